"""robust.xlsx for a reader: the plan in words, the gap in $, near ties, one regret chart.

The world is `two_futures` of test_robust (read its docstring), with P1 named "Fort Wayne" and
π = 0.6 / 0.4. Expected NPVs: L1 (base's own plan) 0.6·400,000 + 0.4·(−50,000) = 220,000,
L2 (flip's own plan) 0.6·(−50,000) + 0.4·400,000 = 130,000, L1 + L2 350,000 (and FLEX
250,000): the robust plan is L1 + L2. The candidate plans differ by 130,000 (robust − base's),
220,000 (robust − flip's) and 90,000 (base's − flip's).
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_robust import plan, report_of, two_futures

from planner.robust.report import RobustReport
from planner.write.robust_workbook import write_robust_workbook


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> RobustReport:
    sheets = two_futures(0.6, 0.4)
    sheets["Plants"] = [{**sheets["Plants"][0], "name": "Fort Wayne"}]
    found = report_of(tmp_path_factory.mktemp("robust"), sheets)
    assert found.plan == plan("L1", "L2")
    assert found.objective == pytest.approx(350_000)
    return found


def summary_cells(path: Path) -> list[str]:
    sheet = load_workbook(path)["Summary"]
    return [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


def test_summary_states_the_plan_in_words(report: RobustReport, tmp_path: Path) -> None:
    write_robust_workbook(tmp_path / "robust.xlsx", report)
    sheet = load_workbook(tmp_path / "robust.xlsx")["Summary"]
    assert sheet["A3"].value == (
        "Robust plan: build a new L1 line at Fort Wayne in 2030 (online 2030, $100k capex); "
        "build a new L2 line at Fort Wayne in 2030 (online 2030, $100k capex). "
        "Launch no new product."
    )
    plan_sheet = load_workbook(tmp_path / "robust.xlsx")["Plan"]
    assert [c.value for c in plan_sheet[5]][:2] == ["L1", "Fort Wayne"]


def test_the_gap_is_shown_in_percent_and_dollars(report: RobustReport, tmp_path: Path) -> None:
    """0.0121 % of 350,000 is $42.35."""
    write_robust_workbook(tmp_path / "robust.xlsx", replace(report, gap=0.000121))
    rows = load_workbook(tmp_path / "robust.xlsx")["Summary"].iter_rows(values_only=True)
    gap = next(r for r in rows if r[0] == "MIP gap")
    assert gap[1] == "0.0121% ($42)"


def test_plans_closer_than_the_gap_are_flagged(report: RobustReport, tmp_path: Path) -> None:
    """A gap of 0.4 is $140,000 of the 350,000 objective: robust vs base's plan (130,000 apart)
    and base's vs flip's (90,000) are flagged, robust vs flip's (220,000) is not. With the
    solve's own gap (0) nothing is. VSS = 350,000 − EEV (the EV plan is L1 + L2 too) = 0 < 140,000
    is flagged too."""
    write_robust_workbook(tmp_path / "tie.xlsx", replace(report, gap=0.4))
    cells = summary_cells(tmp_path / "tie.xlsx")
    tail = ", less than the solver's gap ($140k): the solve cannot tell them apart; choose "
    tail += "between them on other grounds."
    flagged = [c for c in cells if "differ in expected NPV" in c]
    assert flagged == [
        "The robust plan and base's own plan differ in expected NPV by $130k" + tail,
        "Base's own plan and flip's own plan differ in expected NPV by $90k" + tail,
    ]
    assert (
        "The VSS ($0) is less than the solver's gap ($140k): this solve does not show that "
        "planning for all scenarios at once beats the expected-value plan."
    ) in cells
    write_robust_workbook(tmp_path / "exact.xlsx", report)
    exact = summary_cells(tmp_path / "exact.xlsx")
    assert not [c for c in exact if "differ in" in c or "The VSS" in c]


def test_one_regret_chart_from_zero(report: RobustReport, tmp_path: Path) -> None:
    """Robust, base's, flip's and the EV plan are judged; one chart shows the regrets (all
    ≥ 0), its value axis from 0."""
    write_robust_workbook(tmp_path / "robust.xlsx", report)
    with zipfile.ZipFile(tmp_path / "robust.xlsx") as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = archive.read(charts[0]).decode()
    assert "Regret of each plan" in chart
    assert '<c:min val="0"/>' in chart and "<a:t>regret ($)</a:t>" in chart
    assert chart.count("<c:ser>") == 2  # expected and largest regret
