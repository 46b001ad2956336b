"""comparison.xlsx: one row per scenario, option × scenario start years, a chart."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workbooks import Sheets, tiny, with_rows, write

from planner.read.load import load_workbook_cases
from planner.results.outcome import ScenarioOutcome, solve_case
from planner.write.comparison import write_comparison_workbook

SCENARIO_HEADERS = [
    "scenario",
    "description",
    "probability",
    "status",
    "NPV ($)",
    "NPV vs base ($)",
    "MIP gap",
    "kei units (all years)",
    "kei units (last year)",
    "domestic share",
    "EV share",
    "retool capex ($)",
    "retools",
    "launched products",
    "policy violations",
    "solve time (s)",
]


def three_scenarios() -> Sheets:
    """tiny() plus option OPT1 (new KEI_LINE, capex 100,000) for KEI (segment 'KEI', margin
    5,000 − 10 on 80 units: worth 299,200). Scenarios: `dear` makes OPT1 cost 500,000 (not
    taken); `stuck` asks for 130 CAR from a 100-unit line (infeasible)."""
    sheets = with_rows(
        tiny(),
        "Products",
        {
            "product_id": "KEI",
            "segment": "KEI",
            "powertrain": "EV",
            "price": 15000,
            "variable_cost": 10000,
            "mpg": 100,
        },
    )
    sheets = with_rows(sheets, "Compatibility", {"line_type": "KEI_LINE", "product_id": "KEI"})
    sheets = with_rows(
        sheets, "Demand", {"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 80}
    )
    sheets = with_rows(
        sheets,
        "RetoolOptions",
        {
            "option_id": "OPT1",
            "plant_id": "P1",
            "to_line_type": "KEI_LINE",
            "capacity_added": 100,
            "capex": 100000,
            "lead_time_years": 0,
            "fixed_cost_per_year": 0,
        },
    )
    sheets = with_rows(
        sheets, "Policies", {"policy_id": "MIN", "kind": "min_units", "value": 0, "products": "CAR"}
    )
    sheets = with_rows(
        sheets,
        "Scenarios",
        {"scenario_id": "dear", "description": "capex ×5"},
        {"scenario_id": "stuck", "description": "too much CAR"},
    )
    return with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "dear",
            "sheet": "RetoolOptions",
            "match": "option_id=OPT1",
            "column": "capex",
            "op": "multiply",
            "value": 5,
        },
        {
            "scenario_id": "stuck",
            "sheet": "Policies",
            "match": "policy_id=MIN",
            "column": "value",
            "op": "set",
            "value": 130,
        },
    )


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[ScenarioOutcome]:
    path = write(tmp_path_factory.mktemp("cmp") / "three.xlsx", three_scenarios())
    return [solve_case(case) for case in load_workbook_cases(path).cases]


def test_one_row_per_scenario(outcomes: list[ScenarioOutcome], tmp_path: Path) -> None:
    target = tmp_path / "comparison.xlsx"
    write_comparison_workbook(target, outcomes)
    book = load_workbook(target)
    assert book.sheetnames == ["Scenarios", "StartYears", "PolicyCosts", "Bridge"]
    sheet = book["Scenarios"]
    rows = list(sheet[sheet.tables["Scenarios"].ref])
    assert [c.value for c in rows[0]] == SCENARIO_HEADERS
    table = {
        r[0].value: {h: c.value for h, c in zip(SCENARIO_HEADERS, r, strict=True)} for r in rows[1:]
    }
    assert list(table) == ["base", "dear", "stuck"]
    assert table["base"]["NPV ($)"] == pytest.approx(499_000 + 299_200)
    assert table["base"]["kei units (all years)"] == 80  # segment 'KEI' is kei
    assert (table["base"]["retools"], table["base"]["retool capex ($)"]) == (1, 100_000)
    assert table["dear"]["NPV ($)"] == pytest.approx(499_000)
    assert table["dear"]["NPV vs base ($)"] == pytest.approx(-299_200)
    assert table["dear"]["retools"] == 0
    assert table["stuck"]["status"] == "infeasible"
    assert table["stuck"]["NPV ($)"] is None
    assert table["stuck"]["policy violations"] == 1  # what had to give way
    assert table["stuck"]["description"] == "too much CAR"


def test_start_year_matrix_and_chart(outcomes: list[ScenarioOutcome], tmp_path: Path) -> None:
    target = tmp_path / "comparison.xlsx"
    write_comparison_workbook(target, outcomes)
    sheet = load_workbook(target)["StartYears"]
    values = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert values == [
        ("option", "plant", "from → to", "base", "dear", "stuck", "across scenarios"),
        ("OPT1", "P1", "(new) → KEI_LINE", 2030, None, None, "taken in 1 of 3"),
        ("(none)", "(any plant)", "no retooling", None, "no kei line", None, "in 1 of 3"),
    ]
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert "xl/charts/chart1.xml" in names
        for name in names:
            if name.startswith("xl/worksheets/sheet"):
                assert not re.search(r"<f[ >]", archive.read(name).decode()), name


def test_policy_costs_across_scenarios(outcomes: list[ScenarioOutcome], tmp_path: Path) -> None:
    target = tmp_path / "comparison.xlsx"
    write_comparison_workbook(target, outcomes)
    sheet = load_workbook(target)["PolicyCosts"]
    values = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert values == [
        ("MIN", "min_units", "does not bind", "does not bind", None, "binds in 0 of 3")
    ]


def test_start_years_name_plants_and_the_npv_axis_starts_at_zero(tmp_path: Path) -> None:
    """base and dear of three_scenarios, P1 named "Fort Wayne": base takes OPT1 in 2030, dear
    nothing (its 'no kei line' row). Both NPVs are positive (798,200 and 499,000): the NPV
    axis starts at 0 and is titled with its unit. The status quo (no retooling) earns the CAR
    499,000 in both, so the plan values are 299,200 and 0, charted from 0 as well."""
    sheets = three_scenarios()
    sheets["Plants"] = [{**sheets["Plants"][0], "name": "Fort Wayne"}]
    sheets["Scenarios"] = [r for r in sheets["Scenarios"] if r["scenario_id"] != "stuck"]
    sheets["ScenarioChanges"] = [r for r in sheets["ScenarioChanges"] if r["scenario_id"] == "dear"]
    path = write(tmp_path / "named.xlsx", sheets)
    target = tmp_path / "comparison.xlsx"
    write_comparison_workbook(target, [solve_case(c) for c in load_workbook_cases(path).cases])
    sheet = load_workbook(target)["StartYears"]
    values = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert values == [
        ("OPT1", "Fort Wayne", "(new) → KEI_LINE", 2030, None, "taken in 1 of 2"),
        ("(none)", "(any plant)", "no retooling", None, "no kei line", "in 1 of 2"),
    ]
    rows = list(load_workbook(target)["Scenarios"].iter_rows(values_only=True))
    header = rows.index(("scenario", "plan value ($)", *[None] * (len(rows[3]) - 2)))
    assert [r[:2] for r in rows[header + 1 : header + 3]] == [
        ("base", pytest.approx(299_200)),
        ("dear", pytest.approx(0)),
    ]
    with zipfile.ZipFile(target) as archive:
        npv, value = (archive.read(f"xl/charts/chart{n}.xml").decode() for n in (1, 2))
    assert '<c:min val="0"/>' in npv
    assert "<a:t>NPV ($)</a:t>" in npv and "<a:t>scenario</a:t>" in npv
    assert '<c:min val="0"/>' in value and "<a:t>plan value ($)</a:t>" in value


def test_a_wide_table_prints_across_pages_instead_of_shrinking(
    outcomes: list[ScenarioOutcome], tmp_path: Path
) -> None:
    """The Scenarios table holds many columns of at least 14 characters: fitted to one page
    wide it printed at about 40 %; it now spreads across as many landscape pages as keep it at
    about 75 % (170 characters a page), while a narrow sheet stays one page wide."""
    target = tmp_path / "comparison.xlsx"
    write_comparison_workbook(target, outcomes)
    book = load_workbook(target)
    sheet = book["Scenarios"]
    table_width = sum(
        (sheet.column_dimensions[c].width or 0) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:20]
    )
    assert table_width > 170
    assert sheet.page_setup.fitToWidth == -(-int(table_width) // 170) >= 2
    assert book["Bridge"].page_setup.fitToWidth in (None, 1)
