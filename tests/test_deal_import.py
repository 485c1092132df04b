"""Closed deals from a pasted CSV: all or nothing, each bad row named by its line, stored once per paste,
a known deal id updated (never duplicated); and the deal builders (the DM, its form, the import form)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlmodel import select

from bot.db import session_scope
from bot.deals import csv_import, intake
from bot.deals.blocks_ask import answered_message, ask_message, confirm_modal
from bot.deals.blocks_import import import_modal, imported_text, problems_text
from bot.deals.fields import DealInput
from bot.deals.models import Deal
from bot.models import Outbox
from bot.playbook.models import WinLoss
from bot.sandbox.blockkit import validate_blocks, validate_view
from bot.user_error import UserError
from tests.competitor_helpers import TEAM, share, workspace

TODAY = date(2027, 2, 10)
PASTE = """deal_id,name,account,amount,currency,outcome,owner_email,competitor,closed_on
D-1,Globex renewal,Globex,"12,000",EUR,lost,sam@truce-demo.example,initech inc,2027-02-05
D-2,,Acme Corp,,,won,sally@truce-demo.example,,2027-02-06
"""


def test_a_good_paste_is_stored_once_and_known_deals_are_updated(db):
    paste = csv_import.parse(PASTE, today=TODAY)
    assert [(r.deal_id, r.source, r.account, r.name) for r in paste.rows] == [
        ("D-1", "csv", "Globex", "Globex renewal"), ("D-2", "csv", "Acme Corp", "Acme Corp")]
    with time_machine.travel(datetime(2027, 2, 10, 9, tzinfo=UTC), tick=False), session_scope(db) as s:
        ws = workspace(s)
        intake.store(session=s, ws=ws, data=DealInput(deal_id="D-2", name="Acme Corp", account="Acme Corp",
                                                      outcome="lost", owner_email="sally@truce-demo.example",
                                                      closed_on=date(2027, 2, 6), source="hubspot"))
        done = csv_import.store(session=s, ws=ws, paste=paste, reporter_id="ULEE001", text=imported_text)
        assert (done.created, done.updated, done.unchanged) == (1, 1, 0)
    with session_scope(db) as s:
        ws = workspace(s)
        assert csv_import.store(session=s, ws=ws, paste=csv_import.parse(PASTE.replace(",", ";").replace(
            '"12;000"', "12000"), today=TODAY), reporter_id="ULEE001", text=imported_text) is None  # same rows
        deals = s.exec(select(Deal).order_by(Deal.external_id)).all()
        assert [(d.external_id, d.outcome) for d in deals] == [("D-1", "lost"), ("D-2", "won")]
        [dm] = s.exec(select(Outbox).where(Outbox.key == csv_import.import_key(paste))).all()
        assert dm.channel == "ULEE001" and dm.text.startswith(":inbox_tray: Imported 2 closed deals (1 new, 1 updated)")


def test_bad_rows_are_each_named_and_nothing_is_stored(db):
    bad = PASTE + "D-3,x,Hooli,-5,EUR,won,lee@truce-demo.example,,2027-02-01\n" \
                  "D-1,again,Globex,,,won,sam@truce-demo.example,,2027-02-01\n" \
                  "D-4,x,Umbrella,,,maybe,lee@truce-demo.example,,2027-02-01\n" \
                  "D-5,a,b,c,d,e,f,g,h,i\n"
    with pytest.raises(UserError) as err:
        csv_import.parse(bad, today=TODAY)
    assert str(err.value) == "4 rows can't be imported; nothing was stored."
    assert [line for line, _ in err.value.problems] == [4, 5, 6, 7]
    why = dict(err.value.problems)
    assert "more than zero" in why[4] and "also on line 2" in why[5] and "won or lost" in why[6]
    assert "10 values" in why[7]
    assert problems_text(str(err.value), err.value.problems, shown=2).endswith("• …and 2 more.")
    with session_scope(db) as s:
        assert s.exec(select(Deal)).all() == []


@pytest.mark.parametrize(("text", "words"), [
    ("", "starting with the header"),
    ("deal_id,customer\nD-1,x", "unknown column(s): customer"),
    ("deal_id,account,outcome,owner_email\nD-1,x,won,a@b.co", "missing column(s): closed_on"),
    ("deal_id,outcome,owner_email,closed_on\nD-1,won,a@b.co,2027-01-01", "missing column(s): account"),
    ("deal_id,account,account,outcome,owner_email,closed_on\n", "appears twice"),
    ("deal_id,account,outcome,owner_email,closed_on\n\n", "no deals under it"),
    ("x" * 3001, "at most 3,000"),
])
def test_the_paste_as_a_whole(text, words):
    with pytest.raises(UserError) as err:
        csv_import.parse(text, today=TODAY)
    assert words in str(err.value)


def test_deal_builders_are_valid_and_escape_what_the_crm_sent(db):
    with session_scope(db) as s:
        ws = workspace(s)
        deal = intake.store(session=s, ws=ws, data=DealInput(
            deal_id="D-1", name="<!channel> deal", account="Globex & <Sons>", outcome="lost",
            owner_email="sam@truce-demo.example", closed_on=date(2027, 2, 5), competitor="Initech")).deal
        deal.owner_user_id = None
        fallback, blocks = ask_message(deal, asked_user_id="ULEE001", reminder=True)
        assert fallback == "Reminder: Globex &amp; &lt;Sons&gt; lost: why?"
        body = blocks[0].to_dict()["text"]["text"]
        assert body.startswith(":alarm_clock: *Reminder:* :broken_heart: *Globex &amp; &lt;Sons&gt;* "
                               "(&lt;!channel&gt; deal) was lost to *Initech* on 2027-02-05, says your CRM.")
        assert "not in this Slack" in body and validate_blocks([b.to_dict() for b in blocks]) == []
        assert [e["action_id"] for e in blocks[1].to_dict()["elements"]][:2] == ["deal_reason:price",
                                                                                  "deal_reason:product_fit"]
        shares = [share(s, summary=f"Intel {i} " + "y" * 200, competitor="Initech") for i in range(120)]
        view = confirm_modal(deal, shares=shares, reason="price", notes="n", cited=[shares[0].id])
        assert validate_view(view.to_dict()) == []
        entry = WinLoss(team_id=TEAM, outcome="lost", customer="Globex", reason="price", recorded_by="USAM001",
                        notes="<!here> cheaper")
        _, done = answered_message(deal, entry, cited=2)
        assert "&lt;!here&gt;" in done[0].to_dict()["text"]["text"] and "citing 2 pieces of intel" in done[0].to_dict(
            )["text"]["text"]
        assert validate_view(import_modal().to_dict()) == []
