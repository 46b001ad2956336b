"""Scenario rows and change rows (contract §1 Scenarios, ScenarioChanges), parsed and checked.

`scenario_rows` lists the scenarios, `base` first; `check_scenario_ids` and `id_problem` keep
ids usable as output file names. A change row is parsed into a `Change` (its scenario, sheet,
column, match conditions and typed operand) and what it says on its own is checked once, by
`check_changes`; applying the changes to one scenario's tables is `planner.read.scenario_apply`,
and the changes robust mode refuses are `planner.read.scenario_robust`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from planner.case import Scenario
from planner.contract.errors import Problem
from planner.contract.schema import (
    SHEETS_BY_NAME,
    Kind,
)
from planner.read.raw_workbook import canonical
from planner.read.tables import (
    CoercionError,
    Record,
    Tables,
    coerce,
)

BASE = "base"
ROBUST_FIXED_SETTINGS = ("first_year", "last_year", "risk_weight", "cvar_alpha")
ROBUST_FIXED_OPTION_COLUMNS = ("option_id", "plant_id", "from_line_type", "to_line_type")
MAX_ID_LENGTH = 64
FORBIDDEN_ID_CHARACTERS = '/\\<>:"|?*'
RESERVED_IDS = ("comparison", "robust")  # the run's own output files
ALTERNATIVES_SUFFIX = "_alternatives"
DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{n}" for port in ("com", "lpt") for n in "123456789"]
)  # names Windows keeps for devices, whatever follows a `.`


@dataclass(frozen=True)
class Change:
    """One well-formed ScenarioChanges row."""

    record: Record
    scenario_id: str
    sheet: str
    column: str
    conditions: tuple[tuple[str, str], ...]
    op: str
    operand: Any

    def targets(self, tables: Tables) -> list[Record]:
        return [r for r in tables.get(self.sheet, []) if _matches(r, self.conditions)]


def scenario_rows(tables: Tables) -> list[Scenario]:
    """`base` first (described by its row if listed), then the Scenarios rows in order."""
    rows = [
        Scenario(r.get("scenario_id"), r.get("description") or "", r.get("probability"))
        for r in tables.get("Scenarios", [])
        if r.get("scenario_id")
    ]
    base = next((r for r in rows if r.scenario_id == BASE), Scenario(BASE, "", None))
    return [base] + [r for r in rows if r.scenario_id != BASE]


def check_changes(tables: Tables, problems: list[Problem]) -> None:
    """Scenario ids, then what each change row says on its own: scenario, sheet, column,
    match and operand."""
    check_scenario_ids(tables, problems)
    known = {r.scenario_id for r in scenario_rows(tables)}
    for record in tables.get("ScenarioChanges", []):
        scenario = record.get("scenario_id")
        if scenario == BASE:
            problems.append(record.problem("scenario_id", "base has no changes by definition"))
        elif scenario is not None and scenario not in known:
            problems.append(
                record.problem("scenario_id", f"scenario {scenario!r} is not in Scenarios")
            )
        parse_change(record, problems)


def check_scenario_ids(tables: Tables, problems: list[Problem]) -> None:
    """Scenario ids become file names: each must be one safe name, distinct ignoring case.

    A named id may hold spaces, `=`, `+` and `-`; see `id_problem` for what it may not.
    """
    records = [r for r in tables.get("Scenarios", []) if r.get("scenario_id")]
    first: dict[str, Record] = {}
    for record in records:
        scenario_id = record.get("scenario_id")
        message = id_problem(scenario_id)
        key = scenario_id.lower()
        if message is None and key == BASE and scenario_id != BASE:
            message = f"scenario id {scenario_id!r} equals base ignoring case; write base"
        if message is None and key in first and first[key].get("scenario_id") != scenario_id:
            message = (
                f"scenario id {scenario_id!r} equals {first[key].get('scenario_id')!r} "
                f"(row {first[key].row}) ignoring case; their output files would collide"
            )
        if message is None:
            message = _alternatives_problem(scenario_id, records)
        if message is not None:
            problems.append(record.problem("scenario_id", message))
        first.setdefault(key, record)


def id_problem(scenario_id: str) -> str | None:
    """Why `scenario_id` cannot be a file name, or None."""
    for character in scenario_id:
        if character in FORBIDDEN_ID_CHARACTERS:
            return f"scenario id {scenario_id!r} holds {character!r}; ids become file names"
        if unicodedata.category(character) == "Cc":
            return (
                f"scenario id {scenario_id!r} holds a control character "
                f"(U+{ord(character):04X}); ids become file names"
            )
    if scenario_id.startswith("."):
        return f"scenario id {scenario_id!r} starts with '.'; ids become file names"
    if scenario_id.endswith("."):
        return f"scenario id {scenario_id!r} ends with '.', which Windows drops from file names"
    if len(scenario_id) > MAX_ID_LENGTH:
        return (
            f"scenario id is {len(scenario_id)} characters, over {MAX_ID_LENGTH} characters "
            "(ids become file names)"
        )
    if scenario_id.lower() in RESERVED_IDS:
        return f"scenario id {scenario_id!r} is reserved: the run writes {scenario_id.lower()}.xlsx"
    if scenario_id.split(".")[0].strip().lower() in DEVICE_NAMES:
        return f"scenario id {scenario_id!r} is reserved by Windows for a device; choose another"
    return None


def _alternatives_problem(scenario_id: str, records: list[Record]) -> str | None:
    """`<id>_alternatives` is the file of scenario id's alternative plans."""
    if not scenario_id.lower().endswith(ALTERNATIVES_SUFFIX):
        return None
    stem = scenario_id[: -len(ALTERNATIVES_SUFFIX)].lower()
    ids = {BASE} | {r.get("scenario_id").lower() for r in records}
    if stem in ids:
        return (
            f"scenario id {scenario_id!r} is reserved: the run writes the alternatives of "
            f"scenario {stem} to {scenario_id.lower()}.xlsx"
        )
    return None


