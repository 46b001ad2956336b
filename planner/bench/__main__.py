"""`python -m planner.bench [--sizes small,medium,...] [--quick]` (what `make bench` runs).

For each instance (generated sizes, then OR-Library capa/capb/capc at each capacity) it writes
the workbook, measures our pipeline and the reference each in a fresh process (`--repeat N`:
N of each, alternating; medians and ranges reported), prints one table with the targets
beside the figures, and writes outputs/bench/<date>.csv (rows of the same instance from an
earlier run that day are replaced) and outputs/bench/<date>.png.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from planner.bench.instances import QUICK, Instance, all_instances, select
from planner.bench.report import derive, merge_csv, plot, print_table

Record = dict[str, Any]
console = Console(width=260, highlight=False)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m planner.bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        help="comma-separated: small, medium, medium-s2, medium-s3 (medium from other "
        "seeds), large, national, capa, capb, capc or one instance such as capa-8000 "
        "(default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"only {', '.join(QUICK)}, time limit 120 s unless given",
    )
    parser.add_argument("--time-limit", type=float, help="solver time limit, s (default 600)")
    parser.add_argument(
        "--mip-gap", type=float, help="override every workbook's mip_gap (both models use the same)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of ours and of the reference, alternating; the table shows the "
        "median total and CPU seconds with their least–greatest range",
    )
    parser.add_argument("--no-reference", action="store_true", help="skip the reference")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each measurement (outputs/bench/profiles/)"
    )
    parser.add_argument("--out", type=Path, default=Path("outputs/bench"))
    return parser.parse_args(argv)


def _instances(args: argparse.Namespace) -> list[Instance]:
    if args.sizes:
        return select([t.strip() for t in args.sizes.split(",") if t.strip()])
    if args.quick:
        return select(list(QUICK))
    return all_instances()


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores {platform.machine()} {memory:.0f} GiB, Python "
        f"{platform.python_version()}"
    )


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


# ---------------------------------------------------------------------------------------------
# One measurement per process


def _child(
    kind: str,
    workbook: Path,
    args: argparse.Namespace,
    time_limit: float,
    extra: list[str],
    tag: str,
) -> Record:
    folder: Path = args.out
    target = folder / "runs" / f"{workbook.stem}-{kind}{tag}.json"
    log = folder / "logs" / f"{workbook.stem}-{kind}{tag}.log"
    for path in (target, log):
        path.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "planner.bench.measure",
        kind,
        str(workbook),
        "--json",
        str(target),
        "--time-limit",
        str(time_limit),
        *extra,
    ]
    if args.mip_gap is not None:
        command += ["--mip-gap", str(args.mip_gap)]
    if args.profile:
        profiles = folder / "profiles"
        profiles.mkdir(parents=True, exist_ok=True)
        command += ["--profile", str(profiles / f"{workbook.stem}-{kind}.prof")]
    with log.open("w") as err:
        try:
            done = subprocess.run(command, stdout=err, stderr=err, timeout=3 * time_limit + 900)
        except subprocess.TimeoutExpired:
            return {"status": "timeout"}
    if done.returncode != 0 or not target.exists():
        return {"status": f"crash ({done.returncode}, see {log})"}
    record: Record = json.loads(target.read_text())
    return record


def _median(runs: list[Record]) -> tuple[Record, int]:
    """The run with the median total (the lower middle one of an even count), its total and
    CPU seconds replaced by the medians over the runs, with their least and greatest; and
    that run's index."""
    timed = [i for i, r in enumerate(runs) if "total_s" in r]
    if not timed:
        return runs[0], 0
    totals = [runs[i]["total_s"] for i in timed]
    index = next(i for i in timed if runs[i]["total_s"] == statistics.median_low(totals))
    chosen = dict(runs[index])
    for key in ("total", "cpu"):
        values = [runs[i][f"{key}_s"] for i in timed]
        chosen.update(
            {
                f"{key}_s": statistics.median(values),
                f"{key}_min_s": min(values),
                f"{key}_max_s": max(values),
            }
        )
    chosen["runs"] = len(timed)
    return chosen, index


def measure(instance: Instance, args: argparse.Namespace, time_limit: float) -> Record:
    """`args.repeat` runs of ours, each followed at once by one of the reference (so both
    see the same machine load), which prices that run's plan."""
    workbook = instance.prepare(args.out / "workbooks")
    load = os.getloadavg()[0]
    ours_runs: list[Record] = []
    ref_runs: list[Record] = []
    for i in range(args.repeat):
        tag = f"-{i}" if i else ""
        extra = ["--results", str(args.out / "results")]
        ours_runs.append(_child("ours", workbook, args, time_limit, extra, tag))
        if not args.no_reference:
            plan = args.out / "runs" / f"{workbook.stem}-ours{tag}.json"
            extra = ["--plan", str(plan)] if "objective" in ours_runs[-1] else []
            ref_runs.append(_child("reference", workbook, args, time_limit, extra, tag))
    ours, index = _median(ours_runs)
    row: Record = {
        "instance": instance.name,
        "family": instance.family,
        "commit": _commit(),
        "published": instance.published,
        "load_avg": round(load, 2),
        "time_limit": time_limit,
    }
    row.update({k: v for k, v in ours.items() if k not in ("retools", "launched")})
    if ref_runs:
        ref, _ = _median(ref_runs)
        row.update({f"ref_{k}": v for k, v in ref.items() if not k.startswith("plan")})
        row.update({k: v for k, v in ref_runs[index].items() if k.startswith("plan")})
    return derive(row)


# ---------------------------------------------------------------------------------------------


def _progress(row: Record) -> str:
    def f(key: str) -> str:
        value = row.get(key)
        return "-" if value is None else f"{value:.1f}"

    return (
        f"{row['instance']}: {row.get('status')} total {f('total_s')} s (build "
        f"{f('build_s')}, solve {f('solve_s')}), reference {f('ref_total_s')} s, "
        f"NPV vs ref {row.get('npv_check')}, plan {row.get('plan_check')}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    time_limit = args.time_limit or (120.0 if args.quick else 600.0)
    try:
        instances = _instances(args)
    except ValueError as exc:
        console.print(f"error: {exc}")
        return 2
    today = dt.date.today().isoformat()
    machine = _machine()
    console.print(
        f"benchmark {today} on {machine}, commit {_commit()}, time limit "
        f"{time_limit:.0f} s: {', '.join(i.name for i in instances)}"
    )
    rows = []
    table = args.out / f"{today}.csv"
    for instance in instances:
        row = measure(instance, args, time_limit)
        row.update(date=today, machine=machine)
        rows.append(row)
        merge_csv(table, [row])  # after each instance: an interrupted run keeps what it measured
        console.print(_progress(row))
    title = f"planner benchmark {today} — {machine} — time limit {time_limit:.0f} s"
    print_table(rows, title, console)
    png = plot(merge_csv(table, []), args.out / f"{today}.png", title)
    console.print(f"wrote {table} and {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
