"""Case -> model -> solution -> results for one scenario, with no file I/O.

`solve_case` is what a worker process runs: it takes a validated case and returns everything
the writers need. The time limit is wall time for build and solve together; near-optimal
alternatives, when asked for, are sought afterwards with limits of their own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import highspy
import numpy as np

from planner.case import Case
from planner.contract.policy_kinds import PLAN_POLICY_KINDS, policy_kind
from planner.model.build import Model, build_model
from planner.model.lp import LPArrays
from planner.model.policies import PolicyRow
from planner.results import Results, extract_results
from planner.results.alternative_search import find_alternatives, no_search
from planner.results.alternatives import AlternativeSearch
from planner.results.diagnosis import (
    DecisionFinding,
    Diagnosis,
    RelaxedRows,
    diagnosis_penalties,
    solve_relaxed,
)
from planner.results.fixed_plans import PlanEvaluation, plan_of_record, plan_value, status_quo
from planner.results.value import bridge
from planner.solve import solve
from planner.solve.highs_model import new_highs, run_interruptibly, run_listening, to_highs_lp
from planner.solve.result import SolveResult, Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SolverChoice:
    solver: str | None = None
    time_limit: float | None = None
    mip_gap: float | None = None
    alternatives: int | None = None
    within: float | None = None


@dataclass(frozen=True)
class ScenarioOutcome:
    results: Results
    diagnosis: Diagnosis | None
    diagnosis_results: Results | None
    started: str
    finished: str
    status_quo: PlanEvaluation | None = None
    record: PlanEvaluation | None = None  # only with a plan of record
    alternatives: AlternativeSearch | None = None  # None: none asked for
    binding_cuts: tuple[str, ...] | None = None  # SolveResult.binding_cuts of its own solve

    @property
    def exit_code(self) -> int:
        """From the scenario's own solve only: the plan evaluations never change it."""
        status = self.results.status
        if status.has_solution:
            return 0
        return 3 if status is Status.INFEASIBLE else 4

    @property
    def drivers(self) -> dict[str, float] | None:
        drivers = self.results.drivers
        return (
            None if drivers is None or not self.results.status.has_solution else drivers.as_dict()
        )

    @property
    def status_quo_npv(self) -> float | None:
        return None if self.status_quo is None else self.status_quo.npv

    @property
    def record_npv(self) -> float | None:
        return None if self.record is None else self.record.npv

    @property
    def plan_value(self) -> float | None:
        """npv − status_quo_npv: what the plan adds to doing nothing new."""
        return plan_value(self.results.npv, self.status_quo_npv)

    def bridge_from(self, evaluation: PlanEvaluation | None) -> dict[str, float] | None:
        """The bridge from a fixed plan's drivers to this solution's; null without both."""
        start = None if evaluation is None else evaluation.drivers
        end = self.drivers
        return None if start is None or end is None else bridge(start, end)


def with_overrides(case: Case, choice: SolverChoice) -> Case:
    """The case with command-line overrides of Settings applied."""
    s = case.settings
    settings = replace(
        s,
        solver=choice.solver or s.solver,
        time_limit_s=s.time_limit_s if choice.time_limit is None else choice.time_limit,
        mip_gap=s.mip_gap if choice.mip_gap is None else choice.mip_gap,
        alternatives=s.alternatives if choice.alternatives is None else choice.alternatives,
        alternatives_within=s.alternatives_within if choice.within is None else choice.within,
    )
    return replace(case, settings=settings)


ProgressHook = Callable[[str, str, str], None]  # (scenario, stage, detail)


def _quiet(scenario: str, stage: str, detail: str) -> None:
    return None


