"""Checks of the Decisions sheet.

An item is an option_id or a product_id with a launch cost (never both); at most one take /
never / start row and one record row per item; `year` is required for `start` and for the
`record` of an option, and must be empty otherwise; a year must lie in the option's start
window (earliest/latest start within the horizon); `take` needs a non-empty window; `start`
applies to options only.
"""

from __future__ import annotations

from planner.read.tables import Record
from planner.read.validate.context import Context, or_default


def check_decisions(ctx: Context) -> None:
    options = {r.get("option_id"): r for r in ctx.rows("RetoolOptions") if r.get("option_id")}
    products = ctx.universe.products
    seen: dict[tuple[str, bool], Record] = {}
    for record in ctx.rows("Decisions"):
        item, decision = record.get("item"), record.get("decision")
        if item is None or decision is None:
            continue
        if item in options and item in products:
            ctx.problems.append(
                record.problem(
                    "item", f"{item!r} is both an option_id and a product_id: rename one"
                )
            )
            continue
        if item in options:
            _check_option_decision(ctx, record, options[item])
        elif item in products:
            _check_product_decision(ctx, record, products[item])
        else:
            ctx.problems.append(
                record.problem(
                    "item",
                    f"{item!r} is neither a RetoolOptions option_id nor a Products product_id",
                )
            )
            continue
        _check_once(ctx, record, seen)


def _check_once(ctx: Context, record: Record, seen: dict[tuple[str, bool], Record]) -> None:
    key = (record.get("item"), record.get("decision") == "record")
    first = seen.setdefault(key, record)
    if first is not record:
        what = "record row" if key[1] else "take/never/start row"
        ctx.problems.append(
            record.problem(
                "decision", f"a second {what} for {key[0]!r} (the first is row {first.row})"
            )
        )


def _check_option_decision(ctx: Context, record: Record, option: Record) -> None:
    decision, year = record.get("decision"), record.get("year")
    window = _window(ctx, option)
    if decision in ("start", "record"):
        if year is None:
            ctx.problems.append(
                record.problem("year", f"{decision} of an option needs its start year")
            )
        elif window is not None and year not in window:
            ctx.problems.append(record.problem("year", _outside(year, window, option)))
        return
    if year is not None:
        ctx.problems.append(
            record.problem("year", f"must be empty for {decision} (only start and record use it)")
        )
    if decision == "take" and window is not None and not window:
        ctx.problems.append(
            record.problem(
                "decision",
                f"option {option.get('option_id')!r} cannot start in the horizon (its start "
                "window is empty), so it cannot be taken",
            )
        )


def _check_product_decision(ctx: Context, record: Record, product: Record) -> None:
    decision = record.get("decision")
    if not (product.get("launch_cost") or 0) > 0:
        ctx.problems.append(
            record.problem(
                "item",
                f"product {record.get('item')!r} has no launch cost, so it has no launch to decide",
            )
        )
    if decision == "start":
        ctx.problems.append(
            record.problem("decision", "start applies to options; for a product use take")
        )
    elif record.get("year") is not None:
        ctx.problems.append(
            record.problem("year", "must be empty for a product (a launch has no year)")
        )


def _window(ctx: Context, option: Record) -> range | None:
    horizon = ctx.horizon
    if not horizon:
        return None
    first = max(or_default(option.get("earliest_start"), horizon[0]), horizon[0])
    last = min(or_default(option.get("latest_start"), horizon[-1]), horizon[-1])
    return range(first, last + 1)


def _outside(year: int, window: range, option: Record) -> str:
    option_id = option.get("option_id")
    if not window:
        return f"option {option_id!r} cannot start in the horizon (its start window is empty)"
    return (
        f"year {year} is outside the start window {window[0]}-{window[-1]} of option {option_id!r}"
    )
