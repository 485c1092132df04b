"""What the receiving team did with a share: its members only, one answer each (changeable), the sharer's
weekly news (one DM a week, claimed once), and the acted-on rate per team."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.competitors import feedback
from bot.competitors.blocks_feedback import note_modal, weekly_message
from bot.competitors.blocks_feedback_buttons import feedback_actions
from bot.db import session_scope
from bot.models import Member
from bot.sandbox.blockkit import validate_blocks, validate_view
from bot.user_error import UserError
from tests.competitor_helpers import TEAM, share, workspace

SAM, SALLY, MARK, MARIA, OLIVE = "USAM001", "USALLY1", "UMARK01", "UMARIA1", "UOLIVE1"
MONDAY = datetime(2027, 2, 8, 9, tzinfo=UTC)


def _people(s):
    workspace(s)
    s.add_all([Member(team_id=TEAM, user_id=SAM, in_sales_channel=True),
               Member(team_id=TEAM, user_id=SALLY, in_sales_channel=True),
               Member(team_id=TEAM, user_id=MARK, in_marketing_channel=True),
               Member(team_id=TEAM, user_id=MARIA, in_marketing_channel=True)])
    s.flush()


def test_only_the_receiving_team_answers_once_each_and_can_change_it(db):
    with session_scope(db) as s:
        _people(s)
        row = share(s, summary="Initech cut prices", sharer=SAM, from_team="sales")
        first = feedback.answer(session=s, team_id=TEAM, share_id=row.id, user_id=MARK, verdict="acted_on",
                                note="  Updated the   pricing page ")
        assert (first.user_team, first.note) == ("marketing", "Updated the pricing page")
        changed = feedback.answer(session=s, team_id=TEAM, share_id=row.id, user_id=MARK, verdict="used_in_deal")
        assert changed.id == first.id
        assert (changed.verdict, changed.note) == ("used_in_deal", "Updated the pricing page")
        feedback.answer(session=s, team_id=TEAM, share_id=row.id, user_id=MARIA, verdict="not_relevant", note="")
        assert feedback.counts(session=s, share_id=row.id) == Counter(used_in_deal=1, not_relevant=1)
        for who, words in ((SALLY, "Only the marketing team"), (OLIVE, "Only the marketing team"),
                           (SAM, "your own share")):
            with pytest.raises(UserError) as err:
                feedback.answer(session=s, team_id=TEAM, share_id=row.id, user_id=who, verdict="acted_on")
            assert words in str(err.value) and err.value.field == "verdict"
        with pytest.raises(UserError) as bad:
            feedback.answer(session=s, team_id=TEAM, share_id=row.id, user_id=MARK, verdict="meh")
        assert bad.value.field == "verdict"
        with pytest.raises(UserError) as long:
            feedback.answer(session=s, team_id=TEAM, share_id=row.id, user_id=MARK, verdict="acted_on", note="x" * 301)
        assert long.value.field == "note"
        for gone in ("nope", 99999):
            with pytest.raises(UserError):
                feedback.answer(session=s, team_id=TEAM, share_id=gone, user_id=MARK, verdict="acted_on")
        both = share(s, summary="From both", sharer="ULEE001", from_team="both")
        assert feedback.answer(session=s, team_id=TEAM, share_id=both.id, user_id=SALLY,
                               verdict="acted_on").user_team == "sales"


def test_the_sharers_weekly_news_is_claimed_once(db):
    with session_scope(db) as s:
        _people(s)
        mine = share(s, summary="Initech <!here> cut prices", sharer=SAM)
        other = share(s, summary="Globex news", sharer=SALLY)
        with time_machine.travel(MONDAY, tick=False):
            feedback.answer(session=s, team_id=TEAM, share_id=mine.id, user_id=MARK, verdict="acted_on",
                            note="New <!channel> battle deck")
            feedback.answer(session=s, team_id=TEAM, share_id=mine.id, user_id=MARIA, verdict="not_relevant")
        with time_machine.travel(MONDAY - timedelta(days=10), tick=False):
            feedback.answer(session=s, team_id=TEAM, share_id=other.id, user_id=MARK, verdict="acted_on")
        start, end = MONDAY - timedelta(days=3), MONDAY + timedelta(days=4)
        assert feedback.sharers_with_news(session=s, team_id=TEAM, start=start, end=end) == [SAM]
        news = feedback.news_for(session=s, team_id=TEAM, sharer_id=SAM, start=start, end=end)
        assert [(n.share.id, len(n.answers)) for n in news] == [(mine.id, 2)]
        text, blocks = weekly_message(news, links={mine.id: "https://truce-demo.slack.com/archives/C1/p1"},
                                      week="2027-02-14")
        body = "\n".join(b.to_dict().get("text", {}).get("text", "") for b in blocks if b.to_dict().get("text"))
        assert "1 of your 1 answered share was acted on" in body
        assert "Acted on by <@UMARK01> (marketing): “New &lt;!channel&gt; battle deck”" in body
        assert "&lt;!here&gt;" in body and "<!" not in body
        assert validate_blocks([b.to_dict() for b in blocks]) == []
        assert text.startswith("What happened to your intel this week")
        assert feedback.claim_week(session=s, team_id=TEAM, user_id=SAM, week="2027-02-14", answers=2) is not None
        assert feedback.claim_week(session=s, team_id=TEAM, user_id=SAM, week="2027-02-14", answers=2) is None


def test_buttons_and_note_form_are_valid_block_kit(db):
    with session_scope(db) as s:
        _people(s)
        row = share(s, summary="x" * 3000, sharer=SAM)
        actions = feedback_actions(row.id, Counter(acted_on=2))
        assert [e.text.text for e in actions.elements] == ["Acted on (2)", "Used in a deal", "Not relevant",
                                                           "Add a note"]
        assert validate_blocks([actions.to_dict()]) == []
        assert validate_view(note_modal(row, note="done").to_dict()) == []
