"""CBC through PuLP: the model's arrays translated to PuLP expressions, row by row.

PuLP says "Optimal" on a time limit (a known HiGHS pitfall): we read
`sol_status` (1 = optimal, 2 = a solution found) and CBC's own log for the bound.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pulp

from planner.model.lp import LPArrays
from planner.solve.result import SolveResult, Status, relative_gap, status_from_gap


def to_pulp(lp: LPArrays) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    problem = pulp.LpProblem("kei_planner", pulp.LpMaximize)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        columns = [
            pulp.LpVariable(
                f"c{i}",
                lowBound=_finite(lp.col_lower[i]),
                upBound=_finite(lp.col_upper[i]),
                cat=pulp.LpInteger if lp.integer[i] else pulp.LpContinuous,
            )
            for i in range(lp.num_cols)
        ]
    matrix = lp.matrix
    for i in range(lp.num_rows):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        terms = [
            (columns[j], float(a))
            for j, a in zip(
                matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True
            )
        ]
        expression = pulp.LpAffineExpression(terms)
        lower, upper = lp.row_lower[i], lp.row_upper[i]
        if lower == upper:
            problem.addConstraint(expression == float(lower), f"r{i}")
            continue
        if math.isfinite(lower):
            problem.addConstraint(expression >= float(lower), f"r{i}_lo")
        if math.isfinite(upper):
            problem.addConstraint(expression <= float(upper), f"r{i}_up")
    objective = [(columns[j], float(c)) for j, c in enumerate(lp.objective.tolist()) if c != 0]
    problem.setObjective(pulp.LpAffineExpression(objective))
    return problem, columns


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def solve_cbc(lp: LPArrays, time_limit: float, mip_gap: float) -> SolveResult:
    started = time.perf_counter()
    problem, columns = to_pulp(lp)
    with tempfile.TemporaryDirectory(prefix="planner-cbc-") as folder:
        log_path = Path(folder) / "cbc.log"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            solver = pulp.PULP_CBC_CMD(
                msg=False,
                timeLimit=max(1, math.ceil(time_limit)),
                gapRel=mip_gap,
                timeMode="elapsed",
                logPath=str(log_path),
            )
            solver.tmpDir = folder
            problem.solve(solver)
        log_text = log_path.read_text() if log_path.exists() else ""
    seconds = time.perf_counter() - started
    if problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        values = np.array([c.varValue or 0.0 for c in columns], dtype=float)
        objective = float(lp.objective @ values)
        bound = _bound_from_log(log_text, objective, problem.sol_status)
        gap = relative_gap(objective, bound)
        status = (
            Status.OPTIMAL
            if problem.sol_status == pulp.LpSolutionOptimal
            else status_from_gap(Status.FEASIBLE, gap, mip_gap)
        )
        return SolveResult(status, "cbc", objective, bound, gap, seconds, values)
    if problem.status == pulp.LpStatusInfeasible or problem.sol_status == -1:
        return SolveResult(Status.INFEASIBLE, "cbc", None, None, None, seconds)
    if problem.status == pulp.LpStatusUnbounded or problem.sol_status == -2:
        return SolveResult(Status.UNBOUNDED, "cbc", None, None, None, seconds)
    return SolveResult(
        Status.ERROR,
        "cbc",
        None,
        None,
        None,
        seconds,
        message=f"CBC stopped without a solution "
        f"({pulp.LpStatus.get(problem.status, problem.status)})",
    )


def _bound_from_log(log_text: str, objective: float, sol_status: int) -> float | None:
    """CBC's 'Upper bound' (or 'Lower bound') line, in the sense of its 'Objective value'."""
    bound = re.search(r"(?:Upper|Lower) bound:\s+(-?[\d.eE+-]+)", log_text)
    if bound:
        value = float(bound.group(1))
        reported = re.search(r"Objective value:\s+(-?[\d.eE+-]+)", log_text)
        if reported and objective != 0 and float(reported.group(1)) * objective < 0:
            value = -value  # the log is in the minimisation sense
        return value
    if sol_status == pulp.LpSolutionOptimal:
        return objective
    return None
