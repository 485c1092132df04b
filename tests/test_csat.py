"""Customer satisfaction: /truce csat, the webhook and the weekly digest — through the emulator."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from sqlmodel import select

from bot.models import Workspace
from bot.sandbox.seed import ALERTS, JOINT, LEE, MARK, SALES, SAM
from bot.sandbox.stack import SandboxStack
from bot.setup.workspaces import set_pref
from bot.unhappy.csat_models import CsatDigestRun, CsatScore, CsatToken
from jobs import unhappy as jobs
from tests.unhappy_support import last_note, report, text_of


def scores(stack) -> list[CsatScore]:
    with stack.rt.session() as s:
        return list(s.exec(select(CsatScore).order_by(CsatScore.id)).all())


def test_csat_command_records_a_score_with_its_scale(stack):
    stack.driver.command(SAM, "/truce", "csat Acme Corp 7/10 slow onboarding")
    [s] = scores(stack)
    assert (s.customer, s.customer_key, s.score, s.scale, s.comment, s.reporter_id) == (
        "Acme Corp", "acme corp", 7, 10, "slow onboarding", SAM)
    note = last_note(stack, SAM)
    assert "Recorded 7/10 for *Acme Corp*" in note and "weekly digest" in note and "no scale" not in note
    stack.driver.command(MARK, "/truce", "csat Globex: 2/5")
    assert (scores(stack)[-1].customer, scores(stack)[-1].scale) == ("Globex", 5)
    assert "low score" in last_note(stack, MARK) and "/unhappy" in last_note(stack, MARK)


def test_a_bare_number_uses_the_default_scale_and_says_so(stack):
    stack.driver.command(SAM, "/truce", "csat Initech 4 fine")
    assert (scores(stack)[-1].score, scores(stack)[-1].scale) == (4, 10)
    note = last_note(stack, SAM)
    assert "read it out of 10" in note and "send it again as `4/5`" in note
    with stack.rt.session() as s:
        set_pref(session=s, ws=s.get(Workspace, stack.team_id), key="unhappy", value={"csat_scale": 5})
    stack.driver.command(SAM, "/truce", "csat Initech 4")
    assert (scores(stack)[-1].score, scores(stack)[-1].scale) == (4, 5)
    assert "out of 5" in last_note(stack, SAM)


@pytest.mark.parametrize(("typed", "why"), [
    ("csat Acme", "couldn't find the score"),
    ("csat Acme 11/10", "outside the 0-10 scale"),
    ("csat Acme 0/5", "outside the 1-5 scale"),
    ("csat 7/10 great", "customer is required"),
    ("csat <!channel> 12", "outside the 0-10 scale"),
])
def test_csat_command_mistakes_say_what_to_type_and_echo(stack, typed, why):
    stack.driver.command(SAM, "/truce", typed)
    note = last_note(stack, SAM)
    assert why in note and "/truce csat Acme Corp 7/10 slow onboarding" in note
    assert "Here is what you typed" in note and "<!channel>" not in note
    assert scores(stack) == []


def test_csat_help(stack):
    stack.driver.command(SAM, "/truce", "csat")
    assert "`7/10` or `4/5`" in last_note(stack, SAM) and "default scale" in last_note(stack, SAM)


def _token(stack, user=LEE, extra="") -> str:
    stack.driver.command(user, "/truce", f"csat token{extra}")
    note = last_note(stack, user)
    return note.split("`")[1]


def test_token_is_for_admins_and_leads_and_stored_hashed(stack):
    stack.driver.command(SAM, "/truce", "csat token")
    assert "Only a Slack admin or a Truce lead" in last_note(stack, SAM)
    token = _token(stack)
    assert token.startswith("tcs_") and "Authorization: Bearer" in last_note(stack, LEE)
    with stack.rt.session() as s:
        row = s.get(CsatToken, stack.team_id)
    assert row.token_hash != token and token not in row.token_hash and len(row.token_hash) == 64
    stack.driver.command(LEE, "/truce", "csat token")
    assert "can't show it again" in last_note(stack, LEE) and token not in last_note(stack, LEE)


def post(stack, token: str | None, body, content_type="application/json") -> httpx.Response:
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(stack.server.url + "/webhooks/csat", content=data, headers=headers)


def test_webhook_stores_a_score(stack):
    token = _token(stack)
    response = post(stack, token, {"customer": "Acme Corp", "score": 4, "scale": 5, "comment": "slow support",
                                   "source": "typeform"})
    assert response.status_code == 201
    assert response.json() == {"ok": True, "id": 1, "customer": "Acme Corp", "score": 4.0, "scale": 5}
    [s] = scores(stack)
    assert (s.source, s.comment, s.reporter_id) == ("typeform", "slow support", None)
    assert post(stack, token, {"customer": "Globex", "score": 9}).status_code == 201  # default scale 10
    assert scores(stack)[-1].scale == 10 and scores(stack)[-1].source == "webhook"


@pytest.mark.parametrize(("body", "error"), [
    (b"{not json", "invalid_json"),
    ([1, 2], "invalid_json"),
    ({"score": 4, "scale": 5}, "missing_customer"),
    ({"customer": "Acme", "scale": 5}, "missing_score"),
    ({"customer": "Acme", "score": "four", "scale": 5}, "invalid_score"),
    ({"customer": "Acme", "score": True, "scale": 5}, "invalid_score"),
    ({"customer": "Acme", "score": 6, "scale": 5}, "score_out_of_range"),
    ({"customer": "Acme", "score": 4, "scale": 7}, "invalid_scale"),
    ({"customer": "A" * 151, "score": 4, "scale": 5}, "customer_too_long"),
    ({"customer": "Acme", "score": 4, "scale": 5, "comment": "x" * 1001}, "comment_too_long"),
    ({"customer": "Acme", "score": 4, "scale": 5, "rating": 3}, "unknown_field"),
])
def test_webhook_rejects_malformed_bodies_with_a_reason(stack, body, error):
    token = _token(stack)
    response = post(stack, token, body)
    assert response.status_code == 400
    assert response.json()["error"] == error and response.json()["detail"]
    assert scores(stack) == []


def test_webhook_needs_json_and_the_right_token(stack):
    token = _token(stack)
    assert post(stack, token, {"customer": "Acme", "score": 4}, content_type="text/plain").status_code == 400
    assert post(stack, None, {"customer": "Acme", "score": 4}).status_code == 401
    wrong = post(stack, token + "x", {"customer": "Acme", "score": 4})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_token"
    assert httpx.get(stack.server.url + "/webhooks/csat").status_code == 405
    new = _token(stack, extra=" new")
    assert "previous token no longer works" in last_note(stack, LEE)
    assert post(stack, token, {"customer": "Acme", "score": 4}).status_code == 401
    assert post(stack, new, {"customer": "Acme", "score": 4}).status_code == 201
    assert len(scores(stack)) == 1


# --- the weekly digest ----------------------------------------------------------------------------

MONDAY_9 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _score_at(stack, when, text):
    with time_machine.travel(when, tick=False):
        stack.driver.command(SAM, "/truce", f"csat {text}")


@pytest.fixture
def week_of_scores(stack):
    _score_at(stack, MONDAY_9 - timedelta(weeks=3), "Acme Corp 9/10")
    _score_at(stack, MONDAY_9 - timedelta(weeks=2), "Globex 3/5")
    _score_at(stack, MONDAY_9 - timedelta(days=5), "Acme Corp 4/10 invoices again")
    _score_at(stack, MONDAY_9 - timedelta(days=4), "ACME  corp 5/10")
    _score_at(stack, MONDAY_9 - timedelta(days=3), "Globex 5/5 much better")
    _score_at(stack, MONDAY_9 - timedelta(days=2), "Initech 8/10")
    _score_at(stack, MONDAY_9 + timedelta(minutes=1), "Hooli 1/10")  # next week's
    with time_machine.travel(MONDAY_9 - timedelta(days=1), tick=False):
        report(stack, MARK, "acme corp: invoices wrong again !high")
    return stack


def _digests(stack):
    return [m for m in stack.messages(SALES) if "Customer satisfaction" in m.text]


def test_weekly_digest_shows_scores_trends_and_low_scores_with_open_alerts(week_of_scores):
    stack = week_of_scores
    with time_machine.travel(MONDAY_9 - timedelta(minutes=1), tick=False):
        jobs.send_csat_digests(stack.rt)
    before = _digests(stack)  # last week's digest (the week before) had scores too
    with time_machine.travel(MONDAY_9, tick=False):
        assert jobs.send_csat_digests(stack.rt) == 1
    [digest] = _digests(stack)[len(before):]
    text = text_of(digest)
    assert "the week from Nov 23" in digest.text and "4 scores from 3 customers" in digest.text
    assert "Low scores and open alerts" in text and "1 open alert" in text
    assert "*Acme Corp* 4.5/10 ↓ (was 9.0)" in text and "invoices again" in text
    assert "*Globex* 10.0/10 ↑ (was 5.0)" in text and "*Initech* 8.0/10 (new)" in text
    assert text.index("Acme Corp") < text.index("Initech") < text.index("Globex")  # lowest first
    assert "Hooli" not in text
    assert stack.messages(JOINT) == [] and stack.messages(ALERTS)[-1].text != digest.text
    with time_machine.travel(MONDAY_9 + timedelta(days=2), tick=False):
        assert jobs.send_csat_digests(stack.rt) == 0
    assert len(_digests(stack)) == len(before) + 1


def test_digest_once_per_week_across_replicas_and_restarts(week_of_scores, db):
    stack = week_of_scores
    other = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        with time_machine.travel(MONDAY_9 + timedelta(hours=1), tick=False):
            start, sent = threading.Barrier(2), []

            def run(name):
                start.wait()
                sent.append(jobs.send_csat_digests(name))

            threads = [threading.Thread(target=run, args=(n,)) for n in (stack.rt, other.rt)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(sent) == [0, 1]
        stack.stop_app()
        with time_machine.travel(MONDAY_9 + timedelta(hours=5), tick=False):
            assert jobs.send_csat_digests(other.rt) == 0
        with time_machine.travel(MONDAY_9 + timedelta(weeks=1), tick=False):
            assert jobs.send_csat_digests(other.rt) == 1  # the next week's
        assert len(_digests(stack)) == 2
        with other.rt.session() as s:
            weeks = sorted(r.week for r in s.exec(select(CsatDigestRun)).all())
        assert weeks == ["2026-W49", "2026-W50"]
    finally:
        other.stop()


def test_no_recent_scores_no_digest(stack):
    with time_machine.travel(MONDAY_9, tick=False):
        assert jobs.send_csat_digests(stack.rt) == 0
    assert _digests(stack) == []
