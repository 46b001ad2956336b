"""`planner template`: the sheets, header notes, drop-downs and Settings defaults an analyst
sees, and the round trip template -> fill one row per sheet -> `planner validate` exits 0."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from workbooks import full

from planner.app.cli import main
from planner.contract.errors import PlannerError
from planner.contract.schema import (
    CHANGEABLE_SHEETS,
    SCENARIO_SHEETS,
    SETTINGS,
    SHEETS,
    SHEETS_BY_NAME,
)
from planner.write.template import write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "new.xlsx"
    write_template(path)
    return path


def test_sheets_headers_notes_and_format(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["Instructions", *(s.name for s in SHEETS)]
    for schema in SHEETS:
        sheet = book[schema.name]
        headers = [c.value for c in sheet[1]]
        assert headers == list(schema.column_names)
        assert sheet.freeze_panes == "A2"
        for cell, column in zip(sheet[1], schema.columns, strict=True):
            assert cell.font.b
            note = cell.comment.text
            assert column.description in note
            assert f"type: {column.kind.value}" in note and "default: " in note
            if column.unit:
                assert f"unit: {column.unit}" in note


def test_notes_give_range_unit_and_allowed_values(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book["Plants"]["G1"].comment.text.splitlines()[1:] == ["type: float > 0", "default: 1"]
    powertrain = book["Products"]["C1"].comment.text
    assert "allowed: ICE, HEV, PHEV, EV" in powertrain and "default: required" in powertrain
    assert "unit: $/unit" in book["Freight"]["C1"].comment.text


def _validations(sheet: Any) -> dict[str, str]:
    return {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}


@pytest.mark.parametrize(
    ("sheet", "cell", "values"),
    [
        ("Products", "C2", "ICE,HEV,PHEV,EV"),
        ("Policies", "B2", "domestic_share_min,ev_share_min"),
        ("Policies", "F2", "any,domestic,import"),
        ("Policies", "I2", "hard,soft"),
        ("ScenarioChanges", "E2", "set,multiply,add"),
        ("ScenarioChanges", "B2", "Settings,Plants,PlantLines"),
        ("Settings", "B9", "highs,cbc,scip"),
        ("Settings", "A2", "first_year,last_year,discount_rate"),
    ],
)
def test_drop_down_lists(template: Path, sheet: str, cell: str, values: str) -> None:
    formula = _validations(openpyxl.load_workbook(template)[sheet])[cell]
    assert formula.strip('"').startswith(values)


def test_reference_drop_downs_and_number_checks(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert _validations(book["PlantLines"])["A2"] == "plants_plant_id"
    assert "plants_plant_id" in book.defined_names
    capacity = next(
        v
        for v in book["PlantLines"].data_validations.dataValidation
        if str(v.sqref).startswith("C2")
    )
    assert (capacity.type, capacity.operator, capacity.formula1) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )


@pytest.mark.parametrize(
    ("sheet", "cell", "error_type"),
    [
        ("PlantLines", "B2", "information"),
        ("Compatibility", "A2", "warning"),
        ("RetoolOptions", "C2", "warning"),
        ("RetoolOptions", "D2", "information"),
    ],
)
def test_line_type_drop_downs(template: Path, sheet: str, cell: str, error_type: str) -> None:
    """Every line_type column offers one list: the common line types, then those typed in
    PlantLines and RetoolOptions.to_line_type (gathered in hidden Instructions columns). Where
    a line type is defined any name is accepted; where it is referred to, Excel warns."""
    book = openpyxl.load_workbook(template)
    checks = {str(v.sqref).split(":")[0]: v for v in book[sheet].data_validations.dataValidation}
    assert SHEETS_BY_NAME[sheet].column_names[ord(cell[0]) - ord("A")].endswith("line_type")
    assert (checks[cell].type, checks[cell].formula1) == ("list", "line_types")
    assert checks[cell].errorStyle == error_type
    assert "Instructions!$Z$2" in book.defined_names["line_types"].attr_text
    instructions = book["Instructions"]
    assert [instructions[f"Z{row}"].value for row in range(2, 7)] == [
        "BOF_TRUCK",
        "UNIBODY",
        "KEI_ICE",
        "KEI_EV",
        "KEI_FLEX",
    ]
    hidden = [d for d in instructions.column_dimensions.values() if d.hidden]
    assert any(d.min <= 26 <= d.max for d in hidden)  # column Z


def test_settings_are_prefilled_with_defaults(template: Path) -> None:
    sheet = openpyxl.load_workbook(template)["Settings"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [s.key for s in SETTINGS]
    assert rows["first_year"] is None and rows["last_year"] is None
    assert rows["discount_rate"] == 0.08 and rows["solver"] == "highs"
    assert sheet["B2"].comment.text == "required: first planning year"


def test_instructions_cover_sheets_selectors_and_scenarios(template: Path) -> None:
    sheet = openpyxl.load_workbook(template)["Instructions"]
    text = "\n".join(str(c.value) for c in sheet["A"] if c.value)
    for schema in SHEETS:
        assert f"• {schema.name} (" in text
    assert "segment:<segment>" in text and "group:<group>" in text
    assert "ScenarioChanges holds one change per row" in text


def _fill(path: Path, sheets: dict[str, list[dict[str, Any]]]) -> None:
    """Type `sheets` into the template under its headers, as an analyst would."""
    book = openpyxl.load_workbook(path)
    values = {r["key"]: r["value"] for r in sheets.pop("Settings")}
    for row in book["Settings"].iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    for name, rows in sheets.items():
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        for record in rows:
            sheet.append([record.get(h) for h in headers])
    book.save(path)


def test_filled_template_validates_clean(
    tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "filled.xlsx"
    path.write_bytes(template.read_bytes())
    sheets = full()
    sheets["Sweeps"] = [
        {
            "sweep_id": "capex",
            "sheet": "RetoolOptions",
            "column": "capex",
            "op": "multiply",
            "values": "0.5;1",
        }
    ]
    assert set(sheets) == set(SHEETS_BY_NAME)  # one valid row (at least) on every sheet
    _fill(path, sheets)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK ") and "Warnings" not in out


def test_empty_template_lists_what_to_fill(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(template)]) == 2
    err = capsys.readouterr().err
    assert "Settings!B2  value  first_year needs a value" in err
    assert "Plants       -      needs at least one data row" in err


def test_template_never_overwrites(template: Path) -> None:
    before = template.read_bytes()
    with pytest.raises(PlannerError, match="already exists"):
        write_template(template)
    assert template.read_bytes() == before


def test_changeable_sheets_are_every_input_sheet() -> None:
    assert set(CHANGEABLE_SHEETS) == set(SHEETS_BY_NAME) - set(SCENARIO_SHEETS)
