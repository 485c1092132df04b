"""The battlecard service and its blocks: three spellings on one card, the quarter's win/loss record
with reasons, strategies and unhappy reports that name the competitor, who shares most, intel that
helped win, acted-on rates; within Slack's limits, everything typed escaped. And the digest's lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.competitors import battlecard, directory, feedback
from bot.competitors.blocks_battlecard import battlecard_blocks, battlecard_modal, digest_lines, home_section
from bot.competitors.blocks_feedback import helped_line, rates_line
from bot.db import session_scope
from bot.deals import followup, intake
from bot.deals.fields import DealInput
from bot.models import Member
from bot.playbook.models import Strategy
from bot.sandbox.blockkit import validate_blocks, validate_view
from bot.unhappy.models import UnhappyReport
from tests.competitor_helpers import TEAM, entry, share, workspace

NOW = datetime(2027, 2, 15, 9, tzinfo=UTC)  # 2027-Q1
MARK, SAM, SALLY = "UMARK01", "USAM001", "USALLY1"


def _text(blocks) -> str:
    out = []
    for b in blocks:
        d = b.to_dict()
        out.append(d.get("text", {}).get("text", "") if isinstance(d.get("text"), dict) else "")
        out += [e.get("text", "") for e in d.get("elements", []) if isinstance(e, dict)]
    return "\n".join(out)


def _seed(s):
    ws = workspace(s)
    s.add_all([Member(team_id=TEAM, user_id=MARK, in_marketing_channel=True),
               Member(team_id=TEAM, user_id=SAM, in_sales_channel=True)])
    rows = [share(s, summary="Initech cut list prices 20%", competitor="Initech", kind="pricing", useful=3,
                  at=NOW - timedelta(days=3)),
            share(s, summary="initech inc launched SSO", competitor="initech inc", kind="product", sharer=MARK,
                  from_team="marketing", at=NOW - timedelta(days=2)),
            share(s, summary="INITECH <!channel> hiring sellers", competitor="INITECH", kind="competitor",
                  at=NOW - timedelta(days=1)),
            share(s, summary="Older Initech pricing", competitor="Initech", kind="pricing", at=NOW - timedelta(days=9)),
            share(s, summary="Globex news", competitor="Globex", kind="other", at=NOW - timedelta(days=1))]
    for row in rows:
        directory.link_share(session=s, share=row)
    for outcome, reason, days in (("lost", "price", 5), ("lost", "price", 6), ("won", "product_fit", 7),
                                  ("lost", "timing", 70)):  # the last one in 2026-Q4
        directory.link_entry(session=s, entry=entry(s, outcome=outcome, customer=f"Cust {days}", reason=reason,
                                                    competitor="initech", at=NOW - timedelta(days=days)))
    s.add_all([
        Strategy(team_id=TEAM, title="Beat Initech on TCO", summary="Lead with the 3-year cost vs INITECH Inc.",
                 created_by=MARK, updated_by=MARK),
        Strategy(team_id=TEAM, title="Initechnology webinar", summary="Not about them", created_by=MARK,
                 updated_by=MARK),
        Strategy(team_id=TEAM, title="Old Initech plan", summary="x", status="retired", created_by=MARK,
                 updated_by=MARK),
        UnhappyReport(team_id=TEAM, customer="Acme", customer_key="acme", description="Says Initech is cheaper",
                      reporter_id=SAM),
        UnhappyReport(team_id=TEAM, customer="Hooli", customer_key="hooli", description="Initech again",
                      reporter_id=SAM, status="resolved"),
    ])
    s.flush()
    return ws, rows


def test_three_spellings_one_battlecard(db):
    with session_scope(db) as s:
        ws, rows = _seed(s)
        competitor = directory.find(session=s, team_id=TEAM, name="Initech")
        feedback.answer(session=s, team_id=TEAM, share_id=rows[0].id, user_id=MARK, verdict="acted_on")
        deal = intake.store(session=s, ws=ws, data=DealInput(
            deal_id="D-9", name="Umbrella", account="Umbrella", outcome="won", owner_email="sam@x.example",
            closed_on=(NOW - timedelta(days=1)).date(), competitor="Initech Corp")).deal
        followup.ask(session=s, ws=ws, deal=deal, owner_user_id=SAM)
        followup.confirm(session=s, ws=ws, deal_id=deal.id, user_id=SAM, reason="marketing",
                         cited_share_ids=[rows[1].id])
        card = battlecard.build(session=s, ws=ws, competitor=competitor, at=NOW)
        assert [(k.kind, [x.summary for x in k.shares], k.total) for k in card.intel] == [
            ("competitor", ["INITECH <!channel> hiring sellers"], 1),
            ("pricing", ["Initech cut list prices 20%", "Older Initech pricing"], 2),  # the most useful first
            ("product", ["initech inc launched SSO"], 1)]
        assert (card.this_quarter.quarter, card.this_quarter.won, card.this_quarter.lost) == ("2027-Q1", 2, 2)
        assert (card.last_quarter.quarter, card.last_quarter.lost) == ("2026-Q4", 1)
        assert [s_.title for s_ in card.strategies] == ["Beat Initech on TCO"]
        assert [r.customer for r in card.unhappy] == ["Acme"]
        assert card.sharers == [(SAM, 3), (MARK, 1)]
        assert [(x.summary, n) for x, n in card.helped_win] == [("initech inc launched SSO", 1)]
        rates = {r.team: (r.received, r.acted) for r in card.acted_on}
        assert rates == {"marketing": (3, 1), "sales": (1, 0)}
        text, blocks = battlecard_blocks(card)
        shown = _text(blocks)
        assert "Battlecard: Initech" in shown and "*2027-Q1*: 2 won · 2 lost (win rate 50%)" in shown
        assert "lost on: Price (2)" in shown and "won on: Product fit (1), Marketing material" in shown
        assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
        assert "Beat Initech on TCO" in shown and "*Acme*" in shown and "Initechnology" not in shown
        assert "also written" not in shown  # one key: no other spelling to list
        assert "Marketing acted on 1 of 3 (33%)" in shown
        assert validate_blocks([b.to_dict() for b in blocks]) == []
        assert validate_view(battlecard_modal(card).to_dict()) == []
        assert "2 won, 2 lost in 2027-Q1" in text


def test_a_big_battlecard_stays_within_slacks_limits(db):
    with session_scope(db) as s:
        ws = workspace(s)
        long = "x" * 2900
        for i in range(40):
            row = share(s, summary=f"{long} {i}", competitor="Initech", kind=("pricing", "product", "trend")[i % 3],
                        at=NOW - timedelta(hours=i))
            directory.link_share(session=s, share=row)
        for i in range(8):
            s.add(Strategy(team_id=TEAM, title=f"Initech {i} " + "t" * 100, summary="Initech " + long,
                           created_by=MARK, updated_by=MARK))
        s.flush()
        competitor = directory.find(session=s, team_id=TEAM, name="initech")
        for i in range(30):
            directory.add_spelling(session=s, team_id=TEAM, name="Initech", spelling=f"Initech alias {i}",
                                   user_id=MARK)
        card = battlecard.build(session=s, ws=ws, competitor=competitor, at=NOW)
        _, blocks = battlecard_blocks(card)
        assert validate_blocks([b.to_dict() for b in blocks]) == []
        assert "11 more: `/intel search #pricing vs:Initech`" in _text(blocks)
        assert "3 more: `/truce strategy search Initech`" in _text(blocks)
        assert "also written Initech alias 0, Initech alias 1" in _text(blocks)


def test_an_empty_battlecard_says_how_to_fill_it(db):
    with session_scope(db) as s:
        ws = workspace(s)
        competitor = directory.resolve(session=s, team_id=TEAM, name="Initech Holdings")
        card = battlecard.build(session=s, ws=ws, competitor=competitor, at=NOW)
        _, blocks = battlecard_blocks(card)
        assert card.empty and 'vs:"Initech Holdings"' in _text(blocks)


def test_home_section_and_digest_lines(db):
    with session_scope(db) as s:
        _seed(s)
        listed = directory.listing(session=s, team_id=TEAM)
        blocks = home_section(listed)
        assert validate_blocks([b.to_dict() for b in blocks], limit=100) == []
        assert "*Initech* — 4 shares, 4 deals" in _text(blocks)
        week = battlecard.changes(session=s, team_id=TEAM, start=NOW - timedelta(days=7), end=NOW)
        assert digest_lines(week) == [
            "• *Initech*: 3 new (1 competitor, 1 pricing, 1 product); 1 won against them, 2 lost to them",
            "• *Globex*: 1 new (1 market)"]
        assert battlecard.changes(session=s, team_id=TEAM, start=NOW, end=NOW + timedelta(days=7)) == []
        assert home_section([])[1].to_dict()["text"]["text"].startswith("No competitor named yet")
        assert rates_line(feedback.acted_on_rates(session=s, team_id=TEAM)) == (
            "Acted-on rate: sales acted on 0 of 1 shares (0%); marketing acted on 0 of 4 shares (0%).")
        assert helped_line([]) is None
