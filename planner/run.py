"""`planner run`: every scenario of a workbook, solved and written (SPEC §3).

Reads and validates everything first (an input error writes nothing), then solves each
scenario and writes `<scenario>.json` and `<scenario>.xlsx` atomically. The exit code is the
worst scenario's: 0 solved, 3 infeasible (diagnosis written), 4 solver error or no solution.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from planner.io.atomic import write_text_atomically
from planner.io.write_json import summary_json
from planner.io.write_workbook import write_scenario_workbook
from planner.load import load_workbook_cases
from planner.pipeline import ScenarioOutcome, SolverChoice, solve_case, with_overrides

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    scenarios: tuple[str, ...] = ()
    solver: str | None = None
    time_limit: float | None = None
    mip_gap: float | None = None
    out_dir: Path | None = None

    @property
    def choice(self) -> SolverChoice:
        return SolverChoice(self.solver, self.time_limit, self.mip_gap)


def output_folder(path: Path, options: RunOptions) -> Path:
    return (options.out_dir or Path("outputs")) / path.stem


def run_workbook(path: Path, options: RunOptions) -> int:
    log.info("reading %s", path)
    loaded = load_workbook_cases(path, options.scenarios)
    for warning in loaded.warnings:
        log.warning("%s", warning)
    folder = output_folder(path, options)
    outcomes = []
    for case in loaded.cases:
        outcome = solve_case(with_overrides(case, options.choice))
        write_outcome(folder, outcome)
        outcomes.append(outcome)
    return max(o.exit_code for o in outcomes)


def write_outcome(folder: Path, outcome: ScenarioOutcome) -> None:
    scenario = outcome.results.case.scenario_id
    write_text_atomically(folder / f"{scenario}.json", summary_json(outcome))
    write_scenario_workbook(folder / f"{scenario}.xlsx", outcome)
    log.info("[%s] wrote %s", scenario, folder / f"{scenario}.json")
