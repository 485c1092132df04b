"""How the scorecard writes its figures, and the scorecard as rows of them: one row per number, one cell
per quarter with the figure and its change against the quarter before. The text scorecard, its alt
text and the chart's labels are all made from these rows, so they always say the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from bot.scorecard.numbers import MONEY_FIELDS, MONEY_NAMES, QuarterNumbers, Scorecard, change

NOTHING = "none"  # a figure with nothing behind it


# --- figures ----------------------------------------------------------------------------------------


def compact(value: Decimal | float | int) -> str:
    """180000 -> "180k", 12500 -> "12.5k", 1250000 -> "1.25M", 950 -> "950"."""
    v = float(value)
    for unit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= unit * 0.9995:
            rounded = float(f"{v / unit:.3g}")
            return f"{rounded:g}{suffix}"
    return f"{v:.0f}"


def percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def duration(seconds: float) -> str:
    """45 min, 3 h, 2 h 30 min, 2.5 d."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        h, m = divmod(minutes, 60)
        return f"{h} h" if m == 0 else f"{h} h {m} min"
    return f"{seconds / 86400:.1f} d".replace(".0 d", " d")


def signed(text: str, delta: float) -> str:
    return ("+" if delta > 0 else "-" if delta < 0 else "±") + text


def count_change(delta: int) -> str:
    return signed(str(abs(delta)), delta)


def points_change(delta: float) -> str:
    points = round(abs(delta) * 100)
    return signed(f"{points} pt{'s' if points != 1 else ''}", round(delta * 100))


def relative_change(now: Decimal | None, before: Decimal | None) -> str | None:
    if now is None or before is None or before == 0:
        return None
    rate = float((now - before) / before)
    return signed(f"{abs(rate) * 100:.0f}%", round(rate * 100))


def duration_change(delta: float) -> str:
    return signed(duration(abs(delta)), round(delta / 60))


def score_change(delta: float) -> str:
    return signed(f"{abs(delta):.1f}", round(delta, 1))


# --- the rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    quarter: str
    value: float | None  # what the chart draws (None: nothing to draw)
    text: str  # the figure as written
    change: str | None  # against the quarter before, None when there is nothing to compare


@dataclass(frozen=True)
class Row:
    area: str
    name: str
    cells: tuple[Cell, ...]


# A figure for a quarter, given the quarter before: (what the chart draws, the text, the change).
Figure = tuple[float | None, str, str | None]
FigureOf = Callable[[QuarterNumbers, QuarterNumbers], Figure]

AREAS = ("Plan vs actual", "Market intel", "Unhappy customers", "Customer satisfaction", "Wins and losses")


def _cells(card: Scorecard, figure: FigureOf) -> tuple[Cell, ...]:
    out = []
    for i, q in enumerate(card.quarters):
        value, text, delta = figure(q, card.previous(i))
        out.append(Cell(q.quarter, value, text, delta))
    return tuple(out)


def _money(name: str, currency_shown: bool) -> FigureOf:
    def figure(q: QuarterNumbers, before: QuarterNumbers) -> Figure:
        if q.plan is None:
            return None, "no plan", None
        planned, actual = q.plan.planned[name], q.plan.actual[name]
        currency = f" {q.plan.currency}" if currency_shown else ""
        rate = q.plan.attainment(name)
        if actual is None:
            text = f"not recorded, plan {compact(planned)}{currency}"
        else:
            text = f"{compact(actual)} of {compact(planned)}{currency}" + (f", {percent(rate)}" if rate is not None
                                                                            else "")
        previous = before.plan.actual[name] if before.plan and before.plan.currency == q.plan.currency else None
        return (rate * 100 if rate is not None else None), text, relative_change(actual, previous)
    return figure


def _count(get: Callable[[QuarterNumbers], int]) -> FigureOf:
    def figure(q: QuarterNumbers, before: QuarterNumbers) -> Figure:
        return get(q), str(get(q)), count_change(get(q) - get(before))
    return figure


