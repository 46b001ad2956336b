"""Validation of meaning: a product sold but buildable by no line is an error when it is a
kei product or has a launch cost (most often a misspelt line type), else a warning shown with
the run's results; and ids that resolve to nothing come with the likely name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from workbooks import Sheets, full, tiny, with_rows, write

from planner.app.cli import main
from planner.contract.errors import InputError
from planner.read.load import load_workbook_cases
from planner.read.validate.meaning import FOCUS_SEGMENT
from planner.read.validate.suggest import did_you_mean
from planner.results.plan_figures import KEI_SEGMENT


def _product(product_id: str, segment: str, **extra: Any) -> dict[str, Any]:
    return {
        "product_id": product_id,
        "segment": segment,
        "powertrain": "ICE",
        "price": 15000,
        "variable_cost": 11000,
        "mpg": 40,
        **extra,
    }


def kei_typo() -> Sheets:
    """`tiny()` plus a KEI_ICE line at P1 and a kei product whose Compatibility row says
    `KEI-ICE` (row 3): no line can build it, although it has 50 units of demand."""
    sheets = with_rows(
        tiny(), "PlantLines", {"plant_id": "P1", "line_type": "KEI_ICE", "capacity": 50}
    )
    sheets = with_rows(sheets, "Products", _product("KEI", "Kei"))
    sheets = with_rows(sheets, "Compatibility", {"line_type": "KEI-ICE", "product_id": "KEI"})
    return with_rows(
        sheets, "Demand", {"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 50}
    )


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_workbook_cases(path)
    return [str(p) for p in info.value.problems]


def test_the_focus_segment_is_the_narratives_kei() -> None:
    assert FOCUS_SEGMENT == KEI_SEGMENT


def test_kei_line_type_typo_is_an_error_with_cell_and_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "typo.xlsx", kei_typo())
    assert _problems(path) == [
        "Compatibility!A3  line_type  line type 'KEI-ICE' is at no plant (PlantLines) and "
        "gained by no option (RetoolOptions.to_line_type), so product 'KEI' can never be "
        "built, yet it has 50 units of demand and is a kei product (did you mean KEI_ICE?)"
    ]
    assert main(["validate", str(path)]) == 2
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Compatibility!A3  line_type  line type 'KEI-ICE'" in err
    assert "1 problem(s); nothing was solved or written." in err
    assert not (tmp_path / "out").exists()


def test_fixing_the_typo_makes_the_case_valid(tmp_path: Path) -> None:
    sheets = kei_typo()
    sheets["Compatibility"][1]["line_type"] = "KEI_ICE"
    assert load_workbook_cases(write(tmp_path / "fixed.xlsx", sheets)).warnings == ()


def test_a_launched_product_no_line_builds_is_an_error(tmp_path: Path) -> None:
    """Not kei, but it has a launch cost: someone meant to launch it. No Compatibility row,
    so the finding is at its Products row."""
    sheets = with_rows(tiny(), "Products", _product("VAN", "van", launch_cost=2_000_000))
    sheets = with_rows(
        sheets, "Demand", {"region_id": "R1", "product_id": "VAN", "year": 2030, "units": 10}
    )
    assert _problems(write(tmp_path / "van.xlsx", sheets)) == [
        "Products!A3  product_id  product 'VAN' has no compatible line type and can never be "
        "built, yet it has 10 units of demand and has a launch_cost"
    ]


def unbuildable_van() -> Sheets:
    """`tiny()` plus VAN (segment van, no launch cost, 10 units of demand) built only on a
    VAN_LINE that no plant has and no option gains: a warning. VAN is never built, so the
    optimum is tiny's: 100 CAR at 20,000 - 15,000 - 10 = 499,000."""
    sheets = with_rows(tiny(), "Products", _product("VAN", "van"))
    sheets = with_rows(sheets, "Compatibility", {"line_type": "VAN_LINE", "product_id": "VAN"})
    return with_rows(
        sheets, "Demand", {"region_id": "R1", "product_id": "VAN", "year": 2030, "units": 10}
    )


