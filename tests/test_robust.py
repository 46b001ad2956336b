"""Robust mode (contract §4): hand-solved plans, λ = 0 and λ = 1, EVPI/VSS, regret, inputs, CLI.

The two-futures world (`two_futures`): one US plant with no line yet, one region, one year, no
discounting, freight 0. Kei cars K1 and K2 each earn 20,000 − 15,000 = 5,000 a unit. Three new
lines can be built (100 units each, online at once): L1 builds K1 only (capex 100,000), L2
builds K2 only (100,000), FLEX builds both (250,000). In `base` demand is K1 100, K2 10; in
`flip` it is K1 10, K2 100. NPV of each plan (base / flip):

    nothing      0 / 0
    L1           100·5,000 − 100,000 = 400,000 / 10·5,000 − 100,000 = −50,000
    L2           −50,000 / 400,000
    FLEX         100·5,000 − 250,000 = 250,000 / 250,000
    L1 + L2      110·5,000 − 200,000 = 350,000 / 350,000
    L1 + FLEX    110·5,000 − 350,000 = 200,000 / 200,000 (so do L2 + FLEX; all three: 100,000)

Alone, base takes L1 and flip takes L2 (400,000 each). At π = ½, ½ the expected NPVs are
L1: 175,000, L2: 175,000, FLEX: 250,000, L1 + L2: 350,000: the robust plan is L1 + L2, which
is neither scenario's plan. Its regret is 50,000 in each; base's plan has regret 450,000 in
flip. EVPI = 400,000 − 350,000 = 50,000. The EV case (demand 55 and 55) also takes L1 + L2
(350,000 against FLEX 250,000 and L1 or L2 alone 175,000), so EEV = 350,000 and VSS = 0.

At π = 0.9, 0.1 the expected NPVs are L1: 355,000 and L1 + L2: 350,000, so λ = 0 takes L1
(worst case −50,000); with λ = 1 and α = 0.05 (< π_flip) CVaR is the worst case, and L1 + L2
(worst 350,000) is the best worst case.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from workbooks import Sheets, settings, with_rows, with_settings, write

from planner.app.cli import main
from planner.app.robust_run import RobustOptions, load_robust
from planner.app.run import RunOptions
from planner.case import Scenario
from planner.read.load import load_workbook_cases
from planner.results.outcome import ScenarioOutcome, solve_case
from planner.robust import values
from planner.robust.analysis import analyse
from planner.robust.choice import Choice, choose_plan
from planner.robust.evaluate import Evaluation, evaluate_in_scenario, evaluate_plans
from planner.robust.inputs import probabilities
from planner.robust.model import RobustSolve
from planner.robust.plan import Plan
from planner.robust.report import ROBUST, RobustReport
from planner.runtime.processes import ProcessMap
from planner.solve.result import SolveResult, Status

ROBUST_KEYS = {
    "planner_version",
    "input_file",
    "input_sha256",
    "status",
    "solver",
    "mip_gap",
    "solve_seconds",
    "objective",
    "expected_npv",
    "cvar",
    "worst_npv",
    "risk_weight",
    "cvar_alpha",
    "probabilities",
    "npv_by_scenario",
    "retools",
    "launched_products",
    "evpi",
    "vss",
    "regret",
    # version 1.2: what the shared plan is worth
    "status_quo_npv_by_scenario",
    "plan_value_by_scenario",
    "expected_plan_value",
}


def two_futures(p_base: float = 0.5, p_flip: float = 0.5) -> Sheets:
    products = [
        {
            "product_id": k,
            "segment": "kei",
            "powertrain": "ICE",
            "price": 20000,
            "variable_cost": 15000,
            "mpg": 40,
        }
        for k in ("K1", "K2")
    ]
    options = [
        {
            "option_id": o,
            "plant_id": "P1",
            "to_line_type": o,
            "capacity_added": 100,
            "capex": capex,
            "lead_time_years": 0,
        }
        for o, capex in (("L1", 100_000), ("L2", 100_000), ("FLEX", 250_000))
    ]
    return {
        "Settings": settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0),
        "Plants": [{"plant_id": "P1", "country": "US", "lat": 40.0, "lon": -85.0}],
        "PlantLines": [],
        "Products": products,
        "Compatibility": [
            {"line_type": "L1", "product_id": "K1"},
            {"line_type": "L2", "product_id": "K2"},
            {"line_type": "FLEX", "product_id": "K1"},
            {"line_type": "FLEX", "product_id": "K2"},
        ],
        "RetoolOptions": options,
        "Regions": [{"region_id": "R1", "country": "US", "lat": 41.0, "lon": -87.0}],
        "Demand": [
            {"region_id": "R1", "product_id": "K1", "year": 2030, "units": 100},
            {"region_id": "R1", "product_id": "K2", "year": 2030, "units": 10},
        ],
        "Freight": [{"plant_id": "P1", "region_id": "R1", "cost_per_unit": 0}],
        "Scenarios": [
            {"scenario_id": "base", "probability": p_base},
            {"scenario_id": "flip", "probability": p_flip},
        ],
        "ScenarioChanges": [
            change("flip", "Demand", "product_id=K1", "units", "set", 10),
            change("flip", "Demand", "product_id=K2", "units", "set", 100),
        ],
    }


def change(
    scenario: str, sheet: str, match: str, column: str, op: str, value: Any
) -> dict[str, Any]:
    return {
        "scenario_id": scenario,
        "sheet": sheet,
        "match": match,
        "column": column,
        "op": op,
        "value": value,
    }


def plan(*options: str, launched: tuple[str, ...] = ()) -> Plan:
    return Plan(frozenset((o, 2030) for o in options), frozenset(launched))


def report_of(
    tmp_path: Path,
    sheets: Sheets,
    risk_weight: float | None = None,
    alpha: float | None = None,
    sweep: tuple[float, ...] = (),
) -> RobustReport:
    """Robust mode without files: own runs from `solve_case`, all in this process."""
    path = write(tmp_path / "case.xlsx", sheets)
    cases, chances, risk = load_robust(
        path, RunOptions(jobs=1), RobustOptions(risk_weight, alpha, sweep)
    )
    own: dict[str, ScenarioOutcome | None] = {c.scenario_id: solve_case(c) for c in cases}
    return analyse(cases, chances, risk, own)


def test_robust_plan_differs_from_both_scenario_plans(tmp_path: Path) -> None:
    report = report_of(tmp_path, two_futures())
    assert report.plan == plan("L1", "L2")
    own = {j.label: j.plan for j in report.plans if j.role == "own"}
    assert own == {"base": plan("L1"), "flip": plan("L2")}
    assert report.objective == pytest.approx(350_000)
    assert report.npv_by_scenario == pytest.approx({"base": 350_000, "flip": 350_000})
    assert report.best == pytest.approx({"base": 400_000, "flip": 400_000})
    assert report.regret[ROBUST] == pytest.approx({"base": 50_000, "flip": 50_000})
    assert report.regret["base"] == pytest.approx({"base": 0, "flip": 450_000})
    assert report.evpi == pytest.approx(50_000)
    assert report.eev == pytest.approx(350_000)
    assert report.vss == pytest.approx(0, abs=1e-6)


def test_lambda_zero_objective_is_the_weighted_sum_of_scenario_npvs(tmp_path: Path) -> None:
    """The extensive form's own objective, as solved, against the plan re-solved in each."""
    report = report_of(tmp_path, two_futures(0.9, 0.1), risk_weight=0.0)
    assert report.plan == plan("L1")
    weighted = sum(
        report.probabilities[s] * npv
        for s, npv in report.npv_by_scenario.items()
        if npv is not None
    )
    assert report.solved_objective == pytest.approx(weighted, rel=1e-9)
    assert report.objective == pytest.approx(0.9 * 400_000 + 0.1 * -50_000)


