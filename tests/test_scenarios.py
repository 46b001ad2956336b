"""Scenario changes: applied in row order, one typed case per scenario, problems that name the
change row and the changed cell, and the changes robust mode refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_validate import assert_found, load_problems
from workbooks import Sheets, full, write

from planner.contract.errors import Problem
from planner.read.load import load_workbook_cases
from planner.read.scenario_apply import apply_changes
from planner.read.scenario_robust import robust_change_problems
from planner.read.tables import coerce_workbook
from planner.read.xlsx import read_workbook


def change(scenario: str = "high_capex", **values: Any) -> dict[str, Any]:
    return {"scenario_id": scenario, **values}


def with_changes(*changes: dict[str, Any]) -> Sheets:
    sheets = full()
    sheets["Scenarios"].append({"scenario_id": "policy", "probability": 0.25})
    sheets["ScenarioChanges"] += list(changes)
    return sheets


def cases(tmp_path: Path, sheets: Sheets, *ids: str) -> dict[str, Any]:
    loaded = load_workbook_cases(write(tmp_path / "s.xlsx", sheets), ids)
    return {c.scenario_id: c for c in loaded.cases}


def test_changes_apply_in_row_order(tmp_path: Path) -> None:
    sheets = with_changes(
        change(sheet="RetoolOptions", column="capex", op="set", value=2e6),
        change(sheet="RetoolOptions", match="plant_id=P1", column="capex", op="add", value=1),
    )
    found = cases(tmp_path, sheets)
    assert found["base"].options[0].capex == 1e6
    assert found["high_capex"].options[0].capex == 2e6 + 1  # multiply, set, then add
    assert found["policy"].options[0].capex == 1e6


def test_settings_and_selector_and_enum_changes(tmp_path: Path) -> None:
    sheets = with_changes(
        change(
            "policy",
            sheet="settings",
            match="key=discount_rate",
            column="Value",
            op="set",
            value=0.1,
        ),
        change(
            "policy",
            sheet="Policies",
            match="policy_id=EV10",
            column="regions",
            op="set",
            value="R1; country:US",
        ),
        change("policy", sheet="Policies", column="mode", op="set", value="HARD"),
        change(
            "policy",
            sheet="PlantLines",
            match="capacity=100",
            column="capacity",
            op="multiply",
            value=2,
        ),
    )
    found = cases(tmp_path, sheets, "policy")
    policy = found["policy"]
    assert list(found) == ["policy"]
    assert policy.settings.discount_rate == 0.1
    assert policy.policies[0].regions == frozenset({"R1"})
    assert policy.policies[0].mode == "hard"
    assert policy.lines[0].capacity == 200
    assert policy.scenario.probability == 0.25


def test_base_tables_are_not_changed(tmp_path: Path) -> None:
    raw = read_workbook(write(tmp_path / "s.xlsx", full()))
    problems: list[Problem] = []
    tables = coerce_workbook(raw, problems)
    changed = apply_changes(tables, "high_capex", problems)
    assert problems == []
    assert changed["RetoolOptions"][0].values["capex"] == 1.5e6
    assert tables["RetoolOptions"][0].values["capex"] == 1e6
    assert changed["Plants"] is tables["Plants"]  # untouched sheets are shared


@pytest.mark.parametrize(
    ("edit", "where", "column", "fragment"),
    [
        (
            change(
                sheet="PlantLines", match="plant_id=P1", column="capacity", op="multiply", value=-1
            ),
            "PlantLines!C2",
            "capacity",
            "must be >= 0, got -100 (after ScenarioChanges row 3, scenario high_capex)",
        ),
        (
            change(sheet="RetoolOptions", column="lead_time_years", op="add", value=0.5),
            "ScenarioChanges!F3",
            "value",
            "add gives 1.5 in RetoolOptions.lead_time_years",
        ),
        (
            change(sheet="Plants", column="country", op="multiply", value=2),
            "ScenarioChanges!E3",
            "op",
            "multiply needs a numeric column",
        ),
        (
            change(sheet="Demand", column="price", op="multiply", value=2),
            "ScenarioChanges!E3",
            "op",
            "multiply on an empty cell of Demand.price",
        ),
        (
            change(sheet="Settings", match="key=terminal_years", column="value", op="set", value=5),
            "ScenarioChanges!C3",
            "match",
            "(add a terminal_years row to Settings, with its default 0)",
        ),
        (
            change(
                sheet="Settings", match="key=first_year", column="value", op="set", value="soon"
            ),
            "Settings!B2",
            "value",
            "first_year must be a number, got 'soon' (after ScenarioChanges row 3",
        ),
        (
            change(sheet="Settings", column="key", op="set", value="x"),
            "ScenarioChanges!D3",
            "column",
            "a Settings change changes `value`",
        ),
        (
            change(sheet="Scenarios", column="description", op="set", value="x"),
            "ScenarioChanges!B3",
            "sheet",
            "must be one of",
        ),
        (
            change(
                sheet="PlantLines", match="plant_id=P1", column="capacity", op="multiply", value=0.5
            ),
            "RetoolOptions!E2",
            "capacity_added",
            "removes 80 of UNIBODY but plant P1 has only 50 "
            "(PlantLines) (in scenario high_capex, after "
            "ScenarioChanges rows 2, 3)",
        ),
        (
            change("nowhere", sheet="Plantz", column="capacity", op="set", value=1),
            "ScenarioChanges!B3",
            "sheet",
            "must be one of",
        ),
    ],
    ids=[
        "invalid result",
        "not whole",
        "text column",
        "empty cell",
        "unlisted setting",
        "bad setting value",
        "settings column",
        "scenario sheet",
        "cross-sheet",
        "unknown scenario still checked",
    ],
)
def test_change_problems(
    tmp_path: Path, edit: dict[str, Any], where: str, column: str, fragment: str
) -> None:
    sheets = full()
    sheets["ScenarioChanges"].append(edit)
    assert_found(load_problems(tmp_path, sheets), where, column, fragment)


def test_unknown_scenario_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", full())
    with pytest.raises(Exception) as info:
        load_workbook_cases(path, ["hi_capex"])
    assert (
        "--scenario 'hi_capex' is not a scenario of this workbook (known: base, "
        "high_capex)" in str(info.value)
    )


def test_base_listed_in_scenarios_keeps_its_place(tmp_path: Path) -> None:
    sheets = full()
    sheets["Scenarios"].append(
        {"scenario_id": "base", "description": "as planned", "probability": 0.5}
    )
    loaded = load_workbook_cases(write(tmp_path / "s.xlsx", sheets))
    assert [(s.scenario_id, s.description) for s in loaded.scenarios] == [
        ("base", "as planned"),
        ("high_capex", "capex +50%"),
    ]


def robust(tmp_path: Path, *changes: dict[str, Any]) -> list[str]:
    sheets = with_changes(*changes)
    sheets["Settings"].append({"key": "risk_weight", "value": 0.5})
    sheets["RetoolOptions"][0]["earliest_start"] = 2020
    raw = read_workbook(write(tmp_path / "r.xlsx", sheets))
    return [str(p) for p in robust_change_problems(coerce_workbook(raw, []))]


def test_robust_mode_refuses_changes_to_the_shared_plan(tmp_path: Path) -> None:
    found = robust(
        tmp_path,
        change(
            "policy", sheet="Settings", match="key=risk_weight", column="value", op="set", value=0.9
        ),
        change("policy", sheet="Settings", column="value", op="set", value=2031),
        change("policy", sheet="RetoolOptions", column="plant_id", op="set", value="P2"),
        change("policy", sheet="RetoolOptions", column="latest_start", op="set", value=2030),
    )
    assert found == [
        "ScenarioChanges!C3  match  changes risk_weight, which may not differ by scenario in "
        "robust mode (docs/contract.md §4)",
        "ScenarioChanges!C4  match  changes first_year, which may not differ by scenario in "
        "robust mode (docs/contract.md §4)",
        "ScenarioChanges!C4  match  changes last_year, which may not differ by scenario in "
        "robust mode (docs/contract.md §4)",
        "ScenarioChanges!C4  match  changes risk_weight, which may not differ by scenario in "
        "robust mode (docs/contract.md §4)",
        "ScenarioChanges!D5  column  changes an option's plant_id; robust mode plans one set "
        "of retooling for all scenarios (docs/contract.md §4)",
        "ScenarioChanges!F6  value  moves the start window of option O1 from 2030-2031 to "
        "2030-2030; robust mode plans one set of retooling for all scenarios (docs/contract.md §4)",
    ]


def test_robust_mode_accepts_other_changes(tmp_path: Path) -> None:
    assert (
        robust(
            tmp_path,
            change("policy", sheet="RetoolOptions", column="earliest_start", op="set", value=2025),
            change(
                "policy",
                sheet="Settings",
                match="key=discount_rate",
                column="value",
                op="set",
                value=0.1,
            ),
        )
        == []
    )
