"""Sensitivity sweeps: the Sweeps sheet, turned into one scenario per operand.

A sweep is the Sweeps rows that share a sweep_id; each row holds `;`-separated operands, the
same count on every row. The sweep's i-th scenario is base with each of its rows applied, in
row order, with that row's i-th operand, and nothing else (no ScenarioChanges row applies).
Its id is `<sweep_id>=<v>`, v the first row's i-th operand as written, or `<sweep_id>=<i>`
(i from 1) when the first row's operands repeat. Generated ids obey the rules of listed ids
(they become file names); a problem with one names the Sweeps cell it comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from planner.case import SweepPoint
from planner.contract.errors import Problem
from planner.contract.schema import SHEETS_BY_NAME
from planner.read.scenarios import (
    ALTERNATIVES_SUFFIX,
    Change,
    Scenario,
    id_problem,
    operand_kind,
    parse_target,
    scenario_rows,
)
from planner.read.tables import CoercionError, Record, Tables, coerce, column_check

FORBIDDEN_TARGETS = ("Decisions",)  # the other sheets are refused by the sheet column itself
REQUIRED = ("sweep_id", "sheet", "column", "op", "values")


@dataclass(frozen=True)
class SweepScenario:
    """One scenario a sweep adds: its row (id, description, sweep point) and its changes."""

    row: Scenario
    changes: tuple[Change, ...]


class SweepCell(Record):
    """A Sweeps row seen as the change row of one of its scenarios: `value` holds the
    scenario's operand, `scenario_id` its id, and a problem with the operand names the
    row's `values` cell."""

    def problem(self, column: str | None, message: str) -> Problem:
        return super().problem("values" if column == "value" else column, message)


@dataclass(frozen=True)
class _Row:
    """A well-formed Sweeps row: its target and its operands as written."""

    record: Record
    sheet: str
    column: str
    conditions: tuple[tuple[str, str], ...]
    operands: tuple[str, ...]


def sweep_scenarios(tables: Tables, problems: list[Problem]) -> list[SweepScenario]:
    """The scenarios of every sweep, in Sweeps order; problems for what is malformed."""
    scenarios: list[SweepScenario] = []
    for sweep_id, records in _sweeps(tables).items():
        rows = _parse_rows(sweep_id, records, problems)
        if rows is not None:
            scenarios += _scenarios(sweep_id, _label(records), rows)
    _check_ids(tables, scenarios, problems)
    return scenarios


def _sweeps(tables: Tables) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = {}
    for record in tables.get("Sweeps", []):
        if record.get("sweep_id"):
            groups.setdefault(record.get("sweep_id"), []).append(record)
    return groups


def _label(records: Sequence[Record]) -> str:
    labels = [r.get("label") for r in records if r.get("label")]
    return labels[0] if labels else records[0].get("sweep_id")


def _parse_rows(
    sweep_id: str, records: Sequence[Record], problems: list[Problem]
) -> list[_Row] | None:
    """The sweep's rows, or None when one is malformed (each problem reported)."""
    found: list[Problem] = []
    rows = []
    for record in records:
        row = _parse_row(record, found)
        if row is not None:
            rows.append(row)
    for row in rows[1:]:
        if len(row.operands) != len(rows[0].operands):
            found.append(
                row.record.problem(
                    "values",
                    f"sweep {sweep_id} has {len(row.operands)} operands here but "
                    f"{len(rows[0].operands)} on row {rows[0].record.row}; every row of a "
                    "sweep moves together, one operand per point",
                )
            )
    problems += found
    return None if found or len(rows) < len(records) else rows


def _parse_row(record: Record, problems: list[Problem]) -> _Row | None:
    if any(record.get(c) is None for c in REQUIRED):
        return None  # a cell is empty or not an allowed value: reported while coercing
    if record.get("sheet") in FORBIDDEN_TARGETS:
        problems.append(
            record.problem(
                "sheet",
                "a sweep may not change Decisions: they hold what is settled for every "
                "scenario (use a ScenarioChanges row to vary them)",
            )
        )
        return None
    target = parse_target(record, problems)
    operands = tuple(t.strip() for t in str(record.get("values")).split(";") if t.strip())
    if not operands:
        problems.append(record.problem("values", "holds no operand; write e.g. 0.5;1;1.5"))
    if target is None or not operands:
        return None
    sheet, column, conditions = target
    checked = (_operand_problem(record, sheet, column, i, t) for i, t in _numbered(operands))
    bad = [p for p in checked if p is not None]
    problems += bad
    return None if bad else _Row(record, sheet, column, conditions, operands)


