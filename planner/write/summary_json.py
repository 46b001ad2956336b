"""The JSON summary of docs/contract.md §3 (its keys are part of the contract)."""

from __future__ import annotations

import json
import math
from typing import Any

from planner import __version__
from planner.results.alternatives import AlternativeSearch
from planner.results.outcome import ScenarioOutcome
from planner.results.tables import RetoolDecision


def summary(outcome: ScenarioOutcome) -> dict[str, Any]:
    results = outcome.results
    case = results.case
    violations = results.violations
    if outcome.diagnosis_results is not None:
        violations = outcome.diagnosis_results.violations
    return {
        "planner_version": __version__,
        "input_file": case.input_file,
        "input_sha256": case.input_sha256,
        "scenario": case.scenario_id,
        "status": results.status.value,
        "solver": results.solver,
        "objective": _number(results.objective),
        "npv": _number(results.npv),
        "mip_gap": _number(results.gap),
        "solve_seconds": round(results.solve_seconds, 3),
        "retools": [_retool(r) for r in results.retools if r.taken],
        "launched_products": list(results.launched_products),
        "units_by_year": _by_year(results.units_by_year),
        "domestic_share_by_year": _by_year(results.domestic_share_by_year),
        "ev_share_by_year": _by_year(results.ev_share_by_year),
        "policy_violations": [
            {"policy_id": v.policy_id, "year": v.year, "violation": v.violation} for v in violations
        ],
        "status_quo_npv": _number(outcome.status_quo_npv),
        "plan_value": _number(outcome.plan_value),
        "record_npv": _number(outcome.record_npv),
        "npv_drivers": _dollars(outcome.drivers),
        "bridge_from_status_quo": _dollars(outcome.bridge_from(outcome.status_quo)),
        "bridge_from_record": _dollars(outcome.bridge_from(outcome.record)),
        **_alternatives(outcome.alternatives),
    }


def _retool(r: RetoolDecision) -> dict[str, Any]:
    return {
        "option_id": r.option_id,
        "plant_id": r.plant_id,
        "from_line_type": r.from_line_type,
        "to_line_type": r.to_line_type,
        "start_year": r.start_year,
        "online_year": r.online_year,
        "capex": r.capex,
    }


def _alternatives(search: AlternativeSearch | None) -> dict[str, Any]:
    """The alternative plans (the optimum not repeated) and, in words, why the search ended
    (null when no alternatives were asked for)."""
    plans = () if search is None else search.plans
    return {
        "alternatives": [
            {
                "npv": _number(p.npv),
                "plan_value": _number(p.plan_value),
                "retools": [_retool(r) for r in p.retools],
                "launched_products": list(p.launched_products),
            }
            for p in plans
        ],
        "alternatives_note": None if search is None else search.stopped,
    }


def _dollars(values: dict[str, float] | None) -> dict[str, float | None] | None:
    return None if values is None else {key: _number(value) for key, value in values.items()}


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _by_year(values: dict[int, float] | dict[int, float | None]) -> dict[str, float | None]:
    return {str(year): _number(value) for year, value in sorted(values.items())}


def summary_json(outcome: ScenarioOutcome) -> str:
    return json.dumps(summary(outcome), indent=2) + "\n"
