"""The per-scenario result workbook (SPEC §3), written with XlsxWriter.

Text cells are always written as strings (`write_string`), so a plant named `=HYPERLINK(...)`
stays text and never becomes a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from planner.io.atomic import write_atomically
from planner.io.write_json import summary
from planner.pipeline import ScenarioOutcome


def write_scenario_workbook(target: Path, outcome: ScenarioOutcome) -> None:
    write_atomically(target, lambda path: _write(path, outcome))


def _write(path: Path, outcome: ScenarioOutcome) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False})
    try:
        sheet = book.add_worksheet("Summary")
        bold = book.add_format({"bold": True})
        sheet.write_string(0, 0, "metric", bold)
        sheet.write_string(0, 1, "value", bold)
        for row, (key, value) in enumerate(_summary_rows(outcome), start=1):
            sheet.write_string(row, 0, key)
            _write_value(sheet, row, 1, value)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 40)
    finally:
        book.close()


def _summary_rows(outcome: ScenarioOutcome) -> list[tuple[str, Any]]:
    data = summary(outcome)
    rows: list[tuple[str, Any]] = [
        (key, data[key]) for key in ("scenario", "status", "npv", "solver", "mip_gap",
                                     "solve_seconds", "input_file", "input_sha256")
    ]
    rows.append(("retools", len(data["retools"])))
    rows.append(("launched_products", ", ".join(data["launched_products"])))
    return rows


def _write_value(sheet: Any, row: int, column: int, value: Any) -> None:
    if value is None:
        sheet.write_blank(row, column, None)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, str(value))
