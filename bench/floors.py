"""`python -m bench.floors` — every instrument that sets Truce beside its floor, and their table.

    python -m bench.floors                      # all five at full size (takes a while: an hour or more)
    python -m bench.floors --tiny               # all five, tiny (a smoke run: seconds, not measurements)
    python -m bench.floors --only acks outbox   # some of them
    python -m bench.floors --table FILE...      # the markdown table of JSON lines saved from earlier runs

Each instrument prints JSON lines (one per measurement) as it goes; at the end the table of all of
them is printed in markdown, as docs/benchmarks.md keeps it ("Against the floors").
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

INSTRUMENTS = {
    "acks": ("bench.acks", [], ["--senders", "2", "--requests", "4", "--warmup", "1", "--still", "0.3"]),
    "outbox": ("bench.outbox", [], ["--channels", "5", "--burst", "4"]),
    "schedules": ("bench.schedules", [], ["--workspaces", "5", "--ticks", "1", "--cap", "60"]),
    "search": ("bench.search_floor", [], ["--shares", "300", "--queries", "18", "--slowest", "1"]),
    "startup": ("bench.startup", [], ["--starts", "1", "--idle", "0.2"]),
}
DB = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LABEL = {"intel": "`/intel <text>`", "unhappy": "`/unhappy <text>`", "button": "button (Useful)",
         "view": "view submission (/intel modal)"}


NONE, TIMES = "\u2013", "\u00d7"  # an en dash for nothing measured; the sign after a ratio


def _n(value, unit: str = "") -> str:
    if value is None:
        return NONE
    if isinstance(value, float) and value >= 100:
        value = round(value)
    return f"{value:,}{unit}" if isinstance(value, int) else f"{value}{unit}"


def _duration(milliseconds: float) -> str:
    return f"{milliseconds / 1000:,.1f} s" if milliseconds >= 1000 else f"{milliseconds:g} ms"


def _x(value) -> str:
    return NONE if value is None else f"{value}{TIMES}"


def _ack_cell(r: dict) -> str:
    cell = f"{_n(r['p50_ms'])} / {_n(r['p99_ms'])} ms, {_n(r['per_second'])}/s"
    return cell + (f", **{r['unanswered_in_3s']} of {r['requests']} not answered in 3 s**" if r["unanswered_in_3s"]
                   else ", all in 3 s")


def table(rows: list[dict]) -> str:
    """The markdown table of instrument rows ({kind: row} as printed)."""
    lines = ["| Load | DB | Truce | floor (same run) | ratio |", "|---|---|---|---|---|"]
    for item in rows:
        (kind, r), = item.items()
        db = DB.get(r.get("database", ""), r.get("database", ""))
        if kind == "acks":
            load = f"{r['senders']} senders" + (f" sending {r['rate']:g}/s" if r.get("rate") else "")
            lines.append(f"| {LABEL[r['kind']]}, {load}: p50 / p99, answers/s | {db} | "
                         f"{_ack_cell(r['truce'])} | bare Bolt: {_ack_cell(r['floor'])} | "
                         f"p99 {_x(r['ratio_p99'])}, p50 {_x(r['ratio_p50'])}, rate ÷{r['ratio_per_second']} |")
            if r["truce"].get("shown_p99_ms") is not None:
                t, f = r["truce"], r["floor"]
                never = f", **{t['never_shown']} never shown**" if t["never_shown"] else ""
                lines.append(f"| {LABEL[r['kind']]}, {load}: its answer shown to the person, "
                             f"p50 / p99 | {db} | {_n(t['shown_p50_ms'])} / {_n(t['shown_p99_ms'])} ms "
                             f"(through its response_url){never} | bare Bolt: {_n(f['shown_p50_ms'])} / "
                             f"{_n(f['shown_p99_ms'])} ms (its HTTP answer) | p99 {_x(r.get('ratio_shown_p99'))} |")
        elif kind == "outbox" and "posts_per_second" in r:
            lines.append(f"| outbox, {r['case']} | {db} | {_n(r['posts_per_second'])} posts/s "
                         f"({r['seconds']} s, {r['failed']} failed) | {r['floor']}: {_n(r['floor_posts_per_second'])}"
                         f" posts/s | {round(r['share_of_floor'] * 100)} % of the floor's rate |")
        elif kind == "outbox":
            lines.append(f"| outbox, {r['case']} | {db} | all settled in {r['seconds']} s: {r['sent']} sent, "
                         f"**{r['failed']} failed**, {r.get('unsettled', 0)} unsettled, {r['rate_limited_answers']} "
                         f"429s | {r['floor']}: {r['floor_seconds']} s (the limit allows "
                         f"{r['limit_arithmetic_seconds']:g} s) | {_x(r['ratio'])} |")
        elif kind == "schedules":
            floor = r["floor_due_query_ms"]
            if r["idle_tick_ms"] is not None:
                tick, times = _duration(r["idle_tick_ms"]), f"{r['ratio']:,.0f}{TIMES}"
            else:  # stopped at the cap
                tick, times = f"> {r.get('cap_s', 0):g} s", f"> {r.get('cap_s', 0) * 1000 / floor:,.0f}{TIMES}"
            which = "first tick" if len(r["ticks_ms"]) == 1 else f"tick {len(r['ticks_ms'])} in a row"
            lines.append(f"| `{r['job']}` (every {r['every']}), {r['workspaces']:,} workspaces, nothing due, {which} "
                         f"| {db} | {tick} | indexed next-due query: {floor} ms (today's scan of the workspace "
                         f"ids alone: {r['workspace_scan_ms']} ms) | {times} |")
        elif kind == "search":
            lines.append(f"| `/intel search`, {r['shares']:,} shares, {r['queries']} queries: median / p99 / max | "
                         f"{db} | {_n(r['median_ms'])} / {_n(r['p99_ms'])} / {_n(r['max_ms'])} ms, {r['over_1s']} "
                         f"over 1 s | the same SQL, direct: {_n(r['raw_median_ms'])} / {_n(r['raw_p99_ms'])} / "
                         f"{_n(r['raw_max_ms'])} ms | median {_x(r['ratio_median'])}, p99 {_x(r['ratio_p99'])} |")
        elif kind == "startup":
            t, f = r["truce"], r["floor"]
            more = t.get("worker_rss_mb")
            worker = f" (web process; its worker process {more} MB more)" if more else ""
            lines.append(f"| start-up to listening; RSS at rest | {db} | {t['start_s']} s; {t['rss_mb']} MB{worker} | "
                         f"bare Bolt: {f['start_s']} s; {f['rss_mb']} MB | {_x(r['ratio_start'])}; "
                         f"{_x(r['ratio_rss'])} |")
    return "\n".join(lines)


def read(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        for line in path.read_text().splitlines():
            if line.startswith("{"):
                item = json.loads(line)
                if next(iter(item)) in ("acks", "outbox", "schedules", "search", "startup"):
                    rows.append(item)
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.floors", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(INSTRUMENTS), default=list(INSTRUMENTS))
    parser.add_argument("--tiny", action="store_true", help="every instrument at its smallest (a smoke run)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--table", nargs="+", type=Path, help="only print the table of these JSON-line files")
    args = parser.parse_args(argv)
    if args.table:
        rows = read(args.table)
        print(table(rows))
        return rows
    rows = []
    for name in args.only:
        module, full, tiny = INSTRUMENTS[name]
        print(f"== {module} ==", flush=True)
        for row in importlib.import_module(module).main([*(tiny if args.tiny else full),
                                                         "--databases", *args.databases]):
            rows.append({name: row})
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
