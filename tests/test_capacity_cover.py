"""The capacity_cover cuts (planner/model/cuts.py): a hard min_units policy that the capacity
on hand cannot meet needs enough options online, and with capacities in whole multiples the
relaxation learns to count them.

The case: three plants, each with an option OPEN<i> adding 10 CAR units for $100 (one year,
no discounting); 25 CAR of demand at a margin of 110 − 10 (freight) = 100 $/unit; a hard
min_units of 25 CAR. Every plan must open all three: NPV 2,500 − 300 = 2,200. The contract
relaxation opens 2.5 (2,500 − 250 = 2,250); the rounded cover Σ z ≥ ⌈25/10⌉ = 3 closes it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from test_strengthen import new_plant_case, relaxation_value
from workbooks import write

from planner.model.build import build_model
from planner.model.lp import LPArrays
from planner.read.load import load_workbook_cases
from planner.solve import solve
from planner.solve.highs_model import new_highs
from planner.solve.result import Status
from planner.solve.strengthen import separate

PLANTS = ("P1", "P2", "P3")


def three_plants(
    mode: str = "hard", existing_car: float = 0.0, capex: float = 100.0
) -> dict[str, list[dict[str, object]]]:
    """test_strengthen's new-plant case (CAR at 110, freight 10, a TRUCK line at P1) with three
    plants, an option OPEN<i> at each and 25 CAR of demand under a min_units of 25."""
    sheets = new_plant_case()
    option = sheets["RetoolOptions"][0] | {"capacity_added": 10, "capex": capex}
    policy: dict[str, object] = {
        "policy_id": "MIN",
        "kind": "min_units",
        "value": 25,
        "products": "CAR",
        "mode": mode,
    }
    if mode == "soft":
        policy["penalty"] = 10
    sheets |= {
        "Plants": [
            {"plant_id": p, "country": "US", "lat": 40.0 + i, "lon": -85.0 - i}
            for i, p in enumerate(PLANTS)
        ],
        "RetoolOptions": [option | {"option_id": f"OPEN{p}", "plant_id": p} for p in PLANTS],
        "Freight": [{"plant_id": p, "region_id": "R1", "cost_per_unit": 10} for p in PLANTS],
        "Policies": [policy],
    }
    if existing_car:
        sheets["PlantLines"].append(
            {"plant_id": "P1", "line_type": "UNIBODY", "capacity": existing_car}
        )
    sheets["Demand"][0]["units"] = 25
    return sheets


def cover(lp: LPArrays, name: str) -> tuple[list[float], float]:
    """The cut's coefficients on the z columns, in plant order, and its right-hand side."""
    assert lp.cuts is not None
    row = lp.cuts.matrix[lp.cuts.names.index(name)].toarray().ravel()
    z = [lp.col_names.index(f"z[OPEN{p},2030]") for p in PLANTS]
    return [float(row[j]) for j in z], float(lp.cuts.upper[lp.cuts.names.index(name)])


def model(tmp_path: Path, **changes: object) -> LPArrays:
    path = write(tmp_path / "three.xlsx", three_plants(**changes))  # type: ignore[arg-type]
    return build_model(load_workbook_cases(path).cases[0]).lp


def test_the_rounded_cover_makes_the_relaxation_count_plants(tmp_path: Path) -> None:
    lp = model(tmp_path)
    assert cover(lp, "capacity_cover[MIN,2030]") == ([-10.0] * 3, pytest.approx(-25.0))
    assert cover(lp, "capacity_cover_rounded[MIN,2030]") == ([-1.0] * 3, -3.0)
    assert relaxation_value(lp) == pytest.approx(2250.0)
    assert lp.cuts is not None
    root = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    assert root is not None and root.bound == pytest.approx(2200.0)
    assert "capacity_cover_rounded[MIN,2030]" in root.cut_names
    result = solve(lp, "highs", time_limit=60, mip_gap=0.0)
    assert result.status is Status.OPTIMAL and result.values is not None
    assert result.objective == pytest.approx(2200.0)
    assert result.bound == pytest.approx(2200.0)


