"""Root strengthening, a restricted-MIP first solution and reduced-cost fixing, for HiGHS.

On the contract model HiGHS proves a near-final bound early but spends most of its time looking
for good plans (its log: the gap closes when a sub-MIP heuristic finally finds one). Three
steps attack both sides before the branch-and-bound:

1. `separate`: solve the LP relaxation, append the cut-pool inequalities it violates
   (model/cuts.py), re-solve from the previous basis, until none is violated. The optimum is
   unchanged (every cut is valid); the relaxation's value is a proven bound on the NPV, and
   its row duals give a Lagrangian bound with a reduced cost per column (`lagrangian`).
2. `restricted`: fix to 0 every binary the strengthened relaxation leaves at 0 (typically
   all but a few dozen) and solve that small MIP, stopping as soon as a plan is within the
   gap of the bound from step 1: such a plan is proven good enough without any branching,
   or as soon as its own bound shows it cannot reach that, or its plans stop improving. If
   it is a gap short, again with every start year of the options the relaxation uses.
3. `fixings`: a binary whose other value costs more than the plan's distance to the bound
   (reduced cost > bound − plan·(1 + gap)) is fixed: no plan with that value can be better
   than the one in hand by more than the gap. The fixed model (about a third of the binaries
   free on medium), solved from the plan, proves the rest; its bound, raised to the most a
   fixed-out plan can be worth, is a bound of the whole model (solve/highs.py).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np

from planner.model.lp import CutPool, LPArrays
from planner.solve.highs_model import listen_for_stop, new_highs, run_listening, to_highs_lp

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
    duals: Duals | None = None  # of lp's rows, for reduced-cost fixing
    seconds: float = 0.0  # the cutting-plane loop's

    @property
    def cut_names(self) -> tuple[str, ...]:
        """The pool's cuts the relaxation kept: lp's last `cuts_added` rows."""
        return self.lp.row_names[self.lp.num_rows - self.cuts_added :]


@dataclass(frozen=True)
class Duals:
    """A Lagrangian bound of the strengthened relaxation: every x within its rows and column
    bounds has objective @ x ≤ bound − Σ_j |reduced[j]|·|x_j − at_j|, with at_j the bound
    column j's reduced cost points to. Computed from the LP's row duals by weak duality, so it
    is a proof whatever the duals' accuracy; used by `fixings`."""

    bound: float
    reduced: np.ndarray  # objective − Aᵀ·duals, per column


def separate(
    lp: LPArrays, pool: CutPool, highs: highspy.Highs, deadline: float, tailing_off: float = 0.0
) -> Root | None:
    """Cutting-plane loop on the LP relaxation, until no cut is violated, MAX_ROUNDS, the
    deadline, or a round that lowers the bound by less than `tailing_off` (relative).
    None if the first relaxation does not solve to optimality. A round the deadline stops is
    dropped: the last solved one is a proven bound. `highs` is a configured, empty instance."""
    started = time.perf_counter()
    seeds = np.flatnonzero(pool.seeded) if pool.seeded is not None else np.zeros(0, dtype=int)
    # seeds are rows from the start: added to the first solve's basis instead, the sample's
    # joint relaxation took 20 s for that round, 8.4 s from scratch with them
    start = (
        lp.with_rows(tuple(pool.names[i] for i in seeds), pool.matrix[seeds], pool.upper[seeds])
        if seeds.size
        else lp
    )
    relaxation = to_highs_lp(start)
    relaxation.integrality_ = []
    highs.passModel(relaxation)
    listen_for_stop(highs)
    scale = _row_scale(pool)
    added = np.zeros(pool.size, dtype=bool)
    added[seeds] = True
    small_group = np.bincount(pool.groups)[pool.groups] <= MAX_GROUP if pool.size else added
    order = seeds.tolist()  # the pool's cuts in the order they became HiGHS rows
    solved: tuple[np.ndarray, float, np.ndarray, np.ndarray] | None = None
    # (values, bound, cuts in, row duals)
    for _ in range(MAX_ROUNDS + 1):
        # HiGHS's clock runs on across calls to run(): the limit is on its total
        highs.setOptionValue(
            "time_limit", highs.getRunTime() + max(deadline - time.perf_counter(), 0.01)
        )
        run_listening(highs)
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        values = np.asarray(highs.getSolution().col_value, dtype=float)
        bound = float(highs.getInfo().objective_function_value)
        tailed_off = solved is not None and solved[1] - bound < tailing_off * abs(bound)
        solved = (values, bound, added.copy(), np.asarray(highs.getSolution().row_dual))
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
        order.extend(violated.tolist())
    if solved is None:
        return None
    values, bound, cuts_in, row_duals = solved
    # only the cuts that hold the relaxation's solution: dropping slack ones keeps its value
    binding = pool.upper - pool.matrix @ values <= VIOLATION * scale
    chosen = np.flatnonzero(cuts_in & binding)
    tightened = lp.with_rows(
        tuple(pool.names[i] for i in chosen), pool.matrix[chosen], pool.upper[chosen]
    )
    log.info("strengthened relaxation: %d cuts, bound %.9g", chosen.size, bound)
    # the solved model's cut rows: the first of `order` (a round that did not solve added more)
    position = np.asarray(order[: row_duals.size - lp.num_rows], dtype=np.int64)
    cut_duals = np.zeros(pool.size)
    cut_duals[position] = row_duals[lp.num_rows :]
    duals = lagrangian(tightened, np.concatenate([row_duals[: lp.num_rows], cut_duals[chosen]]))
    seconds = time.perf_counter() - started
    return Root(tightened, values, bound, int(chosen.size), duals, seconds)