def test_lambda_one_with_small_alpha_maximises_the_worst_case(tmp_path: Path) -> None:
    """Checked against every plan of the world judged in both scenarios (brute force)."""
    sheets = two_futures(0.9, 0.1)
    report = report_of(tmp_path, sheets, risk_weight=1.0, alpha=0.05)
    path = write(tmp_path / "all.xlsx", sheets)
    every = [
        plan(*chosen)
        for n in range(4)
        for chosen in itertools.combinations(("L1", "L2", "FLEX"), n)
    ]
    npvs = [
        [e.npv for e in evaluate_in_scenario(case, every)]
        for case in load_workbook_cases(path).cases
    ]
    worst = np.minimum(*np.asarray(npvs, dtype=float))
    assert report.plan == every[int(np.argmax(worst))] == plan("L1", "L2")
    assert report.worst_npv == pytest.approx(max(worst)) == pytest.approx(350_000)
    assert report.cvar == pytest.approx(report.worst_npv)
    assert report.objective == pytest.approx(350_000, rel=1e-6)


def test_vss_is_null_when_the_ev_plan_fails_in_a_scenario(tmp_path: Path) -> None:
    """flip may start at most one option (a hard rule), base three. The EV case allows
    (3 + 1) / 2 = 2 and takes L1 + L2, infeasible in flip: EEV and VSS are null, with a
    warning naming flip. With one option the robust plan is FLEX (250,000 in both, against
    175,000 expected for L1 or L2): EVPI = 400,000 − 250,000 = 150,000."""
    sheets = with_rows(
        two_futures(), "Policies", {"policy_id": "RETOOLS", "kind": "max_retools", "value": 3}
    )
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        change("flip", "Policies", "policy_id=RETOOLS", "value", "set", 1),
    )
    report = report_of(tmp_path, sheets)
    assert report.plan == plan("FLEX")
    ev = next(j for j in report.plans if j.label == "expected_value")
    assert ev.plan.starts == plan("L1", "L2").starts
    assert report.eev is None and report.vss is None
    assert any("expected-value plan is infeasible in flip" in w for w in report.warnings)
    assert report.evpi == pytest.approx(150_000)


