"""One person never ends as both owners, however the claims and assignments race (real threads)."""

from __future__ import annotations

import threading

from sqlalchemy import update
from sqlmodel import Session

from bot.ids import UnhappyIds
from bot.models import Workspace
from bot.sandbox.seed import LEE, SALLY
from bot.unhappy import owners as unhappy_owners
from bot.unhappy.models import UnhappyReport
from bot.user_error import UserError
from tests.unhappy_support import report, row

TRIES = 12


def _race(*calls) -> list[object]:
    """Run every call at the same moment, each on its own thread; what each returned or raised."""
    start = threading.Barrier(len(calls))
    outcome: list[object] = [None] * len(calls)

    def go(i, fn):
        start.wait()
        try:
            outcome[i] = fn()
        except Exception as exc:  # the refusal is part of the outcome
            outcome[i] = exc

    threads = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


def _free(stack, rid: int) -> None:
    with stack.rt.session() as s:
        s.exec(update(UnhappyReport).where(UnhappyReport.id == rid)
               .values(sales_owner_id=None, marketing_owner_id=None, owned_at=None, time_to_owned_s=None))


def _in_own_transaction(stack, fn):
    def call():
        with Session(stack.rt.engine, expire_on_commit=False) as session:
            ws = session.get(Workspace, stack.team_id)
            result = fn(session, ws)
            session.commit()
            return result
    return call


def _assert_one_side(stack, outcome) -> None:
    r = row(stack)
    assert r.owners == [LEE], (r.sales_owner_id, r.marketing_owner_id, outcome)
    refused = [o for o in outcome if isinstance(o, UserError)]
    assert len(refused) == 1 and "takes one person from each team" in str(refused[0]), outcome


def test_both_claims_at_once_give_one_side_only(stack):
    report(stack)
    rid = row(stack).id
    for _ in range(TRIES):
        _free(stack, rid)
        outcome = _race(*(
            _in_own_transaction(stack, lambda s, ws, team=team: unhappy_owners.claim(
                session=s, ws=ws, report_id=rid, user_id=LEE, team=team))
            for team in ("sales", "marketing")))
        _assert_one_side(stack, outcome)


def test_claim_and_assignment_at_once_give_one_side_only(stack):
    """LEE claims sales while (as a lead) assigning himself marketing."""
    report(stack)
    rid = row(stack).id
    for _ in range(TRIES):
        _free(stack, rid)
        outcome = _race(
            _in_own_transaction(stack, lambda s, ws: unhappy_owners.claim(
                session=s, ws=ws, report_id=rid, user_id=LEE, team="sales")),
            _in_own_transaction(stack, lambda s, ws: unhappy_owners.assign(
                session=s, ws=ws, report_id=rid, lead=LEE, team="marketing", assignee=LEE)),
        )
        _assert_one_side(stack, outcome)


def test_two_clicks_through_slack_at_once_give_one_side_only(stack):
    alert = report(stack)
    rid = row(stack).id
    for _ in range(TRIES // 2):
        _free(stack, rid)
        seen = len(stack.state.ephemerals_for(LEE))
        responses = _race(*(lambda a=action: stack.driver.click(LEE, alert, a)
                            for action in (UnhappyIds.CLAIM_SALES, UnhappyIds.CLAIM_MARKETING)))
        stack.settle()
        assert all(r.status_code == 200 for r in responses)
        r = row(stack)
        assert r.owners == [LEE], (r.sales_owner_id, r.marketing_owner_id)
        notes = [n.text for n in stack.state.ephemerals_for(LEE)[seen:]]
        assert len(notes) == 1 and "takes one person from each team" in notes[0], notes


def test_reaction_and_assign_command_at_once_give_one_side_only(stack):
    """Sales is SALLY's, so LEE's :raising_hand: takes marketing, while LEE (a lead) hands himself sales."""
    alert = report(stack)
    rid = row(stack).id
    for _ in range(TRIES // 2):
        _free(stack, rid)
        with stack.rt.session() as s:
            s.exec(update(UnhappyReport).where(UnhappyReport.id == rid).values(sales_owner_id=SALLY))
        seen = len(stack.state.ephemerals_for(LEE))
        responses = _race(lambda: stack.driver.react(LEE, alert, "raising_hand"),
                          lambda: stack.driver.command(LEE, "/unhappy", f"assign {rid} <@{LEE}|lee> sales"))
        stack.settle()
        assert all(r.status_code == 200 for r in responses)
        r = row(stack)
        assert r.owners.count(LEE) == 1, (r.sales_owner_id, r.marketing_owner_id)
        notes = [n.text for n in stack.state.ephemerals_for(LEE)[seen:]]
        assert any("takes one person from each team" in n for n in notes), notes
