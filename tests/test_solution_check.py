"""The solution check (measured on each row's scale, polished when slightly off), CP-SAT's
refusal, and shadow prices of a policy that binds where the plan can do no more."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from solving import solve_sheets
from workbooks import tiny, with_rows, with_settings, write

from planner.app.cli import main
from planner.contract.schema import CPSAT_REFUSAL
from planner.model.lp import LinearProgram, LPArrays
from planner.results.tables import AT_CAPACITY
from planner.solve import checked
from planner.solve.result import SolveResult, Status
from planner.write.scenario_workbook import write_scenario_workbook


def answer(lp: LPArrays, values: list[float], solver: str = "cbc") -> SolveResult:
    """A solver's answer as it reached us: its values and the objective it claimed."""
    x = np.asarray(values, dtype=float)
    objective = float(lp.objective @ x)
    return SolveResult(Status.OPTIMAL, solver, objective, objective, 0.0, 0.1, x)


def fleet_mpg_row() -> LPArrays:
    """A fleet-mpg row: 1.1e6 vehicle-mpg above the target from a, as much below from b."""
    lp = LinearProgram()
    a, b = lp.add_column("a", upper=10.0), lp.add_column("b", upper=10.0)
    lp.add_row("policy[MPG,2030]", [a, b], [1.1e6, -1.1e6], lower=0.0)
    lp.add_objective(a, 1.0)
    lp.add_objective(b, 1.0)
    return lp.freeze()


def test_a_row_met_to_its_own_scale_is_accepted() -> None:
    """1.1e6·1 − 1.1e6·(1 + 2.2e-10) = −2.4e-4 against a bound of 0: a 2.4e-4 excess (what the
    old check, relative to max(1, |bound|), called a solver error) but 1.1e-10 of the row's
    scale Σ|a·x| = 2.2e6, well within solvers' own feasibility tolerance."""
    lp = fleet_mpg_row()
    result = checked(lp, answer(lp, [1.0, 1.0 + 2.2e-10]))
    assert result.status is Status.OPTIMAL
    assert result.max_violation == pytest.approx(2.42e-4 / 2.2e6, rel=1e-3)


def test_a_slightly_off_solution_is_polished() -> None:
    """z binary; x ≤ 10 z; x + y ≤ 10; maximise x + 2y. The answer z = 1, x = 0, y = 10.0001
    breaks x + y ≤ 10 by 1e-5 of its scale: polished (z fixed at 1, LP re-solved) to y = 10,
    NPV 20, the violation after polishing ≤ 1e-6 and said in the message."""
    lp = LinearProgram()
    z, x, y = lp.add_binary("z"), lp.add_column("x"), lp.add_column("y")
    lp.add_row("link", [x, z], [1.0, -10.0], upper=0.0)
    lp.add_row("cap", [x, y], [1.0, 1.0], upper=10.0)
    lp.add_objective(x, 1.0)
    lp.add_objective(y, 2.0)
    arrays = lp.freeze()
    result = checked(arrays, answer(arrays, [1.0, 0.0, 10.0001]))
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(20.0, abs=1e-9)
    assert result.max_violation is not None and result.max_violation <= 1e-6
    assert "polished" in result.message and "cap" in result.message


def test_a_solution_that_really_violates_a_row_is_an_error() -> None:
    """a = 1, b = 2: the row is short by 1.1e6 of a scale of 3.3e6 (a third): refused."""
    lp = fleet_mpg_row()
    result = checked(lp, answer(lp, [1.0, 2.0]))
    assert result.status is Status.ERROR
    assert "policy[MPG,2030]" in result.message


def test_a_slightly_off_solution_whose_integers_are_infeasible_is_an_error() -> None:
    """x ≥ 1, x ≤ 10 z: the answer z = 0, x = 0.9995 is off by 5e-4 only, but with z fixed at
    0 no x fits: polishing fails and the answer is refused."""
    lp = LinearProgram()
    z, x = lp.add_binary("z"), lp.add_column("x")
    lp.add_row("need", [x], [1.0], lower=1.0)
    lp.add_row("link", [x, z], [1.0, -10.0], upper=0.0)
    lp.add_objective(x, 1.0)
    arrays = lp.freeze()
    result = checked(arrays, answer(arrays, [0.0, 0.9995]))
    assert result.status is Status.ERROR


