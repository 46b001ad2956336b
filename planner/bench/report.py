"""Benchmark rows: derived figures, agreement checks, targets, the table, CSV and PNG."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

Row = dict[str, Any]

BUILD_SHARE_TARGET = 0.10
NATIONAL_RATIO_TARGETS = (1.0, 0.5)
ORLIB_SECONDS_TARGET = 60.0
NATIONAL_MEMORY_TARGET_MB = 4096.0
PLAN_TOLERANCE = 1e-6  # relative: the same plan priced by both models

CSV_COLUMNS = (
    "date", "instance", "family", "commit", "machine", "load_avg", "time_limit", "status",
    "objective", "bound", "gap", "mip_gap", "read_s", "build_s", "solve_s", "post_s", "write_s",
    "total_s", "total_min_s", "total_max_s", "cpu_s", "cpu_min_s", "cpu_max_s", "runs",
    "rss_mb", "variables", "binaries", "rows", "nonzeros", "ref_status", "ref_objective",
    "ref_bound", "ref_gap", "ref_read_s", "ref_build_s", "ref_solve_s", "ref_total_s",
    "ref_total_min_s", "ref_total_max_s", "ref_cpu_s", "ref_cpu_min_s", "ref_cpu_max_s",
    "ref_runs", "ref_rss_mb", "ref_variables", "ref_binaries", "ref_rows",
    "ref_nonzeros", "ratio", "plan_ratio", "cpu_ratio", "build_share", "npv_check",
    "plan_npv", "plan_check", "published", "published_check", "targets",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Derived figures and checks


def _num(row: Row, key: str) -> float | None:
    value = row.get(key)
    if value is None or value == "":
        return None
    number = float(value)
    return None if math.isnan(number) else number


def npv_check(row: Row) -> str:
    """Our NPV against the reference's: within the gap, and each below the other's bound."""
    ours, ref = _num(row, "objective"), _num(row, "ref_objective")
    if ours is None or ref is None:
        return "n/a"
    our_bound, ref_bound = _num(row, "bound") or ours, _num(row, "ref_bound") or ref
    scale = max(abs(ours), abs(ref), 1.0)
    eps = 1e-6 * scale
    consistent = ours <= ref_bound + eps and ref <= our_bound + eps
    if not consistent:
        return "MISMATCH (bounds)"
    gap = _num(row, "mip_gap") or 0.0
    if row.get("status") == "optimal" and str(row.get("ref_status")).lower() == "optimal":
        return "ok" if abs(ours - ref) <= gap * scale + eps else "MISMATCH (gap)"
    return "ok (bounds)"


def plan_check(row: Row) -> str:
    """Our plan priced in the reference must be worth what we say (more: our LP part slack)."""
    ours, priced = _num(row, "objective"), _num(row, "plan_npv")
    if ours is None or priced is None:
        return "n/a"
    diff = (priced - ours) / max(abs(ours), 1.0)
    if abs(diff) <= PLAN_TOLERANCE:
        return "ok"
    return f"MISMATCH ({diff:+.2e})" if diff < 0 else f"ref {diff:+.1e}"


def published_check(row: Row) -> str:
    published, ours = _num(row, "published"), _num(row, "objective")
    if published is None:
        return ""
    if ours is None:
        return "n/a"
    gap = _num(row, "mip_gap") or 0.0
    return (
        "ok"
        if abs(-ours - published) <= gap * published + 0.01
        else (f"off {(-ours - published) / published:+.2e}")
    )


def _tick(ok: bool) -> str:
    return "✓" if ok else "✗"


def targets(row: Row) -> str:
    marks = []
    share = _num(row, "build_share")
    if share is not None:
        marks.append(f"build {_tick(share <= BUILD_SHARE_TARGET)}")
    ratio, total = _num(row, "ratio"), _num(row, "total_s")
    if row.get("instance") == "national":
        if ratio is not None:
            low, high = NATIONAL_RATIO_TARGETS
            marks.append(f"×{low} {_tick(ratio <= low)} ×{high} {_tick(ratio <= high)}")
        rss = _num(row, "rss_mb")
        if rss is not None:
            marks.append(f"4GB {_tick(rss < NATIONAL_MEMORY_TARGET_MB)}")
    if row.get("family") == "orlib" and total is not None:
        marks.append(f"60s {_tick(total < ORLIB_SECONDS_TARGET)}")
    return " ".join(marks)


def derive(row: Row) -> Row:
    total, ref_total = _num(row, "total_s"), _num(row, "ref_total_s")
    cpu, ref_cpu, build = _num(row, "cpu_s"), _num(row, "ref_cpu_s"), _num(row, "build_s")
    row["ratio"] = total / ref_total if total and ref_total else None
    row["cpu_ratio"] = cpu / ref_cpu if cpu and ref_cpu else None
    to_plan = [_num(row, key) for key in ("read_s", "build_s", "solve_s")]
    row["plan_ratio"] = (
        sum(x for x in to_plan if x is not None) / ref_total
        if ref_total and all(x is not None for x in to_plan)
        else None
    )
    row["build_share"] = build / total if build is not None and total else None
    row["npv_check"] = npv_check(row)
    row["plan_check"] = plan_check(row)
    row["published_check"] = published_check(row)
    row["targets"] = targets(row)
    return row


# ---------------------------------------------------------------------------------------------
# Table


def _s(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if value < 100 else f"{value:.0f}"


def _i(value: float | None) -> str:
    return "-" if value is None else f"{int(value):,}"


def _money(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.3f}B"
    return f"{value / 1e6:,.3f}M"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.3g}%"


def _range(row: Row, key: str) -> str:
    """`key`'s least–greatest over repeated runs ("-" for one run)."""
    low, high = _num(row, f"{key}_min_s"), _num(row, f"{key}_max_s")
    runs = _num(row, "runs" if not key.startswith("ref_") else "ref_runs")
    if low is None or high is None or not runs or runs < 2:
        return "-"
    return f"{_s(low)}–{_s(high)}"


