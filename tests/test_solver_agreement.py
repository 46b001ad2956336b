"""Every solver we offer, held out against HiGHS: random generated cases and a robust hand case.

The random cases are the benchmark generator's workbooks (planner/bench/generate.py) at a size
small enough to solve in a second (4 plants, 4 regions, 4 products, 5 years, 8 options; each
seed's plan retools and launches kei cars), each with two scenarios besides base (demand down
a fifth; KEI_EV demand gone, so a plan may launch a product a scenario cannot sell). Each
scenario is solved by each solver at a tight gap; its NPV must agree with HiGHS's within that
gap. Robust mode on the same cases must charge each launch of its plan in every scenario; the
robust hand case (`launch_everywhere`) is solved with each solver.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_robust import change, report_of
from workbooks import Sheets, settings

from planner.app.robust_run import RobustOptions, load_robust
from planner.app.run import RunOptions
from planner.bench.generate import SIZES, generate, workbook_bytes
from planner.case import Case
from planner.read.load import load_workbook_cases
from planner.results.outcome import SolverChoice, solve_case, with_overrides
from planner.robust.analysis import analyse
from planner.robust.report import ROBUST

SOLVERS = ("highs", "cbc", "scip")
SEEDS = (1, 2, 4, 6)  # seeds whose cases retool and launch (seed 3 and 5: infeasible)
GAP = 1e-6
HELD_OUT = dataclasses.replace(SIZES["small"], name="held-out", plants=4, regions=4, options=8)
SCENARIOS = (
    ("low", "Demand", "", "units", "multiply", 0.8),
    ("no_kei_ev", "Demand", "product_id=KEI_EV", "units", "set", 0),
)


def generated_workbook(path: Path, seed: int) -> Path:
    """The generator's workbook of `HELD_OUT` at `seed`, with the Scenarios above."""
    book = load_workbook(
        io.BytesIO(workbook_bytes(generate(dataclasses.replace(HELD_OUT, seed=seed))))
    )
    scenarios = book.create_sheet("Scenarios")
    scenarios.append(["scenario_id", "description", "probability"])
    changes = book.create_sheet("ScenarioChanges")
    changes.append(["scenario_id", "sheet", "match", "column", "op", "value"])
    for scenario, sheet, match, column, op, value in SCENARIOS:
        scenarios.append([scenario, f"{column} {op} {value}", None])
        changes.append([scenario, sheet, match or None, column, op, value])
    book.save(path)
    return path


@pytest.fixture(scope="module", params=SEEDS)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """{scenario: case} of one seed, and HiGHS's NPV of each (the reference)."""
    path = generated_workbook(
        tmp_path_factory.mktemp("gen") / f"seed{request.param}.xlsx", request.param
    )
    cases = {c.scenario_id: c for c in load_workbook_cases(path).cases}
    return {"cases": cases, "highs": {s: _npv(c, "highs") for s, c in cases.items()}}


def _npv(case: Case, solver: str) -> float:
    outcome = solve_case(with_overrides(case, SolverChoice(solver, 60.0, GAP)))
    results = outcome.results
    assert results.status.value == "optimal", f"{solver}: {results.message}"
    assert results.npv is not None
    assert results.max_violation is not None and results.max_violation <= 1e-6
    return results.npv


@pytest.mark.parametrize("solver", ("cbc", "scip"))
def test_generated_cases_agree_with_highs(generated: dict, solver: str) -> None:
    assert set(generated["cases"]) == {"base", "low", "no_kei_ev"}
    for scenario, case in generated["cases"].items():
        reference = generated["highs"][scenario]
        assert _npv(case, solver) == pytest.approx(reference, rel=2 * GAP, abs=1.0), scenario


def test_robust_plans_of_generated_cases_pay_every_launch(tmp_path: Path) -> None:
    """In every scenario the robust plan pays exactly the launch costs of the products it
    launches (KEI_EV too where it has no demand), and the extensive form's objective is the
    expected NPV of the plan re-solved in each scenario."""
    for seed in SEEDS:
        path = generated_workbook(tmp_path / f"robust{seed}.xlsx", seed)
        cases, chances, risk = load_robust(path, RunOptions(jobs=1, mip_gap=GAP), RobustOptions())
        report = analyse(cases, chances, risk, {c.scenario_id: solve_case(c) for c in cases})
        assert report.plan is not None and "KEI_EV" in report.plan.launched, seed
        for case in cases:
            figures = report.in_scenario[case.scenario_id].figures
            assert figures is not None
            launches = sum(case.product(k).launch_cost for k in report.plan.launched)
            assert figures.launch_costs == pytest.approx(launches), (seed, case.scenario_id)
        expected = sum(chances[s] * npv for s, npv in report.npv_by_scenario.items() if npv)
        assert report.solved_objective == pytest.approx(expected, rel=2 * GAP), seed


