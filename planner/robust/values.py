"""The figures of docs/contract.md §4 that judge plans, and the expected-value (mean) case.

- E[NPV](q) = Σ_s π_s NPV_s(q)
- CVaR_α(q) = max_η η − (1/α) Σ_s π_s max(0, η − NPV_s(q)): the objective is concave and
  piecewise linear in η with kinks at the NPVs, so the best η is one of them.
- regret_s(q) = NPV*_s − NPV_s(q), NPV*_s the scenario solved alone.
- EVPI = Σ_s π_s NPV*_s − E[NPV](P0), P0 the robust plan at λ = 0.
- VSS = E[NPV](P0) − EEV, EEV = E[NPV](EV plan).
Each is None where a term is missing (a plan infeasible in a scenario, a scenario unsolved).

The EV case is the cases merged cell by cell with dataclasses.fields: a numeric (float) cell
that differs takes the π-weighted mean; whole numbers (years, lead times), text, selectors,
and cells blank in some scenario take the most probable scenario's value (the first listed on
ties). Rows are matched by their source row; a row missing in some scenario (a demand row
moved out of the horizon, a policy window emptied) is taken as the most probable scenario has
it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass, replace
from typing import Any

from planner.case import Case, Scenario

EV_SCENARIO = "expected_value"
MEAN_TYPES = ("float", "float | None")  # declared types whose differing cells are averaged


def expected(npv: Mapping[str, float | None], probabilities: Mapping[str, float]) -> float | None:
    if any(npv.get(s) is None for s in probabilities):
        return None
    return sum(pi * _value(npv, s) for s, pi in probabilities.items())


def cvar(
    npv: Mapping[str, float | None], probabilities: Mapping[str, float], alpha: float
) -> float | None:
    if any(npv.get(s) is None for s in probabilities):
        return None

    def at(eta: float) -> float:
        return (
            eta
            - sum(pi * max(0.0, eta - _value(npv, s)) for s, pi in probabilities.items()) / alpha
        )

    return max(at(_value(npv, s)) for s in probabilities)


def worst(npv: Mapping[str, float | None]) -> float | None:
    values = list(npv.values())
    if not values or any(v is None for v in values):
        return None
    return min(v for v in values if v is not None)


def regret(
    best: Mapping[str, float | None], npv: Mapping[str, float | None]
) -> dict[str, float | None]:
    return {
        s: None if b is None or npv.get(s) is None else b - _value(npv, s) for s, b in best.items()
    }


def evpi(
    best: Mapping[str, float | None],
    p0: Mapping[str, float | None],
    probabilities: Mapping[str, float],
) -> float | None:
    perfect, robust = expected(best, probabilities), expected(p0, probabilities)
    return None if perfect is None or robust is None else perfect - robust


def vss(
    p0: Mapping[str, float | None],
    ev_plan: Mapping[str, float | None],
    probabilities: Mapping[str, float],
) -> float | None:
    robust, eev = expected(p0, probabilities), expected(ev_plan, probabilities)
    return None if robust is None or eev is None else robust - eev


def _value(npv: Mapping[str, float | None], scenario: str) -> float:
    value = npv[scenario]
    assert value is not None
    return value


def most_probable(probabilities: Sequence[float]) -> int:
    """Index of the most probable scenario, the first listed on ties."""
    return max(range(len(probabilities)), key=lambda i: (probabilities[i], -i))


def mean_value_case(cases: Sequence[Case], probabilities: Sequence[float]) -> Case:
    """The expected-value case: `cases` merged cell by cell (see the module docstring)."""
    lead = most_probable(probabilities)
    merged = _merge_record(list(cases), list(probabilities), lead)
    scenario = Scenario(EV_SCENARIO, "π-weighted mean of the scenarios' inputs", None)
    return replace(merged, scenario=scenario)


def _merge_record(records: list[Any], weights: list[float], lead: int) -> Any:
    first = records[lead]
    if all(r == first for r in records):
        return first
    changes = {}
    for field in fields(first):
        values = [getattr(r, field.name) for r in records]
        changes[field.name] = _merge_value(values, weights, lead, _declared(field.type))
    return replace(first, **changes)


def _declared(annotation: Any) -> str:
    """'float', 'float | None', ...: the annotation as written, whether or not postponed."""
    return (
        annotation
        if isinstance(annotation, str)
        else getattr(annotation, "__name__", str(annotation))
    )


def _merge_value(values: list[Any], weights: list[float], lead: int, declared: str) -> Any:
    first = values[lead]
    if all(v == first for v in values):
        return first
    if declared in MEAN_TYPES and all(isinstance(v, int | float) for v in values):
        return sum(w * v for w, v in zip(weights, values, strict=True))
    if isinstance(first, tuple) and first and is_dataclass(first[0]):
        return _merge_rows(values, weights, lead)
    if is_dataclass(first) and not isinstance(first, type):
        return _merge_record(values, weights, lead)
    return first


def _merge_rows(tables: list[tuple[Any, ...]], weights: list[float], lead: int) -> tuple[Any, ...]:
    """Rows matched by source; a row some scenario lacks is the lead scenario's as it is."""
    by_source = [{row.source: row for row in table} for table in tables]
    merged = []
    for row in tables[lead]:
        matches = [rows.get(row.source) for rows in by_source]
        if any(m is None for m in matches):
            merged.append(row)
        else:
            merged.append(_merge_record(matches, weights, lead))
    return tuple(merged)
