"""Forms answered before they run: checked and stored in the answer, done right after it (bot/accepted.py).

A form's answer must carry its errors (`response_action: errors` keeps it open, beside the fields), so
until now every form was done by its listener while Slack waited: its rows written, in the process that
answers. A form whose every error can be found without writing — from what was typed and the workspace's
settings — registers a *check* with its listener (`form`). Its answer then runs only the check: errors are
answered at once, as the listener would have answered them; a form without any is stored as an accepted
request, answered with an empty 200 (Slack closes it, as the listener's `ack()` did) and run through the
app right after, by the same listener (in the worker process on PostgreSQL).

Between the check and the run, something may change (an admin clears a channel in `/truce setup`): a run
whose listener still answers with errors cannot show them in a form that is closed, so the person gets
them in a direct message from Truce, with everything they typed (queued in the outbox in the same transaction
that ends the request: posted once, whatever Slack does). A run that fails on Truce's side (the
database away a moment) is not handed back that way: the form closed as if saved, so it is run again when its
claim lapses (bot/accepted.py), and only after the last attempt does the person get what they typed back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.errors import typed_back
from bot.models import Workspace
from bot.recent_workspaces import RECENT
from bot.setup.workspaces import read_workspace

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

# (the view as submitted, the workspace) -> the errors to show, by block_id; None when there are none.
Check = Callable[[dict[str, Any], Workspace], "dict[str, str] | None"]


def form(app: App, callback_id: str, run: Callable[..., Any], *, check: Check) -> None:
    """Register a form's listener (`run`, as `app.view` would) and the check its answer runs instead."""
    app.view(callback_id)(run)
    rt: Runtime | None = getattr(app, "rt", None)
    if rt is None:
        raise RuntimeError("forms are registered on Truce's app, once its runtime is set (bot.app.build_app)")
    rt.accepted_forms[callback_id] = check


def accepts(rt: Runtime, body: dict[str, Any]) -> bool:
    """Whether this view_submission is one of the forms answered before they run."""
    view = body.get("view")
    return isinstance(view, dict) and view.get("callback_id") in rt.accepted_forms


class NotHere(Exception):
    """The form is answered the usual way instead (no workspace row yet, or its check failed)."""


def errors(rt: Runtime, request: BoltRequest) -> dict[str, str] | None:
    """The form's errors, by block_id, or None when it can be stored. Raises NotHere when the answer should
    be its listener's after all (the listener then answers as it always did)."""
    body = request.body
    team_id = request.context.get("team_id")
    if not isinstance(team_id, str):
        raise NotHere("no team")
    check = rt.accepted_forms[body["view"]["callback_id"]]
    recent = RECENT.get(rt.engine, team_id)
    if recent is not None and not _check(check, body, recent):
        return None  # no error against a row read a moment ago: stored (the run reads it afresh)
    since = RECENT.since()
    try:
        ws = read_workspace(rt.engine, team_id)
    except Exception as exc:  # the database failing: the listener's answer says so, the form kept open
        raise NotHere("the workspace could not be read") from exc
    if ws is None:  # a first contact is the middleware's to make (and to refuse, when not installed)
        raise NotHere(f"no workspace {team_id!r} yet")
    RECENT.put(rt.engine, team_id, ws, since)
    return _check(check, body, ws)


def _check(check: Check, body: dict[str, Any], ws: Workspace) -> dict[str, str] | None:
    try:
        return check(body["view"], ws) or None
    except Exception as exc:  # a malformed form: its listener answers it, with Bolt's error handler behind it
        log.warning("the check of form %s failed (%r); its listener answers it", body["view"].get("callback_id"),
                    exc)
        raise NotHere("check failed") from exc


def errors_answer(found: dict[str, str]) -> tuple[str, list[tuple[str, str]], bytes]:
    """The HTTP answer that keeps the form open with `found` beside its fields."""
    return ("200 OK", [("Content-Type", "application/json")],
            json.dumps({"response_action": "errors", "errors": found}).encode("utf-8"))


