"""The per-scenario result workbook: sheets, headers, totals, shadow prices, safety.

Every case is a real solve of a tiny hand-checkable workbook (tests/workbooks.py `tiny()`):
one plant P1 with a 100-unit UNIBODY line, product CAR (price 20,000, cost 15,000), one year
(2030), discount rate 0, so NPV is the plain margin sum.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from workbooks import Sheets, metric_rows, tiny, with_rows, write

import planner.write.atomic
from planner.app.cli import main
from planner.read.load import load_workbook_cases
from planner.results.outcome import ScenarioOutcome, solve_case
from planner.solve.result import Status
from planner.write.atomic import OutputLockedError
from planner.write.scenario_workbook import write_scenario_workbook

SHEETS = [
    "Summary",
    "Retooling",
    "Production",
    "Sales",
    "Capacity",
    "Policies",
    "CashFlow",
    "Bridge",
    "Map",
    "RunInfo",
    "ChartData",
]
HEADERS = {
    "Retooling": [
        "option",
        "taken",
        "plant",
        "plant name",
        "state",
        "from line",
        "to line",
        "capacity added (units/yr)",
        "capacity removed (units/yr)",
        "start year",
        "online year",
        "capex ($)",
        "fixed cost ($/yr)",
        "lead time (yrs)",
        "could start from",
        "could start until",
        "input row",
    ],
    "Production": ["plant", "plant name", "line", "product", "segment", "year", "units"],
    "Sales": [
        "plant",
        "region",
        "product",
        "segment",
        "year",
        "units",
        "price ($)",
        "freight ($/unit)",
        "tariff ($/unit)",
        "credit ($/unit)",
        "production cost ($/unit)",
        "margin ($/unit)",
        "margin ($)",
    ],
    "UnmetDemand": ["region", "product", "year", "demand", "sold", "unmet", "unmet share"],
    "Capacity": [
        "plant",
        "plant name",
        "line",
        "retooled to",
        "year",
        "existing",
        "removed",
        "added",
        "available",
        "used",
        "utilization",
    ],
    "Policies": [
        "policy",
        "kind",
        "mode",
        "year",
        "rule",
        "required",
        "achieved",
        "binding",
        "slack",
        "violation",
        "penalty cost ($, undiscounted)",
        "shadow price ($ per unit)",
        "unit",
        "input row",
        "shadow price note",
        "reading",
    ],
    "CashFlow": [
        "year",
        "revenue",
        "production cost",
        "freight",
        "tariffs",
        "credits",
        "fixed costs",
        "penalties",
        "operating",
        "capex",
        "launch costs",
        "window penalties",
        "net (undiscounted)",
        "discount factor",
        "operating weight",
        "discounted",
        "cumulative NPV",
    ],
}


def two_regions() -> Sheets:
    """tiny() plus region R2 (demand 150 CAR) whose lane costs 1,010 $/unit: a unit sold in
    R2 earns 20,000 − 15,000 − 1,010 = 3,990, one sold in R1 earns 4,990."""
    sheets = with_rows(
        tiny(), "Regions", {"region_id": "R2", "country": "US", "lat": 30.0, "lon": -90.0}
    )
    sheets = with_rows(
        sheets, "Demand", {"region_id": "R2", "product_id": "CAR", "year": 2030, "units": 150}
    )
    return with_rows(
        sheets, "Freight", {"plant_id": "P1", "region_id": "R2", "cost_per_unit": 1010}
    )


def with_kei_option(sheets: Sheets) -> Sheets:
    """A new KEI_LINE (100 units, capex 100,000, online at once) for product KEI (segment
    'Kei', price 15,000, cost 10,000, demand 80 in R1): worth 80 × (5,000 − 10) − 100,000."""
    sheets = with_rows(
        sheets,
        "Products",
        {
            "product_id": "KEI",
            "segment": "Kei",
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
    return with_rows(
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


def solved(tmp_path: Path, sheets: Sheets, name: str = "case") -> ScenarioOutcome:
    case = load_workbook_cases(write(tmp_path / f"{name}.xlsx", sheets)).cases[0]
    return solve_case(case)


def run_cli(tmp_path: Path, sheets: Sheets, name: str = "case") -> Path:
    path = write(tmp_path / f"{name}.xlsx", sheets)
    main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    return tmp_path / "out" / name


def table_rows(sheet: Worksheet, table: str) -> list[dict[str, Any]]:
    """The rows of an Excel table as dicts keyed by its headers."""
    ref = sheet.tables[table].ref
    rows = [list(r) for r in sheet[ref]]
    headers = [c.value for c in rows[0]]
    return [
        dict(zip(headers, (c.value for c in row), strict=True))
        for row in rows[1:]
        if any(c.value is not None for c in row)
    ]


def table_headers(sheet: Worksheet, table: str) -> list[str]:
    return [c.value for c in sheet[sheet.tables[table].ref][0]]


@pytest.fixture(scope="module")
def kei_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("kei")
    sheets = with_kei_option(two_regions())
    sheets = with_rows(
        sheets,
        "Policies",
        {
            "policy_id": "MIN_R2",
            "kind": "min_units",
            "value": 60,
            "products": "CAR",
            "regions": "R2",
        },
    )
    return run_cli(tmp_path, sheets)


def test_sheets_in_order_with_headers(kei_run: Path) -> None:
    book = load_workbook(kei_run / "base.xlsx")
    assert book.sheetnames == SHEETS
    assert book["ChartData"].sheet_state == "hidden"
    for sheet_name, table in [
        ("Retooling", "Retooling"),
        ("Production", "Production"),
        ("Sales", "Sales"),
        ("Sales", "UnmetDemand"),
        ("Capacity", "Capacity"),
        ("Policies", "Policies"),
        ("CashFlow", "CashFlow"),
    ]:
        assert table_headers(book[sheet_name], table) == HEADERS[table], table
        assert book[sheet_name].freeze_panes is not None


def test_summary_reads_the_plan(kei_run: Path) -> None:
    """Hand computation: KEI pays (80 × 4,990 − 100,000 = 299,200), so OPT1 is taken in 2030;
    MIN_R2 forces 60 CAR to R2: NPV = 40 × 4,990 + 60 × 3,990 + 299,200 = 738,200."""
    sheet = load_workbook(kei_run / "base.xlsx")["Summary"]
    metrics = {row[0]: row[1] for row in metric_rows(sheet)}
    assert metrics["status"] == "optimal"
    assert metrics["NPV ($)"] == pytest.approx(738_200)
    assert metrics["retools"] == 1
    assert metrics["retool capex ($)"] == 100_000
    assert metrics["kei units (all years)"] == 80  # segment 'Kei' counts as kei
    text = sheet["A2"].value
    assert text.startswith("Retool 1 line at 1 plant for $100k of capex: P1 new KEI_LINE line")
    assert sheet["A4"].value == (
        "Risks: 1 policy binds and shapes the plan (MIN_R2): a change in the rules changes it."
    )
    policies = sheet["A5"].value
    assert "MIN_R2 binds in 2030: tightening it by one vehicle a year costs $1k of NPV" in policies


def test_cashflow_total_equals_json_npv(kei_run: Path) -> None:
    npv = json.loads((kei_run / "base.json").read_text())["npv"]
    sheet = load_workbook(kei_run / "base.xlsx")["CashFlow"]
    headers = table_headers(sheet, "CashFlow")
    total = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "total")
    assert total[headers.index("discounted")] == pytest.approx(npv, abs=0.01)
    years = table_rows(sheet, "CashFlow")
    assert years[-1]["cumulative NPV"] == pytest.approx(npv, abs=0.01)


@pytest.mark.parametrize(
    ("policy", "step"),
    [
        # Binding at 60: 40 to R1, 60 to R2. One more unit in R2 moves a car from R1 to R2 and
        # loses 4,990 − 3,990 = 1,000 of NPV (439,000 → 438,000).
        (
            {
                "policy_id": "MIN_R2",
                "kind": "min_units",
                "value": 60,
                "products": "CAR",
                "regions": "R2",
            },
            +1,
        ),
        # Binding at 50: 50 to R1, 50 to R2. One unit less in R1 moves a car to R2: −1,000
        # (449,000 → 448,000).
        (
            {
                "policy_id": "MAX_R1",
                "kind": "max_units",
                "value": 50,
                "products": "CAR",
                "regions": "R1",
            },
            -1,
        ),
    ],
)
def test_shadow_price_matches_finite_difference(
    tmp_path: Path, policy: dict[str, Any], step: int
) -> None:
    outcome = solved(tmp_path, with_rows(two_regions(), "Policies", policy))
    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    row = table_rows(load_workbook(tmp_path / "base.xlsx")["Policies"], "Policies")[0]
    assert row["binding"] == "yes"
    assert row["unit"] == "vehicles"
    case = outcome.results.case
    tightened = replace(
        case, policies=tuple(replace(p, value=p.value + step) for p in case.policies)
    )
    before, after = outcome.results.npv, solve_case(tightened).results.npv
    assert before is not None and after is not None
    assert row["shadow price ($ per unit)"] == pytest.approx(before - after, abs=1e-6)
    assert row["shadow price ($ per unit)"] == pytest.approx(1000.0)


def test_capex_budget_has_no_marginal_price_with_the_plan_fixed(tmp_path: Path) -> None:
    """A budget of exactly OPT1's capex binds, but its row holds only the fixed start
    decision, so the LP price is 0; lowering it by $1 drops OPT1 (a jump of 299,200)."""
    sheets = with_rows(
        with_kei_option(tiny()),
        "Policies",
        {"policy_id": "CAPEX", "kind": "capex_budget_total", "value": 100000},
    )
    outcome = solved(tmp_path, sheets)
    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    book = load_workbook(tmp_path / "base.xlsx")
    row = table_rows(book["Policies"], "Policies")[0]
    assert (row["year"], row["binding"], row["unit"]) == ("window", "yes", "$")
    assert row["shadow price ($ per unit)"] == 0
    assert (
        "CAPEX binds over its window; with the retooling plan fixed it has no marginal "
        "price" in book["Summary"]["A5"].value
    )


NASTY = {"P1": '=HYPERLINK("http://x","y")', "CAR": "+1", "R1": "@x", "UNIBODY": "-x"}


def _nasty_input(path: Path) -> Path:
    """tiny() with the plant, product, region and line renamed to formula-looking text,
    stored as text cells in the input."""
    write(path, with_kei_option(tiny()))
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.value in NASTY:
                    cell.value = NASTY[str(cell.value)]
                    cell.data_type = "s"
    book.save(path)
    return path


def test_formula_looking_names_stay_text(tmp_path: Path) -> None:
    path = _nasty_input(tmp_path / "nasty.xlsx")
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    target = tmp_path / "out" / "nasty" / "base.xlsx"
    with zipfile.ZipFile(target) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode()
            assert not re.search(r"<f[ >]", xml), name  # no formula anywhere
    book = load_workbook(target)
    production = table_rows(book["Production"], "Production")
    assert {r["plant"] for r in production} == {NASTY["P1"]}
    assert NASTY["UNIBODY"] in {r["line"] for r in production}
    sales = table_rows(book["Sales"], "Sales")
    assert {(r["product"], r["region"]) for r in sales} >= {(NASTY["CAR"], NASTY["R1"])}


def test_locked_target_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = solved(tmp_path, tiny())
    target = tmp_path / "out" / "base.xlsx"
    write_scenario_workbook(target, outcome)
    before = target.read_bytes()

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(planner.write.atomic.os, "replace", locked)
    with pytest.raises(OutputLockedError) as error:
        write_scenario_workbook(target, outcome)
    monkeypatch.undo()
    message = str(error.value)
    assert str(target) in message and "\n" not in message
    assert target.read_bytes() == before
    assert os.listdir(target.parent) == ["base.xlsx"]  # no temporary file left behind


def test_infeasible_case_gets_a_diagnosis_sheet(tmp_path: Path) -> None:
    """Capacity 100 cannot meet a hard minimum of 130: the diagnosis says 'short by 30'."""
    sheets = with_rows(
        tiny(),
        "Policies",
        {"policy_id": "MIN", "kind": "min_units", "value": 130, "products": "CAR"},
    )
    outcome = solved(tmp_path, sheets)
    assert outcome.results.status is Status.INFEASIBLE
    write_scenario_workbook(tmp_path / "base.xlsx", outcome)
    book = load_workbook(tmp_path / "base.xlsx")
    assert book.sheetnames == [*SHEETS[:9], "Diagnosis", "RunInfo"]
    sheet = book["Diagnosis"]
    assert sheet["A4"].value == "MIN (min_units) short by 30 vehicles in 2030"
    give_way = table_rows(sheet, "GiveWay")
    assert [(g["policy"], g["year"], g["amount"]) for g in give_way] == [("MIN", 2030, 30)]
    summary = book["Summary"]["A2"].value
    assert summary.startswith("No plan meets every hard policy.")


def test_no_solution_still_writes_a_readable_workbook(tmp_path: Path) -> None:
    outcome = solved(tmp_path, tiny())
    empty = replace(
        outcome.results,
        status=Status.ERROR,
        retools=(),
        production=(),
        sales=(),
        unmet=(),
        capacity=(),
        policies=(),
        cashflow=(),
        message="time limit",
    )
    write_scenario_workbook(tmp_path / "base.xlsx", replace(outcome, results=empty))
    book = load_workbook(tmp_path / "base.xlsx")
    assert book.sheetnames == SHEETS[:-1]  # no charts, no ChartData
    assert book["Summary"]["A2"].value == (
        "The solver stopped without a plan (error: time limit); nothing to read."
    )


def test_run_info_records_settings_and_warnings(kei_run: Path) -> None:
    sheet = load_workbook(kei_run / "base.xlsx")["RunInfo"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["scenario"] == "base"
    assert values["mip_gap"] == 0
    assert values["model variables"] > 0
    assert re.match(r"\d{4}-\d\d-\d\dT", values["started (UTC)"])
