"""robust.xlsx's Frontier and Diagnosis sheets, written only when there is something to show.

Frontier (with `--risk-weights`) tabulates each risk weight's plan, expected NPV, CVaR and worst
case, and charts expected NPV against CVaR. Diagnosis (when no single plan fits every scenario)
lists the scenarios infeasible even alone, or else the policies that had to give way, with the
penalty used, when every hard policy of every scenario was made soft.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.robust.report import FrontierPoint, RobustReport
from planner.write.robust_xlsx_summary import write_lines
from planner.write.xlsx_charts import money_axis_format
from planner.write.xlsx_format import Column, Formats, Kind, setup_print, write_cell, write_table


def frontier_sheet(book: Workbook, formats: Formats, points: Sequence[FrontierPoint]) -> None:
    sheet = book.add_worksheet("Frontier")
    sheet.write_string(
        0, 0, "Efficient frontier: expected NPV against CVaR as λ grows", formats.title
    )
    placed = write_table(
        sheet,
        formats,
        2,
        0,
        [
            Column("risk weight λ", Kind.FACTOR, lambda p: p.risk_weight),
            Column("status", Kind.TEXT, lambda p: p.status.value),
            Column("objective", Kind.MONEY, lambda p: p.objective),
            Column("expected NPV", Kind.MONEY, lambda p: p.expected_npv),
            Column("CVaR", Kind.MONEY, lambda p: p.cvar),
            Column("worst-case NPV", Kind.MONEY, lambda p: p.worst_npv),
            Column(
                "plan (retools; launches)",
                Kind.TEXT,
                lambda p: "" if p.plan is None else p.plan.describe(),
                width=60,
            ),
        ],
        points,
        "Frontier",
    )
    chart = book.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    assert chart is not None
    chart.add_series(
        {
            "name": "expected NPV vs CVaR",
            "categories": ["Frontier", placed.first_row, 4, placed.last_row, 4],
            "values": ["Frontier", placed.first_row, 3, placed.last_row, 3],
            "marker": {"type": "circle", "size": 6},
            "data_labels": {
                "value": False,
                "custom": [{"value": f"λ={p.risk_weight:g}"} for p in points],
            },
        }
    )
    money = [v for p in points for v in (p.expected_npv, p.cvar)]
    chart.set_title({"name": "Efficient frontier", "name_font": {"size": 11}})
    chart.set_x_axis({"name": "CVaR", "num_format": money_axis_format(money)})
    chart.set_y_axis(
        {
            "name": "expected NPV",
            "num_format": money_axis_format(money),
            "major_gridlines": {"visible": True},
        }
    )
    chart.set_legend({"none": True})
    chart.set_size({"width": 640, "height": 380})
    sheet.insert_chart(placed.last_row + 2, 0, chart)
    setup_print(sheet, 2)


def diagnosis_sheet(book: Workbook, formats: Formats, report: RobustReport) -> None:
    sheet = book.add_worksheet("Diagnosis")
    sheet.set_column(0, 0, 24)
    sheet.write_string(0, 0, "Diagnosis: no single plan fits every scenario", formats.title)
    row = 2
    if report.infeasible_alone:
        return _infeasible_alone(sheet, formats, row, report.infeasible_alone)
    sheet.write_string(
        row,
        0,
        "Every scenario has a plan of its own, but none fits them all. "
        "Solved again with every hard policy of every scenario soft; "
        "these had to give way:",
        formats.note,
    )
    rows = [
        (scenario, g, d.penalties.get(g.policy_id))
        for scenario, d in report.diagnosis.items()
        for g in d.give_way
    ]
    messages = sorted({d.message for d in report.diagnosis.values() if d.message})
    row = write_lines(sheet, formats, row + 2, "Notes", messages)
    write_table(
        sheet,
        formats,
        row,
        0,
        [
            Column("scenario", Kind.TEXT, lambda r: r[0]),
            Column("policy", Kind.TEXT, lambda r: r[1].policy_id),
            Column("kind", Kind.TEXT, lambda r: r[1].kind),
            Column("year", Kind.YEAR, lambda r: "window" if r[1].year is None else r[1].year),
            Column("direction", Kind.TEXT, lambda r: r[1].direction),
            Column("amount", Kind.UNITS, lambda r: r[1].amount),
            Column("unit", Kind.TEXT, lambda r: r[1].unit),
            Column("penalty used ($ per unit)", Kind.CENTS, lambda r: r[2]),
        ],
        rows,
        "GiveWay",
    )
    setup_print(sheet, landscape=False)


def _infeasible_alone(
    sheet: Worksheet, formats: Formats, row: int, scenarios: Sequence[str]
) -> None:
    sheet.write_string(
        row,
        0,
        "These scenarios have no feasible plan even on their own; "
        "their own result files hold the diagnosis:",
        formats.note,
    )
    for offset, scenario in enumerate(scenarios, start=row + 1):
        write_cell(sheet, offset, 0, scenario, formats.cell(Kind.TEXT, bold=True))
        write_cell(sheet, offset, 1, f"see {scenario}.xlsx, sheet Diagnosis", None)
    setup_print(sheet, landscape=False)