def random_world(seed: int) -> Sheets:
    """Two years, two plants (US, MX with a 10 % tariff), a car and two kei cars with launch
    costs, four retool options, a soft EV-share rule; three scenarios scaling kei demand,
    capex, the tariff and the EV price by seeded random factors."""
    rng = np.random.default_rng(seed)
    years = (2030, 2031)
    sheets: Sheets = {
        "Settings": settings(first_year=2030, last_year=2031, discount_rate=0.05, mip_gap=0),
        "Plants": [
            {"plant_id": "US1", "country": "US", "lat": 40.0, "lon": -85.0},
            {"plant_id": "MX1", "country": "MX", "lat": 20.0, "lon": -100.0, "cost_index": 0.85},
        ],
        "PlantLines": [
            {"plant_id": "US1", "line_type": "UNIBODY", "capacity": 100},
            {"plant_id": "MX1", "line_type": "UNIBODY", "capacity": 60},
        ],
        "Products": [
            {
                "product_id": "CAR",
                "segment": "sedan",
                "powertrain": "ICE",
                "price": 20000,
                "variable_cost": 16000,
                "mpg": 30,
            },
            {
                "product_id": "KEI",
                "segment": "kei",
                "powertrain": "ICE",
                "price": 15000,
                "variable_cost": 11000,
                "mpg": 45,
                "launch_cost": 150_000,
            },
            {
                "product_id": "KEV",
                "segment": "kei",
                "powertrain": "EV",
                "price": 19000,
                "variable_cost": 14500,
                "mpg": 110,
                "launch_cost": 250_000,
            },
        ],
        "Compatibility": [
            {"line_type": "UNIBODY", "product_id": "CAR"},
            {"line_type": "KFLEX", "product_id": "KEI"},
            {"line_type": "KFLEX", "product_id": "KEV"},
            {"line_type": "KICE", "product_id": "KEI"},
        ],
        "RetoolOptions": [
            {
                "option_id": "US_CONV",
                "plant_id": "US1",
                "from_line_type": "UNIBODY",
                "to_line_type": "KFLEX",
                "capacity_added": 60,
                "capex": 300_000,
                "lead_time_years": 0,
            },
            {
                "option_id": "US_NEW",
                "plant_id": "US1",
                "to_line_type": "KICE",
                "capacity_added": 80,
                "capex": 450_000,
                "lead_time_years": 0,
            },
            {
                "option_id": "MX_NEW",
                "plant_id": "MX1",
                "to_line_type": "KFLEX",
                "capacity_added": 70,
                "capex": 350_000,
                "lead_time_years": 1,
            },
            {
                "option_id": "MX_CONV",
                "plant_id": "MX1",
                "from_line_type": "UNIBODY",
                "to_line_type": "KICE",
                "capacity_added": 50,
                "capex": 150_000,
                "lead_time_years": 0,
            },
        ],
        "Regions": [
            {"region_id": "EAST", "country": "US", "lat": 40.0, "lon": -75.0},
            {"region_id": "WEST", "country": "US", "lat": 37.0, "lon": -120.0, "group": "ZEV"},
        ],
        "Demand": [
            {
                "region_id": r,
                "product_id": k,
                "year": t,
                "units": round(float(rng.uniform(low, high))),
            }
            for r in ("EAST", "WEST")
            for k, low, high in (("CAR", 40, 90), ("KEI", 10, 60), ("KEV", 5, 40))
            for t in years
        ],
        "Freight": [
            {"plant_id": p, "region_id": r, "cost_per_unit": round(float(c))}
            for p in ("US1", "MX1")
            for r, c in zip(("EAST", "WEST"), rng.uniform(200, 900, size=2), strict=True)
        ],
        "Tariffs": [{"origin_country": "MX", "market_country": "US", "rate": 0.1}],
        "Policies": [
            {
                "policy_id": "ZEV",
                "kind": "ev_share_min",
                "value": 0.15,
                "regions": "group:ZEV",
                "mode": "soft",
                "penalty": 800,
            }
        ],
        "Scenarios": [{"scenario_id": s} for s in ("s1", "s2", "s3")],
    }
    changes = []
    for scenario in ("s1", "s2", "s3"):
        kei, capex, tariff, ev = rng.uniform([0.2, 0.6, 0.5, 0.8], [2.5, 1.6, 3.0, 1.3])
        changes += [
            change(scenario, "Demand", "product_id=KEI", "units", "multiply", round(kei, 2)),
            change(scenario, "RetoolOptions", "", "capex", "multiply", round(capex, 2)),
            change(scenario, "Tariffs", "", "rate", "multiply", round(tariff, 2)),
            change(scenario, "Products", "product_id=KEV", "price", "multiply", round(ev, 2)),
        ]
    return with_rows(sheets, "ScenarioChanges", *changes)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_evpi_and_vss_are_never_negative_and_own_plans_have_no_regret(
    tmp_path: Path, seed: int
) -> None:
    report = report_of(tmp_path, random_world(seed))
    scale = 1e-7 * max(abs(v) for v in report.best.values() if v is not None)
    assert report.status.value == "optimal"
    assert report.evpi is not None and report.evpi >= -scale
    assert report.vss is not None and report.vss >= -scale
    for scenario in report.scenario_ids:
        assert report.regret[scenario][scenario] == pytest.approx(0, abs=scale)
        regret = report.regret[ROBUST][scenario]
        assert regret is not None and regret >= -scale
    weighted = sum(report.probabilities[s] * (v or 0) for s, v in report.npv_by_scenario.items())
    assert report.solved_objective == pytest.approx(weighted, rel=1e-9)
    assert report.objective == pytest.approx(weighted, rel=1e-12)


