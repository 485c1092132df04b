"""/intel search finds the same shares, in the same order, whichever plan answers: on SQLite the
FTS5 list sorted (rare words) or the sort index walked (common words), with `word*` read as a prefix
or as the exact terms the index holds (bot/intel/search_fts5.py). On PostgreSQL the same searches
run on the stored search vector."""

from __future__ import annotations

from datetime import timedelta

from bot.intel import search_fts5, search_pg
from tests.test_intel_search import T0, add, summaries

SHARES = [
    ("Acme cut list prices for new logos", "pricing", "Acme", 0, 0),
    ("Priceless: Acme pricing for hospitals", "pricing", "Acme", 1, 2),
    ("A new bundle for hospitals and hospitality chains", "customer", "Initech", 2, 0),
    ("Hospitable terms from Big Co on renewal", "pricing", "Big Co", 3, 1),
    ("Café owners compare Globex pricing", "trend", "Globex", 40, 0),
    ("Globex co-marketing with a reseller", "product", "Globex", 5, 3),
    ("Renewals slow at Initech, prices up", "competitor", "Initech", 6, 0),
    ("Co op buyers want a price list", "other", None, 7, 0),
    ("Release notes: Globex is releasing early", "product", "Globex", 8, 0),
]
QUERIES = ["price", "pric", "pri", "prices", "priceless", "hospit", "hospitals", "hospitality", "acme hospitals",
           "globex", "cafe", "café", "co", "renewal", "#pricing price", "vs:acme pric", 'vs:"big co" hospit',
           "price since:2026-10-01", "prices since:2026-09-01", "zzz", "acme", "#pricing vs:acme",
           "release", "releas", "release globex"]


def test_every_plan_finds_the_same_shares_in_the_same_order(stack, monkeypatch):
    for n, (summary, kind, competitor, days_ago, votes) in enumerate(SHARES):
        add(stack, summary, kind=kind, competitor=competitor, at=T0 - timedelta(days=days_ago, minutes=n), votes=votes)
    monkeypatch.setattr(search_fts5, "EXPAND_MAX", 0)  # `word*` as FTS5's own prefix query, the list sorted
    before = {q: summaries(stack, q) for q in QUERIES}
    assert before["price"] and before["hospit"] and before["pri"] and before["zzz"] == []
    for few in (True, False):  # every search read from the full-text index and sorted, or walking the sort index
        monkeypatch.setattr(search_fts5, "LIST_BELOW", 10**9 if few else 1)
        monkeypatch.setattr(search_pg, "GIN_BELOW", 10**9 if few else 0)
        for expand_max in (0, 64):
            monkeypatch.setattr(search_fts5, "EXPAND_MAX", expand_max)
            assert {q: summaries(stack, q) for q in QUERIES} == before, (few, expand_max)
    if stack.rt.engine.dialect.name == "sqlite":  # the rewriting was really exercised
        with stack.rt.session() as s:
            assert search_fts5.match_expression(s, ("hospit", "pric", "co"), 3) == \
                ('("hospit") AND "pric"* AND "co"', True)
            assert search_fts5.match_expression(s, ("prices",), 3) == ('("prices" OR "priceless")', True)
