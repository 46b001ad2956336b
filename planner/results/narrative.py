"""The plan in words: the plain-language reading of a plan and the Summary's first lines.

Everything here is derived from `Results` (no Excel): the result workbook, the comparison
workbook and the log can all say the same thing in the same words. The decision (what to
retool, where, when, what to launch), the kei sales it brings, what it earns and is worth
against the status quo and the plan of record, and its risks are worded here; what each policy
costs is worded in `policy_sentences`, from the figures in `plan_figures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.results.extract import Results
from planner.results.plan_figures import is_kei, kei_units_by_year, retool_capex, taken_retools
from planner.results.policy_sentences import policy_risks, policy_sentences
from planner.results.prose import count_text, money, number
from planner.results.tables import RetoolDecision
from planner.solve.result import Status

MAX_LISTED_RETOOLS = 5
NO_RETOOLING = "No retooling: build nothing new."
GAP_RISK_SHARE = 0.1  # a proven gap worth this share of the plan value is worth a warning


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
        *policy_sentences(results),
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
    policies = [_shares_sentence(results), *policy_sentences(results)]
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
    risks = [*_value_risks(results, worth), *policy_risks(results)]
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
        f"Retool {count_text(len(taken), 'line')} at {count_text(len(plants), 'plant')} for "
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
