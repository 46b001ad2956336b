"""robust.json and robust.xlsx (docs/contract.md §4), written atomically.

robust.json holds exactly the docs/contract.md §4 keys. robust.xlsx, with XlsxWriter (text always as
text, no formula): Summary (the plan in words, figures, how EVPI, VSS, CVaR and regret are
computed, warnings), Plan (the shared retooling and launches), Scenarios (the plan's NPV,
status and key figures in each scenario), Regret (the regret matrix as a heat map, and every
plan's NPV in every scenario), Charts (one chart: each candidate plan's expected and largest
regret), Frontier (with `--risk-weights`: expected NPV against CVaR, table and chart) and
Diagnosis (when no plan fits every scenario).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner import __version__
from planner.robust.evaluate import Evaluation
from planner.robust.report import (
    FRONTIER,
    ROBUST,
    FrontierPoint,
    JudgedPlan,
    RobustReport,
    gap_text,
    lambda_label,
    near_ties,
    plan_name,
    plan_sentence,
)
from planner.robust.values import expected
from planner.write.atomic import write_atomically, write_text_atomically
from planner.write.xlsx_charts import (
    axis_title,
    money_axis_format,
    money_label_format,
    zero_based,
)
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Pair,
    Placed,
    finish_sheet,
    make_formats,
    open_workbook,
    setup_print,
    write_cell,
    write_pairs,
    write_table,
)

SENTENCE_LINE = 130  # characters of the plan sentence on one line of Summary's A:C
NOTES = (
    (
        "Robust plan",
        "One set of retooling starts (z) and launches (y) for every scenario; "
        "production, sales and policy violations are each scenario's own. It maximises "
        "(1−λ)·Σ π_s NPV_s + λ·CVaR_α over all scenarios at once (the extensive form).",
    ),
    (
        "NPV in a scenario",
        "The plan fixed in the scenario's own model and everything else "
        "solved again (a linear program): NPV_s(plan), penalties included.",
    ),
    (
        "CVaR_α",
        "Computed from those NPVs: max over η of η − (1/α)·Σ π_s·max(0, η − NPV_s); "
        "about the mean NPV of the worst α share of probability.",
    ),
    (
        "Regret",
        "Regret of plan q in scenario s = NPV*_s − NPV_s(q), where NPV*_s is scenario "
        "s solved alone (its own plan, re-solved the same way). A negative regret can only be "
        "within the MIP gap of that scenario's own solve.",
    ),
    (
        "EVPI",
        "Expected value of perfect information = Σ π_s NPV*_s − Σ π_s NPV_s(P0), P0 the "
        "robust plan at λ = 0: what knowing the scenario before retooling would be worth.",
    ),
    (
        "VSS",
        "Value of the stochastic solution = Σ π_s NPV_s(P0) − EEV, EEV = Σ π_s NPV_s(EV "
        "plan); the EV plan is the optimum of one case whose inputs are the π-weighted mean of "
        "the scenarios' (whole numbers, text and blanks from the most probable scenario). Not "
        "defined when the EV plan is infeasible in some scenario.",
    ),
)


def write_robust(folder: Path, report: RobustReport) -> None:
    write_text_atomically(
        folder / "robust.json", json.dumps(robust_summary(report), indent=2) + "\n"
    )
    write_atomically(folder / "robust.xlsx", lambda path: write_robust_workbook(path, report))


def robust_summary(report: RobustReport) -> dict[str, Any]:
    base = report.base
    return {
        "planner_version": __version__,
        "input_file": base.input_file,
        "input_sha256": base.input_sha256,
        "status": report.status.value,
        "solver": report.solver,
        "mip_gap": _number(report.gap),
        "solve_seconds": round(report.solve_seconds, 3),
        "objective": _number(report.objective),
        "expected_npv": _number(report.expected_npv),
        "cvar": _number(report.cvar),
        "worst_npv": _number(report.worst_npv),
        "risk_weight": report.risk.risk_weight,
        "cvar_alpha": report.risk.cvar_alpha,
        "probabilities": dict(report.probabilities),
        "npv_by_scenario": {s: _number(v) for s, v in report.npv_by_scenario.items()},
        "retools": [
            {
                "option_id": r.option_id,
                "plant_id": r.plant_id,
                "from_line_type": r.from_line_type,
                "to_line_type": r.to_line_type,
                "start_year": r.start_year,
                "online_year": r.online_year,
                "capex": r.capex,
            }
            for r in report.retools()
        ],
        "launched_products": sorted(report.plan.launched) if report.plan else [],
        "evpi": _number(report.evpi),
        "vss": _number(report.vss),
        "regret": {
            plan: {s: _number(v) for s, v in by_scenario.items()}
            for plan, by_scenario in report.regret.items()
        },
        "status_quo_npv_by_scenario": {
            s: _number(v) for s, v in report.status_quo_npv_by_scenario.items()
        },
        "plan_value_by_scenario": {s: _number(v) for s, v in report.plan_value_by_scenario.items()},
        "expected_plan_value": _number(report.expected_plan_value),
    }


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def write_robust_workbook(path: Path, report: RobustReport) -> None:
    book = open_workbook(path)
    try:
        formats = make_formats(book)
        _summary(book, formats, report)
        _plan(book, formats, report)
        _scenarios(book, formats, report)
        if report.plans:
            regret = _regret(book, formats, report)
            _charts(book, report, regret)
        if report.frontier:
            _frontier(book, formats, report.frontier)
        if report.diagnosis or report.infeasible_alone:
            _diagnosis(book, formats, report)
    finally:
        book.close()


def _summary(book: Workbook, formats: Formats, report: RobustReport) -> None:
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 90)
    base, risk = report.base, report.risk
    sheet.write_string(
        0, 0, f"Robust plan: {base.name} ({len(report.cases)} scenarios)", formats.title
    )
    sheet.write_string(
        1,
        0,
        f"λ = {risk.risk_weight:g} (weight of CVaR), α = "
        f"{risk.cvar_alpha:g} (tail share); NPVs are each scenario "
        "re-solved with the plan fixed",
        formats.note,
    )
    sentence = plan_sentence(report)
    sheet.merge_range(2, 0, 2, 2, sentence, formats.paragraph)
    sheet.set_row(2, 16 * (len(sentence) // SENTENCE_LINE + 1) + 6)  # no wrapped line cut off
    pairs = [
        Pair("status", report.status.value),
        Pair("solver", report.solver),
        Pair(
            "MIP gap",
            gap_text(report),
            Kind.TEXT,
            "the solver's remaining gap, relative and in $ of the objective: "
            "plans closer in NPV than this cannot be told apart",
        ),
        Pair("solve seconds", report.solve_seconds, Kind.SECONDS, "the extensive form at λ"),
        Pair(
            "objective",
            report.objective,
            Kind.MONEY,
            "(1−λ)·expected NPV + λ·CVaR, as solved (before the re-solves)",
        ),
        Pair("expected NPV", report.expected_npv, Kind.MONEY, "Σ π_s NPV_s(robust plan)"),
        Pair(
            "expected plan value",
            report.expected_plan_value,
            Kind.MONEY,
            "Σ π_s (NPV_s(robust plan) − status quo NPV_s)",
        ),
        Pair(
            f"CVaR {risk.cvar_alpha:g}",
            report.cvar,
            Kind.MONEY,
            "max over η of η − (1/α)·Σ π_s·max(0, η − NPV_s)",
        ),
        Pair("worst-case NPV", report.worst_npv, Kind.MONEY, "min_s NPV_s(robust plan)"),
        Pair(
            "EVPI",
            report.evpi,
            Kind.MONEY,
            "Σ π_s NPV*_s − Σ π_s NPV_s(P0), P0 = the robust plan at λ = 0",
        ),
        Pair("EEV", report.eev, Kind.MONEY, "Σ π_s NPV_s(expected-value plan)"),
        Pair("VSS", report.vss, Kind.MONEY, "Σ π_s NPV_s(P0) − EEV"),
        Pair("risk weight λ", risk.risk_weight, Kind.FACTOR),
        Pair("CVaR α", risk.cvar_alpha, Kind.FACTOR),
        *(Pair(f"extensive form {k}", v, Kind.COUNT) for k, v in report.model_size.items()),
        *(Pair(f"seconds: {k}", v, Kind.SECONDS) for k, v in report.timings.items()),
        Pair("planner version", __version__),
        Pair("input file", base.input_file),
        Pair("input sha256", base.input_sha256),
    ]
    row = write_pairs(sheet, formats, 4, 0, pairs, ("metric", "value", "how it is computed"))
    warnings = (*report.warnings, *near_ties(report))
    row = _lines(sheet, formats, row + 1, "Warnings", warnings)
    sheet.write_string(row, 0, "How these figures are computed", formats.section)
    for offset, (label, text) in enumerate(NOTES, start=row + 1):
        sheet.write_string(offset, 0, label, formats.cell(Kind.TEXT, bold=True))
        sheet.merge_range(offset, 1, offset, 2, "", formats.paragraph)
        sheet.write_string(offset, 1, text, formats.paragraph)
        sheet.set_row(offset, 46)
    sheet.freeze_panes(4, 0)
    setup_print(sheet)


def _lines(sheet: Worksheet, formats: Formats, row: int, title: str, lines: Sequence[str]) -> int:
    if not lines:
        return row
    sheet.write_string(row, 0, title, formats.section)
    for offset, line in enumerate(lines, start=row + 1):
        sheet.write_string(offset, 0, line)
    return row + len(lines) + 2


def _plan(book: Workbook, formats: Formats, report: RobustReport) -> None:
    sheet = book.add_worksheet("Plan")
    sheet.write_string(
        0, 0, "The shared plan: retooling and launches for every scenario", formats.title
    )
    note = f"Option data (lead time, capex) as in scenario {report.base.scenario_id}."
    if report.plan is None:
        note += f" No plan: the status is {report.status.value}."
    sheet.write_string(1, 0, note, formats.note)
    placed = write_table(
        sheet,
        formats,
        3,
        0,
        [
            Column("option", Kind.TEXT, lambda r: r.option_id),
            Column("plant", Kind.TEXT, lambda r: report.base.plant(r.plant_id).name),
            Column("from line", Kind.TEXT, lambda r: r.from_line_type or "(new line)"),
            Column("to line", Kind.TEXT, lambda r: r.to_line_type),
            Column("start year", Kind.YEAR, lambda r: r.start_year),
            Column("online year", Kind.YEAR, lambda r: r.online_year),
            Column("capex", Kind.MONEY, lambda r: r.capex),
        ],
        report.retools(),
        "SharedRetools",
    )
    row = placed.last_row + 2
    launched = sorted(report.plan.launched) if report.plan else []
    _lines(sheet, formats, row, "Products launched", launched or ["(none)"])
    setup_print(sheet)


def _scenarios(book: Workbook, formats: Formats, report: RobustReport) -> None:
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


def _regret(book: Workbook, formats: Formats, report: RobustReport) -> Placed:
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


def _charts(book: Workbook, report: RobustReport, regret: Placed) -> None:
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


def _frontier(book: Workbook, formats: Formats, points: Sequence[FrontierPoint]) -> None:
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


def _diagnosis(book: Workbook, formats: Formats, report: RobustReport) -> None:
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
    row = _lines(sheet, formats, row + 2, "Notes", messages)
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
