"""A warning when the case's figures span more orders of magnitude than the solver resolves.

Each cell is within its column's limit (checked while coercing), yet a model whose money
figures run from cents to trillions has coefficients the solver's relative tolerances
(about 1e-9) cannot all honour: its answer may be off by more than a dollar.
"""

from __future__ import annotations

from planner.contract.errors import Problem
from planner.contract.schema import SHEETS, fmt_number, limit_text
from planner.read.tables import Record
from planner.read.validate.context import Context

WIDE_RANGE = 1e9  # largest / smallest non-zero figure of one kind
KINDS = {
    "money": frozenset({"$", "$/unit", "$/year"}),
    "unit": frozenset({"units", "units/year"}),
}


def check_magnitudes(ctx: Context) -> None:
    for kind, units in KINDS.items():
        cells = [
            (abs(value), record, column.name)
            for schema in SHEETS
            for column in schema.columns
            if column.unit in units
            for record in ctx.rows(schema.name)
            if isinstance(value := record.values.get(column.name), (int, float)) and value
        ]
        if not cells:
            continue
        small = min(cells, key=lambda cell: cell[0])
        large = max(cells, key=lambda cell: cell[0])
        if large[0] > WIDE_RANGE * small[0]:
            ctx.warnings.append(_warning(kind, large, small))


def _warning(
    kind: str, large: tuple[float, Record, str], small: tuple[float, Record, str]
) -> Problem:
    where = small[1].problem(small[2], "").cell
    return large[1].problem(
        large[2],
        f"{kind} figures range from {fmt_number(small[0])} ({where}) to "
        f"{fmt_number(large[0])}, more than a factor {limit_text(WIDE_RANGE)} apart: the "
        "solver's tolerances may make the answer inexact; check the units of both cells",
    )
