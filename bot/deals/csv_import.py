"""Closed deals from a pasted CSV (for teams without a webhook): parsed with the csv module, every row
checked by the rules the webhook uses (bot/deals/fields.py), stored all or nothing, each bad row named
by its line. A paste is identified by the hash of its parsed rows: the confirmation DM's outbox key
carries it, so the same paste is stored once; a deal id already known is updated, never duplicated."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot import delivery
from bot.deals import intake
from bot.deals.csv_format import HEADER, MAX_CHARS, MAX_ROWS, REQUIRED, Imported
from bot.deals.fields import FIELDS, DealInput, validate
from bot.models import Outbox, Workspace
from bot.slack_text import esc
from bot.user_error import UserError


@dataclass(frozen=True)
class Paste:
    rows: list[DealInput]
    digest: str


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def parse(text: str | None, *, timezone: str = "UTC", today: date | None = None,
          default_currency: str | None = None) -> Paste:
    text = (text or "").strip().lstrip("\ufeff")
    if not text:
        raise UserError(f"Paste your closed deals here, starting with the header line `{HEADER}`.", field="csv")
    if len(text) > MAX_CHARS:
        raise UserError(f"That is {len(text):,} characters; at most {MAX_CHARS:,} fit. Import it in parts.",
                        field="csv")
    delimiter = _delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in FIELDS]
    missing = [f for f in REQUIRED if f not in header]
    if unknown or missing or not ({"account", "name"} & set(header)):
        what = (f"unknown column(s): {esc(', '.join(unknown))}" if unknown else
                f"missing column(s): {', '.join(missing or ['account'])}")
        raise UserError(f"I couldn't read the header ({what}). Start with `{HEADER}` "
                        "(name or account may be left out, and amount, currency and competitor).", field="csv")
    if len(set(header)) != len(header):
        raise UserError("A column appears twice in the header.", field="csv")
    rows: list[DealInput] = []
    lines: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise UserError(f"That is more than {MAX_ROWS} deals. Import it in parts.", field="csv")
        if len(values) > len(header):
            problems.append((line, f"{len(values)} values but the header has {len(header)} columns "
                                   "(put a value with commas in \"double quotes\")."))
            continue
        cell = dict(zip(header, (v.strip() for v in values), strict=False))
        try:
            row = validate({k: v or None for k, v in cell.items()}, source="csv", timezone=timezone, today=today,
                           default_currency=default_currency)
        except UserError as exc:
            problems.append((line, str(exc)))
            continue
        if row.deal_id in lines:
            problems.append((line, f"deal_id {esc(row.deal_id)} is also on line {lines[row.deal_id]}: "
                                   "one line per deal."))
            continue
        lines[row.deal_id] = line
        rows.append(row)
    if problems:
        raise UserError(f"{len(problems)} row{'s' if len(problems) != 1 else ''} can't be imported; "
                        "nothing was stored.", field="csv", problems=problems)
    if not rows:
        raise UserError("There is a header but no deals under it.", field="csv")
    normalized = json.dumps([r.fingerprint for r in rows])
    return Paste(rows=rows, digest=hashlib.sha256(normalized.encode()).hexdigest())


def import_key(paste: Paste) -> str:
    return f"deal-import:{paste.digest[:48]}"


def previous_import(*, session: Session, team_id: str, paste: Paste) -> Outbox | None:
    return session.exec(select(Outbox).where(col(Outbox.team_id) == team_id,
                                             col(Outbox.key) == import_key(paste))).first()


def store(*, session: Session, ws: Workspace, paste: Paste, reporter_id: str,
          text: Callable[[Imported], str]) -> Imported | None:
    """Queue the confirmation DM (`text` says what was done) and store every deal, in the caller's
    transaction. None when this paste was imported before (nothing stored): the confirmation's outbox
    key is the idempotency key."""
    confirmation = delivery.queue_post(session, team_id=ws.team_id, channel=reporter_id, text="…",
                                       key=import_key(paste))
    if confirmation.id not in session.info.get("outbox_ids", ()):
        return None  # queued by an earlier (or a concurrent) import of the same rows
    done = Imported()
    counts: Counter = Counter()
    for row in paste.rows:
        stored = intake.store(session=session, ws=ws, data=row)
        counts[stored.status] += 1
        done.deals.append(stored.deal)
    done.created, done.updated, done.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    confirmation.text = text(done)  # not sent before this transaction commits
    session.add(confirmation)
    return done
