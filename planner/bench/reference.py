"""An independent direct formulation of contract §2: numpy/scipy arrays, one `Highs.passModel`.

Written from the contract text, not from `planner.model` (which it never imports), so that the two
can check each other: both solved at the same gap, their NPVs must agree within it, and the
NPV of our plan (its retools and launches fixed here) must equal ours.

Index sets are dense numpy axes (plants P, line types L, products K, regions R, years T);
every coefficient block is built by array operations from masks over them:
- columns: z[o,t] (t in o's window ∩ T), y[k] (launch_cost > 0), x[p,l,k,t] (l present at p,
  i.e. in PlantLines or the to-line of an option at p, and (l,k) compatible), s[p,k,r,t]
  (p has a line for k and D[r,k,t] > 0: the demand row forces s = 0 elsewhere), v per soft row;
- rows: capacity (p,l,t), removal limit (p,l), once (o), flow (p,k,t), demand (r,k,t),
  launch (k,t), one per policy and year (or window).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from planner.case import Case, Policy

EARTH_RADIUS_MILES = 3958.8
INF = highspy.kHighsInf
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
WINDOW_KINDS = ("capex_budget_total", "max_retools")
PLAN_KINDS = ("capex_budget", *WINDOW_KINDS)
AT_LEAST = ("domestic_share_min", "ev_share_min", "min_units")


# ---------------------------------------------------------------------------------------------
# Data as dense arrays


@dataclass(frozen=True)
class Data:
    """docs/contract.md §2.4 figures on dense axes; axis order is the order of the case's tuples."""

    plants: list[str]
    lines: list[str]
    products: list[str]
    regions: list[str]
    years: list[int]
    existing: Floats  # (P, L) E[p,l]
    listed: Bools  # (P, L) line in PlantLines
    compatible: Bools  # (L, K)
    demand: Floats  # (R, K, T)
    price: Floats  # (R, K, T)
    freight: Floats  # (P, R)
    tariff: Floats  # (P, R, K, T), $ per unit
    credit: Floats  # (P, K, R, T), $ per unit
    cost: Floats  # (P, K)
    delta: Floats  # (T,)
    weight: Floats  # (T,)
    domestic: Bools  # (P,)
    electric: Bools  # (K,)
    mpg: Floats  # (K,)


def _positions(names: list[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}


def haversine(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(a))))


def _coordinates(items: tuple[Any, ...]) -> tuple[Floats, Floats]:
    lat = np.array([math.nan if i.lat is None else i.lat for i in items], dtype=float)
    lon = np.array([math.nan if i.lon is None else i.lon for i in items], dtype=float)
    return lat, lon


def _freight(case: Case, plants: dict[str, int], regions: dict[str, int]) -> Floats:
    s = case.settings
    plat, plon = _coordinates(case.plants)
    rlat, rlon = _coordinates(case.regions)
    miles = haversine(plat[:, None], plon[:, None], rlat[None, :], rlon[None, :])
    adder = np.array([p.freight_adder for p in case.plants])
    freight = miles * s.road_circuity * s.freight_cost_per_mile + adder[:, None]
    for lane in case.lanes:
        freight[plants[lane.plant_id], regions[lane.region_id]] = lane.cost_per_unit
    return freight


def _tariff(case: Case, price: Floats, products: dict[str, int], years: list[int]) -> Floats:
    origin = np.array([p.country for p in case.plants])
    market = np.array([r.country for r in case.regions])
    rate = np.zeros((len(origin), len(market), len(products), len(years)))
    for row in case.tariffs:
        plants = origin == row.origin_country
        regions = (market == row.market_country) & (market != row.origin_country)
        chosen = np.zeros(len(products), dtype=bool)
        chosen[[products[k] for k in row.products]] = True
        covered = np.array([row.covers(t) for t in years])
        mask = (
            plants[:, None, None, None]
            & regions[None, :, None, None]
            & chosen[None, None, :, None]
            & covered[None, None, None, :]
        )
        rate[mask] = row.rate
    return np.asarray(rate * price[None, :, :, :])


