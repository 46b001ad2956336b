"""Every cross-cell check of SPEC §1 on typed tables: keys, references, selectors, windows.

Cell-level checks (type, range, allowed values) happen while coercing (`planner.tables`);
here the checks that need more than one cell. Each check appends `Problem`s and never stops
early, so one pass reports everything. `CHECKS` lists them in the order they run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.errors import Problem
from planner.schema import PLAN_POLICY_KINDS, SHARE_POLICY_KINDS, SHEETS, fmt_number
from planner.tables import Record, Tables

MAX_YEARS = 40
NONNEGATIVE_POLICY_KINDS = ("min_units", "max_units", "capex_budget", "capex_budget_total",
                            "max_retools")
DUPLICATES_ALLOWED = ("Compatibility",)  # a repeated row means nothing more: a warning


@dataclass(frozen=True)
class Universe:
    """The names selectors and references can point at."""

    plants: dict[str, Record]
    products: dict[str, Record]
    regions: dict[str, Record]
    line_types_by_plant: dict[str, dict[str, float]]

    def product_set(self, token: str) -> frozenset[str] | None:
        """The products a selector token names; None if the token's form is unknown."""
        if ":" not in token:
            return frozenset({token}) if token in self.products else frozenset()
        prefix, _, name = token.partition(":")
        field_name = {"segment": "segment", "powertrain": "powertrain"}.get(
            prefix.strip().lower())
        return None if field_name is None else _named(self.products, field_name, name)

    def region_set(self, token: str) -> frozenset[str] | None:
        if ":" not in token:
            return frozenset({token}) if token in self.regions else frozenset()
        prefix, _, name = token.partition(":")
        field_name = {"group": "group", "country": "country"}.get(prefix.strip().lower())
        return None if field_name is None else _named(self.regions, field_name, name)


def _named(records: dict[str, Record], column: str, name: str) -> frozenset[str]:
    wanted = name.strip().lower()
    return frozenset(key for key, record in records.items()
                     if str(record.values.get(column) or "").lower() == wanted)


def build_universe(tables: Tables) -> Universe:
    lines: dict[str, dict[str, float]] = defaultdict(dict)
    for record in tables.get("PlantLines", []):
        plant, line = record.values.get("plant_id"), record.values.get("line_type")
        if plant and line:
            lines[plant][line] = record.values.get("capacity") or 0.0
    return Universe(
        plants=_by_key(tables, "Plants", "plant_id"),
        products=_by_key(tables, "Products", "product_id"),
        regions=_by_key(tables, "Regions", "region_id"),
        line_types_by_plant=dict(lines),
    )


def _by_key(tables: Tables, sheet: str, column: str) -> dict[str, Record]:
    found: dict[str, Record] = {}
    for record in tables.get(sheet, []):
        key = record.values.get(column)
        if key is not None and key not in found:
            found[key] = record
    return found


def resolve_selector(
    record: Record, column: str, resolve: Callable[[str], frozenset[str] | None],
    everything: Iterable[str], problems: list[Problem],
) -> frozenset[str]:
    tokens: tuple[str, ...] = record.get(column) or ()
    if not tokens:
        return frozenset(everything)
    chosen: set[str] = set()
    for token in tokens:
        found = resolve(token)
        if found is None:
            problems.append(record.problem(column, f"selector token {token!r} has an unknown "
                                                   "prefix"))
        elif not found:
            problems.append(record.problem(column, f"selector token {token!r} names nothing"))
        else:
            chosen |= found
    return frozenset(chosen)


@dataclass
class Context:
    """What every check sees: the tables, typed settings, and where findings go."""

    tables: Tables
    settings: dict[str, Any]
    problems: list[Problem]
    warnings: list[Problem]
    universe: Universe = field(init=False)
    horizon: range = field(init=False)

    def __post_init__(self) -> None:
        self.universe = build_universe(self.tables)
        self.horizon = range(0)

    def rows(self, sheet: str) -> list[Record]:
        return self.tables.get(sheet, [])


