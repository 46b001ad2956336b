"""Read a solved model's values into result tables and the key figures of docs/contract.md §3."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from planner.case import Case
from planner.contract.policy_kinds import policy_kind
from planner.model.build import Model
from planner.model.economics import is_domestic
from planner.model.policies import PolicyRow
from planner.results.cashflow import cash_flow
from planner.results.tables import (
    CapacityRow,
    CashFlowYear,
    PolicyOutcome,
    ProductionRow,
    RetoolDecision,
    SalesRow,
    UnmetRow,
    Violation,
)
from planner.results.value import Drivers, npv_drivers
from planner.solve.result import SolveResult, Status

VIOLATION_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Results:
    case: Case
    status: Status
    solver: str
    objective: float | None
    bound: float | None
    gap: float | None
    solve_seconds: float
    build_seconds: float
    model_size: dict[str, int]
    message: str = ""
    max_violation: float | None = None  # worst row/bound/integrality excess, relative
    retools: tuple[RetoolDecision, ...] = ()
    launched_products: tuple[str, ...] = ()
    production: tuple[ProductionRow, ...] = ()
    sales: tuple[SalesRow, ...] = ()
    unmet: tuple[UnmetRow, ...] = ()
    capacity: tuple[CapacityRow, ...] = ()
    policies: tuple[PolicyOutcome, ...] = ()
    cashflow: tuple[CashFlowYear, ...] = ()
    violations: tuple[Violation, ...] = ()
    units_by_year: dict[int, float] = field(default_factory=dict)
    domestic_share_by_year: dict[int, float | None] = field(default_factory=dict)
    ev_share_by_year: dict[int, float | None] = field(default_factory=dict)
    drivers: Drivers | None = None  # the NPV taken apart (results/value.py)

    @property
    def npv(self) -> float | None:
        if not self.cashflow:
            return None
        return float(sum(year.discounted for year in self.cashflow))


def extract_results(
    model: Model, result: SolveResult, shadow_prices: Mapping[int, float | None] | None = None
) -> Results:
    """Result tables from a solved model; without a solution only the header is filled."""
    lp = model.lp
    header = Results(
        case=model.case,
        status=result.status,
        solver=result.solver,
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        solve_seconds=result.seconds,
        build_seconds=model.build_seconds,
        model_size={
            "variables": lp.num_cols,
            "binaries": lp.num_integer,
            "rows": lp.num_rows,
            "nonzeros": lp.num_nonzeros,
        },
        message=result.message,
        max_violation=result.max_violation,
    )
    if result.values is None or not result.status.has_solution:
        return header
    values = result.values
    sales = _sales(model, values)
    activities = lp.matrix @ values
    units, domestic, electric = _shares(model.case, sales)
    outcomes = tuple(
        _policy_outcome(row, values, activities, shadow_prices) for row in model.policy_rows
    )
    return replace(
        header,
        retools=_retools(model, values),
        launched_products=tuple(sorted(k for k, c in model.variables.y.items() if values[c] > 0.5)),
        production=_production(model, values),
        sales=sales,
        unmet=_unmet(model.case, sales),
        capacity=_capacity(model, values),
        policies=outcomes,
        cashflow=cash_flow(model, values),
        violations=tuple(
            Violation(o.policy_id, o.kind, o.year, o.violation)
            for o in outcomes
            if o.violation > VIOLATION_TOLERANCE
        ),
        units_by_year=units,
        domestic_share_by_year=domestic,
        ev_share_by_year=electric,
        drivers=npv_drivers(model, values),
    )


def _retools(model: Model, values: np.ndarray) -> tuple[RetoolDecision, ...]:
    decisions = []
    for option in model.case.options:
        start = next(
            (t for t, c in model.variables.starts(option.option_id) if values[c] > 0.5), None
        )
        decisions.append(
            RetoolDecision(
                option.option_id,
                option.plant_id,
                option.from_line_type,
                option.to_line_type,
                option.capacity_added,
                option.capacity_removed,
                start,
                None if start is None else start + option.lead_time_years,
                option.capex,
                option.fixed_cost_per_year,
            )
        )
    return tuple(decisions)


def _production(model: Model, values: np.ndarray) -> tuple[ProductionRow, ...]:
    return tuple(
        ProductionRow(p, line, k, t, float(values[c]))
        for (p, line, k, t), c in model.variables.x.items()
        if values[c] > 1e-9
    )


def _sales(model: Model, values: np.ndarray) -> tuple[SalesRow, ...]:
    economics = model.economics
    rows = []
    for (p, k, r, t), column in model.variables.s.items():
        units = float(values[column])
        if units <= 1e-9:
            continue
        rows.append(
            SalesRow(
                p,
                k,
                r,
                t,
                units,
                economics.price[r, k, t],
                economics.freight[p, r],
                economics.tariff(p, r, k, t),
                economics.credit(p, k, r, t),
                economics.cost[p, k],
            )
        )
    return tuple(rows)


def _unmet(case: Case, sales: tuple[SalesRow, ...]) -> tuple[UnmetRow, ...]:
    sold: dict[tuple[str, str, int], float] = defaultdict(float)
    for row in sales:
        sold[row.region_id, row.product_id, row.year] += row.units
    return tuple(
        UnmetRow(
            d.region_id,
            d.product_id,
            d.year,
            d.units,
            sold.get((d.region_id, d.product_id, d.year), 0.0),
        )
        for d in case.demand
        if d.units > 0
    )


def _capacity(model: Model, values: np.ndarray) -> tuple[CapacityRow, ...]:
    case = model.case
    used: dict[tuple[str, str, int], float] = defaultdict(float)
    for (p, line, _, t), column in model.variables.x.items():
        used[p, line, t] += float(values[column])
    existing = {(line.plant_id, line.line_type): line.capacity for line in case.lines}
    removed: dict[tuple[str, str, int], float] = defaultdict(float)
    added: dict[tuple[str, str, int], float] = defaultdict(float)
    for option in case.options:
        for start, column in model.variables.starts(option.option_id):
            if values[column] < 0.5:
                continue
            for t in case.settings.years:
                if option.from_line_type is not None and t >= start:
                    removed[option.plant_id, option.from_line_type, t] += option.capacity_removed
                added[option.plant_id, option.to_line_type, t] += option.added_in(start, t)
    keys = {(p, line) for p, line in existing} | {(p, line) for p, line, _ in added}
    return tuple(
        CapacityRow(
            p,
            line,
            t,
            existing.get((p, line), 0.0),
            removed[p, line, t],
            added[p, line, t],
            used[p, line, t],
        )
        for p, line in sorted(keys)
        for t in case.settings.years
    )


def _policy_outcome(
    row: PolicyRow,
    values: np.ndarray,
    activities: np.ndarray,
    shadow_prices: Mapping[int, float | None] | None,
) -> PolicyOutcome:
    policy = row.policy
    violation = float(values[row.violation_column]) if row.violation_column is not None else 0.0
    activity = None
    if row.row is not None:
        activity = float(activities[row.row])
        if row.violation_column is not None:
            activity -= violation if row.sense == ">=" else -violation
    slack = (
        None
        if activity is None
        else (activity - row.rhs if row.sense == ">=" else row.rhs - activity)
    )
    if row.row is None:
        slack = -row.rhs if row.sense == ">=" else row.rhs
    if row.violation_column is not None and slack is not None:
        # The shortfall itself: at a $0 penalty the violation column may sit above it.
        violation = max(-slack, 0.0)
    shadow, needs_new_plan = None, False
    achieved = row_achieved(row, values)
    no_sales = policy_kind(policy.kind).ratio and achieved is None
    if shadow_prices is not None and row.row is not None and not no_sales:
        shadow = shadow_prices.get(row.row)
        needs_new_plan = row.row in shadow_prices and shadow is None
    return PolicyOutcome(
        policy.policy_id,
        policy.kind,
        policy.mode,
        row.year,
        row.sense,
        policy.value,
        achieved,
        slack,
        violation,
        violation * row.penalty,
        shadow,
        in_model=row.row is not None,
        needs_new_plan=needs_new_plan,
        penalty=row.penalty,
        scope_units=_scope_units(row, values),
    )


def _scope_units(row: PolicyRow, values: np.ndarray) -> float:
    if policy_kind(row.policy.kind).plan or not row.scope_columns:
        return 0.0
    return float(values[list(row.scope_columns)].sum())


def row_achieved(row: PolicyRow, values: np.ndarray) -> float | None:
    """What the plan achieves in the policy's own terms: a share, the fleet's harmonic-mean
    mpg (units / Σ units/mpg), units, $ of capex or options; None for a share or mpg of no
    sales."""
    units = values[list(row.scope_columns)] if row.scope_columns else np.zeros(0)
    attributes = np.asarray(row.scope_attributes, dtype=float)
    kind = policy_kind(row.policy.kind)
    total = float(units.sum())
    if kind.share:
        return float(units @ attributes) / total if total > 1e-9 else None
    if kind.value_unit == "mpg":
        gallons = float(units @ (1.0 / attributes)) if units.size else 0.0
        return total / gallons if total > 1e-9 and gallons > 0 else None
    if kind.value_unit == "$":
        return float(units @ attributes)
    return total


YearValues = dict[int, float | None]


def _shares(
    case: Case, sales: tuple[SalesRow, ...]
) -> tuple[dict[int, float], YearValues, YearValues]:
    """contract §3: totals over all regions; shares over sales in domestic-country regions."""
    units: dict[int, float] = dict.fromkeys(case.settings.years, 0.0)
    home: dict[int, float] = defaultdict(float)
    domestic: dict[int, float] = defaultdict(float)
    electric: dict[int, float] = defaultdict(float)
    country = case.settings.domestic_country
    for row in sales:
        units[row.year] += row.units
        if case.region(row.region_id).country != country:
            continue
        home[row.year] += row.units
        if is_domestic(case, case.plant(row.plant_id)):
            domestic[row.year] += row.units
        if case.product(row.product_id).is_ev:
            electric[row.year] += row.units
    years = case.settings.years
    return (
        units,
        {t: domestic[t] / home[t] if home[t] > 0 else None for t in years},
        {t: electric[t] / home[t] if home[t] > 0 else None for t in years},
    )
