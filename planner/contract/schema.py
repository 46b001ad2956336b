"""The input workbook schema of docs/contract.md §1, as data.

One `SheetSchema` per sheet and one `SettingSpec` per Settings key. These tables drive the
reader (which columns exist, how to coerce them), the validator (required, ranges, allowed
values, keys), `planner template` (headers, notes, drop-downs) and the README's workbook
section. Adding a column to a sheet is one `Column(...)` line here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from planner.contract.policy_kinds import PLAN_POLICY_KINDS as PLAN_POLICY_KINDS
from planner.contract.policy_kinds import POLICY_KINDS as POLICY_KINDS
from planner.contract.policy_kinds import SHARE_POLICY_KINDS as SHARE_POLICY_KINDS
from planner.contract.policy_kinds import WINDOW_TOTAL_KINDS as WINDOW_TOTAL_KINDS


class Kind(StrEnum):
    """How a cell is read."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    SELECTOR = "selector"  # `;`-separated tokens, kept as text until resolved


@dataclass(frozen=True)
class Bound:
    """A numeric range check: `value > low` (strict) or `value >= low`, likewise for high."""

    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False

    def violation(self, value: float) -> str | None:
        if self.low is not None:
            if self.low_strict and not value > self.low:
                return f"must be > {limit_text(self.low)}, got {fmt_number(value)}"
            if not self.low_strict and not value >= self.low:
                return f"must be >= {limit_text(self.low)}, got {fmt_number(value)}"
        if self.high is not None:
            if self.high_strict and not value < self.high:
                return f"must be < {limit_text(self.high)}, got {fmt_number(value)}"
            if not self.high_strict and not value <= self.high:
                return f"must be <= {limit_text(self.high)}, got {fmt_number(value)}"
        return None

    def describe(self) -> str:
        """`>= 0`, `> 0`, or an interval such as `in [0, 1)`."""
        if self.low is not None and self.high is not None:
            return (
                f"in {'(' if self.low_strict else '['}{limit_text(self.low)}, "
                f"{limit_text(self.high)}{')' if self.high_strict else ']'}"
            )
        if self.low is not None:
            return f"{'>' if self.low_strict else '>='} {limit_text(self.low)}"
        if self.high is not None:
            return f"{'<' if self.high_strict else '<='} {limit_text(self.high)}"
        return ""


