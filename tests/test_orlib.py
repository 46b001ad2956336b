"""OR-Library capacitated warehouse location benchmarks (tests/data/orlib-cap).

Each instance is written as a planner workbook whose optimum NPV is minus the
published multi-source optimum. The CLI tests run the planner on it; the direct
tests solve the instance independently of the planner (scipy/HiGHS), both from the
parsed file (parser check) and from the written workbook (writer check).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from openpyxl import load_workbook
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, kron
from scipy.sparse import eye as speye

from planner.bench.orlib import (
    CapInstance,
    OptimumRow,
    expected_token_count,
    load_optimum_instance,
    read_cap_instance,
    read_optima,
    write_cap_workbook,
)

DATA = Path(__file__).parent / "data" / "orlib-cap"
SMALL = [f"cap{k}{v}" for k in range(4, 14) for v in range(1, 5) if k != 5] + ["cap51"]
CLI_INSTANCES = [
    "cap41", "cap51", "cap61", "cap71", "cap81",
    "cap91", "cap101", "cap111", "cap121", "cap131",
]  # fmt: skip
REL = 1e-6


@pytest.fixture(scope="module")
def optima() -> dict[str, OptimumRow]:
    return {row.instance: row for row in read_optima(DATA / "optima.csv")}


def _instance(optima: dict[str, OptimumRow], name: str) -> CapInstance:
    return load_optimum_instance(optima[name], DATA)


# --------------------------------------------------------------------------
# Parser


def test_read_optima(optima: dict[str, OptimumRow]) -> None:
    assert len(optima) == 49
    assert optima["cap41"] == OptimumRow("cap41", "cap41.txt", None, 1040444.375)
    assert optima["capa-8000"].capacity == 8000.0
    assert optima["capc-7250"].optimal_value == 11505767.394
    single = read_optima(DATA / "optima_single_source.csv")
    assert len(single) == 36


@pytest.mark.parametrize("name", SMALL)
def test_parse_small(name: str) -> None:
    inst = read_cap_instance(DATA / f"{name}.txt")
    assert inst.name == name
    assert inst.m in (16, 25, 50) and inst.n == 50
    assert inst.costs.shape == (inst.m, inst.n)
    assert inst.total_demand == 58268.0
    assert (inst.fixed_costs == 0).sum() == 1  # one free warehouse per file


def test_parse_capa_with_capacity_from_optima(optima: dict[str, OptimumRow]) -> None:
    row = optima["capa-8000"]
    tokens = (DATA / row.file).read_text().split()
    assert len(tokens) == expected_token_count(100, 1000) == 101202
    assert tokens.count("capacity") == 100
    inst = load_optimum_instance(row, DATA)
    assert inst.name == "capa-8000"
    assert (inst.m, inst.n) == (100, 1000)
    assert inst.costs.shape == (100, 1000)
    assert np.all(inst.capacities == 8000.0)
    assert inst.fixed_costs[0] == 2141200.0
    assert inst.total_demand == 50886.0
    assert not inst.costs.flags.writeable


def test_capacity_word_needs_a_value() -> None:
    with pytest.raises(ValueError, match="capacity"):
        read_cap_instance(DATA / "capb.txt")


def test_parse_number_forms_and_wrapping(tmp_path: Path) -> None:
    text = " 2 3 \n capacity 7500. \n capacity .00000 \n 10 \n 1.5 \n .5\n 0 2. 3.\n 4 5 6.25\n"
    path = tmp_path / "tiny.txt"
    path.write_text(text)
    inst = read_cap_instance(path, capacity=12.0)
    assert inst.capacities.tolist() == [12.0, 12.0]
    assert inst.fixed_costs.tolist() == [7500.0, 0.0]
    assert inst.demands.tolist() == [10.0, 0.0, 4.0]
    assert inst.costs.tolist() == [[1.5, 2.0, 5.0], [0.5, 3.0, 6.25]]
    assert inst.unit_costs().tolist() == [[0.15, 0.0, 1.25], [0.05, 0.0, 1.5625]]


def test_parse_rejects_wrong_token_count(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("1 1\n5 5\n1 2 3\n")
    with pytest.raises(ValueError, match="tokens"):
        read_cap_instance(path)


# --------------------------------------------------------------------------
# Workbook


Records = list[dict[str, object]]


def _read_workbook(path: Path) -> dict[str, Records]:
    """Every sheet as a list of {column: value} records (row 1 = column names)."""
    wb = load_workbook(path, read_only=True)
    sheets: dict[str, Records] = {}
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        pad = (None,) * len(header)
        sheets[ws.title] = [dict(zip(header, (*r, *pad), strict=False)) for r in rows]
    wb.close()
    return sheets


def test_workbook_layout(tmp_path: Path, optima: dict[str, OptimumRow]) -> None:
    inst = _instance(optima, "cap41")
    wb_path = tmp_path / "cap41.xlsx"
    write_cap_workbook(inst, wb_path)
    sheets = _read_workbook(wb_path)
    assert list(sheets) == [
        "Settings", "Plants", "PlantLines", "Products", "Compatibility",
        "RetoolOptions", "Regions", "Demand", "Freight", "Policies",
    ]  # fmt: skip
    settings = {r["key"]: r["value"] for r in sheets["Settings"]}
    assert settings == {
        "first_year": 2030, "last_year": 2030, "discount_rate": 0,
        "terminal_years": 0, "mip_gap": 0,
    }  # fmt: skip
    assert sheets["PlantLines"] == []
    plants = sheets["Plants"]
    assert len(plants) == 16 and all(p["lat"] is None and p["lon"] is None for p in plants)
    assert len(sheets["Regions"]) == 50
    assert len(sheets["Freight"]) == 16 * 50
    (policy,) = sheets["Policies"]
    assert (policy["kind"], policy["value"], policy["mode"]) == ("min_units", 58268, "hard")
    options = sheets["RetoolOptions"]
    assert {o["from_line_type"] for o in options} == {None}
    assert {o["to_line_type"] for o in options} == {"WH"}


def test_workbook_freight_precision(tmp_path: Path, optima: dict[str, OptimumRow]) -> None:
    inst = _instance(optima, "cap131")
    wb_path = tmp_path / "cap131.xlsx"
    write_cap_workbook(inst, wb_path)
    sheets = _read_workbook(wb_path)
    got = np.array([_num(r["cost_per_unit"]) for r in sheets["Freight"]])
    # openpyxl writes 16 significant digits
    np.testing.assert_allclose(got, inst.unit_costs().ravel(), rtol=1e-15, atol=0)


def test_zero_demand_customer(tmp_path: Path) -> None:
    inst = CapInstance(
        name="zero",
        capacities=np.array([10.0, 10.0]),
        fixed_costs=np.array([5.0, 0.0]),
        demands=np.array([4.0, 0.0, 6.0]),
        costs=np.array([[4.0, 9.0, 6.0], [8.0, 1.0, 30.0]]),
    )
    wb_path = tmp_path / "zero.xlsx"
    write_cap_workbook(inst, wb_path)
    sheets = _read_workbook(wb_path)
    freight = [_num(r["cost_per_unit"]) for r in sheets["Freight"]]
    assert freight == [1.0, 0.0, 1.0, 2.0, 0.0, 5.0]
    # open W1 (5), W1 serves C1 (4) and C3 (6); C2 has nothing to serve
    assert _solve_workbook(wb_path)[0] == pytest.approx(-15.0)


# --------------------------------------------------------------------------
# Independent solves (no planner code involved)


@dataclass(frozen=True)
class _Model:
    cost: NDArray[np.float64]
    integrality: NDArray[np.int_]
    upper: NDArray[np.float64]
    constraints: list[LinearConstraint]


def _milp(model: _Model) -> tuple[float, float]:
    start = time.perf_counter()
    res = milp(
        model.cost,
        integrality=model.integrality,
        bounds=Bounds(np.zeros_like(model.upper), model.upper),
        constraints=model.constraints,
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(res.fun), time.perf_counter() - start


def _columns(m: int, n: int) -> tuple[csr_array, csr_array]:
    """Row operators on the flow vector f (index i*n + j): sum over i, sum over j."""
    per_customer = csr_array(kron(np.ones((1, m)), speye(n)))
    per_warehouse = csr_array(kron(speye(m), np.ones((1, n))))
    return per_customer, per_warehouse


def _solve_textbook(inst: CapInstance) -> tuple[float, float]:
    """README formulation: min f.y + c.x, sum_i x_ij = 1, sum_j d_j x_ij <= s_i y_i."""
    m, n = inst.m, inst.n
    per_customer, _ = _columns(m, n)
    demand_rows = csr_array(kron(speye(m), inst.demands.reshape(1, n)))
    assign = hstack([csr_array((n, m)), per_customer])
    capacity = hstack([csr_array(np.diag(-inst.capacities)), demand_rows])
    model = _Model(
        cost=np.concatenate([inst.fixed_costs, inst.costs.ravel()]),
        integrality=np.concatenate([np.ones(m, dtype=int), np.zeros(m * n, dtype=int)]),
        upper=np.ones(m + m * n),
        constraints=[
            LinearConstraint(assign, 1.0, 1.0),
            LinearConstraint(capacity, -np.inf, 0.0),
        ],
    )
    return _milp(model)


def _num(value: object) -> float:
    assert isinstance(value, int | float), value
    return float(value)


def _solve_workbook(path: Path) -> tuple[float, float]:
    """docs/contract.md §2 restricted to what the workbook holds; returns (NPV, seconds).

    z_o binary per option, s_pr >= 0 units; sum_p s_pr <= D_r;
    sum_r s_pr <= capacity_added_o z_o; sum s >= min_units; NPV = -capex.z - phi.s.
    """
    sheets = _read_workbook(path)
    options = sheets["RetoolOptions"]
    plants = [str(o["plant_id"]) for o in options]
    demand = {str(r["region_id"]): _num(r["units"]) for r in sheets["Demand"]}
    lane = {(str(r["plant_id"]), str(r["region_id"])): _num(r["cost_per_unit"])
            for r in sheets["Freight"]}  # fmt: skip
    phi = np.array([[lane[p, r] for r in demand] for p in plants])
    (policy,) = sheets["Policies"]
    m, n = phi.shape
    per_region, per_plant = _columns(m, n)
    caps = np.array([_num(o["capacity_added"]) for o in options])
    capex = np.array([_num(o["capex"]) for o in options])
    total_row = np.concatenate([np.zeros(m), np.ones(m * n)]).reshape(1, -1)
    model = _Model(
        cost=np.concatenate([capex, phi.ravel()]),
        integrality=np.concatenate([np.ones(m, dtype=int), np.zeros(m * n, dtype=int)]),
        upper=np.concatenate([np.ones(m), np.full(m * n, np.inf)]),
        constraints=[
            LinearConstraint(
                hstack([csr_array((n, m)), per_region]), -np.inf, list(demand.values())
            ),
            LinearConstraint(hstack([csr_array(np.diag(-caps)), per_plant]), -np.inf, 0.0),
            LinearConstraint(total_row, _num(policy["value"]), np.inf),
        ],
    )
    cost, seconds = _milp(model)
    return -cost, seconds


@pytest.mark.parametrize("name", [*CLI_INSTANCES, "cap64", "cap94", "cap124"])
def test_direct_textbook_matches_published_optimum(
    name: str, optima: dict[str, OptimumRow]
) -> None:
    value, _ = _solve_textbook(_instance(optima, name))
    assert value == pytest.approx(optima[name].optimal_value, rel=1e-9, abs=1e-3)


@pytest.mark.parametrize("name", ["cap41", "cap81", "cap111", "cap131"])
def test_direct_workbook_matches_published_optimum(
    name: str, tmp_path: Path, optima: dict[str, OptimumRow]
) -> None:
    wb_path = tmp_path / f"{name}.xlsx"
    write_cap_workbook(_instance(optima, name), wb_path)
    npv, _ = _solve_workbook(wb_path)
    assert npv == pytest.approx(-optima[name].optimal_value, rel=1e-9, abs=1e-3)


# --------------------------------------------------------------------------
# The planner itself


@pytest.mark.parametrize("name", CLI_INSTANCES)
def test_cli_matches_published_optimum(
    name: str, tmp_path: Path, optima: dict[str, OptimumRow]
) -> None:
    from planner.app.cli import main

    wb_path = tmp_path / f"{name}.xlsx"
    write_cap_workbook(_instance(optima, name), wb_path)
    out = tmp_path / "out"
    code = main(["run", str(wb_path), "--out", str(out), "--mip-gap", "0", "--quiet"])
    assert code == 0
    summary = json.loads((out / wb_path.stem / "base.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["npv"] == pytest.approx(-optima[name].optimal_value, rel=REL)