# A reduced cost on a column's unbounded side within this share of the terms it is made of
# (|c_j| + Σ_i |a_ij·y_i|) is rounding in c − Aᵀy, not a dual infeasibility: 0 (the sample
# case: up to 5e-9 $ per unit, on terms of 1e3 to 1e5)
ROUNDING = 1e-9


def lagrangian(lp: LPArrays, row_duals: np.ndarray) -> Duals | None:
    """The weak-duality bound of `lp`'s relaxation from `row_duals` (any values: a dual of the
    wrong sign for a row's finite side is dropped), or None where a column's reduced cost
    points to an infinite bound by more than rounding."""
    y = row_duals.copy()
    y[((y > 0) & np.isinf(lp.row_upper)) | ((y < 0) & np.isinf(lp.row_lower))] = 0.0
    reduced = lp.objective - lp.matrix.T @ y
    up, down = reduced > 0, reduced < 0
    unbounded = (up & np.isinf(lp.col_upper)) | (down & np.isinf(lp.col_lower))
    if unbounded.any():
        terms = np.abs(lp.objective) + abs(lp.matrix).T @ np.abs(y)
        if (np.abs(reduced[unbounded]) > ROUNDING * np.maximum(terms[unbounded], 1.0)).any():
            return None
        reduced[unbounded] = 0.0
    row_terms = np.where(y > 0, y * _finite(lp.row_upper), y * _finite(lp.row_lower))
    col_terms = np.where(
        up, reduced * _finite(lp.col_upper), np.where(down, reduced * _finite(lp.col_lower), 0.0)
    )
    # rounding in the sum of many large terms: a margin keeps the bound a bound
    margin = 1e-12 * (np.abs(row_terms).sum() + np.abs(col_terms).sum())
    return Duals(float(row_terms.sum() + col_terms.sum() + margin), reduced)


def _finite(bounds: np.ndarray) -> np.ndarray:
    return np.where(np.isinf(bounds), 0.0, bounds)


@dataclass(frozen=True)
class Fixing:
    """Binaries fixed because any plan with the other value is worth less than a threshold;
    `excluded_bound` is the most such a plan can be worth (−inf when none is fixed)."""

    lp: LPArrays
    fixed: int
    excluded_bound: float


def fixings(root: Root, threshold: float, incumbent: np.ndarray | None) -> Fixing | None:
    """Reduced-cost fixing: a free binary whose other value bounds every plan below
    `threshold` (Duals: bound − |reduced cost|) is fixed at the value the relaxation gives it,
    unless the incumbent takes the other value (its plan stays feasible, as a MIP start).
    Any optimum above the threshold keeps these values, so the fixed model's bound, raised to
    `excluded_bound`, is a bound of the whole model."""
    if root.duals is None:
        return None
    lp = root.lp
    binaries, other_side, value, chosen = _fixable(lp, root.duals, threshold)
    if incumbent is not None:
        chosen &= np.abs(incumbent[binaries] - value) < 0.5
    columns = binaries[chosen]
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[columns] = upper[columns] = value[chosen]
    excluded = float(other_side[chosen].max()) if columns.size else -math.inf
    return Fixing(replace(lp, col_lower=lower, col_upper=upper), int(columns.size), excluded)


def left_free(root: Root, threshold: float) -> int | None:
    """How many binaries `fixings` at `threshold` would leave free (before it spares the
    incumbent's); None without duals."""
    if root.duals is None:
        return None
    binaries, _, _, chosen = _fixable(root.lp, root.duals, threshold)
    return int(binaries.size - np.count_nonzero(chosen))


