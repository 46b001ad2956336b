"""The market side of the input workbook: Regions, Demand, Freight, Tariffs, Policies, Decisions.

One `SheetSchema` per sheet, one `Column(...)` line per column: where the vehicles sell, what
moving and importing them costs, the policies that bind the plan and the decisions forced on it.
"""

from __future__ import annotations

from planner.contract.columns import (
    DECISIONS,
    MODES,
    MONEY_MAX,
    NONNEG,
    ORIGINS,
    UNIT_MONEY_MAX,
    UNITS_MAX,
    YEAR,
    Bound,
    Column,
    Kind,
    SheetSchema,
)
from planner.contract.columns import float_column as _float
from planner.contract.columns import int_column as _int
from planner.contract.columns import text_column as _text
from planner.contract.policy_kinds import POLICY_KINDS

MARKET_SHEETS: tuple[SheetSchema, ...] = (
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
)
