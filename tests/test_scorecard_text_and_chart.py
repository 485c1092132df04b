"""The scorecard as people read it: the text (each figure with its change against the quarter before),
the chart's alt text, the PNG (whose labels are the text's figures), App Home, and the actuals answers.
matplotlib is loaded only by the code that draws."""

from __future__ import annotations

import struct
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine

from bot.db import session_scope
from bot.joint import plan as plans
from bot.models import Workspace
from bot.quarters import calendar_of
from bot.scorecard import actuals, chart, figures, metrics
from bot.scorecard import blocks_scorecard as blocks
from tests.scorecard_helpers import LEE, TEAM, deal, plan, png_chunks, png_text, report, score, share, utc, workspace

NOW = utc(2027, 2, 15, 12)
H = timedelta(hours=1)


@pytest.fixture
def card(db):
    workspace(db)
    plan(db, "2026-Q4", [("Win logos", "8000", "200000", "60000")])
    plan(db, "2027-Q1", [("Win logos", "10000", "250000", "90000")])
    with session_scope(db) as s:
        for i in range(6):
            share(s, utc(2026, 11, 1 + i), team="sales", useful=i % 2)
        for i in range(9):
            share(s, utc(2027, 1, 2 + i), team="sales" if i < 5 else "marketing", useful=1 if i < 6 else 0)
        report(s, utc(2026, 11, 3), owned_after=2 * H, resolved_after=timedelta(days=3))
        report(s, utc(2027, 1, 4), owned_after=H, resolved_after=timedelta(days=1), breached=True)
        report(s, utc(2027, 1, 5), owned_after=3 * H)
        score(s, utc(2026, 11, 4), 6)
        score(s, utc(2027, 1, 6), 8)
        score(s, utc(2027, 1, 7), 5, scale=5)
        deal(s, utc(2026, 11, 5), "lost", "<!channel> Corp")
        deal(s, utc(2027, 1, 8), "won", "<!channel> Corp")
        deal(s, utc(2027, 1, 9), "won")
        deal(s, utc(2027, 1, 10), "lost")
    for quarter, line in (("2026-Q4", "#1 | 7000 | 150000 | 50000"), ("2027-Q1", "#1 | 9000 | 180000 | 45000")):
        with time_machine.travel(NOW, tick=False), session_scope(db) as s:
            ws = s.get(Workspace, TEAM)
            actuals.record(s, ws=ws, calendar=calendar_of(ws), quarter=quarter, by=LEE, source="command",
                           drafts=actuals.parse_lines(line))
    with time_machine.travel(NOW, tick=False), session_scope(db) as s:
        return metrics.build(s, ws=s.get(Workspace, TEAM))


def _text(card) -> str:
    return "\n".join(b.to_dict()["text"]["text"] for b in blocks.scorecard_blocks(card, figures.rows(card))
                     if b.type == "section")


def test_each_figure_carries_its_change_against_the_quarter_before(card):
    text = _text(card)
    assert "*Plan vs actual (EUR)*" in text
    assert ("• *Pipeline* — 2026-Q2: no plan · 2026-Q3: no plan · 2026-Q4: 150k of 200k, 75% · "
            "2027-Q1: 180k of 250k, 72% (+20%)") in text
    assert ("• *Revenue* — 2026-Q2: no plan · 2026-Q3: no plan · 2026-Q4: 50k of 60k, 83% · "
            "2027-Q1: 45k of 90k, 50% (-10%)") in text
    assert "• *Shared by sales* — 2026-Q2: 0 (±0) · 2026-Q3: 0 (±0) · 2026-Q4: 6 (+6) · 2027-Q1: 5 (-1)" in text
    assert "• *Shared by marketing* — 2026-Q2: 0 (±0) · 2026-Q3: 0 (±0) · 2026-Q4: 0 (±0) · 2027-Q1: 4 (+4)" in text
    assert "• *Voted Useful* — 2026-Q2: none · 2026-Q3: none · 2026-Q4: 50% of 6 shared · 2027-Q1: 67% of 9 shared " \
           "(+17 pts)" in text
    assert "• *Reports* — 2026-Q2: 0 (±0) · 2026-Q3: 0 (±0) · 2026-Q4: 1 (+1) · 2027-Q1: 2 (+1)" in text
    assert "• *SLA breaches* — 2026-Q2: 0 (±0) · 2026-Q3: 0 (±0) · 2026-Q4: 0 (±0) · 2027-Q1: 1 (+1)" in text
    assert "• *Median time to both owners* — 2026-Q2: none · 2026-Q3: none · 2026-Q4: 2 h · 2027-Q1: 2 h (±0 min)" \
        in text
    assert "• *Median time to resolution* — 2026-Q2: none · 2026-Q3: none · 2026-Q4: 3 d · 2027-Q1: 24 h (-2 d)" in text
    assert ("• *Average score (0-10)* — 2026-Q2: none · 2026-Q3: none · 2026-Q4: 6.0 from 1 score · "
            "2027-Q1: 9.0 from 2 scores (+3.0)") in text
    assert "• *Win rate* — 2026-Q2: none · 2026-Q3: none · 2026-Q4: 0% of 1 deal · 2027-Q1: 67% of 3 deals " \
           "(+67 pts)" in text
    # a competitor's name as typed is escaped: it never pings the channel
    assert "• *Win rate vs &lt;!channel&gt; Corp* — " in text and "<!channel>" not in text


