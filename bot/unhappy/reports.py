"""Customer-unhappiness reports: reading what people typed, storing a report, finding reports.

A report is stored first and its alert queued in the outbox in the same transaction, so a report
is never lost to a Slack outage and never posted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.models import Outbox, Workspace
from bot.slack_text import plain
from bot.unhappy import alert as unhappy_alert
from bot.unhappy.models import UnhappyReport
from bot.unhappy.prefs import DEFAULT_SEVERITY
from bot.unhappy.rules import (
    CONTACT_MAX,
    CUSTOMER_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    SEVERITIES,
    customer_key,
)
from bot.user_error import UserError

SOURCES = {"command": "/unhappy", "modal": "the report form", "shortcut": "a message"}
USAGE = "/unhappy Acme Corp: invoice was wrong twice !high"
_SEVERITY = re.compile(r"(?<!\S)!([A-Za-z]+)(?!\S)")
_COLON = re.compile(r":(?!//)")
_URL = re.compile(r"^https?://[^\s<>|]+$", re.I)




@dataclass(frozen=True)
class ReportDraft:
    customer: str
    description: str
    severity: str = DEFAULT_SEVERITY
    link: str | None = None
    contact: str | None = None
    source: str = "command"
    source_permalink: str | None = None
    source_channel: str | None = None


def parse_command(text: str) -> ReportDraft:
    """`Acme Corp: what happened !high` -> a draft (the text as Slack sends it, escaped)."""
    text = plain(text).strip()
    severities = [m.group(1).lower() for m in _SEVERITY.finditer(text)]
    unknown = [s for s in severities if s not in SEVERITIES]
    if unknown:
        raise UserError(f"I don't know the severity `!{unknown[0]}`. "
                        "Use one of `!low`, `!medium`, `!high` or `!critical`.", field="severity")
    if len(set(severities)) > 1:
        raise UserError("That has more than one severity ("
                        + ", ".join(f"`!{s}`" for s in dict.fromkeys(severities)) + "). Keep just one.",
                        field="severity")
    text = _SEVERITY.sub("", text)
    parts = _COLON.split(text, maxsplit=1)
    if len(parts) < 2:
        raise UserError("Tell me the customer and what happened, separated by a colon.", field="description")
    customer, description = (" ".join(parts[0].split()), parts[1].strip())
    description = re.sub(r"[ \t]{2,}", " ", description).strip()
    draft = ReportDraft(customer=customer, description=description,
                        severity=severities[0] if severities else DEFAULT_SEVERITY)
    return validate_draft(draft)


def validate_draft(draft: ReportDraft) -> ReportDraft:
    customer = " ".join((draft.customer or "").split())
    description = (draft.description or "").strip()
    link = (draft.link or "").strip() or None
    contact = " ".join((draft.contact or "").split()) or None
    if not customer:
        raise UserError("Which customer is unhappy? The customer's name is missing.", field="customer")
    if len(customer) > CUSTOMER_MAX:
        raise UserError(f"The customer's name is {len(customer)} characters long; "
                        f"keep it under {CUSTOMER_MAX + 1}.", field="customer")
    if not description:
        raise UserError("What happened? The description is missing.", field="description")
    if len(description) > DESCRIPTION_MAX:
        raise UserError(f"What happened is {len(description)} characters long; keep it to "
                        f"{DESCRIPTION_MAX} (put the rest behind a link).", field="description")
    if draft.severity not in SEVERITIES:
        raise UserError("Choose a severity: low, medium, high or critical.", field="severity")
    if link and (len(link) > LINK_MAX or not _URL.match(link)):
        raise UserError("The link must be a web address starting with https:// "
                        f"(at most {LINK_MAX} characters).", field="link")
    if contact and len(contact) > CONTACT_MAX:
        raise UserError(f"Keep the contact under {CONTACT_MAX + 1} characters.", field="contact")
    return replace(draft, customer=customer, description=description, link=link, contact=contact)


def require_alerts_channel(ws: Workspace) -> None:
    if not ws.alerts_channel:
        raise UserError("Truce has no customer-alerts channel yet, so I couldn't post this. "
                        "Ask an admin or lead to run `/truce setup`.", field="setup")


def create_report(*, session: Session, ws: Workspace, user_id: str, draft: ReportDraft) -> UnhappyReport:
    """Store the report and queue its alert in the alerts channel (sent after commit)."""
    draft = validate_draft(draft)
    require_alerts_channel(ws)
    report = UnhappyReport(
        team_id=ws.team_id, customer=draft.customer, customer_key=customer_key(draft.customer),
        severity=draft.severity, description=draft.description, link=draft.link, contact=draft.contact,
        reporter_id=user_id, source=draft.source, source_permalink=draft.source_permalink,
        source_channel=draft.source_channel, alert_channel=ws.alerts_channel,
    )
    session.add(report)
    session.flush()
    unhappy_alert.post_alert(session=session, ws=ws, report=report)
    return report


def get_report(*, session: Session, team_id: str, report_id: int, lock: bool = False) -> UnhappyReport | None:
    stmt = select(UnhappyReport).where(UnhappyReport.id == report_id, UnhappyReport.team_id == team_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt.execution_options(populate_existing=True)).first()


def find_by_alert(*, session: Session, team_id: str, channel: str, ts: str) -> UnhappyReport | None:
    """The report whose alert is the message at (channel, ts), if that message is an alert."""
    return session.exec(
        select(UnhappyReport)
        .join(Outbox, col(Outbox.id) == UnhappyReport.alert_outbox_id)
        .where(UnhappyReport.team_id == team_id, Outbox.posted_channel == channel, Outbox.posted_ts == ts)
    ).first()


def list_open(*, session: Session, team_id: str, owner: str | None = None, limit: int = 200) -> list[UnhappyReport]:
    """Open reports, newest first; with `owner`, only those that person owns."""
    stmt = select(UnhappyReport).where(UnhappyReport.team_id == team_id, UnhappyReport.status == "open")
    if owner:
        stmt = stmt.where(or_(col(UnhappyReport.sales_owner_id) == owner,
                              col(UnhappyReport.marketing_owner_id) == owner))
    return list(session.exec(stmt.order_by(col(UnhappyReport.created_at).desc(), col(UnhappyReport.id).desc())
                             .limit(limit)).all())


def list_unclaimed(*, session: Session, team_id: str, limit: int = 200) -> list[UnhappyReport]:
    """Open reports still missing a sales or a marketing owner, newest first."""
    stmt = select(UnhappyReport).where(
        UnhappyReport.team_id == team_id, UnhappyReport.status == "open",
        or_(col(UnhappyReport.sales_owner_id).is_(None), col(UnhappyReport.marketing_owner_id).is_(None)),
    )
    return list(session.exec(stmt.order_by(col(UnhappyReport.created_at).desc(), col(UnhappyReport.id).desc())
                             .limit(limit)).all())


def open_customers(*, session: Session, team_id: str) -> dict[str, int]:
    """customer_key -> how many open reports it has."""
    counts: dict[str, int] = {}
    for key in session.exec(select(UnhappyReport.customer_key).where(
            UnhappyReport.team_id == team_id, UnhappyReport.status == "open")).all():
        counts[key] = counts.get(key, 0) + 1
    return counts


