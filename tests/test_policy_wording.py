"""Policy kinds are one table, and every kind is built, reported and documented in words
people read: the rule's direction, achieved against required, a $0-penalty miss, no sales.

The hand cases are those of test_model_policies (its module docstring derives the sales and
plan worlds); the figures below are derived from the plans derived there.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from solving import solve_sheets
from test_model_policies import CASES, policy, sales_world
from test_result_workbook import table_rows
from workbooks import Sheets, settings, with_rows

from planner.contract.policy_kinds import KINDS
from planner.contract.schema import (
    PLAN_POLICY_KINDS,
    POLICY_KINDS,
    SHARE_POLICY_KINDS,
    WINDOW_TOTAL_KINDS,
)
from planner.results.narrative import reading
from planner.results.outcome import ScenarioOutcome
from planner.write.scenario_workbook import write_scenario_workbook
from planner.write.summary_json import summary

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_schema_reads_the_one_table() -> None:
    assert tuple(KINDS) == POLICY_KINDS
    assert PLAN_POLICY_KINDS == ("capex_budget", "capex_budget_total", "max_retools")
    assert SHARE_POLICY_KINDS == ("domestic_share_min", "ev_share_min", "ev_share_max")
    assert WINDOW_TOTAL_KINDS == ("capex_budget_total", "max_retools")
    # A minimum on mpg is a minimum, though its linear row is written '≤ 0'.
    fleet = KINDS["fleet_mpg_min"]
    assert (fleet.rule, fleet.row_sense, fleet.miss_word) == ("at least", "<=", "short")


def test_every_kind_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"| `{kind.kind}` | {kind.label} |" in text, kind.kind


# name of a CASES hand case: (rule, Policies 'reading', the policy's Summary sentence).
# Shadow prices, from the plans derived in test_model_policies:
# - ev_share_min_hard (US GAS 100, MX BEV 100): one more EV than the share needs is a US
#   GAS → BEV swap, 5,000 − 2,000 = $3k.
# - ev_share_max_hard (US GAS 87.5, MX GAS 62.5, MX BEV 37.5): one EV fewer than allowed
#   is 1/0.8 of (MX BEV → MX GAS, US GAS dropped): (7,600 − 8,000 + 5,000) / 0.8 = $5.75k.
# - fleet_mpg_min_hard (the same plan as ev_share_min_hard): the fleet's harmonic mean
#   200 / (g/25 + (200 − g)/100) ≥ T allows US GAS g ≤ (200/T − 2)/0.03, dg/dT = −200/(0.03 T²)
#   = −4.1667 at T = 40: each US GAS → BEV swap costs 3,000, so one mpg costs $12.5k.
# - max_units_hard: one imported GAS fewer is an MX GAS → BEV swap, 8,000 − 7,600 = $400.
# Misses: fleet_mpg_min_soft keeps GAS 150, BEV 50: 200 / (150/25 + 50/100) = 30.77 mpg.
WORDING: dict[str, tuple[str, str, str]] = {
    "domestic_share_min_soft": (
        "at least",
        "domestic share 50.0% vs 75.0% required",
        "DOM (soft, domestic share at least 75.0%) is missed in 2030 by 50 vehicles; its "
        "penalties cost $50k (undiscounted).",
    ),
    "ev_share_min_hard": (
        "at least",
        "EV share 50.0% vs 50.0% required",
        "EVMIN binds in 2030: tightening it by one vehicle a year costs $3k of NPV.",
    ),
    "ev_share_max_hard": (
        "at most",
        "EV share 20.0% vs 20.0% allowed",
        "EVMAX binds in 2030: tightening it by one vehicle a year costs $5.75k of NPV.",
    ),
    "fleet_mpg_min_hard": (
        "at least",
        "fleet 40.0 mpg vs 40.0 required",
        "MPG binds in 2030: tightening it by one mpg a year costs $12.5k of NPV.",
    ),
    "fleet_mpg_min_soft": (
        "at least",
        "fleet 30.8 mpg vs 40.0 required",
        "MPG (soft, fleet mpg at least 40.0) is missed in 2030 (fleet 30.8 mpg vs 40.0 "
        "required); its penalties cost $12k (undiscounted).",
    ),
    "min_units_soft": (
        "at least",
        "units sold 100 vs 120 required",
        "MIN (soft, units sold at least 120) is missed in 2030 by 20 vehicles; its penalties "
        "cost $20k (undiscounted).",
    ),
    "max_units_hard": (
        "at most",
        "units sold 20 vs 20 allowed",
        "MAX binds in 2030: tightening it by one vehicle a year costs $400 of NPV.",
    ),
    "capex_budget_soft": (
        "at most",
        "capex $30,000 vs $25,000 allowed",
        "CAPEX (soft, capex a year at most $25,000) is missed in 2030 by $5k; its penalties "
        "cost $10k (undiscounted).",
    ),
    "capex_budget_total_soft": (
        "at most",
        "capex $30,000 vs $25,000 allowed",
        "CAPEXT (soft, capex over the window at most $25,000) is missed over its window by "
        "$5k; its penalties cost $2.5k (undiscounted).",
    ),
    "max_retools_soft": (
        "at most",
        "retools 2 vs 1 allowed",
        "RET (soft, retools over the window at most 1) is missed over its window by 1 option; "
        "its penalties cost $100k (undiscounted).",
    ),
}


def test_every_kind_with_a_row_has_a_worded_hand_case() -> None:
    worded = {CASES[name][1]["kind"] for name in WORDING}
    assert worded == {k.kind for k in KINDS.values() if k.has_row}


def _policies_sheet(tmp_path: Path, outcome: ScenarioOutcome) -> list[dict[str, Any]]:
    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    return table_rows(load_workbook(tmp_path / "base.xlsx")["Policies"], "Policies")


def _summary_policy_table(sheet: Any) -> dict[str, dict[str, Any]]:
    """The Summary's 'What each policy costs' rows by policy id."""
    rows = [r for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r[0] == "What each policy costs") + 1
    headers = rows[top]
    table = {}
    for row in rows[top + 1 :]:
        if row[0] is None:
            break
        table[row[0]] = dict(zip(headers, row, strict=True))
    return table


