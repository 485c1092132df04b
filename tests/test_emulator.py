"""The emulator answers like Slack: real response shapes and error codes, through slack_sdk."""

from __future__ import annotations

import pytest
import time_machine
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, JOINT, MARK, RANDOM, SALES, SAM, seed_state


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


def test_a_late_answer_comes_after_the_call_was_applied(emu):
    """Slack applied the post, but its answer outlasts the client's timeout."""
    impatient = WebClient(token=BOT_TOKEN, base_url=emu.api_url, timeout=0.2, retry_handlers=[])
    emu.state.fail_next("chat.postMessage", late=0.6)
    with pytest.raises(OSError):  # socket timeout: the client never learns the ts
        impatient.chat_postMessage(channel=SALES, text="applied anyway")
    assert [m.text for m in emu.state.messages(SALES)] == ["applied anyway"]
    assert impatient.chat_postMessage(channel=SALES, text="next")["ok"]  # the fault was used up


def test_hang_applies_nothing(emu):
    impatient = WebClient(token=BOT_TOKEN, base_url=emu.api_url, timeout=0.2, retry_handlers=[])
    emu.state.fail_next("chat.postMessage", hang=0.4)
    with pytest.raises(OSError):
        impatient.chat_postMessage(channel=SALES, text="lost")
    assert emu.state.messages(SALES) == []


def test_posting_into_a_rate_limited_channel(emu):
    """Slack's special tier: about one message a second per channel, short bursts allowed; over it,
    HTTP 429 with Retry-After (whole seconds) and `ratelimited`. Other channels are not affected."""
    client = WebClient(token=BOT_TOKEN, base_url=emu.api_url, retry_handlers=[])
    with time_machine.travel(1_900_000_000, tick=False) as clock:
        emu.state.rate_limit_channel(SALES, per_second=1, burst=3)
        for n in range(3):
            client.chat_postMessage(channel=SALES, text=f"burst {n}")
        with pytest.raises(SlackApiError) as err:
            client.chat_postMessage(channel=SALES, text="one too many")
        response = err.value.response
        assert (response.status_code, response["error"], response.headers["Retry-After"]) == (429, "ratelimited", "1")
        assert client.chat_postMessage(channel=JOINT, text="elsewhere")["ok"]
        clock.shift(0.5)
        assert _error(lambda: client.chat_postMessage(channel=SALES, text="too soon"))[1] == "ratelimited"
        clock.shift(0.5)
        assert client.chat_postMessage(channel=SALES, text="a second later")["ok"]
        assert _error(lambda: client.chat_postMessage(channel=SALES, text="again"))[1] == "ratelimited"
        clock.shift(10)  # a quiet while refills the burst, not more
        for n in range(3):
            client.chat_postMessage(channel=SALES, text=f"burst again {n}")
        assert _error(lambda: client.chat_postMessage(channel=SALES, text="x"))[0] == 429
    assert len(emu.state.messages(SALES)) == 7


def test_a_dm_is_limited_as_its_im_channel(emu):
    client = WebClient(token=BOT_TOKEN, base_url=emu.api_url, retry_handlers=[])
    with time_machine.travel(1_900_000_000, tick=False):
        im = client.conversations_open(users=SAM)["channel"]["id"]
        emu.state.rate_limit_channel(im, per_second=1, burst=1)
        client.chat_postMessage(channel=SAM, text="one")
        assert _error(lambda: client.chat_postMessage(channel=im, text="two"))[0] == 429


def test_message_metadata_is_kept_and_read_back_only_when_asked(emu, client):
    meta = {"event_type": "truce_outbox", "event_payload": {"key": "intel:1:sales"}}
    posted = client.chat_postMessage(channel=SALES, text="hi", metadata=meta)
    plain = client.conversations_history(channel=SALES)["messages"][0]
    assert "metadata" not in plain
    [full] = client.conversations_history(channel=SALES, include_all_metadata=True)["messages"]
    assert full["metadata"] == meta and full["ts"] == posted["ts"]
    client.chat_update(channel=SALES, ts=posted["ts"], text="edited")  # no metadata: left as it was
    assert client.conversations_history(channel=SALES, include_all_metadata=True)["messages"][0]["metadata"] == meta
    newer = {"event_type": "truce_outbox", "event_payload": {"key": "other"}}
    client.chat_update(channel=SALES, ts=posted["ts"], text="edited again", metadata=newer)
    assert client.conversations_history(channel=SALES, include_all_metadata=True)["messages"][0]["metadata"] == newer
    reply = client.chat_postMessage(channel=SALES, text="in thread", thread_ts=posted["ts"], metadata=meta)
    thread = client.conversations_replies(channel=SALES, ts=posted["ts"], include_all_metadata=True)["messages"]
    assert [(m["ts"], m["metadata"]) for m in thread] == [(posted["ts"], newer), (reply["ts"], meta)]
    assert "metadata" not in client.conversations_replies(channel=SALES, ts=posted["ts"])["messages"][1]


