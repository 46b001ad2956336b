"""Workbook -> validated cases: the first stage of the pipeline.

`load_workbook_cases` reads the file once, validates the base tables, then applies each
scenario's changes and validates the result, and returns one frozen `Case` per scenario. Every
problem of every scenario is collected before anything is raised. This module chooses the
scenarios and checks each one; the typed records of a case are built in
`planner.read.case_records`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.case import (
    Case,
)
from planner.contract.errors import InputError, Problem
from planner.read.case_records import Memo, build_case
from planner.read.scenario_apply import apply_changes
from planner.read.scenario_robust import decision_change_problems, robust_change_problems
from planner.read.scenarios import (
    BASE,
    Change,
    Scenario,
    check_changes,
    scenario_rows,
)
from planner.read.sweeps import sweep_scenarios
from planner.read.tables import Tables, coerce_settings, coerce_workbook
from planner.read.validate import validate_tables
from planner.read.xlsx import read_workbook


@dataclass(frozen=True)
class LoadedWorkbook:
    path: Path
    sha256: str
    cases: tuple[Case, ...]
    scenarios: tuple[Scenario, ...]  # every scenario of the workbook, base first
    warnings: tuple[Problem, ...]


def load_workbook_cases(
    path: Path, scenario_ids: Sequence[str] = (), robust: bool = False
) -> LoadedWorkbook:
    """Read, validate and build the cases of `path`; raise `InputError` listing every problem.

    `robust`: also refuse the scenario changes robust mode cannot accept (one plan is shared
    by every scenario), once the workbook is otherwise clean.
    """
    raw = read_workbook(path)
    problems: list[Problem] = list(raw.problems)
    warnings: list[Problem] = list(raw.warnings)
    tables = coerce_workbook(raw, problems, warnings)
    robust_problems = _robust_problems(tables) if robust else []
    settings = coerce_settings(tables.get("Settings", []), problems)
    check_changes(tables, problems)
    swept = sweep_scenarios(tables, problems)
    validate_tables(tables, settings, problems, warnings)
    rows = scenario_rows(tables) + [s.row for s in swept]
    sweeps = {s.row.scenario_id: s.changes for s in swept}
    wanted = _chosen_scenarios(rows, scenario_ids, problems)
    checked = {BASE: CheckedScenario(tables, settings, [], [])}
    for row in rows[1:]:
        checked[row.scenario_id] = _check_scenario(
            tables, row.scenario_id, sweeps.get(row.scenario_id)
        )
    problems, warnings = _with_scenario_findings(tables, rows, checked, sweeps, problems, warnings)
    if problems:
        raise InputError(list(dict.fromkeys(problems)), warnings)
    if robust_problems:
        raise InputError(robust_problems)
    found_warnings = tuple(sorted(set(warnings)))
    notes = tuple(str(w) for w in found_warnings)
    memo: Memo = {}
    cases = tuple(
        replace(
            build_case(
                raw, checked[row.scenario_id].tables, checked[row.scenario_id].settings, row, memo
            ),
            warnings=notes,
        )
        for row in rows
        if row.scenario_id in wanted
    )
    return LoadedWorkbook(path, raw.sha256, cases, tuple(rows), found_warnings)


def _robust_problems(tables: Tables) -> list[Problem]:
    """A change of an option's id, plant, line types or start window, of the horizon, of the
    risk settings, or of Decisions: each on its ScenarioChanges row."""
    return robust_change_problems(tables) + decision_change_problems(tables)


@dataclass(frozen=True)
class CheckedScenario:
    """A scenario's tables after its changes, its typed settings, and what checking found."""

    tables: Tables
    settings: dict[str, Any]
    problems: list[Problem]
    warnings: list[Problem]


def _chosen_scenarios(
    rows: list[Scenario], scenario_ids: Sequence[str], problems: list[Problem]
) -> set[str]:
    known = [r.scenario_id for r in rows]
    for scenario_id in scenario_ids:
        if scenario_id not in known:
            problems.append(
                Problem(
                    "Scenarios",
                    None,
                    None,
                    "scenario_id",
                    f"--scenario {scenario_id!r} is not a scenario of this "
                    f"workbook (known: {_listed(known)})",
                )
            )
    return set(scenario_ids) if scenario_ids else set(known)


