"""Build the US kei sample case (inputs/us_kei.xlsx) from the CSV tables in ``data/``.

    python -m planner.sample.build_us_kei [OUT_PATH]

The CSVs keep every figure with its source key; the builder writes only the SPEC columns
to the SPEC sheets, moves the keys to the ``Sources`` and ``Provenance`` sheets, expands
retool classes into options, and derives Demand rows (method in ``data/demand_*.csv``,
``kei_*.csv`` and the README). The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.reproducible_xlsx import reproducible_bytes

DATA = Path(__file__).with_name("data")
DEFAULT_OUT = Path("inputs/us_kei.xlsx")
STAMP = dt.datetime(2026, 1, 1)  # fixed document timestamps: two builds are identical

Row = dict[str, str]
Value = str | int | float | None

# SPEC §1 sheets in workbook order with their columns (names are the contract).
SHEETS: dict[str, list[str]] = {
    name: columns.split()
    for name, columns in {
        "Settings": "key value",
        "Plants": "plant_id name country state lat lon cost_index freight_adder",
        "PlantLines": "plant_id line_type capacity",
        "Products": "product_id segment powertrain price variable_cost mpg launch_cost",
        "Compatibility": "line_type product_id",
        "RetoolOptions": "option_id plant_id from_line_type to_line_type capacity_added "
        "capacity_removed capex lead_time_years fixed_cost_per_year earliest_start latest_start",
        "Regions": "region_id name country lat lon group",
        "Demand": "region_id product_id year units",
        "Freight": "plant_id region_id cost_per_unit",
        "Tariffs": "origin_country market_country products year_from year_to rate",
        "Policies": "policy_id kind value products regions origin year_from year_to mode penalty",
        "Scenarios": "scenario_id description probability",
        "ScenarioChanges": "scenario_id sheet match column op value",
    }.items()
}
# Sheets copied from the CSV of the same name in snake_case (extra CSV columns are dropped).
DIRECT = {
    "Settings": "settings",
    "PlantLines": "plant_lines",
    "Products": "products",
    "Compatibility": "compatibility",
    "Regions": "regions",
    "Tariffs": "tariffs",
    "Policies": "policies",
    "Scenarios": "scenarios",
    "ScenarioChanges": "scenario_changes",
}
LABEL_RANK = {"exact": 0, "approx": 1, "est": 2}


def read(name: str) -> list[Row]:
    """Rows of ``data/<name>.csv`` as dicts of stripped text."""
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = []
        for row in reader:
            if None in row or None in row.values():
                raise ValueError(f"{name}.csv line {reader.line_num}: wrong number of fields")
            rows.append({k: v.strip() for k, v in row.items()})
        return rows


def value(text: str) -> Value:
    """A CSV cell as a workbook value: empty -> None, numbers -> int/float, else text."""
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def project(rows: Iterable[Row], columns: Sequence[str]) -> list[list[Value]]:
    return [[value(row.get(c, "")) for c in columns] for row in rows]


def plants() -> list[list[Value]]:
    index = {r["cost_group"]: r["cost_index"] for r in read("cost_index")}
    rows = [{**r, "cost_index": index[r["cost_group"]]} for r in read("plants")]
    return project(rows, SHEETS["Plants"])


def retool_options() -> list[list[Value]]:
    """Expand each option's class; capacity is the class size, capped by the line it converts."""
    classes = {r["retool_class"]: r for r in read("retool_classes")}
    existing = {(r["plant_id"], r["line_type"]): float(r["capacity"]) for r in read("plant_lines")}
    rows: list[list[Value]] = []
    for opt in read("retool_options"):
        c = classes[opt["retool_class"]]
        cap = float(c["capacity"])
        if c["from_line_type"]:
            cap = min(cap, existing[(opt["plant_id"], c["from_line_type"])])
        removed = cap if c["from_line_type"] else 0.0
        rows.append(
            [
                opt["option_id"],
                opt["plant_id"],
                value(c["from_line_type"]),
                c["to_line_type"],
                int(cap),
                int(removed),
                int(cap * float(c["capex_per_unit"])),
                int(c["lead_time_years"]),
                int(cap * float(c["fixed_cost_per_unit_year"])),
                int(c["earliest_start"]),
                int(c["latest_start"]),
            ]
        )
    return rows


