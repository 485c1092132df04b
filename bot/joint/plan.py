"""The quarter's joint business plan (step 5) and the forecast export finance reads (step 10).

Money is Decimal all the way: parsed from text, stored as NUMERIC(18, 2), written to CSV as text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import now
from bot.config import Settings
from bot.currencies import is_currency
from bot.db import pk
from bot.joint.models import JointPlan, JointPlanLine, JointPlanRevision
from bot.joint.plan_lines import LINE_EXAMPLE, LineDraft, line_text
from bot.joint.prefs import export_token_sha256, set_export_token_sha256
from bot.models import Workspace
from bot.quarters import FiscalCalendar, calendar_of
from bot.setup import members
from bot.user_error import UserError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000")  # a trillion: more is a typo
MAX_LINES = 40
AMOUNT = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")




def parse_amount(text: str, *, what: str = "amount") -> Decimal:
    """"12,500.50" -> Decimal("12500.50"). Digits, optional thousands commas, up to 2 decimals."""
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        return Decimal("0.00")
    if not AMOUNT.match(raw):
        raise ValueError(f"the {what} “{text.strip()}” is not a number: write digits like 12000 or 12,000.50")
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"the {what} “{text.strip()}” is not a number") from None
    if value >= MAX_AMOUNT:  # before quantize(), which cannot take more digits than the context's precision
        raise ValueError(f"the {what} “{text.strip()}” is too large")
    if value != value.quantize(CENT):
        raise ValueError(f"the {what} “{text.strip()}” has more than 2 decimals")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_lines(text: str) -> list[LineDraft]:
    """One plan line per text line: goal | campaign | budget | expected pipeline | expected revenue."""
    drafts = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) > 5:
            raise UserError(f"Line {number} has {len(parts)} parts; a line has at most 5: "
                            f"goal | campaign | budget | pipeline | revenue.", field="lines")
        parts += [""] * (5 - len(parts))
        goal, campaign = " ".join(parts[0].split()), " ".join(parts[1].split())
        if not goal:
            raise UserError(f"Line {number} has no goal: start it with the goal, like “{LINE_EXAMPLE}”.", field="lines")
        try:
            amounts = [parse_amount(parts[i], what=w) for i, w in
                       ((2, "budget"), (3, "expected pipeline"), (4, "expected revenue"))]
        except ValueError as exc:
            raise UserError(f"Line {number}: {exc}.", field="lines") from None
        drafts.append(LineDraft(goal[:500], campaign[:500], *amounts))
    if not drafts:
        raise UserError(f"Add at least one line, like “{LINE_EXAMPLE}”.", field="lines")
    if len(drafts) > MAX_LINES:
        raise UserError(f"A plan has at most {MAX_LINES} lines (this one has {len(drafts)}).", field="lines")
    return drafts


def check_currency(code: str | None) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise UserError("Give the budget's currency as an ISO 4217 code, like EUR or USD.", field="currency")
    if not is_currency(code):
        raise UserError(f"“{code}” is not an ISO 4217 currency code: write one like EUR, USD or GBP.", field="currency")
    return code


def check_owners(session: Session, *, team_id: str, owner_ids: list[str], names: dict[str, str]) -> list[dict]:
    """Owners must be on a team, with a sales owner and a (different) marketing owner."""
    owners, strangers = [], []
    for user_id in dict.fromkeys(owner_ids or []):
        teams = members.teams_of(session=session, team_id=team_id, user_id=user_id)
        if not teams:
            strangers.append(names.get(user_id, user_id))
        owners.append({"id": user_id, "name": names.get(user_id, user_id), "teams": sorted(t.value for t in teams)})
    if strangers:
        who = ", ".join(strangers)
        raise UserError(f"{who} {'is' if len(strangers) == 1 else 'are'} on neither the sales nor the "
                        "marketing team. Choose owners from both teams.", field="owners")
    sales = {o["id"] for o in owners if "sales" in o["teams"]}
    marketing = {o["id"] for o in owners if "marketing" in o["teams"]}
    if not sales or not marketing or (len(sales | marketing) < 2):
        missing = "sales" if not sales else "marketing" if not marketing else "the other team"
        raise UserError(f"A joint plan needs an owner from sales and a different one from marketing: "
                        f"add someone from {missing}.", field="owners")
    return owners


def editable_until(quarter: str, calendar: FiscalCalendar) -> datetime:
    """When the quarter ends, in the workspace's quarters (bot/quarters.py)."""
    return calendar.bounds(quarter)[1]


