"""Slack's file upload flow in the emulator, over HTTP as an app meets it: files.getUploadURLExternal,
the bytes POSTed to the upload URL (raw or multipart), files.completeUploadExternal sharing them."""

from __future__ import annotations

import json

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, JOINT, RANDOM, SALES, seed_state

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def emu():
    e = SlackEmulator(seed_state()).start()
    yield e
    e.stop()


@pytest.fixture
def client(emu):
    return WebClient(token=BOT_TOKEN, base_url=emu.api_url)


def _error(call) -> str:
    with pytest.raises(SlackApiError) as err:
        call()
    return err.value.response["error"]


def test_an_image_with_alt_text_and_blocks_is_shared_in_one_message(emu, client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Joint scorecard*"}}]
    done = client.files_upload_v2(channel=JOINT, content=PNG, filename="scorecard-2027-Q1.png", title="Scorecard",
                                  alt_txt="Six small bar charts", blocks=json.dumps(blocks))
    assert done["files"] == [{"id": done["file"]["id"], "title": "Scorecard"}]
    info = emu.state.files[done["file"]["id"]]
    assert (info["content"], info["length"], info["alt_txt"], info["status"]) == (PNG, len(PNG),
                                                                                  "Six small bar charts", "shared")
    [message] = [m for m in emu.state.messages(JOINT) if m.files]
    assert message.blocks == blocks and message.text == ""
    assert message.files[0] == {"id": info["id"], "name": "scorecard-2027-Q1.png", "title": "Scorecard",
                                "mimetype": "image/png", "filetype": "png", "size": len(PNG),
                                "alt_txt": "Six small bar charts", "user": emu.state.bot_user_id}
    history = client.conversations_history(channel=JOINT)["messages"]
    assert history[0]["files"][0]["name"] == "scorecard-2027-Q1.png"  # what an app looks for after a crash


def test_initial_comment_wins_over_blocks_and_no_channel_keeps_the_file_private(emu, client):
    blocks = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "ignored"}}])
    client.files_upload_v2(channel=SALES, content=b"a,b", filename="x.csv", initial_comment="the file", blocks=blocks)
    [message] = [m for m in emu.state.messages(SALES) if m.files]
    assert message.text == "the file" and message.blocks == []
    private = client.files_upload_v2(content=b"secret", filename="y.txt")
    assert emu.state.files[private["file"]["id"]]["status"] == "private"
    assert not any(m.files and m.files[0]["id"] == private["file"]["id"]
                   for ch in emu.state.channels.values() for m in ch.messages)


def test_the_upload_url_takes_raw_bytes_or_multipart_and_records_them(emu, client):
    raw = client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    answer = httpx.post(raw["upload_url"], content=PNG)
    assert (answer.status_code, answer.text) == (200, f"OK - {len(PNG)}")
    form = client.files_getUploadURLExternal(filename="b.png", length=len(PNG))
    answer = httpx.post(form["upload_url"], files={"filename": ("b.png", PNG, "image/png")})
    assert answer.status_code == 200
    assert emu.state.files[raw["file_id"]]["content"] == PNG == emu.state.files[form["file_id"]]["content"]
    assert httpx.get(raw["upload_url"]).status_code == 405
    assert httpx.post(f"{emu.base_url}/upload/FNOSUCHFILE", content=b"x").status_code == 404


def test_each_step_refuses_what_slack_refuses(emu, client):
    assert _error(lambda: client.files_getUploadURLExternal(filename="a.png", length=0)) == "missing_argument"
    assert _error(lambda: client.api_call("files.getUploadURLExternal", params={"length": 5})) == "missing_argument"
    assert _error(lambda: client.files_getUploadURLExternal(filename="a.png", length=5,
                                                            alt_txt="x" * 1001)) == "alt_txt_too_large"
    never_sent = client.files_getUploadURLExternal(filename="a.png", length=5)["file_id"]
    assert _error(lambda: client.files_completeUploadExternal(files=[{"id": never_sent}],
                                                              channel_id=JOINT)) == "file_not_found"
    assert _error(lambda: client.files_completeUploadExternal(files=[{"id": "FNOPE"}])) == "file_not_found"
    assert _error(lambda: client.api_call("files.completeUploadExternal",
                                          params={"files": "not json"})) == "invalid_arguments"
    # completed once: the same file cannot be completed (or re-uploaded) again
    done = client.files_upload_v2(channel=JOINT, content=PNG, filename="c.png")
    again = lambda: client.files_completeUploadExternal(files=[{"id": done["file"]["id"]}], channel_id=JOINT)  # noqa: E731
    assert _error(again) == "file_not_found"
    # one channel at most with thread_ts; the bot must be in each channel; nothing is shared when one fails
    posted = client.chat_postMessage(channel=JOINT, text="parent")
    assert _error(lambda: client.files_upload_v2(channels=[JOINT, SALES], content=b"x", filename="d.txt",
                                                 thread_ts=posted["ts"])) == "invalid_arguments"
    assert _error(lambda: client.files_upload_v2(channels=[JOINT, RANDOM], content=b"x",
                                                 filename="e.txt")) == "not_in_channel"
    assert not [m for m in emu.state.messages(JOINT) if m.files and m.files[0]["name"] == "e.txt"]
    in_thread = client.files_upload_v2(channel=JOINT, content=b"x", filename="f.txt", thread_ts=posted["ts"])
    [reply] = emu.state.channels[JOINT].replies(posted["ts"])
    assert reply.files[0]["id"] == in_thread["file"]["id"]