def note_of(body: dict[str, Any], response: BoltResponse) -> str | None:
    """What the person must be told after a run, from its listener's answer: the errors it could no longer
    show in the form (closed by then), or a failed answer; None when it answered as a form closing."""
    title = _title(body)
    if response.status != 200:
        log.error("form %s answered %s: %s", (body.get("view") or {}).get("callback_id"), response.status,
                  str(response.body)[:200])
        return (f":warning: Sorry, Truce could not save *{title}* just now. Please try again in a moment."
                + typed_back(form_typed(body)))
    try:
        payload = json.loads(response.body) if response.body else {}
    except ValueError:
        payload = {}
    if not isinstance(payload, dict) or payload.get("response_action") != "errors":
        if isinstance(payload, dict) and payload.get("response_action"):
            log.error("form %s answered %s after it closed", (body.get("view") or {}).get("callback_id"),
                      payload.get("response_action"))
        return None
    labels = _labels(body)
    problems = "\n".join(f"• *{labels.get(block, 'The form')}*: {text}" for block, text in
                         (payload.get("errors") or {}).items())
    return (f":warning: Truce could not save *{title}*:\n{problems}\nPlease open it again and submit it once more."
            + typed_back(form_typed(body)))


def given_up(body: dict[str, Any]) -> str:
    return (f":warning: Sorry, Truce could not save *{_title(body)}*: it failed several times on its side. Please "
            "try again later; if it keeps happening, tell your Slack admin." + typed_back(form_typed(body)))


def sender_of(body: dict[str, Any]) -> str | None:
    """The user id of whoever submitted the form (None for a body without one: nobody to tell)."""
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    return user_id if isinstance(user_id, str) and user_id else None


def _title(body: dict[str, Any]) -> str:
    title = (body.get("view") or {}).get("title")
    text = title.get("text") if isinstance(title, dict) else None
    return text if isinstance(text, str) and text else "your form"


def _inputs(body: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(block_id, label) of each input block of the submitted view."""
    for block in (body.get("view") or {}).get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str):
            label = block.get("label")
            text = label.get("text") if isinstance(label, dict) else None
            yield block["block_id"], text if isinstance(text, str) else block["block_id"]


def _labels(body: dict[str, Any]) -> dict[str, str]:
    return dict(_inputs(body))


def form_typed(body: dict[str, Any]) -> str:
    """Everything typed or chosen in the form, one "Label: value" line per field (empty fields left out)."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    lines = []
    for block_id, label in _inputs(body):
        inputs = values.get(block_id)
        for state in inputs.values() if isinstance(inputs, dict) else ():
            shown = _shown(state) if isinstance(state, dict) else ""
            if shown:
                lines.append(f"{label}: {shown}")
    return "\n".join(lines)


def _shown(state: dict[str, Any]) -> str:
    """One input's value as text: typed text, a choice's label, a date, people or channels as mentions."""
    if isinstance(state.get("value"), str):
        return state["value"]
    option = state.get("selected_option")
    if isinstance(option, dict):
        return _option_text(option)
    options = state.get("selected_options")
    if isinstance(options, list):
        return ", ".join(_option_text(o) for o in options if isinstance(o, dict))
    for key, mention in (("selected_user", "<@{}>"), ("selected_conversation", "<#{}>"),
                         ("selected_channel", "<#{}>")):
        if isinstance(state.get(key), str):
            return mention.format(state[key])
    for key, mention in (("selected_users", "<@{}>"), ("selected_conversations", "<#{}>"),
                         ("selected_channels", "<#{}>")):
        if isinstance(state.get(key), list):
            return ", ".join(mention.format(v) for v in state[key] if isinstance(v, str))
    for key in ("selected_date", "selected_time"):
        if isinstance(state.get(key), str):
            return state[key]
    return ""


def _option_text(option: dict[str, Any]) -> str:
    text = option.get("text")
    shown = text.get("text") if isinstance(text, dict) else None
    return str(shown or option.get("value") or "")