def test_metadata_that_slack_refuses_or_ignores(emu, client):
    bad_type = {"event_type": "truce.outbox", "event_payload": {"key": "k"}}  # periods are not allowed
    posted = client.chat_postMessage(channel=SALES, text="posted, metadata ignored", metadata=bad_type)
    assert posted["warning"] == "invalid_metadata_schema"
    assert "metadata" not in client.conversations_history(channel=SALES, include_all_metadata=True)["messages"][0]
    form = {"channel": SALES, "text": "x", "metadata": "{not json"}
    assert _error(lambda: client.api_call("chat.postMessage", data=form))[1] == "invalid_metadata_format"
    no_payload = {"event_type": "truce_outbox"}
    assert _error(lambda: client.chat_postMessage(channel=SALES, text="x", metadata=no_payload))[1] == (
        "invalid_metadata_format")
    sent_as_form = client.api_call("chat.postMessage", data={
        "channel": SALES, "text": "form", "metadata": '{"event_type": "a", "event_payload": {"k": 1}}'})
    [top] = client.conversations_history(channel=SALES, include_all_metadata=True, limit=1)["messages"]
    assert top["ts"] == sent_as_form["ts"] and top["metadata"] == {"event_type": "a", "event_payload": {"k": 1}}


def test_history_pages_by_cursor_and_time_window(emu, client):
    ts = [client.chat_postMessage(channel=SALES, text=f"m{n}")["ts"] for n in range(7)]
    first = client.conversations_history(channel=SALES, limit=3)
    assert [m["text"] for m in first["messages"]] == ["m6", "m5", "m4"] and first["has_more"] is True
    client.chat_postMessage(channel=SALES, text="arrives between pages")  # does not shift the next page
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel=SALES, limit=3, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["m3", "m2", "m1"]
    last = client.conversations_history(channel=SALES, limit=3, cursor=second["response_metadata"]["next_cursor"])
    assert [m["text"] for m in last["messages"]] == ["m0"]
    assert last["has_more"] is False and last["response_metadata"]["next_cursor"] == ""
    window = client.conversations_history(channel=SALES, oldest=ts[1], latest=ts[4])
    assert [m["text"] for m in window["messages"]] == ["m3", "m2"]
    closed = client.conversations_history(channel=SALES, oldest=ts[1], latest=ts[4], inclusive=True)
    assert [m["text"] for m in closed["messages"]] == ["m4", "m3", "m2", "m1"]
    since = client.conversations_history(channel=SALES, oldest=ts[5], limit=1)
    assert [m["text"] for m in since["messages"]] == ["arrives between pages"] and since["has_more"] is True
    assert _error(lambda: client.conversations_history(channel=SALES, cursor="bm9wZQ=="))[1] == "invalid_cursor"
    assert _error(lambda: client.conversations_history(channel=SALES, oldest="yesterday"))[1] == (
        "invalid_ts_oldest")


def test_an_applied_call_whose_connection_drops(emu):
    """late=0, answer=False: Slack did it, and the connection closes without an answer. A client that
    retries dropped connections blindly (slack_sdk's default) posts it twice."""
    emu.state.fail_next("chat.postMessage", late=0, answer=False)
    with pytest.raises(OSError):
        WebClient(token=BOT_TOKEN, base_url=emu.api_url, retry_handlers=[]).chat_postMessage(channel=SALES, text="x")
    assert len(emu.state.messages(SALES)) == 1
    emu.state.fail_next("chat.postMessage", late=0, answer=False)
    WebClient(token=BOT_TOKEN, base_url=emu.api_url).chat_postMessage(channel=SALES, text="y")  # retried once
    assert [m.text for m in emu.state.messages(SALES)] == ["x", "y", "y"]


def test_chaos_faults_calls_at_random(emu, client):
    """state.chaos(rate=...): each Web API call meets a fault with that probability: 429 with a
    Retry-After, 503, a hang (nothing done, no answer) or a late answer (done, answered too late)."""
    impatient = WebClient(token=BOT_TOKEN, base_url=emu.api_url, timeout=0.2, retry_handlers=[])
    emu.state.chaos(rate=1.0, seed=7, kinds=("429",), retry_after=(1, 2))
    waits = set()
    for _ in range(8):
        with pytest.raises(SlackApiError) as err:
            impatient.chat_postMessage(channel=SALES, text="x")
        assert (err.value.response.status_code, err.value.response["error"]) == (429, "ratelimited")
        waits.add(err.value.response.headers["Retry-After"])
    assert waits == {"1", "2"}
    emu.state.chaos(rate=1.0, kinds=("5xx",))
    assert _error(lambda: impatient.auth_test())[0] == 503
    emu.state.fail_next("auth.test", error="invalid_auth")  # faults asked for come first
    assert _error(lambda: impatient.auth_test()) == (200, "invalid_auth")
    emu.state.chaos(rate=1.0, kinds=("hang",), hang=0.4)
    with pytest.raises(OSError):
        impatient.chat_postMessage(channel=SALES, text="never applied")
    emu.state.chaos(rate=1.0, kinds=("late",), late=0.4)
    with pytest.raises(OSError):
        impatient.chat_postMessage(channel=SALES, text="applied, answered too late")
    assert [m.text for m in emu.state.messages(SALES)] == ["applied, answered too late"]

    emu.state.chaos(rate=0.25, seed=3, kinds=("5xx",))
    before, failed = emu.state.chaos_counts[("auth.test", "5xx")], 0
    for _ in range(200):
        try:
            client.auth_test()
        except SlackApiError:
            failed += 1
    assert 25 < failed < 75 and failed == emu.state.chaos_counts[("auth.test", "5xx")] - before
    emu.state.chaos(rate=0)
    assert all(client.auth_test()["ok"] for _ in range(20))
    assert emu.state.chaos_counts[("chat.postMessage", "429")] == 8
    with pytest.raises(ValueError):
        emu.state.chaos(rate=0.2, kinds=("meteor",))
