"""robust.xlsx's Scenarios, Regret and Charts sheets: the shared plan judged scenario by scenario.

Scenarios gives the plan's status, NPV (against each scenario's own optimum and the status quo),
regret and key figures in every scenario. Regret holds the regret matrix of every candidate plan
(heat-mapped, with expected and largest regret) and every plan's NPV in every scenario. Charts
draws each candidate plan's expected and largest regret from the Regret sheet's matrix.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook

from planner.robust.evaluate import Evaluation
from planner.robust.report import (
    FRONTIER,
    ROBUST,
    JudgedPlan,
    RobustReport,
    lambda_label,
    plan_name,
)
from planner.robust.values import expected
from planner.write.xlsx_charts import axis_title, money_axis_format, money_label_format, zero_based
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Placed,
    finish_sheet,
    setup_print,
    write_table,
)


def scenarios_sheet(book: Workbook, formats: Formats, report: RobustReport) -> None:
    sheet = book.add_worksheet("Scenarios")
    sheet.write_string(
        0, 0, "The shared plan in each scenario (re-solved with the plan fixed)", formats.title
    )
    evaluation = report.in_scenario

    def figure(name: str) -> Any:
        return lambda c: getattr(_figures(evaluation.get(c.scenario_id)), name, None)

    placed = write_table(
        sheet,
        formats,
        2,
        0,
        [
            Column("scenario", Kind.TEXT, lambda c: c.scenario_id),
            Column("description", Kind.TEXT, lambda c: c.scenario.description, width=40),
            Column("probability", Kind.PERCENT, lambda c: report.probabilities[c.scenario_id]),
            Column("status", Kind.TEXT, lambda c: _status(evaluation.get(c.scenario_id))),
            Column(
                "NPV, shared plan", Kind.MONEY, lambda c: report.npv_by_scenario.get(c.scenario_id)
            ),
            Column("NPV, own optimum", Kind.MONEY, lambda c: report.best.get(c.scenario_id)),
            Column(
                "NPV, status quo",
                Kind.MONEY,
                lambda c: report.status_quo_npv_by_scenario.get(c.scenario_id),
            ),
            Column(
                "plan value",
                Kind.MONEY,
                lambda c: report.plan_value_by_scenario.get(c.scenario_id),
            ),
            Column(
                "regret", Kind.MONEY, lambda c: report.regret.get(ROBUST, {}).get(c.scenario_id)
            ),
            Column("units sold", Kind.UNITS, figure("units_sold")),
            Column("kei units", Kind.UNITS, figure("kei_units")),
            Column("unmet demand", Kind.UNITS, figure("unmet_units")),
            Column("retool capex", Kind.MONEY, figure("retool_capex")),
            Column("launch costs", Kind.MONEY, figure("launch_costs")),
            Column("penalties", Kind.MONEY, figure("penalties")),
            Column("domestic share", Kind.PERCENT, figure("domestic_share")),
            Column("EV share", Kind.PERCENT, figure("ev_share")),
        ],
        report.cases,
        "ScenarioFigures",
    )
    finish_sheet(sheet, placed)


def _figures(evaluation: Evaluation | None) -> Any:
    return None if evaluation is None else evaluation.figures


def _status(evaluation: Evaluation | None) -> str:
    return "not solved" if evaluation is None else evaluation.status.value


def regret_sheet(book: Workbook, formats: Formats, report: RobustReport) -> Placed:
    """The regret matrix (heat map) and every plan's NPV; returns where the matrix is."""
    sheet = book.add_worksheet("Regret")
    scenarios = report.scenario_ids
    sheet.write_string(
        0,
        0,
        "Regret: NPV*_s − NPV_s(plan), best NPV in the scenario minus "
        "the plan's (0 = the plan is that scenario's best)",
        formats.title,
    )
    rows = _regret_rows(report)
    columns = [
        Column("plan", Kind.TEXT, lambda j: _plan_name(j)),
        *(_scenario_column(s, lambda j, s=s: report.regret[j.label].get(s)) for s in scenarios),
        Column(
            "expected regret",
            Kind.MONEY,
            lambda j: expected(report.regret[j.label], report.probabilities),
        ),
        Column("max regret", Kind.MONEY, lambda j: _max(report.regret[j.label])),
    ]
    placed = write_table(sheet, formats, 2, 0, columns, rows, "RegretMatrix")
    if rows:
        sheet.conditional_format(
            placed.first_row,
            1,
            placed.last_row,
            len(scenarios),
            {
                "type": "3_color_scale",
                "min_color": "#63BE7B",
                "mid_color": "#FFEB84",
                "max_color": "#F8696B",
            },
        )
    top = placed.last_row + 3
    sheet.write_string(top, 0, "NPV of each plan in each scenario", formats.section)
    judged = _npv_rows(report)
    write_table(
        sheet,
        formats,
        top + 1,
        0,
        [
            Column("plan", Kind.TEXT, lambda j: _plan_name(j)),
            *(_scenario_column(s, lambda j, s=s: j.npv.get(s)) for s in scenarios),
            Column("expected NPV", Kind.MONEY, lambda j: expected(j.npv, report.probabilities)),
            Column("plan (retools; launches)", Kind.TEXT, lambda j: j.plan.describe(), width=60),
        ],
        judged,
        "NpvByPlan",
        set_widths=False,
    )
    sheet.freeze_panes(3, 1)
    setup_print(sheet, 2)
    return placed


