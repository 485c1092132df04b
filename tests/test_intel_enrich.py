"""Link enrichment: the post goes out first, then gains the page's title and description; the fetch
is safe (http/https only, no private addresses unless allowed, checked on every redirect, at most 3
redirects, a size cap, short timeouts). Pages come from a local http.server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.intel import link_preview as intel_fetch
from bot.intel.link_preview import FetchRefused, fetch_preview, parse_preview
from bot.sandbox.seed import JOINT, MARK, SALES
from bot.sandbox.stack import SandboxStack
from tests.intel_helpers import block_text, no_dns, shares  # noqa: F401 - fixture

OG_PAGE = (b"<html><head><meta charset='utf-8'><title>Fallback title</title>"
           b"<meta property='og:title' content='Acme Pricing &amp; Plans'>"
           b"<meta property='og:description' content='Starter is now $29 a month.'>"
           b"</head><body>hi</body></html>")
PLAIN_PAGE = (b"<html><head><title>\n  Globex  launches Atlas </title>"
              b"<meta name='description' content='A new analytics suite.'></head><body></body></html>")


class _Pages(BaseHTTPRequestHandler):
    hits: list[tuple[float, str, str]]  # (time, path, Host header)

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits.append((time.time(), self.path, self.headers.get("Host", "")))
        path = self.path
        if path == "/og":
            self._html(OG_PAGE)
        elif path == "/plain":
            self._html(PLAIN_PAGE)
        elif path == "/slow":
            time.sleep(1.0)
            self._html(OG_PAGE)
        elif path == "/hang":
            time.sleep(2.0)
            self._html(OG_PAGE)
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect("/og" if left == 0 else f"/hop/{left - 1}")
        elif path == "/to-other-host":
            self._redirect(f"http://127.0.0.2:{self.server.server_address[1]}/og")
        elif path == "/pdf":
            self._send(200, b"%PDF-1.7", "application/pdf")
        elif path == "/big":
            self._html(b"<html><head>" + b"<!-- filler -->" * 80_000 + b"<title>Too far</title></head></html>")
        else:
            self._send(404, b"not here", "text/plain")

    def _html(self, body: bytes) -> None:
        self._send(200, body, "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@pytest.fixture
def pages() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _url(server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


@pytest.fixture
def open_stack(db) -> Iterator[SandboxStack]:
    """A stack that may fetch private addresses (the local test pages)."""
    s = SandboxStack(engine=db, TRUCE_ALLOW_PRIVATE_FETCH="true")
    yield s
    s.stop()


# --- through Slack ---------------------------------------------------------------------------------------


def test_the_post_goes_out_first_then_gains_the_pages_title(open_stack, pages):
    stack = open_stack
    stack.driver.command(MARK, "/intel", f"Acme's new pricing <{_url(pages, '/og')}>")
    for channel in (SALES, JOINT):
        [post] = stack.state.messages(channel)
        text = block_text(post)
        assert f"<{_url(pages, '/og')}|Acme Pricing &amp; Plans>" in text
        assert ">Starter is now $29 a month." in text
    posted = [i for i, (m, _) in enumerate(stack.state.calls) if m == "chat.postMessage"]
    updated = [i for i, (m, _) in enumerate(stack.state.calls) if m == "chat.update"]
    assert len(updated) == 2 and max(posted) < min(updated)
    fetched_at = pages.hits[0][0]
    assert float(stack.state.messages(SALES)[0].ts) < fetched_at
    assert float(stack.state.ephemerals_for(MARK)[-1].ts) < fetched_at  # the sharer heard first
    share = shares(stack)[0]
    assert (share.link_title, share.enrichment) == ("Acme Pricing & Plans", "done")


def test_a_slow_page_never_delays_the_share(open_stack, pages):
    stack = open_stack
    result = stack.driver.command(MARK, "/intel", f"Globex launch <{_url(pages, '/slow')}>")
    assert result.status_code == 200
    [hit] = pages.hits
    answered = hit[0] + 1.0  # the page answered a second after it was asked
    assert float(stack.state.messages(SALES)[0].ts) < answered
    assert float(stack.state.ephemerals_for(MARK)[-1].ts) < answered
    assert "Acme Pricing" in block_text(stack.state.messages(SALES)[0])  # and the update came later


def test_a_failing_page_leaves_the_post_as_it_was(open_stack, pages, monkeypatch):
    stack = open_stack
    monkeypatch.setattr(intel_fetch, "TIMEOUT", 0.5)
    stack.driver.command(MARK, "/intel", f"Globex launch <{_url(pages, '/hang')}>")
    [post] = stack.state.messages(SALES)
    assert "Globex launch" in block_text(post)
    assert stack.state.calls_to("chat.update") == []
    assert shares(stack)[0].enrichment == "failed"


def test_private_addresses_are_refused_by_default(stack, pages):
    stack.driver.command(MARK, "/intel", f"Internal wiki <{_url(pages, '/og')}>")
    assert pages.hits == []
    assert len(stack.state.messages(SALES)) == 1
    assert stack.state.calls_to("chat.update") == []
    assert shares(stack)[0].enrichment == "failed"


# --- the fetcher itself ----------------------------------------------------------------------------------


def test_title_and_meta_description_are_read_when_there_is_no_open_graph(pages):
    preview = fetch_preview(_url(pages, "/plain"), allow_private=True)
    assert (preview.title, preview.description) == ("Globex launches Atlas", "A new analytics suite.")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254",
                                     "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1"])
def test_every_non_public_address_is_refused(address, monkeypatch):
    monkeypatch.setattr(intel_fetch, "resolve", lambda host, port: ["93.184.216.34", address])
    with pytest.raises(FetchRefused, match="non-public"):
        fetch_preview("https://news.example/article")


# Every spelling of a non-public address, as a link would carry it (the real resolver reads IP literals
# without DNS): refused before any connection.
REFUSED_LINKS = [
    "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f.1/", "http://0x7f000001/",
    "http://0177.0.0.1/", "http://0/", "http://0.0.0.0/", "http://10.0.0.1/", "http://169.254.169.254/",
    "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/",
    "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/", "http://[::10.0.0.1]/", "http://[::8.8.8.8]/",  # IPv4-compatible: deprecated
    "http://[::ffff:0:127.0.0.1]/",                                         # IPv4-translated
    "http://[2002:7f00:1::1]/", "http://[2002:c0a8:1::1]/", "http://[2002:a9fe:a9fe::]/",  # 6to4
    "http://[64:ff9b::127.0.0.1]/", "http://[64:ff9b::a00:1]/", "http://[64:ff9b:1::1]/",  # NAT64
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",                        # Teredo
    "http://[fe80::1%25eth0]/", "http://[2606:4700:4700::1111%25eth0]/",     # zone ids
]
PUBLIC_LINKS = [
    "http://93.184.216.34/", "https://[2606:4700:4700::1111]/", "http://[::ffff:93.184.216.34]/",
    "http://[2002:5db8:d822::1]/", "http://[64:ff9b::93.184.216.34]/",
]


@pytest.mark.parametrize("url", REFUSED_LINKS)
def test_every_spelling_of_a_non_public_address_is_refused(url):
    with pytest.raises(FetchRefused, match="non-public"):
        intel_fetch.check_target(url, allow_private=False)


@pytest.mark.parametrize("url", PUBLIC_LINKS)
def test_public_addresses_in_any_form_are_allowed(url):
    _host, address, port = intel_fetch.check_target(url, allow_private=False)
    assert address and port in (80, 443)


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "0177.0.0.1", "[::ffff:127.0.0.1]", "[::127.0.0.1]"])
def test_a_loopback_link_in_disguise_never_reaches_the_server(pages, host):
    with pytest.raises(FetchRefused):
        fetch_preview(f"http://{host}:{pages.server_address[1]}/og")
    assert pages.hits == []


def test_only_http_and_https(pages):
    with pytest.raises(FetchRefused, match="scheme"):
        fetch_preview("ftp://127.0.0.1/file", allow_private=True)


def test_redirects_are_followed_three_times_at_most(pages):
    assert fetch_preview(_url(pages, "/hop/2"), allow_private=True).title == "Acme Pricing & Plans"
    with pytest.raises(FetchRefused, match="more than 3 redirects"):
        fetch_preview(_url(pages, "/hop/3"), allow_private=True)


def test_every_redirect_is_checked_again(pages, monkeypatch):
    monkeypatch.setattr(intel_fetch, "_public", lambda address: address == "127.0.0.1")
    assert fetch_preview(_url(pages, "/og")).title == "Acme Pricing & Plans"
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.2"):
        fetch_preview(_url(pages, "/to-other-host"))
    assert [h[1] for h in pages.hits] == ["/og", "/to-other-host"]


def test_the_connection_goes_to_the_checked_address(pages, monkeypatch):
    monkeypatch.setattr(intel_fetch, "resolve", lambda host, port: ["127.0.0.1"])
    monkeypatch.setattr(intel_fetch, "_public", lambda address: True)
    port = pages.server_address[1]
    assert fetch_preview(f"http://news.example:{port}/og").title == "Acme Pricing & Plans"
    assert pages.hits[-1][2] == f"news.example:{port}"


def test_non_html_and_oversized_pages_give_nothing(pages):
    assert fetch_preview(_url(pages, "/pdf"), allow_private=True) is None
    assert fetch_preview(_url(pages, "/big"), allow_private=True) is None  # the title is past the size cap


def test_parse_preview_handles_entities_charsets_and_missing_tags():
    assert parse_preview(b"<title>Caf\xe9 &amp; Co</title>", charset="latin-1").title == "Café & Co"
    assert parse_preview(b"<meta charset='iso-8859-1'><title>Caf\xe9</title>").title == "Café"
    assert parse_preview(b"<html><body>No head at all</body></html>") is None
    long = parse_preview(b"<title>" + b"x" * 500 + b"</title>")
    assert len(long.title) == 300 and long.title.endswith("…")