def test_parallel_evaluation_matches_serial(tmp_path: Path) -> None:
    cases = load_workbook_cases(write(tmp_path / "w.xlsx", random_world(5))).cases
    plans = [plan(), Plan(frozenset({("US_CONV", 2030)}), frozenset({"KEI", "KEV"}))]
    serial = evaluate_plans(cases, plans, frozenset({1}))
    parallel = evaluate_plans(cases, plans, frozenset({1}), ProcessMap(2))

    def essence(found: dict[str, tuple[Evaluation, ...]]) -> dict[str, list[tuple[Any, ...]]]:
        return {s: [(e.status, e.npv, e.figures) for e in row] for s, row in found.items()}

    assert essence(parallel) == essence(serial)
    assert serial["base"][1].figures is not None and serial["base"][0].figures is None


def test_a_better_judged_plan_replaces_a_time_limited_incumbent() -> None:
    """The extensive form stopped with L1 (expected 175,000) under a bound of 360,000; L1 + L2
    (350,000 in both) is taken instead, with gap (360,000 − 350,000) / 350,000."""

    def row(base: float | None, flip: float | None) -> dict[str, Evaluation]:
        return {
            s: Evaluation(Status.OPTIMAL if v is not None else Status.INFEASIBLE, v, 0.0)
            for s, v in (("base", base), ("flip", flip))
        }

    table = {
        plan("L1"): row(400_000, -50_000),
        plan("L1", "L2"): row(350_000, 350_000),
        plan("FLEX"): row(250_000, None),
    }
    stopped = SolveResult(Status.FEASIBLE, "highs", 175_000, 360_000, 1.06, 1.0)
    chances = {"base": 0.5, "flip": 0.5}
    choice = choose_plan(RobustSolve(0.0, stopped, plan("L1")), table, chances, 0.1, 1e-4)
    assert isinstance(choice, Choice) and choice.plan == plan("L1", "L2")
    assert choice.objective == pytest.approx(350_000)
    assert choice.gap == pytest.approx(10_000 / 350_000)
    assert choice.status is Status.FEASIBLE
    proven = SolveResult(Status.OPTIMAL, "highs", 350_000, 350_000, 0.0, 1.0)
    choice = choose_plan(RobustSolve(0.0, proven, plan("L1", "L2")), table, chances, 0.1, 1e-4)
    assert choice is not None and choice.status is Status.OPTIMAL and choice.gap == 0


