"""What the analyst sees while a batch runs: a live table on a terminal, log lines elsewhere."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table

log = logging.getLogger("planner.app.progress")
MAX_LIVE_ROWS = 20  # beyond this, the live table shows counts and the scenarios under way
DONE = ("written", "failed", "skipped")


@dataclass
class _Row:
    stage: str = "queued"
    detail: str = ""
    started: float | None = None
    ended: float | None = None

    def elapsed(self) -> str:
        if self.started is None:
            return ""
        return f"{(self.ended or time.monotonic()) - self.started:.0f} s"


@dataclass
class BatchDisplay:
    """Per-scenario status (queued, building, solving …, written, failed) and elapsed time."""

    scenarios: list[str]
    echo: bool = True  # log each change (workers are silent); serial runs log for themselves
    live: bool = field(default_factory=lambda: sys.stderr.isatty())
    rows: dict[str, _Row] = field(default_factory=dict)
    _live: Live | None = None
    _saved_level: int = logging.INFO

    def __post_init__(self) -> None:
        self.rows = {s: _Row() for s in self.scenarios}

    def __enter__(self) -> BatchDisplay:
        if self.live:
            self._saved_level = logging.getLogger("planner").level
            logging.getLogger("planner").setLevel(logging.WARNING)  # the table says it all
            self._live = Live(
                self._table(), console=Console(stderr=True), refresh_per_second=4, transient=True
            )
            self._live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.__exit__(kind, error, trace)
            logging.getLogger("planner").setLevel(self._saved_level)

    def update(self, scenario: str, stage: str, detail: str = "") -> None:
        row = self.rows.setdefault(scenario, _Row())
        if row.started is None and stage not in ("queued", "skipped"):
            row.started = time.monotonic()
        if stage in ("written", "failed", "skipped"):
            row.ended = time.monotonic()
        changed = stage != row.stage
        row.stage, row.detail = stage, detail
        if self._live is not None:
            self._live.update(self._table())
        elif self.echo and len(self.rows) > MAX_LIVE_ROWS:
            if stage in DONE:  # a line per finished scenario, counted, not one per stage
                done = sum(r.stage in DONE for r in self.rows.values())
                log.info("[%s] %s %s (%d/%d done)", scenario, stage, detail, done, len(self.rows))
        elif self.echo and (changed or stage != "solving"):
            log.info("[%s] %s %s", scenario, stage, detail)

    def _table(self) -> Table:
        table = Table(title="planner run", expand=False)
        for column in ("scenario", "status", "elapsed", "detail"):
            table.add_column(column)
        shown = list(self.rows.items())
        if len(self.rows) > MAX_LIVE_ROWS:  # the scenarios under way and the failures only
            shown = [(s, r) for s, r in shown if r.stage not in ("queued", "written", "skipped")]
            table.caption = self._counts()
        for scenario, row in shown[:MAX_LIVE_ROWS]:
            table.add_row(scenario, row.stage, row.elapsed(), row.detail[:70])
        return table

    def _counts(self) -> str:
        stages: dict[str, int] = {}
        for row in self.rows.values():
            stages[row.stage] = stages.get(row.stage, 0) + 1
        parts = ", ".join(f"{n} {stage}" for stage, n in stages.items())
        return f"{len(self.rows)} scenarios: {parts}"
