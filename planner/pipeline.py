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

import numpy as np

from planner.alternatives import find_alternatives, no_search
from planner.case import Case
from planner.diagnose import Diagnosis, GiveWay, diagnosis_penalties
from planner.model.build import Model, build_model
from planner.results import Results, extract_results
from planner.results.alternatives import AlternativeSearch
from planner.solve import solve
from planner.solve.highs import solve_highs
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
    alternatives: AlternativeSearch | None = None  # None: none asked for

    @property
    def exit_code(self) -> int:
        status = self.results.status
        if status.has_solution:
            return 0
        return 3 if status is Status.INFEASIBLE else 4


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
    alternatives = None
    if settings.alternatives > 0:
        alternatives = _alternatives(model, result, results, progress, threads)
    return ScenarioOutcome(results, diagnosis, diagnosis_results, started, _now(), alternatives)


def _alternatives(
    model: Model,
    result: SolveResult,
    results: Results,
    progress: ProgressHook,
    threads: int | None,
) -> AlternativeSearch:
    settings = model.case.settings
    if not result.status.has_solution or results.npv is None:
        return no_search(settings.alternatives, settings.alternatives_within, result.status)
    scenario = model.case.scenario_id
    # The plan value (NPV less the status quo's) is the caller's to supply; no status quo
    # is evaluated here, so it is None and the NPV floor is a share of |NPV|.
    return find_alternatives(
        model,
        result,
        results.npv,
        None,
        threads,
        lambda detail: progress(scenario, "alternatives", detail),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def shadow_prices(model: Model, values: np.ndarray | None) -> dict[int, float] | None:
    """NPV lost per unit a policy row is tightened, from the LP with integers fixed.

    HiGHS reports ∂NPV/∂(row bound) for a maximisation; tightening a `≥` row raises its bound
    and tightening a `≤` row lowers it, so the cost is −dual for `≥` rows and +dual for `≤`.
    """
    rows = [r for r in model.policy_rows if r.row is not None]
    if values is None or not rows:
        return {}
    lp = model.lp
    fixed = np.flatnonzero(lp.integer)
    relaxed = lp.with_fixed(fixed, np.round(values[fixed]))
    result = solve_highs(
        relaxed, time_limit=max(60.0, model.case.settings.time_limit_s), mip_gap=0.0
    )
    if result.row_duals is None:
        return None
    return {
        r.row: float(-result.row_duals[r.row] if r.sense == ">=" else result.row_duals[r.row])
        for r in rows
        if r.row is not None
    }


def diagnose(case: Case) -> tuple[Diagnosis, Results | None]:
    hard = [p for p in case.policies if not p.soft and p.kind != "credit_per_unit"]
    if not hard:
        message = (
            "the case is infeasible even without any hard policy: check capacities, "
            "budgets and demand"
        )
        return Diagnosis({}, (), message), None
    penalties = diagnosis_penalties(case)
    log.info(
        "[%s] infeasible: solving again with %d hard policies made soft",
        case.scenario_id,
        len(hard),
    )
    model = build_model(case, forced_penalties=penalties)
    result = solve(
        model.lp, case.settings.solver, case.settings.time_limit_s, case.settings.mip_gap
    )
    if not result.status.has_solution or result.values is None:
        return Diagnosis(
            penalties, (), f"the relaxed model could not be solved either ({result.status.value})"
        ), None
    results = extract_results(model, result)
    hard_ids = {p.policy_id for p in hard}
    give_way = tuple(
        GiveWay(
            v.policy_id,
            v.kind,
            v.year,
            v.violation,
            "short"
            if v.kind in ("domestic_share_min", "ev_share_min", "min_units", "fleet_mpg_min")
            else "over",
        )
        for v in results.violations
        if v.policy_id in hard_ids
    )
    diagnosis = Diagnosis(penalties, give_way, "")
    for sentence in diagnosis.sentences():
        log.warning("[%s] %s", case.scenario_id, sentence)
    return diagnosis, results
