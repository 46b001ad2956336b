"""What each policy kind means, in one table: the single place a kind is described.

A kind's rule (`rule`) is how people read it: "at least" for a minimum, "at most" for a
maximum. The model row's sense (`row_sense`) can differ: fleet_mpg_min is a minimum on the
fleet's harmonic-mean mpg, written as the linear row Σ s · (value²/mpg − value) ≤ 0. Missing a
minimum is being "short", missing a maximum "over". `row_unit` is the unit of the row's slack,
violation and shadow price (the JSON output's unit); `value_unit` is the unit of the value the
user types, in which required and achieved are stated.

This module imports nothing else of the planner's, so the schema can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

AT_LEAST = "at least"
AT_MOST = "at most"
SALES_SELECTORS = frozenset({"products", "regions", "origin", "plants"})
PLAN_SELECTORS = frozenset({"plants"})


@dataclass(frozen=True, kw_only=True)
class PolicyKind:
    kind: str
    label: str  # for people: "domestic share at least"
    noun: str  # what is measured: "domestic share", "fleet", "units sold"
    rule: str  # AT_LEAST, AT_MOST, or "" (no row: a credit)
    row_sense: str  # ">=", "<=" or "" (no row)
    row_unit: str  # unit of the row's slack, violation and shadow price
    value_unit: str  # unit of the value, required and achieved: share, mpg, vehicles, $, options
    selectors: frozenset[str] = SALES_SELECTORS  # the scope columns that may be filled
    window_total: bool = False  # one row for the whole window, not one a year
    plan: bool = False  # counts retooling options (capex or starts), not sales
    value_check: str = "nonnegative"  # share (in [0, 1]), positive, nonnegative or any

    @property
    def has_row(self) -> bool:
        return bool(self.row_sense)

    @property
    def minimum(self) -> bool:
        return self.rule == AT_LEAST

    @property
    def miss_word(self) -> str:
        """How a missed rule is said: 'short' of a minimum, 'over' a maximum."""
        return "short" if self.minimum else "over"

    @property
    def row_unit_plain(self) -> bool:
        """The row's unit is one people count in (vehicle-mpg is not)."""
        return self.row_unit in ("vehicles", "$", "options")

    @property
    def share(self) -> bool:
        return self.value_check == "share"

    @property
    def ratio(self) -> bool:
        """A share or an average of the scope's sales: with no sales it holds trivially."""
        return self.share or self.value_unit == "mpg"

    @property
    def rhs_is_value(self) -> bool:
        """The row's right-hand side is the value (counts and budgets); ratio rows have 0."""
        return self.has_row and not self.ratio

    def statement(self, achieved: float | None, required: float) -> str:
        """Achieved vs required in the value's own terms: 'fleet 27.4 mpg vs 29.0 required'."""
        bound = "required" if self.minimum else "allowed"
        needed = amount_text(required, self.value_unit, bare=True)
        if achieved is None:
            return f"{self.noun}: no sales in scope ({needed} {bound})"
        return f"{self.noun} {amount_text(achieved, self.value_unit)} vs {needed} {bound}"


def amount_text(value: float, unit: str, bare: bool = False) -> str:
    """A value in its unit: 50.0%, 29.0 mpg (bare: 29.0), $1,000; a count as a number."""
    if unit == "share":
        return f"{value:.1%}"
    if unit == "$":
        return f"${value:,.0f}"
    if unit == "mpg":
        return f"{value:.1f}" if bare else f"{value:.1f} mpg"
    return f"{value:,.0f}"  # vehicles or options: the noun says what is counted


_KINDS = (
    PolicyKind(
        kind="domestic_share_min",
        label="domestic share at least",
        noun="domestic share",
        rule=AT_LEAST,
        row_sense=">=",
        row_unit="vehicles",
        value_unit="share",
        selectors=frozenset({"products", "regions"}),  # origin decides what is domestic
        value_check="share",
    ),
    PolicyKind(
        kind="ev_share_min",
        label="EV share at least",
        noun="EV share",
        rule=AT_LEAST,
        row_sense=">=",
        row_unit="vehicles",
        value_unit="share",
        value_check="share",
    ),
    PolicyKind(
        kind="ev_share_max",
        label="EV share at most",
        noun="EV share",
        rule=AT_MOST,
        row_sense="<=",
        row_unit="vehicles",
        value_unit="share",
        value_check="share",
    ),
    # A minimum on the harmonic-mean mpg, written as a linear row that is at most 0.
    PolicyKind(
        kind="fleet_mpg_min",
        label="fleet mpg at least",
        noun="fleet",
        rule=AT_LEAST,
        row_sense="<=",
        row_unit="vehicle-mpg",
        value_unit="mpg",
        value_check="positive",
    ),
    PolicyKind(
        kind="min_units",
        label="units sold at least",
        noun="units sold",
        rule=AT_LEAST,
        row_sense=">=",
        row_unit="vehicles",
        value_unit="vehicles",
    ),
    PolicyKind(
        kind="max_units",
        label="units sold at most",
        noun="units sold",
        rule=AT_MOST,
        row_sense="<=",
        row_unit="vehicles",
        value_unit="vehicles",
    ),
    # No row: a credit per unit in scope, added to the margins.
    PolicyKind(
        kind="credit_per_unit",
        label="credit per unit sold",
        noun="credit",
        rule="",
        row_sense="",
        row_unit="",
        value_unit="$",
        value_check="any",
    ),
    PolicyKind(
        kind="capex_budget",
        label="capex a year at most",
        noun="capex",
        rule=AT_MOST,
        row_sense="<=",
        row_unit="$",
        value_unit="$",
        selectors=PLAN_SELECTORS,
        plan=True,
    ),
    PolicyKind(
        kind="capex_budget_total",
        label="capex over the window at most",
        noun="capex",
        rule=AT_MOST,
        row_sense="<=",
        row_unit="$",
        value_unit="$",
        selectors=PLAN_SELECTORS,
        window_total=True,
        plan=True,
    ),
    PolicyKind(
        kind="max_retools",
        label="retools over the window at most",
        noun="retools",
        rule=AT_MOST,
        row_sense="<=",
        row_unit="options",
        value_unit="options",
        selectors=PLAN_SELECTORS,
        window_total=True,
        plan=True,
    ),
)
KINDS: MappingProxyType[str, PolicyKind] = MappingProxyType({k.kind: k for k in _KINDS})
POLICY_KINDS = tuple(KINDS)
PLAN_POLICY_KINDS = tuple(k.kind for k in _KINDS if k.plan)
SHARE_POLICY_KINDS = tuple(k.kind for k in _KINDS if k.share)
WINDOW_TOTAL_KINDS = tuple(k.kind for k in _KINDS if k.window_total)


def policy_kind(kind: str) -> PolicyKind:
    return KINDS[kind]


def row_unit(kind: str) -> str:
    """The unit of a kind's row (slack, violation, shadow price); 'units' for an unknown kind."""
    found = KINDS.get(kind)
    return found.row_unit if found is not None and found.row_unit else "units"
