"""Every cross-cell check of SPEC §1 on typed tables: keys, references, selectors, windows.

Cell-level checks (type, range, allowed values) happen while coercing (`planner.tables`);
here the checks that need more than one cell. Each check appends `Problem`s and never stops
early, so one pass reports everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from planner.errors import Problem
from planner.schema import PLAN_POLICY_KINDS, SHARE_POLICY_KINDS, SHEETS
from planner.tables import Record, Tables

MAX_YEARS = 40


@dataclass(frozen=True)
class Universe:
    """The names selectors and references can point at."""

    plants: frozenset[str]
    products: dict[str, Record]
    regions: dict[str, Record]
    line_types_by_plant: dict[str, dict[str, float]]

    def product_set(self, token: str) -> frozenset[str] | None:
        """The products a selector token names; None if the token's form is unknown."""
        if ":" not in token:
            return frozenset({token}) if token in self.products else frozenset()
        prefix, _, name = token.partition(":")
        prefix = prefix.strip().lower()
        name = name.strip()
        if prefix == "segment":
            return frozenset(p for p, r in self.products.items()
                             if str(r.get("segment")).lower() == name.lower())
        if prefix == "powertrain":
            return frozenset(p for p, r in self.products.items()
                             if str(r.get("powertrain")).upper() == name.upper())
        return None

    def region_set(self, token: str) -> frozenset[str] | None:
        if ":" not in token:
            return frozenset({token}) if token in self.regions else frozenset()
        prefix, _, name = token.partition(":")
        prefix = prefix.strip().lower()
        name = name.strip()
        if prefix == "group":
            return frozenset(r for r, rec in self.regions.items()
                             if (rec.get("group") or "").lower() == name.lower())
        if prefix == "country":
            return frozenset(r for r, rec in self.regions.items()
                             if str(rec.get("country")).lower() == name.lower())
        return None


def build_universe(tables: Tables) -> Universe:
    lines: dict[str, dict[str, float]] = defaultdict(dict)
    for record in tables.get("PlantLines", []):
        if record.get("plant_id") and record.get("line_type"):
            lines[record.get("plant_id")][record.get("line_type")] = record.get("capacity") or 0.0
    return Universe(
        plants=frozenset(r.get("plant_id") for r in tables.get("Plants", []) if r.get("plant_id")),
        products={r.get("product_id"): r for r in tables.get("Products", [])
                  if r.get("product_id")},
        regions={r.get("region_id"): r for r in tables.get("Regions", []) if r.get("region_id")},
        line_types_by_plant=dict(lines),
    )


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


def validate_tables(
    tables: Tables, settings: dict[str, Any], problems: list[Problem], warnings: list[Problem]
) -> None:
    """Run every cross-cell check; settings are already typed."""
    universe = build_universe(tables)
    _check_needs_rows(tables, problems)
    _check_keys(tables, problems)
    horizon = _check_horizon(settings, problems)
    _check_references(tables, universe, problems, warnings)
    _check_options(tables, universe, horizon, problems, warnings)
    _check_coordinates(tables, problems)
    _check_demand(tables, horizon, warnings)
    _check_tariffs(tables, universe, problems)
    _check_policies(tables, universe, horizon, problems, warnings)
    _check_compatibility(tables, universe, warnings)


def _check_needs_rows(tables: Tables, problems: list[Problem]) -> None:
    for schema in SHEETS:
        if schema.needs_rows and schema.name in tables and not tables[schema.name]:
            problems.append(Problem(schema.name, None, None, None, "needs at least one data row"))


def _check_keys(tables: Tables, problems: list[Problem]) -> None:
    for schema in SHEETS:
        if not schema.key or schema.name == "Settings":
            continue
        seen: dict[tuple[Any, ...], int] = {}
        for record in tables.get(schema.name, []):
            key = tuple(record.get(c) for c in schema.key)
            if any(part is None for part in key):
                continue
            if key in seen:
                shown = ", ".join(f"{c}={v}" for c, v in zip(schema.key, key, strict=True))
                problems.append(record.problem(schema.key[-1],
                                               f"duplicate {shown} (first on row {seen[key]})"))
            else:
                seen[key] = record.row
    seen_keys: dict[str, int] = {}
    for record in tables.get("Settings", []):
        setting = (record.get("key") or "").strip().lower()
        if setting in seen_keys:
            problems.append(record.problem("key", f"duplicate setting {setting!r} (first on row "
                                                  f"{seen_keys[setting]})"))
        elif setting:
            seen_keys[setting] = record.row


