"""Reading what leads type to change the competitor list, and `/intel vs <name>`. Pure.

    /intel vs Initech                      (also `vs:Initech`, `vs "Initech Corp"`)
    /intel competitors                     the list
    /intel competitors merge "Initech Inc" into Initech
    /intel competitors rename Initech to "Initech Corp"
    /intel competitors alias Initech INTC  (one more spelling)
    /intel competitors history Initech

A name with spaces can be quoted; unquoted, the words before `into`/`to` are the first name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.slack_text import plain
from bot.user_error import UserError

_TOKEN = re.compile(r'"([^"]*)"|\u201c([^\u201d]*)\u201d|(\S+)')
USAGE = {
    "merge": '/intel competitors merge "Initech Inc" into Initech',
    "rename": '/intel competitors rename Initech to "Initech Corp"',
    "alias": "/intel competitors alias Initech INTC",
    "history": "/intel competitors history Initech",
}


@dataclass(frozen=True)
class ListChange:
    action: str  # list | merge | rename | alias | history
    first: str = ""  # the competitor (merge: the one that goes)
    second: str = ""  # merge: the one that stays; rename: the new name; alias: the spelling


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(word or quoted name, was quoted)."""
    return [(m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3),
             m.group(3) is None) for m in _TOKEN.finditer(text)]


def _join(tokens: list[tuple[str, bool]]) -> str:
    return " ".join(t for t, _ in tokens).strip()


def _split(tokens: list[tuple[str, bool]], word: str, action: str) -> tuple[str, str]:
    at = [i for i, (t, quoted) in enumerate(tokens) if not quoted and t.lower() == word]
    if len(at) != 1 or at[0] == 0 or at[0] == len(tokens) - 1:
        hint = " (quote a name that has the word in it)" if len(at) > 1 else ""
        raise UserError(f"Type it like `{USAGE[action]}`{hint}.", field=action)
    return _join(tokens[:at[0]]), _join(tokens[at[0] + 1:])


def parse_list_change(text: str | None) -> ListChange:
    """What follows `/intel competitors` (as Slack sends it)."""
    tokens = _tokens(plain(text))
    if not tokens:
        return ListChange("list")
    action, rest = tokens[0][0].lower(), tokens[1:]
    if action == "merge":
        return ListChange("merge", *_split(rest, "into", "merge"))
    if action == "rename":
        return ListChange("rename", *_split(rest, "to", "rename"))
    if action == "alias":
        if len(rest) < 2:
            raise UserError(f"Type it like `{USAGE['alias']}`.", field="alias")
        if rest[0][1] or len(rest) == 2:
            return ListChange("alias", rest[0][0], _join(rest[1:]))
        raise UserError("Quote a name with spaces, like `/intel competitors alias \"Initech Corp\" "
                        "INTC`.", field="alias")
    if action == "history" and rest:
        return ListChange("history", _join(rest))
    raise UserError("Type `/intel competitors` for the list, or one of: "
                    + ", ".join(f"`{u}`" for u in USAGE.values()) + ".", field="action")


_BARE_VS = re.compile(r'\s*vs(?::\s*|\s+)("[^"]*"|\u201c[^\u201d]*\u201d|\S.*)\s*', re.I | re.S)


def asks_for_battlecard(text: str | None) -> bool:
    """`/intel vs Initech`, `/intel vs:Initech`, `/intel vs:"Initech Corp"`: a battlecard. `/intel vs:Initech
    cut prices` shares intel (a `vs:` name followed by more words)."""
    raw = plain(text).strip()
    if raw.lower() in ("vs", "vs:") or re.match(r"vs\s", raw, re.I):
        return True
    match = _BARE_VS.fullmatch(raw)
    if match is None:
        return False
    return match.group(1).startswith(('"', "\u201c")) or len(match.group(1).split()) == 1


def parse_vs(text: str | None) -> str:
    """The competitor named after `/intel vs` (`Initech`, `vs:Initech`, `"Initech Corp"`)."""
    raw = plain(text).strip()
    raw = re.sub(r"^vs:?\s*", "", raw, flags=re.I)
    tokens = _tokens(raw)
    name = _join(tokens)
    if not name:
        raise UserError("Which competitor? Type it like `/intel vs Initech`.", field="name")
    return name
