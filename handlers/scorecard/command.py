"""`/joint scorecard [quarter]`, `/joint actuals ...` and `/joint fiscal-year [month]` (the scorecard's words
of /joint, declared in its Feature). The forms they open are handled in handlers/scorecard/forms.py."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import now
from bot.db import pk
from bot.ids import ACTUALS_WEBHOOK_PATH
from bot.joint import plan as plans
from bot.models import Workspace
from bot.people import is_admin_or_lead
from bot.quarters import MONTHS, calendar_of, parse_quarter
from bot.runtime import Runtime
from bot.scorecard import actuals, actuals_webhook, blocks_scorecard, fiscal, posting
from bot.scorecard.message import compose
from bot.setup import members
from bot.slack_text import echo, esc, plain, typed
from bot.user_error import UserError
from handlers.common import admins_only, first_word, later

WEBHOOK_PATH = ACTUALS_WEBHOOK_PATH
ACTUALS_USAGE = ("`/joint actuals [quarter]` opens the form; `/joint actuals [quarter] goal | budget spent | pipeline "
                 "| revenue | owner` records one line; `/joint actuals import [quarter]` takes a CSV paste; "
                 "`/joint actuals history [quarter]` shows every change; `/joint actuals token` is for a finance "
                 "tool (POST " + WEBHOOK_PATH + ").")


def _typed(command: dict[str, Any]) -> str:
    return echo(typed(command["command"], command.get("text")), "You typed:")


# --- /joint scorecard -------------------------------------------------------------------------------


def scorecard_command(*, ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext,
                      respond: Respond, rt: Runtime, ws: Workspace, rest: str) -> None:
    """The scorecard in the answer (text, for everyone), and posted with its chart to the joint channel
    by a durable task after the answer (for people on the teams, and leads)."""
    user = context["user_id"]
    task = None
    with rt.session() as session:
        calendar = calendar_of(ws)
        try:
            quarter = parse_quarter(plain(rest)) if rest.strip() else calendar.quarter_of(now())
        except UserError as exc:
            ack(text=f":thinking_face: {esc(str(exc))} Like `/joint scorecard 2027-Q1` (or no quarter for this "
                     f"one).\n{_typed(command)}")
            return
        if calendar.bounds(quarter)[0] > now():
            ack(text=f"{calendar.label(quarter)} hasn't started yet, so it has no scorecard. This quarter is "
                     f"{calendar.label(calendar.quarter_of(now()))}.\n{_typed(command)}")
            return
        message = compose(session, ws=ws, quarter=quarter)
        may_post = bool(members.teams_of(session=session, team_id=ws.team_id, user_id=user)) or \
            is_admin_or_lead(session, ws, user)
        if ws.joint_channel and may_post:
            task = posting.queue(session, team_id=ws.team_id, key=posting.request_key(quarter, command["trigger_id"]),
                                 quarter=quarter, channel=ws.joint_channel, requested_by=user)
    if task is not None:
        where = f"Posting it with its chart to <#{ws.joint_channel}>."
    elif not ws.joint_channel:
        where = "Truce has no joint channel to post its chart in: an admin or lead runs `/truce setup`."
    else:
        where = "People on the sales or marketing team (and leads) post it with its chart to the joint channel."
    ack(text=f"{message.text}\n{where}", blocks=[*message.blocks[:48], {"type": "context", "elements": [
        {"type": "mrkdwn", "text": where}]}])
    if task is not None:
        rt.run_task(pk(task.id))


# --- /joint fiscal-year -----------------------------------------------------------------------------


def fiscal_year_command(*, ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext,
                        respond: Respond, rt: Runtime, ws: Workspace, rest: str) -> None:
    with rt.session() as session:
        calendar = calendar_of(ws)
        current = calendar.quarter_of(now())
        if not rest.strip():
            ack(text=f"Truce uses {calendar.describe()}: this quarter is {calendar.label(current)}. The joint "
                     "meeting, its plans and agenda, the win/loss summary and the scorecard all follow it. "
                     "`/joint fiscal-year April` changes it (admins and leads).")
            return
        if not is_admin_or_lead(session, ws, context["user_id"]):
            ack(text=admins_only("change the fiscal year's start") + f" Truce uses {calendar.describe()}.")
            return
        try:
            calendar = fiscal.set_fiscal_year_start(session=session, ws=ws, month_text=plain(rest))
        except UserError as exc:
            ack(text=f":thinking_face: {esc(str(exc))}\n{_typed(command)}")
            return
        current = calendar.quarter_of(now())
        months = ", ".join(MONTHS[int(m) - 1][:3].capitalize() for m in calendar.start_months.split(","))
    ack(text=f":white_check_mark: Truce now uses {calendar.describe()}: this quarter is {calendar.label(current)}. "
             f"Quarters start in {months}, in {ws.timezone or 'UTC'}; the joint meeting is held in the first month "
             "of each. Plans, meetings and actuals saved before keep the quarter names they were saved under.")


# --- /joint actuals ---------------------------------------------------------------------------------


def actuals_command(*, ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext,
                    respond: Respond, rt: Runtime, ws: Workspace, rest: str) -> None:
    user = context["user_id"]
    word, tail = first_word(rest)
    with rt.session() as session:
        allowed = is_admin_or_lead(session, ws, user)
    if word == "help":
        ack(text=ACTUALS_USAGE)
        return
    if not allowed:
        ack(text=admins_only("record the joint plan's actuals") + " `/joint scorecard` shows them.")
        return
    if word == "token" and tail in ("", "new"):
        ack(text=_token(context=context, rt=rt, renew=tail == "new"))
        return
    action = word if word in ("import", "history") else None
    text = plain(tail if action else rest)
    calendar = calendar_of(ws)
    quarter_word, after = first_word(text)
    try:
        if "|" in text:  # one line by command, after an optional quarter
            try:
                quarter, text = parse_quarter(quarter_word), after
            except UserError:
                quarter = calendar.quarter_of(now())
        else:
            quarter = parse_quarter(text) if text.strip() else calendar.quarter_of(now())
    except UserError as exc:
        ack(text=f":thinking_face: {esc(str(exc))} {ACTUALS_USAGE}\n{_typed(command)}")
        return
    if action == "history":
        with rt.session() as session:
            revisions = actuals.revisions_of(session, team_id=ws.team_id, quarter=quarter)
        ack(text=blocks_scorecard.history_text(label=calendar.label(quarter), revisions=revisions,
                                               timezone=ws.timezone or "UTC"))
        return
    if "|" in text and action is None:
        ack(text=_record_line(context=context, rt=rt, ws=ws, quarter=quarter, text=text, command=command))
        return
    with rt.session() as session:
        try:
            actuals.check_quarter(calendar, quarter)
            plan = actuals.plan_of(session, ws=ws, quarter=quarter, calendar=calendar)
        except UserError as exc:
            ack(text=f"{esc(str(exc))}\n{_typed(command)}")
            return
        variances = actuals.beside_plan(plans.lines_of(session=session, plan=plan),
                                        actuals.actuals_of(session, team_id=ws.team_id, quarter=quarter))
    if action == "import":
        view = blocks_scorecard.import_modal(quarter=quarter, label=calendar.label(quarter))
    else:
        view = blocks_scorecard.actuals_modal(quarter=quarter, label=calendar.label(quarter),
                                              lines_text=actuals.form_text(variances),
                                              goals=[v.goal for v in variances if v.in_plan], currency=plan.currency)
    ack()
    later(context, client.views_open, trigger_id=command["trigger_id"], view=view)


def _record_line(*, context: BoltContext, rt: Runtime, ws: Workspace, quarter: str, text: str,
                 command: dict[str, Any]) -> str:
    calendar = calendar_of(ws)
    try:
        with rt.session() as session:
            drafts = actuals.parse_lines(text)
            done = actuals.record(session, ws=ws, calendar=calendar, quarter=quarter, drafts=drafts,
                                  by=context["user_id"], source="command")
            variances = actuals.beside_plan(plans.lines_of(session=session, plan=done.plan),
                                            actuals.actuals_of(session, team_id=ws.team_id, quarter=quarter))
            changed = len(done.revision.changes) if done.revision else 0
            return blocks_scorecard.recorded_text(label=calendar.label(quarter), variances=variances,
                                                  currency=done.plan.currency, changed=changed)
    except UserError as exc:
        return f":thinking_face: {esc(actuals.details(exc))}\nNothing was recorded. {_typed(command)}"


def _token(*, context: BoltContext, rt: Runtime, renew: bool) -> str:
    with rt.session() as session:
        existing = actuals_webhook.token_info(session=session, team_id=context["team_id"])
        if existing is not None and not renew:
            return (f"This workspace has an actuals webhook token since {existing.created_at:%Y-%m-%d} (made by "
                    f"<@{existing.created_by}>). Truce keeps only its fingerprint, so it can't show it again. "
                    "`/joint actuals token new` makes a new one; the old one stops working at once.")
        token = actuals_webhook.issue_token(session=session, team_id=context["team_id"], user_id=context["user_id"])
    return blocks_scorecard.token_text(token=token, path=WEBHOOK_PATH, renewed=existing is not None)
