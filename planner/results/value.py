"""NPV drivers of a solution and bridges between plans.

Drivers (each discounted as the objective is; together they are the NPV):
- `contribution:<segment>` = Σ_t W_t [Σ s·(P − φ − τ + κ) − Σ x·c] over the segment's products,
  also split into revenue, freight, tariffs, credits and production cost;
- `fixed_costs` = −Σ_t W_t Σ_o F_o Σ_{τ ≤ t−L_o} z[o,τ] (in full from the online year);
- `capex` = −Σ_t δ_t Σ_o C_o z[o,t];
- `launch_costs` = −Σ_k launch_cost_k · y[k] (undiscounted);
- `penalties` = −Σ_t W_t Σ_{per-year soft} penalty · v_t − Σ_{window-total soft} penalty · v.

A bridge from plan A to plan B is B's drivers minus A's, driver by driver, over the union of
their drivers (a missing one counts 0): it adds up to NPV_B − NPV_A.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from planner.model.build import Model

CONTRIBUTION = "contribution:"
PLAN_DRIVERS = ("fixed_costs", "capex", "launch_costs", "penalties")


@dataclass(frozen=True)
class SegmentContribution:
    """One segment's discounted contribution, taken apart."""

    segment: str
    revenue: float
    freight: float
    tariffs: float
    credits: float
    production_cost: float

    @property
    def total(self) -> float:
        return self.revenue - self.freight - self.tariffs + self.credits - self.production_cost


@dataclass(frozen=True)
class Drivers:
    segments: tuple[SegmentContribution, ...]
    fixed_costs: float
    capex: float
    launch_costs: float
    penalties: float

    def as_dict(self) -> dict[str, float]:
        """{driver: $}, each signed as it adds to NPV."""
        drivers = {f"{CONTRIBUTION}{s.segment}": s.total for s in self.segments}
        drivers.update(
            fixed_costs=self.fixed_costs,
            capex=self.capex,
            launch_costs=self.launch_costs,
            penalties=self.penalties,
        )
        return drivers

    @property
    def total(self) -> float:
        return sum(self.as_dict().values())


def npv_drivers(model: Model, values: np.ndarray) -> Drivers:
    """The drivers of a solved model, from the same values as its cash flow."""
    case, economics, variables = model.case, model.economics, model.variables
    weight, delta = economics.weight, economics.delta
    parts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (p, k, r, t), column in variables.s.items():
        units = float(values[column])
        if units == 0:
            continue
        part = parts[case.product(k).segment]
        part["revenue"] += weight[t] * units * economics.price[r, k, t]
        part["freight"] += weight[t] * units * economics.freight[p, r]
        part["tariffs"] += weight[t] * units * economics.tariff(p, r, k, t)
        part["credits"] += weight[t] * units * economics.credit(p, k, r, t)
    for (p, _, k, t), column in variables.x.items():
        parts[case.product(k).segment]["production_cost"] += (
            weight[t] * float(values[column]) * economics.cost[p, k]
        )
    fixed, capex = 0.0, 0.0
    for option in case.options:
        for start, column in variables.starts(option.option_id):
            if values[column] < 0.5:
                continue
            capex += delta[start] * option.capex
            online = start + option.lead_time_years
            fixed += sum(weight[t] for t in case.settings.years if t >= online) * (
                option.fixed_cost_per_year
            )
    launch = sum(case.product(k).launch_cost for k, c in variables.y.items() if values[c] > 0.5)
    penalties = 0.0
    for row in model.policy_rows:
        if row.violation_column is not None:
            cost = row.penalty * float(values[row.violation_column])
            penalties += cost if row.year is None else weight[row.year] * cost
    segments = sorted({p.segment for p in case.products})
    return Drivers(
        tuple(_segment(segment, parts.get(segment, {})) for segment in segments),
        -fixed,
        -capex,
        -launch,
        -penalties,
    )


def _segment(segment: str, part: Mapping[str, float]) -> SegmentContribution:
    return SegmentContribution(
        segment,
        part.get("revenue", 0.0),
        part.get("freight", 0.0),
        part.get("tariffs", 0.0),
        part.get("credits", 0.0),
        part.get("production_cost", 0.0),
    )


def bridge(start: Mapping[str, float], end: Mapping[str, float]) -> dict[str, float]:
    """end − start, driver by driver over the union of both (in start's order, then end's)."""
    names = list(start) + [d for d in end if d not in start]
    return {d: end.get(d, 0.0) - start.get(d, 0.0) for d in names}
