"""Build small input workbooks for tests: sheets as lists of dicts.

`write` uses the planner's input-workbook writer (openpyxl: formulas get no saved value);
`write_calculated` uses XlsxWriter, which stores a `Formula`'s saved value as Excel does;
`write_raw` assembles an .xlsx from hand-written sheet XML for the cases no writer makes.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

from planner.write.input_workbook import header_of, table_of, write_input_workbook

Sheets = dict[str, list[dict[str, Any]]]


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
        "Products": [
            {
                "product_id": "CAR",
                "segment": "sedan",
                "powertrain": "ICE",
                "price": 20000,
                "variable_cost": 15000,
                "mpg": 30,
            }
        ],
        "Compatibility": [{"line_type": "UNIBODY", "product_id": "CAR"}],
        "Regions": [{"region_id": "R1", "country": "US", "lat": 41.0, "lon": -87.0}],
        "Demand": [{"region_id": "R1", "product_id": "CAR", "year": 2030, "units": 150}],
        "Freight": [{"plant_id": "P1", "region_id": "R1", "cost_per_unit": 10}],
    }


@dataclass(frozen=True)
class Formula:
    """A formula cell; `saved` is the value Excel would have stored (XlsxWriter only)."""

    text: str
    saved: Any = None


def write(
    path: Path,
    sheets: Sheets,
    extra_headers: dict[str, list[str]] | None = None,
    titles: dict[str, str] | None = None,
    header: Callable[[str], str] = str,
) -> Path:
    """Write with the planner's input-workbook writer (openpyxl; columns in schema order);
    `titles` renames sheets, `header` respells column names. A `None` row writes an empty row.
    """
    tables = {}
    for name, rows in sheets.items():
        columns, values = table_of(name, rows, (extra_headers or {}).get(name, []))
        tables[(titles or {}).get(name, name)] = (
            [header(h) for h in columns],
            [[_openpyxl_value(v) for v in row] for row in values],
        )
    return write_input_workbook(path, tables, formulas=True)


def _openpyxl_value(value: Any) -> Any:
    return f"={value.text}" if isinstance(value, Formula) else value


def write_calculated(path: Path, sheets: Sheets) -> Path:
    """Write with XlsxWriter: each `Formula` keeps its saved value; text stays text."""
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        headers = header_of(name, rows)
        for col, title in enumerate(headers):
            sheet.write_string(0, col, title)
        for r, row in enumerate(rows, start=1):
            for col, title in enumerate(headers):
                _write_cell(sheet, r, col, row.get(title))
    book.close()
    return path


def _write_cell(sheet: Any, row: int, col: int, value: Any) -> None:
    if isinstance(value, Formula):
        sheet.write_formula(row, col, value.text, None, value.saved)
    elif isinstance(value, str):
        sheet.write_string(row, col, value)
    elif value is not None:
        sheet.write_number(row, col, value)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/{kind}" Target="{target}"/>'
)


def write_raw(
    path: Path, sheet_data: dict[str, str], shared: list[str] | None = None, prolog: str = ""
) -> Path:
    """An .xlsx whose worksheets hold the given XML inside `<worksheet>` (after `prolog`)."""
    rels = [
        REL.format(n=i, kind="worksheet", target=f"worksheets/sheet{i}.xml")
        for i in range(1, len(sheet_data) + 1)
    ]
    sheets = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheet_data, start=1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://'
                'schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<sheets>{sheets}</sheets></workbook>"
            ),
        )
        if shared is not None:
            rels.append(
                REL.format(n=len(rels) + 1, kind="sharedStrings", target="sharedStrings.xml")
            )
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{"".join(shared)}</sst>')
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                f'openxmlformats.org/package/2006/relationships">{"".join(rels)}</Relationships>'
            ),
        )
        for i, xml in enumerate(sheet_data.values(), start=1):
            archive.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'{prolog}<worksheet xmlns="{MAIN}">{xml}</worksheet>',
            )
    return path


def full() -> Sheets:
    """`tiny()` plus a valid row on every optional sheet: two plants, two products, an
    option, a tariff, a soft policy, a decision (never O1, which the optimum does not take
    either) and a scenario that changes the option's capex."""
    sheets = tiny()
    sheets["Settings"] = settings(first_year=2030, last_year=2031, discount_rate=0.05)
    sheets["Plants"].append({"plant_id": "P2", "country": "MX", "lat": 25.0, "lon": -100.0})
    sheets["PlantLines"].append({"plant_id": "P2", "line_type": "KEI_ICE", "capacity": 50})
    sheets["Products"].append(
        {
            "product_id": "KEI",
            "segment": "kei",
            "powertrain": "EV",
            "price": 15000,
            "variable_cost": 11000,
            "mpg": 110,
        }
    )
    sheets["Compatibility"] += [
        {"line_type": "KEI_EV", "product_id": "KEI"},
        {"line_type": "KEI_ICE", "product_id": "CAR"},
    ]
    sheets["RetoolOptions"] = [
        {
            "option_id": "O1",
            "plant_id": "P1",
            "from_line_type": "UNIBODY",
            "to_line_type": "KEI_EV",
            "capacity_added": 80,
            "capex": 1_000_000,
        }
    ]
    sheets["Regions"][0]["group"] = "ZEV"
    sheets["Demand"] += [
        {"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 50},
        {"region_id": "R1", "product_id": "CAR", "year": 2031, "units": 150},
    ]
    sheets["Tariffs"] = [{"origin_country": "MX", "market_country": "US", "rate": 0.025}]
    sheets["Policies"] = [
        {
            "policy_id": "EV10",
            "kind": "ev_share_min",
            "value": 0.1,
            "regions": "group:ZEV",
            "mode": "soft",
            "penalty": 1000,
        }
    ]
    sheets["Decisions"] = [{"item": "O1", "decision": "never", "note": "not at this capex"}]
    sheets["Scenarios"] = [{"scenario_id": "high_capex", "description": "capex +50%"}]
    sheets["ScenarioChanges"] = [
        {
            "scenario_id": "high_capex",
            "sheet": "RetoolOptions",
            "match": "option_id=O1",
            "column": "capex",
            "op": "multiply",
            "value": 1.5,
        }
    ]
    return sheets


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


def metric_rows(sheet: Any) -> list[tuple[Any, ...]]:
    """The Summary's metric/value/note rows (below its 'metric' header), as values."""
    rows = [r[:3] for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r[:2] == ("metric", "value")) + 1
    end = next((i for i in range(top, len(rows)) if rows[i][0] is None), len(rows))
    return rows[top:end]
