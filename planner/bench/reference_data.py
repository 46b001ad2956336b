"""The reference formulation's data: the case's figures as dense numpy arrays over its axes.

Part of the independent reference (see `planner.bench.reference`): written from the contract
text, never importing `planner.model`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

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


def positions(names: list[str]) -> dict[str, int]:
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


def scope(
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
            p, k, r, t = scope(case, policy, products, regions, years)
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
    ip, il, ik, ir = (positions(v) for v in (plants, lines, products, regions))
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
