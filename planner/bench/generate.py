"""Seeded contract workbooks of growing size for the benchmark (small → national).

    python -m planner.bench.generate SIZE OUT.xlsx

The data are made to be economically sensible, so the solver has real decisions to make:
- existing lines run near full (trucks 95 %, unibody 85 % of capacity) while EV demand exceeds
  EV capacity by a third and kei demand (ramping up from zero) has no domestic line at all:
  converting a line to kei gives up part of a profitable incumbent, a new line costs more;
- Japanese kei plants can import without capex but pay ocean freight and a 15 % tariff, and a
  hard domestic-share rule caps them; Mexican plants are cheaper but pay 12.5 %;
- every policy kind is present, hard and soft, some with year windows, and the hard ones
  hold at zero sales or at what existing capacity can make, so every case is feasible.
Same size → same data (numpy's seeded generator), and the same bytes (fixed timestamps).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from planner.bench.gen_market import demand_rows, freight_rows, tariff_rows
from planner.bench.gen_options import option_rows
from planner.bench.gen_policies import plan_policies, sales_policies, settings_rows
from planner.bench.gen_world import (
    COMPATIBLE,
    SIZES,
    STAMP,
    Generated,
    Rows,
    SizeSpec,
    make_plants,
    make_products,
    make_regions,
)
from planner.contract.schema import SCENARIO_SHEETS, SHEETS
from planner.write.input_workbook import input_workbook_bytes

__all__ = ["SIZES", "Generated", "SizeSpec", "generate", "workbook_bytes", "write_workbook"]

# ---------------------------------------------------------------------------------------------
# Assembly


HEADERS: dict[str, list[str]] = {  # every input sheet but the scenario ones and Decisions
    schema.name: list(schema.column_names)
    for schema in SHEETS
    if schema.name not in (*SCENARIO_SHEETS, "Decisions")
}


def _plant_rows(gen: Generated) -> tuple[Rows, Rows]:
    plants: Rows = []
    lines: Rows = []
    for p in gen.plants:
        lat, lon = (p.lat, p.lon) if p.coordinates else (None, None)
        plants.append(
            [
                p.plant_id,
                f"{p.country} plant {p.plant_id}",
                p.country,
                p.state or None,
                lat,
                lon,
                p.cost_index,
                p.freight_adder,
            ]
        )
        lines.extend([p.plant_id, line, cap] for line, cap in p.lines.items())
    return plants, lines


def generate(spec: SizeSpec) -> Generated:
    """All sheets of one size, as rows (the header is in HEADERS)."""
    rng = np.random.default_rng(spec.seed)
    gen = Generated(spec, make_plants(spec, rng), make_regions(spec, rng), make_products(spec))
    plants, lines = _plant_rows(gen)
    demand = demand_rows(gen, rng)
    options = option_rows(gen, rng)
    gen.sheets = {
        "Settings": settings_rows(gen),
        "Plants": plants,
        "PlantLines": lines,
        "Products": [
            [p.product_id, p.segment, p.powertrain, p.price, p.variable_cost, p.mpg, p.launch_cost]
            for p in gen.products
        ],
        "Compatibility": [
            [line, k] for line, made in COMPATIBLE.items() for k in made if k in gen.product_ids
        ],
        "RetoolOptions": options,
        "Regions": [
            [
                r.region_id,
                f"{r.country} region {r.region_id}",
                r.country,
                r.lat,
                r.lon,
                r.group or None,
            ]
            for r in gen.regions
        ],
        "Demand": demand,
        "Freight": freight_rows(gen, rng),
        "Tariffs": tariff_rows(gen),
        "Policies": sales_policies(gen, demand) + plan_policies(gen, options),
    }
    return gen


def workbook_bytes(gen: Generated) -> bytes:
    return input_workbook_bytes(
        {name: (header, gen.sheets[name]) for name, header in HEADERS.items()},
        creator="planner.bench.generate",
        title=f"benchmark case {gen.spec.name} (seed {gen.spec.seed})",
        write_only=True,
        stamp=STAMP,
    )


def write_workbook(spec: SizeSpec, out: Path) -> Path:
    """Write the workbook of `spec` to `out` (atomically) and return `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".tmp-{out.name}")
    tmp.write_bytes(workbook_bytes(generate(spec)))
    tmp.replace(out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m planner.bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    print(write_workbook(SIZES[args.size], args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