def parse_change(record: Record, problems: list[Problem]) -> Change | None:
    """The change a ScenarioChanges row describes, or None (with problems) if it is malformed."""
    values = record.values
    if any(values.get(c) is None for c in ("scenario_id", "sheet", "column", "op", "value")):
        return None  # a cell is empty or not an allowed value: reported while coercing
    target = parse_target(record, problems)
    if target is None:
        return None
    sheet, column, conditions = target
    operand = _operand(record, sheet, column, problems)
    if operand is FAILED:
        return None
    return Change(record, values["scenario_id"], sheet, column, conditions, values["op"], operand)


def parse_target(
    record: Record, problems: list[Problem]
) -> tuple[str, str, tuple[tuple[str, str], ...]] | None:
    """Sheet, column and match conditions of a change row (its `sheet`, `column` and `match`
    cells, filled and allowed), or None with problems."""
    values = record.values
    sheet = values["sheet"]  # one of CHANGEABLE_SHEETS, spelt as in the schema
    columns = {canonical(c): c for c in SHEETS_BY_NAME[sheet].column_names}
    column = columns.get(canonical(values["column"]))
    if column is None:
        problems.append(
            record.problem(
                "column",
                f"{sheet} has no column {values['column']!r} (columns: "
                f"{', '.join(columns.values())})",
            )
        )
        return None
    if sheet == "Settings" and column != "value":
        problems.append(
            record.problem(
                "column",
                "a Settings change changes `value`; choose the setting with match key=<key>",
            )
        )
        return None
    conditions = _parse_match(record, columns, problems)
    if conditions is None:
        return None
    return sheet, column, conditions


FAILED = object()


def _parse_match(
    change: Record, columns: dict[str, str], problems: list[Problem]
) -> tuple[tuple[str, str], ...] | None:
    conditions = []
    for part in (p.strip() for p in (change.get("match") or "").split(";")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        column = columns.get(canonical(name))
        if not sep or column is None:
            problems.append(
                change.problem(
                    "match", f"condition {part!r} is not column=value with a column of that sheet"
                )
            )
            return None
        conditions.append((column, value.strip()))
    return tuple(conditions)


def _operand(change: Record, sheet: str, column: str, problems: list[Problem]) -> Any:
    """The operand, typed: a number for multiply and add, the column's type for set.

    A Settings value stays text here; it is typed by its key when the scenario's Settings
    are read, and a bad one is reported there, naming this row.
    """
    op, value = change.get("op"), change.get("value")
    try:
        return coerce(value, operand_kind(sheet, column, op))
    except CoercionError as exc:
        problems.append(change.problem("value", f"{op}: the operand {exc}"))
        return FAILED


def operand_kind(sheet: str, column: str, op: str) -> Kind:
    """A number for multiply and add; for set, the column's type (text for Settings)."""
    if op != "set":
        return Kind.FLOAT
    if sheet == "Settings":
        return Kind.TEXT
    return SHEETS_BY_NAME[sheet].column(column).kind


def _matches(record: Record, conditions: tuple[tuple[str, str], ...]) -> bool:
    return all(_equal(record.values.get(column), wanted) for column, wanted in conditions)


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


def scenario_changes(tables: Tables, scenario_id: str) -> list[Change]:
    changes = (
        parse_change(r, [])
        for r in tables.get("ScenarioChanges", [])
        if r.get("scenario_id") == scenario_id
    )
    return [c for c in changes if c is not None]
