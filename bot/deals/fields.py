"""A closed deal's fields, checked: the one set of rules the webhook (every CRM shape) and the CSV import
share. Pure; each mistake raises UserError naming the field as the sender called it."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.competitors.names import clean_name
from bot.currencies import is_currency
from bot.joint.plan import parse_amount
from bot.slack_text import esc
from bot.user_error import UserError

FIELDS = ("deal_id", "name", "account", "amount", "currency", "outcome", "owner_email", "competitor", "closed_on")
ID_MAX, NAME_MAX, ACCOUNT_MAX, EMAIL_MAX = 100, 200, 150, 254
OUTCOME_WORDS = {"won": "won", "win": "won", "closed won": "won", "closedwon": "won", "closed_won": "won",
                 "lost": "lost", "loss": "lost", "closed lost": "lost", "closedlost": "lost", "closed_lost": "lost"}
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_EPOCH_MS = 10**11  # a number above this is milliseconds since 1970 (HubSpot), below it seconds



@dataclass(frozen=True)
class DealInput:
    deal_id: str
    name: str
    account: str
    outcome: str  # won | lost
    owner_email: str
    closed_on: date
    amount: Decimal | None = None
    currency: str | None = None
    competitor: str | None = None
    source: str = "api"

    @property
    def fingerprint(self) -> str:
        """What the CRM said, hashed (the source left out: the same deal from the CSV changes nothing)."""
        data = {k: v for k, v in asdict(self).items() if k != "source"}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _text(value: Any, field: str, limit: int, *, required: bool, what: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserError(f"{field} is required: {what}.", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise UserError(f"{field} must be text: {what}.", field=field)
    text = " ".join(str(value).split())
    if len(text) > limit:
        raise UserError(f"{field} is {len(text)} characters; at most {limit}.", field=field)
    return text


def _required(value: Any, field: str, limit: int, *, what: str) -> str:
    text = _text(value, field, limit, required=True, what=what)
    assert text is not None  # _text raises for a required field left out
    return text


def check_outcome(value: Any, field: str = "outcome") -> str:
    word = " ".join(str(value).lower().replace("-", " ").split()) if isinstance(value, str) else None
    if word not in OUTCOME_WORDS:
        shown = esc(str(value))[:40] if value is not None else "nothing"
        raise UserError(f"{field} must be won or lost (got “{shown}”).", field=field)
    return OUTCOME_WORDS[word]


def _amount(value: Any, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise UserError(f"{field} must be a number, like 12000 or 12000.50.", field=field)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):  # an int of any length is checked as text
            raise UserError(f"{field} must be a number, like 12000 or 12000.50.", field=field)
        value = f"{Decimal(str(value)):f}"
    if not isinstance(value, str):
        raise UserError(f"{field} must be a number, like 12000 or 12000.50.", field=field)
    if value.strip().startswith("-"):
        raise UserError(f"{field} must be more than zero (or left out).", field=field)
    try:
        amount = parse_amount(value, what=field)
    except ValueError as exc:
        message = esc(str(exc))
        raise UserError(message[:1].upper() + message[1:] + ".", field=field) from None
    if amount <= 0:
        raise UserError(f"{field} must be more than zero (or left out).", field=field)
    return amount


def parse_closed(value: Any, field: str, timezone: str) -> date:
    """A date (2027-01-29), a date and time (2027-01-29T16:00:00Z: the day it was in the workspace), or
    milliseconds since 1970 (HubSpot's closedate), as a number or its digits."""
    tz = ZoneInfo(timezone or "UTC")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UserError(f"{field} is required: the day the deal was won or lost, like 2027-01-29.", field=field)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > _EPOCH_MS else value
        try:
            return datetime.fromtimestamp(seconds, UTC).astimezone(tz).date()
        except (OverflowError, OSError, ValueError):
            raise UserError(f"{field} is not a date I can read.", field=field) from None
    if not isinstance(value, str):
        raise UserError(f"{field} must be a date like 2027-01-29.", field=field)
    raw = value.strip()
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"{field} “{esc(raw[:40])}” is not a date: write it like 2027-01-29.", field=field) from None
    return moment.astimezone(tz).date() if moment.tzinfo else moment.date()


def validate(raw: Mapping[str, Any], *, names: Mapping[str, str] | None = None, source: str = "api",
             timezone: str = "UTC", today: date | None = None, default_currency: str | None = None) -> DealInput:
    """The fields (keyed as FIELDS; `names` says what the sender called each) as a DealInput, or
    UserError about the first one that is wrong. `outcome` may already be "won"/"lost"."""
    name_of = {f: (names or {}).get(f, f) for f in FIELDS}
    deal_id = _required(raw.get("deal_id"), name_of["deal_id"], ID_MAX, what="the CRM's id of the deal")
    if not deal_id.isprintable():
        raise UserError(f"{name_of['deal_id']} has characters an id cannot have.", field=name_of["deal_id"])
    account = _text(raw.get("account"), name_of["account"], ACCOUNT_MAX, required=False, what="the customer")
    name = _text(raw.get("name"), name_of["name"], NAME_MAX, required=False, what="the deal's name")
    if not account and not name:
        raise UserError(f"{name_of['account']} is required: the customer's name.", field=name_of["account"])
    outcome = check_outcome(raw.get("outcome"), name_of["outcome"])
    email = _required(raw.get("owner_email"), name_of["owner_email"], EMAIL_MAX,
                      what="the e-mail of the deal's owner, to ask them why it was won or lost")
    if not _EMAIL.match(email):
        raise UserError(f"{name_of['owner_email']} “{esc(email)}” is not an e-mail address.",
                        field=name_of["owner_email"])
    amount = _amount(raw.get("amount"), name_of["amount"])
    currency = _text(raw.get("currency"), name_of["currency"], 3, required=False, what="an ISO code like EUR")
    currency = (currency or "").upper() or None
    if amount is None:
        currency = None  # a currency without an amount says nothing
    else:
        currency = currency or default_currency
        if not currency:
            raise UserError(f"{name_of['currency']} is required with an amount: an ISO code "
                            "like EUR or USD.", field=name_of["currency"])
        if not is_currency(currency):
            raise UserError(f"{name_of['currency']} “{esc(currency)}” is not an ISO 4217 "
                            "currency code: write one like EUR, USD or GBP.",
                            field=name_of["currency"])
    competitor = raw.get("competitor")
    if competitor is not None and not isinstance(competitor, str):
        raise UserError(f"{name_of['competitor']} must be text: the competitor's name.", field=name_of["competitor"])
    try:
        competitor = clean_name(competitor, field=name_of["competitor"]) if (competitor or "").strip() else None
    except UserError as exc:
        raise UserError(f"{name_of['competitor']}: {exc}", field=exc.field) from None
    closed_on = parse_closed(raw.get("closed_on"), name_of["closed_on"], timezone)
    if today is not None and closed_on > today + timedelta(days=1):
        raise UserError(f"{name_of['closed_on']} {closed_on.isoformat()} is in the future: "
                        "send a deal once it is won or lost.", field=name_of["closed_on"])
    return DealInput(deal_id=deal_id, name=name or account or "", account=account or name or "", outcome=outcome,
                     owner_email=email, closed_on=closed_on, amount=amount, currency=currency,
                     competitor=competitor, source=source)
