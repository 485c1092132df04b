"""The scorecard as a PNG: six small panels, one bar per quarter and series, each bar labelled with the
very figure the text scorecard writes (both come from `figures.rows`).

`spec` (which panels, series, values and labels) is plain data. `draw` and `png` import matplotlib
when they are called, not before: only the process that draws a chart loads it, and it draws with
the Agg canvas directly (no pyplot, no GUI backend, no global figure state shared between threads).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.scorecard.figures import Row, row
from bot.scorecard.numbers import MONEY_FIELDS, MONEY_NAMES, Scorecard

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 12, 6.6, 100  # 1200 x 660 pixels
# Okabe-Ito: told apart with every common colour-vision deficiency.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per quarter; None: no bar
    labels: tuple[str, ...]  # what is written on each bar


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple[Series, ...]
    reference: float | None = None  # a dashed line (100 % of plan)
    scale: float | None = None  # the axis's natural top (10 for a score, 100 for a rate), else from the bars


@dataclass(frozen=True)
class ChartSpec:
    title: str
    quarters: tuple[str, ...]
    panels: tuple[Panel, ...]
    alt_text: str


def _short(text: str) -> str:
    return text.split(" of ")[0].split(" from ")[0]


def _series(r: Row, name: str, label: Callable[[str], str] = _short) -> Series:
    return Series(name, tuple(c.value for c in r.cells), tuple(label(c.text) if c.value is not None else ""
                                                              for c in r.cells))


def _attainment(text: str) -> str:
    return text.rsplit(", ", 1)[-1]


def spec(card: Scorecard, rows: list[Row], *, alt_text: str) -> ChartSpec:
    intel = [_series(row(rows, "Shared by sales"), "sales"), _series(row(rows, "Shared by marketing"), "marketing")]
    if any(r.name == "Shared by others" for r in rows):
        intel.append(_series(row(rows, "Shared by others"), "others"))
    panels = (
        Panel("Actual as % of plan", tuple(_series(row(rows, MONEY_NAMES[f]), MONEY_NAMES[f].lower(), _attainment)
                                           for f in MONEY_FIELDS), reference=100.0),
        Panel("Intel shared", tuple(intel)),
        Panel("Unhappy reports", (_series(row(rows, "Reports"), "reports"),
                                  _series(row(rows, "SLA breaches"), "SLA breaches"))),
        Panel("Median time (hours)", (_series(row(rows, "Median time to both owners"), "to both owners"),
                                      _series(row(rows, "Median time to resolution"), "to resolution"))),
        Panel("Satisfaction (0-10)", (_series(row(rows, "Average score (0-10)"), "average score"),), scale=10.0),
        Panel("Win rate (%)", (_series(row(rows, "Win rate"), "all deals"),), scale=100.0),
    )
    return ChartSpec(title=f"Joint scorecard — {card.label}", quarters=tuple(q.quarter for q in card.quarters),
                     panels=panels, alt_text=alt_text)


def draw(chart: ChartSpec) -> Figure:
    """The matplotlib Figure of the chart (on an Agg canvas)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)  # laid out by hand: constrained layout doubles the time
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.035, right=0.99, top=0.89, bottom=0.06, hspace=0.42, wspace=0.16)
    figure.suptitle(chart.title, fontsize=13, fontweight="bold")
    axes = figure.subplots(2, 3)
    positions = range(len(chart.quarters))
    for ax, panel in zip(axes.flat, chart.panels, strict=True):
        count = len(panel.series)
        if not count:
            ax.set_axis_off()
            continue
        width = 0.8 / count
        top = 0.0
        for i, s in enumerate(panel.series):
            xs = [p - 0.4 + width * (i + 0.5) for p in positions]
            heights = [v if v is not None else 0.0 for v in s.values]
            bars = ax.bar(xs, heights, width=width * 0.92, color=COLOURS[i % len(COLOURS)], label=s.name)
            ax.bar_label(bars, labels=list(s.labels), fontsize=7, padding=2)
            top = max([top, *heights])
        if panel.reference is not None:
            ax.axhline(panel.reference, color="#555555", linewidth=0.8, linestyle="--")
            top = max(top, panel.reference)
        top = max(top, panel.scale or 0.0) or 1.0
        ax.set_title(panel.title, fontsize=10)
        ax.set_xticks(list(positions), list(chart.quarters), fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_ylim(0, top * (1.35 if count > 1 else 1.15))  # room for the labels, and the legend
        ax.spines[["top", "right"]].set_visible(False)
        if count > 1:
            ax.legend(fontsize=7, frameon=False, loc="upper left", ncols=count)
    return figure


def png(chart: ChartSpec) -> bytes:
    """The chart as PNG bytes; its alt text is kept in the file's Description."""
    out = io.BytesIO()
    draw(chart).savefig(out, format="png", metadata={"Title": chart.title, "Description": chart.alt_text,
                                                      "Software": "Truce"})
    return out.getvalue()
