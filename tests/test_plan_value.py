"""What the plan is worth: the status quo, plan value, NPV drivers and bridges.

The hand case (`kei_case`): years 2030–2031, ρ = 10 %, so W_2030 = 1 and W_2031 = 1/1.1.
P1 has 100 units of UNIBODY for CAR (margin 20,000 − 15,000 − 10 = 4,990, demand 150 each
year). Option OPT1 adds an 80-unit KEI line at P1, capex 100,000, lead time 1 (online 2031),
fixed cost 10,000/yr; KEI (margin 12,000 − 8,000 − 10 = 3,990, demand 80 in 2031) has a
launch cost of 50,000.
- contribution:sedan = 100 · 4,990 · (1 + 1/1.1) = 952,636.36 in any plan;
- starting OPT1 in 2030: contribution:kei = 80 · 3,990 / 1.1 = 290,181.82, fixed_costs =
  −10,000 / 1.1 = −9,090.91, capex = −100,000, launch_costs = −50,000: it adds 131,090.91,
  so the plan takes it (a 2031 start would be online only after the horizon);
- status quo NPV = 952,636.36, plan NPV = 1,083,727.27, plan value = 131,090.91.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from solving import solve_sheets
from workbooks import Sheets, settings, tiny

from planner.app.cli import main
from planner.write.summary_json import summary

SEDAN = 100 * 4_990 * (1 + 1 / 1.1)
KEI = 80 * 3_990 / 1.1
FIXED = -10_000 / 1.1


def kei_case() -> Sheets:
    sheets = tiny()
    sheets["Settings"] = settings(first_year=2030, last_year=2031, discount_rate=0.1, mip_gap=0)
    sheets["Products"].append(
        {
            "product_id": "KEI",
            "segment": "kei",
            "powertrain": "ICE",
            "price": 12_000,
            "variable_cost": 8_000,
            "mpg": 50,
            "launch_cost": 50_000,
        }
    )
    sheets["Compatibility"].append({"line_type": "KEI_LINE", "product_id": "KEI"})
    sheets["RetoolOptions"] = [
        {
            "option_id": "OPT1",
            "plant_id": "P1",
            "to_line_type": "KEI_LINE",
            "capacity_added": 80,
            "capex": 100_000,
            "lead_time_years": 1,
            "fixed_cost_per_year": 10_000,
        }
    ]
    sheets["Demand"] = [
        {"region_id": "R1", "product_id": "CAR", "year": 2030, "units": 150},
        {"region_id": "R1", "product_id": "CAR", "year": 2031, "units": 150},
        {"region_id": "R1", "product_id": "KEI", "year": 2031, "units": 80},
    ]
    return sheets


def test_status_quo_plan_value_and_drivers_by_hand(tmp_path: Path) -> None:
    outcome = solve_sheets(tmp_path, kei_case())
    data = summary(outcome)
    assert data["npv"] == pytest.approx(SEDAN + KEI + FIXED - 150_000, abs=0.005)
    assert data["status_quo_npv"] == pytest.approx(SEDAN, abs=0.005)
    assert data["plan_value"] == pytest.approx(KEI + FIXED - 150_000, abs=0.005)
    assert data["record_npv"] is None and data["bridge_from_record"] is None
    assert data["npv_drivers"] == pytest.approx(
        {
            "contribution:kei": KEI,
            "contribution:sedan": SEDAN,
            "fixed_costs": FIXED,
            "capex": -100_000,
            "launch_costs": -50_000,
            "penalties": 0.0,
        },
        abs=0.005,
    )
    assert data["bridge_from_status_quo"] == pytest.approx(
        {
            "contribution:kei": KEI,
            "contribution:sedan": 0.0,
            "fixed_costs": FIXED,
            "capex": -100_000,
            "launch_costs": -50_000,
            "penalties": 0.0,
        },
        abs=0.005,
    )
    assert sum(data["npv_drivers"].values()) == pytest.approx(data["npv"], abs=0.005)
    assert sum(data["bridge_from_status_quo"].values()) == pytest.approx(
        data["plan_value"], abs=0.005
    )


def test_an_infeasible_status_quo_names_the_policy_and_year(tmp_path: Path) -> None:
    """A hard min_units of 80 KEI in 2031 cannot be met without OPT1: the status quo NPV,
    plan value and bridge are null and the policy and year are named; the run still exits 0."""
    sheets = kei_case()
    sheets["Policies"] = [
        {
            "policy_id": "KEI80",
            "kind": "min_units",
            "value": 80,
            "products": "KEI",
            "year_from": 2031,
            "year_to": 2031,
        }
    ]
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.exit_code == 0
    data = summary(outcome)
    assert data["npv"] == pytest.approx(SEDAN + KEI + FIXED - 150_000, abs=0.005)
    assert data["status_quo_npv"] is None
    assert data["plan_value"] is None and data["bridge_from_status_quo"] is None
    assert outcome.status_quo is not None
    assert [(b.name, b.year, b.amount) for b in outcome.status_quo.blockers] == [
        ("KEI80", 2031, pytest.approx(80))
    ]
    assert outcome.status_quo.sentences() == [
        "The status quo is infeasible: KEI80 (min_units) cannot be met in 2031: short by 80 "
        "vehicles."
    ]


def test_run_writes_the_keys_and_the_bridge_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from workbooks import metric_rows, write

    path = write(tmp_path / "kei.xlsx", kei_case())
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    data = json.loads((tmp_path / "out" / "kei" / "base.json").read_text())
    assert data["plan_value"] == pytest.approx(KEI + FIXED - 150_000, abs=0.005)
    book = load_workbook(tmp_path / "out" / "kei" / "base.xlsx")
    assert "Bridge" in book.sheetnames
    first = metric_rows(book["Summary"])[0][:2]
    assert first == ("plan value ($)", pytest.approx(KEI + FIXED - 150_000, abs=0.005))


def every_driver_case() -> Sheets:
    """kei_case with a credit of 50 per KEI, a soft max_units of 90 CAR in 2030 (penalty
    100/vehicle: 10 over, 1,000 at W = 1) and a soft max_retools of 0 (penalty 1,000, one-time):
    penalties = −2,000; contribution:kei = 80 · 4,040 / 1.1; the plan still takes OPT1."""
    sheets = kei_case()
    sheets["Policies"] = [
        {"policy_id": "CREDIT", "kind": "credit_per_unit", "value": 50, "products": "KEI"},
        {
            "policy_id": "CAP90",
            "kind": "max_units",
            "value": 90,
            "products": "CAR",
            "year_from": 2030,
            "year_to": 2030,
            "mode": "soft",
            "penalty": 100,
        },
        {"policy_id": "NONE", "kind": "max_retools", "value": 0, "mode": "soft", "penalty": 1_000},
    ]
    return sheets


@pytest.mark.parametrize("solver", ["highs", "cbc", "scip"])
def test_drivers_add_up_to_npv_on_every_solver(tmp_path: Path, solver: str) -> None:
    outcome = solve_sheets(tmp_path, every_driver_case(), solver)
    drivers = outcome.drivers
    npv = outcome.results.npv
    assert drivers is not None and npv is not None
    assert sum(drivers.values()) == pytest.approx(npv, abs=0.005)
    assert drivers["penalties"] == pytest.approx(-2_000, abs=0.005)
    assert drivers["contribution:kei"] == pytest.approx(80 * 4_040 / 1.1, abs=0.005)
    assert npv == pytest.approx(SEDAN + 80 * 4_040 / 1.1 + FIXED - 152_000, abs=0.005)
    quo = outcome.status_quo
    assert quo is not None and quo.drivers is not None and quo.npv is not None
    assert sum(quo.drivers.values()) == pytest.approx(quo.npv, abs=0.005)
    assert quo.npv == pytest.approx(SEDAN - 1_000, abs=0.005)  # CAP90 still paid


SAMPLE = Path(__file__).parent.parent / "inputs" / "us_kei.xlsx"


def test_drivers_add_up_to_npv_in_every_sample_scenario() -> None:
    """Every scenario of the sample, solved at a loose gap (the identity holds for any
    solution): the plan's and the status quo's drivers add up to their NPVs to the cent."""
    from planner.read.load import load_workbook_cases
    from planner.results.outcome import SolverChoice, solve_case, with_overrides

    for case in load_workbook_cases(SAMPLE).cases:
        outcome = solve_case(with_overrides(case, SolverChoice("highs", 60, 0.05)))
        assert outcome.drivers is not None and outcome.results.npv is not None
        assert sum(outcome.drivers.values()) == pytest.approx(outcome.results.npv, abs=0.01)
        quo = outcome.status_quo
        assert quo is not None and quo.drivers is not None and quo.npv is not None
        assert sum(quo.drivers.values()) == pytest.approx(quo.npv, abs=0.01)
        changes = outcome.bridge_from(quo)
        assert changes is not None and outcome.plan_value is not None
        assert sum(changes.values()) == pytest.approx(outcome.plan_value, abs=0.01)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_drivers_add_up_to_npv_on_generated_cases(tmp_path: Path, seed: int) -> None:
    from planner.bench.generate import SizeSpec, write_workbook
    from planner.read.load import load_workbook_cases
    from planner.results.outcome import solve_case

    spec = SizeSpec(f"gen{seed}", 6, 8, 4, 5, 12, seed=seed)
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    outcome = solve_case(case)
    assert outcome.drivers is not None and outcome.results.npv is not None
    assert sum(outcome.drivers.values()) == pytest.approx(outcome.results.npv, abs=0.01)
    assert outcome.status_quo is not None and outcome.status_quo.drivers is not None
    assert sum(outcome.status_quo.drivers.values()) == pytest.approx(
        outcome.status_quo.npv, abs=0.01
    )


def test_waterfall_splits_a_step_that_crosses_zero() -> None:
    """From 100 down by 300 to −200, then up 50: the first step's bar runs from 100 to −200,
    split at 0 into 100 above and −200 below on a zero base; the second lifts from −200 to
    −150, a bar of −50 hanging from a base of −150."""
    from planner.write.xlsx_waterfall import waterfall

    steps = waterfall(("start", 100.0), {"down": -300.0, "up": 50.0, "tiny": 0.1}, "end")
    assert [(s.label, s.values) for s in steps] == [
        ("start", (0, 0, 0, 0, 0, 100)),
        ("down", (0, 0, 0, 100, -200, 0)),
        ("up", (-150, 0, -50, 0, 0, 0)),
        ("end", (0, 0, 0, 0, 0, -150)),
    ]


def test_comparison_bridge_goes_from_base(tmp_path: Path) -> None:
    """Scenario dear doubles OPT1's fixed cost: the plan is the same, so its bridge from base
    is fixed_costs −10,000/1.1 and nothing else; comparison.xlsx's Bridge says so."""
    from openpyxl import load_workbook
    from workbooks import write

    sheets = kei_case()
    sheets["Scenarios"] = [{"scenario_id": "dear", "description": "fixed cost ×2"}]
    sheets["ScenarioChanges"] = [
        {
            "scenario_id": "dear",
            "sheet": "RetoolOptions",
            "match": "option_id=OPT1",
            "column": "fixed_cost_per_year",
            "op": "multiply",
            "value": 2,
        }
    ]
    path = write(tmp_path / "kei.xlsx", sheets)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    sheet = load_workbook(tmp_path / "out" / "kei" / "comparison.xlsx")["Bridge"]
    assert sheet["B4"].value == "dear − base ($)"
    values = {
        row[0]: row[1]
        for row in sheet.iter_rows(min_row=5, max_row=12, max_col=2, values_only=True)
    }
    assert values["fixed_costs"] == pytest.approx(FIXED, abs=0.005)
    assert values["capex"] == 0 and values["contribution:kei"] == pytest.approx(0, abs=0.005)
    assert values["NPV change (total)"] == pytest.approx(FIXED, abs=0.005)
    assert "mixes the effect of the scenario's data with that of its plan" in sheet["A2"].value


