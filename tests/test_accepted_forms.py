"""Forms answered before they run (bot/accepted_forms.py): the share modal and the unhappy report are checked
in their answer (errors said at once, in the form), stored, closed, and done right after; what their run can
no longer say in the closed form comes as a direct message, with everything typed."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from urllib.parse import unquote_plus

import time_machine
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from bot import accepted, accepted_forms, recent_workspaces
from bot.clock import now
from bot.db import session_scope, table_of
from bot.ids import IntelIds, UnhappyIds
from bot.models import AcceptedRequest, Outbox, Workspace
from bot.sandbox.seed import JOINT, MARK, MARKETING, SALES
from jobs.outbox import retry_due
from jobs.tasks import run_accepted
from tests.intel_helpers import shares

SUMMARY = "Globex now bundles onboarding for free"
LAPSED = accepted.CLAIM_FOR + timedelta(seconds=1)


def _rows(engine) -> list[AcceptedRequest]:
    """The forms accepted (not the command that opened them)."""
    with session_scope(engine) as s:
        return list(s.exec(select(AcceptedRequest).where(col(AcceptedRequest.kind) == "view_submission")
                           .order_by(col(AcceptedRequest.id))))


def _share_modal(stack):
    stack.driver.command(MARK, "/intel", "", channel=MARKETING)
    [view] = stack.state.open_views(MARK)
    return view


def _without(stack, field: str) -> None:
    with stack.rt.session() as s:
        setattr(s.get(Workspace, stack.team_id), field, None)


def _unrun(stack, monkeypatch) -> None:
    """From now on the process dies right after answering: what it accepts is stored and answered, never run
    here."""
    monkeypatch.setattr(stack.rt, "run_accepted", lambda *args, **kwargs: None)


def test_a_valid_share_modal_is_stored_closed_at_once_and_shared_right_after(stack, monkeypatch):
    view = _share_modal(stack)
    _unrun(stack, monkeypatch)
    response = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY, IntelIds.COMPETITOR: "Globex"})
    assert response.status_code == 200 and response.content == b""  # Slack closes the form
    assert stack.state.open_views(MARK) == []
    assert shares(stack) == []  # not done in the answer: stored only
    [row] = _rows(stack.rt.engine)
    assert (row.kind, row.status) == ("view_submission", "pending")
    assert SUMMARY in unquote_plus(row.body)  # accepted means stored

    with time_machine.travel(now() + LAPSED, tick=False):  # run by whoever takes it up (here: its claim lapsed)
        assert run_accepted(stack.rt) == 1
        stack.settle()
    assert [(s.summary, s.via) for s in shares(stack)] == [(SUMMARY, "modal")]
    assert len(stack.state.messages(SALES)) == 1
    [row] = _rows(stack.rt.engine)
    assert (row.status, row.body) == ("done", "")


def test_errors_the_check_finds_are_answered_in_the_form_and_nothing_is_stored(stack):
    view = _share_modal(stack)
    body = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: "  ", IntelIds.LINK: "ftp://x.example/a"}).json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {IntelIds.SUMMARY_BLOCK, IntelIds.LINK_BLOCK}
    assert stack.state.open_views(MARK), "the form stays open with everything typed"
    assert _rows(stack.rt.engine) == [] and shares(stack) == []


def test_a_workspace_not_set_up_is_said_in_the_form(stack):
    view = _share_modal(stack)
    _without(stack, "joint_channel")
    body = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY}).json()
    assert "joint channel is not chosen" in body["errors"][IntelIds.SUMMARY_BLOCK]
    assert _rows(stack.rt.engine) == []


def test_forms_a_moment_apart_read_the_workspace_once(stack, monkeypatch):
    reads = []
    read = accepted_forms.read_workspace
    monkeypatch.setattr(accepted_forms, "read_workspace", lambda *a: reads.append(a) or read(*a))
    monkeypatch.setattr(recent_workspaces, "RECENT_FOR", 60.0)  # "a moment", however slow this machine is
    for summary in ("Globex bundles onboarding", "Initech cut its price"):
        view = _share_modal(stack)
        assert stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: summary}).status_code == 200
    assert len(reads) == 1 and len(_rows(stack.rt.engine)) == 2
    monkeypatch.setattr(recent_workspaces, "RECENT_FOR", 0.0)  # once the moment is over: read again
    view = _share_modal(stack)
    stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: "Hooli opened an office in Lyon"})
    assert len(reads) == 2


def test_a_form_refused_on_a_row_read_a_moment_ago_is_checked_against_the_row_as_it_is_now(stack):
    view = _share_modal(stack)
    _without(stack, "joint_channel")
    assert "errors" in stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY}).json()
    # Another replica's admin chooses the channel again (not through this process's sessions).
    with stack.rt.engine.begin() as conn:
        conn.execute(update(Workspace).where(col(Workspace.team_id) == stack.team_id)
                     .values(joint_channel=JOINT))
    answer = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY})
    assert answer.status_code == 200 and not answer.content and len(_rows(stack.rt.engine)) == 1


def test_a_setting_this_process_changes_is_seen_by_the_next_form_at_once(stack):
    view = _share_modal(stack)
    assert not stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY}).content  # the row read, kept
    _without(stack, "joint_channel")  # written here: what forms read a moment ago is forgotten
    view = _share_modal(stack)
    body = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: "Initech cut its price"}).json()
    assert "joint channel is not chosen" in body["errors"][IntelIds.SUMMARY_BLOCK]
    assert len(_rows(stack.rt.engine)) == 1


def test_a_row_read_while_a_write_was_under_way_is_not_kept(stack):
    read = recent_workspaces.RECENT.since()
    ws = accepted_forms.read_workspace(stack.rt.engine, stack.team_id)
    _without(stack, "joint_channel")  # committed after that read, before it is kept
    recent_workspaces.RECENT.put(stack.rt.engine, stack.team_id, ws, read)
    assert recent_workspaces.RECENT.get(stack.rt.engine, stack.team_id) is None


def test_a_write_is_forgotten_when_it_commits_not_when_a_savepoint_inside_it_ends(stack):
    recent = recent_workspaces.RECENT
    with session_scope(stack.rt.engine) as s:
        s.get(Workspace, stack.team_id).joint_channel = None
        s.flush()
        with s.begin_nested():  # a savepoint released, another rolled back: the write is not committed yet
            pass
        with suppress(RuntimeError), s.begin_nested():
            raise RuntimeError
        # a form answered now reads the row as it was before this write, and keeps it
        recent.put(stack.rt.engine, stack.team_id, accepted_forms.read_workspace(stack.rt.engine, stack.team_id),
                   recent.since())
        assert recent.get(stack.rt.engine, stack.team_id).joint_channel == JOINT
    assert recent.get(stack.rt.engine, stack.team_id) is None  # the commit forgets it


def test_a_write_by_statement_on_the_table_is_seen_too(stack):
    recent = recent_workspaces.RECENT
    recent.put(stack.rt.engine, stack.team_id, accepted_forms.read_workspace(stack.rt.engine, stack.team_id),
               recent.since())
    with session_scope(stack.rt.engine) as s:
        s.execute(update(table_of(Workspace)).where(table_of(Workspace).c.team_id == stack.team_id)
                  .values(joint_channel=None))
    assert recent.get(stack.rt.engine, stack.team_id) is None


def test_what_changed_between_the_answer_and_the_run_comes_as_a_dm_with_what_was_typed(stack, monkeypatch):
    view = _share_modal(stack)
    _unrun(stack, monkeypatch)
    stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY, IntelIds.WHY: "Prospects will ask us too"})
    assert stack.state.open_views(MARK) == []
    _without(stack, "sales_channel")  # an admin cleared it meanwhile
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
        stack.settle()
    assert shares(stack) == []
    [dm] = stack.state.dms(MARK)
    assert dm.text.startswith(":warning: Truce could not save *Share market intel*:")
    assert "*What did you learn?*: Truce can't share intel yet: the sales channel is not chosen" in dm.text
    assert f"What did you learn?: {SUMMARY}" in dm.text and "Why it matters to the other team: Prospects" in dm.text
    assert [r.status for r in _rows(stack.rt.engine)] == ["done"]


def test_the_same_submission_delivered_twice_is_one_share(stack):
    view = _share_modal(stack)
    first = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY})
    [row] = _rows(stack.rt.engine)
    payload = {"type": "view_submission", "team": stack.driver._team(), "user": stack.driver._user(MARK),
               "api_app_id": stack.driver.api_app_id, "token": "unused",
               "trigger_id": row.key.split(":", 2)[2], "response_urls": [],
               "view": {**view.view, "state": {"values": stack.driver._state(view.view, {IntelIds.SUMMARY: SUMMARY})}}}
    again = stack.driver._payload(payload)
    assert first.status_code == again.status_code == 200 and again.content == b""
    assert len(shares(stack)) == 1 and len(_rows(stack.rt.engine)) == 1


def test_a_check_that_fails_leaves_the_answer_to_the_listener(stack, monkeypatch):
    def broken(view, ws):
        raise KeyError("values")

    monkeypatch.setitem(stack.rt.accepted_forms, IntelIds.MODAL, broken)
    view = _share_modal(stack)
    response = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY})
    assert response.status_code == 200
    assert _rows(stack.rt.engine) == []  # answered by its listener, in the answer, as before
    assert [s.summary for s in shares(stack)] == [SUMMARY]


def test_a_form_that_keeps_failing_is_given_up_and_what_was_typed_sent_back(stack, monkeypatch):
    view = _share_modal(stack)
    _unrun(stack, monkeypatch)
    stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY})
    with session_scope(stack.rt.engine) as s:
        s.exec(update(AcceptedRequest).where(col(AcceptedRequest.kind) == "view_submission")
               .values(attempts=accepted.MAX_ATTEMPTS))
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
    assert shares(stack) == []
    [dm] = stack.state.dms(MARK)
    assert "could not save *Share market intel*: it failed several times" in dm.text and SUMMARY in dm.text
    assert [(r.status, r.body) for r in _rows(stack.rt.engine)] == [("failed", "")]


def test_the_unhappy_report_form_is_checked_in_its_answer_and_alerted_after(stack):
    stack.driver.command(MARK, "/unhappy", "", channel=MARKETING)
    [view] = stack.state.open_views(MARK)
    body = stack.driver.submit(MARK, view.id, {UnhappyIds.CUSTOMER: "", UnhappyIds.WHAT: "Billing broke"}).json()
    assert "customer's name is missing" in body["errors"][UnhappyIds.CUSTOMER_BLOCK]
    assert _rows(stack.rt.engine) == []

    _without(stack, "alerts_channel")
    body = stack.driver.submit(MARK, view.id, {UnhappyIds.CUSTOMER: "Acme", UnhappyIds.WHAT: "Billing broke"}).json()
    assert "no customer-alerts channel" in body["errors"][UnhappyIds.CUSTOMER_BLOCK]

    with stack.rt.session() as s:
        s.get(Workspace, stack.team_id).alerts_channel = SALES
    response = stack.driver.submit(MARK, view.id, {UnhappyIds.CUSTOMER: "Acme", UnhappyIds.WHAT: "Billing broke"})
    assert response.status_code == 200 and response.content == b"" and stack.state.open_views(MARK) == []
    assert [r.status for r in _rows(stack.rt.engine)] == ["done"]
    assert "Acme" in stack.state.messages(SALES)[-1].text  # the alert, posted by the run after the answer


def test_what_was_typed_is_read_from_any_shape_of_form_without_failing():
    view = {"title": {"type": "plain_text", "text": "Report"}, "blocks": [
        {"type": "input", "block_id": "b1", "label": {"type": "plain_text", "text": "Customer"}},
        {"type": "input", "block_id": "b2", "label": {"type": "plain_text", "text": "Severity"}},
        {"type": "input", "block_id": "b3", "label": {"type": "plain_text", "text": "Owners"}},
        {"type": "input", "block_id": "b4", "label": "not a text object"},
        {"type": "section", "block_id": "b5"}, "not a block"],
        "state": {"values": {"b1": {"a": {"type": "plain_text_input", "value": "Acme"}},
                             "b2": {"a": {"selected_option": {"text": {"text": "High"}, "value": "high"}}},
                             "b3": {"a": {"selected_users": ["U1", 7]}}, "b4": "garbage", "b5": {"a": {"value": "x"}}}}}
    assert accepted_forms.form_typed({"view": view}).splitlines() == [
        "Customer: Acme", "Severity: High", "Owners: <@U1>"]
    hostile = {"view": {"title": "x", "blocks": [{"type": "input", "block_id": "b", "label": None}],
                        "state": {"values": {"b": {"a": {"selected_options": [None, {"text": 3}]}}}}}}
    assert accepted_forms.form_typed(hostile) == ""
    assert "*your form*" in accepted_forms.given_up(hostile)


def test_a_run_failing_on_truces_side_is_run_again_not_handed_back_to_the_person(stack, monkeypatch):
    """Its form closed as if saved: a failure of Truce's (the database away a moment) is tried again once the
    claim lapses, without a DM telling the person to submit a form they no longer have."""
    from bot.intel import share as intel_share

    view = _share_modal(stack)
    real, calls = intel_share.create_share, []

    def once_down(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(**kwargs)

    monkeypatch.setattr(intel_share, "create_share", once_down)
    response = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY})
    assert response.status_code == 200 and response.content == b""
    assert shares(stack) == [] and stack.state.dms(MARK) == []
    [row] = _rows(stack.rt.engine)
    assert (row.status, row.attempts) == ("pending", 1)
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
        stack.settle()
    assert [s.summary for s in shares(stack)] == [SUMMARY] and stack.state.dms(MARK) == []
    assert [(r.status, r.attempts) for r in _rows(stack.rt.engine)] == [("done", 2)]


def _refused_later(stack, monkeypatch) -> None:
    """A form stored and closed, whose run then finds the sales channel cleared: it has a DM to send."""
    view = _share_modal(stack)
    _unrun(stack, monkeypatch)
    stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY})
    _without(stack, "sales_channel")


def _told(stack) -> list[Outbox]:
    with session_scope(stack.rt.engine) as s:
        return list(s.exec(select(Outbox).where(col(Outbox.channel) == MARK)))


def test_a_dm_slack_refuses_for_good_is_not_tried_again(stack, monkeypatch):
    """The DM goes through the outbox, queued with the request's end: Slack refusing it for good fails that post,
    and neither the form nor the DM is tried again."""
    _refused_later(stack, monkeypatch)
    stack.state.fail_next("chat.postMessage", error="messages_tab_disabled", times=10)
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
        stack.settle()
    assert stack.state.dms(MARK) == []
    assert [(r.status, r.attempts) for r in _rows(stack.rt.engine)] == [("done", 2)]
    assert [(o.status, o.last_error) for o in _told(stack)] == [("failed", "messages_tab_disabled")]


def test_a_dm_slack_could_not_take_now_is_sent_later_once(stack, monkeypatch):
    _refused_later(stack, monkeypatch)
    stack.state.fail_next("chat.postMessage", status=503)
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
        stack.settle()
    assert stack.state.dms(MARK) == [] and [r.status for r in _rows(stack.rt.engine)] == ["done"]
    with time_machine.travel(now() + 2 * LAPSED, tick=False):
        assert retry_due(stack.rt) == 1  # the outbox's own retry
        assert run_accepted(stack.rt) == 0  # the form is not run again for its DM
    [dm] = stack.state.dms(MARK)
    assert "sales channel is not chosen" in dm.text and SUMMARY in dm.text
    assert [o.status for o in _told(stack)] == ["sent"]


def test_a_run_failing_around_the_listener_is_run_again_too(stack, monkeypatch):
    view = _share_modal(stack)
    real, calls = stack.app._dispatch_once, []

    def once_broken(req):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a middleware failed")
        return real(req)

    monkeypatch.setattr(stack.app, "_dispatch_once", once_broken)
    stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: SUMMARY})
    assert shares(stack) == [] and stack.state.dms(MARK) == []
    assert [r.status for r in _rows(stack.rt.engine)] == ["pending"]
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
        stack.settle()
    assert [s.summary for s in shares(stack)] == [SUMMARY] and stack.state.dms(MARK) == []
