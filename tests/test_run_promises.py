"""What `planner run` promises about files and exit codes (README, "What a run promises").

The workbook is `tiny()` (NPV 499,000, see tests/workbooks.py) with scenarios `cheap`
(cost ×0.9, NPV 649,000) and `big` (capacity ×1.5, NPV 748,500) where more than one is needed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import socket
import time
from pathlib import Path

import pytest
from test_batch import three_scenarios
from workbooks import tiny, write

import planner.app.run
from planner.app.cli import main
from planner.app.run import RunOptions, result_path, run_scenarios, write_outcome
from planner.read.load import load_workbook_cases
from planner.results.outcome import solve_case
from planner.write.atomic import OutputError


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# item 1: never onto the input, never outside the output folder


def test_out_that_would_overwrite_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`planner run W/base/base.xlsx --out W` would write W/base/base.xlsx: the input."""
    source = write(tmp_path / "base" / "base.xlsx", tiny()) if _mkdir(tmp_path / "base") else None
    assert source is not None
    before = source.read_bytes()
    assert main(["run", str(source), "--out", str(tmp_path), "--quiet"]) == 5
    assert source.read_bytes() == before
    assert _files(tmp_path / "base") == {"base.xlsx"}
    assert "input workbook" in capsys.readouterr().err


def test_out_through_a_symlink_onto_the_input_is_refused(tmp_path: Path) -> None:
    _mkdir(tmp_path / "real")
    source = write(tmp_path / "real" / "base.xlsx", tiny())
    (tmp_path / "link").symlink_to(tmp_path)
    (tmp_path / "real" / "base").symlink_to(tmp_path / "real")  # results folder = input folder
    before = source.read_bytes()
    assert main(["run", str(source), "--out", str(tmp_path / "link" / "real"), "--quiet"]) == 5
    assert source.read_bytes() == before


def _mkdir(folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    return True


@pytest.mark.parametrize("name", ["../escape.json", "/tmp/abs.json", "..", "a/b.json", ""])
def test_a_result_name_never_leaves_the_output_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError):
        result_path(tmp_path / "out", name)


def test_a_scenario_id_with_a_path_is_refused_at_write_time(tmp_path: Path) -> None:
    """Defence in depth: even if validation let `../evil` through, nothing is written."""
    case = load_workbook_cases(write(tmp_path / "in.xlsx", tiny())).cases[0]
    evil = dataclasses.replace(case.scenario, scenario_id="../evil")
    outcome = solve_case(dataclasses.replace(case, scenario=evil))
    folder = tmp_path / "out" / "in"
    folder.mkdir(parents=True)
    with pytest.raises(OutputError):
        write_outcome(folder, outcome)
    assert _files(tmp_path / "out") == {"in"}
    assert _files(folder) == set()


# item 3: --resume reads plain data, never a pickle


class _Planted:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {_MARKER}",))


_MARKER = Path("/tmp/planner-test-pickle-ran")


