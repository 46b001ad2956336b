"""Run many scenarios: in-process, in worker processes, or on a Dask cluster.

One fresh process per scenario: PuLP temp files and solver state are never shared, and a
worker that crashes costs only its own scenario while the others carry on. A scenario that
overruns its wall-time limit by far is stopped (killed). Results come back to the calling
process, which writes them as each arrives (`on_done`), so an interrupted batch keeps what
finished; Ctrl-C or SIGTERM stops every worker at once (`planner.stop`).
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from multiprocessing.process import BaseProcess
from typing import Any

from planner import stop
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
    """Runs in a worker process: solve, and send progress events back."""
    logging.getLogger("planner").setLevel(logging.WARNING)

    def progress(scenario: str, stage: str, detail: str) -> None:
        events.put((scenario, stage, detail))

    return solve_case(case, progress, threads=1)  # the other workers fill the other cores


@dataclass(frozen=True)
class _Events:
    """The worker's end of its pipe: progress events and, last, the outcome."""

    connection: Connection

    def put(self, event: tuple[str, str, str]) -> None:
        self.connection.send(("progress", event))


def _child(
    work: Callable[[Case, Any], ScenarioOutcome], case: Case, connection: Connection
) -> None:
    """A worker process's main: one scenario, its outcome (or error) sent back, then exit."""
    stop.ignore_interrupts_in_worker()
    try:
        connection.send(("done", work(case, _Events(connection))))
    except Exception as exc:
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


@dataclass
class _Running:
    case: Case
    process: BaseProcess
    connection: Connection
    deadline: float
    finished: Finished | None = None

    def receive(self, progress: ProgressHook) -> None:
        """Every message waiting; the outcome once it has come."""
        try:
            while self.finished is None and self.connection.poll():
                kind, payload = self.connection.recv()
                if kind == "progress":
                    progress(*payload)
                elif kind == "done":
                    self.finished = payload
                else:
                    self.finished = ScenarioFailure(self.case.scenario_id, payload)
        except (EOFError, OSError):
            self.process.join(timeout=5)
            self.finished = ScenarioFailure(
                self.case.scenario_id,
                f"worker process died (exit code {self.process.exitcode})",
            )

    def overdue(self) -> bool:
        return time.monotonic() > self.deadline


def _run_processes(
    cases: Sequence[Case], jobs: int, progress: ProgressHook, on_done: DoneHook
) -> list[Finished]:
    """One fresh process per scenario, at most `jobs` at a time, each with its own pipe back.

    Nothing is shared between processes (no manager, no queue, no semaphore), and no process
    is started once the batch is ending; on any exception (Ctrl-C) every worker is stopped.
    """
    context = multiprocessing.get_context("spawn")
    waiting = list(cases)
    running: list[_Running] = []
    finished: list[Finished] = []
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                running.append(_start(context, waiting.pop(0)))
            wait_for(
                [r.connection for r in running] + [r.process.sentinel for r in running],
                timeout=0.2,
            )
            for item in list(running):
                item.receive(progress)
                if item.finished is None and item.overdue():
                    item.process.kill()
                    item.finished = ScenarioFailure(
                        item.case.scenario_id,
                        f"stopped after {_watchdog(item.case):.0f} s (far over its time limit)",
                    )
                if item.finished is not None:
                    running.remove(item)
                    item.process.join(timeout=5)
                    if item.process.is_alive():  # sent its outcome but does not exit
                        item.process.kill()
                    item.connection.close()
                    on_done(item.finished)
                    finished.append(item.finished)
    finally:
        if running:
            stop.kill_children()
            for item in running:
                item.process.join(timeout=1)
    return finished


def _start(context: Any, case: Case) -> _Running:
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(_worker, case, sending), name=f"planner-{case.scenario_id}"
    )
    process.start()
    sending.close()  # the worker holds its end: EOF here when it exits
    return _Running(case, process, receiving, time.monotonic() + _watchdog(case))


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
