"""The variables of SPEC §2.1, created only where they can be non-zero.

- z[o,t] ∈ {0,1}, t in o's start window ∩ T: option o starts in year t.
- x[p,l,k,t] ≥ 0 for (l,k) compatible, l present at p by year t (existing capacity, or the
  to-line of an option that can be online by t), and some demand for k in t.
- s[p,k,r,t] ≥ 0 where D[r,k,t] > 0 and p can build k in t.
- y[k] ∈ {0,1} for products with launch_cost > 0 that can be built at all.
(Violation variables v belong to the policy family.)
"""

from __future__ import annotations

from collections import defaultdict
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


def add_variables(case: Case, lp: LinearProgram) -> Variables:
    years = case.settings.years
    z = {}
    z_by_option: dict[str, list[tuple[int, int]]] = {}
    for option in case.options:
        starts = z_by_option.setdefault(option.option_id, [])
        for t in start_years(case, option):
            z[option.option_id, t] = lp.add_binary(f"z[{option.option_id},{t}]")
            starts.append((t, z[option.option_id, t]))
    products_by_line: dict[str, list[str]] = defaultdict(list)
    for line_type, product_id in sorted(case.compatibility):
        products_by_line[line_type].append(product_id)
    product_demand = demand_by_product_year(case)
    x = {}
    for (plant_id, line_type), online in sorted(first_online_year(case).items()):
        for product_id in products_by_line.get(line_type, ()):
            for t in years:
                if t >= online and product_demand.get((product_id, t), 0.0) > 0:
                    x[plant_id, line_type, product_id, t] = lp.add_column(
                        f"x[{plant_id},{line_type},{product_id},{t}]")
    buildable = sorted({(p, k, t) for (p, _, k, t) in x})
    regions_with_demand: dict[tuple[str, int], list[str]] = defaultdict(list)
    for row in case.demand:
        if row.units > 0:
            regions_with_demand[row.product_id, row.year].append(row.region_id)
    s = {}
    for plant_id, product_id, t in buildable:
        for region_id in regions_with_demand.get((product_id, t), ()):
            s[plant_id, product_id, region_id, t] = lp.add_column(
                f"s[{plant_id},{product_id},{region_id},{t}]")
    built = {k for (_, _, k, _) in x}
    y = {p.product_id: lp.add_binary(f"y[{p.product_id}]")
         for p in case.products if p.launch_cost > 0 and p.product_id in built}
    return Variables(z, x, s, y, z_by_option)
