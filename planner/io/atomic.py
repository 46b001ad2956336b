"""Atomic file writes: a temporary file in the target folder, then `os.replace`.

A failed or interrupted write never leaves a half-written or clobbered file. A target that
is open in Excel (Windows locks it) is reported as one clear line naming the file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from planner.errors import PlannerError


class OutputError(PlannerError):
    """A result cannot be written where it should go (exit 5)."""


class OutputLockedError(OutputError):
    pass


def write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Call `write(temp_path)`, then move the temporary file onto `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    temp = Path(temp_name)
    try:
        write(temp)
        os.chmod(temp, 0o644)  # mkstemp makes it private; results are for sharing
        try:
            os.replace(temp, target)
        except PermissionError:
            raise OutputLockedError(
                f"cannot replace {target}: is it open in Excel? Close it and run again"
            ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def write_text_atomically(target: Path, text: str) -> None:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    write_atomically(target, write)
