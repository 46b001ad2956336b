"""A given plan evaluated on a scenario: the status quo and the plan of record.

The plan fixes every retool start z and launch y; production, sales and violations stay free,
so what is left is a linear program, solved with HiGHS. The status quo takes no option and
launches nothing. Rows that force decisions (the Decisions sheet) do not apply to these plans
and are relaxed. When the plan is infeasible, the reason is named: a capacity-removal limit
the plan's options exceed (and the start year that exceeds it), or the hard policies that must
give way and in which years (the model solved again with hard policies made soft).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from planner.case import Case
from planner.contract.policy_kinds import policy_kind
from planner.model.build import Model, build_model
from planner.model.decisions import FixedPlan, record_plan
from planner.model.lp import INF, LPArrays
from planner.model.variables import existing_capacity
from planner.results.diagnosis import RelaxedRows, diagnosis_penalties, solve_relaxed
from planner.results.extract import Results, extract_results
from planner.solve.highs import solve_highs
from planner.solve.result import Status

log = logging.getLogger(__name__)

STATUS_QUO = "status quo"
RECORD = "plan of record"


@dataclass(frozen=True)
class Blocker:
    """What a fixed plan cannot meet: a hard policy (or a capacity-removal limit) in a year."""

    name: str  # policy id, or "removal_limit[plant,line]"
    kind: str  # policy kind, or "capacity_removed"
    year: int | None  # None: a policy's window total
    amount: float  # capacity, or the policy row's unit
    required: float | None = None  # a policy's value and what the relaxed plan achieves
    achieved: float | None = None

    def sentence(self) -> str:
        when = "over its window" if self.year is None else f"in {self.year}"
        if self.kind == "capacity_removed":
            return (
                f"{self.name}: the plan removes {self.amount:,.0f} units/yr more than exists "
                f"({when})"
            )
        meaning = policy_kind(self.kind)
        head = f"{self.name} ({self.kind}) cannot be met {when}: {meaning.miss_word}"
        if meaning.row_unit_plain or self.required is None:
            return f"{head} by {self.amount:,.6g} {meaning.row_unit}"
        return f"{head}, {meaning.statement(self.achieved, self.required)}"


@dataclass(frozen=True)
class PlanEvaluation:
    label: str  # STATUS_QUO or RECORD
    plan: FixedPlan
    status: Status
    results: Results | None  # with a solution only
    blockers: tuple[Blocker, ...] = ()

    @property
    def npv(self) -> float | None:
        return None if self.results is None else self.results.npv

    @property
    def drivers(self) -> dict[str, float] | None:
        if self.results is None or self.results.drivers is None:
            return None
        return self.results.drivers.as_dict()

    def sentences(self) -> list[str]:
        if self.results is not None:
            return []
        if not self.blockers:
            return [f"The {self.label} could not be evaluated ({self.status.value})."]
        return [f"The {self.label} is infeasible: {b.sentence()}." for b in self.blockers]


def evaluate_plan(model: Model, plan: FixedPlan, label: str) -> PlanEvaluation:
    """The plan's NPV and drivers on the model's case (x, s, v free)."""
    removal = _removal_blockers(model.case, plan)
    if removal:
        return PlanEvaluation(label, plan, Status.INFEASIBLE, None, removal)
    result = solve_highs(
        _fixed(model, plan), time_limit=model.case.settings.time_limit_s, mip_gap=0.0
    )
    if result.status.has_solution:
        return PlanEvaluation(label, plan, result.status, extract_results(model, result))
    blockers = _policy_blockers(model.case, plan) if result.status is Status.INFEASIBLE else ()
    evaluation = PlanEvaluation(label, plan, result.status, None, blockers)
    for sentence in evaluation.sentences():
        log.warning("[%s] %s", model.case.scenario_id, sentence)
    return evaluation


def _fixed(model: Model, plan: FixedPlan) -> LPArrays:
    """The model's arrays with z and y fixed to the plan and the decision rows relaxed."""
    v = model.variables
    columns = list(v.z.values()) + list(v.y.values())
    values = [1.0 if plan.starts.get(o) == t else 0.0 for (o, t) in v.z]
    values += [1.0 if k in plan.launches else 0.0 for k in v.y]
    lp = model.lp.with_fixed(np.asarray(columns, dtype=np.int64), np.asarray(values))
    if model.decision_rows:
        lower, upper = lp.row_lower.copy(), lp.row_upper.copy()
        rows = np.asarray([r.row for r in model.decision_rows], dtype=np.int64)
        lower[rows], upper[rows] = -INF, INF
        lp = lp.with_row_bounds(lower, upper)
    return lp


def _removal_blockers(case: Case, plan: FixedPlan) -> tuple[Blocker, ...]:
    """Removal limits Σ d_o ≤ E[p,l] the plan's options exceed, at the start that exceeds."""
    existing = existing_capacity(case)
    removed: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for option in case.options:
        start = plan.starts.get(option.option_id)
        if start is not None and option.from_line_type is not None:
            removed[option.plant_id, option.from_line_type].append((start, option.capacity_removed))
    blockers = []
    for (plant_id, line_type), items in sorted(removed.items()):
        limit = existing.get((plant_id, line_type), 0.0)
        total = 0.0
        for start, amount in sorted(items):
            total += amount
            if total > limit + 1e-9:
                blockers.append(
                    Blocker(
                        f"removal_limit[{plant_id},{line_type}]",
                        "capacity_removed",
                        start,
                        sum(a for _, a in items) - limit,
                    )
                )
                break
    return tuple(blockers)


def _policy_blockers(case: Case, plan: FixedPlan) -> tuple[Blocker, ...]:
    """Hard policies that give way when the plan is solved with them made soft."""
    penalties = diagnosis_penalties(case)
    if not penalties:
        return ()
    relaxed = build_model(case, forced_penalties=penalties, launchable=plan.launches)
    limit = case.settings.time_limit_s
    _, found = solve_relaxed(
        _fixed(relaxed, plan),
        [RelaxedRows(relaxed.policy_rows, frozenset(penalties))],
        lambda lp: solve_highs(lp, time_limit=limit, mip_gap=0.0),
    )
    if found is None:
        return ()
    return tuple(
        Blocker(g.policy_id, g.kind, g.year, g.amount, g.required, g.achieved) for g in found[0]
    )


def status_quo(model: Model) -> PlanEvaluation:
    return evaluate_plan(model, FixedPlan(), STATUS_QUO)


def plan_of_record(model: Model) -> PlanEvaluation | None:
    """The Decisions sheet's record rows evaluated; None without any.

    A recorded launch of a product this scenario cannot build (no demand for it) still pays its
    launch cost, so the model is rebuilt with a launch decision for every recorded product."""
    plan = record_plan(model.case)
    if plan is None:
        return None
    if any(k not in model.variables.y for k in plan.launches):
        model = build_model(model.case, launchable=plan.launches)
    return evaluate_plan(model, plan, RECORD)


def plan_value(npv: float | None, status_quo_npv: float | None) -> float | None:
    """What the plan adds to doing nothing new; null where either NPV is."""
    return None if npv is None or status_quo_npv is None else npv - status_quo_npv
