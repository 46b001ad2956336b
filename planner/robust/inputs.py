"""What robust mode reads besides the cases: probabilities, λ and α, and its input errors.

Probabilities (contract §4): none given → equal shares. Otherwise each scenario of the workbook
without a probability (an unlisted `base` included) gets an equal share of
max(0, 1 − Σ given); then the scenarios run are normalised to sum 1. Should they sum to 0
(only zero-probability scenarios chosen with `--scenario`), they get equal shares, with a
warning.

Input errors: one plan is shared by every scenario, so a scenario may not change an option's
id, plant, line types or effective start window, nor first_year, last_year, risk_weight or
cvar_alpha, nor the Decisions sheet (its rows bind the shared plan). The workbook's one load
(`planner.read.load.load_workbook_cases(..., robust=True)`) finds them, each on its change row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from planner.case import Case

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RiskSettings:
    risk_weight: float  # λ
    cvar_alpha: float  # α
    sweep: tuple[float, ...] = ()  # λ values of the efficient frontier

    @property
    def weights(self) -> tuple[float, ...]:
        """Every λ to solve for: the chosen one, 0 (for EVPI and VSS), the sweep."""
        return tuple(dict.fromkeys((self.risk_weight, 0.0, *self.sweep)))


def risk_settings(
    base: Case, risk_weight: float | None, cvar_alpha: float | None, sweep: Sequence[float] = ()
) -> RiskSettings:
    """λ and α from Settings unless given on the command line (scenarios may not change
    them, so every case holds the base case's)."""
    settings = base.settings
    return RiskSettings(
        settings.risk_weight if risk_weight is None else risk_weight,
        settings.cvar_alpha if cvar_alpha is None else cvar_alpha,
        tuple(sweep),
    )


class ScenarioChance(Protocol):
    """A scenario of the workbook and its probability, if the Scenarios sheet gives one."""

    @property
    def scenario_id(self) -> str: ...

    @property
    def probability(self) -> float | None: ...


def probabilities(rows: Sequence[ScenarioChance], run: Sequence[str]) -> dict[str, float]:
    given = {r.scenario_id: r.probability for r in rows if r.probability is not None}
    if given:
        unlisted = [r for r in rows if r.probability is None]
        share = max(0.0, 1.0 - sum(given.values())) / len(unlisted) if unlisted else 0.0
        raw = {s: given.get(s, share) for s in run}
    else:
        raw = dict.fromkeys(run, 1.0)
    total = sum(raw.values())
    if total <= 0:
        log.warning(
            "the scenarios run (%s) all have probability 0: weighting them equally", ", ".join(run)
        )
        raw, total = dict.fromkeys(run, 1.0), float(len(run))
    return {s: p / total for s, p in raw.items()}
