"""The Map sheet: kei plants sized by output and their lanes to the regions, as a PNG.

Drawn offline with matplotlib's Agg renderer (no display, no network) on plain
longitude/latitude axes, over North American country outlines from Natural Earth (public
domain; `map_data/north_america.json`, provenance and terms in `map_data/LICENSE.txt`).
Plants sit where the workbook puts them (an overseas plant at its port of entry); a plant or
region without coordinates is left off with a note. The PNG carries no timestamp or version,
so the same plan always gives the same bytes.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from xlsxwriter.workbook import Workbook

from planner.case import Case
from planner.results import Results
from planner.results.outcome import ScenarioOutcome
from planner.results.plan_figures import KEI_SEGMENT
from planner.write.xlsx_format import Formats

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patheffects import AbstractPathEffect

SHEET = "Map"
OUTLINES = Path(__file__).parent / "map_data" / "north_america.json"
FIGURE_INCHES = (11.0, 7.0)
DPI = 100
AXES_BOX = (0.06, 0.14, 0.62, 0.78)  # left, bottom, width, height: parts of the figure
MAX_PLANT_AREA = 900.0  # points², the largest kei plant's marker
MAX_LANE_WIDTH = 7.0  # points, the busiest lane
MIN_LANE_WIDTH = 0.4
UNITS_NOTE = (
    "Marker area: kei cars made over the horizon; line width: kei cars shipped on the lane over "
    "the horizon. Overseas plants are shown at their port of entry."
)
MAX_REGION_LABELS = 30  # more would clutter the map
MAX_LEGEND_NAME = 40
MAX_PLANT_LABELS = 12  # the largest kei plants are named on the map, all in the legend
MAX_LEGEND_PLANTS = 20  # the legend's height: the rest are summed on one line
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


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


def write_map(book: Workbook, formats: Formats, outcome: ScenarioOutcome) -> None:
    """A `Map` sheet: the PNG, or one sentence saying why there is none."""
    sheet = book.add_worksheet(SHEET)
    sheet.set_column(0, 0, 100)
    sheet.write_string(0, 0, "Map: kei plants and lanes to the regions", formats.title)
    results = outcome.results
    reason = _no_map_reason(results)
    data = None if reason else map_data(results)
    if data is not None and not _kei_plants(data):
        reason = "No map: no plant that makes kei cars has a latitude and longitude."
    if data is None or reason:
        sheet.write_string(1, 0, reason)
    else:
        sheet.write_string(1, 0, UNITS_NOTE, formats.note)
        image = BytesIO(draw_map(data))
        sheet.insert_image(4, 0, "kei_map.png", {"image_data": image, "object_position": 3})
    if data is not None and data.left_off:
        left_off = ", ".join(data.left_off)
        sheet.write_string(2, 0, f"Left off the map (no latitude/longitude): {left_off}.")


def _no_map_reason(results: Results) -> str:
    if not results.status.has_solution:
        return f"No map: the scenario has no solution (status {results.status.value})."
    if not any(units > 0 for units in kei_output(results).values()):
        return "No map: the plan makes no kei car over the horizon."
    return ""


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


def draw_map(data: MapData) -> bytes:
    """The map as PNG bytes; the same data always gives the same bytes."""
    from matplotlib.figure import Figure  # Agg, no pyplot: no display, no global state

    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI)
    axes = figure.add_axes(AXES_BOX)
    west, east, south, north = _extent(
        data, AXES_BOX[2] * FIGURE_INCHES[0], AXES_BOX[3] * FIGURE_INCHES[1]
    )
    _draw_outlines(axes)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(_stretch(south, north))
    axes.grid(True, color="#dddddd", linewidth=0.5)
    axes.set_xlabel("longitude (°)")
    axes.set_ylabel("latitude (°)")
    axes.set_title(data.title, fontsize=11)
    colours = _colours(data)
    _draw_lanes(axes, data, colours)
    _draw_points(axes, data, colours)
    _draw_legend(figure, data)
    note = textwrap.fill(_units_note(data), 150)
    figure.text(0.06, 0.02, note, fontsize=8, color="#444444", va="bottom")
    buffer = BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _extent(data: MapData, width: float, height: float) -> tuple[float, float, float, float]:
    """West, east, south, north around every point, widened to fill a width × height box."""
    lons = [p.lon for p in data.plants] + [r.lon for r in data.regions]
    lats = [p.lat for p in data.plants] + [r.lat for r in data.regions]
    pad_lon = max(3.0, 0.06 * (max(lons) - min(lons)))
    pad_lat = max(1.5, 0.08 * (max(lats) - min(lats)))
    west, east = min(lons) - pad_lon, max(lons) + pad_lon
    south, north = min(lats) - pad_lat, max(lats) + pad_lat
    stretch = _stretch(south, north)
    extra_lon = (north - south) * stretch * width / height - (east - west)
    extra_lat = (east - west) * height / (width * stretch) - (north - south)
    if extra_lon > 0:
        return west - extra_lon / 2, east + extra_lon / 2, south, north
    return west, east, south - extra_lat / 2, north + extra_lat / 2


def _stretch(south: float, north: float) -> float:
    """Height of a degree of latitude over a degree of longitude at the middle latitude."""
    return 1 / math.cos(math.radians((south + north) / 2))


@cache
def _outline_rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    rings = json.loads(OUTLINES.read_text(encoding="utf-8"))["rings"]
    return tuple(tuple((x, y) for x, y in ring["ring"]) for ring in rings)


def _draw_outlines(axes: Axes) -> None:
    from matplotlib.collections import PolyCollection

    outlines = PolyCollection(
        _outline_rings(), facecolors="#f2f2ee", edgecolors="#a0a0a0", linewidths=0.6, zorder=1
    )
    axes.add_collection(outlines, autolim=False)


def _kei_plants(data: MapData) -> list[MapPlant]:
    return sorted((p for p in data.plants if p.kei_units > 0), key=lambda p: (-p.kei_units, p.name))


def _colours(data: MapData) -> dict[str, str]:
    return {p.plant_id: PALETTE[i % len(PALETTE)] for i, p in enumerate(_kei_plants(data))}


def _draw_lanes(axes: Axes, data: MapData, colours: dict[str, str]) -> None:
    busiest = max((lane.units for lane in data.lanes), default=1.0)
    for lane in sorted(data.lanes, key=lambda lane: -lane.units):
        width = max(MIN_LANE_WIDTH, MAX_LANE_WIDTH * lane.units / busiest)
        xs, ys = zip(lane.origin, lane.target, strict=True)
        colour = colours.get(lane.plant_id, "#888888")
        axes.plot(xs, ys, color=colour, lw=width, alpha=0.45, solid_capstyle="round", zorder=2)


def _draw_points(axes: Axes, data: MapData, colours: dict[str, str]) -> None:
    others = [p for p in data.plants if p.kei_units <= 0]
    if data.regions:
        lons = [r.lon for r in data.regions]
        lats = [r.lat for r in data.regions]
        axes.scatter(
            lons, lats, s=22, marker="s", facecolor="white", edgecolor="#333333", lw=0.8, zorder=3
        )
    if others:
        axes.scatter(
            [p.lon for p in others], [p.lat for p in others], s=10, color="#9a9a9a", zorder=4
        )
    _draw_kei_plants(axes, _kei_plants(data), colours)
    if len(data.regions) <= MAX_REGION_LABELS:
        for region in data.regions:
            _label_region(axes, region)


def _draw_kei_plants(axes: Axes, kei: list[MapPlant], colours: dict[str, str]) -> None:
    largest = kei[0].kei_units
    for plant in kei:
        area = max(30.0, MAX_PLANT_AREA * plant.kei_units / largest)
        axes.scatter(
            [plant.lon],
            [plant.lat],
            s=area,
            color=colours[plant.plant_id],
            edgecolor="black",
            lw=0.7,
            alpha=0.85,
            zorder=5,
        )
    for plant in kei[:MAX_PLANT_LABELS]:
        axes.annotate(
            plant.name,
            (plant.lon, plant.lat),
            xytext=(8, 6),
            textcoords="offset points",
            fontsize=8,
            zorder=6,
            clip_on=True,
            path_effects=_halo(),
        )


def _label_region(axes: Axes, region: MapRegion) -> None:
    axes.annotate(
        region.name,
        (region.lon, region.lat),
        xytext=(0, -11),
        textcoords="offset points",
        ha="center",
        fontsize=7,
        color="#555555",
        zorder=6,
        clip_on=True,
        path_effects=_halo(),
    )


def _halo() -> list[AbstractPathEffect]:
    from matplotlib.patheffects import withStroke

    return [withStroke(linewidth=2.5, foreground="white")]


def _short(name: str) -> str:
    return name if len(name) <= MAX_LEGEND_NAME else name[: MAX_LEGEND_NAME - 1] + "…"


def _draw_legend(figure: Figure, data: MapData) -> None:
    from matplotlib.lines import Line2D

    kei = _kei_plants(data)
    handles = [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=12,
            mfc="#cccccc",
            mec="black",
            label="kei plant (area: kei cars made)",
        ),
        Line2D([], [], ls="", marker="o", ms=4, mfc="#9a9a9a", mec="#9a9a9a", label="other plant"),
        Line2D(
            [],
            [],
            ls="",
            marker="s",
            ms=6,
            mfc="white",
            mec="#333333",
            label="region (demand centroid)",
        ),
        Line2D(
            [],
            [],
            color="#888888",
            lw=MAX_LANE_WIDTH / 2,
            alpha=0.45,
            label="lane, kei cars shipped",
        ),
    ]
    colours = _colours(data)
    handles += [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=8,
            mfc=colours[p.plant_id],
            mec="black",
            label=f"{_short(p.name)}: {p.kei_units:,.0f}",
        )
        for p in kei[:MAX_LEGEND_PLANTS]
    ]
    if len(kei) > MAX_LEGEND_PLANTS:
        rest = sum(p.kei_units for p in kei[MAX_LEGEND_PLANTS:])
        more = f"{len(kei) - MAX_LEGEND_PLANTS} more kei plants: {rest:,.0f}"
        handles.append(Line2D([], [], ls="", label=more))
    figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.69, 0.92),
        fontsize=8,
        frameon=False,
        title="kei cars made over the horizon",
        title_fontsize=8,
    )


def _units_note(data: MapData) -> str:
    busiest = max((lane.units for lane in data.lanes), default=0.0)
    largest = max(p.kei_units for p in data.plants)
    return (
        f"Units: vehicles over the whole horizon. Largest marker {largest:,.0f} kei cars made; "
        f"widest lane {busiest:,.0f} kei cars shipped. Overseas plants at their port of entry. "
        "Outlines: Natural Earth (public domain)."
    )
