"""Seeded contract workbooks of growing size for the benchmark (small → national).

    python -m planner.bench.generate SIZE OUT.xlsx

The data are made to be economically sensible, so the solver has real decisions to make:
- existing lines run near full (trucks 95 %, unibody 85 % of capacity) while EV demand exceeds
  EV capacity by a third and kei demand (ramping up from zero) has no domestic line at all:
  converting a line to kei gives up part of a profitable incumbent, a new line costs more;
- Japanese kei plants can import without capex but pay ocean freight and a 15 % tariff, and a
  hard domestic-share rule caps them; Mexican plants are cheaper but pay 12.5 %;
- every policy kind is present, hard and soft, some with year windows, and the hard ones
  hold at zero sales or at what existing capacity can make, so every case is feasible.
Same size → same data (numpy's seeded generator), and the same bytes (fixed timestamps).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from planner.contract.schema import SCENARIO_SHEETS, SHEETS
from planner.write.input_workbook import input_workbook_bytes

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
EARTH_RADIUS_MILES = 3958.8


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
        lines = {"KEI_ICE": _round(rng.uniform(60e3, 120e3), 5000)}
        if rng.random() < 0.6:
            lines["KEI_EV"] = _round(rng.uniform(30e3, 60e3), 5000)
        return lines
    kinds = ("UNIBODY", "BOF_TRUCK", "EV")
    first = kinds[index] if index < 3 else str(rng.choice(kinds, p=[0.5, 0.35, 0.15]))
    chosen = [first]
    if rng.random() < 0.4:
        chosen.append(str(rng.choice([k for k in kinds if k != first])))
    return {
        k: _round(rng.uniform(80e3, 200e3) if k == "EV" else rng.uniform(120e3, 320e3), 10000)
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
                    price = _round(product.price * rng.uniform(0.95, 1.07), 10)
                rows.append([region.region_id, product.product_id, year, units, price])
    return rows


# ---------------------------------------------------------------------------------------------
# Retool options


@dataclass(frozen=True)
class Conversion:
    to_line: str
    max_capacity: float
    share: float  # of the existing line taken
    capex_per_unit: float
    lead: int


CONVERSIONS: dict[str, tuple[Conversion, ...]] = {
    "UNIBODY": (
        Conversion("KEI_ICE", 150e3, 1.0, 2200, 1),
        Conversion("KEI_ICE", 150e3, 0.5, 2500, 1),
        Conversion("KEI_EV", 100e3, 1.0, 6500, 2),
        Conversion("EV", 150e3, 1.0, 4500, 2),
        Conversion("KEI_FLEX", 120e3, 1.0, 4200, 2),
    ),
    "BOF_TRUCK": (
        Conversion("KEI_ICE", 120e3, 1.0, 3000, 2),
        Conversion("UNIBODY", 200e3, 1.0, 2800, 2),
    ),
    "EV": (Conversion("KEI_EV", 80e3, 1.0, 3000, 1),),
}
NEW_LINES = (
    ("KEI_FLEX", 60e3, 120e3, 5500, 2),
    ("EV", 100e3, 150e3, 8000, 3),
    ("KEI_EV", 40e3, 80e3, 7000, 2),
)


def _window(gen: Generated, rng: np.random.Generator) -> tuple[int, int]:
    last = gen.years[-1]
    earliest = min(last, FIRST_YEAR + int(rng.integers(0, 3)))
    return earliest, min(last, earliest + int(rng.integers(2, 7)))


def _option_row(
    gen: Generated,
    rng: np.random.Generator,
    option_id: str,
    plant: GenPlant,
    source: str | None,
    target: str,
    added: float,
    removed: float | None,
    per_unit: float,
    lead: int,
) -> list[Cell]:
    earliest, latest = _window(gen, rng)
    capex = _round(added * per_unit * rng.uniform(0.85, 1.2), 100000)
    fixed = _round(added * rng.uniform(60, 140), 1000)
    return [
        option_id,
        plant.plant_id,
        source,
        target,
        added,
        removed,
        capex,
        lead + int(rng.integers(0, 2)),
        fixed,
        earliest,
        latest,
    ]


def _conversions(gen: Generated, rng: np.random.Generator, plant: GenPlant) -> Rows:
    rows = []
    for line, existing in plant.lines.items():
        for n, conv in enumerate(CONVERSIONS.get(line, ())):
            removed = min(existing * conv.share, conv.max_capacity)
            added = _round(removed * rng.uniform(0.8, 1.0), 1000)
            rows.append(
                _option_row(
                    gen,
                    rng,
                    f"{plant.plant_id}_{line[:3]}{n + 1}",
                    plant,
                    line,
                    conv.to_line,
                    added,
                    removed,
                    conv.capex_per_unit,
                    conv.lead,
                )
            )
    return rows


def _new_line(gen: Generated, rng: np.random.Generator, plant: GenPlant, n: int) -> list[Cell]:
    target, low, high, per_unit, lead = NEW_LINES[n % len(NEW_LINES)]
    added = _round(rng.uniform(low, high), 5000)
    return _option_row(
        gen, rng, f"{plant.plant_id}_NEW{n + 1}", plant, None, target, added, None, per_unit, lead
    )


def option_rows(gen: Generated, rng: np.random.Generator) -> Rows:
    rows: Rows = []
    for plant in gen.plants:
        rows.extend(_conversions(gen, rng, plant))
        rows.append(_new_line(gen, rng, plant, 0))
    builders = [p for p in gen.plants if p.country != "JP"]
    extra = 1
    while len(rows) < gen.spec.options:
        rows.append(_new_line(gen, rng, builders[(extra - 1) % len(builders)], extra))
        extra += 1
    if len(rows) > gen.spec.options:
        keep = np.sort(rng.choice(len(rows), gen.spec.options, replace=False))
        rows = [rows[i] for i in keep]
    return _unique_ids(rows)


def _unique_ids(rows: Rows) -> Rows:
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        base = str(row[0])
        seen[base] = seen.get(base, 0) + 1
        out.append([base if seen[base] == 1 else f"{base}_{seen[base]}", *row[1:]])
    return out


# ---------------------------------------------------------------------------------------------
# Freight, tariffs, policies, settings


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


def _plan_policies(gen: Generated, options: Rows) -> Rows:
    capex = [float(str(row[6])) for row in options]
    total, largest = sum(capex), max(capex)
    yearly = _round(max(1.05 * largest, 0.06 * total), 1e6)
    early = _round(max(1.02 * largest, 0.04 * total), 1e6)
    last = gen.years[-1]
    return [
        ["CAPEX_YEAR", "capex_budget", yearly, None, None, None, None, None, "hard", None],
        [
            "CAPEX_EARLY",
            "capex_budget",
            early,
            None,
            None,
            None,
            FIRST_YEAR,
            FIRST_YEAR + 2,
            "soft",
            0.3,
        ],
        [
            "CAPEX_TOTAL",
            "capex_budget_total",
            _round(0.25 * total, 1e6),
            None,
            None,
            None,
            None,
            None,
            "soft",
            0.2,
        ],
        [
            "MAX_RETOOLS",
            "max_retools",
            max(3, round(0.12 * len(options))),
            None,
            None,
            None,
            None,
            None,
            "hard",
            None,
        ],
        [
            "MAX_RETOOLS_LATE",
            "max_retools",
            max(2, round(0.05 * len(options))),
            None,
            None,
            None,
            min(last, FIRST_YEAR + 4),
            None,
            "soft",
            50e6,
        ],
    ]


def _us_demand(gen: Generated, demand: Rows, product_id: str) -> float:
    us = {r.region_id for r in gen.regions if r.country == "US"}
    by_year: dict[int, float] = {}
    for region_id, k, year, units, _ in demand:
        if k == product_id and region_id in us:
            by_year[int(str(year))] = by_year.get(int(str(year)), 0.0) + float(str(units))
    return min(by_year.get(t, 0.0) for t in gen.years)


def _kei_units(gen: Generated, demand: Rows) -> float:
    full_year = gen.years[min(3, len(gen.years) - 1)]
    kei = {p.product_id for p in gen.products if p.segment == "kei"}
    return sum(
        float(str(row[3]))
        for row in demand
        if row[1] in kei and row[2] == full_year and not str(row[0]).startswith(("CA", "MX"))
    )


def _sales_policies(gen: Generated, demand: Rows) -> Rows:
    first, last = FIRST_YEAR, gen.years[-1]
    incumbent = gen.products[0].product_id  # CROSS_ICE: made on existing unibody lines
    kei_from = min(last, first + 3)
    has_mx = any(r.country == "MX" for r in gen.regions)
    return [
        [
            "DOM_KEI",
            "domestic_share_min",
            0.5,
            "segment:kei",
            "country:US",
            "any",
            None,
            None,
            "hard",
            None,
        ],
        ["DOM_ALL", "domestic_share_min", 0.6, None, "country:US", "any", None, None, "soft", 800],
        ["ZEV_EV", "ev_share_min", 0.12, None, "group:ZEV", "any", first + 1, None, "hard", None],
        ["EV_MIN_US", "ev_share_min", 0.08, None, "country:US", "any", None, None, "soft", 1500],
        ["EV_MAX_KEI", "ev_share_max", 0.5, "segment:kei", None, "any", None, None, "soft", 300],
        [
            "EV_MAX_ALL",
            "ev_share_max",
            0.6,
            None,
            "country:MX" if has_mx else None,
            "any",
            None,
            None,
            "hard",
            None,
        ],
        ["FLEET_MPG", "fleet_mpg_min", 30.0, None, "country:US", "any", None, None, "soft", 60],
        [
            "FLEET_MPG_ZEV",
            "fleet_mpg_min",
            27.0,
            None,
            "group:ZEV",
            "domestic",
            first + 2,
            None,
            "hard",
            None,
        ],
        [
            "MIN_KEI",
            "min_units",
            _round(0.25 * _kei_units(gen, demand), 100),
            "segment:kei",
            "country:US",
            "any",
            kei_from,
            None,
            "soft",
            3000,
        ],
        [
            "MIN_INCUMBENT",
            "min_units",
            _round(0.3 * _us_demand(gen, demand, incumbent), 100),
            incumbent,
            "country:US",
            "any",
            None,
            None,
            "hard",
            None,
        ],
        [
            "MAX_IMPORTS",
            "max_units",
            _round(0.1 * _us_demand(gen, demand, incumbent), 100),
            None,
            "country:US",
            "import",
            None,
            None,
            "hard",
            None,
        ],
        [
            "MAX_KEI_IMPORTS",
            "max_units",
            _round(0.2 * _kei_units(gen, demand), 100),
            "segment:kei",
            None,
            "import",
            kei_from,
            None,
            "soft",
            1000,
        ],
        [
            "EV_CREDIT",
            "credit_per_unit",
            3500,
            "powertrain:EV",
            "country:US",
            "domestic",
            None,
            None,
            None,
            None,
        ],
        [
            "IMPORT_FEE",
            "credit_per_unit",
            -250,
            None,
            None,
            "import",
            first + 1,
            last - 1,
            None,
            None,
        ],
    ]


def settings_rows(gen: Generated) -> Rows:
    return [
        ["first_year", FIRST_YEAR],
        ["last_year", gen.years[-1]],
        ["discount_rate", 0.08],
        ["terminal_years", 5],
        ["domestic_country", "US"],
        ["freight_cost_per_mile", 0.30],
        ["road_circuity", 1.2],
        ["solver", "highs"],
        ["time_limit_s", 600],
        ["mip_gap", 0.001],
    ]


# ---------------------------------------------------------------------------------------------
# Assembly


HEADERS: dict[str, list[str]] = {  # every input sheet but the scenario ones and Decisions
    schema.name: list(schema.column_names)
    for schema in SHEETS
    if schema.name not in (*SCENARIO_SHEETS, "Decisions")
}


def _plant_rows(gen: Generated) -> tuple[Rows, Rows]:
    plants: Rows = []
    lines: Rows = []
    for p in gen.plants:
        lat, lon = (p.lat, p.lon) if p.coordinates else (None, None)
        plants.append(
            [
                p.plant_id,
                f"{p.country} plant {p.plant_id}",
                p.country,
                p.state or None,
                lat,
                lon,
                p.cost_index,
                p.freight_adder,
            ]
        )
        lines.extend([p.plant_id, line, cap] for line, cap in p.lines.items())
    return plants, lines


def generate(spec: SizeSpec) -> Generated:
    """All sheets of one size, as rows (the header is in HEADERS)."""
    rng = np.random.default_rng(spec.seed)
    gen = Generated(spec, make_plants(spec, rng), make_regions(spec, rng), make_products(spec))
    plants, lines = _plant_rows(gen)
    demand = demand_rows(gen, rng)
    options = option_rows(gen, rng)
    gen.sheets = {
        "Settings": settings_rows(gen),
        "Plants": plants,
        "PlantLines": lines,
        "Products": [
            [p.product_id, p.segment, p.powertrain, p.price, p.variable_cost, p.mpg, p.launch_cost]
            for p in gen.products
        ],
        "Compatibility": [
            [line, k] for line, made in COMPATIBLE.items() for k in made if k in gen.product_ids
        ],
        "RetoolOptions": options,
        "Regions": [
            [
                r.region_id,
                f"{r.country} region {r.region_id}",
                r.country,
                r.lat,
                r.lon,
                r.group or None,
            ]
            for r in gen.regions
        ],
        "Demand": demand,
        "Freight": freight_rows(gen, rng),
        "Tariffs": tariff_rows(gen),
        "Policies": _sales_policies(gen, demand) + _plan_policies(gen, options),
    }
    return gen


def workbook_bytes(gen: Generated) -> bytes:
    return input_workbook_bytes(
        {name: (header, gen.sheets[name]) for name, header in HEADERS.items()},
        creator="planner.bench.generate",
        title=f"benchmark case {gen.spec.name} (seed {gen.spec.seed})",
        write_only=True,
        stamp=STAMP,
    )


def write_workbook(spec: SizeSpec, out: Path) -> Path:
    """Write the workbook of `spec` to `out` (atomically) and return `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".tmp-{out.name}")
    tmp.write_bytes(workbook_bytes(generate(spec)))
    tmp.replace(out)
    return out


def _round(value: float, step: float) -> float:
    return float(round(float(value) / step) * step)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m planner.bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    print(write_workbook(SIZES[args.size], args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
