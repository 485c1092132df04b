"""Slack's text formats as HTML, the way Slack's client shows them.

`mrkdwn`: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes, line breaks, :emoji:, and the
`<…>` tokens (`<@U…>` as the person's name, `<#C…|name>`, `<!here>`, `<!date^…>` in the reader's
timezone, `<https://…|label>` links). Text arrives Slack-escaped (`&amp;`, `&lt;`, `&gt;`); the HTML
made from it is escaped anew, so nothing an app or a person sends can inject markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import emoji as emoji_lib
from markupsafe import Markup

from bot.sandbox import slackdates
from bot.sandbox.state import WorkspaceState

_TOKEN = re.compile(r"<([^<>\n]+)>")
_FENCE = re.compile(r"```(.+?)```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_EMOJI = re.compile(r":([a-z0-9_+'\-]+):")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")
_SLOT = re.compile("\x00(\\d+)\x00")
# Slack's names that the emoji package spells otherwise.
SLACK_EMOJI = {
    "large_orange_circle": "🟠", "large_yellow_circle": "🟡", "large_green_circle": "🟢",
    "large_purple_circle": "🟣", "large_brown_circle": "🟤", "thumbsup": "👍", "thumbsdown": "👎",
    "simple_smile": "🙂", "slightly_smiling_face": "🙂", "white_check_mark": "✅",
}


@dataclass(frozen=True)
class Reader:
    """Who reads the text: names come from the workspace, dates in the reader's timezone."""

    state: WorkspaceState
    user_id: str = ""
    timezone: str = "UTC"


def emoji(name: str) -> str:
    """The character for a Slack emoji name (`+1`, `bulb`, `raising_hand`…), or the `:name:` itself."""
    name = name.strip(":")
    if name in SLACK_EMOJI:
        return SLACK_EMOJI[name]
    for language in ("alias", "en"):
        char = emoji_lib.emojize(f":{name}:", language=language)
        if char != f":{name}:":
            return char
    return f":{name}:"


def _emojis(escaped: str) -> str:
    return _EMOJI.sub(lambda m: emoji(m.group(1)) if emoji(m.group(1)) != m.group(0) else m.group(0), escaped)


def _token(inner: str, reader: Reader) -> str:
    target, _, label = inner.partition("|")
    state = reader.state
    if target.startswith("@"):
        user = state.users.get(target[1:])
        name = user.real_name or user.name if user else (label or target[1:])
        me = " mention-me" if target[1:] == reader.user_id else ""
        return f'<span class="mention{me}" data-user="{html.escape(target[1:])}">@{html.escape(name)}</span>'
    if target.startswith("#"):
        ch = state.channels.get(target[1:])
        name = label or (ch.name if ch else target[1:])
        return (f'<a class="channel-link" href="#" data-goto="{html.escape(target[1:])}">'
                f"#{html.escape(name)}</a>")
    if target.startswith("!date^"):
        return f'<span class="date-token">{html.escape(slackdates.render(inner, reader.timezone))}</span>'
    if target.startswith("!subteam^"):
        return f'<span class="mention">{html.escape(label or "@group")}</span>'
    if target.startswith("!"):
        word = (label or target[1:]).lstrip("@").split("^")[0]
        return f'<span class="mention mention-broadcast">@{html.escape(word)}</span>'
    url = html.unescape(target)
    archive = rf"https://{re.escape(state.domain)}\.slack\.com/archives/"
    permalink = re.fullmatch(archive + r"([A-Z0-9]+)/p(\d+)(\d{6})", url)
    if permalink:  # a link to a message in this workspace opens it here, as Slack's client does
        channel, ts = permalink.group(1), f"{permalink.group(2)}.{permalink.group(3)}"
        msg = state.find_message(channel, ts)
        thread = msg.thread_ts if msg is not None and msg.thread_ts and msg.thread_ts != ts else ""
        shown = html.escape(html.unescape(label)) if label else html.escape(url)
        return (f'<a href="#" data-goto="{html.escape(channel)}" data-msg="{html.escape(ts)}" '
                f'data-thread="{html.escape(thread)}">{shown}</a>')
    safe = url if url.startswith(("http://", "https://", "mailto:")) else "#"
    shown = html.escape(html.unescape(label)) if label else html.escape(url)
    return f'<a href="{html.escape(safe)}" target="_blank" rel="noopener noreferrer">{shown}</a>'


def _plain_escape(text: str) -> str:
    """Slack-escaped text to HTML-escaped text."""
    return html.escape(html.unescape(text), quote=False)


def to_html(text: str | None, reader: Reader) -> Markup:
    if not text:
        return Markup("")
    slots: list[str] = []

    def keep(fragment: str) -> str:
        slots.append(fragment)
        return f"\x00{len(slots) - 1}\x00"

    text = _FENCE.sub(lambda m: keep(f'<pre class="code-block">{_plain_escape(m.group(1).strip(chr(10)))}</pre>'),
                      text)
    text = _CODE.sub(lambda m: keep(f'<code>{_plain_escape(m.group(1))}</code>'), text)
    text = _TOKEN.sub(lambda m: keep(_token(m.group(1), reader)), text)
    out = _plain_escape(text)
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _ITALIC.sub(r"<i>\1</i>", out)
    out = _STRIKE.sub(r"<s>\1</s>", out)
    out = _emojis(out)
    lines, quote, result = out.split("\n"), [], []
    for line in lines:
        if line.startswith("&gt; ") or line == "&gt;":
            quote.append(line[5:])
            continue
        if quote:
            result.append('<blockquote>' + "<br>".join(quote) + "</blockquote>")
            quote = []
        result.append(line + "<br>")
    if quote:
        result.append('<blockquote>' + "<br>".join(quote) + "</blockquote>")
    joined = "".join(result)
    joined = joined[:-4] if joined.endswith("<br>") else joined
    joined = _SLOT.sub(lambda m: slots[int(m.group(1))], joined)
    return Markup(joined)


def plain_html(text: str | None, with_emoji: bool = True) -> Markup:
    """A plain_text object's text: escaped, its :emoji: shown when `emoji` is on (Slack's default)."""
    out = html.escape(text or "", quote=False)
    return Markup(_emojis(out) if with_emoji else out)


def text_object(obj: dict | None, reader: Reader) -> Markup:
    if not isinstance(obj, dict):
        return Markup("")
    if obj.get("type") == "mrkdwn":
        return to_html(obj.get("text", ""), reader)
    return plain_html(obj.get("text", ""), obj.get("emoji", True) is not False)
