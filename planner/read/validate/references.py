"""Checks that names point at something: plants, products, regions, lines, coordinates."""

from __future__ import annotations

from collections import defaultdict

from planner.contract.errors import Problem
from planner.contract.schema import fmt_number
from planner.read.tables import Record
from planner.read.validate.context import (
    Context,
    require_reference,
)
from planner.read.validate.suggest import did_you_mean


def check_references(ctx: Context) -> None:
    u, problems = ctx.universe, ctx.problems
    for sheet, column, names, target in (
        ("PlantLines", "plant_id", u.plants, "Plants"),
        ("Compatibility", "product_id", u.products, "Products"),
        ("Demand", "region_id", u.regions, "Regions"),
        ("Demand", "product_id", u.products, "Products"),
        ("Freight", "plant_id", u.plants, "Plants"),
        ("Freight", "region_id", u.regions, "Regions"),
        ("RetoolOptions", "plant_id", u.plants, "Plants"),
    ):
        if target not in ctx.tables:  # missing or unreadable: reported once, as such
            continue
        for record in ctx.rows(sheet):
            require_reference(record, column, names, target, problems)


def check_options(ctx: Context) -> None:
    for record in ctx.rows("RetoolOptions"):
        _check_option_lines(ctx, record)
        _check_option_window(ctx, record)


def _check_option_lines(ctx: Context, record: Record) -> None:
    plant, source = record.get("plant_id"), record.get("from_line_type")
    if source is None:
        if record.get("capacity_removed"):
            ctx.problems.append(
                record.problem(
                    "capacity_removed",
                    "capacity is removed but from_line_type is empty (a new "
                    "line removes nothing): give the line converted",
                )
            )
        return
    if plant not in ctx.universe.plants:
        return
    existing = ctx.universe.line_types_by_plant.get(plant, {})
    if source not in existing:
        ctx.problems.append(
            record.problem(
                "from_line_type",
                f"line type {source!r} does not exist at plant {plant!r} in PlantLines"
                + did_you_mean(source, existing),
            )
        )
        return
    removed = record.get("capacity_removed")
    column = "capacity_removed"
    if removed is None:
        removed, column = record.get("capacity_added"), "capacity_added"
    if removed is not None and removed > existing[source] + 1e-9:
        ctx.problems.append(
            record.problem(
                column,
                f"removes {fmt_number(removed)} of {source} but plant {plant} has only "
                f"{fmt_number(existing[source])} (PlantLines)",
            )
        )


def _check_option_window(ctx: Context, record: Record) -> None:
    earliest, latest = record.get("earliest_start"), record.get("latest_start")
    horizon = ctx.horizon
    if earliest is not None and latest is not None and earliest > latest:
        ctx.problems.append(
            record.problem(
                "latest_start", f"latest_start {latest} is before earliest_start {earliest}"
            )
        )
    elif horizon and (
        (earliest is not None and earliest > horizon[-1])
        or (latest is not None and latest < horizon[0])
    ):
        ctx.warnings.append(
            record.problem(
                "earliest_start",
                f"start window lies outside the horizon {horizon[0]}-"
                f"{horizon[-1]}: the option can never be taken",
            )
        )


def check_coordinates(ctx: Context) -> None:
    """lat/lon are required unless every lane of the plant (or to the region) is in Freight."""
    plants, regions = ctx.universe.plants, ctx.universe.regions
    to_regions: dict[str, set[str]] = defaultdict(set)
    from_plants: dict[str, set[str]] = defaultdict(set)
    for lane in ctx.rows("Freight"):
        plant, region = lane.values["plant_id"], lane.values["region_id"]
        to_regions[plant].add(region)
        from_plants[region].add(plant)
    for plant_id, plant in plants.items():
        missing = regions.keys() - to_regions.get(plant_id, set())
        _need_coordinates(ctx, plant, missing, "from this plant", "to")
    for region_id, region in regions.items():
        missing = plants.keys() - from_plants.get(region_id, set())
        _need_coordinates(ctx, region, missing, "to this region", "from")


def _need_coordinates(
    ctx: Context, record: Record, missing: set[str], lanes: str, direction: str
) -> None:
    if not missing:
        return
    for column in ("lat", "lon"):
        if column in record.bad:  # reported already; "required" would mislead
            continue
        if record.values.get(column) is None and column in record.letters:
            ctx.problems.append(
                record.problem(
                    column,
                    f"{column} is required: {len(missing)} lane(s) {lanes} are not in "
                    f"Freight (e.g. {direction} {min(missing)})",
                )
            )
        elif record.values.get(column) is None:
            ctx.problems.append(
                Problem(
                    record.sheet,
                    record.row,
                    None,
                    column,
                    f"{column} is required (add the column): "
                    f"{len(missing)} lane(s) {lanes} are not in Freight",
                )
            )


def check_demand_years(ctx: Context) -> None:
    horizon = ctx.horizon
    if not horizon:
        return
    outside = [
        r
        for r in ctx.rows("Demand")
        if r.values.get("year") is not None and r.values.get("year") not in horizon
    ]
    if outside:
        ctx.warnings.append(
            outside[0].problem(
                "year",
                f"{len(outside)} Demand row(s) outside the horizon {horizon[0]}-"
                f"{horizon[-1]} are ignored",
            )
        )
