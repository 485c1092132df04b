"""How a competitor's name is compared: one key for every spelling of the same company.

`Initech`, `INITECH`, `initech inc`, `Initech, Inc.` and `Initech Corp` all have the key `initech`:
case, accents, punctuation and a trailing legal form (Inc, Corp, Ltd, GmbH, S.A. ...) do not make a
different competitor. The key never loses the whole name ("Co" alone stays "co"). Pure functions.
"""

from __future__ import annotations

import re
import unicodedata

from bot.slack_text import esc
from bot.user_error import UserError

NAME_MAX = 100  # the longest a competitor's name may be (the win/loss log's limit; intel allows 80)

# Legal forms that say nothing about which company it is, when they end a name of two words or more.
LEGAL_FORMS = frozenset((
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp", "lp", "plc",
    "gmbh", "mbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "oyj", "ab", "as", "asa",
    "pty", "pte", "kk", "se", "sl", "sro",
))
_JOINERS = frozenset({"and", "the"})
_DROPPED = re.compile("[.'`\u2019\u00b4]")  # "Inc." "S.A." "McDonald's": these vanish without splitting the word
_SEPARATOR = re.compile(r"[^\w]+|_+")



def words(text: str | None) -> list[str]:
    """The words of `text` as they are compared: case-folded, accents and punctuation dropped,
    `&` read as "and"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    return [w for w in _SEPARATOR.split(_DROPPED.sub("", text)) if w]


def competitor_key(name: str | None) -> str:
    """The key every spelling of one competitor shares (empty for a name with no letters or digits)."""
    parts = words(name)
    if len(parts) > 1 and parts[0] == "the":
        parts = parts[1:]
    while len(parts) > 1 and (parts[-1] in LEGAL_FORMS or parts[-1] in _JOINERS):
        parts = parts[:-1]
    return " ".join(parts)[:NAME_MAX]


def clean_name(name: str | None, *, field: str = "name") -> str:
    """The name as it is shown: whitespace collapsed, checked. Raises UserError (about `field`)
    saying what is wrong."""
    name = " ".join((name or "").split())
    if not name:
        raise UserError("Name the competitor, like `Initech` or `\"Initech Corp\"`.", field=field)
    if len(name) > NAME_MAX:
        raise UserError(f"A competitor's name can be at most {NAME_MAX} characters "
                        f"(that one is {len(name)}).", field=field)
    if not competitor_key(name):
        raise UserError(f"“{esc(name)}” has no letters or digits to tell which competitor it is.", field=field)
    return name


def mentions(text: str | None, keys: set[str] | frozenset[str]) -> bool:
    """Whether `text` names a competitor whose spellings have these keys (whole words only:
    "Initech" is in "we lost to INITECH, Inc." but not in "Initechnology")."""
    padded = f" {' '.join(words(text))} "
    return any(key and f" {key} " in padded for key in keys)
