"""Checks of the workbook's shape: rows present, unique keys, Settings keys, the horizon."""

from __future__ import annotations

from typing import Any

from planner.contract.errors import Problem
from planner.contract.schema import CPSAT_REFUSAL, SHEETS
from planner.read.tables import Record
from planner.read.validate.context import (
    DUPLICATES_ALLOWED,
    MAX_YEARS,
    Context,
)


def check_needs_rows(ctx: Context) -> None:
    for schema in SHEETS:
        if schema.needs_rows and schema.name in ctx.tables and not ctx.tables[schema.name]:
            ctx.problems.append(
                Problem(schema.name, None, None, None, "needs at least one data row")
            )


def check_keys(ctx: Context) -> None:
    for schema in SHEETS:
        if not schema.key or schema.name == "Settings":
            continue
        found = ctx.warnings if schema.name in DUPLICATES_ALLOWED else ctx.problems
        seen: dict[tuple[Any, ...], int] = {}
        for record in ctx.rows(schema.name):
            values = record.values
            key = tuple(values.get(c) for c in schema.key)
            if None in key:
                continue
            first = seen.setdefault(key, record.row)
            if first != record.row:
                shown = ", ".join(f"{c}={v}" for c, v in zip(schema.key, key, strict=True))
                found.append(
                    record.problem(schema.key[-1], f"duplicate {shown} (first on row {first})")
                )


def check_settings_keys(ctx: Context) -> None:
    seen: dict[str, int] = {}
    for record in ctx.rows("Settings"):
        setting = (record.get("key") or "").strip().lower()
        if setting in seen:
            ctx.problems.append(
                record.problem(
                    "key", f"duplicate setting {setting!r} (first on row {seen[setting]})"
                )
            )
        elif setting:
            seen[setting] = record.row


def check_solver(ctx: Context) -> None:
    """Settings `solver` = cpsat: refused with the reason (beside 'must be one of ...')."""
    record = _setting_record(ctx, "solver")
    if record is not None and str(record.get("value") or "").strip().lower() == "cpsat":
        ctx.problems.append(_setting_problem(record, CPSAT_REFUSAL))


def check_horizon(ctx: Context) -> None:
    first, last = ctx.settings.get("first_year"), ctx.settings.get("last_year")
    if first is None or last is None:
        return
    where = _setting_record(ctx, "last_year")
    if last < first:
        ctx.problems.append(
            _setting_problem(where, f"last_year {last} is before first_year {first}")
        )
        return
    if last - first + 1 > MAX_YEARS:
        ctx.problems.append(
            _setting_problem(
                where,
                f"the horizon {first}-{last} has {last - first + 1} years; at most "
                f"{MAX_YEARS} are allowed",
            )
        )
    ctx.horizon = range(first, last + 1)


def _setting_record(ctx: Context, key: str) -> Record | None:
    return next(
        (r for r in ctx.rows("Settings") if (r.get("key") or "").strip().lower() == key), None
    )


def _setting_problem(record: Record | None, message: str) -> Problem:
    if record is None:
        return Problem("Settings", None, None, "value", message)
    return record.problem("value", message)
