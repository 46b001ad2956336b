"""Run many scenarios: in-process, in worker processes (pebble), or on a Dask cluster.

One scenario per worker process (`max_tasks=1`): PuLP temp files and solver state are never
shared, and a worker that crashes costs only its own scenario (pebble reports it as
`ProcessExpired` while the pool carries on). A scenario that overruns its wall-time limit by
far is stopped by the pool's timeout. Results come back to the calling process, which writes
them as each arrives (`on_done`), so an interrupted batch keeps what finished.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queue_module
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import Any

from planner.case import Case
from planner.pipeline import ProgressHook, ScenarioOutcome, solve_case

log = logging.getLogger(__name__)

WATCHDOG_FACTOR = 1.5  # a worker gets 1.5 × its time limit + 60 s before it is stopped
WATCHDOG_SLACK_S = 60.0


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
    return case.settings.time_limit_s * solves * WATCHDOG_FACTOR + WATCHDOG_SLACK_S


def _worker(case: Case, events: Any) -> ScenarioOutcome:
    """Runs in a worker process: solve, and send progress events back through a queue."""
    logging.getLogger("planner").setLevel(logging.WARNING)

    def progress(scenario: str, stage: str, detail: str) -> None:
        events.put((scenario, stage, detail))

    return solve_case(case, progress, threads=1)  # the pool already fills the cores


def _run_processes(
    cases: Sequence[Case], jobs: int, progress: ProgressHook, on_done: DoneHook
) -> list[Finished]:
    from pebble import ProcessExpired, ProcessPool

    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    events = manager.Queue()
    pool = ProcessPool(max_workers=jobs, max_tasks=1, context=context)
    futures: dict[Future[Any], Case] = {
        pool.schedule(_worker, args=(case, events), timeout=_watchdog(case)): case for case in cases
    }
    finished: list[Finished] = []
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(events, progress)
            for future in done:
                case = futures[future]
                outcome: Finished
                try:
                    outcome = future.result()
                except ProcessExpired as exc:
                    outcome = ScenarioFailure(
                        case.scenario_id, f"worker process died (exit code {exc.exitcode})"
                    )
                except TimeoutError:
                    outcome = ScenarioFailure(
                        case.scenario_id,
                        f"stopped after {_watchdog(case):.0f} s (far over its time limit)",
                    )
                except Exception as exc:
                    outcome = ScenarioFailure(case.scenario_id, f"{type(exc).__name__}: {exc}")
                on_done(outcome)
                finished.append(outcome)
        pool.close()
    finally:
        pool.stop()  # on Ctrl-C: our workers only, nothing else
        pool.join()
        manager.shutdown()
    return finished


def _drain(events: Any, progress: ProgressHook) -> None:
    while True:
        try:
            scenario, stage, detail = events.get_nowait()
        except (queue_module.Empty, EOFError, OSError):
            return
        progress(scenario, stage, detail)


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
