"""Who owns a report: claims (for one's own team), a lead's assignments, acknowledgements.

Every change of owner is one conditional UPDATE checked by its rowcount (`_take`), and the rules
live in its WHERE clause: the report is open, a claim takes only a free side, and nobody owns both
sides. The database evaluates them on the row as it is when the write happens (PostgreSQL re-checks
them after waiting for a concurrent writer), so when two people claim the same side at the same
moment exactly one wins, and a lead on both teams who claims both sides at once gets only one.
What is read before the UPDATE only chooses the friendly message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlmodel import Session, col

from bot.block_kit import user
from bot.clock import aware, now
from bot.models import Workspace
from bot.setup import members
from bot.setup.workspaces import is_lead
from bot.unhappy.alert import changed, dm
from bot.unhappy.blocks_alert import TEAM_NAME, assigned_dm, claimed_dm, duration, replaced_dm
from bot.unhappy.models import UnhappyReport
from bot.unhappy.reports import get_report
from bot.user_error import UserError

TEAMS = ("sales", "marketing")
_OWNER = {"sales": col(UnhappyReport.sales_owner_id), "marketing": col(UnhappyReport.marketing_owner_id)}
_CLAIMED = {"sales": "sales_claimed_at", "marketing": "marketing_claimed_at"}
_OTHER = {"sales": "marketing", "marketing": "sales"}




@dataclass(frozen=True)
class OwnerChange:
    report: UnhappyReport
    team: str
    changed: bool
    previous: str | None = None
    became_owned: bool = False


def teams(*, session: Session, ws: Workspace, user_id: str) -> set[str]:
    return {t.value for t in members.teams_of(session=session, team_id=ws.team_id, user_id=user_id)}


def load(*, session: Session, ws: Workspace, report_id: int, lock: bool = False) -> UnhappyReport:
    report = get_report(session=session, team_id=ws.team_id, report_id=report_id, lock=lock)
    if report is None:
        raise UserError(f"I can't find report `#{report_id}` in this workspace. "
                        "`/unhappy list` shows the open ones.")
    return report


def refuse_closed(report: UnhappyReport) -> None:
    if not report.is_open:
        state = "resolved" if report.status == "resolved" else "marked not an issue"
        raise UserError(f"This alert is {state}. Reopen it first (the alert's ⋯ menu → Reopen).")


def _mark_owned(session: Session, report: UnhappyReport) -> bool:
    """Record when both teams first owned the report (step 6: time from report to ownership)."""
    if not report.is_owned or report.owned_at is not None:
        return False
    t = now()
    seconds = int((t - aware(report.created_at)).total_seconds())
    done = session.exec(
        update(UnhappyReport)
        .where(col(UnhappyReport.id) == report.id, col(UnhappyReport.owned_at).is_(None),
               col(UnhappyReport.sales_owner_id).is_not(None), col(UnhappyReport.marketing_owner_id).is_not(None))
        .values(owned_at=t, time_to_owned_s=seconds)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    session.refresh(report)
    return done


def claim(*, session: Session, ws: Workspace, report_id: int, user_id: str, team: str) -> OwnerChange:
    """`user_id` takes the `team` side of the report. Exactly one of two racing claims wins."""
    report = load(session=session, ws=ws, report_id=report_id)
    mine = teams(session=session, ws=ws, user_id=user_id)
    if team not in mine:
        raise UserError(_not_on_team(ws, user_id, team, mine, report_id))
    refuse_closed(report)
    current = report.owner(team)
    if current == user_id:
        return OwnerChange(report, team, changed=False, previous=current)
    if current:
        raise UserError(_taken(ws, report, team, current))
    _refuse_both_sides(report, team, user_id, "You already own")
    if not _take(session, report, team, user_id, only_if_free=True):
        winner = report.owner(team)
        if winner == user_id:
            return OwnerChange(report, team, changed=False, previous=winner)
        if winner is not None:
            raise UserError(_taken(ws, report, team, winner, just_now=True))
        _refuse_changed(report, team, user_id, "You already own")
    became_owned = _mark_owned(session, report)
    what = f"claimed it for *{TEAM_NAME[team]}*."
    if became_owned:
        what += f" Both teams own it now, {duration(report.time_to_owned_s)} after the report."
    changed(session=session, report=report, actor=user_id, what=what)
    dm(session=session, report=report, user_id=user_id, text=claimed_dm(report, team))
    return OwnerChange(report, team, changed=True, became_owned=became_owned)


def check_assign(*, session: Session, ws: Workspace, report: UnhappyReport, lead: str, team: str,
                 assignee: str) -> None:
    """Why `lead` may not make `assignee` the `team` owner (UserError), if there is a reason."""
    if not is_lead(ws, lead):
        raise UserError("Only a Truce lead can assign owners. Claim your own team's side with the "
                        "alert's Claim buttons.")
    refuse_closed(report)
    if team not in teams(session=session, ws=ws, user_id=assignee):
        raise UserError(f"{user(assignee)} is not on the {team} team, so they can't own the "
                        f"{TEAM_NAME[team]} side. `/truce team @someone {team}` puts someone on it.")
    if report.owner(team) != assignee:
        _refuse_both_sides(report, team, assignee, f"{user(assignee)} already owns")


def assign(*, session: Session, ws: Workspace, report_id: int, lead: str, team: str,
           assignee: str) -> OwnerChange:
    """A lead makes `assignee` (who must be on `team`) its owner; the previous owner is told."""
    report = load(session=session, ws=ws, report_id=report_id, lock=True)
    check_assign(session=session, ws=ws, report=report, lead=lead, team=team, assignee=assignee)
    previous = report.owner(team)
    if previous == assignee:
        return OwnerChange(report, team, changed=False, previous=previous)
    if not _take(session, report, team, assignee, only_if_free=False):
        _refuse_changed(report, team, assignee, f"{user(assignee)} already owns")
    became_owned = _mark_owned(session, report)
    what = (f"handed the *{TEAM_NAME[team]}* side from {user(previous)} to {user(assignee)}." if previous
            else f"assigned {user(assignee)} as the *{TEAM_NAME[team]}* owner.")
    if became_owned:
        what += f" Both teams own it now, {duration(report.time_to_owned_s)} after the report."
    changed(session=session, report=report, actor=lead, what=what)
    dm(session=session, report=report, user_id=assignee, text=assigned_dm(report, team, lead))
    if previous:
        dm(session=session, report=report, user_id=previous, text=replaced_dm(report, team, lead, assignee))
    return OwnerChange(report, team, changed=True, previous=previous, became_owned=became_owned)


def acknowledge(*, session: Session, ws: Workspace, report_id: int, user_id: str) -> OwnerChange:
    """`user_id` has seen the alert (recorded and shown on it)."""
    report = load(session=session, ws=ws, report_id=report_id, lock=True)
    if not teams(session=session, ws=ws, user_id=user_id) and not is_lead(ws, user_id):
        raise UserError("Only people on the sales or marketing team (or a lead) acknowledge alerts; "
                        "you're on neither. `/truce whoami` shows why.")
    if user_id in (report.acknowledged_by or []):
        return OwnerChange(report, "", changed=False)
    report.acknowledged_by = [*(report.acknowledged_by or []), user_id]
    session.add(report)
    changed(session=session, report=report, actor=user_id, what="has seen it :eyes:")
    return OwnerChange(report, "", changed=True)


def _take(session: Session, report: UnhappyReport, team: str, user_id: str, *, only_if_free: bool) -> bool:
    """Make `user_id` the `team` owner if the rules hold on the row as the database has it now."""
    other = _OWNER[_OTHER[team]]
    rules = [col(UnhappyReport.id) == report.id, col(UnhappyReport.status) == "open",
             or_(other.is_(None), other != user_id)]
    if only_if_free:
        rules.append(_OWNER[team].is_(None))
    t = now()
    took = session.exec(
        update(UnhappyReport).where(*rules)
        .values({_OWNER[team]: user_id, _CLAIMED[team]: t, "updated_at": t})
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    session.refresh(report)
    return took


def _refuse_changed(report: UnhappyReport, team: str, user_id: str, who_owns: str) -> None:
    """Why `_take` refused, from the report as it is now: closed, or they own the other side."""
    refuse_closed(report)
    _refuse_both_sides(report, team, user_id, who_owns)
    raise UserError("The alert changed at the same moment. Look at it again and retry.")


def _refuse_both_sides(report: UnhappyReport, team: str, user_id: str, who_owns: str) -> None:
    other = _OTHER[team]
    if report.owner(other) == user_id:
        raise UserError(f"{who_owns} the {TEAM_NAME[other]} side. The {TEAM_NAME[team]} side needs someone "
                        "else: a shared task takes one person from each team.")


def missing_team(report: UnhappyReport) -> list[str]:
    return [t for t in TEAMS if report.owner(t) is None]


def _not_on_team(ws: Workspace, user_id: str, team: str, mine: set[str], report_id: int) -> str:
    if mine:
        other = next(iter(mine))
        text = (f"You're on the {other} team, so you can claim the {TEAM_NAME[other]} side only. "
                f"Someone from {team} claims the {TEAM_NAME[team]} side")
    else:
        text = ("You're on neither the sales nor the marketing team (team = membership of their channels), "
                "so you can't claim it. Someone from that team claims it")
    if is_lead(ws, user_id):
        return text + f"; as a lead you can assign them: `/unhappy assign {report_id} @someone {team}`."
    return text + ", or a lead assigns them."


def _taken(ws: Workspace, report: UnhappyReport, team: str, owner: str, *, just_now: bool = False) -> str:
    when = " just now, a moment before you" if just_now else ""
    return (f"{user(owner)} already claimed the {TEAM_NAME[team]} side of `#{report.id}`{when}. "
            "A lead can hand it over with Assign owners (the alert's ⋯ menu).")
