"""An independent check of a solution against the model's rows, bounds and integrality.

Violations are relative: |excess| / max(1, |bound|). A solution that violates the model by
more than `TOLERANCE` is a solver error, never a silent result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.model.lp import LPArrays

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Violation:
    amount: float  # relative
    where: str


def worst_violation(lp: LPArrays, values: np.ndarray) -> Violation:
    activity = lp.matrix @ values
    candidates = [
        _worst(lp.row_lower - activity, lp.row_lower, lp.row_names),
        _worst(activity - lp.row_upper, lp.row_upper, lp.row_names),
        _worst(lp.col_lower - values, lp.col_lower, lp.col_names),
        _worst(values - lp.col_upper, lp.col_upper, lp.col_names),
    ]
    if lp.integer.any():
        fraction = np.where(lp.integer, np.abs(values - np.round(values)), 0.0)
        index = int(np.argmax(fraction))
        candidates.append(Violation(float(fraction[index]), f"{lp.col_names[index]} integrality"))
    return max(candidates, key=lambda v: v.amount)


def _worst(excess: np.ndarray, bound: np.ndarray, names: tuple[str, ...]) -> Violation:
    if excess.size == 0:
        return Violation(0.0, "")
    finite_bound = np.where(np.isfinite(bound), np.abs(bound), 0.0)
    relative = np.where(np.isfinite(excess), excess, 0.0) / np.maximum(1.0, finite_bound)
    index = int(np.argmax(relative))
    return Violation(max(0.0, float(relative[index])), names[index])


def clean(lp: LPArrays, values: np.ndarray) -> np.ndarray:
    """Integers rounded, values clipped into their bounds (solver noise of ~1e-9 removed)."""
    cleaned = np.where(lp.integer, np.round(values), values)
    return np.clip(cleaned, lp.col_lower, lp.col_upper)
