"""Diagnosis (when the case is infeasible) and RunInfo (how this result was made)."""

from __future__ import annotations

from dataclasses import fields

from xlsxwriter.workbook import Workbook

from planner import __version__
from planner.results.diagnosis import Diagnosis, GiveWay
from planner.results.outcome import ScenarioOutcome
from planner.results.tables import Violation
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Pair,
    setup_print,
    write_pairs,
    write_table,
)

DIAGNOSIS_NOTE = (
    "The case has no feasible plan. It was solved again with every hard policy made soft at a "
    "penalty per unit larger than anything one unit of relaxation can earn; the policies "
    "below are the ones that had to give way, and by how much."
)


def write_diagnosis(book: Workbook, formats: Formats, outcome: ScenarioOutcome) -> None:
    diagnosis = outcome.diagnosis
    if diagnosis is None:
        return
    sheet = book.add_worksheet("Diagnosis")
    sheet.set_column(0, 0, 28)
    sheet.write_string(0, 0, "Diagnosis: why there is no plan", formats.title)
    sheet.write_string(1, 0, DIAGNOSIS_NOTE, formats.note)
    row = 3
    lines = diagnosis.sentences() or [diagnosis.message or "no policy had to give way"]
    for line in lines:
        sheet.write_string(row, 0, line)
        row += 1
    row += 1
    sheet.write_string(row, 0, "What has to give way", formats.section)
    placed = write_table(
        sheet, formats, row + 1, 0, _give_way_columns(diagnosis), diagnosis.give_way, "GiveWay"
    )
    row = placed.last_row + 3
    if outcome.diagnosis_results is not None:
        sheet.write_string(row, 0, "Every violation in the relaxed plan", formats.section)
        write_table(
            sheet,
            formats,
            row + 1,
            0,
            _violation_columns(),
            outcome.diagnosis_results.violations,
            "RelaxedViolations",
            set_widths=False,
        )
    setup_print(sheet, landscape=False)


def _give_way_columns(diagnosis: Diagnosis) -> list[Column[GiveWay]]:
    return [
        Column("policy", Kind.TEXT, lambda g: g.policy_id),
        Column("kind", Kind.TEXT, lambda g: g.kind),
        Column("year", Kind.YEAR, lambda g: "window" if g.year is None else g.year),
        Column("direction", Kind.TEXT, lambda g: g.direction),
        Column("amount", Kind.UNITS, lambda g: g.amount),
        Column("unit", Kind.TEXT, lambda g: g.unit),
        Column(
            "penalty used ($ per unit)", Kind.CENTS, lambda g: diagnosis.penalties.get(g.policy_id)
        ),
        Column("reading", Kind.TEXT, lambda g: g.statement),
    ]


def _violation_columns() -> list[Column[Violation]]:
    return [
        Column("policy", Kind.TEXT, lambda v: v.policy_id),
        Column("kind", Kind.TEXT, lambda v: v.kind),
        Column("year", Kind.YEAR, lambda v: "window" if v.year is None else v.year),
        Column("violation", Kind.UNITS, lambda v: v.violation),
    ]


def write_run_info(book: Workbook, formats: Formats, outcome: ScenarioOutcome) -> None:
    sheet = book.add_worksheet("RunInfo")
    results = outcome.results
    case = results.case
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 2, 60)
    sheet.write_string(0, 0, "How this result was made", formats.title)
    run = [
        Pair("planner version", __version__),
        Pair("input file", case.input_file),
        Pair("input sha256", case.input_sha256),
        Pair("scenario", case.scenario_id),
        Pair("scenario description", case.scenario.description or ""),
        Pair("started (UTC)", outcome.started),
        Pair("finished (UTC)", outcome.finished),
        Pair("status", results.status.value),
        Pair("solver", results.solver),
        Pair("solver message", results.message),
        Pair(
            "worst violation (relative to the row's scale)",
            "" if results.max_violation is None else f"{results.max_violation:.2e}",
        ),
        Pair("build seconds", results.build_seconds, Kind.SECONDS),
        Pair("solve seconds", results.solve_seconds, Kind.SECONDS),
        *(Pair(f"model {key}", value, Kind.COUNT) for key, value in results.model_size.items()),
    ]
    row = write_pairs(sheet, formats, 2, 0, run, ("item", "value", ""))
    sheet.write_string(row + 1, 0, "Settings used (after command-line overrides)", formats.section)
    settings = [
        Pair(f.name, _setting(getattr(case.settings, f.name))) for f in fields(case.settings)
    ]
    row = write_pairs(sheet, formats, row + 2, 0, settings, ("setting", "value", ""))
    sheet.write_string(row + 1, 0, "Warnings from validation", formats.section)
    warnings = case.warnings or ("(none)",)
    for offset, warning in enumerate(warnings, start=row + 2):
        sheet.write_string(offset, 0, warning)
    setup_print(sheet, landscape=False)


def _setting(value: object) -> str | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return value
