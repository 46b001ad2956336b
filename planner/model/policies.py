"""Policies, contract §1 (Policies) and §2.5. Scope S_t = s[p,k,r,t], k in products, r in regions,
p matching origin and in plants, year t; one row per year in the window, or one for window
totals (for the capex and retool kinds, o ranges over the options at the selected plants):

- domestic_share_min: Σ_{S_t, p domestic} s ≥ value · Σ_{S_t} s
- ev_share_min:       Σ_{S_t, k EV} s ≥ value · Σ_{S_t} s
- ev_share_max:       Σ_{S_t, k EV} s ≤ value · Σ_{S_t} s
- fleet_mpg_min:      Σ_{S_t} s · (value²/mpg_k − value) ≤ 0
- min_units:          Σ_{S_t} s ≥ value
- max_units:          Σ_{S_t} s ≤ value
- capex_budget:       Σ_o capex_o · z[o,t] ≤ value                      (per year)
- capex_budget_total: Σ_{t in window} Σ_o capex_o · z[o,t] ≤ value      (one row)
- max_retools:        Σ_{t in window} Σ_o z[o,t] ≤ value                (one row)
(credit_per_unit has no row: it is a unit credit, see economics.)

Soft: `≥` rows get + v, `≤` rows get − v, and penalty · v leaves the objective (weighted by
W_t for per-year rows, undiscounted for window totals).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from planner.case import Case, Policy
from planner.contract.policy_kinds import policy_kind
from planner.model.economics import Economics, is_domestic, origin_matches
from planner.model.lp import INF, LinearProgram
from planner.model.variables import Variables


@dataclass(frozen=True)
class PolicyRow:
    policy: Policy
    year: int | None  # None for a window total
    row: int | None  # None when the scope is empty and the row holds trivially
    sense: str  # ">=" or "<="
    rhs: float
    violation_column: int | None
    penalty: float  # $ per unit of violation, as used in the objective
    scope_columns: tuple[int, ...] = ()  # s (or z) columns in scope
    scope_attributes: tuple[float, ...] = ()  # per column: domestic/EV flag, mpg, capex or 1

    @property
    def label(self) -> str:
        return policy_label(self.policy.policy_id, self.year)


def policy_label(policy_id: str, year: int | None) -> str:
    return f"policy[{policy_id}]" if year is None else f"policy[{policy_id},{year}]"


def add_policies(
    case: Case,
    lp: LinearProgram,
    v: Variables,
    economics: Economics,
    forced_penalties: Mapping[str, float] | None = None,
) -> list[PolicyRow]:
    """One row per policy and year (or window); `forced_penalties` softens hard policies."""
    rows: list[PolicyRow] = []
    sales_by_product_region: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for (plant_id, product_id, region_id, t), column in v.s.items():
        sales_by_product_region[product_id, region_id].append((plant_id, t, column))
    for policy in case.policies:
        kind = policy_kind(policy.kind)
        if not kind.has_row:
            continue
        penalty = policy.penalty if policy.soft else None
        if not policy.soft and forced_penalties is not None:
            penalty = forced_penalties[policy.policy_id]
        if kind.plan:
            terms = _plan_terms(case, v, policy)
        else:
            terms = _sales_terms(case, policy, sales_by_product_region)
        for year, (columns, attributes) in terms.items():
            rows.append(_add_row(lp, economics, policy, year, columns, attributes, penalty))
    return rows


def _add_row(
    lp: LinearProgram,
    economics: Economics,
    policy: Policy,
    year: int | None,
    scope: list[int],
    attributes: list[float],
    penalty: float | None,
) -> PolicyRow:
    kind = policy_kind(policy.kind)
    sense = kind.row_sense
    columns, coefficients = [], []
    for column, attribute in zip(scope, attributes, strict=True):
        coefficient = row_coefficient(policy, attribute)
        if coefficient != 0:
            columns.append(column)
            coefficients.append(coefficient)
    kept = (tuple(scope), tuple(attributes))
    rhs = policy.value if kind.rhs_is_value else 0.0
    label = policy_label(policy.policy_id, year)
    holds_empty = rhs <= 0 if sense == ">=" else rhs >= 0
    if not columns and holds_empty:
        return PolicyRow(policy, year, None, sense, rhs, None, penalty or 0.0, *kept)
    violation = None
    if penalty is not None:
        violation = lp.add_column(f"violation[{label[7:-1]}]")
        weight = 1.0 if year is None else economics.weight[year]
        lp.add_objective(violation, -weight * penalty)
        columns = [*columns, violation]
        coefficients = [*coefficients, 1.0 if sense == ">=" else -1.0]
    lower, upper = (rhs, INF) if sense == ">=" else (-INF, rhs)
    row = lp.add_row(label, columns, coefficients, lower, upper)
    return PolicyRow(policy, year, row, sense, rhs, violation, penalty or 0.0, *kept)


def _plan_terms(
    case: Case, v: Variables, policy: Policy
) -> dict[int | None, tuple[list[int], list[float]]]:
    capex = {o.option_id: o.capex for o in case.options}
    counted = {o.option_id for o in case.options if policy.counts_plant(o.plant_id)}
    per_year = not policy_kind(policy.kind).window_total
    terms: dict[int | None, tuple[list[int], list[float]]] = {}
    if per_year:
        for t in policy.years:
            terms[t] = ([], [])
    else:
        terms[None] = ([], [])
    for (option_id, t), column in sorted(v.z.items()):
        if not policy.year_from <= t <= policy.year_to or option_id not in counted:
            continue
        columns, attributes = terms[t if per_year else None]
        columns.append(column)
        attributes.append(1.0 if policy.kind == "max_retools" else capex[option_id])
    return terms


def _sales_terms(
    case: Case,
    policy: Policy,
    sales_by_product_region: dict[tuple[str, str], list[tuple[str, int, int]]],
) -> dict[int | None, tuple[list[int], list[float]]]:
    assert not policy_kind(policy.kind).window_total
    terms: dict[int | None, tuple[list[int], list[float]]] = {t: ([], []) for t in policy.years}
    for product_id in sorted(policy.products):
        product = case.product(product_id)
        for region_id in sorted(policy.regions):
            for plant_id, t, column in sales_by_product_region.get((product_id, region_id), ()):
                if not policy.year_from <= t <= policy.year_to:
                    continue
                plant = case.plant(plant_id)
                if not (origin_matches(case, policy, plant) and policy.counts_plant(plant_id)):
                    continue
                columns, attributes = terms[t]
                columns.append(column)
                attributes.append(
                    _sales_attribute(
                        case, policy, product.is_ev, product.mpg, is_domestic(case, plant)
                    )
                )
    return terms


def _sales_attribute(case: Case, policy: Policy, is_ev: bool, mpg: float, domestic: bool) -> float:
    """What a unit in scope brings to the rule: a 0/1 flag, its mpg, or 1 (a unit)."""
    if policy.kind == "domestic_share_min":
        return 1.0 if domestic else 0.0
    if policy.kind in ("ev_share_min", "ev_share_max"):
        return 1.0 if is_ev else 0.0
    if policy.kind == "fleet_mpg_min":
        return mpg
    return 1.0


def row_coefficient(policy: Policy, attribute: float) -> float:
    """The row coefficient of one scope column, from its attribute (see the module docstring)."""
    value = policy.value
    if policy_kind(policy.kind).share:
        return attribute - value
    if policy.kind == "fleet_mpg_min":
        return value * value / attribute - value
    return attribute  # units (1), capex ($) or retools (1)
