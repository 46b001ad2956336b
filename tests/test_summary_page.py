"""The Summary as a one-page executive summary: its first lines word for word, its print setup
and its charts, read back from the written workbook.

The figures are those of `kei_case` (derived by hand in test_plan_value): status quo NPV
952,636.36, plan NPV 1,083,727.27, plan value 131,090.91; OPT1 starts in 2030 and is online in
2031, where KEI sells its whole demand of 80. Shown in prose at three significant figures.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook
from solving import solve_sheets
from test_plan_value import kei_case
from workbooks import Sheets, settings, tiny

from planner.results.narrative import Worth, summary_lines
from planner.write.scenario_workbook import write_scenario_workbook


def _written(tmp_path: Path, sheets: Sheets) -> Path:
    target = tmp_path / "base.xlsx"
    write_scenario_workbook(target, solve_sheets(tmp_path, sheets))
    return target


def _first_lines(target: Path, count: int = 5) -> list[str]:
    sheet = load_workbook(target)["Summary"]
    return [sheet.cell(row, 1).value for row in range(1, count + 1)]


def test_first_lines_of_the_kei_case(tmp_path: Path) -> None:
    assert _first_lines(_written(tmp_path, kei_case())) == [
        "Scenario base",
        "Retool 1 line at 1 plant for $100k of capex: P1 new KEI_LINE line, +80 a year, "
        "start 2030, online 2031. Launch kei variant KEI. Kei sales are 80 in 2031.",
        "Plan value $131k against the status quo (no retooling, no launch: NPV $953k). "
        "The plan's NPV is $1.08M (10.0% discount rate; proven optimal); see Bridge.",
        "Risks: none found in this scenario's results (no policy binds or is missed).",
        "Of US sales, 100.0% are built domestically and 0.0% are EVs. No policy is set.",
    ]


def test_no_retooling_says_so_first(tmp_path: Path) -> None:
    """tiny() has no retooling option: the plan is the status quo, worth $0 more."""
    lines = _first_lines(_written(tmp_path, tiny()), 3)
    assert lines[1] == "No retooling: build nothing new. No kei cars are sold."
    assert lines[2].startswith("Plan value $0 against the status quo")


def test_summary_prints_on_one_page(tmp_path: Path) -> None:
    target = _written(tmp_path, kei_case())
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()  # Summary is the first
        book = archive.read("xl/workbook.xml").decode()
    assert '<pageSetUpPr fitToPage="1"/>' in sheet
    setup = re.search(r"<pageSetup [^>]*/>", sheet)
    assert setup is not None
    # fitToWidth and fitToHeight default to 1 in the file format (XlsxWriter leaves them out
    # then); any other value, 0 (as many pages as needed) included, would be written.
    for attribute in ("fitToWidth", "fitToHeight"):
        value = re.search(rf'{attribute}="(\d+)"', setup.group())
        assert value is None or value.group(1) == "1", setup.group()
    assert 'orientation="portrait"' in setup.group()
    area = re.search(r'_xlnm.Print_Area" localSheetId="0">Summary!\$A\$1:\$I\$(\d+)<', book)
    assert area is not None
    last = int(area.group(1))
    metrics = [r[0] for r in load_workbook(target)["Summary"].iter_rows(values_only=True)]
    assert metrics[last - 1] == "policy violations"  # the last metric row ends the page


def _chart_xml(target: Path) -> dict[str, str]:
    """Each chart's XML by its title."""
    charts = {}
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/charts/chart"):
                xml = archive.read(name).decode()
                title = re.search(r"<c:title>.*?<a:t>([^<]*)</a:t>", xml, re.S)
                assert title is not None, name
                charts[title.group(1)] = xml
    return charts


def _axis(xml: str, tag: str) -> str:
    found = re.search(rf"<c:{tag}>.*?</c:{tag}>", xml, re.S)
    assert found is not None, tag
    return found.group()


def test_summary_charts_have_axis_titles_and_start_at_zero(tmp_path: Path) -> None:
    charts = _chart_xml(_written(tmp_path, kei_case()))
    wanted = {
        "Kei demand: sold and unmet": ("kei units", True),
        "Kei units built by plant": ("kei units built", True),
        "Cumulative NPV by year": ("NPV so far ($)", False),
        "Domestic and EV shares vs the share policies": ("share of sales", True),
    }
    for title, (y_title, from_zero) in wanted.items():
        xml = charts[title]
        value_axis = _axis(xml, "valAx")
        assert f"<a:t>{y_title}</a:t>" in value_axis, title
        assert "<a:t>year</a:t>" in _axis(xml, "catAx"), title
        assert ('<c:min val="0"/>' in value_axis) is from_zero, title


def test_cumulative_npv_labels_its_terminal_years(tmp_path: Path) -> None:
    sheets = kei_case()
    sheets["Settings"] = settings(
        first_year=2030, last_year=2031, discount_rate=0.1, mip_gap=0, terminal_years=5
    )
    charts = _chart_xml(_written(tmp_path, sheets))
    xml = charts["Cumulative NPV by year (the last year includes 5 terminal years)"]
    assert "<a:t>incl. 5 terminal yrs</a:t>" in xml
    assert xml.count('<c:delete val="1"/>') >= 1  # the other years carry no label


def test_risks_name_a_gap_as_large_as_the_plan_value(tmp_path: Path) -> None:
    """The kei case's real solve, read as if the solver had stopped 20% from the bound:
    0.2 × 1,083,727.27 = 216,745.45 of NPV, 165% of the plan value 131,090.91. Against a
    status quo $1,000 better than the plan, the plan value is negative."""
    outcome = solve_sheets(tmp_path, kei_case())
    results = replace(outcome.results, gap=0.2)
    npv = results.npv
    assert npv is not None
    risks = summary_lines(results, Worth(outcome.status_quo_npv))[2]
    assert risks == (
        "Risks: the solver's proven gap ($217k of NPV) is 165% of the plan value: a better "
        "plan may exist; re-run with a smaller MIP gap."
    )
    worse = summary_lines(outcome.results, Worth(npv + 1_000))[2]
    assert worse == (
        "Risks: the plan is worth $1k less than the status quo: keep the status quo, or "
        "re-run with more time or a smaller MIP gap."
    )
