"""Robust mode with no file I/O: from the cases and each scenario's own run to the report.

1. A scenario infeasible on its own means no plan fits them all: stop (exit 3), naming it.
2. The extensive form for each λ needed: the chosen one, 0 (for EVPI and VSS), the sweep.
   Infeasible → the §2.7 diagnosis on the joint model (exit 3).
3. The expected-value plan: the mean case (`values.mean_value_case`) solved alone.
4. Every distinct plan — each λ's, each scenario's own, the EV plan — fixed and re-solved in
   every scenario (`evaluate`).
5. For each λ the plan is the best of these by its exact objective (`choice`), and the report's
   figures — EVPI, EEV, VSS, regret, the frontier — are worked out from the re-solved NPVs
   (`report_figures`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from planner.case import Case
from planner.model.build import build_model
from planner.results.outcome import ScenarioOutcome
from planner.robust import values
from planner.robust.choice import Table, choose_plan
from planner.robust.evaluate import PARALLEL_MIN_NONZEROS, evaluate_plans
from planner.robust.inputs import RiskSettings
from planner.robust.model import (
    ExtensiveForm,
    RobustSolve,
    build_extensive,
    diagnose_joint,
    own_binding_cuts,
    seeded,
)
from planner.robust.model import solve_extensive as solve_form
from planner.robust.plan import Plan, plan_from_results, plan_from_solution
from planner.robust.report import RobustReport
from planner.robust.report_figures import model_size, robust_report
from planner.runtime.processes import MapInProcesses, serial_map
from planner.solve import solve
from planner.solve.result import Status

log = logging.getLogger(__name__)


def analyse(
    cases: Sequence[Case],
    chances: dict[str, float],
    risk: RiskSettings,
    own: dict[str, ScenarioOutcome | None],
    map_in_processes: MapInProcesses = serial_map,
) -> RobustReport:
    """Robust mode; `own` holds each scenario's own run (None where it failed), whose status
    quo NPV the report also carries."""
    report = _analyse(cases, chances, risk, own, map_in_processes)
    quo = {}
    for case in cases:
        outcome = own.get(case.scenario_id)
        quo[case.scenario_id] = None if outcome is None else outcome.status_quo_npv
    return replace(report, status_quo_npv_by_scenario=quo)


def _analyse(
    cases: Sequence[Case],
    chances: dict[str, float],
    risk: RiskSettings,
    own: dict[str, ScenarioOutcome | None],
    map_in_processes: MapInProcesses,
) -> RobustReport:
    alone = tuple(
        s for s, o in own.items() if o is not None and o.results.status is Status.INFEASIBLE
    )
    if alone:
        verb = "is infeasible on its own" if len(alone) == 1 else "are infeasible on their own"
        log.warning("[robust] no plan fits every scenario: %s %s", ", ".join(alone), verb)
        return RobustReport(
            tuple(cases),
            chances,
            risk,
            Status.INFEASIBLE,
            cases[0].settings.solver,
            None,
            None,
            0.0,
            {},
            None,
            infeasible_alone=alone,
        )
    pis = [chances[c.scenario_id] for c in cases]
    form = build_extensive(cases, pis, risk.cvar_alpha, any(w > 0 for w in risk.weights))
    clock = time.perf_counter()
    if cases[0].settings.solver == "highs":  # the only solver that separates the cut pool
        form = seeded(form, _own_cuts(cases, own, map_in_processes))
    solves = _solve_all(form, risk, cases[0])
    main = solves[risk.risk_weight]
    if main.result.status in (Status.INFEASIBLE, Status.UNBOUNDED):
        return _without_plan(cases, chances, risk, form, main)
    timings = {
        "extensive form build": form.build_seconds,
        "extensive form solves": time.perf_counter() - clock,
    }
    return _judge(cases, chances, risk, form, solves, own, map_in_processes, timings)


def _own_cuts(
    cases: Sequence[Case],
    own: dict[str, ScenarioOutcome | None],
    map_in_processes: MapInProcesses,
) -> dict[str, tuple[str, ...]]:
    """Each scenario's binding cuts: those its own run kept (the sample case: 8 s of
    separating again saved), else separated here (a run that failed, or CBC's)."""
    cuts: dict[str, tuple[str, ...]] = {}
    for case in cases:
        outcome = own.get(case.scenario_id)
        if outcome is not None and outcome.binding_cuts is not None:
            cuts[case.scenario_id] = outcome.binding_cuts
    missing = [c for c in cases if c.scenario_id not in cuts]
    if missing:
        found = map_in_processes(own_binding_cuts, missing, cases[0].settings.time_limit_s)
        cuts.update({c.scenario_id: names for c, names in zip(missing, found, strict=True)})
    return cuts


def _judge(
    cases: Sequence[Case],
    chances: dict[str, float],
    risk: RiskSettings,
    form: ExtensiveForm,
    solves: dict[float, RobustSolve],
    own: dict[str, ScenarioOutcome | None],
    map_in_processes: MapInProcesses,
    timings: dict[str, float],
) -> RobustReport:
    """Steps 3 to 5 of the module docstring, then the report."""
    clock = time.perf_counter()
    ev_plan, notes = _expected_value_plan(cases, [chances[c.scenario_id] for c in cases])
    timings["expected-value case"] = time.perf_counter() - clock
    clock = time.perf_counter()
    own_plans = {
        s: plan_from_results(o.results)
        for s, o in own.items()
        if o is not None and o.results.status.has_solution
    }
    table = _evaluate(cases, form, solves, own_plans, ev_plan, map_in_processes)
    mip_gap = cases[0].settings.mip_gap
    choices = {
        w: choose_plan(solved, table, chances, risk.cvar_alpha, mip_gap)
        for w, solved in solves.items()
    }
    robust, main = choices[risk.risk_weight], solves[risk.risk_weight]
    if robust is None:
        return _without_plan(cases, chances, risk, form, main)
    if robust.plan != main.plan:  # key figures were worked out for the extensive form's plan
        found = evaluate_plans(cases, [robust.plan], frozenset({0}))
        table[robust.plan] = {s: row[0] for s, row in found.items()}
    timings["plans fixed and re-solved"] = time.perf_counter() - clock
    return robust_report(
        cases, chances, risk, form, choices, table, own_plans, ev_plan, notes, timings
    )


def _solve(form: ExtensiveForm, risk_weight: float, first: Case) -> RobustSolve:
    s = first.settings
    return solve_form(form, risk_weight, s.solver, s.time_limit_s, s.mip_gap)


def _solve_all(form: ExtensiveForm, risk: RiskSettings, first: Case) -> dict[float, RobustSolve]:
    """The chosen λ first: if it has no plan because none exists, neither has any other."""
    main = _solve(form, risk.risk_weight, first)
    if main.result.status in (Status.INFEASIBLE, Status.UNBOUNDED):
        return {risk.risk_weight: main}
    return {w: main if w == risk.risk_weight else _solve(form, w, first) for w in risk.weights}


def _without_plan(
    cases: Sequence[Case],
    chances: dict[str, float],
    risk: RiskSettings,
    form: ExtensiveForm,
    main: RobustSolve,
) -> RobustReport:
    result = main.result
    diagnosis = {}
    if result.status is Status.INFEASIBLE:
        s = cases[0].settings
        log.warning("[robust] no single plan fits every scenario: diagnosing the joint model")
        diagnosis = diagnose_joint(
            cases, [chances[c.scenario_id] for c in cases], s.solver, s.time_limit_s, s.mip_gap
        )
        for scenario, found in diagnosis.items():
            for sentence in found.sentences() or ([found.message] if found.message else []):
                log.warning("[robust] [%s] %s", scenario, sentence)
    status = result.status if not result.status.has_solution else Status.ERROR
    return RobustReport(
        tuple(cases),
        chances,
        risk,
        status,
        result.solver,
        None,
        None,
        result.seconds,
        model_size(form),
        None,
        diagnosis=diagnosis,
        warnings=(result.message,) if result.message else (),
    )


def _expected_value_plan(
    cases: Sequence[Case], pis: Sequence[float]
) -> tuple[Plan | None, list[str]]:
    """The plan of the EV case solved alone (None, with a note, if it has none)."""
    case = values.mean_value_case(cases, pis)
    model = build_model(case)
    s = case.settings
    result = solve(model.lp, s.solver, s.time_limit_s, s.mip_gap)
    log.info("[robust] expected-value case: %s", result.status.value)
    if not result.status.has_solution or result.values is None:
        return None, [
            f"the expected-value (mean) case is {result.status.value}, so it has "
            "no plan: VSS is not computed"
        ]
    return plan_from_solution(model.variables, result.values), []


def _evaluate(
    cases: Sequence[Case],
    form: ExtensiveForm,
    solves: dict[float, RobustSolve],
    own_plans: dict[str, Plan],
    ev_plan: Plan | None,
    map_in_processes: MapInProcesses,
) -> Table:
    """Every distinct plan in every scenario, launches kept where a launch decision exists
    (so equal plans made in different models are judged once)."""
    launchable = frozenset(form.plan.y)
    made = [s.plan for s in solves.values() if s.plan is not None]
    made += [*own_plans.values(), *([ev_plan] if ev_plan else [])]
    plans = list(dict.fromkeys(p.launching_only(launchable) for p in made))
    parallel = form.lp.num_nonzeros >= PARALLEL_MIN_NONZEROS
    started = time.perf_counter()
    found = evaluate_plans(  # 0: the chosen λ's
        cases, plans, frozenset({0}), map_in_processes if parallel else serial_map
    )
    log.info(
        "[robust] %d distinct plans judged in %d scenarios in %.1f s (%s)",
        len(plans),
        len(cases),
        time.perf_counter() - started,
        "in worker processes" if parallel else "in this process",
    )
    return {plan: {s: row[i] for s, row in found.items()} for i, plan in enumerate(plans)}