def test_the_message_fits_slack_and_says_it_in_one_line_too(card):
    rows = figures.rows(card)
    built = blocks.scorecard_blocks(card, rows, note="Fiscal year from April.")
    assert len(built) <= 50
    dicts = [b.to_dict() for b in built]  # slack_sdk checks Slack's limits here
    assert dicts[0] == {"type": "header", "text": {"type": "plain_text", "text": "Joint scorecard — 2027-Q1",
                                                   "emoji": True}}
    assert "Fiscal year from April." in dicts[1]["elements"][0]["text"]
    assert blocks.summary_text(card, rows) == ("Joint scorecard 2027-Q1: pipeline 180k of 250k, 72%; revenue 45k of "
                                               "90k, 50%; 2 unhappy reports; satisfaction 9.0 from 2 scores; win rate "
                                               "67% of 3 deals.")
    alt = blocks.alt_text(card, rows)
    assert len(alt) <= 1000
    assert "Actual as a share of plan in 2027-Q1: pipeline 72%, revenue 50%, budget spent 90%." in alt
    assert "Intel shared by sales: 0, 0, 6, 5; by marketing: 0, 0, 0, 4." in alt
    assert "Win rate: none, none, 0%, 67%." in alt


def test_the_chart_is_a_png_of_sensible_size_whose_labels_are_the_texts_figures(card):
    rows = figures.rows(card)
    text = _text(card)
    spec = chart.spec(card, rows, alt_text=blocks.alt_text(card, rows))
    assert [p.title for p in spec.panels] == ["Actual as % of plan", "Intel shared", "Unhappy reports",
                                             "Median time (hours)", "Satisfaction (0-10)", "Win rate (%)"]
    for panel in spec.panels:
        for series in panel.series:
            for quarter, label in zip(spec.quarters, series.labels, strict=True):
                if label:  # every label on a bar is the figure the text gives that quarter
                    cell_text = next(c.text for r in rows for c in r.cells if c.quarter == quarter
                                     and (c.text == label or c.text.startswith(label + " ")
                                          or c.text.endswith(", " + label)))
                    assert f"{quarter}: {cell_text}" in text
    attainment = spec.panels[0].series
    assert [s.labels for s in attainment] == [("", "", "75%", "72%"), ("", "", "83%", "50%"), ("", "", "88%", "90%")]
    assert spec.panels[5].series[0].labels == ("", "", "0%", "67%")
    figure = chart.draw(spec)  # the bars drawn are the values, one container per series
    drawn = [[round(bar.get_height(), 6) for bar in container] for ax in figure.axes for container in ax.containers]
    expected = [[round(v or 0.0, 6) for v in s.values] for p in spec.panels for s in p.series]
    assert drawn == expected
    labels = [[t.get_text() for t in ax.texts] for ax in figure.axes]
    assert labels[4] == ["", "", "6.0", "9.0"]
    data = chart.png(spec)
    chunks = png_chunks(data)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert chunks[0][0] == b"IHDR" and (width, height) == (1200, 660)
    assert 20_000 < len(data) < 400_000
    meta = png_text(chunks)
    assert meta["Description"] == spec.alt_text and meta["Title"] == "Joint scorecard — 2027-Q1"


