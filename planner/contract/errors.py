"""User-facing problems: one exception family, turned into messages and exit codes by the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from planner.contract.schema import SHEETS

SHEET_ORDER = {schema.name: index for index, schema in enumerate(SHEETS)}


@dataclass(frozen=True, order=True)
class Problem:
    """One input problem, located as precisely as the input allows (sheet, Excel row, column)."""

    sheet: str
    row: int | None
    letter: str | None
    column: str | None
    message: str

    @property
    def cell(self) -> str:
        """`Plants!F7`; `Plants!7:7` for a whole row; `Plants` for the sheet; `(file)`."""
        if not self.sheet:
            return "(file)"
        if self.row is None:
            column = f"!{self.letter}:{self.letter}" if self.letter else ""
            return f"{self.sheet}{column}"
        if self.letter is None:
            return f"{self.sheet}!{self.row}:{self.row}"
        return f"{self.sheet}!{self.letter}{self.row}"

    def __str__(self) -> str:
        return f"{self.cell}  {self.column or '-'}  {self.message}"


class PlannerError(Exception):
    """Base of every error the CLI reports without a traceback."""


class InputError(PlannerError):
    """The workbook cannot be used as it is: every problem found, in one report."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems = sorted(set(problems), key=_problem_order)
        self.warnings = sorted(set(warnings), key=_problem_order)
        super().__init__(format_problems(self.problems))


def _problem_order(problem: Problem) -> tuple[int, str, int, int, str, str]:
    """File problems first, then sheets in workbook order, rows, columns left to right."""
    letter = problem.letter or ""
    return (
        SHEET_ORDER.get(problem.sheet, len(SHEET_ORDER)) if problem.sheet else -1,
        problem.sheet,
        problem.row or 0,
        len(letter),
        letter,
        problem.message,
    )


def format_problems(problems: Iterable[Problem]) -> str:
    """A table `Sheet!Cell  column  problem`, aligned for the console."""
    rows = [(p.cell, p.column or "-", p.message) for p in problems]
    if not rows:
        return ""
    width_cell = max(len(r[0]) for r in rows)
    width_col = max(len(r[1]) for r in rows)
    return "\n".join(f"{c:<{width_cell}}  {k:<{width_col}}  {m}" for c, k, m in rows)
