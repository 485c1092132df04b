"""Actuals from a pasted CSV, checked like the satisfaction import: a header line, `,` or `;` between
values, every row checked and named by its line, all rows recorded or none.

    goal,budget_spent,pipeline,revenue,owner
    Win 5 mid-market logos,11500,180000,60000,Sam Seller

`goal` and at least one amount column are needed; `owner` is optional. A column left out keeps what
was recorded; an empty cell is "not recorded". Amounts are written as in the plan (12000 or
"12,000.50"; quote an amount with commas when `,` separates the values).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from bot.joint import plan as plans
from bot.scorecard.actuals import ActualDraft
from bot.scorecard.rules import CSV_COLUMNS, CSV_HEADER, FIELD_NAMES, FIELDS, FORM_MAX_CHARS, MAX_LINES
from bot.user_error import UserError

ALIASES = {"spent": "budget_spent", "budget spent": "budget_spent", "actual pipeline": "pipeline",
           "actual revenue": "revenue"}


def _column(name: str) -> str:
    words = " ".join(name.strip().lower().replace("_", " ").split())
    return ALIASES.get(words, words.replace(" ", "_"))


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def parse(text: str | None) -> list[ActualDraft]:
    text = (text or "").strip().lstrip("\ufeff")
    if not text:
        raise UserError(f"Paste your actuals here, starting with the header line `{CSV_HEADER}`.", field="csv")
    if len(text) > FORM_MAX_CHARS:
        raise UserError(f"That is {len(text):,} characters; at most {FORM_MAX_CHARS:,} fit. "
                        "Paste it in parts.", field="csv")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.splitlines()[0]), skipinitialspace=True)
    header = [_column(h) for h in next(reader)]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown or "goal" not in header:
        why = f"unknown column(s): {', '.join(unknown)}" if unknown else "it has no goal column"
        raise UserError(f"I couldn't read the header ({why}). Start with `{CSV_HEADER}` (owner and any "
                        "amount column may be left out).", field="csv")
    if len(set(header)) != len(header):
        raise UserError("A column appears twice in the header.", field="csv")
    if not any(f in header for f in FIELDS):
        raise UserError("The header has no amount column: add budget_spent, pipeline or revenue.", field="csv")
    drafts: list[ActualDraft] = []
    problems: list[tuple[int | str, str]] = []
    for values in reader:
        where = f"Line {reader.line_num}"
        if not any(v.strip() for v in values):
            continue
        if len(drafts) + len(problems) >= MAX_LINES:
            raise UserError(f"That is more than {MAX_LINES} rows. Paste it in parts.", field="csv")
        if len(values) > len(header):
            problems.append((where, f"{len(values)} values but the header has {len(header)} columns (put an "
                                    "amount with commas in \"double quotes\")."))
            continue
        cell = dict(zip(header, (v.strip() for v in values), strict=False))
        goal = " ".join(cell.get("goal", "").split())
        if not goal:
            problems.append((where, "no goal: write the plan's goal first."))
            continue
        amounts: dict[str, Decimal | None] = {}
        bad = []
        for name in FIELDS:
            if name not in header:
                continue
            raw = cell.get(name, "")
            try:
                amounts[name] = plans.parse_amount(raw, what=FIELD_NAMES[name]) if raw else None
            except ValueError as exc:
                bad.append(str(exc))
        if bad:
            problems.append((where, "; ".join(bad) + "."))
            continue
        drafts.append(ActualDraft(goal=goal, owner=cell.get("owner", ""), values=amounts, where=where))
    if problems:
        count = len(problems)
        raise UserError(f"{count} row{'s' if count != 1 else ''} can't be recorded; nothing was "
                        "changed.", field="csv", problems=problems)
    if not drafts:
        raise UserError("There is a header but no actuals under it.", field="csv")
    return drafts
