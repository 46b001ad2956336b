"""The rows that turn a solved model into the search for a near-optimal alternative plan.

A plan's decisions are the options it takes and the products it launches, with
u_o = Σ_t z[o,t] (option o taken, in whichever start year) and u_k = y[k] (k launched).
For the plans found so far, with decision sets S_1 … S_m (S_1 the optimum) and U = ∪_j S_j:

- differ[j]:  Σ_{d ∉ S_j} u_d − Σ_{d ∈ S_j} u_d ≥ 1 − |S_j|   for each earlier plan j
  (the new plan takes a decision S_j does not, or drops one it takes: start years do not count)
- npv_floor:  Σ_c objective_c · x_c ≥ floor   (the NPV of §2.6, penalties included)
- builds[k]:  Σ_{p,l,t} x[p,l,k,t] − min(1, Σ_{r,t} D[r,k,t]) · y[k] ≥ 0   for each product
  with a launch column that is not forced to 1 by its bounds (a Decisions `take`): a plan
  cannot differ by paying for a launch it never builds
- reuse:      R = Σ_{d ∈ U} u_d, the number of decisions the new plan shares with earlier ones;
  the first solve maximises −R, the second fixes R to what the first found and maximises NPV.

Every bound and row of the model stays as it is, so fixed starts, takes and nevers hold for
the alternatives too. No column is added: a solution of these models is a solution of the
model itself, and reads into results the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from planner.model.build import Model
from planner.model.lp import INF, LPArrays
from planner.model.variables import demand_by_product_year

OPTION = "option"
LAUNCH = "launch"


@dataclass(frozen=True, order=True)
class Decision:
    """One decision of a plan: taking an option (in any year), or launching a product."""

    kind: str  # OPTION or LAUNCH
    item: str  # option_id or product_id


Plan = frozenset[Decision]


def decision_columns(model: Model) -> dict[Decision, tuple[int, ...]]:
    """Each decision's columns: u_d is their sum (all start years of an option, or y[k])."""
    columns: dict[Decision, tuple[int, ...]] = {}
    for option in model.case.options:
        starts = model.variables.starts(option.option_id)
        if starts:
            columns[Decision(OPTION, option.option_id)] = tuple(c for _, c in starts)
    for product_id, column in sorted(model.variables.y.items()):
        columns[Decision(LAUNCH, product_id)] = (column,)
    return columns


def plan_of(model: Model, values: np.ndarray) -> Plan:
    """The decisions a solution takes."""
    return frozenset(
        d for d, cols in decision_columns(model).items() if float(values[list(cols)].sum()) > 0.5
    )


@dataclass(frozen=True)
class Row:
    name: str
    columns: tuple[int, ...]
    coefficients: tuple[float, ...]
    lower: float
    upper: float = INF


def search_lp(model: Model, earlier: Sequence[Plan], floor: float) -> LPArrays:
    """The model with the differ, npv_floor and builds rows; its objective is still NPV."""
    columns = decision_columns(model)
    rows = [_differ(j, plan, columns) for j, plan in enumerate(earlier, start=1)]
    rows.append(_npv_floor(model.lp, floor))
    rows.extend(_builds(model))
    return with_rows(model.lp, rows)


def _differ(number: int, plan: Plan, columns: dict[Decision, tuple[int, ...]]) -> Row:
    cols: list[int] = []
    coefficients: list[float] = []
    for decision, its_columns in columns.items():
        sign = -1.0 if decision in plan else 1.0
        cols.extend(its_columns)
        coefficients.extend([sign] * len(its_columns))
    return Row(f"differ[{number}]", tuple(cols), tuple(coefficients), 1.0 - len(plan))


def _npv_floor(lp: LPArrays, floor: float) -> Row:
    cols = np.flatnonzero(lp.objective)
    return Row(
        "npv_floor",
        tuple(int(c) for c in cols),
        tuple(float(v) for v in lp.objective[cols]),
        floor,
    )


def _builds(model: Model) -> list[Row]:
    y = model.variables.y
    forced = {k for k, column in y.items() if model.lp.col_lower[column] >= 0.5}
    forced |= {d.item for d in model.case.decisions if d.decision == "take" and not d.is_option}
    demand = demand_by_product_year(model.case)
    built: dict[str, list[int]] = {k: [] for k in y if k not in forced}
    for (_, _, product_id, _), column in model.variables.x.items():
        if product_id in built:
            built[product_id].append(column)
    rows = []
    for product_id, columns in sorted(built.items()):
        total = sum(units for (k, _), units in demand.items() if k == product_id)
        rows.append(
            Row(
                f"builds[{product_id}]",
                (*columns, y[product_id]),
                (1.0,) * len(columns) + (-min(1.0, total),),
                0.0,
            )
        )
    return rows


def reuse_columns(model: Model, earlier: Sequence[Plan]) -> tuple[int, ...]:
    """The columns whose sum is R: those of every decision some earlier plan took."""
    columns = decision_columns(model)
    used = set().union(*earlier) if earlier else set()
    return tuple(c for d in sorted(used) if d in columns for c in columns[d])


def fewest_reused(lp: LPArrays, reused: tuple[int, ...], weight: float) -> LPArrays:
    """The first solve's model: maximise NPV − weight · R.

    With weight above the widest NPV spread the search rows allow (the optimum's NPV less the
    floor) and above the solver's gap in $, one reused decision more always costs more than
    any NPV it could gain, so the solve minimises R first, exactly as maximising −R would;
    the NPV term gives the solver's heuristics an objective they can work with (−R alone
    under a tight NPV floor left HiGHS without a feasible point for minutes on the sample)."""
    objective = lp.objective.copy()
    objective[list(reused)] -= weight
    return replace(lp, objective=objective)


def with_reuse_fixed(lp: LPArrays, reused: tuple[int, ...], count: int) -> LPArrays:
    """The second solve's model: R = count, NPV maximised (the objective as it is)."""
    row = Row("reuse", reused, (1.0,) * len(reused), float(count), float(count))
    return with_rows(lp, [row])


def reuse_count(values: np.ndarray, reused: tuple[int, ...]) -> int:
    return round(float(values[list(reused)].sum())) if reused else 0


def with_rows(lp: LPArrays, rows: Sequence[Row]) -> LPArrays:
    """The same model with `lower ≤ Σ a·x ≤ upper` rows appended."""
    if not rows:
        return lp
    matrix = sparse.csr_matrix(
        (
            np.asarray([v for r in rows for v in r.coefficients], dtype=float),
            (
                np.asarray([i for i, r in enumerate(rows) for _ in r.columns], dtype=np.int64),
                np.asarray([c for r in rows for c in r.columns], dtype=np.int64),
            ),
        ),
        shape=(len(rows), lp.num_cols),
    )
    matrix.sum_duplicates()
    return replace(
        lp,
        row_names=lp.row_names + tuple(r.name for r in rows),
        row_lower=np.concatenate([lp.row_lower, [r.lower for r in rows]]),
        row_upper=np.concatenate([lp.row_upper, [r.upper for r in rows]]),
        matrix=sparse.vstack([lp.matrix, matrix], format="csr"),
    )
