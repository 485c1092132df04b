"""The one sub-command router (handlers.common.route) behind /truce, /joint, /intel and /unhappy: a word it does
not know never crashes; /truce and /joint answer with their help and what was typed echoed (escaped), /intel and
/unhappy take any other text as a share or a report."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.intel.models import IntelShare
from bot.sandbox.seed import SAM


def last_note(stack) -> str:
    return stack.state.ephemerals_for(SAM)[-1].text


@pytest.mark.parametrize(("command", "usage"), [("/truce", "/truce whoami"), ("/joint", "/joint schedule")])
def test_an_unknown_word_answers_the_help_and_echoes_what_was_typed(stack, command, usage):
    response = stack.driver.command(SAM, command, "frobnicate <!here> &amp; co")
    assert response.status_code == 200
    text = last_note(stack)
    assert f"I don't know `{command} frobnicate`" in text
    assert f"```{command} frobnicate @here &amp; co```" in text
    assert usage in text and "<!here>" not in text


@pytest.mark.parametrize("command", ["/truce", "/joint", "/intel", "/unhappy"])
def test_help_answers_each_commands_help(stack, command):
    stack.driver.command(SAM, command, "help")
    text = last_note(stack)
    assert f"`{command}" in text and "I don't know" not in text


def test_unhappy_takes_an_unknown_word_as_a_report_and_says_how_to_type_it(stack):
    response = stack.driver.command(SAM, "/unhappy", "frobnicate <!here>")
    assert response.status_code == 200
    text = last_note(stack)
    assert "Type it like this: `/unhappy" in text and "```/unhappy frobnicate @here```" in text


def test_intel_takes_an_unknown_word_as_a_share(stack):
    stack.driver.command(SAM, "/intel", "frobnicate: Acme cut list prices 20% this week")
    with stack.rt.session() as s:
        [share] = s.exec(select(IntelShare)).all()
    assert share.summary.startswith("frobnicate")


@pytest.mark.parametrize("text", ["emoji is not what we sell: Acme ships one", "help desk tickets doubled at Acme"])
def test_intel_words_with_more_after_them_are_shares(stack, text):
    stack.driver.command(SAM, "/intel", text)
    with stack.rt.session() as s:
        [share] = s.exec(select(IntelShare)).all()
    assert share.summary.startswith(text.split()[0])
