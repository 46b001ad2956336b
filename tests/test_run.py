"""`planner run` end to end: files, JSON keys, exit codes, diagnosis, time limits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from workbooks import tiny, with_rows, write

from planner.app.cli import main
from planner.model.lp import LinearProgram
from planner.solve import solve

JSON_KEYS = {
    "planner_version",
    "input_file",
    "input_sha256",
    "scenario",
    "status",
    "solver",
    "objective",
    "npv",
    "mip_gap",
    "solve_seconds",
    "retools",
    "launched_products",
    "units_by_year",
    "domestic_share_by_year",
    "ev_share_by_year",
    "policy_violations",
    # version 1.2: what the plan is worth
    "status_quo_npv",
    "plan_value",
    "record_npv",
    "npv_drivers",
    "bridge_from_status_quo",
    "bridge_from_record",
    "alternatives",  # [] unless alternatives were asked for
    "alternatives_note",  # why the search for them ended; null when none was asked for
}


def with_scenarios(sheets: dict) -> dict:
    sheets = with_rows(sheets, "Scenarios", {"scenario_id": "cheap", "description": "cost -10%"})
    return with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "cheap",
            "sheet": "Products",
            "match": "product_id=CAR",
            "column": "variable_cost",
            "op": "multiply",
            "value": 0.9,
        },
    )


def test_run_writes_every_scenario_with_the_spec_keys(tmp_path: Path) -> None:
    """base: 100 · 4,990 = 499,000; cheap: cost 13,500: 100 · 6,490 = 649,000."""
    path = write(tmp_path / "two.xlsx", with_scenarios(tiny()))
    before = path.read_bytes()
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert path.read_bytes() == before  # inputs are never modified
    folder = tmp_path / "out" / "two"
    base = json.loads((folder / "base.json").read_text())
    cheap = json.loads((folder / "cheap.json").read_text())
    assert set(base) == JSON_KEYS and set(cheap) == JSON_KEYS
    assert base["npv"] == pytest.approx(499_000)
    assert cheap["npv"] == pytest.approx(649_000)
    assert base["status"] == "optimal" and base["scenario"] == "base"
    assert base["units_by_year"] == {"2030": 100.0}
    assert base["alternatives"] == [] and base["alternatives_note"] is None
    assert (folder / "base.xlsx").exists() and (folder / "cheap.xlsx").exists()


def test_scenario_option_runs_only_that_scenario(tmp_path: Path) -> None:
    path = write(tmp_path / "two.xlsx", with_scenarios(tiny()))
    assert main(["run", str(path), "--scenario", "cheap", "--out", str(tmp_path), "--quiet"]) == 0
    assert sorted(p.name for p in (tmp_path / "two").glob("*.json")) == ["cheap.json"]


def test_input_error_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["PlantLines"][0]["capacity"] = -5
    path = write(tmp_path / "bad.xlsx", sheets)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert not (tmp_path / "out").exists()


def test_infeasible_case_is_diagnosed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """At least 1,000 CAR in 2030 with 100 of capacity: short by 900 in 2030, exit 3."""
    sheets = with_rows(
        tiny(),
        "Policies",
        {"policy_id": "CAR_MIN", "kind": "min_units", "value": 1000, "products": "CAR"},
    )
    path = write(tmp_path / "inf.xlsx", sheets)
    assert main(["run", str(path), "--out", str(tmp_path)]) == 3
    summary = json.loads((tmp_path / "inf" / "base.json").read_text())
    assert summary["status"] == "infeasible"
    assert summary["npv"] is None
    assert summary["policy_violations"] == [
        {"policy_id": "CAR_MIN", "year": 2030, "violation": pytest.approx(900)}
    ]
    assert "CAR_MIN (min_units) short by 900 vehicles in 2030" in capsys.readouterr().err


def test_solver_option_overrides_settings(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", tiny())
    assert main(["run", str(path), "--solver", "cbc", "--out", str(tmp_path), "--quiet"]) == 0
    assert json.loads((tmp_path / "s" / "base.json").read_text())["solver"] == "cbc"


def hard_knapsack(items: int = 50, rows: int = 5, seed: int = 7) -> LinearProgram:
    """A multi-dimensional knapsack with values correlated to weights: a solution is easy to
    find (all zero is one), optimality is hard to prove within a second."""
    rng = np.random.default_rng(seed)
    lp = LinearProgram()
    columns = [lp.add_binary(f"b{i}") for i in range(items)]
    weights = rng.integers(1000, 10000, size=(rows, items)).astype(float)
    for j in range(rows):
        lp.add_row(f"w{j}", columns, weights[j].tolist(), upper=float(weights[j].sum() / 2))
    for column, value in zip(columns, (weights.mean(axis=0) + 500).tolist(), strict=True):
        lp.add_objective(column, float(value))
    return lp


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_time_limit_with_a_solution_is_feasible_not_optimal(solver: str) -> None:
    result = solve(hard_knapsack().freeze(), solver, time_limit=1, mip_gap=0.0)
    assert result.status.value == "feasible"
    assert result.objective is not None and result.objective > 0
    assert result.bound is not None and result.bound > result.objective
    assert result.gap is not None and result.gap > 0


def test_python_m_planner_is_the_same_program(tmp_path: Path) -> None:
    path = write(tmp_path / "m.xlsx", tiny())
    done = subprocess.run(
        [sys.executable, "-m", "planner", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK")


def test_a_plan_that_builds_nothing_still_writes_its_workbook(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["PlantLines"][0]["capacity"] = 0
    path = write(tmp_path / "none.xlsx", sheets)
    assert main(["run", str(path), "--out", str(tmp_path), "--quiet"]) == 0
    assert json.loads((tmp_path / "none" / "base.json").read_text())["npv"] == 0
    assert (tmp_path / "none" / "base.xlsx").stat().st_size > 0


def test_a_mip_start_gives_highs_its_first_incumbent() -> None:
    """A good solution handed over as a (here complete) start is kept even when the time
    limit leaves no time to find it again."""
    lp = hard_knapsack(80, 10).freeze()
    good = solve(lp, "highs", time_limit=2, mip_gap=0.0)
    assert good.values is not None and good.objective is not None
    start = {j: float(v) for j, v in enumerate(good.values)}
    again = solve(lp, "highs", time_limit=0.05, mip_gap=0.0, start=start)
    assert again.objective is not None and again.objective >= good.objective - 1e-6
