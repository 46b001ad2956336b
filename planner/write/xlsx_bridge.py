"""The result workbook's Bridge sheet: the plan against the status quo and the plan of record.

The plan value and the NPVs it is weighed against, the NPV drivers of the plan, the status quo
and the plan of record side by side (discounted, signed as they add to the NPV), the
contribution by segment of each, the Decisions sheet's rows with whether the plan agrees, and a
waterfall (`xlsx_waterfall`) from the status quo's NPV to the plan's.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.case import Decision
from planner.results.fixed_plans import PlanEvaluation
from planner.results.outcome import ScenarioOutcome
from planner.results.value import SegmentContribution, bridge
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Pair,
    setup_print,
    write_pairs,
    write_table,
)
from planner.write.xlsx_waterfall import waterfall, write_waterfall

RESULT_NOTE = (
    "Each driver is discounted as the NPV is and signed as it adds to it: contribution by "
    "segment (revenue − freight − tariffs + credits − production cost), fixed costs, capex, "
    "launch costs and penalties. The drivers of each plan add up to its NPV. The status quo "
    "takes no retooling option and launches nothing; the plan of record is what the Decisions "
    "sheet's record rows start and launch. Both are solved with their plan fixed and "
    "production and sales free. plan value = NPV − status quo NPV."
)


@dataclass(frozen=True)
class DriverRow:
    driver: str
    plan: float | None
    status_quo: float | None
    record: float | None

    @staticmethod
    def difference(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b


@dataclass(frozen=True)
class SegmentRow:
    plan: str
    part: SegmentContribution


def write_result_bridge(book: Workbook, formats: Formats, outcome: ScenarioOutcome) -> None:
    """The result workbook's Bridge sheet."""
    sheet = book.add_worksheet("Bridge")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 7, 18)
    sheet.write_string(0, 0, "What the plan is worth: NPV drivers and bridges", formats.title)
    sheet.write_string(1, 0, RESULT_NOTE, formats.note)
    row = 2
    for evaluation in (outcome.status_quo, outcome.record):
        for sentence in [] if evaluation is None else evaluation.sentences():
            sheet.write_string(row, 0, sentence, formats.note)
            row += 1
    row = write_pairs(
        sheet, formats, row + 1, 0, _bridge_pairs(outcome), ("metric", "value", "note")
    )
    rows = _driver_rows(outcome)
    sheet.write_string(row + 1, 0, "Drivers ($, discounted)", formats.section)
    placed = write_table(
        sheet, formats, row + 2, 0, _driver_columns(), rows, "Drivers", set_widths=False
    )
    row = placed.last_row + 2
    sheet.write_string(row, 0, "Contribution by segment ($, discounted)", formats.section)
    placed = write_table(
        sheet,
        formats,
        row + 1,
        0,
        _segment_columns(),
        _segment_rows(outcome),
        "Segments",
        set_widths=False,
    )
    row = placed.last_row + 2
    row = _write_decisions(sheet, formats, row, outcome)
    start, end = outcome.status_quo_npv, outcome.results.npv
    changes = outcome.bridge_from(outcome.status_quo)
    if start is not None and end is not None and changes is not None:
        steps = waterfall(("status quo NPV", start), changes, "plan NPV")
        chart, _ = write_waterfall(
            book, sheet, formats, row, steps, "From the status quo to the plan"
        )
        sheet.insert_chart(3, 8, chart)
    sheet.freeze_panes(1, 0)
    setup_print(sheet)


@dataclass(frozen=True)
class DecisionLine:
    decision: Decision
    in_plan: bool | None  # None without a plan


def _write_decisions(sheet: Worksheet, formats: Formats, row: int, outcome: ScenarioOutcome) -> int:
    decisions = outcome.results.case.decisions
    if not decisions:
        return row
    plan = _plan_items(outcome)
    lines = [DecisionLine(d, None if plan is None else _in_plan(d, plan)) for d in decisions]
    sheet.write_string(row, 0, "Decisions (the Decisions sheet)", formats.section)
    columns: list[Column[DecisionLine]] = [
        Column("item", Kind.TEXT, lambda r: r.decision.item),
        Column("decision", Kind.TEXT, lambda r: r.decision.decision),
        Column("year", Kind.YEAR, lambda r: r.decision.year),
        Column("plan agrees", Kind.FLAG, lambda r: r.in_plan),
        Column("note", Kind.TEXT, lambda r: r.decision.note),
        Column("input row", Kind.TEXT, lambda r: str(r.decision.source)),
    ]
    placed = write_table(sheet, formats, row + 1, 0, columns, lines, "Decisions", set_widths=False)
    return placed.last_row + 2


