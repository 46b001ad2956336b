"""Near-optimal alternative plans: after a scenario's optimum, up to N more plans in turn.

Plan i + 1 has an NPV of at least npv* − F · |plan_value*| (npv* − F · |npv*| where the plan
value is unknown or zero), differs from every earlier plan in the options it takes or the
products it launches, takes as few as possible of the decisions earlier plans took, and among
those has the highest NPV. Each plan takes two solves (fewest reused decisions, then the best
NPV with that count fixed; rows in planner/model/alternatives.py), each with the scenario's
time limit and gap. The search stops early when no such plan exists, when a solve finds
none in its time, or when its own budget (2 · N solves' time limits) is spent, and says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from planner.model.alternatives import (
    Plan,
    decision_columns,
    fewest_reused,
    plan_of,
    reuse_columns,
    reuse_count,
    search_lp,
    with_reuse_fixed,
)
from planner.model.build import Model
from planner.model.lp import LPArrays
from planner.results import extract_results
from planner.results.alternatives import AlternativePlan, AlternativeSearch
from planner.solve import solve
from planner.solve.result import SolveResult, Status

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


def _silent(detail: str) -> None:
    return None


def npv_floor(npv: float, plan_value: float | None, within: float) -> float:
    basis = npv if plan_value is None or plan_value == 0 else plan_value
    return npv - within * abs(basis)


def no_search(requested: int, within: float, status: Status) -> AlternativeSearch:
    """What a scenario without a solution reports: nothing to seek alternatives to."""
    return AlternativeSearch(
        requested,
        within,
        None,
        None,
        None,
        (),
        f"no alternatives were sought: the scenario has no solution ({status.value})",
    )


@dataclass(frozen=True)
class _Step:
    plan: AlternativePlan | None
    values: np.ndarray | None
    stopped: str  # why there is no plan


@dataclass(frozen=True)
class _Search:
    """What every step of one search shares."""

    model: Model
    npv: float
    plan_value: float | None
    floor: float
    threads: int | None
    budget: float
    started: float

    def left(self) -> float:
        return self.budget - (time.perf_counter() - self.started)


def find_alternatives(
    model: Model,
    optimum: SolveResult,
    npv: float,
    plan_value: float | None,
    threads: int | None = None,
    progress: Progress = _silent,
    budget_s: float | None = None,
) -> AlternativeSearch:
    """Up to Settings `alternatives` plans after `optimum` (a solution of `model` worth `npv`).

    `plan_value` is the optimum's NPV less the status quo's, as the caller evaluated it
    (None when it did not). `budget_s` caps the whole search (default 2 · N · time_limit_s).
    """
    settings = model.case.settings
    requested, within = settings.alternatives, settings.alternatives_within
    budget = 2 * requested * settings.time_limit_s if budget_s is None else budget_s
    search = _Search(
        model,
        npv,
        plan_value,
        npv_floor(npv, plan_value, within),
        threads,
        budget,
        time.perf_counter(),
    )
    assert optimum.values is not None
    if decision_columns(model):
        found, stopped = _run(search, plan_of(model, optimum.values), requested, progress)
    else:
        found, stopped = [], "the scenario has no retooling option or launch to vary"
    report = log.info if len(found) == requested else log.warning
    report("[%s] alternatives: %s", model.case.scenario_id, stopped)
    return AlternativeSearch(
        requested,
        within,
        npv,
        plan_value,
        search.floor,
        tuple(found),
        stopped,
        time.perf_counter() - search.started,
    )


def _run(
    search: _Search, optimum: Plan, requested: int, progress: Progress
) -> tuple[list[AlternativePlan], str]:
    """The plans in turn, and why the search stopped."""
    plans: list[Plan] = [optimum]
    found: list[AlternativePlan] = []
    for number in range(1, requested + 1):
        if search.left() <= 0:
            return found, _budget_spent(search.budget, len(found))
        progress(f"alternative {number} of {requested}")
        step = _next_plan(search, plans, number, len(found))
        if step.plan is None or step.values is None:
            return found, step.stopped
        found.append(step.plan)
        plans.append(plan_of(search.model, step.values))
        log.info(
            "[%s] alternative %d: NPV %s, %s below the optimum, %d decision(s) reused",
            search.model.case.scenario_id,
            number,
            f"{step.plan.npv:,.0f}",
            f"{search.npv - step.plan.npv:,.0f}",
            step.plan.reused,
        )
    return found, f"found the {requested} alternative(s) asked for"


def _next_plan(search: _Search, plans: list[Plan], number: int, found: int) -> _Step:
    """The two solves for alternative `number`; `stopped` says why there is none."""
    model = search.model
    clock = time.perf_counter()
    lp = search_lp(model, plans, search.floor)
    reused = reuse_columns(model, plans)
    first = _solve(search, fewest_reused(lp, reused, _reuse_weight(search)))
    if first.status is Status.INFEASIBLE:
        return _Step(None, None, _none_left(search, len(plans)))
    if first.values is None or not first.status.has_solution:
        return _Step(None, None, _failed(search, first, number, found))
    count = reuse_count(first.values, reused)
    start = {int(c): float(first.values[c]) for c in np.flatnonzero(model.lp.integer)}
    second = _solve(search, with_reuse_fixed(lp, reused, count), start)
    if second.values is None or not second.status.has_solution:
        return _Step(None, None, _failed(search, second, number, found))
    results = extract_results(model, second)
    npv = results.npv if results.npv is not None else float(second.objective or 0.0)
    plan = AlternativePlan(
        npv,
        None if search.plan_value is None else npv - (search.npv - search.plan_value),
        tuple(r for r in results.retools if r.taken),
        results.launched_products,
        count,
        second.status,
        second.gap,
        time.perf_counter() - clock,
    )
    return _Step(plan, second.values, "")


def _reuse_weight(search: _Search) -> float:
    """More than the NPV spread the floor allows and than the solver's gap in $."""
    gap = search.model.case.settings.mip_gap * abs(search.npv)
    return 2.0 * max(search.npv - search.floor, gap, 1.0)


