"""/intel search: full-text over summary, competitor and link title with the database's own index,
filters, newest-and-most-useful order, ten at a time with More/Back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import select

from bot.ids import IntelIds
from bot.intel import search as intel_search
from bot.intel import share as intel
from bot.intel.models import IntelShare
from bot.intel.parsing import ShareDraft, parse_search
from bot.models import Workspace
from bot.sandbox.seed import MARK, SAM
from tests.conftest import _wipe
from tests.intel_helpers import block_text, no_dns  # noqa: F401 - fixture

T0 = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)


def add(stack, summary, *, kind="other", competitor=None, at=T0, votes=0, user=MARK, link=None, title=None):
    with time_machine.travel(at, tick=False), stack.rt.session() as s:
        ws = s.get(Workspace, stack.team_id)
        share = intel.create_share(session=s, ws=ws, sharer_id=user, via="command",
                                   draft=ShareDraft(summary=summary, kind=kind, competitor=competitor, link=link))
        for n in range(votes):
            intel.add_vote(session=s, team_id=stack.team_id, share_id=share.id, user_id=f"UVOTER{n:03d}")
        if title:
            intel.apply_enrichment(session=s, share_id=share.id, title=title, description=None)
        return share.id


def found(stack, text) -> list[str]:
    stack.driver.command(SAM, "/intel", f"search {text}")
    note = stack.state.ephemerals_for(SAM)[-1]
    return [b["text"]["text"] for b in note.blocks if b["type"] == "section"][1:] if note.blocks else [note.text]


def summaries(stack, text) -> list[str]:
    with stack.rt.session() as s:
        page = intel_search.search(session=s, team_id=stack.team_id, query=parse_search(text))
        return [share.summary for share in page.shares]


def test_search_matches_summary_competitor_and_link_title(stack):
    add(stack, "Acme cut list prices for new logos", kind="pricing", competitor="Acme")
    add(stack, "A new bundle for hospitals", competitor="Initech")
    add(stack, "Launch covered by the press", link="https://globex.example/a", title="Globex Atlas launch")
    assert summaries(stack, "initech") == ["A new bundle for hospitals"]
    assert summaries(stack, "atlas") == ["Launch covered by the press"]
    assert summaries(stack, "price") == ["Acme cut list prices for new logos"]  # stemmed
    assert summaries(stack, "hospit") == ["A new bundle for hospitals"]  # a prefix
    assert summaries(stack, "acme hospitals") == []  # every word must match
    lines = found(stack, "initech")
    assert len(lines) == 1 and "A new bundle for hospitals" in lines[0] and "vs *Initech*" in lines[0]


def test_filters_kind_competitor_and_date(stack):
    add(stack, "Acme pricing page changed", kind="pricing", competitor="Acme", at=T0 - timedelta(days=40))
    add(stack, "Acme hired a new CRO", kind="competitor", competitor="Acme")
    add(stack, "Big Co pricing is public now", kind="pricing", competitor="Big Co")
    assert summaries(stack, "#pricing") == ["Big Co pricing is public now", "Acme pricing page changed"]
    assert summaries(stack, "vs:acme") == ["Acme hired a new CRO", "Acme pricing page changed"]
    assert summaries(stack, 'vs:"big co" pricing') == ["Big Co pricing is public now"]
    assert summaries(stack, "acme since:2026-10-01") == ["Acme hired a new CRO"]
    assert summaries(stack, "#pricing vs:Acme since:2026-01-01") == ["Acme pricing page changed"]


def test_newest_and_most_useful_come_first(stack):
    add(stack, "Globex old but loved", at=T0 - timedelta(days=8), votes=2)
    add(stack, "Globex fresh", at=T0)
    add(stack, "Globex older and liked", at=T0 - timedelta(days=21), votes=1)
    add(stack, "Globex old", at=T0 - timedelta(days=3))
    assert summaries(stack, "globex") == ["Globex old but loved", "Globex fresh", "Globex old",
                                          "Globex older and liked"]


def test_retracted_shares_and_other_workspaces_are_not_found(stack):
    gone = add(stack, "Hooli moved to Globex")
    add(stack, "Hooli renewed with us")
    with stack.rt.session() as s:
        intel.retract(session=s, share=intel.get_share(session=s, team_id=stack.team_id, share_id=gone), user_id=MARK)
        s.add(IntelShare(team_id="T0OTHER", sharer_id="U1", from_team="sales", summary="Hooli elsewhere",
                         via="command", sort_key=1))
    assert summaries(stack, "hooli") == ["Hooli renewed with us"]


def test_more_and_back_page_through_ten_at_a_time(stack):
    for n in range(23):
        add(stack, f"Umbrella signal number {n}", at=T0 + timedelta(minutes=n))
    stack.driver.command(SAM, "/intel", "search umbrella")
    note = stack.state.ephemerals_for(SAM)[-1]
    text = block_text(note)
    assert "1 to 10" in text and "number 22" in text and "number 13" in text and "number 12" not in text
    stack.driver.click_ephemeral(SAM, note, IntelIds.SEARCH_MORE)
    note = stack.state.ephemerals_for(SAM)[-1]  # the same ephemeral, replaced
    text = block_text(note)
    assert "11 to 20" in text and "number 12" in text and "number 3" in text and "number 22" not in text
    stack.driver.click_ephemeral(SAM, note, IntelIds.SEARCH_MORE)
    note = stack.state.ephemerals_for(SAM)[-1]
    text = block_text(note)
    assert "21 to 23" in text and "number 0" in text
    assert "More" not in [e["text"]["text"] for b in note.blocks if b["type"] == "actions" for e in b["elements"]]
    stack.driver.click_ephemeral(SAM, note, IntelIds.SEARCH_BACK)
    assert "11 to 20" in block_text(stack.state.ephemerals_for(SAM)[-1])
    assert len(stack.state.ephemerals_for(SAM)) == 1


def test_each_result_links_to_its_post(stack):
    stack.driver.command(MARK, "/intel", "#trend Buyers want usage-based pricing")
    lines = found(stack, "usage")
    assert "|open>" in lines[0] and "archives/CJOINT1/" in lines[0]


def test_bad_searches_say_what_to_type(stack):
    stack.driver.command(SAM, "/intel", "search acme since:last-week")
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert "`since:last-week` is not a date" in note and "since:2026-01-31" in note
    assert "/intel search acme since:last-week" in note
    stack.driver.command(SAM, "/intel", "search #rumours")
    assert "I don't know the kind `#rumours`" in stack.state.ephemerals_for(SAM)[-1].text
    stack.driver.command(SAM, "/intel", "search")
    assert "Tell me what to look for" in stack.state.ephemerals_for(SAM)[-1].text
    stack.driver.command(SAM, "/intel", "search zeppelin")
    assert "No intel matches *zeppelin* yet" in stack.state.ephemerals_for(SAM)[-1].text


def test_the_full_text_index_stays_exact_when_rows_are_wiped(stack, db):
    add(stack, "Zebra Systems entered our market")
    assert summaries(stack, "zebra") == ["Zebra Systems entered our market"]
    _wipe(db)  # what the test fixture does between tests: DELETE (SQLite) or TRUNCATE (PostgreSQL)
    with stack.rt.session() as s:
        s.add(Workspace(team_id=stack.team_id, sales_channel="CSALES1", marketing_channel="CMKTG01",
                        joint_channel="CJOINT1", alerts_channel="CALERTS"))
    add(stack, "Yak Corp is hiring")
    assert summaries(stack, "zebra") == []
    assert summaries(stack, "yak") == ["Yak Corp is hiring"]
    with stack.rt.session() as s:
        share = s.exec(select(IntelShare)).one()
        share.summary = "Yak Corp renamed itself Okapi"
        s.add(share)
    assert summaries(stack, "yak") == ["Yak Corp renamed itself Okapi"]
    assert summaries(stack, "hiring") == []
    assert summaries(stack, "okapi") == ["Yak Corp renamed itself Okapi"]
