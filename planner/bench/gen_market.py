"""The benchmark generator's market: demand by region, product and year; freight; tariffs."""

from __future__ import annotations

import math

import numpy as np

from planner.bench.gen_world import (
    COMPATIBLE,
    FIRST_YEAR,
    KEI_RAMP,
    KEI_SHARE,
    UTILISATION,
    Generated,
    ProductSpec,
    Rows,
    round_to,
)

# ---------------------------------------------------------------------------------------------
# Demand


def _base_units(gen: Generated) -> dict[str, float]:
    """Units per product at full ramp: each line type's demand pool split over its products."""
    capacity: dict[str, float] = {}
    for plant in gen.plants:
        for line, cap in plant.lines.items():
            capacity[line] = capacity.get(line, 0.0) + cap
    units: dict[str, float] = {k: 0.0 for k in gen.product_ids}
    for line, share in UTILISATION.items():
        made = [k for k in COMPATIBLE[line] if k in gen.product_ids]
        for k in made:
            units[k] += capacity.get(line, 0.0) * share / len(made)
    incumbent = sum(capacity.get(line, 0.0) for line in UTILISATION)
    kei = [p.product_id for p in gen.products if p.segment == "kei"]
    mix = {"KEI_ICE": 0.55, "KEI_HEV": 0.2, "KEI_EV": 0.25}
    total_mix = sum(mix[k] for k in kei)
    for k in kei:
        units[k] = KEI_SHARE * incumbent * mix[k] / total_mix
    return units


def _region_shares(gen: Generated, product: ProductSpec) -> np.ndarray:
    boost = np.array(
        [1.8 if product.powertrain == "EV" and r.group == "ZEV" else 1.0 for r in gen.regions]
    )
    weights = np.array([r.weight for r in gen.regions]) * boost
    return np.asarray(weights / weights.sum())


def _year_factor(product: ProductSpec, index: int) -> float:
    if product.segment == "kei":
        ramp = KEI_RAMP[min(index, len(KEI_RAMP) - 1)]
        return ramp * (1 + product.growth) ** max(0, index - 3)
    return float((1 + product.growth) ** index)


def demand_rows(gen: Generated, rng: np.random.Generator) -> Rows:
    base = _base_units(gen)
    rows: Rows = []
    for product in gen.products:
        shares = _region_shares(gen, product)
        for region, share in zip(gen.regions, shares, strict=True):
            if rng.random() < 0.05:
                continue  # a zero-demand cell: no row
            for index, year in enumerate(gen.years):
                units = round(
                    base[product.product_id]
                    * share
                    * _year_factor(product, index)
                    * float(rng.uniform(0.9, 1.1))
                )
                if units < 1:
                    continue
                price = None
                if rng.random() < 0.2:
                    price = round_to(product.price * rng.uniform(0.95, 1.07), 10)
                rows.append([region.region_id, product.product_id, year, units, price])
    return rows


# ---------------------------------------------------------------------------------------------
# Freight, tariffs, policies, settings

EARTH_RADIUS_MILES = 3958.8


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def freight_rows(gen: Generated, rng: np.random.Generator) -> Rows:
    """Every lane of a plant without coordinates; 4 % of the others at a negotiated 85 %."""
    rows: Rows = []
    for plant in gen.plants:
        for region in gen.regions:
            negotiated = plant.coordinates and rng.random() < 0.04
            if plant.coordinates and not negotiated:
                continue
            miles = haversine_miles(plant.lat, plant.lon, region.lat, region.lon)
            cost = miles * 1.2 * 0.30 + plant.freight_adder
            rows.append(
                [plant.plant_id, region.region_id, round(cost * (0.85 if negotiated else 1.0), 2)]
            )
    return rows


def _segment_token(gen: Generated, *segments: str) -> str | None:
    present = sorted({p.segment for p in gen.products} & set(segments))
    return ";".join(f"segment:{s}" for s in present) or None


def tariff_rows(gen: Generated) -> Rows:
    countries = {p.country for p in gen.plants}
    markets = {r.country for r in gen.regions}
    mid = FIRST_YEAR + 3
    candidates: Rows = [
        ["MX", "US", None, None, None, 0.125],
        ["CA", "US", None, None, None, 0.125],
        ["JP", "US", None, None, None, 0.15],
        ["US", "MX", None, None, mid, 0.05],
        ["US", "MX", None, mid + 1, None, 0.10],
        ["JP", "CA", None, None, None, 0.061],
        [
            "MX",
            "CA",
            _segment_token(gen, "pickup", "suv") or "segment:crossover",
            None,
            None,
            0.061,
        ],
    ]
    return [row for row in candidates if row[0] in countries and row[1] in markets]
