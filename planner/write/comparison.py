"""`comparison.xlsx` (docs/contract.md §3): the scenarios of one run side by side.

- `Scenarios`: one row per scenario (status, NPV, kei units, shares, capex, retools, time), each
  scenario's plan value (NPV − status quo NPV), and bar charts of NPV and plan value.
- `StartYears`: option × scenario start years, to see which decisions hold across scenarios.
- `PolicyCosts`: policy × scenario, the years each policy binds and its shadow price range.
- `Bridge`: each scenario's NPV bridge from base (or the first scenario run), driver by
  driver, with waterfall charts.
Scoring each plan under every other scenario belongs to robust mode (docs/contract.md §4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.results import Results
from planner.results.outcome import ScenarioOutcome
from planner.results.plan_figures import (
    PolicyCost,
    enforced_violations,
    horizon_shares,
    kei_units_by_year,
    policy_costs,
    retool_capex,
    taken_retools,
)
from planner.results.policy_sentences import price_range, year_span
from planner.results.tables import NO_SALES, NOT_ENFORCED
from planner.write.atomic import write_atomically
from planner.write.comparison_bridge import write_comparison_bridge
from planner.write.xlsx_charts import (
    axis_title,
    money_axis_format,
    money_label_format,
    zero_based,
)
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    finish_sheet,
    make_formats,
    open_workbook,
    setup_print,
    write_cell,
    write_table,
)
from planner.write.xlsx_sensitivity import write_sensitivity

SCENARIOS_NOTE = (
    "One row per scenario of this run. NPV, capex and units are over the whole "
    "horizon; shares are of home-country sales over all years."
)
NO_RETOOL = "no kei line"
MATRIX_NOTE = (
    "Start year of each retooling option taken in at least one scenario (blank: not "
    f"taken; '{NO_RETOOL}': the scenario's plan retools nothing; a scenario without a plan "
    "is blank throughout)."
)
PLAN_VALUE_NOTE = (
    "NPV minus the status quo's (the same scenario with no retooling and no launch): what "
    "the plan adds. Blank where either has no solution."
)
NPV_COL = 4  # "NPV ($)" in scenario_columns
CHART_WIDTH = 560
POLICY_NOTE = (
    "Years in which each policy binds, and its shadow price range in $ per unit (a vehicle, "
    "1 mpg of fleet target, $1 or an option: see a scenario workbook's Policies sheet). "
    "'not enforced (penalty $0)': a soft rule missed because missing it costs nothing; "
    "'no sales in scope': a share or mpg rule over no sales, which holds trivially."
)


def write_comparison_workbook(target: Path, outcomes: Sequence[ScenarioOutcome]) -> None:
    write_atomically(target, lambda path: write_comparison_file(path, outcomes))


def write_comparison_file(path: Path, outcomes: Sequence[ScenarioOutcome]) -> None:
    book = open_workbook(path)
    try:
        formats = make_formats(book)
        results = [o.results for o in outcomes]
        _write_scenarios(book, formats, outcomes)
        _write_start_years(book, formats, results)
        _write_policy_costs(book, formats, results)
        write_comparison_bridge(book, formats, outcomes)
        write_sensitivity(book, formats, outcomes)
    finally:
        book.close()


def _solved(results: Results) -> bool:
    return results.status.has_solution


def scenario_columns(outcomes: Sequence[ScenarioOutcome]) -> list[Column[ScenarioOutcome]]:
    first = outcomes[0].results if outcomes else None
    base = first.npv if first is not None and _solved(first) else None
    first_id = first.case.scenario_id if first is not None else ""

    def kei(r: Results) -> float | None:
        return sum(kei_units_by_year(r).values()) if _solved(r) else None

    def last_kei(r: Results) -> float | None:
        return kei_units_by_year(r)[r.case.settings.last_year] if _solved(r) else None

    def npv_change(r: Results) -> float | None:
        return None if r.npv is None or base is None else r.npv - base

    def violations(o: ScenarioOutcome) -> int:
        return len(enforced_violations(o.diagnosis_results or o.results))

    return [
        Column("scenario", Kind.TEXT, lambda o: o.results.case.scenario_id),
        Column("description", Kind.TEXT, lambda o: o.results.case.scenario.description, width=40),
        Column("probability", Kind.PERCENT, lambda o: o.results.case.scenario.probability),
        Column("status", Kind.TEXT, lambda o: o.results.status.value),
        Column("NPV ($)", Kind.MONEY, lambda o: o.results.npv),
        Column(f"NPV vs {first_id} ($)", Kind.MONEY, lambda o: npv_change(o.results)),
        Column("MIP gap", Kind.GAP, lambda o: o.results.gap),
        Column("kei units (all years)", Kind.UNITS, lambda o: kei(o.results)),
        Column("kei units (last year)", Kind.UNITS, lambda o: last_kei(o.results)),
        Column("domestic share", Kind.PERCENT, lambda o: horizon_shares(o.results)[0]),
        Column("EV share", Kind.PERCENT, lambda o: horizon_shares(o.results)[1]),
        Column(
            "retool capex ($)",
            Kind.MONEY,
            lambda o: retool_capex(o.results) if _solved(o.results) else None,
        ),
        Column(
            "retools",
            Kind.COUNT,
            lambda o: len(taken_retools(o.results)) if _solved(o.results) else None,
        ),
        Column("launched products", Kind.TEXT, lambda o: ", ".join(o.results.launched_products)),
        Column("policy violations", Kind.COUNT, violations),
        Column("solve time (s)", Kind.SECONDS, lambda o: o.results.solve_seconds),
    ]


def _write_scenarios(book: Workbook, formats: Formats, outcomes: Sequence[ScenarioOutcome]) -> None:
    sheet = book.add_worksheet("Scenarios")
    sheet.write_string(0, 0, "Scenarios compared", formats.title)
    sheet.write_string(1, 0, SCENARIOS_NOTE, formats.note)
    placed = write_table(sheet, formats, 3, 0, scenario_columns(outcomes), outcomes, "Scenarios")
    finish_sheet(sheet, placed)
    last = max(placed.last_row, placed.first_row)
    npv = BarSource(placed.header_row, placed.first_row, last, NPV_COL)
    top = last + 3
    values = _write_plan_values(sheet, formats, top, outcomes)
    npv_chart = _bar_chart(book, "NPV by scenario, whole horizon", "NPV", npv, _npvs(outcomes))
    value_chart = _bar_chart(
        book,
        "Plan value: what each scenario's plan adds to the status quo",
        "plan value",
        values,
        [o.plan_value for o in outcomes],
    )
    sheet.insert_chart(values.last_row + 2, 0, npv_chart)
    sheet.insert_chart(values.last_row + 2, 0, value_chart, {"x_offset": CHART_WIDTH + 20})


def _npvs(outcomes: Sequence[ScenarioOutcome]) -> list[float | None]:
    return [o.results.npv for o in outcomes]


@dataclass(frozen=True)
class BarSource:
    """Where a bar chart's figures sit on Scenarios: a header cell above one column of values,
    the scenario ids in column A of the same rows."""

    header_row: int
    first_row: int
    last_row: int
    col: int


def _write_plan_values(
    sheet: Worksheet, formats: Formats, top: int, outcomes: Sequence[ScenarioOutcome]
) -> BarSource:
    sheet.write_string(top, 0, "Plan value", formats.section)
    sheet.write_string(top + 1, 0, PLAN_VALUE_NOTE, formats.note)
    sheet.write_string(top + 2, 0, "scenario", formats.header)
    sheet.write_string(top + 2, 1, "plan value ($)", formats.header)
    for row, outcome in enumerate(outcomes, start=top + 3):
        sheet.write_string(row, 0, outcome.results.case.scenario_id)
        write_cell(sheet, row, 1, outcome.plan_value, formats.cell(Kind.MONEY))
    return BarSource(top + 2, top + 3, top + 2 + max(len(outcomes), 1), 1)


def _bar_chart(
    book: Workbook,
    title: str,
    quantity: str,
    source: BarSource,
    values: Sequence[float | None],
) -> Chart:
    """One bar per scenario, first on top; the value axis from 0 when no value is negative."""
    money_format = money_axis_format(values)
    chart = book.add_chart({"type": "bar"})
    assert chart is not None
    chart.add_series(
        {
            "name": ["Scenarios", source.header_row, source.col],
            "categories": ["Scenarios", source.first_row, 0, source.last_row, 0],
            "values": ["Scenarios", source.first_row, source.col, source.last_row, source.col],
            "data_labels": {"value": True, "num_format": money_label_format(values)},
        }
    )
    chart.set_title({"name": title, "name_font": {"size": 11}})
    chart.set_x_axis(
        {
            "name": axis_title(quantity, values),
            "num_format": money_format,
            "major_gridlines": {"visible": True},
            **zero_based(values),
        }
    )
    chart.set_y_axis({"name": "scenario", "reverse": True, "crossing": "max"})
    chart.set_legend({"none": True})
    chart.set_size({"width": CHART_WIDTH, "height": 140 + 28 * len(values)})
    return chart


@dataclass(frozen=True)
class MatrixRow:
    """One row of a row × scenario matrix: labels, then one cell per scenario."""

    labels: tuple[str, ...]
    cells: tuple[str | float | None, ...]
    summary: str


def start_year_rows(results: Sequence[Results]) -> list[MatrixRow]:
    starts = [{r.option_id: r.start_year for r in taken_retools(res)} for res in results]
    options = {r.option_id: (r, res) for res in results for r in taken_retools(res)}
    rows = []
    for option_id in sorted(options, key=lambda o: (options[o][0].plant_id, o)):
        option, where = options[option_id]
        cells = tuple(s.get(option_id) for s in starts)
        years = {c for c in cells if c is not None}
        taken = sum(c is not None for c in cells)
        summary = f"taken in {taken} of {len(cells)}"
        if taken == len(cells):
            summary += ", same year" if len(years) == 1 else ", years differ"
        change = f"{option.from_line_type or '(new)'} → {option.to_line_type}"
        rows.append(
            MatrixRow(
                (option_id, where.case.plant(option.plant_id).name, change),
                tuple(float(c) if c is not None else None for c in cells),
                summary,
            )
        )
    nothing = _retools_nothing_row(results)
    return rows if nothing is None else [*rows, nothing]


def _retools_nothing_row(results: Sequence[Results]) -> MatrixRow | None:
    """'no kei line' under each scenario whose plan retools nothing (None if there is none)."""
    cells = tuple(NO_RETOOL if _solved(r) and not taken_retools(r) else None for r in results)
    count = sum(c is not None for c in cells)
    if count == 0:
        return None
    return MatrixRow(
        ("(none)", "(any plant)", "no retooling"), cells, f"in {count} of {len(cells)}"
    )


def _write_matrix(
    sheet: Worksheet,
    formats: Formats,
    top: int,
    label_headers: Sequence[str],
    results: Sequence[Results],
    rows: Sequence[MatrixRow],
    kind: Kind,
) -> None:
    headers = [*label_headers, *(r.case.scenario_id for r in results), "across scenarios"]
    for index, header in enumerate(headers):
        sheet.write_string(top, index, header, formats.header)
    width = len(label_headers)
    for row_index, row in enumerate(rows, start=top + 1):
        for index, label in enumerate(row.labels):
            sheet.write_string(row_index, index, label)
        for index, cell in enumerate(row.cells, start=width):
            write_cell(sheet, row_index, index, cell, formats.cell(kind))
        sheet.write_string(row_index, width + len(row.cells), row.summary)
    last = top + max(len(rows), 1)
    sheet.autofilter(top, 0, last, len(headers) - 1)
    sheet.freeze_panes(top + 1, width)
    for index, header in enumerate(label_headers):  # fitted, so a plant name shows whole
        longest = max((len(r.labels[index]) for r in rows), default=0)
        sheet.set_column(index, index, min(max(14, len(header) + 3, longest + 2), 44))
    for index, result in enumerate(results, start=width):  # a header is never cut off
        sheet.set_column(index, index, max(14, len(result.case.scenario_id) + 3))
    sheet.set_column(width + len(results), width + len(results), 26)
    label_widths = [min(max(14, len(h) + 3, 16), 44) for h in label_headers]
    scenario_widths = [max(14, len(r.case.scenario_id) + 3) for r in results]
    setup_print(sheet, top, width_chars=sum(label_widths) + sum(scenario_widths) + 26)


def _write_start_years(book: Workbook, formats: Formats, results: Sequence[Results]) -> None:
    sheet = book.add_worksheet("StartYears")
    sheet.write_string(0, 0, "Which retooling decisions hold across scenarios", formats.title)
    sheet.write_string(1, 0, MATRIX_NOTE, formats.note)
    _write_matrix(
        sheet,
        formats,
        3,
        ("option", "plant", "from → to"),
        results,
        start_year_rows(results),
        Kind.YEAR,
    )


def policy_rows(results: Sequence[Results]) -> list[MatrixRow]:
    costs = [{c.policy_id: c for c in policy_costs(r)} for r in results]
    policy_ids = list(dict.fromkeys(p for by_id in costs for p in by_id))
    rows = []
    for policy_id in policy_ids:
        cells = tuple(_cost_text(by_id.get(policy_id)) for by_id in costs)
        binding = sum(1 for c in cells if c and c not in ("does not bind", NO_SALES, NOT_ENFORCED))
        kind = next(by_id[policy_id].kind for by_id in costs if policy_id in by_id)
        rows.append(MatrixRow((policy_id, kind), cells, f"binds in {binding} of {len(cells)}"))
    return rows


def _cost_text(cost: PolicyCost | None) -> str | None:
    if cost is None:
        return None
    if cost.not_enforced:
        return NOT_ENFORCED
    if not cost.binds:
        return NO_SALES if cost.no_sales else "does not bind"
    when = year_span(cost.binding_years)
    price = price_range(cost)
    return when if price is None else f"{when}: {price}"


def _write_policy_costs(book: Workbook, formats: Formats, results: Sequence[Results]) -> None:
    sheet = book.add_worksheet("PolicyCosts")
    sheet.write_string(0, 0, "What each policy costs, scenario by scenario", formats.title)
    sheet.write_string(1, 0, POLICY_NOTE, formats.note)
    _write_matrix(sheet, formats, 3, ("policy", "kind"), results, policy_rows(results), Kind.TEXT)
    sheet.set_column(2, 2 + len(results) - 1, 22)
