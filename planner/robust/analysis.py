"""Robust mode with no file I/O: from the cases and each scenario's own run to the report.

1. A scenario infeasible on its own means no plan fits them all: stop (exit 3), naming it.
2. The extensive form for each λ needed: the chosen one, 0 (for EVPI and VSS), the sweep.
   Infeasible → the §2.7 diagnosis on the joint model (exit 3).
3. The expected-value plan: the mean case (`values.mean_value_case`) solved alone.
4. Every distinct plan — each λ's, each scenario's own, the EV plan — fixed and re-solved in
   every scenario (`evaluate`).
5. For each λ the plan is the best of these by its exact objective, (1−λ)·Σ π_s NPV_s +
   λ·CVaR_α from the re-solved NPVs (with the plan fixed the extensive form splits into the
   scenarios, so this is the plan's true objective). That is the extensive form's own plan
   unless it stopped at its time limit with a worse incumbent than some scenario's plan; the
   gap is then measured against the extensive form's bound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from planner.case import Case
from planner.model.build import build_model
from planner.results.outcome import ScenarioOutcome
from planner.robust import values
from planner.robust.evaluate import PARALLEL_MIN_NONZEROS, Evaluation, evaluate_plans
from planner.robust.inputs import RiskSettings
from planner.robust.model import ExtensiveForm, RobustSolve, build_extensive, diagnose_joint
from planner.robust.model import solve_extensive as solve_form
from planner.robust.plan import Plan, plan_from_results, plan_from_solution
from planner.robust.report import (
    EV_PLAN,
    FRONTIER,
    OWN,
    ROBUST,
    FrontierPoint,
    JudgedPlan,
    RobustReport,
    lambda_label,
)
from planner.runtime.processes import MapInProcesses, serial_map
from planner.solve import solve
from planner.solve.result import Status, relative_gap, status_from_gap

log = logging.getLogger(__name__)

Table = dict[Plan, dict[str, Evaluation]]  # plan -> scenario -> the plan re-solved there
TIE = 1e-9  # relative: a plan must beat the extensive form's by more to replace it


@dataclass(frozen=True)
class Choice:
    """The plan taken for one λ, with its exact objective and how sure we are of it."""

    solved: RobustSolve
    plan: Plan
    objective: float
    status: Status
    gap: float | None


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
    first = own.get(cases[0].scenario_id)
    start = (
        plan_from_results(first.results)
        if first is not None and first.results.status.has_solution
        else None
    )
    solves = _solve_all(form, risk, cases[0], start)
    main = solves[risk.risk_weight]
    if main.result.status in (Status.INFEASIBLE, Status.UNBOUNDED):
        return _without_plan(cases, chances, risk, form, main)
    timings = {
        "extensive form build": form.build_seconds,
        "extensive form solves": time.perf_counter() - clock,
    }
    return _judge(cases, chances, risk, form, solves, own, map_in_processes, timings)


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
    return _report(cases, chances, risk, form, choices, table, own_plans, ev_plan, notes, timings)


def _solve(form: ExtensiveForm, risk_weight: float, first: Case, start: Plan | None) -> RobustSolve:
    s = first.settings
    return solve_form(form, risk_weight, s.solver, s.time_limit_s, s.mip_gap, start)


def _solve_all(
    form: ExtensiveForm, risk: RiskSettings, first: Case, start: Plan | None
) -> dict[float, RobustSolve]:
    """The chosen λ first (started from the first scenario's own plan): if it has no plan
    because none exists, neither has any other."""
    main = _solve(form, risk.risk_weight, first, start)
    if main.result.status in (Status.INFEASIBLE, Status.UNBOUNDED):
        return {risk.risk_weight: main}
    return {
        w: main if w == risk.risk_weight else _solve(form, w, first, main.plan)
        for w in risk.weights
    }


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
        _size(form),
        None,
        diagnosis=diagnosis,
        warnings=(result.message,) if result.message else (),
    )


def _size(form: ExtensiveForm) -> dict[str, int]:
    lp = form.lp
    return {
        "variables": lp.num_cols,
        "binaries": lp.num_integer,
        "rows": lp.num_rows,
        "nonzeros": lp.num_nonzeros,
    }


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


def plan_objective(
    npv: dict[str, float | None], risk_weight: float, alpha: float, chances: dict[str, float]
) -> float | None:
    """(1−λ)·Σ π_s NPV_s + λ·CVaR_α; None if the plan fails in some scenario."""
    mean = values.expected(npv, chances)
    if mean is None or risk_weight == 0:
        return mean
    tail = values.cvar(npv, chances, alpha)
    return None if tail is None else (1 - risk_weight) * mean + risk_weight * tail


def _npv(row: dict[str, Evaluation]) -> dict[str, float | None]:
    return {s: e.npv for s, e in row.items()}


def choose_plan(
    solved: RobustSolve, table: Table, chances: dict[str, float], alpha: float, mip_gap: float
) -> Choice | None:
    """The best judged plan at λ by its exact objective (the extensive form's on ties)."""
    w = solved.risk_weight
    scores = {p: plan_objective(_npv(row), w, alpha, chances) for p, row in table.items()}
    feasible = {p: v for p, v in scores.items() if v is not None}
    if not feasible:
        return None
    best = max(feasible, key=feasible.__getitem__)
    made = solved.plan  # its launches are over the launchable products: a key of `table`
    if made in feasible and feasible[best] <= feasible[made] + TIE * max(1.0, abs(feasible[made])):
        best = made
    result = solved.result
    gap = relative_gap(feasible[best], result.bound)
    status = status_from_gap(Status.FEASIBLE, gap, mip_gap)
    if result.bound is None and best == made and result.status.has_solution:
        status, gap = result.status, result.gap  # no bound to measure against: the solver's
    return Choice(solved, best, feasible[best], status, gap)


def _report(
    cases: Sequence[Case],
    chances: dict[str, float],
    risk: RiskSettings,
    form: ExtensiveForm,
    choices: dict[float, Choice | None],
    table: Table,
    own_plans: dict[str, Plan],
    ev_plan: Plan | None,
    notes: list[str],
    timings: dict[str, float],
) -> RobustReport:
    robust = choices[risk.risk_weight]
    assert robust is not None
    judged = _judged(robust, choices, table, own_plans, ev_plan, frozenset(form.plan.y))
    by_role = {(j.role, j.label): j for j in judged}
    npv = by_role[ROBUST, ROBUST].npv
    best = {c.scenario_id: _own_npv(by_role, c.scenario_id) for c in cases}
    p0 = by_role.get((FRONTIER, lambda_label(0.0)))
    p0_npv = p0.npv if p0 is not None else {}
    eev, vss, vss_notes = _value_of_the_stochastic_solution(by_role, p0_npv, chances)
    alpha = risk.cvar_alpha
    main = robust.solved.result
    return RobustReport(
        tuple(cases),
        chances,
        risk,
        robust.status,
        main.solver,
        robust.objective,
        robust.gap,
        main.seconds,
        _size(form),
        robust.plan,
        in_scenario=table[robust.plan],
        solved_objective=main.objective,
        best=best,
        plans=tuple(judged),
        expected_npv=values.expected(npv, chances),
        cvar=values.cvar(npv, chances, alpha),
        worst_npv=values.worst(npv),
        evpi=values.evpi(best, p0_npv, chances),
        eev=eev,
        vss=vss,
        regret={ROBUST: values.regret(best, npv)}
        | {j.label: values.regret(best, j.npv) for j in judged if j.role == OWN},
        frontier=tuple(_point(w, choices[w], table, chances, alpha) for w in risk.sweep),
        warnings=tuple(_choice_notes(choices, judged) + notes + vss_notes),
        timings=timings,
    )


def _judged(
    robust: Choice,
    choices: dict[float, Choice | None],
    table: Table,
    own_plans: dict[str, Plan],
    ev_plan: Plan | None,
    launchable: frozenset[str],
) -> list[JudgedPlan]:
    """The robust plan first, then each λ's, each scenario's own, and the EV plan."""
    labelled = [(ROBUST, ROBUST, robust.plan)]
    labelled += [(lambda_label(w), FRONTIER, c.plan) for w, c in choices.items() if c is not None]
    labelled += [(s, OWN, p.launching_only(launchable)) for s, p in own_plans.items()]
    if ev_plan is not None:
        labelled.append((EV_PLAN, EV_PLAN, ev_plan.launching_only(launchable)))
    return [
        JudgedPlan(
            label, role, plan, _npv(table[plan]), {s: e.status for s, e in table[plan].items()}
        )
        for label, role, plan in labelled
    ]


def _point(
    w: float, choice: Choice | None, table: Table, chances: dict[str, float], alpha: float
) -> FrontierPoint:
    if choice is None:
        return FrontierPoint(w, Status.ERROR, None, None, None, None, None)
    npv = _npv(table[choice.plan])
    return FrontierPoint(
        w,
        choice.status,
        choice.objective,
        values.expected(npv, chances),
        values.cvar(npv, chances, alpha),
        values.worst(npv),
        choice.plan,
    )


def _own_npv(by_role: dict[tuple[str, str], JudgedPlan], scenario: str) -> float | None:
    """NPV*_s: the scenario's own plan re-solved in its own scenario (≥ its MIP figure)."""
    own = by_role.get((OWN, scenario))
    return None if own is None else own.npv[scenario]


def _value_of_the_stochastic_solution(
    by_role: dict[tuple[str, str], JudgedPlan],
    p0: dict[str, float | None],
    chances: dict[str, float],
) -> tuple[float | None, float | None, list[str]]:
    """(EEV, VSS, notes): both None where the EV plan fails in some scenario."""
    ev = by_role.get((EV_PLAN, EV_PLAN))
    if ev is None:
        return None, None, []
    failed = [s for s, status in ev.status.items() if not status.has_solution]
    if failed:
        note = (
            f"the expected-value plan is infeasible in {', '.join(failed)}: EEV and VSS "
            "are not defined"
        )
        log.warning("[robust] %s", note)
        return None, None, [note]
    return values.expected(ev.npv, chances), values.vss(p0, ev.npv, chances), []


def _choice_notes(choices: dict[float, Choice | None], judged: Sequence[JudgedPlan]) -> list[str]:
    names = {
        c.solved.plan: f"the extensive form's plan at λ = {w:g}"
        for w, c in choices.items()
        if c is not None and c.solved.plan is not None
    }
    names |= {j.plan: f"{j.label}'s own plan" for j in judged if j.role == OWN}
    names |= {
        j.plan: "the expected-value plan"
        for j in judged
        if j.role == EV_PLAN and j.plan not in names
    }
    notes = []
    for w, choice in choices.items():
        if choice is None:
            notes.append(f"λ = {w:g}: no plan is feasible in every scenario")
            continue
        result = choice.solved.result
        gap = "" if choice.gap is None else f", gap {100 * choice.gap:.4f}% to its bound"
        if choice.plan != choice.solved.plan:
            notes.append(
                f"λ = {w:g}: the extensive form stopped ({result.status.value}) "
                f"with a worse plan than {names.get(choice.plan, 'another plan')}, "
                f"which is used{gap}"
            )
        elif choice.status is Status.FEASIBLE:
            notes.append(f"λ = {w:g}: time limit reached before the MIP gap{gap}")
    for note in notes:
        log.warning("[robust] %s", note)
    return notes
