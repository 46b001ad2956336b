"""Every cross-cell check of contract §1 on typed tables: keys, references, selectors, windows.

Cell-level checks (type, range, allowed values) happen while coercing (`planner.read.tables`);
here the checks that need more than one cell. Each check appends `Problem`s and never stops
early, so one pass reports everything. `CHECKS` lists them in the order they run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.contract.errors import Problem
from planner.read.tables import Tables
from planner.read.validate.context import Context, Universe, build_universe, resolve_selector
from planner.read.validate.decisions import check_decisions
from planner.read.validate.magnitudes import check_magnitudes
from planner.read.validate.meaning import check_buildable
from planner.read.validate.ramp import check_ramp_up
from planner.read.validate.references import (
    check_coordinates,
    check_demand_years,
    check_options,
    check_references,
)
from planner.read.validate.rules import check_policies, check_tariffs
from planner.read.validate.structure import (
    check_horizon,
    check_keys,
    check_needs_rows,
    check_settings_keys,
    check_solver,
)

__all__ = ["CHECKS", "Context", "Universe", "build_universe", "resolve_selector", "validate_tables"]

CHECKS: tuple[Callable[[Context], None], ...] = (
    check_needs_rows,
    check_keys,
    check_settings_keys,
    check_solver,
    check_horizon,
    check_references,
    check_options,
    check_ramp_up,
    check_coordinates,
    check_demand_years,
    check_tariffs,
    check_policies,
    check_buildable,
    check_decisions,
    check_magnitudes,
)


def validate_tables(
    tables: Tables, settings: dict[str, Any], problems: list[Problem], warnings: list[Problem]
) -> None:
    """Run every cross-cell check; settings are already typed."""
    context = Context(tables, settings, problems, warnings)
    for check in CHECKS:
        check(context)
