"""docs/playbook-demo.txt, run in the sandbox shell as a newcomer would: it tells the story without a hitch."""

from __future__ import annotations

import io
from pathlib import Path

from bot.config import load_settings
from bot.sandbox.shell import run_shell


def test_the_sandbox_demo_script_tells_the_story(tmp_path):
    out = io.StringIO()
    script = Path(__file__).resolve().parent.parent / "docs" / "playbook-demo.txt"
    run_shell(load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'sandbox.db'}"), script=str(script), out=out)
    text = out.getvalue()
    assert "That didn't work" not in text and "✖" not in text
    assert "Published `#1` *Mid-market push*. Salespeople are being told in #sales." in text
    assert "Published `#2` *Enterprise security story*" in text
    assert text.count(":mega: New marketing strategy by @mark") == 2
    assert "1 match for “security”" in text
    assert "CURRENT MARKETING STRATEGIES" in text and "[Search strategies]" in text
    assert "Logged a win: *Acme Corp* — 12,000.00 EUR" in text
    assert "Logged a loss: *Globex* — reason: *Price*, lost to *Initech*." in text
    assert "*1* won · *1* lost · win rate *50%*" in text
