"""`/truce csat import`: paste satisfaction scores as CSV in a form; all rows are stored, or none.

Who may import: whoever may record a score with `/truce csat` — every member of the workspace
(the command has no role rule; only the webhook's token is kept to admins and leads)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot.clock import aware
from bot.ids import CsatImportIds
from bot.models import Workspace
from bot.runtime import Runtime
from bot.unhappy import csat_import
from bot.unhappy.blocks_csat_import import duplicate_text, error_text, imported_text
from bot.unhappy.prefs import get_prefs
from bot.user_error import UserError
from handlers.common import input_value


def default_scale(ws: Workspace) -> int:
    return get_prefs(ws).csat_scale


def import_submitted(ack: Ack, view: dict, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    text = input_value(view["state"]["values"], CsatImportIds.CSV_BLOCK, CsatImportIds.CSV)
    try:
        paste = csat_import.parse(text, default_scale=default_scale(ws))
    except UserError as exc:
        ack(response_action="errors", errors={CsatImportIds.CSV_BLOCK: error_text(exc)})
        return
    team_id = context["team_id"]
    # Stored before ack(): if storing fails, the form stays open with the paste in it.
    with rt.session(deliver=False) as session:
        stored = csat_import.store(session=session, team_id=team_id, paste=paste, reporter_id=context["user_id"],
                                   text=imported_text(paste))
        previous = None if stored else csat_import.previous_import(session=session, team_id=team_id, paste=paste)
        when = aware(previous.created_at) if previous else None
    if stored is None:
        ack(response_action="errors", errors={CsatImportIds.CSV_BLOCK: duplicate_text(when)})
        return
    ack()
    rt.send_queued(session)
