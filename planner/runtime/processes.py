"""Run tasks in worker processes: one fresh process per task, each with its own pipe back.

Nothing is shared between processes (no manager, no queue, no semaphore): PuLP temp files and
solver state never are, and a worker that crashes costs only its own task while the others
carry on. A task that overruns its watchdog is stopped (killed). Ctrl-C or SIGTERM stops
every worker at once (`planner.runtime.stop`), and no process is started once the run is ending.

`run_in_processes` is the general runner (progress events, results as each task ends);
`ProcessMap` makes from it a map over items that returns results in input order, the
shape lower layers take as an injected `MapInProcesses`.
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
from typing import Any, Generic, Protocol, TypeVar, cast

from planner.runtime import stop

T = TypeVar("T")
R = TypeVar("R")

WATCHDOG_FACTOR = 1.5  # a worker gets 1.5 × its time limit + 60 s before it is stopped
WATCHDOG_SLACK_S = 60.0

ProgressHook = Callable[[str, str, str], None]


def watchdog(limit_s: float) -> float:
    """How long a task whose solves may take `limit_s` in all runs before it is stopped."""
    return limit_s * WATCHDOG_FACTOR + WATCHDOG_SLACK_S


@dataclass(frozen=True)
class TaskFailure:
    """A task that produced no result: its worker crashed, was stopped, or raised."""

    message: str


class Events(Protocol):
    def put(self, event: tuple[str, str, str]) -> None: ...


@dataclass(frozen=True)
class _Pipe:
    """The worker's end of its pipe: progress events and, last, the result."""

    connection: Connection

    def put(self, event: tuple[str, str, str]) -> None:
        self.connection.send(("progress", event))


def _child(work: Callable[[Any, Events], Any], item: Any, connection: Connection) -> None:
    """A worker process's main: one task, its result (or error) sent back, then exit."""
    stop.ignore_interrupts_in_worker()
    logging.getLogger("planner").setLevel(logging.WARNING)
    try:
        connection.send(("done", work(item, _Pipe(connection))))
    except Exception as exc:
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


@dataclass
class _Running(Generic[T]):
    index: int
    item: T
    process: BaseProcess
    connection: Connection
    allowed_s: float
    deadline: float
    finished: Any = None
    done: bool = False

    def receive(self, progress: ProgressHook) -> None:
        """Every message waiting; the result once it has come."""
        try:
            while not self.done and self.connection.poll():
                kind, payload = self.connection.recv()
                if kind == "progress":
                    progress(*payload)
                else:
                    self.finish(payload if kind == "done" else TaskFailure(payload))
        except (EOFError, OSError):
            self.process.join(timeout=5)
            self.finish(TaskFailure(f"worker process died (exit code {self.process.exitcode})"))

    def finish(self, result: Any) -> None:
        self.finished, self.done = result, True

    def stop_if_overdue(self) -> None:
        if not self.done and time.monotonic() > self.deadline:
            self.process.kill()
            self.finish(
                TaskFailure(f"stopped after {self.allowed_s:.0f} s (far over its time limit)")
            )


def run_in_processes(
    work: Callable[[T, Events], R],
    items: Sequence[T],
    jobs: int,
    on_done: Callable[[int, T, R | TaskFailure], None],
    allowed_s: Callable[[T], float],
    name: Callable[[T], str],
    progress: ProgressHook = lambda *_: None,
) -> None:
    """`work(item, events)` for each item in a fresh process, at most `jobs` at a time;
    `on_done(index, item, result or failure)` as each ends. `allowed_s(item)`: its watchdog.

    `work` and the items go to the workers by pickling (module-level functions only); on any
    exception here (Ctrl-C) every worker is stopped.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a process that ran a solver
    waiting = list(enumerate(items))
    running: list[_Running[T]] = []
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                index, item = waiting.pop(0)
                running.append(_start(context, work, index, item, allowed_s(item), name(item)))
            wait_for(
                [r.connection for r in running] + [r.process.sentinel for r in running],
                timeout=0.2,
            )
            for task in list(running):
                task.receive(progress)
                task.stop_if_overdue()
                if task.done:
                    running.remove(task)
                    _close(task)
                    on_done(task.index, task.item, task.finished)
    finally:
        if running:
            stop.kill_children()
            for task in running:
                task.process.join(timeout=1)


def _close(task: _Running[Any]) -> None:
    task.process.join(timeout=5)
    if task.process.is_alive():  # sent its result but does not exit
        task.process.kill()
    task.connection.close()


def _start(
    context: Any, work: Callable[[T, Events], Any], index: int, item: T, allowed_s: float, name: str
) -> _Running[T]:
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, item, sending), name=name)
    process.start()
    sending.close()  # the worker holds its end: EOF here when it exits
    return _Running(index, item, process, receiving, allowed_s, time.monotonic() + allowed_s)


class MapInProcesses(Protocol):
    """[work(item) for item in items], perhaps in worker processes; `limit_s`: the longest
    one item's solves may take (None: no watchdog)."""

    def __call__(
        self, work: Callable[[T], R], items: Sequence[T], limit_s: float | None = None
    ) -> list[R]: ...


def serial_map(work: Callable[[T], R], items: Sequence[T], limit_s: float | None = None) -> list[R]:
    """Every item in this process, in order."""
    return [work(item) for item in items]


class WorkerFailed(RuntimeError):
    """A task of `process_map` produced no result."""


@dataclass(frozen=True)
class _Plain(Generic[T, R]):
    """`work(item)` as a task that sends no progress events."""

    work: Callable[[T], R]

    def __call__(self, item: T, events: Events) -> R:
        return self.work(item)


@dataclass(frozen=True)
class ProcessMap:
    """A `MapInProcesses` over `jobs` worker processes; serial for one job or one item.
    A task that fails raises `WorkerFailed` once every task has ended."""

    jobs: int

    def __call__(
        self, work: Callable[[T], R], items: Sequence[T], limit_s: float | None = None
    ) -> list[R]:
        if self.jobs <= 1 or len(items) <= 1:
            return serial_map(work, items)
        found: dict[int, R | TaskFailure] = {}
        allowed = float("inf") if limit_s is None else watchdog(limit_s)
        run_in_processes(
            _Plain(work),
            items,
            self.jobs,
            lambda index, _, result: found.__setitem__(index, result),
            lambda _: allowed,
            lambda _: "planner-task",
        )
        failures = [r.message for r in found.values() if isinstance(r, TaskFailure)]
        if failures:
            raise WorkerFailed("; ".join(failures))
        return [cast(R, found[i]) for i in range(len(items))]
