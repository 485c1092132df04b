"""What the page shows one person: the workspace's channels, messages, threads, their Home tab, the
modal open for them and the sandbox clock, read from the emulated Slack (and the clock's schedule)
and rendered with the templates beside this module."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.environment import TemplateModule
from markupsafe import Markup

from bot.sandbox import clock as sandbox_clock
from bot.sandbox import compose
from bot.sandbox.seed import PEOPLE
from bot.sandbox.slackdates import format_token
from bot.sandbox.stack import SandboxStack
from bot.sandbox.state import Message, WorkspaceState
from bot.sandbox.web.mrkdwn import Reader, emoji, plain_html, text_object, to_html

TEMPLATES = Path(__file__).resolve().parent / "templates"
COLORS = ("#e8912d", "#2eb67d", "#36c5f0", "#e01e5a", "#4a154b", "#1264a3", "#9f6b00", "#b24c94", "#3c8a5a")
BOT_COLOR = "#2c3e50"
PICKER = ("+1", "bulb", "raising_hand", "eyes", "white_check_mark", "tada", "heart", "fire", "rocket",
          "thinking_face", "100", "clap", "pray", "joy", "muscle", "ok_hand", "wave", "sparkles", "memo",
          "moneybag", "trophy", "warning", "x", "star")
COMPACT_SECONDS = 300  # consecutive messages of one author within 5 minutes share one header


@dataclass
class Where:
    """What one browser tab looks at: who, where (a channel ID or "app"), which tab, which thread."""

    me: str
    place: str
    tab: str = "home"
    thread: str | None = None



def _macro(module: TemplateModule, name: str) -> Callable[..., Markup]:
    """A macro of a template: Jinja makes each one an attribute of the module, unknown to a type checker."""
    return getattr(module, name)

@dataclass
class Memory:
    """What Slack's client keeps for each person: what they have seen, dismissed, and a form's errors."""

    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    dismissed: dict[str, set[str]] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)  # view id -> block id -> message
    notes: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)  # Slackbot's own notes


def _initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def _color(user_id: str) -> str:
    return COLORS[int(hashlib.sha1(user_id.encode()).hexdigest(), 16) % len(COLORS)]


def people(state: WorkspaceState) -> list[dict[str, Any]]:
    roles = {p.id: p.role for p in PEOPLE}
    with state.lock:
        users = [u for u in state.users.values() if not u.is_bot]
    return [{"id": u.id, "name": u.name, "real_name": u.real_name or u.name, "role": roles.get(u.id, ""),
             "initials": _initials(u.real_name or u.name), "color": _color(u.id)} for u in users]


class Renderer:
    def __init__(self, stack: SandboxStack, memory: Memory):
        self.stack, self.state, self.memory = stack, stack.state, memory
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["emoji"] = emoji
        self.env.filters["option_label"] = lambda o: str(plain_html((o.get("text") or {}).get("text", "")))
        self.env.filters["datetime_local"] = lambda ts: (
            datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M") if ts else "")
        self.panes_tpl = self.env.get_template("panes.html")

    # --- helpers -----------------------------------------------------------------------------
    def reader(self, me: str) -> Reader:
        user = self.state.users.get(me)
        return Reader(self.state, me, user.tz if user else "UTC")

    def _zone(self, me: str) -> ZoneInfo:
        return ZoneInfo(self.reader(me).timezone)

    def _helpers(self, me: str) -> dict[str, Any]:
        reader = self.reader(me)
        with self.state.lock:
            channels = [{"id": c.id, "name": c.name} for c in self.state.channels.values() if not c.is_im]
        return {"txt": lambda obj: text_object(obj, reader), "people": people(self.state), "channels": channels,
                "rich_text": lambda block: self._rich_text(block, reader)}

    @staticmethod
    def _rich_text(block: dict, reader: Reader) -> Markup:
        parts = []
        for section in block.get("elements", []):
            for el in section.get("elements", []):
                if el.get("type") == "text":
                    parts.append(str(plain_html(el.get("text", ""))))
                elif el.get("type") == "user":
                    parts.append(str(to_html(f"<@{el.get('user_id')}>", reader)))
                elif el.get("type") == "link":
                    parts.append(str(to_html(f"<{el.get('url')}|{el.get('text') or el.get('url')}>", reader)))
                elif el.get("type") == "emoji":
                    parts.append(emoji(el.get("name", "")))
            parts.append("<br>")
        return Markup("".join(parts))

    def _when(self, ts: str, me: str) -> datetime:
        return datetime.fromtimestamp(float(ts), UTC).astimezone(self._zone(me))

    def _day(self, moment: datetime, me: str) -> str:
        return format_token(moment.timestamp(), "{date_long_pretty}", self.reader(me).timezone)

    # --- messages ----------------------------------------------------------------------------
    def _author(self, user_id: str) -> dict[str, Any]:
        user = self.state.users.get(user_id)
        if user is not None and user.is_bot:
            return {"name": user.real_name or user.name, "bot": True, "color": BOT_COLOR, "initials": "🤝"}
        name = (user.real_name or user.name) if user else user_id
        return {"name": name, "bot": False, "color": _color(user_id), "initials": _initials(name)}

    def _item(self, me: str, *, ts: str, channel: str, user: str, text: str, blocks: list, surface: dict,
              msg: Message | None = None, ephemeral: bool = False, author: dict | None = None) -> dict[str, Any]:
        moment = self._when(ts, me)
        item = {"ts": ts, "channel": channel, "user": user, "ephemeral": ephemeral, "blocks": blocks,
                "text_html": to_html(text, self.reader(me)), "surface": surface, "moment": moment,
                "time": moment.strftime("%I:%M %p").lstrip("0"),
                "full_time": format_token(moment.timestamp(), "{date_long} at {time}", self.reader(me).timezone),
                "edited": bool(msg and msg.edited and not msg.bot_id), "files": list(msg.files) if msg else [],
                "reactions": [], "replies": None, **(author or self._author(user))}
        if msg is not None:
            with self.state.lock:
                reactions = [(n, list(u)) for n, u in msg.reactions.items() if u]
            names = {u["id"]: u["real_name"] for u in people(self.state)}
            item["reactions"] = [{"name": n, "char": emoji(n), "count": len(u), "mine": me in u,
                                  "who": ", ".join(names.get(x, "Truce") for x in u)} for n, u in reactions]
        return item

    def _message(self, msg: Message, me: str) -> dict[str, Any]:
        item = self._item(me, ts=msg.ts, channel=msg.channel, user=msg.user, text=msg.text, blocks=msg.blocks,
                          surface={"kind": "message", "channel": msg.channel, "ts": msg.ts}, msg=msg)
        replies = self.state.replies(msg.channel, msg.ts) if not msg.thread_ts or msg.thread_ts == msg.ts else []
        if replies:
            seen, avatars = set(), []
            for r in replies:
                if r.user not in seen:
                    seen.add(r.user)
                    avatars.append(self._author(r.user))
            item["replies"] = {"count": len(replies), "avatars": avatars[:4],
                               "last": self._day(self._when(replies[-1].ts, me), me).lower()
                               if self._day(self._when(replies[-1].ts, me), me) in ("Today", "Yesterday")
                               else self._day(self._when(replies[-1].ts, me), me)}
        return item

    def _group(self, items: list[dict[str, Any]], after: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Day dividers, and one header for an author's consecutive messages (as Slack does); `after`:
        the message these follow (a thread's parent)."""
        last = after
        for item in items:
            day = item["moment"].date()
            item["day_divider"] = self._day(item["moment"], item["viewer"]) if last is None or \
                last["moment"].date() != day else None
            item["compact"] = bool(last and not item["day_divider"] and not item["ephemeral"] and not last["ephemeral"]
                                   and last["user"] == item["user"] and not last.get("replies")
                                   and (item["moment"] - last["moment"]).total_seconds() < COMPACT_SECONDS)
            last = item
        return items

    def timeline(self, me: str, channel: str) -> list[dict[str, Any]]:
        items = [self._message(m, me) for m in self.state.messages(channel)]
        hidden = self.memory.dismissed.get(me, set())
        for note in self.state.ephemerals_for(me, channel):
            if note.ts in hidden:
                continue
            items.append(self._item(me, ts=note.ts, channel=channel, user=self.state.bot_user_id, text=note.text,
                                    blocks=note.blocks, ephemeral=True,
                                    surface={"kind": "ephemeral", "channel": channel, "ts": note.ts}))
        for ts, text in self.memory.notes.get((me, channel), []):
            if ts not in hidden:
                items.append(self._item(me, ts=ts, channel=channel, user="USLACKBOT", text=text, blocks=[],
                                        ephemeral=True, surface={"kind": "note"},
                                        author={"name": "Slackbot", "bot": True, "color": "#4a154b",
                                                "initials": "💬"}))
        for item in items:
            item["viewer"] = me
        return self._group(sorted(items, key=lambda i: float(i["ts"])))

    def thread(self, me: str, channel: str, ts: str) -> dict[str, Any] | None:
        parent = self.state.find_message(channel, ts)
        if parent is None:
            return None
        ch = self.state.channels.get(channel)
        replies = [self._message(r, me) for r in self.state.replies(channel, ts)]
        for r in replies:
            r["viewer"] = me
        head = self._message(parent, me)
        head["viewer"], head["compact"], head["day_divider"] = me, False, None
        return {"parent": head, "replies": self._group(replies, after={**head, "replies": None, "user": ""}),
                "channel_name": (ch.name if ch and not ch.is_im else "Truce")}

    # --- the rest of the page ----------------------------------------------------------------
    def nav(self, where: Where) -> dict[str, Any]:
        me = where.me
        channels = []
        with self.state.lock:
            chans = [c for c in self.state.channels.values() if not c.is_im]
            counts = {c.id: len(c.top_level()) for c in self.state.channels.values()}
        im = self.state.im_for(me).id
        for c in chans:
            member = me in c.members
            unread = counts[c.id] - self.memory.seen.get((me, c.id), 0) if member and c.id != where.place else 0
            channels.append({"id": c.id, "name": c.name, "member": member, "active": c.id == where.place,
                             "unread": max(unread, 0)})
        app_active = where.place == "app"
        looking = app_active and where.tab == "messages"
        app_unread = 0 if looking else max(counts.get(im, 0) - self.memory.seen.get((me, im), 0), 0)
        return {"channels": channels, "app_active": app_active, "app_unread": app_unread}

    def mark_seen(self, where: Where) -> None:
        place = self.state.im_for(where.me).id if where.place == "app" and where.tab == "messages" else where.place
        self.memory.seen[(where.me, place)] = len(self.state.messages(place)) if place != "app" else 0

    def clock(self, me: str) -> dict[str, Any]:
        tz = self.reader(me).timezone
        upcoming = sandbox_clock.coming(self.stack)
        return {"now": sandbox_clock.when(sandbox_clock.now(), tz),
                "upcoming": [{"label": c.label, "when": sandbox_clock.when(c.at, tz)} for c in upcoming[:5]]}

    def channel_of(self, where: Where) -> str | None:
        """The conversation the composer posts into (the app's Messages tab: the person's DM)."""
        if where.place == "app":
            return self.state.im_for(where.me).id if where.tab == "messages" else None
        return where.place

    def title(self, where: Where) -> str:
        if where.place == "app":
            return "Truce"
        ch = self.state.channels.get(where.place)
        return f"#{ch.name}" if ch else where.place

    def panes(self, where: Where) -> dict[str, str]:
        me = where.me
        helpers = self._helpers(me)
        mod = self.panes_tpl.make_module(helpers)
        self.mark_seen(where)
        if where.place == "app":
            header = {"app": True, "tab": where.tab}
            if where.tab == "home":
                main = {"kind": "home", "home_blocks": (self.state.home.get(me) or {}).get("blocks", [])}
            elif where.tab == "about":
                main = {"kind": "about", "about": about()}
            else:
                main = {"kind": "channel", "entries": self.timeline(me, self.state.im_for(me).id), "title": "Truce"}
        else:
            ch = self.state.channels[where.place]
            header = {"app": False, "name": ch.name, "members": len(ch.members - {self.state.bot_user_id}),
                      "member": me in ch.members}
            main = {"kind": "channel", "entries": self.timeline(me, ch.id), "title": f"#{ch.name}"}
        thread_channel = self.channel_of(where)
        thread = self.thread(me, thread_channel, where.thread) if where.thread and thread_channel else None
        views = self.state.open_views(me)
        modal = None
        if views:
            top = views[-1]
            modal = {"id": top.id, "view": top.view, "depth": len(views), "errors": self.memory.errors.get(top.id, {})}
        modal_html = self.env.get_template("modal.html").render(modal=modal, **helpers)
        return {
            "sidebar": str(_macro(mod, "sidebar")(self.nav(where))),
            "clock": str(_macro(mod, "clock")(self.clock(me))),
            "header": str(_macro(mod, "header")(header)),
            "timeline": str(_macro(mod, "main")(main)),
            "thread": str(_macro(mod, "thread")(thread)),
            "modal": modal_html,
            "title": self.title(where),
            "composer": json.dumps({"channel": self.channel_of(where), "member": header.get("member", True),
                                    "im": self.state.im_for(me).id,
                                    "read_only": where.place == "app" and where.tab == "messages"}),
        }

    def page(self, where: Where) -> str:
        panes = self.panes(where)
        me_person = next(p for p in people(self.state) if p.get("id") == where.me)
        boot = {"me": where.me, "me_name": me_person["name"], "place": where.place, "tab": where.tab,
                "thread": where.thread, "commands": [vars(c) for c in compose.commands()],
                "shortcuts": [vars(s) for s in compose.message_shortcuts()], "people": people(self.state)}
        placeholder = "Message " + panes["title"] if panes["title"] != "Truce" else "Message Truce"
        return self.env.get_template("page.html").render(
            title=panes["title"], panes={k: Markup(v) for k, v in panes.items()}, people=people(self.state),
            me=where.me, me_person=me_person, boot=boot, picker=PICKER, placeholder=placeholder)


def about() -> dict[str, Any]:
    manifest = compose._manifest().get("display_information", {})
    return {"description": manifest.get("description", ""), "long": manifest.get("long_description", ""),
            "commands": compose.commands(), "shortcuts": compose.message_shortcuts()}
