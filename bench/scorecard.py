"""`python -m bench.scorecard` — building the joint scorecard of a busy workspace, on SQLite and PostgreSQL.

A fresh database gets three years of one workspace's history: 100,000 intel shares, 20,000 unhappiness
reports (a third of them past their SLA), 5,000 win/loss rows, 10,000 satisfaction scores, and a joint
plan with actuals each quarter. Then the scorecard of its last quarter is built again and again: the
numbers (`bot.scorecard.metrics.build`), their rows and the text message (`figures`, `blocks`), which is
everything but drawing the PNG. The goal: under 200 ms.

Beside it, the floor: the very SQL statements the build sent (caught as they were sent), run again
straight on the driver's cursor, so what the database costs and what Truce adds are told apart. Drawing
the PNG (matplotlib) is timed too, once warm, though it happens off the request path.

    python -m bench.scorecard [--shares 100000] [--reports 20000] [--deals 5000] [--rounds 30]

PostgreSQL is used when BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) is
reachable: a fresh database is made on that server and dropped afterwards. Results are JSON lines;
docs/benchmarks.md keeps the figures of the last run worth writing down.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Engine

from bench.intel import PostgresDatabase, machine
from bot import migrate
from bot.db import make_engine, session_scope
from bot.intel.models import IntelShare
from bot.joint.models import JointPlan, JointPlanLine
from bot.models import Workspace
from bot.playbook.models import WinLoss
from bot.quarters import FiscalCalendar, shift_quarter
from bot.scorecard import blocks_scorecard as blocks
from bot.scorecard import chart, figures, metrics
from bot.scorecard.models import PlanActual
from bot.unhappy.csat_models import CsatScore
from bot.unhappy.models import UnhappyReport, UnhappyStage

TEAM = "T0BENCH"
START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2026, 12, 31, tzinfo=UTC)
QUARTER = "2026-Q4"
GOAL_MS = 200
COMPETITORS = ["Acme", "Globex", "Initech", "Hooli", "Umbrella", "Stark", "Wayne", "Soylent", "Cyberdyne", "Tyrell"]


def _spread(rng: random.Random, n: int) -> list[datetime]:
    span = (END - START).total_seconds()
    return sorted(START + timedelta(seconds=rng.random() * span) for _ in range(n))


def _insert(engine: Engine, table, rows: list[dict], batch: int = 5000) -> None:
    for i in range(0, len(rows), batch):
        with engine.begin() as conn:
            conn.execute(insert(table), rows[i:i + batch])


def fill(engine: Engine, *, shares: int, reports: int, deals: int, scores: int, seed: int = 12) -> float:
    """Three years of one workspace's history; returns the seconds it took."""
    rng = random.Random(seed)
    began = time.perf_counter()
    with session_scope(engine) as s:
        s.add(Workspace(team_id=TEAM, timezone="Europe/Paris", lead_user_ids=["U0LEAD"]))
    _insert(engine, IntelShare.__table__, [{
        "team_id": TEAM, "sharer_id": f"U{rng.randint(1, 300):06d}",
        "from_team": rng.choices(("sales", "marketing", "both"), (55, 40, 5))[0], "kind": "other",
        "summary": "a competitor changed its price", "enrichment": "none", "via": "command", "source_state": "none",
        "useful_count": min(int(rng.expovariate(0.8)), 20), "sort_key": int(at.timestamp()),
        "retracted_at": at if rng.random() < 0.01 else None, "created_at": at, "updated_at": at,
    } for at in _spread(rng, shares)])
    report_rows = []
    for at in _spread(rng, reports):
        owned = rng.random() < 0.85
        resolved = owned and rng.random() < 0.7
        to_owned = int(rng.expovariate(1 / 7200)) if owned else None
        report_rows.append({
            "team_id": TEAM, "customer": f"Customer {rng.randint(1, 2000)}", "customer_key": "c",
            "severity": rng.choice(("critical", "high", "medium", "low")), "description": "", "reporter_id": "U0REP",
            "source": "command", "status": "resolved" if resolved else "open", "acknowledged_by": [],
            "time_to_owned_s": to_owned, "owned_at": at + timedelta(seconds=to_owned) if owned else None,
            "closed_at": at + timedelta(seconds=int(rng.expovariate(1 / 172800))) if resolved else None,
            "created_at": at, "updated_at": at,
        })
    _insert(engine, UnhappyReport.__table__, report_rows)
    with engine.connect() as conn:
        ids = [r for (r,) in conn.execute(select(UnhappyReport.id).where(UnhappyReport.team_id == TEAM))]
    _insert(engine, UnhappyStage.__table__, [{"team_id": TEAM, "report_id": i, "stage": "remind",
                                               "created_at": START} for i in ids if rng.random() < 0.33])
    _insert(engine, WinLoss.__table__, [{
        "team_id": TEAM, "outcome": rng.choice(("won", "lost")), "customer": "Acme", "reason": "price",
        "competitor": rng.choice(COMPETITORS) if rng.random() < 0.7 else None, "source": "command",
        "recorded_by": "U0SELLER", "closed_at": at, "created_at": at,
    } for at in _spread(rng, deals)])
    _insert(engine, CsatScore.__table__, [{
        "team_id": TEAM, "customer": "Acme", "customer_key": "acme", "score": float(rng.randint(0, 10)), "scale": 10,
        "source": "command", "created_at": at,
    } for at in _spread(rng, scores)])
    calendar = FiscalCalendar("Europe/Paris")
    quarter = calendar.quarter_of(START)
    while calendar.bounds(quarter)[0] < END:
        with session_scope(engine) as s:
            plan = JointPlan(team_id=TEAM, quarter=quarter, currency="EUR", owners=[], created_by="U0LEAD",
                             updated_by="U0LEAD")
            s.add(plan)
            s.flush()
            for i in range(10):
                goal = f"Goal {i + 1}"
                s.add(JointPlanLine(team_id=TEAM, plan_id=plan.id, position=i, goal=goal, budget=Decimal(10000),
                                    expected_pipeline=Decimal(200000), expected_revenue=Decimal(80000)))
                s.add(PlanActual(team_id=TEAM, quarter=quarter, goal=goal, goal_key=goal.lower(), currency="EUR",
                                 budget_spent=Decimal(rng.randint(5000, 12000)),
                                 pipeline=Decimal(rng.randint(100000, 260000)),
                                 revenue=Decimal(rng.randint(40000, 100000)), source="command", updated_by="U0LEAD"))
        quarter = shift_quarter(quarter, 1)
    if engine.dialect.name == "postgresql":  # as autovacuum leaves the tables: statistics, visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - began


