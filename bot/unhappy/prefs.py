"""Per-workspace settings of unhappiness alerts (Workspace.prefs["unhappy"]) and the SLA clock.

Settings, each with a default:
- emoji: the reactions that claim, acknowledge and resolve an alert;
- sla: per severity, "15m", "1h", "4h", "2d" (calendar days) or "1bd" (business days);
- hours, days: working hours ("09:00-18:00") and working days (0 = Monday) in the workspace's
  timezone. Low and medium reminders due outside them are sent at the next opening;
- csat_scale: the scale of a bare satisfaction score ("/truce csat Acme 7"): 10 or 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.models import Workspace
from bot.setup.workspaces import set_pref
from bot.unhappy.rules import SEVERITIES, Sla, UnhappyPrefs
from bot.user_error import UserError

DEFAULT_SEVERITY = "medium"
OFFICE_HOURS_SEVERITIES = ("low", "medium")
DEFAULT_SLA = {"critical": "15m", "high": "1h", "medium": "4h", "low": "1bd"}
DEFAULT_EMOJI = {"claim": "raising_hand", "ack": "eyes", "resolve": "white_check_mark"}
DEFAULT_HOURS = "09:00-18:00"
DEFAULT_DAYS = (0, 1, 2, 3, 4)
DEFAULT_CSAT_SCALE = 10
KEY = "unhappy"

_SLA = re.compile(r"^\s*(\d{1,4})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|bd|business\s*days?)\s*$", re.I)
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_EMOJI = re.compile(r"^[a-z0-9_+'\-]{1,64}$")




def parse_sla(text: str) -> Sla:
    match = _SLA.match(text or "")
    if not match:
        raise ValueError(f"“{text}” is not a duration: type e.g. 15m, 1h, 4h, 2d or 1bd (business days).")
    amount, unit = int(match.group(1)), match.group(2).lower().replace(" ", "")
    if amount <= 0:
        raise ValueError("A reminder delay must be more than zero.")
    if unit.startswith("b"):
        return Sla(business_days=amount)
    if unit.startswith("d"):
        return Sla(minutes=amount * 1440)
    if unit.startswith("h"):
        return Sla(minutes=amount * 60)
    return Sla(minutes=amount)


def parse_hours(text: str) -> tuple[time, time]:
    match = _HOURS.match(text or "")
    if not match:
        raise ValueError(f"“{text}” is not a span of hours: type it like 09:00-18:00.")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError("Hours go from 00:00 to 23:59.")
    opens, closes = time(h1, m1), time(h2, m2)
    if closes <= opens:
        raise ValueError("Working hours must end after they start (e.g. 09:00-18:00).")
    return opens, closes


def parse_emoji(text: str) -> str:
    name = (text or "").strip().strip(":").lower()
    if not _EMOJI.match(name):
        raise ValueError(f"“{text}” is not an emoji name: type it like raising_hand or :eyes:.")
    return name


def get_prefs(ws: Workspace) -> UnhappyPrefs:
    raw = (ws.prefs or {}).get(KEY) or {}
    sla = {s: parse_sla(str((raw.get("sla") or {}).get(s) or DEFAULT_SLA[s])) for s in SEVERITIES}
    opens, closes = parse_hours(raw.get("hours") or DEFAULT_HOURS)
    days = tuple(sorted(int(d) for d in raw.get("days", DEFAULT_DAYS))) or DEFAULT_DAYS
    return UnhappyPrefs(
        emoji={**DEFAULT_EMOJI, **(raw.get("emoji") or {})},
        sla=sla, open_at=opens, close_at=closes, days=days, timezone=ws.timezone or "UTC",
        csat_scale=int(raw.get("csat_scale") or DEFAULT_CSAT_SCALE),
    )


@dataclass(frozen=True)
class PrefsInput:
    emoji: dict[str, str]
    sla: dict[str, str]
    hours: str
    days: list[str]
    csat_scale: str


def validate_prefs(data: PrefsInput) -> dict:
    """The prefs dict to store, or UserError naming the first bad field."""
    emoji = {}
    for role in ("claim", "ack", "resolve"):
        try:
            emoji[role] = parse_emoji(data.emoji.get(role, ""))
        except ValueError as exc:
            raise UserError(str(exc), field=f"emoji_{role}") from None
    if len(set(emoji.values())) < 3:
        raise UserError("Use three different emoji, one for each action.", field="emoji_resolve")
    sla = {}
    for severity in SEVERITIES:
        try:
            sla[severity] = parse_sla(data.sla.get(severity, "")).code
        except ValueError as exc:
            raise UserError(str(exc), field=f"sla_{severity}") from None
    try:
        opens, closes = parse_hours(data.hours)
    except ValueError as exc:
        raise UserError(str(exc), field="hours") from None
    days = sorted({int(d) for d in data.days if str(d).isdigit() and 0 <= int(d) <= 6})
    if not days:
        raise UserError("Choose at least one working day.", field="days")
    if data.csat_scale not in ("5", "10"):
        raise UserError("Choose 0-10 or 1-5.", field="csat_scale")
    return {"emoji": emoji, "sla": sla, "hours": f"{opens:%H:%M}-{closes:%H:%M}", "days": days,
            "csat_scale": int(data.csat_scale)}


def save_prefs(*, session: Session, ws: Workspace, data: PrefsInput) -> UnhappyPrefs:
    set_pref(session=session, ws=ws, key=KEY, value=validate_prefs(data))
    return get_prefs(ws)


# --- the clock -------------------------------------------------------------------------------


def _is_open(local: datetime, prefs: UnhappyPrefs) -> bool:
    return local.weekday() in prefs.days and prefs.open_at <= local.time() < prefs.close_at


def next_opening(t: datetime, prefs: UnhappyPrefs) -> datetime:
    """`t` itself when within working hours, else the next time they open (UTC)."""
    tz = ZoneInfo(prefs.timezone)
    local = t.astimezone(tz)
    if _is_open(local, prefs):
        return t
    day = local.date()
    if local.weekday() in prefs.days and local.time() < prefs.open_at:
        return datetime.combine(day, prefs.open_at, tz).astimezone(t.tzinfo)
    for _ in range(8):
        day += timedelta(days=1)
        if day.weekday() in prefs.days:
            return datetime.combine(day, prefs.open_at, tz).astimezone(t.tzinfo)
    return t  # no working day at all cannot be saved; be safe


def opening_on(day: date, prefs: UnhappyPrefs, zone: tzinfo | None) -> datetime:
    """When working hours open on `day` (or the next working day after it), in UTC."""
    tz = ZoneInfo(prefs.timezone)
    start = datetime.combine(day, prefs.open_at, tz).astimezone(zone)
    return next_opening(start, prefs)


def _add_business_days(t: datetime, n: int, prefs: UnhappyPrefs) -> datetime:
    tz = ZoneInfo(prefs.timezone)
    local = t.astimezone(tz)
    day, added = local.date(), 0
    while added < n:
        day += timedelta(days=1)
        if day.weekday() in prefs.days:
            added += 1
    return datetime.combine(day, local.time(), tz).astimezone(t.tzinfo)


def due_at(start: datetime, severity: str, prefs: UnhappyPrefs, *, times: int = 1) -> datetime:
    """When `times` x the severity's SLA has passed since `start` (pushed into working hours
    for low and medium)."""
    sla = prefs.sla[severity]
    if sla.business_days:
        t = _add_business_days(start, sla.business_days * times, prefs)
    else:
        t = start + timedelta(minutes=sla.minutes * times)
    if severity in OFFICE_HOURS_SEVERITIES:
        t = next_opening(t, prefs)
    return t
