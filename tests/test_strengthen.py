"""The cut pool (model/cuts.py) and the strengthened HiGHS path (solve/strengthen.py).

A cut that removed an integer-feasible plan would change optima: each generated case is solved
without the pool and every cut must hold at that optimum, and both paths must agree on NPV.
The hand case shows what the cuts are for: the contract relaxation opens 10 % of a line for 10 %
of its capex; the open_link cut makes the relaxation's bound the true optimum.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from pathlib import Path

import highspy
import numpy as np
import pytest
from workbooks import settings, write

from planner.bench.generate import SizeSpec, write_workbook
from planner.model.build import build_model
from planner.model.lp import LinearProgram, LPArrays
from planner.read.load import load_workbook_cases
from planner.solve import highs, solve
from planner.solve.highs_model import new_highs, to_highs_lp
from planner.solve.result import SolveResult, Status, relative_gap
from planner.solve.strengthen import (
    FEW_FREE,
    Duals,
    Root,
    fixings,
    lagrangian,
    left_free,
    restricted,
    separate,
    stop_at_target,
    target_objective,
)


def new_plant_case() -> dict[str, list[dict[str, object]]]:
    """P1 holds only a TRUCK line (no CAR); option OPEN adds 100 CAR units at P2 for $500.

    Margin 110 − 10 (freight) = 100 $/unit on a demand of 10: NPV = 1000 − 500 = 500 with the
    line, 0 without. The contract relaxation takes z = 10/100 = 0.1: 1000 − 50 = 950.
    """
    return {
        "Settings": settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0),
        "Plants": [
            {"plant_id": "P1", "country": "US", "lat": 40.0, "lon": -85.0},
            {"plant_id": "P2", "country": "US", "lat": 41.0, "lon": -86.0},
        ],
        "PlantLines": [{"plant_id": "P1", "line_type": "TRUCK", "capacity": 50}],
        "Products": [
            {
                "product_id": "CAR",
                "segment": "sedan",
                "powertrain": "ICE",
                "price": 110,
                "variable_cost": 0,
                "mpg": 30,
            },
            {
                "product_id": "PICKUP",
                "segment": "truck",
                "powertrain": "ICE",
                "price": 110,
                "variable_cost": 200,
                "mpg": 20,
            },
        ],
        "Compatibility": [
            {"line_type": "UNIBODY", "product_id": "CAR"},
            {"line_type": "TRUCK", "product_id": "PICKUP"},
        ],
        "RetoolOptions": [
            {
                "option_id": "OPEN",
                "plant_id": "P2",
                "to_line_type": "UNIBODY",
                "capacity_added": 100,
                "capex": 500,
                "lead_time_years": 0,
                "earliest_start": 2030,
                "latest_start": 2030,
            }
        ],
        "Regions": [{"region_id": "R1", "country": "US", "lat": 41.0, "lon": -87.0}],
        "Demand": [
            {"region_id": "R1", "product_id": "CAR", "year": 2030, "units": 10},
            {"region_id": "R1", "product_id": "PICKUP", "year": 2030, "units": 10},
        ],
        "Freight": [
            {"plant_id": "P1", "region_id": "R1", "cost_per_unit": 10},
            {"plant_id": "P2", "region_id": "R1", "cost_per_unit": 10},
        ],
    }


def relaxation_value(lp: LPArrays) -> float:
    highs = new_highs()
    relaxation = to_highs_lp(lp)
    relaxation.integrality_ = []
    highs.passModel(relaxation)
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(highs.getInfo().objective_function_value)


def test_open_link_makes_the_relaxation_exact(tmp_path: Path) -> None:
    case = load_workbook_cases(write(tmp_path / "w.xlsx", new_plant_case())).cases[0]
    lp = build_model(case).lp
    assert lp.cuts is not None
    assert lp.cuts.names == ("open_link[P2,CAR,R1,2030]",)
    assert relaxation_value(lp) == pytest.approx(950.0)
    root = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    assert root is not None
    assert root.bound == pytest.approx(500.0)
    assert root.cuts_added == 1
    result = solve(lp, "highs", time_limit=60, mip_gap=0.0)
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(500.0)
    assert result.bound == pytest.approx(500.0)


def test_an_integral_relaxation_is_the_answer_without_a_mip(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With its open_link cut the relaxation of the new-plant case opens the line (z = 1):
    an integral solution at the bound is an optimum, returned without any MIP run."""
    case = load_workbook_cases(write(tmp_path / "w.xlsx", new_plant_case())).cases[0]
    lp = build_model(case).lp
    with caplog.at_level(logging.INFO, logger="planner.solve.highs"):
        result = solve(lp, "highs", time_limit=60, mip_gap=0.0)
    assert "solution is integral: optimal without a MIP" in caplog.text
    assert "incumbent" not in caplog.text  # no HiGHS MIP ran
    assert result.status is Status.OPTIMAL and result.values is not None
    assert result.objective == pytest.approx(500.0) and result.bound == pytest.approx(500.0)
    assert result.values[lp.col_names.index("z[OPEN,2030]")] == 1.0


