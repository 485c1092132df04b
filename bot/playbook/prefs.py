"""The playbook's preferences (bot/prefs.py): the currency win/loss entries last used, offered first next time."""

from __future__ import annotations

from pydantic import Field

from bot.prefs import FeaturePrefs


class PlaybookPrefs(FeaturePrefs):
    feature = "playbook"
    winloss_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
