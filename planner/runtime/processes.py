"""Run tasks in worker processes: a worker per job slot, fed one task at a time through its pipe.

A worker serves many tasks (so the planner is imported once per worker, not once per task),
but nothing else is shared between processes (no manager, no queue, no semaphore), and each
task builds its own solver state: PuLP temp files and solver objects never outlive a task. A
worker that crashes costs only the task it was running; a task that overruns its watchdog is
stopped by killing its worker. Either way the worker is replaced for the tasks still waiting.
Ctrl-C or SIGTERM stops every worker at once (`planner.runtime.stop`), and no process is
started once the run is ending.

`run_in_processes` is the general runner (progress events, results as each task ends);
`ProcessMap` makes from it a map over items that returns results in input order, the
shape lower layers take as an injected `MapInProcesses`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import time
from collections import deque
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


def _serve(connection: Connection) -> None:
    """A worker process's main: (work, item) tasks one at a time, each answered with its result
    (or error) after its progress events, until the run sends None or goes away."""
    stop.ignore_interrupts_in_worker()
    logging.getLogger("planner").setLevel(logging.WARNING)
    events = _Pipe(connection)
    try:
        while (task := _next_task(connection)) is not None:
            work, item = task
            try:
                connection.send(("done", work(item, events)))
            except Exception as exc:
                connection.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def _next_task(connection: Connection) -> tuple[Callable[[Any, Events], Any], Any] | None:
    try:
        return cast(tuple[Callable[[Any, Events], Any], Any] | None, connection.recv())
    except EOFError:  # the run has ended
        return None


@dataclass(frozen=True)
class _Task(Generic[T]):
    index: int
    item: T
    allowed_s: float
    deadline: float


@dataclass
class _Worker(Generic[T]):
    """A worker process, its end of the pipe, and the task it runs (None: idle)."""

    process: BaseProcess
    connection: Connection
    task: _Task[T] | None = None
    served: int = 0
    dead: bool = False

    def give(self, work: Callable[[T, Events], Any], index: int, item: T, allowed_s: float) -> bool:
        """Send the task; False if the worker is gone (it then runs nothing)."""
        try:
            self.connection.send((work, item))
        except OSError:  # BrokenPipeError, ConnectionResetError: the process has exited
            self.dead = True
            return False
        self.task = _Task(index, item, allowed_s, time.monotonic() + allowed_s)
        return True

    def receive(self, progress: ProgressHook) -> Any:
        """Every message waiting: None while the task runs, then its result or failure."""
        try:
            while self.connection.poll():
                kind, payload = self.connection.recv()
                if kind == "progress":
                    progress(*payload)
                else:
                    return payload if kind == "done" else TaskFailure(payload)
        except (EOFError, OSError):
            self.dead = True
            self.process.join(timeout=5)
            return TaskFailure(_died(self))
        return None

    def stop_if_overdue(self) -> TaskFailure | None:
        if self.task is None or time.monotonic() <= self.task.deadline:
            return None
        self.process.kill()
        self.dead = True
        return TaskFailure(f"stopped after {self.task.allowed_s:.0f} s (far over its time limit)")

    def retire(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        if not self.dead:
            with contextlib.suppress(OSError):
                self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=1)
        self.connection.close()


def run_in_processes(
    work: Callable[[T, Events], R],
    items: Sequence[T],
    jobs: int,
    on_done: Callable[[int, T, R | TaskFailure], None],
    allowed_s: Callable[[T], float],
    progress: ProgressHook = lambda *_: None,
) -> None:
    """`work(item, events)` for each item in at most `jobs` worker processes, one task per
    worker at a time; `on_done(index, item, result or failure)` as each ends.
    `allowed_s(item)`: its watchdog, from the moment its worker receives it.

    `work` and the items go to the workers by pickling (module-level functions only); on any
    exception here (Ctrl-C) every worker is stopped.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a process that ran a solver
    waiting = deque(enumerate(items))
    workers: list[_Worker[T]] = []
    try:
        while waiting or any(w.task for w in workers):
            _feed(context, work, waiting, workers, jobs, allowed_s, on_done)
            busy = [w for w in workers if w.task is not None]
            wait_for([w.connection for w in busy] + [w.process.sentinel for w in busy], 0.2)
            for worker in busy:
                _collect(worker, workers, progress, on_done)
    except BaseException:
        if workers:
            stop.kill_children()
            for worker in workers:
                worker.process.join(timeout=1)
        raise
    for worker in workers:
        worker.retire()


def _feed(
    context: Any,
    work: Callable[[T, Events], Any],
    waiting: deque[tuple[int, T]],
    workers: list[_Worker[T]],
    jobs: int,
    allowed_s: Callable[[T], float],
    on_done: Callable[[int, T, Any], None],
) -> None:
    """Give waiting tasks to idle workers, starting workers up to `jobs`."""
    while waiting:
        idle = next((w for w in workers if w.task is None), None)
        if idle is None:
            if len(workers) >= jobs:
                return
            idle = _start(context, len(workers))
            workers.append(idle)
        index, item = waiting.popleft()
        if idle.give(work, index, item, allowed_s(item)):
            continue
        workers.remove(idle)
        idle.retire()
        if idle.served:  # it died idle, after earlier tasks: the task has not run
            waiting.appendleft((index, item))
        else:  # a new worker that cannot take a task: do not start one after another
            on_done(index, item, TaskFailure(_died(idle)))


def _collect(
    worker: _Worker[T],
    workers: list[_Worker[T]],
    progress: ProgressHook,
    on_done: Callable[[int, T, Any], None],
) -> None:
    """Progress events and, when its task has ended, the result; a dead worker is dropped."""
    task = worker.task
    assert task is not None
    result = worker.receive(progress)
    if result is None:
        result = worker.stop_if_overdue()
    if result is None:
        return
    worker.task, worker.served = None, worker.served + 1
    if worker.dead:
        workers.remove(worker)
        worker.retire()
    on_done(task.index, task.item, result)


def _died(worker: _Worker[Any]) -> str:
    return f"worker process died (exit code {worker.process.exitcode})"


def _start(context: Any, number: int) -> _Worker[Any]:
    ours, theirs = context.Pipe(duplex=True)
    process = context.Process(target=_serve, args=(theirs,), name=f"planner-worker-{number}")
    process.start()
    theirs.close()  # the worker holds its end: EOF here when it exits
    return _Worker(process, ours)


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
        )
        failures = [r.message for r in found.values() if isinstance(r, TaskFailure)]
        if failures:
            raise WorkerFailed("; ".join(failures))
        return [cast(R, found[i]) for i in range(len(items))]