def solve_case(
    case: Case, progress: ProgressHook = _quiet, threads: int | None = None
) -> ScenarioOutcome:
    started = _now()
    clock = time.perf_counter()
    settings = case.settings
    scenario = case.scenario_id
    log.info("[%s] building", scenario)
    progress(scenario, "building", "")
    model = build_model(case)
    remaining = settings.time_limit_s - (time.perf_counter() - clock)
    log.info(
        "[%s] solving with %s (gap %g, %.0f s left)",
        scenario,
        settings.solver,
        settings.mip_gap,
        remaining,
    )
    progress(scenario, "solving", model.describe())

    def incumbent(objective: float, gap: float | None) -> None:
        gap_text = "" if gap is None else f", gap {100 * gap:.2f}%"
        progress(scenario, "solving", f"incumbent {objective:,.0f}{gap_text}")

    result = solve(model.lp, settings.solver, remaining, settings.mip_gap, incumbent, threads)
    log.info(
        "[%s] %s%s in %.2f s",
        case.scenario_id,
        result.status.value,
        f", NPV {result.objective:,.0f}" if result.objective is not None else "",
        result.seconds,
    )
    if result.message:
        log.warning("[%s] %s", case.scenario_id, result.message)
    shadow = shadow_prices(model, result.values) if result.status.has_solution else None
    results = extract_results(model, result, shadow)
    diagnosis, diagnosis_results = None, None
    if result.status is Status.INFEASIBLE:
        diagnosis, diagnosis_results = diagnose(case)
        if model.decision_rows:
            diagnosis = replace(diagnosis, decisions=without_decisions(model))
    progress(scenario, "evaluating", "status quo")
    quo = status_quo(model)
    log.info(
        "[%s] status quo %s%s",
        scenario,
        quo.status.value,
        "" if quo.npv is None else f", NPV {quo.npv:,.0f}",
    )
    _warn_below_status_quo(results, quo)
    record = plan_of_record(model)
    if record is not None:
        log.info(
            "[%s] plan of record %s%s",
            scenario,
            record.status.value,
            "" if record.npv is None else f", NPV {record.npv:,.0f}",
        )
    alternatives = None
    if settings.alternatives > 0:
        value = plan_value(results.npv, quo.npv)
        alternatives = _alternatives(model, result, results, value, progress, threads)
    return ScenarioOutcome(
        results,
        diagnosis,
        diagnosis_results,
        started,
        _now(),
        quo,
        record,
        alternatives,
        result.binding_cuts,
    )


def _warn_below_status_quo(results: Results, quo: PlanEvaluation) -> None:
    """A plan worth less than doing nothing new: the gap allowed it, or Decisions force it."""
    npv, base = results.npv, quo.npv
    if npv is None or base is None or npv >= base - 1e-6 * max(1.0, abs(base)):
        return
    forced = any(d.forcing for d in results.case.decisions)
    why = (
        "the Decisions rows force it"
        if forced
        else f"the solver stopped within its gap ({_percent(results.gap)}): tighten --mip-gap"
    )
    log.warning(
        "[%s] the plan is worth %s less than the status quo; %s",
        results.case.scenario_id,
        f"{base - npv:,.0f}",
        why,
    )


def _percent(gap: float | None) -> str:
    return "unknown" if gap is None else f"{100 * gap:.3g}%"