def _scope(
    case: Case, policy: Policy, products: dict[str, int], regions: dict[str, int], years: list[int]
) -> tuple[Bools, Bools, Bools, Bools]:
    """Masks over P, K, R, T of the policy's scope (origin, products, regions, window)."""
    home = case.settings.domestic_country
    domestic = np.array([p.country == home for p in case.plants])
    origin = {"any": np.ones_like(domestic), "domestic": domestic, "import": ~domestic}
    k = np.zeros(len(products), dtype=bool)
    k[[products[i] for i in policy.products]] = True
    r = np.zeros(len(regions), dtype=bool)
    r[[regions[i] for i in policy.regions]] = True
    t = np.array([policy.year_from <= y <= policy.year_to for y in years])
    return origin[policy.origin], k, r, t


def _credit(
    case: Case, products: dict[str, int], regions: dict[str, int], years: list[int]
) -> Floats:
    credit = np.zeros((len(case.plants), len(products), len(regions), len(years)))
    for policy in case.policies:
        if policy.kind == "credit_per_unit":
            p, k, r, t = _scope(case, policy, products, regions, years)
            credit += policy.value * (
                p[:, None, None, None]
                & k[None, :, None, None]
                & r[None, None, :, None]
                & t[None, None, None, :]
            )
    return credit


def _demand_and_price(
    case: Case, products: dict[str, int], regions: dict[str, int], years: list[int]
) -> tuple[Floats, Floats]:
    t0 = years[0]
    demand = np.zeros((len(regions), len(products), len(years)))
    base = np.array([p.price for p in case.products])
    price = np.broadcast_to(base[None, :, None], demand.shape).copy()
    for row in case.demand:
        if t0 <= row.year <= years[-1]:
            index = (regions[row.region_id], products[row.product_id], row.year - t0)
            demand[index] = row.units
            if row.price is not None:
                price[index] = row.price
    return demand, price


def _weights(case: Case) -> tuple[Floats, Floats]:
    s = case.settings
    rho = s.discount_rate
    years = np.arange(s.first_year, s.last_year + 1)
    delta = (1 + rho) ** -(years - s.first_year).astype(float)
    weight = delta.copy()
    weight[-1] *= 1 + sum((1 + rho) ** -j for j in range(1, s.terminal_years + 1))
    return delta, weight


def case_data(case: Case) -> Data:
    plants = [p.plant_id for p in case.plants]
    products = [k.product_id for k in case.products]
    regions = [r.region_id for r in case.regions]
    years = list(case.settings.years)
    lines = sorted(
        {line.line_type for line in case.lines}
        | {o.to_line_type for o in case.options}
        | {lt for lt, _ in case.compatibility}
    )
    ip, il, ik, ir = (_positions(v) for v in (plants, lines, products, regions))
    existing = np.zeros((len(plants), len(lines)))
    listed = np.zeros_like(existing, dtype=bool)
    for line in case.lines:
        existing[ip[line.plant_id], il[line.line_type]] = line.capacity
        listed[ip[line.plant_id], il[line.line_type]] = True
    compatible = np.zeros((len(lines), len(products)), dtype=bool)
    for line_type, product_id in case.compatibility:
        if product_id in ik:
            compatible[il[line_type], ik[product_id]] = True
    demand, price = _demand_and_price(case, ik, ir, years)
    delta, weight = _weights(case)
    variable = np.array([k.variable_cost for k in case.products])
    index = np.array([p.cost_index for p in case.plants])
    return Data(
        plants,
        lines,
        products,
        regions,
        years,
        existing,
        listed,
        compatible,
        demand,
        price,
        _freight(case, ip, ir),
        _tariff(case, price, ik, years),
        _credit(case, ik, ir, years),
        index[:, None] * variable[None, :],
        delta,
        weight,
        np.array([p.country == case.settings.domestic_country for p in case.plants]),
        np.array([k.powertrain == "EV" for k in case.products]),
        np.array([k.mpg for k in case.products], dtype=float),
    )


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


@dataclass(frozen=True)
class Reference:
    case: Case
    data: Data
    columns: Columns
    lp: highspy.HighsLp
    build_seconds: float

    @property
    def num_cols(self) -> int:
        return int(self.lp.num_col_)

    @property
    def num_rows(self) -> int:
        return int(self.lp.num_row_)

    @property
    def num_nonzeros(self) -> int:
        return len(self.lp.a_matrix_.value_)

    @property
    def num_integer(self) -> int:
        return sum(len(v) for v in self.columns.z.values()) + len(self.columns.y)


