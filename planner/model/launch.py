"""Launch linking, docs/contract.md §2.3.

- launch[k,t]: Σ_{p,l} x[p,l,k,t] ≤ (Σ_r D[r,k,t]) · y[k]   for products with launch_cost > 0

M = Σ_r D[r,k,t] comes from the data: no unit can be sold beyond it, so the row never cuts a
plan that launches k, and it forces y[k] = 1 as soon as one unit of k is built.
"""

from __future__ import annotations

from collections import defaultdict

from planner.case import Case
from planner.model.lp import LinearProgram
from planner.model.variables import Variables, demand_by_product_year


def add_launch(case: Case, lp: LinearProgram, v: Variables) -> None:
    if not v.y:
        return
    demand = demand_by_product_year(case)
    built: dict[tuple[str, int], list[int]] = defaultdict(list)
    for (_, _, product_id, t), column in v.x.items():
        if product_id in v.y:
            built[product_id, t].append(column)
    for (product_id, t), columns in sorted(built.items()):
        lp.add_row(
            f"launch[{product_id},{t}]",
            [*columns, v.y[product_id]],
            [1.0] * len(columns) + [-demand[product_id, t]],
            upper=0.0,
        )
