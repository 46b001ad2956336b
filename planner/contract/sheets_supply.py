"""The supply side of the input workbook: Settings, Plants, PlantLines, Products, Compatibility,
RetoolOptions.

One `SheetSchema` per sheet, one `Column(...)` line per column: what the plants, their lines
today, the products and the retooling choices are, and how each cell is checked.
"""

from __future__ import annotations

from planner.contract.columns import (
    MONEY_MAX,
    NONNEG,
    POSITIVE,
    POWERTRAINS,
    UNIT_MONEY_MAX,
    UNITS_MAX,
    YEAR,
    Bound,
    SheetSchema,
)
from planner.contract.columns import float_column as _float
from planner.contract.columns import int_column as _int
from planner.contract.columns import text_column as _text

SUPPLY_SHEETS: tuple[SheetSchema, ...] = (
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
)
