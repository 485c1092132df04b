"""The win/loss log (step 8 "Continuous improvement"): past sales results, formally documented.

Sales (and leads) log each deal won or lost: the customer, why, a reason category, an optional amount
(Decimal, with its ISO 4217 currency) and the competitor. The quarter's summary and the joint meeting's
agenda are built from it (bot/playbook/winloss_summary.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.clock import aware, now
from bot.currencies import is_currency
from bot.joint.plan import parse_amount
from bot.models import Workspace
from bot.playbook.models import WinLoss
from bot.playbook.strategies import COLON, today_in
from bot.playbook.winloss_rules import COMPETITOR_MAX, CUSTOMER_MAX, NOTES_MAX, OUTCOMES, REASONS
from bot.setup.workspaces import set_pref
from bot.slack_text import plain
from bot.user_error import UserError

REASON_ALIASES = {
    "price": "price", "pricing": "price", "product": "product_fit", "fit": "product_fit",
    "product_fit": "product_fit", "product-fit": "product_fit", "relationship": "relationship",
    "timing": "timing", "competitor": "competitor", "competition": "competitor", "marketing": "marketing",
    "positioning": "marketing", "material": "marketing", "other": "other",
}
# Words in the "why" that say which reason it is, when no reason:… is given.
REASON_WORDS = {
    "price": "price prices pricing priced expensive cheaper cheap cost costs costly budget discount discounts",
    "product_fit": "product feature features fit integration integrations requirement requirements missing "
                   "functionality capability capabilities roadmap",
    "relationship": "relationship relationships trust champion rapport referral referred loyal loyalty",
    "timing": "timing timeline delay delayed postponed postpone freeze deadline later",
    "competitor": "competitor competitors competition rival incumbent",
    "marketing": "marketing positioning messaging deck collateral brochure website webinar campaign material "
                 "materials whitepaper",
}
USAGE = {"won": "/truce win Acme Corp: the ROI deck won over their CFO 12,000 EUR",
         "lost": "/truce loss Globex: chose a cheaper tool vs:Initech"}
SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
CURRENCY_PREF = "winloss.currency"
_VS = re.compile(r'(?<!\S)vs:(?:"([^"]*)"|\u201c([^\u201d]*)\u201d|(\S+))', re.I)
_REASON = re.compile(r"(?<!\S)reason:(\S*)", re.I)
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_AMOUNT = re.compile(rf"(?:^|\s)(?:(?P<sym>[$€£¥])\s?(?P<n1>{_NUMBER})|(?P<c1>[A-Z]{{3}})\s?(?P<n2>{_NUMBER})"
                     rf"|(?P<n3>{_NUMBER})\s?(?P<c2>[A-Z]{{3}}))\s*$")
_PUNCTUATION = "\"'.,;:!?()[]{}"




@dataclass(frozen=True)
class WinLossDraft:
    outcome: str
    customer: str
    reason: str
    notes: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    competitor: str | None = None
    closed_on: date | None = None  # None: today
    source: str = "command"
    reason_given: bool = True  # False: inferred from the words of the "why"


def infer_reason(notes: str, competitor: str | None) -> str:
    words = {w.strip(_PUNCTUATION) for w in notes.lower().split()}
    counts = {key: len(words & set(listed.split())) for key, listed in REASON_WORDS.items()}
    best = max(counts.values())
    if best:
        return next(key for key, n in counts.items() if n == best)
    return "competitor" if competitor else "other"


def _amount(text: str) -> tuple[str, Decimal | None, str | None]:
    """Take an amount with its currency off the end: "… 12,000 EUR", "… EUR 12000", "… $12,000"."""
    match = _AMOUNT.search(text)
    if not match:
        return text, None, None
    currency = SYMBOLS.get(match.group("sym") or "") or match.group("c1") or match.group("c2")
    if not is_currency(currency):
        return text, None, None  # "ROI 3" is not money
    amount = amount_of(match.group("n1") or match.group("n2") or match.group("n3"))
    return text[: match.start()].rstrip(), amount, currency


def amount_of(text: str | None) -> Decimal | None:
    """"12,000.50" -> Decimal("12000.50"); empty -> None."""
    if text is None or not text.strip():
        return None
    try:
        return parse_amount(text)
    except ValueError as exc:
        message = str(exc)
        raise UserError(message[:1].upper() + message[1:] + ".", field="amount") from None


def parse_command(outcome: str, text: str) -> WinLossDraft:
    """`Customer: why [12,000 EUR] [vs:Competitor] [reason:price]` (as Slack sends it) -> a draft."""
    text = plain(text).strip()
    rivals = [next(g for g in m.groups() if g is not None).strip() for m in _VS.finditer(text)]
    if len(set(rivals)) > 1:
        raise UserError("Name one competitor with vs: (like `vs:Initech` or `vs:\"Initech Corp\"`).",
                        field="competitor")
    reasons = [m.group(1).lower() for m in _REASON.finditer(text)]
    if len(set(reasons)) > 1 or (reasons and reasons[0] not in REASON_ALIASES):
        raise UserError(f"I don't know the reason `reason:{reasons[-1]}`. Use one of: "
                        + ", ".join(f"`reason:{k}`" for k in ("price", "product", "relationship",
                        "timing", "competitor", "marketing",
                        "other")) + ".", field="reason")
    text = _REASON.sub("", _VS.sub("", text)).strip()
    text, amount, currency = _amount(text)
    parts = COLON.split(text, maxsplit=1)
    verb = "won" if outcome == "won" else "lost"
    if len(parts) < 2 or not parts[0].strip():
        raise UserError(f"Tell me the customer and why you {verb}, separated by a colon.", field="customer")
    why = re.sub(r"[ \t]{2,}", " ", parts[1]).strip()
    if not why:
        raise UserError(f"Why did you {'win' if outcome == 'won' else 'lose'}? Say it after the colon.", field="notes")
    competitor = rivals[0] if rivals else None
    reason = REASON_ALIASES[reasons[0]] if reasons else infer_reason(why, competitor)
    return validate(WinLossDraft(outcome=outcome, customer=parts[0], reason=reason, notes=why, amount=amount,
                                 currency=currency, competitor=competitor, reason_given=bool(reasons)))


def validate(draft: WinLossDraft, *, today: date | None = None) -> WinLossDraft:
    customer = " ".join((draft.customer or "").split())
    notes = (draft.notes or "").strip() or None
    competitor = " ".join((draft.competitor or "").split()) or None
    currency = (draft.currency or "").strip().upper() or None
    if draft.outcome not in OUTCOMES:
        raise UserError("Was the deal won or lost?", field="outcome")
    if not customer:
        raise UserError("Which customer? The customer's name is missing.", field="customer")
    if len(customer) > CUSTOMER_MAX:
        raise UserError(f"The customer's name is {len(customer)} characters long; keep it to "
                        f"{CUSTOMER_MAX}.", field="customer")
    if draft.reason not in REASONS:
        raise UserError("Choose the main reason: " + ", ".join(REASONS.values()).lower() + ".", field="reason")
    if notes and len(notes) > NOTES_MAX:
        raise UserError(f"The notes are {len(notes)} characters long; keep them to {NOTES_MAX}.", field="notes")
    if competitor and len(competitor) > COMPETITOR_MAX:
        raise UserError(f"Keep the competitor's name to {COMPETITOR_MAX} characters.", field="competitor")
    if draft.amount is not None:
        if draft.amount <= 0:
            raise UserError("The amount must be more than zero (or leave it empty).", field="amount")
        if not currency:
            raise UserError("Which currency is the amount in? Give an ISO code like EUR or USD.", field="currency")
        if not is_currency(currency):
            raise UserError(f"“{currency}” is not an ISO 4217 currency code: write one like EUR, USD "
                            "or GBP.", field="currency")
    else:
        currency = None  # a currency without an amount says nothing
    if today is not None and draft.closed_on is not None and draft.closed_on > today:
        raise UserError("That date is in the future: log a deal once it is won or lost.", field="closed_on")
    return replace(draft, customer=customer, notes=notes, competitor=competitor, currency=currency)


def _closed_at(ws: Workspace, closed_on: date | None) -> datetime:
    if closed_on is None or closed_on == today_in(ws):
        return now()
    return datetime.combine(closed_on, time(12), ZoneInfo(ws.timezone or "UTC")).astimezone(UTC)


def closed_on(ws: Workspace, entry: WinLoss) -> date:
    """The local day the deal was won or lost."""
    return aware(entry.closed_at).astimezone(ZoneInfo(ws.timezone or "UTC")).date()


def last_currency(ws: Workspace) -> str | None:
    return (ws.prefs or {}).get(CURRENCY_PREF)


def record(*, session: Session, ws: Workspace, user_id: str, draft: WinLossDraft) -> WinLoss:
    draft = validate(draft, today=today_in(ws))
    entry = WinLoss(team_id=ws.team_id, outcome=draft.outcome, customer=draft.customer, amount=draft.amount,
                    currency=draft.currency, reason=draft.reason, notes=draft.notes, competitor=draft.competitor,
                    source=draft.source, recorded_by=user_id, closed_at=_closed_at(ws, draft.closed_on))
    session.add(entry)
    if draft.currency and draft.currency != last_currency(ws):
        set_pref(session=session, ws=ws, key=CURRENCY_PREF, value=draft.currency)
    session.flush()
    return entry


def get_entry(*, session: Session, team_id: str, entry_id: int) -> WinLoss | None:
    return session.exec(select(WinLoss).where(WinLoss.id == entry_id, WinLoss.team_id == team_id)).first()


def update_entry(*, session: Session, ws: Workspace, entry_id: int, user_id: str, draft: WinLossDraft) -> WinLoss:
    draft = validate(draft, today=today_in(ws))
    entry = get_entry(session=session, team_id=ws.team_id, entry_id=entry_id)
    if entry is None:
        raise UserError("That result is no longer in the log.", field="customer")
    for field in ("outcome", "customer", "amount", "currency", "reason", "notes", "competitor"):
        setattr(entry, field, getattr(draft, field))
    if draft.closed_on is not None and draft.closed_on != closed_on(ws, entry):
        entry.closed_at = _closed_at(ws, draft.closed_on)
    entry.updated_by, entry.updated_at = user_id, now()
    session.add(entry)
    session.flush()
    return entry


def between(*, session: Session, team_id: str, start: datetime, end: datetime) -> list[WinLoss]:
    return list(session.exec(select(WinLoss).where(
        WinLoss.team_id == team_id, WinLoss.closed_at >= start, WinLoss.closed_at < end,
    ).order_by(col(WinLoss.closed_at), col(WinLoss.id))).all())
