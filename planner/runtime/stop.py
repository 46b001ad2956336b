"""Ctrl-C and SIGTERM: stop the run at once, everywhere, and exit 130 or 143.

`stopping_on_signals` installs handlers for SIGINT and SIGTERM for the length of a run.
Outside a solver they raise `Stopped` at once. Inside a solver (`solver_running`), where an
exception raised in a callback would be taken for a solver failure, they only record the
signal: the solver's interrupt callback (`requested`) ends the solve within a fraction of a
second, and `raise_if_requested` raises `Stopped` when it returns. The first signal also ends
every process this one started (`kill_children`: worker processes, a CBC subprocess), so
nothing outlives the run and no pool waits for its workers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

log = logging.getLogger(__name__)

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Stopped(BaseException):
    """The run was interrupted (a BaseException, so `except Exception` cannot swallow it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.signum == signal.SIGTERM else EXIT_INTERRUPTED


_received: int | None = None
_in_solver = 0


def requested() -> bool:
    return _received is not None


def raise_if_requested() -> None:
    if _received is not None:
        raise Stopped(_received)


@contextlib.contextmanager
def solver_running() -> Iterator[None]:
    """A solver runs: a signal is recorded, not raised, until the solver returns."""
    global _in_solver
    _in_solver += 1
    try:
        yield
    finally:
        _in_solver -= 1
    raise_if_requested()


def _handle(signum: int, frame: FrameType | None) -> None:
    global _received
    if _received is None:
        _received = signum
        kill_children()  # at once: a process pool's shutdown would wait for its workers
    if not _in_solver:
        raise Stopped(signum)


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Stopped` (a SIGINT the caller ignores stays ignored)."""
    global _received
    _received = None
    if threading.current_thread() is not threading.main_thread():  # handlers live there
        yield
        return
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for signum, handler in saved.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, _handle)
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def ignore_interrupts_in_worker() -> None:
    """A worker process leaves Ctrl-C to the run that started it (which stops the worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def kill_children(grace_s: float = 1.0) -> None:
    """Terminate every process this one started, children of children included."""
    import psutil

    try:
        children = psutil.Process(os.getpid()).children(recursive=True)
    except psutil.Error:
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=grace_s)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=grace_s)
    if children:
        log.debug("stopped %d child process(es)", len(children))
