"""The Map sheet of the result workbook: kei plants sized by output, lanes to the regions.

The solved cases are test_result_workbook's `with_kei_option(two_regions())`: plant P1
(40 N, 85 W) can add a 100-unit KEI_LINE for 100,000; KEI (price 15,000, cost 10,000) has a
demand of 80 in R1 (41 N, 87 W) at 10 $/unit freight, so 80 units earn 80 × 4,990 = 399,200
> 100,000: the line is built and P1 makes 80 kei cars, all shipped on the lane P1 → R1.
"""

from __future__ import annotations

import csv
import socket
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from test_result_workbook import solved, two_regions, with_kei_option
from workbooks import Sheets, tiny

import planner.sample
from planner.solve.result import Status
from planner.write.map_contents import MapData, MapLane, MapPlant, MapRegion, map_data
from planner.write.map_png import draw_map
from planner.write.scenario_workbook import write_scenario_workbook

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def _written(tmp_path: Path, sheets: Sheets) -> Path:
    outcome = solved(tmp_path, sheets)
    target = tmp_path / "base.xlsx"
    write_scenario_workbook(target, outcome)
    return target


def _pngs(target: Path) -> list[bytes]:
    with zipfile.ZipFile(target) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("xl/media/"))
        assert all(n.endswith(".png") for n in names)
        return [archive.read(n) for n in names]


def _map_text(target: Path) -> list[Any]:
    sheet = load_workbook(target)["Map"]
    return [sheet.cell(row, 1).value for row in range(1, 5)]


def test_solved_kei_case_gets_a_map_image(tmp_path: Path) -> None:
    outcome = solved(tmp_path, with_kei_option(two_regions()))
    data = map_data(outcome.results)
    assert [(p.name, p.kei_units) for p in data.plants] == [("P1", pytest.approx(80))]
    assert [(lane.origin, lane.target, lane.units) for lane in data.lanes] == [
        ((-85.0, 40.0), (-87.0, 41.0), pytest.approx(80))
    ]
    target = tmp_path / "base.xlsx"
    write_scenario_workbook(target, outcome)
    assert "Map" in load_workbook(target).sheetnames
    [png] = _pngs(target)
    assert png.startswith(PNG_HEADER)
    assert _map_text(target)[1].startswith("Marker area: kei cars made over the horizon")


def test_no_solution_gets_a_sentence_instead_of_a_map(tmp_path: Path) -> None:
    outcome = solved(tmp_path, with_kei_option(two_regions()))
    empty = replace(outcome.results, status=Status.ERROR, production=(), sales=(), cashflow=())
    target = tmp_path / "base.xlsx"
    write_scenario_workbook(target, replace(outcome, results=empty))
    assert _map_text(target)[1] == "No map: the scenario has no solution (status error)."
    assert _pngs(target) == []


def test_no_kei_output_gets_a_sentence(tmp_path: Path) -> None:
    target = _written(tmp_path, tiny())  # a sedan plant, no kei product
    assert _map_text(target)[1] == "No map: the plan makes no kei car over the horizon."
    assert _pngs(target) == []


def test_places_without_coordinates_are_left_off_with_a_note(tmp_path: Path) -> None:
    """R2 has no coordinates (its lane is in Freight): the map is drawn without it."""
    sheets = with_kei_option(two_regions())
    sheets["Regions"][1] = {"region_id": "R2", "country": "US"}
    target = _written(tmp_path, sheets)
    assert _map_text(target)[2] == "Left off the map (no latitude/longitude): region R2."
    assert len(_pngs(target)) == 1


def test_kei_plant_without_coordinates_gets_a_sentence(tmp_path: Path) -> None:
    sheets = with_kei_option(two_regions())
    sheets["Plants"] = [{"plant_id": "P1", "country": "US"}]
    target = _written(tmp_path, sheets)
    text = _map_text(target)
    assert text[1] == "No map: no plant that makes kei cars has a latitude and longitude."
    assert text[2] == "Left off the map (no latitude/longitude): plant P1."
    assert _pngs(target) == []


def _sample_like_map() -> MapData:
    """The national sample's plants where the sample puts them, with the base plan's shape: one
    kei plant (GM Spring Hill) shipping to nine regions, every other plant a grey dot."""
    path = Path(planner.sample.__file__).parent / "data" / "plants.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    spring_hill = next(r for r in rows if r["name"] == "GM Spring Hill Manufacturing")
    origin = (float(spring_hill["lon"]), float(spring_hill["lat"]))
    plants = tuple(
        MapPlant(
            r["plant_id"],
            r["name"],
            float(r["lon"]),
            float(r["lat"]),
            799_509.0 if r is spring_hill else 0,
        )
        for r in rows
    )
    centroids = [(-122.5, 46.5), (-119.4, 35.5), (-110.0, 37.5), (-97.0, 31.0), (-88.0, 41.5)]
    centroids += [(-89.0, 34.5), (-82.0, 32.5), (-75.5, 40.5), (-71.8, 42.3)]
    regions = tuple(MapRegion(f"R{i}", lon, lat) for i, (lon, lat) in enumerate(centroids))
    lanes = tuple(
        MapLane(spring_hill["plant_id"], origin, (r.lon, r.lat), 20_000.0 * (i + 1))
        for i, r in enumerate(regions)
    )
    return MapData("Kei plants and lanes, 2027–2036: us_kei / base", plants, regions, lanes, ())


def test_sample_map_draws_offline_and_the_same_bytes_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the map reached for the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    data = _sample_like_map()
    first = draw_map(data)
    assert first.startswith(PNG_HEADER)
    assert draw_map(data) == first
    assert b"Matplotlib" not in first  # no software/version stamp in the PNG


def test_every_sample_plant_making_kei_still_draws() -> None:
    """71 kei plants: more than the palette has colours and the legend has lines."""
    data = _sample_like_map()
    plants = tuple(replace(p, kei_units=1_000.0 * (i + 1)) for i, p in enumerate(data.plants))
    assert draw_map(replace(data, plants=plants)).startswith(PNG_HEADER)
