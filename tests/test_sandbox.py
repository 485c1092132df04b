"""The sandbox shell: the quick start's first command, driven by a script and by stdin."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.config import load_settings
from bot.sandbox.shell import parse_duration, run_shell

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path, script: str) -> str:
    path = tmp_path / "script.txt"
    path.write_text(script)
    out = io.StringIO()
    settings = load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'sandbox.db'}")
    run_shell(settings, script=str(path), out=out)
    return out.getvalue()


def test_help_setup_and_home_in_the_sandbox(tmp_path):
    out = _run(tmp_path, "\n".join([
        "/truce help", "as lee", "/truce setup", "modal", "fill timezone Europe/Paris",
        "fill leads @lee,@maria", "submit", "show dm", "home", "quit",
    ]))
    assert "`/truce setup` — Choose the sales" in out
    assert "You are now Lee Lead" in out
    assert "▸ Timezone — fill timezone <value>" in out
    assert "✔ submitted" in out
    assert "📬 1 new message in your DMs" in out
    assert "Timezone: Europe/Paris" in out and "Leads: @lee, @maria" in out
    assert "You are on the *marketing and sales* team." in out


def test_mistakes_in_the_sandbox_are_explained(tmp_path):
    out = _run(tmp_path, "as nobody\nclick 1 Useful\nff soon\nfrobnicate\n")
    assert "no one called 'nobody'" in out
    assert "`show` a channel first" in out
    assert "e.g. `ff 30m`" in out
    assert "I don't know `frobnicate`" in out


def test_fast_forward_moves_the_clock():
    assert parse_duration("90m").total_seconds() == 5400
    assert parse_duration("2w").days == 14


def test_python_m_bot_without_tokens_starts_the_sandbox(tmp_path):
    """`--terminal`: the shell (without it, the web page: tests/test_sandbox_web.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL"))}
    result = subprocess.run([sys.executable, "-m", "bot", "--terminal"], cwd=tmp_path, input="/truce help\nquit\n",
                            capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Starting Truce in sandbox mode (no Slack tokens are set)" in result.stderr
    assert "Truce sandbox" in result.stdout and "/truce whoami" in result.stdout


def test_buttons_are_found_by_the_words_on_them(tmp_path):
    out = _run(tmp_path, "\n".join([
        "as mark", "/intel #pricing Acme cut list prices 20%", "as sam", "show #sales", "click 1 useful",
        "show #sales", "click 1 nope",
    ]))
    assert "[:+1: Useful (1)]" in out
    assert "no button called 'nope'" in out


def test_intel_demo_share_arrives_and_a_bulb_reaction_shares(tmp_path):
    out = _run(tmp_path, (ROOT / "docs" / "intel-demo.txt").read_text())
    sales = out.split("show #sales\n", 1)[1]
    assert "*Pricing intel* from *marketing*" in sales  # the marketer's share, in the sales channel
    assert "[:+1: Useful (1)]" in out
    marketing = out.split("show #marketing\n", 1)[1]
    assert "from *sales*" in marketing and "Globex bundles onboarding for free" in marketing
    assert "Intel matching *acme*" in out


def test_fast_forward_shows_the_quarters_joint_meeting_prompt(tmp_path):
    out = _run(tmp_path, "\n".join(["ff 6d"] * 17 + ["show #sales-marketing"]))
    assert "JOINT SALES & MARKETING MEETING" in out.rsplit("show #sales-marketing", 1)[1]
