"""The key figures a plan is read by, derived from `Results`.

Kei units by year, the horizon's domestic and EV shares, the retooling taken and its capex,
which policy rows bind, the misses that cost something, the soft rules missed at no cost, and
`PolicyCost`: one policy over its years (or window), where it binds, its shadow prices and its
penalties. The narrative, the result and comparison workbooks and the robust evaluation all
count from these.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.contract.policy_kinds import amount_text, policy_kind
from planner.results.extract import VIOLATION_TOLERANCE, Results
from planner.results.tables import PolicyOutcome, RetoolDecision, Violation

KEI_SEGMENT = "kei"


@dataclass(frozen=True)
class PolicyCost:
    """One policy over its years (or window): where it binds and what tightening it costs."""

    policy_id: str
    kind: str
    mode: str
    unit: str  # of its prices: vehicles, mpg (of the fleet target), $ or options
    binding_years: tuple[int | None, ...]  # None: the window-total row
    shadow_low: float | None  # smallest shadow price over the binding years ($ per unit)
    shadow_high: float | None  # largest
    violation: float  # soft policies: total shortfall/excess in row units
    penalty_cost: float  # undiscounted $
    required: float = 0.0  # the policy's value
    worst: str = ""  # achieved vs required in the most-missed year: 'fleet 27.4 mpg vs 29.0 …'
    no_sales: bool = False  # a share or mpg rule with no sales in scope in any year
    not_enforced: bool = False  # soft, missed, penalty $0

    @property
    def binds(self) -> bool:
        return bool(self.binding_years)

    @property
    def missed(self) -> bool:
        """A soft rule the plan misses (its binding years are the years it is missed)."""
        return self.mode == "soft" and self.violation > VIOLATION_TOLERANCE

    @property
    def rule(self) -> str:
        """'fleet mpg at least 29.0', 'domestic share at least 50.0%'."""
        meaning = policy_kind(self.kind)
        return f"{meaning.label} {amount_text(self.required, meaning.value_unit, bare=True)}"


def is_kei(results: Results, product_id: str) -> bool:
    return results.case.product(product_id).segment.strip().lower() == KEI_SEGMENT


def kei_units_by_year(results: Results) -> dict[int, float]:
    units = dict.fromkeys(results.case.settings.years, 0.0)
    for row in results.sales:
        if is_kei(results, row.product_id):
            units[row.year] += row.units
    return units


def horizon_shares(results: Results) -> tuple[float | None, float | None]:
    """(domestic, EV) share of all home-country sales over the whole horizon."""
    case = results.case
    home = domestic = electric = 0.0
    for row in results.sales:
        if case.region(row.region_id).country != case.settings.domestic_country:
            continue
        home += row.units
        if case.plant(row.plant_id).country == case.settings.domestic_country:
            domestic += row.units
        if case.product(row.product_id).is_ev:
            electric += row.units
    if home <= 0:
        return None, None
    return domestic / home, electric / home


def taken_retools(results: Results) -> tuple[RetoolDecision, ...]:
    taken = [r for r in results.retools if r.taken]
    return tuple(sorted(taken, key=lambda r: (r.start_year or 0, r.plant_id, r.option_id)))


def retool_capex(results: Results) -> float:
    return sum(r.capex for r in results.retools if r.taken)


def binds(results: Results, outcome: PolicyOutcome) -> bool:
    """Binding, or violated (a row with nothing in scope holds trivially: not binding)."""
    return outcome.violation > VIOLATION_TOLERANCE or outcome.binding


def enforced_violations(results: Results) -> tuple[Violation, ...]:
    """The misses that cost something: a soft rule missed at a $0 penalty is not enforced."""
    free = {(o.policy_id, o.year) for o in results.policies if o.not_enforced}
    return tuple(v for v in results.violations if (v.policy_id, v.year) not in free)


def not_enforced(results: Results) -> tuple[str, ...]:
    """Soft policies missed at a $0 penalty."""
    return tuple(dict.fromkeys(o.policy_id for o in results.policies if o.not_enforced))


def policy_costs(results: Results) -> tuple[PolicyCost, ...]:
    grouped: dict[str, list[PolicyOutcome]] = defaultdict(list)
    for outcome in results.policies:
        grouped[outcome.policy_id].append(outcome)
    return tuple(_policy_cost(results, rows) for rows in grouped.values())


def _policy_cost(results: Results, rows: list[PolicyOutcome]) -> PolicyCost:
    first = rows[0]
    binding = [r for r in rows if binds(results, r)]
    prices = [
        price
        for r in binding
        if (price := r.people_shadow_price) is not None and not policy_kind(first.kind).plan
    ]
    worst = max(rows, key=lambda r: r.people_violation)
    return PolicyCost(
        first.policy_id,
        first.kind,
        first.mode,
        first.people_unit,
        tuple(r.year for r in binding),
        min(prices) if prices else None,
        max(prices) if prices else None,
        sum(r.violation for r in rows),
        sum(r.penalty_cost for r in rows),
        first.required,
        _worst(rows, worst) if worst.violation > VIOLATION_TOLERANCE else "",
        all(r.no_sales for r in rows),
        any(r.not_enforced for r in rows),
    )


def _worst(rows: list[PolicyOutcome], worst: PolicyOutcome) -> str:
    """Achieved vs required: of the one missed row, or of the most-missed year."""
    missed = sum(1 for r in rows if r.violation > VIOLATION_TOLERANCE)
    return worst.statement if missed == 1 else f"worst in {worst.year}: {worst.statement}"
