"""The charts an analyst looks at first, drawn from a hidden `ChartData` sheet.

The charts read their own copy of the figures, so sorting or filtering a result table never
scrambles a chart. Series names and categories are cell references, never literal strings
(XlsxWriter reads a literal starting with `=` as a formula).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.io.xlsx_format import Formats, Kind, write_cell
from planner.policy_kinds import policy_kind
from planner.results import Results
from planner.results.narrative import taken_retools

DATA_SHEET = "ChartData"
MAX_PLANTS = 10
CHART_SIZE = {"width": 560, "height": 300}


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]
    dashed: bool = False
    muted: bool = False  # a remainder ("other plants"): grey


@dataclass(frozen=True)
class Block:
    title: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class PlacedBlock:
    block: Block
    years_row: int
    first_series_row: int
    year_count: int


def units_by_plant(results: Results) -> Block:
    years = results.case.settings.years
    units: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for row in results.production:
        units[row.plant_id][row.year] += row.units
    ranked = sorted(units, key=lambda p: -sum(units[p].values()))
    shown = [
        Series(results.case.plant(p).name, tuple(units[p][t] for t in years))
        for p in ranked[:MAX_PLANTS]
    ]
    rest = ranked[MAX_PLANTS:]
    if rest:
        shown.append(
            Series(
                f"{len(rest)} other plants",
                tuple(sum(units[p][t] for p in rest) for t in years),
                muted=True,
            )
        )
    return Block("Units built by plant and year", tuple(shown))


def shares_vs_requirements(results: Results) -> Block:
    years = results.case.settings.years
    country = results.case.settings.domestic_country
    series = [
        Series(
            f"domestic share of {country} sales",
            tuple(results.domestic_share_by_year.get(t) for t in years),
        ),
        Series(
            f"EV share of {country} sales", tuple(results.ev_share_by_year.get(t) for t in years)
        ),
    ]
    by_policy: dict[str, dict[int, tuple[float, float | None]]] = defaultdict(dict)
    for outcome in results.policies:
        if policy_kind(outcome.kind).share and outcome.year is not None:
            by_policy[outcome.policy_id][outcome.year] = (outcome.required, outcome.achieved)
    for policy_id, values in by_policy.items():
        series.append(
            Series(
                f"{policy_id} required",
                tuple(values[t][0] if t in values else None for t in years),
                dashed=True,
            )
        )
        series.append(
            Series(
                f"{policy_id} achieved (its scope)",
                tuple(values[t][1] if t in values else None for t in years),
            )
        )
    return Block("Domestic and EV shares vs the share policies", tuple(series))


def cumulative_npv(results: Results) -> Block:
    values = tuple(accumulate(f.discounted for f in results.cashflow))
    return Block("Cumulative NPV by year", (Series("cumulative NPV", values),))


def retooled_utilization(results: Results) -> Block:
    years = results.case.settings.years
    lines = {(r.plant_id, r.to_line_type) for r in taken_retools(results)}
    used: dict[tuple[str, str], dict[int, float | None]] = defaultdict(dict)
    for row in results.capacity:
        if (row.plant_id, row.line_type) in lines:
            used[row.plant_id, row.line_type][row.year] = row.utilization
    series = tuple(
        Series(f"{results.case.plant(p).name} {line}", tuple(used[p, line].get(t) for t in years))
        for p, line in sorted(used)
    )
    return Block("Utilization of retooled lines", series)


def write_blocks(
    book: Workbook, formats: Formats, years: Sequence[int], blocks: Sequence[Block]
) -> list[PlacedBlock]:
    sheet = book.add_worksheet(DATA_SHEET)
    sheet.write_string(0, 0, "The figures behind the charts on Summary", formats.title)
    sheet.set_column(0, 0, 40)
    placed, row = [], 2
    for block in blocks:
        placed.append(_write_block(sheet, formats, row, years, block))
        row += len(block.series) + 3
    sheet.hide()
    return placed


def _write_block(
    sheet: Worksheet, formats: Formats, row: int, years: Sequence[int], block: Block
) -> PlacedBlock:
    sheet.write_string(row, 0, block.title, formats.section)
    for index, year in enumerate(years, start=1):
        write_cell(sheet, row + 1, index, year, formats.cell(Kind.YEAR))
    for offset, series in enumerate(block.series, start=row + 2):
        sheet.write_string(offset, 0, series.label)
        for index, value in enumerate(series.values, start=1):
            write_cell(sheet, offset, index, value, None)
    return PlacedBlock(block, row + 1, row + 2, len(years))


def _add_series(chart: Chart, placed: PlacedBlock, dashed_style: bool = False) -> None:
    last = placed.year_count
    for index, series in enumerate(placed.block.series):
        row = placed.first_series_row + index
        spec: dict[str, object] = {
            "name": [DATA_SHEET, row, 0],
            "categories": [DATA_SHEET, placed.years_row, 1, placed.years_row, last],
            "values": [DATA_SHEET, row, 1, row, last],
        }
        if series.muted:
            spec["fill"] = {"color": "#D9D9D9"}
        if dashed_style:
            spec["line"] = {"width": 1.5, "dash_type": "dash" if series.dashed else "solid"}
            spec["marker"] = {"type": "none" if series.dashed else "circle", "size": 4}
        chart.add_series(spec)


def _chart(
    book: Workbook,
    kind: str,
    subtype: str | None,
    placed: PlacedBlock,
    y_format: str,
    dashed_style: bool = False,
    legend: str = "bottom",
) -> Chart:
    spec = {"type": kind} | ({"subtype": subtype} if subtype else {})
    chart = book.add_chart(spec)
    assert chart is not None
    _add_series(chart, placed, dashed_style)
    chart.set_title({"name": placed.block.title, "name_font": {"size": 11}})
    chart.set_x_axis({"num_format": "0", "num_font": {"rotation": -45}})
    chart.set_y_axis({"num_format": y_format, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": legend, "font": {"size": 8}})
    chart.set_size(CHART_SIZE)
    return chart


def money_axis_format(values: Sequence[float | None]) -> str:
    largest = max((abs(v) for v in values if v is not None), default=0.0)
    if largest >= 1e9:
        return '"$"#,##0.0,,,"B"'
    if largest >= 1e6:
        return '"$"#,##0.0,,"M"'
    return '"$"#,##0'


def money_label_format(values: Sequence[float | None]) -> str:
    """Data labels fine enough to tell bars apart: '$371M' and '$381M', not '$0.4B' twice."""
    largest = max((abs(v) for v in values if v is not None), default=0.0)
    if largest >= 1e8:
        return '"$"#,##0,,"M"'
    if largest >= 1e6:
        return '"$"#,##0.0,,"M"'
    return '"$"#,##0'


def axis_title(quantity: str, values: Sequence[float | None]) -> str:
    """A money axis's title with its unit, matching `money_axis_format`: 'NPV ($ billions)'."""
    largest = max((abs(v) for v in values if v is not None), default=0.0)
    unit = "$ billions" if largest >= 1e9 else "$ millions" if largest >= 1e6 else "$"
    return f"{quantity} ({unit})"


