"""Build the US kei sample case (inputs/us_kei.xlsx) from the CSV tables in ``data/``.

    python -m planner.sample.build_us_kei [OUT_PATH]

The CSVs keep every figure with its source key; the builder writes only the contract columns
to the contract sheets, moves the keys to the ``Sources`` and ``Provenance`` sheets, expands
retool classes into options, and derives Demand rows (method in ``data/demand_*.csv``,
``kei_*.csv`` and the README). The output is byte-for-byte reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.sample import common
from planner.sample.common import SHEETS, Row, Sheets, Value
from planner.write.input_workbook import write_atomic

DATA = Path(__file__).with_name("data")
DEFAULT_OUT = Path("inputs/us_kei.xlsx")

__all__ = ["DATA", "SHEETS", "build_workbook", "demand", "main", "sheet_rows"]


def read(name: str) -> list[Row]:
    """Rows of ``data/<name>.csv`` as dicts of stripped text."""
    return common.read(DATA, name)


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


def sheet_rows() -> Sheets:
    """Every sheet of the workbook as (header, rows)."""
    built = {
        "Plants": common.plants(DATA, SHEETS["Plants"]),
        "RetoolOptions": common.retool_options(DATA, SHEETS["RetoolOptions"]),
        "Demand": demand(),
        "Freight": [],
    }
    return common.assemble(DATA, SHEETS, built)


def build_workbook(out_path: Path) -> None:
    """Write the sample workbook to ``out_path`` (atomically: temp file, then rename)."""
    order = ["About", *SHEETS, "Sources", "Provenance"]
    data = common.workbook_bytes(
        sheet_rows(), order, "planner.sample.build_us_kei", "US kei retooling sample case"
    )
    write_atomic(Path(out_path), data)


def main(argv: Sequence[str] | None = None) -> int:
    return common.main_for("planner.sample.build_us_kei", DEFAULT_OUT, build_workbook, argv)


if __name__ == "__main__":
    raise SystemExit(main())
