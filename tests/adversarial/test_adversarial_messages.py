"""What the corpus cannot say with exit 2 alone: follow-on claims are suppressed, accepted
thousands separators and wide coefficient ranges are warned about, terminal weights are in
closed form."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from workbooks import tiny, with_settings, write

from planner.app.cli import main
from planner.contract.errors import InputError
from planner.model.economics import annuity, operating_weights
from planner.read.load import load_workbook_cases

from . import build as b


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_workbook_cases(path)
    return [str(p) for p in info.value.problems]


def test_unreadable_capacity_gives_no_follow_on_claim(tmp_path: Path) -> None:
    problems = _problems(b.unreadable_capacity(tmp_path / "na.xlsx"))
    assert any(
        p.startswith("PlantLines!C2  capacity  holds the Excel error #N/A") for p in problems
    )
    assert not any("has only" in p for p in problems), problems


def test_multiply_after_a_bad_change_gives_no_follow_on_claim(tmp_path: Path) -> None:
    problems = _problems(write(tmp_path / "m.xlsx", b.multiply_after_bad_change()))
    assert any("RetoolOptions!G2  capex  must be >= 0" in p for p in problems), problems
    assert not any("empty cell" in p for p in problems), problems


def test_bad_lon_gives_no_lon_is_required(tmp_path: Path) -> None:
    problems = _problems(b.cell("Regions", "lon", "-82,064")(tmp_path / "lon.xlsx"))
    assert any(p.startswith("Regions!E2  lon  got '-82,064', which is ambiguous") for p in problems)
    assert not any("is required" in p for p in problems), problems


def test_unambiguous_thousands_are_read_with_a_warning(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["PlantLines"][0]["capacity"] = "1,000"  # one group in a units column
    sheets["Demand"][0]["units"] = "1,150,000"  # two groups: anywhere
    sheets["Products"][0]["mpg"] = "1,000.0"  # a decimal point too: anywhere
    loaded = load_workbook_cases(write(tmp_path / "t.xlsx", sheets))
    case = loaded.cases[0]
    assert case.lines[0].capacity == 1000
    assert case.demand[0].units == 1_150_000
    assert case.products[0].mpg == 1000
    shown = [str(w) for w in loaded.warnings]
    for cell in ("PlantLines!C2", "Demand!D2", "Products!F2"):
        assert any(w.startswith(cell) and "thousands separators" in w for w in shown), shown


def test_wide_money_range_is_warned_about(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["Freight"][0]["cost_per_unit"] = 0.001
    sheets["Products"][0]["launch_cost"] = 5e12
    loaded = load_workbook_cases(write(tmp_path / "w.xlsx", sheets))
    shown = [str(w) for w in loaded.warnings]
    assert any(
        w.startswith("Products!G2  launch_cost  money figures range from 0.001 (Freight!C2)")
        for w in shown
    ), shown


def test_terminal_years_limit_and_closed_form(tmp_path: Path) -> None:
    """100 terminal years at 10 %: Σ_{j=1..100} 1.1^−j = (1 − 1.1^−100)/0.1; at 0 %: 100."""
    path = write(tmp_path / "t.xlsx", with_settings(tiny(), terminal_years=100, discount_rate=0.1))
    started = time.perf_counter()
    case = load_workbook_cases(path).cases[0]
    weights = operating_weights(case)
    assert time.perf_counter() - started < 10
    assert weights[2030] == pytest.approx(1 + (1 - 1.1**-100) / 0.1, rel=1e-12)
    assert annuity(0.0, 100) == 100.0
    assert annuity(0.1, 2) == pytest.approx(1 / 1.1 + 1 / 1.21, rel=1e-15)
    assert main(["validate", str(b.settings(terminal_years=101)(tmp_path / "x.xlsx"))]) == 2


def test_a_date_in_settings_is_named_a_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = b.settings(first_year=datetime(2030, 1, 1))(tmp_path / "d.xlsx")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "first_year must be <= 2200, got 47484: the cell holds the date 2030-01-01" in err


def test_a_good_scenario_id_with_spaces_and_signs_is_fine(tmp_path: Path) -> None:
    path = b.scenario("capex +50% = high - case")(tmp_path / "ok.xlsx")
    ids = [r.scenario_id for r in load_workbook_cases(path).scenarios]
    assert "capex +50% = high - case" in ids


def test_raw_nan_is_the_only_problem(tmp_path: Path) -> None:
    """The sheet is still read (the cell blanked): no 'plant P1 is not in Plants', no
    'lat is required'."""
    problems = _problems(b.raw_number("NaN")(tmp_path / "nan.xlsx"))
    assert problems == ["Plants!E2  lat  holds 'NaN', which is not a number; type a number"]
