"""Claiming and assigning the two sides of a customer alert — through the emulator."""

from __future__ import annotations

import copy
import threading

from sqlmodel import Session

from bot.ids import UnhappyIds
from bot.models import Workspace
from bot.sandbox.seed import ALERTS, LEE, MARIA, MARK, OLIVE, SALLY, SAM
from bot.sandbox.stack import SandboxStack
from bot.unhappy import owners as unhappy_owners
from bot.user_error import UserError
from tests.unhappy_support import last_note, report, row, text_of, thread


def test_claim_for_sales_updates_the_alert_in_place_and_dms_the_owner(stack):
    alert = report(stack)
    stack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
    alert = stack.last(ALERTS)
    shown = text_of(alert)
    assert f"*Sales owner*\n<@{SAM}>" in shown and "Needs a marketing owner" in shown
    assert alert.edited and len(stack.messages(ALERTS)) == 1
    assert len(stack.state.calls_to("chat.update")) == 1
    [line] = thread(stack, alert)
    assert f"<@{SAM}> claimed it for *Sales*." in line and "<!date^" in line
    [dm] = stack.state.dms(SAM)
    assert "You own *Acme Corp*" in dm.text and "for Sales" in dm.text
    assert "slack.com/archives/" in dm.text and "It still needs a Marketing owner" in dm.text
    assert row(stack).sales_owner_id == SAM and row(stack).owned_at is None


