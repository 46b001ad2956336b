"""Step 5 of robust mode: the plan taken for each λ, from every plan re-solved in every scenario.

The plan is the best judged plan by its exact objective, (1−λ)·Σ π_s NPV_s + λ·CVaR_α from the
re-solved NPVs (with the plan fixed the extensive form splits into the scenarios, so this is the
plan's true objective). That is the extensive form's own plan unless it stopped at its time
limit with a worse incumbent than some scenario's plan; the gap is then measured against the
extensive form's bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.robust import values
from planner.robust.evaluate import Evaluation
from planner.robust.model import RobustSolve
from planner.robust.plan import Plan
from planner.solve.result import Status, relative_gap, status_from_gap

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


def plan_objective(
    npv: dict[str, float | None], risk_weight: float, alpha: float, chances: dict[str, float]
) -> float | None:
    """(1−λ)·Σ π_s NPV_s + λ·CVaR_α; None if the plan fails in some scenario."""
    mean = values.expected(npv, chances)
    if mean is None or risk_weight == 0:
        return mean
    tail = values.cvar(npv, chances, alpha)
    return None if tail is None else (1 - risk_weight) * mean + risk_weight * tail


def row_npv(row: dict[str, Evaluation]) -> dict[str, float | None]:
    return {s: e.npv for s, e in row.items()}


def choose_plan(
    solved: RobustSolve, table: Table, chances: dict[str, float], alpha: float, mip_gap: float
) -> Choice | None:
    """The best judged plan at λ by its exact objective (the extensive form's on ties)."""
    w = solved.risk_weight
    scores = {p: plan_objective(row_npv(row), w, alpha, chances) for p, row in table.items()}
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
