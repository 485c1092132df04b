"""Each benchmark that sets Truce beside its floor (bench/floors.py) runs at its smallest and says
what it measured in well-formed JSON lines, and the table of them renders. Nothing here is timed:
the figures of tiny runs mean nothing; the runs only show that each instrument works end to end
(Truce served as deployed, the floor, the Slack emulator, the databases)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import floors

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") else [])
# Keys every row of an instrument has, and (for the side-by-side ones) the two sides.
EXPECTED = {
    "acks": {"database", "kind", "senders", "requests", "truce", "floor", "ratio_p50", "ratio_p99",
             "ratio_per_second"},
    "outbox": {"database", "case", "posts", "seconds", "sent", "failed", "floor", "floor_seconds", "ratio"},
    "schedules": {"database", "workspaces", "job", "every", "ticks_ms", "idle_tick_ms", "floor_due_query_ms",
                  "workspace_scan_ms", "ratio"},
    "search": {"database", "shares", "queries", "median_ms", "p99_ms", "max_ms", "raw_median_ms", "raw_p99_ms",
               "raw_max_ms", "ratio_median", "ratio_p99", "explain"},
    "startup": {"database", "truce", "floor", "ratio_start", "ratio_rss"},
}


@pytest.fixture(autouse=True)
def _postgres_server(monkeypatch):
    """The PostgreSQL runs make their scratch databases on the server the tests use."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        monkeypatch.setattr("bench.intel.PG_URL", url)


@pytest.mark.parametrize("name", list(floors.INSTRUMENTS))
def test_instrument_runs_tiny_and_reports(name, capsys, tmp_path):
    module, _, tiny = floors.INSTRUMENTS[name]
    argv = [*tiny, "--databases", *DATABASES]
    if name == "search":
        argv += ["--explain", str(tmp_path)]
    rows = __import__(module, fromlist=["main"]).main(argv)

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert printed[0]["run"]["machine"]["cpus"] >= 1
    reported = [item[name] for item in printed[1:]]
    assert reported == json.loads(json.dumps(rows, default=str))  # what it returns is what it printed
    assert {r["database"] for r in rows} == set(DATABASES)
    for row in rows:
        assert EXPECTED[name] <= row.keys(), EXPECTED[name] - row.keys()
    if name == "acks":
        for row in rows:
            for side in (row["truce"], row["floor"]):
                assert side["requests"] == row["requests"] > 0
                assert side["answered"] + side["unanswered_in_3s"] >= side["requests"]
                assert side["refused"] == 0  # the requests are ones Truce takes
                assert side["p50_ms"] <= side["p99_ms"] <= side["max_ms"]
        assert {r["kind"] for r in rows} == {"intel", "unhappy", "button", "view"}
    elif name == "outbox":
        assert all(r["sent"] == r["posts"] and r["failed"] == 0 for r in rows)
        assert all(r["floor_seconds"] > 0 for r in rows)
    elif name == "schedules":
        assert {r["job"] for r in rows} >= {"joint.run_due", "intel.post_digests"}
        assert all(isinstance(r["idle_tick_ms"], float) and r["floor_due_found"] == 0 for r in rows)
    elif name == "search":
        for row in rows:
            assert row["queries"] == 18 and row["median_ms"] <= row["p99_ms"] <= row["max_ms"]
            plans = Path(row["explain"]).read_text()
            assert "=== slowest: /intel search" in plans and "intel_share" in plans
    elif name == "startup":
        for row in rows:
            for side in (row["truce"], row["floor"]):
                assert side["start_s"] > 0 and side["rss_mb"] > 0

    table = floors.table([{name: r} for r in rows])
    # a header, its rule, a line per row, and for each command Truce answered before running it, when its
    # answer was shown to the person
    shown = sum(1 for r in rows if name == "acks" and r["truce"].get("shown_p99_ms") is not None)
    assert table.count("\n") == len(rows) + shown + 1
    if name == "acks":
        commands = [r for r in rows if r["kind"] in ("intel", "unhappy")]
        assert shown == len(commands) and all(r["truce"]["never_shown"] == 0 for r in commands)


def test_anatomy_counts_what_one_request_costs(capsys):
    from bench import anatomy

    rows = anatomy.main(["--requests", "1", "--databases", "sqlite"])
    assert {r["kind"] for r in rows} == {"intel", "unhappy", "button", "view"}
    for row in rows:
        assert row["statuses"] == ["200 OK"]
        assert row["answering"]["transactions"] >= 1 and row["answering"]["statements"] > 0
        assert row["answer_median_ms"] > 0 and row["floor_answer_median_ms"] > 0
    shares = next(r for r in rows if r["kind"] == "intel")
    assert shares["web_api_calls"].get("chat.postMessage") == 2  # the share's two posts: work done after the answer
