"""The scorecard: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

from slack_bolt import App

from bot.lazy import listener
from bot.scorecard.ids import ScorecardIds


def register(app: App) -> None:
    # handlers/scorecard/forms.py
    app.view(ScorecardIds.ACTUALS_VIEW)(listener("handlers.scorecard.forms", "actuals_submitted"))
    app.view(ScorecardIds.IMPORT_VIEW)(listener("handlers.scorecard.forms", "import_submitted"))
