"""The Sensitivity sheet of comparison.xlsx: every sweep point, a tornado chart and a line
chart per sweep.

The tornado shows, for each sweep, its lowest and highest plan value as bars to the left and
right of base's plan value (of 0 when base did not run or has none), widest sweep on top.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.read.scenarios import BASE
from planner.results.outcome import ScenarioOutcome
from planner.results.sensitivity import PointResult, SweepResult, sweep_results
from planner.write.xlsx_charts import money_axis_format
from planner.write.xlsx_format import Column, Formats, Kind, Placed, setup_print, write_table

SHEET = "Sensitivity"
NOTE = (
    "One row per sweep point: base with the sweep's cells set to the point's operands, "
    "nothing else. Plan value = NPV − the NPV of retooling nothing and launching nothing."
)
POINT_COLUMNS: list[Column[PointResult]] = [
    Column("sweep", Kind.TEXT, lambda p: p.point.label),
    Column("value", Kind.TEXT, lambda p: p.point.value),
    Column("scenario", Kind.TEXT, lambda p: p.scenario_id),
    Column("status", Kind.TEXT, lambda p: p.status),
    Column("NPV ($)", Kind.MONEY, lambda p: p.npv),
    Column("plan value ($)", Kind.MONEY, lambda p: p.plan_value),
    Column("kei units (all years)", Kind.UNITS, lambda p: p.kei_units),
    Column("retool capex ($)", Kind.MONEY, lambda p: p.capex),
    Column("plan", Kind.TEXT, lambda p: p.plan, width=60),
]
NPV_COL, VALUE_COL = 4, 5


def write_sensitivity(
    book: Workbook, formats: Formats, outcomes: Sequence[ScenarioOutcome]
) -> None:
    """The sheet, when the run holds a sweep point; nothing otherwise."""
    sweeps = sweep_results(outcomes)
    if not sweeps:
        return
    sheet = book.add_worksheet(SHEET)
    sheet.write_string(0, 0, "Sensitivity sweeps", formats.title)
    sheet.write_string(1, 0, NOTE, formats.note)
    points = [p for s in sweeps for p in s.points]
    placed = write_table(sheet, formats, 3, 0, POINT_COLUMNS, points, "Sensitivity")
    sheet.freeze_panes(placed.header_row + 1, 0)
    setup_print(sheet, placed.header_row)
    reference = _base_plan_value(outcomes)
    tornado_top = _write_tornado_data(sheet, formats, placed, sweeps, reference)
    charts_col = placed.last_col + 2
    _tornado_chart(book, sheet, tornado_top, sweeps, reference, charts_col)
    row = 22 + 2 * len(sweeps)
    first = placed.first_row
    for sweep in sweeps:
        _line_chart(book, sheet, sweep, first, row, charts_col)
        first += len(sweep.points)
        row += 18


def _base_plan_value(outcomes: Sequence[ScenarioOutcome]) -> float:
    base = [o for o in outcomes if o.results.case.scenario_id == BASE]
    value = base[0].plan_value if base else None
    return 0.0 if value is None else value


TORNADO_HEADERS = (
    "sweep",
    "lowest plan value ($)",
    "at",
    "highest plan value ($)",
    "at",
    "low − reference ($)",
    "high − reference ($)",
    "plan changes at",
)


def _tornado_order(sweeps: Sequence[SweepResult]) -> list[SweepResult]:
    """Widest range of plan value first; sweeps without any plan value last."""

    def width(sweep: SweepResult) -> float:
        values = sweep.plan_values
        return max(values) - min(values) if values else -1.0

    return sorted(sweeps, key=width, reverse=True)


def _write_tornado_data(
    sheet: Worksheet,
    formats: Formats,
    placed: Placed,
    sweeps: Sequence[SweepResult],
    reference: float,
) -> int:
    """The tornado's rows below the points table; returns the header row."""
    top = placed.last_row + 3
    sheet.write_string(
        top - 1, 0, f"Tornado: plan value around ${reference:,.0f} (base)", formats.header
    )
    for col, header in enumerate(TORNADO_HEADERS):
        sheet.write_string(top, col, header, formats.header)
    money = formats.cell(Kind.MONEY)
    for row, sweep in enumerate(_tornado_order(sweeps), start=top + 1):
        low, high = sweep.extreme(False), sweep.extreme(True)
        sheet.write_string(row, 0, sweep.label)
        if low is not None and high is not None:
            assert low.plan_value is not None and high.plan_value is not None
            sheet.write_number(row, 1, low.plan_value, money)
            sheet.write_string(row, 2, low.point.value)
            sheet.write_number(row, 3, high.plan_value, money)
            sheet.write_string(row, 4, high.point.value)
            sheet.write_number(row, 5, low.plan_value - reference, money)
            sheet.write_number(row, 6, high.plan_value - reference, money)
        changes = ", ".join(p.point.value for p in sweep.changes()) or "never"
        sheet.write_string(row, 7, changes)
    return top


def _tornado_chart(
    book: Workbook,
    sheet: Worksheet,
    top: int,
    sweeps: Sequence[SweepResult],
    reference: float,
    col: int,
) -> None:
    chart = book.add_chart({"type": "bar"})
    assert chart is not None
    first, last = top + 1, top + len(sweeps)
    spans = [v - reference for s in sweeps for v in s.plan_values]
    money_format = money_axis_format(spans)
    for value_col, name, colour in ((5, "lowest", "#C0504D"), (6, "highest", "#4F81BD")):
        chart.add_series(
            {
                "name": name,
                "categories": [SHEET, first, 0, last, 0],
                "values": [SHEET, first, value_col, last, value_col],
                "fill": {"color": colour},
                "overlap": 100,
                "gap": 40,
            }
        )
    chart.set_title(
        {"name": f"Plan value by sweep, around ${reference:,.0f}", "name_font": {"size": 11}}
    )
    chart.set_x_axis({"num_format": money_format, "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True, "label_position": "low"})  # widest on top
    chart.set_size({"width": 720, "height": 140 + 28 * len(sweeps)})
    sheet.insert_chart(3, col, chart)


def _line_chart(
    book: Workbook, sheet: Worksheet, sweep: SweepResult, first: int, row: int, col: int
) -> None:
    chart = book.add_chart({"type": "line"})
    assert chart is not None
    last = first + len(sweep.points) - 1
    values = [v for p in sweep.points for v in (p.npv, p.plan_value)]
    for value_col, name in ((NPV_COL, "NPV"), (VALUE_COL, "plan value")):
        chart.add_series(
            {
                "name": name,
                "categories": [SHEET, first, 1, last, 1],
                "values": [SHEET, first, value_col, last, value_col],
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": sweep.label, "name_font": {"size": 11}})
    chart.set_x_axis({"name": sweep.label})
    chart.set_y_axis({"num_format": money_axis_format(values)})
    chart.set_size({"width": 720, "height": 320})
    sheet.insert_chart(row, col, chart)
