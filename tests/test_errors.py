"""One error handler: a failure becomes a short ephemeral note with an id that is also logged."""

from __future__ import annotations

import re

from bot.sandbox.seed import LEE, SAM
from bot.setup import members


def test_a_crash_is_told_to_the_person_with_an_error_id(stack, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(members, "teams_of", broken)
    response = stack.driver.command(SAM, "/truce", "whoami")
    assert response.status_code == 200  # acknowledged in time all the same
    note = stack.state.ephemerals_for(SAM)[-1]
    match = re.search(r"error id `([0-9a-f]{8})`", note.text)
    assert match, note.text
    assert "```/truce whoami```" in note.text  # what they typed, so nothing is lost
    assert f"error {match.group(1)}" in caplog.text and "database on fire" in caplog.text


def test_a_crash_in_a_modal_keeps_it_open(stack, monkeypatch):
    from bot.ids import SetupIds
    from bot.sandbox.seed import ALERTS, JOINT, MARKETING, SALES
    from bot.setup import workspaces

    stack.driver.command(LEE, "/truce", "setup")
    [view] = stack.state.open_views(LEE)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workspaces, "update_setup", broken)
    response = stack.driver.submit(LEE, view.id, {
        SetupIds.SALES: SALES, SetupIds.MARKETING: MARKETING, SetupIds.JOINT: JOINT,
        SetupIds.ALERTS: ALERTS, SetupIds.TIMEZONE: "Asia/Tokyo",
    })
    # The form stays open with what was typed, and says what happened under its first field.
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    [(block_id, message)] = answer["errors"].items()
    assert block_id == SetupIds.SALES_BLOCK and re.search(r"error id [0-9a-f]{8}", message)
    [still_open] = stack.state.open_views(LEE)
    assert still_open.id == view.id
    assert stack.state.dms(LEE) == []
