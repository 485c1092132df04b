"""The actuals forms: the quarter's actuals as lines (saved as a whole) and the CSV paste (added to what
is recorded). Everything is checked and stored before the answer; a mistake keeps the form open with the
paste in it and names the line and field, and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext

from bot import delivery
from bot.joint import plan as plans
from bot.models import Workspace
from bot.quarters import calendar_of, parse_quarter
from bot.runtime import Runtime
from bot.scorecard import actuals, actuals_csv
from bot.scorecard.blocks_scorecard import recorded_text
from bot.scorecard.ids import ScorecardIds
from bot.user_error import UserError
from handlers.common import input_value, view_metadata


def actuals_submitted(ack: Ack, view: dict[str, Any], context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    text = input_value(view["state"]["values"], ScorecardIds.ACTUALS_BLOCK, ScorecardIds.ACTUALS) or ""
    _save(ack, view, context, rt, ws, blocks={"lines": ScorecardIds.ACTUALS_BLOCK}, source="form", replace=True,
          parse=lambda: actuals.parse_lines(text))


def import_submitted(ack: Ack, view: dict[str, Any], context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    text = input_value(view["state"]["values"], ScorecardIds.CSV_BLOCK, ScorecardIds.CSV)
    _save(ack, view, context, rt, ws, blocks={"csv": ScorecardIds.CSV_BLOCK}, source="csv", replace=False,
          parse=lambda: actuals_csv.parse(text))


def _save(ack: Ack, view: dict[str, Any], context: BoltContext, rt: Runtime, ws: Workspace, *,
          blocks: dict[str, str], source: str, replace: bool, parse: Callable[[], list[actuals.ActualDraft]]) -> None:
    user = context["user_id"]
    try:
        quarter = parse_quarter(view_metadata(view).get("quarter") or "")
        drafts = parse()
    except UserError as exc:
        ack(response_action="errors", errors={exc.block_in(blocks): _error(exc)})
        return
    with rt.session(deliver=False) as session:
        calendar = calendar_of(ws)
        try:
            with session.begin_nested():  # all of it, or nothing
                done = actuals.record(session, ws=ws, calendar=calendar, quarter=quarter, drafts=drafts, by=user,
                                      source=source, replace=replace)
        except UserError as exc:
            ack(response_action="errors", errors={exc.block_in(blocks): _error(exc)})
            return
        variances = actuals.beside_plan(plans.lines_of(session=session, plan=done.plan),
                                        actuals.actuals_of(session, team_id=ws.team_id, quarter=quarter))
        changed = len(done.revision.changes) if done.revision else 0
        delivery.queue_post(session, team_id=ws.team_id, channel=user, text=recorded_text(
            label=calendar.label(quarter), variances=variances, currency=done.plan.currency, changed=changed))
    ack()
    rt.send_queued(session)


def _error(exc: UserError) -> str:
    """The form's error under the box: plain text (Slack shows it as is), at most its 2,000 characters."""
    text = actuals.details(exc)
    return text if len(text) <= 2000 else text[:1999] + "…"
