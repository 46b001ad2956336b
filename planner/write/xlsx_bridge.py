"""The Bridge sheets: NPV drivers side by side and waterfall charts between two plans.

XlsxWriter has no waterfall chart type, so a waterfall is a stacked column chart over a small
table: an invisible base series lifts each step to where the running total stands, and each
step's bar is split at zero into a part above and a part below it (Excel stacks positive and
negative values of a category apart, so a step that crosses zero needs both parts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.case import Decision
from planner.results.fixed_plans import PlanEvaluation
from planner.results.outcome import ScenarioOutcome
from planner.results.value import SegmentContribution, bridge
from planner.write.xlsx_charts import money_axis_format
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Pair,
    setup_print,
    write_cell,
    write_pairs,
    write_table,
)

SERIES = ("base", "increase", "increase (below 0)", "decrease", "decrease (below 0)", "total")
COLOURS = (None, "#70AD47", "#70AD47", "#C00000", "#C00000", "#4472C4")
SHOWN = 0.5  # $: smaller steps are left out of a chart (they stay in the tables)
CHART_SIZE = {"width": 720, "height": 360}
RESULT_NOTE = (
    "Each driver is discounted as the NPV is and signed as it adds to it: contribution by "
    "segment (revenue − freight − tariffs + credits − production cost), fixed costs, capex, "
    "launch costs and penalties. The drivers of each plan add up to its NPV. The status quo "
    "takes no retooling option and launches nothing; the plan of record is what the Decisions "
    "sheet's record rows start and launch. Both are solved with their plan fixed and "
    "production and sales free. plan value = NPV − status quo NPV."
)
COMPARISON_NOTE = (
    "For each scenario, the bridge from the reference scenario's NPV to its own, driver by "
    "driver (a driver missing on one side counts 0). Between scenarios a bridge mixes the "
    "effect of the scenario's data with that of its plan: each scenario has its own optimum."
)


@dataclass(frozen=True)
class Step:
    label: str
    values: tuple[float, float, float, float, float, float]  # one per SERIES


def waterfall(start: tuple[str, float], steps: Mapping[str, float], end_label: str) -> list[Step]:
    """The chart rows from a start total through each step to the end total."""
    rows = [_total(*start)]
    running = start[1]
    for label, change in steps.items():
        if abs(change) < SHOWN:
            continue
        low, high = sorted((running, running + change))
        if low >= 0:
            base, above, below = low, high - low, 0.0
        elif high <= 0:
            base, above, below = high, 0.0, low - high
        else:
            base, above, below = 0.0, high, low
        up = change > 0
        rows.append(
            Step(
                label,
                (
                    base,
                    above if up else 0.0,
                    below if up else 0.0,
                    0.0 if up else above,
                    0.0 if up else below,
                    0.0,
                ),
            )
        )
        running += change
    rows.append(_total(end_label, running))
    return rows


def axis_floor(steps: Sequence[Step]) -> float | None:
    """Where the value axis starts when the totals dwarf the steps (an NPV of $900B moved by
    $1B): a round number below the lowest running total, so that the steps can be seen; None
    (zero) otherwise."""
    levels = []
    for step in steps:
        base, up, _, down, _, total = step.values
        levels += [total] if total else [base, base + up + down]
    if not levels or min(levels) <= 0:
        return None
    low, high = min(levels), max(levels)
    if high - low >= 0.5 * low:
        return None
    margin = max(high - low, 1e-3 * low)
    unit = 10 ** math.floor(math.log10(margin))
    return float(math.floor((low - margin) / unit) * unit)


def _total(label: str, value: float) -> Step:
    return Step(label, (0.0, 0.0, 0.0, 0.0, 0.0, value))


def write_waterfall(
    book: Workbook, sheet: Worksheet, formats: Formats, top: int, steps: Sequence[Step], title: str
) -> tuple[Chart, int]:
    """The chart's table at (top, 0) and the chart over it; returns it and the next free row."""
    name = sheet.get_name()
    sheet.write_string(top, 0, f"Chart data: {title}", formats.section)
    for index, header in enumerate(("step", *SERIES)):
        sheet.write_string(top + 1, index, header, formats.header)
    money = formats.cell(Kind.MONEY)
    for row, step in enumerate(steps, start=top + 2):
        sheet.write_string(row, 0, step.label)
        for index, value in enumerate(step.values, start=1):
            write_cell(sheet, row, index, value, money)
    last = top + 1 + len(steps)
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    assert chart is not None
    for index, colour in enumerate(COLOURS, start=1):
        spec: dict[str, object] = {
            "name": [name, top + 1, index],
            "categories": [name, top + 2, 0, last, 0],
            "values": [name, top + 2, index, last, index],
            "gap": 60,
        }
        spec |= (
            {"fill": {"none": True}, "border": {"none": True}}
            if colour is None
            else {"fill": {"color": colour}}
        )
        chart.add_series(spec)

    figures = [v for s in steps for v in (s.values[0] + s.values[1], s.values[5], s.values[2])]
    axis: dict[str, object] = {
        "num_format": money_axis_format(figures),
        "major_gridlines": {"visible": True},
    }
    floor = axis_floor(steps)
    if floor is not None:
        axis["min"] = floor
        title += " (the axis does not start at 0)"
    chart.set_y_axis(axis)
    chart.set_title({"name": title, "name_font": {"size": 11}})
    chart.set_x_axis({"num_font": {"rotation": -30}})
    chart.set_legend({"position": "bottom", "delete_series": [0, 2, 4]})
    chart.set_size(CHART_SIZE)
    return chart, last + 2


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