def _solved(tmp_path: Path, sheets: Sheets) -> ScenarioOutcome:
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.status.value == "optimal", outcome.results.message
    return outcome


@pytest.mark.parametrize("name", sorted(WORDING))
def test_policy_wording_by_kind(tmp_path: Path, name: str) -> None:
    world, row, _, _ = CASES[name]
    rule, statement, sentence = WORDING[name]
    outcome = _solved(tmp_path, with_rows(world(), "Policies", row))
    first = _policies_sheet(tmp_path, outcome)[0]
    assert (first["rule"], first["reading"]) == (rule, statement)
    assert sentence in reading(outcome.results)


def test_fleet_mpg_is_stated_in_mpg(tmp_path: Path) -> None:
    """fleet_mpg_min_soft (40 mpg, 5 per vehicle-mpg): GAS 150, BEV 50 are kept. The fleet's
    harmonic mean is 200 / (150/25 + 50/100) = 400/13 = 30.769 mpg: slack 400/13 − 40 =
    −120/13 mpg. The row is 150 · 24 − 50 · 24 = 2,400 vehicle-mpg over (the JSON's unit).
    Its price, 5 per vehicle-mpg, per mpg of target: the row T²·6.5 − 200·T (6.5 = 150/25 +
    50/100) grows by 2 · 40 · 6.5 − 200 = 320 per mpg at T = 40, so $1,600 (to first order;
    at T = 41 the row is 2,726.5, 326.5 more)."""
    _, row, _, _ = CASES["fleet_mpg_min_soft"]
    outcome = _solved(tmp_path, with_rows(sales_world(), "Policies", row))
    first = _policies_sheet(tmp_path, outcome)[0]
    assert first["achieved"] == pytest.approx(400 / 13)
    assert first["slack"] == pytest.approx(400 / 13 - 40)
    assert first["violation"] == pytest.approx(120 / 13)
    assert first["unit"] == "mpg"
    assert first["shadow price ($ per unit)"] == pytest.approx(1600)
    assert first["penalty cost ($, undiscounted)"] == pytest.approx(12_000)
    violations = summary(outcome)["policy_violations"]
    assert violations == [{"policy_id": "MPG", "year": 2030, "violation": pytest.approx(2400)}]


