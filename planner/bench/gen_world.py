"""The benchmark generator's world: sizes, product catalogue, plants, regions (seeded).

Part of `planner.bench.generate`, which assembles the workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

FIRST_YEAR = 2027
STAMP = dt.datetime(2026, 1, 1)
Cell = str | int | float | None
Rows = list[list[Cell]]


@dataclass(frozen=True)
class SizeSpec:
    name: str
    plants: int
    regions: int
    products: int
    years: int
    options: int
    seed: int


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec("small", 6, 8, 4, 5, 12, seed=11),
    "medium": SizeSpec("medium", 15, 20, 7, 8, 50, seed=12),
    # the same size from other seeds: HiGHS's time on one model says little about the next
    "medium-s2": SizeSpec("medium-s2", 15, 20, 7, 8, 50, seed=22),
    "medium-s3": SizeSpec("medium-s3", 15, 20, 7, 8, 50, seed=32),
    "large": SizeSpec("large", 25, 35, 10, 10, 150, seed=13),
    "national": SizeSpec("national", 40, 50, 12, 10, 300, seed=14),
}


@dataclass(frozen=True)
class ProductSpec:
    product_id: str
    segment: str
    powertrain: str
    price: float
    variable_cost: float
    mpg: float
    launch_cost: float
    growth: float  # demand growth per year


# The first n are taken: every prefix of 4 or more holds ICE and EV, kei and non-kei.
CATALOGUE: tuple[ProductSpec, ...] = (
    ProductSpec("CROSS_ICE", "crossover", "ICE", 38000, 31500, 28, 0, -0.01),
    ProductSpec("KEI_ICE", "kei", "ICE", 17500, 13500, 45, 150e6, 0.03),
    ProductSpec("CROSS_EV", "crossover", "EV", 45000, 39000, 110, 0, 0.08),
    ProductSpec("KEI_EV", "kei", "EV", 22000, 18000, 120, 120e6, 0.06),
    ProductSpec("PICKUP_ICE", "pickup", "ICE", 58000, 45500, 20, 0, -0.01),
    ProductSpec("SEDAN_HEV", "sedan", "HEV", 32000, 27000, 48, 0, 0.03),
    ProductSpec("SUV_ICE", "suv", "ICE", 62000, 48000, 19, 0, -0.02),
    ProductSpec("KEI_HEV", "kei", "HEV", 19500, 15500, 60, 80e6, 0.04),
    ProductSpec("PICKUP_EV", "pickup", "EV", 70000, 62000, 70, 0, 0.10),
    ProductSpec("SUV_PHEV", "suv", "PHEV", 60000, 50500, 45, 0, 0.02),
    ProductSpec("SEDAN_ICE", "sedan", "ICE", 28000, 24000, 33, 0, -0.03),
    ProductSpec("CROSS_HEV", "crossover", "HEV", 40000, 34000, 40, 0, 0.03),
)

COMPATIBLE: dict[str, tuple[str, ...]] = {
    "BOF_TRUCK": ("PICKUP_ICE", "SUV_ICE", "SUV_PHEV"),
    "UNIBODY": ("CROSS_ICE", "CROSS_HEV", "SEDAN_ICE", "SEDAN_HEV", "SUV_PHEV"),
    "EV": ("CROSS_EV", "PICKUP_EV"),
    "KEI_ICE": ("KEI_ICE", "KEI_HEV"),
    "KEI_EV": ("KEI_EV",),
    "KEI_FLEX": ("KEI_ICE", "KEI_HEV", "KEI_EV"),
}
UTILISATION = {"BOF_TRUCK": 0.95, "UNIBODY": 0.85, "EV": 1.35}  # demand / existing capacity
KEI_SHARE = 0.07  # kei demand at full ramp / existing non-kei capacity
KEI_RAMP = (0.0, 0.3, 0.6, 1.0)
PORTS = ((33.75, -118.2), (39.27, -76.58), (45.6, -122.7), (30.4, -81.6))
US_STATES = ("MI", "OH", "IN", "KY", "TN", "AL", "MS", "GA", "SC", "TX", "MO", "IL", "KS")
COST_INDEX = {"US": (1.0, 1.05), "MX": (0.88, 0.88), "CA": (1.03, 1.03), "JP": (0.92, 0.92)}


@dataclass
class GenPlant:
    plant_id: str
    country: str
    state: str
    lat: float
    lon: float
    cost_index: float
    freight_adder: float
    lines: dict[str, float] = field(default_factory=dict)
    coordinates: bool = True  # False: every lane in Freight, no lat/lon in the workbook


@dataclass(frozen=True)
class GenRegion:
    region_id: str
    country: str
    lat: float
    lon: float
    group: str
    weight: float


@dataclass
class Generated:
    spec: SizeSpec
    plants: list[GenPlant]
    regions: list[GenRegion]
    products: list[ProductSpec]
    sheets: dict[str, Rows] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return list(range(FIRST_YEAR, FIRST_YEAR + self.spec.years))

    @property
    def product_ids(self) -> set[str]:
        return {p.product_id for p in self.products}


# ---------------------------------------------------------------------------------------------
# Plants, regions, products


def _country_counts(n: int) -> list[str]:
    jp = max(1, round(0.06 * n))
    ca = round(0.08 * n) if n >= 8 else 0
    mx = max(1, round(0.15 * n))
    return ["US"] * (n - jp - ca - mx) + ["MX"] * mx + ["CA"] * ca + ["JP"] * jp


def _location(country: str, index: int, rng: np.random.Generator) -> tuple[float, float]:
    if country == "JP":
        return PORTS[index % len(PORTS)]
    box = {"US": (30, 45, -98, -78), "MX": (19, 29, -108, -98), "CA": (42.5, 45.5, -83, -78)}
    if country == "US" and rng.random() < 0.25:
        box["US"] = (28, 47, -122, -75)
    lat0, lat1, lon0, lon1 = box[country]
    return round(float(rng.uniform(lat0, lat1)), 3), round(float(rng.uniform(lon0, lon1)), 3)


def _existing_lines(country: str, index: int, rng: np.random.Generator) -> dict[str, float]:
    if country == "JP":
        lines = {"KEI_ICE": round_to(rng.uniform(60e3, 120e3), 5000)}
        if rng.random() < 0.6:
            lines["KEI_EV"] = round_to(rng.uniform(30e3, 60e3), 5000)
        return lines
    kinds = ("UNIBODY", "BOF_TRUCK", "EV")
    first = kinds[index] if index < 3 else str(rng.choice(kinds, p=[0.5, 0.35, 0.15]))
    chosen = [first]
    if rng.random() < 0.4:
        chosen.append(str(rng.choice([k for k in kinds if k != first])))
    return {
        k: round_to(rng.uniform(80e3, 200e3) if k == "EV" else rng.uniform(120e3, 320e3), 10000)
        for k in chosen
    }


def make_plants(spec: SizeSpec, rng: np.random.Generator) -> list[GenPlant]:
    plants = []
    counters: dict[str, int] = {}
    for country in _country_counts(spec.plants):
        i = counters.get(country, 0)
        counters[country] = i + 1
        lat, lon = _location(country, i, rng)
        low, high = COST_INDEX[country]
        adder = (
            round(float(rng.uniform(900, 1200)))
            if country == "JP"
            else (50.0 if country == "MX" else 0.0)
        )
        plants.append(
            GenPlant(
                plant_id=f"{country}{i + 1:02d}",
                country=country,
                state=str(rng.choice(US_STATES)) if country == "US" else "",
                lat=lat,
                lon=lon,
                cost_index=low if rng.random() < 0.5 else high,
                freight_adder=adder,
                lines=_existing_lines(country, i, rng),
                coordinates=not (country == "JP" and i == 0),
            )
        )
    return plants


def make_regions(spec: SizeSpec, rng: np.random.Generator) -> list[GenRegion]:
    n = spec.regions
    foreign = [("CA", 43.7, -79.4), ("MX", 19.4, -99.1)] if n >= 8 else []
    regions = []
    for i in range(n - len(foreign)):
        lat = round(float(rng.uniform(26, 48)), 3)
        lon = round(float(rng.uniform(-123, -70)), 3)
        zev = lon < -112 or rng.random() < 0.2 or i == 0
        regions.append(
            GenRegion(
                f"US{i + 1:02d}",
                "US",
                lat,
                lon,
                "ZEV" if zev else "",
                float(rng.lognormal(0.0, 0.6)),
            )
        )
    for country, lat, lon in foreign:
        regions.append(GenRegion(f"{country}1", country, lat, lon, "", 0.6))
    return regions


def make_products(spec: SizeSpec) -> list[ProductSpec]:
    return list(CATALOGUE[: spec.products])


def round_to(value: float, step: float) -> float:
    return float(round(float(value) / step) * step)