def _listed(ids: Sequence[str], most: int = 20) -> str:
    """The ids, or the first `most` of them and how many more (a sweep adds hundreds)."""
    if len(ids) <= most:
        return ", ".join(ids)
    return f"{', '.join(ids[:most])} and {len(ids) - most} more"


def _check_scenario(
    tables: Tables, scenario_id: str, changes: Sequence[Change] | None = None
) -> CheckedScenario:
    """Apply one scenario's changes (`changes` for a sweep scenario, else its ScenarioChanges
    rows) and validate the result; every scenario, run or not."""
    found: list[Problem] = []
    noted: list[Problem] = []
    changed = apply_changes(tables, scenario_id, found, changes)
    settings = coerce_settings(changed.get("Settings", []), found)
    validate_tables(changed, settings, found, noted)
    return CheckedScenario(changed, settings, found, noted)


def _with_scenario_findings(
    tables: Tables,
    rows: list[Scenario],
    checked: dict[str, CheckedScenario],
    sweeps: dict[str, tuple[Change, ...]],
    problems: list[Problem],
    warnings: list[Problem],
) -> tuple[list[Problem], list[Problem]]:
    """Base findings plus each scenario's own, tagged with the scenario.

    A scenario re-finds the base's problems and warnings (it is checked in full); those are
    reported once, for the base. A problem on a Sweeps row itself (a match that finds no
    row, say) is the same for every point of its sweep: reported once, untagged; a sweep's
    warnings about one cell are folded into one.
    """
    base_problems, base_warnings = set(problems), set(warnings)
    problems, warnings = list(problems), list(warnings)
    swept: dict[tuple[str, str, int | None, str | None], list[Problem]] = {}
    for row in rows[1:]:
        scenario = checked[row.scenario_id]
        tag = _scenario_tag(tables, row.scenario_id, sweeps.get(row.scenario_id))
        problems += [
            p if p.sheet == "Sweeps" else _tag(p, row.scenario_id, tag)
            for p in scenario.problems
            if p not in base_problems
        ]
        found = [_tag(w, row.scenario_id, tag) for w in scenario.warnings if w not in base_warnings]
        point = row.sweep
        if point is None:
            warnings += found
            continue
        for warning in found:
            key = (point.sweep_id, warning.sheet, warning.row, warning.column)
            swept.setdefault(key, []).append(warning)
    return problems, warnings + [_folded(found) for found in swept.values()]


def _folded(warnings: list[Problem]) -> Problem:
    """A sweep's warnings about one cell, one per point: the first, with the count of the rest
    (a 200-point sweep would otherwise print 200 near-identical lines)."""
    first = warnings[0]
    if len(warnings) == 1:
        return first
    more = f" (and at {len(warnings) - 1} more points of the sweep)"
    return Problem(first.sheet, first.row, first.letter, first.column, first.message + more)


def _scenario_tag(tables: Tables, scenario_id: str, swept: Sequence[Change] | None) -> str:
    sheet = "ScenarioChanges" if swept is None else "Sweeps"
    if swept is None:
        records = [r for r in tables.get(sheet, []) if r.get("scenario_id") == scenario_id]
    else:
        records = [c.record for c in swept]
    rows = [str(r.row) for r in records]
    changes = f", after {sheet} row{'s' if len(rows) > 1 else ''} {', '.join(rows)}"
    return f" (in scenario {scenario_id}{changes if rows else ''})"


def _tag(problem: Problem, scenario_id: str, tag: str) -> Problem:
    """Name the scenario (and its change rows) unless the message names a change already."""
    if f"scenario {scenario_id}" in problem.message:
        return problem
    return Problem(
        problem.sheet, problem.row, problem.letter, problem.column, problem.message + tag
    )
