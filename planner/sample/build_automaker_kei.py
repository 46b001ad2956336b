"""Build the automaker sample case (inputs/automaker_kei.xlsx): Honda's kei question.

    python -m planner.sample.build_automaker_kei [OUT_PATH]

One automaker's own plants (Honda's four US plants, Celaya, Alliston, and Suzuka as the
import alternative), its own US demand by segment and region, its retool options (with
ramp-up), a plan of record (sheet ``Decisions``), an Ohio volume commitment scoped to its
Ohio plants (Policies column ``plants``) and the scenarios an analyst runs. The CSVs in
``data/automaker/`` keep every figure with its source key, as for the US kei case.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.sample import common
from planner.sample.common import Row, Sheets, Value
from planner.write.input_workbook import write_atomic

DATA = Path(__file__).with_name("data") / "automaker"
DEFAULT_OUT = Path("inputs/automaker_kei.xlsx")

# The input sheets with the columns this case uses: the US kei case's, plus RetoolOptions
# `ramp_up`, Policies `plants` and the Decisions sheet (the plan of record).
SHEETS: dict[str, list[str]] = {
    **common.SHEETS,
    "RetoolOptions": [*common.SHEETS["RetoolOptions"], "ramp_up"],
    "Policies": [*common.SHEETS["Policies"], "plants"],
    "Decisions": ["item", "decision", "year", "note"],
}


def read(name: str) -> list[Row]:
    """Rows of ``data/automaker/<name>.csv`` as dicts of stripped text."""
    return common.read(DATA, name)


def _merged_regions() -> dict[str, dict[str, float]]:
    """Each region's sales share, EV share and centroid from the finer regions it merges
    (weighted by sales share)."""
    out: dict[str, dict[str, float]] = {}
    for r in read("regions_fine"):
        s = float(r["sales_share"])
        acc = out.setdefault(r["macro"], {"share": 0.0, "ev": 0.0, "lat": 0.0, "lon": 0.0})
        acc["share"] += s
        acc["ev"] += s * float(r["ev_share"])
        acc["lat"] += s * float(r["lat"])
        acc["lon"] += s * float(r["lon"])
    for acc in out.values():
        for k in ("ev", "lat", "lon"):
            acc[k] /= acc["share"]
    return out


def regions() -> list[list[Value]]:
    merged = _merged_regions()
    return [
        [
            r["region_id"],
            r["name"],
            r["country"],
            round(merged[r["region_id"]]["lat"], 2),
            round(merged[r["region_id"]]["lon"], 2),
            common.value(r["group"]),
        ]
        for r in read("regions")
    ]


def honda_weights() -> dict[str, float]:
    """Share of Honda's US sales in region r: sales_share_r x honda_index_r, normalised."""
    merged = _merged_regions()
    raw = {
        r["region_id"]: merged[r["region_id"]]["share"] * float(r["honda_index"])
        for r in read("regions")
    }
    total = sum(raw.values())
    return {r: w / total for r, w in raw.items()}


def demand() -> list[list[Value]]:
    """Honda's incumbents and its share of kei demand, split by Honda's regional weight h_r
    (`common.demand_rows` has the formulas; kei_total includes honda_kei_share)."""
    p = {r["key"]: float(r["value"]) for r in read("demand_params")}
    ev = {r: m["ev"] for r, m in _merged_regions().items()}
    kei_total = p["small_car_market"] * p["kei_take_rate"] * p["honda_kei_share"]
    return common.demand_rows(DATA, honda_weights(), ev, kei_total)


def sheet_rows() -> Sheets:
    """Every sheet of the workbook as (header, rows)."""
    built = {
        "Plants": common.plants(DATA, SHEETS["Plants"]),
        "RetoolOptions": common.retool_options(DATA, SHEETS["RetoolOptions"]),
        "Regions": regions(),
        "Demand": demand(),
        "Freight": [],
    }
    return common.assemble(DATA, SHEETS, built)


def build_workbook(out_path: Path) -> None:
    """Write the automaker workbook to ``out_path`` (atomically: temp file, then rename)."""
    order = ["About", *SHEETS, "Sources", "Provenance"]
    data = common.workbook_bytes(
        sheet_rows(), order, "planner.sample.build_automaker_kei", "Honda kei sample case"
    )
    write_atomic(Path(out_path), data)


def main(argv: Sequence[str] | None = None) -> int:
    return common.main_for("planner.sample.build_automaker_kei", DEFAULT_OUT, build_workbook, argv)


if __name__ == "__main__":
    raise SystemExit(main())
