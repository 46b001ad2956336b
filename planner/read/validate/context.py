"""What every check sees (`Context`), the names selectors can point at (`Universe`), and
small helpers the checks share."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.contract.errors import Problem
from planner.read.tables import Record, Tables
from planner.read.validate.suggest import did_you_mean

MAX_YEARS = 40


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
        field_name = {"segment": "segment", "powertrain": "powertrain"}.get(prefix.strip().lower())
        return None if field_name is None else _named(self.products, field_name, name)

    def plant_set(self, token: str) -> frozenset[str] | None:
        if ":" not in token:
            return frozenset({token}) if token in self.plants else frozenset()
        prefix, _, name = token.partition(":")
        field_name = {"country": "country", "state": "state"}.get(prefix.strip().lower())
        return None if field_name is None else _named(self.plants, field_name, name)

    def region_set(self, token: str) -> frozenset[str] | None:
        if ":" not in token:
            return frozenset({token}) if token in self.regions else frozenset()
        prefix, _, name = token.partition(":")
        field_name = {"group": "group", "country": "country"}.get(prefix.strip().lower())
        return None if field_name is None else _named(self.regions, field_name, name)

    def product_tokens(self) -> frozenset[str]:
        """Every token a product selector can hold, for near-miss suggestions."""
        return frozenset(self.products) | _tokens(
            self.products, {"segment": "segment", "powertrain": "powertrain"}
        )

    def region_tokens(self) -> frozenset[str]:
        return frozenset(self.regions) | _tokens(
            self.regions, {"group": "group", "country": "country"}
        )


def _tokens(records: dict[str, Record], prefixes: dict[str, str]) -> frozenset[str]:
    return frozenset(
        f"{prefix}:{record.values[column]}"
        for prefix, column in prefixes.items()
        for record in records.values()
        if record.values.get(column)
    )


def _named(records: dict[str, Record], column: str, name: str) -> frozenset[str]:
    wanted = name.strip().lower()
    return frozenset(
        key
        for key, record in records.items()
        if str(record.values.get(column) or "").lower() == wanted
    )


def build_universe(tables: Tables) -> Universe:
    lines: dict[str, dict[str, float]] = defaultdict(dict)
    for record in tables.get("PlantLines", []):
        plant, line = record.values.get("plant_id"), record.values.get("line_type")
        if plant and line:
            capacity = record.values.get("capacity")
            # a capacity already reported as bad is unknown: NaN fails no comparison
            lines[plant][line] = math.nan if "capacity" in record.bad else capacity or 0.0
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
    record: Record,
    column: str,
    resolve: Callable[[str], frozenset[str] | None],
    everything: Iterable[str],
    problems: list[Problem],
    known: Iterable[str] = (),
) -> frozenset[str]:
    """The union of what the tokens of `record[column]` name; `known` are the valid tokens
    a near miss is matched against (the ids of `everything` if not given)."""
    tokens: tuple[str, ...] = record.get(column) or ()
    if not tokens:
        return frozenset(everything)
    chosen: set[str] = set()
    for token in tokens:
        found = resolve(token)
        if found is None:
            problems.append(
                record.problem(column, f"selector token {token!r} has an unknown prefix")
            )
        elif not found:
            hint = did_you_mean(token, known or everything)
            problems.append(record.problem(column, f"selector token {token!r} names nothing{hint}"))
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


def require_reference(
    record: Record, column: str, names: Any, sheet: str, problems: list[Problem]
) -> None:
    value = record.values.get(column)
    if value is not None and value not in names:
        what = column.removesuffix("_id")
        hint = did_you_mean(value, names)
        problems.append(record.problem(column, f"{what} {value!r} is not in {sheet}{hint}"))


def check_window(record: Record, problems: list[Problem]) -> bool:
    start, end = record.get("year_from"), record.get("year_to")
    if start is not None and end is not None and start > end:
        problems.append(record.problem("year_to", f"year_to {end} is before year_from {start}"))
        return False
    return True


def or_default(value: int | None, default: int) -> int:
    return default if value is None else value