def fmt_number(value: float) -> str:
    """2030, -1000000, 0.08: whole numbers in full, others to 10 significant digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def limit_text(value: float) -> str:
    """A bound as written in messages and the README: 1e9 for a large power of ten."""
    if value and abs(value) >= 1e6 and math.log10(abs(value)).is_integer():
        return f"{'-' if value < 0 else ''}1e{int(math.log10(abs(value)))}"
    return fmt_number(value)


# Magnitudes a double-precision solver can still add up exactly enough (15-16 digits in all):
# a case's units, $ per unit and $ stay far inside them, and a cell beyond them is a typo.
UNITS_MAX = 1e9  # units, units/year
UNIT_MONEY_MAX = 1e7  # $/unit
MONEY_MAX = 1e13  # $, $/year
NONNEG = Bound(low=0)
POSITIVE = Bound(low=0, low_strict=True)
SHARE = Bound(low=0, high=1)
YEAR = Bound(low=1900, high=2200)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = False
    default: object = None  # None = empty; a rule-based default is described in `default_note`
    default_note: str = ""
    bound: Bound | None = None
    allowed: tuple[str, ...] = ()
    reference: str = ""  # "Plants.plant_id" style: values must exist there
    limit: float | None = None  # largest magnitude accepted: beyond it the solver is inexact

    @property
    def limit_text(self) -> str:
        return limit_text(self.limit) if self.limit is not None else ""

    @property
    def default_text(self) -> str:
        if self.required:
            return "required"
        if self.default_note:
            return self.default_note
        return "empty" if self.default is None else _fmt_default(self.default)

    @property
    def type_text(self) -> str:
        """`float >= 0`, `int`, `text`, `selector`: the kind and its range."""
        bound = f" {self.bound.describe()}" if self.bound else ""
        return f"{self.kind.value}{bound}"

    @property
    def allowed_text(self) -> str:
        if self.allowed:
            return ", ".join(self.allowed)
        if self.reference:
            return f"a {self.reference.replace('.', ' ')}"
        return ""


def _fmt_default(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class SheetSchema:
    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = True
    needs_rows: bool = False
    key: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: Kind
    description: str
    default: object = None
    required: bool = False
    bound: Bound | None = None
    allowed: tuple[str, ...] = ()

    @property
    def default_text(self) -> str:
        return "required" if self.required else _fmt_default(self.default)

    @property
    def type_text(self) -> str:
        bound = f" {self.bound.describe()}" if self.bound else ""
        return f"{self.kind.value}{bound}"


POWERTRAINS = ("ICE", "HEV", "PHEV", "EV")
MODES = ("hard", "soft")
DECISIONS = ("take", "never", "start", "record")
FORCING_DECISIONS = ("take", "never", "start")
ORIGINS = ("any", "domestic", "import")
OPS = ("set", "multiply", "add")
SOLVERS = ("highs", "cbc", "scip")
# CP-SAT works on integers only; the model's quantities are continuous.
CPSAT_REFUSAL = (
    "cpsat (OR-Tools CP-SAT) is not offered: it has no continuous variables, and on this "
    "model (continuous production and sales) it found no solution in 600 s on a 269-column "
    "case and stopped 37-52% below the optimum on others; use highs, cbc or scip"
)
SCENARIO_SHEETS = ("Scenarios", "ScenarioChanges", "Sweeps")
CHANGEABLE_SHEETS = (
    "Settings",
    "Plants",
    "PlantLines",
    "Products",
    "Compatibility",
    "RetoolOptions",
    "Regions",
    "Demand",
    "Freight",
    "Tariffs",
    "Policies",
    "Decisions",
)

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("first_year", Kind.INT, "first planning year", required=True, bound=YEAR),
    SettingSpec(
        "last_year", Kind.INT, "last planning year; 1 to 40 years in all", required=True, bound=YEAR
    ),
    SettingSpec(
        "discount_rate",
        Kind.FLOAT,
        "yearly discount rate",
        0.08,
        bound=Bound(low=0, high=1, high_strict=True),
    ),
    SettingSpec(
        "terminal_years",
        Kind.INT,
        "years beyond last_year over which the last year's operating cash flow continues",
        0,
        bound=Bound(low=0, high=100),
    ),
    SettingSpec("domestic_country", Kind.TEXT, "plants in this country are domestic", "US"),
    SettingSpec(
        "freight_cost_per_mile", Kind.FLOAT, "$ per vehicle-mile", 0.30, bound=Bound(0, 1000)
    ),
    SettingSpec(
        "road_circuity", Kind.FLOAT, "road miles per great-circle mile", 1.2, bound=Bound(1, 10)
    ),
    SettingSpec("solver", Kind.TEXT, "default solver", "highs", allowed=SOLVERS),
    SettingSpec(
        "time_limit_s",
        Kind.FLOAT,
        "solver time limit, seconds",
        600.0,
        bound=Bound(low=0, high=1e7, low_strict=True),
    ),
    SettingSpec(
        "mip_gap", Kind.FLOAT, "relative MIP gap at which the solver may stop", 0.001, bound=SHARE
    ),
    SettingSpec("risk_weight", Kind.FLOAT, "weight of CVaR in robust mode", 0.0, bound=SHARE),
    SettingSpec(
        "cvar_alpha",
        Kind.FLOAT,
        "tail share for CVaR in robust mode",
        0.1,
        bound=Bound(low=0, high=1, low_strict=True),
    ),
    SettingSpec(
        "alternatives",
        Kind.INT,
        "near-optimal alternative plans sought after each scenario's optimum",
        0,
        bound=NONNEG,
    ),
    SettingSpec(
        "alternatives_within",
        Kind.FLOAT,
        "an alternative's NPV may fall short of the optimum's by at most this share of the "
        "plan value (of |NPV| while the plan value is unknown or zero)",
        0.1,
        bound=Bound(low=0, high=1, low_strict=True),
    ),
)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}


def _text(name: str, description: str, **kw: object) -> Column:
    return Column(name, Kind.TEXT, description, **kw)  # type: ignore[arg-type]


def _float(name: str, description: str, **kw: object) -> Column:
    return Column(name, Kind.FLOAT, description, **kw)  # type: ignore[arg-type]


def _int(name: str, description: str, **kw: object) -> Column:
    return Column(name, Kind.INT, description, **kw)  # type: ignore[arg-type]


SHEETS: tuple[SheetSchema, ...] = (
    SheetSchema(
        "Settings",
        "Planning horizon, discounting, freight rule and solver settings.",
        (
            _text("key", "setting name (see the list of keys)", required=True),
            _text("value", "setting value", default_note="the key's default"),
        ),
        needs_rows=True,
        key=("key",),
    ),
    SheetSchema(
        "Plants",
        "Assembly plants, domestic and foreign.",
        (
            _text("plant_id", "unique plant id", required=True),
            _text("name", "plant name", default_note="plant_id"),
            _text("country", "country code, e.g. US, MX, CA, JP", required=True),
            _text("state", "state or province"),
            _float(
                "lat",
                "latitude (port of entry for overseas plants)",
                unit="degrees",
                default_note="required unless every lane of the plant is in Freight",
                bound=Bound(low=-90, high=90),
            ),
            _float(
                "lon",
                "longitude (port of entry for overseas plants)",
                unit="degrees",
                default_note="required unless every lane of the plant is in Freight",
                bound=Bound(low=-180, high=180),
            ),
            _float(
                "cost_index",
                "multiplier on each product's variable_cost",
                default=1.0,
                bound=POSITIVE,
                limit=100,
            ),
            _float(
                "freight_adder",
                "added to distance-based freight (e.g. ocean freight)",
                unit="$/unit",
                default=0.0,
                bound=NONNEG,
                limit=UNIT_MONEY_MAX,
            ),
        ),
        needs_rows=True,
        key=("plant_id",),
    ),
    SheetSchema(
        "PlantLines",
        "Capacity that exists today.",
        (
            _text("plant_id", "plant", required=True, reference="Plants.plant_id"),
            _text("line_type", "e.g. BOF_TRUCK, UNIBODY, KEI_ICE, KEI_EV, KEI_FLEX", required=True),
            _float(
                "capacity",
                "existing capacity",
                unit="units/year",
                required=True,
                bound=NONNEG,
                limit=UNITS_MAX,
            ),
        ),
        key=("plant_id", "line_type"),
    ),
    SheetSchema(
        "Products",
        "Vehicles that can be built and sold.",
        (
            _text("product_id", "unique product id", required=True),
            _text("segment", "e.g. kei, pickup, suv, sedan", required=True),
            _text(
                "powertrain",
                "EV counts as electric in EV-share policies",
                required=True,
                allowed=POWERTRAINS,
            ),
            _float(
                "price", "price", unit="$/unit", required=True, bound=NONNEG, limit=UNIT_MONEY_MAX
            ),
            _float(
                "variable_cost",
                "variable cost at cost_index 1",
                unit="$/unit",
                required=True,
                bound=NONNEG,
                limit=UNIT_MONEY_MAX,
            ),
            _float(
                "mpg",
                "rated fuel economy (mpge for EV)",
                unit="mpg",
                required=True,
                bound=POSITIVE,
                limit=1000,
            ),
            _float(
                "launch_cost",
                "one-time cost if built anywhere (e.g. FMVSS certification)",
                unit="$",
                default=0.0,
                bound=NONNEG,
                limit=MONEY_MAX,
            ),
        ),
        needs_rows=True,
        key=("product_id",),
    ),
    SheetSchema(
        "Compatibility",
        "Which line types can build which products.",
        (
            _text("line_type", "line type", required=True),
            _text("product_id", "product", required=True, reference="Products.product_id"),
        ),
        key=("line_type", "product_id"),
    ),
    SheetSchema(
        "RetoolOptions",
        "Conversions and new lines that can be chosen.",
        (
            _text("option_id", "unique option id", required=True),
            _text("plant_id", "plant", required=True, reference="Plants.plant_id"),
            _text("from_line_type", "line converted; empty = a new line at the plant"),
            _text("to_line_type", "line type gained", required=True),
            _float(
                "capacity_added",
                "capacity of to_line_type once online",
                unit="units/year",
                required=True,
                bound=NONNEG,
                limit=UNITS_MAX,
            ),
            _float(
                "capacity_removed",
                "capacity of from_line_type lost from the start year on",
                unit="units/year",
                default_note="capacity_added if from_line_type is set, else 0",
                bound=NONNEG,
                limit=UNITS_MAX,
            ),
            _float(
                "capex",
                "investment, paid in the start year",
                unit="$",
                required=True,
                bound=NONNEG,
                limit=MONEY_MAX,
            ),
            _int(
                "lead_time_years",
                "online in start year + lead time",
                unit="years",
                default=1,
                bound=NONNEG,
                limit=100,
            ),
            _float(
                "fixed_cost_per_year",
                "fixed cost while online",
                unit="$/year",
                default=0.0,
                bound=NONNEG,
                limit=MONEY_MAX,
            ),
            _int(
                "earliest_start", "first possible start year", default_note="first_year", bound=YEAR
            ),
            _int("latest_start", "last possible start year", default_note="last_year", bound=YEAR),
            _text(
                "ramp_up",
                "`;`-separated shares in [0, 1] of capacity_added available in the 1st, 2nd, "
                "... year online (at most 40); all of it from the year after the last share",
                default_note="full capacity from the online year",
            ),
        ),
        required=False,
        key=("option_id",),
    ),
    SheetSchema(
        "Regions",
        "Markets.",
        (
            _text("region_id", "unique region id", required=True),
            _text("name", "region name", default_note="region_id"),
            _text("country", "market country", required=True),
            _float(
                "lat",
                "demand centroid latitude",
                unit="degrees",
                default_note="required unless every lane to it is in Freight",
                bound=Bound(low=-90, high=90),
            ),
            _float(
                "lon",
                "demand centroid longitude",
                unit="degrees",
                default_note="required unless every lane to it is in Freight",
                bound=Bound(low=-180, high=180),
            ),
            _text("group", "free tag for selectors, e.g. ZEV"),
        ),
        needs_rows=True,
        key=("region_id",),
    ),
    SheetSchema(
        "Demand",
        "Most units that can be sold, per region, product and year.",
        (
            _text("region_id", "region", required=True, reference="Regions.region_id"),
            _text("product_id", "product", required=True, reference="Products.product_id"),
            _int("year", "year (rows outside the horizon are ignored)", required=True, bound=YEAR),
            _float(
                "units",
                "most units that can be sold",
                unit="units",
                required=True,
                bound=NONNEG,
                limit=UNITS_MAX,
            ),
            _float(
                "price",
                "overrides Products.price for this region and year",
                unit="$/unit",
                default_note="Products.price",
                bound=NONNEG,
                limit=UNIT_MONEY_MAX,
            ),
        ),
        needs_rows=True,
        key=("region_id", "product_id", "year"),
    ),
    SheetSchema(
        "Freight",
        "Lane costs that override the distance rule.",
        (
            _text("plant_id", "plant", required=True, reference="Plants.plant_id"),
            _text("region_id", "region", required=True, reference="Regions.region_id"),
            _float(
                "cost_per_unit",
                "freight cost",
                unit="$/unit",
                required=True,
                bound=NONNEG,
                limit=UNIT_MONEY_MAX,
            ),
        ),
        required=False,
        key=("plant_id", "region_id"),
    ),
    SheetSchema(
        "Tariffs",
        "Import tariffs as a share of the unit price.",
        (
            _text("origin_country", "country of the building plant", required=True),
            _text("market_country", "country of the selling region", required=True),
            Column(
                "products",
                Kind.SELECTOR,
                "product selector: ids, segment:<s>, powertrain:<p>; empty = all",
                default_note="all products",
            ),
            _int("year_from", "first year", default_note="open", bound=YEAR),
            _int("year_to", "last year", default_note="open", bound=YEAR),
            _float(
                "rate",
                "share of the unit price paid as tariff",
                required=True,
                bound=Bound(low=0, high=5),
            ),
        ),
        required=False,
    ),
    SheetSchema(
        "Policies",
        "Rules: shares, fleet mpg, unit limits, credits, budgets.",
        (
            _text("policy_id", "unique policy id", required=True),
            _text("kind", "policy kind", required=True, allowed=POLICY_KINDS),
            _float(
                "value",
                "share, mpg, units, $ or options (by kind)",
                required=True,
                limit=MONEY_MAX,
            ),
            Column(
                "products",
                Kind.SELECTOR,
                "product selector: ids, segment:<s>, powertrain:<p>; empty = all",
                default_note="all products",
            ),
            Column(
                "regions",
                Kind.SELECTOR,
                "region selector: ids, group:<g>, country:<c>; empty = all",
                default_note="all regions",
            ),
            _text("origin", "which plants' units count", default="any", allowed=ORIGINS),
            _int("year_from", "first year", default_note="first_year", bound=YEAR),
            _int("year_to", "last year", default_note="last_year", bound=YEAR),
            _text("mode", "soft = may be violated at penalty", default="hard", allowed=MODES),
            _float(
                "penalty",
                "$ per unit of violation",
                unit="$/unit",
                default_note="required when soft",
                bound=NONNEG,
                limit=1e9,
            ),
            Column(
                "plants",
                Kind.SELECTOR,
                "plant selector: ids, country:<c>, state:<s>; only these plants' units (or, for "
                "capex and retool kinds, options) count, together with origin; must be empty "
                "for domestic_share_min",
                default_note="all plants",
            ),
        ),
        required=False,
        key=("policy_id",),
    ),
    SheetSchema(
        "Decisions",
        "Decisions already made: options or launches forced, ruled out, or on record.",
        (
            _text(
                "item",
                "an option_id, or a product_id with launch_cost > 0 (its launch)",
                required=True,
            ),
            _text(
                "decision",
                "take / never: the option is (not) taken, the product (not) launched; start: "
                "the option starts in `year`; record: part of the plan of record (evaluated, "
                "not forced)",
                required=True,
                allowed=DECISIONS,
            ),
            _int(
                "year",
                "start year: required for start and for record of an option, else empty",
                bound=YEAR,
            ),
            _text("note", "why; shown in the outputs"),
        ),
        required=False,
    ),
    SheetSchema(
        "Scenarios",
        "Named scenarios; `base` always exists.",
        (
            _text("scenario_id", "unique scenario id", required=True),
            _text("description", "what the scenario means"),
            _float(
                "probability",
                "weight in robust mode (normalised to sum 1)",
                default_note="equal shares",
                bound=NONNEG,
                limit=1e6,
            ),
        ),
        required=False,
        key=("scenario_id",),
    ),
    SheetSchema(
        "ScenarioChanges",
        "Changes applied in row order to build each scenario.",
        (
            _text("scenario_id", "scenario", required=True, reference="Scenarios.scenario_id"),
            _text("sheet", "the sheet changed", required=True, allowed=CHANGEABLE_SHEETS),
            _text(
                "match",
                "`;`-separated column=value conditions, all must hold (Settings: "
                "key=<key>); empty = all rows",
                default_note="all rows",
            ),
            _text("column", "the column changed (Settings: value)", required=True),
            _text("op", "how the value changes", required=True, allowed=OPS),
            _text("value", "the operand", required=True),
        ),
        required=False,
    ),
    SheetSchema(
        "Sweeps",
        "Sensitivity sweeps: each sweep_id adds one scenario per operand, base with that "
        "operand applied to every row of the sweep.",
        (
            _text("sweep_id", "rows with the same sweep_id move together", required=True),
            _text(
                "sheet",
                "the sheet changed (not Decisions)",
                required=True,
                allowed=CHANGEABLE_SHEETS,
            ),
            _text(
                "match",
                "`;`-separated column=value conditions, all must hold (Settings: "
                "key=<key>); empty = all rows",
                default_note="all rows",
            ),
            _text("column", "the column changed (Settings: value)", required=True),
            _text("op", "how the value changes", required=True, allowed=OPS),
            _text(
                "values",
                "`;`-separated operands, e.g. 0.5;0.75;1;1.25;1.5; every row of a sweep_id "
                "has the same count",
                required=True,
            ),
            _text("label", "how the outputs name the sweep", default_note="sweep_id"),
        ),
        required=False,
    ),
)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}
