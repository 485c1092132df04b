"""Customer satisfaction (article step 3): scores in, a weekly digest out to the salespeople.

Scales: 0-10 (NPS-like) and 1-5 (CSAT-like). A score says its scale with `7/10` or `4/5`; a bare
number is read on the workspace's default scale (10 unless changed in `/unhappy settings`).
Scores are compared on a common 0-10 footing ("index": a 4/5 is 7.5). A score is *low* at 6 or
less out of 10, or 3 or less out of 5.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import aware
from bot.slack_text import plain
from bot.unhappy.csat_models import CsatDigestRun, CsatScore, CsatToken
from bot.unhappy.csat_rules import CsatInput, CustomerTrend, index
from bot.unhappy.rules import CUSTOMER_MAX, customer_key
from bot.user_error import UserError
from bot.webhook_secret import WebhookSecret

COMMENT_MAX = 1000
SOURCE_MAX = 64
SCALES = {10: (0, 10), 5: (1, 5)}
USAGE = "/truce csat Acme Corp 7/10 slow onboarding"
_SCORE = re.compile(r"^(\d{1,2}(?:\.\d)?)(?:/(10|5))?$")


def validate(*, customer: object, score: object, scale: object, comment: object = None, source: object = None,
             scale_given: bool = True) -> CsatInput:
    """Whatever a webhook, a command or a pasted row gave, checked to a score (or a UserError saying why)."""
    if not isinstance(customer, str) or not customer.strip():
        raise UserError("customer is required: the customer's name, as text.", code="missing_customer")
    customer = " ".join(customer.split())
    if len(customer) > CUSTOMER_MAX:
        raise UserError(f"customer is {len(customer)} characters; at most {CUSTOMER_MAX}.", code="customer_too_long")
    if isinstance(scale, str) and scale.strip().isdigit():
        scale = int(scale)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or scale not in SCALES:  # [10], {}: not hashable
        raise UserError("scale must be 10 (scores 0-10) or 5 (scores 1-5).", code="invalid_scale")
    scale = int(scale)  # 10.0 is 10
    if score is None:
        raise UserError("score is required: a number on the chosen scale.", code="missing_score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise UserError("score must be a number.", code="invalid_score")
    low, high = SCALES[scale]
    try:
        score = float(score)
    except OverflowError:  # an integer of hundreds of digits: no float holds it
        raise UserError(f"score is outside the {low}-{high} scale.", code="score_out_of_range") from None
    if not math.isfinite(score):
        raise UserError("score must be a number.", code="invalid_score")
    if not low <= score <= high:
        raise UserError(f"score {score:g} is outside the {low}-{high} scale.", code="score_out_of_range")
    if comment is not None and not isinstance(comment, str):
        raise UserError("comment must be text.", code="invalid_comment")
    comment = (comment or "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        raise UserError(f"comment is {len(comment)} characters; at most {COMMENT_MAX}.", code="comment_too_long")
    if source is not None and not isinstance(source, str):
        raise UserError("source must be text.", code="invalid_source")
    source = (source or "").strip() or "webhook"
    if len(source) > SOURCE_MAX:
        raise UserError(f"source is {len(source)} characters; at most {SOURCE_MAX}.", code="source_too_long")
    return CsatInput(customer=customer, score=round(float(score), 1), scale=scale, comment=comment, source=source,
                     scale_given=scale_given)


def parse_command(text: str, *, default_scale: int) -> CsatInput:
    """`Acme Corp 7/10 slow onboarding` (or `Acme Corp: 4/5`, or `Acme 8` on the default scale)."""
    words = plain(text).split()
    at = next((i for i, w in enumerate(words) if _SCORE.match(w) and "/" in w), None)
    if at is None:
        at = next((i for i, w in enumerate(words) if i > 0 and _SCORE.match(w)), None)
    if at is None:
        raise UserError("I couldn't find the score. Put it after the customer, like `7/10`, "
                        "`4/5`, or a bare number on your default scale.", code="invalid_score")
    customer = " ".join(words[:at]).rstrip(":").strip()
    number, _, scale = words[at].partition("/")
    comment = " ".join(words[at + 1:]) or None
    return validate(customer=customer, score=float(number), scale=int(scale) if scale else default_scale,
                    comment=comment, source="command", scale_given=bool(scale))


def record(*, session: Session, team_id: str, data: CsatInput, reporter_id: str | None = None) -> CsatScore:
    score = CsatScore(team_id=team_id, customer=data.customer, customer_key=customer_key(data.customer),
                      score=data.score, scale=data.scale, comment=data.comment, source=data.source,
                      reporter_id=reporter_id)
    session.add(score)
    session.flush()
    return score


# --- the webhook's secret ------------------------------------------------------------------------

SECRET = WebhookSecret(CsatToken, prefix="tcs_")
token_info, issue_token, team_for_token = SECRET.info, SECRET.issue, SECRET.team_for


# --- reading scores ----------------------------------------------------------------------------


def scores_between(*, session: Session, team_id: str, start: datetime, end: datetime) -> list[CsatScore]:
    return list(session.exec(
        select(CsatScore).where(CsatScore.team_id == team_id, CsatScore.created_at >= start,
                                CsatScore.created_at < end).order_by(col(CsatScore.created_at))
    ).all())


def trends(*, session: Session, team_id: str, start: datetime, end: datetime,
           history: timedelta = timedelta(weeks=4)) -> list[CustomerTrend]:
    """Per customer: the scores in [start, end) and their average over `history` before `start`."""
    current = scores_between(session=session, team_id=team_id, start=start, end=end)
    earlier = scores_between(session=session, team_id=team_id, start=start - history, end=start)
    before: dict[str, list[float]] = {}
    for s in earlier:
        before.setdefault(s.customer_key, []).append(index(s.score, s.scale))
    by_customer: dict[str, CustomerTrend] = {}
    for s in current:
        trend = by_customer.get(s.customer_key)
        if trend is None:
            past = before.get(s.customer_key)
            trend = by_customer[s.customer_key] = CustomerTrend(
                s.customer, s.customer_key, [], sum(past) / len(past) if past else None)
        trend.scores.append(s)
    return sorted(by_customer.values(), key=lambda t: (t.average, t.customer.lower()))


def claim_digest(*, session: Session, team_id: str, week: str) -> bool:
    """True for the one process that sends this workspace's digest of `week`."""
    try:
        with session.begin_nested():
            session.add(CsatDigestRun(team_id=team_id, week=week))
    except IntegrityError:
        return False
    return True


def newest(scores: list[CsatScore]) -> datetime | None:
    return max((aware(s.created_at) for s in scores), default=None)
