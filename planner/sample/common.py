"""What the sample-case builders share: CSV tables with source keys -> a reproducible workbook.

Each case keeps its figures in a directory of CSVs, every data row with a ``source`` cell.
The builders write only the input-sheet columns to the input sheets, expand retool classes
into options, list the source keys in ``Sources`` and one row per CSV row in ``Provenance``.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from planner.contract.schema import SHEETS_BY_NAME
from planner.write.input_workbook import input_workbook_bytes

STAMP = dt.datetime(2026, 1, 1)  # fixed document timestamps: two builds are identical

Row = dict[str, str]
Value = str | int | float | None
Sheets = dict[str, tuple[list[str], list[list[Value]]]]

# The input sheets in workbook order with their columns in schema order; the samples leave
# out the optional columns they do not use (a builder may add them back).
UNUSED_COLUMNS = {("RetoolOptions", "ramp_up"), ("Demand", "price"), ("Policies", "plants")}
SHEETS: dict[str, list[str]] = {
    name: [c for c in SHEETS_BY_NAME[name].column_names if (name, c) not in UNUSED_COLUMNS]
    for name in (
        "Settings",
        "Plants",
        "PlantLines",
        "Products",
        "Compatibility",
        "RetoolOptions",
        "Regions",
        "Demand",
        "Freight",
        "Tariffs",
        "Policies",
        "Scenarios",
        "ScenarioChanges",
    )
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
    "Decisions": "decisions",
}
LABEL_RANK = {"exact": 0, "approx": 1, "est": 2}
SOURCE_COLUMNS = ["source_key", "label", "supports", "citation"]


def read(data: Path, name: str) -> list[Row]:
    """Rows of ``<data>/<name>.csv`` as dicts of stripped text."""
    with (data / f"{name}.csv").open(newline="", encoding="utf-8") as f:
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


def plants(data: Path, columns: Sequence[str]) -> list[list[Value]]:
    """Plants with ``cost_index`` looked up from the plant's ``cost_group``."""
    index = {r["cost_group"]: r["cost_index"] for r in read(data, "cost_index")}
    rows = [{**r, "cost_index": index[r["cost_group"]]} for r in read(data, "plants")]
    return project(rows, columns)


def retool_options(data: Path, columns: Sequence[str]) -> list[list[Value]]:
    """Expand each option's class; capacity is the class size, capped by the line it converts.

    Capex and fixed cost are the capacity times the class's per-unit figures; a class's
    ``ramp_up`` (if the columns ask for it) is copied.
    """
    classes = {r["retool_class"]: r for r in read(data, "retool_classes")}
    existing = {
        (r["plant_id"], r["line_type"]): float(r["capacity"]) for r in read(data, "plant_lines")
    }
    rows: list[list[Value]] = []
    for opt in read(data, "retool_options"):
        c = classes[opt["retool_class"]]
        cap = float(c["capacity"])
        if c["from_line_type"]:
            cap = min(cap, existing[(opt["plant_id"], c["from_line_type"])])
        removed = cap if c["from_line_type"] else 0.0
        cells: dict[str, Value] = {
            "option_id": opt["option_id"],
            "plant_id": opt["plant_id"],
            "from_line_type": value(c["from_line_type"]),
            "to_line_type": c["to_line_type"],
            "capacity_added": int(cap),
            "capacity_removed": int(removed),
            "capex": int(cap * float(c["capex_per_unit"])),
            "lead_time_years": int(c["lead_time_years"]),
            "fixed_cost_per_year": int(cap * float(c["fixed_cost_per_unit_year"])),
            "earliest_start": int(c["earliest_start"]),
            "latest_start": int(c["latest_start"]),
            "ramp_up": value(c.get("ramp_up", "")),
        }
        rows.append([cells[k] for k in columns])
    return rows


