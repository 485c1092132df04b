"""The share modal's fields, checked: what its answer says at once (bot/accepted_forms.py) and what its
listener (handlers/intel/command.py) stores. Kept apart so the process answering Slack imports only this."""

from __future__ import annotations

from typing import Any

from bot.ids import IntelIds
from bot.intel import parsing as intel_text
from bot.intel.models import KINDS
from bot.intel.parsing import ShareDraft
from bot.intel.share import require_setup
from bot.models import Workspace
from bot.user_error import UserError
from handlers.common import input_value


def modal_draft(values: dict) -> tuple[ShareDraft | None, dict[str, str]]:
    """The modal's fields as a draft, or the errors to show beside each field."""
    errors: dict[str, str] = {}
    summary, link, competitor, why = "", None, None, None
    try:
        summary = intel_text.check_summary(input_value(values, IntelIds.SUMMARY_BLOCK, IntelIds.SUMMARY))
    except UserError as exc:
        errors[IntelIds.SUMMARY_BLOCK] = str(exc).replace(f"like `{intel_text.EXAMPLE}`",
                                                         "in a sentence or two").replace("`", "")
    raw_link = (input_value(values, IntelIds.LINK_BLOCK, IntelIds.LINK) or "").strip()
    if raw_link:
        try:
            link = intel_text.check_link(raw_link)
        except UserError as exc:
            errors[IntelIds.LINK_BLOCK] = str(exc).replace("`", "")
    try:
        competitor = intel_text.check_competitor(input_value(values, IntelIds.COMPETITOR_BLOCK, IntelIds.COMPETITOR))
    except UserError as exc:
        errors[IntelIds.COMPETITOR_BLOCK] = str(exc)
    why = (input_value(values, IntelIds.WHY_BLOCK, IntelIds.WHY) or "").strip() or None
    if why and len(why) > intel_text.WHY_LIMIT:
        errors[IntelIds.WHY_BLOCK] = f"Keep it under {intel_text.WHY_LIMIT:,} characters (it is {len(why):,})."
    kind = input_value(values, IntelIds.KIND_BLOCK, IntelIds.KIND) or "other"
    if kind not in KINDS:
        errors[IntelIds.KIND_BLOCK] = "Choose a kind from the list."
    if errors:
        return None, errors
    return ShareDraft(summary=summary, kind=kind, competitor=competitor, link=link, why=why), {}


def modal_check(view: dict[str, Any], ws: Workspace) -> dict[str, str] | None:
    """Every error the modal can show, found without writing: its fields, and the workspace set up to share."""
    _, errors = modal_draft(view["state"]["values"])
    if errors:
        return errors
    try:
        require_setup(ws)
    except UserError as exc:
        return {IntelIds.SUMMARY_BLOCK: str(exc).replace("`", "")}
    return None
