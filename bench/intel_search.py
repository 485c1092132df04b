"""Search speed over many stored shares: fills a fresh database with synthetic intel, then times
`/intel search`'s work (the full-text query, the links, the Block Kit answer) for a mix of queries."""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.intel import search as intel_search
from bot.intel.blocks_lists import search_blocks
from bot.intel.models import KINDS, IntelShare
from bot.intel.parsing import parse_search

TEAM = "T0BENCH"
COMPETITORS = [f"{a}{b}" for a in ("Acme", "Globex", "Initech", "Hooli", "Umbrella", "Stark", "Wayne", "Soylent",
                                    "Cyberdyne", "Tyrell") for b in ("", " Labs", " Cloud", " Systems", " AI")]
_DOMAIN = ("price pricing discount renewal contract churn pipeline deal quota lead prospect customer launch release "
          "feature roadmap integration partner reseller analyst report webinar campaign budget enterprise midmarket "
          "startup security compliance onboarding support outage migration competitor benchmark review rating "
          "hiring layoffs funding acquisition merger expansion europe asia america retail healthcare finance "
          "logistics manufacturing education government telecom energy insurance media travel")
DOMAIN = _DOMAIN.split()


SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "bra", "cle", "dri", "fro", "glo", "pla",
             "stu", "tre", "vin", "wor")


def _words(rng: random.Random, n: int = 4000) -> list[str]:
    syllables = list(SYLLABLES)
    made = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(n * 2)}
    return DOMAIN + sorted(made)[:n]


def fill(engine: Engine, count: int, *, seed: int = 7, batch: int = 5000) -> float:
    """Insert `count` synthetic shares for TEAM; returns the seconds it took."""
    rng = random.Random(seed)
    vocabulary = _words(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like: a few words are common
    start_at = datetime(2024, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 1, tzinfo=UTC) - start_at).total_seconds()
    began = time.perf_counter()
    rows = []
    for n in range(count):
        created = start_at + timedelta(seconds=span * n / count)
        competitor = rng.choice(COMPETITORS) if rng.random() < 0.6 else None
        useful = min(int(rng.expovariate(0.7)), 25)
        words = rng.choices(vocabulary, weights=weights, k=rng.randint(8, 30))
        summary = " ".join(words).capitalize() + "."
        rows.append({
            "team_id": TEAM, "sharer_id": f"U{rng.randint(1, 300):06d}",
            "from_team": rng.choice(("sales", "marketing")),
            "kind": rng.choice(KINDS), "competitor": competitor,
            "competitor_key": competitor.lower() if competitor else None, "summary": summary,
            "link": f"https://news.example/{n}" if rng.random() < 0.3 else None,
            "link_title": " ".join(rng.choices(vocabulary, weights=weights, k=6)) if rng.random() < 0.25 else None,
            "enrichment": "none", "via": "command", "source_state": "none", "useful_count": useful,
            "sort_key": int(created.timestamp()) + useful * 7 * 86400, "created_at": created, "updated_at": created,
        })
        if len(rows) == batch:
            _insert(engine, rows)
            rows = []
    if rows:
        _insert(engine, rows)
    if engine.dialect.name == "postgresql":
        # VACUUM as well as ANALYZE, as autovacuum does to a table that grew by inserts: a table filled in one go
        # has no hint bits yet, and the first searches would write every page they read (seen in EXPLAIN:
        # `written=8314` for one search). Outside a transaction: VACUUM cannot run in one.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) intel_share"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            conn.execute(text("INSERT INTO intel_share_fts(intel_share_fts) VALUES ('optimize')"))
    return time.perf_counter() - began


def _insert(engine: Engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(IntelShare.__table__), rows)