COLUMNS = (
    ("instance", "left"), ("status", "left"), ("read s", "right"), ("build s", "right"),
    ("solve s", "right"), ("post s", "right"), ("write s", "right"), ("build %", "right"),
    ("RSS MB", "right"), ("vars", "right"), ("bins", "right"), ("rows", "right"),
    ("nnz", "right"), ("NPV $", "right"), ("gap", "right"), ("total s", "right"),
    ("range", "right"), ("ref s", "right"), ("ref range", "right"), ("ratio", "right"),
    ("plan ratio", "right"),
    ("cpu s", "right"), ("ref cpu s", "right"), ("cpu ratio", "right"),
    ("NPV vs ref", "left"), ("plan", "left"), ("targets", "left"),
)  # fmt: skip


def table_cells(row: Row) -> list[str]:
    g = row.get
    checks = str(row["npv_check"]) + (
        f"; publ. {row['published_check']}" if row.get("published_check") else ""
    )
    return [
        str(g("instance")),
        str(g("status")),
        _s(_num(row, "read_s"), 2),
        _s(_num(row, "build_s"), 2),
        _s(_num(row, "solve_s")),
        _s(_num(row, "post_s"), 2),
        _s(_num(row, "write_s"), 2),
        _pct(_num(row, "build_share")),
        _i(_num(row, "rss_mb")),
        _i(_num(row, "variables")),
        _i(_num(row, "binaries")),
        _i(_num(row, "rows")),
        _i(_num(row, "nonzeros")),
        _money(_num(row, "objective")),
        _pct(_num(row, "gap")),
        _s(_num(row, "total_s")),
        _range(row, "total"),
        _s(_num(row, "ref_total_s")),
        _range(row, "ref_total"),
        _s(_num(row, "ratio"), 2),
        _s(_num(row, "plan_ratio"), 2),
        _s(_num(row, "cpu_s")),
        _s(_num(row, "ref_cpu_s")),
        _s(_num(row, "cpu_ratio"), 2),
        checks,
        str(g("plan_check")),
        str(g("targets")),
    ]


def print_table(rows: Sequence[Row], title: str, console: Console | None = None) -> None:
    console = console or Console(width=260)
    table = Table(title=title, title_justify="left")
    for name, justify in COLUMNS:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*table_cells(row))
    console.print(table)
    console.print(
        f"targets: build ≤ {BUILD_SHARE_TARGET:.0%} of total at every size; national total ≤ "
        f"{NATIONAL_RATIO_TARGETS[0]}× then ≤ {NATIONAL_RATIO_TARGETS[1]}× the reference; "
        f"capa–capc each < {ORLIB_SECONDS_TARGET:.0f} s; national memory < "
        f"{NATIONAL_MEMORY_TARGET_MB / 1024:.0f} GB. ratio = our total / reference total "
        f"(both include read+validate); plan ratio = our read+build+solve (the reference's "
        f"work: no status quo, shadow prices or result files) / reference total. post = "
        f"result check, shadow prices, result tables. "
        f"With --repeat: total, cpu and ref figures are medians over the runs, range their "
        f"least–greatest; the other columns are from our median run."
    )


# ---------------------------------------------------------------------------------------------
# CSV (one file per day: a later run replaces rows of the same instance) and plot


def merge_csv(path: Path, rows: Iterable[Row]) -> list[Row]:
    kept: dict[str, Row] = {}
    if path.exists():
        with path.open(newline="") as fh:
            for old in csv.DictReader(fh):
                kept[old["instance"]] = dict(old)
    for row in rows:
        kept[str(row["instance"])] = {c: row.get(c) for c in CSV_COLUMNS}
    merged = list(kept.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    with tmp.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(merged)
    tmp.replace(path)
    return merged


def plot(rows: Sequence[Row], target: Path, title: str) -> Path:
    """Seconds against nonzeros (log-log): our total and solve, the reference's total."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = [r for r in rows if _num(r, "nonzeros") and _num(r, "total_s")]
    fig, ax = plt.subplots(figsize=(10, 6.5))
    series = (
        ("total_s", "ours: total", "o", "tab:blue"),
        ("solve_s", "ours: solve", "x", "tab:cyan"),
        ("build_s", "ours: build", "+", "tab:green"),
        ("ref_total_s", "reference: total", "^", "tab:orange"),
    )
    for key, label, marker, colour in series:
        xs = [float(r["nonzeros"]) for r in points if _num(r, key)]
        ys = [float(r[key]) for r in points if _num(r, key)]
        if xs:
            ax.scatter(xs, ys, marker=marker, color=colour, label=label, s=45)
    same_size: dict[float | None, int] = {}
    for r in points:
        n = same_size[_num(r, "nonzeros")] = same_size.get(_num(r, "nonzeros"), -1) + 1
        ax.annotate(
            str(r["instance"]),
            (_num(r, "nonzeros"), _num(r, "total_s")),
            textcoords="offset points",
            xytext=(5, 4 - 10 * n),
            fontsize=7,
        )
    ax.axhline(ORLIB_SECONDS_TARGET, color="grey", linestyle=":", linewidth=1)
    ax.annotate(
        "60 s (capa–c target) ",
        (1.0, ORLIB_SECONDS_TARGET),
        xycoords=("axes fraction", "data"),
        ha="right",
        va="bottom",
        fontsize=7,
        color="grey",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("model size: nonzeros of our model")
    ax.set_ylabel("wall seconds")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=110)
    plt.close(fig)
    return target
