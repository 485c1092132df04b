"""The emulator answers like Slack: real response shapes and error codes, through slack_sdk."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, MARK, RANDOM, SALES, SAM, seed_state


@pytest.fixture
def emu():
    e = SlackEmulator(seed_state()).start()
    yield e
    e.stop()


@pytest.fixture
def client(emu):
    return WebClient(token=BOT_TOKEN, base_url=emu.api_url)


def _error(call) -> tuple[int, str]:
    with pytest.raises(SlackApiError) as err:
        call()
    return err.value.response.status_code, err.value.response.get("error")


def test_auth(emu, client):
    assert client.auth_test()["team_id"] == emu.state.team_id
    assert _error(lambda: WebClient(token="xoxb-wrong", base_url=emu.api_url).auth_test()) == (200, "invalid_auth")
    assert _error(lambda: WebClient(base_url=emu.api_url).auth_test()) == (200, "not_authed")


def test_post_update_thread_and_permalink(emu, client):
    posted = client.chat_postMessage(channel=SALES, text="hi")
    reply = client.chat_postMessage(channel=SALES, text="in thread", thread_ts=posted["ts"])
    client.chat_update(channel=SALES, ts=posted["ts"], text="hi, edited")
    [msg] = emu.state.messages(SALES)
    assert (msg.text, msg.edited) == ("hi, edited", True)
    assert [r.ts for r in emu.state.replies(SALES, posted["ts"])] == [reply["ts"]]
    link = client.chat_getPermalink(channel=SALES, message_ts=posted["ts"])["permalink"]
    assert link.endswith(f"/archives/{SALES}/p{posted['ts'].replace('.', '')}")
    assert _error(lambda: client.chat_update(channel=SALES, ts="1.000", text="x")) == (200, "message_not_found")
    assert _error(lambda: client.chat_postMessage(channel=SALES, text="x", thread_ts="1.0")) == (
        200, "thread_not_found")


def test_channel_errors(client):
    assert _error(lambda: client.chat_postMessage(channel="CNOPE99", text="x")) == (200, "channel_not_found")
    assert _error(lambda: client.chat_postMessage(channel=RANDOM, text="x")) == (200, "not_in_channel")
    assert _error(lambda: client.chat_postEphemeral(channel=SALES, user=MARK, text="x")) == (
        200, "user_not_in_channel")


def test_block_kit_limits_are_enforced(client):
    too_many = [{"type": "divider"}] * 51
    status, error = _error(lambda: client.chat_postMessage(channel=SALES, text="x", blocks=too_many))
    assert (status, error) == (200, "invalid_blocks")
    long_section = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    assert _error(lambda: client.chat_postMessage(channel=SALES, text="x", blocks=long_section))[1] == "invalid_blocks"
    with pytest.warns(UserWarning):
        assert _error(lambda: client.chat_postMessage(channel=SALES, text=""))[1] == "no_text"


def test_views_need_a_fresh_trigger_and_a_valid_view(emu, client):
    view = {"type": "modal", "title": {"type": "plain_text", "text": "A title"}, "blocks": []}
    trigger = emu.issue_trigger(SAM)
    opened = client.views_open(trigger_id=trigger, view=view)["view"]
    assert opened["id"] and opened["hash"]
    assert _error(lambda: client.views_open(trigger_id=trigger, view=view))[1] == "invalid_trigger_id"
    long_title = {**view, "title": {"type": "plain_text", "text": "x" * 25}}
    assert _error(lambda: client.views_open(trigger_id=emu.issue_trigger(SAM), view=long_title))[1] == (
        "invalid_arguments")
    assert _error(lambda: client.views_update(view_id=opened["id"], hash="stale", view=view))[1] == "hash_conflict"


def test_injected_faults(emu, client):
    emu.state.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel=SALES, text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    emu.state.fail_next("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel=SALES, text="x")
    assert err.value.response.status_code == 503
    assert client.chat_postMessage(channel=SALES, text="fine now")["ok"]


def test_members_are_paginated_and_users_described(emu, client):
    page = client.conversations_members(channel=SALES, limit=2)
    rest = client.conversations_members(channel=SALES, limit=2, cursor=page["response_metadata"]["next_cursor"])
    assert len(page["members"]) == 2 and set(page["members"] + rest["members"]) == emu.state.channels[SALES].members
    assert rest["response_metadata"]["next_cursor"] == ""
    assert client.users_info(user=SAM)["user"]["name"] == "sam"
    assert _error(lambda: client.users_info(user="UNOBODY"))[1] == "user_not_found"
    assert client.conversations_info(channel=SALES)["channel"]["is_member"] is True


def test_files_upload_v2_flow_shares_into_each_channel(emu, client):
    from bot.sandbox.seed import JOINT

    response = client.files_upload_v2(channels=[SALES, JOINT], content="a,b\r\n1,2\r\n", filename="x.csv",
                                      title="X", initial_comment="the file")
    file_id = response["file"]["id"]
    assert emu.state.files[file_id]["content"] == b"a,b\r\n1,2\r\n"
    for channel in (SALES, JOINT):
        [msg] = [m for m in emu.state.messages(channel) if m.files]
        assert msg.text == "the file" and msg.files[0]["title"] == "X"
    with pytest.raises(SlackApiError) as err:
        client.files_upload_v2(channel=RANDOM, content="x", filename="y.csv")
    assert err.value.response["error"] == "not_in_channel"
