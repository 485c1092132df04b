"""Closed deals from the CRM through Slack: `POST /webhooks/deal` stores the deal, its owner (found by
e-mail with users.lookupByEmail) gets the prefilled win/loss form in a DM, and the submission shows on the
competitor's battlecard; the same webhook twice changes nothing; bad input is a 400 naming the field;
an owner who is not in Slack sends the question to the sales lead; one reminder two working days later;
the CSV import for teams without a webhook."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import time_machine
from sqlmodel import select

from bot.deals.ids import DealIds as Ids
from bot.deals.models import Deal
from bot.models import Outbox
from bot.playbook.models import WinLoss
from bot.sandbox.seed import LEE, MARK, MARKETING, SAM
from jobs import deals as deal_jobs
from tests.intel_helpers import no_dns  # noqa: F401 - fixture
from tests.message_text import all_text
from tests.playbook_helpers import note

NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)  # a Wednesday in 2027-Q1
LOST = {"deal_id": "D-1001", "name": "Globex renewal", "account": "Globex", "amount": 12000, "currency": "EUR",
        "outcome": "lost", "owner_email": "SAM@truce-demo.example", "competitor": "initech inc",
        "closed_on": "2027-02-09"}
REASON, NOTES, INTEL = (f"{b}.{Ids.VALUE}" for b in (Ids.REASON_BLOCK, Ids.NOTES_BLOCK, Ids.INTEL_BLOCK))


def _token(stack) -> str:
    stack.driver.command(LEE, "/truce", "deals token")
    return note(stack, LEE).text.split("`")[1]


def post(stack, token: str, body, *, query: str = "") -> httpx.Response:
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    response = httpx.post(stack.server.url + "/webhooks/deal" + query, content=data,
                          headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    stack.settle()
    return response


def _rows(stack, model) -> list:
    with stack.rt.session() as s:
        return list(s.exec(select(model).order_by(model.id)).all())


def test_a_lost_deal_asks_its_owner_and_the_answer_shows_on_the_battlecard(stack):
    with time_machine.travel(NOW, tick=False):
        stack.driver.command(MARK, "/intel", "#pricing Initech cut list prices by 20% vs:Initech", channel=MARKETING)
        token = _token(stack)
        created = post(stack, token, LOST)
        assert created.status_code == 201 and created.json()["status"] == "created"
        [dm] = stack.state.dms(SAM)
        asked = all_text(dm.blocks)
        assert "Globex" in asked and "12,000" in asked and "EUR" in asked and "initech inc" in asked.lower()
        stack.driver.click(SAM, dm, Ids.DETAILS)
        [form] = stack.state.open_views(SAM)
        [intel_input] = [b for b in form.view["blocks"] if b.get("block_id") == Ids.INTEL_BLOCK]
        [option] = intel_input["element"]["options"]
        assert "Initech cut list prices" in option["text"]["text"]
        stack.driver.submit(SAM, form.id, {REASON: "price", NOTES: "They undercut us by 20%",
                                           INTEL: [option["value"]]})
        stack.settle()
        [dm] = stack.state.dms(SAM)  # the question now says what was logged
        assert "logged as *Price*" in all_text(dm.blocks) and "citing 1 piece of intel" in all_text(dm.blocks)
        # The same webhook again changes nothing: no second deal, entry or DM.
        again = post(stack, token, LOST)
        assert again.status_code == 200 and again.json()["status"] == "unchanged"
        stack.driver.command(SAM, "/intel", "vs Initech")
        card = note(stack, SAM)
    [deal] = _rows(stack, Deal)
    [entry] = _rows(stack, WinLoss)
    assert (deal.status, entry.outcome, entry.reason, entry.customer) == ("confirmed", "lost", "price", "Globex")
    assert len(stack.state.dms(SAM)) == 1
    shown = card.text + "\n" + all_text(card.blocks)
    assert "0 won, 1 lost" in shown, shown
    assert "Price" in shown


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(stack):
    token = _token(stack)
    for body, field in (({**LOST, "outcome": "maybe"}, "outcome"),
                        ({**LOST, "owner_email": "not an address"}, "owner_email"),
                        ({**LOST, "closed_on": "yesterday"}, "closed_on"),
                        ({**LOST, "amount": "12k"}, "amount"),
                        ({**LOST, "colour": "red"}, "colour")):
        answer = post(stack, token, body)
        assert answer.status_code == 400, (field, answer.text)
        assert answer.json()["field"] == field and field in answer.json()["detail"]
    assert post(stack, token, b"[1, 2]").status_code == 400
    assert post(stack, "tdl_wrong", LOST).status_code == 401
    assert _rows(stack, Deal) == [] and stack.state.dms(SAM) == []


def test_an_owner_not_in_slack_goes_to_the_sales_lead_and_one_reminder_follows(stack):
    with time_machine.travel(NOW, tick=False):
        token = _token(stack)
        assert post(stack, token, {**LOST, "owner_email": "gone@elsewhere.example"}).status_code == 201
    [asked] = stack.state.dms(LEE)[-1:]
    assert "gone@elsewhere.example" in all_text(asked.blocks) and "sales lead" in all_text(asked.blocks)
    before = len(stack.state.dms(LEE))
    for at in (NOW + timedelta(days=1), NOW + timedelta(days=2, hours=1), NOW + timedelta(days=6)):
        with time_machine.travel(at, tick=False):
            deal_jobs.send_reminders(stack.rt)
        stack.settle()
    reminders = stack.state.dms(LEE)[before:]
    assert len(reminders) == 1 and "Reminder" in all_text(reminders[0].blocks)


def test_the_csv_import_stores_all_or_nothing_and_asks_each_owner(stack):
    with time_machine.travel(NOW, tick=False):
        stack.driver.command(SAM, "/truce", "deals import")
        [form] = stack.state.open_views(SAM)
        bad = "deal_id,account,outcome,owner_email,closed_on\nD-1,Globex,lost,sam@truce-demo.example,2027-02-01\n" \
              "D-2,Hooli,maybe,sam@truce-demo.example,2027-02-02\n"
        refused = stack.driver.submit(SAM, form.id, {f"{Ids.CSV_BLOCK}.{Ids.VALUE}": bad}).json()
        assert "line 3: outcome must be won or lost" in refused["errors"][Ids.CSV_BLOCK]
        assert _rows(stack, Deal) == []
        good = bad.replace("maybe", "won")
        stack.driver.submit(SAM, form.id, {f"{Ids.CSV_BLOCK}.{Ids.VALUE}": good})
        stack.settle()
    assert [d.external_id for d in _rows(stack, Deal)] == ["D-1", "D-2"]
    texts = [m.text for m in stack.state.dms(SAM)]
    assert any("Imported 2 closed deals" in t for t in texts)
    assert sum(1 for m in stack.state.dms(SAM) if any(b.get("block_id", "").startswith("deal_reasons_")
                                                      for b in m.blocks)) == 2
    with stack.rt.session() as s:
        assert s.exec(select(Outbox).where(Outbox.key.like("deal-import:%"))).first() is not None


def test_an_install_without_the_email_scope_asks_the_sales_lead(stack):
    from bot.oauth import BOT_SCOPES
    from bot.sandbox.seed import BOT_TOKEN

    stack.state.token_scopes[BOT_TOKEN] = frozenset(BOT_SCOPES) - {"users:read.email"}  # installed before it
    with time_machine.travel(NOW, tick=False):
        assert post(stack, _token(stack), LOST).status_code == 201
    assert stack.state.dms(SAM) == []
    [asked] = [m for m in stack.state.dms(LEE) if any(b.get("block_id", "").startswith("deal_reasons_")
                                                      for b in m.blocks)]
    assert "sales lead" in all_text(asked.blocks)
