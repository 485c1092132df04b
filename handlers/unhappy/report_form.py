"""The unhappy-customer report form, checked: what its answer says at once (bot/accepted_forms.py) and what
its listener (handlers/unhappy/command.py) stores. Kept apart so the process answering Slack imports only this."""

from __future__ import annotations

from typing import Any

from bot.ids import UnhappyIds as Ids
from bot.models import Workspace
from bot.unhappy import prefs as unhappy_prefs
from bot.unhappy.reports import ReportDraft, require_alerts_channel, validate_draft
from bot.user_error import UserError
from handlers.common import input_value, view_metadata

FIELD_BLOCKS = {"customer": Ids.CUSTOMER_BLOCK, "description": Ids.WHAT_BLOCK, "severity": Ids.SEVERITY_BLOCK,
                "link": Ids.LINK_BLOCK, "contact": Ids.CONTACT_BLOCK, "setup": Ids.CUSTOMER_BLOCK}


def report_draft(view: dict[str, Any]) -> ReportDraft:
    """The form's fields as typed (not checked yet)."""
    values = view["state"]["values"]
    meta = view_metadata(view)
    return ReportDraft(
        customer=input_value(values, Ids.CUSTOMER_BLOCK, Ids.CUSTOMER) or "",
        description=input_value(values, Ids.WHAT_BLOCK, Ids.WHAT) or "",
        severity=input_value(values, Ids.SEVERITY_BLOCK, Ids.SEVERITY) or unhappy_prefs.DEFAULT_SEVERITY,
        link=input_value(values, Ids.LINK_BLOCK, Ids.LINK), contact=input_value(values, Ids.CONTACT_BLOCK, Ids.CONTACT),
        source=meta.get("source") or "modal", source_permalink=meta.get("permalink"),
        source_channel=meta.get("source_channel"),
    )


def form_errors(exc: UserError) -> dict[str, str]:
    """A refusal, beside the field it is about (a setup problem under the first field, without code marks)."""
    text = str(exc).replace("`", "") if exc.field == "setup" else str(exc)
    return {exc.block_in(FIELD_BLOCKS): text}


def report_check(view: dict[str, Any], ws: Workspace) -> dict[str, str] | None:
    """Every error the form can show, found without writing: its fields, and an alerts channel to post in."""
    try:
        validate_draft(report_draft(view))
        require_alerts_channel(ws)
    except UserError as exc:
        return form_errors(exc)
    return None