def test_probabilities_follow_the_spec() -> None:
    rows = [
        Scenario("base", "", None),
        Scenario("up", "", 0.3),
        Scenario("down", "", 0.3),
        Scenario("odd", "", None),
    ]
    assert probabilities(rows, ["base", "up", "down", "odd"]) == pytest.approx(
        {"base": 0.2, "up": 0.3, "down": 0.3, "odd": 0.2}
    )
    assert probabilities(rows, ["up", "odd"]) == pytest.approx({"up": 0.6, "odd": 0.4})
    none = [Scenario("base", "", None), Scenario("a", "", None)]
    assert probabilities(none, ["base", "a"]) == {"base": 0.5, "a": 0.5}
    over = [Scenario("base", "", None), Scenario("a", "", 1.5)]
    assert probabilities(over, ["base", "a"]) == {"base": 0.0, "a": 1.0}
    assert probabilities(over, ["base"]) == {"base": 1.0}  # all zero: equal, with a warning


def test_mean_value_case_is_built_cell_by_cell(tmp_path: Path) -> None:
    """π = 0.25 base, 0.75 flip: K1 units 0.25·100 + 0.75·10 = 32.5; a price set only in flip
    is blank in base, so flip's (the most probable) holds; whole numbers (lead time) and text
    (segment) come from flip too."""
    sheets = two_futures(0.25, 0.75)
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        change("flip", "Demand", "product_id=K1", "price", "set", 21000),
        change("flip", "RetoolOptions", "option_id=FLEX", "lead_time_years", "set", 1),
        change("flip", "Products", "product_id=K2", "segment", "set", "mini"),
        change("flip", "Products", "product_id=K2", "price", "multiply", 1.1),
    )
    path = write(tmp_path / "ev.xlsx", sheets)
    cases = load_workbook_cases(path).cases
    mean = values.mean_value_case(cases, [0.25, 0.75])
    demand = {d.product_id: d for d in mean.demand}
    assert demand["K1"].units == pytest.approx(32.5)
    assert demand["K2"].units == pytest.approx(0.25 * 10 + 0.75 * 100)
    assert demand["K1"].price == 21000
    options = {o.option_id: o for o in mean.options}
    assert options["FLEX"].lead_time_years == 1 and options["L1"].lead_time_years == 0
    products = {p.product_id: p for p in mean.products}
    assert products["K2"].segment == "mini"
    assert products["K2"].price == pytest.approx(0.25 * 20000 + 0.75 * 22000)
    assert mean.scenario_id == values.EV_SCENARIO


