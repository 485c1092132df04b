"""What the unhappiness feature added to the sandbox: plain-text command acks shown as Slack shows
them, clicks on ephemeral messages (whose response_url replaces or deletes them), and replicas
or restarts that leave the shared Slack running."""

from __future__ import annotations

import httpx

from bot.sandbox import methods
from bot.sandbox.seed import ALERTS, SAM
from bot.sandbox.stack import SandboxStack
from bot.sandbox.state import Ephemeral


def test_plain_text_ack_is_shown_as_an_ephemeral(stack):
    stack.driver.command(SAM, "/unhappy", "no colon here")
    answer = stack.driver.answer()
    assert answer["text"].startswith(":thinking_face:") and "blocks" not in answer
    assert stack.state.ephemerals_for(SAM)[-1].text == answer["text"]


def test_response_url_replaces_or_deletes_an_ephemeral(stack):
    st = stack.state
    note = Ephemeral(ALERTS, SAM, "Which side?", [], st.next_ts())
    other = Ephemeral(ALERTS, SAM, "Unrelated", [], st.next_ts())
    st.ephemerals += [note, other]
    ctx = {"user": SAM, "channel": ALERTS, "message_ts": note.ts}
    methods.apply_response(stack.emulator, ctx, {"text": "Done", "replace_original": True})
    assert [e.text for e in st.ephemerals_for(SAM)] == ["Unrelated", "Done"]
    done = st.ephemerals_for(SAM)[-1]
    methods.apply_response(stack.emulator, {**ctx, "message_ts": done.ts}, {"delete_original": True})
    assert [e.text for e in st.ephemerals_for(SAM)] == ["Unrelated"]


def test_a_replica_or_a_restart_leaves_the_shared_slack_running(stack, db):
    replica = SandboxStack(engine=db, emulator=stack.emulator)
    replica.stop()
    assert httpx.post(stack.emulator.api_url + "api.test").json()["ok"] is True
    stack.stop_app()
    stack.stop_app()  # idempotent
    assert httpx.post(stack.emulator.api_url + "api.test").json()["ok"] is True
    restarted = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        restarted.driver.command(SAM, "/unhappy", "Acme: invoice wrong")
        assert len(restarted.messages(ALERTS)) == 1
    finally:
        restarted.stop()
