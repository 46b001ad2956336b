"""HiGHS in-process through highspy: the default solver."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import highspy
import numpy as np

from planner.model.lp import CutPool, LPArrays
from planner.solve.highs_model import new_highs, run_interruptibly, to_highs_lp
from planner.solve.result import SolveResult, Status, relative_gap
from planner.solve.strengthen import (
    ABSOLUTE_GAP,
    FEW_FREE,
    NEAR_GAPS,
    Root,
    fixings,
    left_free,
    restricted,
    separate,
    stop_at_target,
    target_objective,
)

log = logging.getLogger(__name__)

_STOPPED = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kObjectiveBound,
    highspy.HighsModelStatus.kObjectiveTarget,
}


_NO_OPTIMUM = {
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
}

IncumbentHook = Callable[[float, float | None], None]

TAILING_OFF = 0.01  # separation stops when a round gains less than this share of the gap
SEPARATION_SHARE = 0.25  # of the time limit, at most, for the cutting-plane loop
RESTRICTED_SHARE = 0.5  # of the time left, at most, for the restricted MIP
# Started from the restricted MIPs' plan, the contract model's run is a proof: HiGHS's root
# heuristics would spend most of it looking for plans as good (medium: 7.4 s of CPU with
# them, 1.8 s without; turning only RINS and RENS off: 4.1 s).
PROOF_OPTIONS = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_feasibility_jump": False,
}
# Nor does the fixed model restart: HiGHS restarts the root when its own reduced-cost fixing
# leaves a tenth of the binaries fixed, which after ours re-solves the root LP and repeats its
# cut rounds (the fixed model, gap 1e-3: medium 1.9 -> 0.74 s, medium-s2 1.2-1.6 -> 0.7 s,
# small 0.22 -> 0.12 s). The contract model, which none of ours fixed, keeps its restarts.
FIXED_PROOF_OPTIONS = {**PROOF_OPTIONS, "mip_allow_restart": False}
# A plan within NEAR_BEST of the bound leaves the contract model a proof (heuristics off, as
# PROOF_OPTIONS says); further off (capa-8000's restricted MIP: 53 %) they are still needed.
NEAR_BEST = 0.01
# The cutting-plane loop's LPs with HiGHS's parallel dual simplex (PAMI) on big models, unless
# one thread is asked for: the same iterations and bound, in less time (separation s, two runs
# each: robust mode's joint model of the sample, 735k nonzeros, 26.3 -> 19.6; national, 1.08M,
# 5.8 -> 5.2; large, 395k, and medium unchanged, 1.1 and 0.11). PAMI is the less robust of the
# two (HiGHS issue #2991: a stall the serial simplex does not have), so a loop it fails is
# run again serially.
PARALLEL_DUAL_SIMPLEX = 2
PARALLEL_MIN_NONZEROS = 500_000
# Robust mode's extensive form (a block per scenario sharing one plan) separates with HiGHS's
# max-value scaling instead of its default equilibration. The relaxation's first solve, s:
# the sample's 8 scenarios 14.0-15.8 -> 9.1-9.3 (serial simplex 19.2 -> 13.3), with the CVaR
# rows (λ = 0.3) 16.7 -> 7.4, 6 and 12 generated scenarios 7.2 -> 5.8 and 25.2 -> 18.0. A
# single scenario's model loses with it (large 1.2 -> 1.8, national 5.7 -> 7.2) or is even.
BLOCK_SEPARATION_OPTIONS = {"simplex_scale_strategy": 4}
INTEGRALITY = 1e-9  # a relaxation's integer column this close to a whole number is one
# A restricted MIP whose bound shows it cannot reach the target stops once its plan is
# within NEAR_GAPS gaps, or GOOD_START, of its own bound: a worse plan is a poor start for the
# fixed model. capc-6500 at gap 0: stopped at a plan 0.25 % off, the fixed model had not
# proven it in 300 s; solved on to its own optimum (the whole model's) in 25 s, proven 30 s
# later. The sample's domestic_75 at 1e-5 stops at a plan 6e-5 off (going on: 2.2 -> 3.6 s).
GOOD_START = 1e-4
# The fixed model keeps the relaxation's cuts as rows unless they are more than MAX_CUT_ROWS
# times the model's own rows. capa-8000 before MAX_GROUP, 73k cuts for 1.2k rows: HiGHS's own
# cut loop made them dense, 8 GB in 200 s. With it, 7.2k (6 times): proven in 24 s with
# them, not in 600 s without (its 2 % weaker relaxation).
MAX_CUT_ROWS = 10
# In a restricted MIP (a few dozen binaries, every continuous column) HiGHS's root
# reduced-cost heuristic repeats what the restriction did (large, whole options: 7.7 s with
# it, 5.0 s without, the plan then found by RINS).
RESTRICTED_OPTIONS = {"mip_heuristic_run_root_reduced_cost": False}


def solve_highs(
    lp: LPArrays,
    time_limit: float,
    mip_gap: float,
    threads: int | None = None,
    on_incumbent: IncumbentHook | None = None,
    start: dict[int, float] | None = None,
) -> SolveResult:
    """Solve with HiGHS; a MIP with a cut pool takes the strengthened path
    (solve/strengthen.py), at every gap: the sample case's 8 scenarios at 1e-5 take 15 s so,
    30 s as plain HiGHS."""
    started = time.perf_counter()
    deadline = started + time_limit
    if lp.cuts is None or not lp.cuts.size or not lp.integer.any():
        result = _solve_mip(lp, deadline, mip_gap, threads, on_incumbent, start)
        return replace(result, seconds=time.perf_counter() - started)
    result = _strengthened(
        lp, lp.cuts, deadline, mip_gap, threads, on_incumbent, start
    ) or _solve_mip(lp, deadline, mip_gap, threads, on_incumbent, start)
    return replace(result, seconds=time.perf_counter() - started)


def _stopped(result: SolveResult) -> bool:
    """Stopped by its time limit, with or without a plan."""
    return result.status is Status.FEASIBLE or (
        result.status is Status.ERROR and result.message.startswith("stopped")
    )


def _strengthened(
    lp: LPArrays,
    pool: CutPool,
    deadline: float,
    mip_gap: float,
    threads: int | None,
    on_incumbent: IncumbentHook | None,
    start: dict[int, float] | None,
) -> SolveResult | None:
    now = time.perf_counter()
    separation_deadline = now + SEPARATION_SHARE * (deadline - now)
    parallel = threads != 1 and lp.num_nonzeros >= PARALLEL_MIN_NONZEROS
    root = None
    for strategy in (PARALLEL_DUAL_SIMPLEX, None) if parallel else (None,):
        separation = _separation_highs(lp, threads, strategy)
        root = separate(
            lp, pool, separation, separation_deadline, tailing_off=TAILING_OFF * mip_gap
        )
        if root is not None or time.perf_counter() >= separation_deadline:
            break
        if separation.getModelStatus() in _NO_OPTIMUM:
            break  # the relaxation has no optimum: the contract model's run will say so
        log.warning("the parallel dual simplex failed on the relaxation: separating serially")
    if root is None:
        return None
    result = _from_root(lp, root, deadline, mip_gap, threads, on_incumbent, start)
    return replace(result, binding_cuts=root.cut_names)


def _separation_highs(lp: LPArrays, threads: int | None, strategy: int | None) -> highspy.Highs:
    """An empty HiGHS for `lp`'s cutting-plane loop: `strategy` is a simplex_strategy (None:
    HiGHS's choice); an extensive form gets BLOCK_SEPARATION_OPTIONS."""
    options: dict[str, int] = dict(BLOCK_SEPARATION_OPTIONS) if lp.blocks > 1 else {}
    if strategy is not None:
        options["simplex_strategy"] = strategy
    return _configured(threads, options)


