"""Scenario changes (SPEC §1 ScenarioChanges), applied in row order to copies of the base tables.

Every changed cell remembers the change row that set it, so a check that fails only after a
change (a `multiply` that makes a capacity negative, say) names both the change and the cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.errors import Problem
from planner.io.read_workbook import canonical
from planner.schema import SCENARIO_SHEETS, SHEETS_BY_NAME, Kind
from planner.tables import CoercionError, Record, Tables, as_text, check_column_value, coerce

BASE = "base"


@dataclass(frozen=True)
class ScenarioRow:
    scenario_id: str
    description: str
    probability: float | None


def scenario_rows(tables: Tables) -> list[ScenarioRow]:
    """`base` first (described by its row if listed), then the Scenarios rows in order."""
    rows = [ScenarioRow(r.get("scenario_id"), r.get("description") or "", r.get("probability"))
            for r in tables.get("Scenarios", []) if r.get("scenario_id")]
    base = next((r for r in rows if r.scenario_id == BASE), ScenarioRow(BASE, "", None))
    return [base] + [r for r in rows if r.scenario_id != BASE]


def check_change_references(tables: Tables, problems: list[Problem]) -> None:
    known = {r.scenario_id for r in scenario_rows(tables)}
    for change in tables.get("ScenarioChanges", []):
        scenario = change.get("scenario_id")
        if scenario == BASE:
            problems.append(change.problem("scenario_id", "base has no changes by definition"))
        elif scenario is not None and scenario not in known:
            problems.append(change.problem("scenario_id",
                                           f"scenario {scenario!r} is not in Scenarios"))


def copy_tables(tables: Tables) -> Tables:
    return {name: [Record(r.sheet, r.row, dict(r.values), r.letters, dict(r.changed_by))
                   for r in records]
            for name, records in tables.items()}


def apply_changes(tables: Tables, scenario_id: str, problems: list[Problem]) -> Tables:
    """A copy of `tables` with the scenario's changes applied in row order."""
    changed = copy_tables(tables)
    for change in tables.get("ScenarioChanges", []):
        if change.get("scenario_id") == scenario_id:
            _apply_one(changed, change, scenario_id, problems)
    return changed


def _apply_one(tables: Tables, change: Record, scenario_id: str, problems: list[Problem]) -> None:
    sheet = _sheet_name(change, problems)
    if sheet is None:
        return
    schema = SHEETS_BY_NAME[sheet]
    columns = {canonical(c): c for c in schema.column_names}
    column = columns.get(canonical(change.get("column") or ""))
    if column is None:
        problems.append(change.problem("column", f"{sheet} has no column "
                                                 f"{change.get('column')!r}"))
        return
    if sheet == "Settings" and column != "value":
        problems.append(change.problem("column", "Settings changes must change `value`"))
        return
    conditions = _parse_match(change, columns, problems)
    if conditions is None:
        return
    targets = [r for r in tables.get(sheet, []) if _matches(r, conditions)]
    if not targets:
        problems.append(change.problem("match", f"matches no row of {sheet}"))
        return
    where = f"ScenarioChanges!{change.letters.get('value', '')}{change.row} in scenario " \
            f"{scenario_id}"
    kind = Kind.TEXT if sheet == "Settings" else schema.column(column).kind
    for target in targets:
        new_value = _new_value(change, kind, target.get(column), problems)
        if new_value is _FAILED:
            return
        target.changed_by[column] = where
        if sheet == "Settings":
            target.values[column] = new_value
        else:
            target.values[column] = check_column_value(target, schema.column(column), new_value,
                                                       problems)


_FAILED = object()


def _sheet_name(change: Record, problems: list[Problem]) -> str | None:
    wanted = canonical(change.get("sheet") or "")
    for name in SHEETS_BY_NAME:
        if canonical(name) == wanted:
            if name in SCENARIO_SHEETS:
                problems.append(change.problem("sheet", f"{name} cannot be changed by a "
                                                        "scenario"))
                return None
            return name
    problems.append(change.problem("sheet", f"unknown sheet {change.get('sheet')!r}"))
    return None


def _parse_match(
    change: Record, columns: dict[str, str], problems: list[Problem]
) -> list[tuple[str, str]] | None:
    text = change.get("match") or ""
    conditions = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        column = columns.get(canonical(name))
        if not sep or column is None:
            problems.append(change.problem("match", f"condition {part!r} is not column=value "
                                                    "with a column of that sheet"))
            return None
        conditions.append((column, value.strip()))
    return conditions


def _matches(record: Record, conditions: list[tuple[str, str]]) -> bool:
    return all(_equal(record.get(column), wanted) for column, wanted in conditions)


def _equal(value: Any, wanted: str) -> bool:
    if value is None:
        return wanted == ""
    if isinstance(value, tuple):  # a selector
        value = ";".join(value)
    if isinstance(value, str):
        return value.lower() == wanted.lower()
    try:
        return float(value) == float(wanted)
    except ValueError:
        return False


def _new_value(change: Record, kind: Kind, current: Any, problems: list[Problem]) -> Any:
    op, operand = change.get("op"), change.get("value")
    if op == "set":
        try:
            return coerce(operand, kind)
        except CoercionError as exc:
            problems.append(change.problem("value", str(exc)))
            return _FAILED
    if kind not in (Kind.INT, Kind.FLOAT) and not _numeric(current):
        problems.append(change.problem("op", f"{op} needs a numeric column"))
        return _FAILED
    try:
        number = coerce(operand, Kind.FLOAT)
    except CoercionError as exc:
        problems.append(change.problem("value", str(exc)))
        return _FAILED
    if current is None:
        problems.append(change.problem("op", f"{op} on an empty cell"))
        return _FAILED
    base = float(current)
    result = base * number if op == "multiply" else base + number
    if kind is Kind.INT:
        if abs(result - round(result)) > 1e-9:
            problems.append(change.problem("value", f"{op} gives {result:g}, not a whole number"))
            return _FAILED
        return round(result)
    if kind is Kind.TEXT:  # a Settings value
        return as_text(result)
    return result


def _numeric(value: Any) -> bool:
    try:
        coerce(value, Kind.FLOAT)
    except CoercionError:
        return False
    return value is not None
