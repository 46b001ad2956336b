"""The extensive form of docs/contract.md §4: one plan (z, y) shared by a block per scenario.

    maximise (1−λ) · Σ_s π_s NPV_s + λ · CVaR_α
    CVaR_α = η − (1/α) Σ_s π_s u_s,   u_s ≥ η − NPV_s,   u_s ≥ 0,   η free

NPV_s is block s's §2.6 objective (its own data, penalties included). η and u_s are in
$ millions (`SCALE`): with the CVaR rows in raw dollars HiGHS has been seen to stop with a
solve error. Row s reads Σ_j (c_sj / SCALE) x_j + u_s − η ≥ 0 and the objective carries
λ·SCALE on η and −λ·SCALE·π_s/α on u_s, so the objective stays in dollars.

The model is built once; each λ is the same arrays with another objective vector. The CVaR
columns and rows are added only when some λ > 0 is asked for. The §2.7 diagnosis of a joint
model that has no feasible plan solves it again with every hard policy of every block soft.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from planner.case import Case
from planner.model.build import Block, build_blocks, build_model
from planner.model.lp import INF, LinearProgram, LPArrays
from planner.model.variables import PlanColumns
from planner.results.diagnosis import (
    Diagnosis,
    RelaxedRows,
    diagnosis_penalties,
    hard_policy_ids,
    solve_relaxed,
)
from planner.robust.plan import Plan, plan_from_columns
from planner.solve import solve
from planner.solve.result import SolveResult
from planner.solve.strengthen import binding_cut_names

log = logging.getLogger(__name__)

SCALE = 1e6  # η and u_s in $ millions
SEED_SHARE = 0.1  # of a scenario's time limit, at most, for its own binding cuts


@dataclass(frozen=True)
class ExtensiveForm:
    lp: LPArrays  # objective left at zero: see `at`
    plan: PlanColumns
    blocks: tuple[Block, ...]
    expected: np.ndarray  # objective vector of Σ_s π_s NPV_s
    tail: np.ndarray | None  # objective vector of CVaR_α (None: no CVaR rows)
    build_seconds: float

    def at(self, risk_weight: float) -> LPArrays:
        objective = self.expected
        if risk_weight > 0:
            if self.tail is None:
                raise ValueError("the extensive form was built without the CVaR rows")
            objective = (1 - risk_weight) * self.expected + risk_weight * self.tail
        return replace(self.lp, objective=objective)

    def describe(self) -> str:
        return (
            f"{len(self.blocks)} scenarios: {self.lp.num_cols:,} variables "
            f"({self.lp.num_integer:,} binary), {self.lp.num_rows:,} rows, "
            f"{self.lp.num_nonzeros:,} nonzeros"
        )


@dataclass(frozen=True)
class RobustSolve:
    risk_weight: float
    result: SolveResult
    plan: Plan | None  # None without a solution


def build_extensive(
    cases: Sequence[Case], probabilities: Sequence[float], alpha: float, with_cvar: bool
) -> ExtensiveForm:
    started = time.perf_counter()
    lp, plan, blocks = build_blocks(cases)
    expected = np.zeros(lp.num_cols)
    for block, pi in zip(blocks, probabilities, strict=True):
        for column, coefficient in block.npv_terms.items():
            expected[column] += pi * coefficient
    tail = _add_cvar(lp, blocks, probabilities, alpha) if with_cvar else None
    arrays = lp.freeze()
    if tail is not None:
        expected = np.concatenate([expected, np.zeros(arrays.num_cols - len(expected))])
    form = ExtensiveForm(arrays, plan, tuple(blocks), expected, tail, time.perf_counter() - started)
    log.info(
        "[robust] built the extensive form of %s in %.1f s", form.describe(), form.build_seconds
    )
    return form


def _add_cvar(
    lp: LinearProgram, blocks: Sequence[Block], probabilities: Sequence[float], alpha: float
) -> np.ndarray:
    """η, u_s and the rows u_s ≥ η − NPV_s, in $ millions; returns the CVaR objective."""
    eta = lp.add_column("cvar.eta", lower=-INF)
    terms = {eta: SCALE}
    for block, pi in zip(blocks, probabilities, strict=True):
        scenario = block.case.scenario_id
        u = lp.add_column(f"cvar.u[{scenario}]")
        columns = [*block.npv_terms, u, eta]
        coefficients = [c / SCALE for c in block.npv_terms.values()] + [1.0, -1.0]
        lp.add_row(f"cvar.shortfall[{scenario}]", columns, coefficients, lower=0.0)
        terms[u] = -SCALE * pi / alpha
    tail = np.zeros(lp.num_cols)
    for column, coefficient in terms.items():
        tail[column] = coefficient
    return tail


def own_binding_cuts(case: Case) -> tuple[str, ...]:
    """The cuts `case`'s own strengthened relaxation needed (planner.solve.strengthen)."""
    lp = build_model(case).lp
    return binding_cut_names(lp, SEED_SHARE * case.settings.time_limit_s)


