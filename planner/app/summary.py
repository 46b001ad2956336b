"""The final console table of `planner run`: one row per scenario in workbook order (base,
the Scenarios rows, then the sweep points) with its NPV and plan value in readable dollars
and its plan in a few words, then where comparison.xlsx and the outputs are. Beyond a
screenful, each sweep is one line (its NPV and plan-value range, where its plan changes) and
only the other scenarios and the failures are listed in full."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from planner.app.batch import Finished, ScenarioFailure
from planner.results.narrative import taken_retools
from planner.results.outcome import ScenarioOutcome
from planner.results.prose import money
from planner.results.sensitivity import SweepResult, sweep_results
from planner.results.tables import RetoolDecision
from planner.solve.result import Status

MAX_ROWS = 30  # beyond this, sweep points are summarised one line per sweep
MAX_RETOOLS = 2  # retools named per plan; the rest are counted
_GENERIC = re.compile(r"(\s+(Assembly|Auto|Plant|Factory|Manufacturing|Complex))+$")


def print_final_table(
    folder: Path,
    order: Sequence[str],
    finished: Mapping[str, Finished],
    resumed: Mapping[str, ScenarioOutcome],
    comparison: Path | None,
) -> None:
    """`order`: every scenario id as loaded; each is in `finished` or `resumed`."""
    many = len(order) > MAX_ROWS
    table = Table(title=f"results in {folder}")
    for column in ("scenario", "status", "NPV", "vs status quo", "plan"):
        table.add_column(column, justify="right" if column in ("NPV", "vs status quo") else "left")
    for scenario in order:
        item = finished.get(scenario) or resumed.get(scenario)
        if item is None or (many and _sweep_point(item)):
            continue
        table.add_row(scenario, *row_cells(item, scenario in resumed))
    console = Console(stderr=True, width=140)
    console.print(table)
    if many:
        failed = sum(isinstance(f, ScenarioFailure) for f in finished.values())
        items = [finished.get(s) or resumed.get(s) for s in order]
        outcomes = [o for o in items if isinstance(o, ScenarioOutcome)]
        print_sweep_summary(folder, outcomes, failed)
    if comparison is not None:
        print(f"comparison: {comparison}", file=sys.stderr)
    print(f"outputs:    {folder}", file=sys.stderr)


def row_cells(item: Finished, resumed: bool) -> tuple[str, str, str, str]:
    """status, NPV, plan value against the status quo, plan in words."""
    if isinstance(item, ScenarioFailure):
        return ("failed", "", "", item.message)
    results = item.results
    status = results.status.value
    if results.status is Status.FEASIBLE and results.gap is not None:
        status += f" (gap {100 * results.gap:.2f}%)"
    status += " (resumed)" if resumed else ""
    if not results.status.has_solution:
        return (status, "", "", "no plan: see the Diagnosis sheet")
    npv = "" if results.npv is None else dollars(results.npv)
    value = "" if item.plan_value is None else signed_dollars(item.plan_value)
    return (status, npv, value, short_plan(item))


def short_plan(outcome: ScenarioOutcome) -> str:
    """`Marysville EV→KEI_FLEX 2027; launch KEI_ICE`, or `no retooling`."""
    results = outcome.results
    taken = taken_retools(results)
    names = [_retool_words(outcome, r) for r in taken[:MAX_RETOOLS]]
    if len(taken) > MAX_RETOOLS:
        names.append(f"+{len(taken) - MAX_RETOOLS} more")
    words = ", ".join(names) or "no retooling"
    if results.launched_products:
        words += "; launch " + ", ".join(results.launched_products)
    return words


def _retool_words(outcome: ScenarioOutcome, r: RetoolDecision) -> str:
    plant = short_plant_name(outcome.results.case.plant(r.plant_id).name)
    change = f"{r.from_line_type}→{r.to_line_type}" if r.from_line_type else f"new {r.to_line_type}"
    return f"{plant} {change} {r.start_year}"


def short_plant_name(name: str) -> str:
    """`Honda Marysville Auto` -> `Honda Marysville`: no parentheses, no generic tail."""
    short = _GENERIC.sub("", re.sub(r"\s*\(.*?\)", "", name)).strip()
    return short or name


def dollars(value: float) -> str:
    """65,412,000,000 -> `$65.4B`, -1,234 -> `-$1.23k`, 499 -> `$499`: three figures."""
    return money(value)


def signed_dollars(value: float) -> str:
    """+$280M, -$1.5M; `$0` for a plan worth exactly its status quo (to the dollar)."""
    text = dollars(value)
    return text if text.startswith("-") or text == "$0" else "+" + text


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


def _sweep_point(item: Finished) -> bool:
    return isinstance(item, ScenarioOutcome) and item.results.case.scenario.sweep is not None