def _alternatives(
    model: Model,
    result: SolveResult,
    results: Results,
    value: float | None,
    progress: ProgressHook,
    threads: int | None,
) -> AlternativeSearch:
    settings = model.case.settings
    if not result.status.has_solution or results.npv is None:
        return no_search(settings.alternatives, settings.alternatives_within, result.status)
    scenario = model.case.scenario_id
    return find_alternatives(
        model,
        result,
        results.npv,
        value,
        threads,
        lambda detail: progress(scenario, "alternatives", detail),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def shadow_prices(model: Model, values: np.ndarray | None) -> dict[int, float | None] | None:
    """NPV lost per unit a policy row is tightened, from the LP with integers fixed.

    HiGHS reports ∂NPV/∂(row bound) for a maximisation; tightening a `≥` row raises its bound
    and tightening a `≤` row lowers it, so the cost is −dual for `≥` rows and +dual for `≤`.
    A row at its bound can sit at a degenerate vertex, where that dual may be the loosening
    side's (0 for a min_units at exactly the plan's capacity, though tightening it is
    infeasible). So each policy row at its bound is re-solved tightened by `TIGHTEN_STEP` and
    priced by the dual found there: the tightening side's; None where tightening is
    infeasible without another plan (retooling or launches).
    """
    rows = [r for r in model.policy_rows if r.row is not None]
    if values is None or not rows:
        return {}
    lp = model.lp
    fixed = np.flatnonzero(lp.integer)
    relaxed = lp.with_fixed(fixed, np.round(values[fixed]))
    highs = new_highs()
    highs.setOptionValue("time_limit", max(60.0, model.case.settings.time_limit_s))
    highs.passModel(to_highs_lp(relaxed))
    run_interruptibly(highs)
    solution = highs.getSolution()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal or not solution.dual_valid:
        return None
    duals = np.asarray(solution.row_dual, dtype=float)
    prices: dict[int, float | None] = {r.row: _price(r, duals) for r in rows if r.row is not None}
    activity = relaxed.matrix @ np.asarray(solution.col_value, dtype=float)
    at_bound = [
        r
        for r in rows
        if r.row is not None
        and r.policy.kind not in PLAN_POLICY_KINDS
        and _at_bound(relaxed, activity, r.row, r.sense)
    ]
    if at_bound:
        prices.update(_tightened_prices(highs, relaxed, at_bound))
    return prices


TIGHTEN_STEP = 1e-3  # row units: past a degenerate vertex, short of any other breakpoint


def _price(row: PolicyRow, duals: np.ndarray) -> float:
    assert row.row is not None
    return float(-duals[row.row] if row.sense == ">=" else duals[row.row])


def _at_bound(lp: LPArrays, activity: np.ndarray, row: int, sense: str) -> bool:
    bound = lp.row_lower[row] if sense == ">=" else lp.row_upper[row]
    return bool(abs(activity[row] - bound) <= 1e-7 * max(1.0, abs(bound)))


def _tightened_prices(
    highs: highspy.Highs, lp: LPArrays, rows: list[PolicyRow]
) -> dict[int, float | None]:
    """Each row tightened by TIGHTEN_STEP in turn, in `highs` (which holds `lp` solved, so
    each run starts from the last basis): the row's dual there, or None when the LP becomes
    infeasible."""
    lower = np.where(np.isinf(lp.row_lower), -highspy.kHighsInf, lp.row_lower)
    upper = np.where(np.isinf(lp.row_upper), highspy.kHighsInf, lp.row_upper)
    prices: dict[int, float | None] = {}
    for r in rows:
        assert r.row is not None
        i = r.row
        if r.sense == ">=":
            highs.changeRowBounds(i, lower[i] + TIGHTEN_STEP, upper[i])
        else:
            highs.changeRowBounds(i, lower[i], upper[i] - TIGHTEN_STEP)
        run_listening(highs)
        status = highs.getModelStatus()
        solution = highs.getSolution()
        if status == highspy.HighsModelStatus.kOptimal and solution.dual_valid:
            prices[i] = _price(r, np.asarray(solution.row_dual, dtype=float))
        elif status == highspy.HighsModelStatus.kInfeasible:
            prices[i] = None
        highs.changeRowBounds(i, lower[i], upper[i])
    return prices


def without_decisions(model: Model) -> DecisionFinding:
    """Solve again with the Decisions rows free; name the rows that solution breaks."""
    lp = model.lp
    rows = np.asarray([r.row for r in model.decision_rows], dtype=np.int64)
    lower, upper = lp.row_lower.copy(), lp.row_upper.copy()
    lower[rows], upper[rows] = -np.inf, np.inf
    settings = model.case.settings
    result = solve(
        lp.with_row_bounds(lower, upper), settings.solver, settings.time_limit_s, settings.mip_gap
    )
    if not result.status.has_solution or result.values is None:
        return DecisionFinding(False, ())
    activity = lp.matrix[rows] @ result.values
    broken = tuple(
        r.decision
        for r, value in zip(model.decision_rows, activity, strict=True)
        if not r.holds(float(value))
    )
    return DecisionFinding(True, broken)


def diagnose(case: Case) -> tuple[Diagnosis, Results | None]:
    hard = [p for p in case.policies if not p.soft and policy_kind(p.kind).has_row]
    if not hard:
        message = (
            "the case is infeasible even without any hard policy: check capacities, "
            "budgets, demand and the Decisions sheet"
        )
        return Diagnosis({}, (), message), None
    penalties = diagnosis_penalties(case)
    log.info(
        "[%s] infeasible: solving again with %d hard policies made soft",
        case.scenario_id,
        len(hard),
    )
    model = build_model(case, forced_penalties=penalties)
    s = case.settings
    result, found = solve_relaxed(
        model.lp,
        [RelaxedRows(model.policy_rows, {p.policy_id for p in hard})],
        lambda lp: solve(lp, s.solver, s.time_limit_s, s.mip_gap),
    )
    if found is None:
        return Diagnosis(
            penalties, (), f"the relaxed model could not be solved either ({result.status.value})"
        ), None
    results = extract_results(model, result)
    give_way = found[0]
    diagnosis = Diagnosis(penalties, give_way, "")
    for sentence in diagnosis.sentences():
        log.warning("[%s] %s", case.scenario_id, sentence)
    return diagnosis, results
