"""Policies scoped by building plant (Policies.plants).

Hand case (`two_states`): ρ = 0, one year. P1 (state OH) and P2 (state MI) each hold 100
units of UNIBODY; CAR sells 100 in R1 at 20,000, freight 10 on both lanes. P2 builds for
cost_index 0.9: margin 20,000 − 13,500 − 10 = 6,490 against P1's 4,990. Free: P2 builds all
100: NPV = 649,000.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from solving import solve_sheets
from test_validate import assert_found, load_problems, load_warnings
from workbooks import Sheets, tiny


def two_states(*policies: dict[str, Any]) -> Sheets:
    sheets = tiny()
    sheets["Plants"] = [
        {"plant_id": "P1", "country": "US", "state": "OH", "lat": 40.0, "lon": -83.0},
        {
            "plant_id": "P2",
            "country": "US",
            "state": "MI",
            "lat": 42.0,
            "lon": -84.0,
            "cost_index": 0.9,
        },
    ]
    sheets["PlantLines"] = [
        {"plant_id": p, "line_type": "UNIBODY", "capacity": 100} for p in ("P1", "P2")
    ]
    sheets["Demand"] = [{"region_id": "R1", "product_id": "CAR", "year": 2030, "units": 100}]
    sheets["Freight"] = [
        {"plant_id": p, "region_id": "R1", "cost_per_unit": 10} for p in ("P1", "P2")
    ]
    sheets["Policies"] = [
        {"policy_id": None, "kind": None, "value": None, "plants": None} | p for p in policies
    ]
    return sheets


def built(outcome: Any) -> dict[str, float]:
    units: dict[str, float] = {}
    for row in outcome.results.production:
        units[row.plant_id] = units.get(row.plant_id, 0.0) + row.units
    return units


def test_free_case_builds_at_the_cheaper_plant(tmp_path: Path) -> None:
    outcome = solve_sheets(tmp_path, two_states())
    assert built(outcome) == {"P2": pytest.approx(100)}
    assert outcome.results.npv == pytest.approx(649_000)


def test_plant_scoped_min_units_forces_production_into_one_state(tmp_path: Path) -> None:
    """At least 60 from Ohio plants: P1 builds 60, P2 the other 40:
    NPV = 60 · 4,990 + 40 · 6,490 = 559,000."""
    policy = {"policy_id": "OHIO", "kind": "min_units", "value": 60, "plants": "state:OH"}
    outcome = solve_sheets(tmp_path, two_states(policy))
    assert built(outcome) == {"P1": pytest.approx(60), "P2": pytest.approx(40)}
    assert outcome.results.npv == pytest.approx(559_000)
    achieved = [p.achieved for p in outcome.results.policies if p.policy_id == "OHIO"]
    assert achieved == [pytest.approx(60)]


def test_plant_scoped_credit_moves_production(tmp_path: Path) -> None:
    """A credit of 2,000 per unit built at P1 makes its margin 6,990 > 6,490: P1 builds all
    100: NPV = 699,000."""
    policy = {"policy_id": "CR", "kind": "credit_per_unit", "value": 2_000, "plants": "P1"}
    outcome = solve_sheets(tmp_path, two_states(policy))
    assert built(outcome) == {"P1": pytest.approx(100)}
    assert outcome.results.npv == pytest.approx(699_000)


def test_plant_scoped_retool_limit_counts_only_its_plants_options(tmp_path: Path) -> None:
    """KEI (price 12,000, cost 8,000, demand 80) can come from OPT_OH at P1 (margin 3,990:
    319,200 − capex 100,000 = 219,200) or OPT_MI at P2 (cost 7,200, margin 4,790: 383,200 −
    capex 170,000 = 213,200). Free: OPT_OH. max_retools 0 at state:OH leaves OPT_MI:
    NPV = 649,000 + 213,200 = 862,200 (a plant-blind limit would allow neither: 649,000)."""
    sheets = two_states()
    sheets["Products"].append(
        {
            "product_id": "KEI",
            "segment": "kei",
            "powertrain": "ICE",
            "price": 12_000,
            "variable_cost": 8_000,
            "mpg": 50,
        }
    )
    sheets["Compatibility"].append({"line_type": "KEI_LINE", "product_id": "KEI"})
    sheets["Demand"].append({"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 80})
    sheets["RetoolOptions"] = [
        {
            "option_id": o,
            "plant_id": p,
            "to_line_type": "KEI_LINE",
            "capacity_added": 80,
            "capex": c,
            "lead_time_years": 0,
        }
        for o, p, c in (("OPT_OH", "P1", 100_000), ("OPT_MI", "P2", 170_000))
    ]
    free = solve_sheets(tmp_path, sheets)
    assert [r.option_id for r in free.results.retools if r.taken] == ["OPT_OH"]
    assert free.results.npv == pytest.approx(649_000 + 219_200)
    sheets["Policies"] = [
        {"policy_id": "NO_OH", "kind": "max_retools", "value": 0, "plants": "state:OH"}
    ]
    outcome = solve_sheets(tmp_path, sheets)
    assert [r.option_id for r in outcome.results.retools if r.taken] == ["OPT_MI"]
    assert outcome.results.npv == pytest.approx(649_000 + 213_200)


@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        ({"kind": "min_units", "plants": "state:TX"}, "selector token 'state:TX' names nothing"),
        ({"kind": "min_units", "plants": "P9"}, "selector token 'P9' names nothing"),
        ({"kind": "min_units", "plants": "city:Akron"}, "unknown prefix"),
        (
            {"kind": "domestic_share_min", "value": 0.5, "plants": "P1"},
            "must be empty for domestic_share_min",
        ),
    ],
)
def test_bad_plants_selectors_are_errors_naming_the_cell(
    tmp_path: Path, policy: dict[str, Any], fragment: str
) -> None:
    sheets = two_states({"policy_id": "X", "value": 10} | policy)
    assert_found(load_problems(tmp_path, sheets), "Policies!K2", "plants", fragment)


def test_a_scope_with_no_plant_left_is_a_warning(tmp_path: Path) -> None:
    sheets = two_states(
        {"policy_id": "X", "kind": "min_units", "value": 0, "origin": "import", "plants": "P1"}
    )
    assert_found(load_warnings(tmp_path, sheets), "Policies!K2", "plants", "no selected plant")