def test_capacity_on_hand_counts_against_the_cover(tmp_path: Path) -> None:
    """10 CAR units already at P1: 15 short, so two options (NPV 2,500 − 200 = 2,300; the
    contract relaxation 2,350 with 1.5 of them)."""
    lp = model(tmp_path, existing_car=10.0)
    assert cover(lp, "capacity_cover[MIN,2030]") == ([-10.0] * 3, pytest.approx(-15.0))
    assert cover(lp, "capacity_cover_rounded[MIN,2030]") == ([-1.0] * 3, -2.0)
    assert relaxation_value(lp) == pytest.approx(2350.0)
    assert lp.cuts is not None
    root = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    assert root is not None and root.bound == pytest.approx(2300.0)
    result = solve(lp, "highs", time_limit=60, mip_gap=0.0)
    assert result.status is Status.OPTIMAL and result.objective == pytest.approx(2300.0)


def test_no_cover_where_the_capacity_on_hand_meets_the_minimum(tmp_path: Path) -> None:
    lp = model(tmp_path, existing_car=30.0)
    assert lp.cuts is not None
    assert not [n for n in lp.cuts.names if n.startswith("capacity_cover")]


def test_no_cover_where_the_capacity_on_hand_meets_it_but_for_float_rounding(
    tmp_path: Path,
) -> None:
    """2000.1 + 1500.3 < 3500.4 in floats: the lines on hand meet the minimum, and no cover
    may say "build one more" (it did: the optimum 350,040 became 349,840)."""
    sheets = three_plants(capex=1200.0)
    sheets["PlantLines"] += [
        {"plant_id": "P1", "line_type": "UNIBODY", "capacity": 2000.1},
        {"plant_id": "P2", "line_type": "UNIBODY", "capacity": 1500.3},
    ]
    sheets["Policies"][0]["value"] = 3500.4
    sheets["Demand"][0]["units"] = 5000
    assert 2000.1 + 1500.3 < 3500.4
    lp = build_model(load_workbook_cases(write(tmp_path / "f.xlsx", sheets)).cases[0]).lp
    assert lp.cuts is not None
    assert not [n for n in lp.cuts.names if n.startswith("capacity_cover")]
    result = solve(lp, "highs", time_limit=60, mip_gap=0.0)
    assert result.status is Status.OPTIMAL and result.objective == pytest.approx(350040.0)


def test_no_cover_for_a_soft_minimum_nor_one_the_diagnosis_softens(tmp_path: Path) -> None:
    """At $1,200 an option loses 200 on its own 10 units, so with the minimum soft at 10 $ a
    missing unit the optimum opens nothing: −25 × 10 = −250 (one plant: 1,000 − 1,200 − 150;
    all three, as the hard minimum forces: 2,500 − 3,600 = −1,100). A cover would cut that
    plan off; neither a soft policy nor the §2.7 diagnosis's softened one may have one."""
    soft = model(tmp_path, mode="soft", capex=1200.0)
    assert soft.cuts is not None
    assert not [n for n in soft.cuts.names if n.startswith("capacity_cover")]
    result = solve(soft, "highs", time_limit=60, mip_gap=0.0)
    assert result.status is Status.OPTIMAL and result.objective == pytest.approx(-250.0)
    path = write(tmp_path / "hard.xlsx", three_plants(capex=1200.0))
    case = load_workbook_cases(path).cases[0]
    hard = build_model(case).lp
    assert solve(hard, "highs", time_limit=60, mip_gap=0.0).objective == pytest.approx(-1100.0)
    softened = build_model(case, forced_penalties={"MIN": 10.0}).lp
    assert softened.cuts is not None
    assert not [n for n in softened.cuts.names if n.startswith("capacity_cover")]
    result = solve(softened, "highs", time_limit=60, mip_gap=0.0)
    assert result.status is Status.OPTIMAL and result.objective == pytest.approx(-250.0)
