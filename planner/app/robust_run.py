"""`planner run --robust` (contract §4): read and check, solve every scenario alone (the usual
files), then robust mode (`analysis.analyse`), then robust.xlsx and robust.json.

The per-scenario files and the comparison are `planner.app.run.run_workbook`'s: each scenario's
own optimum, and from its outcome each scenario's own plan. Input errors (contract §4 and the
workbook's own) are raised before anything is solved or written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from planner.app.run import RunOptions, output_folder, run_scenarios
from planner.case import Case
from planner.contract.errors import InputError, Problem
from planner.read.load import LoadedWorkbook, load_workbook_cases
from planner.results.outcome import ScenarioOutcome, with_overrides
from planner.robust.analysis import analyse
from planner.robust.inputs import RiskSettings, probabilities, risk_settings
from planner.runtime.processes import ProcessMap
from planner.write.robust_workbook import write_robust

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RobustOptions:
    risk_weight: float | None = None  # None: Settings
    cvar_alpha: float | None = None
    sweep: tuple[float, ...] = ()


def run_robust(path: Path, options: RunOptions, robust: RobustOptions) -> int:
    """Every scenario alone (the usual files), then robust mode; the worst exit code."""
    log.info("reading %s", path)
    loaded = load_workbook_cases(path, options.scenarios, robust=True)
    cases, chances, risk = robust_inputs(loaded, options, robust)
    extra = ("robust.json", "robust.xlsx")
    run = run_scenarios(path, options, extra_files=extra, loaded=loaded)
    folder = output_folder(path, options)
    own = {c.scenario_id: _own_outcome(run.outcomes, c) for c in cases}
    report = analyse(cases, chances, risk, own, ProcessMap(options.workers))
    write_robust(folder, report)
    return max(run.exit_code, report.exit_code)


def load_robust(
    path: Path, options: RunOptions, robust: RobustOptions
) -> tuple[list[Case], dict[str, float], RiskSettings]:
    """The cases, probabilities and risk settings; `InputError` before anything is solved."""
    loaded = load_workbook_cases(path, options.scenarios, robust=True)
    return robust_inputs(loaded, options, robust)


def robust_inputs(
    loaded: LoadedWorkbook, options: RunOptions, robust: RobustOptions
) -> tuple[list[Case], dict[str, float], RiskSettings]:
    """The cases (with the command line's overrides), probabilities and risk settings."""
    # sweep scenarios run alone (run_scenarios) but take no part in the robust model
    cases = [with_overrides(c, options.choice) for c in loaded.cases if c.scenario.sweep is None]
    if not cases:
        raise InputError([_no_robust_scenario()])
    rows = [r for r in loaded.scenarios if r.sweep is None]
    chances = probabilities(rows, [c.scenario_id for c in cases])
    risk = risk_settings(cases[0], robust.risk_weight, robust.cvar_alpha, robust.sweep)
    return cases, chances, risk


def _no_robust_scenario() -> Problem:
    return Problem(
        "Scenarios",
        None,
        None,
        "scenario_id",
        "--scenario chose only sweep scenarios, which robust mode leaves out; choose base or a "
        "Scenarios row too",
    )


def _own_outcome(outcomes: dict[str, ScenarioOutcome], case: Case) -> ScenarioOutcome | None:
    """The scenario's own run, solved now or resumed, as `run_scenarios` returned it; None
    when that scenario failed (compared as data, so it is of this very case)."""
    outcome = outcomes.get(case.scenario_id)
    return outcome if outcome is not None and outcome.results.case == case else None
