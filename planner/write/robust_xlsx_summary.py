"""robust.xlsx's Summary and Plan sheets.

Summary puts the robust plan in words, then its figures (status, gap, expected NPV, CVaR,
worst case, EVPI, EEV, VSS, model size, timings, provenance) each with how it is computed, the
warnings (near ties within the MIP gap included) and a note per measure on how it is defined.
Plan lists the shared retooling starts and the products launched. `write_lines` (a titled list
of text lines) is shared with the Diagnosis sheet.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner import __version__
from planner.robust.report import RobustReport, gap_text, near_ties, plan_sentence
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Pair,
    setup_print,
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


def summary_sheet(book: Workbook, formats: Formats, report: RobustReport) -> None:
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
    row = write_lines(sheet, formats, row + 1, "Warnings", warnings)
    sheet.write_string(row, 0, "How these figures are computed", formats.section)
    for offset, (label, text) in enumerate(NOTES, start=row + 1):
        sheet.write_string(offset, 0, label, formats.cell(Kind.TEXT, bold=True))
        sheet.merge_range(offset, 1, offset, 2, "", formats.paragraph)
        sheet.write_string(offset, 1, text, formats.paragraph)
        sheet.set_row(offset, 46)
    sheet.freeze_panes(4, 0)
    setup_print(sheet)


def write_lines(
    sheet: Worksheet, formats: Formats, row: int, title: str, lines: Sequence[str]
) -> int:
    if not lines:
        return row
    sheet.write_string(row, 0, title, formats.section)
    for offset, line in enumerate(lines, start=row + 1):
        sheet.write_string(offset, 0, line)
    return row + len(lines) + 2


def plan_sheet(book: Workbook, formats: Formats, report: RobustReport) -> None:
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
    write_lines(sheet, formats, row, "Products launched", launched or ["(none)"])
    setup_print(sheet)
