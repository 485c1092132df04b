"""`python -m bench.search_floor` — `/intel search` over many shares against the very SQL it runs,
executed directly, with the query plans saved.

A fresh database (SQLite, then a scratch PostgreSQL database) is filled with `--shares` synthetic
shares (bench/intel_search.py: a Zipf vocabulary, competitors, links, three years), then each query
of the mix (one common word, a rare one, two and three words, a prefix, every filter) is answered
twice: once as `/intel search` answers it (parsing, the query, the Block Kit answer: bench.product),
recording every statement it sends to the database with its parameters; then those same statements
are run directly on the driver's cursor (execute and fetch all), the floor. EXPLAIN (ANALYZE, BUFFERS)
on PostgreSQL, EXPLAIN QUERY PLAN on SQLite, of the slowest queries and of one query of each shape,
goes to `--explain` (a file per database).

    python -m bench.search_floor [--shares 1000000] [--rounds 1] [--databases sqlite postgresql]
                                 [--explain DIR]   (default: $TMPDIR/truce-bench)
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, text

from bench.measure import databases, emit, migrate, ms, pct, ratio, stamp

SHAPES = ["one common word", "one rare word", "two words", "three words", "word #kind", "word vs:competitor",
          "word since:date", "#kind vs:competitor", "prefix"]


class Recorder:
    """The statements (and parameters) an engine sends while `on`."""

    def __init__(self, engine):
        self.on, self.statements = False, []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.statements.append((statement, parameters))

    def take(self) -> list[tuple[str, object]]:
        taken, self.statements = self.statements, []
        return taken


def _raw(engine, statements: list[tuple[str, object]]) -> float:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        began = time.perf_counter()
        for statement, parameters in statements:
            cur.execute(statement, parameters)
            cur.fetchall()
        took = time.perf_counter() - began
        cur.close()
        raw.rollback()
    finally:
        raw.close()
    return took


def _explain(engine, statement: str, parameters: object) -> str:
    postgres = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(("EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters)
        rows = cur.fetchall()
        cur.close()
        raw.rollback()
    finally:
        raw.close()
    if postgres:
        return "\n".join(r[0] for r in rows)
    return "\n".join(f"{'  ' * (1 if r[1] else 0)}{r[-1]}" for r in rows)


def _main_statement(statements: list[tuple[str, object]]) -> tuple[str, object] | None:
    """The search query itself: the statement that reads intel_share (the longest, if several)."""
    found = [s for s in statements if re.search(r"\bintel_share", s[0]) and s[0].lstrip().upper().startswith(
        ("SELECT", "WITH"))]
    return max(found, key=lambda s: len(s[0])) if found else None


def run(name: str, url: str, shares: int, rounds: int, explain_dir: Path | None, slowest: int,
        queries: int | None = None, fill_only: bool = False) -> dict:
    from bench import product
    from bot.db import make_engine

    migrate(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        existing = conn.execute(text("SELECT count(*) FROM intel_share")).scalar()
    fill_seconds = product.fill_shares(engine, shares - existing) if existing < shares else 0.0
    if fill_only:
        engine.dispose()
        return emit("search_fill", {"database": name, "shares": shares, "fill_seconds": round(fill_seconds, 1)})
    link_seconds = product.link_competitors(engine)
    recorder = Recorder(engine)
    mix = product.search_queries()[:queries]
    for q in mix[:30]:  # warm the caches, as a running server has them
        product.intel_search(engine, product.SEARCH_TEAM, q)
    seen = _measure(engine, recorder, mix, rounds, lambda q: product.intel_search(engine, product.SEARCH_TEAM, q))
    names = product.battlecard_names()
    cards = _measure(engine, recorder, names, rounds, lambda name: product.battlecard(engine, name))
    row = {"database": name, "shares": shares, "fill_seconds": round(fill_seconds, 1),
           "link_seconds": round(link_seconds, 1), **_figures(seen)}
    row["statements_per_search"] = round(sum(len(s[5]) for s in seen) / len(seen), 1)
    row["battlecard"] = {**_figures(cards), "statements": round(sum(len(s[5]) for s in cards) / len(cards), 1)}
    shape_of = {n: SHAPES[n % len(SHAPES)] for n in range(len(mix))}
    by_shape: dict[str, list[float]] = {}
    for took, _, n, *_ in seen:
        by_shape.setdefault(shape_of[n], []).append(took)
    row["median_ms_by_shape"] = {k: ms(pct(v, 0.5), 1) for k, v in by_shape.items()}
    row["p99_ms_by_shape"] = {k: ms(pct(v, 0.99), 1) for k, v in by_shape.items()}
    if explain_dir is not None:
        row["explain"] = str(_save_plans(engine, name, shares, seen, shape_of, explain_dir, slowest))
    engine.dispose()
    return emit("search", row)


def _measure(engine, recorder: Recorder, items: list[str], rounds: int, answer) -> list[tuple]:
    """Each item answered as Truce answers it, then the statements it sent run directly:
    (took, raw, n, item, found, statements) each."""
    seen = []
    for _ in range(rounds):
        for n, item in enumerate(items):
            recorder.on = True
            began = time.perf_counter()
            found = answer(item)
            took = time.perf_counter() - began
            recorder.on = False
            statements = recorder.take()
            seen.append((took, _raw(engine, statements), n, item, found, statements))
    return seen


def _figures(seen: list[tuple]) -> dict:
    app, floor = [s[0] for s in seen], [s[1] for s in seen]
    row = {
        "queries": len(app), "median_ms": ms(pct(app, 0.5), 2), "p99_ms": ms(pct(app, 0.99), 2),
        "max_ms": ms(max(app), 2), "raw_median_ms": ms(pct(floor, 0.5), 2), "raw_p99_ms": ms(pct(floor, 0.99), 2),
        "raw_max_ms": ms(max(floor), 2), "over_1s": sum(t > 1 for t in app),
        "empty_results": sum(1 for s in seen if s[4] == 0),
    }
    row["ratio_median"] = ratio(row["median_ms"], row["raw_median_ms"])
    row["ratio_p99"] = ratio(row["p99_ms"], row["raw_p99_ms"])
    return row


def _save_plans(engine, name: str, shares: int, seen: list, shape_of: dict[int, str], explain_dir: Path,
                slowest: int) -> Path:
    explain_dir.mkdir(parents=True, exist_ok=True)
    path = explain_dir / f"search-explain-{name}-{shares}.txt"
    picked, shapes_done = [], set()
    for item in sorted(seen, key=lambda s: -s[0])[:slowest]:
        picked.append(("slowest", item))
    for item in seen:
        if shape_of[item[2]] not in shapes_done:
            shapes_done.add(shape_of[item[2]])
            picked.append((shape_of[item[2]], item))
    with path.open("w") as out:
        for why, (took, raw, _, q, found, statements) in picked:
            main = _main_statement(statements)
            out.write(f"=== {why}: /intel search {q}  ({ms(took)} ms as answered, {ms(raw)} ms raw, {found} found)\n")
            if main is None:
                out.write("(no statement read intel_share)\n\n")
                continue
            out.write(main[0].strip() + "\n-- parameters: " + repr(main[1]) + "\n")
            out.write(_explain(engine, *main) + "\n\n")
    return path


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.search_floor", description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1, help="times the query mix (540 queries) is answered")
    parser.add_argument("--queries", type=int, help="only the first N queries of the mix (9 make one of each shape)")
    parser.add_argument("--slowest", type=int, default=3, help="query plans saved for this many slowest queries")
    parser.add_argument("--explain", type=Path, default=Path(tempfile.gettempdir()) / "truce-bench",
                        help="folder for the query plans")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", help="server for the scratch PostgreSQL databases")
    parser.add_argument("--use", nargs="+", metavar="NAME=URL",
                        help="these databases instead of scratch ones (kept; filled up to --shares if short)")
    parser.add_argument("--fill-only", action="store_true", help="fill (the --use databases), measure nothing")
    args = parser.parse_args(argv)
    emit("run", stamp())
    rows = []
    with databases(args.databases, args.postgres_url) as scratch:
        each = [tuple(u.split("=", 1)) for u in args.use] if args.use else scratch
        for name, url in each:
            rows.append(run(name, url, args.shares, args.rounds, args.explain, args.slowest, args.queries,
                            args.fill_only))
    return rows


if __name__ == "__main__":
    main()
