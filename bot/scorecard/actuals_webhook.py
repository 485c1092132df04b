"""`POST /webhooks/actuals`: what a finance tool sends, checked before anything is stored, and the
per-workspace secret it sends as `Authorization: Bearer <token>` (only its hash is kept).

    {"quarter": "2027-Q1",
     "lines": [{"goal": "Win 5 mid-market logos", "owner": "Sam Seller",
                "budget_spent": 11500, "pipeline": "180000.00", "revenue": 60000}]}

One line may also be sent on its own ({"quarter": ..., "goal": ..., "pipeline": ...}). `quarter` left
out is the current quarter. A line changes only the amounts it names; `null` clears one. Amounts are
numbers or decimal strings with at most 2 decimals. Every problem names its field ("lines[2].pipeline").
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from bot.joint import plan as plans
from bot.quarters import parse_quarter
from bot.scorecard.actuals import ActualDraft
from bot.scorecard.models import ActualsToken
from bot.scorecard.rules import FIELD_NAMES, FIELDS, MAX_LINES
from bot.user_error import UserError
from bot.webhook_secret import WebhookSecret

LINE_FIELDS = ("goal", "owner", *FIELDS)
TOP_FIELDS = ("quarter", "lines")
TOKEN_PREFIX = "tac_"


def _bad(field: str, code: str, message: str) -> UserError:
    return UserError(f"{field}: {message}", field=field, code=code)


def _amount(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(field, "invalid_amount", "must be a number, a decimal string, or null.")
    if isinstance(value, float) and not math.isfinite(value):
        raise _bad(field, "invalid_amount", "must be a finite number.")
    text = str(value) if not isinstance(value, float) else repr(value)
    if (isinstance(value, int | float) and value < 0) or text.strip().startswith("-"):
        raise _bad(field, "invalid_amount", "must not be negative.")
    if isinstance(value, int) and len(text) > 20:
        raise _bad(field, "invalid_amount", "is too large.")
    try:
        return plans.parse_amount(text.removesuffix(".0") if isinstance(value, float) else text,
                                  what=FIELD_NAMES[field.rsplit(".", 1)[-1]])
    except ValueError as exc:
        raise _bad(field, "invalid_amount", str(exc) + ".") from None


def _text(value: Any, field: str, *, required: bool, limit: int) -> str:
    if value is None and not required:
        return ""
    name = field.rsplit(".", 1)[-1]
    if required and (value is None or (isinstance(value, str) and not value.strip())):
        raise _bad(field, f"missing_{name}", "is required, as text.")
    if not isinstance(value, str):
        raise _bad(field, f"invalid_{name}", "must be text.")
    if len(value) > limit:
        raise _bad(field, "too_long", f"is {len(value)} characters; at most {limit}.")
    return " ".join(value.split())


def _line(data: Any, where: str) -> ActualDraft:
    if not isinstance(data, dict):
        raise _bad(where, "invalid_line", "must be an object with goal and the amounts.")
    unknown = sorted(set(data) - set(LINE_FIELDS))
    if unknown:
        raise _bad(f"{where}.{unknown[0]}" if where != "body" else unknown[0], "unknown_field",
                   f"is not a field. Known: {', '.join(LINE_FIELDS)}.")
    prefix = "" if where == "body" else f"{where}."
    goal = _text(data.get("goal"), f"{prefix}goal", required=True, limit=500)
    owner = _text(data.get("owner"), f"{prefix}owner", required=False, limit=255)
    values = {f: _amount(data[f], f"{prefix}{f}") for f in FIELDS if f in data}
    if not values:
        raise _bad(f"{prefix}pipeline", "missing_amount", f"give at least one of {', '.join(FIELDS)}.")
    return ActualDraft(goal=goal, owner=owner, values=values, where=where if where != "body" else "The line")


def parse(data: Any) -> tuple[str | None, list[ActualDraft]]:
    """(quarter or None for the current one, the lines), or UserError naming the field."""
    if not isinstance(data, dict):
        raise UserError("body: send one JSON object with quarter and lines.", field="body", code="invalid_body")
    quarter = None
    if data.get("quarter") is not None:
        if not isinstance(data["quarter"], str):
            raise _bad("quarter", "invalid_quarter", "must be text like 2027-Q1.")
        try:
            quarter = parse_quarter(data["quarter"])
        except UserError as exc:
            raise _bad("quarter", "invalid_quarter", str(exc)) from None
    if "lines" not in data:
        single = {k: v for k, v in data.items() if k != "quarter"}
        return quarter, [_line(single, "body")]
    unknown = sorted(set(data) - set(TOP_FIELDS))
    if unknown:
        raise _bad(unknown[0], "unknown_field", "is not a field next to lines. Known: quarter, lines.")
    lines = data["lines"]
    if not isinstance(lines, list) or not lines:
        raise _bad("lines", "invalid_lines", "must be a list of at least one line.")
    if len(lines) > MAX_LINES:
        raise _bad("lines", "too_many_lines", f"has {len(lines)} lines; at most {MAX_LINES}.")
    return quarter, [_line(line, f"lines[{i}]") for i, line in enumerate(lines)]


# --- the secret ------------------------------------------------------------------------------------

SECRET = WebhookSecret(ActualsToken, prefix=TOKEN_PREFIX)
token_info, issue_token, team_for_token = SECRET.info, SECRET.issue, SECRET.team_for
