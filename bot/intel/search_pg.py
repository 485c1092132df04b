"""PostgreSQL's side of search at a million shares: the stored `search_vector` and its GIN index.

Two plans answer "the newest and most useful shares that match": walk the (team_id, sort_key) index
newest first and keep the rows that match (cheap when many do: a word in one share of n costs about
n * page rows), or read every match from the GIN index and sort them (cheap when few do). The
planner weighs them with the statistics ANALYZE keeps on the column, but every word it has no
statistics for is estimated at the same thousand-odd rows, and at that estimate the walk looks
cheaper, though a word in a dozen shares makes it read the whole table. So search asks the planner
its estimate for the words alone first (EXPLAIN, no execution), and below GIN_BELOW shares it orders
by `sort_key + 0`, an expression no index provides, which leaves the GIN bitmap as the only cheap plan.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlmodel import Session

from bot.intel.models import SEARCH_VECTOR

GIN_BELOW = 2_000  # estimated matching shares: fewer, read them all from the GIN index and sort (about
# sqrt(shares * page) at a million: the two plans read about as many rows there)


def matching(tsquery: str) -> TextClause:
    # The words inline (quoted by SQLAlchemy), not a parameter: psycopg prepares a statement run five
    # times, and PostgreSQL's generic plan for an unknown tsquery cannot tell a rare word from a common one.
    return text(f"intel_share.{SEARCH_VECTOR} @@ to_tsquery('english', :tsq)").bindparams(
        bindparam("tsq", tsquery, literal_execute=True))


def is_rare(session: Session, tsquery: str) -> bool:
    """The planner expects fewer than GIN_BELOW shares (of any workspace) to match."""
    estimate = text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM intel_share WHERE {SEARCH_VECTOR} @@ "
                    "to_tsquery('english', :tsq)").bindparams(bindparam("tsq", tsquery, literal_execute=True))
    plan: Any = session.execute(estimate).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"]) < GIN_BELOW
