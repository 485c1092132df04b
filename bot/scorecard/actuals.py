"""Actuals beside the joint plan: what a quarter really brought, per goal of its plan (and per owner).

Leads record them by command or form (a line per goal: `goal | budget spent | pipeline | revenue |
owner`), by CSV paste (`actuals_csv`) and by webhook (`actuals_webhook`). Every way ends in `record`:
the goals and owners are matched against the quarter's plan, amounts are Decimal (as the plan's),
and every change is kept as a revision (who, when, how, from -> to). Recording the same values again
changes nothing and keeps no revision, so a webhook sent twice is harmless.

An amount left empty in a line is "not recorded"; a webhook leaves out what it does not change.
The form shows the quarter's actuals and saves them as a whole (`replace=True`): a line removed there
removes that goal's actuals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import now
from bot.joint import plan as plans
from bot.joint.models import JointPlan, JointPlanLine
from bot.models import Member, Workspace
from bot.quarters import FiscalCalendar
from bot.scorecard.models import PlanActual, PlanActualRevision
from bot.scorecard.numbers import LineVariance
from bot.scorecard.rules import FIELD_NAMES, FIELDS, LINE_EXAMPLE, LINE_FORMAT, MAX_LINES, SHOWN_PROBLEMS
from bot.user_error import UserError

_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,31})(?:\|[^>]*)?>$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
_LINE_NUMBER = re.compile(r"^#(\d{1,3})$")


def details(exc: UserError, shown: int = SHOWN_PROBLEMS) -> str:
    """The message, then up to `shown` of the lines it refuses (where, why)."""
    lines = [f"• {where}: {why}" for where, why in exc.problems[:shown]]
    if len(exc.problems) > shown:
        lines.append(f"• …and {len(exc.problems) - shown} more.")
    return "\n".join([str(exc), *lines])


@dataclass(frozen=True)
class ActualDraft:
    """One line as typed or sent: its goal, its owner ("" for none) and the amounts it sets (a field
    left out is kept as it is; None means "not recorded"). `where` names it in messages ("Line 3")."""

    goal: str
    owner: str = ""
    values: Mapping[str, Decimal | None] = field(default_factory=dict)
    where: str = "Line 1"


@dataclass(frozen=True)
class Target:
    """A draft matched to the plan: the goal as the plan writes it, and the owner it is for."""

    goal: str
    goal_key: str
    owner_id: str
    owner_name: str
    values: Mapping[str, Decimal | None]
    where: str

    @property
    def key(self) -> tuple[str, str]:
        return self.goal_key, self.owner_id


@dataclass
class Recorded:
    plan: JointPlan
    rows: list[PlanActual]
    revision: PlanActualRevision | None  # None: nothing changed


def normalized(text: str) -> str:
    """How goals and names are compared: case-insensitive, spaces collapsed."""
    return " ".join((text or "").casefold().split())[:500]


goal_key = normalized


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --- parsing a line --------------------------------------------------------------------------------


def parse_line(text: str, *, where: str) -> ActualDraft:
    """`goal | budget spent | pipeline | revenue | owner` (parts after the goal may be left out)."""
    parts = [p.strip() for p in (text or "").split("|")]
    if len(parts) > 5:
        raise UserError(f"{where} has {len(parts)} parts; a line has at most 5: {LINE_FORMAT}.", field="lines")
    parts += [""] * (5 - len(parts))
    goal = " ".join(parts[0].split())
    if not goal:
        raise UserError(f"{where} has no goal: start it with the plan's goal, like “{LINE_EXAMPLE}”.", field="lines")
    values: dict[str, Decimal | None] = {}
    for name, raw in zip(FIELDS, parts[1:4], strict=True):
        try:
            values[name] = plans.parse_amount(raw, what=FIELD_NAMES[name]) if raw else None
        except ValueError as exc:
            raise UserError(f"{where}: {exc}.", field="lines") from None
    return ActualDraft(goal=goal, owner=parts[4], values=values, where=where)


def parse_lines(text: str) -> list[ActualDraft]:
    """The form's or the command's lines; an empty text is no lines (the form then clears the quarter)."""
    drafts = [parse_line(raw, where=f"Line {n}") for n, raw in enumerate((text or "").splitlines(), start=1)
              if raw.strip()]
    if len(drafts) > MAX_LINES:
        raise UserError(f"At most {MAX_LINES} lines at once (this has {len(drafts)}).", field="lines")
    return drafts


# --- matching against the plan ---------------------------------------------------------------------


def owner_names(session: Session, *, plan: JointPlan) -> dict[str, str]:
    """Every name an owner of the plan answers to (lower-cased) -> their user ID: the name the plan
    saved, and their Slack display and real names as Slack last told Truce."""
    ids = [o["id"] for o in plan.owners]
    names: dict[str, str] = {}
    for o in plan.owners:
        names.setdefault(normalized(o.get("name") or ""), o["id"])
    if ids:
        for m in session.exec(select(Member).where(Member.team_id == plan.team_id, col(Member.user_id).in_(ids))).all():
            for name in (m.display_name, m.real_name):
                if name:
                    names.setdefault(normalized(name), m.user_id)
    names.pop("", None)
    return names


def _owner(typed: str, plan: JointPlan, names: dict[str, str]) -> tuple[str, str] | str:
    """(user ID, name) of the plan's owner that `typed` names, ("", "") for nobody, or why not."""
    typed = (typed or "").strip()
    if not typed:
        return "", ""
    by_id = {o["id"]: o.get("name") or o["id"] for o in plan.owners}
    mention = _MENTION.match(typed)
    user_id = mention.group(1) if mention else typed if _USER_ID.match(typed) else None
    if user_id is None:
        key = normalized(typed.lstrip("@"))
        user_id = names.get(key)
        if user_id is None:  # a first name, when only one owner has it
            starts = {uid for name, uid in names.items() if name.split()[0] == key}
            user_id = starts.pop() if len(starts) == 1 else None
    if user_id is not None and user_id in by_id:
        return user_id, by_id[user_id]
    listed = ", ".join(sorted(by_id.values())) or "none"
    return f"the owner “{typed}” is not one of the plan's owners ({listed})"


