"""The plain-language reading of a plan and the key figures it is built from.

Everything here is derived from `Results` (no Excel): the result workbook, the comparison
workbook and the log can all say the same thing in the same words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from planner.contract.policy_kinds import amount_text, policy_kind
from planner.results.extract import VIOLATION_TOLERANCE, Results
from planner.results.tables import (
    FREE_TIGHTENING,
    NO_SALES,
    NOT_ENFORCED,
    PolicyOutcome,
    RetoolDecision,
    Violation,
)
from planner.solve.result import Status

KEI_SEGMENT = "kei"
MAX_LISTED_RETOOLS = 5
NO_RETOOLING = "No retooling: build nothing new."
GAP_RISK_SHARE = 0.1  # a proven gap worth this share of the plan value is worth a warning


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


def reading(results: Results, diagnosis: Sequence[str] = ()) -> str:
    """One paragraph: what to retool, when, what it earns, what each policy costs."""
    status = results.status
    if status is Status.INFEASIBLE:
        return _infeasible_reading(diagnosis)
    if not status.has_solution:
        detail = f": {results.message}" if results.message else ""
        return f"The solver stopped without a plan ({status.value}{detail}); nothing to read."
    parts = [
        _retool_sentence(results),
        _launch_sentence(results),
        _kei_sentence(results),
        _earnings_sentence(results),
        _shares_sentence(results),
        *_policy_sentences(results),
    ]
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Worth:
    """The NPVs a plan is weighed against (None: not evaluated, or no solution)."""

    status_quo_npv: float | None = None
    record_npv: float | None = None
    notes: tuple[str, ...] = ()  # why a fixed plan has no NPV: 'The status quo is infeasible…'


def summary_lines(
    results: Results, worth: Worth = Worth(), diagnosis: Sequence[str] = ()
) -> tuple[str, ...]:
    """The Summary's first lines, in reading order: the decision (what to retool, where, when,
    which kei variants to launch, the kei sales it brings), what it is worth, its risks, and
    what each policy costs. Without a plan, one line says why."""
    status = results.status
    if status is Status.INFEASIBLE:
        return (_infeasible_reading(diagnosis),)
    if not status.has_solution:
        return (reading(results),)
    decision = [_decision_sentence(results), _kei_sentence(results)]
    policies = [_shares_sentence(results), *_policy_sentences(results)]
    if not results.policies:
        policies.append("No policy is set.")
    return (
        " ".join(p for p in decision if p),
        _worth_line(results, worth),
        _risk_line(results, worth),
        " ".join(p for p in policies if p),
    )


def _decision_sentence(results: Results) -> str:
    """'Retool …. Launch kei variant KEI_ICE.' or 'No retooling: build nothing new.'"""
    launch = _kei_launch_sentence(results)
    if not taken_retools(results):
        if not launch:
            return NO_RETOOLING
        return f"No retooling: the existing lines carry the plan. {launch}"
    return f"{_retool_sentence(results)} {launch}".strip()


def _kei_launch_sentence(results: Results) -> str:
    launched = results.launched_products
    kei = [p for p in launched if is_kei(results, p)]
    other = [p for p in launched if not is_kei(results, p)]
    parts = []
    if kei:
        parts.append(f"kei variant{'' if len(kei) == 1 else 's'} {', '.join(kei)}")
    if other:
        parts.append(", ".join(other))
    return f"Launch {' and '.join(parts)}." if parts else ""


def _worth_line(results: Results, worth: Worth) -> str:
    """'Plan value $280M: an NPV of $65.4B against $65.1B for the status quo (…)'."""
    npv = results.npv or 0.0
    parts = []
    if worth.status_quo_npv is not None:
        parts.append(
            f"Plan value {money(npv - worth.status_quo_npv)} against the status quo (no "
            f"retooling, no launch: NPV {money(worth.status_quo_npv)})"
        )
    if worth.record_npv is not None:
        parts.append(
            f"{_signed(npv - worth.record_npv)} against the plan of record (NPV "
            f"{money(worth.record_npv)})"
        )
    earns = f"The plan's NPV is {money(npv)} ({_terms(results)}); see Bridge."
    lead = "; ".join(parts) + ". " if parts else ""
    return " ".join([lead + earns, *worth.notes])


def _signed(value: float) -> str:
    return f"+{money(value)}" if value >= 0 else money(value)


def _terms(results: Results) -> str:
    s = results.case.settings
    terms = f"{s.discount_rate:.1%} discount rate"
    if s.terminal_years:
        terms += f", {s.terminal_years} terminal years"
    quality = "proven optimal" if results.status is Status.OPTIMAL else "best found"
    if results.gap is not None and results.gap > 0:
        quality += f", within {results.gap:.3%} of the bound"
    return f"{terms}; {quality}"


def _risk_line(results: Results, worth: Worth) -> str:
    risks = [*_value_risks(results, worth), *_policy_risks(results)]
    if not risks:
        risks = ["none found in this scenario's results (no policy binds or is missed)."]
    return "Risks: " + " ".join(risks)


def _value_risks(results: Results, worth: Worth) -> list[str]:
    npv = results.npv or 0.0
    if worth.status_quo_npv is None:
        return []
    value = npv - worth.status_quo_npv
    risks = []
    if value < 0:
        risks.append(
            f"the plan is worth {money(-value)} less than the status quo: keep the status quo, "
            "or re-run with more time or a smaller MIP gap."
        )
    gap = (results.gap or 0.0) * abs(npv)
    if gap > 0 and gap >= GAP_RISK_SHARE * abs(value):
        risks.append(
            f"the solver's proven gap ({money(gap)} of NPV) is {gap / abs(value):.0%} of the "
            "plan value: a better plan may exist; re-run with a smaller MIP gap."
            if value
            else f"the solver's proven gap is {money(gap)} of NPV: a better plan may exist."
        )
    return risks


def _policy_risks(results: Results) -> list[str]:
    costs = policy_costs(results)
    binding = [c.policy_id for c in costs if c.binds and not c.missed]
    missed = [c.policy_id for c in costs if c.missed and not c.not_enforced]
    free = [c.policy_id for c in costs if c.not_enforced]
    risks = []
    if binding:
        one = len(binding) == 1
        risks.append(
            f"{'1 policy binds and shapes' if one else f'{len(binding)} policies bind and shape'}"
            f" the plan ({', '.join(binding)}): a change in the rules changes it."
        )
    if missed:
        risks.append(f"the plan pays penalties to miss {', '.join(missed)}.")
    if free:
        verb = "is" if len(free) == 1 else "are"
        risks.append(f"{', '.join(free)} {verb} {NOT_ENFORCED}: missed at no cost.")
    return risks


def _infeasible_reading(diagnosis: Sequence[str]) -> str:
    text = "No plan meets every hard policy."
    if diagnosis:
        text += (
            " The nearest plan needs these policies to give way: "
            + "; ".join(diagnosis)
            + ". See the Diagnosis sheet."
        )
    return text


def _retool_sentence(results: Results) -> str:
    taken = taken_retools(results)
    if not taken:
        return "Retool nothing: the existing lines carry the plan."
    plants = {r.plant_id for r in taken}
    listed = [_retool_phrase(results, r) for r in taken[:MAX_LISTED_RETOOLS]]
    more = len(taken) - len(listed)
    tail = f"; and {more} more (see Retooling)" if more > 0 else ""
    return (
        f"Retool {_count(len(taken), 'line')} at {_count(len(plants), 'plant')} for "
        f"{money(retool_capex(results))} of capex: {'; '.join(listed)}{tail}."
    )


def _retool_phrase(results: Results, r: RetoolDecision) -> str:
    plant = results.case.plant(r.plant_id)
    where = f"{plant.name} ({plant.state})" if plant.state else plant.name
    change = (
        f"{r.from_line_type} → {r.to_line_type}"
        if r.from_line_type
        else (f"new {r.to_line_type} line")
    )
    return (
        f"{where} {change}, +{number(r.capacity_added)} a year, start {r.start_year}, "
        f"online {r.online_year}"
    )


def _launch_sentence(results: Results) -> str:
    if not results.launched_products:
        return ""
    return f"Launch {', '.join(results.launched_products)}."


def _kei_sentence(results: Results) -> str:
    kei = kei_units_by_year(results)
    total = sum(kei.values())
    if total <= 0:
        return "No kei cars are sold."
    first_year = next(t for t, u in kei.items() if u > 0)
    last = max(kei)
    if first_year == last:
        return f"Kei sales are {number(kei[last])} in {last}."
    return (
        f"Kei sales start in {first_year} and reach {number(kei[last])} in {last} "
        f"({number(total)} over {min(kei)}–{last})."
    )


def _earnings_sentence(results: Results) -> str:
    s = results.case.settings
    terms = f"{s.discount_rate:.1%} discount rate"
    if s.terminal_years:
        terms += f", {s.terminal_years} terminal years"
    quality = "proven optimal" if results.status is Status.OPTIMAL else "best found"
    if results.gap is not None and results.gap > 0:
        quality += f", within {results.gap:.3%} of the bound"
    return f"The plan earns an NPV of {money(results.npv or 0.0)} ({terms}; {quality})."


def _shares_sentence(results: Results) -> str:
    country = results.case.settings.domestic_country
    domestic = _range_text(results.domestic_share_by_year)
    electric = _range_text(results.ev_share_by_year)
    if domestic is None or electric is None:
        return ""
    return f"Of {country} sales, {domestic} are built domestically and {electric} are EVs."


def _range_text(values: dict[int, float | None]) -> str | None:
    known = [v for v in values.values() if v is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    if round(low, 3) == round(high, 3):
        return f"{low:.1%}"
    return f"{low:.1%}–{high:.1%}"


def _policy_sentences(results: Results) -> list[str]:
    costs = policy_costs(results)
    sentences = [_policy_sentence(c) for c in costs if c.binds]
    empty = [c.policy_id for c in costs if not c.binds and c.no_sales]
    if empty:
        one = len(empty) == 1
        sentences.append(
            f"{', '.join(empty)} {'has' if one else 'have'} {NO_SALES} in any year, so no "
            f"price: re-run without {'it' if one else 'them'} to see whether "
            f"{'it is' if one else 'they are'} why none are sold."
        )
    loose = [c.policy_id for c in costs if not c.binds and not c.no_sales]
    if loose:
        verb = "does" if len(loose) == 1 else "do"
        sentences.append(f"{', '.join(loose)} {verb} not bind.")
    return sentences


def _policy_sentence(cost: PolicyCost) -> str:
    when = _years_text(cost.binding_years)
    if cost.missed:
        return _missed_sentence(cost, when)
    if policy_kind(cost.kind).plan:
        return (
            f"{cost.policy_id} binds {when}; with the retooling plan fixed it has no "
            f"marginal price: re-run with a different limit to see what it costs."
        )
    price = price_range(cost)
    if price is None:
        return f"{cost.policy_id} binds {when}."
    if cost.shadow_high is not None and abs(cost.shadow_high) < 0.005:
        return f"{cost.policy_id} binds {when}, but {FREE_TIGHTENING}."
    per = "a year" if any(y is not None for y in cost.binding_years) else "over the window"
    return (
        f"{cost.policy_id} binds {when}: tightening it by one {_singular(cost.unit)} "
        f"{per} costs {price} of NPV."
    )


def _missed_sentence(cost: PolicyCost, when: str) -> str:
    """A soft rule missed: by how much (in words people count in), and at what penalty."""
    head = f"{cost.policy_id} (soft, {cost.rule})"
    meaning = policy_kind(cost.kind)
    gap = (
        f"by {_quantity(cost.violation, cost.unit)}"
        if meaning.row_unit_plain
        else f"({cost.worst})"
    )
    if cost.not_enforced:
        return f"{head} is {NOT_ENFORCED}: missed {when} {gap}."
    return (
        f"{head} is missed {when} {gap}; its penalties cost {money(cost.penalty_cost)} "
        "(undiscounted)."
    )


def _quantity(value: float, unit: str) -> str:
    """'$5k', '1 option', '50 vehicles'."""
    if unit == "$":
        return money(value)
    shown = number(value)
    return f"{shown} {_singular(unit) if shown == '1' else unit}"


def _singular(unit: str) -> str:
    return {"vehicles": "vehicle", "options": "option", "$": "dollar"}.get(unit, unit)


def _years_text(years: Sequence[int | None]) -> str:
    listed = sorted(y for y in years if y is not None)
    if not listed:
        return "over its window"
    if len(listed) > 2 and listed == list(range(listed[0], listed[-1] + 1)):
        return f"in {listed[0]}–{listed[-1]}"
    if len(listed) == 1:
        return f"in {listed[0]}"
    return "in " + ", ".join(str(y) for y in listed[:-1]) + f" and {listed[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def number(value: float) -> str:
    """1234567 -> '1.23M': compact units for prose."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:,.0f}"


def money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${number(abs(value))}"


def year_span(years: Sequence[int | None]) -> str:
    """Binding years for a table cell: '2028–2036', '2030, 2033', 'window total'."""
    if not years:
        return "does not bind"
    listed = sorted(y for y in years if y is not None)
    if not listed:
        return "window total"
    if len(listed) > 1 and listed == list(range(listed[0], listed[-1] + 1)):
        return f"{listed[0]}–{listed[-1]}"
    return ", ".join(str(y) for y in listed)


def price_range(cost: PolicyCost) -> str | None:
    """'$23.5k–$168k' (per unit), or None without a marginal price."""
    if cost.shadow_low is None or cost.shadow_high is None:
        return None
    low, high = money(cost.shadow_low), money(cost.shadow_high)
    return low if low == high else f"{low}–{high}"
