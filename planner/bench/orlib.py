"""OR-Library capacitated warehouse location instances (cap41..cap134, capa/b/c).

File format (whitespace-separated tokens; line breaks carry no meaning)::

    m n
    s_i f_i            for each warehouse i: capacity, fixed opening cost
    d_j c_1j .. c_mj   for each customer j: demand, then m allocation costs

``c_ij`` is the cost of serving *all* of customer j's demand from warehouse i.
In capa/capb/capc every capacity is the literal word ``capacity``; the value is
part of the instance name (see ``optima.csv``) and must be supplied.

``write_cap_workbook`` expresses an instance as a planner input workbook (docs/contract.md §1)
whose optimum NPV is minus the published optimum of the multi-source problem.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from planner.write.input_workbook import Table, write_input_workbook

YEAR = 2030
PRODUCT_ID = "P"
LINE_TYPE = "WH"
COUNTRY = "US"
CAPACITY_WORD = "capacity"

Row = Sequence[object]


@dataclass(frozen=True, eq=False)
class CapInstance:
    """One capacitated warehouse location instance (arrays are read-only)."""

    name: str
    capacities: NDArray[np.float64]  # shape (m,)
    fixed_costs: NDArray[np.float64]  # shape (m,)
    demands: NDArray[np.float64]  # shape (n,)
    costs: NDArray[np.float64]  # shape (m, n): cost of serving all of j from i

    @property
    def m(self) -> int:
        return int(self.capacities.shape[0])

    @property
    def n(self) -> int:
        return int(self.demands.shape[0])

    @property
    def total_demand(self) -> float:
        return math.fsum(self.demands.tolist())

    def unit_costs(self) -> NDArray[np.float64]:
        """Cost per unit c_ij / d_j; 0 for customers with no demand."""
        d = self.demands
        safe = np.where(d > 0, d, 1.0)
        return np.where(d > 0, self.costs / safe, 0.0)


@dataclass(frozen=True)
class OptimumRow:
    """One row of optima.csv: an instance and its published optimum."""

    instance: str
    file: str
    capacity: float | None
    optimal_value: float


def expected_token_count(m: int, n: int) -> int:
    return 2 + 2 * m + n * (1 + m)


def _number(token: str, capacity: float | None) -> float:
    if token.lower() == CAPACITY_WORD:
        if capacity is None:
            raise ValueError("file has the word 'capacity': pass capacity=")
        return float(capacity)
    return float(token)


def _frozen(values: NDArray[np.float64]) -> NDArray[np.float64]:
    values.flags.writeable = False
    return values


def _header(tokens: list[str], path: Path) -> tuple[int, int]:
    if len(tokens) < 2:
        raise ValueError(f"{path}: missing 'm n' header")
    m, n = int(tokens[0]), int(tokens[1])
    if m <= 0 or n <= 0:
        raise ValueError(f"{path}: bad sizes m={m} n={n}")
    want = expected_token_count(m, n)
    if len(tokens) != want:
        raise ValueError(f"{path}: {len(tokens)} tokens, expected {want} for m={m} n={n}")
    return m, n


def read_cap_instance(path: Path, capacity: float | None = None) -> CapInstance:
    """Parse an OR-Library cap file; ``capacity`` replaces the word ``capacity``."""
    path = Path(path)
    tokens = path.read_text().split()
    m, n = _header(tokens, path)
    head = tokens[2 : 2 + 2 * m]
    caps = np.array([_number(t, capacity) for t in head[0::2]], dtype=np.float64)
    fixed = np.array([float(t) for t in head[1::2]], dtype=np.float64)
    body = np.array([float(t) for t in tokens[2 + 2 * m :]], dtype=np.float64)
    body = body.reshape(n, m + 1)
    return CapInstance(
        name=path.stem,
        capacities=_frozen(caps),
        fixed_costs=_frozen(fixed),
        demands=_frozen(body[:, 0].copy()),
        costs=_frozen(np.ascontiguousarray(body[:, 1:].T)),
    )


def _optional_float(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def read_optima(path: Path) -> list[OptimumRow]:
    """Read optima.csv (columns instance, file, capacity, optimal_value)."""
    with Path(path).open(newline="") as fh:
        return [
            OptimumRow(
                instance=row["instance"].strip(),
                file=row["file"].strip(),
                capacity=_optional_float(row["capacity"]),
                optimal_value=float(row["optimal_value"]),
            )
            for row in csv.DictReader(fh)
        ]


def load_optimum_instance(row: OptimumRow, data_dir: Path) -> CapInstance:
    """Read the file of an optima.csv row, named after the row's instance."""
    inst = read_cap_instance(Path(data_dir) / row.file, capacity=row.capacity)
    return CapInstance(
        name=row.instance,
        capacities=inst.capacities,
        fixed_costs=inst.fixed_costs,
        demands=inst.demands,
        costs=inst.costs,
    )


