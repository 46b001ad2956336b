"""Valid inequalities for the cut pool: not rows of docs/contract.md §2, and never added blindly.

Each holds at every integer-feasible point of the contract model, so adding any of them leaves the
optimum unchanged; they only cut fractional retool and launch decisions from the LP
relaxation. The HiGHS path separates them (adds those an LP solution violates) before the
branch-and-bound; see planner/solve/strengthen.py. With E[p,k] = Σ_{l compatible with k}
E[p,l] (existing capacity that can build k at p) and online[o,t] = Σ_{τ≤t−L_o} z[o,τ] ∈ {0,1}:

- open_link[p,k,r,t]:   s[p,k,r,t] ≤ min(D, E[p,k]) + Σ_{o at p, (g_o,k) compatible}
                                      Σ_{τ≤t−L_o} min(D, a_o · r_o(t−τ−L_o+1)) · z[o,τ]
  where D = D[r,k,t] and r_o the ramp-up shares (1 beyond the list; all 1 without ramp-up,
  when the sum over τ is min(D, a_o) · online[o,t]). Valid because s ≤ D and
  s ≤ Σ_l cap[p,l,t] ≤ E[p,k] + Σ_{o,τ} a_o · r_o(·) · z[o,τ], and min(D, ·) is subadditive
  on non-negative terms (z binary). Listed only where E[p,k] < D (else the
  demand row implies it) and some option can bring capacity for k to p.
- launch_link[p,k,r,t]: s[p,k,r,t] ≤ min(D, E[p,k] + Σ_o a_o) · y[k]   for k with a launch
  cost: a sale needs the launch, and can never exceed demand or p's reachable capacity
  (ramp-up shares are at most 1, so Σ_o a_o still bounds it).
- capacity_cover[q,t]: for a hard min_units policy q (Σ_{S_t} s ≥ L), with P_t the plants of
  its scope, K_p and U_p = Σ D[r,k,t] the products and demand p sells in scope, and
  E_p = Σ_{l builds some k ∈ K_p} E[p,l]: the capacity its plants could have must cover L,
      Σ_{p∈P_t} Σ_{o at p, g_o builds some k ∈ K_p} Σ_{τ≤t−L_o} a'_oτ · z[o,τ] ≥ R,
      a'_oτ = min(U_p, R, a_o · r_o(t−τ−L_o+1)),   R = L − Σ_p min(U_p, E_p),
  listed when R > 0, then rounded (Chvátal–Gomory, d = max a'): Σ ⌈a'_oτ/d⌉ · z[o,τ] ≥ ⌈R/d⌉.
  Valid because Σ_{S_t, p} s ≤ min(U_p, Σ_{l} cap[p,l,t]) (flow, capacity and demand rows;
  conversions only take capacity away), min(U, ·) is subadditive, and at integer z a term
  above R adds nothing a term of R would not; rounding holds for integer z ≥ 0. The one
  that makes capa-8000 (OR-Library: 100 warehouses of 8,000 for a demand of 50,886) open
  at least 7 where the relaxation opens 6.36.

Cuts of one plant, product and year (all regions) form a group, separated together: when one
is violated its siblings soon are (sample case: 8 rounds instead of 18). A capacity cover
is its own group.

The links are the classic facility-location disaggregation; the contract's own rows aggregate
them (capacity per line, launch per product), which is what leaves the relaxation weak. The
cover is the aggregate the contract's rows never state: a minimum over many plants.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from planner.case import Case, RetoolOption
from planner.model.lp import LinearProgram
from planner.model.policies import PolicyRow
from planner.model.variables import Variables, existing_capacity, products_by_line

# Float sums of capacities and demands are off by rounding: a shortfall within this share of
# L is none (2000.1 + 1500.3 < 3500.4 in floats made "build one more" of nothing), and the
# cover's right-hand sides are lowered by this share so that a plan meeting L exactly holds
# (⌈R/d⌉ with R/d a hair above an integer would cut it off)
ROUNDING = 1e-9


@dataclass(frozen=True)
class CapacitySource:
    """An option that can bring capacity for a product to a plant."""

    option: RetoolOption

    @property
    def option_id(self) -> str:
        return self.option.option_id

    @property
    def capacity_added(self) -> float:
        return self.option.capacity_added


OnlineTerms = list[tuple[int, float]]  # (z column, capacity it brings online)


@dataclass(frozen=True)
class Supply:
    """What the plants have and could get, shared by every cut family."""

    products: dict[str, list[str]]  # line type -> the products it builds
    lines: dict[tuple[str, str], float]  # (plant, line type) -> existing capacity
    sources: dict[tuple[str, str], list[CapacitySource]]  # (plant, product) -> options
    demand: dict[tuple[str, str, int], float]  # (region, product, year) -> units


def add_cuts(
    case: Case, lp: LinearProgram, v: Variables, policy_rows: Sequence[PolicyRow] = ()
) -> None:
    """Put open_link and launch_link of every sales column, and capacity_cover of every hard
    min_units row of `policy_rows`, into the cut pool."""
    products = products_by_line(case)
    supply = Supply(
        products,
        existing_capacity(case),
        _sources_by_plant_product(case, products),
        {(d.region_id, d.product_id, d.year): d.units for d in case.demand},
    )
    _add_link_cuts(case, lp, v, supply)
    hard = [
        r
        for r in policy_rows
        if r.policy.kind == "min_units" and r.row is not None and r.violation_column is None
    ]
    if hard:
        sales = {column: key for key, column in v.s.items()}
        for row in hard:
            _add_capacity_cover(lp, v, row, sales, supply)


def _add_link_cuts(case: Case, lp: LinearProgram, v: Variables, supply: Supply) -> None:
    existing = _existing_by_plant_product(case, supply.products)
    online: dict[tuple[str, str, int], OnlineTerms] = {}  # shared by every region
    for (plant_id, product_id, region_id, t), column in v.s.items():
        units = supply.demand[region_id, product_id, t]
        on_hand = existing.get((plant_id, product_id), 0.0)
        options = supply.sources.get((plant_id, product_id), [])
        if on_hand < units and options:
            key = (plant_id, product_id, t)
            if key not in online:
                online[key] = _online_terms(v, options, t)
            if online[key]:
                lp.add_cut(
                    f"open_link[{plant_id},{product_id},{region_id},{t}]",
                    [column, *(z for z, _ in online[key])],
                    [1.0, *(-min(units, added) for _, added in online[key])],
                    upper=min(units, on_hand),
                    group=f"open_link[{plant_id},{product_id},{t}]",
                )
        launch = v.y.get(product_id)
        if launch is not None:
            reachable = on_hand + sum(source.capacity_added for source in options)
            lp.add_cut(
                f"launch_link[{plant_id},{product_id},{region_id},{t}]",
                [column, launch],
                [1.0, -min(units, reachable)],
                upper=0.0,
                group=f"launch_link[{plant_id},{product_id},{t}]",
            )


def _add_capacity_cover(
    lp: LinearProgram,
    v: Variables,
    row: PolicyRow,
    sales: dict[int, tuple[str, str, str, int]],
    supply: Supply,
) -> None:
    """capacity_cover[q,t] of a hard min_units row (`sales`: column -> (plant, product,
    region, year)), in both forms; nothing where the capacity on hand meets the minimum."""
    assert row.year is not None  # min_units has a row per year
    t = row.year
    in_scope: dict[str, tuple[set[str], float]] = {}  # plant -> (products, demand)
    for column in row.scope_columns:
        plant_id, product_id, region_id, _ = sales[column]
        products, units = in_scope.get(plant_id, (set(), 0.0))
        products.add(product_id)
        in_scope[plant_id] = (products, units + supply.demand[region_id, product_id, t])
    on_hand = 0.0
    terms: dict[int, float] = {}
    for plant_id, (products, units) in in_scope.items():
        builds = {line for line, made in supply.products.items() if products.intersection(made)}
        here = sum(max(supply.lines.get((plant_id, line), 0.0), 0.0) for line in builds)
        on_hand += min(units, here)
        options = {  # an option that builds several of the products counts once
            source.option_id: source
            for k in sorted(products)
            for source in supply.sources.get((plant_id, k), [])
        }
        for z, added in _online_terms(v, list(options.values()), t):
            if min(units, added) > 0:
                terms[z] = min(units, added)
    short = row.rhs - on_hand
    if short <= ROUNDING * max(1.0, abs(row.rhs)) or not terms:  # met, or the row says it
        return
    columns = list(terms)
    tightened = [min(a, short) for a in terms.values()]
    group = f"capacity_cover[{row.policy.policy_id},{t}]"
    upper = -(short - ROUNDING * max(1.0, abs(row.rhs)))
    lp.add_cut(group, columns, [-a for a in tightened], upper=upper, group=group)
    unit = max(tightened)
    units = short / unit
    lp.add_cut(
        f"capacity_cover_rounded[{row.policy.policy_id},{t}]",
        columns,
        [-float(math.ceil(a / unit)) for a in tightened],
        upper=-float(math.ceil(units - ROUNDING * max(1.0, units))),
        group=group,
    )


def _online_terms(v: Variables, options: list[CapacitySource], t: int) -> OnlineTerms:
    """The z columns whose option is online by year t, with the capacity each brings then."""
    return [
        (z, source.option.added_in(start, t))
        for source in options
        for start, z in v.starts(source.option_id)
        if source.option.added_in(start, t) > 0
    ]


def _existing_by_plant_product(
    case: Case,
    products: dict[str, list[str]],
) -> dict[tuple[str, str], float]:
    total: dict[tuple[str, str], float] = defaultdict(float)
    for (plant_id, line_type), capacity in existing_capacity(case).items():
        for product_id in products.get(line_type, ()):
            total[plant_id, product_id] += max(capacity, 0.0)
    return dict(total)


def _sources_by_plant_product(
    case: Case,
    products: dict[str, list[str]],
) -> dict[tuple[str, str], list[CapacitySource]]:
    found: dict[tuple[str, str], list[CapacitySource]] = defaultdict(list)
    for option in case.options:
        if option.capacity_added <= 0:
            continue
        for product_id in products.get(option.to_line_type, ()):
            found[option.plant_id, product_id].append(CapacitySource(option))
    return dict(found)
