"""Solve test workbooks end to end (workbook -> case -> model -> solution -> results)."""

from __future__ import annotations

from pathlib import Path

import pytest
from workbooks import Sheets, write

from planner.contract.schema import CPSAT_REFUSAL
from planner.read.load import load_workbook_cases
from planner.results.outcome import ScenarioOutcome, SolverChoice, solve_case, with_overrides

SOLVERS = ("highs", "cbc", "scip", "cpsat")  # cpsat: only to see it refused


def solve_sheets(
    tmp_path: Path,
    sheets: Sheets,
    solver: str = "highs",
    scenario: str = "base",
    time_limit: float = 60.0,
) -> ScenarioOutcome:
    path = write(tmp_path / f"case_{solver}.xlsx", sheets)
    loaded = load_workbook_cases(path, (scenario,))
    case = with_overrides(loaded.cases[0], SolverChoice(solver, time_limit, 0.0))
    return solve_case(case)


def tolerance(solver: str) -> float:
    """Relative NPV tolerance: exact solvers at gap 0."""
    return 1e-7


def expected_status(solver: str) -> str:
    return "optimal"


def assert_refused(outcome: ScenarioOutcome) -> None:
    """CP-SAT is refused on a model with continuous variables, with the reason."""
    assert outcome.results.status.value == "error"
    assert outcome.results.message == CPSAT_REFUSAL
    assert outcome.results.npv is None


def npv_of(tmp_path: Path, sheets: Sheets, solver: str = "highs") -> float:
    outcome = solve_sheets(tmp_path, sheets, solver)
    assert outcome.results.status.value == expected_status(solver), outcome.results.message
    npv = outcome.results.npv
    assert npv is not None
    assert outcome.results.objective == pytest.approx(npv, rel=1e-9, abs=1e-6)
    return npv
