"""The Web API methods the emulator implements. Each takes (emulator, args) under the state lock,
returns the response's fields (without `ok`), or raises SlackError with Slack's error code."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import re
import time
import uuid
from collections.abc import Callable
from email import policy as email_policy
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any

from bot.sandbox.blockkit import validate_blocks, validate_view
from bot.sandbox.slack_error import SlackError
from bot.sandbox.state import Channel, Ephemeral, Message, View

if TYPE_CHECKING:
    from bot.sandbox.emulator import SlackEmulator

MAX_TEXT = 40_000
# Message metadata: event types are letters, digits, underscores and hyphens (Slack ignores others).
EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")


def _err(error: str, **extra: Any) -> SlackError:
    return SlackError(error, **extra)


def _bool(value: Any) -> bool:
    return value in (True, "true", "1", 1, "True")


def _channel(emu: SlackEmulator, channel_id: str | None) -> Channel:
    if not channel_id:
        raise _err("channel_not_found")
    st = emu.state
    if channel_id in st.channels:
        return st.channels[channel_id]
    if channel_id.startswith(("U", "W")) and channel_id in st.users:
        return st.im_for(channel_id)
    raise _err("channel_not_found")


def _content(args: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    text, blocks = args.get("text") or "", args.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not text and not blocks:
        raise _err("no_text")
    if len(text) > MAX_TEXT:
        raise _err("msg_too_long")
    errors = validate_blocks(blocks)
    if errors:
        raise _err("invalid_blocks", errors=errors, response_metadata={"messages": errors})
    return text, blocks


def _metadata(args: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """The `metadata` argument ({event_type, event_payload}, a JSON object or its URL-encoded string):
    (metadata, None), or (None, warning) when Slack ignores it, or SlackError when it is malformed."""
    raw = args.get("metadata")
    if raw in (None, ""):
        return None, None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise _err("invalid_metadata_format") from None
    if not (isinstance(raw, dict) and isinstance(raw.get("event_type"), str)
            and isinstance(raw.get("event_payload"), dict)):
        raise _err("invalid_metadata_format")
    if not EVENT_TYPE.fullmatch(raw["event_type"]):
        return None, "invalid_metadata_schema"
    return {"event_type": raw["event_type"], "event_payload": raw["event_payload"]}, None


def _warned(result: dict[str, Any], warning: str | None) -> dict[str, Any]:
    if warning:
        result["warning"] = warning
        result["response_metadata"] = {"warnings": [warning]}
    return result


def _permalink(emu: SlackEmulator, channel: str, ts: str) -> str:
    return f"https://{emu.state.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


# --- auth, team, users ----------------------------------------------------------------------


def auth_test(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    st = emu.state
    return {"url": f"https://{st.domain}.slack.com/", "team": st.team_name, "user": "truce",
            "team_id": st.team_id, "user_id": st.bot_user_id, "bot_id": st.bot_id, "is_enterprise_install": False}


def team_info(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    st = emu.state
    return {"team": {"id": st.team_id, "name": st.team_name, "domain": st.domain}}


def _sees_email(emu: SlackEmulator) -> bool:
    return "users:read.email" in emu.caller_scopes


def users_info(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    user = emu.state.users.get(args.get("user", ""))
    if user is None:
        raise _err("user_not_found")
    return {"user": user.to_api(emu.state.team_id, email=_sees_email(emu))}


def users_list(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    return {"members": [u.to_api(emu.state.team_id, email=_sees_email(emu)) for u in emu.state.users.values()],
            "response_metadata": {"next_cursor": ""}}


def users_lookup_by_email(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    """The person whose e-mail this is (any case), as users.info shows them. A deactivated person, a
    bot or an address nobody has: `users_not_found`. Needs users:read.email (checked before: SCOPES)."""
    email = str(args.get("email") or "").strip()
    if not email:
        raise _err("invalid_arguments", response_metadata={"messages": ["[ERROR] missing required field: email"]})
    user = next((u for u in emu.state.users.values()
                 if u.email and u.email.casefold() == email.casefold() and not u.deleted and not u.is_bot), None)
    if user is None:
        raise _err("users_not_found")
    return {"user": user.to_api(emu.state.team_id, email=True)}


# --- conversations ----------------------------------------------------------------------------


def conversations_info(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    ch = _channel(emu, args.get("channel"))
    return {"channel": ch.to_api(emu.state.bot_user_id)}


def conversations_members(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    ch = _channel(emu, args.get("channel"))
    members = sorted(ch.members)
    limit = int(args.get("limit") or 100)
    start = int(args.get("cursor") or 0)
    page = members[start:start + limit]
    next_cursor = str(start + limit) if start + limit < len(members) else ""
    return {"members": page, "response_metadata": {"next_cursor": next_cursor}}


def conversations_open(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    users = [u for u in str(args.get("users", "")).split(",") if u]
    if len(users) != 1 or users[0] not in emu.state.users:
        raise _err("user_not_found")
    return {"channel": {"id": emu.state.im_for(users[0]).id}}


def _ts_arg(args: dict[str, Any], name: str, default: float) -> float:
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _err(f"invalid_ts_{name}") from None


def _next_cursor(ts: str) -> str:
    """Slack's cursors are opaque base64 strings; this one names the first message of the next page."""
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _cursor_ts(cursor: Any) -> float | None:
    if cursor in (None, ""):
        return None
    try:
        kind, _, ts = base64.b64decode(str(cursor), validate=True).decode().partition(":")
        if kind != "next_ts":
            raise ValueError(kind)
        return float(ts)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _err("invalid_cursor") from None


