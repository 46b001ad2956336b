"""The final console table of `planner run`: workbook order, readable dollars, the plan in a
few words, the comparison and output paths, also with --quiet; the fold of large batches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from workbooks import Sheets, settings, tiny, with_rows, write

from planner.app.cli import main
from planner.app.summary import dollars, short_plant_name, signed_dollars


def marysville() -> Sheets:
    """`tiny()` (CAR: 100 units on P1's UNIBODY line, NPV 499,000) with P1 named "Honda
    Marysville Auto Plant", an idle 80-unit EV line there and a kei car to launch.

    KEI sells 50 units in R1 at 15,000, variable cost 11,000, freight 10: 50 × 3,990 =
    199,500 of contribution, launch cost 50,000, and only O1 (EV → KEI_EV, 80 units, lead
    time 0) can build it. One year, discount 0: O1 and the launch add 149,500 − capex.
    - base, capex 100,300: plan value +49,200, NPV 548,200 ($548k, +$49.2k);
    - zeta, capex 500,000: O1 does not pay: no retooling, plan value 0, NPV 499,000;
    - alpha, capex 50,300: plan value +99,200, NPV 598,200 ($598k, +$99.2k);
    - stuck: at least 130 CARs from 100 units of capacity: infeasible.
    """
    sheets = tiny()
    sheets["Settings"] = settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0)
    sheets["Plants"][0]["name"] = "Honda Marysville Auto Plant"
    sheets["PlantLines"].append({"plant_id": "P1", "line_type": "EV", "capacity": 80})
    kei = {"product_id": "KEI", "segment": "kei", "powertrain": "EV", "price": 15000}
    sheets["Products"].append({**kei, "variable_cost": 11000, "mpg": 110, "launch_cost": 50_000})
    sheets["Compatibility"].append({"line_type": "KEI_EV", "product_id": "KEI"})
    sheets["RetoolOptions"] = [
        {
            "option_id": "O1",
            "plant_id": "P1",
            "from_line_type": "EV",
            "to_line_type": "KEI_EV",
            "capacity_added": 80,
            "capex": 100_300,
            "lead_time_years": 0,
        }
    ]
    sheets["Demand"].append({"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 50})
    sheets = with_rows(
        sheets, "Policies", {"policy_id": "MIN", "kind": "min_units", "value": 0, "products": "CAR"}
    )
    sheets = with_rows(
        sheets,
        "Scenarios",
        {"scenario_id": "zeta"},
        {"scenario_id": "alpha"},
        {"scenario_id": "stuck"},
    )
    change = {"sheet": "RetoolOptions", "match": "option_id=O1", "column": "capex", "op": "set"}
    return with_rows(
        sheets,
        "ScenarioChanges",
        {**change, "scenario_id": "zeta", "value": 500_000},
        {**change, "scenario_id": "alpha", "value": 50_300},
        {
            "scenario_id": "stuck",
            "sheet": "Policies",
            "match": "policy_id=MIN",
            "column": "value",
            "op": "set",
            "value": 130,
        },
    )


def table_rows(err: str) -> dict[str, list[str]]:
    """The final table's rows by scenario, in printed order (dicts keep it)."""
    rows: dict[str, list[str]] = {}
    for line in err[err.index("results in") :].splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│ ").split("│")]
            rows[cells[0]] = cells[1:]
    return rows


def test_quiet_run_prints_the_table_in_workbook_order_with_dollars_plans_and_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "m.xlsx", marysville())
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--quiet"]) == 3
    err = capsys.readouterr().err
    rows = table_rows(err)
    assert list(rows) == ["base", "zeta", "alpha", "stuck"]
    plan = "Honda Marysville EV→KEI_EV 2030; launch KEI"
    assert rows["base"] == ["optimal", "$548k", "+$49.2k", plan]
    assert rows["zeta"] == ["optimal", "$499k", "$0", "no retooling"]
    assert rows["alpha"] == ["optimal", "$598k", "+$99.2k", plan]
    assert rows["stuck"][:3] == ["infeasible", "", ""]
    assert f"comparison: {out / 'm' / 'comparison.xlsx'}" in err
    assert f"outputs:    {out / 'm'}" in err
    assert " INFO " not in err  # --quiet: no progress logging


def test_resumed_scenarios_keep_their_place_and_their_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Resuming solves only `zeta` again (its outputs are gone): it still prints second, and
    the resumed ones keep their NPV and plan."""
    sheets = marysville()
    sheets["Scenarios"] = sheets["Scenarios"][:2]
    sheets["ScenarioChanges"] = sheets["ScenarioChanges"][:2]
    path = write(tmp_path / "m.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    (out / "m" / "zeta.xlsx").unlink()
    capsys.readouterr()
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--resume"]) == 0
    rows = table_rows(capsys.readouterr().err)
    assert list(rows) == ["base", "zeta", "alpha"]
    assert rows["base"][:3] == ["optimal (resumed)", "$548k", "+$49.2k"]
    assert rows["zeta"] == ["optimal", "$499k", "$0", "no retooling"]


def test_a_single_scenario_names_no_comparison(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheets: dict[str, Any] = {k: v for k, v in marysville().items() if "Scenario" not in k}
    path = write(tmp_path / "one.xlsx", sheets)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert list(table_rows(err)) == ["base"]
    assert "comparison:" not in err and f"outputs:    {tmp_path / 'out' / 'one'}" in err


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (65.4e9, "$65.4B"),
        (280e6, "$280M"),
        (-1_234, "-$1.23k"),
        (499, "$499"),
        (999_600, "$1M"),
        (1_234e9, "$1,234B"),
        (-0.4, "$0"),
    ],
)
def test_dollars_in_three_figures(value: float, text: str) -> None:
    assert dollars(value) == text


def test_signed_dollars_and_short_plant_names() -> None:
    assert [signed_dollars(v) for v in (280e6, -1.5e6, 0.2)] == ["+$280M", "-$1.5M", "$0"]
    assert short_plant_name("Honda Suzuka Factory (via Long Beach)") == "Honda Suzuka"
    assert short_plant_name("GM Fort Wayne Assembly") == "GM Fort Wayne"
    assert short_plant_name("Assembly") == "Assembly"