def demand_rows(
    data: Path, weights: dict[str, float], ev: dict[str, float], kei_total: float
) -> list[list[Value]]:
    """Demand rows. Incumbents: 2025 units x growth, split over regions by `weights` (EVs by
    weight_r x EV share_r, others by weight_r x (1 - EV share_r), each normalised). Kei variant v
    in region r, year t: ramp_t x kei_total x weight_r x mix[v, ZEV or other] x (P_v / P_ref)^-e.
    Regions come in the order of `weights`."""
    p = {r["key"]: float(r["value"]) for r in read(data, "demand_params")}
    products = {r["product_id"]: r for r in read(data, "products")}
    ramp = {int(r["year"]): float(r["ramp"]) for r in read(data, "kei_ramp")}
    group = {r["region_id"]: r["group"] for r in read(data, "regions")}
    w_ev = {r: weights[r] * ev[r] for r in weights}
    w_ice = {r: weights[r] * (1 - ev[r]) for r in weights}
    rows: list[list[Value]] = []
    for seg in read(data, "demand_segments"):
        k = seg["product_id"]
        w = w_ev if products[k]["powertrain"] == "EV" else w_ice
        total = sum(w.values())
        for t in sorted(ramp):
            national = float(seg["units_2025"]) * (1 + p["incumbent_growth"]) ** (t - 2025)
            rows += [[r, k, t, round(national * w[r] / total)] for r in weights]
    for mix in read(data, "kei_mix"):
        k = mix["product_id"]
        relative_price = float(products[k]["price"]) / p["kei_reference_price"]
        elastic = relative_price ** -p["kei_price_elasticity"]
        for t in sorted(ramp):
            for r in weights:
                m = float(mix["mix_zev"] if group[r] == "ZEV" else mix["mix_other"])
                units = round(ramp[t] * kei_total * weights[r] * m * elastic)
                if units > 0:
                    rows.append([r, k, t, units])
    return rows


def provenance(data: Path) -> list[list[Value]]:
    """One row per data row of every CSV: file, line, first cell, source keys, weakest label."""
    labels = {r["source_key"]: r["label"] for r in read(data, "sources")}
    rows: list[list[Value]] = []
    for path in sorted(data.glob("*.csv")):
        if path.stem in ("sources", "about"):
            continue
        table = read(data, path.stem)
        if not table or "source" not in table[0]:
            continue
        first = next(iter(table[0]))
        for line, r in enumerate(table, start=2):
            keys = [k for k in r["source"].split(";") if k]
            label = max((labels[k] for k in keys), key=LABEL_RANK.__getitem__, default="")
            note = value(r.get("note", ""))
            rows.append([path.name, line, r[first], ";".join(keys), label, note])
    return rows


def assemble(
    data: Path, sheets: dict[str, list[str]], built: dict[str, list[list[Value]]]
) -> Sheets:
    """Every sheet as (header, rows): the input sheets (``built`` or copied), then About,
    Sources and Provenance."""
    out: Sheets = {}
    for name, cols in sheets.items():
        rows = built[name] if name in built else project(read(data, DIRECT[name]), cols)
        out[name] = (cols, rows)
    out["Sources"] = (SOURCE_COLUMNS, project(read(data, "sources"), SOURCE_COLUMNS))
    out["Provenance"] = (["file", "line", "row", "source", "label", "note"], provenance(data))
    counts = ", ".join(f"{n} {len(out[n][1])}" for n in sheets if out[n][1])
    about: list[list[Value]] = [
        *project(read(data, "about"), ["topic", "text"]),
        ["data rows", counts],
    ]
    out["About"] = (["topic", "text"], about)
    return out


def workbook_bytes(sheets: Sheets, order: Sequence[str], creator: str, title: str) -> bytes:
    """The workbook's bytes: the sheets in ``order``, bold frozen headers, fixed timestamps."""
    return input_workbook_bytes(
        {name: sheets[name] for name in order},
        creator=creator,
        title=title,
        styled_header=True,
        stamp=STAMP,
    )


def main_for(
    module: str, default_out: Path, build: Callable[[Path], None], argv: Sequence[str] | None
) -> int:
    """The command line of a builder: ``python -m <module> [OUT_PATH]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(f"usage: python -m {module} [OUT_PATH]", file=sys.stderr)
        return 2
    out = Path(args[0]) if args else default_out
    build(out)
    print(f"wrote {out}")
    return 0