def _from_root(
    lp: LPArrays,
    root: Root,
    deadline: float,
    mip_gap: float,
    threads: int | None,
    on_incumbent: IncumbentHook | None,
    start: dict[int, float] | None,
) -> SolveResult:
    """The relaxation's own solution when it is integral, else restricted MIPs, then the
    fixed model's proof, else the contract model itself."""
    bound = root.bound
    integral = _integral_solution(lp, root)
    if integral is not None:
        log.info("the strengthened relaxation's solution is integral: optimal without a MIP")
        return SolveResult(Status.OPTIMAL, "highs", bound, bound, 0.0, 0.0, integral)
    best = _restricted_plan(root, deadline, mip_gap, threads, on_incumbent, start)
    if best is not None and best.status is Status.OPTIMAL:
        return best
    if best is not None:
        proof = _fixed_proof(lp, root, best, bound, deadline, mip_gap, threads, on_incumbent)
        if proof is not None:
            return proof
        assert best.values is not None  # a restricted MIP's plan
        start = dict(enumerate(best.values.tolist()))
    # The contract model itself, not root.lp: with the cuts as rows HiGHS's own cut loop made
    # dense cuts on capa-8000 (8 GB in 200 s); the root's bound stays proven either way.
    options = PROOF_OPTIONS if best is not None and _near_best(best, bound) else {}
    result = _solve_mip(lp, deadline, mip_gap, threads, on_incumbent, start, options=options)
    if result.objective is None or result.bound is None or result.bound <= bound:
        return result
    gap = relative_gap(result.objective, bound)
    status = Status.OPTIMAL if gap is not None and gap <= mip_gap else result.status
    return replace(result, status=status, bound=bound, gap=gap)