def test_separation_past_its_deadline_keeps_the_last_solved_relaxation(tmp_path: Path) -> None:
    case = load_workbook_cases(write(tmp_path / "w.xlsx", new_plant_case())).cases[0]
    lp = build_model(case).lp
    assert lp.cuts is not None
    root = separate(lp, lp.cuts, new_highs(), deadline=time.perf_counter())
    assert root is not None
    assert root.cuts_added == 0
    assert root.bound == pytest.approx(950.0)  # the contract relaxation: still a proven bound
    assert root.lp.num_rows == lp.num_rows


def test_launch_link_lists_each_sale_of_a_launched_product(tmp_path: Path) -> None:
    sheets = new_plant_case()
    sheets["Products"][0]["launch_cost"] = 100
    case = load_workbook_cases(write(tmp_path / "w.xlsx", sheets)).cases[0]
    lp = build_model(case).lp
    assert lp.cuts is not None
    assert set(lp.cuts.names) == {"open_link[P2,CAR,R1,2030]", "launch_link[P2,CAR,R1,2030]"}
    # s ≤ 10·z and s ≤ 10·y: the relaxation pays all of capex and launch cost
    root = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    assert root is not None
    assert root.bound == pytest.approx(1000.0 - 500.0 - 100.0)


GENERATED = [SizeSpec(f"gen{seed}", 6, 8, 4, 5, 12, seed=seed) for seed in (1, 2, 3)]


@pytest.mark.parametrize("spec", GENERATED, ids=lambda spec: spec.name)
def test_cuts_hold_at_the_optimum_of_the_spec_model(tmp_path: Path, spec: SizeSpec) -> None:
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = build_model(case).lp
    pool = lp.cuts
    assert pool is not None and pool.size > 0
    plain = solve(replace(lp, cuts=None), "highs", time_limit=120, mip_gap=0.0)
    assert plain.status is Status.OPTIMAL and plain.values is not None
    slack = pool.upper - pool.matrix @ plain.values
    assert slack.min() >= -1e-6 * max(1.0, float(np.abs(pool.matrix).max()))
    root = separate(lp, pool, new_highs(), deadline=math.inf)
    assert root is not None and root.cuts_added > 0
    assert plain.objective is not None
    assert plain.objective <= root.bound + 1e-9 * abs(root.bound) < relaxation_value(lp)


@pytest.mark.parametrize("spec", GENERATED, ids=lambda spec: spec.name)
@pytest.mark.parametrize("mip_gap", [0.0, 1e-3])
def test_the_strengthened_path_finds_the_spec_optimum(
    tmp_path: Path,
    spec: SizeSpec,
    mip_gap: float,
    caplog: pytest.LogCaptureFixture,
) -> None:
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = build_model(case).lp
    plain = solve(replace(lp, cuts=None), "highs", time_limit=120, mip_gap=0.0)
    assert plain.objective is not None
    with caplog.at_level(logging.INFO, logger="planner.solve"):
        result = solve(lp, "highs", time_limit=120, mip_gap=mip_gap)
    assert "strengthened relaxation" in caplog.text
    assert result.status is Status.OPTIMAL
    assert result.objective is not None and result.bound is not None and result.gap is not None
    assert result.gap <= mip_gap + 1e-9
    assert result.objective <= plain.objective * (1 + 1e-9)
    assert result.objective >= plain.objective * (1 - mip_gap - 1e-9)
    assert result.bound >= plain.objective * (1 - 1e-9)


