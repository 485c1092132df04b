"""/unhappy list, mine, help and settings, and the App Home section — through the emulator."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from bot.ids import UnhappyIds
from bot.models import WorkspacePrefs
from bot.sandbox.seed import ALERTS, LEE, MARIA, MARK, OLIVE, SALLY, SAM
from tests.unhappy_support import MONDAY_10, last_note, report, row


def test_list_shows_open_alerts_newest_first_with_state_and_time_to_owned(stack):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        first = report(stack, SAM, "Acme: invoice wrong !high")
        clock.shift(timedelta(minutes=5))
        stack.driver.click(SAM, first, UnhappyIds.CLAIM_SALES)
        stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
        clock.shift(timedelta(minutes=5))
        report(stack, MARK, "Globex <!here>: webinar link broken !low")
        clock.shift(timedelta(minutes=5))
        report(stack, SALLY, "Initech: nobody called back")
        stack.driver.click(SALLY, stack.last(ALERTS), UnhappyIds.MORE, selected=f"not_an_issue:{row(stack).id}")
        stack.driver.command(OLIVE, "/unhappy", "list")
    note = stack.state.ephemerals_for(OLIVE)[-1]
    assert note.via == "response_url"
    assert note.text.index("Globex") < note.text.index("Acme") and "Initech" not in note.text
    assert "Open customer alerts, newest first (2)" in str(note.blocks)
    assert "Globex @here" in note.text and "<!here>" not in note.text
    assert "Unclaimed" in note.text and "Owned by both teams" in note.text
    assert "owned in 5 min" in note.text and "15 min old" in note.text and "Unclaimed · Sales _needed_" in note.text
    assert "slack.com/archives" in note.text  # a link to each posted alert


def test_mine_lists_only_what_i_own(stack):
    report(stack, SAM, "Acme: invoice wrong")
    stack.driver.click(MARIA, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    report(stack, SAM, "Globex: late delivery")
    stack.driver.command(MARIA, "/unhappy", "mine")
    text = last_note(stack, MARIA)
    assert "Customer alerts you own (1)" in text and "Acme" in text and "Globex" not in text
    stack.driver.command(SALLY, "/unhappy", "mine")
    assert "You own no open customer alerts." in last_note(stack, SALLY)


def test_empty_list(stack):
    stack.driver.command(SAM, "/unhappy", "list")
    assert "No open customer alerts" in last_note(stack, SAM)


def test_help_answers_every_usage(stack):
    stack.driver.command(SAM, "/unhappy", "help")
    body = stack.driver.answer()
    for usage in ("/unhappy Acme Corp: invoice was wrong twice !high", "/unhappy list", "/unhappy mine",
                  "/unhappy assign 12 @dana sales", "/unhappy settings"):
        assert usage in body["text"]
    assert "/truce" not in body["text"]  # only this command's help
    assert stack.messages(ALERTS) == []
    stack.driver.command(SAM, "/truce", "help")
    truce_help = stack.driver.answer_text()
    assert "/truce csat Acme Corp 7/10" in truce_help and "/unhappy list" in truce_help


def test_home_shows_my_open_reports_and_the_unclaimed_ones(stack):
    report(stack, SAM, "Acme: invoice wrong")
    stack.driver.click(SAM, stack.last(ALERTS), UnhappyIds.CLAIM_SALES)
    report(stack, MARK, "Globex: webinar link broken")
    stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    stack.driver.open_home(SAM)
    home = str(stack.state.home[SAM])
    assert "*My open reports*" in home and "*Unclaimed reports*" in home
    mine = home[home.index("My open reports"):home.index("Unclaimed reports")]
    assert "Acme" in mine and "Globex" not in mine
    unclaimed = home[home.index("Unclaimed reports"):]
    assert "Globex" in unclaimed and "needs your team (Sales)" in unclaimed
    assert "Acme" in unclaimed  # still needs a marketing owner
    stack.driver.open_home(OLIVE)
    assert "You own none right now." in str(stack.state.home[OLIVE])


def test_settings_are_for_admins_and_leads(stack):
    stack.driver.command(SAM, "/unhappy", "settings")
    assert "Only a Slack admin or a Truce lead" in last_note(stack, SAM)
    assert stack.state.open_views(SAM) == []


def test_settings_form_validates_and_saves(stack):
    stack.driver.command(LEE, "/unhappy", "settings")
    [view] = stack.state.open_views(LEE)
    key = f"{UnhappyIds.SLA_LOW_BLOCK}.{UnhappyIds.VALUE}"
    body = stack.driver.submit(LEE, view.id, {key: "soon"}).json()
    assert "15m, 1h, 4h, 2d or 1bd" in body["errors"][UnhappyIds.SLA_LOW_BLOCK]
    body = stack.driver.submit(LEE, view.id, {f"{UnhappyIds.HOURS_BLOCK}.{UnhappyIds.VALUE}": "18:00-09:00"}).json()
    assert "end after they start" in body["errors"][UnhappyIds.HOURS_BLOCK]
    body = stack.driver.submit(LEE, view.id, {f"{UnhappyIds.EMOJI_ACK_BLOCK}.{UnhappyIds.VALUE}": "raising_hand"})
    assert "three different emoji" in body.json()["errors"][UnhappyIds.EMOJI_RESOLVE_BLOCK]
    response = stack.driver.submit(LEE, view.id, {
        f"{UnhappyIds.EMOJI_CLAIM_BLOCK}.{UnhappyIds.VALUE}": ":hand:", key: "2bd",
        f"{UnhappyIds.HOURS_BLOCK}.{UnhappyIds.VALUE}": "08:30-17:00",
        f"{UnhappyIds.DAYS_BLOCK}.{UnhappyIds.VALUE}": ["0", "1", "2", "3"],
        f"{UnhappyIds.SCALE_BLOCK}.{UnhappyIds.VALUE}": "5",
    })
    assert response.status_code == 200 and not response.content
    with stack.rt.session() as s:
        prefs = s.get(WorkspacePrefs, (stack.team_id, "unhappy")).data
    assert prefs["emoji"]["claim"] == "hand" and prefs["sla"]["low"] == "2bd" and prefs["sla"]["high"] == "1h"
    assert prefs["hours"] == "08:30-17:00" and prefs["days"] == [0, 1, 2, 3] and prefs["csat_scale"] == 5
    dm = stack.state.dms(LEE)[-1].text
    assert "settings saved" in dm and ":hand:" in dm and "low 2 business days" in dm
    stack.driver.command(LEE, "/unhappy", "settings")  # reopened with what was saved
    [view] = stack.state.open_views(LEE)
    claim = next(b for b in view.view["blocks"] if b.get("block_id") == UnhappyIds.EMOJI_CLAIM_BLOCK)
    assert claim["element"]["initial_value"] == "hand"
