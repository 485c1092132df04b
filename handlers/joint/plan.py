"""/joint plan: the quarter's joint business plan (modal), its history, its CSV for finance
(a file in Slack, and GET /export/plan.csv for a forecast tool), and the export token."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import delivery, web
from bot.clock import now
from bot.ids import PLAN_EXPORT_PATH, JointIds
from bot.joint import plan as plans
from bot.joint import posts
from bot.joint.blocks_forms import plan_modal
from bot.joint.blocks_plan import history_text, money
from bot.joint.plan_lines import totals
from bot.joint.schedule import when_text
from bot.models import Workspace
from bot.people import is_admin_or_lead, name_of
from bot.quarters import calendar_of, parse_quarter
from bot.runtime import Runtime
from bot.scorecard.export import plan_export
from bot.setup import members
from bot.slack_text import echo_command, esc, plain
from bot.user_error import UserError
from handlers.common import (
    first_word,
    in_background,
    input_value,
    later,
    lead_refusal,
    send_response,
    view_metadata,
)

log = logging.getLogger(__name__)
EXPORT_PATH = PLAN_EXPORT_PATH
TEAM_ID = re.compile(r"[A-Z0-9]{1,32}")  # a Slack workspace ID (T0123ABCD); anything else is no workspace


def _quarter(rest: str, ws: Workspace) -> str:
    return parse_quarter(rest) if rest.strip() else calendar_of(ws).quarter_of(now())


def plan_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime,
                 ws: Workspace, rest: str) -> None:
    word, tail = first_word(rest)
    if word == "token":
        ack(text=make_token(context=context, rt=rt, ws=ws))
        return
    action = word if word in ("export", "history") else "open"
    try:
        quarter = _quarter(plain(tail if action != "open" else rest), ws)  # as typed, not as Slack encodes it
    except UserError as exc:
        ack(text=f"{esc(str(exc))} Like `/joint plan {action if action != 'open' else ''} 2027-Q1`.".replace(
            "  ", " ") + "\n" + echo_command(command, "You typed:"))
        return
    if action == "export":
        ack(text=export_to_slack(client=client, context=context, respond=respond, rt=rt, ws=ws, quarter=quarter,
                                 channel=command["channel_id"]) or "")
    elif action == "history":
        ack(text=show_history(context=context, rt=rt, ws=ws, quarter=quarter))
    else:
        ack(text=open_plan(client=client, context=context, rt=rt, ws=ws, quarter=quarter,
                           trigger_id=command["trigger_id"]) or "")


def open_plan(*, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace, quarter: str,
              trigger_id: str) -> str | None:
    """Open the plan's form (after the answer), or say why not."""
    user = context["user_id"]
    with rt.session() as session:
        on_team = bool(members.teams_of(session=session, team_id=ws.team_id, user_id=user))
        allowed = on_team or is_admin_or_lead(session, ws, user)
        plan = plans.plan_for(session=session, team_id=ws.team_id, quarter=quarter)
        lines = plans.lines_of(session=session, plan=plan) if plan else []
    if not allowed:
        return ("Only people on the sales or marketing team (or a lead) edit the joint plan. "
                f"`/joint plan export {quarter}` gets you the CSV.")
    until = plans.editable_until(quarter, calendar_of(ws))
    if now() >= until:
        return (f"{quarter} has ended, so its plan is kept as it was. `/joint plan history {quarter}` shows "
                f"its changes and `/joint plan export {quarter}` its CSV.")
    later(context, client.views_open, trigger_id=trigger_id, view=plan_modal(
        quarter=quarter, until=until, timezone=ws.timezone, plan=plan, lines=lines,
        default_owners=[user] if on_team else []))
    return None


def plan_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                   ws: Workspace) -> None:
    user = body["user"]["id"]
    quarter = view_metadata(view).get("quarter") or ""
    values = view["state"]["values"]
    owner_ids = list(input_value(values, JointIds.OWNERS_BLOCK, JointIds.OWNERS) or [])
    blocks = {"lines": JointIds.LINES_BLOCK, "currency": JointIds.CURRENCY_BLOCK, "owners": JointIds.OWNERS_BLOCK}
    errors: dict[str, str] = {}
    lines, currency = [], ""
    try:
        lines = plans.parse_lines(input_value(values, JointIds.LINES_BLOCK, JointIds.LINES) or "")
    except UserError as exc:
        errors[exc.block_in(blocks)] = str(exc)
    try:
        currency = plans.check_currency(input_value(values, JointIds.CURRENCY_BLOCK, JointIds.CURRENCY))
    except UserError as exc:
        errors[exc.block_in(blocks)] = str(exc)
    # Saved before ack(): if saving fails, the form stays open with everything typed in it.
    with rt.session(deliver=False) as session:
        names = {u: name_of(session, ws.team_id, u, real=True) for u in owner_ids}
        owners: list[dict[str, Any]] = []
        try:
            owners = plans.check_owners(session, team_id=ws.team_id, owner_ids=owner_ids, names=names)
        except UserError as exc:
            errors[exc.block_in(blocks)] = str(exc)
        try:
            plans.check_editable(quarter, calendar_of(ws))
        except UserError as exc:
            errors = {exc.block_in(blocks): str(exc)}
        if errors:
            ack(response_action="errors", errors=errors)
            return
        plan, revision = plans.save_plan(session, ws=ws, quarter=quarter, lines=lines, currency=currency,
                                         owners=owners, by=user)
        if revision is None:
            delivery.queue_post(session, team_id=ws.team_id, channel=user,
                                text=f"The {quarter} joint plan is unchanged: nothing to save.")
        elif not posts.post_plan(session, ws=ws, plan=plan, revision=revision):
            delivery.queue_post(session, team_id=ws.team_id, channel=user,
                                text=f":white_check_mark: The {quarter} joint plan is saved. (Truce has no joint "
                                     "channel to post it in: an admin or lead runs `/truce setup`.)")
    ack()
    rt.send_queued(session)


