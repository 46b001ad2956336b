"""One hand-solved tiny case per constraint family (contract §2.2–2.4, 2.6), on every solver.

Each case's docstring holds the hand computation of its optimal NPV.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from solving import SOLVERS, assert_refused, npv_of, solve_sheets, tolerance
from workbooks import Sheets, settings, tiny, with_rows, with_settings

from planner.model.economics import haversine_miles


def three_years(**extra: object) -> Sheets:
    return {
        "Settings": settings(first_year=2030, last_year=2032, discount_rate=0, mip_gap=0, **extra),
        "Plants": [{"plant_id": "P1", "country": "US", "lat": 40.0, "lon": -85.0}],
        "PlantLines": [{"plant_id": "P1", "line_type": "UNIBODY", "capacity": 100}],
        "Products": [
            {
                "product_id": "CAR",
                "segment": "sedan",
                "powertrain": "ICE",
                "price": 20000,
                "variable_cost": 19000,
                "mpg": 30,
            },
            {
                "product_id": "KEI",
                "segment": "kei",
                "powertrain": "ICE",
                "price": 15000,
                "variable_cost": 12000,
                "mpg": 45,
            },
        ],
        "Compatibility": [
            {"line_type": "UNIBODY", "product_id": "CAR"},
            {"line_type": "KEI", "product_id": "KEI"},
        ],
        "Regions": [{"region_id": "R1", "country": "US", "lat": 40.0, "lon": -85.0}],
        "Demand": [
            {"region_id": "R1", "product_id": k, "year": t, "units": 1000}
            for k in ("CAR", "KEI")
            for t in (2030, 2031, 2032)
        ],
        "Freight": [{"plant_id": "P1", "region_id": "R1", "cost_per_unit": 0}],
    }


def conversion_option(**overrides: object) -> dict[str, object]:
    option: dict[str, object] = {
        "option_id": "O1",
        "plant_id": "P1",
        "from_line_type": "UNIBODY",
        "to_line_type": "KEI",
        "capacity_added": 80,
        "capacity_removed": 100,
        "capex": 100000,
        "lead_time_years": 1,
    }
    option.update(overrides)
    return option


def case_capacity() -> Sheets:
    """tiny(): 100 units of capacity, demand 150: NPV = 100 · (20000 − 15000 − 10) = 499,000."""
    return tiny()


def case_conversion_with_lead_time() -> Sheets:
    """UNIBODY (100) → KEI (80), removed at the start year, online one year later; capex 100k.

    CAR earns 1,000/unit, KEI 3,000/unit, no discounting.
    - no conversion: 3 · 100 · 1,000 = 300,000
    - start 2030: UNIBODY gone from 2030, KEI from 2031: 2 · 80 · 3,000 − 100,000 = 380,000
    - start 2031: 100 · 1,000 + 0 + 80 · 3,000 − 100,000 = 340,000
    - start 2032: 2 · 100 · 1,000 − 100,000 = 100,000
    Optimum: start 2030, NPV 380,000.
    """
    return with_rows(three_years(), "RetoolOptions", conversion_option())


def case_removal_limit() -> Sheets:
    """Two options each convert all 100 UNIBODY units (no CAR demand, so no capacity row
    guards UNIBODY): to KEI (adds 100, capex 0) and to KEI2 (adds 100, capex 0), lead 0, both
    only in 2030, one year horizon. KEI demand 1,000 earns 3,000/unit. Without the removal
    limit both are taken: 200 · 3,000 = 600,000; with it one: 100 · 3,000 = 300,000.
    """
    sheets = three_years()
    sheets["Settings"] = settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0)
    sheets["Demand"] = [{"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 1000}]
    sheets["Compatibility"].append({"line_type": "KEI2", "product_id": "KEI"})
    return with_rows(
        sheets,
        "RetoolOptions",
        conversion_option(capacity_added=100, capex=0, lead_time_years=0),
        conversion_option(
            option_id="O2", to_line_type="KEI2", capacity_added=100, capex=0, lead_time_years=0
        ),
    )


def case_once_only() -> Sheets:
    """A new KEI line (adds 50, capex 10,000, lead 0) that may start in 2030, 2031 or 2032; no
    existing KEI capacity; KEI earns 3,000/unit; UNIBODY keeps building CAR (3 · 100 · 1,000 =
    300,000). Taken once in 2030: 300,000 + 3 · 50 · 3,000 − 10,000 = 740,000. (Without the
    once-only row it could be taken three times: KEI 50, 100, 150 → 1,170,000.)
    """
    return with_rows(
        three_years(),
        "RetoolOptions",
        {
            "option_id": "NEW",
            "plant_id": "P1",
            "to_line_type": "KEI",
            "capacity_added": 50,
            "capex": 10000,
            "lead_time_years": 0,
        },
    )


def case_fixed_cost_and_discounting() -> Sheets:
    """As the conversion case, with 10 % discounting and 20,000 fixed cost per online year.

    Start 2030: capex 100,000 at δ=1; KEI 80 · 3,000 = 240,000 − 20,000 fixed in 2031 and 2032:
    220,000 · (1/1.1 + 1/1.21) − 100,000 = 220,000 · 1.7355372 − 100,000 = 281,818.18.
    No conversion: 100,000 · (1 + 1/1.1 + 1/1.21) = 273,553.72.
    Start 2031: 100,000 + (220,000 − 100,000)/1.21 = 199,173.55 (worse). Optimum: 281,818.18.
    """
    sheets = with_settings(three_years(), discount_rate=0.1)
    return with_rows(sheets, "RetoolOptions", conversion_option(fixed_cost_per_year=20000))


def case_terminal_years() -> Sheets:
    """tiny() over 2030–2031 at 10 % with 2 terminal years: W_2030 = 1, W_2031 = (1/1.1) ·
    (1 + 1/1.1 + 1/1.21) = 2.4869; NPV = 499,000 · (1 + 2.4869) = 1,739,968.45 (exact below).
    """
    sheets = with_settings(tiny(), last_year=2031, discount_rate=0.1, terminal_years=2)
    sheets["Demand"].append({"region_id": "R1", "product_id": "CAR", "year": 2031, "units": 150})
    return sheets


def case_launch_cost_paid() -> Sheets:
    """Conversion case with KEI launch cost 150,000: start 2030 gives 380,000 − 150,000 =
    230,000 < 300,000 without KEI. Optimum: no conversion, no launch, NPV 300,000."""
    sheets = case_conversion_with_lead_time()
    sheets["Products"][1]["launch_cost"] = 150000
    return sheets


def case_launch_cost_worth_it() -> Sheets:
    """Launch cost 50,000: 380,000 − 50,000 = 330,000 > 300,000. NPV 330,000."""
    sheets = case_conversion_with_lead_time()
    sheets["Products"][1]["launch_cost"] = 50000
    return sheets


def case_freight_by_distance() -> Sheets:
    """tiny() without the Freight row; the region is 1° of latitude north of the plant:
    haversine = 3958.8 · π/180 = 69.0940 miles; freight = 69.0940 · 1.2 · 0.30 + 25 (adder)
    = 49.8738 $/unit; NPV = 100 · (5,000 − 49.8738) = 495,012.62.
    """
    sheets = tiny()
    sheets["Freight"] = []
    sheets["Regions"][0].update(lat=41.0, lon=-85.0)
    sheets["Plants"][0]["freight_adder"] = 25
    return sheets


def case_freight_by_lane() -> Sheets:
    """Two plants, one region; P2 is 2,000+ miles away (≈ 900 $/unit by distance) but its lane
    is listed at 5 $/unit, P1's at 10. Demand 150: the cheaper P2 sells its 100, P1 the other
    50: NPV = 100 · 4,995 + 50 · 4,990 = 749,000."""
    sheets = tiny()
    sheets["Plants"].append({"plant_id": "P2", "country": "US", "lat": 30.0, "lon": -120.0})
    sheets["PlantLines"].append({"plant_id": "P2", "line_type": "UNIBODY", "capacity": 100})
    sheets["Freight"].append({"plant_id": "P2", "region_id": "R1", "cost_per_unit": 5})
    return sheets


def case_tariff() -> Sheets:
    """Import plant MX1 (cost index 0.8: cost 12,000) next to US plant P1, both 100 units,
    demand 150, lanes 10 $/unit. MX→US tariff 25 % of price (5,000) in 2030: MX margin
    20,000 − 12,000 − 10 − 5,000 = 2,990 < P1's 4,990. P1 sells 100, MX 50:
    NPV = 499,000 + 149,500 = 648,500."""
    sheets = tiny()
    sheets["Plants"].append(
        {"plant_id": "MX1", "country": "MX", "lat": 20.0, "lon": -100.0, "cost_index": 0.8}
    )
    sheets["PlantLines"].append({"plant_id": "MX1", "line_type": "UNIBODY", "capacity": 100})
    sheets["Freight"].append({"plant_id": "MX1", "region_id": "R1", "cost_per_unit": 10})
    sheets["Tariffs"] = [
        {
            "origin_country": "MX",
            "market_country": "US",
            "rate": 0.25,
            "year_from": 2030,
            "year_to": 2030,
        },
        {"origin_country": "MX", "market_country": "US", "rate": 0.9, "year_from": 2031},
    ]
    return sheets


def case_credit() -> Sheets:
    """tiny() with a credit of 500 $/unit for domestic ICE units sold in R1 and a fee of −200
    for imports (none): NPV = 100 · (4,990 + 500) = 549,000."""
    return with_rows(
        tiny(),
        "Policies",
        {
            "policy_id": "CREDIT",
            "kind": "credit_per_unit",
            "value": 500,
            "products": "powertrain:ICE",
            "regions": "R1",
            "origin": "domestic",
        },
        {"policy_id": "FEE", "kind": "credit_per_unit", "value": -200, "origin": "import"},
    )


def case_demand_price() -> Sheets:
    """tiny() with a Demand price override of 21,000: NPV = 100 · (21,000 − 15,010) = 599,000."""
    sheets = tiny()
    sheets["Demand"][0]["price"] = 21000
    return sheets


CASES: dict[str, tuple[Callable[[], Sheets], float]] = {
    "capacity": (case_capacity, 499_000),
    "conversion_lead_time": (case_conversion_with_lead_time, 380_000),
    "removal_limit": (case_removal_limit, 300_000),
    "once_only": (case_once_only, 740_000),
    "fixed_cost_discounting": (
        case_fixed_cost_and_discounting,
        220_000 * (1 / 1.1 + 1 / 1.21) - 100_000,
    ),
    "terminal_years": (case_terminal_years, 499_000 * (1 + (1 / 1.1) * (1 + 1 / 1.1 + 1 / 1.21))),
    "launch_cost_paid": (case_launch_cost_paid, 300_000),
    "launch_cost_worth_it": (case_launch_cost_worth_it, 330_000),
    "freight_distance": (
        case_freight_by_distance,
        100 * (5000 - (3958.8 * math.pi / 180 * 1.2 * 0.30 + 25)),
    ),
    "freight_lane": (case_freight_by_lane, 749_000),
    "tariff": (case_tariff, 648_500),
    "credit": (case_credit, 549_000),
    "demand_price": (case_demand_price, 599_000),
}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_solved_case(tmp_path: Path, name: str, solver: str) -> None:
    build, expected = CASES[name]
    if solver == "cpsat":
        assert_refused(solve_sheets(tmp_path, build(), solver))
        return
    assert npv_of(tmp_path, build(), solver) == pytest.approx(
        expected, rel=tolerance(solver), abs=0.01
    )


def test_haversine_one_degree_of_latitude() -> None:
    assert haversine_miles(40, -85, 41, -85) == pytest.approx(3958.8 * math.pi / 180, rel=1e-12)


def test_conversion_plan_and_capacity_timing(tmp_path: Path) -> None:
    """The conversion starts in 2030 and is online in 2031; UNIBODY is gone from 2030."""
    results = solve_sheets(tmp_path, case_conversion_with_lead_time()).results
    taken = [r for r in results.retools if r.taken]
    assert [(r.option_id, r.start_year, r.online_year) for r in taken] == [("O1", 2030, 2031)]
    available = {(c.line_type, c.year): c.available for c in results.capacity}
    assert available[("UNIBODY", 2030)] == 0
    assert available[("KEI", 2030)] == 0
    assert available[("KEI", 2031)] == 80


def test_launch_decision_reported(tmp_path: Path) -> None:
    results = solve_sheets(tmp_path, case_launch_cost_worth_it()).results
    assert results.launched_products == ("KEI",)
    paid = solve_sheets(tmp_path, case_launch_cost_paid()).results
    assert paid.launched_products == ()


def test_no_variables_for_impossible_cells(tmp_path: Path) -> None:
    """No x for an incompatible line, no s where a lane has no demand that year."""
    sheets = case_conversion_with_lead_time()
    sheets["Demand"] = [
        d for d in sheets["Demand"] if not (d["product_id"] == "KEI" and d["year"] == 2031)
    ]
    outcome = solve_sheets(tmp_path, sheets)
    names = outcome.results.model_size
    assert names["variables"] > 0
    from workbooks import write

    from planner.model.build import build_model
    from planner.read.load import load_workbook_cases

    case = load_workbook_cases(write(tmp_path / "v.xlsx", sheets)).cases[0]
    columns = set(build_model(case).lp.col_names)
    assert "x[P1,UNIBODY,KEI,2030]" not in columns  # UNIBODY cannot build KEI
    assert "x[P1,KEI,KEI,2030]" not in columns  # KEI online in 2031 at the earliest
    assert "s[P1,KEI,R1,2031]" not in columns  # no KEI demand in 2031
    assert "s[P1,KEI,R1,2032]" in columns
