"""Unit economics of docs/contract.md §2.4 and the discount weights of §2.6, computed once per case.

- price P[r,k,t] = Demand.price if given, else Products.price
- freight φ[p,r] = Freight.cost_per_unit if the lane is listed, else
  haversine_miles(p, r) · road_circuity · freight_cost_per_mile + freight_adder_p
- tariff τ[p,r,k,t] = rate · P[r,k,t] for the matching Tariffs row when country_p ≠ country_r
- production cost c[p,k] = variable_cost_k · cost_index_p
- credit κ[p,k,r,t] = Σ credit_per_unit values whose scope holds (p,k,r,t) (plants selector
  included)
- δ_t = (1+ρ)^−(t − first_year); W_t = δ_t, W_last = δ_last · (1 + Σ_{j=1..terminal} (1+ρ)^−j)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from planner.case import Case, Plant, Policy, Region

EARTH_RADIUS_MILES = 3958.8


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def discount_factors(case: Case) -> dict[int, float]:
    """δ_t = (1+ρ)^−(t − first_year)."""
    s = case.settings
    return {t: (1 + s.discount_rate) ** -(t - s.first_year) for t in s.years}


def operating_weights(case: Case) -> dict[int, float]:
    """W_t = δ_t, and the last year also carries the terminal years' annuity."""
    s = case.settings
    delta = discount_factors(case)
    weights = dict(delta)
    weights[s.last_year] = delta[s.last_year] * (1 + annuity(s.discount_rate, s.terminal_years))
    return weights


def annuity(rate: float, years: int) -> float:
    """Σ_{j=1..n} (1+ρ)^−j = (1 − (1+ρ)^−n) / ρ, in closed form; n when ρ = 0."""
    if rate == 0:
        return float(years)
    return (1 - (1 + rate) ** -years) / rate


def is_domestic(case: Case, plant: Plant) -> bool:
    return plant.country == case.settings.domestic_country


def origin_matches(case: Case, policy: Policy, plant: Plant) -> bool:
    if policy.origin == "any":
        return True
    return is_domestic(case, plant) == (policy.origin == "domestic")


@dataclass(frozen=True)
class Economics:
    """Per-unit figures for every lane and product; built once, read by model and results."""

    case: Case
    price: dict[tuple[str, str, int], float]  # (region, product, year)
    freight: dict[tuple[str, str], float]  # (plant, region)
    cost: dict[tuple[str, str], float]  # (plant, product)
    delta: dict[int, float]
    weight: dict[int, float]

    tariff_rate: dict[tuple[str, str, str, int], float]  # (origin, market, product, year)
    credits: dict[tuple[bool, str, str, int], float]  # (domestic, product, region, year)
    # credits of plant-scoped policies: (plant, product, region, year)
    plant_credits: dict[tuple[str, str, str, int], float] = field(default_factory=dict)

    def tariff(self, plant_id: str, region_id: str, product_id: str, year: int) -> float:
        """τ = rate · P for the one matching Tariffs row when countries differ; else 0."""
        origin = self.case.plant(plant_id).country
        market = self.case.region(region_id).country
        rate = self.tariff_rate.get((origin, market, product_id, year), 0.0)
        return rate * self.price[region_id, product_id, year] if origin != market else 0.0

    def credit(self, plant_id: str, product_id: str, region_id: str, year: int) -> float:
        domestic = is_domestic(self.case, self.case.plant(plant_id))
        credit = self.credits.get((domestic, product_id, region_id, year), 0.0)
        if self.plant_credits:
            credit += self.plant_credits.get((plant_id, product_id, region_id, year), 0.0)
        return credit


def _tariff_rates(case: Case) -> dict[tuple[str, str, str, int], float]:
    """Rows are validated not to overlap, so each key has at most one rate."""
    rates = {}
    for row in case.tariffs:
        for product_id in row.products:
            for year in case.settings.years:
                if row.covers(year):
                    rates[row.origin_country, row.market_country, product_id, year] = row.rate
    return rates


def _credits(case: Case) -> dict[tuple[bool, str, str, int], float]:
    """κ summed over the credit_per_unit policies whose scope holds, by plant origin."""
    credits: dict[tuple[bool, str, str, int], float] = {}
    for policy in case.policies:
        if policy.kind != "credit_per_unit" or policy.plants is not None:
            continue
        origins = {"any": (True, False), "domestic": (True,), "import": (False,)}[policy.origin]
        for domestic in origins:
            for product_id in policy.products:
                for region_id in policy.regions:
                    for year in policy.years:
                        key = (domestic, product_id, region_id, year)
                        credits[key] = credits.get(key, 0.0) + policy.value
    return credits


def _plant_credits(case: Case) -> dict[tuple[str, str, str, int], float]:
    """κ of the credit_per_unit policies with a `plants` selector, by plant."""
    credits: dict[tuple[str, str, str, int], float] = {}
    for policy in case.policies:
        if policy.kind != "credit_per_unit" or policy.plants is None:
            continue
        for plant in case.plants:
            if plant.plant_id not in policy.plants or not origin_matches(case, policy, plant):
                continue
            for product_id in policy.products:
                for region_id in policy.regions:
                    for year in policy.years:
                        key = (plant.plant_id, product_id, region_id, year)
                        credits[key] = credits.get(key, 0.0) + policy.value
    return credits


def build_economics(case: Case) -> Economics:
    products = {p.product_id: p for p in case.products}
    price = {
        (r.region_id, k, t): products[k].price
        for r in case.regions
        for k in products
        for t in case.settings.years
    }
    for row in case.demand:
        if row.price is not None:
            price[row.region_id, row.product_id, row.year] = row.price
    lanes = {(lane.plant_id, lane.region_id): lane.cost_per_unit for lane in case.lanes}
    freight = {}
    for plant in case.plants:
        for region in case.regions:
            key = (plant.plant_id, region.region_id)
            freight[key] = lanes[key] if key in lanes else distance_freight(case, plant, region)
    cost = {
        (p.plant_id, k.product_id): k.variable_cost * p.cost_index
        for p in case.plants
        for k in case.products
    }
    return Economics(
        case,
        price,
        freight,
        cost,
        discount_factors(case),
        operating_weights(case),
        _tariff_rates(case),
        _credits(case),
        _plant_credits(case),
    )


def distance_freight(case: Case, plant: Plant, region: Region) -> float:
    assert plant.lat is not None and plant.lon is not None  # validated: lane else coordinates
    assert region.lat is not None and region.lon is not None
    miles = haversine_miles(plant.lat, plant.lon, region.lat, region.lon)
    s = case.settings
    return miles * s.road_circuity * s.freight_cost_per_mile + plant.freight_adder
