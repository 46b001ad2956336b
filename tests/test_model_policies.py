"""Every policy kind of docs/contract.md §1, hard and soft, on hand-solved cases, on every solver.

The sales world: plants US1 (US) and MX1 (MX, cost index 0.8), 100 units each of a FLEX line
building GAS (ICE, 25 mpg, price 20,000, cost 15,000) and BEV (EV, 100 mpge, price 30,000, cost
28,000); one US region R1 with demand 150 of each; freight 0; no tariff; one year, no discount.
Unit margins: US GAS 5,000, US BEV 2,000, MX GAS 8,000, MX BEV 7,600.
Unconstrained: GAS demand (150) is scarce; the US has the larger GAS advantage (3,000 vs 400),
so US GAS 100, MX GAS 50, MX BEV 50: NPV 1,280,000 (EV share 0.25, domestic share 0.5).

The plan world (for budget kinds): `three_years()` of test_model_families (CAR on UNIBODY earns
300,000 over 2030–32) plus new KEI lines NEWA (50 units, capex 10,000, start 2030 only) and NEWB
(50 units, capex 20,000, start 2030–2032), lead 0, KEI earns 3,000/unit with ample demand.
Unconstrained: both in 2030: 300,000 + 3 · 100 · 3,000 − 30,000 = 1,170,000.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from solving import SOLVERS, assert_refused, expected_status, npv_of, solve_sheets, tolerance
from test_model_families import three_years
from workbooks import Sheets, settings, with_rows


def sales_world() -> Sheets:
    return {
        "Settings": settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0),
        "Plants": [
            {"plant_id": "US1", "country": "US", "lat": 40.0, "lon": -85.0},
            {"plant_id": "MX1", "country": "MX", "lat": 20.0, "lon": -100.0, "cost_index": 0.8},
        ],
        "PlantLines": [
            {"plant_id": "US1", "line_type": "FLEX", "capacity": 100},
            {"plant_id": "MX1", "line_type": "FLEX", "capacity": 100},
        ],
        "Products": [
            {
                "product_id": "GAS",
                "segment": "car",
                "powertrain": "ICE",
                "price": 20000,
                "variable_cost": 15000,
                "mpg": 25,
            },
            {
                "product_id": "BEV",
                "segment": "car",
                "powertrain": "EV",
                "price": 30000,
                "variable_cost": 28000,
                "mpg": 100,
            },
        ],
        "Compatibility": [
            {"line_type": "FLEX", "product_id": "GAS"},
            {"line_type": "FLEX", "product_id": "BEV"},
        ],
        "Regions": [
            {"region_id": "R1", "country": "US", "lat": 41.0, "lon": -87.0, "group": "ZEV"}
        ],
        "Demand": [
            {"region_id": "R1", "product_id": "GAS", "year": 2030, "units": 150},
            {"region_id": "R1", "product_id": "BEV", "year": 2030, "units": 150},
        ],
        "Freight": [
            {"plant_id": "US1", "region_id": "R1", "cost_per_unit": 0},
            {"plant_id": "MX1", "region_id": "R1", "cost_per_unit": 0},
        ],
    }


def plan_world() -> Sheets:
    return with_rows(
        three_years(),
        "RetoolOptions",
        {
            "option_id": "NEWA",
            "plant_id": "P1",
            "to_line_type": "KEI",
            "capacity_added": 50,
            "capex": 10000,
            "lead_time_years": 0,
            "earliest_start": 2030,
            "latest_start": 2030,
        },
        {
            "option_id": "NEWB",
            "plant_id": "P1",
            "to_line_type": "KEI",
            "capacity_added": 50,
            "capex": 20000,
            "lead_time_years": 0,
        },
    )


def policy(policy_id: str, kind: str, value: float, **extra: Any) -> dict[str, Any]:
    return {"policy_id": policy_id, "kind": kind, "value": value, **extra}


# name: (world, policy row, expected NPV, expected total violation)
CASES: dict[str, tuple[Any, dict[str, Any], float, float]] = {
    # US sells at most 100, so MX at most 100/3: 500,000 + 33.33 · 8,000.
    "domestic_share_min_hard": (
        sales_world,
        policy("DOM", "domestic_share_min", 0.75),
        500_000 + 8000 * 100 / 3,
        0.0,
    ),
    # Each MX unit adds 0.75 of shortfall at 1,000: cheaper than its 7,600+ margin, so the
    # unconstrained plan stays: shortfall 0.75 · 200 − 100 = 50 vehicles, 50,000.
    "domestic_share_min_soft": (
        sales_world,
        policy("DOM", "domestic_share_min", 0.75, mode="soft", penalty=1000),
        1_230_000,
        50.0,
    ),
    # EV ≥ non-EV: with x MX GAS and g US GAS, x + g ≤ 100; NPV = 960,000 + 400x + 3,000g:
    # g = 100, x = 0: 1,260,000.
    "ev_share_min_hard": (
        sales_world,
        policy("EVMIN", "ev_share_min", 0.5, regions="group:ZEV"),
        1_260_000,
        0.0,
    ),
    # At 300 per vehicle short, MX GAS (+400 each) is worth it up to GAS demand (x = 50):
    # 960,000 + 20,000 + 300,000 − 300 · 50 = 1,265,000; shortfall 50.
    "ev_share_min_soft": (
        sales_world,
        policy("EVMIN", "ev_share_min", 0.5, mode="soft", penalty=300),
        1_265_000,
        50.0,
    ),
    # EV ≤ 0.2 · total, all 150 GAS sold: BEV ≤ 37.5 (from MX); MX GAS 62.5, US GAS 87.5:
    # 62.5 · 8,000 + 87.5 · 5,000 + 37.5 · 7,600 = 1,222,500.
    "ev_share_max_hard": (
        sales_world,
        policy("EVMAX", "ev_share_max", 0.2, products="GAS;BEV"),
        1_222_500,
        0.0,
    ),
    # Harmonic mean ≥ 40 mpg: GAS row coefficient 1600/25 − 40 = 24, BEV 16 − 40 = −24:
    # GAS ≤ BEV, the same as an EV share ≥ 0.5: 1,260,000.
    "fleet_mpg_min_hard": (sales_world, policy("MPG", "fleet_mpg_min", 40), 1_260_000, 0.0),
    # At 5 per vehicle-mpg a swap BEV→GAS at MX (+400) costs 48 · 5 = 240: all 50 swapped;
    # row 24 · 150 − 24 · 50 = 2,400 over: 1,280,000 − 12,000 = 1,268,000.
    "fleet_mpg_min_soft": (
        sales_world,
        policy("MPG", "fleet_mpg_min", 40, mode="soft", penalty=5),
        1_268_000,
        2400.0,
    ),
    # BEV ≥ 120 (+70): MX swaps 50 GAS→BEV at −400, then the US 20 at −3,000: −80,000.
    "min_units_hard": (
        sales_world,
        policy("MIN", "min_units", 120, products="BEV"),
        1_200_000,
        0.0,
    ),
    # At 1,000 per missing vehicle the MX swaps (400) are made, the US ones (3,000) are not:
    # 1,280,000 − 20,000 − 20 · 1,000 = 1,240,000; 20 short.
    "min_units_soft": (
        sales_world,
        policy("MIN", "min_units", 120, products="BEV", mode="soft", penalty=1000),
        1_240_000,
        20.0,
    ),
    # Imported GAS ≤ 20: MX moves 30 units GAS→BEV at −400: 1,268,000 (US GAS unaffected).
    "max_units_hard": (
        sales_world,
        policy("MAX", "max_units", 20, products="GAS", origin="import"),
        1_268_000,
        0.0,
    ),
    # At 100 per unit over, keeping MX GAS (400) is worth it: 1,280,000 − 3,000.
    "max_units_soft": (
        sales_world,
        policy("MAX", "max_units", 20, products="GAS", origin="import", mode="soft", penalty=100),
        1_277_000,
        30.0,
    ),
    # 25,000 per year: NEWA in 2030 and NEWB in 2031: KEI 50·3 + 50·2 = 250 units:
    # 300,000 + 750,000 − 30,000 = 1,020,000.
    "capex_budget_hard": (plan_world, policy("CAPEX", "capex_budget", 25000), 1_020_000, 0.0),
    # 2 $ per $ over in 2030 (W = 1): both in 2030, 5,000 over: 1,170,000 − 10,000.
    "capex_budget_soft": (
        plan_world,
        policy("CAPEX", "capex_budget", 25000, mode="soft", penalty=2),
        1_160_000,
        5000.0,
    ),
    # 25,000 over the window: one option only; NEWA (cheaper, same capacity): 740,000.
    "capex_budget_total_hard": (
        plan_world,
        policy("CAPEXT", "capex_budget_total", 25000),
        740_000,
        0.0,
    ),
    # 0.5 per $ over (undiscounted, once): both: 1,170,000 − 2,500.
    "capex_budget_total_soft": (
        plan_world,
        policy("CAPEXT", "capex_budget_total", 25000, mode="soft", penalty=0.5),
        1_167_500,
        5000.0,
    ),
    "max_retools_hard": (plan_world, policy("RET", "max_retools", 1), 740_000, 0.0),
    # The second retool earns 430,000 > 100,000 penalty: both, 1,070,000.
    "max_retools_soft": (
        plan_world,
        policy("RET", "max_retools", 1, mode="soft", penalty=100000),
        1_070_000,
        1.0,
    ),
    # A credit changes margins, not feasibility: +1,000 per BEV built in the US: US BEV
    # earns 3,000, still below US GAS (5,000): plan unchanged, NPV unchanged.
    "credit_per_unit_unused": (
        sales_world,
        policy("CRED", "credit_per_unit", 1000, products="powertrain:EV", origin="domestic"),
        1_280_000,
        0.0,
    ),
}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_policy_kind(tmp_path: Path, name: str, solver: str) -> None:
    world, row, expected, violation = CASES[name]
    sheets = with_rows(world(), "Policies", row)
    outcome = solve_sheets(tmp_path, sheets, solver)
    if solver == "cpsat":
        assert_refused(outcome)
        return
    results = outcome.results
    assert results.status.value == expected_status(solver), results.message
    assert results.npv == pytest.approx(expected, rel=tolerance(solver), abs=0.01)
    assert results.objective == pytest.approx(expected, rel=tolerance(solver), abs=0.01)
    assert sum(v.violation for v in results.violations) == pytest.approx(violation, abs=1e-3)


def test_policy_rows_are_named_after_the_policy(tmp_path: Path) -> None:
    from workbooks import write

    from planner.model.build import build_model
    from planner.read.load import load_workbook_cases

    sheets = with_rows(
        sales_world(),
        "Policies",
        policy("ZEV_EV_MIN", "ev_share_min", 0.5, mode="soft", penalty=1),
        policy("RET", "max_retools", 1),
    )
    case = load_workbook_cases(write(tmp_path / "n.xlsx", sheets)).cases[0]
    model = build_model(case)
    assert "policy[ZEV_EV_MIN,2030]" in model.lp.row_names
    assert "violation[ZEV_EV_MIN,2030]" in model.lp.col_names


def test_window_restricts_years(tmp_path: Path) -> None:
    """min_units only in 2031 of a 2030–2031 horizon: 2030 is unconstrained."""
    sheets = sales_world()
    sheets["Settings"] = settings(first_year=2030, last_year=2031, discount_rate=0, mip_gap=0)
    sheets["Demand"] += [{**d, "year": 2031} for d in sheets["Demand"]]
    sheets = with_rows(
        sheets,
        "Policies",
        policy("MIN", "min_units", 120, products="BEV", year_from=2031, year_to=2031),
    )
    assert npv_of(tmp_path, sheets) == pytest.approx(1_280_000 + 1_200_000)
