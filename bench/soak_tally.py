"""What became of each request the soak sent: stored (in the database), posted (visible in the
emulated Slack), queued (stored, its posts still in the outbox, waiting their turn: a channel Slack paces at
one post a second when the drain window closed; or answered and not run yet: a request its process took
before a kill -9, run once its claim lapses), lost (accepted but not stored, or stored and neither posted
nor queued) and duplicated (shown more than once).

- intel: its share is stored, and its words appear once in #sales and once in #sales-marketing.
- unhappy: its report is stored, and its words appear once in #customer-alerts.
- vote: its vote is stored, and the share's posts show it: per share, the **Useful (n)** count on
  both of its posts against the votes stored. A count under the stored votes means votes not shown
  (lost); over them, votes counted twice (duplicated).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bench.soak_load import Request
from bot.ids import IntelIds
from bot.intel.models import IntelShare, IntelVote
from bot.models import AcceptedRequest, Outbox
from bot.sandbox.seed import ALERTS, JOINT, SALES
from bot.sandbox.state import WorkspaceState
from bot.unhappy.models import UnhappyReport

WORDS = re.compile(r"\bsoak\d{2}x\d{5}\b")
COUNT = re.compile(r"Useful \((\d+)\)")
KINDS = ("intel", "unhappy", "vote")


@dataclass
class Row:
    kind: str
    sent: int = 0
    acknowledged: int = 0  # answered 200 within 3 s
    late: int = 0  # answered 200 after 3 s
    not_answered: int = 0  # no answer (server down, reset, time-out) or not 200
    refused: int = 0  # answered 200 but not saved (the answer said why)
    stored: int = 0
    posted: int = 0
    queued: int = 0  # stored, not posted yet, its posts pending in the outbox
    lost: int = 0
    duplicated: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None


def _copies(state: WorkspaceState, channel: str) -> Counter[str]:
    """How many messages Slack shows in `channel` (top level) with each request's words."""
    return Counter(w for m in state.messages(channel) for w in set(WORDS.findall(m.text)))


def _shown_votes(state: WorkspaceState) -> dict[int, int]:
    """Per share, the smallest Useful count its posts in #sales and #sales-marketing show."""
    shown: dict[int, int] = {}
    for channel in (SALES, JOINT):
        for message in state.messages(channel):
            for block in message.blocks:
                for element in block.get("elements", []):
                    if element.get("action_id") == IntelIds.USEFUL:
                        found = COUNT.search(element["text"]["text"])
                        share = int(element["value"])
                        shown[share] = min(shown.get(share, 10**9), int(found.group(1)) if found else 0)
    return shown


def _votes(row: Row, mine: list[Request], votes: set[str], stored_per_share: Counter[int],
           shown: dict[int, int], waiting_shares: set[int]) -> None:
    """Votes: stored one by one; shown (or not, or too often) per share, on the Useful button."""
    row.stored = sum(r.key in votes for r in mine)
    row.lost = sum(r.accepted and r.key not in votes for r in mine)
    for share in {int(r.key.split(":")[0]) for r in mine}:
        stored, seen = stored_per_share[share], shown.get(share, 0)
        row.posted += min(stored, seen)
        if share in waiting_shares:  # its posts (or their updates) still queued
            row.queued += max(stored - seen, 0)
        else:
            row.lost += max(stored - seen, 0)  # stored, but the posts do not show it
        row.duplicated += max(seen - stored, 0)  # shown more often than stored


def tally(requests: list[Request], engine: Engine, state: WorkspaceState) -> list[Row]:
    with Session(engine) as session:
        summaries = session.exec(select(IntelShare.id, IntelShare.summary)).all()
        shares = Counter(w for _, summary in summaries for w in WORDS.findall(summary))
        reports = Counter(w for c in session.exec(select(UnhappyReport.customer)).all() for w in WORDS.findall(c))
        votes = {f"{s}:{u}" for s, u in session.exec(select(IntelVote.share_id, IntelVote.user_id)).all()}
        stored_per_share = Counter(int(k.split(":")[0]) for k in votes)
        # the words of what is still queued in the outbox: posts, and the updates of posts (a vote's count)
        waiting = Counter(w for t in session.exec(select(Outbox.text).where(
            Outbox.status.in_(("pending", "sending")))).all()  # type: ignore[attr-defined]
            for w in set(WORDS.findall(t or "")))
        # commands stored and answered, not run yet (a process killed first: taken up once their claim lapses)
        unrun = Counter(w for body in session.exec(select(AcceptedRequest.body).where(
            AcceptedRequest.status.in_(("pending", "ran")))).all()  # type: ignore[attr-defined]
            for w in set(WORDS.findall(body or "")))
    waiting_shares = {share_id for share_id, summary in summaries
                      if share_id is not None and any(waiting[w] for w in WORDS.findall(summary))}
    in_sales, in_joint, alerts = _copies(state, SALES), _copies(state, JOINT), _copies(state, ALERTS)
    shown = _shown_votes(state)
    rows = []
    for kind in KINDS:
        mine = [r for r in requests if r.kind == kind]
        row = Row(kind, sent=len(mine), acknowledged=sum(r.acknowledged for r in mine),
                  late=sum(r.late for r in mine), not_answered=sum(r.status != 200 for r in mine),
                  refused=sum(r.status == 200 and not r.accepted and not unrun[r.key] for r in mine))
        if kind == "vote":
            _votes(row, mine, votes, stored_per_share, shown, waiting_shares)
        for r in mine if kind != "vote" else ():
            stored_rows = shares[r.key] if kind == "intel" else reports[r.key]
            copies = (in_sales[r.key], in_joint[r.key]) if kind == "intel" else (alerts[r.key],)
            row.stored += stored_rows > 0
            row.posted += min(copies) >= 1
            row.duplicated += max(copies) > 1 or stored_rows > 1
            if (r.accepted and stored_rows and min(copies) < 1 and waiting[r.key]) or (
                    r.status == 200 and not r.accepted and unrun[r.key]):
                row.queued += 1
            else:
                row.lost += r.accepted and not (stored_rows and min(copies) >= 1)
        latencies = sorted(r.latency for r in mine if r.status == 200)
        if latencies:
            row.p50_ms = round(statistics.median(latencies) * 1000, 1)
            row.p99_ms = round(latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000, 1)
        rows.append(row)
    return rows


def table(rows: list[Row]) -> str:
    head = ["kind", "sent", "ack ≤3s", "ack late", "no answer", "refused", "stored", "posted", "queued", "lost",
            "duplicated", "ack p50 ms", "ack p99 ms"]
    lines = [head] + [[r.kind, r.sent, r.acknowledged, r.late, r.not_answered, r.refused, r.stored, r.posted, r.queued,
                       r.lost, r.duplicated, r.p50_ms if r.p50_ms is not None else "-",
                       r.p99_ms if r.p99_ms is not None else "-"] for r in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    cells = ((str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(line, widths, strict=True)))
             for line in lines)
    return "\n".join("  ".join(line) for line in cells)
