"""Block Kit for the joint business plan: its message, its change notes and its history."""

from __future__ import annotations

from decimal import Decimal

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.block_kit import clip, context, esc, section
from bot.joint.models import JointPlan, JointPlanLine, JointPlanRevision
from bot.joint.plan_lines import totals
from bot.joint.schedule import when_text

FIELD_NAMES = {"lines": "plan lines", "currency": "currency", "owners": "owners"}


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def plan_text(plan: JointPlan, lines: list[JointPlanLine]) -> str:
    budget, pipeline, revenue = totals(lines)
    return (f"Joint plan {plan.quarter}: budget {money(budget, plan.currency)}, expected pipeline "
            f"{money(pipeline, plan.currency)}, expected revenue {money(revenue, plan.currency)}.")


def plan_blocks(plan: JointPlan, lines: list[JointPlanLine], *, timezone: str) -> list[Block]:
    budget, pipeline, revenue = totals(lines)
    owners = ", ".join(f"<@{o['id']}> ({'/'.join(o['teams'])})" for o in plan.owners)
    blocks: list[Block] = [
        HeaderBlock(text=f"Joint business plan — {plan.quarter}"),
        section(f"*Marketing budget:* {money(budget, plan.currency)}\n"
                f"*Expected pipeline:* {money(pipeline, plan.currency)}\n"
                f"*Expected revenue:* {money(revenue, plan.currency)}\n*Owners:* {owners}"),
        DividerBlock(),
    ]
    for i, ln in enumerate(lines[:40], start=1):
        campaign = f"\n_Campaign:_ {esc(ln.campaign)}" if ln.campaign else ""
        blocks.append(section(clip(
            f"*{i}. {esc(ln.goal)}*{campaign}\nBudget {money(ln.budget, plan.currency)} · pipeline "
            f"{money(ln.expected_pipeline, plan.currency)} · revenue {money(ln.expected_revenue, plan.currency)}")))
    blocks.append(context(f"Last changed by <@{plan.updated_by}> on {when_text(plan.updated_at, timezone)}. "
                          f"`/joint plan` to edit · `/joint plan history {plan.quarter}` · "
                          f"`/joint plan export {plan.quarter}` for the CSV."))
    return blocks[:50]


def _describe(field: str, change: dict) -> str:
    before, after = change.get("from"), change.get("to")
    if field == "lines":
        removed = [ln for ln in before or [] if ln not in (after or [])]
        added = [ln for ln in after or [] if ln not in (before or [])]
        parts = [f"  - {esc(ln)}" for ln in removed] + [f"  + {esc(ln)}" for ln in added]
        return "plan lines:\n" + "\n".join(parts)
    if field == "owners":
        return "owners: " + (", ".join(f"<@{u}>" for u in before or []) or "none") + " → " + \
            ", ".join(f"<@{u}>" for u in after or [])
    return f"{FIELD_NAMES.get(field, field)}: {esc(str(before or 'none'))} → {esc(str(after))}"


def revision_text(revision: JointPlanRevision, *, timezone: str, created: bool = False) -> str:
    head = (f"<@{revision.user_id}> {'created' if created else 'changed'} the plan "
            f"({when_text(revision.at, timezone)}):")
    return clip(head + "\n" + "\n".join("• " + _describe(f, c) for f, c in revision.changes.items()))


def history_text(plan: JointPlan, revisions: list[JointPlanRevision], *, timezone: str) -> str:
    if not revisions:
        return f"The {plan.quarter} plan has no changes recorded."
    shown = revisions[-15:]
    body = "\n\n".join(revision_text(r, timezone=timezone, created=(r.id == revisions[0].id)) for r in shown)
    more = f"\n_…{len(revisions) - len(shown)} earlier changes not shown._" if len(revisions) > len(shown) else ""
    return clip(f"*History of the {plan.quarter} joint plan* ({len(revisions)} changes)\n\n{body}{more}")
