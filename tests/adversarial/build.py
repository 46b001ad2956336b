"""Bad workbooks for the adversarial corpus, made in the test: openpyxl for ordinary cells,
edits of the xlsx zip's XML for what no writer makes (raw `<v>NaN</v>`, an error in a header,
a huge shared-strings part). Nothing binary is committed."""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart
from workbooks import Sheets, full, tiny, with_settings, write, write_calculated

from planner.write.input_workbook import header_of

Builder = Callable[[Path], Path]


def rewrite(path: Path, member: str, edit: Callable[[str], str]) -> Path:
    """Replace one part of the xlsx zip by `edit(its text)`."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = edit(parts[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def sheet_part(path: Path, title: str) -> str:
    """The zip member of the worksheet titled `title` (openpyxl numbers them in order)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    titles = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook)
    return f"xl/worksheets/sheet{titles.index(title) + 1}.xml"


def replace_cell(path: Path, title: str, ref: str, xml: str) -> Path:
    """Put `xml` (a whole `<c>` element) in place of cell `ref` of sheet `title`."""
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)')

    def edit(text: str) -> str:
        edited, count = pattern.subn(xml, text, count=1)
        assert count == 1, f"no cell {ref} in {title}"
        return edited

    return rewrite(path, sheet_part(path, title), edit)


def scenario(scenario_id: str, *others: str) -> Builder:
    def build(path: Path) -> Path:
        sheets = full()
        sheets["Scenarios"] += [{"scenario_id": s} for s in (scenario_id, *others)]
        return write(path, sheets)

    return build


def from_sheets(make: Callable[[], Sheets]) -> Builder:
    return lambda path: write(path, make())


def overflow() -> Sheets:
    sheets = full()
    change = dict(sheets["ScenarioChanges"][0], value=1e308)
    sheets["ScenarioChanges"] = [change, copy.copy(change)]
    return sheets


def header_cell(xml: str) -> Builder:
    """tiny() with Plants!G1 (cost_index) replaced by `xml` and a cost_index of 2 in G2."""

    def build(path: Path) -> Path:
        sheets = tiny()
        sheets["Plants"][0]["cost_index"] = 2.0
        write(path, sheets)
        return replace_cell(path, "Plants", "G1", xml)

    return build


def settings(**values: Any) -> Builder:
    return lambda path: write(path, with_settings(tiny(), **values))


def cell(sheet: str, column: str, value: Any, base: Callable[[], Sheets] = tiny) -> Builder:
    def build(path: Path) -> Path:
        sheets = base()
        for row in sheets[sheet]:
            row[column] = value
        return write(path, sheets)

    return build


def probabilities() -> Sheets:
    sheets = full()
    sheets["Scenarios"] = [
        {"scenario_id": "base", "probability": 1e308},
        {"scenario_id": "high_capex", "probability": 1e308},
    ]
    return sheets


def raw_number(text: str) -> Builder:
    """tiny() with Plants!E2 (lat) holding `<v>text</v>` as a number cell."""

    def build(path: Path) -> Path:
        write(path, tiny())
        return replace_cell(path, "Plants", "E2", f'<c r="E2"><v>{text}</v></c>')

    return build


def raw_nan_after_empty_cell(path: Path) -> Path:
    """Plants!E2 an empty self-closed cell, F2 (lon) holding `<v>NaN</v>`."""
    write(path, tiny())
    replace_cell(path, "Plants", "E2", '<c r="E2" s="0"/>')
    return replace_cell(path, "Plants", "F2", '<c r="F2" t="n"><v>NaN</v></c>')


def chartsheet(path: Path, with_chart: bool = False) -> Path:
    """tiny() with Plants a chart sheet (empty, which openpyxl cannot open, or with a chart)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in tiny().items():
        if name == "Plants":
            charts = book.create_chartsheet("Plants")
            if with_chart:
                charts.add_chart(BarChart())
            continue
        sheet = book.create_sheet(name)
        headers = header_of(name, rows)
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path


def date_year(path: Path) -> Path:
    sheets = tiny()
    sheets["Demand"][0]["year"] = datetime(2028, 1, 1)
    return write(path, sheets)


def unreadable_capacity(path: Path) -> Path:
    """PlantLines!C2 holds #N/A and an option removes 80 of that line."""
    sheets = full()
    write(path, sheets)
    return replace_cell(path, "PlantLines", "C2", '<c r="C2" t="e"><v>#N/A</v></c>')


def multiply_after_bad_change() -> Sheets:
    """Row 2 makes capex negative (reported); row 3 multiplies the same cell again."""
    sheets = full()
    first = dict(sheets["ScenarioChanges"][0], op="add", value=-5e6)
    second = dict(sheets["ScenarioChanges"][0], op="multiply", value=2)
    sheets["ScenarioChanges"] = [first, second]
    return sheets


SHARED_STRINGS_CAP = 1_000_000


def huge_shared_strings(path: Path) -> Path:
    """tiny() whose shared-strings part holds 1.5 million extra strings (a few MB zipped)."""
    write_calculated(path, tiny())
    extra = "<si><t>x</t></si>" * (SHARED_STRINGS_CAP * 3 // 2)
    return rewrite(
        path, "xl/sharedStrings.xml", lambda text: text.replace("</sst>", extra + "</sst>")
    )