def validate_tables(
    tables: Tables, settings: dict[str, Any], problems: list[Problem], warnings: list[Problem]
) -> None:
    """Run every cross-cell check; settings are already typed."""
    context = Context(tables, settings, problems, warnings)
    for check in CHECKS:
        check(context)


def check_needs_rows(ctx: Context) -> None:
    for schema in SHEETS:
        if schema.needs_rows and schema.name in ctx.tables and not ctx.tables[schema.name]:
            ctx.problems.append(Problem(schema.name, None, None, None,
                                        "needs at least one data row"))


def check_keys(ctx: Context) -> None:
    for schema in SHEETS:
        if not schema.key or schema.name == "Settings":
            continue
        found = ctx.warnings if schema.name in DUPLICATES_ALLOWED else ctx.problems
        seen: dict[tuple[Any, ...], int] = {}
        for record in ctx.rows(schema.name):
            values = record.values
            key = tuple(values.get(c) for c in schema.key)
            if None in key:
                continue
            first = seen.setdefault(key, record.row)
            if first != record.row:
                shown = ", ".join(f"{c}={v}" for c, v in zip(schema.key, key, strict=True))
                found.append(record.problem(schema.key[-1],
                                            f"duplicate {shown} (first on row {first})"))


def check_settings_keys(ctx: Context) -> None:
    seen: dict[str, int] = {}
    for record in ctx.rows("Settings"):
        setting = (record.get("key") or "").strip().lower()
        if setting in seen:
            ctx.problems.append(record.problem(
                "key", f"duplicate setting {setting!r} (first on row {seen[setting]})"))
        elif setting:
            seen[setting] = record.row


def check_horizon(ctx: Context) -> None:
    first, last = ctx.settings.get("first_year"), ctx.settings.get("last_year")
    if first is None or last is None:
        return
    where = _setting_record(ctx, "last_year")
    if last < first:
        ctx.problems.append(_setting_problem(where, f"last_year {last} is before first_year "
                                                    f"{first}"))
        return
    if last - first + 1 > MAX_YEARS:
        ctx.problems.append(_setting_problem(
            where, f"the horizon {first}-{last} has {last - first + 1} years; at most "
                   f"{MAX_YEARS} are allowed"))
    ctx.horizon = range(first, last + 1)


def _setting_record(ctx: Context, key: str) -> Record | None:
    return next((r for r in ctx.rows("Settings")
                 if (r.get("key") or "").strip().lower() == key), None)


def _setting_problem(record: Record | None, message: str) -> Problem:
    if record is None:
        return Problem("Settings", None, None, "value", message)
    return record.problem("value", message)


def _require(record: Record, column: str, names: Any, sheet: str,
             problems: list[Problem]) -> None:
    value = record.values.get(column)
    if value is not None and value not in names:
        what = column.removesuffix("_id")
        problems.append(record.problem(column, f"{what} {value!r} is not in {sheet}"))


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
        for record in ctx.rows(sheet):
            _require(record, column, names, target, problems)


def check_options(ctx: Context) -> None:
    for record in ctx.rows("RetoolOptions"):
        _check_option_lines(ctx, record)
        _check_option_window(ctx, record)


def _check_option_lines(ctx: Context, record: Record) -> None:
    plant, source = record.get("plant_id"), record.get("from_line_type")
    if source is None:
        if record.get("capacity_removed"):
            ctx.problems.append(record.problem(
                "capacity_removed", "capacity is removed but from_line_type is empty (a new "
                                    "line removes nothing): give the line converted"))
        return
    if plant not in ctx.universe.plants:
        return
    existing = ctx.universe.line_types_by_plant.get(plant, {})
    if source not in existing:
        ctx.problems.append(record.problem(
            "from_line_type", f"line type {source!r} does not exist at plant {plant!r} in "
                              "PlantLines"))
        return
    removed = record.get("capacity_removed")
    column = "capacity_removed"
    if removed is None:
        removed, column = record.get("capacity_added"), "capacity_added"
    if removed is not None and removed > existing[source] + 1e-9:
        ctx.problems.append(record.problem(
            column, f"removes {fmt_number(removed)} of {source} but plant {plant} has only "
                    f"{fmt_number(existing[source])} (PlantLines)"))


