"""The alert's buttons and ⋯ menu, and the modals they open (corrective action, assign, snooze)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.ids import UnhappyIds as Ids
from bot.models import Workspace
from bot.runtime import Runtime
from bot.setup import workspaces
from bot.unhappy import lifecycle as life
from bot.unhappy import owners
from bot.unhappy.blocks_alert import TEAM_NAME
from bot.unhappy.blocks_forms import action_modal, assign_modal, snooze_modal
from bot.user_error import UserError
from handlers.common import input_value, later, record_id, tell_later, view_metadata

ACTION_FIELDS = {"text": Ids.DONE_BLOCK, "root_cause": Ids.CAUSE_BLOCK, "follow_up_on": Ids.FOLLOW_UP_BLOCK}
T = TypeVar("T")  # what a unit of work gives back


def run(rt: Runtime, ws: Workspace, fn: Callable[[Session, Workspace], T]) -> tuple[T | None, str | None]:
    """Run `fn(session, ws)` in one unit of work; (result, None), or (None, why it was refused)."""
    try:
        with rt.session() as session:
            return fn(session, ws), None
    except UserError as exc:
        return None, str(exc)


def _say(context: BoltContext, respond: Respond, text: str, *, replace: bool = False) -> None:
    tell_later(context, respond, text, replace_original=replace)


def claim_for(rt: Runtime, ws: Workspace, user_id: str, *, report_id: int, team: str) -> str | None:
    """Claim `team`'s side for the person; returns what to tell them (None: nothing to say)."""
    change, refused = run(rt, ws, lambda s, ws: owners.claim(session=s, ws=ws, report_id=report_id,
                                                              user_id=user_id, team=team))
    if refused or change is None:
        return f":no_entry: {refused}"
    if not change.changed:
        return f"You already own the {TEAM_NAME[team]} side of this alert."
    return None


def claim_clicked(ack: Ack, body: dict, action: dict, context: BoltContext, respond: Respond, rt: Runtime,
                  ws: Workspace) -> None:
    team = "sales" if action["action_id"] == Ids.CLAIM_SALES else "marketing"
    note = claim_for(rt, ws, context["user_id"], report_id=record_id(action["value"], "report"), team=team)
    ack()
    if note:
        _say(context, respond, note)


def pick_clicked(ack: Ack, action: dict, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace) -> None:
    """The answer to "which team?" asked of someone on both teams who reacted to claim."""
    team = "sales" if action["action_id"] == Ids.PICK_SALES else "marketing"
    note = claim_for(rt, ws, context["user_id"], report_id=record_id(action["value"], "report"), team=team)
    ack()
    _say(context, respond, note or f":white_check_mark: You own the {TEAM_NAME[team]} side now.", replace=True)


def _open(ack: Ack, client: WebClient, body: dict, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace,
          report_id: int, check: Callable, build: Callable) -> None:
    """Open a modal about the report when `check(session, ws, report)` lets the person."""
    channel = (body.get("channel") or {}).get("id")

    def load(session, ws):
        report = owners.load(session=session, ws=ws, report_id=report_id)
        check(session, ws, report)
        return report

    report, refused = run(rt, ws, load)
    ack()
    if refused:
        _say(context, respond, f":no_entry: {refused}")
        return
    later(context, client.views_open, trigger_id=body["trigger_id"], view=build(report, channel=channel))


def add_action_clicked(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond,
                       rt: Runtime, ws: Workspace) -> None:
    user = context["user_id"]
    _open(ack, client, body, context, respond, rt, ws, record_id(action["value"], "report"),
          lambda s, ws, r: life.check_may_manage(ws, r, user, "add corrective actions"), action_modal)


def resolve_clicked(ack: Ack, action: dict, context: BoltContext, respond: Respond, rt: Runtime, ws: Workspace) -> None:
    report_id = record_id(action["value"], "report")
    _, refused = run(rt, ws, lambda s, ws: life.resolve(session=s, ws=ws, report_id=report_id,
                                                         user_id=context["user_id"]))
    ack()
    if refused:
        _say(context, respond, f":no_entry: {refused}")


