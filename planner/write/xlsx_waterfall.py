"""Waterfall charts for the Bridge sheets: from one NPV, driver by driver, to another.

XlsxWriter has no waterfall chart type, so a waterfall is a stacked column chart over a small
table: an invisible base series lifts each step to where the running total stands, and each
step's bar is split at zero into a part above and a part below it (Excel stacks positive and
negative values of a category apart, so a step that crosses zero needs both parts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.write.xlsx_charts import money_axis_format
from planner.write.xlsx_format import Formats, Kind, write_cell

SERIES = ("base", "increase", "increase (below 0)", "decrease", "decrease (below 0)", "total")
COLOURS = (None, "#70AD47", "#70AD47", "#C00000", "#C00000", "#4472C4")
SHOWN = 0.5  # $: smaller steps are left out of a chart (they stay in the tables)
CHART_SIZE = {"width": 720, "height": 360}


@dataclass(frozen=True)
class Step:
    label: str
    values: tuple[float, float, float, float, float, float]  # one per SERIES


def waterfall(start: tuple[str, float], steps: Mapping[str, float], end_label: str) -> list[Step]:
    """The chart rows from a start total through each step to the end total."""
    rows = [_total(*start)]
    running = start[1]
    for label, change in steps.items():
        if abs(change) < SHOWN:
            continue
        low, high = sorted((running, running + change))
        if low >= 0:
            base, above, below = low, high - low, 0.0
        elif high <= 0:
            base, above, below = high, 0.0, low - high
        else:
            base, above, below = 0.0, high, low
        up = change > 0
        rows.append(
            Step(
                label,
                (
                    base,
                    above if up else 0.0,
                    below if up else 0.0,
                    0.0 if up else above,
                    0.0 if up else below,
                    0.0,
                ),
            )
        )
        running += change
    rows.append(_total(end_label, running))
    return rows


def axis_floor(steps: Sequence[Step]) -> float | None:
    """Where the value axis starts when the totals dwarf the steps (an NPV of $900B moved by
    $1B): a round number below the lowest running total, so that the steps can be seen; None
    (zero) otherwise."""
    levels = []
    for step in steps:
        base, up, _, down, _, total = step.values
        levels += [total] if total else [base, base + up + down]
    if not levels or min(levels) <= 0:
        return None
    low, high = min(levels), max(levels)
    if high - low >= 0.5 * low:
        return None
    margin = max(high - low, 1e-3 * low)
    unit = 10 ** math.floor(math.log10(margin))
    return float(math.floor((low - margin) / unit) * unit)


def _total(label: str, value: float) -> Step:
    return Step(label, (0.0, 0.0, 0.0, 0.0, 0.0, value))


def write_waterfall(
    book: Workbook, sheet: Worksheet, formats: Formats, top: int, steps: Sequence[Step], title: str
) -> tuple[Chart, int]:
    """The chart's table at (top, 0) and the chart over it; returns it and the next free row."""
    name = sheet.get_name()
    sheet.write_string(top, 0, f"Chart data: {title}", formats.section)
    for index, header in enumerate(("step", *SERIES)):
        sheet.write_string(top + 1, index, header, formats.header)
    money = formats.cell(Kind.MONEY)
    for row, step in enumerate(steps, start=top + 2):
        sheet.write_string(row, 0, step.label)
        for index, value in enumerate(step.values, start=1):
            write_cell(sheet, row, index, value, money)
    last = top + 1 + len(steps)
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    assert chart is not None
    for index, colour in enumerate(COLOURS, start=1):
        spec: dict[str, object] = {
            "name": [name, top + 1, index],
            "categories": [name, top + 2, 0, last, 0],
            "values": [name, top + 2, index, last, index],
            "gap": 60,
        }
        spec |= (
            {"fill": {"none": True}, "border": {"none": True}}
            if colour is None
            else {"fill": {"color": colour}}
        )
        chart.add_series(spec)

    figures = [v for s in steps for v in (s.values[0] + s.values[1], s.values[5], s.values[2])]
    axis: dict[str, object] = {
        "num_format": money_axis_format(figures),
        "major_gridlines": {"visible": True},
    }
    floor = axis_floor(steps)
    if floor is not None:
        axis["min"] = floor
        title += " (the axis does not start at 0)"
    chart.set_y_axis(axis)
    chart.set_title({"name": title, "name_font": {"size": 11}})
    chart.set_x_axis({"num_font": {"rotation": -30}})
    chart.set_legend({"position": "bottom", "delete_series": [0, 2, 4]})
    chart.set_size(CHART_SIZE)
    return chart, last + 2