def _check_horizon(settings: dict[str, Any], problems: list[Problem]) -> range:
    first, last = settings.get("first_year"), settings.get("last_year")
    if first is None or last is None:
        return range(0)
    if last < first:
        problems.append(Problem("Settings", None, None, "value",
                                f"last_year {last} is before first_year {first}"))
        return range(0)
    if last - first + 1 > MAX_YEARS:
        problems.append(Problem("Settings", None, None, "value",
                                f"the horizon {first}-{last} has {last - first + 1} years; "
                                f"at most {MAX_YEARS} are allowed"))
    return range(first, last + 1)


def _require(record: Record, column: str, names: Iterable[str], what: str,
             problems: list[Problem]) -> None:
    value = record.get(column)
    if value is not None and value not in names:
        problems.append(record.problem(column, f"{what} {value!r} is not in {_sheet_of(what)}"))


def _sheet_of(what: str) -> str:
    return {"plant": "Plants", "product": "Products", "region": "Regions",
            "scenario": "Scenarios"}.get(what, what)


def _check_references(
    tables: Tables, universe: Universe, problems: list[Problem], warnings: list[Problem]
) -> None:
    for record in tables.get("PlantLines", []):
        _require(record, "plant_id", universe.plants, "plant", problems)
    for record in tables.get("Compatibility", []):
        _require(record, "product_id", universe.products, "product", problems)
    for record in tables.get("Demand", []):
        _require(record, "region_id", universe.regions, "region", problems)
        _require(record, "product_id", universe.products, "product", problems)
    for record in tables.get("Freight", []):
        _require(record, "plant_id", universe.plants, "plant", problems)
        _require(record, "region_id", universe.regions, "region", problems)
    for record in tables.get("RetoolOptions", []):
        _require(record, "plant_id", universe.plants, "plant", problems)


def _check_options(
    tables: Tables, universe: Universe, horizon: range, problems: list[Problem],
    warnings: list[Problem],
) -> None:
    for record in tables.get("RetoolOptions", []):
        plant, source_line = record.get("plant_id"), record.get("from_line_type")
        existing = universe.line_types_by_plant.get(plant, {})
        if source_line is not None and plant in universe.plants:
            if source_line not in existing:
                problems.append(record.problem(
                    "from_line_type",
                    f"line type {source_line!r} does not exist at plant {plant!r} in PlantLines"))
            else:
                removed = record.get("capacity_removed")
                if removed is None:
                    removed = record.get("capacity_added")
                if removed is not None and removed > existing[source_line] + 1e-9:
                    problems.append(record.problem(
                        "capacity_removed",
                        f"removes {removed:g} but {plant} has only {existing[source_line]:g} of "
                        f"{source_line}"))
        earliest, latest = record.get("earliest_start"), record.get("latest_start")
        if earliest is not None and latest is not None and earliest > latest:
            problems.append(record.problem("latest_start",
                                           f"latest_start {latest} is before earliest_start "
                                           f"{earliest}"))
        elif horizon and (
            (earliest is not None and earliest > horizon[-1])
            or (latest is not None and latest < horizon[0])
        ):
            warnings.append(record.problem("earliest_start",
                                           "start window lies outside the horizon: the option "
                                           "can never be taken"))


def _check_coordinates(tables: Tables, problems: list[Problem]) -> None:
    """lat/lon are required unless every lane of the plant (or to the region) is in Freight."""
    plants = [r for r in tables.get("Plants", []) if r.get("plant_id")]
    regions = [r for r in tables.get("Regions", []) if r.get("region_id")]
    lanes = {(r.get("plant_id"), r.get("region_id")) for r in tables.get("Freight", [])}
    for plant in plants:
        if plant.get("lat") is not None and plant.get("lon") is not None:
            continue
        missing = [r.get("region_id") for r in regions
                   if (plant.get("plant_id"), r.get("region_id")) not in lanes]
        if missing:
            column = "lat" if plant.get("lat") is None else "lon"
            problems.append(plant.problem(column, f"{column} is required: {len(missing)} lane(s) "
                                                  f"from this plant are not in Freight "
                                                  f"(e.g. to {missing[0]})"))
    for region in regions:
        if region.get("lat") is not None and region.get("lon") is not None:
            continue
        missing = [p.get("plant_id") for p in plants
                   if (p.get("plant_id"), region.get("region_id")) not in lanes]
        if missing:
            column = "lat" if region.get("lat") is None else "lon"
            problems.append(region.problem(column, f"{column} is required: {len(missing)} "
                                                   f"lane(s) to this region are not in Freight "
                                                   f"(e.g. from {missing[0]})"))


