"""Root strengthening and a restricted-MIP first solution, for the HiGHS path.

On the contract model HiGHS proves a near-final bound early but spends most of its time looking
for good plans (its log: the gap closes when a sub-MIP heuristic finally finds one). Two
steps attack both sides before the branch-and-bound:

1. `separate`: solve the LP relaxation, append the cut-pool inequalities it violates
   (model/cuts.py), re-solve from the previous basis, until none is violated. The optimum is
   unchanged (every cut is valid); the relaxation's value is a proven bound on the NPV.
2. `restricted`: fix to 0 every binary the strengthened relaxation leaves at 0 (typically
   all but a few dozen) and solve that small MIP, stopping as soon as a plan is within the
   gap of the bound from step 1: such a plan is proven good enough without any branching,
   or as soon as its own bound shows it cannot reach that. If it does not, again with every
   start year of the options the relaxation uses.
3. Otherwise the contract model is solved from that plan as its first incumbent, its root
   heuristics off (the plan is near the best; what is left is the proof), and the better of
   its bound and step 1's is reported (solve/highs.py).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np

from planner.model.lp import CutPool, LPArrays
from planner.solve.highs_model import to_highs_lp

log = logging.getLogger(__name__)

MAX_ROUNDS = 50
# A violated cut brings its group (same plant, product and year) along, when the group is no
# larger than this: on capa-8000 a group is 1,000 customers, and 73k cuts then cost more than
# they gained in the time the separation had.
MAX_GROUP = 100
VIOLATION = 1e-6  # relative to the cut's largest coefficient
AT_ZERO = 1e-6  # a binary at or below this in the relaxation is fixed to 0
ABSOLUTE_GAP = 1e-6  # as HiGHS's mip_abs_gap


@dataclass(frozen=True)
class Root:
    """The strengthened relaxation: the model with the cuts it needed, its solution and value."""

    lp: LPArrays
    values: np.ndarray
    bound: float
    cuts_added: int


def separate(
    lp: LPArrays, pool: CutPool, highs: highspy.Highs, deadline: float, tailing_off: float = 0.0
) -> Root | None:
    """Cutting-plane loop on the LP relaxation, until no cut is violated, MAX_ROUNDS, the
    deadline, or a round that lowers the bound by less than `tailing_off` (relative).
    None if the first relaxation does not solve to optimality. A round the deadline stops is
    dropped: the last solved one is a proven bound. `highs` is a configured, empty instance."""
    relaxation = to_highs_lp(lp)
    relaxation.integrality_ = []
    highs.passModel(relaxation)
    scale = _row_scale(pool)
    added = np.zeros(pool.size, dtype=bool)
    small_group = np.bincount(pool.groups)[pool.groups] <= MAX_GROUP if pool.size else added
    solved: tuple[np.ndarray, float, np.ndarray] | None = None  # values, bound, cuts in
    for _ in range(MAX_ROUNDS + 1):
        # HiGHS's clock runs on across calls to run(): the limit is on its total
        highs.setOptionValue(
            "time_limit", highs.getRunTime() + max(deadline - time.perf_counter(), 0.01)
        )
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        values = np.asarray(highs.getSolution().col_value, dtype=float)
        bound = float(highs.getInfo().objective_function_value)
        tailed_off = solved is not None and solved[1] - bound < tailing_off * abs(bound)
        solved = (values, bound, added.copy())
        violated = (pool.matrix @ values - pool.upper > VIOLATION * scale) & ~added
        if not violated.any() or tailed_off or time.perf_counter() >= deadline:
            break
        siblings = np.isin(pool.groups, pool.groups[violated]) & small_group
        violated = np.flatnonzero((violated | siblings) & ~added)
        rows = pool.matrix[violated]
        highs.addRows(
            violated.size,
            np.full(violated.size, -highspy.kHighsInf),
            pool.upper[violated],
            rows.nnz,
            rows.indptr[:-1].astype(np.int32),
            rows.indices.astype(np.int32),
            rows.data,
        )
        added[violated] = True
    if solved is None:
        return None
    values, bound, cuts_in = solved
    # only the cuts that hold the relaxation's solution: dropping slack ones keeps its value
    binding = pool.upper - pool.matrix @ values <= VIOLATION * scale
    chosen = np.flatnonzero(cuts_in & binding)
    tightened = lp.with_rows(
        tuple(pool.names[i] for i in chosen), pool.matrix[chosen], pool.upper[chosen]
    )
    log.info("strengthened relaxation: %d cuts, bound %.9g", chosen.size, bound)
    return Root(tightened, values, bound, int(chosen.size))


def _row_scale(pool: CutPool) -> np.ndarray:
    largest = np.zeros(pool.size)
    if pool.matrix.nnz:
        largest = np.asarray(abs(pool.matrix).max(axis=1).todense()).ravel()
    return np.maximum(largest, 1.0)


def restricted(root: Root, keep: dict[int, float] | None, whole_options: bool) -> LPArrays:
    """The strengthened model with the binaries the relaxation leaves at 0 fixed to 0, except
    those `keep` (a MIP start) sets and, with `whole_options`, every start year of an option
    the relaxation uses."""
    binaries = np.flatnonzero(root.lp.integer)
    used = binaries[root.values[binaries] > AT_ZERO]
    if keep:
        used = np.union1d(used, [j for j, value in keep.items() if value > AT_ZERO])
    groups = root.lp.binary_groups
    if whole_options and groups is not None:
        used_groups = groups[used][groups[used] >= 0]
        used = np.union1d(used, binaries[np.isin(groups[binaries], used_groups)])
    upper = root.lp.col_upper.copy()
    upper[np.setdiff1d(binaries, used)] = 0.0
    return replace(root.lp, col_upper=upper)


def stop_at_target(highs: highspy.Highs, target: float) -> None:
    """Interrupt the MIP in `highs` once its incumbent reaches `target` (maximisation), or
    once its dual bound falls below it: no plan of this MIP can reach the target then, and
    proving its own gap would only repeat work the next step does (medium: the first
    restricted MIP 1.4 s → 0.3 s)."""
    reached = [False]

    def improved(event: Any) -> None:
        if event.data_out.objective_function_value >= target:
            reached[0] = True

    def interrupt(event: Any) -> None:
        if reached[0] or event.data_out.mip_dual_bound < target:
            event.data_in.user_interrupt = True

    highs.cbMipImprovingSolution.subscribe(improved)
    highs.cbMipInterrupt.subscribe(interrupt)


def target_objective(bound: float, mip_gap: float) -> float:
    """The least objective within `mip_gap` of `bound`, as `relative_gap` measures it."""
    relative = bound / (1.0 + mip_gap) if bound >= 0 else bound / (1.0 - min(mip_gap, 0.5))
    return min(relative, bound - ABSOLUTE_GAP)