def _fixable(
    lp: LPArrays, duals: Duals, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The free binaries; the bound on plans with each one's other value; the value the
    relaxation's reduced cost points to; and which of them that bound puts below `threshold`."""
    binaries = np.flatnonzero(lp.integer & (lp.col_lower == 0.0) & (lp.col_upper == 1.0))
    reduced = duals.reduced[binaries]
    other_side = duals.bound - np.abs(reduced)
    value = (reduced > 0).astype(float)
    chosen = (other_side < threshold) & (reduced != 0.0)
    return binaries, other_side, value, chosen


def binding_cut_names(lp: LPArrays, time_limit: float) -> tuple[str, ...]:
    """The cut-pool inequalities `lp`'s strengthened relaxation needed: robust mode seeds the
    joint relaxation with each scenario's (`CutPool.seeded`)."""
    if lp.cuts is None or not lp.cuts.size:
        return ()
    root = separate(lp, lp.cuts, new_highs(), time.perf_counter() + time_limit)
    return () if root is None else root.cut_names


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


# A restricted MIP that found no better plan for STALL_FACTOR × the time to its last one
# (or to the end of its root node, when that came later: a plan from the trivial heuristics
# before a root LP of seconds says nothing; capa-8000's restricted MIP stopped at 0.6 s, its
# root LP took 4 s and its optimum came 1 s later), plus STALL_SECONDS, has likely found its
# best: proving that is the fixed model's work
# (medium-s2: the best plan at 0.3 s, the restricted MIP's own proof 2.6 s more). Solve
# seconds, two runs each, medium / medium-s2 / medium-s3 / large: 1.0 and 0.5 s: 1.9 / 2.5 /
# 0.5 / 7.6; 0.5 and 0.2 s: 2.0 / 2.0 / 0.5 / 7.6; 0.25 and 0.1 s: 1.8 / 2.2 / 1.4 / 7.3.
STALL_FACTOR = 0.5
STALL_SECONDS = 0.2
# A first restricted MIP's plan within NEAR_GAPS gaps of the strengthened bound that lets
# reduced-cost fixing leave at most FEW_FREE binaries free ends it: that fixed model is a
# short proof and finds the better plans sooner than the restricted MIP's branching
# (medium-s2 at 1e-3: a plan 0.2 % off at 0.4 s leaves 79 free; the restricted MIP stalled on
# to 0.8 s). Not a share of the gap alone: national's plan 0.23 % off leaves 861 free, a proof
# of minutes. Nor before the restricted MIP has run as long as the separation did: the fixed
# model's root LP alone costs about that (robust mode's joint model, 66k rows: a plan at 2 s
# after 28 s of separation, then 10 s of fixed model, where the restricted MIP reached the gap
# at 4 s).
FEW_FREE = 100
NEAR_GAPS = 2.5


def stop_at_target(
    highs: highspy.Highs,
    target: float,
    stall: bool = False,
    enough: Callable[[float], bool] | None = None,
    own_gap: float | None = None,
) -> None:
    """Interrupt the MIP in `highs` once its incumbent reaches `target` (maximisation), or
    once its dual bound falls below it: no plan of this MIP can reach the target then, and
    proving its own gap would only repeat work the next step does (medium: the first
    restricted MIP 1.4 s → 0.3 s); with `own_gap`, only once its plan is also within that
    gap of its own bound: a worse plan is a poor start for the next step (capa-8000's
    restricted MIP: its bound below the target at 1.5 s, with a plan 30 % off; its optimum,
    the whole model's, came 4 s later); with `stall`, also once its plans stop improving;
    with `enough`, also at a plan whose objective it accepts."""
    reached = [False]
    last_found: list[float] = []
    best = [-math.inf]
    root_done: list[float] = []  # when the tree search began: the stall clock starts there

    def improved(event: Any) -> None:
        last_found[:] = [event.data_out.running_time]
        objective = event.data_out.objective_function_value
        best[0] = max(best[0], objective)
        if objective >= target or (enough is not None and enough(objective)):
            reached[0] = True

    def interrupt(event: Any) -> None:
        data = event.data_out
        if not root_done and data.mip_node_count > 0:
            root_done.append(data.running_time)
        stalled = (
            stall
            and bool(last_found)
            and bool(root_done)
            and data.running_time
            > (1.0 + STALL_FACTOR) * max(last_found[0], root_done[0]) + STALL_SECONDS
        )
        hopeless = data.mip_dual_bound < target and (
            own_gap is None or best[0] >= target_objective(data.mip_dual_bound, own_gap)
        )
        if reached[0] or stalled or hopeless:
            event.data_in.user_interrupt = True

    highs.cbMipImprovingSolution.subscribe(improved)
    highs.cbMipInterrupt.subscribe(interrupt)


def target_objective(bound: float, mip_gap: float) -> float:
    """The least objective within `mip_gap` of `bound`, as `relative_gap` measures it."""
    relative = bound / (1.0 + mip_gap) if bound >= 0 else bound / (1.0 - min(mip_gap, 0.5))
    return min(relative, bound - ABSOLUTE_GAP)
