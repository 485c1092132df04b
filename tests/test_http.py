"""Slack's request signing, url_verification, event retries, and /healthz — over real HTTP."""

from __future__ import annotations

import time

import httpx
from slack_sdk.signature import SignatureVerifier
from sqlmodel import select

from bot.models import Member, ProcessedEvent
from bot.sandbox.driver import sign
from bot.sandbox.seed import MARKETING, OLIVE, SAM

# Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VECTOR_TS = "1531420618"
VECTOR_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_driver_signs_like_slacks_published_example():
    assert sign(VECTOR_SECRET, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE
    verifier = SignatureVerifier(VECTOR_SECRET, clock=type("C", (), {"now": lambda self: 1531420618.0})())
    assert verifier.is_valid(VECTOR_BODY, VECTOR_TS, VECTOR_SIGNATURE)


def test_forged_signature_gets_401_and_changes_nothing(stack):
    response = stack.driver.command(OLIVE, "/truce", "setup", secret="not-the-secret")
    assert response.status_code == 401
    assert stack.state.open_views() == [] and stack.state.ephemerals == []


def test_stale_timestamp_gets_401(stack):
    response = stack.driver.command(SAM, "/truce", "help", timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert stack.state.ephemerals == []


def test_replayed_event_with_forged_body_is_refused(stack):
    response = stack.driver.post('{"type":"url_verification","challenge":"x"}', "application/json",
                                 secret="wrong")
    assert response.status_code == 401


def test_url_verification_answers_the_challenge(stack):
    response = stack.driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_event_retries_are_handled_once(stack):
    first = stack.driver.leave(SAM, MARKETING)  # SAM was never in marketing: harmless
    assert first.status_code == 200
    stack.state.channels[MARKETING].members.add(OLIVE)
    event = {"type": "member_joined_channel", "user": OLIVE, "channel": MARKETING, "channel_type": "C"}
    stack.driver.event(event, event_id="Ev0RETRY1")
    with stack.rt.session() as s:
        member = s.exec(select(Member).where(Member.user_id == OLIVE)).one()
        assert member.in_marketing_channel
        member.in_marketing_channel = False  # a reprocessed retry would set it again
    for n in (1, 2, 3):
        response = stack.driver.event(event, event_id="Ev0RETRY1", retry_num=n)
        assert response.status_code == 200
    with stack.rt.session() as s:
        member = s.exec(select(Member).where(Member.user_id == OLIVE)).one()
        assert member.in_marketing_channel is False  # the retries changed nothing
        assert len(s.exec(select(ProcessedEvent).where(ProcessedEvent.event_id == "Ev0RETRY1")).all()) == 1


def test_healthz_reports_the_database(stack):
    response = httpx.get(stack.server.url + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "reachable"}


def test_healthz_reports_an_unreachable_database(db):
    from bot.sandbox.stack import SandboxStack

    s = SandboxStack(engine=db)
    try:
        from bot.db import make_engine

        s.rt.engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
        response = httpx.get(s.server.url + "/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
    finally:
        s.stop()


def test_unknown_path_is_404(stack):
    assert httpx.get(stack.server.url + "/nope").status_code == 404
    assert httpx.get(stack.server.url + "/healthz", params={}).status_code == 200
    assert httpx.post(stack.server.url + "/healthz").status_code == 405


def test_old_event_ids_are_forgotten_but_recent_ones_kept(stack):
    from datetime import timedelta

    import time_machine

    from bot.clock import now
    from jobs.housekeeping import clean

    stack.driver.event({"type": "member_left_channel", "user": SAM, "channel": MARKETING}, event_id="EvOLD")
    with time_machine.travel(now() + timedelta(days=2)):
        stack.driver.event({"type": "member_left_channel", "user": SAM, "channel": MARKETING}, event_id="EvNEW")
    with time_machine.travel(now() + timedelta(days=4)):
        assert clean(stack.rt) == 1
    with stack.rt.session() as s:
        assert [e.event_id for e in s.exec(select(ProcessedEvent)).all()] == ["EvNEW"]


def test_plain_channel_messages_are_not_remembered(stack):
    message = {"type": "message", "channel": MARKETING, "user": SAM, "text": "hello", "ts": "1.000100"}
    assert stack.driver.event(message, event_id="EvPLAIN").status_code == 200
    with stack.rt.session() as s:
        assert s.exec(select(ProcessedEvent)).all() == []
