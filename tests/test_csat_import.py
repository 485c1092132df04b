"""`/truce csat import`: scores pasted as CSV in a form — through the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from bot.ids import CsatImportIds
from bot.models import Workspace
from bot.sandbox.seed import MARK, OLIVE, SALES, SAM
from bot.setup.workspaces import set_pref
from bot.unhappy.csat_models import CsatScore
from jobs import unhappy as jobs
from tests.unhappy_support import text_of

FIELD = f"{CsatImportIds.CSV_BLOCK}.{CsatImportIds.CSV}"
GOOD = """customer,score,scale,comment,source
Acme Corp,7,10,slow onboarding,nps-q4
Globex,2,5,"late, again",
Acme  corp,9,,,
Initech,4.5,5,,
"""


def scores(stack) -> list[CsatScore]:
    with stack.rt.session() as s:
        return list(s.exec(select(CsatScore).order_by(CsatScore.id)).all())


def open_form(stack, user=SAM):
    stack.driver.command(user, "/truce", "csat import")
    [view] = stack.state.open_views(user)
    return view


def submit(stack, text, user=SAM):
    view = open_form(stack, user) if not stack.state.open_views(user) else stack.state.open_views(user)[-1]
    response = stack.driver.submit(user, view.id, {FIELD: text})
    body = response.json() if response.content else {}
    return body.get("errors", {}).get(CsatImportIds.CSV_BLOCK)


def test_the_form_explains_the_format_and_its_limits(stack):
    view = open_form(stack)
    shown = str(view.view)
    assert "customer,score,scale,comment,source" in shown and "Acme Corp,7,10" in shown
    assert "500 rows and 3,000 characters" in shown and view.view["title"]["text"] == "Import scores"


def test_a_good_paste_is_stored_and_confirmed(stack):
    assert submit(stack, GOOD) is None
    assert stack.state.open_views(SAM) == []
    rows = [(s.customer, s.customer_key, s.score, s.scale, s.comment, s.source, s.reporter_id) for s in scores(stack)]
    assert rows == [
        ("Acme Corp", "acme corp", 7, 10, "slow onboarding", "nps-q4", SAM),
        ("Globex", "globex", 2, 5, "late, again", "csv", SAM),
        ("Acme corp", "acme corp", 9, 10, None, "csv", SAM),  # no scale: the workspace's default
        ("Initech", "initech", 4.5, 5, None, "csv", SAM),
    ]
    dm = stack.state.dms(SAM)[-1].text
    assert "Imported 4 scores for 3 customers" in dm and "Low scores for *Globex*" in dm


def test_bad_rows_are_answered_in_the_form_and_nothing_is_stored(stack):
    paste = GOOD + "Hooli,11,10,,\n,5,5,,\nUmbrella,great,10,,\nVandelay,3,7,,\n<!channel>,0,5,,\nWayne,1,5,,,extra\n"
    error = submit(stack, paste)
    assert error.startswith("6 rows can't be imported; nothing was stored.")
    assert "Line 6: score 11 is outside the 0-10 scale." in error
    assert "Line 7: customer is required" in error and "Line 8: score must be a number." in error
    assert "Line 9: scale must be 10" in error and "Line 10: score 0 is outside the 1-5 scale." in error
    assert "…and 1 more." in error
    assert scores(stack) == [] and stack.state.dms(SAM) == []
    assert len(stack.state.open_views(SAM)) == 1  # the paste is still there to fix


@pytest.mark.parametrize(("paste", "why"), [
    ("", "Paste your scores here"),
    ("   \n ", "Paste your scores here"),
    ("Acme Corp,7,10\nGlobex,3,5", "the first line must be the header"),
    ("customer,score,rating\nAcme,7,3", "unknown column(s): rating"),
    ("customer,score\n\n", "no scores under it"),
])
def test_missing_header_or_empty_paste(stack, paste, why):
    error = submit(stack, paste)
    assert why in error
    assert scores(stack) == []


def test_semicolons_and_the_default_scale(stack):
    with stack.rt.session() as s:
        set_pref(session=s, ws=s.get(Workspace, stack.team_id), key="unhappy", value={"csat_scale": 5})
    assert submit(stack, "customer;score;comment\nAcme Corp;4;fine, mostly\nGlobex;3,5;\n") is None
    assert [(s.customer, s.score, s.scale, s.comment) for s in scores(stack)] == [
        ("Acme Corp", 4, 5, "fine, mostly"), ("Globex", 3.5, 5, None)]
    assert "Imported 2 scores for 2 customers" in stack.state.dms(SAM)[-1].text


def test_the_same_paste_twice_is_stored_once(stack):
    assert submit(stack, GOOD) is None
    dms = len(stack.state.dms(SAM))
    # The same rows again, spaced and delimited differently: still the same import.
    again = GOOD.replace(",", ";").replace("Globex", " Globex ").replace('"late; again"', '"late, again"')
    error = submit(stack, again)
    assert "already imported" in error and "nothing was stored again" in error
    assert len(scores(stack)) == 4 and len(stack.state.dms(SAM)) == dms
    assert submit(stack, GOOD + "Hooli,8,10,,\n") is None  # a different paste is a new import
    assert len(scores(stack)) == 9


def test_anyone_who_may_record_by_command_may_import(stack):
    # /truce csat has no role rule (only the webhook token is for admins and leads): so neither has import.
    for user in (MARK, OLIVE):
        assert submit(stack, f"customer,score\nAcme by {user},8\n", user=user) is None
        assert scores(stack)[-1].reporter_id == user


def test_imported_scores_are_in_the_weekly_digest(stack):
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with time_machine.travel(monday - timedelta(days=2), tick=False):
        assert submit(stack, GOOD) is None
    with time_machine.travel(monday, tick=False):
        assert jobs.send_csat_digests(stack.rt) == 1
    [digest] = [m for m in stack.messages(SALES) if "Customer satisfaction" in m.text]
    text = text_of(digest)
    assert "4 scores from 3 customers" in digest.text and "*Globex* 2.5/10" in text and "late, again" in text
