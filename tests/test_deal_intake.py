"""Closed deals stored once per deal id, the owner (or the sales lead) asked once, one reminder two
working days later, and the answer as a win/loss entry: the services, against the test database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlmodel import select

from bot.competitors import citations, directory
from bot.competitors.models import WinLossIntel
from bot.db import session_scope
from bot.deals import followup, intake, tokens
from bot.deals.fields import DealInput
from bot.deals.models import Deal
from bot.deals.working_days import add_working_days
from bot.models import Member
from bot.playbook.models import WinLoss
from bot.user_error import UserError
from tests.competitor_helpers import LEE, TEAM, share, workspace

SAM, SALLY = "USAM001", "USALLY1"
MONDAY = datetime(2027, 2, 8, 10, tzinfo=UTC)
LOST = DealInput(deal_id="D-1", name="Globex renewal", account="Globex", outcome="lost",
                 owner_email="sam@truce-demo.example", closed_on=date(2027, 2, 5), competitor="initech inc")


def test_the_same_deal_twice_changes_nothing_and_a_change_updates(db):
    with time_machine.travel(MONDAY, tick=False), session_scope(db) as s:
        ws = workspace(s)
        first = intake.store(session=s, ws=ws, data=LOST)
        again = intake.store(session=s, ws=ws, data=LOST)
        assert (first.status, again.status) == ("created", "unchanged") and again.deal.id == first.deal.id
        assert first.deal.competitor_id == directory.find(session=s, team_id=TEAM, name="INITECH").id
        changed = intake.store(session=s, ws=ws, data=DealInput(**{**LOST.__dict__, "outcome": "won",
                                                                    "source": "csv"}))
        assert (changed.status, changed.fields, changed.deal.updates) == ("updated", ("outcome",), 1)
        assert len(s.exec(select(Deal)).all()) == 1


def test_ask_the_owner_once_and_remind_once_two_working_days_later(db):
    with time_machine.travel(datetime(2027, 2, 12, 15, tzinfo=UTC), tick=False), session_scope(db) as s:  # Friday
        ws = workspace(s)
        deal = intake.store(session=s, ws=ws, data=LOST).deal
        assert followup.ask(session=s, ws=ws, deal=deal, owner_user_id=SAM) == SAM
        assert followup.ask(session=s, ws=ws, deal=deal, owner_user_id=SAM) is None  # a retry asks no one twice
        assert (deal.status, deal.asked_user_id) == ("asked", SAM)
        assert deal.reminder_due_at.replace(tzinfo=UTC) == datetime(2027, 2, 16, 15, tzinfo=UTC)  # Tuesday
        assert followup.due_reminders(session=s, at=datetime(2027, 2, 16, 14, tzinfo=UTC)) == []
        due_at = datetime(2027, 2, 16, 15, tzinfo=UTC)
        assert [d.id for d in followup.due_reminders(session=s, at=due_at)] == [deal.id]
        assert followup.claim_reminder(session=s, deal=deal, at=due_at)
        assert not followup.claim_reminder(session=s, deal=deal, at=due_at)
        assert followup.due_reminders(session=s, at=due_at) == []


def test_an_owner_not_in_slack_goes_to_the_sales_lead(db):
    with session_scope(db) as s:
        ws = workspace(s)
        ws.lead_user_ids = ["UMARIA1", LEE]
        s.add(Member(team_id=TEAM, user_id=LEE, in_sales_channel=True))
        s.add(Member(team_id=TEAM, user_id="UMARIA1", in_marketing_channel=True))
        deal = intake.store(session=s, ws=ws, data=LOST).deal
        assert followup.ask(session=s, ws=ws, deal=deal, owner_user_id=None) == LEE
        assert (deal.owner_user_id, deal.asked_user_id, deal.status) == (None, LEE, "asked")
        ws.lead_user_ids = []
        other = intake.store(session=s, ws=ws, data=DealInput(**{**LOST.__dict__, "deal_id": "D-2"})).deal
        assert followup.ask(session=s, ws=ws, deal=other, owner_user_id=None) is None
        assert other.status == "unrouted"


def test_confirming_makes_one_win_loss_entry_and_answering_again_corrects_it(db):
    with time_machine.travel(MONDAY, tick=False), session_scope(db) as s:
        ws = workspace(s)
        deal = intake.store(session=s, ws=ws, data=LOST).deal
        followup.ask(session=s, ws=ws, deal=deal, owner_user_id=SAM)
        about = share(s, summary="Initech discounts 30% in Q1", competitor="Initech")
        directory.link_share(session=s, share=about)
        with pytest.raises(UserError) as stranger:
            followup.confirm(session=s, ws=ws, deal_id=deal.id, user_id=SALLY, reason="price")
        assert stranger.value.field == "deal" and f"<@{SAM}>" in str(stranger.value)
        with pytest.raises(UserError):
            followup.confirm(session=s, ws=ws, deal_id=deal.id, user_id=SAM, reason="vibes")
        entry = followup.confirm(session=s, ws=ws, deal_id=deal.id, user_id=SAM, reason="price",
                                 cited_share_ids=[str(about.id)])
        assert (entry.outcome, entry.customer, entry.source, entry.recorded_by) == ("lost", "Globex", "crm", SAM)
        assert entry.competitor_id == about.competitor_id and entry.closed_at.date() == date(2027, 2, 5)
        again = followup.confirm(session=s, ws=ws, deal_id=deal.id, user_id=LEE, reason="product_fit",
                                 notes="missing SSO")
        assert again.id == entry.id and (again.reason, again.notes, again.updated_by) == ("product_fit",
                                                                                         "missing SSO", LEE)
        assert citations.cited_ids(session=s, entry=again) == [about.id]  # a button click keeps them
        assert (deal.status, deal.win_loss_id, deal.confirmed_by) == ("confirmed", entry.id, LEE)
        # The CRM changes the amount afterwards: the entry follows, the seller's reason stays.
        intake.store(session=s, ws=ws, data=DealInput(**{**LOST.__dict__, "amount": Decimal("900.00"),
                                                         "currency": "EUR"}))
        assert (again.amount, again.currency, again.reason) == (Decimal("900.00"), "EUR", "product_fit")
        assert len(s.exec(select(WinLoss)).all()) == 1
        with pytest.raises(UserError):
            followup.confirm(session=s, ws=ws, deal_id="nope", user_id=SAM, reason="price")


def test_citations(db):
    with session_scope(db) as s:
        ws = workspace(s)
        a = share(s, summary="a", competitor="Initech")
        b = share(s, summary="b", competitor="Initech")
        gone = share(s, summary="c", competitor="Initech", retracted=True)
        for row in (a, b, gone):
            directory.link_share(session=s, share=row)
        deal = intake.store(session=s, ws=ws, data=DealInput(**{**LOST.__dict__, "outcome": "won"})).deal
        followup.ask(session=s, ws=ws, deal=deal, owner_user_id=SAM)
        entry = followup.confirm(session=s, ws=ws, deal_id=deal.id, user_id=SAM, reason="marketing",
                                 cited_share_ids=[a.id, b.id, a.id])
        assert citations.cited_ids(session=s, entry=entry) == [a.id, b.id]
        assert [x.id for x in citations.recent_about(session=s, team_id=TEAM, competitor_id=a.competitor_id)] == [
            b.id, a.id]
        assert [(x.id, n) for x, n in citations.helped_win(session=s, team_id=TEAM,
                                                           competitor_id=a.competitor_id)] == [(b.id, 1), (a.id, 1)]
        citations.cite(session=s, entry=entry, share_ids=[b.id], user_id=SAM)
        assert [r.share_id for r in s.exec(select(WinLossIntel))] == [b.id]
        for bad in ([gone.id], ["x"], list(range(11))):
            with pytest.raises(UserError) as err:
                citations.cite(session=s, entry=entry, share_ids=bad, user_id=SAM)
            assert err.value.field == "intel"


def test_tokens(db):
    with session_scope(db) as s:
        workspace(s)
        token = tokens.issue_token(session=s, team_id=TEAM, user_id=LEE)
        assert token.startswith("tdl_") and tokens.team_for_token(session=s, token=token) == TEAM
        newer = tokens.issue_token(session=s, team_id=TEAM, user_id=LEE)
        assert tokens.team_for_token(session=s, token=token) is None
        assert tokens.team_for_token(session=s, token=newer) == TEAM
        for bad in (None, "", "x" * 300, "été"):
            assert tokens.team_for_token(session=s, token=bad) is None


def test_working_days():
    friday = datetime(2027, 2, 12, 15, tzinfo=UTC)
    assert add_working_days(friday, 2) == datetime(2027, 2, 16, 15, tzinfo=UTC)
    assert add_working_days(datetime(2027, 2, 13, 9, tzinfo=UTC), 2) == datetime(2027, 2, 16, 9, tzinfo=UTC)
    assert add_working_days(friday, 2, days=(6, 0, 1, 2, 3)) == datetime(2027, 2, 15, 15, tzinfo=UTC)  # Sun-Thu
    # Local time is kept across a daylight-saving change (Berlin, 28 March 2027).
    berlin = add_working_days(datetime(2027, 3, 26, 9, tzinfo=UTC), 2, timezone="Europe/Berlin")
    assert berlin == datetime(2027, 3, 30, 8, tzinfo=UTC)
