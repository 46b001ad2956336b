"""`planner run`: every scenario of a workbook, solved and written (docs/contract.md §3).

Reads and validates everything first (an input error writes nothing), then solves the
scenarios (serially, in worker processes, or on a Dask cluster) and writes `<scenario>.json`
and `<scenario>.xlsx` together and atomically as each finishes, then `comparison.xlsx`. Where
results go is checked before anything is solved (exit 5 when they cannot go there). The exit
code is the worst scenario's: 0 solved, 3 infeasible (diagnosis written), 4 solver error or
no solution. `--resume` skips scenarios whose outputs came from the same input, scenario
definition and solver settings: `.<scenario>.resume` beside them (plain data with the
fingerprint of those inputs, never code) says so and holds what the comparison needs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planner import __version__
from planner.app.batch import Finished, ScenarioFailure, run_batch
from planner.app.progress import BatchDisplay
from planner.app.resume import dump_outcome, load_outcome
from planner.app.summary import print_final_table
from planner.case import Case
from planner.contract.errors import PlannerError, Problem, format_problems
from planner.read.load import LoadedWorkbook, load_workbook_cases
from planner.results.outcome import ScenarioOutcome, SolverChoice, with_overrides
from planner.write.alternatives_workbook import write_alternatives_workbook
from planner.write.atomic import OutputError, write_together
from planner.write.comparison import write_comparison_workbook
from planner.write.scenario_workbook import write_workbook_file
from planner.write.summary_json import summary_json

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


def _outcome_path(folder: Path, scenario: str) -> Path:
    """The outcome kept for `--resume` (plain JSON data), so a resumed batch's comparison is
    complete; written last, after the scenario's .json and .xlsx."""
    return result_path(folder, f".{scenario}.resume")


def result_path(folder: Path, name: str) -> Path:
    """`folder / name`, refused unless it lies directly in `folder` (a scenario id with a
    path in it must never escape the output folder, whatever let it through)."""
    target = folder / name
    if (
        not name
        or name in (".", "..")
        or Path(name).name != name
        or "/" in name
        or "\\" in name
        or target.resolve().parent != folder.resolve()
    ):
        raise OutputError(f"refusing to write {target}: not a file name inside {folder}")
    return target


def current_outcome(folder: Path, case: Case) -> ScenarioOutcome | None:
    """The kept outcome of exactly this case, its .json and .xlsx beside it; else None (and
    a warning when a kept file is there but cannot be used)."""
    scenario = case.scenario_id
    kept = _outcome_path(folder, scenario)
    results = [result_path(folder, f"{scenario}.{kind}") for kind in ("json", "xlsx")]
    if case.settings.alternatives > 0:
        results.append(alternatives_path(folder, scenario))
    if not kept.is_file() or not all(f.is_file() for f in results):
        return None
    try:
        outcome = load_outcome(kept.read_text(encoding="utf-8"), fingerprint(case))
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
        log.warning("[%s] solving again: cannot use %s (%s)", scenario, kept, exc)
        return None
    return outcome if outcome.results.case == case else None


@dataclass(frozen=True)
class RunReport:
    exit_code: int
    outcomes: dict[str, ScenarioOutcome]  # by scenario id: solved now or resumed


def run_workbook(path: Path, options: RunOptions) -> int:
    return run_scenarios(path, options).exit_code


def run_scenarios(
    path: Path,
    options: RunOptions,
    extra_files: Sequence[str] = (),
    loaded: LoadedWorkbook | None = None,
) -> RunReport:
    """Read, check where results go, solve, write; `extra_files` are further names the
    caller will write into the output folder (checked with the others before solving).
    `loaded`: the workbook as the caller has read it already (it is then not read again)."""
    if loaded is None:
        log.info("reading %s", path)
        loaded = load_workbook_cases(path, options.scenarios)
    if loaded.warnings:
        log.info("%d validation warning(s), listed after the results", len(loaded.warnings))
    folder = output_folder(path, options)
    cases = [with_overrides(case, options.choice) for case in loaded.cases]
    names = [f"{c.scenario_id}.{kind}" for c in cases for kind in ("json", "xlsx")]
    names += [f"{c.scenario_id}_alternatives.xlsx" for c in cases if c.settings.alternatives > 0]
    names += ["comparison.xlsx"] if len(cases) > 1 else []
    if options.dask:
        check_scheduler(options.dask)
    check_output(path, folder, [*names, *extra_files])
    kept = {c.scenario_id: current_outcome(folder, c) for c in cases if options.resume}
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
    comparison = None
    if len(cases) > 1 and outcomes:
        comparison = _write_comparison(folder, outcomes)
    done = {_scenario_of(f): f for f in finished}
    print_final_table(folder, [c.scenario_id for c in cases], done, resumed, comparison)
    print_warnings(loaded.warnings)
    code = max([f.exit_code for f in finished] + [o.exit_code for o in resumed.values()] + [0])
    return RunReport(code, {o.results.case.scenario_id: o for o in outcomes})


