"""Intel's preferences (bot/prefs.py): the reaction that shares a message, and when the weekly digest goes out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.prefs import FeaturePrefs

DEFAULT_EMOJI = "bulb"
EMOJI_NAME = r"^[a-z0-9_+\-']{1,100}$"


class DigestPrefs(BaseModel):
    """The weekly digest: a weekday (0 = Monday), a local time "HH:MM", or off."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    weekday: int = Field(default=0, ge=0, le=6)
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    enabled: bool = True


class IntelPrefs(FeaturePrefs):
    feature = "intel"
    emoji: str = Field(default=DEFAULT_EMOJI, pattern=EMOJI_NAME)
    digest: DigestPrefs = DigestPrefs()
