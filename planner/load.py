"""Workbook -> validated cases: the first stage of the pipeline.

`load_workbook_cases` reads the file once, validates the base tables, then applies each
scenario's changes and validates the result, and returns one frozen `Case` per scenario. Every
problem of every scenario is collected before anything is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.case import (
    Case,
    Demand,
    Lane,
    Plant,
    PlantLine,
    Policy,
    Product,
    Region,
    RetoolOption,
    Scenario,
    Settings,
    Source,
    Tariff,
)
from planner.errors import InputError, Problem
from planner.io.read_workbook import RawWorkbook, read_workbook
from planner.scenarios import (
    BASE,
    ScenarioRow,
    apply_changes,
    check_change_references,
    scenario_rows,
)
from planner.schema import PLAN_POLICY_KINDS
from planner.tables import Record, Tables, coerce_settings, coerce_workbook
from planner.validate import build_universe, resolve_selector, validate_tables


@dataclass(frozen=True)
class LoadedWorkbook:
    path: Path
    sha256: str
    cases: tuple[Case, ...]
    scenarios: tuple[ScenarioRow, ...]  # every scenario of the workbook, base first
    warnings: tuple[Problem, ...]


def load_workbook_cases(path: Path, scenario_ids: Sequence[str] = ()) -> LoadedWorkbook:
    """Read, validate and build the cases of `path`; raise `InputError` listing every problem."""
    raw = read_workbook(path)
    problems: list[Problem] = []
    warnings: list[Problem] = list(raw.warnings)
    tables = coerce_workbook(raw, problems)
    settings = coerce_settings(tables.get("Settings", []), problems)
    check_change_references(tables, problems)
    validate_tables(tables, settings, problems, warnings)
    rows = scenario_rows(tables)
    wanted = _chosen_scenarios(rows, scenario_ids, problems)
    if problems:
        raise InputError(problems)
    cases = []
    for row in rows:
        case = _scenario_case(raw, tables, row, problems, warnings)
        if case is not None and row.scenario_id in wanted:
            cases.append(case)
    if problems:
        raise InputError(problems)
    found = tuple(sorted(set(warnings)))
    notes = tuple(str(w) for w in found)
    cases = [replace(case, warnings=notes) for case in cases]
    return LoadedWorkbook(path, raw.sha256, tuple(cases), tuple(rows), found)


def _chosen_scenarios(
    rows: list[ScenarioRow], scenario_ids: Sequence[str], problems: list[Problem]
) -> set[str]:
    known = [r.scenario_id for r in rows]
    for scenario_id in scenario_ids:
        if scenario_id not in known:
            problems.append(Problem("Scenarios", None, None, "scenario_id",
                                    f"--scenario {scenario_id!r} is not a scenario of this "
                                    f"workbook (known: {', '.join(known)})"))
    return set(scenario_ids) if scenario_ids else set(known)


def _scenario_case(
    raw: RawWorkbook, tables: Tables, row: ScenarioRow, problems: list[Problem],
    warnings: list[Problem],
) -> Case | None:
    """Apply the scenario's changes and validate; validate every scenario even if not run."""
    if row.scenario_id == BASE:
        return build_case(raw, tables, coerce_settings(tables["Settings"], []), row)
    found: list[Problem] = []
    changed = apply_changes(tables, row.scenario_id, found)
    settings = coerce_settings(changed["Settings"], found)
    validate_tables(changed, settings, found, [])
    base_messages = set(problems)
    new = [p for p in found if p not in base_messages]
    if new:
        problems.extend(_tag(p, row.scenario_id) for p in new)
        return None
    return build_case(raw, changed, settings, row)


def _tag(problem: Problem, scenario_id: str) -> Problem:
    if "in scenario" in problem.message:
        return problem
    return Problem(problem.sheet, problem.row, problem.letter, problem.column,
                   f"{problem.message} (scenario {scenario_id})")


