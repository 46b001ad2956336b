"""Validated tables -> one frozen `Case`: the typed records of one scenario.

`build_case` turns each sheet's checked records into the case's dataclasses (plants, lines,
products, options, regions, demand, lanes, tariffs, policies, decisions), filling defaults by
rule and resolving selectors against the workbook's ids. The cases of one workbook share a
memo, so a sheet a scenario leaves alone is built once for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.case import (
    Case,
    Decision,
    Demand,
    Lane,
    Plant,
    PlantLine,
    Policy,
    Product,
    Region,
    RetoolOption,
    Settings,
    Source,
    Tariff,
)
from planner.contract.errors import Problem
from planner.contract.schema import PLAN_POLICY_KINDS
from planner.read.raw_workbook import RawWorkbook
from planner.read.scenarios import (
    Scenario,
)
from planner.read.tables import Record, Tables
from planner.read.validate import build_universe, resolve_selector
from planner.read.validate.ramp import parse_shares

Memo = dict[tuple[int, Any], tuple[Any, ...]]


def _reuse(
    memo: Memo | None, records: list[Record], extra: Any, build: Callable[[], tuple[Any, ...]]
) -> tuple[Any, ...]:
    """Build once per table: a scenario that leaves a sheet alone shares its record list
    (see `apply_changes`), so its cases can share the built rows too (Freight can be big)."""
    if memo is None:
        return build()
    key = (id(records), extra)
    if key not in memo:
        memo[key] = build()
    return memo[key]


def build_case(
    raw: RawWorkbook,
    tables: Tables,
    settings_values: dict[str, Any],
    row: Scenario,
    memo: Memo | None = None,
) -> Case:
    """Typed, frozen case from validated tables (defaults by rule, selectors resolved).

    `memo`, one dict for all the cases of one workbook, lets them share unchanged rows.
    """
    settings = Settings(**settings_values)
    universe = build_universe(tables)
    unused: list[Problem] = []
    years = settings.years

    def src(record: Record) -> Source:
        return Source(record.sheet, record.row)

    plants = tuple(
        Plant(
            r.get("plant_id"),
            r.get("name") or r.get("plant_id"),
            r.get("country"),
            r.get("state") or "",
            r.get("lat"),
            r.get("lon"),
            r.get("cost_index"),
            r.get("freight_adder"),
            src(r),
        )
        for r in tables["Plants"]
    )
    lines = tuple(
        PlantLine(r.get("plant_id"), r.get("line_type"), r.get("capacity"), src(r))
        for r in tables.get("PlantLines", [])
    )
    products = tuple(
        Product(
            r.get("product_id"),
            r.get("segment"),
            r.get("powertrain"),
            r.get("price"),
            r.get("variable_cost"),
            r.get("mpg"),
            r.get("launch_cost"),
            src(r),
        )
        for r in tables["Products"]
    )
    options = tuple(_option(r, settings, src(r)) for r in tables.get("RetoolOptions", []))
    regions = tuple(
        Region(
            r.get("region_id"),
            r.get("name") or r.get("region_id"),
            r.get("country"),
            r.get("lat"),
            r.get("lon"),
            r.get("group") or "",
            src(r),
        )
        for r in tables["Regions"]
    )
    demand = _reuse(
        memo,
        tables["Demand"],
        years,
        lambda: tuple(
            Demand(
                r.get("region_id"),
                r.get("product_id"),
                r.get("year"),
                r.get("units"),
                r.get("price"),
                src(r),
            )
            for r in tables["Demand"]
            if r.get("year") in years
        ),
    )
    freight = tables.get("Freight", [])
    lanes = _reuse(
        memo,
        freight,
        None,
        lambda: tuple(
            Lane(r.get("plant_id"), r.get("region_id"), r.get("cost_per_unit"), src(r))
            for r in freight
        ),
    )
    tariffs = tuple(
        Tariff(
            r.get("origin_country"),
            r.get("market_country"),
            resolve_selector(r, "products", universe.product_set, universe.products, unused),
            r.get("year_from"),
            r.get("year_to"),
            r.get("rate"),
            src(r),
        )
        for r in tables.get("Tariffs", [])
    )
    policies = tuple(_policy(r, settings, universe, src(r)) for r in tables.get("Policies", []))
    compatibility = frozenset(
        (r.get("line_type"), r.get("product_id")) for r in tables.get("Compatibility", [])
    )
    return Case(
        name=raw.path.stem,
        input_file=str(raw.path),
        input_sha256=raw.sha256,
        scenario=row,
        settings=settings,
        plants=plants,
        lines=lines,
        products=products,
        compatibility=compatibility,
        options=options,
        regions=regions,
        demand=demand,
        lanes=lanes,
        tariffs=tariffs,
        policies=tuple(p for p in policies if p.year_from <= p.year_to),
        decisions=_decisions(tables, {o.option_id for o in options}),
    )


def _decisions(tables: Tables, options: set[str]) -> tuple[Decision, ...]:
    return tuple(
        Decision(
            r.get("item"),
            r.get("decision"),
            r.get("year"),
            r.get("note") or "",
            r.get("item") in options,
            Source(r.sheet, r.row),
        )
        for r in tables.get("Decisions", [])
    )


def _option(r: Record, settings: Settings, source: Source) -> RetoolOption:
    removed = r.get("capacity_removed")
    if removed is None:
        removed = r.get("capacity_added") if r.get("from_line_type") else 0.0
    earliest = r.get("earliest_start")
    latest = r.get("latest_start")
    return RetoolOption(
        option_id=r.get("option_id"),
        plant_id=r.get("plant_id"),
        from_line_type=r.get("from_line_type"),
        to_line_type=r.get("to_line_type"),
        capacity_added=r.get("capacity_added"),
        capacity_removed=removed,
        capex=r.get("capex"),
        lead_time_years=r.get("lead_time_years"),
        fixed_cost_per_year=r.get("fixed_cost_per_year"),
        earliest_start=settings.first_year if earliest is None else earliest,
        latest_start=settings.last_year if latest is None else latest,
        source=source,
        ramp_up=parse_shares(r.get("ramp_up")) or (),
    )


def _policy(r: Record, settings: Settings, universe: Any, source: Source) -> Policy:
    unused: list[Problem] = []
    plan_kind = r.get("kind") in PLAN_POLICY_KINDS
    products = (
        frozenset()
        if plan_kind
        else resolve_selector(r, "products", universe.product_set, universe.products, unused)
    )
    regions = (
        frozenset()
        if plan_kind
        else resolve_selector(r, "regions", universe.region_set, universe.regions, unused)
    )
    plants = (
        resolve_selector(r, "plants", universe.plant_set, universe.plants, unused)
        if r.get("plants")
        else None
    )
    start = r.get("year_from")
    end = r.get("year_to")
    return Policy(
        policy_id=r.get("policy_id"),
        kind=r.get("kind"),
        value=r.get("value"),
        products=products,
        regions=regions,
        origin=r.get("origin") or "any",
        year_from=max(settings.first_year, settings.first_year if start is None else start),
        year_to=min(settings.last_year, settings.last_year if end is None else end),
        mode=r.get("mode") or "hard",
        penalty=r.get("penalty") or 0.0,
        source=source,
        plants=plants,
    )
