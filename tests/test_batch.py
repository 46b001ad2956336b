"""Batches: worker processes, a real Dask LocalCluster, failures, resume."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from workbooks import tiny, with_rows, write

from planner.app.batch import ScenarioFailure, run_batch
from planner.app.cli import main
from planner.case import Case
from planner.read.load import load_workbook_cases
from planner.results.outcome import ScenarioOutcome


def three_scenarios(tmp_path: Path) -> Path:
    """base 499,000; cheap (cost ×0.9) 649,000; big (capacity ×1.5, demand 150) 748,500."""
    sheets = with_rows(tiny(), "Scenarios", {"scenario_id": "cheap"}, {"scenario_id": "big"})
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "cheap",
            "sheet": "Products",
            "column": "variable_cost",
            "op": "multiply",
            "value": 0.9,
        },
        {
            "scenario_id": "big",
            "sheet": "PlantLines",
            "match": "plant_id=P1",
            "column": "capacity",
            "op": "multiply",
            "value": 1.5,
        },
    )
    return write(tmp_path / "batch.xlsx", sheets)


def summaries(folder: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        data.pop("solve_seconds")
        found[path.stem] = data
    return found


def test_parallel_results_equal_serial(tmp_path: Path) -> None:
    path = three_scenarios(tmp_path)
    assert (
        main(["run", str(path), "--jobs", "1", "--out", str(tmp_path / "serial"), "--quiet"]) == 0
    )
    assert (
        main(["run", str(path), "--jobs", "2", "--out", str(tmp_path / "parallel"), "--quiet"]) == 0
    )
    serial = summaries(tmp_path / "serial" / "batch")
    assert serial == summaries(tmp_path / "parallel" / "batch")
    assert {k: v["npv"] for k, v in serial.items()} == {
        "base": pytest.approx(499_000),
        "cheap": pytest.approx(649_000),
        "big": pytest.approx(748_500),
    }


def crash_in_cheap(case: Case, events: Any) -> ScenarioOutcome:
    """A worker that dies hard on one scenario (as a segfaulting solver would)."""
    from planner.app.batch import _worker

    if case.scenario_id == "cheap":
        os._exit(7)
    return _worker(case, events)


def test_a_crashing_worker_costs_only_its_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.app.batch

    monkeypatch.setattr(planner.app.batch, "_worker", crash_in_cheap)
    cases = load_workbook_cases(three_scenarios(tmp_path)).cases
    done: list[Any] = []
    finished = run_batch(cases, 2, lambda *_: None, done.append)
    by_id = {
        f.scenario_id if isinstance(f, ScenarioFailure) else f.results.case.scenario_id: f
        for f in finished
    }
    assert isinstance(by_id["cheap"], ScenarioFailure)
    assert "died" in by_id["cheap"].message
    assert isinstance(by_id["base"], ScenarioOutcome)
    assert isinstance(by_id["big"], ScenarioOutcome)
    assert len(done) == 3


def test_exit_code_is_the_worst_scenarios(tmp_path: Path) -> None:
    """One infeasible scenario (min_units 1,000 hard) among solved ones: exit 3."""
    sheets = with_rows(
        tiny(), "Policies", {"policy_id": "MIN", "kind": "min_units", "value": 0, "products": "CAR"}
    )
    sheets = with_rows(sheets, "Scenarios", {"scenario_id": "strict"})
    sheets = with_rows(
        sheets,
        "ScenarioChanges",
        {
            "scenario_id": "strict",
            "sheet": "Policies",
            "match": "policy_id=MIN",
            "column": "value",
            "op": "set",
            "value": 1000,
        },
    )
    path = write(tmp_path / "worst.xlsx", sheets)
    assert main(["run", str(path), "--jobs", "2", "--out", str(tmp_path), "--quiet"]) == 3
    assert json.loads((tmp_path / "worst" / "base.json").read_text())["status"] == "optimal"
    assert json.loads((tmp_path / "worst" / "strict.json").read_text())["status"] == "infeasible"


def test_resume_skips_current_outputs_and_reruns_changed_ones(tmp_path: Path) -> None:
    path = three_scenarios(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(path), "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    folder = out / "batch"
    first = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    assert main(["run", str(path), "--resume", "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")} == first
    # an interrupted batch: one output missing; --resume redoes that one only
    (folder / "cheap.json").unlink()
    assert main(["run", str(path), "--resume", "--jobs", "1", "--out", str(out), "--quiet"]) == 0
    again = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    assert again["base.json"] == first["base.json"]
    assert again["cheap.json"] != first.get("cheap.json")
    # a changed solver setting makes every output stale
    assert (
        main(
            [
                "run",
                str(path),
                "--resume",
                "--mip-gap",
                "0.01",
                "--jobs",
                "1",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert all(
        p.stat().st_mtime_ns != first[p.name]
        for p in folder.glob("*.json")
        if p.name in first and p.name != "cheap.json"
    )


def test_dask_local_cluster_gives_the_local_results(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    path = three_scenarios(tmp_path)
    assert main(["run", str(path), "--jobs", "1", "--out", str(tmp_path / "local"), "--quiet"]) == 0
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        code = main(
            [
                "run",
                str(path),
                "--dask",
                cluster.scheduler_address,
                "--out",
                str(tmp_path / "dask"),
                "--quiet",
            ]
        )
    assert code == 0
    assert summaries(tmp_path / "dask" / "batch") == summaries(tmp_path / "local" / "batch")


def test_fingerprint_is_the_same_in_every_process(tmp_path: Path) -> None:
    """--resume must match across runs: no dependence on hash randomisation (set order)."""
    import subprocess
    import sys

    path = three_scenarios(tmp_path)
    code = (
        "import sys; from pathlib import Path; from planner.read.load import load_workbook_cases;"
        "from planner.app.run import fingerprint;"
        "print(fingerprint(load_workbook_cases(Path(sys.argv[1])).cases[1]))"
    )
    prints = {
        subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(prints) == 1
