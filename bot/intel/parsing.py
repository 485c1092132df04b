"""Reading what people type for /intel: Slack's message markup, `#kind`, `vs:Name`, links, and
search filters. Pure functions; every mistake raises UserError with what to type instead."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from bot.intel.models import KINDS, IntelShare
from bot.slack_text import esc
from bot.user_error import UserError

SUMMARY_LIMIT = 3000
COMPETITOR_LIMIT = 80
WHY_LIMIT = 2000
LINK_LIMIT = 2000
EXAMPLE = "/intel #pricing Acme cut list prices by 20% vs:Acme https://acme.example/pricing"




@dataclass(frozen=True)
class ShareDraft:
    summary: str
    kind: str = "other"
    competitor: str | None = None
    link: str | None = None
    why: str | None = None


# --- Slack's markup -> plain text ---------------------------------------------------------------

_MARKUP = re.compile(r"<([^<>]*)>")
_USER = re.compile(r"^@([UW][A-Z0-9]+)(?:\|.*)?$")
_CHANNEL = re.compile(r"^#([CG][A-Z0-9]+)(?:\|(.*))?$")


def _markup(match: re.Match, *, typed: bool = False) -> str:
    inner = match.group(1)
    user = _USER.match(inner)
    if user:
        return f"<@{user.group(1)}>"  # a person stays a mention (rendering keeps exactly this form)
    channel = _CHANNEL.match(inner)
    if channel:
        return f"#{channel.group(2)}" if channel.group(2) else f"<#{channel.group(1)}>"
    if inner.startswith("!"):
        target, _, label = inner[1:].partition("|")
        if label:
            return label if label.startswith("@") or target.startswith("date") else "@" + label
        word = target.split("^")[0]
        return "@group" if word == "subteam" else "@" + word
    url, _, label = inner.partition("|")
    if url.startswith("mailto:"):
        return label or url.removeprefix("mailto:")
    bare = re.sub(r"^https?://", "", url).rstrip("/")
    if typed and label and label.rstrip("/") in (url.rstrip("/"), bare):
        return label  # what the person typed; Slack added the scheme
    if not label or label.rstrip("/") in (url.rstrip("/"), bare):
        return url
    return f"{label} ({url})"


def from_slack(text: str | None, *, typed: bool = False) -> str:
    """Slack's escaped message text as plain text: links unwrapped, broadcasts (`<!here>`, user
    groups) turned into harmless words, `&lt;`/`&gt;`/`&amp;` decoded. People stay `<@U…>`.
    `typed=True` gives links back as the person wrote them (to echo a refused command)."""
    if not text:
        return ""
    plain = _MARKUP.sub(lambda m: _markup(m, typed=typed), text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


# --- links -----------------------------------------------------------------------------------

_URLISH = re.compile(r"(?<![\w@])([a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"]*)")
_HOST = re.compile(r"^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9-]{1,63})*$")


def check_link(url: str) -> str:
    """The link when it is a usable http(s) URL; otherwise UserError saying why."""
    url = url.strip()
    if len(url) > LINK_LIMIT:
        raise UserError(f"That link is {len(url):,} characters long; links can be at most {LINK_LIMIT:,}.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise UserError(f"`{url}` is not a link I can use. Links look like https://example.com/page.") \
            from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError(f"`{url}` is not a web link: links must start with http:// or https://.")
    ip = _is_ip_literal(host)
    if not host or not (ip or _HOST.match(host)) or (not ip and (
            ("." not in host and host != "localhost") or re.fullmatch(r"[\d.]+", host))):
        raise UserError(f"`{url}` has no valid address after {parts.scheme}://. "
                        "Links look like https://example.com/page.")
    return url


def _is_ip_literal(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _trim_url(url: str) -> str:
    # A sentence's punctuation is not part of the link ("see https://x.com/a.").
    while url and url[-1] in ".,;:!?'\"":
        url = url[:-1]
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


# --- /intel <text> ------------------------------------------------------------------------------

_KIND = re.compile(r"^#([A-Za-z][\w-]*)\s*")
_VS = re.compile(r"(?<!\w)vs:(?:\"([^\"]*)\"|“([^”]*)”|'([^']*)'|(\S*))", re.IGNORECASE)


def kinds_text() -> str:
    return ", ".join(f"`#{k}`" for k in KINDS)


def check_kind(word: str) -> str:
    kind = word.lower().lstrip("#")
    if kind not in KINDS:
        raise UserError(f"I don't know the kind `#{word.lstrip('#')}`. Use one of {kinds_text()} "
                        "(or leave it out for other).")
    return kind


def _take_competitor(text: str) -> tuple[str, str | None]:
    match = _VS.search(text)
    if match is None:
        return text, None
    name = next((g for g in match.groups() if g is not None), "")
    if match.group(4) is not None:
        name = name.rstrip(".,;:!?)")
    name = " ".join(name.split())
    if not name:
        raise UserError('Put the competitor right after `vs:`, like `vs:Acme` or `vs:"Acme Corp"`.')
    return (text[: match.start()] + text[match.end():]), check_competitor(name)


def check_competitor(name: str | None) -> str | None:
    name = " ".join((name or "").split())
    if not name:
        return None
    if len(name) > COMPETITOR_LIMIT:
        raise UserError(f"A competitor's name can be at most {COMPETITOR_LIMIT} characters "
                        f"(that one is {len(name)}).")
    return name


def check_summary(summary: str | None) -> str:
    summary = (summary or "").strip()
    if not summary:
        raise UserError(f"Say what you learned, like `{EXAMPLE}`.")
    if len(summary) > SUMMARY_LIMIT:
        raise UserError(f"That is {len(summary):,} characters; a share can be at most {SUMMARY_LIMIT:,}. "
                        "Shorten it, or put the details behind a link.")
    return summary


def parse_share(text: str | None) -> ShareDraft:
    """`/intel [#kind] <what you learned> [vs:Name] [link]` as a draft share."""
    plain = from_slack(text)
    kind = "other"
    match = _KIND.match(plain)
    if match:
        kind = check_kind(match.group(1))
        plain = plain[match.end():]
    plain, competitor = _take_competitor(plain)
    link = None
    found = _URLISH.search(plain)
    if found:
        link = check_link(_trim_url(found.group(1)))
        rest = (plain[: found.start()] + plain[found.start() + len(link):]).replace("()", "").strip()
        if rest:
            plain = rest
    summary = re.sub(r"[ \t]+([.,;:!?])(?=\s|$)", r"\1", re.sub(r"[ \t]{2,}", " ", plain)).strip()
    return ShareDraft(summary=check_summary(summary), kind=kind, competitor=competitor, link=link)


# --- /intel search <words> ----------------------------------------------------------------------

_SINCE = re.compile(r"(?<!\w)since:(\S*)", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
# PostgreSQL's English configuration ignores these words; SQLite's FTS5 does not, so Truce drops them
# from every search itself and both databases answer alike.
_STOP = """
a about above after again against all am an and any are as at be because been before being below between
both but by can did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now
of off on once only or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with you your yours yourself yourselves
"""
STOPWORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class SearchQuery:
    words: tuple[str, ...] = ()
    kind: str | None = None
    competitor: str | None = None
    since: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.words or self.kind or self.competitor or self.since)


def parse_search(text: str | None) -> SearchQuery:
    """`/intel search <words> [#kind] [vs:Name] [since:YYYY-MM-DD]`."""
    plain = from_slack(text)
    kind = None
    for tag in re.finditer(r"(?<![\w&])#([A-Za-z][\w-]*)", plain):
        kind = check_kind(tag.group(1))
    plain = re.sub(r"(?<![\w&])#[A-Za-z][\w-]*", " ", plain)
    plain, competitor = _take_competitor(plain)
    since = None
    match = _SINCE.search(plain)
    if match:
        try:
            since = date.fromisoformat(match.group(1))
        except ValueError:
            raise UserError(f"`since:{esc(match.group(1))}` is not a date I can read: write it like "
                            "`since:2026-01-31` (year-month-day).") from None
        plain = plain[: match.start()] + plain[match.end():]
    words = tuple(w.lower() for w in _WORD.findall(plain) if w.lower() not in STOPWORDS)[:12]
    return SearchQuery(words=words, kind=kind, competitor=competitor, since=since)


def message_draft(text: str | None) -> ShareDraft | None:
    """A draft from someone's Slack message (reaction or shortcut): `#kind`, `vs:` and a link are
    read when present; anything unusable is simply left in the text. None when it has no text."""
    try:
        return parse_share(text)
    except UserError:
        plain = from_slack(text)
        if not plain:
            return None
        return ShareDraft(summary=plain if len(plain) <= SUMMARY_LIMIT else plain[: SUMMARY_LIMIT - 1] + "…")


PAGE = 10


@dataclass
class SearchPage:
    shares: list[IntelShare]
    offset: int
    has_more: bool
    links: dict[int, str] = field(default_factory=dict)  # share id -> permalink of its best copy
