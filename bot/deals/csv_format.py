"""The CSV of closed deals: its columns, its limits, the example shown, and what an import did. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.deals.fields import FIELDS

MAX_CHARS = 3000  # Slack's limit for a plain_text_input
MAX_ROWS = 200
REQUIRED = ("deal_id", "outcome", "owner_email", "closed_on")
HEADER = ",".join(FIELDS)
EXAMPLE = (HEADER + "\nD-1001,Globex renewal,Globex,12000,EUR,lost,sam@example.com,Initech,2027-01-29\n"
           "D-1002,Acme expansion,Acme Corp,,,won,sally@example.com,,2027-01-30")


@dataclass
class Imported:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deals: list = field(default_factory=list)