def check_output(source: Path, folder: Path, names: Sequence[str]) -> None:
    """Before anything is solved: the output folder can be made and written, no result would
    land on the input workbook or on a folder, and every name stays inside the folder."""
    for parent in (folder.parent, folder):
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"cannot write results into {folder}: {parent} is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".planner-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write results into {folder}: {exc.strerror or exc}") from None
    for name in names:
        target = result_path(folder, name)
        if target.is_dir():
            raise OutputError(f"cannot write {target}: a folder of that name is in the way")
        if _same_file(target, source):
            raise OutputError(
                f"refusing to write {target}: it is the input workbook; choose another --out"
            )


def _same_file(target: Path, source: Path) -> bool:
    if target.resolve() == source.resolve():
        return True
    try:
        return target.exists() and os.path.samefile(target, source)  # hard links too
    except OSError:
        return False


def check_scheduler(address: str, timeout_s: float = 5.0) -> None:
    """A Dask scheduler that cannot be reached is reported before anything is solved."""
    host, _, port = address.partition("://")[2].rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            pass
    except (OSError, ValueError) as exc:
        raise PlannerError(
            f"cannot reach the Dask scheduler at {address} within {timeout_s:.0f} s: {exc}"
        ) from None


def print_warnings(warnings: Sequence[Problem]) -> None:
    """Validation warnings after the results (also with --quiet), where they are read."""
    if warnings:
        print(f"Validation warnings ({len(warnings)}):", file=sys.stderr)
        print(format_problems(warnings), file=sys.stderr)


def write_outcome(folder: Path, outcome: ScenarioOutcome) -> None:
    """The scenario's .json and .xlsx together (or neither), then its --resume record."""
    case = outcome.results.case
    scenario = case.scenario_id
    summary = summary_json(outcome)
    kept = dump_outcome(outcome, fingerprint(case))
    files: list[tuple[Path, Callable[[Path], object]]] = [
        (result_path(folder, f"{scenario}.json"), _text_writer(summary)),
        (result_path(folder, f"{scenario}.xlsx"), lambda p: write_workbook_file(p, outcome)),
    ]
    alternatives = alternatives_path(folder, scenario)
    if outcome.alternatives is not None:
        files.append((alternatives, lambda p: write_alternatives_workbook(p, outcome)))
    write_together([*files, (_outcome_path(folder, scenario), _text_writer(kept))])
    if outcome.alternatives is None and alternatives.exists():
        alternatives.unlink()  # from an earlier run: it belongs to another optimum
        log.info("removed %s: no alternatives were asked for this time", alternatives)
    log.info("[%s] wrote %s", scenario, folder / f"{scenario}.json")


def alternatives_path(folder: Path, scenario: str) -> Path:
    return result_path(folder, f"{scenario}_alternatives.xlsx")


def _text_writer(text: str) -> Callable[[Path], object]:
    return lambda path: path.write_text(text, encoding="utf-8")


def _write_comparison(folder: Path, outcomes: Sequence[ScenarioOutcome]) -> Path:
    """Comparison of every scenario of the run, the resumed ones included."""
    path = result_path(folder, "comparison.xlsx")
    write_comparison_workbook(path, outcomes)
    return path


def _scenario_of(item: Finished) -> str:
    return item.scenario_id if isinstance(item, ScenarioFailure) else item.results.case.scenario_id