def show_history(*, context: BoltContext, rt: Runtime, ws: Workspace, quarter: str) -> str:
    with rt.session() as session:
        plan = plans.plan_for(session=session, team_id=ws.team_id, quarter=quarter)
        return (history_text(plan, plans.revisions_of(session=session, plan=plan), timezone=ws.timezone) if plan
                else f"There is no joint plan for {quarter} yet: `/joint plan {quarter}` starts it.")


def export_to_slack(*, client: WebClient, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace,
                    quarter: str, channel: str) -> str | None:
    """Upload the quarter's CSV to the channel (after the answer), or say why not."""
    with rt.session() as session:
        plan = plans.plan_for(session=session, team_id=ws.team_id, quarter=quarter)
        lines = plans.lines_of(session=session, plan=plan) if plan else []
        content = plan_export(session, plan=plan) if plan else ""
    if plan is None:
        return f"There is no joint plan for {quarter} yet: `/joint plan {quarter}` starts it."
    budget, pipeline, revenue = totals(lines)
    comment = (f"Joint plan {quarter} for the finance forecast: {len(lines)} line(s), budget "
               f"{money(budget, plan.currency)}, expected pipeline {money(pipeline, plan.currency)}, expected "
               f"revenue {money(revenue, plan.currency)}. Last changed {when_text(plan.updated_at, ws.timezone)}.")
    upload = {"content": content, "filename": f"truce-joint-plan-{quarter}.csv",
              "title": f"Joint plan {quarter}", "initial_comment": comment}
    in_background(context, _upload, client, respond, upload, channel=channel, user=context["user_id"])
    return None


def _upload(client: WebClient, respond: Respond, upload: dict[str, Any], *, channel: str, user: str) -> None:
    """Upload the CSV to the channel, else to the person's DM with Truce; say what happened."""
    try:
        client.files_upload_v2(channel=channel, **upload)
        return
    except SlackApiError as exc:
        error = exc.response.get("error")
    try:
        if error not in ("not_in_channel", "channel_not_found"):
            raise SlackApiError(error, {"error": error})
        dm = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(channel=dm, **upload)
        text = "Truce isn't in this channel, so the CSV is in your DMs with Truce. `/invite @Truce` to post it here."
    except SlackApiError as exc:
        log.warning("plan CSV upload failed: %s", exc)
        again = upload["title"].replace("Joint plan", "/joint plan export")
        text = f"Slack refused the CSV file ({error}). Try `{again}` again in a moment."
    send_response(respond.response_url, text=text)


def make_token(*, context: BoltContext, rt: Runtime, ws: Workspace) -> str:
    refusal = lead_refusal(rt, ws, context["user_id"], "create the export token")
    if refusal:
        return refusal
    with rt.session() as session:
        token = plans.new_export_token(session, ws=ws)
    return (":key: A new export token for this workspace (shown once; it replaces the previous one):\n"
            f"```{token}```\nA forecast tool pulls a quarter's plan as CSV with:\n"
            f"```curl -H 'Authorization: Bearer {token}' "
            f"'https://&lt;your Truce host&gt;{EXPORT_PATH}?team={ws.team_id}&amp;quarter=2027-Q1'```")


# --- GET /export/plan.csv ------------------------------------------------------------------------------


def export_route(rt: Runtime, environ: dict[str, Any], body: bytes) -> web.Response:
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    team_id = query.get("team", "")
    if not team_id:  # a workspace's own token means nothing without its workspace
        return web.json_response("400 Bad Request", {"ok": False, "error": "team_required"})
    auth = environ.get("HTTP_AUTHORIZATION", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    if token is not None and not (token.isascii() and token.isprintable()):
        token = None  # no token Truce makes looks like that (and compare_digest refuses non-ASCII text)
    with rt.session() as session:
        ws = session.get(Workspace, team_id) if TEAM_ID.fullmatch(team_id) else None
        if not plans.token_allows(rt.settings, ws, token):
            status, headers, payload = web.json_response("401 Unauthorized", {
                "ok": False, "error": "not_authed",
                "hint": "Send Authorization: Bearer <TRUCE_EXPORT_TOKEN or the token from /joint plan token>"})
            return status, [*headers, ("WWW-Authenticate", 'Bearer realm="truce"')], payload
        if ws is None:
            return web.json_response("404 Not Found", {"ok": False, "error": "team_not_found"})
        try:
            quarter = _quarter(query.get("quarter", ""), ws)
        except UserError as exc:
            return web.json_response("400 Bad Request", {"ok": False, "error": "invalid_quarter", "hint": str(exc)})
        plan = plans.plan_for(session=session, team_id=ws.team_id, quarter=quarter)
        if plan is None:
            return web.json_response("404 Not Found", {"ok": False, "error": "no_plan", "quarter": quarter})
        content = plan_export(session, plan=plan)
    return "200 OK", [("Content-Type", "text/csv; charset=utf-8"),
                      ("Content-Disposition", f'attachment; filename="truce-joint-plan-{quarter}.csv"')], \
        content.encode("utf-8")