def queries(seed: int = 11) -> list[str]:
    """A mix: one common word, rarer words, two or three words, and the filters."""
    rng = random.Random(seed)
    vocabulary = _words(random.Random(7))
    common, rare = DOMAIN[:40], vocabulary[len(DOMAIN) + 500:]
    mix = []
    for _ in range(60):
        mix.append(rng.choice(common))
        mix.append(rng.choice(rare))
        mix.append(f"{rng.choice(common)} {rng.choice(common)}")
        mix.append(f"{rng.choice(common)} {rng.choice(rare)} {rng.choice(common)}")
        mix.append(f"{rng.choice(common)} #{rng.choice(KINDS)}")
        comp = rng.choice(COMPETITORS)
        mix.append(f'{rng.choice(common)} vs:"{comp}"' if " " in comp else f"{rng.choice(common)} vs:{comp}")
        mix.append(f"{rng.choice(common)} since:2026-0{rng.randint(1, 9)}-01")
        mix.append(f"#{rng.choice(KINDS)} vs:{rng.choice(COMPETITORS).split()[0]}")
        mix.append(rng.choice(common)[:4])  # a prefix
    return mix


def run(engine: Engine, *, count: int = 100_000, rounds: int = 2) -> dict:
    with engine.connect() as conn:
        existing = conn.execute(text("SELECT count(*) FROM intel_share WHERE team_id = :t"), {"t": TEAM}).scalar()
    fill_seconds = fill(engine, count - existing) if existing < count else 0.0
    mix = queries()
    for q in mix[:30]:  # warm the caches, as a running server has them
        _one(engine, q)
    timings, hits = [], []
    for _ in range(rounds):
        for q in mix:
            took, found = _one(engine, q)
            timings.append(took)
            hits.append(found)
    timings.sort()
    return {
        "database": engine.dialect.name, "shares": count, "fill_seconds": round(fill_seconds, 1),
        "queries": len(timings), "median_ms": round(statistics.median(timings) * 1000, 2),
        "p90_ms": round(timings[int(len(timings) * 0.90) - 1] * 1000, 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1] * 1000, 2),
        "max_ms": round(timings[-1] * 1000, 2),
        "empty_results": sum(1 for h in hits if h == 0),
    }


def _one(engine: Engine, query_text: str) -> tuple[float, int]:
    began = time.perf_counter()
    query = parse_search(query_text)
    with session_scope(engine) as session:
        page = intel_search.search(session=session, team_id=TEAM, query=query)
        search_blocks(page, query_text=query_text, query=query)
    return time.perf_counter() - began, len(page.shares)


def link_competitors(engine: Engine) -> float:
    """The benchmark workspace's competitors in the directory, as `/intel` names them, and each share's
    `competitor_id` set (shares filled before the directory existed have none); seconds taken."""
    from sqlalchemy import update

    from bot.competitors import directory
    from bot.db import pk

    began = time.perf_counter()
    with session_scope(engine) as session:
        ids = {name: pk(found.id) for name in COMPETITORS
               if (found := directory.resolve(session=session, team_id=TEAM, name=name)) is not None}
    share = IntelShare.__table__
    with engine.begin() as conn:
        for name, competitor_id in ids.items():
            conn.execute(update(share).where(share.c.team_id == TEAM, share.c.competitor_key == name.lower(),
                                             share.c.competitor_id.is_(None)).values(competitor_id=competitor_id))
        conn.execute(text("ANALYZE intel_share" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - began


def battlecard(engine: Engine, name: str) -> int:
    """`/intel vs <name>`'s work: the battlecard's queries and its Block Kit. Shares shown."""
    from bot.clock import now
    from bot.competitors import lookup
    from bot.competitors.blocks_battlecard import battlecard_blocks
    from bot.models import Workspace

    with session_scope(engine, read_only=True) as session:
        ws = session.get(Workspace, TEAM) or Workspace(team_id=TEAM)
        found = lookup.by_name(session=session, ws=ws, name=name, at=now())
        if found.card is None:
            return 0
        battlecard_blocks(found.card)
        return sum(len(k.shares) for k in found.card.intel)
