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
    """Incumbents: Honda's 2025 units by segment, split by Honda's regional weight h_r
    (EVs by h_r x EV share_r, others by h_r x (1 - EV share_r), each normalised).

    Kei variant v in region r, year t:
    ramp_t x small_car_market x take_rate x honda_kei_share x h_r x mix[v, ZEV or other]
    x (P_v / P_ref)^-e.
    """
    p = {r["key"]: float(r["value"]) for r in read("demand_params")}
    products = {r["product_id"]: r for r in read("products")}
    ramp = {int(r["year"]): float(r["ramp"]) for r in read("kei_ramp")}
    group = {r["region_id"]: r["group"] for r in read("regions")}
    ev = {r: m["ev"] for r, m in _merged_regions().items()}
    h = honda_weights()
    w_ev = {r: h[r] * ev[r] for r in h}
    w_ice = {r: h[r] * (1 - ev[r]) for r in h}
    rows: list[list[Value]] = []
    for seg in read("demand_segments"):
        k = seg["product_id"]
        w = w_ev if products[k]["powertrain"] == "EV" else w_ice
        total = sum(w.values())
        for t in sorted(ramp):
            national = float(seg["units_2025"]) * (1 + p["incumbent_growth"]) ** (t - 2025)
            rows += [[r, k, t, round(national * w[r] / total)] for r in h]
    kei_total = p["small_car_market"] * p["kei_take_rate"] * p["honda_kei_share"]
    for mix in read("kei_mix"):
        k = mix["product_id"]
        relative_price = float(products[k]["price"]) / p["kei_reference_price"]
        elastic = relative_price ** -p["kei_price_elasticity"]
        for t in sorted(ramp):
            for r in h:
                m = float(mix["mix_zev"] if group[r] == "ZEV" else mix["mix_other"])
                units = round(ramp[t] * kei_total * h[r] * m * elastic)
                if units > 0:
                    rows.append([r, k, t, units])
    return rows


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
