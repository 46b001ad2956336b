"""Checks of Tariffs and Policies: selectors, windows, overlaps, values by kind."""

from __future__ import annotations

from collections import defaultdict

from planner.contract.errors import Problem
from planner.contract.policy_kinds import KINDS
from planner.contract.schema import fmt_number
from planner.read.tables import Record
from planner.read.validate.context import (
    Context,
    check_window,
    or_default,
    resolve_selector,
)


def check_tariffs(ctx: Context) -> None:
    u = ctx.universe
    by_lane: dict[tuple[str, str], list[tuple[Record, frozenset[str]]]] = defaultdict(list)
    for record in ctx.rows("Tariffs"):
        products = resolve_selector(
            record, "products", u.product_set, u.products, ctx.problems, u.product_tokens()
        )
        _check_tariff_countries(ctx, record)
        if check_window(record, ctx.problems):
            lane = (record.get("origin_country"), record.get("market_country"))
            by_lane[lane].append((record, products))
    for rows in by_lane.values():
        _check_tariff_overlaps(rows, ctx.problems)


def _check_tariff_countries(ctx: Context, record: Record) -> None:
    origin, market = record.get("origin_country"), record.get("market_country")
    if origin is None or market is None:
        return
    if origin.lower() == market.lower():
        ctx.warnings.append(
            record.problem(
                "market_country",
                "origin and market are the same country: tariffs apply only "
                "between countries, so this row has no effect",
            )
        )
        return
    plant_countries = {str(r.values.get("country")).lower() for r in ctx.universe.plants.values()}
    region_countries = {str(r.values.get("country")).lower() for r in ctx.universe.regions.values()}
    if origin.lower() not in plant_countries:
        ctx.warnings.append(
            record.problem("origin_country", f"no plant is in {origin!r}: this row has no effect")
        )
    if market.lower() not in region_countries:
        ctx.warnings.append(
            record.problem("market_country", f"no region is in {market!r}: this row has no effect")
        )


def _check_tariff_overlaps(
    rows: list[tuple[Record, frozenset[str]]], problems: list[Problem]
) -> None:
    for i, (first, first_products) in enumerate(rows):
        for second, second_products in rows[i + 1 :]:
            common = first_products & second_products
            if common and _windows_overlap(first, second):
                problems.append(
                    second.problem(
                        "products",
                        f"overlaps row {first.row}: both set a tariff for "
                        f"{first.get('origin_country')}->{first.get('market_country')} on "
                        f"{min(common)} in the same year",
                    )
                )


def _windows_overlap(first: Record, second: Record) -> bool:
    low = max(
        or_default(first.get("year_from"), -(10**9)), or_default(second.get("year_from"), -(10**9))
    )
    high = min(or_default(first.get("year_to"), 10**9), or_default(second.get("year_to"), 10**9))
    return low <= high


def check_policies(ctx: Context) -> None:
    for record in ctx.rows("Policies"):
        kind = record.get("kind")
        _check_policy_scope(ctx, record, kind)
        _check_policy_value(ctx, record, kind)
        _check_policy_mode(ctx, record)
        _check_policy_window(ctx, record)


def _check_policy_scope(ctx: Context, record: Record, kind: str | None) -> None:
    """Only the scope columns the kind allows may be filled (see planner.contract.policy_kinds)."""
    _check_policy_plants(ctx, record, kind)
    u, problems = ctx.universe, ctx.problems
    meaning = KINDS.get(kind or "")
    allowed = meaning.selectors if meaning is not None else frozenset({"products", "regions"})
    plan = meaning is not None and meaning.plan
    sets = {
        "products": (u.product_set, u.products, u.product_tokens),
        "regions": (u.region_set, u.regions, u.region_tokens),
    }
    for column, (named, names, tokens) in sets.items():
        if column in allowed:
            resolve_selector(record, column, named, names, problems, tokens())
        elif record.get(column):
            why = " (it limits retooling, not sales)" if plan else ""
            problems.append(record.problem(column, f"must be empty for kind {kind}{why}"))
    if meaning is None or "origin" in meaning.selectors or record.get("origin") in (None, "any"):
        return
    shown = f"must be empty or any for kind {kind}" if plan else f"must be any for {kind}"
    problems.append(record.problem("origin", shown))


def _check_policy_plants(ctx: Context, record: Record, kind: str | None) -> None:
    """Tokens must name plants; never on domestic_share_min; warn when no plant is left."""
    if not record.get("plants"):
        return
    meaning = KINDS.get(kind or "")
    if meaning is not None and "plants" not in meaning.selectors:
        ctx.problems.append(record.problem("plants", f"must be empty for {kind} (origin decides)"))
        return
    u = ctx.universe
    found = len(ctx.problems)
    plants = resolve_selector(record, "plants", u.plant_set, u.plants, ctx.problems)
    if len(ctx.problems) > found:
        return
    origin = record.get("origin") or "any"
    home = str(ctx.settings.get("domestic_country") or "US")
    kept = [
        p
        for p in plants
        if origin == "any"
        or (str(u.plants[p].values.get("country")) == home) == (origin == "domestic")
    ]
    if not kept:
        ctx.warnings.append(
            record.problem(
                "plants",
                f"no selected plant is {origin} (domestic_country {home}): the policy counts "
                "no units",
            )
        )


def _check_policy_value(ctx: Context, record: Record, kind: str | None) -> None:
    value = record.get("value")
    if value is None:
        return
    shown = fmt_number(value)
    meaning = KINDS.get(kind or "")
    check = "any" if meaning is None else meaning.value_check
    if check == "share" and not 0 <= value <= 1:
        message = f"a share must be in [0, 1] for {kind}, got {shown}"
    elif check == "positive" and value <= 0:
        message = f"must be > 0 for {kind}, got {shown}"
    elif check == "nonnegative" and value < 0:
        message = f"must be >= 0 for {kind}, got {shown}"
    else:
        return
    ctx.problems.append(record.problem("value", message))


def _check_policy_mode(ctx: Context, record: Record) -> None:
    if record.get("mode") == "soft" and record.get("penalty") is None:
        ctx.problems.append(record.problem("penalty", "a soft policy needs a penalty"))
    elif record.get("mode") in (None, "hard") and record.get("penalty") is not None:
        ctx.warnings.append(
            record.problem(
                "penalty", "a hard policy ignores its penalty (set mode to soft to use it)"
            )
        )


def _check_policy_window(ctx: Context, record: Record) -> None:
    horizon = ctx.horizon
    if not check_window(record, ctx.problems) or not horizon:
        return
    start = or_default(record.get("year_from"), horizon[0])
    end = or_default(record.get("year_to"), horizon[-1])
    if start > horizon[-1] or end < horizon[0]:
        ctx.warnings.append(
            record.problem(
                "year_from",
                f"window lies outside the horizon {horizon[0]}-{horizon[-1]}: the "
                "policy has no effect",
            )
        )
