"""Cash flow by year, docs/contract.md §2.6 written out so that Σ discounted = NPV = the objective.

discounted_t = W_t · operating_t − δ_t · capex_t − one-time items (launch costs and window-total
penalties, undiscounted, shown in the first year).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np

from planner.model.build import Model
from planner.results.tables import CashFlowYear


def cash_flow(model: Model, values: np.ndarray) -> tuple[CashFlowYear, ...]:
    case, economics, variables = model.case, model.economics, model.variables
    years = case.settings.years
    items: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for (p, k, r, t), column in variables.s.items():
        units = float(values[column])
        if units == 0:
            continue
        items["revenue"][t] += units * economics.price[r, k, t]
        items["freight"][t] += units * economics.freight[p, r]
        items["tariffs"][t] += units * economics.tariff(p, r, k, t)
        items["credits"][t] += units * economics.credit(p, k, r, t)
    for (p, _, k, t), column in variables.x.items():
        items["production_cost"][t] += float(values[column]) * economics.cost[p, k]
    for option in case.options:
        for start, column in variables.starts(option.option_id):
            if values[column] < 0.5:
                continue
            items["capex"][start] += option.capex
            for t in years:
                if t >= start + option.lead_time_years:
                    items["fixed_costs"][t] += option.fixed_cost_per_year
    launch = sum(case.product(k).launch_cost for k, c in variables.y.items() if values[c] > 0.5)
    window_penalties = 0.0
    for row in model.policy_rows:
        if row.violation_column is None:
            continue
        cost = row.penalty * float(values[row.violation_column])
        if row.year is None:
            window_penalties += cost
        else:
            items["penalties"][row.year] += cost
    flows = []
    for t in years:
        first = t == years[0]
        year = CashFlowYear(
            year=t,
            revenue=items["revenue"][t],
            production_cost=items["production_cost"][t],
            freight=items["freight"][t],
            tariffs=items["tariffs"][t],
            credits=items["credits"][t],
            fixed_costs=items["fixed_costs"][t],
            capex=items["capex"][t],
            launch_costs=launch if first else 0.0,
            penalties=items["penalties"][t],
            window_penalties=window_penalties if first else 0.0,
            discount_factor=economics.delta[t],
            operating_weight=economics.weight[t],
            discounted=0.0,
        )
        discounted = (
            economics.weight[t] * year.operating
            - economics.delta[t] * year.capex
            - year.launch_costs
            - year.window_penalties
        )
        flows.append(replace(year, discounted=discounted))
    return tuple(flows)