def _plan_items(outcome: ScenarioOutcome) -> dict[str, int | None] | None:
    """Option -> start year and launched product -> None, for this scenario's plan."""
    results = outcome.results
    if not results.status.has_solution:
        return None
    items: dict[str, int | None] = {r.option_id: r.start_year for r in results.retools if r.taken}
    items.update(dict.fromkeys(results.launched_products))
    return items


def _in_plan(decision: Decision, plan: dict[str, int | None]) -> bool:
    """Whether the plan has the item (in the decision's year, for a start or record)."""
    if decision.decision == "never":
        return decision.item not in plan
    if decision.item not in plan:
        return False
    return decision.year is None or plan[decision.item] == decision.year


def _bridge_pairs(outcome: ScenarioOutcome) -> list[Pair]:
    record = outcome.record_npv
    npv = outcome.results.npv
    return [
        Pair("plan value ($)", outcome.plan_value, Kind.MONEY, "NPV − status quo NPV"),
        Pair("NPV ($)", npv, Kind.MONEY, "this scenario's plan"),
        Pair("status quo NPV ($)", outcome.status_quo_npv, Kind.MONEY, "no retooling, no launch"),
        Pair("plan of record NPV ($)", record, Kind.MONEY, "the Decisions sheet's record rows"),
        Pair(
            "NPV − plan of record NPV ($)",
            DriverRow.difference(npv, record),
            Kind.MONEY,
            "what the plan adds to the plan of record",
        ),
    ]


def _driver_rows(outcome: ScenarioOutcome) -> list[DriverRow]:
    plan = outcome.drivers or {}
    quo = _drivers(outcome.status_quo)
    record = _drivers(outcome.record)
    names = list(bridge(bridge(plan, quo or {}), record or {}))
    rows = [
        DriverRow(
            d,
            plan.get(d, 0.0) if outcome.drivers is not None else None,
            None if quo is None else quo.get(d, 0.0),
            None if record is None else record.get(d, 0.0),
        )
        for d in names
    ]
    rows.append(
        DriverRow("NPV (total)", outcome.results.npv, outcome.status_quo_npv, outcome.record_npv)
    )
    return rows


def _drivers(evaluation: PlanEvaluation | None) -> dict[str, float] | None:
    return None if evaluation is None else evaluation.drivers


def _driver_columns() -> list[Column[DriverRow]]:
    return [
        Column("driver", Kind.TEXT, lambda r: r.driver),
        Column("plan ($)", Kind.MONEY, lambda r: r.plan),
        Column("status quo ($)", Kind.MONEY, lambda r: r.status_quo),
        Column("plan of record ($)", Kind.MONEY, lambda r: r.record),
        Column(
            "plan − status quo ($)",
            Kind.MONEY,
            lambda r: DriverRow.difference(r.plan, r.status_quo),
        ),
        Column(
            "plan − plan of record ($)",
            Kind.MONEY,
            lambda r: DriverRow.difference(r.plan, r.record),
        ),
    ]


def _segment_rows(outcome: ScenarioOutcome) -> list[SegmentRow]:
    rows: list[SegmentRow] = []
    sources = [("plan", outcome.results if outcome.drivers is not None else None)]
    for evaluation in (outcome.status_quo, outcome.record):
        if evaluation is not None:
            sources.append((evaluation.label, evaluation.results))
    for label, results in sources:
        if results is None or results.drivers is None:
            continue
        rows.extend(SegmentRow(label, part) for part in results.drivers.segments)
    return rows


def _segment_columns() -> list[Column[SegmentRow]]:
    def money(header: str, get: str) -> Column[SegmentRow]:
        return Column(header, Kind.MONEY, lambda r: getattr(r.part, get))

    return [
        Column("plan", Kind.TEXT, lambda r: r.plan),
        Column("segment", Kind.TEXT, lambda r: r.part.segment),
        money("revenue", "revenue"),
        money("freight", "freight"),
        money("tariffs", "tariffs"),
        money("credits", "credits"),
        money("production cost", "production_cost"),
        money("contribution", "total"),
    ]