def _limit(args: dict[str, Any], default: int, most: int) -> int:
    try:
        return min(max(int(args.get("limit") or default), 1), most)
    except (TypeError, ValueError):
        raise _err("invalid_limit") from None


def conversations_history(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    """Newest first, between `oldest` and `latest` (each excluded unless `inclusive`), `limit` a page
    (default 100, at most 999), `cursor` (from response_metadata.next_cursor) for the next page;
    thread replies are not included; message `metadata` only with `include_all_metadata=true`."""
    ch = _channel(emu, args.get("channel"))
    if not ch.is_im and emu.state.bot_user_id not in ch.members:
        raise _err("not_in_channel")
    latest = _ts_arg(args, "latest", float("inf"))
    oldest = _ts_arg(args, "oldest", 0.0)
    inclusive = _bool(args.get("inclusive"))
    limit = _limit(args, 100, 999)
    start = _cursor_ts(args.get("cursor"))

    def within(m: Message) -> bool:
        ts = float(m.ts)
        if start is not None and ts > start:
            return False
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    msgs = sorted((m for m in ch.top_level() if within(m)), key=lambda m: float(m.ts), reverse=True)
    page, more = msgs[:limit], len(msgs) > limit
    metadata = _bool(args.get("include_all_metadata"))
    return {"messages": [m.to_api(include_metadata=metadata) for m in page], "has_more": more, "pin_count": 0,
            "response_metadata": {"next_cursor": _next_cursor(msgs[limit].ts) if more else ""}}


def conversations_replies(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    ch = _channel(emu, args.get("channel"))
    ts = args.get("ts")
    parent = next((m for m in ch.messages if m.ts == ts), None)
    if parent is None:
        raise _err("thread_not_found")
    metadata = _bool(args.get("include_all_metadata"))
    return {"messages": [m.to_api(include_metadata=metadata) for m in [parent, *ch.replies(parent.ts)]],
            "has_more": False}


# --- chat --------------------------------------------------------------------------------------


def chat_post_message(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    st = emu.state
    ch = _channel(emu, args.get("channel"))
    if st.bot_user_id not in ch.members:
        raise _err("not_in_channel")
    text, blocks = _content(args)
    metadata, warning = _metadata(args)
    thread_ts = args.get("thread_ts") or None
    if thread_ts and not any(m.ts == thread_ts and not m.deleted for m in ch.messages):
        raise _err("thread_not_found")
    msg = Message(ch.id, st.next_ts(), st.bot_user_id, text, blocks, thread_ts, bot_id=st.bot_id,
                  metadata=metadata)
    ch.messages.append(msg)
    return _warned({"channel": ch.id, "ts": msg.ts, "message": msg.to_api()}, warning)


def chat_update(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    ch = _channel(emu, args.get("channel"))
    msg = next((m for m in ch.messages if m.ts == args.get("ts") and not m.deleted), None)
    if msg is None:
        raise _err("message_not_found")
    if msg.user != emu.state.bot_user_id:
        raise _err("cant_update_message")
    text, blocks = _content(args)
    metadata, warning = _metadata(args)
    msg.text, msg.blocks, msg.edited = text, blocks, True
    if metadata is not None:  # without `metadata`, the message's metadata is left as it was
        msg.metadata = metadata
    return _warned({"channel": ch.id, "ts": msg.ts, "text": text, "message": msg.to_api()}, warning)


def chat_delete(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    ch = _channel(emu, args.get("channel"))
    msg = next((m for m in ch.messages if m.ts == args.get("ts") and not m.deleted), None)
    if msg is None:
        raise _err("message_not_found")
    msg.deleted = True
    return {"channel": ch.id, "ts": msg.ts}


def chat_post_ephemeral(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    st = emu.state
    ch = _channel(emu, args.get("channel"))
    user = args.get("user", "")
    if user not in st.users:
        raise _err("user_not_found")
    if not ch.is_im and st.bot_user_id not in ch.members:
        raise _err("not_in_channel")
    if not ch.is_im and user not in ch.members:
        raise _err("user_not_in_channel")
    text, blocks = _content(args)
    ts = st.next_ts()
    st.ephemerals.append(Ephemeral(ch.id, user, text, blocks, ts))
    return {"message_ts": ts}


def chat_get_permalink(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    ch = _channel(emu, args.get("channel"))
    message = next((m for m in ch.messages if m.ts == args.get("message_ts")), None)
    if message is None:
        raise _err("message_not_found")
    return {"channel": ch.id, "permalink": _permalink(emu, ch.id, message.ts)}


def reactions_add(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    ch = _channel(emu, args.get("channel"))
    msg = next((m for m in ch.messages if m.ts == args.get("timestamp") and not m.deleted), None)
    if msg is None:
        raise _err("message_not_found")
    name = str(args.get("name", "")).strip(":")
    users = msg.reactions.setdefault(name, [])
    if emu.state.bot_user_id in users:
        raise _err("already_reacted")
    users.append(emu.state.bot_user_id)
    return {}


# --- views -------------------------------------------------------------------------------------


def _view_arg(args: dict[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    if not isinstance(view, dict):
        raise _err("invalid_arguments")
    errors = validate_view(view)
    if errors:
        raise _err("invalid_arguments", response_metadata={"messages": errors})
    return view


def _stored(emu: SlackEmulator, view_id: str, view: dict[str, Any], user: str) -> dict[str, Any]:
    full = {
        "id": view_id, "team_id": emu.state.team_id, "app_id": "A0TRUCE", "bot_id": emu.state.bot_id,
        "hash": uuid.uuid4().hex[:16], "state": {"values": {}}, "private_metadata": "", "callback_id": "",
        "external_id": "", "root_view_id": view_id, "previous_view_id": None, **view,
    }
    emu.state.views[view_id] = View(view_id, user, full, full["hash"])
    return full


TRIGGER_LIFETIME = 3.0  # seconds: Slack's trigger_ids expire three seconds after they are issued


def views_open(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    trigger = args.get("trigger_id", "")
    issued = emu.state.triggers.pop(trigger, None)
    if issued is None:
        raise _err("invalid_trigger_id" if trigger else "invalid_arguments")
    user, at = issued
    if time.monotonic() - at > TRIGGER_LIFETIME:
        raise _err("expired_trigger_id")
    view = _view_arg(args)
    return {"view": _stored(emu, emu.state.next_id("V"), view, user)}


def views_push(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    """A view on top of the person's open modal (root + at most two pushed); without a modal open it
    is opened as one."""
    from bot.sandbox.driver_views import MAX_STACK

    st = emu.state
    issued = st.triggers.get(args.get("trigger_id", ""))
    stack = [v for v in st.views.values() if issued and v.user == issued[0] and not v.closed]
    if len(stack) >= MAX_STACK:
        raise _err("push_limit_reached")
    answer = views_open(emu, args)
    if stack:
        top = stack[-1]
        answer["view"]["previous_view_id"] = top.id
        answer["view"]["root_view_id"] = top.view.get("root_view_id") or top.id
    return answer


def views_update(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    st = emu.state
    view_id = args.get("view_id")
    if not view_id and args.get("external_id"):
        view_id = next((v.id for v in st.views.values() if v.view.get("external_id") == args["external_id"]), None)
    current = st.views.get(view_id or "")
    if current is None or current.closed:
        raise _err("not_found")
    if args.get("hash") and args["hash"] != current.hash:
        raise _err("hash_conflict")
    view = _view_arg(args)
    return {"view": _stored(emu, current.id, view, current.user)}


def views_publish(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    user = args.get("user_id", "")
    if user not in emu.state.users:
        raise _err("user_not_found")
    view = _view_arg(args)
    if view.get("type") != "home":
        raise _err("invalid_arguments")
    emu.state.home[user] = view
    return {"view": {"id": f"VH{user}", **view}}


# --- files (the v2 upload flow) ---------------------------------------------------------------
# 1. files.getUploadURLExternal(filename, length[, alt_txt, snippet_type]) -> upload_url, file_id
# 2. POST the bytes to upload_url (raw, or multipart form data): HTTP 200 "OK - <length>" (`receive_upload`)
# 3. files.completeUploadExternal(files=[{id, title}], channel_id | channels, initial_comment | blocks,
#    thread_ts): shares the files (a message with them in each channel), or keeps them private.
# Where Slack's documentation says nothing (completing a file whose bytes never arrived, or completing it
# twice: "this method can only be called once"), the emulator answers `file_not_found`, and bytes sent to
# the upload URL of a completed file get a 400: stricter than Slack may be, so an app that skips or
# repeats a step fails here first.

ALT_TXT_MAX = 1000
MAX_SHARE_CHANNELS = 100


def files_get_upload_url(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    filename = str(args.get("filename") or "").strip()
    try:
        length = int(args.get("length") or 0)
    except (TypeError, ValueError):
        raise _err("invalid_arguments") from None
    if not filename or length <= 0:
        raise _err("missing_argument")  # Slack: "typically only occurs when the length provided is 0"
    alt_txt = args.get("alt_txt")
    if alt_txt is not None and len(str(alt_txt)) > ALT_TXT_MAX:
        raise _err("alt_txt_too_large")
    file_id = emu.state.next_id("F")
    emu.state.files[file_id] = {
        "id": file_id, "name": filename, "length": length, "alt_txt": alt_txt, "snippet_type": args.get("snippet_type"),
        "content": None, "status": "pending", "title": None, "shares": [], "user": emu.state.bot_user_id,
    }
    return {"upload_url": f"{emu.base_url}/upload/{file_id}", "file_id": file_id}


def _file_part(raw: bytes, content_type: str) -> bytes:
    """The file's bytes out of a multipart/form-data body (the part with a filename, else the first)."""
    message = BytesParser(policy=email_policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw)
    parts = list(message.iter_parts()) if message.is_multipart() else []
    if not parts:
        raise ValueError("no parts")
    chosen = next((p for p in parts if p.get_filename()), parts[0])
    payload = chosen.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def receive_upload(emu: SlackEmulator, file_id: str, raw: bytes, content_type: str) -> tuple[int, str]:
    """A POST to an upload_url: (HTTP status, body). The bytes are recorded on the file."""
    st = next((w for w in emu.workspaces.values() if file_id in w.files), None)
    if st is None:
        return 404, "file_not_found"
    data = raw
    if content_type.lower().startswith("multipart/form-data"):
        try:
            data = _file_part(raw, content_type)
        except (ValueError, UnicodeEncodeError):
            return 400, "invalid_form_data"
    with st.lock:
        info = st.files[file_id]
        if info["status"] != "pending":
            return 400, "upload_already_completed"
        info["content"] = data
    return 200, f"OK - {len(data)}"


def _shared_file(info: dict[str, Any]) -> dict[str, Any]:
    name = info.get("name") or ""
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    shown = {"id": info["id"], "name": name, "title": info.get("title") or name, "mimetype": mimetype,
             "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "binary",
             "size": len(info.get("content") or b""), "user": info.get("user")}
    if info.get("alt_txt"):
        shown["alt_txt"] = info["alt_txt"]
    return shown


def files_complete_upload(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    st = emu.state
    files = args.get("files")
    if isinstance(files, str):
        try:
            files = json.loads(files)
        except ValueError:
            raise _err("invalid_arguments") from None
    if not isinstance(files, list) or not files or not all(isinstance(f, dict) and f.get("id") for f in files):
        raise _err("invalid_arguments")
    infos = []
    for f in files:
        info = st.files.get(str(f["id"]))
        if info is None or info["status"] != "pending" or info.get("content") is None:
            raise _err("file_not_found")
        infos.append((info, f.get("title")))
    # channel_id (one channel), or channels: a comma-separated list of channel or user IDs
    targets = [args["channel_id"]] if args.get("channel_id") else \
        [c.strip() for c in str(args.get("channels") or "").split(",") if c.strip()]
    if len(targets) > MAX_SHARE_CHANNELS:
        raise _err("channels_limit_exceeded")
    thread_ts = args.get("thread_ts") or None
    if thread_ts and len(targets) != 1:
        raise _err("invalid_arguments")  # "provide only one channel when using thread_ts"
    chans = [_channel(emu, c) for c in targets]
    for ch in chans:
        if st.bot_user_id not in ch.members:
            raise _err("not_in_channel")
        if thread_ts and not any(m.ts == thread_ts and not m.deleted for m in ch.messages):
            raise _err("thread_not_found")
    comment = args.get("initial_comment") or ""
    blocks: list[dict] = []
    if not comment and args.get("blocks"):  # "If the initial_comment field is provided, blocks is ignored"
        comment, blocks = _content({"blocks": args["blocks"]})
    for info, title in infos:
        info["title"] = title or info.get("name")
        info["status"] = "shared" if chans else "private"
        info["shares"] = [ch.id for ch in chans]
    done = [_shared_file(info) for info, _ in infos]
    for ch in chans:
        ch.messages.append(Message(ch.id, st.next_ts(), st.bot_user_id, comment, blocks, thread_ts=thread_ts,
                                   bot_id=st.bot_id, files=[dict(f) for f in done]))
    return {"files": [{"id": f["id"], "title": f["title"]} for f in done]}


# --- response_url -----------------------------------------------------------------------------


def apply_response(emu: SlackEmulator, ctx: dict[str, Any], body: dict[str, Any]) -> None:
    """What Slack does with a POST to a response_url (or with a command's answer, which is the first
    message of that command's response_url). `replace_original`/`delete_original` act on the message
    the interaction came from: the clicked message (`message_ts`), or — for a slash command — the
    ephemeral reply the command itself produced."""
    st = emu.state
    ctx.setdefault("said", []).append(body)  # every message this response_url received, in order
    ctx.setdefault("said_at", []).append(time.time())
    channel, user, message_ts = ctx["channel"], ctx["user"], ctx.get("message_ts")
    msg = st.find_message(channel, message_ts) if message_ts else None
    if body.get("delete_original") and msg is not None:
        msg.deleted = True
        return
    own_ts = message_ts or ctx.get("reply_ts")
    ephemeral = next((e for e in st.ephemerals if own_ts and e.ts == own_ts and e.user == user), None)
    if ephemeral is not None and (body.get("delete_original") or body.get("replace_original")):
        # An ephemeral message's response_url replaces or deletes that ephemeral (for this user only).
        st.ephemerals.remove(ephemeral)
        if body.get("delete_original"):
            return
    text, blocks = body.get("text") or "", body.get("blocks") or []
    if body.get("replace_original") and msg is not None and ephemeral is None:
        msg.text, msg.blocks, msg.edited = text, blocks, True
        return
    if body.get("response_type") == "in_channel":
        ch = st.channels.get(channel) or st.im_for(user)
        ch.messages.append(Message(ch.id, st.next_ts(), st.bot_user_id, text, blocks, bot_id=st.bot_id))
        return
    reply = Ephemeral(channel, user, text, blocks, st.next_ts(), via="response_url")
    st.ephemerals.append(reply)
    if not message_ts:
        ctx["reply_ts"] = reply.ts


def oauth_v2_access(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    code = args.get("code", "")  # the app's client id/secret come as HTTP basic auth; any are accepted
    if code not in emu.oauth_codes:
        raise _err("invalid_code")
    team_id, user_id = emu.oauth_codes.pop(code)
    st = emu.workspaces[team_id]
    token = f"xoxb-{team_id.lower()}-{uuid.uuid4().hex[:12]}"
    st.add_token(token, emu.oauth_scopes.pop(code, None))
    return {
        "app_id": "A0TRUCE", "authed_user": {"id": user_id}, "scope": ",".join(sorted(st.scopes_of(token))),
        "token_type": "bot", "access_token": token, "bot_user_id": st.bot_user_id,
        "team": {"id": team_id, "name": st.team_name}, "enterprise": None, "is_enterprise_install": False,
    }


def apps_connections_open(emu: SlackEmulator, args: dict[str, Any]) -> dict[str, Any]:
    return {"url": emu.socket_mode.url()}


METHODS: dict[str, Callable[[SlackEmulator, dict[str, Any]], dict[str, Any]]] = {
    "api.test": lambda emu, args: {"args": args},
    "apps.connections.open": apps_connections_open,
    "oauth.v2.access": oauth_v2_access,
    "auth.test": auth_test,
    "team.info": team_info,
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "conversations.info": conversations_info,
    "conversations.members": conversations_members,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.getPermalink": chat_get_permalink,
    "reactions.add": reactions_add,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}
NO_AUTH = {"api.test", "oauth.v2.access"}
# The scope a method needs beyond a valid token; without it Slack answers `missing_scope` with what
# was `needed` and what the token `provided`. (Only the methods whose scope Truce must ask for.)
SCOPES = {"users.lookupByEmail": "users:read.email"}
