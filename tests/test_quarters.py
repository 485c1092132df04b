"""Quarters in the workspace's timezone and fiscal year (named after the calendar year it ends in)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.db import session_scope
from bot.models import Workspace
from bot.quarters import FiscalCalendar, calendar_of, parse_month, parse_quarter, shift_quarter
from bot.scorecard.fiscal import set_fiscal_year_start
from bot.user_error import UserError
from tests.scorecard_helpers import TEAM, utc, workspace


def test_january_start_is_the_calendar_quarter():
    cal = FiscalCalendar()
    assert cal.quarter_of(utc(2027, 3, 31, 23, 59)) == "2027-Q1" and cal.quarter_of(utc(2027, 4, 1)) == "2027-Q2"
    assert cal.first_day("2027-Q4") == date(2027, 10, 1)
    assert cal.bounds("2027-Q4") == (utc(2027, 10, 1), utc(2028, 1, 1))
    assert cal.label("2027-Q1") == "2027-Q1"


@pytest.mark.parametrize(("month", "moment", "quarter", "first"), [
    (4, utc(2026, 4, 1), "2027-Q1", date(2026, 4, 1)),
    (4, utc(2026, 3, 31), "2026-Q4", date(2026, 1, 1)),
    (4, utc(2027, 2, 15), "2027-Q4", date(2027, 1, 1)),
    (7, utc(2026, 7, 1), "2027-Q1", date(2026, 7, 1)),
    (7, utc(2026, 12, 31), "2027-Q2", date(2026, 10, 1)),
    (2, utc(2027, 1, 31), "2027-Q4", date(2026, 11, 1)),
    (2, utc(2027, 2, 1), "2028-Q1", date(2027, 2, 1)),
    (12, utc(2026, 12, 1), "2027-Q1", date(2026, 12, 1)),
    (12, utc(2027, 11, 30), "2027-Q4", date(2027, 9, 1)),
])
def test_fiscal_year_named_after_the_year_it_ends_in(month, moment, quarter, first):
    cal = FiscalCalendar(start_month=month)
    assert cal.quarter_of(moment) == quarter
    assert cal.first_day(quarter) == first
    start, end = cal.bounds(quarter)
    assert start <= moment < end
    assert cal.quarter_of(end) == shift_quarter(quarter, 1)


def test_bounds_are_local_midnight_across_daylight_saving():
    cal = FiscalCalendar(timezone="America/New_York", start_month=2)
    start, end = cal.bounds("2027-Q2")  # May to July 2026 in New York (summer time: UTC-4)
    assert (start, end) == (utc(2026, 5, 1, 4), utc(2026, 8, 1, 4))
    assert cal.bounds("2027-Q4")[1] == utc(2027, 2, 1, 5)  # winter: UTC-5
    assert cal.label("2027-Q4") == "2027-Q4 (Nov-Jan 2026-2027)"


def test_months_and_quarters_as_typed():
    assert [parse_month(t) for t in ("April", "apr", "4", " 12 ", "Sept.", "may")] == [4, 4, 4, 12, 9, 5]
    for bad in ("ma", "13", "0", "juin", ""):
        with pytest.raises(UserError) as caught:
            parse_month(bad)
        assert caught.value.field == "fiscal_year_start"
    assert [parse_quarter(t) for t in ("2027-Q1", "2027 q1", "Q4 2026", "fy2027-q2", "q3-2027")] == [
        "2027-Q1", "2027-Q1", "2026-Q4", "2027-Q2", "2027-Q3"]
    with pytest.raises(UserError, match="“2027-Q5” is not a quarter"):
        parse_quarter("2027-Q5")
    assert shift_quarter("2027-Q1", -1) == "2026-Q4" and shift_quarter("2026-Q4", 5) == "2028-Q1"


def test_the_setting_is_kept_per_workspace(db):
    workspace(db, timezone="Europe/Paris")
    with session_scope(db) as s:
        ws = s.get(Workspace, TEAM)
        assert calendar_of(ws) == FiscalCalendar("Europe/Paris", 1)
        assert set_fiscal_year_start(session=s, ws=ws, month_text="July") == FiscalCalendar("Europe/Paris", 7)
    with session_scope(db) as s:
        assert calendar_of(s.get(Workspace, TEAM)).start_month == 7
