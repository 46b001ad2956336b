"""Checks of meaning: every product that is sold can be built somewhere, some day.

A line type builds a product when a Compatibility row pairs them. A line type exists when a
plant has it today (PlantLines) or an option gains it (RetoolOptions.to_line_type). A product
none of whose line types exists can never be built, whatever the plan, so its demand goes
unserved. That is an input error when the product has demand and is either a kei product
(the segment the planner is about) or has a launch cost (someone meant to launch it): most
often a misspelt line type, such as `KEI-ICE` for `KEI_ICE`. Otherwise it is a warning.
"""

from __future__ import annotations

from collections import defaultdict

from planner.contract.schema import fmt_number
from planner.read.tables import Record
from planner.read.validate.context import Context
from planner.read.validate.suggest import did_you_mean

FOCUS_SEGMENT = "kei"  # Products.segment of the cars the plan is about (case ignored)


def check_buildable(ctx: Context) -> None:
    """Products no existing line type can build; Compatibility rows of no effect."""
    lines = line_types(ctx)
    demand = demanded_units(ctx)
    rows_of: dict[str, list[Record]] = defaultdict(list)
    for record in ctx.rows("Compatibility"):
        rows_of[record.values.get("product_id") or ""].append(record)
    reported: set[int] = set()
    for product_id, product in ctx.universe.products.items():
        rows = rows_of.get(product_id, [])
        if not any(r.values.get("line_type") in lines for r in rows):
            _report_unbuildable(ctx, product, rows, lines, demand.get(product_id, 0.0))
            reported |= {r.row for r in rows}
    _report_lines_of_no_effect(ctx, lines, reported)


def line_types(ctx: Context) -> frozenset[str]:
    """Line types at a plant today or gained by an option."""
    found = {line for by_plant in ctx.universe.line_types_by_plant.values() for line in by_plant}
    found |= {r.values["to_line_type"] for r in ctx.rows("RetoolOptions")}
    return frozenset(line for line in found if line)


def demanded_units(ctx: Context) -> dict[str, float]:
    """Units of demand per product over the horizon (every year if the horizon is unknown)."""
    units: dict[str, float] = defaultdict(float)
    for record in ctx.rows("Demand"):
        product_id, year = record.values.get("product_id"), record.values.get("year")
        if product_id and (not ctx.horizon or year in ctx.horizon):
            units[product_id] += record.values.get("units") or 0.0
    return dict(units)


def _report_unbuildable(
    ctx: Context, product: Record, rows: list[Record], lines: frozenset[str], units: float
) -> None:
    product_id = product.values["product_id"]
    reason = _why_an_error(product) if units > 0 else None
    found = ctx.warnings if reason is None else ctx.problems
    if units <= 0:
        outcome = "can never be built"
    elif reason is None:
        outcome = f"can never be built: its demand of {fmt_number(units)} units goes unserved"
    else:
        outcome = f"can never be built, yet it has {fmt_number(units)} units of demand and {reason}"
    if not rows:
        found.append(
            product.problem(
                "product_id", f"product {product_id!r} has no compatible line type and {outcome}"
            )
        )
    for record in rows:
        line = record.values.get("line_type")
        if line is None:
            continue
        found.append(
            record.problem(
                "line_type",
                f"line type {line!r} is at no plant (PlantLines) and gained by no option "
                f"(RetoolOptions.to_line_type), so product {product_id!r} {outcome}"
                + did_you_mean(line, lines),
            )
        )


def _why_an_error(product: Record) -> str | None:
    if str(product.values.get("segment") or "").strip().lower() == FOCUS_SEGMENT:
        return f"is a {FOCUS_SEGMENT} product"
    if (product.values.get("launch_cost") or 0.0) > 0:
        return "has a launch_cost"
    return None


def _report_lines_of_no_effect(ctx: Context, lines: frozenset[str], reported: set[int]) -> None:
    """A Compatibility row whose line type exists nowhere, once per line type."""
    seen: set[str] = set()
    for record in ctx.rows("Compatibility"):
        line = record.values.get("line_type")
        if line is None or line in lines or line in seen or record.row in reported:
            continue
        seen.add(line)
        ctx.warnings.append(
            record.problem(
                "line_type",
                f"line type {line!r} is at no plant (PlantLines) and gained by no option "
                "(RetoolOptions.to_line_type): the row has no effect" + did_you_mean(line, lines),
            )
        )