def build_case(
    raw: RawWorkbook, tables: Tables, settings_values: dict[str, Any], row: ScenarioRow
) -> Case:
    """Typed, frozen case from validated tables (defaults by rule, selectors resolved)."""
    settings = Settings(**settings_values)
    universe = build_universe(tables)
    unused: list[Problem] = []
    years = settings.years

    def src(record: Record) -> Source:
        return Source(record.sheet, record.row)

    plants = tuple(
        Plant(r.get("plant_id"), r.get("name") or r.get("plant_id"), r.get("country"),
              r.get("state") or "", r.get("lat"), r.get("lon"), r.get("cost_index"),
              r.get("freight_adder"), src(r))
        for r in tables["Plants"])
    lines = tuple(PlantLine(r.get("plant_id"), r.get("line_type"), r.get("capacity"), src(r))
                  for r in tables.get("PlantLines", []))
    products = tuple(
        Product(r.get("product_id"), r.get("segment"), r.get("powertrain"), r.get("price"),
                r.get("variable_cost"), r.get("mpg"), r.get("launch_cost"), src(r))
        for r in tables["Products"])
    options = tuple(_option(r, settings, src(r)) for r in tables.get("RetoolOptions", []))
    regions = tuple(
        Region(r.get("region_id"), r.get("name") or r.get("region_id"), r.get("country"),
               r.get("lat"), r.get("lon"), r.get("group") or "", src(r))
        for r in tables["Regions"])
    demand = tuple(
        Demand(r.get("region_id"), r.get("product_id"), r.get("year"), r.get("units"),
               r.get("price"), src(r))
        for r in tables["Demand"] if r.get("year") in years)
    lanes = tuple(Lane(r.get("plant_id"), r.get("region_id"), r.get("cost_per_unit"), src(r))
                  for r in tables.get("Freight", []))
    tariffs = tuple(
        Tariff(r.get("origin_country"), r.get("market_country"),
               resolve_selector(r, "products", universe.product_set, universe.products, unused),
               r.get("year_from"), r.get("year_to"), r.get("rate"), src(r))
        for r in tables.get("Tariffs", []))
    policies = tuple(_policy(r, settings, universe, src(r)) for r in tables.get("Policies", []))
    compatibility = frozenset((r.get("line_type"), r.get("product_id"))
                              for r in tables.get("Compatibility", []))
    return Case(
        name=raw.path.stem, input_file=str(raw.path), input_sha256=raw.sha256,
        scenario=Scenario(row.scenario_id, row.description, row.probability),
        settings=settings, plants=plants, lines=lines, products=products,
        compatibility=compatibility, options=options, regions=regions, demand=demand,
        lanes=lanes, tariffs=tariffs,
        policies=tuple(p for p in policies if p.year_from <= p.year_to),
    )


def _option(r: Record, settings: Settings, source: Source) -> RetoolOption:
    removed = r.get("capacity_removed")
    if removed is None:
        removed = r.get("capacity_added") if r.get("from_line_type") else 0.0
    earliest = r.get("earliest_start")
    latest = r.get("latest_start")
    return RetoolOption(
        option_id=r.get("option_id"), plant_id=r.get("plant_id"),
        from_line_type=r.get("from_line_type"), to_line_type=r.get("to_line_type"),
        capacity_added=r.get("capacity_added"), capacity_removed=removed,
        capex=r.get("capex"), lead_time_years=r.get("lead_time_years"),
        fixed_cost_per_year=r.get("fixed_cost_per_year"),
        earliest_start=settings.first_year if earliest is None else earliest,
        latest_start=settings.last_year if latest is None else latest,
        source=source,
    )


def _policy(r: Record, settings: Settings, universe: Any, source: Source) -> Policy:
    unused: list[Problem] = []
    plan_kind = r.get("kind") in PLAN_POLICY_KINDS
    products = frozenset() if plan_kind else resolve_selector(
        r, "products", universe.product_set, universe.products, unused)
    regions = frozenset() if plan_kind else resolve_selector(
        r, "regions", universe.region_set, universe.regions, unused)
    start = r.get("year_from")
    end = r.get("year_to")
    return Policy(
        policy_id=r.get("policy_id"), kind=r.get("kind"), value=r.get("value"),
        products=products, regions=regions, origin=r.get("origin") or "any",
        year_from=max(settings.first_year, settings.first_year if start is None else start),
        year_to=min(settings.last_year, settings.last_year if end is None else end),
        mode=r.get("mode") or "hard", penalty=r.get("penalty") or 0.0, source=source,
    )
