"""One measurement in this (fresh) process; the parent reads the JSON file it writes.

    python -m planner.bench.measure ours WORKBOOK --json OUT [--time-limit S] [--mip-gap G]
    python -m planner.bench.measure reference WORKBOOK --json OUT [--plan PLAN.json] ...

`ours` runs the real pipeline: read+validate (`load_workbook_cases`), `solve_case` (build,
solve, then check, shadow prices and result tables: "post"), `write_outcome`. `reference`
reads the same way, then builds and solves `planner.bench.reference`; given our plan it also
prices that plan in the reference (not counted in its time). Every library is imported before
the first timer starts. Peak memory is this process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import pstats
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import highspy  # noqa: F401  (imported before any timer)
import matplotlib.figure  # (the result workbook's map; imported on first use)
import matplotlib.patheffects  # noqa: F401
import numpy  # noqa: F401
import scipy.sparse  # noqa: F401

from planner.app.run import write_outcome
from planner.bench.reference import build_reference, plan_npv, solve_reference
from planner.case import Case
from planner.read.load import load_workbook_cases
from planner.results.outcome import SolverChoice, solve_case, with_overrides

Record = dict[str, Any]


class Clock:
    """Wall and CPU seconds per named phase."""

    def __init__(self) -> None:
        self.record: Record = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.record[f"{name}_s"] = time.perf_counter() - wall
        self.record[f"{name}_cpu_s"] = time.process_time() - cpu


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def read_case(path: Path, time_limit: float, mip_gap: float | None) -> Case:
    case = load_workbook_cases(path).cases[0]
    return with_overrides(case, SolverChoice(time_limit=time_limit, mip_gap=mip_gap))


def measure_ours(path: Path, time_limit: float, mip_gap: float | None, out_dir: Path) -> Record:
    clock = Clock()
    with clock.phase("read"):
        case = read_case(path, time_limit, mip_gap)
    with clock.phase("pipeline"):
        outcome = solve_case(case)
    with clock.phase("write"):
        write_outcome(out_dir / path.stem, outcome)
    r = outcome.results
    rec = clock.record
    rec.update(
        build_s=r.build_seconds,
        solve_s=r.solve_seconds,
        post_s=rec["pipeline_s"] - r.build_seconds - r.solve_seconds,
    )
    rec["total_s"] = rec["read_s"] + rec["pipeline_s"] + rec["write_s"]
    rec["cpu_s"] = rec["read_cpu_s"] + rec["pipeline_cpu_s"] + rec["write_cpu_s"]
    rec.update({f"{k}": v for k, v in r.model_size.items()})
    rec.update(
        status=r.status.value,
        objective=r.objective,
        bound=r.bound,
        gap=r.gap,
        mip_gap=case.settings.mip_gap,
        retools={d.option_id: d.start_year for d in r.retools if d.start_year},
        launched=list(r.launched_products),
    )
    return rec


def measure_reference(
    path: Path, time_limit: float, mip_gap: float | None, plan: Record | None
) -> Record:
    clock = Clock()
    with clock.phase("read"):
        case = read_case(path, time_limit, mip_gap)
    with clock.phase("build"):
        ref = build_reference(case)
    with clock.phase("solve"):
        result = solve_reference(ref, case.settings.time_limit_s, case.settings.mip_gap)
    rec = clock.record
    rec["total_s"] = rec["read_s"] + rec["build_s"] + rec["solve_s"]
    rec["cpu_s"] = rec["read_cpu_s"] + rec["build_cpu_s"] + rec["solve_cpu_s"]
    rec.update(
        variables=ref.num_cols,
        binaries=ref.num_integer,
        rows=ref.num_rows,
        nonzeros=ref.num_nonzeros,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        mip_gap=case.settings.mip_gap,
    )
    if plan is not None and plan.get("objective") is not None:
        priced = plan_npv(ref, plan["retools"], set(plan["launched"]))
        rec.update(
            plan_npv=priced.objective, plan_status=priced.status, plan_seconds=priced.seconds
        )
    return rec


def profiled(run: Callable[[], Record], target: Path) -> Record:
    """Run under cProfile; keep the raw stats and the top functions by cumulative time."""
    profile = cProfile.Profile()
    record = profile.runcall(run)
    profile.dump_stats(str(target))
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(40)
    target.with_suffix(".txt").write_text(text.getvalue())
    return record


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.bench.measure")
    parser.add_argument("kind", choices=("ours", "reference"))
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--json", type=Path, required=True, help="where to write the record")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--mip-gap", type=float)
    parser.add_argument("--plan", type=Path, help="our record (JSON), to price its plan")
    parser.add_argument("--results", type=Path, help="folder for our result files")
    parser.add_argument("--profile", type=Path, help="write cProfile stats here")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)-7s %(name)s %(message)s",
    )

    def run() -> Record:
        if args.kind == "ours":
            out = args.results or Path(tempfile.mkdtemp(prefix="bench-"))
            return measure_ours(args.workbook, args.time_limit, args.mip_gap, out)
        plan = json.loads(args.plan.read_text()) if args.plan else None
        return measure_reference(args.workbook, args.time_limit, args.mip_gap, plan)

    record = profiled(run, args.profile) if args.profile else run()
    record.update(kind=args.kind, workbook=str(args.workbook), rss_mb=peak_rss_mb())
    args.json.write_text(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
