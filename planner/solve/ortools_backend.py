"""SCIP and CP-SAT through OR-Tools' model builder, fed the same model as an MPS file.

HiGHS writes the MPS (as a minimisation of −NPV, with generic names), OR-Tools imports it:
one model, no second formulation. OR-Tools' own HiGHS is never used (it crashes when PuLP
has loaded highspy first: a known highspy pitfall).

CP-SAT has no continuous variables: `planner.solve.solve` refuses it for any model that has
them (every planner model does); it is reached here only for an all-integer model.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from ortools.linear_solver.python import model_builder as mb

from planner.model.lp import LPArrays
from planner.runtime import stop
from planner.solve.highs_model import new_highs, to_highs_lp
from planner.solve.result import SolveResult, Status, relative_gap, status_from_gap

_ENGINES = {"scip": "scip", "cpsat": "sat"}
CPSAT_SCALING = 1000


def write_mps(lp: LPArrays, path: Path) -> None:
    highs = new_highs()
    model = to_highs_lp(lp)
    import highspy

    model.sense_ = highspy.ObjSense.kMinimize
    model.col_cost_ = -lp.objective
    highs.passModel(model)
    highs.writeModel(str(path))


def _solve_stoppably(engine: Any, model: Any) -> Any:
    """`engine.solve(model)` in a thread, so that Ctrl-C or SIGTERM stops the search at once
    (`planner.runtime.stop`: `Stopped` is raised when the solver has returned)."""
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.append(engine.solve(model)), daemon=True)
    with stop.solver_running():
        thread.start()
        while thread.is_alive():
            thread.join(0.1)
            if stop.requested():
                engine.stop_search()
    return found[0]


def solve_ortools(lp: LPArrays, solver: str, time_limit: float, mip_gap: float) -> SolveResult:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planner-ort-") as folder:
        path = Path(folder) / "model.mps"
        write_mps(lp, path)
        model = mb.Model()
        if not model.import_from_mps_file(str(path)):
            return SolveResult(
                Status.ERROR,
                solver,
                None,
                None,
                None,
                time.perf_counter() - started,
                message="MPS import failed",
            )
    engine = mb.Solver(_ENGINES[solver])
    engine.set_time_limit_in_seconds(max(time_limit, 0.01))
    if solver == "scip":
        # SCIP would take Ctrl-C for itself and the run would carry on: planner.runtime.stop has it
        engine.set_solver_specific_parameters(f"limits/gap = {mip_gap}\nmisc/catchctrlc = FALSE")
    else:
        engine.set_solver_specific_parameters(
            f"relative_gap_limit:{mip_gap},num_workers:2,mip_var_scaling:{CPSAT_SCALING},"
            "catch_sigint_signal:false"
        )
    status = _solve_stoppably(engine, model)
    seconds = time.perf_counter() - started
    if status in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
        values = np.asarray(engine.values(model.get_variables()), dtype=float)
        objective = float(lp.objective @ values)
        bound = -float(engine.best_objective_bound) if lp.integer.any() else objective
        gap = relative_gap(objective, bound)
        proven = status == mb.SolveStatus.OPTIMAL
        if solver == "cpsat" and not lp.integer.all():
            return SolveResult(
                Status.FEASIBLE,
                solver,
                objective,
                None,
                None,
                seconds,
                values,
                message="CP-SAT solved continuous quantities on a "
                f"1/{CPSAT_SCALING} grid: optimality not proven",
            )
        ours = Status.OPTIMAL if proven else Status.FEASIBLE
        return SolveResult(
            status_from_gap(ours, gap, mip_gap), solver, objective, bound, gap, seconds, values
        )
    if status == mb.SolveStatus.INFEASIBLE:
        return SolveResult(Status.INFEASIBLE, solver, None, None, None, seconds)
    if status == mb.SolveStatus.UNBOUNDED:
        return SolveResult(Status.UNBOUNDED, solver, None, None, None, seconds)
    return SolveResult(
        Status.ERROR,
        solver,
        None,
        None,
        None,
        seconds,
        message=f"{solver}: {engine.status_string or status}",
    )