def _numbered(operands: Sequence[str]) -> list[tuple[int, str]]:
    return list(enumerate(operands, start=1))


def _typed(record: Record, sheet: str, column: str, operand: str) -> Any:
    """The operand typed for its op and column (set: checked as a cell of that column)."""
    op = record.get("op")
    typed = coerce(operand, operand_kind(sheet, column, op))
    if op == "set" and sheet != "Settings":
        typed = column_check(SHEETS_BY_NAME[sheet].column(column))(typed)
    return typed


def _operand_problem(
    record: Record, sheet: str, column: str, index: int, operand: str
) -> Problem | None:
    try:
        _typed(record, sheet, column, operand)
    except CoercionError as exc:
        target = "the setting" if sheet == "Settings" else f"{sheet}.{column}"
        return record.problem(
            "values", f"operand {index} ({operand!r}): {record.get('op')} {target}: {exc}"
        )
    return None


def _scenarios(sweep_id: str, label: str, rows: Sequence[_Row]) -> list[SweepScenario]:
    written = rows[0].operands
    repeats = len({v.lower() for v in written}) < len(written)
    scenarios = []
    for index, value in _numbered(written):
        scenario_id = f"{sweep_id}={index if repeats else value}"
        point = SweepPoint(sweep_id, label, index, value)
        changes = tuple(_change(row, scenario_id, index) for row in rows)
        description = f"{label} = {value}"
        scenarios.append(SweepScenario(Scenario(scenario_id, description, None, point), changes))
    return scenarios


def _change(row: _Row, scenario_id: str, index: int) -> Change:
    record = row.record
    operand = row.operands[index - 1]
    cell = SweepCell(
        record.sheet,
        record.row,
        {**record.values, "scenario_id": scenario_id, "value": operand},
        record.letters,
    )
    typed = _typed(record, row.sheet, row.column, operand)
    return Change(cell, scenario_id, row.sheet, row.column, row.conditions, record.get("op"), typed)


def _check_ids(tables: Tables, scenarios: Sequence[SweepScenario], problems: list[Problem]) -> None:
    """Each generated id: a safe file name, distinct ignoring case from every other id and
    from `<id>_alternatives`; a problem names the Sweeps cell the id comes from (the
    sweep_id cell when the sweep's own id is at fault, once)."""
    listed = [r.scenario_id for r in scenario_rows(tables)]
    owners = {s.lower(): f"scenario {s}" for s in listed}
    every = {s.lower() for s in listed} | {s.row.scenario_id.lower() for s in scenarios}
    unsafe: set[str] = set()
    for scenario in scenarios:
        point = scenario.row.sweep
        assert point is not None
        first = scenario.changes[0].record
        scenario_id = scenario.row.scenario_id
        own = id_problem(f"{point.sweep_id}=1")
        if own is not None:
            if point.sweep_id not in unsafe:
                unsafe.add(point.sweep_id)
                problems.append(first.problem("sweep_id", f"sweep {point.sweep_id}: {own}"))
            continue
        key = scenario_id.lower()
        message = id_problem(scenario_id)
        if message is None and key in owners:
            message = (
                f"generates scenario id {scenario_id!r}, which equals {owners[key]} ignoring "
                "case; their output files would collide"
            )
        if message is None:
            message = _alternatives_problem(scenario_id, every)
        if message is not None:
            problems.append(first.problem("values", _point_message(point, message)))
        owners.setdefault(key, f"point {point.index} of sweep {point.sweep_id}")


def _point_message(point: SweepPoint, message: str) -> str:
    return f"point {point.index} ({point.value!r}) of sweep {point.sweep_id}: {message}"


def _alternatives_problem(scenario_id: str, ids: set[str]) -> str | None:
    """`<id>_alternatives` is the file of scenario id's alternative plans, both ways round."""
    key = scenario_id.lower()
    if key.endswith(ALTERNATIVES_SUFFIX) and key[: -len(ALTERNATIVES_SUFFIX)] in ids:
        return (
            f"generates scenario id {scenario_id!r}, the name of the alternatives file of "
            f"scenario {scenario_id[: -len(ALTERNATIVES_SUFFIX)]}"
        )
    if key + ALTERNATIVES_SUFFIX in ids:
        return (
            f"generates scenario id {scenario_id!r}, whose alternatives file would be "
            f"{key}{ALTERNATIVES_SUFFIX}.xlsx, the name of another scenario"
        )
    return None
