"""Near-optimal alternative plans of a scenario: what the search found and why it stopped."""

from __future__ import annotations

from dataclasses import dataclass

from planner.results.tables import RetoolDecision
from planner.solve.result import Status


@dataclass(frozen=True)
class AlternativePlan:
    npv: float
    plan_value: float | None  # None where the optimum's plan value is unknown
    retools: tuple[RetoolDecision, ...]  # the options taken
    launched_products: tuple[str, ...]
    reused: int  # decisions it shares with the plans before it
    status: Status  # of the solve that gave it: optimal, or feasible at a time limit
    mip_gap: float | None
    solve_seconds: float  # both solves


@dataclass(frozen=True)
class AlternativeSearch:
    """The search after a scenario's optimum; `stopped` says in words why it ended."""

    requested: int
    within: float
    optimum_npv: float | None  # None: the scenario has no solution, nothing was sought
    optimum_plan_value: float | None
    floor: float | None  # the lowest NPV an alternative may have
    plans: tuple[AlternativePlan, ...]
    stopped: str
    seconds: float = 0.0

    def gap(self, plan: AlternativePlan) -> float | None:
        """How much less than the optimum the plan is worth, in $."""
        return None if self.optimum_npv is None else self.optimum_npv - plan.npv

    def gap_share(self, plan: AlternativePlan) -> float | None:
        """The gap as a share of the optimum's plan value; None unless that is positive."""
        value, gap = self.optimum_plan_value, self.gap(plan)
        if value is None or value <= 0 or gap is None:
            return None
        return gap / value
