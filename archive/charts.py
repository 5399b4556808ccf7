"""A small picture of when things were said: matching turns per month or per year.

Pages hand over counts per month (from the database or the search service's facets) and a
function that makes the address narrowing to a period; this module decides the periods and
the geometry, and ``templates/archive/_timeline.html`` draws it as inline SVG with a table
beside it for those who cannot see it.
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Up to this many months from first to last are shown month by month; longer spans by year.
MONTHLY_SPAN = 24
WIDTH = 480
HEIGHT = 160
TOP = 18  # room for the count above the tallest bar
BOTTOM = 22  # room for the labels under the bars
GAP = 0.2  # share of each slot left between bars
MAX_SLOT = 80  # a bar and its gap at most: one or two periods are bars, not blocks
LABEL_EVERY_BAR = 12  # more bars than this and only January (or the first bar) is labelled
# Room a character of the 14-unit labels takes (digits and commas are narrower): a count or a
# label wider than its room is not printed, so no two run into each other.
CHAR_WIDTH = 8


@dataclass
class Bar:
    label: str  # "2026" or "July 2026"
    short: str  # what is printed under the bar: "2026", "Jul"
    start: datetime.date
    end: datetime.date
    count: int
    href: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    show_label: bool = True

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class Timeline:
    by: str  # "month" or "year"
    bars: list[Bar] = field(default_factory=list)
    undated: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    slot: float = MAX_SLOT  # a bar and its gap, set by _lay_out

    @property
    def busiest(self) -> Bar:
        return max(self.bars, key=lambda b: (b.count, -b.start.toordinal()))

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]

    @property
    def total(self) -> int:
        return sum(b.count for b in self.bars)

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def show_counts(self) -> bool:
        """Counts above the bars only where the widest fits its slot ("12,345" needs 48 units)."""
        widest = max(len(f"{bar.count:,}") for bar in self.bars)
        return len(self.bars) <= LABEL_EVERY_BAR * 2 and widest * CHAR_WIDTH <= self.slot


def _month_keys(counts: Mapping) -> list[tuple[int, int]]:
    keys = []
    for key in counts:
        try:
            year, month = (int(part) for part in str(key).split("-", 1))
        except ValueError:
            continue
        if 1 <= month <= 12 and 1 <= year <= 9999:
            keys.append((year, month))
    return sorted(keys)


def timeline(counts: Mapping[str, int], link: Callable[[datetime.date, datetime.date], str], undated: int = 0):
    """The timeline of ``counts`` ({"2026-07": 12, …}), or None when nothing is dated.

    Every period from the first to the last is drawn, empty ones too, so gaps show as gaps.
    """
    keys = _month_keys(counts)
    if not keys:
        return None
    per_month = {}
    for key, value in counts.items():
        parsed = _month_keys({key: value})
        if parsed:
            per_month[parsed[0]] = per_month.get(parsed[0], 0) + int(value)
    (first_year, first_month), (last_year, last_month) = keys[0], keys[-1]
    span = (last_year - first_year) * 12 + last_month - first_month + 1
    bars = []
    if span <= MONTHLY_SPAN:
        year, month = first_year, first_month
        for _ in range(span):
            start = datetime.date(year, month, 1)
            end = datetime.date(year, month, calendar.monthrange(year, month)[1])
            count = per_month.get((year, month), 0)
            bars.append(
                Bar(
                    label=start.strftime("%B %Y"),
                    short=start.strftime("%b"),
                    start=start,
                    end=end,
                    count=count,
                    href=link(start, end) if count else "",
                )
            )
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        by = "month"
        if len(bars) > LABEL_EVERY_BAR:
            for i, bar in enumerate(bars):
                bar.show_label = i == 0 or bar.start.month == 1
        for i, bar in enumerate(bars):
            # The year is printed under the first bar and under each January.
            if i == 0 or bar.start.month == 1:
                bar.short = f"{bar.short} {bar.start.year}"
    else:
        per_year = {}
        for (year, _month), value in per_month.items():
            per_year[year] = per_year.get(year, 0) + value
        for year in range(first_year, last_year + 1):
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            count = per_year.get(year, 0)
            bars.append(
                Bar(label=str(year), short=str(year), start=start, end=end, count=count, href=link(start, end) if count else "")
            )
        by = "year"
        if len(bars) > LABEL_EVERY_BAR:
            for i, bar in enumerate(bars):
                bar.show_label = i == 0 or i == len(bars) - 1 or bar.start.year % 5 == 0
    chart = Timeline(by=by, bars=bars, undated=undated)
    _lay_out(chart)
    return chart


def _lay_out(chart: Timeline) -> None:
    slot = chart.slot = min(chart.width / len(chart.bars), MAX_SLOT)
    # Fewer bars than fill the width stand in its middle.
    left = (chart.width - slot * len(chart.bars)) / 2
    tallest = max(b.count for b in chart.bars) or 1
    room = chart.baseline - TOP
    for i, bar in enumerate(chart.bars):
        bar.width = round(slot * (1 - GAP), 1)
        bar.x = round(left + i * slot + slot * GAP / 2, 1)
        # A period with any turns is at least 2 units tall, so it never looks empty.
        bar.height = round(max(room * bar.count / tallest, 2 if bar.count else 0), 1)
        bar.y = round(chart.baseline - bar.height, 1)
    _thin_labels(chart.bars, slot)


def _thin_labels(bars: list[Bar], slot: float) -> None:
    """Leave out a label that would touch the one before it (or the last, which is kept):
    2009 and 2010 side by side at 18 bars a chart."""
    shown = [i for i, bar in enumerate(bars) if bar.show_label]
    if len(shown) < 2:
        return
    apart = max(1, math.ceil((max(len(bars[i].short) for i in shown) * CHAR_WIDTH + 4) / slot))
    kept = [shown[0]]
    for i in shown[1:-1]:
        if i - kept[-1] >= apart and shown[-1] - i >= apart:
            kept.append(i)
    if shown[-1] - kept[-1] >= apart:
        kept.append(shown[-1])
    for i in shown:
        bars[i].show_label = i in kept