def test_matplotlib_is_loaded_only_by_the_code_that_draws():
    code = ("import sys\n"
            "import bot.app, bot.scorecard.blocks_scorecard, bot.scorecard.chart, bot.scorecard.metrics, "
            "bot.scorecard.actuals, bot.scorecard.actuals_csv, bot.scorecard.actuals_webhook, bot.scorecard.export\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n"
            "from bot.scorecard import chart, figures\n"
            "from bot.scorecard.numbers import QuarterNumbers as Q, Scorecard\n"
            "card = Scorecard('T', '2027-Q4', '2027-Q4', tuple(Q(f'2027-Q{i}') for i in range(1, 5)), Q('2026-Q4'))\n"
            "data = chart.png(chart.spec(card, figures.rows(card), alt_text='nothing yet'))\n"
            "assert 'matplotlib' in sys.modules and data.startswith(b'\\x89PNG')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_app_home_for_everyone_and_for_a_lead(card, db):
    rows = figures.rows(card)
    everyone = [b.to_dict() for b in blocks.home_blocks(card, rows)]
    assert everyone[0]["text"]["text"] == "Scorecard — 2027-Q1"
    figures_text = everyone[1]["text"]["text"]
    assert "• Pipeline: *180k of 250k, 72%* (+20%)" in figures_text
    assert "• Reports: *2* (+1)" in figures_text and "none" not in figures_text
    assert len(everyone) == 3
    with session_scope(db) as s:
        p = plans.plan_for(session=s, team_id=TEAM, quarter="2027-Q1")
        variances = actuals.beside_plan(plans.lines_of(session=s, plan=p),
                                        actuals.actuals_of(s, team_id=TEAM, quarter="2027-Q1"))
    item = blocks.OpenItem(text="Send the <deck>", owner_id="U0SAM", due_on=NOW.date())
    lead = [b.to_dict() for b in blocks.home_blocks(card, rows, variances=variances, currency="EUR",
                                                    open_items=[item], team_name="sales")]
    assert lead[4]["text"]["text"] == ("*Open against the plan for sales*\n• *Win logos* — pipeline 180k of 250k EUR; "
                                       "revenue 45k of 90k EUR")
    assert lead[5]["text"]["text"] == "*Your team's open action items*\n• Send the &lt;deck&gt; — <@U0SAM>, due 15 Feb"
    assert len(lead) <= blocks.HOME_BLOCKS
    no_plan = [b.to_dict() for b in blocks.home_blocks(card, rows, variances=[], currency="")]
    assert "No joint plan this quarter" in no_plan[4]["text"]["text"]


def test_the_answers_of_recording_actuals(card, db):
    with session_scope(db) as s:
        p = plans.plan_for(session=s, team_id=TEAM, quarter="2027-Q1")
        variances = actuals.beside_plan(plans.lines_of(session=s, plan=p),
                                        actuals.actuals_of(s, team_id=TEAM, quarter="2027-Q1"))
        history = actuals.revisions_of(s, team_id=TEAM, quarter="2027-Q1")
    said = blocks.recorded_text(label="2027-Q1", variances=variances, currency="EUR", changed=1)
    assert said == (":white_check_mark: Recorded the 2027-Q1 actuals (1 line changed). Amounts in EUR.\n"
                    "• *Win logos*: pipeline 180k of 250k, 72%; revenue 45k of 90k, 50%; budget spent 9k of 10k, 90%")
    told = blocks.history_text(label="2027-Q1", revisions=history, timezone="Europe/Paris")
    assert told.startswith("*History of the 2027-Q1 actuals* (1 changes)\n\n<@U0LEE> by command (Mon 15 Feb 2027, "
                           "13:00 CET):\n  • Win logos: budget spent none → 9000.00")
    modal = blocks.actuals_modal(quarter="2027-Q1", label="2027-Q1", lines_text="Win logos | 9000.00",
                                 goals=["Win <b> logos"], currency="EUR").to_dict()
    assert modal["title"]["text"] == "Actuals 2027-Q1"
    assert "1. Win &lt;b&gt; logos" in modal["blocks"][0]["text"]["text"]
    assert modal["blocks"][1]["element"]["initial_value"] == "Win logos | 9000.00"
    assert blocks.import_modal(quarter="2027-Q1", label="2027-Q1").to_dict()["callback_id"] == \
        "scorecard_actuals_import_view"


def test_the_agenda_section_of_the_quarter_that_just_ended(card, db):
    from bot.scorecard.agenda import agenda_section

    with session_scope(db) as s:  # the 2027-Q1 meeting's agenda covers 2026-Q4 up to the meeting
        section = agenda_section(session=s, team_id=TEAM, start=utc(2026, 10, 1), end=utc(2027, 1, 5, 10))
        assert agenda_section(session=s, team_id="T0NOBODY", start=utc(2026, 10, 1), end=utc(2027, 1, 5)) is None
    assert section.title == "Scorecard, 2026-Q4" and section.order == 5
    assert section.lines[:5] == [
        "Plan vs actual: pipeline 150k of 200k, 75%; revenue 50k of 60k, 83%; budget spent 7k of 8k, 88%.",
        "Intel shared: sales 6 (+6), marketing 0 (±0), voted Useful: 50% of 6 shared.",
        "Unhappy customers: reports 1 (+1), SLA breaches 0 (±0), median time to both owners 2 h, to resolution 3 d.",
        "Satisfaction out of 10: 6.0 from 1 score.",
        "Win rate: 0% of 1 deal; vs &lt;!channel&gt; Corp 0% of 1 deal.",
    ]


def test_app_home_section_from_the_database(card, db):
    from bot.joint.models import ActionItem, JointMeeting
    from bot.models import Member
    from bot.scorecard.home import home_section

    with session_scope(db) as s:
        s.add(Member(team_id=TEAM, user_id=LEE, in_sales_channel=True))
        s.add(Member(team_id=TEAM, user_id="U0SAM", in_sales_channel=True))
        s.add(Member(team_id=TEAM, user_id="U0MARIA", in_marketing_channel=True))
        meeting = JointMeeting(team_id=TEAM, quarter="2027-Q1", starts_at=NOW, scheduled_for=NOW)
        s.add(meeting)
        s.flush()
        for text, owner, status in (("Call Acme", "U0SAM", "open"), ("Brief", "U0MARIA", "open"),
                                    ("Done already", "U0SAM", "done")):
            s.add(ActionItem(team_id=TEAM, meeting_id=meeting.id, quarter="2027-Q1", text=text, owner_id=owner,
                             due_on=NOW.date(), status=status, created_by=LEE))
    with time_machine.travel(NOW, tick=False), session_scope(db) as s:
        ws = s.get(Workspace, TEAM)
        everyone = [b.to_dict() for b in home_section(s, ws, "U0SAM")]
        lead = [b.to_dict() for b in home_section(s, ws, LEE)]
    assert len(everyone) == 3 and "• Pipeline: *180k of 250k, 72%* (+20%)" in everyone[1]["text"]["text"]
    assert lead[:3] == everyone
    assert lead[4]["text"]["text"].startswith("*Open against the plan for sales*\n• *Win logos* — pipeline 180k")
    assert lead[5]["text"]["text"] == "*Your team's open action items*\n• Call Acme — <@U0SAM>, due 15 Feb"


def test_a_composed_message_says_when_quarters_are_fiscal(card, db):
    from bot.scorecard.fiscal import set_fiscal_year_start
    from bot.scorecard.message import compose

    with time_machine.travel(NOW, tick=False), session_scope(db) as s:
        ws = s.get(Workspace, TEAM)
        plain_year = compose(s, ws=ws)
        set_fiscal_year_start(session=s, ws=ws, month_text="apr")
        fiscal = compose(s, ws=ws)
    assert plain_year.card.quarter == "2027-Q1" and "fiscal" not in plain_year.blocks[1]["elements"][0]["text"]
    assert plain_year.text.startswith("Joint scorecard 2027-Q1: pipeline 180k of 250k, 72%")
    assert plain_year.chart.panels[0].title == "Actual as % of plan"
    assert plain_year.chart_title == "Joint scorecard chart, 2026-Q2 to 2027-Q1 (figures in the message)"
    assert fiscal.card.quarter == "2027-Q4" and fiscal.blocks[0]["text"]["text"] == \
        "Joint scorecard — 2027-Q4 (Jan-Mar 2027)"
    assert "Quarters of the fiscal year starting in April." in fiscal.blocks[1]["elements"][0]["text"]