def demand() -> list[list[Value]]:
    """Incumbents: 2025 units x growth, split by region (EVs by regional EV share).

    Kei variant v in region r, year t:
    ramp_t x small_car_market x take_rate x share_r x mix[v, ZEV or other] x (P_v / P_ref)^-e.
    """
    p = {r["key"]: float(r["value"]) for r in read("demand_params")}
    regions = read("regions")
    products = {r["product_id"]: r for r in read("products")}
    ramp = {int(r["year"]): float(r["ramp"]) for r in read("kei_ramp")}
    share = {r["region_id"]: float(r["sales_share"]) for r in regions}
    ev = {r["region_id"]: float(r["ev_share"]) for r in regions}
    w_ev = {r: share[r] * ev[r] for r in share}
    w_ice = {r: share[r] * (1 - ev[r]) for r in share}
    rows: list[list[Value]] = []
    for seg in read("demand_segments"):
        k = seg["product_id"]
        w = w_ev if products[k]["powertrain"] == "EV" else w_ice
        total = sum(w.values())
        for t in sorted(ramp):
            national = float(seg["units_2025"]) * (1 + p["incumbent_growth"]) ** (t - 2025)
            rows += [[r, k, t, round(national * w[r] / total)] for r in share]
    kei_total = p["small_car_market"] * p["kei_take_rate"]
    for mix in read("kei_mix"):
        k = mix["product_id"]
        relative_price = float(products[k]["price"]) / p["kei_reference_price"]
        elastic = relative_price ** -p["kei_price_elasticity"]
        for t in sorted(ramp):
            for reg in regions:
                m = float(mix["mix_zev"] if reg["group"] == "ZEV" else mix["mix_other"])
                units = round(ramp[t] * kei_total * share[reg["region_id"]] * m * elastic)
                if units > 0:
                    rows.append([reg["region_id"], k, t, units])
    return rows


def provenance() -> list[list[Value]]:
    """One row per data row of every CSV: file, line, first cell, source keys, weakest label."""
    labels = {r["source_key"]: r["label"] for r in read("sources")}
    rows: list[list[Value]] = []
    for path in sorted(DATA.glob("*.csv")):
        if path.stem in ("sources", "about"):
            continue
        data = read(path.stem)
        if not data or "source" not in data[0]:
            continue
        first = next(iter(data[0]))
        for line, r in enumerate(data, start=2):
            keys = [k for k in r["source"].split(";") if k]
            label = max((labels[k] for k in keys), key=LABEL_RANK.__getitem__, default="")
            note = value(r.get("note", ""))
            rows.append([path.name, line, r[first], ";".join(keys), label, note])
    return rows


def sheet_rows() -> dict[str, tuple[list[str], list[list[Value]]]]:
    """Every sheet of the workbook as (header, rows), in workbook order."""
    out: dict[str, tuple[list[str], list[list[Value]]]] = {}
    built: dict[str, list[list[Value]]] = {
        "Plants": plants(),
        "RetoolOptions": retool_options(),
        "Demand": demand(),
        "Freight": [],
    }
    for name, cols in SHEETS.items():
        rows = built[name] if name in built else project(read(DIRECT[name]), cols)
        out[name] = (cols, rows)
    out["Sources"] = (
        ["source_key", "label", "supports", "citation"],
        project(read("sources"), ["source_key", "label", "supports", "citation"]),
    )
    out["Provenance"] = (["file", "line", "row", "source", "label", "note"], provenance())
    counts = ", ".join(f"{n} {len(out[n][1])}" for n in SHEETS if out[n][1])
    about: list[list[Value]] = [*project(read("about"), ["topic", "text"]), ["data rows", counts]]
    out["About"] = (["topic", "text"], about)
    return out


def _write_rows(ws: Worksheet, header: list[str], rows: list[list[Value]]) -> None:
    ws.append(header)
    for row in rows:
        if any(isinstance(v, str) and v.startswith("=") for v in row):
            raise ValueError(f"text would be written as a formula: {row!r}")
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def _workbook_bytes() -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = sheet_rows()
    for name in ["About", *SHEETS, "Sources", "Provenance"]:
        header, rows = sheets[name]
        _write_rows(wb.create_sheet(name), header, rows)
    wb.properties.creator = "planner.sample.build_us_kei"
    wb.properties.title = "US kei retooling sample case"
    return reproducible_bytes(wb, STAMP)


def build_workbook(out_path: Path) -> None:
    """Write the sample workbook to ``out_path`` (atomically: temp file, then rename)."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    data = _workbook_bytes()
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=".tmp-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("usage: python -m planner.sample.build_us_kei [OUT_PATH]", file=sys.stderr)
        return 2
    out = Path(args[0]) if args else DEFAULT_OUT
    build_workbook(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