def launch_everywhere(solver: str = "highs") -> Sheets:
    """Robust mode must charge every launch in every scenario, also where it sells nothing.

    One US plant with an existing FLEX line of 10 units, one region, one year, no discounting,
    freight 0. KICE and KEV each earn 20,000 − 15,000 = 5,000 a unit and cost 2,000 to launch.
    `base` (π = ½) has demand KICE 5, KEV 0; `ev` (π = ½) has KICE 0, KEV 5. NPV of each plan
    (base / ev), a launch paid in both scenarios whichever sells:

        no launch     0 / 0
        KICE          5·5,000 − 2,000 = 23,000 / −2,000      mean 10,500
        KEV           −2,000 / 23,000                         mean 10,500
        KICE + KEV    25,000 − 4,000 = 21,000 / 21,000        mean 21,000

    Alone, base launches KICE and ev launches KEV (23,000 each). The robust plan (λ = 0)
    launches both: objective 21,000, NPV 21,000 in each scenario, EVPI = 23,000 − 21,000 =
    2,000, regret of the robust plan 2,000 in each, regret of base's plan 0 in base and
    23,000 − (−2,000) = 25,000 in ev. The EV case (KICE 2.5, KEV 2.5) launches both (21,000
    against 12,500 − 2,000 = 10,500 for one), so EEV = 21,000 and VSS = 0.

    Charging each scenario only for the products it can build would give base 23,000 and ev
    23,000 for the robust plan, EVPI 0, and base's plan 0 in ev (regret 23,000).
    """
    product = {"segment": "kei", "powertrain": "ICE", "price": 20000, "variable_cost": 15000}
    return {
        "Settings": settings(
            first_year=2030, last_year=2030, discount_rate=0, mip_gap=0, solver=solver
        ),
        "Plants": [{"plant_id": "P1", "country": "US", "lat": 40.0, "lon": -85.0}],
        "PlantLines": [{"plant_id": "P1", "line_type": "FLEX", "capacity": 10}],
        "Products": [
            {"product_id": "KICE", **product, "mpg": 45, "launch_cost": 2000},
            {"product_id": "KEV", **product, "powertrain": "EV", "mpg": 120, "launch_cost": 2000},
        ],
        "Compatibility": [
            {"line_type": "FLEX", "product_id": "KICE"},
            {"line_type": "FLEX", "product_id": "KEV"},
        ],
        "Regions": [{"region_id": "R1", "country": "US", "lat": 41.0, "lon": -87.0}],
        "Demand": [
            {"region_id": "R1", "product_id": "KICE", "year": 2030, "units": 5},
            {"region_id": "R1", "product_id": "KEV", "year": 2030, "units": 0},
        ],
        "Freight": [{"plant_id": "P1", "region_id": "R1", "cost_per_unit": 0}],
        "Scenarios": [
            {"scenario_id": "base", "probability": 0.5},
            {"scenario_id": "ev", "probability": 0.5},
        ],
        "ScenarioChanges": [
            change("ev", "Demand", "product_id=KICE", "units", "set", 0),
            change("ev", "Demand", "product_id=KEV", "units", "set", 5),
        ],
    }


@pytest.mark.parametrize("solver", SOLVERS)
def test_robust_plan_pays_every_launch_in_every_scenario(tmp_path: Path, solver: str) -> None:
    report = report_of(tmp_path, launch_everywhere(solver))
    assert report.plan is not None
    assert report.plan.launched == {"KICE", "KEV"}
    assert report.objective == pytest.approx(21_000)
    assert report.npv_by_scenario == pytest.approx({"base": 21_000, "ev": 21_000})
    assert report.best == pytest.approx({"base": 23_000, "ev": 23_000})
    assert report.evpi == pytest.approx(2_000)
    assert report.regret[ROBUST] == pytest.approx({"base": 2_000, "ev": 2_000})
    assert report.regret["base"] == pytest.approx({"base": 0, "ev": 25_000})
    assert report.eev == pytest.approx(21_000)
    assert report.vss == pytest.approx(0, abs=1e-6)