@pytest.mark.parametrize("spec", GENERATED[:1], ids=lambda spec: spec.name)
def test_a_mip_stops_once_its_bound_cannot_reach_the_target(tmp_path: Path, spec: SizeSpec) -> None:
    """A target above the LP relaxation's value: no plan can reach it, so the run stops at
    its first bound below the target instead of proving its own optimum (which it does, to
    status optimal, when only reaching the target stops it)."""
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = replace(build_model(case).lp, cuts=None)
    target = relaxation_value(lp) * (1 + 1e-3)
    run = new_highs()
    run.setOptionValue("mip_rel_gap", 0.0)
    stop_at_target(run, target)
    run.passModel(to_highs_lp(lp))
    run.run()
    assert run.getModelStatus() == highspy.HighsModelStatus.kInterrupt
    assert run.getInfo().mip_dual_bound < target


# gen1 and gen3: stopped at once, the run ends 3.7 % and 7.1 % below the optimum
@pytest.mark.parametrize("spec", [GENERATED[0], GENERATED[2]], ids=lambda spec: spec.name)
def test_a_hopeless_mip_with_an_own_gap_goes_on_to_a_plan_within_it(
    tmp_path: Path, spec: SizeSpec
) -> None:
    """The same unreachable target with `own_gap` 0: a bound below the target ends the run
    only once its plan is within that gap of its own bound (a worse one would be a poor
    start for the fixed model: capa-8000), here its optimum."""
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = replace(build_model(case).lp, cuts=None)
    optimum = solve(lp, "highs", time_limit=120, mip_gap=0.0).objective
    assert optimum is not None
    run = new_highs()
    run.setOptionValue("mip_rel_gap", 0.0)
    stop_at_target(run, relaxation_value(lp) * (1 + 1e-3), own_gap=0.0)
    run.passModel(to_highs_lp(lp))
    run.run()
    assert run.getModelStatus() in (
        highspy.HighsModelStatus.kInterrupt,
        highspy.HighsModelStatus.kOptimal,
    )
    assert run.getInfo().objective_function_value == pytest.approx(optimum, rel=1e-9)


@pytest.mark.parametrize("bound", [8.5e11, 1234.5, -2.0e6])
@pytest.mark.parametrize("gap", [0.0, 1e-5, 1e-3])
def test_target_objective_is_the_least_objective_within_the_gap(bound: float, gap: float) -> None:
    target = target_objective(bound, gap)
    measured = relative_gap(target, bound)
    assert measured is not None
    assert measured <= gap + 1e-12 or bound - target <= 1e-6
    assert target <= bound


def test_the_restricted_mip_frees_the_binaries_in_use_then_their_options() -> None:
    lp = LinearProgram()
    for name, group in (("z[A,2030]", "A"), ("z[A,2031]", "A"), ("z[B,2030]", "B"), ("y[K]", None)):
        lp.add_binary(name, group=group)
    lp.add_column("s")
    root = Root(lp.freeze(), np.array([0.4, 0.0, 0.0, 0.0, 3.0]), bound=0.0, cuts_added=0)
    assert restricted(root, None, False).col_upper.tolist() == [1.0, 0.0, 0.0, 0.0, math.inf]
    assert restricted(root, None, True).col_upper.tolist() == [1.0, 1.0, 0.0, 0.0, math.inf]
    kept = restricted(root, {2: 1.0, 3: 0.0}, True)  # a MIP start using B
    assert kept.col_upper.tolist() == [1.0, 1.0, 1.0, 0.0, math.inf]


@pytest.mark.parametrize(
    ("bound", "expected"),
    [(None, False), (1000.0, True), (999.1, True), (998.9, False)],
)
def test_whole_options_are_tried_only_when_the_first_bound_is_a_gap_short(
    bound: float | None, expected: bool
) -> None:
    """Target 1000 at gap 1e-3: a first restricted MIP whose bound is at least 1000 / 1.001
    (999.001) may hold the best plan, and the contract model proves the rest; 998.9 is further off
    (no bound: a run that stopped without one is not near)."""
    first = SolveResult(Status.FEASIBLE, "highs", 990.0, bound, None, 0.0, np.zeros(1))
    assert highs._near_target(first, 1000.0, 1e-3) is expected


