"""What each sensitivity sweep shows: its points in order, their plans, and where the plan changes.

A point's plan is the retooling it takes (option and start year) and the products it
launches; the plan changes at a point whose plan differs from the point before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.case import SweepPoint
from planner.results.outcome import ScenarioOutcome
from planner.results.plan_figures import kei_units_by_year, retool_capex, taken_retools


@dataclass(frozen=True)
class PointResult:
    """One point of a sweep, as the Sensitivity sheet and the final table show it."""

    point: SweepPoint
    scenario_id: str
    status: str
    npv: float | None
    plan_value: float | None
    kei_units: float | None
    capex: float | None
    plan: str  # the plan in words; the status when there is none


@dataclass(frozen=True)
class SweepResult:
    sweep_id: str
    label: str
    points: tuple[PointResult, ...]

    @property
    def plan_values(self) -> list[float]:
        return [p.plan_value for p in self.points if p.plan_value is not None]

    def changes(self) -> list[PointResult]:
        """The points whose plan differs from the point before (points without a plan
        count as a plan of their own)."""
        return [b for a, b in zip(self.points, self.points[1:], strict=False) if a.plan != b.plan]

    def extreme(self, highest: bool) -> PointResult | None:
        """The point with the lowest (or highest) plan value; None without any."""
        known = [p for p in self.points if p.plan_value is not None]
        if not known:
            return None
        pick = max if highest else min
        return pick(known, key=lambda p: p.plan_value or 0.0)


def sweep_results(outcomes: Sequence[ScenarioOutcome]) -> list[SweepResult]:
    """Every sweep with a point among `outcomes`, in the order met, points by index."""
    grouped: dict[str, list[PointResult]] = {}
    labels: dict[str, str] = {}
    for outcome in outcomes:
        point = outcome.results.case.scenario.sweep
        if point is not None:
            grouped.setdefault(point.sweep_id, []).append(point_result(point, outcome))
            labels[point.sweep_id] = point.label
    return [
        SweepResult(sweep, labels[sweep], tuple(sorted(points, key=lambda p: p.point.index)))
        for sweep, points in grouped.items()
    ]


def point_result(point: SweepPoint, outcome: ScenarioOutcome) -> PointResult:
    results = outcome.results
    solved = results.status.has_solution
    return PointResult(
        point,
        results.case.scenario_id,
        results.status.value,
        results.npv,
        outcome.plan_value,
        sum(kei_units_by_year(results).values()) if solved else None,
        retool_capex(results) if solved else None,
        plan_words(outcome) if solved else f"no plan ({results.status.value})",
    )


def plan_words(outcome: ScenarioOutcome) -> str:
    """`retool O1 (2027), O2 (2028); launch KEI`, or `retool nothing`."""
    results = outcome.results
    retools = [f"{r.option_id} ({r.start_year})" for r in taken_retools(results)]
    words = "retool " + (", ".join(retools) if retools else "nothing")
    if results.launched_products:
        words += "; launch " + ", ".join(results.launched_products)
    return words
