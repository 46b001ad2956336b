"""Atomic file writes: a temporary file in the target folder, then `os.replace`.

A failed or interrupted write never leaves a half-written or clobbered file. A target that
is open in Excel (Windows locks it) is reported as one clear line naming the file.
`write_together` does the same for files that belong together (a scenario's .json and .xlsx):
every temporary file is written before any target is replaced, so a failure leaves all
targets as they were.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from planner.contract.errors import PlannerError


class OutputError(PlannerError):
    """A result cannot be written where it should go (exit 5)."""


class OutputLockedError(OutputError):
    pass


def write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Call `write(temp_path)`, then move the temporary file onto `target`."""
    write_together([(target, write)])


Writer = tuple[Path, Callable[[Path], object]]


def write_together(writes: Sequence[Writer]) -> None:
    """Write every temporary file, then replace the targets in order; on a failure while
    writing, no target is touched and every temporary file is removed."""
    temps: list[Path] = []
    target = writes[0][0] if writes else Path()
    try:
        for target, write in writes:
            temps.append(_temporary(target))
            write(temps[-1])
            os.chmod(temps[-1], 0o644)  # mkstemp makes it private; results are for sharing
        with _signals_held():  # Ctrl-C between two replaces would leave half a pair
            for (target, _), temp in zip(writes, temps, strict=True):
                _replace(temp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (then arrive as usual)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)


def _temporary(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    return Path(temp_name)


def _replace(temp: Path, target: Path) -> None:
    if target.is_dir():
        raise OutputError(f"cannot write {target}: a folder of that name is in the way")
    try:
        os.replace(temp, target)
    except PermissionError:
        raise OutputLockedError(
            f"cannot replace {target}: is it open in Excel? Close it and run again"
        ) from None


def write_text_atomically(target: Path, text: str) -> None:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    write_atomically(target, write)
