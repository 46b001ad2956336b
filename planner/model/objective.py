"""Objective, docs/contract.md §2.6 (maximise NPV); the policy family adds its own penalty terms.

NPV = Σ_t W_t · [ Σ_{p,k,r} s · (P − φ − τ + κ) − Σ_{p,l,k} x · c − Σ_o F_o Σ_{τ≤t−L_o} z[o,τ] ]
      − Σ_t δ_t Σ_o C_o z[o,t] − Σ_k launch_cost_k · y[k]   (− penalties, see policies)

Collected per column: the coefficient of z[o,τ] is −δ_τ C_o − F_o Σ_{t ≥ τ+L_o} W_t.
"""

from __future__ import annotations

from planner.case import Case
from planner.model.economics import Economics
from planner.model.lp import LinearProgram
from planner.model.variables import Variables


def add_objective(case: Case, lp: LinearProgram, v: Variables, economics: Economics) -> None:
    weight, delta = economics.weight, economics.delta
    for (plant_id, product_id, region_id, t), column in v.s.items():
        revenue = (
            economics.price[region_id, product_id, t]
            - economics.freight[plant_id, region_id]
            - economics.tariff(plant_id, region_id, product_id, t)
            + economics.credit(plant_id, product_id, region_id, t)
        )
        lp.add_objective(column, weight[t] * revenue)
    for (plant_id, _, product_id, t), column in v.x.items():
        lp.add_objective(column, -weight[t] * economics.cost[plant_id, product_id])
    for option in case.options:
        for start, column in v.starts(option.option_id):
            online = start + option.lead_time_years
            fixed = option.fixed_cost_per_year * sum(w for t, w in weight.items() if t >= online)
            lp.add_objective(column, -delta[start] * option.capex - fixed)
    for product_id, column in v.y.items():
        lp.add_objective(column, -case.product(product_id).launch_cost)
