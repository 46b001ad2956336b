"""Solve an `LPArrays` model with the chosen solver, behind our own `SolveResult`.

Every solution is checked against the model independently and cleaned; the objective is
recomputed from the cleaned values, so every solver reports NPV the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from planner.model.lp import LPArrays
from planner.solve.check import TOLERANCE, clean, worst_violation
from planner.solve.result import SolveResult, Status

log = logging.getLogger(__name__)

SOLVER_NAMES = ("highs", "cbc", "scip", "cpsat")


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
    elif solver in ("scip", "cpsat"):
        from planner.solve.ortools_backend import solve_ortools

        result = solve_ortools(lp, solver, time_limit, mip_gap)
    else:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVER_NAMES)}")
    return checked(lp, result)


def checked(lp: LPArrays, result: SolveResult) -> SolveResult:
    if result.values is None or not result.status.has_solution:
        return result
    violation = worst_violation(lp, result.values)
    if violation.amount > TOLERANCE:
        return replace(
            result,
            status=Status.ERROR,
            max_violation=violation.amount,
            message=f"{result.solver} returned a solution that violates "
            f"{violation.where} by {violation.amount:.2e} (relative)",
        )
    values = clean(lp, result.values)
    objective = float(lp.objective @ values)
    return replace(result, values=values, objective=objective, max_violation=violation.amount)
