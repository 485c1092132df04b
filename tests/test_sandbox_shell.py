"""The terminal sandbox as a newcomer uses it: forms say what they take, people are typed as @name,
`ff` steps through every due moment, and nothing meant for whoever runs Truce (library warnings,
tracebacks) reaches the person typing. The sandbox keeps to a database of its own."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import time_machine
from sqlalchemy import create_engine, inspect, text

from bot.config import load_settings
from bot.sandbox.shell import run_shell

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the 2026-Q2 prompt goes out on Tuesday 31 March, 10:00


def _run(tmp_path, script: str, **settings) -> str:
    path = tmp_path / "script.txt"
    path.write_text(script)
    out = io.StringIO()
    run_shell(load_settings(**settings), script=str(path), out=out)
    return out.getvalue()


def test_who_shows_ids_and_people_are_typed_as_at_name(tmp_path):
    out = _run(tmp_path, "\n".join([
        "who", "as lee", "/truce team @mark sales", "go #customer-alerts",
        "/unhappy Acme Corp: billed twice !high", "/unhappy assign 1 @sam sales",
    ]))
    assert "@sam    USAM001  Sam Seller" in out
    assert "@mark is now on: sales" in out
    assert "I couldn't read that" not in out
    assert "@sam owns the sales side of `#1` now; they got a DM." in out


def test_a_modal_lists_its_fields_options_and_formats_and_fill_takes_labels_dates_and_people(tmp_path):
    out = _run(tmp_path, "\n".join([
        "as sally", "go #customer-alerts", "/unhappy Acme Corp: billed twice !high",
        "as sam", "show", "click 1 Claim for Sales", "as mark", "click 1 Claim for Marketing",
        "click 1 Add corrective action", "modal",
        "fill cause Billing mapped the wrong plan", "fill cause Pricing / billing",
        "fill follow_up someday", "fill follow_up tomorrow", "fill done Refunded the duplicate charge",
        "submit", "thread 1", "thread 5",
        "as maria", "go #sales-marketing", "/joint plan", "modal",
        "fill lines Win 5 logos | Webinars | 12000 | 250000 | 90000", "fill currency EUR",
        "fill owners sam maria", "submit",
    ]))
    assert "one of: product, service (Service / support), delivery, pricing (Pricing / billing)" in out
    assert "a date picker: YYYY-MM-DD, or today / tomorrow / +3d" in out
    assert ("'Billing mapped the wrong plan' is not one of cause's options: product, service, delivery, pricing, "
            "expectations, other") in out
    assert "'someday' is not a date" in out
    assert "added a corrective action" in out and "Follow-up on" in out
    assert "there is no message 5 here: `show` numbered them 1 to 1" in out
    assert "people, comma-separated: @sam, @sally, @mark, @maria, @lee, @ada, @olive" in out
    assert "neither the sales nor the marketing team" not in out
    assert out.count("✔ submitted") == 2


def test_no_library_warning_or_python_error_reaches_the_person(tmp_path):
    out = _run(tmp_path, "\n".join([
        "/nosuch thing", "/unhappy", "cancel", "thread 5", "show", "thread x", "click 9 Useful", "react 1",
    ]))
    assert "`/nosuch` is not a valid command. In Slack, all messages that start with the \"/\" character" in out
    assert "Unhandled request" not in out and "Suggestion" not in out and "@app." not in out
    assert "Traceback" not in out and "WARNING" not in out and "list index out of range" not in out
    assert "✔ closed" in out


def test_ff_steps_through_every_due_moment_to_the_quarters_prompt(tmp_path):
    with time_machine.travel(MONDAY, tick=False):
        out = _run(tmp_path, "coming\nff 30d\nshow #sales-marketing\nff\ncoming\n")
    assert "Tue 31 Mar 2026, 10:00 UTC   Joint meeting prompt (2026-Q2)" in out
    assert "⏩ Mon 30 Mar 2026, 09:00 UTC: Weekly intel digest; Weekly satisfaction digest" in out
    assert "⏩ Tue 31 Mar 2026, 10:00 UTC: Joint meeting prompt (2026-Q2)" in out
    assert "🕘 it is now Wed 1 Apr 2026, 08:00 UTC" in out
    assert "JOINT SALES & MARKETING MEETING — 2026-Q2" in out
    assert "⏩ Mon 6 Apr 2026, 09:00 UTC" in out


def test_the_sandbox_never_writes_into_database_url(tmp_path):
    production = tmp_path / "production.db"
    out = _run(tmp_path, "/truce help\n", DATABASE_URL=f"sqlite:///{production}")
    assert "/truce whoami" in out
    assert not production.exists() or not inspect(create_engine(f"sqlite:///{production}")).get_table_names()


def test_the_sandbox_uses_the_database_named_for_it(tmp_path):
    own = tmp_path / "sandbox.db"
    _run(tmp_path, "/truce help\n", DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}",
         TRUCE_SANDBOX_DATABASE_URL=f"sqlite:///{own}")
    with create_engine(f"sqlite:///{own}").connect() as conn:
        assert conn.execute(text("SELECT team_id FROM workspace")).scalars().all() == ["T0TRUCE"]
    assert not (tmp_path / "prod.db").exists()
