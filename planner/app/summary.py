"""The final console table of a large batch: scenarios one by one up to a screenful, beyond
that each sweep in one line (its NPV and plan-value range, where its plan changes) and only
the other scenarios and the failures in full."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from planner.results.outcome import ScenarioOutcome
from planner.results.sensitivity import SweepResult, sweep_results

MAX_ROWS = 30  # beyond this, sweep points are summarised one line per sweep


def print_sweep_summary(folder: Path, outcomes: Sequence[ScenarioOutcome], failed: int) -> None:
    sweeps = sweep_results(outcomes)
    table = Table(title=f"sweeps in {folder} (each point: see comparison.xlsx, Sensitivity)")
    for column in ("sweep", "points", "solved", "NPV", "plan value", "plan changes at"):
        table.add_column(column, justify="right" if column in ("points", "solved") else "left")
    for sweep in sweeps:
        table.add_row(*sweep_line(sweep))
    if failed:
        table.caption = f"{failed} scenario(s) failed: listed above"
    Console(stderr=True, width=140).print(table)


def sweep_line(sweep: SweepResult) -> tuple[str, str, str, str, str, str]:
    solved = [p for p in sweep.points if p.npv is not None]
    changes = ", ".join(p.point.value for p in sweep.changes()[:8]) or "never"
    if len(sweep.changes()) > 8:
        changes += f" and {len(sweep.changes()) - 8} more"
    return (
        sweep.label,
        str(len(sweep.points)),
        str(len(solved)),
        _span([p.npv for p in solved]),
        _span(sweep.plan_values),
        changes,
    )


def _span(values: Sequence[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    return f"{low:,.0f}" if low == high else f"{low:,.0f} … {high:,.0f}"
