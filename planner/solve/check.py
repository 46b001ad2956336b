"""An independent check of a solution against the model's rows, bounds and integrality.

A row's violation is measured as solvers measure feasibility, against the row's own scale:
excess / max(1, |bound|, Σ_j |a_ij · x_j|). A fleet-mpg row with bound 0 and terms of ±1e6
vehicle-mpg that a solver meets to 2e-4 is off by 2e-10 of its scale, not by 2e-4. A bound's
violation is excess / max(1, |bound|); integrality is |x − round(x)|.

Up to `TOLERANCE` a solution is taken as it is (cleaned). Up to `POLISH_LIMIT` it is polished:
the integers fixed at their rounded values, the linear program left re-solved with HiGHS, the
polished solution checked again. Anything worse, or a polish that fails, is a solver error,
never a silent result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.model.lp import LPArrays

TOLERANCE = 1e-6
POLISH_LIMIT = 1e-3


@dataclass(frozen=True)
class Violation:
    amount: float  # relative
    where: str


def worst_violation(lp: LPArrays, values: np.ndarray) -> Violation:
    activity = lp.matrix @ values
    scale = abs(lp.matrix) @ np.abs(values)
    candidates = [
        _worst(lp.row_lower - activity, lp.row_lower, lp.row_names, scale),
        _worst(activity - lp.row_upper, lp.row_upper, lp.row_names, scale),
        _worst(lp.col_lower - values, lp.col_lower, lp.col_names),
        _worst(values - lp.col_upper, lp.col_upper, lp.col_names),
    ]
    if lp.integer.any():
        fraction = np.where(lp.integer, np.abs(values - np.round(values)), 0.0)
        index = int(np.argmax(fraction))
        candidates.append(Violation(float(fraction[index]), f"{lp.col_names[index]} integrality"))
    return max(candidates, key=lambda v: v.amount)


def _worst(
    excess: np.ndarray,
    bound: np.ndarray,
    names: tuple[str, ...],
    scale: np.ndarray | None = None,
) -> Violation:
    if excess.size == 0:
        return Violation(0.0, "")
    size = np.maximum(1.0, np.where(np.isfinite(bound), np.abs(bound), 0.0))
    if scale is not None:
        size = np.maximum(size, scale)
    relative = np.where(np.isfinite(excess), excess, 0.0) / size
    index = int(np.argmax(relative))
    return Violation(max(0.0, float(relative[index])), names[index])


def clean(lp: LPArrays, values: np.ndarray) -> np.ndarray:
    """Integers rounded, values clipped into their bounds (solver noise of ~1e-9 removed)."""
    cleaned = np.where(lp.integer, np.round(values), values)
    return np.clip(cleaned, lp.col_lower, lp.col_upper)


def polish(lp: LPArrays, values: np.ndarray, time_limit: float) -> np.ndarray | None:
    """The integers fixed at their rounded values, the rest re-solved as an LP with HiGHS;
    None if that LP has no optimal solution (the integers themselves are infeasible)."""
    from planner.solve.highs import solve_highs

    fixed = np.flatnonzero(lp.integer)
    relaxed = lp.with_fixed(fixed, np.round(values[fixed]))
    result = solve_highs(relaxed, time_limit=max(time_limit, 10.0), mip_gap=0.0)
    if not result.status.has_solution or result.values is None:
        return None
    return result.values
