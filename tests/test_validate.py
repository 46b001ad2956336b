"""One test per check class of the validator: each breaks a valid workbook in one way and
expects the problem at its sheet, cell and column (`Sheet!Cell  column  message`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from workbooks import Sheets, full, settings, write

from planner.contract.errors import InputError
from planner.read.load import load_workbook_cases

Edit = Callable[[Sheets], None]


def load_problems(tmp_path: Path, sheets: Sheets) -> list[str]:
    path = write(tmp_path / "case.xlsx", sheets)
    with pytest.raises(InputError) as info:
        load_workbook_cases(path)
    return [str(p) for p in info.value.problems]


def load_warnings(tmp_path: Path, sheets: Sheets) -> list[str]:
    return [str(w) for w in load_workbook_cases(write(tmp_path / "case.xlsx", sheets)).warnings]


def assert_found(found: list[str], cell: str, column: str, fragment: str) -> None:
    prefix = f"{cell}  {column}  "
    assert any(line.startswith(prefix) and fragment in line for line in found), (
        f"no {prefix!r}...{fragment!r} in:\n" + "\n".join(found)
    )


def cell(name: str, index: int, /, **values: Any) -> Edit:
    """Set values in row `index` (0-based) of a sheet."""
    return lambda sheets: sheets[name][index].update(values)


def add(name: str, /, **values: Any) -> Edit:
    return lambda sheets: sheets.setdefault(name, []).append(values)


def setting(key: str, value: Any) -> Edit:
    def edit(sheets: Sheets) -> None:
        rows = [r for r in sheets["Settings"] if r["key"] == key]
        if rows:
            rows[0]["value"] = value
        else:
            sheets["Settings"].append({"key": key, "value": value})

    return edit


def clear(sheet: str) -> Edit:
    return lambda sheets: sheets[sheet].clear()


OPTION = {
    "option_id": "O2",
    "plant_id": "P2",
    "to_line_type": "KEI_EV",
    "capacity_added": 10,
    "capex": 5,
}
POLICY = {"policy_id": "B1", "kind": "capex_budget", "value": 1e6}

# (check, edit, cell, column, message fragment)
ERRORS: list[tuple[str, Edit, str, str, str]] = [
    (
        "wrong type",
        cell("PlantLines", 0, capacity="lots"),
        "PlantLines!C2",
        "capacity",
        "must be a number, got 'lots'",
    ),
    (
        "not a whole number",
        cell("Demand", 0, year=2030.5),
        "Demand!C2",
        "year",
        "must be a whole number",
    ),
    (
        "decimal comma is not a number",
        cell("Products", 0, mpg="0,5"),
        "Products!F2",
        "mpg",
        "must be a number",
    ),
    (
        "out of range",
        cell("Plants", 0, cost_index=-1),
        "Plants!G2",
        "cost_index",
        "must be > 0, got -1",
    ),
    (
        "latitude out of range",
        cell("Regions", 0, lat=95),
        "Regions!D2",
        "lat",
        "must be <= 90, got 95",
    ),
    (
        "bad enum powertrain",
        cell("Products", 0, powertrain="DIESEL"),
        "Products!C2",
        "powertrain",
        "must be one of ICE, HEV, PHEV, EV, got 'DIESEL'",
    ),
    (
        "bad enum kind",
        cell("Policies", 0, kind="ev_share"),
        "Policies!B2",
        "kind",
        "must be one of",
    ),
    (
        "bad enum mode",
        cell("Policies", 0, mode="firm"),
        "Policies!I2",
        "mode",
        "must be one of hard, soft",
    ),
    (
        "bad enum origin",
        cell("Policies", 0, origin="abroad"),
        "Policies!F2",
        "origin",
        "must be one of any, domestic, import",
    ),
    (
        "bad enum op",
        cell("ScenarioChanges", 0, op="times"),
        "ScenarioChanges!E2",
        "op",
        "must be one of set, multiply, add",
    ),
    (
        "bad enum solver",
        setting("solver", "gurobi"),
        "Settings!B5",
        "value",
        "solver must be one of",
    ),
    (
        "required value empty",
        cell("Products", 0, price=None),
        "Products!D2",
        "price",
        "required value is empty",
    ),
    ("needs rows", clear("Demand"), "Demand", "-", "needs at least one data row"),
    (
        "duplicate key",
        add("Plants", plant_id="P1", country="US", lat=1, lon=1),
        "Plants!A4",
        "plant_id",
        "duplicate plant_id=P1 (first on row 2)",
    ),
    (
        "duplicate composite key",
        add("Demand", region_id="R1", product_id="CAR", year=2030, units=1),
        "Demand!C5",
        "year",
        "duplicate region_id=R1",
    ),
    (
        "unknown setting",
        setting("discount", 0.1),
        "Settings!A5",
        "key",
        "unknown setting 'discount'; did you mean discount_rate?",
    ),
    (
        "duplicate setting",
        add("Settings", key="first_year", value=2030),
        "Settings!A5",
        "key",
        "duplicate setting 'first_year'",
    ),
    (
        "setting out of range",
        setting("discount_rate", 1.5),
        "Settings!B4",
        "value",
        "discount_rate must be < 1",
    ),
    (
        "setting wrong type",
        setting("time_limit_s", "soon"),
        "Settings!B5",
        "value",
        "time_limit_s must be a number",
    ),
    (
        "horizon reversed",
        setting("last_year", 2020),
        "Settings!B3",
        "value",
        "last_year 2020 is before first_year 2030",
    ),
    (
        "horizon too long",
        setting("last_year", 2080),
        "Settings!B3",
        "value",
        "has 51 years; at most 40",
    ),
    ("year out of bounds", cell("Demand", 0, year=3030), "Demand!C2", "year", "must be <= 2200"),
    (
        "missing plant",
        cell("PlantLines", 1, plant_id="P9"),
        "PlantLines!A3",
        "plant_id",
        "plant 'P9' is not in Plants",
    ),
    (
        "missing product",
        cell("Demand", 1, product_id="VAN"),
        "Demand!B3",
        "product_id",
        "product 'VAN' is not in Products",
    ),
    (
        "missing region",
        cell("Freight", 0, region_id="R9"),
        "Freight!B2",
        "region_id",
        "region 'R9' is not in Regions",
    ),
    (
        "missing product in Compatibility",
        cell("Compatibility", 0, product_id="VAN"),
        "Compatibility!B2",
        "product_id",
        "product 'VAN' is not in Products",
    ),
    (
        "missing plant of an option",
        cell("RetoolOptions", 0, plant_id="P9"),
        "RetoolOptions!B2",
        "plant_id",
        "plant 'P9' is not in Plants",
    ),
    (
        "missing line type",
        cell("RetoolOptions", 0, from_line_type="BOF_TRUCK"),
        "RetoolOptions!C2",
        "from_line_type",
        "line type 'BOF_TRUCK' does not exist at plant",
    ),
    (
        "missing scenario",
        cell("ScenarioChanges", 0, scenario_id="low"),
        "ScenarioChanges!A2",
        "scenario_id",
        "scenario 'low' is not in Scenarios",
    ),
    (
        "capacity_removed exceeds existing",
        cell("RetoolOptions", 0, capacity_removed=500),
        "RetoolOptions!F2",
        "capacity_removed",
        "removes 500 of UNIBODY but plant P1 has only 100",
    ),
    (
        "default capacity_removed exceeds existing",
        cell("RetoolOptions", 0, capacity_added=120),
        "RetoolOptions!E2",
        "capacity_added",
        "removes 120 of UNIBODY",
    ),
    (
        "capacity_removed without a line",
        add("RetoolOptions", **OPTION, capacity_removed=5),
        "RetoolOptions!F3",
        "capacity_removed",
        "from_line_type is empty",
    ),
    (
        "start window reversed",
        cell("RetoolOptions", 0, earliest_start=2031, latest_start=2030),
        "RetoolOptions!K2",
        "latest_start",
        "latest_start 2030 is before earliest_start 2031",
    ),
    (
        "policy window reversed",
        cell("Policies", 0, year_from=2031, year_to=2030),
        "Policies!H2",
        "year_to",
        "year_to 2030 is before year_from 2031",
    ),
    (
        "tariff window reversed",
        cell("Tariffs", 0, year_from=2031, year_to=2030),
        "Tariffs!E2",
        "year_to",
        "year_to 2030 is before year_from 2031",
    ),
    (
        "coordinates needed",
        cell("Plants", 1, lat=None),
        "Plants!E3",
        "lat",
        "lat is required: 1 lane(s) from this plant are not in Freight",
    ),
    (
        "selector prefix unknown",
        cell("Policies", 0, regions="state:CA"),
        "Policies!E2",
        "regions",
        "selector token 'state:CA' has an unknown prefix",
    ),
    (
        "selector names nothing",
        cell("Policies", 0, products="segment:truck"),
        "Policies!D2",
        "products",
        "selector token 'segment:truck' names nothing",
    ),
    (
        "tariff selector names nothing",
        cell("Tariffs", 0, products="VAN"),
        "Tariffs!C2",
        "products",
        "selector token 'VAN' names nothing",
    ),
    (
        "overlapping tariffs",
        add(
            "Tariffs",
            origin_country="MX",
            market_country="US",
            products="powertrain:EV",
            year_from=2031,
            rate=0.1,
        ),
        "Tariffs!C3",
        "products",
        "overlaps row 2",
    ),
    (
        "products on a capex kind",
        add("Policies", **POLICY, products="KEI"),
        "Policies!D3",
        "products",
        "must be empty for kind capex_budget",
    ),
    (
        "regions on a retool kind",
        add("Policies", **{**POLICY, "kind": "max_retools", "value": 1}, regions="R1"),
        "Policies!E3",
        "regions",
        "must be empty for kind max_retools",
    ),
    (
        "origin on a capex kind",
        add("Policies", **POLICY, origin="import"),
        "Policies!F3",
        "origin",
        "must be empty or any for kind capex_budget",
    ),
    (
        "domestic share with an origin",
        cell("Policies", 0, kind="domestic_share_min", origin="domestic"),
        "Policies!F2",
        "origin",
        "must be any for domestic_share_min",
    ),
    (
        "share out of range",
        cell("Policies", 0, value=1.5),
        "Policies!C2",
        "value",
        "a share must be in [0, 1]",
    ),
    (
        "fleet mpg not positive",
        cell("Policies", 0, kind="fleet_mpg_min", value=0),
        "Policies!C2",
        "value",
        "must be > 0 for fleet_mpg_min",
    ),
    (
        "negative limit",
        add("Policies", **{**POLICY, "value": -1}),
        "Policies!C3",
        "value",
        "must be >= 0 for capex_budget",
    ),
    (
        "soft policy without penalty",
        cell("Policies", 0, penalty=None),
        "Policies!J2",
        "penalty",
        "a soft policy needs a penalty",
    ),
    (
        "change on base",
        cell("ScenarioChanges", 0, scenario_id="base"),
        "ScenarioChanges!A2",
        "scenario_id",
        "base has no changes",
    ),
    (
        "change on an unknown sheet",
        cell("ScenarioChanges", 0, sheet="Options"),
        "ScenarioChanges!B2",
        "sheet",
        "must be one of Settings, Plants",
    ),
    (
        "change on an unknown column",
        cell("ScenarioChanges", 0, column="cost"),
        "ScenarioChanges!D2",
        "column",
        "RetoolOptions has no column 'cost'",
    ),
    (
        "change with a bad match",
        cell("ScenarioChanges", 0, match="id=O1"),
        "ScenarioChanges!C2",
        "match",
        "condition 'id=O1' is not column=value",
    ),
    (
        "change matching no row",
        cell("ScenarioChanges", 0, match="option_id=O7"),
        "ScenarioChanges!C2",
        "match",
        "matches no row of RetoolOptions: option_id=O7",
    ),
    (
        "change with a non-numeric operand",
        cell("ScenarioChanges", 0, value="double"),
        "ScenarioChanges!F2",
        "value",
        "multiply: the operand must be a number",
    ),
    (
        "change making a value invalid",
        cell("ScenarioChanges", 0, value=-1),
        "RetoolOptions!G2",
        "capex",
        "must be >= 0, got -1000000 (after ScenarioChanges row 2, scenario high_capex)",
    ),
]


@pytest.mark.parametrize(
    ("check", "edit", "where", "column", "fragment"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_error(
    tmp_path: Path, check: str, edit: Edit, where: str, column: str, fragment: str
) -> None:
    sheets = full()
    edit(sheets)
    assert_found(load_problems(tmp_path, sheets), where, column, fragment)


WARNINGS: list[tuple[str, Edit, str, str, str]] = [
    (
        "demand outside the horizon",
        add("Demand", region_id="R1", product_id="CAR", year=2040, units=5),
        "Demand!C5",
        "year",
        "1 Demand row(s) outside the horizon 2030-2031 are ignored",
    ),
    (
        "option never possible",
        cell("RetoolOptions", 0, earliest_start=2040),
        "RetoolOptions!J2",
        "earliest_start",
        "start window lies outside the horizon",
    ),
    (
        "policy never active",
        cell("Policies", 0, year_from=2040),
        "Policies!G2",
        "year_from",
        "the policy has no effect",
    ),
    (
        "product never buildable",
        add(
            "Products",
            product_id="VAN",
            segment="van",
            powertrain="ICE",
            price=1,
            variable_cost=1,
            mpg=20,
        ),
        "Products!A4",
        "product_id",
        "product 'VAN' has no compatible line type",
    ),
    (
        "line type nowhere",
        add("Compatibility", line_type="UNIBDY", product_id="CAR"),
        "Compatibility!A5",
        "line_type",
        "line type 'UNIBDY' is at no plant",
    ),
    (
        "duplicate compatibility",
        add("Compatibility", line_type="UNIBODY", product_id="CAR"),
        "Compatibility!B5",
        "product_id",
        "duplicate line_type=UNIBODY, product_id=CAR",
    ),
    (
        "hard policy with a penalty",
        cell("Policies", 0, mode="hard"),
        "Policies!J2",
        "penalty",
        "a hard policy ignores its penalty",
    ),
    (
        "tariff within a country",
        add("Tariffs", origin_country="US", market_country="US", rate=0.1),
        "Tariffs!B3",
        "market_country",
        "origin and market are the same country",
    ),
    (
        "tariff country unknown",
        add("Tariffs", origin_country="JPN", market_country="US", rate=0.1),
        "Tariffs!A3",
        "origin_country",
        "no plant is in 'JPN'",
    ),
    (
        "scenario-only warning is tagged",
        add(
            "ScenarioChanges",
            scenario_id="high_capex",
            sheet="Policies",
            match="policy_id=EV10",
            column="year_from",
            op="set",
            value=2040,
        ),
        "Policies!G2",
        "year_from",
        "(after ScenarioChanges row 3, scenario high_capex)",
    ),
]


@pytest.mark.parametrize(
    ("check", "edit", "where", "column", "fragment"), WARNINGS, ids=[w[0] for w in WARNINGS]
)
def test_warning(
    tmp_path: Path, check: str, edit: Edit, where: str, column: str, fragment: str
) -> None:
    sheets = full()
    edit(sheets)
    assert_found(load_warnings(tmp_path, sheets), where, column, fragment)


def test_required_setting_missing(tmp_path: Path) -> None:
    sheets = full()
    sheets["Settings"] = settings(first_year=2030)
    assert_found(
        load_problems(tmp_path, sheets),
        "Settings",
        "key",
        "required setting 'last_year' is missing",
    )


def test_every_problem_in_one_pass(tmp_path: Path) -> None:
    sheets = full()
    for edit in (
        cell("Plants", 0, cost_index=-1),
        cell("Demand", 1, product_id="VAN"),
        cell("Policies", 0, penalty=None),
        cell("ScenarioChanges", 0, match="x=1"),
    ):
        edit(sheets)
    found = load_problems(tmp_path, sheets)
    assert [line.split()[0] for line in found] == [
        "Plants!G2",
        "Demand!B3",
        "Policies!J2",
        "ScenarioChanges!C2",
    ]


def test_valid_workbook_is_clean(tmp_path: Path) -> None:
    loaded = load_workbook_cases(write(tmp_path / "case.xlsx", full()))
    assert [c.scenario_id for c in loaded.cases] == ["base", "high_capex"]
    assert loaded.warnings == ()