def _solve(search: _Search, lp: LPArrays, start: dict[int, float] | None = None) -> SolveResult:
    settings = search.model.case.settings
    limit = max(min(settings.time_limit_s, search.left()), 0.01)
    return solve(lp, settings.solver, limit, settings.mip_gap, None, search.threads, start)


def _none_left(search: _Search, earlier: int) -> str:
    settings = search.model.case.settings
    within = settings.alternatives_within
    if search.plan_value is None or search.plan_value == 0:
        basis = f"{within:.4g} of |NPV| {abs(search.npv):,.0f}"
    else:
        basis = f"{within:.4g} of the plan value {abs(search.plan_value):,.0f}"
    which = "the optimum" if earlier == 1 else f"each of the {earlier} plans found so far"
    return (
        f"no other plan has an NPV of at least {search.floor:,.0f} (the optimum's "
        f"{search.npv:,.0f} less {basis}) and differs from {which} in the options it takes "
        "or the products it launches"
    )


def _failed(search: _Search, result: SolveResult, number: int, found: int) -> str:
    limit = search.model.case.settings.time_limit_s
    if result.status is Status.ERROR and result.message and "stopped" not in result.message:
        return f"the solver failed in the search for alternative {number}: {result.message}"
    if search.left() <= 0.05 * limit:
        return _budget_spent(search.budget, found)
    return (
        f"the search for alternative {number} found no plan within its time limit of "
        f"{limit:g} s ({result.status.value})"
    )


def _budget_spent(budget: float, found: int) -> str:
    return (
        f"the search's time budget of {budget:g} s ran out after {found} alternative(s); "
        "the plans found so far are kept"
    )
