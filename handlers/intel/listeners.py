"""Intel: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

from slack_bolt import App

from bot.accepted_forms import form
from bot.ids import Command, IntelIds
from bot.lazy import lazy, listener


def register(app: App) -> None:
    # handlers/intel/command.py
    app.command(Command.INTEL)(listener("handlers.intel.command", "intel_command"))
    form(app, IntelIds.MODAL, listener("handlers.intel.command", "modal_submitted"),
         check=lazy("handlers.intel.share_form", "modal_check"))
    app.shortcut(IntelIds.SHORTCUT)(listener("handlers.intel.command", "message_shortcut"))
    # handlers/intel/actions.py
    app.action(IntelIds.USEFUL)(listener("handlers.intel.actions", "useful_clicked"))
    app.action(IntelIds.DISCUSS)(listener("handlers.intel.actions", "discuss_clicked"))
    app.action(IntelIds.MENU)(listener("handlers.intel.actions", "menu_selected"))
    app.action(IntelIds.RETRACT_CONFIRM)(listener("handlers.intel.actions", "retract_confirmed"))
    app.action(IntelIds.SEARCH_MORE)(listener("handlers.intel.actions", "search_paged"))
    app.action(IntelIds.SEARCH_BACK)(listener("handlers.intel.actions", "search_paged"))
