"""Link previews for intel shares: fetch a page's title and description, safely.

Only http/https; the host is resolved first and every address checked (no private, loopback,
link-local or otherwise non-public address unless TRUCE_ALLOW_PRIVATE_FETCH is true, in any
spelling: the resolver turns 2130706433, 0x7f.1 or 0177.0.0.1 into 127.0.0.1 before the check, and
an IPv6 address that embeds an IPv4 one, mapped, 6to4 or NAT64, needs that one to be public); the
connection then goes to the checked address itself (so a second DNS answer cannot swap it); each
redirect is checked the same way, at most 3 of them; short timeouts and a size cap. The page is
read with the standard library's html.parser.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

log = logging.getLogger(__name__)

TIMEOUT = 3.0  # seconds for each of connect / read, and for the whole fetch
MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "TruceBot/1.0 (link preview for shared market intel)"


class FetchRefused(Exception):
    """The link may not be fetched (scheme, address, redirects)."""


@dataclass(frozen=True)
class Preview:
    title: str | None
    description: str | None


# IPv6 forms that carry an IPv4 address in their last 32 bits (or, for 6to4, bits 16-48): the IPv4
# address inside is where the packet really goes, so it must be public too.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
# Never public: IPv4-compatible (deprecated; ::127.0.0.1 is loopback on some systems), the local-use
# NAT64 prefix, and Teredo tunnels (they reach whatever the relay lets them reach).
_REFUSED = [ipaddress.ip_network(n) for n in ("::/96", "64:ff9b:1::/48", "2001::/32")]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in _NAT64 or ip in _IPV4_TRANSLATED:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _public(address: str) -> bool:
    """Whether Truce may connect to `address` (as the resolver gave it): a global unicast address,
    and so is any IPv4 address it embeds. A zone id (fe80::1%eth0) names a local interface: refused."""
    if "%" in address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in _REFUSED):
            return False
        inner = _embedded_ipv4(ip)
        if inner is not None and not _public(str(inner)):
            return False
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchRefused(f"{host} has no address")
    return addresses


def check_target(url: str, *, allow_private: bool) -> tuple[str, str, int]:
    """(host, address to connect to, port) for a URL Truce may fetch, else FetchRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"scheme {parts.scheme!r} is not http or https")
    host = parts.hostname
    if not host:
        raise FetchRefused("no host")
    if "%" in host:
        raise FetchRefused(f"{host} is a non-public address (a zone id names a local network interface)")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not allow_private:
        bad = [a for a in addresses if not _public(a)]
        if bad:
            raise FetchRefused(f"{host} resolves to a non-public address ({', '.join(bad)})")
    return host, addresses[0], port


def _pinned(url: str, address: str) -> str:
    parts = urlsplit(url)
    netloc = f"[{address}]" if ":" in address else address
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{parts.port}" if parts.port else host


def fetch_preview(url: str, *, allow_private: bool = False, timeout: float | None = None,
                  max_bytes: int | None = None, max_redirects: int = MAX_REDIRECTS) -> Preview | None:
    """The page's title and description; None when it has none or is not an HTML page.
    Raises FetchRefused for a link that must not be fetched, httpx.HTTPError for network trouble."""
    import httpx  # only here: a fifth of a second of start-up for what runs in the background

    timeout = TIMEOUT if timeout is None else timeout
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False,
                      verify=True) as client:
        for _hop in range(max_redirects + 1):
            host, address, _port = check_target(url, allow_private=allow_private)
            extensions = {"sni_hostname": host} if url.lower().startswith("https") else {}
            headers = {"Host": _host_header(url), "User-Agent": USER_AGENT,
                       "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
            with client.stream("GET", _pinned(url, address), headers=headers, extensions=extensions) as resp:
                if resp.is_redirect and resp.headers.get("location"):
                    url = urljoin(url, resp.headers["location"])
                    continue
                if resp.status_code != 200:
                    log.info("link preview: %s answered %s", host, resp.status_code)
                    return None
                ctype = resp.headers.get("content-type", "")
                if "html" not in ctype.lower():
                    return None
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body.extend(chunk)
                    if len(body) >= max_bytes or time.monotonic() > deadline:
                        break
                return parse_preview(bytes(body[:max_bytes]), charset=resp.charset_encoding)
        raise FetchRefused(f"more than {max_redirects} redirects")


# --- reading the page ------------------------------------------------------------------------------


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.title_parts:
            self._in_title = True
        elif tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            key = (a.get("property") or a.get("name") or "").lower()
            if key in ("og:title", "og:description", "description", "twitter:title", "twitter:description") \
                    and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"]
        elif tag == "body" and (self.title_parts or self.meta):
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)


def _clean(text: str | None, limit: int) -> str | None:
    text = " ".join((text or "").split())
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)


def parse_preview(body: bytes, *, charset: str | None = None) -> Preview | None:
    if not charset:
        match = _META_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    parser = _HeadParser()
    for start in range(0, len(text), 8192):  # stop as soon as the <head> is read
        parser.feed(text[start:start + 8192])
        if parser.done:
            break
    parser.close()
    meta = parser.meta
    title = _clean(meta.get("og:title") or meta.get("twitter:title") or "".join(parser.title_parts), 300)
    description = _clean(meta.get("og:description") or meta.get("description")
                         or meta.get("twitter:description"), 600)
    if not title and not description:
        return None
    return Preview(title=title, description=description)
