"""Build small input workbooks for tests: sheets as lists of dicts, written with openpyxl."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Sheets = dict[str, list[dict[str, Any]]]

HEADERS: dict[str, list[str]] = {
    "Settings": ["key", "value"],
    "Plants": ["plant_id", "name", "country", "state", "lat", "lon", "cost_index",
               "freight_adder"],
    "PlantLines": ["plant_id", "line_type", "capacity"],
    "Products": ["product_id", "segment", "powertrain", "price", "variable_cost", "mpg",
                 "launch_cost"],
    "Compatibility": ["line_type", "product_id"],
    "RetoolOptions": ["option_id", "plant_id", "from_line_type", "to_line_type",
                      "capacity_added", "capacity_removed", "capex", "lead_time_years",
                      "fixed_cost_per_year", "earliest_start", "latest_start"],
    "Regions": ["region_id", "name", "country", "lat", "lon", "group"],
    "Demand": ["region_id", "product_id", "year", "units", "price"],
    "Freight": ["plant_id", "region_id", "cost_per_unit"],
    "Tariffs": ["origin_country", "market_country", "products", "year_from", "year_to", "rate"],
    "Policies": ["policy_id", "kind", "value", "products", "regions", "origin", "year_from",
                 "year_to", "mode", "penalty"],
    "Scenarios": ["scenario_id", "description", "probability"],
    "ScenarioChanges": ["scenario_id", "sheet", "match", "column", "op", "value"],
}


def settings(**values: Any) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in values.items()]


def tiny() -> Sheets:
    """One plant P1 (US) with a 100-unit UNIBODY line, one product CAR, one region R1.

    Freight is given by lane (10 $/unit), discount 0, one year: NPV = 100 * (price - cost -
    freight) = 100 * (20000 - 15000 - 10) = 499,000 when demand (150) exceeds capacity.
    """
    return {
        "Settings": settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0),
        "Plants": [{"plant_id": "P1", "country": "US", "lat": 40.0, "lon": -85.0}],
        "PlantLines": [{"plant_id": "P1", "line_type": "UNIBODY", "capacity": 100}],
        "Products": [{"product_id": "CAR", "segment": "sedan", "powertrain": "ICE",
                      "price": 20000, "variable_cost": 15000, "mpg": 30}],
        "Compatibility": [{"line_type": "UNIBODY", "product_id": "CAR"}],
        "Regions": [{"region_id": "R1", "country": "US", "lat": 41.0, "lon": -87.0}],
        "Demand": [{"region_id": "R1", "product_id": "CAR", "year": 2030, "units": 150}],
        "Freight": [{"plant_id": "P1", "region_id": "R1", "cost_per_unit": 10}],
    }


def write(path: Path, sheets: Sheets, extra_headers: dict[str, list[str]] | None = None) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        headers = list(HEADERS.get(name, []))
        for row in rows:
            headers.extend(k for k in row if k not in headers)
        headers.extend((extra_headers or {}).get(name, []))
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path


def with_rows(sheets: Sheets, name: str, *rows: dict[str, Any]) -> Sheets:
    changed = copy.deepcopy(sheets)
    changed.setdefault(name, []).extend(rows)
    return changed


def with_settings(sheets: Sheets, **values: Any) -> Sheets:
    changed = copy.deepcopy(sheets)
    rows = {r["key"]: r for r in changed["Settings"]}
    for key, value in values.items():
        if key in rows:
            rows[key]["value"] = value
        else:
            changed["Settings"].append({"key": key, "value": value})
    return changed