def test_a_soft_rule_at_a_zero_penalty_is_not_enforced(tmp_path: Path) -> None:
    """At a $0 penalty the unconstrained plan stays (GAS 150, BEV 50: 30.8 mpg against 40):
    not a violation people count, but a rule nobody enforces. The JSON keeps the shortfall
    itself, 2,400 vehicle-mpg (the free violation column could sit anywhere above it)."""
    row = policy("MPG", "fleet_mpg_min", 40, mode="soft", penalty=0)
    outcome = _solved(tmp_path, with_rows(sales_world(), "Policies", row))
    assert outcome.results.npv == pytest.approx(1_280_000)
    first = _policies_sheet(tmp_path, outcome)[0]
    assert first["reading"] == "not enforced (penalty $0): fleet 30.8 mpg vs 40.0 required"
    assert first["binding"] == "no"
    assert (
        "MPG (soft, fleet mpg at least 40.0) is not enforced (penalty $0): missed in 2030 "
        "(fleet 30.8 mpg vs 40.0 required)." in reading(outcome.results)
    )
    sheet = load_workbook(tmp_path / "base.xlsx")["Summary"]
    metrics = {r[0]: r[1:] for r in sheet.iter_rows(min_row=5, max_col=3, values_only=True)}
    count, note = metrics["policy violations"]
    assert count == 0
    assert note.endswith("; not enforced (penalty $0): MPG")
    costs = _summary_policy_table(sheet)
    assert (costs["MPG"]["binds in"], costs["MPG"]["unit"]) == ("missed 2030", "mpg")
    assert costs["MPG"]["rule"] == "fleet mpg at least 40.0: not enforced (penalty $0)"
    violations = summary(outcome)["policy_violations"]
    assert violations == [{"policy_id": "MPG", "year": 2030, "violation": pytest.approx(2400)}]


