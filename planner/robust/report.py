"""The outcome of a robust run: what robust.json and robust.xlsx are written from."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from planner.case import Case
from planner.results.diagnosis import Diagnosis
from planner.results.prose import money
from planner.robust.evaluate import Evaluation
from planner.robust.inputs import RiskSettings
from planner.robust.plan import Plan
from planner.robust.values import expected
from planner.solve.result import Status

# Roles of a judged plan; the robust and EV plans are also labelled so.
ROBUST = "robust"  # the label of the robust plan in docs/contract.md §4's regret keys
OWN = "own"  # a scenario's own optimum, labelled with the scenario
FRONTIER = "frontier"  # the extensive form's plan at one λ, labelled "λ=0.5"
EV_PLAN = "expected_value"


def lambda_label(risk_weight: float) -> str:
    return f"λ={risk_weight:g}"


@dataclass(frozen=True)
class JudgedPlan:
    """A plan and what it earns in each scenario when the rest is re-solved."""

    label: str  # ROBUST, a scenario id (its own plan), EV_PLAN or "λ=0.5"
    role: str  # ROBUST, OWN, FRONTIER or EV_PLAN
    plan: Plan
    npv: dict[str, float | None]
    status: dict[str, Status]


@dataclass(frozen=True)
class FrontierPoint:
    risk_weight: float
    status: Status
    objective: float | None
    expected_npv: float | None
    cvar: float | None
    worst_npv: float | None
    plan: Plan | None


@dataclass(frozen=True)
class Retool:
    """A retool of the shared plan, with the first scenario's option data (docs/contract.md §3)."""

    option_id: str
    plant_id: str
    from_line_type: str | None
    to_line_type: str
    start_year: int
    online_year: int
    capex: float


@dataclass(frozen=True)
class RobustReport:
    cases: tuple[Case, ...]  # the scenarios run, in workbook order
    probabilities: dict[str, float]
    risk: RiskSettings
    status: Status
    solver: str
    objective: float | None
    gap: float | None
    solve_seconds: float
    model_size: dict[str, int]
    plan: Plan | None
    in_scenario: dict[str, Evaluation] = field(default_factory=dict)  # the robust plan
    solved_objective: float | None = None  # the extensive form's own, as solved
    best: dict[str, float | None] = field(default_factory=dict)  # NPV*_s
    plans: tuple[JudgedPlan, ...] = ()  # every plan judged, the robust one first
    expected_npv: float | None = None
    cvar: float | None = None
    worst_npv: float | None = None
    evpi: float | None = None
    eev: float | None = None
    vss: float | None = None
    regret: dict[str, dict[str, float | None]] = field(default_factory=dict)
    frontier: tuple[FrontierPoint, ...] = ()
    infeasible_alone: tuple[str, ...] = ()
    diagnosis: dict[str, Diagnosis] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    # each scenario's status quo (no retooling, no launch), from its own run; None: infeasible
    status_quo_npv_by_scenario: dict[str, float | None] = field(default_factory=dict)

    @property
    def plan_value_by_scenario(self) -> dict[str, float | None]:
        """The robust plan's NPV in each scenario minus that scenario's status quo NPV."""
        npv, quo = self.npv_by_scenario, self.status_quo_npv_by_scenario
        values: dict[str, float | None] = {}
        for s in self.scenario_ids:
            shared, status_quo = npv.get(s), quo.get(s)
            values[s] = None if shared is None or status_quo is None else shared - status_quo
        return values

    @property
    def expected_plan_value(self) -> float | None:
        """Σ π_s · plan_value_s; None if any is None."""
        values = self.plan_value_by_scenario
        if not values or any(v is None for v in values.values()):
            return None
        return sum(self.probabilities[s] * v for s, v in values.items() if v is not None)

    @property
    def base(self) -> Case:
        return self.cases[0]

    @property
    def scenario_ids(self) -> tuple[str, ...]:
        return tuple(c.scenario_id for c in self.cases)

    @property
    def npv_by_scenario(self) -> dict[str, float | None]:
        found = self.in_scenario
        return {s: found[s].npv if s in found else None for s in self.scenario_ids}

    @property
    def exit_code(self) -> int:
        if self.status.has_solution:
            return 0
        return 3 if self.status is Status.INFEASIBLE else 4

    def retools(self) -> tuple[Retool, ...]:
        if self.plan is None:
            return ()
        found = []
        for option in self.base.options:
            start = self.plan.start_of(option.option_id)
            if start is not None:
                found.append(
                    Retool(
                        option.option_id,
                        option.plant_id,
                        option.from_line_type,
                        option.to_line_type,
                        start,
                        start + option.lead_time_years,
                        option.capex,
                    )
                )
        return tuple(sorted(found, key=lambda r: (r.start_year, r.plant_id, r.option_id)))


