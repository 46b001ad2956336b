"""Ramp-up of new capacity (RetoolOptions.ramp_up): capacity rows, cut pool, validation.

Hand case (`ramp_case`): ρ = 0, 2030–2032. P1 keeps 100 units of UNIBODY for CAR (margin
4,990 → 3 · 499,000 = 1,497,000 in any plan). OPT1 adds an 80-unit KEI line, lead time 0,
capex 100,000, fixed cost 100,000 a year once online; KEI (margin 3,990) sells 80 a year in
2031 and 2032 only.
- Without ramp-up: start 2031 sells 160 KEI: 638,400 − 100,000 − 2 · 100,000 = 338,400;
  start 2030 sells the same 160 but pays a third year of fixed cost: 238,400. Best: 2031.
- With ramp_up 0.4 (32 units in the first year online): start 2031 sells 32 + 80 = 112:
  446,880 − 300,000 = 146,880; start 2030 ramps up in 2030 (no demand yet) and sells 160:
  238,400. Best: 2030, NPV 1,497,000 + 238,400 = 1,735,400.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from solving import solve_sheets
from test_validate import assert_found, load_problems
from workbooks import Sheets, settings, tiny

from planner.bench.generate import SizeSpec, write_workbook
from planner.model.build import build_model
from planner.read.load import load_workbook_cases
from planner.solve import solve
from planner.solve.result import Status

CAR = 3 * 499_000


def ramp_case(ramp_up: str | float | None = None) -> Sheets:
    sheets = tiny()
    sheets["Settings"] = settings(first_year=2030, last_year=2032, discount_rate=0, mip_gap=0)
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
    sheets["RetoolOptions"] = [
        {
            "option_id": "OPT1",
            "plant_id": "P1",
            "to_line_type": "KEI_LINE",
            "capacity_added": 80,
            "capex": 100_000,
            "lead_time_years": 0,
            "fixed_cost_per_year": 100_000,
            "ramp_up": ramp_up,
        }
    ]
    sheets["Demand"] = [
        {"region_id": "R1", "product_id": "CAR", "year": t, "units": 150}
        for t in (2030, 2031, 2032)
    ] + [{"region_id": "R1", "product_id": "KEI", "year": t, "units": 80} for t in (2031, 2032)]
    return sheets


def start_year(outcome: object) -> int | None:
    return next(r.start_year for r in outcome.results.retools)  # type: ignore[attr-defined]


def test_without_ramp_up_the_option_starts_when_demand_does(tmp_path: Path) -> None:
    outcome = solve_sheets(tmp_path, ramp_case())
    assert start_year(outcome) == 2031
    assert outcome.results.npv == pytest.approx(CAR + 338_400, abs=0.005)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_40_percent_first_year_moves_the_start_a_year_earlier(
    tmp_path: Path, solver: str
) -> None:
    outcome = solve_sheets(tmp_path, ramp_case(0.4), solver)
    assert start_year(outcome) == 2030
    assert outcome.results.npv == pytest.approx(CAR + 238_400, abs=0.005)
    added = {r.year: r.added for r in outcome.results.capacity if r.line_type == "KEI_LINE"}
    assert added == {2030: 32, 2031: 80, 2032: 80}
    assert outcome.drivers is not None
    assert outcome.drivers["fixed_costs"] == pytest.approx(-300_000)  # in full from 2030


def test_a_ramp_beyond_the_list_is_full(tmp_path: Path) -> None:
    """ramp_up "0.4; 0.5": start 2031 sells 32 + 40 = 72 (287,280 − 300,000 < 0); start
    2030 sells 40 + 80 = 120 (478,800 − 400,000 = 78,800): NPV = CAR + 78,800."""
    outcome = solve_sheets(tmp_path, ramp_case("0.4; 0.5"))
    assert start_year(outcome) == 2030
    assert outcome.results.npv == pytest.approx(CAR + 78_800, abs=0.005)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0.4;abc", "each share must be a number in [0, 1], got 'abc'"),
        ("0.4;1.5", "got '1.5'"),
        (";".join(["0.5"] * 41), "at most 40 shares, got 41"),
    ],
)
def test_bad_ramp_up_is_an_error_naming_the_cell(tmp_path: Path, value: str, fragment: str) -> None:
    found = load_problems(tmp_path, ramp_case(value))
    assert_found(found, "RetoolOptions!L2", "ramp_up", fragment)


@pytest.mark.parametrize("seed", [1, 2])
def test_cuts_hold_at_the_optimum_of_a_model_with_ramp_up(tmp_path: Path, seed: int) -> None:
    """As tests/test_strengthen.py proves the pool: every option ramps up 30 %, 70 %, and
    every cut must hold at the optimum of the model solved without the pool."""
    spec = SizeSpec(f"gen{seed}", 6, 8, 4, 5, 12, seed=seed)
    case = load_workbook_cases(write_workbook(spec, tmp_path / "g.xlsx")).cases[0]
    case = replace(case, options=tuple(replace(o, ramp_up=(0.3, 0.7)) for o in case.options))
    lp = build_model(case).lp
    pool = lp.cuts
    assert pool is not None and pool.size > 0
    plain = solve(replace(lp, cuts=None), "highs", time_limit=120, mip_gap=0.0)
    assert plain.status is Status.OPTIMAL and plain.values is not None
    slack = pool.upper - pool.matrix @ plain.values
    assert slack.min() >= -1e-6 * max(1.0, float(np.abs(pool.matrix).max()))
    strengthened = solve(lp, "highs", time_limit=120, mip_gap=0.0)
    assert strengthened.objective == pytest.approx(plain.objective, rel=1e-9)
