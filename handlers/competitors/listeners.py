"""Competitors: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.competitors.ids import CompetitorIds
from bot.lazy import listener


def register(app: App) -> None:
    # handlers/competitors/actions.py
    app.action(CompetitorIds.OPEN_BATTLECARD)(listener("handlers.competitors.actions", "battlecard_clicked"))
    # handlers/competitors/feedback.py
    verdict = re.compile("^" + re.escape(CompetitorIds.FEEDBACK_PREFIX))
    app.action(verdict)(listener("handlers.competitors.feedback", "verdict_clicked"))
    app.action(CompetitorIds.FEEDBACK_NOTE)(listener("handlers.competitors.feedback", "note_clicked"))
    app.view(CompetitorIds.NOTE_VIEW)(listener("handlers.competitors.feedback", "note_submitted"))
