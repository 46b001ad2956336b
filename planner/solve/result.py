"""Our own solver interface: a status enum and a result, never a solver's status passed on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Status(StrEnum):
    OPTIMAL = "optimal"  # the requested gap was reached
    FEASIBLE = "feasible"  # stopped (time limit) with a solution
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"  # solver failure, or time limit with no solution

    @property
    def has_solution(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class SolveResult:
    status: Status
    solver: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    values: np.ndarray | None = None
    row_duals: np.ndarray | None = None
    max_violation: float | None = None
    message: str = ""
    # the cut-pool inequalities the strengthened relaxation kept (HiGHS path; None: not
    # separated), which robust mode seeds the joint relaxation with
    binding_cuts: tuple[str, ...] | None = None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(bound − objective) / |objective| for a maximisation, as HiGHS reports it."""
    if objective is None or bound is None:
        return None
    if abs(bound - objective) <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return abs(bound - objective) / max(abs(objective), 1e-10)


def status_from_gap(status: Status, gap: float | None, mip_gap: float) -> Status:
    """A solution whose proven gap is within the target counts as optimal (contract §2.7)."""
    if status is Status.FEASIBLE and gap is not None and gap <= mip_gap + 1e-12:
        return Status.OPTIMAL
    return status
