"""The reference formulation's matrix: columns, core rows and policy rows as numpy blocks.

Part of the independent reference (see `planner.bench.reference`): written from the contract
text, never importing `planner.model`. Column and row families are listed there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse

from planner.bench.reference_data import (
    AT_LEAST,
    INF,
    PLAN_KINDS,
    Bools,
    Data,
    Floats,
    Ints,
    positions,
    scope,
)
from planner.case import Case, Policy

# ---------------------------------------------------------------------------------------------
# The matrix


@dataclass
class Builder:
    """Columns and rows as growing lists of numpy blocks; one COO → CSC at the end."""

    cost: list[Floats] = field(default_factory=list)
    col_lower: list[Floats] = field(default_factory=list)
    col_upper: list[Floats] = field(default_factory=list)
    integer: list[Bools] = field(default_factory=list)
    row_lower: list[Floats] = field(default_factory=list)
    row_upper: list[Floats] = field(default_factory=list)
    rows: list[Ints] = field(default_factory=list)
    cols: list[Ints] = field(default_factory=list)
    vals: list[Floats] = field(default_factory=list)
    num_cols: int = 0
    num_rows: int = 0

    def columns(self, cost: Floats, upper: float = INF, integer: bool = False) -> Ints:
        n = len(cost)
        self.cost.append(np.asarray(cost, dtype=float))
        self.col_lower.append(np.zeros(n))
        self.col_upper.append(np.full(n, upper))
        self.integer.append(np.full(n, integer))
        first = self.num_cols
        self.num_cols += n
        return np.arange(first, first + n, dtype=np.int64)

    def add_rows(self, lower: Floats | float, upper: Floats | float, n: int) -> Ints:
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy())
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy())
        first = self.num_rows
        self.num_rows += n
        return np.arange(first, first + n, dtype=np.int64)

    def entries(self, rows: Ints, cols: Ints, vals: Floats | float) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        self.rows.append(rows)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), rows.shape).copy())


@dataclass(frozen=True)
class Columns:
    """Column numbers of each family (−1 where a column does not exist)."""

    z: dict[str, dict[int, int]]  # option -> start year -> column
    y: dict[str, int]
    x: Ints  # (P, L, K, T)
    s: Ints  # (P, K, R, T)


def _present(case: Case, data: Data) -> Bools:
    """(P, L): line type l exists at p today or is the to-line of an option at p."""
    present = data.listed.copy()
    ip, il = positions(data.plants), positions(data.lines)
    for o in case.options:
        present[ip[o.plant_id], il[o.to_line_type]] = True
    return present


def _add_z_y(
    case: Case, data: Data, b: Builder
) -> tuple[dict[str, dict[int, int]], dict[str, int]]:
    """z[o,t]: objective −δ_t C_o − F_o Σ_{t' ≥ t+L_o} W_t'; y[k]: −launch_cost_k."""
    z: dict[str, dict[int, int]] = {}
    t0 = data.years[0]
    later = np.concatenate([np.cumsum(data.weight[::-1])[::-1], [0.0]])  # Σ_{t' ≥ t} W_t'
    for o in case.options:
        starts = [t for t in data.years if o.earliest_start <= t <= o.latest_start]
        if not starts:
            z[o.option_id] = {}
            continue
        i = np.array(starts) - t0
        online = np.minimum(i + o.lead_time_years, len(data.years))
        cost = -data.delta[i] * o.capex - o.fixed_cost_per_year * later[online]
        cols = b.columns(cost, upper=1.0, integer=True)
        z[o.option_id] = dict(zip(starts, cols.tolist(), strict=True))
    launch = [k for k in case.products if k.launch_cost > 0]
    cols = b.columns(np.array([-k.launch_cost for k in launch]), upper=1.0, integer=True)
    return z, {k.product_id: int(c) for k, c in zip(launch, cols, strict=True)}


def _numbered(mask: Bools, b: Builder, cost: Floats) -> Ints:
    """Columns for the True cells of `mask` (C order), cost taken at those cells."""
    index = np.full(mask.shape, -1, dtype=np.int64)
    index[mask] = b.columns(cost[mask])
    return index


def _add_x_s(case: Case, data: Data, b: Builder) -> tuple[Ints, Ints]:
    present = _present(case, data)
    nt = len(data.years)
    x_mask = np.broadcast_to(
        (present[:, :, None] & data.compatible[None, :, :])[..., None],
        (*present.shape, len(data.products), nt),
    )
    x_cost = -data.weight[None, None, None, :] * data.cost[:, None, :, None]
    x = _numbered(np.ascontiguousarray(x_mask), b, np.broadcast_to(x_cost, x_mask.shape))
    buildable = np.asarray(np.asarray(x_mask[..., 0]).any(axis=1), dtype=bool)  # (P, K)
    s_mask = buildable[:, :, None, None] & (data.demand > 0).transpose(1, 0, 2)[None]
    margin = (
        data.price.transpose(1, 0, 2)[None]
        - data.freight[:, None, :, None]
        - data.tariff.transpose(0, 2, 1, 3)
        + data.credit
    )
    s = _numbered(s_mask, b, margin * data.weight[None, None, None, :])
    return x, s


def _capacity(case: Case, data: Data, b: Builder, cols: Columns) -> None:
    """Σ_k x − (− Σ d_o Σ_{τ≤t} z + Σ a_o Σ_{τ≤t−L} z) ≤ E, one row per present (p,l,t)."""
    present = _present(case, data)
    nt = len(data.years)
    row = np.full((*present.shape, nt), -1, dtype=np.int64)
    n = int(present.sum()) * nt
    row[present] = b.add_rows(-INF, np.repeat(data.existing[present], nt), n).reshape(-1, nt)
    p, line, k, t = np.nonzero(cols.x >= 0)
    b.entries(row[p, line, t], cols.x[p, line, k, t], 1.0)
    ip, il = positions(data.plants), positions(data.lines)
    t0 = data.years[0]
    for o in case.options:
        for start, col in cols.z[o.option_id].items():
            i = start - t0
            if o.from_line_type is not None and o.capacity_removed:
                rows = row[ip[o.plant_id], il[o.from_line_type], i:]
                b.entries(rows, np.full(len(rows), col), o.capacity_removed)
            if o.capacity_added and i + o.lead_time_years < nt:
                rows = row[ip[o.plant_id], il[o.to_line_type], i + o.lead_time_years :]
                b.entries(rows, np.full(len(rows), col), -o.capacity_added)


def _removal_and_once(case: Case, data: Data, b: Builder, cols: Columns) -> None:
    """Σ_{o: p,f} d_o Σ_t z ≤ E[p,l];  Σ_t z[o,t] ≤ 1."""
    ip, il = positions(data.plants), positions(data.lines)
    groups: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for o in case.options:
        if o.from_line_type is None:
            continue
        key = (ip[o.plant_id], il[o.from_line_type])
        groups.setdefault(key, []).extend(
            (c, o.capacity_removed) for c in cols.z[o.option_id].values()
        )
    for (p, line), terms in groups.items():
        if terms:
            (r,) = b.add_rows(-INF, data.existing[p, line], 1)
            b.entries(
                np.full(len(terms), r),
                np.array([c for c, _ in terms]),
                np.array([v for _, v in terms]),
            )
    for starts in cols.z.values():
        if starts:
            (r,) = b.add_rows(-INF, 1.0, 1)
            b.entries(np.full(len(starts), r), np.array(list(starts.values())), 1.0)


def _flow_demand_launch(case: Case, data: Data, b: Builder, cols: Columns) -> None:
    """Σ_l x = Σ_r s (p,k,t);  Σ_p s ≤ D (r,k,t);  Σ x[.,.,k,t] ≤ (Σ_r D) y[k]."""
    has_x = (cols.x >= 0).any(axis=1)  # (P, K, T)
    flow = np.full(has_x.shape, -1, dtype=np.int64)
    flow[has_x] = b.add_rows(0.0, 0.0, int(has_x.sum()))
    p, line, k, t = np.nonzero(cols.x >= 0)
    b.entries(flow[p, k, t], cols.x[p, line, k, t], 1.0)
    p, k, r, t = np.nonzero(cols.s >= 0)
    b.entries(flow[p, k, t], cols.s[p, k, r, t], -1.0)
    has_s = (cols.s >= 0).any(axis=0)  # (K, R, T)
    demand = np.full(has_s.shape, -1, dtype=np.int64)
    demand[has_s] = b.add_rows(-INF, data.demand.transpose(1, 0, 2)[has_s], int(has_s.sum()))
    b.entries(demand[k, r, t], cols.s[p, k, r, t], 1.0)
    ik = positions(data.products)
    total = data.demand.sum(axis=0)  # (K, T)
    for product_id, y in cols.y.items():
        i = ik[product_id]
        rows = b.add_rows(-INF, 0.0, len(data.years))
        p, line, t = np.nonzero(cols.x[:, :, i, :] >= 0)
        b.entries(rows[t], cols.x[p, line, i, t], 1.0)
        b.entries(rows, np.full(len(rows), y), -total[i])


# ---------------------------------------------------------------------------------------------
# Policies


def _policy_rows(
    b: Builder,
    data: Data,
    policy: Policy,
    n: int,
    rhs: float,
    penalty: float | None,
    per_year: Floats | None,
) -> Ints:
    """n rows of one policy (≥ or ≤ rhs), with a violation column each when soft."""
    at_least = policy.kind in AT_LEAST
    rows = b.add_rows(rhs if at_least else -INF, INF if at_least else rhs, n)
    if penalty is not None:
        weight = np.ones(n) if per_year is None else per_year
        v = b.columns(-penalty * weight)
        b.entries(rows, v, 1.0 if at_least else -1.0)
    return rows


def _sales_policy(
    case: Case, data: Data, b: Builder, cols: Columns, policy: Policy, penalty: float | None
) -> None:
    ik, ir = positions(data.products), positions(data.regions)
    in_p, in_k, in_r, in_t = scope(case, policy, ik, ir, data.years)
    window = np.flatnonzero(in_t)
    rhs = policy.value if policy.kind in ("min_units", "max_units") else 0.0
    rows = _policy_rows(b, data, policy, len(window), rhs, penalty, data.weight[window])
    year_row = np.full(len(data.years), -1, dtype=np.int64)
    year_row[window] = rows
    p, k, r, t = np.nonzero(cols.s >= 0)
    keep = in_p[p] & in_k[k] & in_r[r] & in_t[t]
    p, k, r, t = p[keep], k[keep], r[keep], t[keep]
    value = policy.value
    coefficient = {
        "domestic_share_min": lambda: data.domestic[p] - value,
        "ev_share_min": lambda: data.electric[k] - value,
        "ev_share_max": lambda: data.electric[k] - value,
        "fleet_mpg_min": lambda: value * value / data.mpg[k] - value,
    }.get(policy.kind, lambda: np.ones(len(p)))()
    b.entries(year_row[t], cols.s[p, k, r, t], np.asarray(coefficient, dtype=float))


def _plan_policy(
    data: Data,
    b: Builder,
    cols: Columns,
    policy: Policy,
    capex: dict[str, float],
    penalty: float | None,
) -> None:
    window = [t for t in data.years if policy.year_from <= t <= policy.year_to]
    per_year = policy.kind == "capex_budget"
    n = len(window) if per_year else 1
    weights = data.weight[np.array(window, dtype=int) - data.years[0]] if per_year else None
    rows = _policy_rows(b, data, policy, n, policy.value, penalty, weights)
    for option_id, starts in cols.z.items():
        for start, col in starts.items():
            if policy.year_from <= start <= policy.year_to:
                row = rows[window.index(start)] if per_year else rows[0]
                b.entries(
                    np.array([row]),
                    np.array([col]),
                    1.0 if policy.kind == "max_retools" else capex[option_id],
                )


def _policies(
    case: Case, data: Data, b: Builder, cols: Columns, forced: Mapping[str, float] | None
) -> None:
    capex = {o.option_id: o.capex for o in case.options}
    for policy in case.policies:
        if policy.kind == "credit_per_unit":
            continue
        penalty = policy.penalty if policy.soft else (forced or {}).get(policy.policy_id)
        if policy.kind in PLAN_KINDS:
            _plan_policy(data, b, cols, policy, capex, penalty)
        else:
            _sales_policy(case, data, b, cols, policy, penalty)


# ---------------------------------------------------------------------------------------------
# Hand-off


def _highs_lp(b: Builder) -> highspy.HighsLp:
    matrix = sparse.csc_matrix(
        (np.concatenate(b.vals), (np.concatenate(b.rows), np.concatenate(b.cols))),
        shape=(b.num_rows, b.num_cols),
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = b.num_cols, b.num_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate(b.cost)
    lp.col_lower_ = np.concatenate(b.col_lower)
    lp.col_upper_ = np.concatenate(b.col_upper)
    lp.row_lower_ = np.concatenate(b.row_lower)
    lp.row_upper_ = np.concatenate(b.row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = b.num_cols, b.num_rows
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    integer = np.concatenate(b.integer)
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[flag] for flag in integer.tolist()]
    return lp


def build_matrix(
    case: Case, data: Data, forced_penalties: Mapping[str, float] | None = None
) -> tuple[Columns, highspy.HighsLp]:
    """Every column and row of the case, handed over as one HiGHS model."""
    b = Builder()
    z, y = _add_z_y(case, data, b)
    x, s = _add_x_s(case, data, b)
    cols = Columns(z, y, x, s)
    _capacity(case, data, b, cols)
    _removal_and_once(case, data, b, cols)
    _flow_demand_launch(case, data, b, cols)
    _policies(case, data, b, cols, forced_penalties)
    return cols, _highs_lp(b)
