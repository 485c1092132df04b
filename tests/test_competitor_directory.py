"""The competitor list: found by any spelling, added once, renamed and merged by leads with the history kept."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.competitors import directory
from bot.competitors.models import Competitor, CompetitorAlias, CompetitorEvent
from bot.db import session_scope
from bot.deals.models import Deal
from bot.intel.models import IntelShare
from bot.playbook.models import WinLoss
from bot.user_error import UserError
from tests.competitor_helpers import LEE, TEAM, entry, share, workspace


def test_three_spellings_resolve_to_one_competitor(db):
    with session_scope(db) as s:
        workspace(s)
        first = directory.resolve(session=s, team_id=TEAM, name="Initech", user_id="USAM001")
        assert directory.resolve(session=s, team_id=TEAM, name="initech inc").id == first.id
        assert directory.resolve(session=s, team_id=TEAM, name="INITECH").id == first.id
        assert directory.resolve(session=s, team_id=TEAM, name="  ") is None
        assert directory.resolve(session=s, team_id="TOTHER", name="Initech").id != first.id  # per workspace
    with session_scope(db) as s:
        assert [c.name for c in s.exec(select(Competitor).where(Competitor.team_id == TEAM))] == ["Initech"]
        events = s.exec(select(CompetitorEvent)).all()
        assert [(e.action, e.changes) for e in events if e.team_id == TEAM] == [("created", {"name": "Initech"})]


def test_linking_a_share_and_an_entry(db):
    with session_scope(db) as s:
        workspace(s)
        row = share(s, summary="Initech cut prices", competitor="INITECH inc.")
        competitor = directory.link_share(session=s, share=row)
        result = entry(s, outcome="lost", customer="Globex", competitor="initech")
        assert directory.link_entry(session=s, entry=result).id == competitor.id
        assert row.competitor_id == result.competitor_id == competitor.id
        assert competitor.name == "INITECH inc."  # the first spelling seen names it until a lead renames it
        none = share(s, summary="A trend", competitor=None)
        assert directory.link_share(session=s, share=none) is None and none.competitor_id is None


def test_rename_keeps_the_old_name_as_a_spelling(db):
    with session_scope(db) as s:
        workspace(s)
        directory.resolve(session=s, team_id=TEAM, name="initech inc")
        renamed = directory.rename(session=s, team_id=TEAM, name="INITECH", new_name="Initech Corp", user_id=LEE)
        assert renamed.name == "Initech Corp"
        assert directory.find(session=s, team_id=TEAM, name="initech").id == renamed.id
        directory.rename(session=s, team_id=TEAM, name="initech", new_name="Initrode", user_id=LEE)
        assert directory.find(session=s, team_id=TEAM, name="Initech Corp").name == "Initrode"
        assert [e.changes for e in directory.history(session=s, competitor=renamed)][1:] == [
            {"before": "initech inc", "after": "Initech Corp"}, {"before": "Initech Corp", "after": "Initrode"}]


def test_rename_refusals_name_the_field_and_echo_escaped(db):
    with session_scope(db) as s:
        workspace(s)
        directory.resolve(session=s, team_id=TEAM, name="Initech")
        directory.resolve(session=s, team_id=TEAM, name="Globex")
        with pytest.raises(UserError) as missing:
            directory.rename(session=s, team_id=TEAM, name="<!here> Hooli", new_name="X", user_id=LEE)
        assert missing.value.field == "name" and "&lt;!here&gt; Hooli" in str(missing.value)
        with pytest.raises(UserError) as taken:
            directory.rename(session=s, team_id=TEAM, name="Initech", new_name="GLOBEX Inc", user_id=LEE)
        assert taken.value.field == "new_name" and "merge" in str(taken.value)
        with pytest.raises(UserError) as same:
            directory.rename(session=s, team_id=TEAM, name="initech", new_name="Initech", user_id=LEE)
        assert same.value.field == "new_name"


def test_merge_moves_everything_and_keeps_the_history(db):
    with session_scope(db) as s:
        workspace(s)
        keep = directory.resolve(session=s, team_id=TEAM, name="Initech")
        gone = directory.resolve(session=s, team_id=TEAM, name="Initech Holdings")
        older = directory.resolve(session=s, team_id=TEAM, name="INTC")
        directory.merge(session=s, team_id=TEAM, source="intc", target="Initech Holdings", user_id=LEE)
        a = share(s, summary="a", competitor="Initech Holdings", competitor_id=gone.id)
        b = share(s, summary="b", competitor="Initech", competitor_id=keep.id)
        lost = entry(s, outcome="lost", customer="Globex", competitor="Initech Holdings", competitor_id=gone.id)
        deal = Deal(team_id=TEAM, external_id="D-1", source="api", name="Globex", account="Globex", outcome="lost",
                    owner_email="sam@example.com", competitor="Initech Holdings", competitor_id=gone.id,
                    closed_on=lost.closed_at.date(), fingerprint="x")
        s.add(deal)
        s.flush()
        result = directory.merge(session=s, team_id=TEAM, source="initech holdings", target="initech", user_id=LEE)
        assert (result.share_ids, result.entry_ids, result.deal_ids) == ([a.id], [lost.id], [deal.id])
        assert result.spellings == ["Initech Holdings", "INTC"]
        ids = (keep.id, gone.id, older.id, a.id, b.id, lost.id, deal.id)
    with session_scope(db) as s:
        keep_id, gone_id, older_id, a_id, b_id, lost_id, deal_id = ids
        assert {s.get(IntelShare, a_id).competitor_id, s.get(IntelShare, b_id).competitor_id} == {keep_id}
        assert s.get(WinLoss, lost_id).competitor_id == keep_id and s.get(Deal, deal_id).competitor_id == keep_id
        assert s.get(Competitor, gone_id).merged_into_id == keep_id
        assert s.get(Competitor, older_id).merged_into_id == keep_id  # flat: one step to the one that stays
        for spelling in ("INTC", "initech holdings inc", "Initech"):
            assert directory.find(session=s, team_id=TEAM, name=spelling).id == keep_id
        assert directory.get(session=s, team_id=TEAM, competitor_id=gone_id).id == keep_id
        assert directory.get(session=s, team_id="TOTHER", competitor_id=gone_id) is None
        moved = s.exec(select(CompetitorEvent).where(CompetitorEvent.competitor_id == gone_id,
                                                     CompetitorEvent.action == "merged_into")).one()
        assert moved.user_id == LEE and moved.changes["share_ids"] == [a_id] and moved.changes["into"] == "Initech"
        listed = directory.listing(session=s, team_id=TEAM)
        assert [(x.competitor.name, x.shares, x.entries, x.spellings) for x in listed] == [
            ("Initech", 2, 1, ["Initech Holdings", "INTC"])]
        assert s.exec(select(CompetitorAlias).where(CompetitorAlias.competitor_id != keep_id)).all() == []


def test_merge_refusals(db):
    with session_scope(db) as s:
        workspace(s)
        directory.resolve(session=s, team_id=TEAM, name="Initech")
        with pytest.raises(UserError) as same:
            directory.merge(session=s, team_id=TEAM, source="INITECH", target="initech inc", user_id=LEE)
        assert same.value.field == "target" and "already one competitor" in str(same.value)
        with pytest.raises(UserError) as unknown:
            directory.merge(session=s, team_id=TEAM, source="Hooli", target="Initech", user_id=LEE)
        assert unknown.value.field == "source" and "/intel competitors" in str(unknown.value)


def test_add_spelling(db):
    with session_scope(db) as s:
        workspace(s)
        initech = directory.resolve(session=s, team_id=TEAM, name="Initech")
        directory.resolve(session=s, team_id=TEAM, name="Globex")
        directory.add_spelling(session=s, team_id=TEAM, name="initech", spelling="INTC", user_id=LEE)
        assert directory.find(session=s, team_id=TEAM, name="intc").id == initech.id
        with pytest.raises(UserError) as other:
            directory.add_spelling(session=s, team_id=TEAM, name="initech", spelling="Globex Corp", user_id=LEE)
        assert other.value.field == "spelling" and "merge" in str(other.value)
        with pytest.raises(UserError) as again:
            directory.add_spelling(session=s, team_id=TEAM, name="initech", spelling="intc", user_id=LEE)
        assert "already means Initech" in str(again.value)
