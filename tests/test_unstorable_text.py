"""Text PostgreSQL cannot store (NUL; lone surrogates, which no database driver encodes) is cleaned
on its way into the database, wherever it comes from: stored without them, posted, never an error."""

from __future__ import annotations

import json

import httpx
from sqlmodel import select

from bot.db import storable
from bot.ids import IntelIds, UnhappyIds
from bot.models import Outbox
from bot.sandbox.seed import ALERTS, JOINT, LEE, MARK, MARKETING, SALES, SAM
from bot.unhappy.csat_models import CsatScore
from tests.intel_helpers import block_text, no_dns, shares  # noqa: F401 - fixture
from tests.unhappy_support import last_note, report, row, text_of

LONE = "\ud800"  # half of a surrogate pair: only JSON payloads can carry it (form bodies are UTF-8)


def _no_error(stack, user: str) -> None:
    notes = [n.text for n in stack.state.ephemerals_for(user)]
    assert not any("went wrong" in n for n in notes), notes


def _outbox_clean(stack) -> None:
    with stack.rt.session() as s:
        for row_ in s.exec(select(Outbox)).all():
            stored = json.dumps([row_.text, row_.blocks])
            assert "\\u0000" not in stored and "\\ud800" not in stored


def test_storable_strips_nul_and_replaces_lone_surrogates():
    assert storable("a\x00b") == "ab"
    assert storable(f"x{LONE}y") == "x\ufffdy"
    assert storable("plain \\u0000 text, café 😀") == "plain \\u0000 text, café 😀"


def test_intel_command_with_nul_is_stored_clean_and_posted(stack):
    stack.driver.command(MARK, "/intel", "#pricing Acme\x00 cut prices by 20%\x00 vs:Acme", channel=MARKETING)
    _no_error(stack, MARK)
    [share] = shares(stack)
    assert share.summary == "Acme cut prices by 20%" and share.competitor == "Acme"
    [post] = stack.state.messages(SALES)
    assert "Acme cut prices by 20%" in block_text(post) and "\x00" not in block_text(post)
    assert len(stack.state.messages(JOINT)) == 1
    _outbox_clean(stack)


def test_unhappy_command_with_nul_is_stored_clean_and_posted(stack):
    alert = report(stack, text="Acme\x00 Corp: invoice\x00 was wrong !high")
    _no_error(stack, SAM)
    r = row(stack)
    assert (r.customer, r.description) == ("Acme Corp", "invoice was wrong")
    assert "*Acme Corp*" in text_of(alert) and "\x00" not in text_of(alert)
    _outbox_clean(stack)


def test_a_modal_with_nul_and_a_lone_surrogate_is_stored_clean_and_posted(stack):
    stack.driver.command(MARK, "/intel", "", channel=MARKETING)
    [view] = stack.state.open_views(MARK)
    response = stack.driver.submit(MARK, view.id, {
        IntelIds.SUMMARY: "Globex\x00 bundles onboarding", IntelIds.KIND: "competitor",
        IntelIds.COMPETITOR: "Glo\x00bex", IntelIds.WHY: f"Prospects{LONE} will ask",
    })
    assert response.status_code == 200 and not response.content
    _no_error(stack, MARK)
    [share] = shares(stack)
    assert (share.summary, share.competitor, share.why) == (
        "Globex bundles onboarding", "Globex", "Prospects\ufffd will ask")
    [post] = stack.state.messages(SALES)
    assert "Globex bundles onboarding" in block_text(post)
    _outbox_clean(stack)


def test_unhappy_form_with_nul_in_every_field(stack):
    stack.driver.command(MARK, "/unhappy", "", channel=ALERTS)
    [view] = stack.state.open_views(MARK)
    response = stack.driver.submit(MARK, view.id, {
        UnhappyIds.CUSTOMER: "Hoo\x00li", UnhappyIds.SEVERITY: "critical", UnhappyIds.WHAT: "Demo\x00 crashed",
        UnhappyIds.CONTACT: f"Gavin{LONE}",
    })
    assert response.status_code == 200 and not response.content
    _no_error(stack, MARK)
    r = row(stack)
    assert (r.customer, r.description, r.contact) == ("Hooli", "Demo crashed", "Gavin\ufffd")
    assert "*Hooli*" in text_of(stack.last(ALERTS))


def test_a_search_with_nul_answers(stack):
    stack.driver.command(SAM, "/intel", "search pricing vs:Ac\x00me", channel=SALES)
    _no_error(stack, SAM)
    assert stack.state.ephemerals_for(SAM)


def test_csat_webhook_with_nul_or_a_lone_surrogate_is_refused_by_name(stack):
    """A tool (not a person) sends the webhook: it is told what is wrong with its data, and nothing
    is stored, rather than having it changed silently."""
    stack.driver.command(LEE, "/truce", "csat token")
    token = last_note(stack, LEE).split("`")[1]
    for customer, comment in (("Acme\x00 Corp", "slow"), ("Acme Corp", f"slow{LONE} support")):
        body = json.dumps({"customer": customer, "score": 4, "scale": 5, "comment": comment})
        response = httpx.post(stack.server.url + "/webhooks/csat", content=body.encode(),
                              headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        assert response.status_code == 400, response.text
        assert "contains a NUL character or an invalid" in response.json()["detail"]
    with stack.rt.session() as s:
        assert s.exec(select(CsatScore)).all() == []