def seeded(form: ExtensiveForm, names: Mapping[str, Sequence[str]]) -> ExtensiveForm:
    """The extensive form whose relaxation starts, in every scenario's block, with the cuts
    any scenario's own relaxation kept (`names`: scenario -> cut names, as `own_binding_cuts`
    gives them; the joint model's are prefixed by the scenario): the joint plan is a compromise
    between the scenarios' own, and a cut one of them needed binds in the others' blocks too.
    The sample case, separation seconds (parallel dual simplex): no seeds 44 (serial), each
    block its own scenario's cuts (19k) 20.5, every scenario's (44k) 15.7."""
    pool = form.lp.cuts
    if pool is None or not pool.size:
        return form
    every = {name for found in names.values() for name in found}
    wanted = {f"{block.case.scenario_id}.{name}" for block in form.blocks for name in every}
    mask = np.fromiter((name in wanted for name in pool.names), dtype=bool, count=pool.size)
    return replace(form, lp=replace(form.lp, cuts=replace(pool, seeded=mask)))


def solve_extensive(
    form: ExtensiveForm,
    risk_weight: float,
    solver: str,
    time_limit: float,
    mip_gap: float,
) -> RobustSolve:
    """No MIP start: base's own plan as one (368 s → 223 s to a 1e-5 gap on the sample when
    HiGHS solved the joint model plain) now costs an LP of the whole joint model to complete
    it, and the restricted MIP finds the plan sooner itself (sample, 2026-12-01, robust solve
    s: λ = 0 15.8 → 14.7; λ = 0.3 29.2 → 23.7, then λ = 0 from its plan 24.4 → 22.2)."""
    log.info(
        "[robust] solving λ = %g with %s (gap %g, %.0f s)", risk_weight, solver, mip_gap, time_limit
    )
    result = solve(form.at(risk_weight), solver, time_limit, mip_gap)
    log.info(
        "[robust] λ = %g: %s%s in %.1f s",
        risk_weight,
        result.status.value,
        "" if result.objective is None else f", objective {result.objective:,.0f}",
        result.seconds,
    )
    if result.message:
        log.warning("[robust] %s", result.message)
    plan = None
    if result.status.has_solution and result.values is not None:
        plan = plan_from_columns(form.plan.z, form.plan.y, result.values)
    return RobustSolve(risk_weight, result, plan)


def diagnose_joint(
    cases: Sequence[Case],
    probabilities: Sequence[float],
    solver: str,
    time_limit: float,
    mip_gap: float,
) -> dict[str, Diagnosis]:
    """docs/contract.md §2.7 on the joint model: every hard policy of every scenario made soft."""
    penalties = {c.scenario_id: diagnosis_penalties(c) for c in cases}
    if not any(penalties.values()):
        message = (
            "no single plan fits every scenario even without any hard policy: check "
            "capacities, budgets and demand"
        )
        return {c.scenario_id: Diagnosis({}, (), message) for c in cases}
    lp, _, blocks = build_blocks(cases, penalties)
    for block, pi in zip(blocks, probabilities, strict=True):
        for column, coefficient in block.npv_terms.items():
            lp.add_objective(column, pi * coefficient)
    parts = [RelaxedRows(b.policy_rows, hard_policy_ids(b.case)) for b in blocks]
    result, found = solve_relaxed(
        lp.freeze(), parts, lambda relaxed: solve(relaxed, solver, time_limit, mip_gap)
    )
    if found is None:
        message = (
            f"the joint model with every hard policy soft could not be solved either "
            f"({result.status.value})"
        )
        return {c.scenario_id: Diagnosis(penalties[c.scenario_id], (), message) for c in cases}
    return {
        b.case.scenario_id: Diagnosis(penalties[b.case.scenario_id], give_way, "")
        for b, give_way in zip(blocks, found, strict=True)
    }