def check_editable(quarter: str, calendar: FiscalCalendar) -> None:
    if now() >= editable_until(quarter, calendar):
        raise UserError(f"{quarter} has ended, so its plan is kept as it was. Plan a current or future "
                        f"quarter instead.", field="lines")


# --- reading and saving -------------------------------------------------------------------------


def plan_for(session: Session, *, team_id: str, quarter: str) -> JointPlan | None:
    return session.exec(select(JointPlan).where(JointPlan.team_id == team_id, JointPlan.quarter == quarter)).first()


def lines_of(session: Session, *, plan: JointPlan) -> list[JointPlanLine]:
    return list(session.exec(
        select(JointPlanLine).where(JointPlanLine.plan_id == plan.id).order_by(col(JointPlanLine.position))
    ).all())


def revisions_of(session: Session, *, plan: JointPlan) -> list[JointPlanRevision]:
    return list(session.exec(
        select(JointPlanRevision).where(JointPlanRevision.plan_id == plan.id)
        .order_by(col(JointPlanRevision.id))
    ).all())


def _start(session: Session, *, ws: Workspace, quarter: str, currency: str, owners: list[dict],
           by: str) -> JointPlan:
    """A new plan for the quarter; if someone started it a moment ago, theirs (this save then edits it)."""
    plan = JointPlan(team_id=ws.team_id, quarter=quarter, currency=currency, owners=owners, created_by=by,
                     updated_by=by)
    try:
        with session.begin_nested():
            session.add(plan)
    except IntegrityError:
        theirs = plan_for(session=session, team_id=ws.team_id, quarter=quarter)
        if theirs is None:  # not the one-plan-per-quarter rule: a real error
            raise
        return theirs
    return plan


def save_plan(session: Session, *, ws: Workspace, quarter: str, lines: list[LineDraft], currency: str,
              owners: list[dict], by: str) -> tuple[JointPlan, JointPlanRevision | None]:
    """Create or edit a quarter's plan; every change is kept as a revision (None when nothing changed)."""
    check_editable(quarter, calendar_of(ws))
    plan = plan_for(session=session, team_id=ws.team_id, quarter=quarter) or _start(
        session, ws=ws, quarter=quarter, currency=currency, owners=owners, by=by)
    before: dict[str, Any]
    if not revisions_of(session=session, plan=plan):
        before = {"lines": [], "currency": None, "owners": []}  # just started: everything is a change
    else:
        before = {"lines": [line_text(ln) for ln in lines_of(session=session, plan=plan)],
                  "currency": plan.currency, "owners": [o["id"] for o in plan.owners]}
    after: dict[str, Any] = {"lines": [line_text(d) for d in lines], "currency": currency,
                             "owners": [o["id"] for o in owners]}
    changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if not changes:
        return plan, None
    session.exec(delete(JointPlanLine).where(col(JointPlanLine.plan_id) == plan.id))
    session.add_all([JointPlanLine(team_id=ws.team_id, plan_id=pk(plan.id), position=i, goal=d.goal,
                                   campaign=d.campaign, budget=d.budget, expected_pipeline=d.expected_pipeline,
                                   expected_revenue=d.expected_revenue) for i, d in enumerate(lines)])
    plan.currency, plan.owners, plan.updated_by, plan.updated_at = currency, owners, by, now()
    session.add(plan)
    revision = JointPlanRevision(team_id=ws.team_id, plan_id=pk(plan.id), user_id=by, changes=changes)
    session.add(revision)
    session.flush()
    return plan, revision


# --- the CSV finance opens -----------------------------------------------------------------------


# --- the export endpoint's tokens ----------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_export_token(session: Session, *, ws: Workspace) -> str:
    """A new per-workspace export token (shown once; only its hash is kept). Replaces the old one."""
    token = "truce-export-" + secrets.token_urlsafe(32)
    set_export_token_sha256(session=session, ws=ws, digest=_digest(token))
    return token


def token_allows(settings: Settings, ws: Workspace | None, token: str | None) -> bool:
    if not token:
        return False
    if settings.export_token and hmac.compare_digest(token, settings.export_token):
        return True
    saved = export_token_sha256(ws) if ws is not None else None
    return saved is not None and bool(saved) and hmac.compare_digest(_digest(token), saved)