def test_resume_never_unpickles_what_is_in_the_output_folder(tmp_path: Path) -> None:
    _MARKER.unlink(missing_ok=True)
    path = three_scenarios(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(path), "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    folder = out / "batch"
    for scenario in ("base", "cheap", "big"):
        (folder / f".{scenario}.outcome.pickle").write_bytes(pickle.dumps(_Planted()))
    assert main(["run", str(path), "--resume", "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    assert not _MARKER.exists()


def test_resume_gives_back_the_same_outcomes_and_ignores_a_damaged_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = three_scenarios(tmp_path)
    options = RunOptions(out_dir=tmp_path / "out", jobs=1)
    first = run_scenarios(path, options)
    folder = tmp_path / "out" / "batch"
    (folder / ".cheap.resume").write_text('{"format": "planner-outcome-1", "outcome": [1, 2')
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    again = run_scenarios(path, dataclasses.replace(options, resume=True))
    assert again.exit_code == 0
    # the resumed ones, as data, equal to the first run's (cheap was solved again)
    assert again.outcomes["base"] == first.outcomes["base"]
    assert again.outcomes["big"] == first.outcomes["big"]
    assert again.outcomes["cheap"].results.npv == pytest.approx(649_000)
    now = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    assert now["base.json"] == mtimes["base.json"] and now["big.json"] == mtimes["big.json"]
    assert now["cheap.json"] != mtimes["cheap.json"]  # its record was damaged: solved again
    assert "cannot use" in caplog.text


def test_no_pickle_is_read_anywhere() -> None:
    source = Path(planner.app.run.__file__).parent
    readers = [
        p
        for p in source.rglob("*.py")
        if "pickle.load" in p.read_text() or "pickle.Unpickler" in p.read_text()
    ]
    assert readers == []


# item 8: command-line values are checked like Settings checks them


@pytest.mark.parametrize(
    "option",
    [
        ["--mip-gap", "-1"],
        ["--mip-gap", "nan"],
        ["--time-limit", "0"],
        ["--time-limit", "-5"],
        ["--time-limit", "nan"],
        ["--time-limit", "inf"],
        ["--jobs", "0"],
        ["--jobs", "-3"],
        ["--jobs", "two"],
        ["--dask", "not-a-url"],
    ],
)
def test_a_bad_command_line_value_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    path = write(tmp_path / "in.xlsx", tiny())
    with pytest.raises(SystemExit) as stopped:
        main(["run", str(path), "--out", str(tmp_path / "out"), *option])
    assert stopped.value.code == 2
    assert option[0] in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# item 9: output problems found before solving, one line, nothing partial


def test_out_naming_a_file_is_an_output_error_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "in.xlsx", tiny())
    (tmp_path / "file").write_text("not a folder")
    assert main(["run", str(path), "--out", str(tmp_path / "file"), "--quiet"]) == 5
    err = capsys.readouterr().err
    assert err.startswith("output error:") and err.count("\n") == 1


def test_an_unwritable_output_folder_is_an_output_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "in.xlsx", tiny())
    assert main(["run", str(path), "--out", "/proc/planner-test-out", "--quiet"]) == 5
    assert "cannot write results into" in capsys.readouterr().err


def test_a_folder_where_a_result_goes_stops_the_run_before_solving(tmp_path: Path) -> None:
    """`cheap.xlsx` is a folder: no scenario is solved or written (before: base written,
    then an internal error, exit 4, the rest dropped)."""
    path = three_scenarios(tmp_path)
    folder = tmp_path / "out" / "batch"
    (folder / "cheap.xlsx").mkdir(parents=True)
    assert main(["run", str(path), "--jobs", "1", "--out", str(tmp_path / "out"), "--quiet"]) == 5
    assert _files(folder) == {"cheap.xlsx"}


def test_a_failed_write_leaves_neither_file_of_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the .xlsx is written: the .json is not left alone either."""

    def disk_full(path: Path, outcome: object) -> None:
        path.write_bytes(b"PK")
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(planner.app.run, "write_workbook_file", disk_full)
    path = write(tmp_path / "in.xlsx", tiny())
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 5
    assert _files(tmp_path / "out" / "in") == set()  # no temporary file either


def test_an_unreachable_scheduler_is_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    path = write(tmp_path / "in.xlsx", tiny())
    started = time.monotonic()
    code = main(["run", str(path), "--dask", f"tcp://127.0.0.1:{port}", "--out", str(tmp_path)])
    assert code == 2
    assert time.monotonic() - started < 10
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
    assert not (tmp_path / "in").exists()


def test_the_summary_is_unchanged_by_the_paired_write(tmp_path: Path) -> None:
    path = write(tmp_path / "in.xlsx", tiny())
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    summary = json.loads((tmp_path / "out" / "in" / "base.json").read_text())
    assert summary["npv"] == pytest.approx(499_000)
    assert _files(tmp_path / "out" / "in") == {"base.json", "base.xlsx", ".base.resume"}


def test_a_parallel_run_ends_cleanly(tmp_path: Path) -> None:
    """No traceback, and nothing left holding the run's output once it has exited (the
    output is read to its end: a leftover process keeping it open would block here)."""
    import subprocess
    import sys

    path = three_scenarios(tmp_path)
    command = [sys.executable, "-m", "planner", "run", str(path), "--jobs", "2"]
    command += ["--out", str(tmp_path / "out"), "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert _files(tmp_path / "out" / "batch") >= {"base.xlsx", "cheap.xlsx", "big.xlsx"}
