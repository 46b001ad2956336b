"""One scenario's tables: its change rows applied, in row order, to a copy of the base tables.

`apply_changes` copies only the sheets a change touches. Each changed cell remembers the change
row that set it, so a check that fails only after a change (a `multiply` that makes a capacity
negative, say) names both the change and the cell; what a change does (the rows it matches, the
value it makes: numeric for multiply and add, whole for an int column, finite) is checked here,
per scenario, while what a change row says on its own is checked in `planner.read.scenarios`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from planner.contract.errors import Problem
from planner.contract.schema import (
    SETTINGS_BY_KEY,
    SHEETS_BY_NAME,
    Column,
    Kind,
    fmt_number,
)
from planner.read.scenarios import (
    FAILED,
    Change,
    scenario_changes,
)
from planner.read.tables import (
    CoercionError,
    Tables,
    as_text,
    check_column_value,
    coerce,
)


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
        if new_value is FAILED:
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
        return FAILED
    kind = Kind.TEXT if column is None else column.kind
    if kind not in (Kind.INT, Kind.FLOAT) and not _numeric(current):
        problems.append(
            change.record.problem(
                "op",
                f"{change.op} needs a numeric column; {change.sheet}.{change.column} holds "
                f"{current!r}",
            )
        )
        return FAILED
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
            return FAILED
        return round(result)
    return as_text(result) if kind is Kind.TEXT else result


def _numeric(value: Any) -> bool:
    try:
        coerce(value, Kind.FLOAT)
    except CoercionError:
        return False
    return value is not None
