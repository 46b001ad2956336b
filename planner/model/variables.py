"""The variables of docs/contract.md §2.1, created only where they can be non-zero.

- z[o,t] ∈ {0,1}, t in o's start window ∩ T: option o starts in year t.
- x[p,l,k,t] ≥ 0 for (l,k) compatible, l present at p by year t (existing capacity, or the
  to-line of an option that can be online by t), and some demand for k in t.
- s[p,k,r,t] ≥ 0 where D[r,k,t] > 0 and p can build k in t.
- y[k] ∈ {0,1} for products with launch_cost > 0 that can be built at all (in a model built to
  judge plans, also for each product a plan may launch: see `add_plan_columns`).
(Violation variables v belong to the policy family.)

z and y are the plan: in robust mode one set of plan columns is shared by the blocks of every
scenario, so they are created apart (`add_plan_columns`). A block keeps every shared y with a
launch cost in its own data, built in its scenario or not: a plan that launches a product pays
the launch in every scenario's NPV, also where that scenario has no demand for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.case import Case, RetoolOption
from planner.model.lp import LinearProgram


@dataclass(frozen=True)
class Variables:
    z: dict[tuple[str, int], int]  # (option, start year) -> column
    x: dict[tuple[str, str, str, int], int]  # (plant, line, product, year)
    s: dict[tuple[str, str, str, int], int]  # (plant, product, region, year)
    y: dict[str, int]  # product -> column

    z_by_option: dict[str, list[tuple[int, int]]]  # option -> [(start year, column)]

    def starts(self, option_id: str) -> list[tuple[int, int]]:
        """(start year, column) of each z of the option, in year order."""
        return self.z_by_option.get(option_id, [])


@dataclass(frozen=True)
class PlanColumns:
    """The retool (z) and launch (y) columns, shared by every block that uses them."""

    z: dict[tuple[str, int], int]
    z_by_option: dict[str, list[tuple[int, int]]]
    y: dict[str, int]


def start_years(case: Case, option: RetoolOption) -> range:
    first = max(option.earliest_start, case.settings.first_year)
    last = min(option.latest_start, case.settings.last_year)
    return range(first, last + 1)


def existing_capacity(case: Case) -> dict[tuple[str, str], float]:
    return {(line.plant_id, line.line_type): line.capacity for line in case.lines}


def first_online_year(case: Case) -> dict[tuple[str, str], int]:
    """Earliest year each (plant, line type) can hold capacity."""
    first: dict[tuple[str, str], int] = {}
    for key, capacity in existing_capacity(case).items():
        if capacity > 0:
            first[key] = case.settings.first_year
    for option in case.options:
        years = start_years(case, option)
        if not years or option.capacity_added <= 0:
            continue
        online = years[0] + option.lead_time_years
        key = (option.plant_id, option.to_line_type)
        if online <= case.settings.last_year and online < first.get(key, online + 1):
            first[key] = online
    return first


def demand_by_product_year(case: Case) -> dict[tuple[str, int], float]:
    total: dict[tuple[str, int], float] = defaultdict(float)
    for row in case.demand:
        total[row.product_id, row.year] += row.units
    return dict(total)


def products_by_line(case: Case) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for line_type, product_id in sorted(case.compatibility):
        found[line_type].append(product_id)
    return found


def buildable_products(case: Case) -> set[str]:
    """Products some line can build in a year with demand for them."""
    demand = demand_by_product_year(case)
    by_line = products_by_line(case)
    return {
        k
        for (_, line_type), online in first_online_year(case).items()
        for k in by_line.get(line_type, ())
        for t in case.settings.years
        if t >= online and demand.get((k, t), 0.0) > 0
    }


def add_plan_columns(
    cases: Sequence[Case], lp: LinearProgram, launchable: Iterable[str] = ()
) -> PlanColumns:
    """z for every option start year; y for products with a launch cost that some case can
    build, and for those of `launchable` with a launch cost (a plan judged in a case where it
    cannot build them still pays for launching them)."""
    first = cases[0]
    z: dict[tuple[str, int], int] = {}
    z_by_option: dict[str, list[tuple[int, int]]] = {}
    for option in first.options:
        starts = z_by_option.setdefault(option.option_id, [])
        for t in start_years(first, option):
            z[option.option_id, t] = lp.add_binary(
                f"z[{option.option_id},{t}]", group=option.option_id
            )
            starts.append((t, z[option.option_id, t]))
    # A `take` on a launch forces y[k] = 1 even where the product cannot be built: it pays.
    taken = {d.item for c in cases for d in c.decisions if d.decision == "take" and not d.is_option}
    launched = {k for k in {*launchable, *taken} if any(_launch_cost(c, k) > 0 for c in cases)}
    for case in cases:
        built = buildable_products(case)
        launched |= {
            p.product_id for p in case.products if p.launch_cost > 0 and p.product_id in built
        }
    y = {k: lp.add_binary(f"y[{k}]") for k in sorted(launched)}
    return PlanColumns(z, z_by_option, y)


def _launch_cost(case: Case, product_id: str) -> float:
    return next((p.launch_cost for p in case.products if p.product_id == product_id), 0.0)


def add_variables(case: Case, lp: LinearProgram, plan: PlanColumns | None = None) -> Variables:
    """x and s of this case; z and y from `plan` (created here when not shared)."""
    plan = plan or add_plan_columns([case], lp)
    years = case.settings.years
    by_line = products_by_line(case)
    product_demand = demand_by_product_year(case)
    x = {}
    for (plant_id, line_type), online in sorted(first_online_year(case).items()):
        for product_id in by_line.get(line_type, ()):
            for t in years:
                if t >= online and product_demand.get((product_id, t), 0.0) > 0:
                    x[plant_id, line_type, product_id, t] = lp.add_column(
                        f"x[{plant_id},{line_type},{product_id},{t}]"
                    )
    buildable = sorted({(p, k, t) for (p, _, k, t) in x})
    regions_with_demand: dict[tuple[str, int], list[str]] = defaultdict(list)
    for row in case.demand:
        if row.units > 0:
            regions_with_demand[row.product_id, row.year].append(row.region_id)
    s = {}
    for plant_id, product_id, t in buildable:
        for region_id in regions_with_demand.get((product_id, t), ()):
            s[plant_id, product_id, region_id, t] = lp.add_column(
                f"s[{plant_id},{product_id},{region_id},{t}]"
            )
    y = {k: column for k, column in plan.y.items() if _launch_cost(case, k) > 0}
    return Variables(plan.z, x, s, y, plan.z_by_option)
