"""Infeasibility diagnosis: which hard policies must give way, when, by how much.

The model is solved again with every hard policy soft (`solve_relaxed`: one scenario's model,
the robust joint model, or a fixed plan's LP, built by the caller at `diagnosis_penalties`),
and what gives way is read off each hard policy row's violation column (`give_ways`).

The penalty per unit of violation is derived from the data so that it exceeds anything one unit
of relaxation can earn, yet stays numerically safe (no 1e20 big-M): with U = 10 · (largest
price + Σ|credits| + largest unit cost + largest capex, fixed and launch cost per unit of
capacity) · max W_t, a vehicle of violation costs U; a vehicle-mpg costs U / (smallest
|value²/mpg − value| of the products in scope, floored at 0.01); $1 of capex budget costs 10 ·
(most any option can earn per $ of capex); one retool beyond max_retools costs 10 · (most any
option can earn).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from planner.case import Case, Decision, Policy
from planner.contract.policy_kinds import policy_kind, row_unit
from planner.model.economics import Economics, build_economics
from planner.model.lp import LPArrays
from planner.model.policies import PolicyRow
from planner.results.extract import row_achieved
from planner.solve.result import SolveResult

SAFETY = 10.0
GIVE_WAY_TOLERANCE = 1e-6  # a violation below this is solver noise, not a give-way


@dataclass(frozen=True)
class GiveWay:
    policy_id: str
    kind: str
    year: int | None
    amount: float  # in the row's unit
    required: float | None = None  # the policy's value and what the relaxed plan achieves,
    achieved: float | None = None  # in the value's own terms (share, mpg, units, $)

    @property
    def direction(self) -> str:
        """'short' of a minimum, 'over' a maximum."""
        return policy_kind(self.kind).miss_word

    @property
    def unit(self) -> str:
        return row_unit(self.kind)

    @property
    def statement(self) -> str:
        """'fleet 27.4 mpg vs 29.0 required'; '' without the figures."""
        if self.required is None:
            return ""
        return policy_kind(self.kind).statement(self.achieved, self.required)


@dataclass(frozen=True)
class DecisionFinding:
    """The case solved without its Decisions take/never/start rows."""

    feasible: bool
    broken: tuple[Decision, ...]  # the rows that solution does not keep

    def sentence(self) -> str:
        if not self.feasible:
            return "Without its Decisions take/never/start rows the case is still infeasible."
        if not self.broken:
            return "Without its Decisions take/never/start rows the case is feasible."
        named = "; ".join(d.describe() for d in self.broken)
        return (
            "Without its Decisions take/never/start rows the case is feasible; its best plan "
            f"then breaks: {named}."
        )


@dataclass(frozen=True)
class Diagnosis:
    penalties: dict[str, float]
    give_way: tuple[GiveWay, ...]
    message: str
    decisions: DecisionFinding | None = None

    def sentences(self) -> list[str]:
        lines = [] if self.decisions is None else [self.decisions.sentence()]
        return lines + self._give_way_sentences()

    def _give_way_sentences(self) -> list[str]:
        grouped: dict[str, list[GiveWay]] = defaultdict(list)
        for item in self.give_way:
            grouped[item.policy_id].append(item)
        lines = []
        for policy_id, items in grouped.items():
            first = items[0]
            total = sum(i.amount for i in items)
            years = [i.year for i in items if i.year is not None]
            when = f" in {_years_text(years)}" if years else " over its window"
            lines.append(_give_way_line(policy_id, first, total, when, items))
        return lines


def _give_way_line(
    policy_id: str, first: GiveWay, total: float, when: str, items: list[GiveWay]
) -> str:
    """By how much, in the row's unit where people read it; else achieved vs required."""
    head = f"{policy_id} ({first.kind}) {first.direction}"
    if policy_kind(first.kind).row_unit_plain or any(not i.statement for i in items):
        return f"{head} by {_amount(total)} {first.unit}{when}"
    if len(items) == 1:
        return f"{head}{when}: {first.statement}"
    return f"{head}{when}: {'; '.join(f'{i.statement} in {i.year}' for i in items)}"


def _amount(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _years_text(years: list[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    return ", ".join(str(y) for y in years[:-1]) + f" and {years[-1]}"


def diagnosis_penalties(case: Case, economics: Economics | None = None) -> dict[str, float]:
    """Penalty per unit of violation for each hard policy (see the module docstring)."""
    economics = economics or build_economics(case)
    horizon_weight = sum(economics.weight.values())
    per_unit_plan = max(
        (
            (o.capex + o.fixed_cost_per_year * horizon_weight) / o.capacity_added
            for o in case.options
            if o.capacity_added > 0
        ),
        default=0.0,
    )
    unit = (
        max(economics.price.values(), default=0.0)
        + sum(abs(p.value) for p in case.policies if p.kind == "credit_per_unit")
        + max(economics.cost.values(), default=0.0)
        + per_unit_plan
        + max((p.launch_cost for p in case.products), default=0.0)
    )
    vehicle = SAFETY * unit * max(economics.weight.values())
    option_value = max(
        (o.capacity_added * unit * horizon_weight for o in case.options), default=0.0
    )
    per_capex_dollar = max(
        (o.capacity_added * unit * horizon_weight / o.capex for o in case.options if o.capex > 0),
        default=1.0,
    )
    return {
        p.policy_id: _penalty(case, p, vehicle, SAFETY * option_value, SAFETY * per_capex_dollar)
        for p in case.policies
        if not p.soft
    }


def _penalty(case: Case, policy: Policy, vehicle: float, option: float, dollar: float) -> float:
    if policy.kind == "fleet_mpg_min":
        coefficients = [
            abs(policy.value**2 / case.product(k).mpg - policy.value) for k in policy.products
        ]
        smallest = min((c for c in coefficients if c > 0), default=1.0)
        return vehicle / max(smallest, 0.01)
    if policy_kind(policy.kind).row_unit == "$":
        return max(dollar, 1.0)
    if policy.kind == "max_retools":
        return max(option, vehicle)
    return vehicle


def hard_policy_ids(case: Case) -> frozenset[str]:
    """The policies the diagnosis makes soft (those `diagnosis_penalties` prices)."""
    return frozenset(p.policy_id for p in case.policies if not p.soft)


@dataclass(frozen=True)
class RelaxedRows:
    """One case's policy rows in a relaxed model, and the ids of its hard policies."""

    rows: Sequence[PolicyRow]
    hard: Collection[str]


def solve_relaxed(
    lp: LPArrays, parts: Sequence[RelaxedRows], solve: Callable[[LPArrays], SolveResult]
) -> tuple[SolveResult, tuple[tuple[GiveWay, ...], ...] | None]:
    """Solve the model built with its hard policies soft; what gives way in each part (one
    per case it holds), or None when the relaxed model has no solution either."""
    result = solve(lp)
    if not result.status.has_solution or result.values is None:
        return result, None
    return result, tuple(give_ways(part.rows, result.values, part.hard) for part in parts)


def give_ways(
    rows: Sequence[PolicyRow], values: np.ndarray, hard: Collection[str]
) -> tuple[GiveWay, ...]:
    """Each row of a hard policy whose violation column the solution uses: by how much (in
    the row's unit), the policy's value and what the plan achieves in the value's terms."""
    return tuple(
        GiveWay(
            r.policy.policy_id,
            r.policy.kind,
            r.year,
            float(values[r.violation_column]),
            r.policy.value,
            row_achieved(r, values),
        )
        for r in rows
        if r.policy.policy_id in hard
        and r.violation_column is not None
        and values[r.violation_column] > GIVE_WAY_TOLERANCE
    )