def lp_optimum(lp: LPArrays) -> tuple[float, np.ndarray]:
    """The LP relaxation's value and row duals, as HiGHS reports them."""
    run = new_highs()
    relaxation = to_highs_lp(lp)
    relaxation.integrality_ = []
    run.passModel(relaxation)
    run.run()
    assert run.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(run.getInfo().objective_function_value), np.asarray(run.getSolution().row_dual)


@pytest.mark.parametrize("spec", GENERATED, ids=lambda spec: spec.name)
def test_the_lagrangian_bound_holds_for_any_duals(tmp_path: Path, spec: SizeSpec) -> None:
    """With HiGHS's duals it equals the relaxation's value; with duals of the wrong sign or
    scale it is weaker, never below a plan: every integer optimum x has
    objective·x ≤ bound − Σ|reduced|·|x − at| (weak duality)."""
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = replace(build_model(case).lp, cuts=None)
    value, duals = lp_optimum(lp)
    exact = lagrangian(lp, duals)
    assert exact is not None
    assert exact.bound == pytest.approx(value, rel=1e-9)
    plain = solve(lp, "highs", time_limit=120, mip_gap=0.0)
    assert plain.values is not None and plain.objective is not None
    rng = np.random.default_rng(spec.seed)
    for duals_tried in (duals, duals * rng.uniform(0.5, 1.5, duals.size), -duals):
        found = lagrangian(lp, duals_tried)
        if found is None:  # a reduced cost towards an infinite bound: no bound claimed
            continue
        binaries = np.flatnonzero(lp.integer)
        at = (found.reduced[binaries] > 0).astype(float)
        distance = np.abs(plain.values[binaries] - at)
        assert found.bound >= value * (1 - 1e-12)
        penalty = float(np.abs(found.reduced[binaries]) @ distance)
        assert plain.objective <= found.bound - penalty + 1e-7 * abs(found.bound)


@pytest.mark.parametrize("spec", GENERATED, ids=lambda spec: spec.name)
def test_reduced_cost_fixing_keeps_every_plan_above_its_threshold(
    tmp_path: Path, spec: SizeSpec
) -> None:
    """Fixed at the optimum's own value as the threshold, the fixed model still holds a plan
    worth the optimum, and every plan it cuts off is worth less (excluded_bound)."""
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = build_model(case).lp
    assert lp.cuts is not None
    plain = solve(replace(lp, cuts=None), "highs", time_limit=120, mip_gap=0.0)
    assert plain.objective is not None
    root = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    assert root is not None
    fixing = fixings(root, plain.objective, None)
    assert fixing is not None and fixing.fixed > 0
    assert fixing.excluded_bound < plain.objective
    fixed = solve(replace(fixing.lp, cuts=None), "highs", time_limit=120, mip_gap=0.0)
    assert fixed.objective == pytest.approx(plain.objective, rel=1e-9)


@pytest.mark.parametrize("spec", GENERATED, ids=lambda spec: spec.name)
def test_left_free_counts_the_binaries_fixing_leaves(tmp_path: Path, spec: SizeSpec) -> None:
    """What the first restricted MIP's stop rule counts is what the fixing leaves: every
    binary below a threshold no plan can miss, only those without a reduced cost above the
    bound, fewer the lower the threshold rises."""
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = build_model(case).lp
    assert lp.cuts is not None
    root = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    assert root is not None and root.duals is not None
    binaries = np.flatnonzero(root.lp.integer & (root.lp.col_upper > root.lp.col_lower))
    assert left_free(root, -math.inf) == binaries.size
    no_reduced_cost = int(np.count_nonzero(root.duals.reduced[binaries] == 0.0))
    assert left_free(root, root.duals.bound + 1.0) == no_reduced_cost < binaries.size
    counts = []
    for share in (0.1, 1e-2, 1e-3, 1e-4, 0.0):
        threshold = root.bound * (1 - share)
        fixing = fixings(root, threshold, None)
        assert fixing is not None
        free = fixing.lp.col_upper[binaries] > fixing.lp.col_lower[binaries]
        assert left_free(root, threshold) == np.count_nonzero(free)
        counts.append(np.count_nonzero(free))
    assert counts == sorted(counts, reverse=True)