def zero_based(values: Sequence[float | None]) -> dict[str, float]:
    """Axis options that start a value axis at zero when no value is negative: a total drawn
    from an axis near its smallest value magnifies small differences."""
    return {"min": 0} if all(v is None or v >= 0 for v in values) else {}


def make_charts(book: Workbook, formats: Formats, results: Results) -> list[Chart]:
    """Write ChartData and return the charts to place on Summary (empty without a plan)."""
    if not results.status.has_solution or not results.cashflow:
        return []
    blocks = [
        units_by_plant(results),
        shares_vs_requirements(results),
        cumulative_npv(results),
        retooled_utilization(results),
    ]
    placed = write_blocks(book, formats, results.case.settings.years, blocks)
    units, shares, npv, utilization = placed
    wanted = [
        (units, lambda: _chart(book, "column", "stacked", units, "#,##0", legend="right")),
        (shares, lambda: _chart(book, "line", None, shares, "0%", dashed_style=True)),
        (
            npv,
            lambda: _chart(
                book, "column", None, npv, money_axis_format(npv.block.series[0].values)
            ),
        ),
        (utilization, lambda: _chart(book, "line", None, utilization, "0%", dashed_style=True)),
    ]
    # a chart with no series is invalid in Excel (a scenario that builds nothing has none)
    return [make() for block, make in wanted if block.block.series]