def _regret_rows(report: RobustReport) -> list[JudgedPlan]:
    return [j for j in report.plans if j.label in report.regret and j.role != FRONTIER]


def _npv_rows(report: RobustReport) -> list[JudgedPlan]:
    """Every plan once per label: the robust plan, λ = 0 when it differs, own plans, EV."""
    robust = report.plans[0]
    return [
        j
        for j in report.plans
        if j.role != FRONTIER or (j.label == lambda_label(0.0) and j.plan != robust.plan)
    ]


def _scenario_column(scenario: str, value: Any) -> Column[JudgedPlan]:
    return Column(scenario, Kind.MONEY, value, width=16)


def _plan_name(judged: JudgedPlan) -> str:
    return plan_name(judged)


def _max(by_scenario: dict[str, float | None]) -> float | None:
    found = list(by_scenario.values())
    return (
        None
        if not found or any(v is None for v in found)
        else max(v for v in found if v is not None)
    )


def charts_sheet(book: Workbook, report: RobustReport, regret: Placed) -> None:
    """One bar chart: each candidate plan's expected and largest regret (from the Regret
    sheet's matrix), the shortest bars being the plans that lose least."""
    sheet = book.add_worksheet("Charts")
    rows = _regret_rows(report)
    values = [v for j in rows for v in report.regret[j.label].values()]
    axis = money_axis_format(values)
    chart = book.add_chart({"type": "bar"})
    assert chart is not None
    first, last = regret.first_row, max(regret.last_row, regret.first_row)
    expected_col = regret.first_col + 1 + len(report.cases)
    for col, color in ((expected_col, "#1F4E78"), (expected_col + 1, "#8EA9DB")):
        chart.add_series(
            {
                "name": ["Regret", regret.header_row, col],
                "categories": ["Regret", first, 0, last, 0],
                "values": ["Regret", first, col, last, col],
                "fill": {"color": color},
                "data_labels": {"value": True, "num_format": money_label_format(values)},
            }
        )
    chart.set_title(
        {"name": "Regret of each plan: what it loses against the best", "name_font": {"size": 11}}
    )
    chart.set_x_axis(
        {
            "name": axis_title("regret", values),
            "num_format": axis,
            "major_gridlines": {"visible": True},
            **zero_based(values),
        }
    )
    chart.set_y_axis({"reverse": True, "crossing": "max"})  # the robust plan on top
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 160 + 50 * len(rows)})
    sheet.write_string(
        0,
        0,
        "Regret = best NPV in a scenario minus the plan's; expected (probability-weighted) "
        "and largest over the scenarios. Figures on the Regret sheet.",
    )
    sheet.insert_chart(2, 0, chart)
    setup_print(sheet)
