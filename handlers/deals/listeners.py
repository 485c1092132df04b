"""Deals: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.deals.ids import DealIds
from bot.lazy import listener


def register(app: App) -> None:
    # handlers/deals/answers.py
    app.action(re.compile("^" + re.escape(DealIds.REASON_PREFIX)))(listener("handlers.deals.answers", "reason_clicked"))
    app.action(DealIds.DETAILS)(listener("handlers.deals.answers", "details_clicked"))
    app.view(DealIds.CONFIRM_VIEW)(listener("handlers.deals.answers", "form_submitted"))
    # handlers/deals/command.py
    app.view(DealIds.IMPORT_VIEW)(listener("handlers.deals.command", "import_submitted"))
