"""Satisfaction scores from a pasted CSV (`/truce csat import`): parsed with the csv module, every row
checked by `csat.validate` (the rules the command and the webhook use), stored all or nothing.

A paste is identified by the hash of its parsed rows (so spacing and `,` vs `;` don't matter); the
confirmation DM's outbox key carries that hash, so the same paste is stored once per workspace.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

from sqlmodel import Session, select

from bot import delivery
from bot.models import Outbox
from bot.unhappy import csat
from bot.unhappy.csat_rules import COLUMNS, HEADER, MAX_CHARS, MAX_ROWS, CsatInput, Paste
from bot.user_error import UserError


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _number(value: str) -> float | str | None:
    """The score as a number when it reads as one (a decimal comma too), else as typed for validate."""
    value = value.strip()
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return value


def parse(text: str | None, *, default_scale: int) -> Paste:
    text = (text or "").strip().lstrip("\ufeff")
    if not text:
        raise UserError(f"Paste your scores here, starting with the header line `{HEADER}`.")
    if len(text) > MAX_CHARS:
        raise UserError(f"That is {len(text):,} characters; at most {MAX_CHARS:,} fit. Import it in parts.")
    delimiter = _delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in COLUMNS]
    if "customer" not in header or "score" not in header or unknown:
        what = f"unknown column(s): {', '.join(unknown)}" if unknown and "customer" in header and "score" in header \
            else "the first line must be the header"
        raise UserError(f"I couldn't read the header ({what}). Start with `{HEADER}` "
                        "(scale, comment and source may be left out).")
    if len(set(header)) != len(header):
        raise UserError("A column appears twice in the header.")
    rows: list[CsatInput] = []
    problems: list[tuple[int, str]] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise UserError(f"That is more than {MAX_ROWS} rows. Import it in parts.")
        if len(values) > len(header):
            problems.append((line, f"{len(values)} values but the header has {len(header)} columns "
                                   "(put a comment with commas in \"double quotes\")."))
            continue
        cell = dict(zip(header, (v.strip() for v in values), strict=False))
        scale = cell.get("scale") or ""
        try:
            rows.append(csat.validate(customer=cell.get("customer", ""), score=_number(cell.get("score", "")),
                                      scale=scale or default_scale, comment=cell.get("comment") or None,
                                      source=cell.get("source") or "csv", scale_given=bool(scale)))
        except UserError as exc:
            problems.append((line, str(exc)))
    if problems:
        raise UserError(f"{len(problems)} row{'s' if len(problems) != 1 else ''} can't be imported; "
                        "nothing was stored.", problems=problems)
    if not rows:
        raise UserError("There is a header but no scores under it.")
    normalized = json.dumps([[r.customer, r.score, r.scale, r.comment, r.source] for r in rows])
    return Paste(rows=rows, digest=hashlib.sha256(normalized.encode()).hexdigest())


def import_key(paste: Paste) -> str:
    return f"csat-import:{paste.digest[:48]}"


def previous_import(*, session: Session, team_id: str, paste: Paste) -> Outbox | None:
    return session.exec(select(Outbox).where(Outbox.team_id == team_id, Outbox.key == import_key(paste))).first()


def store(*, session: Session, team_id: str, paste: Paste, reporter_id: str, text: str) -> Outbox | None:
    """Queue the confirmation DM and store every row, in the caller's transaction. None when this paste
    was imported before (nothing stored): the confirmation's outbox key is the idempotency key."""
    confirmation = delivery.queue_post(session, team_id=team_id, channel=reporter_id, text=text,
                                       key=import_key(paste))
    if confirmation.id not in session.info.get("outbox_ids", ()):
        return None  # queued by an earlier (or a concurrent) import of the same rows
    for row in paste.rows:
        csat.record(session=session, team_id=team_id, data=row, reporter_id=reporter_id)
    return confirmation
