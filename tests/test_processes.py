"""The worker-process runner: a worker per job slot serving many tasks, watchdog kills,
crashes that cost one task, progress events, results in input order."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from planner.runtime.processes import (
    Events,
    ProcessMap,
    TaskFailure,
    WorkerFailed,
    run_in_processes,
)


def pid_of(item: Any) -> int:
    """The worker's process id; item "crash" ends the worker hard (as a segfault would),
    a float sleeps that long first."""
    if item == "crash":
        os._exit(9)
    if isinstance(item, float):
        time.sleep(item)
    return os.getpid()


def pid_task(item: Any, events: Events) -> int:
    return pid_of(item)


def reporting(item: int, events: Events) -> int:
    for stage in ("read", "solved"):
        events.put((f"task{item}", stage, str(item)))
    return item * 10


def run(items: list[Any], jobs: int, allowed_s: float = 60.0) -> dict[int, Any]:
    found: dict[int, Any] = {}
    run_in_processes(
        pid_task,
        items,
        jobs,
        lambda index, _, result: found.__setitem__(index, result),
        lambda _: allowed_s,
    )
    return found


def test_a_worker_per_job_slot_serves_every_task() -> None:
    """Six tasks on two job slots: two worker processes, neither of them this one."""
    pids = ProcessMap(2)(pid_of, [0, 1, 2, 3, 4, 5])
    assert len(pids) == 6
    assert len(set(pids)) <= 2
    assert os.getpid() not in pids


def test_a_crash_costs_only_its_task_and_the_worker_is_replaced() -> None:
    """One job slot: the crash fails its task only; the tasks after it run on a new worker."""
    found = run([0, "crash", 1, 2], jobs=1)
    assert isinstance(found[1], TaskFailure)
    assert "died" in found[1].message
    assert found[2] == found[3]  # the replacement serves both
    assert found[0] != found[2]  # the crashed worker is not the one serving after it


def test_an_overdue_task_is_stopped_and_the_others_still_run() -> None:
    """A 30 s task with a 1 s watchdog is killed within seconds; the next task runs."""
    started = time.monotonic()
    found = run([30.0, 0], jobs=1, allowed_s=1.0)
    assert time.monotonic() - started < 20
    assert isinstance(found[0], TaskFailure)
    assert "stopped after 1 s" in found[0].message
    assert isinstance(found[1], int)


def test_progress_events_arrive_before_each_result() -> None:
    seen: list[tuple[str, str, str]] = []
    order: list[Any] = []

    def done(index: int, item: int, result: Any) -> None:
        order.append((f"task{item}", "done", str(result)))

    def progress(*event: str) -> None:
        seen.append((event[0], event[1], event[2]))
        order.append(event)

    run_in_processes(reporting, [1, 2, 3], 2, done, lambda _: 60.0, progress)
    for item in (1, 2, 3):
        mine = [e for e in order if e[0] == f"task{item}"]
        assert mine == [
            (f"task{item}", "read", str(item)),
            (f"task{item}", "solved", str(item)),
            (f"task{item}", "done", str(item * 10)),
        ]
    assert len(seen) == 6


def test_a_map_keeps_input_order_and_reports_a_failed_task() -> None:
    assert ProcessMap(2)(abs, [-3, -1, -2]) == [3, 1, 2]
    with pytest.raises(WorkerFailed, match="died"):
        ProcessMap(2)(pid_of, [0, "crash", 1])