def _goal(typed: str, lines: list[JointPlanLine]) -> JointPlanLine | str:
    number = _LINE_NUMBER.match(typed.strip())
    if number:
        n = int(number.group(1))
        return lines[n - 1] if 1 <= n <= len(lines) else f"the plan has no line #{n} (it has {len(lines)})"
    key = goal_key(typed)
    found = next((ln for ln in lines if goal_key(ln.goal) == key), None)
    if found is not None:
        return found
    goals = "; ".join(f"“{ln.goal[:60]}”" for ln in lines[:6]) + ("; …" if len(lines) > 6 else "")
    return f"the goal “{typed[:100]}” is not in the plan (its goals: {goals}); or write #1 for its first line"


def match(session: Session, *, plan: JointPlan, drafts: list[ActualDraft]) -> list[Target]:
    """Each draft's goal and owner in the plan, or UserError listing every line that does not match."""
    lines = plans.lines_of(session=session, plan=plan)
    names = owner_names(session, plan=plan)
    targets: list[Target] = []
    problems: list[tuple[int | str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for d in drafts:
        line, owner = _goal(d.goal, lines), _owner(d.owner, plan, names)
        why = [x for x in (line, owner) if isinstance(x, str)]
        if why:
            problems.append((d.where, "; ".join(why)))
            continue
        assert isinstance(line, JointPlanLine) and isinstance(owner, tuple)
        target = Target(line.goal, goal_key(line.goal), owner[0], owner[1], dict(d.values), d.where)
        if target.key in seen:
            problems.append((d.where, f"the same goal{' and owner' if target.owner_id else ''} as {seen[target.key]}"))
            continue
        seen[target.key] = d.where
        targets.append(target)
    if problems:
        count = len(problems)
        raise UserError(f"{count} line{'s' if count != 1 else ''} can't be recorded; nothing was "
                        "changed.", field="lines", problems=problems, code="unknown_goal_or_owner")
    return targets


# --- reading and recording -------------------------------------------------------------------------


def actuals_of(session: Session, *, team_id: str, quarter: str) -> list[PlanActual]:
    return list(session.exec(
        select(PlanActual).where(PlanActual.team_id == team_id, PlanActual.quarter == quarter)
        .order_by(col(PlanActual.id))
    ).all())


def revisions_of(session: Session, *, team_id: str, quarter: str) -> list[PlanActualRevision]:
    return list(session.exec(
        select(PlanActualRevision).where(PlanActualRevision.team_id == team_id, PlanActualRevision.quarter == quarter)
        .order_by(col(PlanActualRevision.id))
    ).all())


def check_quarter(calendar: FiscalCalendar, quarter: str) -> None:
    """Actuals are for a quarter that has begun (the current one fills up as it goes)."""
    if calendar.bounds(quarter)[0] > now():
        raise UserError(f"{calendar.label(quarter)} hasn't started yet, so it has no actuals. "
                        f"Record them for {calendar.label(calendar.quarter_of(now()))} or "
                        "an earlier quarter.", field="quarter", code="quarter_not_started")


def plan_of(session: Session, *, ws: Workspace, quarter: str, calendar: FiscalCalendar) -> JointPlan:
    plan = plans.plan_for(session=session, team_id=ws.team_id, quarter=quarter)
    if plan is None:
        raise UserError(f"There is no joint plan for {calendar.label(quarter)}: actuals are "
                        f"recorded against its goals. `/joint plan {quarter}` starts it.",
                        field="quarter", code="no_plan")
    return plan


def _label(target_goal: str, owner_name: str) -> str:
    return f"{target_goal} · {owner_name}" if owner_name else target_goal


def _insert(session: Session, row: PlanActual) -> PlanActual:
    """A new row; if a concurrent request inserted the same one a moment ago, that one (to update)."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = session.exec(select(PlanActual).where(
            PlanActual.team_id == row.team_id, PlanActual.quarter == row.quarter,
            PlanActual.goal_key == row.goal_key, PlanActual.owner_id == row.owner_id)).one()
        return existing
    return row


def record(session: Session, *, ws: Workspace, calendar: FiscalCalendar, quarter: str, drafts: list[ActualDraft],
           by: str, source: str, replace: bool = False) -> Recorded:
    """Record actuals for the quarter's plan (all of them, or none when a line is wrong). With `replace`
    (the form) the quarter's actuals become exactly these lines."""
    check_quarter(calendar, quarter)
    plan = plan_of(session, ws=ws, quarter=quarter, calendar=calendar)
    targets = match(session, plan=plan, drafts=drafts)
    existing = {(a.goal_key, a.owner_id): a for a in actuals_of(session, team_id=ws.team_id, quarter=quarter)}
    changes: dict[str, dict[str, dict[str, str | None]]] = {}
    rows: list[PlanActual] = []
    at = now()
    for t in targets:
        row = existing.get(t.key)
        before = {f: money_text(getattr(row, f)) if row else None for f in FIELDS}
        after = {**before, **{f: money_text(v) for f, v in t.values.items() if f in FIELDS}}
        changed = {f: {"from": before[f], "to": after[f]} for f in FIELDS if before[f] != after[f]}
        if not changed:
            if row is not None:
                rows.append(row)
            continue
        changes[_label(t.goal, t.owner_name)] = changed
        if row is None:
            row = _insert(session, PlanActual(team_id=ws.team_id, quarter=quarter, goal=t.goal, goal_key=t.goal_key,
                                              owner_id=t.owner_id, owner_name=t.owner_name, currency=plan.currency,
                                              source=source, updated_by=by))
        for f in FIELDS:
            value = after[f]
            setattr(row, f, None if value is None else Decimal(value))
        row.source, row.updated_by, row.updated_at, row.currency = source, by, at, plan.currency
        if all(getattr(row, f) is None for f in FIELDS):
            session.delete(row)
        else:
            session.add(row)
            rows.append(row)
    if replace:
        kept = {t.key for t in targets}
        for key, row in existing.items():
            if key in kept:
                continue
            gone = {f: {"from": money_text(getattr(row, f)), "to": None} for f in FIELDS if getattr(row, f) is not None}
            if gone:
                changes[_label(row.goal, row.owner_name)] = gone
            session.delete(row)
    revision = None
    if changes:
        revision = PlanActualRevision(team_id=ws.team_id, quarter=quarter, user_id=by, source=source, changes=changes)
        session.add(revision)
    session.flush()
    return Recorded(plan=plan, rows=rows, revision=revision)


# --- plan beside actual ----------------------------------------------------------------------------


def _planned(line: JointPlanLine) -> dict[str, Decimal]:
    return {"budget_spent": line.budget, "pipeline": line.expected_pipeline, "revenue": line.expected_revenue}


def _sum(rows: list[PlanActual], name: str) -> Decimal | None:
    values = [getattr(r, name) for r in rows if getattr(r, name) is not None]
    return sum(values, Decimal("0.00")) if values else None


def beside_plan(lines: list[JointPlanLine], actuals: list[PlanActual]) -> list[LineVariance]:
    """The plan's lines in order, each with its goal's actuals; then actuals of goals the plan no longer has."""
    by_goal: dict[str, list[PlanActual]] = {}
    for a in actuals:
        by_goal.setdefault(a.goal_key, []).append(a)
    out: list[LineVariance] = []
    for ln in lines:
        rows = by_goal.pop(goal_key(ln.goal), [])
        out.append(LineVariance(ln.goal, ln.campaign, _planned(ln), {f: _sum(rows, f) for f in FIELDS}, rows))
    zero = Decimal("0.00")
    for rows in by_goal.values():
        out.append(LineVariance(rows[0].goal, "", dict.fromkeys(FIELDS, zero), {f: _sum(rows, f) for f in FIELDS},
                                rows, in_plan=False))
    return out


def form_text(variances: list[LineVariance]) -> str:
    """The form's lines for the quarter as it stands: one per goal and owner with actuals, and one per
    goal of the plan without any (amounts empty), so a lead fills in what is missing."""
    out = []
    for v in variances:
        rows = v.by_owner or [None]
        for row in rows:
            amounts = ["" if row is None or getattr(row, f) is None else f"{getattr(row, f):.2f}" for f in FIELDS]
            owner = row.owner_name if row is not None and row.owner_name else ""
            out.append(" | ".join([v.goal, *amounts, owner]).rstrip(" |") if owner or any(amounts) else v.goal)
    return "\n".join(out)
