"""Scenario changes (contract §1 ScenarioChanges), applied in row order to copies of the base
tables.

Every changed cell remembers the change row that set it, so a check that fails only after a
change (a `multiply` that makes a capacity negative, say) names both the change and the cell.
What a change row says on its own (its scenario, sheet, column, match and operand) is checked
once by `check_changes`; what it does (the rows it matches, the values it makes) is checked
per scenario by `apply_changes`.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from planner.case import Scenario
from planner.contract.errors import Problem
from planner.contract.schema import (
    SETTINGS_BY_KEY,
    SHEETS_BY_NAME,
    Column,
    Kind,
    fmt_number,
)
from planner.read.raw_workbook import canonical
from planner.read.tables import (
    CoercionError,
    Record,
    Tables,
    as_text,
    check_column_value,
    coerce,
    coerce_settings,
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


ScenarioRow = Scenario  # a Scenarios row is the case's scenario record


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


def scenario_rows(tables: Tables) -> list[ScenarioRow]:
    """`base` first (described by its row if listed), then the Scenarios rows in order."""
    rows = [
        ScenarioRow(r.get("scenario_id"), r.get("description") or "", r.get("probability"))
        for r in tables.get("Scenarios", [])
        if r.get("scenario_id")
    ]
    base = next((r for r in rows if r.scenario_id == BASE), ScenarioRow(BASE, "", None))
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
    if operand is _FAILED:
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


_FAILED = object()


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
        return _FAILED


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


def apply_changes(
    tables: Tables,
    scenario_id: str,
    problems: list[Problem],
    changes: Sequence[Change] | None = None,
) -> Tables:
    """A copy of `tables` with the scenario's changes applied in row order.

    `changes`: those of a sweep scenario; by default the scenario's ScenarioChanges rows.
    Only the sheets a change touches are copied; the others are shared with `tables`.
    """
    if changes is None:
        changes = scenario_changes(tables, scenario_id)
    changed = dict(tables)
    for sheet in {c.sheet for c in changes}:
        changed[sheet] = [r.copy() for r in tables.get(sheet, [])]
    for change in changes:
        _apply_one(changed, change, problems)
    return changed


def _apply_one(tables: Tables, change: Change, problems: list[Problem]) -> None:
    targets = change.targets(tables)
    if not targets:
        problems.append(change.record.problem("match", _no_match(change)))
        return
    column = (
        None if change.sheet == "Settings" else SHEETS_BY_NAME[change.sheet].column(change.column)
    )
    for target in targets:
        if change.column in target.bad:  # reported already: what follows would mislead
            continue
        new_value = _new_value(change, column, target.values.get(change.column), problems)
        if new_value is _FAILED:
            return
        target.changed_by[change.column] = change.record
        if isinstance(new_value, float) and not math.isfinite(new_value):
            target.bad.add(change.column)
            target.values[change.column] = None
            problems.append(
                target.problem(change.column, f"{change.op} gives a number too large to represent")
            )
        elif column is None:
            target.values[change.column] = new_value
        else:
            target.values[change.column] = check_column_value(target, column, new_value, problems)


def _no_match(change: Change) -> str:
    shown = "; ".join(f"{c}={v}" for c, v in change.conditions) or "(all rows)"
    message = f"matches no row of {change.sheet}: {shown}"
    keys = [v for c, v in change.conditions if c == "key"]
    if change.sheet == "Settings" and keys and keys[0].lower() in SETTINGS_BY_KEY:
        spec = SETTINGS_BY_KEY[keys[0].lower()]
        message += f" (add a {spec.key} row to Settings, with its default {spec.default})"
    return message


def _new_value(change: Change, column: Column | None, current: Any, problems: list[Problem]) -> Any:
    if change.op == "set":
        return change.operand
    if current is None:
        problems.append(
            change.record.problem(
                "op", f"{change.op} on an empty cell of {change.sheet}.{change.column}"
            )
        )
        return _FAILED
    kind = Kind.TEXT if column is None else column.kind
    if kind not in (Kind.INT, Kind.FLOAT) and not _numeric(current):
        problems.append(
            change.record.problem(
                "op",
                f"{change.op} needs a numeric column; {change.sheet}.{change.column} holds "
                f"{current!r}",
            )
        )
        return _FAILED
    base = float(coerce(current, Kind.FLOAT))
    result = base * change.operand if change.op == "multiply" else base + change.operand
    if not math.isfinite(result):
        return result  # reported at the changed cell
    if kind is Kind.INT:
        if abs(result - round(result)) > 1e-9:
            problems.append(
                change.record.problem(
                    "value",
                    f"{change.op} gives {fmt_number(result)} in "
                    f"{change.sheet}.{change.column}, not a whole number",
                )
            )
            return _FAILED
        return round(result)
    return as_text(result) if kind is Kind.TEXT else result


def _numeric(value: Any) -> bool:
    try:
        coerce(value, Kind.FLOAT)
    except CoercionError:
        return False
    return value is not None


def robust_change_problems(tables: Tables) -> list[Problem]:
    """Changes robust mode cannot accept (docs/contract.md §4), each named by its change row.

    A change to risk_weight, cvar_alpha, first_year or last_year; to an option's id, plant or
    line types; or one that moves an option's effective start window (earliest/latest start
    within the horizon). Other modes accept all of these.
    """
    problems: list[Problem] = []
    for record in tables.get("ScenarioChanges", []):
        change = parse_change(record, [])
        if change is not None:
            problems.extend(_fixed_input_problems(tables, change))
    settings = coerce_settings(tables.get("Settings", []), [])
    horizon = (settings.get("first_year"), settings.get("last_year"))
    base_windows = _option_windows(tables, horizon)
    for row in scenario_rows(tables)[1:]:
        changed = apply_changes(tables, row.scenario_id, [])
        for option, window in _option_windows(changed, horizon).items():
            problems.extend(_window_problems(changed, option, base_windows.get(option), window))
    return sorted(set(problems))


def decision_change_problems(tables: Tables) -> list[Problem]:
    """Decisions bind the one shared plan in robust mode: no scenario may change them."""
    return [
        change.problem(
            "sheet",
            f"scenario {change.get('scenario_id')} changes Decisions, but in robust mode the "
            "Decisions bind the one plan shared by every scenario: change them on the "
            "Decisions sheet itself",
        )
        for change in tables.get("ScenarioChanges", [])
        if change.get("sheet") == "Decisions"
    ]


def _fixed_input_problems(tables: Tables, change: Change) -> list[Problem]:
    why = "robust mode plans one set of retooling for all scenarios (docs/contract.md §4)"
    if change.sheet == "Settings":
        keys = {canonical(r.get("key")) for r in change.targets(tables)}
        fixed = [k for k in ROBUST_FIXED_SETTINGS if k in keys]
        return [
            change.record.problem(
                "match",
                f"changes {key}, which may not differ by scenario in robust mode "
                "(docs/contract.md §4)",
            )
            for key in fixed
        ]
    if change.sheet == "RetoolOptions" and change.column in ROBUST_FIXED_OPTION_COLUMNS:
        return [change.record.problem("column", f"changes an option's {change.column}; {why}")]
    return []


def _option_windows(
    tables: Tables, horizon: tuple[int | None, int | None]
) -> dict[str, tuple[int, int]]:
    """Each option's start window within the base horizon (changes to it are flagged apart)."""
    first, last = horizon
    if first is None or last is None:
        return {}
    windows = {}
    for record in tables.get("RetoolOptions", []):
        earliest = record.get("earliest_start")
        latest = record.get("latest_start")
        windows[record.get("option_id")] = (
            max(first, first if earliest is None else earliest),
            min(last, last if latest is None else latest),
        )
    return windows


def _window_problems(
    tables: Tables, option: str, base: tuple[int, int] | None, window: tuple[int, int]
) -> list[Problem]:
    if base is None or base == window:
        return []
    record = next(r for r in tables["RetoolOptions"] if r.get("option_id") == option)
    changes = [
        record.changed_by[c] for c in ("earliest_start", "latest_start") if c in record.changed_by
    ]
    return [
        change.problem(
            "value",
            f"moves the start window of option {option} from "
            f"{base[0]}-{base[1]} to {window[0]}-{window[1]}; robust "
            "mode plans one set of retooling for all scenarios "
            "(docs/contract.md §4)",
        )
        for change in changes
    ]
