"""The Settings sheet's keys: one `SettingSpec` per key, with its type, range and default.

This table is the one place a setting's default is written: the reader fills a missing key
from it, `planner template` writes it into the Settings sheet and the README lists it.
"""

from __future__ import annotations

from planner.contract.columns import NONNEG, SHARE, SOLVERS, YEAR, Bound, Kind, SettingSpec

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
