"""One scenario record: a Scenarios row as read is the case's `Scenario`, not a copy in a
second class."""

from __future__ import annotations

from pathlib import Path

from workbooks import tiny, write

from planner.case import Scenario
from planner.read.load import load_workbook_cases


def test_a_loaded_case_carries_its_scenarios_row(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["Scenarios"] = [{"scenario_id": "base", "description": "as read", "probability": 0.4}]
    loaded = load_workbook_cases(write(tmp_path / "one.xlsx", sheets))
    (case,) = loaded.cases
    assert case.scenario == Scenario("base", "as read", 0.4)
    assert case.scenario is loaded.scenarios[0]
