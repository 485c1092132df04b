"""docs/playbook-demo.txt, run in the sandbox shell as a newcomer would: it tells the story without a hitch.
The script runs once; the tests check it step by step."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.sandbox.shell import run_shell
from tests.isolation import answering_guard


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    out = io.StringIO()
    script = Path(__file__).resolve().parent.parent / "docs" / "playbook-demo.txt"
    database = tmp_path_factory.mktemp("playbook-demo") / "sandbox.db"
    with answering_guard() as seen:
        run_shell(load_settings(DATABASE_URL=f"sqlite:///{database}"), script=str(script), out=out)
    assert not seen, "\n".join(seen)
    return out.getvalue()


def test_nothing_in_the_demo_fails(demo):
    assert "That didn't work" not in demo and "✖" not in demo


def test_two_strategies_are_published_and_salespeople_told(demo):
    assert "Published `#1` *Mid-market push*. Salespeople are being told in #sales." in demo
    assert "Published `#2` *Enterprise security story*" in demo
    assert demo.count(":mega: New marketing strategy by @mark") == 2


def test_a_search_finds_the_strategy(demo):
    assert "1 match for “security”" in demo


def test_the_home_tab_lists_the_current_strategies(demo):
    assert "CURRENT MARKETING STRATEGIES" in demo and "[Search strategies]" in demo


def test_a_win_and_a_loss_are_logged_and_summed_up(demo):
    assert "Logged a win: *Acme Corp* — 12,000.00 EUR" in demo
    assert "Logged a loss: *Globex* — reason: *Price*, lost to *Initech*." in demo
    assert "*1* won · *1* lost · win rate *50%*" in demo
