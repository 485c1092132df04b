"""Teams follow channel membership (events and refresh); the Home tab shows each person theirs."""

from __future__ import annotations

from bot.sandbox.seed import LEE, MARIA, MARKETING, OLIVE, SALES, SAM
from bot.setup.members import teams_of
from bot.setup.team import Team
from jobs.members import refresh_all


def _teams(stack, user):
    with stack.rt.session() as s:
        return teams_of(session=s, team_id=stack.team_id, user_id=user)


def test_teams_come_from_the_channels_at_start(stack):
    assert _teams(stack, SAM) == {Team.SALES}
    assert _teams(stack, MARIA) == {Team.MARKETING}
    assert _teams(stack, LEE) == {Team.SALES, Team.MARKETING}
    assert _teams(stack, OLIVE) == set()


def test_joining_and_leaving_a_channel_changes_the_team(stack):
    stack.driver.join(OLIVE, MARKETING)
    assert _teams(stack, OLIVE) == {Team.MARKETING}
    stack.driver.leave(OLIVE, MARKETING)
    assert _teams(stack, OLIVE) == set()


def test_periodic_refresh_catches_what_events_missed(stack):
    stack.state.channels[SALES].members.add(OLIVE)  # no event delivered
    assert _teams(stack, OLIVE) == set()
    assert refresh_all(stack.rt) == 1
    assert _teams(stack, OLIVE) == {Team.SALES}


def test_override_wins_over_channels_until_auto(stack):
    stack.driver.command(LEE, "/truce", f"team <@{SAM}> both")
    assert _teams(stack, SAM) == {Team.SALES, Team.MARKETING}
    stack.driver.leave(SAM, SALES)
    assert _teams(stack, SAM) == {Team.SALES, Team.MARKETING}
    stack.driver.command(LEE, "/truce", f"team <@{SAM}> auto")
    assert _teams(stack, SAM) == set()


def test_home_tab_shows_my_team_and_refreshes(stack):
    stack.driver.open_home(SAM)
    home = stack.state.home[SAM]
    texts = [b.get("text", {}).get("text", "") for b in home["blocks"]]
    assert "You are on the *sales* team." in texts
    stack.driver.join(SAM, MARKETING)
    stack.driver.click_home(SAM, "home_refresh")
    texts = [b.get("text", {}).get("text", "") for b in stack.state.home[SAM]["blocks"]]
    assert "You are on the *marketing and sales* team." in texts


def test_home_says_when_setup_is_missing(db):
    from bot.sandbox.stack import SandboxStack

    s = SandboxStack(engine=db, TRUCE_ALERTS_CHANNEL="")
    try:
        s.driver.open_home(OLIVE)
        texts = " ".join(b.get("text", {}).get("text", "") for b in s.state.home[OLIVE]["blocks"])
        assert "not fully set up yet (alerts channel missing)" in texts
        assert "You are on neither team yet" in texts
    finally:
        s.stop()
