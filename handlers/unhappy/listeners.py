"""Unhappy reports and CSAT: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

from slack_bolt import App

from bot.accepted_forms import form
from bot.ids import Command, CsatImportIds, UnhappyIds
from bot.lazy import lazy, listener


def register(app: App) -> None:
    # handlers/unhappy/command.py
    app.command(Command.UNHAPPY)(listener("handlers.unhappy.command", "unhappy_command"))
    form(app, UnhappyIds.REPORT, listener("handlers.unhappy.command", "report_submitted"),
         check=lazy("handlers.unhappy.report_form", "report_check"))
    app.shortcut(UnhappyIds.SHORTCUT)(listener("handlers.unhappy.command", "report_shortcut"))
    app.view(UnhappyIds.SETTINGS)(listener("handlers.unhappy.command", "settings_submitted"))
    # handlers/unhappy/actions.py
    app.action(UnhappyIds.CLAIM_SALES)(listener("handlers.unhappy.actions", "claim_clicked"))
    app.action(UnhappyIds.CLAIM_MARKETING)(listener("handlers.unhappy.actions", "claim_clicked"))
    app.action(UnhappyIds.PICK_SALES)(listener("handlers.unhappy.actions", "pick_clicked"))
    app.action(UnhappyIds.PICK_MARKETING)(listener("handlers.unhappy.actions", "pick_clicked"))
    app.action(UnhappyIds.ADD_ACTION)(listener("handlers.unhappy.actions", "add_action_clicked"))
    app.action(UnhappyIds.RESOLVE)(listener("handlers.unhappy.actions", "resolve_clicked"))
    app.action(UnhappyIds.MORE)(listener("handlers.unhappy.actions", "more_chosen"))
    app.view(UnhappyIds.ACTION)(listener("handlers.unhappy.actions", "action_submitted"))
    app.view(UnhappyIds.ASSIGN)(listener("handlers.unhappy.actions", "assign_submitted"))
    app.view(UnhappyIds.SNOOZE)(listener("handlers.unhappy.actions", "snooze_submitted"))
    # handlers/unhappy/csat_import.py
    app.view(CsatImportIds.MODAL)(listener("handlers.unhappy.csat_import", "import_submitted"))
