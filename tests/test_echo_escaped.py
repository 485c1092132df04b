"""Whatever Truce shows back of what a person typed (a refused command, the error handler's note) is
escaped: it can never ping @channel, @here or anyone through the bot."""

from __future__ import annotations

import json
import re

import pytest

from bot.sandbox.seed import LEE, SAM
from bot.setup import members

# As Slack sends it: @channel, @here and @sam typed in a command, then a literal "<!channel>" and "&".
TYPED = "<!channel> <!here> <@USAM001|sam> &lt;!channel&gt; &amp;"


def _note(stack, user: str) -> str:
    note = stack.state.ephemerals_for(user)[-1]
    return note.text + "\n" + json.dumps(note.blocks)


def _assert_harmless(shown: str) -> None:
    for raw in ("<!channel>", "<!here>", "<@USAM001", "<!channel"):
        assert raw not in shown, shown
    blocks = re.findall(r"```(.*?)```", shown, flags=re.S)
    assert blocks, f"no echo of what was typed in {shown!r}"
    echo = blocks[-1]
    assert "&lt;!channel&gt;" in echo and "&amp;" in echo, echo  # the literal text, escaped again
    assert not re.search(r"<|>|&(?!amp;|lt;|gt;)", echo), echo


@pytest.mark.parametrize(("user", "command", "text"), [
    (SAM, "/unhappy", TYPED),                     # no "Customer:" in it
    (LEE, "/unhappy", f"assign x {TYPED}"),
    (SAM, "/intel", f"#nokind {TYPED}"),
    (SAM, "/truce", f"csat {TYPED}"),
    (SAM, "/truce", f"win {TYPED}"),
    (SAM, "/truce", f"strategy frob {TYPED}"),
    (LEE, "/joint", f"plan {TYPED}"),             # the quarter is quoted in the error too
    (LEE, "/joint", f"schedule {TYPED}"),         # so is the first word it can't read
    (LEE, "/joint", f"frob {TYPED}"),
    (LEE, "/joint", f"agenda {'x' * 500} {TYPED}"),  # too long
])
def test_a_refused_command_echoes_what_was_typed_escaped(stack, user, command, text):
    stack.driver.command(user, command, text)
    _assert_harmless(_note(stack, user))


@pytest.mark.parametrize("command", ["/truce", "/joint"])
def test_an_unknown_word_that_is_a_broadcast_is_not_repeated_raw(stack, command):
    stack.driver.command(LEE, command, f"<!channel> {TYPED}")
    shown = _note(stack, LEE)
    assert f"I don't know `{command} @channel`" in shown
    for raw in ("<!channel>", "<!here>", "<@USAM001"):
        assert raw not in shown, shown


def test_the_error_handler_echoes_what_was_typed_escaped(stack, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(members, "teams_of", broken)
    stack.driver.command(SAM, "/truce", f"whoami {TYPED}")
    shown = _note(stack, SAM)
    assert "error id" in shown
    _assert_harmless(shown)
    assert "```/truce whoami @channel @here @sam &lt;!channel&gt; &amp;```" in shown