VAN_WARNING = (
    "Compatibility!A3  line_type  line type 'VAN_LINE' is at no plant (PlantLines) and gained "
    "by no option (RetoolOptions.to_line_type), so product 'VAN' can never be built: its "
    "demand of 10 units goes unserved"
)


def test_a_robust_run_shows_the_validation_warnings_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "van.xlsx", unbuildable_van())
    out = tmp_path / "out"
    assert main(["run", str(path), "--robust", "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "Validation warnings (1):" in err and VAN_WARNING in err
    assert (out / "van" / "robust.xlsx").is_file()


def test_an_unbuildable_product_of_another_segment_is_a_warning_shown_with_the_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "van.xlsx", unbuildable_van())
    assert [str(w) for w in load_workbook_cases(path).warnings] == [VAN_WARNING]
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    table, warnings = err.index("results in"), err.index("Validation warnings (1):")
    assert table < warnings  # after the results, where they are read
    assert err[warnings:].splitlines()[1] == VAN_WARNING
    sheet = load_workbook(tmp_path / "out" / "van" / "base.xlsx")["RunInfo"]
    column = [row[0] for row in sheet.iter_rows(values_only=True)]
    heading = column.index("Warnings from validation")
    assert column[heading + 1] == VAN_WARNING


def test_the_warning_is_shown_with_quiet_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "van.xlsx", unbuildable_van())
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert VAN_WARNING in capsys.readouterr().err


def _edit(sheet: str, index: int, **values: Any) -> Sheets:
    sheets = full()
    sheets[sheet][index].update(values)
    return sheets


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        (
            _edit("Demand", 1, product_id="KEI1"),
            "Demand!B3  product_id  product 'KEI1' is not in Products (did you mean KEI?)",
        ),
        (
            _edit("PlantLines", 1, plant_id="P02"),
            "PlantLines!A3  plant_id  plant 'P02' is not in Plants (did you mean P2?)",
        ),
        (
            _edit("Freight", 0, region_id="r1"),
            "Freight!B2  region_id  region 'r1' is not in Regions (did you mean R1?)",
        ),
        (
            _edit("Demand", 1, product_id="VAN"),
            "Demand!B3  product_id  product 'VAN' is not in Products",
        ),
        (
            _edit("Policies", 0, regions="group:ZVE"),
            "Policies!E2  regions  selector token 'group:ZVE' names nothing "
            "(did you mean group:ZEV?)",
        ),
        (
            _edit("RetoolOptions", 0, from_line_type="UNIBDY"),
            "RetoolOptions!C2  from_line_type  line type 'UNIBDY' does not exist at plant "
            "'P1' in PlantLines (did you mean UNIBODY?)",
        ),
    ],
    ids=["product", "plant", "region", "no near miss", "selector", "from_line_type"],
)
def test_did_you_mean(tmp_path: Path, sheets: Sheets, expected: str) -> None:
    assert expected in _problems(write(tmp_path / "case.xlsx", sheets))


def test_a_line_type_of_no_effect_names_the_near_miss(tmp_path: Path) -> None:
    """CAR is built on UNIBODY, so a second row with UNIBDY only has no effect: a warning."""
    sheets = with_rows(full(), "Compatibility", {"line_type": "UNIBDY", "product_id": "CAR"})
    warnings = [str(w) for w in load_workbook_cases(write(tmp_path / "c.xlsx", sheets)).warnings]
    assert warnings == [
        "Compatibility!A5  line_type  line type 'UNIBDY' is at no plant (PlantLines) and "
        "gained by no option (RetoolOptions.to_line_type): the row has no effect "
        "(did you mean UNIBODY?)"
    ]


def test_did_you_mean_ignores_case_and_far_names() -> None:
    assert did_you_mean("kei_ice", ["KEI_ICE", "UNIBODY"]) == " (did you mean KEI_ICE?)"
    assert did_you_mean("KEI_ICE", ["KEI_ICE"]) == ""  # never itself
    assert did_you_mean("VAN", ["CAR", "KEI"]) == ""
