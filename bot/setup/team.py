"""The two teams Truce brings together."""

from __future__ import annotations

from enum import StrEnum


class Team(StrEnum):
    SALES = "sales"
    MARKETING = "marketing"
