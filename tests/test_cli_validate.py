"""`planner validate`: exit 0 with an inventory, or exit 2 with a problem table and never a
traceback; and `make` skips Excel's `~$` lock files in inputs/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workbooks import full, tiny, write

from planner.app.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _planner() -> list[str]:
    script = Path(sys.executable).parent / "planner"
    return [str(script)] if script.exists() else [sys.executable, "-m", "planner"]


def test_broken_workbook_exits_2_without_traceback(tmp_path: Path) -> None:
    sheets = full()
    sheets["Plants"][0]["cost_index"] = -1
    path = write(tmp_path / "broken.xlsx", sheets)
    done = subprocess.run(
        [*_planner(), "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "Plants!G2  cost_index  must be > 0, got -1" in done.stderr


def test_not_a_workbook_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plants.xlsx"
    path.write_text("plant_id,country\nP1,US\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "(file)  -  " in err and "is it a CSV" in err and "1 problem(s)" in err
    assert "Traceback" not in err


def test_clean_workbook_prints_ok_and_inventory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "case.xlsx", full(), extra_headers={"Plants": ["notes"]})
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Plants!I1  notes  unknown column, ignored" in out
    assert out.splitlines()[-1] == (
        f"OK {path}: 2 plants, 2 lines, 2 products, 1 regions, 1 options, 1 policies, "
        "2 scenarios, years 2030-2031"
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_skips_excel_lock_files(tmp_path: Path) -> None:
    """`make -n run` in a copy of the project shows which workbooks it would run."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    stamp = tmp_path / ".venv" / ".installed"
    stamp.parent.mkdir()
    stamp.touch()  # newer than pyproject.toml: nothing to install
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name in ("us_kei.xlsx", "~$us_kei.xlsx", "mexico.xlsx", "notes.txt"):
        (inputs / name).write_bytes(b"")
    done = subprocess.run(
        ["make", "-n", "run"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    loop = next(line for line in done.stdout.splitlines() if "for wb in" in line)
    listed = loop.split("for wb in", 1)[1].split(";", 1)[0].split()
    assert sorted(listed) == ["inputs/mexico.xlsx", "inputs/us_kei.xlsx"]


def test_warnings_are_shown_with_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheets = tiny()
    sheets["Plants"][0]["cost_index"] = -1
    sheets["Plants"][0]["colour"] = "red"  # unknown column: a warning
    path = write(tmp_path / "warn.xlsx", sheets)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Plants!G2  cost_index" in err
    assert "Warnings:" in err and "colour" in err