def _present(case: Case, data: Data) -> Bools:
    """(P, L): line type l exists at p today or is the to-line of an option at p."""
    present = data.listed.copy()
    ip, il = _positions(data.plants), _positions(data.lines)
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
    ip, il = _positions(data.plants), _positions(data.lines)
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
    ip, il = _positions(data.plants), _positions(data.lines)
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
    ik = _positions(data.products)
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
    ik, ir = _positions(data.products), _positions(data.regions)
    in_p, in_k, in_r, in_t = _scope(case, policy, ik, ir, data.years)
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
# Hand-off and solve


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


def build_reference(case: Case, forced_penalties: Mapping[str, float] | None = None) -> Reference:
    started = time.perf_counter()
    data = case_data(case)
    b = Builder()
    z, y = _add_z_y(case, data, b)
    x, s = _add_x_s(case, data, b)
    cols = Columns(z, y, x, s)
    _capacity(case, data, b, cols)
    _removal_and_once(case, data, b, cols)
    _flow_demand_launch(case, data, b, cols)
    _policies(case, data, b, cols, forced_penalties)
    lp = _highs_lp(b)
    return Reference(case, data, cols, lp, time.perf_counter() - started)


@dataclass(frozen=True)
class ReferenceResult:
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    values: Floats | None = None


def _quiet_highs() -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def solve_reference(ref: Reference, time_limit: float, mip_gap: float) -> ReferenceResult:
    """Solve the MIP at `mip_gap` (HiGHS defaults otherwise)."""
    started = time.perf_counter()
    highs = _quiet_highs()
    highs.setOptionValue("time_limit", max(time_limit, 0.01))
    highs.setOptionValue("mip_rel_gap", mip_gap)
    highs.passModel(ref.lp)
    highs.run()
    return _result(highs, ref.num_integer > 0, time.perf_counter() - started)


def _result(highs: highspy.Highs, is_mip: bool, seconds: float) -> ReferenceResult:
    status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    if info.primal_solution_status != 2:
        return ReferenceResult(status, None, None, None, seconds)
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if is_mip else objective
    if not math.isfinite(bound):
        bound = objective
    gap = abs(bound - objective) / max(abs(objective), 1e-10)
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    return ReferenceResult(status, objective, bound, gap, seconds, values)


def plan_npv(
    ref: Reference, starts: Mapping[str, int], launched: set[str], time_limit: float = 600.0
) -> ReferenceResult:
    """NPV of a given plan (option → start year, launched products): z and y fixed."""
    fixed: dict[int, float] = {}
    for option_id, by_year in ref.columns.z.items():
        for year, col in by_year.items():
            fixed[col] = 1.0 if starts.get(option_id) == year else 0.0
    for product_id, col in ref.columns.y.items():
        fixed[col] = 1.0 if product_id in launched else 0.0
    started = time.perf_counter()
    highs = _quiet_highs()
    highs.setOptionValue("time_limit", time_limit)
    highs.passModel(ref.lp)
    if fixed:
        index = np.array(list(fixed), dtype=np.int32)
        value = np.array(list(fixed.values()))
        highs.changeColsBounds(len(index), index, value, value)
    highs.run()
    return _result(highs, False, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    """`python -m planner.bench.reference WORKBOOK [--mip-gap G]`: the reference's NPV."""
    import argparse
    from pathlib import Path

    from planner.read.load import load_workbook_cases

    parser = argparse.ArgumentParser(prog="python -m planner.bench.reference")
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--mip-gap", type=float)
    parser.add_argument("--time-limit", type=float)
    args = parser.parse_args(argv)
    case = load_workbook_cases(args.workbook).cases[0]
    gap = case.settings.mip_gap if args.mip_gap is None else args.mip_gap
    ref = build_reference(case)
    result = solve_reference(ref, args.time_limit or case.settings.time_limit_s, gap)
    print(
        f"{args.workbook.name}: {result.status}, NPV {result.objective}, bound {result.bound}, "
        f"gap {result.gap}, {ref.num_cols} columns ({ref.num_integer} integer), "
        f"{ref.num_rows} rows, {ref.num_nonzeros} nonzeros, build {ref.build_seconds:.2f} s, "
        f"solve {result.seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