# --------------------------------------------------------------------------
# Workbook (docs/contract.md §1)


def plant_id(i: int, m: int) -> str:
    return f"W{i + 1:0{len(str(m))}d}"


def region_id(j: int, n: int) -> str:
    return f"C{j + 1:0{len(str(n))}d}"


def _settings_rows() -> Iterator[Row]:
    yield ("key", "value")
    yield ("first_year", YEAR)
    yield ("last_year", YEAR)
    yield ("discount_rate", 0.0)
    yield ("terminal_years", 0)
    yield ("mip_gap", 0.0)


def _plants_rows(inst: CapInstance) -> Iterator[Row]:
    yield ("plant_id", "name", "country", "lat", "lon")
    for i in range(inst.m):
        yield (plant_id(i, inst.m), f"warehouse {i + 1}", COUNTRY, None, None)


def _plant_lines_rows() -> Iterator[Row]:
    yield ("plant_id", "line_type", "capacity")


def _products_rows() -> Iterator[Row]:
    yield ("product_id", "segment", "powertrain", "price", "variable_cost", "mpg", "launch_cost")
    yield (PRODUCT_ID, "wh", "ICE", 0.0, 0.0, 1.0, 0.0)


def _compatibility_rows() -> Iterator[Row]:
    yield ("line_type", "product_id")
    yield (LINE_TYPE, PRODUCT_ID)


def _retool_rows(inst: CapInstance) -> Iterator[Row]:
    yield (
        "option_id", "plant_id", "from_line_type", "to_line_type", "capacity_added",
        "capacity_removed", "capex", "lead_time_years", "fixed_cost_per_year",
        "earliest_start", "latest_start",
    )  # fmt: skip
    for i in range(inst.m):
        pid = plant_id(i, inst.m)
        cap, capex = float(inst.capacities[i]), float(inst.fixed_costs[i])
        yield (f"open_{pid}", pid, None, LINE_TYPE, cap, None, capex, 0, 0.0, YEAR, YEAR)


def _regions_rows(inst: CapInstance) -> Iterator[Row]:
    yield ("region_id", "name", "country", "lat", "lon", "group")
    for j in range(inst.n):
        yield (region_id(j, inst.n), f"customer {j + 1}", COUNTRY, None, None, None)


def _demand_rows(inst: CapInstance) -> Iterator[Row]:
    yield ("region_id", "product_id", "year", "units")
    for j, units in enumerate(inst.demands.tolist()):
        yield (region_id(j, inst.n), PRODUCT_ID, YEAR, float(units))


def _freight_rows(inst: CapInstance) -> Iterator[Row]:
    yield ("plant_id", "region_id", "cost_per_unit")
    unit = inst.unit_costs().tolist()
    regions = [region_id(j, inst.n) for j in range(inst.n)]
    for i, row in enumerate(unit):
        pid = plant_id(i, inst.m)
        for rid, cost in zip(regions, row, strict=True):
            yield (pid, rid, float(cost))


def _policies_rows(inst: CapInstance) -> Iterator[Row]:
    yield (
        "policy_id", "kind", "value", "products", "regions", "origin",
        "year_from", "year_to", "mode", "penalty",
    )  # fmt: skip
    total = inst.total_demand
    yield ("serve_all_demand", "min_units", total, None, None, "any", None, None, "hard", None)


def _sheets(inst: CapInstance) -> Iterator[tuple[str, Iterator[Row]]]:
    yield "Settings", _settings_rows()
    yield "Plants", _plants_rows(inst)
    yield "PlantLines", _plant_lines_rows()
    yield "Products", _products_rows()
    yield "Compatibility", _compatibility_rows()
    yield "RetoolOptions", _retool_rows(inst)
    yield "Regions", _regions_rows(inst)
    yield "Demand", _demand_rows(inst)
    yield "Freight", _freight_rows(inst)
    yield "Policies", _policies_rows(inst)


def write_cap_workbook(instance: CapInstance, out: Path) -> None:
    """Write ``instance`` as a planner workbook; its optimum NPV is -(optimum).

    One year, one product, one warehouse = one plant with a "new line" retool
    option (capex = fixed cost, capacity_added = capacity), one customer = one
    region, every lane in Freight at c_ij / d_j per unit, and a hard min_units
    policy equal to total demand so that all demand must be served.
    """
    sheets: dict[str, Table] = {}
    for title, rows in _sheets(instance):
        header, *body = rows
        sheets[title] = ([str(h) for h in header], body)
    write_input_workbook(Path(out), sheets, write_only=True)