def test_run_info_reports_the_worst_violation(tmp_path: Path) -> None:
    outcome = solve_sheets(tmp_path, tiny(), "cbc")
    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    sheet = load_workbook(tmp_path / "base.xlsx")["RunInfo"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert float(values["worst violation (relative to the row's scale)"]) <= 1e-6


def test_cpsat_in_settings_is_refused_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "case.xlsx", with_settings(tiny(), solver="cpsat"))
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Settings" in err and "B" in err and CPSAT_REFUSAL in err
    assert not (tmp_path / "out").exists()


def test_cpsat_from_a_scenario_change_is_refused_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ScenarioChanges row setting Settings' solver to cpsat gets the reason, not only the
    generic 'must be one of'."""
    sheets = tiny()
    sheets["Scenarios"] = [{"scenario_id": "cp", "description": "CP-SAT"}]
    sheets["ScenarioChanges"] = [
        {
            "scenario_id": "cp",
            "sheet": "Settings",
            "match": "key=solver",
            "column": "value",
            "op": "set",
            "value": "cpsat",
        }
    ]
    sheets = with_settings(sheets, solver="highs")
    path = write(tmp_path / "case.xlsx", sheets)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "ScenarioChanges" in err and CPSAT_REFUSAL in err
    assert not (tmp_path / "out").exists()


def test_cpsat_on_the_command_line_is_refused_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "case.xlsx", tiny())
    with pytest.raises(SystemExit) as stopped:
        main(["run", str(path), "--solver", "cpsat", "--out", str(tmp_path / "out")])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--solver" in err and "not offered" in err
    assert not (tmp_path / "out").exists()


def min_units(value: float) -> dict[str, object]:
    return {"policy_id": "MIN", "kind": "min_units", "value": value, "products": "CAR"}


def test_a_policy_binding_at_capacity_is_not_priced_zero(tmp_path: Path) -> None:
    """tiny(): 100 units of capacity, demand 150. min_units 100 binds exactly at capacity:
    loosening it is worth 0, tightening it by one unit is infeasible with this plan (no retool
    option at all). It is reported as binding at capacity, not priced 0 ('does not bind')."""
    outcome = solve_sheets(tmp_path, with_rows(tiny(), "Policies", min_units(100)))
    results = outcome.results
    assert results.npv == pytest.approx(499_000)
    (row,) = results.policies
    assert row.binding
    assert row.shadow_price is None
    assert row.needs_new_plan and row.price_note == AT_CAPACITY
    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    cells = [c for r in load_workbook(tmp_path / "base.xlsx")["Policies"].values for c in r]
    assert AT_CAPACITY in cells


def test_a_slack_policy_keeps_its_zero_price(tmp_path: Path) -> None:
    """min_units 60 with 100 made: slack 40, price 0, no note."""
    results = solve_sheets(tmp_path, with_rows(tiny(), "Policies", min_units(60))).results
    (row,) = results.policies
    assert not row.binding
    assert row.shadow_price == pytest.approx(0.0, abs=1e-9)
    assert row.price_note == ""


def test_a_binding_policy_is_priced_on_its_tightening_side(tmp_path: Path) -> None:
    """tiny() plus plant P2 (100 units, freight 1,010: margin 3,990 against P1's 4,990),
    demand 150, max_units 100 on CAR: P1 makes the 100. Loosening would let P2 add a unit
    (+3,990); tightening loses one of P1's (−4,990). Both capacity of P1 and the cap bind (a
    degenerate vertex), so the LP's dual may be either; the price of tightening is 4,990."""
    sheets = tiny()
    sheets["Plants"].append({"plant_id": "P2", "country": "US", "lat": 40.0, "lon": -86.0})
    sheets["PlantLines"].append({"plant_id": "P2", "line_type": "UNIBODY", "capacity": 100})
    sheets["Freight"].append({"plant_id": "P2", "region_id": "R1", "cost_per_unit": 1010})
    cap = {"policy_id": "MAX", "kind": "max_units", "value": 100, "products": "CAR"}
    results = solve_sheets(tmp_path, with_rows(sheets, "Policies", cap)).results
    assert results.npv == pytest.approx(499_000)
    (row,) = results.policies
    assert row.binding and not row.needs_new_plan
    assert row.shadow_price == pytest.approx(4_990)
