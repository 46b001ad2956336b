"""The benchmark generator's policies (sales and plan rules, hard and soft) and settings."""

from __future__ import annotations

from planner.bench.gen_world import (
    FIRST_YEAR,
    Generated,
    Rows,
    round_to,
)

# ---------------------------------------------------------------------------------------------
# Policies and settings


def plan_policies(gen: Generated, options: Rows) -> Rows:
    capex = [float(str(row[6])) for row in options]
    total, largest = sum(capex), max(capex)
    yearly = round_to(max(1.05 * largest, 0.06 * total), 1e6)
    early = round_to(max(1.02 * largest, 0.04 * total), 1e6)
    last = gen.years[-1]
    return [
        ["CAPEX_YEAR", "capex_budget", yearly, None, None, None, None, None, "hard", None],
        [
            "CAPEX_EARLY",
            "capex_budget",
            early,
            None,
            None,
            None,
            FIRST_YEAR,
            FIRST_YEAR + 2,
            "soft",
            0.3,
        ],
        [
            "CAPEX_TOTAL",
            "capex_budget_total",
            round_to(0.25 * total, 1e6),
            None,
            None,
            None,
            None,
            None,
            "soft",
            0.2,
        ],
        [
            "MAX_RETOOLS",
            "max_retools",
            max(3, round(0.12 * len(options))),
            None,
            None,
            None,
            None,
            None,
            "hard",
            None,
        ],
        [
            "MAX_RETOOLS_LATE",
            "max_retools",
            max(2, round(0.05 * len(options))),
            None,
            None,
            None,
            min(last, FIRST_YEAR + 4),
            None,
            "soft",
            50e6,
        ],
    ]


def _us_demand(gen: Generated, demand: Rows, product_id: str) -> float:
    us = {r.region_id for r in gen.regions if r.country == "US"}
    by_year: dict[int, float] = {}
    for region_id, k, year, units, _ in demand:
        if k == product_id and region_id in us:
            by_year[int(str(year))] = by_year.get(int(str(year)), 0.0) + float(str(units))
    return min(by_year.get(t, 0.0) for t in gen.years)


def _kei_units(gen: Generated, demand: Rows) -> float:
    full_year = gen.years[min(3, len(gen.years) - 1)]
    kei = {p.product_id for p in gen.products if p.segment == "kei"}
    return sum(
        float(str(row[3]))
        for row in demand
        if row[1] in kei and row[2] == full_year and not str(row[0]).startswith(("CA", "MX"))
    )


def sales_policies(gen: Generated, demand: Rows) -> Rows:
    first, last = FIRST_YEAR, gen.years[-1]
    incumbent = gen.products[0].product_id  # CROSS_ICE: made on existing unibody lines
    kei_from = min(last, first + 3)
    has_mx = any(r.country == "MX" for r in gen.regions)
    return [
        [
            "DOM_KEI",
            "domestic_share_min",
            0.5,
            "segment:kei",
            "country:US",
            "any",
            None,
            None,
            "hard",
            None,
        ],
        ["DOM_ALL", "domestic_share_min", 0.6, None, "country:US", "any", None, None, "soft", 800],
        ["ZEV_EV", "ev_share_min", 0.12, None, "group:ZEV", "any", first + 1, None, "hard", None],
        ["EV_MIN_US", "ev_share_min", 0.08, None, "country:US", "any", None, None, "soft", 1500],
        ["EV_MAX_KEI", "ev_share_max", 0.5, "segment:kei", None, "any", None, None, "soft", 300],
        [
            "EV_MAX_ALL",
            "ev_share_max",
            0.6,
            None,
            "country:MX" if has_mx else None,
            "any",
            None,
            None,
            "hard",
            None,
        ],
        ["FLEET_MPG", "fleet_mpg_min", 30.0, None, "country:US", "any", None, None, "soft", 60],
        [
            "FLEET_MPG_ZEV",
            "fleet_mpg_min",
            27.0,
            None,
            "group:ZEV",
            "domestic",
            first + 2,
            None,
            "hard",
            None,
        ],
        [
            "MIN_KEI",
            "min_units",
            round_to(0.25 * _kei_units(gen, demand), 100),
            "segment:kei",
            "country:US",
            "any",
            kei_from,
            None,
            "soft",
            3000,
        ],
        [
            "MIN_INCUMBENT",
            "min_units",
            round_to(0.3 * _us_demand(gen, demand, incumbent), 100),
            incumbent,
            "country:US",
            "any",
            None,
            None,
            "hard",
            None,
        ],
        [
            "MAX_IMPORTS",
            "max_units",
            round_to(0.1 * _us_demand(gen, demand, incumbent), 100),
            None,
            "country:US",
            "import",
            None,
            None,
            "hard",
            None,
        ],
        [
            "MAX_KEI_IMPORTS",
            "max_units",
            round_to(0.2 * _kei_units(gen, demand), 100),
            "segment:kei",
            None,
            "import",
            kei_from,
            None,
            "soft",
            1000,
        ],
        [
            "EV_CREDIT",
            "credit_per_unit",
            3500,
            "powertrain:EV",
            "country:US",
            "domestic",
            None,
            None,
            None,
            None,
        ],
        [
            "IMPORT_FEE",
            "credit_per_unit",
            -250,
            None,
            None,
            "import",
            first + 1,
            last - 1,
            None,
            None,
        ],
    ]


def settings_rows(gen: Generated) -> Rows:
    return [
        ["first_year", FIRST_YEAR],
        ["last_year", gen.years[-1]],
        ["discount_rate", 0.08],
        ["terminal_years", 5],
        ["domestic_country", "US"],
        ["freight_cost_per_mile", 0.30],
        ["road_circuity", 1.2],
        ["solver", "highs"],
        ["time_limit_s", 600],
        ["mip_gap", 0.001],
    ]
