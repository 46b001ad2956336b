"""The one input-workbook writer: schema column order, extra columns kept, same bytes for
the same sheets, formula text refused unless asked for."""

from __future__ import annotations

import io
import time
from typing import Any

import openpyxl
import pytest

from planner.contract.schema import SHEETS_BY_NAME
from planner.write.input_workbook import header_of, input_workbook_bytes
from planner.write.reproducible_xlsx import STAMP


def test_dict_rows_take_the_schema_order_then_their_own_columns() -> None:
    rows = [{"note": "x", "capacity": 5, "plant_id": "P1"}, None, {"line_type": "L", "z": 1}]
    schema = list(SHEETS_BY_NAME["PlantLines"].column_names)
    assert header_of("PlantLines", rows) == [*schema, "note", "z"]
    assert header_of("Mine", rows, extra=["w"]) == [
        "note",
        "capacity",
        "plant_id",
        "line_type",
        "z",
        "w",
    ]


def test_cells_land_under_their_column_and_a_none_row_is_empty() -> None:
    sheets: dict[str, Any] = {
        "PlantLines": [{"capacity": 5, "plant_id": "P1", "line_type": "L"}, None, {"capacity": 7}],
        "Extra": (["a", "b"], [[1, "t"]]),
    }
    book = openpyxl.load_workbook(io.BytesIO(input_workbook_bytes(sheets)))
    assert book.sheetnames == ["PlantLines", "Extra"]
    lines = [list(r) for r in book["PlantLines"].iter_rows(values_only=True)]
    assert lines == [
        ["plant_id", "line_type", "capacity"],
        ["P1", "L", 5],
        [None, None, None],
        [None, None, 7],
    ]
    assert [list(r) for r in book["Extra"].iter_rows(values_only=True)] == [["a", "b"], [1, "t"]]
    assert book.properties.created == STAMP


@pytest.mark.parametrize("write_only", [False, True])
def test_same_sheets_same_bytes(write_only: bool) -> None:
    sheets = {"Settings": [{"key": "first_year", "value": 2030}]}
    first = input_workbook_bytes(sheets, write_only=write_only, title="t")
    time.sleep(1.1)  # zip member times have 2 s resolution; document times 1 s
    assert input_workbook_bytes(sheets, write_only=write_only, title="t") == first


def test_formula_text_is_refused_unless_asked_for() -> None:
    sheets = {"Plants": [{"plant_id": "=1+1"}]}
    with pytest.raises(ValueError, match="formula"):
        input_workbook_bytes(sheets)
    book = openpyxl.load_workbook(io.BytesIO(input_workbook_bytes(sheets, formulas=True)))
    assert book["Plants"]["A2"].value == "=1+1"


def test_a_write_only_book_cannot_style_its_header() -> None:
    with pytest.raises(ValueError, match="write-only"):
        input_workbook_bytes({"Settings": []}, write_only=True, styled_header=True)
