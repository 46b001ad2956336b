"""The Summary sheet, an executive one-pager: the decision in words, what it is worth, its risks
and what each policy costs, the charts, then the metric/value rows that carry the figures of the
JSON summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.results import Results
from planner.results.narrative import Worth, summary_lines
from planner.results.outcome import ScenarioOutcome
from planner.results.plan_figures import (
    PolicyCost,
    enforced_violations,
    horizon_shares,
    kei_units_by_year,
    not_enforced,
    policy_costs,
    retool_capex,
    taken_retools,
)
from planner.results.policy_sentences import year_span
from planner.results.tables import NO_SALES, NOT_ENFORCED, RetoolDecision
from planner.write.xlsx_charts import SUMMARY_CHART_SIZE, has_charts
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Pair,
    R,
    setup_print,
    write_pairs,
    write_table,
)

WIDTHS = (26, 18, 8, 17, 11, 11, 9, 13, 42)  # columns A:I (1,130 px): portrait Letter
CHARS_PER_LINE = 140  # of a line merged over A:I, with room to spare
TITLE_CHARS_PER_LINE = 110
LINE_HEIGHT = 15  # points
CHART_WIDTH = SUMMARY_CHART_SIZE["width"]
CHART_HEIGHT = SUMMARY_CHART_SIZE["height"]
CHART_BAND_ROWS = math.ceil(2 * CHART_HEIGHT / 20) + 1  # two rows of charts, 20 px a row
CHART_TOP = 1 + 4 + 1  # below the title, the four lines and a blank row


@dataclass(frozen=True)
class YearFigures:
    year: int
    units: float
    kei_units: float
    domestic_share: float | None
    ev_share: float | None


def write_summary(book: Workbook, formats: Formats, outcome: ScenarioOutcome) -> Worksheet:
    """One printed page, top to bottom: the decision, what it is worth, its risks and what
    each policy costs (in words), the charts, the policy cost and retooling tables, then the
    metric/value rows. The figures by year follow, outside the printed page."""
    sheet = book.add_worksheet("Summary")
    results = outcome.results
    for index, width in enumerate(WIDTHS):
        sheet.set_column(index, index, width)
    scenario = results.case.scenario
    title = f"Scenario {scenario.scenario_id}"
    if scenario.description:
        title += f": {scenario.description}"
    _write_title(book, sheet, title)
    lines = summary_lines(results, _worth(outcome), _diagnosis(outcome))
    for row, line in enumerate(lines, start=1):
        _write_line(sheet, formats, row, line)
    row = CHART_TOP + CHART_BAND_ROWS if has_charts(results) else len(lines) + 2
    wrapped = replace(formats, header=book.add_format(HEADER_SPEC))
    if results.status.has_solution:
        row = _section(
            sheet,
            wrapped,
            row,
            "What each policy costs",
            _policy_columns(),
            policy_costs(results),
        )
        row = _section(
            sheet,
            wrapped,
            row,
            "What we retool, and when",
            _retool_columns(results),
            taken_retools(results),
        )
    row = write_pairs(sheet, formats, row, 0, _metrics(outcome), ("metric", "value", "note"))
    sheet.freeze_panes(1, 0)
    _setup_page(sheet, row - 1)
    if results.status.has_solution:
        _section(
            sheet,
            wrapped,
            row + 1,
            "Key figures by year (not printed: see the charts)",
            _year_columns(results),
            year_figures(results),
        )
    return sheet


HEADER_SPEC = {"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "valign": "top", "text_wrap": True}


def place_charts(sheet: Worksheet, charts: Sequence[Chart]) -> None:
    """A 2 × 2 grid below the four lines, across the page."""
    for index, chart in enumerate(charts):
        row = CHART_TOP + (index // 2) * (CHART_BAND_ROWS // 2)
        sheet.insert_chart(row, 0, chart, {"x_offset": (index % 2) * CHART_WIDTH})


def _setup_page(sheet: Worksheet, last_row: int) -> None:
    """The Summary on one portrait page, from the title to the last metric row."""
    setup_print(sheet, landscape=False)
    sheet.fit_to_pages(1, 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.4, bottom=0.5)
    sheet.print_area(0, 0, last_row, len(WIDTHS) - 1)


def _worth(outcome: ScenarioOutcome) -> Worth:
    notes = [
        sentence
        for evaluation in (outcome.status_quo, outcome.record)
        if evaluation is not None
        for sentence in evaluation.sentences()
    ]
    return Worth(outcome.status_quo_npv, outcome.record_npv, tuple(notes))


def _diagnosis(outcome: ScenarioOutcome) -> list[str]:
    return outcome.diagnosis.sentences() if outcome.diagnosis else []


def _write_title(book: Workbook, sheet: Worksheet, title: str) -> None:
    wrapped = book.add_format({"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"})
    lines = math.ceil(max(len(title), 1) / TITLE_CHARS_PER_LINE)
    sheet.set_row(0, 19 * lines)
    sheet.merge_range(0, 0, 0, len(WIDTHS) - 1, "", wrapped)
    sheet.write_string(0, 0, title, wrapped)


def _write_line(sheet: Worksheet, formats: Formats, row: int, text: str) -> None:
    lines = math.ceil(max(len(text), 1) / CHARS_PER_LINE)
    sheet.set_row(row, LINE_HEIGHT * lines + 4)
    sheet.merge_range(row, 0, row, len(WIDTHS) - 1, "", formats.paragraph)
    sheet.write_string(row, 0, text, formats.paragraph)


def _metrics(outcome: ScenarioOutcome) -> list[Pair]:
    results = outcome.results
    case = results.case
    taken = taken_retools(results)
    kei = kei_units_by_year(results)
    domestic, electric = horizon_shares(results)
    violations = enforced_violations(outcome.diagnosis_results or results)
    free = not_enforced(results)
    solved = results.status.has_solution
    return [
        Pair(
            "plan value ($)",
            outcome.plan_value,
            Kind.MONEY,
            "NPV − status quo NPV: what the plan adds to doing nothing new (see Bridge)",
        ),
        Pair("scenario", case.scenario_id),
        Pair("status", results.status.value, note=results.message),
        Pair("NPV ($)", results.npv, Kind.MONEY, "the total of CashFlow 'discounted'"),
        Pair(
            "status quo NPV ($)",
            outcome.status_quo_npv,
            Kind.MONEY,
            "no retooling option taken, no product launched",
        ),
        Pair(
            "plan of record NPV ($)",
            outcome.record_npv,
            Kind.MONEY,
            "the starts and launches of the Decisions sheet's record rows",
        ),
        Pair("solver", results.solver),
        Pair("MIP gap", results.gap, Kind.GAP, "proven distance to the best bound"),
        Pair("solve time (s)", results.solve_seconds, Kind.SECONDS),
        Pair("input file", case.input_file),
        Pair("input sha256", case.input_sha256),
        Pair("retools", len(taken) if solved else None, Kind.COUNT, "lines converted or built"),
        Pair(
            "retool capex ($)",
            retool_capex(results) if solved else None,
            Kind.MONEY,
            "undiscounted",
        ),
        Pair("plants retooled", len({r.plant_id for r in taken}) if solved else None, Kind.COUNT),
        Pair("launched products", ", ".join(results.launched_products)),
        Pair("kei units (all years)", sum(kei.values()) if solved else None, Kind.UNITS),
        Pair(
            f"domestic share of {case.settings.domestic_country} sales",
            domestic,
            Kind.PERCENT,
            "all years; by year below the printed page",
        ),
        Pair(
            f"EV share of {case.settings.domestic_country} sales",
            electric,
            Kind.PERCENT,
            "all years; by year below the printed page",
        ),
        Pair(
            "policy violations",
            len(violations),
            Kind.COUNT,
            "soft policies missed at a penalty (or, when infeasible, what had to give way)"
            + (f"; {NOT_ENFORCED}: {', '.join(free)}" if free else ""),
        ),
    ]


def _section(
    sheet: Worksheet,
    formats: Formats,
    row: int,
    title: str,
    columns: Sequence[Column[R]],
    items: Sequence[R],
) -> int:
    sheet.write_string(row, 0, title, formats.section)
    if not items:
        sheet.write_string(row + 1, 0, "(none)", formats.note)
        return row + 3
    sheet.set_row(row + 1, 30)  # headers wrap onto two lines
    placed = write_table(sheet, formats, row + 1, 0, columns, items, None, set_widths=False)
    return placed.last_row + 2


def _retool_columns(results: Results) -> list[Column[RetoolDecision]]:
    case = results.case
    return [
        Column("plant", Kind.TEXT, lambda r: case.plant(r.plant_id).name),
        Column("option", Kind.TEXT, lambda r: r.option_id),
        Column("state", Kind.TEXT, lambda r: case.plant(r.plant_id).state),
        Column(
            "from → to", Kind.TEXT, lambda r: f"{r.from_line_type or '(new)'} → {r.to_line_type}"
        ),
        Column("start year", Kind.YEAR, lambda r: r.start_year),
        Column("online year", Kind.YEAR, lambda r: r.online_year),
        Column("units/yr added", Kind.UNITS, lambda r: r.capacity_added),
        Column("capex ($)", Kind.MONEY, lambda r: r.capex),
    ]


def _policy_columns() -> list[Column[PolicyCost]]:
    return [
        Column("policy", Kind.TEXT, lambda c: c.policy_id),
        Column("kind", Kind.TEXT, lambda c: c.kind),
        Column("mode", Kind.TEXT, lambda c: c.mode),
        Column("binds in", Kind.TEXT, _binds_text),
        Column("$ per unit, low", Kind.CENTS, lambda c: c.shadow_low),
        Column("$ per unit, high", Kind.CENTS, lambda c: c.shadow_high),
        Column("unit", Kind.TEXT, lambda c: c.unit),
        Column("penalty paid ($)", Kind.MONEY, lambda c: c.penalty_cost),
        Column("rule", Kind.TEXT, _rule_text),
    ]


def _binds_text(cost: PolicyCost) -> str:
    """'2028–2036'; a soft rule it pays to miss: 'missed 2027–2036'."""
    span = year_span(cost.binding_years)
    return f"missed {span}" if cost.missed else span


def _rule_text(cost: PolicyCost) -> str:
    """'fleet mpg at least 27.6: not enforced (penalty $0)'."""
    if cost.not_enforced:
        return f"{cost.rule}: {NOT_ENFORCED}"
    return f"{cost.rule}: {NO_SALES}" if cost.no_sales else cost.rule


def year_figures(results: Results) -> list[YearFigures]:
    kei = kei_units_by_year(results)
    return [
        YearFigures(
            t,
            results.units_by_year.get(t, 0.0),
            kei.get(t, 0.0),
            results.domestic_share_by_year.get(t),
            results.ev_share_by_year.get(t),
        )
        for t in results.case.settings.years
    ]


def _year_columns(results: Results) -> list[Column[YearFigures]]:
    country = results.case.settings.domestic_country
    return [
        Column("year", Kind.YEAR, lambda y: y.year),
        Column("units sold", Kind.UNITS, lambda y: y.units),
        Column("kei units", Kind.UNITS, lambda y: y.kei_units),
        Column(f"domestic share ({country})", Kind.PERCENT, lambda y: y.domestic_share),
        Column(f"EV share ({country})", Kind.PERCENT, lambda y: y.ev_share),
    ]
