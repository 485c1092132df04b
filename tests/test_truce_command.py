"""/truce help, /truce setup, /truce team, /truce whoami — through the emulator."""

from __future__ import annotations

from bot.ids import SetupIds
from bot.models import Workspace
from bot.sandbox.seed import ADA, ALERTS, JOINT, LEE, MARIA, MARK, MARKETING, OLIVE, RANDOM, SALES, SAM


def test_help_lists_every_command(stack):
    response = stack.driver.command(SAM, "/truce", "help")
    assert response.status_code == 200
    body = stack.driver.answer()
    assert "/truce setup" in body["text"]
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert stack.state.messages(SALES) == []  # nothing public


def test_unknown_word_answers_with_help(stack):
    stack.driver.command(SAM, "/truce", "frobnicate")
    body = stack.driver.answer()
    assert "I don't know `/truce frobnicate`" in body["text"]
    assert "/truce help" in body["text"]


def test_setup_refused_for_people_who_are_neither_admin_nor_lead(stack):
    stack.driver.command(SAM, "/truce", "setup")
    assert stack.state.open_views(SAM) == []
    note = stack.state.ephemerals_for(SAM)[-1]
    assert "Only a Slack admin or a Truce lead" in note.text


def test_lead_opens_setup_and_saves_it(stack):
    stack.driver.command(LEE, "/truce", "setup")
    [view] = stack.state.open_views(LEE)
    assert view.view["title"]["text"] == "Truce setup"
    response = stack.driver.submit(LEE, view.id, {
        SetupIds.SALES: SALES, SetupIds.MARKETING: MARKETING, SetupIds.JOINT: RANDOM,
        SetupIds.ALERTS: ALERTS, SetupIds.TIMEZONE: "Europe/Paris", SetupIds.LEADS: [LEE, MARIA],
    })
    assert response.status_code == 200 and not response.content
    with stack.rt.session() as s:
        ws = s.get(Workspace, stack.team_id)
    assert (ws.joint_channel, ws.timezone, ws.lead_user_ids) == (RANDOM, "Europe/Paris", [LEE, MARIA])
    [dm] = stack.state.dms(LEE)
    assert "Truce is set up" in dm.text and "Europe/Paris" in dm.text


def test_admin_may_open_setup(stack):
    stack.driver.command(ADA, "/truce", "setup")
    assert len(stack.state.open_views(ADA)) == 1


def test_setup_errors_are_answered_inside_the_modal(stack):
    stack.driver.command(LEE, "/truce", "setup")
    [view] = stack.state.open_views(LEE)
    response = stack.driver.submit(LEE, view.id, {
        SetupIds.SALES: SALES, SetupIds.MARKETING: SALES, SetupIds.JOINT: JOINT,
        SetupIds.ALERTS: ALERTS, SetupIds.TIMEZONE: "UTC",
    })
    body = response.json()
    assert body["response_action"] == "errors"
    assert SetupIds.MARKETING_BLOCK in body["errors"]
    assert stack.state.open_views(LEE), "the modal stays open with what was typed"
    with stack.rt.session() as s:
        assert s.get(Workspace, stack.team_id).marketing_channel == MARKETING  # unchanged


def test_team_override_and_whoami(stack):
    stack.driver.command(OLIVE, "/truce", "whoami")
    assert "no team" in stack.state.ephemerals_for(OLIVE)[-1].text
    stack.driver.command(LEE, "/truce", f"team <@{OLIVE}|olive> marketing")
    assert "is now on: marketing" in stack.state.ephemerals_for(LEE)[-1].text
    stack.driver.command(OLIVE, "/truce", "whoami")
    assert "*marketing*" in stack.state.ephemerals_for(OLIVE)[-1].text
    assert "by hand" in stack.state.ephemerals_for(OLIVE)[-1].text


def test_team_override_bad_input_says_what_to_type(stack):
    stack.driver.command(LEE, "/truce", "team olive sales")
    assert "/truce team @dana marketing" in stack.state.ephemerals_for(LEE)[-1].text


def test_team_override_refused_for_others(stack):
    stack.driver.command(MARK, "/truce", f"team <@{SAM}> marketing")
    assert "Only a Slack admin or a Truce lead" in stack.state.ephemerals_for(MARK)[-1].text
