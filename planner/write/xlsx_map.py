"""The Map sheet: kei plants sized by output and their lanes to the regions, as a PNG.

The sheet holds the picture (`map_png`) of what the map shows (`map_contents`), with a note on
its units, or one sentence saying why there is no map: the scenario has no solution, the plan
makes no kei car, or no plant that makes kei cars has a latitude and longitude. Plants and
regions without coordinates are named as left off the map.
"""

from __future__ import annotations

from io import BytesIO

from xlsxwriter.workbook import Workbook

from planner.results import Results
from planner.results.outcome import ScenarioOutcome
from planner.write.map_contents import kei_output, kei_plants, map_data
from planner.write.map_png import draw_map
from planner.write.xlsx_format import Formats

SHEET = "Map"


UNITS_NOTE = (
    "Marker area: kei cars made over the horizon; line width: kei cars shipped on the lane over "
    "the horizon. Overseas plants are shown at their port of entry."
)


def write_map(book: Workbook, formats: Formats, outcome: ScenarioOutcome) -> None:
    """A `Map` sheet: the PNG, or one sentence saying why there is none."""
    sheet = book.add_worksheet(SHEET)
    sheet.set_column(0, 0, 100)
    sheet.write_string(0, 0, "Map: kei plants and lanes to the regions", formats.title)
    results = outcome.results
    reason = _no_map_reason(results)
    data = None if reason else map_data(results)
    if data is not None and not kei_plants(data):
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
