"""Run many scenarios: in-process, in worker processes, or on a Dask cluster.

Worker processes (`planner.runtime.processes`), one per job, each solving one scenario at a
time: PuLP temp files and solver state belong to one scenario and are never shared, and a
worker that crashes costs only its own scenario while the others carry on. A scenario that
overruns its wall-time limit by far is stopped (its worker killed and replaced). Results come
back to the calling process, which writes them as each arrives (`on_done`), so an
interrupted batch keeps what finished; Ctrl-C or SIGTERM stops every worker at once
(`planner.runtime.stop`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.case import Case
from planner.results.outcome import ProgressHook, ScenarioOutcome, solve_case
from planner.runtime.processes import Events, TaskFailure, run_in_processes, watchdog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScenarioFailure:
    """A scenario that produced no outcome: the worker crashed, was stopped, or raised."""

    scenario_id: str
    message: str
    exit_code: int = 4


Finished = ScenarioOutcome | ScenarioFailure
DoneHook = Callable[[Finished], None]


def run_batch(
    cases: Sequence[Case],
    jobs: int,
    progress: ProgressHook,
    on_done: DoneHook,
    dask_address: str | None = None,
) -> list[Finished]:
    if dask_address:
        return _run_dask(cases, dask_address, progress, on_done)
    if jobs <= 1 or len(cases) <= 1:
        return _run_serial(cases, progress, on_done)
    return _run_processes(cases, jobs, progress, on_done)


def _run_serial(cases: Sequence[Case], progress: ProgressHook, on_done: DoneHook) -> list[Finished]:
    finished: list[Finished] = []
    for case in cases:
        try:
            outcome: Finished = solve_case(case, progress)
        except Exception as exc:  # one failing scenario must not cost the others
            log.debug("scenario %s failed", case.scenario_id, exc_info=True)
            outcome = ScenarioFailure(case.scenario_id, f"{type(exc).__name__}: {exc}")
        on_done(outcome)
        finished.append(outcome)
    return finished


def _watchdog(case: Case) -> float:
    """The optimum's solve and the alternatives search's two solves per plan, with room."""
    solves = 1 + 2 * case.settings.alternatives
    return watchdog(case.settings.time_limit_s * solves)


def _worker(case: Case, events: Events) -> ScenarioOutcome:
    """Runs in a worker process: solve, and send progress events back."""

    def progress(scenario: str, stage: str, detail: str) -> None:
        events.put((scenario, stage, detail))

    return solve_case(case, progress, threads=1)  # the other workers fill the other cores


def _run_processes(
    cases: Sequence[Case], jobs: int, progress: ProgressHook, on_done: DoneHook
) -> list[Finished]:
    """At most `jobs` scenarios at a time, in as many worker processes (`run_in_processes`)."""
    finished: list[Finished] = []

    def done(index: int, case: Case, result: ScenarioOutcome | TaskFailure) -> None:
        outcome = (
            ScenarioFailure(case.scenario_id, result.message)
            if isinstance(result, TaskFailure)
            else result
        )
        on_done(outcome)
        finished.append(outcome)

    run_in_processes(_worker, cases, jobs, done, _watchdog, progress)
    return finished


def _solve_on_dask(case: Case) -> ScenarioOutcome:
    logging.getLogger("planner").setLevel(logging.WARNING)
    return solve_case(case, threads=1)  # one scenario per worker thread slot


def _run_dask(
    cases: Sequence[Case], address: str, progress: ProgressHook, on_done: DoneHook
) -> list[Finished]:
    """Send each scenario to a running Dask scheduler; results come back to this process."""
    from distributed import Client, as_completed

    finished: list[Finished] = []
    with Client(address, timeout="30s") as client:
        futures = {}
        for case in cases:
            future = client.submit(
                _solve_on_dask,
                case,
                key=f"planner-{case.scenario_id}-{case.input_sha256[:12]}",
                pure=False,
            )
            futures[future] = case
            progress(case.scenario_id, "submitted", address)
        try:
            for future in as_completed(futures):
                case = futures[future]
                outcome: Finished
                try:
                    outcome = future.result()
                except Exception as exc:
                    outcome = ScenarioFailure(case.scenario_id, f"{type(exc).__name__}: {exc}")
                on_done(outcome)
                finished.append(outcome)
        finally:
            client.cancel(list(futures))
    return finished
