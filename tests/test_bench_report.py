"""The benchmark's repeated runs and instance names (planner/bench)."""

from __future__ import annotations

from typing import Any

from planner.bench.__main__ import _median
from planner.bench.instances import select
from planner.bench.report import COLUMNS, derive, table_cells


def test_repeated_runs_report_medians_and_ranges_from_the_median_run() -> None:
    runs: list[dict[str, Any]] = [
        {"total_s": 5.0, "cpu_s": 2.0, "solve_s": 4.5},
        {"status": "timeout"},
        {"total_s": 1.0, "cpu_s": 3.0, "solve_s": 0.5},
        {"total_s": 3.0, "cpu_s": 9.0, "solve_s": 2.5},
    ]
    chosen, index = _median(runs)
    assert index == 3  # totals 5, 1, 3: the median is the run of 3 s
    assert chosen["solve_s"] == 2.5
    assert (chosen["total_s"], chosen["total_min_s"], chosen["total_max_s"]) == (3.0, 1.0, 5.0)
    assert (chosen["cpu_s"], chosen["cpu_min_s"], chosen["cpu_max_s"]) == (3.0, 2.0, 9.0)
    assert chosen["runs"] == 3


def test_the_table_shows_both_ranges_beside_the_medians() -> None:
    ours, _ = _median([{"total_s": t, "cpu_s": t / 2} for t in (2.0, 4.0, 3.0)])
    ref, _ = _median([{"total_s": t, "cpu_s": t} for t in (6.0, 12.0, 9.0)])
    row = derive({"instance": "medium", **ours, **{f"ref_{k}": v for k, v in ref.items()}})
    cells = dict(zip((name for name, _ in COLUMNS), table_cells(row), strict=True))
    shown = [cells[c] for c in ("total s", "range", "ref s", "ref range", "ratio")]
    assert shown == ["3.0", "2.0–4.0", "9.0", "6.0–12.0", "0.33"]
    assert [cells[c] for c in ("cpu s", "ref cpu s", "cpu ratio")] == ["1.5", "9.0", "0.17"]


def test_a_size_names_only_itself_and_a_family_all_its_instances() -> None:
    assert [i.name for i in select(["medium"])] == ["medium"]
    assert [i.name for i in select(["medium-s2", "small"])] == ["medium-s2", "small"]
    assert {i.name.split("-")[0] for i in select(["capa"])} == {"capa"}
    assert len(select(["capa"])) > 1


def test_the_plan_ratio_counts_only_the_work_the_reference_does() -> None:
    """read + build + solve (2.0 s of a 3.0 s run whose status quo and files took 1.0 s)
    against the reference's 8.0 s."""
    row = derive(
        {
            "instance": "medium",
            "read_s": 0.25,
            "build_s": 0.25,
            "solve_s": 1.5,
            "post_s": 0.5,
            "write_s": 0.5,
            "total_s": 3.0,
            "ref_total_s": 8.0,
        }
    )
    cells = dict(zip((name for name, _ in COLUMNS), table_cells(row), strict=True))
    assert (cells["ratio"], cells["plan ratio"]) == ("0.38", "0.25")