def test_the_few_free_rule_needs_something_fixed() -> None:
    """On a model of at most FEW_FREE binaries a plan near the bound is not enough when no
    reduced cost fixes anything; it is once one does."""
    lp = LinearProgram()
    for name in ("z[A,2030]", "z[B,2030]", "y[K]"):
        lp.add_binary(name)
    frozen = lp.freeze()
    values = np.array([0.5, 0.0, 1.0])

    def rule(reduced: list[float]) -> bool:
        duals = Duals(bound=100.0, reduced=np.asarray(reduced))
        root = Root(frozen, values, bound=100.0, cuts_added=0, duals=duals, seconds=0.0)
        return highs._few_left_free(root, 1e-3)(99.99)

    assert not rule([0.0, 0.0, 0.0])
    assert rule([0.0, -50.0, 0.0])  # z[B] at 0 is worth 50 more than any plan with it at 1


@pytest.mark.parametrize("spec", GENERATED[:1], ids=lambda spec: spec.name)
def test_a_plan_the_stop_rule_accepts_ends_the_mip(tmp_path: Path, spec: SizeSpec) -> None:
    """`enough` ends the run at the first plan it accepts, short of the target (the optimum
    itself, which the run would otherwise prove)."""
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    lp = replace(build_model(case).lp, cuts=None)
    optimum = solve(lp, "highs", time_limit=120, mip_gap=0.0).objective
    assert optimum is not None
    accepted: list[float] = []

    def enough(objective: float) -> bool:
        accepted.append(objective)
        return True

    run = new_highs()
    run.setOptionValue("mip_rel_gap", 0.0)
    stop_at_target(run, optimum, enough=enough)
    run.passModel(to_highs_lp(lp))
    run.run()
    assert run.getModelStatus() == highspy.HighsModelStatus.kInterrupt
    # HiGHS stops at its next interrupt check: a plan found before it is the last accepted
    assert accepted and run.getInfo().objective_function_value == pytest.approx(accepted[-1])
    assert accepted[-1] < optimum * (1 - 1e-3)