def test_cvar_is_the_tail_mean() -> None:
    npv = {"a": 100.0, "b": 50.0, "c": -20.0}
    chances = {"a": 0.5, "b": 0.3, "c": 0.2}
    assert values.cvar(npv, chances, 0.1) == pytest.approx(-20)
    assert values.cvar(npv, chances, 0.4) == pytest.approx((0.2 * -20 + 0.2 * 50) / 0.4)
    assert values.cvar(npv, chances, 1.0) == pytest.approx(values.expected(npv, chances))


def run_cli(path: Path, tmp_path: Path, *extra: str) -> int:
    return main(
        [
            "run",
            str(path),
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "1",
            "--quiet",
            "--robust",
            *extra,
        ]
    )


def test_cli_writes_robust_files_with_the_spec_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "two.xlsx", two_futures())
    assert run_cli(path, tmp_path, "--risk-weights", "0,1", "--cvar-alpha", "0.5") == 0
    folder = tmp_path / "out" / "two"
    summary = json.loads((folder / "robust.json").read_text())
    assert set(summary) == ROBUST_KEYS
    assert [r["option_id"] for r in summary["retools"]] == ["L1", "L2"]
    assert summary["cvar_alpha"] == 0.5 and summary["risk_weight"] == 0
    assert summary["regret"]["robust"] == pytest.approx({"base": 50_000, "flip": 50_000})
    assert summary["evpi"] == pytest.approx(50_000)
    for name in ("base.json", "flip.json", "base.xlsx", "flip.xlsx", "robust.xlsx"):
        assert (folder / name).exists()
    from openpyxl import load_workbook

    book = load_workbook(folder / "robust.xlsx")
    assert {"Summary", "Plan", "Scenarios", "Regret", "Charts", "Frontier"} <= set(book.sheetnames)
    assert book["Frontier"]["A4"].value == 0 and book["Frontier"]["A5"].value == 1


