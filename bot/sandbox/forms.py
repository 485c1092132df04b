"""A modal's inputs as a person sees them: what each asks for (its options, its format) and what a
typed answer becomes in the submission, as Slack's own controls would send it (an option's value,
a person's ID, a date picker's YYYY-MM-DD). The terminal shell lists and fills forms with these;
the web page renders the same inputs as real controls."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot import clock
from bot.sandbox import compose
from bot.sandbox.state import WorkspaceState

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MULTI = ("multi_static_select", "multi_users_select", "multi_conversations_select", "multi_channels_select",
         "multi_external_select", "checkboxes")


@dataclass
class Field:
    block_id: str
    action_id: str
    label: str
    kind: str
    optional: bool
    hint: str
    element: dict[str, Any]
    name: str = ""  # how the shell calls it: the action_id, or the block_id where action_ids repeat
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, value)

    @property
    def key(self) -> str:
        return f"{self.block_id}.{self.action_id}"

    @property
    def multi(self) -> bool:
        return self.kind in MULTI


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else str(obj or "")


def option_list(element: dict[str, Any]) -> list[tuple[str, str]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options", []))
    return [(_text(o.get("text")), str(o.get("value"))) for o in options]


def fields(view: dict[str, Any]) -> list[Field]:
    found = []
    for block in view.get("blocks", []):
        if block.get("type") != "input" or not block.get("element"):
            continue
        el = block["element"]
        found.append(Field(block.get("block_id", ""), el.get("action_id", ""), _text(block.get("label")),
                           el.get("type", ""), bool(block.get("optional")), _text(block.get("hint")), el,
                           options=option_list(el)))
    counts: dict[str, int] = {}
    for f in found:
        counts[f.action_id] = counts.get(f.action_id, 0) + 1
    for f in found:
        f.name = f.action_id if counts[f.action_id] == 1 else f.block_id
    return found


def find(view: dict[str, Any], name: str) -> Field:
    wanted = name.strip().lower()
    every = fields(view)
    for f in every:
        if wanted in (f.name.lower(), f.action_id.lower(), f.block_id.lower(), f.key.lower(), f.label.lower()):
            return f
    raise ValueError(f"this form has no field {name!r}; its fields: " + ", ".join(f.name for f in every))


def _people(state: WorkspaceState) -> str:
    with state.lock:
        return ", ".join(f"@{u.name}" for u in state.users.values() if not u.is_bot)


def describe(f: Field, state: WorkspaceState) -> str:
    """What the field takes, in a few words: its options, a format, the people one may name."""
    kind = f.kind
    if f.options:
        bare = [(re.sub(r":[a-z0-9_+\-]+:", "", label).strip(), value) for label, value in f.options]
        choices = ", ".join(value if label.lower() == value.lower() else f"{value} ({label})" for label, value in bare)
        return ("one or more of" if f.multi else "one of") + ": " + choices
    if kind in ("users_select", "multi_users_select"):
        return ("people, comma-separated" if f.multi else "a person") + ": " + _people(state)
    if kind in ("conversations_select", "channels_select", "multi_conversations_select", "multi_channels_select"):
        return ("channels, comma-separated" if f.multi else "a channel") + ", e.g. #sales"
    if kind == "datepicker":
        return "a date picker: YYYY-MM-DD, or today / tomorrow / +3d"
    if kind == "timepicker":
        return "a time picker: HH:MM (24-hour)"
    if kind == "number_input":
        return "a number" + ("" if f.element.get("is_decimal_allowed") else " (whole)")
    most = f.element.get("max_length")
    lines = "text, several lines" if f.element.get("multiline") else "text"
    return f"{lines}, up to {most} characters" if most else lines


def _date(typed: str) -> str:
    today = clock.now().date()
    word = typed.strip().lower()
    relative = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in relative:
        return (today + timedelta(days=relative[word])).isoformat()
    match = re.fullmatch(r"\+(\d{1,4})d", word)
    if match:
        return (today + timedelta(days=int(match.group(1)))).isoformat()
    try:
        return date.fromisoformat(word).isoformat()
    except ValueError:
        raise ValueError(f"{typed!r} is not a date: a date picker gives YYYY-MM-DD (or type today, "
                         "tomorrow, +3d)") from None


def _option(f: Field, typed: str) -> str:
    wanted = typed.strip().lower()
    for label, value in f.options:
        if wanted in (value.lower(), label.lower()):
            return value
    for label, value in f.options:  # the words of a label without its emoji: "high" for ":red_circle: High"
        if re.sub(r":[a-z0-9_+\-]+:", "", label).strip().lower() == wanted:
            return value
    raise ValueError(f"{typed!r} is not one of {f.name}'s options: " + ", ".join(v for _, v in f.options))


def _person(state: WorkspaceState, typed: str) -> str:
    user = compose.person(state, typed)
    if user is None:
        raise ValueError(f"no one called {typed!r}; people here: {_people(state)}")
    return user


def _channel(state: WorkspaceState, typed: str) -> str:
    ch = state.channel_by_name(typed.strip())
    if ch is not None:
        return ch.id
    with state.lock:
        if typed.strip() in state.channels:
            return typed.strip()
    raise ValueError(f"no channel {typed!r}, e.g. #sales")


def parse(f: Field, typed: str, state: WorkspaceState) -> Any:
    """What a typed answer becomes in the submitted view's state (as Slack's control would send it)."""
    if f.multi:
        parts = [p for p in re.split(r"[,\s]+", typed.strip()) if p] if f.kind.endswith("users_select") else \
            [p.strip() for p in typed.split(",") if p.strip()]
        return [parse_one(f, p, state) for p in parts]
    return parse_one(f, typed, state) if typed.strip() else None


def parse_one(f: Field, typed: str, state: WorkspaceState) -> Any:
    kind = f.kind
    if f.options:
        return _option(f, typed)
    if kind in ("users_select", "multi_users_select"):
        return _person(state, typed)
    if kind in ("conversations_select", "channels_select", "multi_conversations_select", "multi_channels_select"):
        return _channel(state, typed)
    if kind == "datepicker":
        return _date(typed)
    if kind == "timepicker":
        if not _TIME.match(typed.strip()):
            raise ValueError(f"{typed!r} is not a time: a time picker gives HH:MM, e.g. 09:30")
        hour, minute = typed.strip().split(":")
        return f"{int(hour):02d}:{minute}"
    return typed
