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
    """Incumbents by national 2025 units, kei by the small-car market x take rate; both split
    by each region's sales share (`common.demand_rows` has the formulas)."""
    p = {r["key"]: float(r["value"]) for r in read("demand_params")}
    regions = read("regions")
    share = {r["region_id"]: float(r["sales_share"]) for r in regions}
    ev = {r["region_id"]: float(r["ev_share"]) for r in regions}
    return common.demand_rows(DATA, share, ev, p["small_car_market"] * p["kei_take_rate"])


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
