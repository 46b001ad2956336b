"""The robust report from the chosen plans and the table of re-solves.

Every judged plan (the robust plan first, then each λ's, each scenario's own, the EV plan) with
its NPV and status in each scenario; from those NPVs the expected NPV, CVaR, worst case, each
scenario's own optimum NPV*_s, EVPI, EEV and VSS (not defined where the EV plan fails somewhere),
regret, the efficient frontier, the extensive form's size and the warnings about how each λ's
plan was chosen.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from planner.case import Case
from planner.robust import values
from planner.robust.choice import Choice, Table, row_npv
from planner.robust.inputs import RiskSettings
from planner.robust.model import ExtensiveForm
from planner.robust.plan import Plan
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
from planner.solve.result import Status

log = logging.getLogger(__name__)


def model_size(form: ExtensiveForm) -> dict[str, int]:
    lp = form.lp
    return {
        "variables": lp.num_cols,
        "binaries": lp.num_integer,
        "rows": lp.num_rows,
        "nonzeros": lp.num_nonzeros,
    }


def robust_report(
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
        model_size(form),
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
            label, role, plan, row_npv(table[plan]), {s: e.status for s, e in table[plan].items()}
        )
        for label, role, plan in labelled
    ]


def _point(
    w: float, choice: Choice | None, table: Table, chances: dict[str, float], alpha: float
) -> FrontierPoint:
    if choice is None:
        return FrontierPoint(w, Status.ERROR, None, None, None, None, None)
    npv = row_npv(table[choice.plan])
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
