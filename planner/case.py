"""The validated planning case: typed, frozen data the model stage consumes.

Nothing here knows about Excel beyond `Source`, which lets any message, diagnosis or shadow
price point back to the row it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from planner.contract.schema import SETTINGS


@dataclass(frozen=True)
class Source:
    sheet: str
    row: int

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row}"


@dataclass(frozen=True)
class Settings:
    """The Settings sheet's values; every field is given (the loader fills the defaults from
    `planner.contract.schema.SETTINGS`, the one place they are written)."""

    first_year: int
    last_year: int
    discount_rate: float
    terminal_years: int
    domestic_country: str
    freight_cost_per_mile: float
    road_circuity: float
    solver: str
    time_limit_s: float
    mip_gap: float
    risk_weight: float
    cvar_alpha: float
    alternatives: int
    alternatives_within: float

    @classmethod
    def with_defaults(cls, **values: Any) -> Settings:
        """Settings from `values`, every key not given at its schema default."""
        defaults: dict[str, Any] = {s.key: s.default for s in SETTINGS if not s.required}
        return cls(**(defaults | values))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first_year, self.last_year + 1))


@dataclass(frozen=True)
class Plant:
    plant_id: str
    name: str
    country: str
    state: str
    lat: float | None
    lon: float | None
    cost_index: float
    freight_adder: float
    source: Source


@dataclass(frozen=True)
class PlantLine:
    plant_id: str
    line_type: str
    capacity: float
    source: Source


@dataclass(frozen=True)
class Product:
    product_id: str
    segment: str
    powertrain: str
    price: float
    variable_cost: float
    mpg: float
    launch_cost: float
    source: Source

    @property
    def is_ev(self) -> bool:
        return self.powertrain == "EV"


@dataclass(frozen=True)
class RetoolOption:
    option_id: str
    plant_id: str
    from_line_type: str | None
    to_line_type: str
    capacity_added: float
    capacity_removed: float
    capex: float
    lead_time_years: int
    fixed_cost_per_year: float
    earliest_start: int
    latest_start: int
    source: Source
    ramp_up: tuple[float, ...] = ()  # share of capacity_added in the 1st, 2nd, ... year online

    def ramp_share(self, year_online: int) -> float:
        """r_o(j): the part of capacity_added available in the j-th year online (j ≥ 1)."""
        return self.ramp_up[year_online - 1] if year_online <= len(self.ramp_up) else 1.0

    def added_in(self, start: int, year: int) -> float:
        """Capacity this option adds in `year` when started in `start` (0 before online)."""
        year_online = year - start - self.lead_time_years + 1
        return self.capacity_added * self.ramp_share(year_online) if year_online >= 1 else 0.0


@dataclass(frozen=True)
class Region:
    region_id: str
    name: str
    country: str
    lat: float | None
    lon: float | None
    group: str
    source: Source


@dataclass(frozen=True)
class Demand:
    region_id: str
    product_id: str
    year: int
    units: float
    price: float | None
    source: Source


@dataclass(frozen=True)
class Lane:
    plant_id: str
    region_id: str
    cost_per_unit: float
    source: Source


@dataclass(frozen=True)
class Tariff:
    origin_country: str
    market_country: str
    products: frozenset[str]  # resolved selector
    year_from: int | None
    year_to: int | None
    rate: float
    source: Source

    def covers(self, year: int) -> bool:
        return (self.year_from is None or year >= self.year_from) and (
            self.year_to is None or year <= self.year_to
        )


@dataclass(frozen=True)
class Policy:
    policy_id: str
    kind: str
    value: float
    products: frozenset[str]  # resolved selectors
    regions: frozenset[str]
    origin: str
    year_from: int  # clipped to the horizon
    year_to: int
    mode: str
    penalty: float
    source: Source
    plants: frozenset[str] | None = None  # resolved `plants` selector; None = every plant

    def counts_plant(self, plant_id: str) -> bool:
        return self.plants is None or plant_id in self.plants

    @property
    def soft(self) -> bool:
        return self.mode == "soft"

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.year_from, self.year_to + 1))


@dataclass(frozen=True)
class Decision:
    """A Decisions row: `item` is an option or a product (its launch)."""

    item: str
    decision: str  # take, never, start or record
    year: int | None
    note: str
    is_option: bool
    source: Source

    @property
    def forcing(self) -> bool:
        return self.decision != "record"

    def describe(self) -> str:
        year = "" if self.year is None else f" {self.year}"
        return f"{self.decision} {self.item}{year} ({self.source})"


@dataclass(frozen=True)
class SweepPoint:
    """Where a sweep scenario sits: its sweep, the sweep's label, the i-th operand (from 1)."""

    sweep_id: str
    label: str
    index: int
    value: str  # the first row's i-th operand as written


@dataclass(frozen=True)
class Scenario:
    scenario_id: str
    description: str
    probability: float | None
    sweep: SweepPoint | None = None  # None: base or a Scenarios row


@dataclass(frozen=True)
class Case:
    """One scenario of one workbook, validated."""

    name: str
    input_file: str
    input_sha256: str
    scenario: Scenario
    settings: Settings
    plants: tuple[Plant, ...]
    lines: tuple[PlantLine, ...]
    products: tuple[Product, ...]
    compatibility: frozenset[tuple[str, str]]  # (line_type, product_id)
    options: tuple[RetoolOption, ...]
    regions: tuple[Region, ...]
    demand: tuple[Demand, ...]
    lanes: tuple[Lane, ...]
    tariffs: tuple[Tariff, ...]
    policies: tuple[Policy, ...]
    warnings: tuple[str, ...] = field(default=())
    decisions: tuple[Decision, ...] = ()

    @property
    def scenario_id(self) -> str:
        return self.scenario.scenario_id

    def plant(self, plant_id: str) -> Plant:
        return self.plants_by_id[plant_id]

    def product(self, product_id: str) -> Product:
        return self.products_by_id[product_id]

    def region(self, region_id: str) -> Region:
        return self.regions_by_id[region_id]

    @cached_property
    def plants_by_id(self) -> dict[str, Plant]:
        return {p.plant_id: p for p in self.plants}

    @cached_property
    def products_by_id(self) -> dict[str, Product]:
        return {p.product_id: p for p in self.products}

    @cached_property
    def regions_by_id(self) -> dict[str, Region]:
        return {r.region_id: r for r in self.regions}