def _check_demand(tables: Tables, horizon: range, warnings: list[Problem]) -> None:
    if not horizon:
        return
    outside = [r for r in tables.get("Demand", [])
               if r.get("year") is not None and r.get("year") not in horizon]
    if outside:
        first = outside[0]
        warnings.append(first.problem("year", f"{len(outside)} Demand row(s) outside the horizon "
                                              f"{horizon[0]}-{horizon[-1]} are ignored"))


def _check_window(record: Record, problems: list[Problem]) -> bool:
    start, end = record.get("year_from"), record.get("year_to")
    if start is not None and end is not None and start > end:
        problems.append(record.problem("year_to", f"year_to {end} is before year_from {start}"))
        return False
    return True


def _check_tariffs(tables: Tables, universe: Universe, problems: list[Problem]) -> None:
    rows = []
    for record in tables.get("Tariffs", []):
        products = resolve_selector(record, "products", universe.product_set,
                                    universe.products, problems)
        if _check_window(record, problems):
            rows.append((record, products))
    for i, (first, first_products) in enumerate(rows):
        for second, second_products in rows[i + 1:]:
            if (first.get("origin_country"), first.get("market_country")) != (
                    second.get("origin_country"), second.get("market_country")):
                continue
            common = first_products & second_products
            if common and _windows_overlap(first, second):
                problems.append(second.problem(
                    "products",
                    f"overlaps row {first.row}: both set a tariff for "
                    f"{first.get('origin_country')}->{first.get('market_country')} on "
                    f"{sorted(common)[0]}"))


def _windows_overlap(first: Record, second: Record) -> bool:
    low = max(_or(first.get("year_from"), -10**9), _or(second.get("year_from"), -10**9))
    high = min(_or(first.get("year_to"), 10**9), _or(second.get("year_to"), 10**9))
    return low <= high


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _check_policies(
    tables: Tables, universe: Universe, horizon: range, problems: list[Problem],
    warnings: list[Problem],
) -> None:
    for record in tables.get("Policies", []):
        kind = record.get("kind")
        if kind in PLAN_POLICY_KINDS:
            for column in ("products", "regions"):
                if record.get(column):
                    problems.append(record.problem(column, f"must be empty for kind {kind}"))
            if record.get("origin") not in (None, "any"):
                problems.append(record.problem("origin", f"must be empty for kind {kind}"))
        else:
            resolve_selector(record, "products", universe.product_set, universe.products,
                             problems)
            resolve_selector(record, "regions", universe.region_set, universe.regions, problems)
        if kind == "domestic_share_min" and record.get("origin") not in (None, "any"):
            problems.append(record.problem("origin", "must be any for domestic_share_min"))
        value = record.get("value")
        if kind in SHARE_POLICY_KINDS and value is not None and not 0 <= value <= 1:
            problems.append(record.problem("value", f"a share must be in [0, 1], got {value:g}"))
        if kind == "fleet_mpg_min" and value is not None and value <= 0:
            problems.append(record.problem("value", f"must be > 0, got {value:g}"))
        if record.get("mode") == "soft" and record.get("penalty") is None:
            problems.append(record.problem("penalty", "a soft policy needs a penalty"))
        if _check_window(record, problems) and horizon:
            start = _or(record.get("year_from"), horizon[0])
            end = _or(record.get("year_to"), horizon[-1])
            if start > horizon[-1] or end < horizon[0]:
                warnings.append(record.problem("year_from", "window lies outside the horizon: "
                                                            "the policy has no effect"))


def _check_compatibility(tables: Tables, universe: Universe, warnings: list[Problem]) -> None:
    compatible = {r.get("product_id") for r in tables.get("Compatibility", [])}
    for product_id, record in universe.products.items():
        if product_id not in compatible:
            warnings.append(record.problem("product_id", f"product {product_id!r} has no "
                                                         "compatible line type and can never "
                                                         "be built"))

