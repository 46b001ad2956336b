"""Solve an `LPArrays` model with the chosen solver, behind our own `SolveResult`.

Every solution is checked against the model independently and cleaned; the objective is
recomputed from the cleaned values, so every solver reports NPV the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from planner.contract.schema import CPSAT_REFUSAL
from planner.model.lp import LPArrays
from planner.solve.check import (
    POLISH_LIMIT,
    TOLERANCE,
    Violation,
    clean,
    polish,
    worst_violation,
)
from planner.solve.result import SolveResult, Status, relative_gap

log = logging.getLogger(__name__)

SOLVER_NAMES = ("highs", "cbc", "scip")


IncumbentHook = Callable[[float, float | None], None]  # (objective, gap) as found


def solve(
    lp: LPArrays,
    solver: str,
    time_limit: float,
    mip_gap: float,
    on_incumbent: IncumbentHook | None = None,
    threads: int | None = None,
    start: dict[int, float] | None = None,
) -> SolveResult:
    """Solve with `solver`; `on_incumbent` hears of each improving solution (HiGHS only);
    `threads` caps HiGHS's threads (a worker process of a parallel batch uses one); `start`
    ({column: value}, e.g. a plan's z and y) is a partial MIP start (HiGHS only)."""
    if solver == "highs":
        from planner.solve.highs import solve_highs

        result = solve_highs(
            lp, time_limit, mip_gap, threads=threads, on_incumbent=on_incumbent, start=start
        )
    elif solver == "cbc":
        from planner.solve.cbc import solve_cbc

        result = solve_cbc(lp, time_limit, mip_gap)
    elif solver == "cpsat" and not lp.integer.all():
        return SolveResult(Status.ERROR, solver, None, None, None, 0.0, message=CPSAT_REFUSAL)
    elif solver in ("scip", "cpsat"):
        from planner.solve.ortools_backend import solve_ortools

        result = solve_ortools(lp, solver, time_limit, mip_gap)
    else:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVER_NAMES)}")
    return checked(lp, result, time_limit)


def checked(lp: LPArrays, result: SolveResult, time_limit: float = 60.0) -> SolveResult:
    """The solution checked (see `planner.solve.check`): taken, polished or refused."""
    if result.values is None or not result.status.has_solution:
        return result
    violation = worst_violation(lp, result.values)
    if TOLERANCE < violation.amount <= POLISH_LIMIT:
        polished = _polished(lp, result, violation, time_limit)
        if polished is not None:
            return polished
    if violation.amount > TOLERANCE:
        return replace(
            result,
            status=Status.ERROR,
            max_violation=violation.amount,
            message=f"{result.solver} returned a solution that violates "
            f"{violation.where} by {violation.amount:.2e} (relative to the row's scale)",
        )
    values = clean(lp, result.values)
    objective = float(lp.objective @ values)
    return replace(result, values=values, objective=objective, max_violation=violation.amount)


def _polished(
    lp: LPArrays, result: SolveResult, violation: Violation, time_limit: float
) -> SolveResult | None:
    """The result with its solution polished, or None if polishing does not make it feasible."""
    assert result.values is not None
    values = polish(lp, result.values, time_limit)
    if values is None:
        return None
    after = worst_violation(lp, values)
    if after.amount > TOLERANCE:
        return None
    log.info("%s solution polished (was off by %.2e)", result.solver, violation.amount)
    values = clean(lp, values)
    objective = float(lp.objective @ values)
    note = (
        f"{result.solver}'s solution was off by {violation.amount:.2e} of a row's scale "
        f"({violation.where}): polished (integers fixed, LP re-solved with HiGHS; "
        f"{after.amount:.2e} after)"
    )
    bound = None if result.bound is None else max(result.bound, objective)
    return replace(
        result,
        values=values,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        max_violation=after.amount,
        message="; ".join(m for m in (result.message, note) if m),
    )