def _check_option_window(ctx: Context, record: Record) -> None:
    earliest, latest = record.get("earliest_start"), record.get("latest_start")
    horizon = ctx.horizon
    if earliest is not None and latest is not None and earliest > latest:
        ctx.problems.append(record.problem(
            "latest_start", f"latest_start {latest} is before earliest_start {earliest}"))
    elif horizon and ((earliest is not None and earliest > horizon[-1])
                      or (latest is not None and latest < horizon[0])):
        ctx.warnings.append(record.problem(
            "earliest_start", f"start window lies outside the horizon {horizon[0]}-"
                              f"{horizon[-1]}: the option can never be taken"))


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
        if record.values.get(column) is None and column in record.letters:
            ctx.problems.append(record.problem(
                column, f"{column} is required: {len(missing)} lane(s) {lanes} are not in "
                        f"Freight (e.g. {direction} {min(missing)})"))
        elif record.values.get(column) is None:
            ctx.problems.append(Problem(record.sheet, record.row, None, column,
                                        f"{column} is required (add the column): "
                                        f"{len(missing)} lane(s) {lanes} are not in Freight"))


def check_demand_years(ctx: Context) -> None:
    horizon = ctx.horizon
    if not horizon:
        return
    outside = [r for r in ctx.rows("Demand")
               if r.values.get("year") is not None and r.values.get("year") not in horizon]
    if outside:
        ctx.warnings.append(outside[0].problem(
            "year", f"{len(outside)} Demand row(s) outside the horizon {horizon[0]}-"
                    f"{horizon[-1]} are ignored"))


def _check_window(record: Record, problems: list[Problem]) -> bool:
    start, end = record.get("year_from"), record.get("year_to")
    if start is not None and end is not None and start > end:
        problems.append(record.problem("year_to", f"year_to {end} is before year_from {start}"))
        return False
    return True


def check_tariffs(ctx: Context) -> None:
    u = ctx.universe
    by_lane: dict[tuple[str, str], list[tuple[Record, frozenset[str]]]] = defaultdict(list)
    for record in ctx.rows("Tariffs"):
        products = resolve_selector(record, "products", u.product_set, u.products,
                                    ctx.problems)
        _check_tariff_countries(ctx, record)
        if _check_window(record, ctx.problems):
            lane = (record.get("origin_country"), record.get("market_country"))
            by_lane[lane].append((record, products))
    for rows in by_lane.values():
        _check_tariff_overlaps(rows, ctx.problems)


def _check_tariff_countries(ctx: Context, record: Record) -> None:
    origin, market = record.get("origin_country"), record.get("market_country")
    if origin is None or market is None:
        return
    if origin.lower() == market.lower():
        ctx.warnings.append(record.problem(
            "market_country", "origin and market are the same country: tariffs apply only "
                              "between countries, so this row has no effect"))
        return
    plant_countries = {str(r.values.get("country")).lower() for r in ctx.universe.plants.values()}
    region_countries = {str(r.values.get("country")).lower()
                        for r in ctx.universe.regions.values()}
    if origin.lower() not in plant_countries:
        ctx.warnings.append(record.problem(
            "origin_country", f"no plant is in {origin!r}: this row has no effect"))
    if market.lower() not in region_countries:
        ctx.warnings.append(record.problem(
            "market_country", f"no region is in {market!r}: this row has no effect"))


def _check_tariff_overlaps(
    rows: list[tuple[Record, frozenset[str]]], problems: list[Problem]
) -> None:
    for i, (first, first_products) in enumerate(rows):
        for second, second_products in rows[i + 1:]:
            common = first_products & second_products
            if common and _windows_overlap(first, second):
                problems.append(second.problem(
                    "products",
                    f"overlaps row {first.row}: both set a tariff for "
                    f"{first.get('origin_country')}->{first.get('market_country')} on "
                    f"{min(common)} in the same year"))


