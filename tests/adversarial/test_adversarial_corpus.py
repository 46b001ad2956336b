"""Every class of bad input workbook exits 2 from `planner validate` and `planner run`, with
the problem named by sheet, cell and column, and nothing written to the output folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from planner.app.cli import main

from . import build as b

LONG_ID = "s" * 300

# (case id, builder, substrings the problem report must hold)
CORPUS: list[tuple[str, b.Builder, tuple[str, ...]]] = [
    ("id-dotdot", b.scenario("../../in"), ("Scenarios!A3  scenario_id", "'/'")),
    ("id-slash", b.scenario("a/b"), ("Scenarios!A3  scenario_id", "'/'")),
    ("id-backslash", b.scenario("a\\b"), ("Scenarios!A3  scenario_id", "'\\\\'")),
    ("id-newline", b.scenario("a\nb"), ("Scenarios!A3  scenario_id", "control character")),
    ("id-colon", b.scenario("a:b"), ("Scenarios!A3  scenario_id", "':'")),
    ("id-star", b.scenario("a*"), ("Scenarios!A3  scenario_id", "'*'")),
    ("id-dot", b.scenario(".hidden"), ("Scenarios!A3  scenario_id", "starts with '.'")),
    ("id-long", b.scenario(LONG_ID), ("Scenarios!A3  scenario_id", "over 64 characters")),
    ("id-comparison", b.scenario("comparison"), ("Scenarios!A3  scenario_id", "comparison")),
    ("id-robust", b.scenario("Robust"), ("Scenarios!A3  scenario_id", "robust")),
    (
        "id-alternatives",
        b.scenario("high_capex_alternatives"),
        ("Scenarios!A3  scenario_id", "high_capex_alternatives"),
    ),
    ("id-case", b.scenario("HIGH_CAPEX"), ("Scenarios!A3  scenario_id", "ignoring case")),
    ("id-device", b.scenario("nul"), ("Scenarios!A3  scenario_id", "reserved")),
    (
        "change-overflow",
        b.from_sheets(b.overflow),
        ("RetoolOptions!G2  capex", "too large", "ScenarioChanges row 2"),
    ),
    (
        "header-ref-error",
        b.header_cell('<c r="G1" t="e"><f>#REF!</f><v>#REF!</v></c>'),
        ("Plants!G1", "#REF!"),
    ),
    (
        "header-formula-unsaved",
        b.header_cell('<c r="G1" t="str"><f>"cost_"&amp;"index"</f></c>'),
        ("Plants!G1", "no saved value"),
    ),
    ("header-number", b.header_cell('<c r="G1"><v>7</v></c>'), ("Plants!G1", "must be text")),
    (
        "terminal-years-huge",
        b.settings(terminal_years=1e15),
        ("Settings!B", "value", "terminal_years must be <= 100"),
    ),
    ("units-huge", b.cell("Demand", "units", 1e15), ("Demand!D2  units", "must be at most")),
    ("price-huge", b.cell("Products", "price", 1e308), ("Products!D2  price", "must be at most")),
    (
        "probability-huge",
        b.from_sheets(b.probabilities),
        ("Scenarios!C2  probability", "must be at most 1e6"),
    ),
    ("raw-nan", b.raw_number("NaN"), ("Plants!E2  lat  holds 'NaN'",)),
    ("raw-inf", b.raw_number("inf"), ("Plants!E2  lat", "'inf'")),
    ("raw-nan-next-cell", b.raw_nan_after_empty_cell, ("Plants!F2  lon", "'NaN'")),
    (
        "chartsheet",
        b.chartsheet,
        ("Plants  -  sheet 'Plants' is a chart sheet, not a table", "1 problem(s)"),
    ),
    (
        "chartsheet-with-chart",
        lambda path: b.chartsheet(path, with_chart=True),
        ("Plants  -  sheet 'Plants' is a chart sheet, not a table", "1 problem(s)"),
    ),
    ("date-in-year", b.date_year, ("Demand!C2  year", "date 2028-01-01")),
    ("lon-comma", b.cell("Plants", "lon", "-82,064"), ("Plants!F2  lon", "ambiguous")),
    (
        "cost-index-comma",
        b.cell("Plants", "cost_index", "1,150"),
        ("Plants!G2  cost_index", "ambiguous"),
    ),
    ("shared-strings", b.huge_shared_strings, ("sharedStrings.xml", "1,000,000")),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return {
        name: make(folder / f"{i:02d}_{name.replace('-', '_')}.xlsx")
        for i, (name, make, _) in enumerate(CORPUS)
    }


def _expected(name: str) -> tuple[str, ...]:
    return next(expected for case, _, expected in CORPUS if case == name)


@pytest.mark.parametrize("name", [case for case, _, _ in CORPUS])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_workbook_exits_2_naming_the_cell_and_writes_nothing(
    name: str,
    command: str,
    corpus: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    args = [command, str(corpus[name])]
    if command == "run":
        args += ["--out", str(out), "--jobs", "1"]
    started = time.perf_counter()
    code = main(args)
    seconds = time.perf_counter() - started
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    for text in _expected(name):
        assert text in err, f"{text!r} not in:\n{err}"
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))
    assert seconds < 20, f"took {seconds:.1f} s"