def _rate(get: Callable[[QuarterNumbers], float | None], base: Callable[[QuarterNumbers], int],
          of: str) -> FigureOf:
    """A rate "of" a base: `of` is "shared" or "deal" (made plural when the base is not 1)."""
    def figure(q: QuarterNumbers, before: QuarterNumbers) -> Figure:
        rate, previous = get(q), get(before)
        if rate is None:
            return None, NOTHING, None
        delta = change(rate, previous)
        n = base(q)
        what = of if of == "shared" or n == 1 else of + "s"
        return rate * 100, f"{percent(rate)} of {n} {what}", points_change(delta) if delta is not None else None
    return figure


def _duration(get: Callable[[QuarterNumbers], float | None]) -> FigureOf:
    def figure(q: QuarterNumbers, before: QuarterNumbers) -> Figure:
        now, previous = get(q), get(before)
        if now is None:
            return None, NOTHING, None
        delta = change(now, previous)
        return now / 3600, duration(now), duration_change(delta) if delta is not None else None
    return figure


def _csat(q: QuarterNumbers, before: QuarterNumbers) -> Figure:
    if q.csat_average is None:
        return None, NOTHING, None
    delta = change(q.csat_average, before.csat_average)
    n = q.csat_count
    return (q.csat_average, f"{q.csat_average:.1f} from {n} score{'s' if n != 1 else ''}",
            score_change(delta) if delta is not None else None)


def _against(key: str) -> FigureOf:
    def get(q: QuarterNumbers) -> float | None:
        record = q.competitors.get(key)
        return record.win_rate if record else None

    def deals(q: QuarterNumbers) -> int:
        record = q.competitors.get(key)
        return record.deals if record else 0
    return _rate(get, deals, "deal")


def rows(card: Scorecard) -> list[Row]:
    currencies = {q.plan.currency for q in card.quarters if q.plan is not None}
    area = AREAS
    out = [Row(area[0], MONEY_NAMES[name], _cells(card, _money(name, len(currencies) > 1))) for name in MONEY_FIELDS]
    out += [Row(area[1], "Shared by sales", _cells(card, _count(lambda q: q.intel_by_team.get("sales", 0)))),
            Row(area[1], "Shared by marketing", _cells(card, _count(lambda q: q.intel_by_team.get("marketing", 0))))]
    if any(q.intel_by_team.get("other") for q in (*card.quarters, card.before)):
        out.append(Row(area[1], "Shared by others", _cells(card, _count(lambda q: q.intel_by_team.get("other", 0)))))
    out.append(Row(area[1], "Voted Useful", _cells(card, _rate(lambda q: q.useful_rate, lambda q: q.intel_total,
                                                                 "shared"))))
    if any(q.intel_acted_on is not None for q in card.quarters):
        out.append(Row(area[1], "Acted on", _cells(card, _rate(lambda q: q.acted_on_rate, lambda q: q.intel_total,
                                                                 "shared"))))
    out += [Row(area[2], "Reports", _cells(card, _count(lambda q: q.reports))),
            Row(area[2], "SLA breaches", _cells(card, _count(lambda q: q.sla_breaches))),
            Row(area[2], "Median time to both owners", _cells(card, _duration(lambda q: q.median_to_owners_s))),
            Row(area[2], "Median time to resolution", _cells(card, _duration(lambda q: q.median_to_resolution_s))),
            Row(area[3], "Average score (0-10)", _cells(card, _csat)),
            Row(area[4], "Win rate", _cells(card, _rate(lambda q: q.win_rate, lambda q: q.deals, "deal")))]
    out += [Row(area[4], f"Win rate vs {name}", _cells(card, _against(key))) for key, name in card.top_competitors]
    return out


def row(rows_: list[Row], name: str) -> Row:
    return next(r for r in rows_ if r.name == name)