def plan_name(judged: JudgedPlan) -> str:
    names = {
        ROBUST: "robust plan",
        EV_PLAN: "expected-value plan",
        FRONTIER: f"robust plan at {judged.label}",
    }
    return names.get(judged.role, f"{judged.label}'s own plan")


def plan_sentence(report: RobustReport) -> str:
    """The robust plan in words, with plant names: what to retool, when, and what to launch."""
    if report.plan is None:
        return f"No robust plan: the status is {report.status.value}."
    retools = [_retool_words(report, r) for r in report.retools()]
    launched = sorted(report.plan.launched)
    what = "; ".join(retools) if retools else "no retooling (no kei line)"
    launches = f"Launch {_and(launched)}." if launched else "Launch no new product."
    return f"Robust plan: {what}. {launches}"


def _retool_words(report: RobustReport, retool: Retool) -> str:
    plant = report.base.plant(retool.plant_id).name
    change = (
        f"retool {plant} from {retool.from_line_type} to {retool.to_line_type}"
        if retool.from_line_type
        else f"build a new {retool.to_line_type} line at {plant}"
    )
    return (
        f"{change} in {retool.start_year} (online {retool.online_year}, "
        f"{money(retool.capex)} capex)"
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def gap_dollars(report: RobustReport) -> float | None:
    """The solver's relative gap in $: gap · |objective|."""
    if report.gap is None or report.objective is None:
        return None
    return report.gap * abs(report.objective)


def gap_text(report: RobustReport) -> str | None:
    """The gap to three significant digits and in $, e.g. '0.0121% ($110M)'."""
    if report.gap is None:
        return None
    share = f"{report.gap * 100:.3g}%"
    dollars = gap_dollars(report)
    return share if dollars is None else f"{share} ({money(dollars)})"


def near_ties(report: RobustReport) -> tuple[str, ...]:
    """Warnings where the solver's gap in $ is too coarse to rank what the report compares:
    each pair of different candidate plans (the robust plan and the scenarios' own plans,
    scenarios sharing a plan named together) whose expected NPVs differ by less than the gap,
    and a VSS smaller than the gap."""
    limit = gap_dollars(report)
    if limit is None:
        return ()
    warnings = []
    groups = _candidate_groups(report)
    for (first, one), (second, two) in combinations(groups, 2):
        if abs(one - two) < limit:
            warnings.append(
                f"{_capital(first)} and {second} differ in expected NPV by "
                f"{money(abs(one - two))}, less than the solver's gap ({money(limit)}): "
                "the solve cannot tell them apart; choose between them on other grounds."
            )
    if report.vss is not None and abs(report.vss) < limit:
        warnings.append(
            f"The VSS ({money(report.vss)}) is less than the solver's gap ({money(limit)}): "
            "this solve does not show that planning for all scenarios at once beats the "
            "expected-value plan."
        )
    return tuple(warnings)


def _candidate_groups(report: RobustReport) -> list[tuple[str, float]]:
    """(name, expected NPV) of each different candidate plan, in report order; a plan that is
    several scenarios' own is named once for all of them ("a's and b's own plan")."""
    labels: dict[Plan, list[str]] = {}
    values: dict[Plan, float] = {}
    for judged in report.plans:
        value = expected(judged.npv, report.probabilities)
        if judged.role not in (ROBUST, OWN) or value is None:
            continue
        labels.setdefault(judged.plan, []).append(
            "the robust plan" if judged.role == ROBUST else f"{judged.label}'s"
        )
        values[judged.plan] = value
    return [(_group_name(names), values[p]) for p, names in labels.items()]


def _group_name(names: list[str]) -> str:
    own = [n for n in names if n != "the robust plan"]
    if len(own) < len(names):
        return "the robust plan" + (f" ({_and(own)} own plan too)" if own else "")
    return f"{_and(own)} own plan"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
