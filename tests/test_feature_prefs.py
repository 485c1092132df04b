"""Each feature's preferences are a pydantic model: defaults when nothing is stored, a value that does not
validate is never stored, and a stored row that no longer validates (edited by hand) reads as the defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.intel.prefs import IntelPrefs
from bot.joint.prefs import JointPrefs
from bot.models import Workspace, WorkspacePrefs
from bot.playbook.prefs import PlaybookPrefs
from bot.prefs import prefs_of, save_prefs
from bot.sandbox.seed import LEE
from bot.unhappy.prefs import UnhappySettings


@pytest.mark.parametrize(("model", "bad"), [
    (IntelPrefs, {"emoji": "not an emoji!"}),
    (IntelPrefs, {"digest": {"weekday": 9}}),
    (JointPrefs, {"schedule": {"hour": "noon"}}),
    (JointPrefs, {"export_token_sha256": "plain-token"}),
    (UnhappySettings, {"sla": {"high": "soon"}}),
    (UnhappySettings, {"csat_scale": 7}),
    (PlaybookPrefs, {"winloss_currency": "euros"}),
])
def test_a_value_that_does_not_validate_is_refused(model, bad):
    with pytest.raises(ValidationError):
        model.model_validate(bad)


def test_a_stored_row_that_does_not_validate_reads_as_the_defaults(stack):
    with stack.rt.session() as s:
        s.add(WorkspacePrefs(team_id=stack.team_id, feature="intel", data={"emoji": 42}))
    with stack.rt.session() as s:
        assert prefs_of(s.get(Workspace, stack.team_id), IntelPrefs) == IntelPrefs()
    stack.driver.command(LEE, "/intel", "emoji")
    assert "Reacting with :bulb:" in stack.state.ephemerals_for(LEE)[-1].text


def test_saving_one_feature_keeps_the_others_and_the_callers_copy_shows_it(stack):
    with stack.rt.session() as s:
        ws = s.get(Workspace, stack.team_id)
    with stack.rt.session() as s:  # `ws` is detached here, as a listener's is
        save_prefs(session=s, ws=ws, prefs=PlaybookPrefs(winloss_currency="EUR"))
        save_prefs(session=s, ws=ws, prefs=IntelPrefs(emoji="rocket"))
    assert (prefs_of(ws, PlaybookPrefs).winloss_currency, prefs_of(ws, IntelPrefs).emoji) == ("EUR", "rocket")
    with stack.rt.session() as s:
        fresh = s.get(Workspace, stack.team_id)
        assert (prefs_of(fresh, PlaybookPrefs).winloss_currency, prefs_of(fresh, IntelPrefs).emoji) == \
            ("EUR", "rocket")