def test_robust_plan_value_by_scenario_by_hand(tmp_path: Path) -> None:
    """kei_case and dear (OPT1's fixed cost doubled), equal chances. The shared plan takes
    OPT1 in 2030 (in dear it still adds KEI − 20,000/1.1 − 150,000 = 122,000). Status quo NPV
    = SEDAN in both; plan values 131,090.91 and 122,000; expected 126,545.45."""
    from workbooks import write

    sheets = kei_case()
    sheets["Scenarios"] = [{"scenario_id": "dear"}]
    sheets["ScenarioChanges"] = [
        {
            "scenario_id": "dear",
            "sheet": "RetoolOptions",
            "match": "option_id=OPT1",
            "column": "fixed_cost_per_year",
            "op": "multiply",
            "value": 2,
        }
    ]
    path = write(tmp_path / "kei.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["run", str(path), "--robust", "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    robust = json.loads((out / "kei" / "robust.json").read_text())
    assert robust["status_quo_npv_by_scenario"] == pytest.approx(
        {"base": SEDAN, "dear": SEDAN}, abs=0.005
    )
    base_value = KEI + FIXED - 150_000
    dear_value = KEI + 2 * FIXED - 150_000
    assert robust["plan_value_by_scenario"] == pytest.approx(
        {"base": base_value, "dear": dear_value}, abs=0.005
    )
    assert robust["expected_plan_value"] == pytest.approx((base_value + dear_value) / 2, abs=0.005)


def test_waterfall_axis_starts_near_large_totals() -> None:
    """From 900 through +10 and −4 to 906: the running totals lie in [900, 910], so the axis
    starts one step of 10 below 900, at 890; with totals near zero it starts at zero."""
    from planner.write.xlsx_waterfall import axis_floor, waterfall

    assert axis_floor(waterfall(("a", 900.0), {"up": 10.0, "down": -4.0}, "b")) == 890
    assert axis_floor(waterfall(("a", 10.0), {"up": 10.0}, "b")) is None