def test_robust_mode_reads_the_workbook_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The robust checks, the scenario runs and robust mode share one read of the file."""
    import planner.read.load
    import planner.read.xlsx as reader

    reads: list[Path] = []
    original = reader.read_workbook

    def counted(path: Path) -> Any:
        reads.append(path)
        return original(path)

    monkeypatch.setattr(reader, "read_workbook", counted)
    monkeypatch.setattr(planner.read.load, "read_workbook", counted)
    path = write(tmp_path / "two.xlsx", two_futures())
    assert run_cli(path, tmp_path) == 0
    assert reads == [path]
    assert (tmp_path / "out" / "two" / "robust.json").exists()


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            change("flip", "RetoolOptions", "option_id=FLEX", "latest_start", "set", 2029),
            "start window of option FLEX",
        ),
        (change("flip", "RetoolOptions", "option_id=L1", "plant_id", "set", "P2"), "plant_id"),
        (change("flip", "Settings", "key=risk_weight", "value", "set", 0.5), "risk_weight"),
        (change("flip", "Settings", "key=last_year", "value", "set", 2031), "last_year"),
    ],
)
def test_changes_robust_mode_cannot_share_are_input_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: dict[str, Any], needle: str
) -> None:
    sheets = with_settings(two_futures(), risk_weight=0)
    sheets = with_rows(
        sheets, "Plants", {"plant_id": "P2", "country": "US", "lat": 40.0, "lon": -80.0}
    )
    path = write(tmp_path / "bad.xlsx", with_rows(sheets, "ScenarioChanges", extra))
    assert run_cli(path, tmp_path) == 2
    err = capsys.readouterr().err
    assert "ScenarioChanges!" in err and "4" in err.split("ScenarioChanges!")[1][:3]
    assert needle in err
    assert not (tmp_path / "out").exists()


def test_a_change_that_keeps_the_effective_window_is_accepted(tmp_path: Path) -> None:
    extra = change("flip", "RetoolOptions", "option_id=FLEX", "earliest_start", "set", 2020)
    path = write(tmp_path / "ok.xlsx", with_rows(two_futures(), "ScenarioChanges", extra))
    assert run_cli(path, tmp_path) == 0


def test_scenario_infeasible_alone_exits_3_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """flip needs 500 K2 with at most 300 units of lines: infeasible on its own."""
    sheets = with_rows(
        two_futures(),
        "Policies",
        {"policy_id": "K2MIN", "kind": "min_units", "value": 0, "products": "K2"},
    )
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        change("flip", "Policies", "policy_id=K2MIN", "value", "set", 500),
    )
    path = write(tmp_path / "alone.xlsx", sheets)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--jobs", "1", "--robust"]) == 3
    summary = json.loads((tmp_path / "out" / "alone" / "robust.json").read_text())
    assert summary["status"] == "infeasible" and summary["retools"] == []
    assert "flip is infeasible on its own" in capsys.readouterr().err


def test_no_shared_plan_exits_3_with_the_joint_diagnosis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An old 10-unit L1 line; base must sell 100 K1 (so must build L1 or FLEX); flip may
    retool nothing. Each is feasible alone, no plan suits both: the diagnosis relaxes one of
    the two rules."""
    sheets = with_rows(
        two_futures(), "PlantLines", {"plant_id": "P1", "line_type": "L1", "capacity": 10}
    )
    sheets = with_rows(
        sheets,
        "Policies",
        {"policy_id": "K1MIN", "kind": "min_units", "value": 100, "products": "K1"},
        {"policy_id": "NORETOOL", "kind": "max_retools", "value": 3},
    )
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        change("flip", "Policies", "policy_id=K1MIN", "value", "set", 0),
        change("flip", "Policies", "policy_id=NORETOOL", "value", "set", 0),
    )
    path = write(tmp_path / "joint.xlsx", sheets)
    assert run_cli(path, tmp_path) == 3
    summary = json.loads((tmp_path / "out" / "joint" / "robust.json").read_text())
    assert summary["status"] == "infeasible"
    assert json.loads((tmp_path / "out" / "joint" / "base.json").read_text())["status"] == "optimal"
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "out" / "joint" / "robust.xlsx")["Diagnosis"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "K1MIN" in cells or "NORETOOL" in cells


@pytest.mark.parametrize(
    "flag", [["--risk-weight", "1.5"], ["--cvar-alpha", "0"], ["--risk-weights", "0,x"]]
)
def test_bad_risk_options_exit_2(tmp_path: Path, flag: list[str]) -> None:
    path = write(tmp_path / "two.xlsx", two_futures())
    with pytest.raises(SystemExit) as stopped:
        run_cli(path, tmp_path, *flag)
    assert stopped.value.code == 2
