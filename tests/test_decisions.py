"""The Decisions sheet: take / never / start bind the plan, record rows define the plan of
record, every rule is checked with its cell, and an infeasible case says when Decisions are
the cause.

Hand figures come from `kei_case` (tests/test_plan_value.py): ρ = 10 %, 2030–2031;
SEDAN = 100 · 4,990 · (1 + 1/1.1); OPT1 started in 2030 adds KEI = 80 · 3,990 / 1.1 of
contribution, FIXED = −10,000 / 1.1 of fixed costs, −100,000 capex and −50,000 launch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from solving import solve_sheets
from test_plan_value import FIXED, KEI, SEDAN, kei_case
from test_validate import assert_found, load_problems
from workbooks import Sheets, with_rows

from planner.solve.result import Status
from planner.write.summary_json import summary

BEST = SEDAN + KEI + FIXED - 150_000


def with_decisions(sheets: Sheets, *rows: dict[str, Any]) -> Sheets:
    """The sheet with every column (item, decision, year, note), so each cell has a letter."""
    sheets["Decisions"] = [
        {"item": None, "decision": None, "year": None, "note": None} | r for r in rows
    ]
    return sheets


def two_options() -> Sheets:
    """kei_case plus OPT2: the same KEI line for 120,000 capex, second best by 20,000."""
    sheets = kei_case()
    sheets["RetoolOptions"].append(
        dict(sheets["RetoolOptions"][0], option_id="OPT2", capex=120_000)
    )
    return sheets


def started(outcome: Any) -> dict[str, int | None]:
    return {r.option_id: r.start_year for r in outcome.results.retools}


def test_never_moves_the_plan_to_the_second_best_option(tmp_path: Path) -> None:
    free = solve_sheets(tmp_path, two_options())
    assert started(free) == {"OPT1": 2030, "OPT2": None}
    assert free.results.npv == pytest.approx(BEST, abs=0.005)
    ruled_out = solve_sheets(
        tmp_path, with_decisions(two_options(), {"item": "OPT1", "decision": "never"})
    )
    assert started(ruled_out) == {"OPT1": None, "OPT2": 2030}
    assert ruled_out.results.npv == pytest.approx(BEST - 20_000, abs=0.005)


def test_start_delays_the_option(tmp_path: Path) -> None:
    """start OPT1 in 2031: online 2032, after the horizon; KEI is never built (no launch) and
    the capex is paid in 2031: NPV = SEDAN − 100,000 / 1.1."""
    outcome = solve_sheets(
        tmp_path, with_decisions(kei_case(), {"item": "OPT1", "decision": "start", "year": 2031})
    )
    assert started(outcome) == {"OPT1": 2031}
    assert outcome.results.launched_products == ()
    assert outcome.results.npv == pytest.approx(SEDAN - 100_000 / 1.1, abs=0.005)


def test_take_and_never_on_a_launch(tmp_path: Path) -> None:
    """never KEI: OPT1 would earn nothing, so nothing is done: NPV = SEDAN. take KEI with
    never OPT1: the launch is paid for nothing built: NPV = SEDAN − 50,000."""
    never = solve_sheets(tmp_path, with_decisions(kei_case(), {"item": "KEI", "decision": "never"}))
    assert never.results.npv == pytest.approx(SEDAN, abs=0.005)
    take = solve_sheets(
        tmp_path,
        with_decisions(
            kei_case(),
            {"item": "KEI", "decision": "take"},
            {"item": "OPT1", "decision": "never"},
        ),
    )
    assert take.results.launched_products == ("KEI",)
    assert take.results.npv == pytest.approx(SEDAN - 50_000, abs=0.005)


def test_plan_of_record_npv_and_bridge_by_hand(tmp_path: Path) -> None:
    """On record: OPT1 starting in 2031, no launch. Its NPV = SEDAN − 100,000 / 1.1; the
    optimum (OPT1 in 2030, KEI launched) bridges from it by contribution:kei = KEI,
    fixed_costs = FIXED, capex = −100,000 + 100,000 / 1.1, launch_costs = −50,000. The record
    row forces nothing: the plan is the free optimum."""
    sheets = with_decisions(
        kei_case(), {"item": "OPT1", "decision": "record", "year": 2031, "note": "budgeted"}
    )
    outcome = solve_sheets(tmp_path, sheets)
    data = summary(outcome)
    assert data["npv"] == pytest.approx(BEST, abs=0.005)
    assert data["record_npv"] == pytest.approx(SEDAN - 100_000 / 1.1, abs=0.005)
    assert data["bridge_from_record"] == pytest.approx(
        {
            "contribution:kei": KEI,
            "contribution:sedan": 0.0,
            "fixed_costs": FIXED,
            "capex": -100_000 + 100_000 / 1.1,
            "launch_costs": -50_000,
            "penalties": 0.0,
        },
        abs=0.005,
    )
    assert sum(data["bridge_from_record"].values()) == pytest.approx(
        data["npv"] - data["record_npv"], abs=0.005
    )
    from openpyxl import load_workbook
    from test_result_workbook import table_rows

    from planner.write.scenario_workbook import write_scenario_workbook

    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    bridge = load_workbook(tmp_path / "base.xlsx")["Bridge"]
    assert [
        (r["item"], r["year"], r["plan agrees"], r["note"]) for r in table_rows(bridge, "Decisions")
    ] == [("OPT1", 2031, "no", "budgeted")]
    drivers = {r["driver"]: r for r in table_rows(bridge, "Drivers")}
    assert drivers["NPV (total)"]["plan of record ($)"] == pytest.approx(
        SEDAN - 100_000 / 1.1, abs=0.005
    )


def test_a_recorded_launch_without_demand_still_pays_its_launch_cost(tmp_path: Path) -> None:
    """No KEI demand: the optimum builds only sedans (NPV = SEDAN, nothing launched), and a
    record that launches KEI sells nothing more but pays the 50,000 launch: SEDAN − 50,000."""
    sheets = with_decisions(kei_case(), {"item": "KEI", "decision": "record"})
    sheets["Demand"] = [r for r in sheets["Demand"] if r["product_id"] != "KEI"]
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.npv == pytest.approx(SEDAN, abs=0.005)
    assert outcome.record_npv == pytest.approx(SEDAN - 50_000, abs=0.005)
    assert summary(outcome)["bridge_from_record"]["launch_costs"] == pytest.approx(50_000)


def test_the_plan_of_record_ignores_take_never_start_rows(tmp_path: Path) -> None:
    """never OPT1 binds the plan (NPV = SEDAN) but not the plan of record, OPT1 in 2030
    with KEI launched: record NPV = BEST."""
    sheets = with_decisions(
        kei_case(),
        {"item": "OPT1", "decision": "never"},
        {"item": "OPT1", "decision": "record", "year": 2030},
        {"item": "KEI", "decision": "record"},
    )
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.npv == pytest.approx(SEDAN, abs=0.005)
    assert outcome.record_npv == pytest.approx(BEST, abs=0.005)


def test_an_infeasible_case_names_the_decisions_that_cause_it(tmp_path: Path) -> None:
    """A hard max_retools of 0 with start OPT1 2030: infeasible; without the Decisions row it
    is feasible, and the plan then breaks that row."""
    sheets = with_decisions(kei_case(), {"item": "OPT1", "decision": "start", "year": 2030})
    sheets["Policies"] = [{"policy_id": "NONE", "kind": "max_retools", "value": 0}]
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.results.status is Status.INFEASIBLE
    assert outcome.diagnosis is not None
    assert outcome.diagnosis.sentences()[0] == (
        "Without its Decisions take/never/start rows the case is feasible; its best plan then "
        "breaks: start OPT1 2030 (Decisions!2)."
    )
    # the status quo ignores Decisions: it is still evaluated
    assert outcome.status_quo_npv == pytest.approx(SEDAN, abs=0.005)


@pytest.mark.parametrize(
    ("row", "cell", "column", "fragment"),
    [
        ({"item": "NOPE", "decision": "take"}, "Decisions!A2", "item", "neither"),
        ({"item": "OPT1", "decision": "start"}, "Decisions!C2", "year", "needs its start year"),
        ({"item": "OPT1", "decision": "record"}, "Decisions!C2", "year", "needs its start"),
        ({"item": "OPT1", "decision": "take", "year": 2030}, "Decisions!C2", "year", "empty"),
        (
            {"item": "OPT1", "decision": "start", "year": 2035},
            "Decisions!C2",
            "year",
            "outside the start window 2030-2031 of option 'OPT1'",
        ),
        (
            {"item": "KEI", "decision": "start", "year": 2030},
            "Decisions!B2",
            "decision",
            "start applies to options",
        ),
        ({"item": "KEI", "decision": "record", "year": 2030}, "Decisions!C2", "year", "empty"),
        ({"item": "CAR", "decision": "take"}, "Decisions!A2", "item", "no launch cost"),
        ({"item": "OPT1", "decision": "maybe"}, "Decisions!B2", "decision", "take"),
    ],
)
def test_decision_rows_are_checked_cell_by_cell(
    tmp_path: Path, row: dict[str, Any], cell: str, column: str, fragment: str
) -> None:
    found = load_problems(tmp_path, with_decisions(kei_case(), row))
    assert_found(found, cell, column, fragment)


def test_second_rows_take_on_an_empty_window_and_a_shared_id(tmp_path: Path) -> None:
    sheets = with_decisions(
        kei_case(),
        {"item": "OPT1", "decision": "take"},
        {"item": "OPT1", "decision": "never"},
        {"item": "OPT1", "decision": "record", "year": 2030},
        {"item": "OPT1", "decision": "record", "year": 2031},
        {"item": "LATE", "decision": "take"},
        {"item": "KEI_OPT", "decision": "take"},
    )
    sheets["RetoolOptions"].append(
        dict(sheets["RetoolOptions"][0], option_id="LATE", earliest_start=2040, latest_start=2041)
    )
    sheets["RetoolOptions"].append(dict(sheets["RetoolOptions"][0], option_id="KEI_OPT"))
    sheets["Products"].append(dict(sheets["Products"][1], product_id="KEI_OPT"))
    found = load_problems(tmp_path, sheets)
    assert_found(found, "Decisions!B3", "decision", "a second take/never/start row for 'OPT1'")
    assert_found(found, "Decisions!B5", "decision", "a second record row for 'OPT1'")
    assert_found(found, "Decisions!B6", "decision", "start window is empty")
    assert_found(found, "Decisions!A7", "item", "both an option_id and a product_id")


def test_a_scenario_change_to_decisions_is_checked_in_that_scenario(tmp_path: Path) -> None:
    """commit turns the record row into a start in 2035 (outside the window): the error names
    the cell and the scenario; the base alone is valid."""
    sheets = with_decisions(kei_case(), {"item": "OPT1", "decision": "record", "year": 2030})
    sheets = with_rows(sheets, "Scenarios", {"scenario_id": "commit"})
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "commit",
            "sheet": "Decisions",
            "match": "item=OPT1",
            "column": "year",
            "op": "set",
            "value": 2035,
        },
    )
    found = load_problems(tmp_path, sheets)
    assert_found(found, "Decisions!C2", "year", "scenario commit")


def test_commit_now_scenario_turns_a_record_into_a_take(tmp_path: Path) -> None:
    """commit: record OPT1 2031 becomes start 2031, so commit's NPV is the record's."""
    sheets = with_decisions(kei_case(), {"item": "OPT1", "decision": "record", "year": 2031})
    sheets = with_rows(sheets, "Scenarios", {"scenario_id": "commit"})
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "commit",
            "sheet": "Decisions",
            "match": "item=OPT1",
            "column": "decision",
            "op": "set",
            "value": "start",
        },
    )
    outcome = solve_sheets(tmp_path, sheets, scenario="commit")
    assert outcome.results.npv == pytest.approx(SEDAN - 100_000 / 1.1, abs=0.005)
    assert outcome.record is None


def test_robust_mode_binds_the_shared_plan_and_rejects_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two scenarios, never OPT1: the robust plan takes OPT2 (the second best, as above); a
    scenario change to Decisions is an input error in robust mode, naming its row."""
    import json

    from workbooks import write

    from planner.app.cli import main

    sheets = with_decisions(two_options(), {"item": "OPT1", "decision": "never"})
    sheets = with_rows(sheets, "Scenarios", {"scenario_id": "same"})
    path = write(tmp_path / "r.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["run", str(path), "--robust", "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    robust = json.loads((out / "r" / "robust.json").read_text())
    assert [r["option_id"] for r in robust["retools"]] == ["OPT2"]
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "same",
            "sheet": "Decisions",
            "match": "item=OPT1",
            "column": "decision",
            "op": "set",
            "value": "take",
        },
    )
    path = write(tmp_path / "bad.xlsx", sheets)
    capsys.readouterr()
    assert main(["run", str(path), "--robust", "--out", str(out), "--quiet", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "ScenarioChanges!B2" in err and "changes Decisions" in err


def test_a_plan_of_record_that_removes_too_much_names_the_limit(tmp_path: Path) -> None:
    """CONV1 and CONV2 each turn P1's 100 units of UNIBODY into KEI_LINE (each alone is
    valid); the record starts both in 2030, removing 200 of 100: its NPV is null and the
    removal limit of P1's UNIBODY is named, with the year and the 100 units too many."""
    sheets = kei_case()
    conversion = {
        "plant_id": "P1",
        "from_line_type": "UNIBODY",
        "to_line_type": "KEI_LINE",
        "capacity_added": 80,
        "capacity_removed": 100,
        "capex": 1_000,
        "lead_time_years": 0,
    }
    sheets["RetoolOptions"] += [
        {"option_id": "CONV1"} | conversion,
        {"option_id": "CONV2"} | conversion,
    ]
    sheets = with_decisions(
        sheets,
        {"item": "CONV1", "decision": "record", "year": 2030},
        {"item": "CONV2", "decision": "record", "year": 2030},
    )
    outcome = solve_sheets(tmp_path, sheets)
    assert outcome.exit_code == 0
    assert outcome.record is not None and outcome.record_npv is None
    assert summary(outcome)["bridge_from_record"] is None
    assert outcome.record.sentences() == [
        "The plan of record is infeasible: removal_limit[P1,UNIBODY]: the plan removes 100 "
        "units/yr more than exists (in 2030)."
    ]
