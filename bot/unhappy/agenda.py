"""The quarter's unhappiness reports for the joint-meeting agenda: opened, resolved, root causes,
and how fast both teams took ownership (step 6)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from statistics import median

from sqlmodel import Session, col, select

from bot.block_kit import esc
from bot.db import pk
from bot.feature import AgendaSection
from bot.unhappy.blocks_alert import duration
from bot.unhappy.models import CorrectiveAction, UnhappyReport
from bot.unhappy.rules import ROOT_CAUSES

SHOWN = 8


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    opened = list(session.exec(select(UnhappyReport).where(
        UnhappyReport.team_id == team_id, UnhappyReport.created_at >= start, UnhappyReport.created_at < end,
    ).order_by(col(UnhappyReport.created_at))).all())
    resolved = list(session.exec(select(UnhappyReport).where(
        UnhappyReport.team_id == team_id, UnhappyReport.status == "resolved",
        col(UnhappyReport.closed_at) >= start, col(UnhappyReport.closed_at) < end,
    ).order_by(col(UnhappyReport.closed_at))).all())
    if not opened and not resolved:
        return None
    ids = {pk(r.id) for r in opened} | {pk(r.id) for r in resolved}
    actions = list(session.exec(select(CorrectiveAction).where(col(CorrectiveAction.report_id).in_(ids))).all())
    causes_of: dict[int, list[str]] = {}
    for a in actions:
        causes_of.setdefault(a.report_id, []).append(ROOT_CAUSES.get(a.root_cause, a.root_cause))
    by_severity = Counter(r.severity for r in opened)
    still_open = sum(1 for r in opened if r.status == "open")
    lines = [f"{len(opened)} reported ("
             + ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items(), key=lambda kv: kv[0]))
             + f"), {len(resolved)} resolved, {still_open} of this quarter's still open."]
    owned = [r.time_to_owned_s for r in opened if r.time_to_owned_s is not None]
    if owned:
        lines.append(f"Time from report to both owners: median {duration(median(owned))}, "
                     f"slowest {duration(max(owned))}.")
    causes = Counter(c for r in ids for c in set(causes_of.get(r, [])))
    if causes:
        lines.append("Root causes: " + ", ".join(f"{c} ({n})" for c, n in causes.most_common()))
    for r in resolved[:SHOWN]:
        why = ", ".join(sorted(set(causes_of.get(pk(r.id), [])))) or "no root cause recorded"
        lines.append(f"Resolved: *{esc(r.customer)}* `#{r.id}` ({r.severity}) — {why}")
    if len(resolved) > SHOWN:
        lines.append(f"…and {len(resolved) - SHOWN} more resolved.")
    return AgendaSection(title="Unhappy customers this quarter", lines=lines, order=30)