def test_both_claims_make_it_owned_and_time_to_owned_is_stored(stack):
    import time_machine

    from tests.unhappy_support import MONDAY_10

    with time_machine.travel(MONDAY_10, tick=False) as clock:
        alert = report(stack)
        clock.shift(60 * 3)
        stack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
        clock.shift(60 * 11)
        stack.driver.click(MARIA, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    r = row(stack)
    assert (r.sales_owner_id, r.marketing_owner_id, r.time_to_owned_s) == (SAM, MARIA, 14 * 60)
    shown = text_of(stack.last(ALERTS))
    assert "Owned by both teams" in shown and "owned it 14 min after the report" in shown
    assert "Both teams own it now, 14 min after the report." in thread(stack, alert)[-1]
    assert f"<@{SAM}> owns it for Sales" in stack.state.dms(MARIA)[-1].text


def test_only_your_own_team(stack):
    alert = report(stack)
    stack.driver.click(MARK, alert, UnhappyIds.CLAIM_SALES)
    assert "You're on the marketing team" in last_note(stack, MARK)
    stack.driver.click(OLIVE, alert, UnhappyIds.CLAIM_MARKETING)
    assert "neither the sales nor the marketing team" in last_note(stack, OLIVE)
    assert row(stack).sales_owner_id is None and row(stack).marketing_owner_id is None
    assert stack.state.calls_to("chat.update") == [] and thread(stack, alert) == []


def test_taken_side_names_its_owner_and_repeat_claim_is_harmless(stack):
    alert = report(stack)
    stack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
    stack.driver.click(SALLY, stack.last(ALERTS), UnhappyIds.CLAIM_SALES)
    assert f"<@{SAM}> already claimed the Sales side" in last_note(stack, SALLY)
    stack.driver.click(SAM, stack.last(ALERTS), UnhappyIds.CLAIM_SALES)
    assert "You already own the Sales side" in last_note(stack, SAM)
    assert len(stack.state.calls_to("chat.update")) == 1 and len(thread(stack, alert)) == 1


def test_one_person_cannot_own_both_sides(stack):
    alert = report(stack)
    stack.driver.click(LEE, alert, UnhappyIds.CLAIM_SALES)
    stack.driver.click(LEE, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    assert "You already own the Sales side" in last_note(stack, LEE)
    assert "takes one person from each team" in last_note(stack, LEE)
    assert row(stack).marketing_owner_id is None


def test_lead_assigns_by_command_and_reassigning_tells_the_old_owner(stack):
    alert = report(stack)
    stack.driver.click(MARK, alert, UnhappyIds.CLAIM_MARKETING)
    rid = row(stack).id
    stack.driver.command(LEE, "/unhappy", f"assign {rid} <@{MARIA}|maria>")
    assert f"<@{MARIA}> owns the marketing side of `#{rid}` now" in last_note(stack, LEE)
    assert row(stack).marketing_owner_id == MARIA
    assert "made you the Marketing owner" in stack.state.dms(MARIA)[-1].text
    told = stack.state.dms(MARK)[-1].text
    assert "handed the Marketing side" in told and f"to <@{MARIA}>" in told and "no longer own it" in told
    assert f"from <@{MARK}> to <@{MARIA}>" in thread(stack, alert)[-1]
    assert f"*Marketing owner*\n<@{MARIA}>" in text_of(stack.last(ALERTS))


def test_assign_command_mistakes(stack):
    report(stack)
    rid = row(stack).id
    stack.driver.command(SAM, "/unhappy", f"assign {rid} <@{SALLY}|sally>")
    assert "Only a Truce lead can assign owners" in last_note(stack, SAM)
    stack.driver.command(LEE, "/unhappy", "assign twelve sally")
    note = last_note(stack, LEE)
    assert "/unhappy assign 12 @dana sales" in note and "```/unhappy assign twelve sally```" in note
    stack.driver.command(LEE, "/unhappy", f"assign {rid} <@{MARK}|mark> sales")
    assert "is not on the sales team" in last_note(stack, LEE)
    stack.driver.command(LEE, "/unhappy", f"assign {rid} <@{LEE}|lee>")
    assert "on both teams: say which side" in last_note(stack, LEE)
    stack.driver.command(LEE, "/unhappy", f"assign 999 <@{SAM}|sam>")
    assert "can't find report `#999`" in last_note(stack, LEE)
    assert row(stack).sales_owner_id is None


def test_lead_assigns_both_sides_from_the_menu(stack):
    alert = report(stack)
    stack.driver.click(LEE, alert, UnhappyIds.MORE, selected=f"assign:{row(stack).id}")
    [view] = stack.state.open_views(LEE)
    assert view.view["title"]["text"] == "Assign owners"
    body = stack.driver.submit(LEE, view.id, {UnhappyIds.ASSIGN_SALES: MARK}).json()
    assert "not on the sales team" in body["errors"][UnhappyIds.ASSIGN_SALES_BLOCK]
    body = stack.driver.submit(LEE, view.id, {UnhappyIds.ASSIGN_SALES: LEE, UnhappyIds.ASSIGN_MARKETING: LEE})
    assert "two different people" in body.json()["errors"][UnhappyIds.ASSIGN_MARKETING_BLOCK]
    response = stack.driver.submit(LEE, view.id, {UnhappyIds.ASSIGN_SALES: SALLY, UnhappyIds.ASSIGN_MARKETING: MARK})
    assert response.status_code == 200 and not response.content
    r = row(stack)
    assert (r.sales_owner_id, r.marketing_owner_id) == (SALLY, MARK) and r.time_to_owned_s is not None
    assert "Owned by both teams" in text_of(stack.last(ALERTS))
    assert "made you the Sales owner" in stack.state.dms(SALLY)[-1].text


def test_only_leads_open_the_assign_form(stack):
    alert = report(stack)
    stack.driver.click(SAM, alert, UnhappyIds.MORE, selected=f"assign:{row(stack).id}")
    assert stack.state.open_views(SAM) == []
    assert "Only a Truce lead can assign owners" in last_note(stack, SAM)


def test_claim_race_through_slack_exactly_one_wins(stack):
    alert = report(stack)
    start = threading.Barrier(2)
    responses = {}

    def click(user):
        start.wait()
        responses[user] = stack.driver.click(user, alert, UnhappyIds.CLAIM_SALES)

    threads = [threading.Thread(target=click, args=(u,)) for u in (SAM, SALLY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stack.settle()
    assert all(r.status_code == 200 for r in responses.values())
    winner = row(stack).sales_owner_id
    loser = SALLY if winner == SAM else SAM
    assert winner in (SAM, SALLY)
    assert f"<@{winner}> already claimed the Sales side" in last_note(stack, loser)
    assert [m for m in stack.state.dms(loser)] == []
    assert len(stack.state.dms(winner)) == 1 and len(thread(stack, alert)) == 1


def test_claim_race_in_the_database_exactly_one_wins(stack):
    """Eight people claim the same side at the same moment, each in its own transaction."""
    report(stack)
    rid = row(stack).id
    people = [f"URACE{i:03d}" for i in range(8)]
    with stack.rt.session() as s:
        for person in people:
            unhappy_owners.members.set_override(session=s, team_id=stack.team_id, user_id=person, choice="sales")
    start = threading.Barrier(len(people))
    outcome: dict[str, str] = {}

    def claim(person):
        start.wait()
        try:
            with Session(stack.rt.engine, expire_on_commit=False) as session:
                ws = session.get(Workspace, stack.team_id)
                unhappy_owners.claim(session=session, ws=ws, report_id=rid, user_id=person, team="sales")
                session.commit()
            outcome[person] = "won"
        except UserError as exc:
            outcome[person] = str(exc)

    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [p for p, o in outcome.items() if o == "won"]
    assert len(winners) == 1, outcome
    assert row(stack).sales_owner_id == winners[0]
    assert all(f"<@{winners[0]}> already claimed" in o for p, o in outcome.items() if p != winners[0])


def test_claim_from_a_stale_alert_after_it_was_closed_says_reopen(stack):
    alert = report(stack)
    stale = copy.deepcopy(alert)  # what a slow client still shows
    stack.driver.click(SAM, alert, UnhappyIds.MORE, selected=f"not_an_issue:{row(stack).id}")
    assert row(stack).status == "not_an_issue"
    assert UnhappyIds.CLAIM_SALES not in str(stack.last(ALERTS).blocks)
    stack.driver.click(SALLY, stale, UnhappyIds.CLAIM_SALES)
    assert "marked not an issue. Reopen it first" in last_note(stack, SALLY)
    assert row(stack).sales_owner_id is None


def test_second_replica_sees_the_same_claims(stack, db):
    alert = report(stack)
    other = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        other.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
        stack.driver.click(SALLY, stack.last(ALERTS), UnhappyIds.CLAIM_SALES)
        assert f"<@{SAM}> already claimed" in last_note(stack, SALLY)
    finally:
        other.stop()


def test_owner_dm_points_at_the_channel_while_the_alert_is_not_posted_yet(stack):
    stack.state.fail_next("chat.postMessage", status=503)
    stack.driver.command(SAM, "/unhappy", "Acme: invoice wrong !high")
    assert stack.messages(ALERTS) == []
    rid = row(stack).id
    stack.driver.command(LEE, "/unhappy", f"assign {rid} <@{SALLY}|sally>")
    dm = stack.state.dms(SALLY)[-1].text
    assert f"The alert is in <#{ALERTS}>" in dm and "archives" not in dm
    assert row(stack).sales_owner_id == SALLY