def _integral_solution(lp: LPArrays, root: Root) -> np.ndarray | None:
    """The relaxation's solution with its integers rounded, when each is within
    INTEGRALITY of a whole number: it is then an optimum (planner.solve checks it against
    every row). HiGHS's MIP has been seen to answer worse on such a model ("optimal" at
    −5.3e13 where the relaxation's own plan, integral, was worth −2.4e13)."""
    values = root.values.copy()
    integers = np.flatnonzero(lp.integer)
    rounded = np.round(values[integers])
    if integers.size == 0 or np.abs(values[integers] - rounded).max() > INTEGRALITY:
        return None
    values[integers] = rounded
    return values


def _restricted_plan(
    root: Root,
    deadline: float,
    mip_gap: float,
    threads: int | None,
    on_incumbent: IncumbentHook | None,
    start: dict[int, float] | None,
) -> SolveResult | None:
    """The best plan of the restricted MIPs (strengthen.restricted): `optimal` when it is
    within the gap of the root's bound, else `feasible` for the proof to take up; None if
    neither found a plan. The start years the relaxation uses first (national: 103 s, 161 s
    with whole options), then whole options (large: 0.29 % off with single years, within the
    gap with options) unless the first one's bound is near the target or its plan lets
    reduced costs leave few binaries free (`_few_left_free`)."""
    bound = root.bound
    target = target_objective(bound, mip_gap)
    enough = _few_left_free(root, mip_gap)
    best: SolveResult | None = None
    tried: list[np.ndarray] = []
    for whole_options in (False, True):
        model = restricted(root, start, whole_options)
        if any(np.array_equal(model.col_upper, upper) for upper in tried):
            continue  # one start year per option (capa): whole options add nothing
        tried.append(model.col_upper)
        now = time.perf_counter()
        found = _solve_mip(
            model,
            now + RESTRICTED_SHARE * (deadline - now),
            mip_gap,
            threads,
            on_incumbent,
            start,
            target=target,
            gap_bound=bound,
            options=RESTRICTED_OPTIONS,
            stall=not whole_options,
            enough=None if whole_options else enough,
            own_gap=max(NEAR_GAPS * mip_gap, GOOD_START),
        )
        if found.values is None or found.objective is None:
            continue
        if found.objective >= target:
            log.info("restricted MIP plan within the gap of the strengthened bound")
            proven = max(bound, found.objective)
            gap = relative_gap(found.objective, proven)
            return SolveResult(
                Status.OPTIMAL, "highs", found.objective, proven, gap, 0.0, found.values
            )
        if best is None or best.objective is None or found.objective > best.objective:
            best = replace(found, status=Status.FEASIBLE)
        start = dict(enumerate(found.values.tolist()))
        if whole_options:
            continue
        if enough(found.objective):
            log.info("restricted MIP plan leaves few binaries free: the fixed model proves it")
            break
        if _near_target(found, target, mip_gap):
            log.info("restricted MIP bound near the target: the fixed model proves the rest")
            break
    return best


