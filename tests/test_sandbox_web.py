"""The sandbox's web page over HTTP: `python -m bot` with no tokens serves it (and says where), it
acts only through the emulated Slack, and bad input to it gets a 4xx, never a 500."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.sandbox.seed import JOINT, SAM
from bot.sandbox.web.app import PageServer, WebSandbox

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def web(stack):
    server = PageServer(WebSandbox(stack), host="127.0.0.1", port=0).start()
    yield server.url
    server.stop()


def _act(url: str, **body) -> httpx.Response:
    return httpx.post(url + "ui/act", json=body, timeout=15)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_run_without_tokens_serves_the_page_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRUCE_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'production.db'}")
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert f"Truce sandbox: open http://127.0.0.1:{port}/ in your browser" in first, proc.stderr.read()
        page = httpx.get(f"http://127.0.0.1:{port}/?as=lee", timeout=15)
        assert page.status_code == 200 and "Truce Demo" in page.text and "Lee Lead" in page.text
        answer = _act(f"http://127.0.0.1:{port}/", op="send", **{"as": "lee", "c": JOINT, "text": "/truce whoami"})
        assert "You are on" in answer.json()["panes"]["timeline"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Truce sandbox stopped." in out
    assert "Starting Truce in sandbox mode (no Slack tokens are set)" in err
    assert not (tmp_path / "production.db").exists()  # DATABASE_URL is never the sandbox's


def test_a_command_typed_on_the_page_reaches_truce_as_slack_sends_it(stack, web):
    answer = _act(web, op="send", **{"as": "lee", "c": JOINT, "text": "/truce team @mark sales"})
    assert answer.status_code == 200 and answer.json()["error"] is None
    [call] = [c for c in stack.state.ephemerals_for("ULEE001")]
    assert call.text.startswith("<@UMARK01> is now on: sales")


def test_a_command_no_app_has_gets_slacks_own_answer_and_is_not_sent(stack, web):
    before = len(stack.state.calls)
    answer = _act(web, op="send", **{"as": "sam", "c": JOINT, "text": "/nosuch please"}).json()
    assert "<code>/nosuch</code> is not a valid command" in answer["panes"]["timeline"]
    assert "Slackbot" in answer["panes"]["timeline"]
    assert len(stack.state.calls) == before


def test_a_message_mentions_people_by_id_and_truce_gets_the_event(stack, web):
    _act(web, op="send", **{"as": "sam", "c": JOINT, "text": "@mark & @maria: see #sales <now>"})
    [msg] = stack.state.messages(JOINT)
    assert msg.user == SAM
    assert msg.text == "<@UMARK01> &amp; <@UMARIA1>: see <#CSALES1|sales> &lt;now&gt;"


@pytest.mark.parametrize(("body", "status"), [
    (b"not json", 400), (b"[1, 2]", 400), (b"", 400), (json.dumps({"op": "frobnicate"}).encode(), 200)])
def test_bad_input_to_the_page_gets_a_4xx_or_a_note_never_a_500(web, body, status):
    response = httpx.post(web + "ui/act", content=body, headers={"Content-Type": "application/json"}, timeout=15)
    assert response.status_code == status
    if status == 200:
        assert response.json()["error"] == "unknown operation 'frobnicate'"


@pytest.mark.parametrize("body", [
    {"op": "react", "c": JOINT, "ts": "1.000001", "name": "bulb"},
    {"op": "act", "surface": "message", "c": JOINT, "ts": "1.0", "action": "x"},
    {"op": "act", "surface": "view", "view": "VNOPE", "action": "x"},
    {"op": "submit", "view": "VNOPE", "values": {}},
    {"op": "shortcut", "c": JOINT, "ts": "1.0", "callback_id": "share_intel"},
    {"op": "clock_by", "by": "forever"},
    {"op": "join", "c": "app"},
])
def test_what_no_longer_exists_gets_a_note(web, body):
    response = _act(web, **{"as": "sam", **body})
    assert response.status_code == 200 and response.json()["error"]


def test_the_page_serves_only_its_own_files(web):
    assert httpx.get(web + "static/app.css", timeout=15).status_code == 200
    assert httpx.get(web + "static/../app.py", timeout=15).status_code == 404
    assert httpx.get(web + "static/%2e%2e/app.py", timeout=15).status_code == 404
    assert httpx.get(web + "ui/file/FNOPE", timeout=15).status_code == 404
    assert httpx.get(web + "nope", timeout=15).status_code == 404


def test_posting_in_a_channel_takes_joining_it_first_and_truce_hears_of_the_join(stack, web):
    from bot.sandbox.seed import MARK, SALES

    refused = _act(web, op="send", **{"as": "mark", "c": SALES, "text": "hello sales"}).json()
    assert refused["error"] == "Join #sales to post in it."
    assert 'class="join-bar"' not in refused["panes"]["timeline"] and stack.state.messages(SALES) == []
    _act(web, op="join", **{"as": "mark", "c": SALES})
    assert MARK in stack.state.channels[SALES].members
    _act(web, op="send", **{"as": "mark", "c": SALES, "text": "/truce whoami"})
    assert "*marketing and sales*" in stack.state.ephemerals_for(MARK)[-1].text  # Truce heard of the join
    _act(web, op="send", **{"as": "mark", "c": SALES, "text": "hello sales"})
    assert [m.text for m in stack.state.messages(SALES)] == ["hello sales"]


def test_an_image_file_is_shown_inline_with_its_alt_text(stack, web):
    from slack_sdk import WebClient

    from bot.sandbox.seed import BOT_TOKEN
    from tests.scorecard_helpers import png_chunks

    png = _tiny_png()
    client = WebClient(token=BOT_TOKEN, base_url=stack.emulator.api_url)
    done = client.files_upload_v2(channel=JOINT, file=png, filename="chart.png", title="The chart",
                                  alt_txt="Bars: 1, 2, 3")
    file_id = done["file"]["id"]
    page = httpx.get(web, params={"as": "lee", "c": JOINT}, timeout=15).text
    assert f'<img src="/ui/file/{file_id}" alt="Bars: 1, 2, 3">' in page
    served = httpx.get(web + f"ui/file/{file_id}", timeout=15)
    assert served.headers["content-type"] == "image/png" and png_chunks(served.content)[0][0] == b"IHDR"


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))