def _windows_overlap(first: Record, second: Record) -> bool:
    low = max(_or(first.get("year_from"), -10**9), _or(second.get("year_from"), -10**9))
    high = min(_or(first.get("year_to"), 10**9), _or(second.get("year_to"), 10**9))
    return low <= high


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def check_policies(ctx: Context) -> None:
    for record in ctx.rows("Policies"):
        kind = record.get("kind")
        _check_policy_scope(ctx, record, kind)
        _check_policy_value(ctx, record, kind)
        _check_policy_mode(ctx, record)
        _check_policy_window(ctx, record)


def _check_policy_scope(ctx: Context, record: Record, kind: str | None) -> None:
    u, problems = ctx.universe, ctx.problems
    if kind in PLAN_POLICY_KINDS:
        for column in ("products", "regions"):
            if record.get(column):
                problems.append(record.problem(
                    column, f"must be empty for kind {kind} (it limits retooling, not sales)"))
        if record.get("origin") not in (None, "any"):
            problems.append(record.problem("origin", f"must be empty or any for kind {kind}"))
        return
    resolve_selector(record, "products", u.product_set, u.products, problems)
    resolve_selector(record, "regions", u.region_set, u.regions, problems)
    if kind == "domestic_share_min" and record.get("origin") not in (None, "any"):
        problems.append(record.problem("origin", "must be any for domestic_share_min"))


def _check_policy_value(ctx: Context, record: Record, kind: str | None) -> None:
    value = record.get("value")
    if value is None:
        return
    shown = fmt_number(value)
    if kind in SHARE_POLICY_KINDS and not 0 <= value <= 1:
        message = f"a share must be in [0, 1] for {kind}, got {shown}"
    elif kind == "fleet_mpg_min" and value <= 0:
        message = f"must be > 0 for {kind}, got {shown}"
    elif kind in NONNEGATIVE_POLICY_KINDS and value < 0:
        message = f"must be >= 0 for {kind}, got {shown}"
    else:
        return
    ctx.problems.append(record.problem("value", message))


def _check_policy_mode(ctx: Context, record: Record) -> None:
    if record.get("mode") == "soft" and record.get("penalty") is None:
        ctx.problems.append(record.problem("penalty", "a soft policy needs a penalty"))
    elif record.get("mode") in (None, "hard") and record.get("penalty") is not None:
        ctx.warnings.append(record.problem("penalty", "a hard policy ignores its penalty (set "
                                                      "mode to soft to use it)"))


def _check_policy_window(ctx: Context, record: Record) -> None:
    horizon = ctx.horizon
    if not _check_window(record, ctx.problems) or not horizon:
        return
    start = _or(record.get("year_from"), horizon[0])
    end = _or(record.get("year_to"), horizon[-1])
    if start > horizon[-1] or end < horizon[0]:
        ctx.warnings.append(record.problem(
            "year_from", f"window lies outside the horizon {horizon[0]}-{horizon[-1]}: the "
                         "policy has no effect"))


def check_compatibility(ctx: Context) -> None:
    rows = ctx.rows("Compatibility")
    compatible = {r.values.get("product_id") for r in rows}
    for product_id, record in ctx.universe.products.items():
        if product_id not in compatible:
            ctx.warnings.append(record.problem(
                "product_id", f"product {product_id!r} has no compatible line type and can "
                              "never be built"))
    lines = {line for by_plant in ctx.universe.line_types_by_plant.values() for line in by_plant}
    lines |= {r.values["to_line_type"] for r in ctx.rows("RetoolOptions")}
    reported: set[str] = set()
    for record in rows:
        line = record.values.get("line_type")
        if line is not None and line not in lines and line not in reported:
            reported.add(line)
            ctx.warnings.append(record.problem(
                "line_type", f"line type {line!r} is at no plant (PlantLines) and gained by no "
                             "option (RetoolOptions.to_line_type): the row has no effect"))


CHECKS: tuple[Callable[[Context], None], ...] = (
    check_needs_rows,
    check_keys,
    check_settings_keys,
    check_horizon,
    check_references,
    check_options,
    check_coordinates,
    check_demand_years,
    check_tariffs,
    check_policies,
    check_compatibility,
)
