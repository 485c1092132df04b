"""The SLA clock: working hours, business days and the workspace timezone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.models import Workspace
from bot.unhappy.prefs import PrefsInput, due_at, get_prefs, next_opening, parse_sla, validate_prefs
from bot.user_error import UserError


def prefs(tz="UTC", **unhappy):
    return get_prefs(Workspace(team_id="T1", timezone=tz, prefs={"unhappy": unhappy} if unhappy else {}))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_defaults():
    p = prefs()
    assert {s: p.sla[s].text for s in p.sla} == {"critical": "15 min", "high": "1 h", "medium": "4 h",
                                                  "low": "1 business day"}
    assert p.emoji == {"claim": "raising_hand", "ack": "eyes", "resolve": "white_check_mark"}
    assert (p.hours_text, p.days_text, p.csat_scale) == ("09:00-18:00", "Mon, Tue, Wed, Thu, Fri", 10)


@pytest.mark.parametrize(("text", "minutes", "days"), [
    ("15m", 15, 0), ("90 min", 90, 0), ("1h", 60, 0), ("4 hours", 240, 0), ("2d", 2880, 0), ("1bd", 0, 1),
    ("3 business days", 0, 3),
])
def test_parse_sla(text, minutes, days):
    sla = parse_sla(text)
    assert (sla.minutes, sla.business_days) == (minutes, days)
    assert parse_sla(sla.code) == sla


@pytest.mark.parametrize("text", ["", "soon", "0m", "-5m", "1 week"])
def test_parse_sla_refuses(text):
    with pytest.raises(ValueError):
        parse_sla(text)


def test_next_opening():
    p = prefs()
    assert next_opening(utc(2026, 11, 23, 10, 0), p) == utc(2026, 11, 23, 10, 0)  # Monday, open
    assert next_opening(utc(2026, 11, 23, 7, 0), p) == utc(2026, 11, 23, 9, 0)  # before opening
    assert next_opening(utc(2026, 11, 23, 18, 0), p) == utc(2026, 11, 24, 9, 0)  # closing time
    assert next_opening(utc(2026, 11, 27, 19, 0), p) == utc(2026, 11, 30, 9, 0)  # Friday evening -> Monday
    assert next_opening(utc(2026, 11, 28, 12, 0), p) == utc(2026, 11, 30, 9, 0)  # Saturday


def test_working_hours_are_in_the_workspace_timezone():
    p = prefs("Europe/Paris")  # UTC+1 in November
    assert next_opening(utc(2026, 11, 23, 7, 30), p) == utc(2026, 11, 23, 8, 0)
    assert due_at(utc(2026, 11, 23, 14, 0), "medium", p) == utc(2026, 11, 24, 8, 0)  # 19:00 Paris -> 09:00
    ny = prefs("America/New_York", hours="08:00-17:00")
    assert due_at(utc(2026, 11, 23, 12, 0), "medium", ny) == utc(2026, 11, 23, 16, 0)


def test_due_at_by_severity():
    p = prefs()
    friday_5pm = utc(2026, 11, 27, 17, 0)
    assert due_at(friday_5pm, "critical", p) == utc(2026, 11, 27, 17, 15)
    assert due_at(friday_5pm, "high", p, times=2) == utc(2026, 11, 27, 19, 0)  # high ignores hours
    assert due_at(friday_5pm, "medium", p) == utc(2026, 11, 30, 9, 0)
    assert due_at(friday_5pm, "low", p) == utc(2026, 11, 30, 17, 0)  # one business day
    assert due_at(friday_5pm, "low", p, times=2) == utc(2026, 12, 1, 17, 0)
    assert due_at(utc(2026, 11, 28, 10, 0), "low", p) == utc(2026, 11, 30, 10, 0)  # from a Saturday


def test_custom_days_and_sla():
    p = prefs(sla={"low": "2bd", "medium": "30m"}, days=[0, 1, 2, 3])  # no Fridays
    assert due_at(utc(2026, 11, 26, 10, 0), "low", p) == utc(2026, 12, 1, 10, 0)  # Thu + 2 -> Tue
    assert due_at(utc(2026, 11, 26, 17, 45), "medium", p) == utc(2026, 11, 30, 9, 0)


def _input(**changes):
    base = dict(emoji={"claim": "raising_hand", "ack": "eyes", "resolve": "white_check_mark"},
                sla={"critical": "15m", "high": "1h", "medium": "4h", "low": "1bd"}, hours="09:00-18:00",
                days=["0", "1", "2", "3", "4"], csat_scale="10")
    return PrefsInput(**{**base, **changes})


@pytest.mark.parametrize(("changes", "field"), [
    ({"emoji": {"claim": "two words", "ack": "eyes", "resolve": "x"}}, "emoji_claim"),
    ({"sla": {"critical": "15m", "high": "later", "medium": "4h", "low": "1bd"}}, "sla_high"),
    ({"hours": "9-18"}, "hours"),
    ({"hours": "25:00-26:00"}, "hours"),
    ({"days": []}, "days"),
    ({"csat_scale": "7"}, "csat_scale"),
])
def test_validate_prefs_names_the_bad_field(changes, field):
    with pytest.raises(UserError) as err:
        validate_prefs(_input(**changes))
    assert err.value.field == field
