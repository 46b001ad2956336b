"""Capacity, docs/contract.md §2.2.

cap[p,l,t] = E[p,l] − Σ_{o: p_o=p, f_o=l} d_o Σ_{τ≤t} z[o,τ]
                    + Σ_{o: p_o=p, g_o=l} a_o Σ_{τ≤t−L_o} r_o(t − τ − L_o + 1) · z[o,τ]

with r_o(j) the j-th ramp-up share of option o (RetoolOptions.ramp_up), 1 beyond the list.

- capacity[p,l,t]:  Σ_k x[p,l,k,t] ≤ cap[p,l,t]   (z terms moved to the left-hand side)
- removal_limit[p,l]: Σ_{o: p_o=p, f_o=l} d_o Σ_t z[o,t] ≤ E[p,l]
- once[o]:           Σ_t z[o,t] ≤ 1   (only when o has more than one start year; with one
                     the binary bound is the same row)
"""

from __future__ import annotations

from collections import defaultdict

from planner.case import Case, RetoolOption
from planner.model.lp import LinearProgram
from planner.model.variables import Variables, existing_capacity


def add_capacity(case: Case, lp: LinearProgram, v: Variables) -> dict[tuple[str, str, int], int]:
    """Capacity rows per (plant, line, year) that has production; returns their row indices."""
    existing = existing_capacity(case)
    production: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (plant_id, line_type, _, t), column in v.x.items():
        production[plant_id, line_type, t].append(column)
    removing: dict[tuple[str, str], list[RetoolOption]] = defaultdict(list)
    adding: dict[tuple[str, str], list[RetoolOption]] = defaultdict(list)
    for option in case.options:
        adding[option.plant_id, option.to_line_type].append(option)
        if option.from_line_type is not None:
            removing[option.plant_id, option.from_line_type].append(option)
    rows = {}
    for (plant_id, line_type, t), columns in sorted(production.items()):
        coefficients = [1.0] * len(columns)
        columns = list(columns)
        for option in removing.get((plant_id, line_type), ()):
            for start, column in v.starts(option.option_id):
                if start <= t and option.capacity_removed:
                    columns.append(column)
                    coefficients.append(option.capacity_removed)
        for option in adding.get((plant_id, line_type), ()):
            for start, column in v.starts(option.option_id):
                added = option.added_in(start, t)
                if added:
                    columns.append(column)
                    coefficients.append(-added)
        rows[plant_id, line_type, t] = lp.add_row(
            f"capacity[{plant_id},{line_type},{t}]",
            columns,
            coefficients,
            upper=existing.get((plant_id, line_type), 0.0),
        )
    _add_removal_limits(lp, v, removing, existing)
    _add_once_only(case, lp, v)
    return rows


def _add_removal_limits(
    lp: LinearProgram,
    v: Variables,
    removing: dict[tuple[str, str], list[RetoolOption]],
    existing: dict[tuple[str, str], float],
) -> None:
    for (plant_id, line_type), options in sorted(removing.items()):
        columns, coefficients = [], []
        for option in options:
            for _, column in v.starts(option.option_id):
                if option.capacity_removed:
                    columns.append(column)
                    coefficients.append(option.capacity_removed)
        if columns:
            lp.add_row(
                f"removal_limit[{plant_id},{line_type}]",
                columns,
                coefficients,
                upper=existing.get((plant_id, line_type), 0.0),
            )


def _add_once_only(case: Case, lp: LinearProgram, v: Variables) -> None:
    for option in case.options:
        columns = [column for _, column in v.starts(option.option_id)]
        if len(columns) > 1:
            lp.add_row(f"once[{option.option_id}]", columns, [1.0] * len(columns), upper=1.0)
