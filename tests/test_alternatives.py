"""Near-optimal alternative plans: hand-solved tiny cases, on every supported solver.

The three-plan case (`three_lines`): one plant, no existing capacity, KEI demand 100 at a
margin of 15,000 − 12,000 = 3,000 a unit, no discounting, one year. KEI has a launch cost of
50,000; three new-line options each add 100 units of KEI capacity, lead 0, capex A 10,000,
B 20,000, C 40,000. Demand takes one line only, so a second line is capex for nothing.
- {A, launch}: 300,000 − 10,000 − 50,000 = 240,000, the optimum
- {B, launch}: 230,000;  {C, launch}: 210,000;  {A, B, launch}: 220,000;  {A, C, launch}:
  200,000;  {B, C, launch}: 190,000;  {A, B, C, launch}: 180,000
- nothing: 0;  any option without the launch: −capex;  the launch alone: −50,000
With `within` 0.5 and no plan value, the NPV floor is 240,000 − 0.5 · 240,000 = 120,000.
- Alternative 1 differs from {A, launch} and reuses as few of A and the launch as it can:
  reusing none leaves nothing or options alone (≤ 0, below the floor); reusing one (the
  launch, not A) gives {B, launch} 230,000 and {C, launch} 210,000: the best is {B, launch}.
- Alternative 2 differs from both, reusing as few of A, B and the launch as it can: one (the
  launch) gives {C, launch} 210,000.
The firm core, what all three take, is the KEI launch.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from solving import solve_sheets
from workbooks import Sheets, settings, with_rows, with_settings, write

from planner.app.cli import main
from planner.model.alternatives import (
    LAUNCH,
    OPTION,
    Decision,
    fewest_reused,
    plan_of,
    reuse_columns,
    reuse_count,
    search_lp,
)
from planner.model.build import build_model
from planner.read.load import load_workbook_cases
from planner.results.alternative_search import find_alternatives
from planner.results.alternatives import AlternativeSearch
from planner.results.outcome import ScenarioOutcome
from planner.solve import solve
from planner.write.alternatives_workbook import choices, plan_columns

SOLVERS = ("highs", "cbc", "scip")


def three_lines(**extra: Any) -> Sheets:
    return {
        "Settings": settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0, **extra),
        "Plants": [{"plant_id": "P1", "country": "US", "lat": 40.0, "lon": -85.0}],
        "PlantLines": [{"plant_id": "P1", "line_type": "UNIBODY", "capacity": 0}],
        "Products": [
            {
                "product_id": "KEI",
                "segment": "kei",
                "powertrain": "ICE",
                "price": 15000,
                "variable_cost": 12000,
                "mpg": 45,
                "launch_cost": 50000,
            }
        ],
        "Compatibility": [{"line_type": "KEI", "product_id": "KEI"}],
        "Regions": [{"region_id": "R1", "country": "US", "lat": 40.0, "lon": -85.0}],
        "Demand": [{"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 100}],
        "Freight": [{"plant_id": "P1", "region_id": "R1", "cost_per_unit": 0}],
        "RetoolOptions": [
            {
                "option_id": option_id,
                "plant_id": "P1",
                "to_line_type": "KEI",
                "capacity_added": 100,
                "capex": capex,
                "lead_time_years": 0,
            }
            for option_id, capex in (("A", 10000), ("B", 20000), ("C", 40000))
        ],
    }


def plans_of(outcome: ScenarioOutcome) -> list[tuple[float, tuple[str, ...], tuple[str, ...]]]:
    search = outcome.alternatives
    assert search is not None
    return [
        (round(p.npv, 2), tuple(r.option_id for r in p.retools), p.launched_products)
        for p in search.plans
    ]


@pytest.mark.parametrize("solver", SOLVERS)
def test_three_plans_found_in_order_with_their_firm_core(tmp_path: Path, solver: str) -> None:
    sheets = three_lines(alternatives=2, alternatives_within=0.5)
    outcome = solve_sheets(tmp_path, sheets, solver)
    assert outcome.results.npv == pytest.approx(240_000)
    assert plans_of(outcome) == [
        (230_000, ("B",), ("KEI",)),
        (210_000, ("C",), ("KEI",)),
    ]
    search = outcome.alternatives
    assert search is not None
    assert search.floor == pytest.approx(120_000)
    assert [p.reused for p in search.plans] == [1, 1]
    assert [search.gap(p) for p in search.plans] == pytest.approx([10_000, 30_000])
    # the status quo (nothing) is worth 0, so the plan value is the optimum's 240,000
    assert [search.gap_share(p) for p in search.plans] == pytest.approx([10 / 240, 30 / 240])
    assert search.stopped == "found the 2 alternative(s) asked for"
    firm = [c.decision for c in choices(outcome, plan_columns(outcome, search)) if c.firm]
    assert firm == ["KEI"]


def test_asking_for_more_takes_the_next_fewest_reused(tmp_path: Path) -> None:
    """A third plan must differ from all three above; each plan above the floor needs the
    launch and a line, and every one-line plan is taken, so it reuses three decisions
    (two lines and the launch): {A, B, launch} 220,000 beats {A, C} 200,000, {B, C} 190,000."""
    outcome = solve_sheets(tmp_path, three_lines(alternatives=3, alternatives_within=0.5))
    assert plans_of(outcome)[2] == (220_000, ("A", "B"), ("KEI",))
    assert outcome.alternatives is not None
    assert outcome.alternatives.plans[2].reused == 3


def test_none_within_a_small_share_and_the_reason_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """within 0.01: the floor is 240,000 − 2,400 = 237,600; the second best plan is 230,000."""
    path = write(tmp_path / "tight.xlsx", three_lines())
    out = tmp_path / "out"
    args = ["run", str(path), "--alternatives", "2", "--within", "0.01", "--out", str(out)]
    assert main(args) == 0
    reason = (
        "no other plan has an NPV of at least 237,600 (the optimum's 240,000 less 0.01 of "
        "the plan value 240,000) and differs from the optimum in the options it takes or the "
        "products it launches"
    )
    summary = json.loads((out / "tight" / "base.json").read_text())
    assert summary["alternatives"] == []
    assert summary["alternatives_note"] == reason
    book = openpyxl.load_workbook(out / "tight" / "base_alternatives.xlsx")
    pairs = {r[0]: r[1] for r in book["Plans"].iter_rows(values_only=True) if r[0]}
    assert pairs["search ended"] == reason
    assert pairs["alternatives found"] == 0
    assert reason in capsys.readouterr().err


def test_start_years_do_not_make_a_plan_differ(tmp_path: Path) -> None:
    """Two years, no launch cost, option A may start in 2030 or 2031. A in 2030:
    2 · 100 · 3,000 − 10,000 = 590,000; A in 2031: 290,000, above the floor of
    590,000 · (1 − 0.9) = 59,000, but the same decision; without A: 0, below it. None."""
    sheets = three_lines(alternatives=1, alternatives_within=0.9)
    sheets["Settings"] = settings(
        first_year=2030,
        last_year=2031,
        discount_rate=0,
        mip_gap=0,
        alternatives=1,
        alternatives_within=0.9,
    )
    sheets["Products"][0]["launch_cost"] = 0
    sheets["Demand"] = [
        {"region_id": "R1", "product_id": "KEI", "year": t, "units": 100} for t in (2030, 2031)
    ]
    sheets["RetoolOptions"] = sheets["RetoolOptions"][:1]
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.npv == pytest.approx(590_000)
    assert outcome.alternatives is not None
    assert outcome.alternatives.plans == ()
    assert outcome.alternatives.stopped.startswith("no other plan has an NPV of at least 59,000")


def test_a_launch_counts_only_with_a_unit_built(tmp_path: Path) -> None:
    """Option A only, KEI without a launch cost: A is the optimum, 300,000 − 10,000 = 290,000
    (floor 145,000 at within 0.5). TRUCK (launch cost 1,000) builds on the existing 10-unit
    UNIBODY line at a loss of 100 a unit, demand 10. Plans without A are worth ≤ 0, so
    alternative 1 adds the TRUCK launch to A, and must build at least one unit:
    290,000 − 1,000 − 100 = 288,900 (not 289,000 for a launch never built)."""
    sheets = three_lines(alternatives=1, alternatives_within=0.5)
    sheets["Products"][0]["launch_cost"] = 0
    sheets["RetoolOptions"] = sheets["RetoolOptions"][:1]
    sheets["PlantLines"] = [{"plant_id": "P1", "line_type": "UNIBODY", "capacity": 10}]
    sheets = with_rows(
        sheets,
        "Products",
        {
            "product_id": "TRUCK",
            "segment": "truck",
            "powertrain": "ICE",
            "price": 30000,
            "variable_cost": 30100,
            "mpg": 20,
            "launch_cost": 1000,
        },
    )
    sheets = with_rows(sheets, "Compatibility", {"line_type": "UNIBODY", "product_id": "TRUCK"})
    sheets = with_rows(
        sheets, "Demand", {"region_id": "R1", "product_id": "TRUCK", "year": 2030, "units": 10}
    )
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.npv == pytest.approx(290_000)
    assert plans_of(outcome) == [(288_900, ("A",), ("TRUCK",))]


def test_bounds_already_in_the_model_hold_for_the_alternatives(tmp_path: Path) -> None:
    """With z[A] fixed to 0 (as a `never` decision arrives), the optimum is {B, launch}
    230,000 (floor 115,000); alternative 1 is {C, launch} 210,000; alternative 2 must differ
    from both without A: a one-line plan is taken, so {B, C, launch} 190,000 (reuses 3)."""
    path = write(tmp_path / "never.xlsx", three_lines(alternatives=2, alternatives_within=0.5))
    case = load_workbook_cases(path).cases[0]
    model = build_model(case)
    (column,) = [c for _, c in model.variables.starts("A")]
    upper = model.lp.col_upper.copy()
    upper[column] = 0.0
    model = replace(model, lp=replace(model.lp, col_upper=upper))
    optimum = solve(model.lp, "highs", 60.0, 0.0)
    assert optimum.objective == pytest.approx(230_000)
    search = find_alternatives(model, optimum, 230_000.0, None)
    assert [(round(p.npv), tuple(r.option_id for r in p.retools)) for p in search.plans] == [
        (210_000, ("C",)),
        (190_000, ("B", "C")),
    ]
    assert [p.reused for p in search.plans] == [1, 3]


def test_a_spent_budget_stops_with_the_plans_found_so_far(tmp_path: Path) -> None:
    path = write(tmp_path / "budget.xlsx", three_lines(alternatives=2, alternatives_within=0.5))
    model = build_model(load_workbook_cases(path).cases[0])
    optimum = solve(model.lp, "highs", 60.0, 0.0)
    search = find_alternatives(model, optimum, 240_000.0, None, budget_s=0.0)
    assert search.plans == ()
    assert search.stopped == (
        "the search's time budget of 0 s ran out after 0 alternative(s); "
        "the plans found so far are kept"
    )


def test_the_gap_share_uses_a_positive_plan_value_only() -> None:
    """Gap 10,000 on a plan value of 40,000 is 25 %; null for a plan value of 0 or −5."""
    search = AlternativeSearch(1, 0.5, 240_000.0, 40_000.0, 220_000.0, (), "")
    plan = replace_npv(230_000.0)
    assert search.gap_share(plan) == pytest.approx(0.25)
    assert replace(search, optimum_plan_value=0.0).gap_share(plan) is None
    assert replace(search, optimum_plan_value=-5.0).gap_share(plan) is None
    assert replace(search, optimum_plan_value=None).gap_share(plan) is None


def replace_npv(npv: float) -> Any:
    from planner.results.alternatives import AlternativePlan
    from planner.solve.result import Status

    return AlternativePlan(npv, None, (), (), 0, Status.OPTIMAL, 0.0, 0.0)


def test_run_writes_the_json_key_and_the_workbook(tmp_path: Path) -> None:
    """Through `planner run`: the command line overrides Settings `alternatives` 0."""
    path = write(tmp_path / "three.xlsx", three_lines(alternatives=0))
    out = tmp_path / "out"
    args = ["run", str(path), "--alternatives", "2", "--within", "0.5", "--out", str(out)]
    assert main([*args, "--quiet"]) == 0
    folder = out / "three"
    summary = json.loads((folder / "base.json").read_text())
    assert [a["npv"] for a in summary["alternatives"]] == pytest.approx([230_000, 210_000])
    first = summary["alternatives"][0]
    assert set(first) == {"npv", "plan_value", "retools", "launched_products"}
    assert first["plan_value"] == pytest.approx(230_000)  # the status quo is worth 0
    assert first["launched_products"] == ["KEI"]
    assert [r["option_id"] for r in first["retools"]] == ["B"]
    assert set(first["retools"][0]) == set(summary["retools"][0])
    book = openpyxl.load_workbook(folder / "base_alternatives.xlsx")
    assert book.sheetnames == ["Plans", "Choices", "FirmCore"]
    rows = {r[0]: r[1:] for r in book["Plans"].iter_rows(values_only=True) if r[0]}
    assert rows["NPV ($)"][:3] == (240_000, 230_000, 210_000)
    assert rows["gap to the optimum ($)"][:3] == (0, 10_000, 30_000)
    firm = [r[0] for r in book["FirmCore"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert firm == ["KEI"]
    with zipfile.ZipFile(folder / "base_alternatives.xlsx") as archive:
        assert any(n.startswith("xl/charts/chart") for n in archive.namelist())


def test_without_alternatives_the_key_is_empty_and_an_old_workbook_goes(tmp_path: Path) -> None:
    path = write(tmp_path / "three.xlsx", three_lines())
    out = tmp_path / "out"
    assert main(["run", str(path), "--alternatives", "1", "--out", str(out), "--quiet"]) == 0
    assert (out / "three" / "base_alternatives.xlsx").exists()
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "three" / "base.json").read_text())
    assert summary["alternatives"] == []
    assert summary["alternatives_note"] is None
    assert not (out / "three" / "base_alternatives.xlsx").exists()


def test_resume_reruns_when_the_alternatives_settings_change(tmp_path: Path) -> None:
    path = write(tmp_path / "three.xlsx", three_lines())
    out = tmp_path / "out"
    base = ["run", str(path), "--out", str(out), "--quiet", "--within", "0.5"]
    assert main([*base, "--alternatives", "1"]) == 0
    target = out / "three" / "base.json"
    written = target.stat().st_mtime_ns
    assert main([*base, "--alternatives", "1", "--resume"]) == 0
    assert target.stat().st_mtime_ns == written  # current: skipped
    assert main([*base, "--alternatives", "2", "--resume"]) == 0
    assert len(json.loads(target.read_text())["alternatives"]) == 2
    written = target.stat().st_mtime_ns
    assert main([*base, "--alternatives", "2", "--within", "0.4", "--resume"]) == 0
    assert target.stat().st_mtime_ns != written


def test_worker_processes_and_dask_find_the_same_alternatives(tmp_path: Path) -> None:
    """Two scenarios: base, and `dear` with B's capex 30,000, where {B, launch} is worth
    300,000 − 30,000 − 50,000 = 220,000 (still before {C, launch} 210,000); in two worker
    processes and on a Dask cluster."""
    distributed = pytest.importorskip("distributed")
    sheets = with_rows(three_lines(), "Scenarios", {"scenario_id": "dear"})
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "dear",
            "sheet": "RetoolOptions",
            "match": "option_id=B",
            "column": "capex",
            "op": "set",
            "value": 30000,
        },
    )
    path = write(tmp_path / "two.xlsx", with_settings(sheets, alternatives=2))
    flags = ["--within", "0.5", "--quiet"]
    assert main(["run", str(path), "--jobs", "2", "--out", str(tmp_path / "jobs"), *flags]) == 0
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        dask = ["--dask", cluster.scheduler_address, "--out", str(tmp_path / "dask")]
        assert main(["run", str(path), *dask, *flags]) == 0
    for out in ("jobs", "dask"):
        found = {
            s: [
                a["npv"]
                for a in json.loads((tmp_path / out / "two" / f"{s}.json").read_text())[
                    "alternatives"
                ]
            ]
            for s in ("base", "dear")
        }
        assert found == {"base": [230_000, 210_000], "dear": [220_000, 210_000]}, out
        assert (tmp_path / out / "two" / "dear_alternatives.xlsx").exists()


@pytest.mark.parametrize(
    "flag",
    [["--alternatives", "-1"], ["--alternatives", "1.5"], ["--within", "0"], ["--within", "1.5"]],
)
def test_invalid_command_line_values_are_usage_errors(tmp_path: Path, flag: list[str]) -> None:
    path = write(tmp_path / "three.xlsx", three_lines())
    with pytest.raises(SystemExit) as stopped:
        main(["run", str(path), *flag, "--out", str(tmp_path / "out")])
    assert stopped.value.code == 2
    assert not (tmp_path / "out").exists()


def test_invalid_settings_are_input_errors_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "bad.xlsx", three_lines(alternatives=-1, alternatives_within=0))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Settings" in err and "alternatives" in err and "alternatives_within" in err


def test_an_infeasible_scenario_seeks_none_and_says_so(tmp_path: Path) -> None:
    """A hard min_units of 1,000 KEI cannot be met (demand 100): exit 3, the workbook says
    no alternatives were sought."""
    sheets = with_rows(
        three_lines(),
        "Policies",
        {"policy_id": "MIN", "kind": "min_units", "value": 1000, "mode": "hard"},
    )
    path = write(tmp_path / "stuck.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["run", str(path), "--alternatives", "1", "--out", str(out), "--quiet"]) == 3
    summary = json.loads((out / "stuck" / "base.json").read_text())
    assert summary["alternatives"] == []
    assert summary["alternatives_note"] == (
        "no alternatives were sought: the scenario has no solution (infeasible)"
    )
    book = openpyxl.load_workbook(out / "stuck" / "base_alternatives.xlsx")
    assert book["FirmCore"]["A2"].value == "No plan: the scenario has no solution."
    assert book["Choices"].max_row == 4  # the header only


def test_the_floor_is_a_share_of_the_plan_value_over_the_status_quo(tmp_path: Path) -> None:
    """An existing CAR line (100 at a margin of 1,000, no launch) makes the status quo
    100,000, so every plan gains 100,000: the optimum {A, launch} 340,000, plan value 240,000.
    With within 0.25 the floor is 340,000 − 0.25 · 240,000 = 280,000. Alternative 1 reuses
    only the launch: {B, launch} 330,000 (plan value 230,000); alternative 2 reuses only the
    launch again: {C, launch} 310,000 (plan value 210,000)."""
    sheets = three_lines(alternatives=2, alternatives_within=0.25)
    sheets["Products"].append(
        {
            "product_id": "CAR",
            "segment": "sedan",
            "powertrain": "ICE",
            "price": 11000,
            "variable_cost": 10000,
            "mpg": 30,
        }
    )
    sheets["PlantLines"].append({"plant_id": "P1", "line_type": "SEDAN", "capacity": 100})
    sheets["Compatibility"].append({"line_type": "SEDAN", "product_id": "CAR"})
    sheets["Demand"].append({"region_id": "R1", "product_id": "CAR", "year": 2030, "units": 100})
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.status_quo_npv == pytest.approx(100_000)
    assert plans_of(outcome) == [(330_000, ("B",), ("KEI",)), (310_000, ("C",), ("KEI",))]
    search = outcome.alternatives
    assert search is not None
    assert [p.plan_value for p in search.plans] == pytest.approx([230_000, 210_000])


def test_a_launch_forced_by_take_needs_no_unit_built(tmp_path: Path) -> None:
    """take KEI forces the launch: an alternative that keeps the launch but builds no KEI
    (the launch alone, −50,000) is allowed, as it is for the optimum. With KEI demand 0 the
    optimum is the forced launch alone (−50,000, nothing built) and within 1 (floor −100,000)
    the alternative {A, launch} −60,000 is found: it differs in A and builds nothing."""
    sheets = three_lines(alternatives=1, alternatives_within=1)
    sheets["Demand"][0]["units"] = 0
    sheets["Decisions"] = [{"item": "KEI", "decision": "take", "year": None, "note": None}]
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.npv == pytest.approx(-50_000)
    assert plans_of(outcome) == [(-60_000, ("A",), ("KEI",))]


def test_the_fewest_reused_solve_keeps_npv_as_the_tie_break(tmp_path: Path) -> None:
    """After {A, launch} (240,000; floor 120,000, spread 120,000, weight 240,000), the first
    solve maximises NPV − 240,000 · R: reusing only the launch, {B, launch} scores
    230,000 − 240,000 and {C, launch} 210,000 − 240,000, while reusing A or none scores lower
    (or breaks the floor); so R = 1 and the plan is {B, launch} already — where −R alone let the
    solver return any plan with R = 1 and gave its heuristics nothing to aim at."""
    path = write(tmp_path / "weight.xlsx", three_lines(alternatives=1, alternatives_within=0.5))
    model = build_model(load_workbook_cases(path).cases[0])
    optimum = solve(model.lp, "highs", 60.0, 0.0)
    assert optimum.values is not None
    earlier = [plan_of(model, optimum.values)]
    reused = reuse_columns(model, earlier)
    lp = fewest_reused(search_lp(model, earlier, 120_000.0), reused, 240_000.0)
    first = solve(lp, "highs", 60.0, 0.0)
    assert first.values is not None and first.objective == pytest.approx(230_000 - 240_000)
    assert reuse_count(first.values, reused) == 1
    assert plan_of(model, first.values) == {
        Decision(OPTION, "B"),
        Decision(LAUNCH, "KEI"),
    }