def solve_logged(
    spec: SizeSpec, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> tuple[LPArrays, SolveResult]:
    """The generated size solved at gap 1e-3 with the solver's INFO log captured."""
    case = load_workbook_cases(write_workbook(spec, tmp_path / "m.xlsx")).cases[0]
    lp = build_model(case).lp
    with caplog.at_level(logging.INFO, logger="planner.solve"):
        return lp, solve(lp, "highs", time_limit=300, mip_gap=1e-3)


def assert_optimal_within(result: SolveResult, optimum: float, mip_gap: float) -> None:
    """Optimal within the gap of a known optimum, its bound above it."""
    assert result.status is Status.OPTIMAL
    assert result.objective is not None and result.bound is not None and result.gap is not None
    assert result.gap <= mip_gap
    assert result.objective >= optimum * (1 - mip_gap)
    assert result.bound >= optimum * (1 - 1e-9)


def test_a_first_plan_that_leaves_few_binaries_free_goes_to_the_fixed_model(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """medium-s2: the first restricted MIP's plan 0.2 % off lets reduced costs leave 79 of 247
    binaries free; the run hands it to the fixed model then (the restricted MIP stalled on for
    as long again), and the answer is the optimum within the gap (238,579,679,752, HiGHS at
    gap 0 on the contract model)."""
    from planner.bench.generate import SIZES

    lp, result = solve_logged(SIZES["medium-s2"], tmp_path, caplog)
    assert "leaves few binaries free" in caplog.text
    assert "reduced costs fix" in caplog.text
    assert_optimal_within(result, 238_579_679_752, 1e-3)
    assert lp.num_integer > FEW_FREE  # the rule, not the size, ended the restricted MIP


def test_reduced_cost_fixing_proves_a_gap_the_root_bound_cannot(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """medium's strengthened bound is 0.24 % above its optimum, more than the 0.1 % gap: the
    restricted MIP's plan cannot be proven from it. The model with the binaries reduced costs
    fix (about two thirds of them) proves it, and the reported bound stays above the optimum
    (254,615,816,607, HiGHS at gap 1e-6 on the contract model)."""
    from planner.bench.generate import SIZES

    _, result = solve_logged(SIZES["medium"], tmp_path, caplog)
    assert "reduced costs fix" in caplog.text
    assert_optimal_within(result, 254_615_816_607, 1e-3)


def test_a_seeded_joint_relaxation_starts_from_each_scenarios_own_cuts(tmp_path: Path) -> None:
    """Robust mode: each scenario's binding cuts, found on its own model, become rows of the
    joint relaxation's first solve under their prefixed names, in every scenario's block; the
    bound and the optimum are those of the unseeded path (every seed is a pool cut, so
    valid)."""
    from planner.case import Scenario
    from planner.robust.model import build_extensive, own_binding_cuts, seeded

    case = load_workbook_cases(write_workbook(GENERATED[0], tmp_path / "g.xlsx")).cases[0]
    twin = replace(case, scenario=Scenario("twin", "the same case again", None))
    form = build_extensive([case, twin], [0.5, 0.5], 0.1, False)
    names = {c.scenario_id: own_binding_cuts(c) for c in (case, twin)}
    assert names["base"] and names["twin"] == names["base"]
    seeded_form = seeded(form, names)
    pool = seeded_form.lp.cuts
    assert pool is not None and pool.seeded is not None
    assert int(pool.seeded.sum()) == 2 * len(names["base"])
    assert {pool.names[i] for i in np.flatnonzero(pool.seeded)} == {
        f"{s}.{n}" for s, found in names.items() for n in found
    }
    assert form.lp.cuts is not None
    plain_root = separate(form.at(0.0), form.lp.cuts, new_highs(), deadline=math.inf)
    seeded_root = separate(seeded_form.at(0.0), pool, new_highs(), deadline=math.inf)
    assert plain_root is not None and seeded_root is not None
    assert seeded_root.bound == pytest.approx(plain_root.bound, rel=1e-9)
    plain = solve(form.at(0.0), "highs", time_limit=120, mip_gap=0.0)
    with_seeds = solve(seeded_form.at(0.0), "highs", time_limit=120, mip_gap=0.0)
    assert with_seeds.objective == pytest.approx(plain.objective, rel=1e-9)
    # a cut only one scenario's own run kept seeds the other's block too
    first, second = names["base"][:1], names["base"][1:2]
    pool = seeded(form, {"base": first, "twin": second}).lp.cuts
    assert pool is not None and pool.seeded is not None
    assert {pool.names[i] for i in np.flatnonzero(pool.seeded)} == {
        f"{s}.{n}" for s in ("base", "twin") for n in (*first, *second)
    }


def test_an_extensive_form_separates_with_max_value_scaling(tmp_path: Path) -> None:
    """Robust mode's joint model knows it has a block per scenario (through the objective of
    each λ and the seeds); its cutting-plane loop, and only its, uses HiGHS's max-value
    scaling (BLOCK_SEPARATION_OPTIONS: the sample's first joint solve 14 -> 9 s), with the
    same bound as the default scaling."""
    from planner.case import Scenario
    from planner.robust.model import build_extensive, seeded

    case = load_workbook_cases(write_workbook(GENERATED[0], tmp_path / "g.xlsx")).cases[0]
    twin = replace(case, scenario=Scenario("twin", "the same case again", None))
    form = build_extensive([case, twin], [0.5, 0.5], 0.1, True)
    own = build_model(case).lp
    assert own.blocks == 1 and form.lp.blocks == 2
    assert form.at(0.3).blocks == seeded(form, {"base": ()}).lp.blocks == 2

    def option(instance: highspy.Highs, name: str) -> object:
        return instance.getOptionValue(name)[1]  # (status, value)

    scaling = "simplex_scale_strategy"
    default = option(new_highs(), scaling)
    assert option(highs._separation_highs(own, None, None), scaling) == default
    joint = highs._separation_highs(form.at(0.0), None, highs.PARALLEL_DUAL_SIMPLEX)
    assert highs.BLOCK_SEPARATION_OPTIONS[scaling] != default
    assert option(joint, scaling) == highs.BLOCK_SEPARATION_OPTIONS[scaling]
    assert option(joint, "simplex_strategy") == highs.PARALLEL_DUAL_SIMPLEX
    assert form.lp.cuts is not None
    scaled = separate(form.at(0.0), form.lp.cuts, joint, deadline=math.inf)
    plain = separate(form.at(0.0), form.lp.cuts, new_highs(), deadline=math.inf)
    assert scaled is not None and plain is not None
    assert scaled.bound == pytest.approx(plain.bound, rel=1e-9)


def test_robust_mode_seeds_with_the_cuts_each_own_run_kept(tmp_path: Path) -> None:
    """A scenario's own run keeps its binding cuts (pool cuts of its model, the same
    whichever process solved it); robust mode separates again only where an own run has none
    (failed, or solved by CBC)."""
    from planner.case import Scenario
    from planner.results.outcome import solve_case
    from planner.robust.analysis import _own_cuts

    case = load_workbook_cases(write_workbook(GENERATED[0], tmp_path / "g.xlsx")).cases[0]
    twin = replace(case, scenario=Scenario("twin", "the same case again", None))
    outcome = solve_case(case)
    kept = outcome.binding_cuts
    pool = build_model(case).lp.cuts
    assert kept and pool is not None and set(kept) <= set(pool.names)
    separated: list[str] = []

    def recording_map(work, items, limit_s=None):  # type: ignore[no-untyped-def]
        separated.extend(c.scenario_id for c in items)
        return [work(item) for item in items]

    cuts = _own_cuts([case, twin], {"base": outcome, "twin": None}, recording_map)
    assert separated == ["twin"]
    assert cuts["base"] == kept and cuts["twin"] and set(cuts["twin"]) <= set(pool.names)
    cbc = solve_case(replace(case, settings=replace(case.settings, solver="cbc")))
    assert cbc.binding_cuts is None


@pytest.mark.parametrize("scenario", ["no_zev", "kei_demand_high"])
def test_rounding_in_the_reduced_costs_does_not_cost_the_fixing(scenario: str) -> None:
    """On these sample scenarios c − Aᵀy leaves up to 5e-9 $ per unit on columns without an
    upper bound, rounding on terms of 1e3–1e5: the Lagrangian bound must still be there (an
    absolute 1e-9 tolerance lost it) and equal the relaxation's value."""
    sample = Path(__file__).resolve().parents[1] / "inputs" / "us_kei.xlsx"
    case = load_workbook_cases(sample, [scenario]).cases[0]
    lp = build_model(case).lp
    assert lp.cuts is not None
    root = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    assert root is not None and root.duals is not None
    # a bound, and a tight one: above the value by the rounding margin only
    assert root.bound <= root.duals.bound <= root.bound * (1 + 1e-11)


def test_a_round_cut_short_by_the_deadline_leaves_the_last_solved_one(tmp_path: Path) -> None:
    """The deadline ends a round inside HiGHS after its cuts became rows: the root is the
    round before, its duals matched to that round's rows (robust mode on the sample at a 50 s
    limit ended in a shape-mismatch error here)."""
    from planner.bench.generate import SIZES

    case = load_workbook_cases(write_workbook(SIZES["large"], tmp_path / "l.xlsx")).cases[0]
    lp = build_model(case).lp
    assert lp.cuts is not None
    started = time.perf_counter()
    whole = separate(lp, lp.cuts, new_highs(), deadline=math.inf)
    full = time.perf_counter() - started
    assert whole is not None
    started = time.perf_counter()
    separate(lp, lp.cuts, new_highs(), deadline=started)  # the first round alone
    first = time.perf_counter() - started
    cut_short = 0
    for share in (0.1, 0.25, 0.4, 0.55, 0.7):  # low: a slow first full run overstates it
        deadline = time.perf_counter() + first + share * (full - first)
        root = separate(lp, lp.cuts, new_highs(), deadline=deadline)
        if root is None:  # the first round itself stopped: no bound claimed
            continue
        assert root.duals is not None
        assert root.bound >= whole.bound * (1 - 1e-12)
        assert root.duals.bound >= root.bound * (1 - 1e-12)
        cut_short += root.cuts_added < whole.cuts_added
    assert cut_short  # some deadline fell after the first round, before the last
