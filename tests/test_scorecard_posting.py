"""Posting a scorecard chart: claimed once per key, its file shared in the channel in one message with the
text scorecard (through the emulator over HTTP), and found again by a run that died mid-upload."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient

from bot.db import session_scope
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, JOINT, SALES, seed_state
from bot.scorecard import blocks_scorecard as blocks
from bot.scorecard import chart, figures, posting, upload
from bot.scorecard.numbers import QuarterNumbers, Scorecard
from tests.scorecard_helpers import TEAM, workspace


@pytest.fixture
def emu():
    e = SlackEmulator(seed_state()).start()
    yield e
    e.stop()


def test_a_chart_is_claimed_once_per_key(db):
    workspace(db)
    with session_scope(db) as s:
        first = posting.claim(s, team_id=TEAM, key=posting.prompt_key("2027-Q1"), quarter="2027-Q1",
                              channel="C0JOINT")
        assert first is not None and first.filename == posting.filename_for(TEAM, "scorecard:2027-Q1:prompt",
                                                                            "2027-Q1")
        assert first.filename.startswith("truce-scorecard-2027-Q1-") and first.filename.endswith(".png")
        assert posting.claim(s, team_id=TEAM, key=posting.prompt_key("2027-Q1"), quarter="2027-Q1",
                             channel="C0JOINT") is None
        other = posting.claim(s, team_id=TEAM, key=posting.request_key("2027-Q1", "abc"), quarter="2027-Q1",
                              channel="C0JOINT", requested_by="U0LEE")
        assert other.filename != first.filename
        assert posting.start(s, chart=first) is False  # the first run
        assert posting.start(s, chart=first) is True  # a later run finds the first one started
        posting.shared(s, chart=first, file_id="F1", size=1234)
        posting.failed(s, chart=other, error="not_in_channel")
    with session_scope(db) as s:
        assert posting.latest_shared(s, team_id=TEAM, quarter="2027-Q1").file_id == "F1"
        assert posting.get(s, chart_id=other.id).status == "failed"


def test_the_chart_is_shared_with_the_text_and_found_again_by_its_name(emu):
    client = WebClient(token=BOT_TOKEN, base_url=emu.api_url)
    card = Scorecard("T", "2027-Q1", "2027-Q1", tuple(QuarterNumbers(q) for q in
                                                      ("2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1")),
                     QuarterNumbers("2026-Q1"))
    rows = figures.rows(card)
    message = [b.to_dict() for b in blocks.scorecard_blocks(card, rows)]
    png = chart.png(chart.spec(card, rows, alt_text=blocks.alt_text(card, rows)))
    before = time.time() - 1
    file_id = upload.share_chart(client, channel=JOINT, filename="truce-scorecard-2027-Q1-abc.png",
                                 title="Joint scorecard chart (the figures are in the message)", png=png,
                                 blocks=message)
    [posted] = [m for m in emu.state.messages(JOINT) if m.files]
    assert posted.blocks == message and posted.files[0]["id"] == file_id
    assert emu.state.files[file_id]["content"] == png and emu.state.files[file_id]["alt_txt"] is None
    assert upload.find_shared(client, channel=JOINT, filename="truce-scorecard-2027-Q1-abc.png",
                              oldest=before) == file_id
    assert upload.find_shared(client, channel=JOINT, filename="truce-scorecard-2027-Q1-xyz.png",
                              oldest=before) is None
    assert upload.find_shared(client, channel=SALES, filename="truce-scorecard-2027-Q1-abc.png",
                              oldest=before) is None
    assert upload.find_shared(client, channel=JOINT, filename="truce-scorecard-2027-Q1-abc.png",
                              oldest=time.time() + 60) is None
