"""`planner run`: every scenario of a workbook, solved and written (SPEC §3).

Reads and validates everything first (an input error writes nothing), then solves the
scenarios (serially, in worker processes, or on a Dask cluster) and writes `<scenario>.json`
and `<scenario>.xlsx` atomically as each finishes, then `comparison.xlsx`. The exit code is
the worst scenario's: 0 solved, 3 infeasible (diagnosis written), 4 solver error or no
solution. `--resume` skips scenarios whose outputs came from the same input, scenario
definition and solver settings (a fingerprint file beside them says so).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from planner import __version__
from planner.batch import Finished, ScenarioFailure, run_batch
from planner.case import Case
from planner.errors import Problem, format_problems
from planner.io.atomic import write_atomically, write_text_atomically
from planner.io.write_alternatives import write_alternatives_workbook
from planner.io.write_comparison import write_comparison_workbook
from planner.io.write_json import summary_json
from planner.io.write_workbook import write_scenario_workbook
from planner.load import load_workbook_cases
from planner.pipeline import ScenarioOutcome, SolverChoice, with_overrides
from planner.progress import BatchDisplay
from planner.summary import MAX_ROWS, print_sweep_summary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    scenarios: tuple[str, ...] = ()
    solver: str | None = None
    time_limit: float | None = None
    mip_gap: float | None = None
    out_dir: Path | None = None
    jobs: int | None = None  # None: one per core
    dask: str | None = None
    resume: bool = False
    alternatives: int | None = None  # None: Settings
    within: float | None = None

    @property
    def choice(self) -> SolverChoice:
        return SolverChoice(
            self.solver, self.time_limit, self.mip_gap, self.alternatives, self.within
        )

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs is not None else max(1, os.cpu_count() or 1)


def output_folder(path: Path, options: RunOptions) -> Path:
    return (options.out_dir or Path("outputs")) / path.stem


def fingerprint(case: Case) -> str:
    """Input file, scenario definition (the whole validated case) and solver settings, in a
    canonical form: the same in every process (frozenset order is not)."""
    text = json.dumps([__version__, case.input_sha256, _canonical(case)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _canonical(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "warnings"
        }
    if isinstance(value, (frozenset, set)):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, (tuple, list)):
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    return value


def _fingerprint_path(folder: Path, scenario: str) -> Path:
    return folder / f".{scenario}.fingerprint"


def _outcome_path(folder: Path, scenario: str) -> Path:
    """The outcome kept for `--resume`, so a resumed batch's comparison is complete."""
    return folder / f".{scenario}.outcome.pickle"


def is_current(folder: Path, case: Case) -> bool:
    scenario = case.scenario_id
    files = [
        folder / f"{scenario}.json",
        folder / f"{scenario}.xlsx",
        _outcome_path(folder, scenario),
        _fingerprint_path(folder, scenario),
    ]
    if case.settings.alternatives > 0:
        files.append(alternatives_path(folder, scenario))
    if not all(f.exists() for f in files):
        return False
    return files[3].read_text().strip() == fingerprint(case)


def alternatives_path(folder: Path, scenario: str) -> Path:
    return folder / f"{scenario}_alternatives.xlsx"


def _load_outcome(folder: Path, scenario: str) -> ScenarioOutcome | None:
    try:
        with _outcome_path(folder, scenario).open("rb") as handle:
            outcome = pickle.load(handle)  # our own file, written by write_outcome
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None
    return outcome if isinstance(outcome, ScenarioOutcome) else None


