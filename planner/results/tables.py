"""The result records: one frozen dataclass per result table."""

from __future__ import annotations

from dataclasses import dataclass

from planner.contract.policy_kinds import PolicyKind, policy_kind


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
NO_SALES = "no sales in scope"
NOT_ENFORCED = "not enforced (penalty $0)"
FREE_TIGHTENING = (
    "tightening it a little costs nothing at this plan: an equally good plan meets the tighter rule"
)


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
    penalty: float = 0.0  # $ per unit of violation (soft policies)
    scope_units: float = 0.0  # units sold in scope (sales kinds)

    @property
    def meaning(self) -> PolicyKind:
        return policy_kind(self.kind)

    @property
    def no_sales(self) -> bool:
        """A share or mpg rule over no sales: it holds trivially, 0 against 0, and has no price."""
        return self.meaning.ratio and self.achieved is None

    @property
    def not_enforced(self) -> bool:
        """A soft rule missed because missing it costs nothing (penalty $0)."""
        return self.mode == "soft" and self.penalty <= 0 and self.violation > 1e-6

    @property
    def price_note(self) -> str:
        if self.no_sales:
            return NO_SALES
        if self.needs_new_plan:
            return AT_CAPACITY
        free = self.shadow_price is not None and abs(self.shadow_price) < 0.005
        if self.binding and free and not self.meaning.plan:
            return f"at its limit, but {FREE_TIGHTENING}"
        return ""

    @property
    def people_unit(self) -> str:
        """The unit slack, violation and shadow price are shown in: the row's, or the value's
        where the row's unit is not one people count in (fleet mpg: mpg, not vehicle-mpg)."""
        meaning = self.meaning
        return meaning.row_unit if meaning.row_unit_plain else meaning.value_unit

    @property
    def people_slack(self) -> float | None:
        """Slack in `people_unit` (≥ 0 holds); for mpg, the fleet's mpg less the target."""
        if self.meaning.row_unit_plain or self.row_slack is None:
            return self.row_slack
        if self.achieved is None:
            return None
        gap = self.achieved - self.required
        return gap if self.meaning.minimum else -gap

    @property
    def people_violation(self) -> float:
        if self.meaning.row_unit_plain or self.violation <= 1e-6:
            return self.violation
        slack = self.people_slack
        return 0.0 if slack is None else max(-slack, 0.0)

    @property
    def people_shadow_price(self) -> float | None:
        """$ per `people_unit`. For mpg: per 1 mpg of target T, to first order, with the sales
        kept. The row Σ s·(T²/mpg − T) changes in T by 2T·Σ s/mpg − Σ s = N·(2T/H − 1), with
        N the scope's units and H their harmonic-mean mpg (N where the fleet sits at T)."""
        if self.meaning.row_unit_plain or self.shadow_price is None:
            return self.shadow_price
        if self.achieved is None:
            return None
        return self.shadow_price * self.scope_units * (2 * self.required / self.achieved - 1)

    @property
    def statement(self) -> str:
        """Achieved vs required in the value's terms: 'fleet 27.4 mpg vs 29.0 required'."""
        return self.meaning.statement(self.achieved, self.required)

    @property
    def binding(self) -> bool:
        return (
            self.in_model
            and not self.no_sales
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
