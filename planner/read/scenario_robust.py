"""The scenario changes robust mode refuses, because its scenarios share one retooling plan.

A change to risk_weight, cvar_alpha, first_year or last_year; to an option's id, plant or line
types; to its effective start window; or to the Decisions sheet is accepted in every other mode
but would let robust mode's scenarios disagree about the plan they share. Each problem names
the change row that makes it.
"""

from __future__ import annotations

from planner.contract.errors import Problem
from planner.read.raw_workbook import canonical
from planner.read.scenario_apply import apply_changes
from planner.read.scenarios import (
    ROBUST_FIXED_OPTION_COLUMNS,
    ROBUST_FIXED_SETTINGS,
    Change,
    parse_change,
    scenario_rows,
)
from planner.read.tables import (
    Tables,
    coerce_settings,
)


def robust_change_problems(tables: Tables) -> list[Problem]:
    """Changes robust mode cannot accept (docs/contract.md §4), each named by its change row.

    A change to risk_weight, cvar_alpha, first_year or last_year; to an option's id, plant or
    line types; or one that moves an option's effective start window (earliest/latest start
    within the horizon). Other modes accept all of these.
    """
    problems: list[Problem] = []
    for record in tables.get("ScenarioChanges", []):
        change = parse_change(record, [])
        if change is not None:
            problems.extend(_fixed_input_problems(tables, change))
    settings = coerce_settings(tables.get("Settings", []), [])
    horizon = (settings.get("first_year"), settings.get("last_year"))
    base_windows = _option_windows(tables, horizon)
    for row in scenario_rows(tables)[1:]:
        changed = apply_changes(tables, row.scenario_id, [])
        for option, window in _option_windows(changed, horizon).items():
            problems.extend(_window_problems(changed, option, base_windows.get(option), window))
    return sorted(set(problems))


def decision_change_problems(tables: Tables) -> list[Problem]:
    """Decisions bind the one shared plan in robust mode: no scenario may change them."""
    return [
        change.problem(
            "sheet",
            f"scenario {change.get('scenario_id')} changes Decisions, but in robust mode the "
            "Decisions bind the one plan shared by every scenario: change them on the "
            "Decisions sheet itself",
        )
        for change in tables.get("ScenarioChanges", [])
        if change.get("sheet") == "Decisions"
    ]


def _fixed_input_problems(tables: Tables, change: Change) -> list[Problem]:
    why = "robust mode plans one set of retooling for all scenarios (docs/contract.md §4)"
    if change.sheet == "Settings":
        keys = {canonical(r.get("key")) for r in change.targets(tables)}
        fixed = [k for k in ROBUST_FIXED_SETTINGS if k in keys]
        return [
            change.record.problem(
                "match",
                f"changes {key}, which may not differ by scenario in robust mode "
                "(docs/contract.md §4)",
            )
            for key in fixed
        ]
    if change.sheet == "RetoolOptions" and change.column in ROBUST_FIXED_OPTION_COLUMNS:
        return [change.record.problem("column", f"changes an option's {change.column}; {why}")]
    return []


def _option_windows(
    tables: Tables, horizon: tuple[int | None, int | None]
) -> dict[str, tuple[int, int]]:
    """Each option's start window within the base horizon (changes to it are flagged apart)."""
    first, last = horizon
    if first is None or last is None:
        return {}
    windows = {}
    for record in tables.get("RetoolOptions", []):
        earliest = record.get("earliest_start")
        latest = record.get("latest_start")
        windows[record.get("option_id")] = (
            max(first, first if earliest is None else earliest),
            min(last, last if latest is None else latest),
        )
    return windows


def _window_problems(
    tables: Tables, option: str, base: tuple[int, int] | None, window: tuple[int, int]
) -> list[Problem]:
    if base is None or base == window:
        return []
    record = next(r for r in tables["RetoolOptions"] if r.get("option_id") == option)
    changes = [
        record.changed_by[c] for c in ("earliest_start", "latest_start") if c in record.changed_by
    ]
    return [
        change.problem(
            "value",
            f"moves the start window of option {option} from "
            f"{base[0]}-{base[1]} to {window[0]}-{window[1]}; robust "
            "mode plans one set of retooling for all scenarios "
            "(docs/contract.md §4)",
        )
        for change in changes
    ]
