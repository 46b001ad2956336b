"""The reader: contract §1 workbook rules, provenance, and files that are not workbooks at all."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from workbooks import Formula, full, tiny, write, write_calculated, write_raw

from planner.app.cli import main
from planner.contract.errors import InputError, Problem
from planner.read.load import load_workbook_cases
from planner.read.xlsx import read_workbook

SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def lines(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def raw_workbook(
    path: Path, sheet_data: dict[str, str], shared: list[str] | None = None, prolog: str = ""
) -> Path:
    """`write_raw` plus the content-type overrides Excel writes (openpyxl finds parts by them)."""
    write_raw(path, sheet_data, shared, prolog)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    kinds = {"xl/workbook.xml": "sheet.main", "xl/sharedStrings.xml": "sharedStrings"}
    kinds.update({n: "worksheet" for n in parts if n.startswith("xl/worksheets/")})
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{SPREADSHEETML}.{kind}+xml"/>'
        for name, kind in kinds.items()
        if name in parts
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", overrides.encode() + b"</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_ids_are_text(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["Plants"][0]["plant_id"] = "007"
    sheets["PlantLines"][0]["plant_id"] = "007"
    sheets["Freight"][0]["plant_id"] = "007"
    sheets["Products"][0]["product_id"] = 12
    sheets["Compatibility"][0]["product_id"] = 12
    sheets["Demand"][0]["product_id"] = "12"
    case = load_workbook_cases(write(tmp_path / "ids.xlsx", sheets)).cases[0]
    assert [p.plant_id for p in case.plants] == ["007"]
    assert [p.product_id for p in case.products] == ["12"]
    assert case.demand[0].product_id == "12"


def test_formula_read_by_saved_value(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["PlantLines"][0]["capacity"] = Formula("=50*2", 100)
    sheets["Plants"][0]["name"] = Formula('="Plant "&"one"', "Plant one")
    case = load_workbook_cases(write_calculated(tmp_path / "calc.xlsx", sheets)).cases[0]
    assert case.lines[0].capacity == 100
    assert case.plants[0].name == "Plant one"


def test_formula_whose_saved_value_is_empty_text_is_an_empty_cell(tmp_path: Path) -> None:
    data = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>plant_id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>state</t></is></c></row><row r="2">'
        '<c r="A2" t="str"><f>"P"&amp;1</f><v>P1</v></c>'
        '<c r="B2" t="str"><f>""</f><v></v></c></row></sheetData>'
    )  # as Excel saves it
    raw = read_workbook(raw_workbook(tmp_path / "raw.xlsx", {"Plants": data}))
    assert raw.sheets["Plants"].rows[0].values == {"plant_id": "P1"}
    assert not [p for p in raw.problems if p.sheet == "Plants" and p.row]


def test_formula_without_saved_value_names_the_cell(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["PlantLines"][0]["capacity"] = Formula("=50*2")
    with pytest.raises(InputError) as info:
        load_workbook_cases(write(tmp_path / "uncalc.xlsx", sheets))
    assert lines(info.value.problems) == [
        "PlantLines!C2  capacity  formula has no saved value: open the file in Excel, let it "
        "calculate and save it, or type the value"
    ]


def test_excel_error_value_names_the_cell(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["Products"][0]["price"] = Formula("=1/0", "#DIV/0!")
    with pytest.raises(InputError) as info:
        load_workbook_cases(write_calculated(tmp_path / "error.xlsx", sheets))
    assert lines(info.value.problems) == [
        "Products!D2  price  holds the Excel error #DIV/0!; correct the formula or type the value"
    ]


def test_text_that_looks_like_a_formula_or_an_error_stays_text(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["Plants"][0]["name"] = "=not a formula"
    sheets["Plants"][0]["state"] = "#N/A"
    sheets["PlantLines"][0]["capacity"] = Formula("=50*2", 100)
    raw = read_workbook(write_calculated(tmp_path / "text.xlsx", sheets))
    assert raw.problems == ()
    assert raw.sheets["Plants"].rows[0].values["name"] == "=not a formula"
    assert raw.sheets["Plants"].rows[0].values["state"] == "#N/A"
    assert raw.sheets["PlantLines"].rows[0].values["capacity"] == 100


def test_excel_error_typed_in_a_cell_names_the_cell(tmp_path: Path) -> None:
    data = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>plant_id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>lat</t></is></c></row><row r="2">'
        '<c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" t="e"><v>#N/A</v></c>'
        "</row></sheetData>"
    )
    raw = read_workbook(raw_workbook(tmp_path / "raw.xlsx", {"Plants": data}))
    assert [str(p) for p in raw.problems if p.row] == [
        "Plants!B2  lat  holds the Excel error #N/A; correct the formula or type the value"
    ]
    assert raw.sheets["Plants"].rows[0].unreadable == {"lat"}


def test_number_formatted_as_a_date_reads_as_the_number(tmp_path: Path) -> None:
    path = write(tmp_path / "dates.xlsx", tiny())
    book = openpyxl.load_workbook(path)
    book["Settings"]["B2"].number_format = "yyyy-mm-dd"  # first_year 2030
    book["Demand"]["C2"].number_format = "yyyy-mm-dd"  # year 2030
    book.save(path)
    case = load_workbook_cases(path).cases[0]
    assert (case.settings.first_year, case.demand[0].year) == (2030, 2030)


def test_rows_beyond_a_stale_dimension_are_read(tmp_path: Path) -> None:
    data = (
        '<dimension ref="A1:A2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        '<t>line_type</t></is></c><c r="B1" t="inlineStr"><is><t>product_id</t></is></c>'
        '</row><row r="2"><c r="A2" t="inlineStr"><is><t>L1</t></is></c><c r="B2" '
        't="inlineStr"><is><t>P1</t></is></c></row><row r="3"><c r="A3" t="inlineStr">'
        '<is><t>L2</t></is></c><c r="B3" t="inlineStr"><is><t>P2</t></is></c></row>'
        "</sheetData>"
    )
    raw = read_workbook(raw_workbook(tmp_path / "raw.xlsx", {"Compatibility": data}))
    assert [r.values for r in raw.sheets["Compatibility"].rows] == [
        {"line_type": "L1", "product_id": "P1"},
        {"line_type": "L2", "product_id": "P2"},
    ]


def test_extra_column_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "extra.xlsx", tiny(), extra_headers={"Plants": ["notes", "cost_idx"]})
    assert lines(load_workbook_cases(path).warnings) == [
        "Plants!I1  notes  unknown column, ignored",
        "Plants!J1  cost_idx  unknown column, ignored (did you mean cost_index?)",
    ]


def test_names_match_ignoring_case_and_spaces(tmp_path: Path) -> None:
    titles = {"Plants": " plants ", "PlantLines": "PLANTLINES", "Settings": "settings "}
    path = write(
        tmp_path / "case.xlsx", full(), titles=titles, header=lambda name: f" {name.upper()} "
    )
    loaded = load_workbook_cases(path)
    assert loaded.warnings == ()
    assert [p.plant_id for p in loaded.cases[0].plants] == ["P1", "P2"]


def test_empty_rows_are_skipped_and_rows_keep_their_excel_row(tmp_path: Path) -> None:
    sheets = full()
    sheets["Demand"].insert(1, {})  # a fully empty row 3
    sheets["Demand"].insert(0, {})  # and row 2
    case = load_workbook_cases(write(tmp_path / "gaps.xlsx", sheets)).cases[0]
    assert [(d.product_id, d.year, d.source.row) for d in case.demand] == [
        ("CAR", 2030, 3),
        ("KEI", 2030, 5),
        ("CAR", 2031, 6),
    ]


def test_structure_problems(tmp_path: Path) -> None:
    sheets = tiny()
    del sheets["Compatibility"]
    path = write(tmp_path / "structure.xlsx", sheets, extra_headers={"Plants": ["Plant_ID"]})
    book = openpyxl.load_workbook(path)
    book["PlantLines"].delete_cols(3)  # capacity
    book.save(path)
    with pytest.raises(InputError) as info:
        load_workbook_cases(path)
    found = lines(info.value.problems)
    assert "Plants!I1  plant_id  column appears twice (also in A)" in found
    assert "PlantLines  capacity  required column is missing from row 1" in found
    assert "Compatibility  -  required sheet is missing" in found


def test_misspelt_sheet_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "case.xlsx", {**tiny(), "Polices": []})
    assert lines(load_workbook_cases(path).warnings) == [
        "Polices  -  sheet is not an input sheet and is ignored; did you mean Policies?"
    ]


def test_shared_strings_rich_text_and_phonetic_runs(tmp_path: Path) -> None:
    shared = [
        "<si><t>region_id</t></si>",
        "<si><t>name</t></si>",
        "<si><r><t>R</t></r><r><rPr><b/></rPr><t>1</t></r></si>",
        '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>',
    ]
    data = (
        '<x:sheetData xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v>'
        '</x:c></x:row><x:row r="2"><x:c r="A2" t="s"><x:v>2</x:v></x:c>'
        '<x:c r="B2" t="s"><x:v>3</x:v></x:c></x:row></x:sheetData>'
    )
    raw = read_workbook(raw_workbook(tmp_path / "raw.xlsx", {"Regions": data}, shared))
    assert raw.sheets["Regions"].rows[0].values == {"region_id": "R1", "name": "東京"}


def test_cells_without_references_and_inline_strings(tmp_path: Path) -> None:
    data = (
        '<sheetData><row><c t="inlineStr"><is><t>key</t></is></c><c t="inlineStr"><is>'
        '<t>value</t></is></c></row><row><c t="inlineStr"><is><t> first_year </t></is></c>'
        "<c><v>2030</v></c></row></sheetData>"
    )
    raw = read_workbook(raw_workbook(tmp_path / "raw.xlsx", {"Settings": data}))
    assert raw.sheets["Settings"].rows[0].values == {"key": "first_year", "value": 2030.0}
    assert raw.sheets["Settings"].rows[0].row == 2


def _copy_of_valid(tmp_path: Path) -> Path:
    return write(tmp_path / "valid.xlsx", tiny())


def _csv(path: Path) -> None:
    path.write_text("plant_id,country\nP1,US\n")


def _zero(path: Path) -> None:
    path.write_bytes(b"")


def _ole(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1500])


def _damaged_member(path: Path) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + min(info.compress_size, 60)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _not_excel(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _missing(path: Path) -> None:
    path.unlink()


NOT_WORKBOOKS: list[tuple[str, Callable[[Path], None], str]] = [
    ("csv renamed", _csv, "not an .xlsx workbook (is it a CSV or another file renamed?)"),
    ("zero bytes", _zero, "the file is empty (0 bytes)"),
    ("password protected", _ole, "password-protected workbook or a legacy .xls"),
    ("truncated zip", _truncated, "corrupted workbook (the zip container is damaged"),
    ("damaged member", _damaged_member, "corrupted workbook in xl/worksheets/sheet2.xml"),
    ("another zip file", _not_excel, "not an Excel workbook (no workbook part"),
    ("a folder", _folder, "is a folder, not a workbook"),
    ("no file", _missing, "no such file"),
]


@pytest.mark.parametrize(
    ("case", "spoil", "fragment"), NOT_WORKBOOKS, ids=[n[0] for n in NOT_WORKBOOKS]
)
def test_not_a_workbook_is_one_clear_error(
    tmp_path: Path, case: str, spoil: Callable[[Path], None], fragment: str
) -> None:
    path = _copy_of_valid(tmp_path)
    spoil(path)
    with pytest.raises(InputError) as info:
        load_workbook_cases(path)
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.cell == "(file)" and str(path) in problem.message
    assert fragment in problem.message


def test_dtd_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prolog = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    )
    path = raw_workbook(tmp_path / "dtd.xlsx", {"Settings": "<sheetData/>"}, prolog=prolog)
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.cell == "(file)"
    assert "contains a DTD" in problem.message and "refused for safety" in problem.message
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_doctype_without_declarations_is_harmless(tmp_path: Path) -> None:
    """defusedxml (as openpyxl calls it) refuses entity declarations, not a bare DOCTYPE."""
    data = '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>key</t></is></c></row></sheetData>'
    path = raw_workbook(
        tmp_path / "doctype.xlsx",
        {"Settings": data},
        prolog='<?xml version="1.0"?><!DOCTYPE worksheet>',
    )
    assert "Settings" in read_workbook(path).sheets


def test_openpyxl_parses_through_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # what refuses entity declarations in every part


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ('<dimension ref="A1:C5000000"/><sheetData/>', "claims 5,000,000 rows"),
        ('<dimension ref="A1:XFE2"/><sheetData/>', "claims 16,385 columns"),
        (
            '<sheetData><row r="2000000"><c r="A2000000"><v>1</v></c></row></sheetData>',
            "has rows beyond row 1,048,576, Excel's last row",
        ),
        (
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>plant_id</t></is></c></row>'
            '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>P1</t></is></c></row>'
            "</sheetData>",
            "has rows beyond row 1,048,576",
        ),
        (
            '<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>',
            "has a cell in column XFE, beyond Excel's 16,384 columns",
        ),
    ],
    ids=["claimed rows", "claimed columns", "row number", "first row beyond", "column"],
)
def test_absurd_sizes_are_refused(tmp_path: Path, data: str, fragment: str) -> None:
    raw = read_workbook(raw_workbook(tmp_path / "big.xlsx", {"Plants": data}))
    found = [p for p in raw.problems if p.sheet == "Plants"]
    assert len(found) == 1 and fragment in found[0].message
    assert "refused" in found[0].message


def test_column_beyond_what_openpyxl_reads_is_one_clear_error(tmp_path: Path) -> None:
    data = '<sheetData><row r="1"><c r="ZZZZ1"><v>1</v></c></row></sheetData>'
    with pytest.raises(InputError) as info:
        read_workbook(raw_workbook(tmp_path / "wide.xlsx", {"Plants": data}))
    assert len(info.value.problems) == 1
    assert "sheet 'Plants'" in info.value.problems[0].message
    assert "is not a valid column name" in info.value.problems[0].message


def test_large_unpacked_size_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.read.xlsx_container as reader

    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(InputError) as info:
        read_workbook(_copy_of_valid(tmp_path))
    assert "a planning case can hold; refused" in info.value.problems[0].message


def test_reading_leaves_the_input_untouched(tmp_path: Path) -> None:
    path = _copy_of_valid(tmp_path)
    before = path.read_bytes()
    shutil.copy(path, tmp_path / "copy.xlsx")
    load_workbook_cases(path)
    assert path.read_bytes() == before
