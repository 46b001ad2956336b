"""Case -> model: the constraint families of docs/contract.md §2, in one ordered registry.

Each family lives in its own module with its equation in the docstring; `build_model` runs
them in order on one `LinearProgram` and freezes it into arrays for the solvers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.case import Case
from planner.model.capacity import add_capacity
from planner.model.cuts import add_cuts
from planner.model.decisions import DecisionRow, add_decisions
from planner.model.economics import Economics, build_economics
from planner.model.flow import add_demand, add_flow
from planner.model.launch import add_launch
from planner.model.lp import LinearProgram, LPArrays
from planner.model.objective import add_objective
from planner.model.policies import PolicyRow, add_policies
from planner.model.variables import PlanColumns, Variables, add_plan_columns, add_variables

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Model:
    case: Case
    economics: Economics
    variables: Variables
    lp: LPArrays
    capacity_rows: dict[tuple[str, str, int], int]
    demand_rows: dict[tuple[str, str, int], int]
    policy_rows: tuple[PolicyRow, ...]
    build_seconds: float
    decision_rows: tuple[DecisionRow, ...] = ()  # Decisions' take/never/start rows

    def describe(self) -> str:
        return (
            f"{self.lp.num_cols:,} variables ({self.lp.num_integer:,} binary), "
            f"{self.lp.num_rows:,} rows, {self.lp.num_nonzeros:,} nonzeros"
        )


@dataclass(frozen=True)
class Block:
    """One case's part of a model: its variables, named rows and NPV terms."""

    case: Case
    economics: Economics
    variables: Variables
    capacity_rows: dict[tuple[str, str, int], int]
    demand_rows: dict[tuple[str, str, int], int]
    policy_rows: tuple[PolicyRow, ...]
    npv_terms: dict[int, float]  # column -> coefficient: this case's NPV (§2.6)
    decision_rows: tuple[DecisionRow, ...] = ()  # only in a block that owns its plan


def add_block(
    case: Case,
    lp: LinearProgram,
    plan: PlanColumns | None = None,
    forced_penalties: Mapping[str, float] | None = None,
) -> Block:
    """Every constraint family of contract §2 for one case, in order; the NPV terms taken apart.
    The Decisions rows bind the plan: added here only when the block owns it (no `plan`)."""
    economics = build_economics(case)
    own_plan = plan is None
    variables = add_variables(case, lp, plan)
    capacity_rows = add_capacity(case, lp, variables)
    add_flow(case, lp, variables)
    demand_rows = add_demand(case, lp, variables)
    add_launch(case, lp, variables)
    policy_rows = add_policies(case, lp, variables, economics, forced_penalties)
    add_objective(case, lp, variables, economics)
    add_cuts(case, lp, variables, policy_rows)
    decision_rows = add_decisions(case, lp, _plan_of(variables)) if own_plan else ()
    return Block(
        case,
        economics,
        variables,
        capacity_rows,
        demand_rows,
        tuple(policy_rows),
        lp.take_objective(),
        decision_rows,
    )


def _plan_of(variables: Variables) -> PlanColumns:
    return PlanColumns(variables.z, variables.z_by_option, variables.y)


def build_model(
    case: Case,
    forced_penalties: Mapping[str, float] | None = None,
    launchable: Iterable[str] = (),
) -> Model:
    """Build the contract §2 model; `forced_penalties` (policy -> $/unit) softens hard policies;
    `launchable` products get a launch decision even where the case cannot build them (a
    model that judges plans charges each launch a plan makes)."""
    started = time.perf_counter()
    lp = LinearProgram()
    plan = add_plan_columns([case], lp, launchable) if launchable else None
    block = add_block(case, lp, plan, forced_penalties)
    for column, coefficient in block.npv_terms.items():
        lp.add_objective(column, coefficient)
    model = Model(
        case,
        block.economics,
        block.variables,
        lp.freeze(),
        block.capacity_rows,
        block.demand_rows,
        block.policy_rows,
        time.perf_counter() - started,
        block.decision_rows,
    )
    log.info("built %s in %.2f s", model.describe(), model.build_seconds)
    return model


def build_blocks(
    cases: Sequence[Case],
    forced_penalties: Mapping[str, Mapping[str, float]] | None = None,
) -> tuple[LinearProgram, PlanColumns, list[Block]]:
    """Robust mode (contract §4): one shared plan (z, y) and one block per case, names prefixed
    by the scenario; `forced_penalties` (scenario -> policy -> $/unit) softens hard policies.
    The caller sets the objective from the blocks' NPV terms."""
    lp = LinearProgram(blocks=len(cases))
    plan = add_plan_columns(cases, lp)
    blocks = []
    for case in cases:
        lp.prefix = f"{case.scenario_id}."
        penalties = None if forced_penalties is None else forced_penalties[case.scenario_id]
        blocks.append(add_block(case, lp, plan, penalties))
    lp.prefix = ""
    add_decisions(cases[0], lp, plan)  # scenarios may not change Decisions in robust mode
    return lp, plan, blocks
