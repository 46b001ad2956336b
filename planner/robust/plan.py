"""A plan: the decisions robust mode shares across scenarios (docs/contract.md §4), held by name.

z[o,t] = 1 for each (option, start year) in `starts`; y[k] = 1 for each product in `launched`.
A plan is read from a solution (the extensive form's shared columns, a scenario's own model,
the expected-value model) and fixed in any scenario's model by matching names, so a plan made
in one scenario can be judged in another.

A product whose launch is free in the scenario that made the plan (launch_cost 0 there, so no
y column) counts as launched when that plan builds it: in a scenario where the launch costs
money, the plan then pays for it rather than giving the product up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from planner.model.build import Model
from planner.model.lp import LPArrays
from planner.model.variables import Variables
from planner.results import Results

ON = 0.5  # binaries are read as on above this value
BUILT = 1e-6  # units


@dataclass(frozen=True)
class Plan:
    starts: frozenset[tuple[str, int]]  # (option_id, start year)
    launched: frozenset[str]

    def start_of(self, option_id: str) -> int | None:
        return next((t for o, t in self.starts if o == option_id), None)

    def launching_only(self, products: Iterable[str]) -> Plan:
        """The plan with launches kept only for `products` (those a launch decision exists
        for in some scenario), so that plans made in different models compare equal."""
        return Plan(self.starts, self.launched & frozenset(products))

    def describe(self) -> str:
        retools = ", ".join(f"{o} {t}" for o, t in sorted(self.starts)) or "no retooling"
        launches = ", ".join(sorted(self.launched)) or "no launch"
        return f"{retools}; {launches}"


def plan_from_columns(
    z: Mapping[tuple[str, int], int], y: Mapping[str, int], values: np.ndarray
) -> Plan:
    """The plan set in a solution's z and y columns."""
    return Plan(
        frozenset(key for key, c in z.items() if values[c] > ON),
        frozenset(k for k, c in y.items() if values[c] > ON),
    )


def plan_from_solution(variables: Variables, values: np.ndarray) -> Plan:
    """A scenario model's plan: its z and y, and the products it builds without a y."""
    plan = plan_from_columns(variables.z, variables.y, values)
    built = {k for (_, _, k, _), c in variables.x.items() if values[c] > BUILT}
    return Plan(plan.starts, plan.launched | frozenset(built - set(variables.y)))


def plan_from_results(results: Results) -> Plan:
    """The plan of a solved scenario, from its result tables (as `plan_from_solution`)."""
    starts = frozenset(
        (r.option_id, r.start_year) for r in results.retools if r.start_year is not None
    )
    built = {row.product_id for row in results.production if row.units > BUILT}
    return Plan(starts, frozenset(results.launched_products) | frozenset(built))


def with_plan(model: Model, plan: Plan) -> LPArrays:
    """The scenario's model with z and y fixed to the plan: a linear program."""
    variables = model.variables
    columns = list(variables.z.values()) + list(variables.y.values())
    values = [1.0 if key in plan.starts else 0.0 for key in variables.z] + [
        1.0 if k in plan.launched else 0.0 for k in variables.y
    ]
    return model.lp.with_fixed(np.asarray(columns, dtype=np.int64), np.asarray(values, dtype=float))
