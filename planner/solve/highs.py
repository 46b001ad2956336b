"""HiGHS in-process through highspy: the default solver."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import highspy
import numpy as np

from planner.model.lp import LPArrays
from planner.solve.result import SolveResult, Status, relative_gap

log = logging.getLogger(__name__)

_STOPPED = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kObjectiveBound,
    highspy.HighsModelStatus.kObjectiveTarget,
}


@contextmanager
def _no_banner() -> Iterator[None]:
    """HiGHS prints a banner to stdout when constructed; keep our stdout clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def to_highs_lp(lp: LPArrays, names: bool = False) -> highspy.HighsLp:
    model = highspy.HighsLp()
    model.num_col_ = lp.num_cols
    model.num_row_ = lp.num_rows
    model.sense_ = highspy.ObjSense.kMaximize
    model.col_cost_ = lp.objective
    model.col_lower_ = lp.col_lower
    model.col_upper_ = np.where(np.isinf(lp.col_upper), highspy.kHighsInf, lp.col_upper)
    model.row_lower_ = np.where(np.isinf(lp.row_lower), -highspy.kHighsInf, lp.row_lower)
    model.row_upper_ = np.where(np.isinf(lp.row_upper), highspy.kHighsInf, lp.row_upper)
    csc = lp.matrix.tocsc()
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_ = lp.num_cols
    model.a_matrix_.num_row_ = lp.num_rows
    model.a_matrix_.start_ = csc.indptr
    model.a_matrix_.index_ = csc.indices
    model.a_matrix_.value_ = csc.data
    if lp.integer.any():
        model.integrality_ = [highspy.HighsVarType.kInteger if flag
                              else highspy.HighsVarType.kContinuous for flag in lp.integer]
    if names:
        model.col_names_ = list(lp.col_names)
        model.row_names_ = list(lp.row_names)
    return model


def new_highs() -> highspy.Highs:
    with _no_banner():
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def solve_highs(lp: LPArrays, time_limit: float, mip_gap: float, threads: int | None = None,
                on_incumbent: Callable[[float, float | None], None] | None = None,
                start: dict[int, float] | None = None) -> SolveResult:
    started = time.perf_counter()
    highs = new_highs()
    highs.setOptionValue("time_limit", max(time_limit, 0.01))
    highs.setOptionValue("mip_rel_gap", mip_gap)
    highs.setOptionValue("mip_abs_gap", 1e-6)
    if threads:
        highs.setOptionValue("threads", threads)
    highs.cbMipImprovingSolution.subscribe(_log_incumbent)
    if on_incumbent is not None:
        highs.cbMipImprovingSolution.subscribe(
            lambda event: on_incumbent(event.data_out.objective_function_value,
                                       event.data_out.mip_gap))
    highs.passModel(to_highs_lp(lp))
    if start:  # a partial solution: HiGHS completes it into a first incumbent
        highs.setSolution(len(start), np.fromiter(start, dtype=np.int32, count=len(start)),
                          np.fromiter(start.values(), dtype=float, count=len(start)))
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        highs.setOptionValue("presolve", "off")  # tells the two apart
        highs.run()
        status = highs.getModelStatus()
    return _result(highs, lp, status, time.perf_counter() - started)


def _log_incumbent(event: Any) -> None:
    data = event.data_out
    log.info("  incumbent %.6g, bound %.6g, gap %.3g%% at %.1f s", data.objective_function_value,
             data.mip_dual_bound, 100 * data.mip_gap, data.running_time)


def _result(highs: highspy.Highs, lp: LPArrays, status: Any, seconds: float) -> SolveResult:
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2
    solution = highs.getSolution()
    values = np.asarray(solution.col_value, dtype=float) if has_solution else None
    duals = np.asarray(solution.row_dual, dtype=float) if solution.dual_valid else None
    objective = float(info.objective_function_value) if has_solution else None
    is_mip = bool(lp.integer.any())
    bound = float(info.mip_dual_bound) if is_mip and has_solution else objective
    gap = relative_gap(objective, bound) if has_solution else None
    name = "highs"
    if status == highspy.HighsModelStatus.kOptimal:
        return SolveResult(Status.OPTIMAL, name, objective, bound, gap, seconds, values, duals)
    if status == highspy.HighsModelStatus.kModelEmpty:
        return SolveResult(Status.OPTIMAL, name, 0.0, 0.0, 0.0, seconds,
                           np.zeros(lp.num_cols), None)
    if status in _STOPPED:
        if has_solution:
            return SolveResult(Status.FEASIBLE, name, objective, bound, gap, seconds, values)
        return SolveResult(Status.ERROR, name, None, None, None, seconds,
                           message=f"stopped ({highs.modelStatusToString(status)}) with no "
                                   "solution")
    if status == highspy.HighsModelStatus.kInfeasible:
        return SolveResult(Status.INFEASIBLE, name, None, None, None, seconds)
    if status in (highspy.HighsModelStatus.kUnbounded,
                  highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return SolveResult(Status.UNBOUNDED, name, None, None, None, seconds)
    return SolveResult(Status.ERROR, name, None, None, None, seconds,
                       message=f"HiGHS: {highs.modelStatusToString(status)}")