def reference_scenario(outcomes: Sequence[ScenarioOutcome]) -> ScenarioOutcome:
    """base when it ran, else the first scenario run."""
    return next((o for o in outcomes if o.results.case.scenario_id == "base"), outcomes[0])


def write_comparison_bridge(
    book: Workbook, formats: Formats, outcomes: Sequence[ScenarioOutcome]
) -> None:
    """comparison.xlsx's Bridge sheet: each scenario's bridge from the reference scenario."""
    sheet = book.add_worksheet("Bridge")
    reference = reference_scenario(outcomes)
    ref_id = reference.results.case.scenario_id
    others = [o for o in outcomes if o is not reference]
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, max(len(others), 6), 18)
    sheet.write_string(0, 0, f"Bridges from scenario {ref_id}'s NPV", formats.title)
    sheet.write_string(1, 0, COMPARISON_NOTE, formats.note)
    start = reference.drivers
    bridges = {
        o.results.case.scenario_id: (
            None if start is None or o.drivers is None else bridge(start, o.drivers)
        )
        for o in others
    }
    names: list[str] = list(start or {})
    for changes in bridges.values():
        names += [d for d in changes or {} if d not in names]
    header = 3
    sheet.write_string(header, 0, "driver", formats.header)
    for col, scenario in enumerate(bridges, start=1):
        sheet.write_string(header, col, f"{scenario} − {ref_id} ($)", formats.header)
    money = formats.cell(Kind.MONEY)
    for row, driver in enumerate([*names, "NPV change (total)"], start=header + 1):
        sheet.write_string(row, 0, driver)
        for col, changes in enumerate(bridges.values(), start=1):
            value = (
                None
                if changes is None
                else (changes.get(driver, 0.0) if driver in names else sum(changes.values()))
            )
            write_cell(sheet, row, col, value, money)
    row = header + len(names) + 3
    for index, outcome in enumerate(others):
        changes = bridges[outcome.results.case.scenario_id]
        npv = reference.results.npv
        if changes is None or npv is None:
            continue
        scenario = outcome.results.case.scenario_id
        steps = waterfall((f"{ref_id} NPV", npv), changes, f"{scenario} NPV")
        chart, row = write_waterfall(
            book, sheet, formats, row, steps, f"From {ref_id} to {scenario}"
        )
        sheet.insert_chart(header + index * 19, max(len(bridges) + 2, 8), chart)
    sheet.freeze_panes(1, 0)
    setup_print(sheet)
