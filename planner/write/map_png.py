"""The Map sheet's picture: `map_contents` drawn as PNG bytes.

Drawn offline with matplotlib's Agg renderer (no display, no network) on plain
longitude/latitude axes, over North American country outlines from Natural Earth (public
domain; `map_data/north_america.json`, provenance and terms in `map_data/LICENSE.txt`). Marker
area is kei cars made, line width kei cars shipped; the legend names the kei plants. The PNG
carries no timestamp or version, so the same plan always gives the same bytes.
"""

from __future__ import annotations

import json
import math
import textwrap
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from planner.write.map_contents import MapData, MapPlant, MapRegion, kei_plants

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patheffects import AbstractPathEffect

OUTLINES = Path(__file__).parent / "map_data" / "north_america.json"
FIGURE_INCHES = (11.0, 7.0)
DPI = 100
AXES_BOX = (0.06, 0.14, 0.62, 0.78)  # left, bottom, width, height: parts of the figure
MAX_PLANT_AREA = 900.0  # points², the largest kei plant's marker
MAX_LANE_WIDTH = 7.0  # points, the busiest lane
MIN_LANE_WIDTH = 0.4


MAX_REGION_LABELS = 30  # more would clutter the map
MAX_LEGEND_NAME = 40
MAX_PLANT_LABELS = 12  # the largest kei plants are named on the map, all in the legend
MAX_LEGEND_PLANTS = 20  # the legend's height: the rest are summed on one line
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


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


def _colours(data: MapData) -> dict[str, str]:
    return {p.plant_id: PALETTE[i % len(PALETTE)] for i, p in enumerate(kei_plants(data))}


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
    _draw_kei_plants(axes, kei_plants(data), colours)
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

    kei = kei_plants(data)
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
