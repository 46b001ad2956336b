"""Decisions already made (the Decisions sheet's take / never / start rows) as rows on z, y.

- take option o:   Σ_t z[o,t] = 1
- never option o:  Σ_t z[o,t] = 0
- start o in year: z[o,year] = 1
- take product k:  y[k] = 1        (y exists for every product a take row names, built or
                                     not: the launch is paid even with nothing to sell)
- never product k: y[k] = 0
Record rows are no constraint: they define the plan of record (`record_plan`), which is
evaluated on its own. In robust mode the rows bind the one shared plan, so they are added once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.case import Case, Decision
from planner.model.lp import LinearProgram
from planner.model.variables import PlanColumns


@dataclass(frozen=True)
class FixedPlan:
    """A plan given in full: the options started (and when) and the products launched."""

    starts: dict[str, int] = field(default_factory=dict)  # option -> start year
    launches: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    row: int

    def holds(self, activity: float) -> bool:
        """Whether the row's Σ (over the decision's columns) meets the decision."""
        wanted = 0.0 if self.decision.decision == "never" else 1.0
        return abs(activity - wanted) <= 1e-6


def add_decisions(case: Case, lp: LinearProgram, plan: PlanColumns) -> tuple[DecisionRow, ...]:
    rows = []
    for decision in case.decisions:
        if not decision.forcing:
            continue
        columns = _columns(decision, plan)
        value = 0.0 if decision.decision == "never" else 1.0
        row = lp.add_row(
            f"decision[{decision.decision},{decision.item}]",
            columns,
            [1.0] * len(columns),
            lower=value,
            upper=value,
        )
        rows.append(DecisionRow(decision, row))
    return tuple(rows)


def _columns(decision: Decision, plan: PlanColumns) -> list[int]:
    if not decision.is_option:
        column = plan.y.get(decision.item)
        return [] if column is None else [column]
    starts = plan.z_by_option.get(decision.item, [])
    if decision.decision == "start":
        return [c for t, c in starts if t == decision.year]
    return [c for _, c in starts]


def record_plan(case: Case) -> FixedPlan | None:
    """The plan of record: the record rows' starts and launches; None without record rows."""
    records = [d for d in case.decisions if d.decision == "record"]
    if not records:
        return None
    return FixedPlan(
        {d.item: d.year for d in records if d.is_option and d.year is not None},
        frozenset(d.item for d in records if not d.is_option),
    )
