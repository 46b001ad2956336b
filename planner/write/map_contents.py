"""What the Map sheet shows, from a solved scenario: plants, regions and kei lanes.

Every plant with coordinates and the kei cars it makes over the horizon, every region's demand
centroid, each plant-to-region lane with the kei cars shipped on it over the horizon, and the
kei plants and regions left off for want of a latitude and longitude. Plants sit where the
workbook puts them (an overseas plant at its port of entry).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.case import Case
from planner.results import Results
from planner.results.plan_figures import KEI_SEGMENT


@dataclass(frozen=True)
class MapPlant:
    plant_id: str
    name: str
    lon: float
    lat: float
    kei_units: float  # over the horizon; 0 for a plant that makes no kei car


@dataclass(frozen=True)
class MapRegion:
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class MapLane:
    plant_id: str
    origin: tuple[float, float]  # lon, lat
    target: tuple[float, float]
    units: float


@dataclass(frozen=True)
class MapData:
    title: str
    plants: tuple[MapPlant, ...]
    regions: tuple[MapRegion, ...]  # demand centroids
    lanes: tuple[MapLane, ...]
    left_off: tuple[str, ...]  # kei plants and regions without coordinates


def kei_output(results: Results) -> dict[str, float]:
    """Kei units made by each plant over the horizon."""
    kei = _kei_products(results.case)
    units: dict[str, float] = defaultdict(float)
    for row in results.production:
        if row.product_id in kei:
            units[row.plant_id] += row.units
    return units


def _kei_products(case: Case) -> frozenset[str]:
    return frozenset(
        p.product_id for p in case.products if p.segment.strip().lower() == KEI_SEGMENT
    )


def map_data(results: Results) -> MapData:
    """What the map shows, from a solved scenario."""
    case = results.case
    output = kei_output(results)
    shipped = _kei_shipped(results)
    placed = {p.plant_id: p for p in case.plants if p.lat is not None and p.lon is not None}
    centroids = {r.region_id: r for r in case.regions if r.lat is not None and r.lon is not None}
    plants = tuple(
        MapPlant(p.plant_id, p.name, _f(p.lon), _f(p.lat), output.get(p.plant_id, 0.0))
        for p in placed.values()
    )
    lanes = tuple(
        MapLane(
            plant,
            (_f(placed[plant].lon), _f(placed[plant].lat)),
            (_f(centroids[region].lon), _f(centroids[region].lat)),
            units,
        )
        for (plant, region), units in sorted(shipped.items())
        if plant in placed and region in centroids and units > 0
    )
    left_off = tuple(
        [
            f"plant {p.name}"
            for p in case.plants
            if p.plant_id not in placed and output.get(p.plant_id)
        ]
        + [f"region {r.name}" for r in case.regions if r.region_id not in centroids]
    )
    years = case.settings.years
    title = f"Kei plants and lanes, {years[0]}–{years[-1]}: {case.name} / {case.scenario_id}"
    regions = tuple(MapRegion(r.name, _f(r.lon), _f(r.lat)) for r in centroids.values())
    return MapData(title, plants, regions, lanes, left_off)


def _f(value: float | None) -> float:
    assert value is not None  # callers keep only placed plants and regions
    return value


def _kei_shipped(results: Results) -> dict[tuple[str, str], float]:
    kei = _kei_products(results.case)
    units: dict[tuple[str, str], float] = defaultdict(float)
    for row in results.sales:
        if row.product_id in kei:
            units[row.plant_id, row.region_id] += row.units
    return units


def kei_plants(data: MapData) -> list[MapPlant]:
    return sorted((p for p in data.plants if p.kei_units > 0), key=lambda p: (-p.kei_units, p.name))
