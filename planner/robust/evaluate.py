"""A plan judged in a scenario: the scenario's own §2 model with z and y fixed, re-solved.

With the plan fixed the model is a linear program, solved with HiGHS whatever the MIP solver
(as for shadow prices): NPV_s(plan) is then the best the scenario can do with that plan. Each
scenario's model is built once for all the plans judged in it. Scenarios are independent and
can go to worker processes (the `MapInProcesses` the caller passes in), but on the project's
2-core machine that did not pay at any size measured (12 plans × 20 small scenarios
3.1 s serial, 7.1 s in 2 processes; 19 × 20 medium 37.7 s and 44.3 s; 5 × 8 us_kei 15 s both
ways), so it is kept for far larger models.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from planner.case import Case
from planner.model.build import Model, build_model
from planner.results import Results, extract_results
from planner.results.plan_figures import horizon_shares, kei_units_by_year, retool_capex
from planner.robust.plan import Plan, with_plan
from planner.runtime.processes import MapInProcesses, serial_map
from planner.solve import solve
from planner.solve.result import Status

log = logging.getLogger(__name__)

LP_SOLVER = "highs"
# Below this size of the extensive form (≈ Σ of the scenario models) worker processes were
# measured to cost more than they save (see the module docstring).
PARALLEL_MIN_NONZEROS = 5_000_000


@dataclass(frozen=True)
class KeyFigures:
    """What a plan does in a scenario, over the horizon."""

    units_sold: float
    kei_units: float
    unmet_units: float
    retool_capex: float  # undiscounted, at the scenario's capex
    launch_costs: float
    penalties: float  # undiscounted soft-policy penalties
    domestic_share: float | None  # of home-country sales
    ev_share: float | None


@dataclass(frozen=True)
class Evaluation:
    status: Status
    npv: float | None
    seconds: float
    figures: KeyFigures | None = None
    message: str = ""


def key_figures(results: Results) -> KeyFigures:
    domestic, electric = horizon_shares(results)
    flows = results.cashflow
    return KeyFigures(
        units_sold=sum(results.units_by_year.values()),
        kei_units=sum(kei_units_by_year(results).values()),
        unmet_units=sum(row.unmet for row in results.unmet),
        retool_capex=retool_capex(results),
        launch_costs=sum(year.launch_costs for year in flows),
        penalties=sum(year.penalties + year.window_penalties for year in flows),
        domestic_share=domestic,
        ev_share=electric,
    )


def evaluate_in_scenario(
    case: Case, plans: Sequence[Plan], detailed: frozenset[int] = frozenset()
) -> tuple[Evaluation, ...]:
    """Each plan fixed in `case`; key figures for the plans whose index is in `detailed`.
    The model has a launch decision for every product some plan launches, so each plan pays
    its launches here even where `case` cannot build the product."""
    model = build_model(case, launchable=sorted({k for p in plans for k in p.launched}))
    return tuple(_evaluate(model, plan, index in detailed) for index, plan in enumerate(plans))


def _evaluate(model: Model, plan: Plan, detailed: bool) -> Evaluation:
    settings = model.case.settings
    result = solve(with_plan(model, plan), LP_SOLVER, settings.time_limit_s, 0.0)
    if not result.status.has_solution:
        return Evaluation(result.status, None, result.seconds, message=result.message)
    figures = key_figures(extract_results(model, result)) if detailed else None
    return Evaluation(result.status, result.objective, result.seconds, figures)


def evaluate_plans(
    cases: Sequence[Case],
    plans: Sequence[Plan],
    detailed: frozenset[int],
    map_in_processes: MapInProcesses = serial_map,
) -> dict[str, tuple[Evaluation, ...]]:
    """{scenario: one evaluation per plan}, one scenario per task of `map_in_processes`
    (serial unless the caller passes worker processes)."""
    work = partial(evaluate_in_scenario, plans=tuple(plans), detailed=detailed)
    limit_s = max((c.settings.time_limit_s for c in cases), default=0.0) * len(plans)
    found = map_in_processes(work, cases, limit_s)
    return {c.scenario_id: row for c, row in zip(cases, found, strict=True)}