def test_no_sales_in_scope_has_no_price(tmp_path: Path) -> None:
    """KEI (price 1,000 below its cost) is never sold: a 75% domestic share of no kei holds
    trivially, 0 ≥ 0. Its row sits at its bound, but it neither binds nor has a price."""
    sheets = with_rows(
        with_rows(
            with_rows(
                sales_world(),
                "Products",
                {
                    "product_id": "KEI",
                    "segment": "kei",
                    "powertrain": "ICE",
                    "price": 14000,
                    "variable_cost": 15000,
                    "mpg": 40,
                },
            ),
            "Compatibility",
            {"line_type": "FLEX", "product_id": "KEI"},
        ),
        "Demand",
        {"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 50},
    )
    row = policy("KDOM", "domestic_share_min", 0.75, products="segment:kei")
    outcome = _solved(tmp_path, with_rows(sheets, "Policies", row))
    first = _policies_sheet(tmp_path, outcome)[0]
    assert first["shadow price ($ per unit)"] is None
    assert first["shadow price note"] == "no sales in scope"
    assert first["binding"] == "no"
    assert first["reading"] == "domestic share: no sales in scope (75.0% required)"
    text = reading(outcome.results)
    assert (
        "KDOM has no sales in scope in any year, so no price: re-run without it to see "
        "whether it is why none are sold." in text
    )
    assert "KDOM binds" not in text
    costs = _summary_policy_table(load_workbook(tmp_path / "base.xlsx")["Summary"])
    assert costs["KDOM"]["binds in"] == "does not bind"
    assert costs["KDOM"]["rule"] == "domestic share at least 75.0%: no sales in scope"


def test_a_fleet_mpg_rule_gives_way_in_mpg(tmp_path: Path) -> None:
    """BEV demand 10; hard: fleet ≥ 30 mpg (row GAS 30²/25 − 30 = 6, BEV 9 − 30 = −21) and
    at least 100 GAS: 6g ≤ 210 allows g ≤ 35, so no plan meets both. With both soft at the
    diagnosis penalties (U per vehicle short; U / 6 per vehicle-mpg, 6 the smallest |coef|),
    every g in [35, 100] pays U · ((6g − 210)/6 + 100 − g) = 65 U, so margins decide: g = 100,
    the GAS minimum is met and the fleet gives way: 110 / (100/25 + 10/100) = 26.8 mpg."""
    sheets = sales_world()
    sheets["Demand"] = [
        {"region_id": "R1", "product_id": "GAS", "year": 2030, "units": 150},
        {"region_id": "R1", "product_id": "BEV", "year": 2030, "units": 10},
    ]
    sheets["Policies"] = [
        policy("MPG", "fleet_mpg_min", 30),
        policy("GASMIN", "min_units", 100, products="GAS"),
    ]
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.status.value == "infeasible"
    assert outcome.diagnosis is not None
    assert outcome.diagnosis.sentences() == [
        "MPG (fleet_mpg_min) short in 2030: fleet 26.8 mpg vs 30.0 required"
    ]
    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    (row,) = table_rows(load_workbook(tmp_path / "base.xlsx")["Diagnosis"], "GiveWay")
    assert (row["direction"], row["unit"]) == ("short", "vehicle-mpg")
    assert row["amount"] == pytest.approx(6 * 100 - 21 * 10)
    assert row["reading"] == "fleet 26.8 mpg vs 30.0 required"


def test_a_binding_rule_priced_zero_says_why(tmp_path: Path) -> None:
    """max_units_hard binds at $400 (see WORDING). A binding row priced 0 (a degenerate tie
    no small hand case pins down, so the solved row is given that price here) says why it
    costs nothing rather than 'costs $0'."""
    _, row, _, _ = CASES["max_units_hard"]
    results = _solved(tmp_path, with_rows(sales_world(), "Policies", row)).results
    (outcome,) = results.policies
    free = replace(results, policies=(replace(outcome, shadow_price=0.0),))
    assert (
        "MAX binds in 2030, but tightening it a little costs nothing at this plan: an equally "
        "good plan meets the tighter rule." in reading(free)
    )
    assert free.policies[0].price_note == (
        "at its limit, but tightening it a little costs nothing at this plan: an equally good "
        "plan meets the tighter rule"
    )


def test_a_rule_missed_in_several_years_names_its_worst(tmp_path: Path) -> None:
    """2031 adds BEV demand 20: each year sells US GAS 100, MX GAS 50 and as many MX BEV as
    demand allows (50, then 20), at a $0 fleet-mpg penalty. 2030: 200 / 6.5 = 30.8 mpg;
    2031: 170 / (150/25 + 20/100) = 27.4 mpg, the worst."""
    sheets = sales_world()
    sheets["Settings"] = settings(first_year=2030, last_year=2031, discount_rate=0, mip_gap=0)
    sheets["Demand"] = [
        *sheets["Demand"],
        {"region_id": "R1", "product_id": "GAS", "year": 2031, "units": 150},
        {"region_id": "R1", "product_id": "BEV", "year": 2031, "units": 20},
    ]
    row = policy("MPG", "fleet_mpg_min", 40, mode="soft", penalty=0)
    outcome = _solved(tmp_path, with_rows(sheets, "Policies", row))
    assert (
        "MPG (soft, fleet mpg at least 40.0) is not enforced (penalty $0): missed in 2030 and "
        "2031 (worst in 2031: fleet 27.4 mpg vs 40.0 required)." in reading(outcome.results)
    )