def _few_left_free(root: Root, mip_gap: float) -> Callable[[float], bool]:
    """Whether a plan of this objective, found now, is one for the fixed model to prove
    (strengthen.FEW_FREE)."""
    near = target_objective(root.bound, NEAR_GAPS * mip_gap)
    started = time.perf_counter()
    binaries = left_free(root, -math.inf)  # below any plan nothing is fixed

    def enough(objective: float) -> bool:
        if objective < near or time.perf_counter() - started < root.seconds:
            return False
        free = left_free(root, _fixing_threshold(objective, mip_gap))
        # some fixed: on a model of at most FEW_FREE binaries the count alone says nothing
        return free is not None and binaries is not None and free <= min(FEW_FREE, binaries - 1)

    return enough


def _fixed_proof(
    lp: LPArrays,
    root: Root,
    best: SolveResult,
    bound: float,
    deadline: float,
    mip_gap: float,
    threads: int | None,
    on_incumbent: IncumbentHook | None,
) -> SolveResult | None:
    """The model with every binary fixed that reduced costs allow (strengthen.fixings: any
    plan with the other value is within the gap of `best`), solved from `best`: its bound,
    raised to what the fixed values exclude, is a bound of the whole model. With nothing
    fixed, the strengthened model itself, its cuts as rows; None if it would be the contract
    model (no cuts, or too many to be rows): that run is the better proof."""
    assert best.objective is not None and best.values is not None
    fixing = fixings(root, _fixing_threshold(best.objective, mip_gap), best.values)
    cut_rows = 0 < root.cuts_added <= MAX_CUT_ROWS * lp.num_rows
    if fixing is None or not (fixing.fixed or cut_rows):
        return None
    if fixing.fixed:
        log.info(
            "reduced costs fix %d binaries (excluded plans worth at most %.9g)",
            fixing.fixed,
            fixing.excluded_bound,
        )
    else:
        log.info("reduced costs fix nothing: the model with its cuts as rows proves the plan")
    model = fixing.lp
    if not cut_rows:
        model = replace(lp, col_lower=fixing.lp.col_lower, col_upper=fixing.lp.col_upper)
    # as for the contract model: a plan far from the bound still needs HiGHS's heuristics
    options = FIXED_PROOF_OPTIONS if fixing.fixed or _near_best(best, bound) else {}
    result = _solve_mip(
        model,
        deadline,
        mip_gap,
        threads,
        on_incumbent,
        dict(enumerate(best.values.tolist())),
        gap_bound=bound,
        options=options,
    )
    if result.status is Status.ERROR and not _stopped(result):
        log.warning("the fixed model failed (%s): the contract model instead", result.message)
        return None
    if result.objective is None or result.values is None or result.objective < best.objective:
        values, objective = best.values, best.objective
    else:
        values, objective = result.values, result.objective
    fixed_bound = result.bound if result.bound is not None else bound
    if result.status is Status.INFEASIBLE:
        fixed_bound = -math.inf
    proven = min(bound, max(fixed_bound, fixing.excluded_bound, objective))
    gap = relative_gap(objective, proven)
    status = Status.OPTIMAL if gap is not None and gap <= mip_gap else Status.FEASIBLE
    return SolveResult(status, "highs", objective, proven, gap, 0.0, values)


def _near_best(plan: SolveResult, bound: float) -> bool:
    """The plan within NEAR_BEST of the bound: its proof needs no heuristics."""
    return (relative_gap(plan.objective, bound) or 0.0) <= NEAR_BEST


def _fixing_threshold(objective: float, mip_gap: float) -> float:
    """Plans worth less than this are within the gap of a plan worth `objective`."""
    return objective + mip_gap * abs(objective)


