"""What each policy costs, in words and in table cells.

From the `PolicyCost` of each policy: a sentence per binding policy (its years and the NPV a
one-unit tightening costs, or the miss and its penalty for a soft rule), one for the policies
with no sales in scope and one for those that do not bind; the policy risks of the Summary's
risk line; and the binding years and price range shown in the policy tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.contract.policy_kinds import policy_kind
from planner.results.extract import Results
from planner.results.plan_figures import PolicyCost, policy_costs
from planner.results.prose import money, number
from planner.results.tables import FREE_TIGHTENING, NO_SALES, NOT_ENFORCED


def policy_risks(results: Results) -> list[str]:
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


def policy_sentences(results: Results) -> list[str]:
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
