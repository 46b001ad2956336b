"""Flow and demand, docs/contract.md §2.3.

- flow[p,k,t]:   Σ_l x[p,l,k,t] = Σ_r s[p,k,r,t]
- demand[r,k,t]: Σ_p s[p,k,r,t] ≤ D[r,k,t]
"""

from __future__ import annotations

from collections import defaultdict

from planner.case import Case
from planner.model.lp import LinearProgram
from planner.model.variables import Variables


def add_flow(case: Case, lp: LinearProgram, v: Variables) -> None:
    built: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (plant_id, _, product_id, t), column in v.x.items():
        built[plant_id, product_id, t].append(column)
    shipped: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (plant_id, product_id, _, t), column in v.s.items():
        shipped[plant_id, product_id, t].append(column)
    for key in sorted(built):
        columns = built[key] + shipped.get(key, [])
        coefficients = [1.0] * len(built[key]) + [-1.0] * len(shipped.get(key, []))
        plant_id, product_id, t = key
        lp.add_row(f"flow[{plant_id},{product_id},{t}]", columns, coefficients, 0.0, 0.0)


def add_demand(case: Case, lp: LinearProgram, v: Variables) -> dict[tuple[str, str, int], int]:
    sold: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (_, product_id, region_id, t), column in v.s.items():
        sold[region_id, product_id, t].append(column)
    units = {(d.region_id, d.product_id, d.year): d.units for d in case.demand}
    rows = {}
    for key in sorted(sold):
        region_id, product_id, t = key
        columns = sold[key]
        rows[key] = lp.add_row(
            f"demand[{region_id},{product_id},{t}]", columns, [1.0] * len(columns), upper=units[key]
        )
    return rows