def _near_target(first: SolveResult, target: float, mip_gap: float) -> bool:
    """The first restricted MIP's bound within the gap of the target: its binaries may hold
    the best plan, the strengthened bound being what is short (medium-s2: 0.002 % below;
    whole options after it took 4.5 s of CPU for 0.02 % more NPV). Large, 0.17 % below,
    needs whole options for a plan within the gap."""
    return first.bound is not None and first.bound >= target_objective(target, mip_gap)


def _configured(
    threads: int | None, options: Mapping[str, bool | int] | None = None
) -> highspy.Highs:
    highs = new_highs()
    if threads:
        highs.setOptionValue("threads", threads)
    for option, value in (options or {}).items():
        highs.setOptionValue(option, value)
    return highs


def _solve_mip(
    lp: LPArrays,
    deadline: float,
    mip_gap: float,
    threads: int | None,
    on_incumbent: IncumbentHook | None,
    start: dict[int, float] | None,
    target: float | None = None,
    gap_bound: float | None = None,
    options: Mapping[str, bool] | None = None,
    stall: bool = False,
    enough: Callable[[float], bool] | None = None,
    own_gap: float | None = None,
) -> SolveResult:
    """One HiGHS run; `target` stops it at that objective (`stall`, `enough` and `own_gap`: see
    strengthen.stop_at_target), `gap_bound` (a bound proven
    elsewhere) is what the gaps reported to `on_incumbent` are measured against, `options`
    are HiGHS options (PROOF_OPTIONS, FIXED_PROOF_OPTIONS, RESTRICTED_OPTIONS)."""
    started = time.perf_counter()
    highs = _configured(threads, options)
    highs.setOptionValue("time_limit", max(deadline - started, 0.01))
    highs.setOptionValue("mip_rel_gap", mip_gap)
    highs.setOptionValue("mip_abs_gap", ABSOLUTE_GAP)
    highs.cbMipImprovingSolution.subscribe(_log_incumbent)
    if on_incumbent is not None:
        hook = on_incumbent
        if gap_bound is None:
            highs.cbMipImprovingSolution.subscribe(
                lambda event: hook(event.data_out.objective_function_value, event.data_out.mip_gap)
            )
        else:
            highs.cbMipImprovingSolution.subscribe(
                lambda event: hook(
                    event.data_out.objective_function_value,
                    relative_gap(event.data_out.objective_function_value, gap_bound),
                )
            )
    if target is not None:
        stop_at_target(highs, target, stall, enough, own_gap)
    highs.passModel(to_highs_lp(lp))
    if start:  # a partial solution: HiGHS completes it into a first incumbent
        highs.setSolution(
            len(start),
            np.fromiter(start, dtype=np.int32, count=len(start)),
            np.fromiter(start.values(), dtype=float, count=len(start)),
        )
    run_interruptibly(highs)
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        highs.setOptionValue("presolve", "off")  # tells the two apart
        run_interruptibly(highs)
        status = highs.getModelStatus()
    return _result(highs, lp, status, time.perf_counter() - started)


def _log_incumbent(event: Any) -> None:
    data = event.data_out
    log.info(
        "  incumbent %.6g, bound %.6g, gap %.3g%% at %.1f s",
        data.objective_function_value,
        data.mip_dual_bound,
        100 * data.mip_gap,
        data.running_time,
    )


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
        return SolveResult(
            Status.OPTIMAL, name, 0.0, 0.0, 0.0, seconds, np.zeros(lp.num_cols), None
        )
    if status in _STOPPED:
        if has_solution:
            return SolveResult(Status.FEASIBLE, name, objective, bound, gap, seconds, values)
        return SolveResult(
            Status.ERROR,
            name,
            None,
            None,
            None,
            seconds,
            message=f"stopped ({highs.modelStatusToString(status)}) with no solution",
        )
    if status == highspy.HighsModelStatus.kInfeasible:
        return SolveResult(Status.INFEASIBLE, name, None, None, None, seconds)
    if status in (
        highspy.HighsModelStatus.kUnbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        return SolveResult(Status.UNBOUNDED, name, None, None, None, seconds)
    return SolveResult(
        Status.ERROR,
        name,
        None,
        None,
        None,
        seconds,
        message=f"HiGHS: {highs.modelStatusToString(status)}",
    )