def more_chosen(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond,
                rt: Runtime, ws: Workspace) -> None:
    choice, _, number = action["selected_option"]["value"].partition(":")
    report_id, user = record_id(number, "report"), context["user_id"]
    if choice == Ids.MORE_ASSIGN:
        def lead_only(s, ws, r):
            owners.refuse_closed(r)
            if not workspaces.is_lead(ws, user):
                raise UserError("Only a Truce lead can assign owners. Claim your own team's side with the "
                                "Claim buttons.")
        _open(ack, client, body, context, respond, rt, ws, report_id, lead_only, assign_modal)
        return
    if choice == Ids.MORE_SNOOZE:
        def managers(s, ws, r):
            owners.refuse_closed(r)
            life.check_may_manage(ws, r, user, "snooze its reminders")
        _open(ack, client, body, context, respond, rt, ws, report_id, managers, snooze_modal)
        return
    change = {Ids.MORE_REOPEN: life.reopen, Ids.MORE_NOT_AN_ISSUE: life.not_an_issue}.get(choice)
    if change is None:
        ack()
        _say(context, respond, "That menu item is not known to this version of Truce.")
        return
    _, refused = run(rt, ws, lambda s, ws: change(session=s, ws=ws, report_id=report_id, user_id=user))
    ack()
    if refused:
        _say(context, respond, f":no_entry: {refused}")


def _date(value: str | None) -> date | None:
    """A date picker's value (YYYY-MM-DD); anything else is refused like a bad date."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError("Pick a date from the calendar (like 2026-12-31).", field="follow_up_on") from None


def action_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    values, meta = view["state"]["values"], view_metadata(view)
    report_id, user = int(meta["report_id"]), context["user_id"]
    try:
        data = life.ActionInput(text=input_value(values, Ids.DONE_BLOCK, Ids.DONE) or "",
                                root_cause=input_value(values, Ids.CAUSE_BLOCK, Ids.CAUSE) or "",
                                follow_up_on=_date(input_value(values, Ids.FOLLOW_UP_BLOCK, Ids.FOLLOW_UP)))
        with rt.session() as session:
            life.validate_action(data, today=life.today_in(ws))
            report = owners.load(session=session, ws=ws, report_id=report_id)
            life.check_may_manage(ws, report, user, "add corrective actions")
            life.add_action(session=session, ws=ws, report_id=report_id, user_id=user, data=data)
    except UserError as exc:
        ack(response_action="errors", errors={ACTION_FIELDS.get(exc.field or "", Ids.DONE_BLOCK): str(exc)})
        return
    ack()


def assign_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    values, meta = view["state"]["values"], view_metadata(view)
    chosen = {"sales": input_value(values, Ids.ASSIGN_SALES_BLOCK, Ids.ASSIGN_SALES),
              "marketing": input_value(values, Ids.ASSIGN_MARKETING_BLOCK, Ids.ASSIGN_MARKETING)}
    blocks = {"sales": Ids.ASSIGN_SALES_BLOCK, "marketing": Ids.ASSIGN_MARKETING_BLOCK}
    report_id, lead = int(meta["report_id"]), context["user_id"]
    errors: dict[str, str] = {}

    def assign(session, ws):
        report = owners.load(session=session, ws=ws, report_id=report_id)
        if chosen["sales"] and chosen["sales"] == chosen["marketing"]:
            errors[blocks["marketing"]] = "Choose two different people: one from each team."
            return
        for team in ("sales", "marketing"):
            if chosen[team]:
                try:
                    owners.check_assign(session=session, ws=ws, report=report, lead=lead, team=team,
                                        assignee=chosen[team])
                except UserError as exc:
                    errors[blocks[team]] = str(exc)
                    return
        for team in ("sales", "marketing"):
            if chosen[team]:
                owners.assign(session=session, ws=ws, report_id=report_id, lead=lead, team=team,
                              assignee=chosen[team])

    _, refused = run(rt, ws, assign)
    if refused:
        errors = errors or {blocks["sales"]: refused}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()


def snooze_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    values, meta = view["state"]["values"], view_metadata(view)
    choice = input_value(values, Ids.SNOOZE_BLOCK, Ids.SNOOZE_FOR) or ""
    report_id, user = int(meta["report_id"]), context["user_id"]

    def snooze(session, ws):
        report = owners.load(session=session, ws=ws, report_id=report_id)
        owners.refuse_closed(report)
        life.check_may_manage(ws, report, user, "snooze its reminders")
        life.snooze(session=session, ws=ws, report_id=report_id, user_id=user, choice=choice)

    _, refused = run(rt, ws, snooze)
    if refused:
        ack(response_action="errors", errors={Ids.SNOOZE_BLOCK: refused})
        return
    ack()