def build(engine: Engine) -> tuple[object, list]:
    """The scorecard of QUARTER as `/joint scorecard` builds it: numbers, rows, the message, the alt text."""
    with session_scope(engine, read_only=True) as s:
        card = metrics.build(s, ws=s.get(Workspace, TEAM), quarter=QUARTER)
    rows = figures.rows(card)
    message = [b.to_dict() for b in blocks.scorecard_blocks(card, rows)]
    blocks.alt_text(card, rows)
    return card, message


def _statements(engine: Engine) -> list[tuple[str, object]]:
    """The SQL the build sends, as sent (statement and parameters)."""
    seen: list[tuple[str, object]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    try:
        build(engine)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    return seen


def _floor(engine: Engine, statements: list[tuple[str, object]]) -> float:
    """The same statements straight on the driver's cursor: what the database alone takes."""
    raw = engine.raw_connection()
    try:
        began = time.perf_counter()
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        cursor.close()
        raw.rollback()
        return time.perf_counter() - began
    finally:
        raw.close()


def _ms(values: list[float]) -> dict:
    values = sorted(values)
    return {"median_ms": round(statistics.median(values) * 1000, 1),
            "p90_ms": round(values[max(0, int(len(values) * 0.9) - 1)] * 1000, 1),
            "max_ms": round(values[-1] * 1000, 1)}


def run(engine: Engine, *, shares: int, reports: int, deals: int, scores: int, rounds: int) -> dict:
    fill_seconds = fill(engine, shares=shares, reports=reports, deals=deals, scores=scores)
    for _ in range(3):  # warm the caches, as a running server has them
        build(engine)
    timings = []
    for _ in range(rounds):
        began = time.perf_counter()
        card, _message = build(engine)
        timings.append(time.perf_counter() - began)
    statements = _statements(engine)
    floor = [_floor(engine, statements) for _ in range(rounds)]
    spec = chart.spec(card, figures.rows(card), alt_text=blocks.alt_text(card, figures.rows(card)))
    chart.png(spec)  # the first draw loads matplotlib and its fonts
    began = time.perf_counter()
    png = chart.png(spec)
    drawing = time.perf_counter() - began
    build_ms = _ms(timings)
    return {"database": engine.dialect.name, "shares": shares, "reports": reports, "deals": deals,
            "scores": scores, "fill_seconds": round(fill_seconds, 1), "rounds": rounds,
            "build": build_ms, "sql_floor": _ms(floor), "statements": len(statements),
            "goal_met": build_ms["p90_ms"] < GOAL_MS, "png_ms": round(drawing * 1000), "png_bytes": len(png),
            "current_quarter": {"shares": card.current.intel_total, "reports": card.current.reports,
                                "deals": card.current.deals}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scorecard", description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--deals", type=int, default=5_000)
    parser.add_argument("--scores", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    sizes = {"shares": args.shares, "reports": args.reports, "deals": args.deals, "scores": args.scores,
             "rounds": args.rounds}
    print(json.dumps({"machine": machine()}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(engine)
        print(json.dumps({"scorecard": run(engine, **sizes)}), flush=True)
        engine.dispose()
    with PostgresDatabase() as url:
        if url:
            engine = make_engine(url)
            migrate.upgrade(engine)
            print(json.dumps({"scorecard": run(engine, **sizes)}), flush=True)
            engine.dispose()


if __name__ == "__main__":
    main()
