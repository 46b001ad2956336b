"""The result records: one frozen dataclass per result table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetoolDecision:
    option_id: str
    plant_id: str
    from_line_type: str | None
    to_line_type: str
    capacity_added: float
    capacity_removed: float
    start_year: int | None  # None: not taken
    online_year: int | None
    capex: float
    fixed_cost_per_year: float

    @property
    def taken(self) -> bool:
        return self.start_year is not None


@dataclass(frozen=True)
class ProductionRow:
    plant_id: str
    line_type: str
    product_id: str
    year: int
    units: float


@dataclass(frozen=True)
class SalesRow:
    plant_id: str
    product_id: str
    region_id: str
    year: int
    units: float
    price: float
    freight: float
    tariff: float
    credit: float
    production_cost: float

    @property
    def unit_margin(self) -> float:
        return self.price - self.freight - self.tariff + self.credit - self.production_cost


@dataclass(frozen=True)
class UnmetRow:
    region_id: str
    product_id: str
    year: int
    demand: float
    sold: float

    @property
    def unmet(self) -> float:
        return self.demand - self.sold


@dataclass(frozen=True)
class CapacityRow:
    plant_id: str
    line_type: str
    year: int
    existing: float
    removed: float
    added: float
    used: float

    @property
    def available(self) -> float:
        return self.existing - self.removed + self.added

    @property
    def utilization(self) -> float | None:
        return self.used / self.available if self.available > 1e-9 else None


AT_CAPACITY = "binding at capacity: tightening needs a different plan"


@dataclass(frozen=True)
class PolicyOutcome:
    policy_id: str
    kind: str
    mode: str
    year: int | None  # None: the whole window
    sense: str  # ">=" or "<="
    required: float  # in the policy's own terms: share, mpg, units, $ or options
    achieved: float | None
    row_slack: float | None  # in row units (vehicles, vehicle-mpg, $, options); ≥ 0 = holds
    violation: float
    penalty_cost: float  # undiscounted $ (penalty × violation)
    shadow_price: float | None  # NPV lost per unit the requirement is tightened
    in_model: bool = True  # False: nothing in scope that year, the rule holds trivially
    needs_new_plan: bool = False  # binds, and tightening is infeasible with this plan

    @property
    def price_note(self) -> str:
        return AT_CAPACITY if self.needs_new_plan else ""

    @property
    def binding(self) -> bool:
        return (
            self.in_model
            and self.row_slack is not None
            and abs(self.row_slack) <= 1e-6 * max(1.0, abs(self.required))
        )


@dataclass(frozen=True)
class CashFlowYear:
    year: int
    revenue: float
    production_cost: float
    freight: float
    tariffs: float
    credits: float
    fixed_costs: float
    capex: float
    launch_costs: float
    penalties: float  # per-year soft policies
    window_penalties: float  # window-total soft policies: one-time, undiscounted
    discount_factor: float  # δ_t, applied to capex
    operating_weight: float  # W_t, applied to operating items (includes the terminal years)
    discounted: float  # this year's contribution to NPV

    @property
    def operating(self) -> float:
        return (
            self.revenue
            - self.production_cost
            - self.freight
            - self.tariffs
            + self.credits
            - self.fixed_costs
            - self.penalties
        )

    @property
    def net(self) -> float:
        return self.operating - self.capex - self.launch_costs - self.window_penalties


@dataclass(frozen=True)
class Violation:
    policy_id: str
    kind: str
    year: int | None
    violation: float