def run_workbook(path: Path, options: RunOptions) -> int:
    log.info("reading %s", path)
    loaded = load_workbook_cases(path, options.scenarios)
    if loaded.warnings:
        log.info("%d validation warning(s), listed after the results", len(loaded.warnings))
    folder = output_folder(path, options)
    cases = [with_overrides(case, options.choice) for case in loaded.cases]
    kept = {
        c.scenario_id: _load_outcome(folder, c.scenario_id)
        for c in cases
        if options.resume and is_current(folder, c)
    }
    resumed = {k: v for k, v in kept.items() if v is not None}
    todo = [c for c in cases if c.scenario_id not in resumed]
    skipped = list(resumed)
    parallel = options.dask is not None or (options.workers > 1 and len(todo) > 1)
    display = BatchDisplay([c.scenario_id for c in cases], echo=parallel)
    for scenario in skipped:
        display.update(scenario, "skipped", "outputs are current (--resume)")

    def on_done(finished: Finished) -> None:
        if isinstance(finished, ScenarioFailure):
            display.update(finished.scenario_id, "failed", finished.message)
            log.error("[%s] failed: %s", finished.scenario_id, finished.message)
            return
        write_outcome(folder, finished)
        display.update(finished.results.case.scenario_id, "written", finished.results.status)

    with display:
        finished = run_batch(todo, options.workers, display.update, on_done, options.dask)
    order = {c.scenario_id: i for i, c in enumerate(cases)}
    outcomes = sorted(
        [f for f in finished if isinstance(f, ScenarioOutcome)] + list(resumed.values()),
        key=lambda o: order[o.results.case.scenario_id],
    )
    if len(cases) > 1 and outcomes:
        _write_comparison(folder, outcomes)
    if log.isEnabledFor(logging.INFO):  # not with --quiet
        _print_final_table(folder, finished, skipped, outcomes)
    print_warnings(loaded.warnings)
    return max([f.exit_code for f in finished] + [o.exit_code for o in resumed.values()] + [0])


def print_warnings(warnings: Sequence[Problem]) -> None:
    """Validation warnings after the results (also with --quiet), where they are read."""
    if warnings:
        print(f"Validation warnings ({len(warnings)}):", file=sys.stderr)
        print(format_problems(warnings), file=sys.stderr)


def write_outcome(folder: Path, outcome: ScenarioOutcome) -> None:
    case = outcome.results.case
    scenario = case.scenario_id
    write_text_atomically(folder / f"{scenario}.json", summary_json(outcome))
    write_scenario_workbook(folder / f"{scenario}.xlsx", outcome)
    _write_alternatives(folder, outcome)
    write_atomically(
        _outcome_path(folder, scenario), lambda path: path.write_bytes(pickle.dumps(outcome))
    )
    write_text_atomically(_fingerprint_path(folder, scenario), fingerprint(case) + "\n")
    log.info("[%s] wrote %s", scenario, folder / f"{scenario}.json")


def _write_alternatives(folder: Path, outcome: ScenarioOutcome) -> None:
    """The alternatives workbook when they were asked for; else one left from an earlier run
    is removed, as it belongs to another optimum."""
    target = alternatives_path(folder, outcome.results.case.scenario_id)
    if outcome.alternatives is not None:
        write_alternatives_workbook(target, outcome)
    elif target.exists():
        target.unlink()
        log.info("removed %s: no alternatives were asked for this time", target)


def _write_comparison(folder: Path, outcomes: Sequence[ScenarioOutcome]) -> None:
    """Comparison of every scenario of the run, the resumed ones included."""
    write_comparison_workbook(folder / "comparison.xlsx", outcomes)


def _print_final_table(
    folder: Path,
    finished: Sequence[Finished],
    skipped: list[str],
    outcomes: Sequence[ScenarioOutcome],
) -> None:
    """One row per scenario; beyond a screenful, sweep points are summarised by sweep."""
    many = len(finished) + len(skipped) > MAX_ROWS
    if many:
        finished = [f for f in finished if not _sweep_point(f)]
    table = Table(title=f"results in {folder}")
    for column in ("scenario", "status", "NPV", "gap", "seconds", "output"):
        table.add_column(column, justify="right" if column in ("NPV", "gap", "seconds") else "left")
    for item in finished:
        if isinstance(item, ScenarioFailure):
            table.add_row(item.scenario_id, "failed", "", "", "", item.message)
            continue
        results = item.results
        npv = "" if results.npv is None else f"{results.npv:,.0f}"
        gap = "" if results.gap is None else f"{100 * results.gap:.3f}%"
        table.add_row(
            results.case.scenario_id,
            results.status.value,
            npv,
            gap,
            f"{results.solve_seconds:.1f}",
            str(folder / f"{results.case.scenario_id}.xlsx"),
        )
    if many and skipped:
        table.add_row(f"{len(skipped)} scenarios", "skipped", "", "", "", "outputs are current")
    for scenario in [] if many else skipped:
        table.add_row(scenario, "skipped", "", "", "", "outputs are current")
    Console(stderr=True, width=140).print(table)
    if many:
        failed = sum(isinstance(f, ScenarioFailure) for f in finished)
        print_sweep_summary(folder, outcomes, failed)


def _sweep_point(item: Finished) -> bool:
    return isinstance(item, ScenarioOutcome) and item.results.case.scenario.sweep is not None
