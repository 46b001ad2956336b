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

from planner.contract.policy_kinds import policy_kind
from planner.results import Results
from planner.results.plan_figures import is_kei
from planner.write.xlsx_format import Formats, Kind, write_cell

DATA_SHEET = "ChartData"
MAX_PLANTS = 10
SUMMARY_CHART_SIZE = {"width": 565, "height": 280}  # two side by side span the Summary


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]
    dashed: bool = False
    muted: bool = False  # a remainder ("other plants"): grey
    last_label: str = ""  # a label on the last point: 'incl. 10 terminal years'


@dataclass(frozen=True)
class Block:
    title: str
    series: tuple[Series, ...]
    categories: tuple[str, ...] = ()  # labels for the years ('2036 + 10 terminal years')


@dataclass(frozen=True)
class Axes:
    """A Summary chart's axis titles, value format and whether its values start at zero."""

    y_title: str
    y_format: str
    from_zero: bool
    x_title: str = "year"


@dataclass(frozen=True)
class PlacedBlock:
    block: Block
    years_row: int
    first_series_row: int
    year_count: int


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


def kei_demand_sold_unmet(results: Results) -> Block:
    """Kei demand by year, split into what is sold and what is left unmet (stacked)."""
    years = results.case.settings.years
    sold = dict.fromkeys(years, 0.0)
    unmet = dict.fromkeys(years, 0.0)
    for row in results.unmet:
        if is_kei(results, row.product_id):
            sold[row.year] += row.sold
            unmet[row.year] += max(row.unmet, 0.0)
    if not any(sold.values()) and not any(unmet.values()):
        return Block("Kei demand: sold and unmet", ())
    return Block(
        "Kei demand: sold and unmet",
        (
            Series("kei sold", tuple(sold[t] for t in years)),
            Series("kei demand unmet", tuple(unmet[t] for t in years), muted=True),
        ),
    )


def kei_units_by_plant(results: Results) -> Block:
    """Only the plants that build kei, so the kei line is not lost among all plants."""
    years = results.case.settings.years
    units: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(years, 0.0))
    for row in results.production:
        if is_kei(results, row.product_id):
            units[row.plant_id][row.year] += row.units
    ranked = sorted(units, key=lambda p: -sum(units[p].values()))
    series = tuple(
        Series(results.case.plant(p).name, tuple(units[p][t] for t in years))
        for p in ranked[:MAX_PLANTS]
        if sum(units[p].values()) > 0
    )
    return Block("Kei units built by plant", series)


def cumulative_npv_with_terminal(results: Results) -> Block:
    """Cumulative NPV whose last year is labelled with the terminal years it carries."""
    values = cumulative_npv(results).series[0].values
    terminal = results.case.settings.terminal_years
    if not terminal:
        return Block("Cumulative NPV by year", (Series("cumulative NPV", values),))
    return Block(
        f"Cumulative NPV by year (the last year includes {terminal} terminal years)",
        (Series("cumulative NPV", values, last_label=f"incl. {terminal} terminal yrs"),),
    )


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
    for index, label in enumerate(block.categories, start=1):
        sheet.write_string(row + 1, index, label)
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
        if series.last_label:
            hidden: list[dict[str, object]] = [{"delete": True}] * (last - 1)
            spec["data_labels"] = {
                "value": True,
                "position": "outside_end",
                "font": {"size": 8},
                "custom": [*hidden, {"value": series.last_label}],
            }
        if dashed_style:
            spec["line"] = {"width": 1.5, "dash_type": "dash" if series.dashed else "solid"}
            spec["marker"] = {"type": "none" if series.dashed else "circle", "size": 4}
        chart.add_series(spec)


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


def summary_chart(
    book: Workbook, kind: str, subtype: str | None, placed: PlacedBlock, axes: Axes
) -> Chart:
    """A Summary chart: titled axes, values from zero where the quantity is a total."""
    spec = {"type": kind} | ({"subtype": subtype} if subtype else {})
    chart = book.add_chart(spec)
    assert chart is not None
    _add_series(chart, placed, dashed_style=kind == "line")
    small = {"size": 8, "bold": False}
    chart.set_title({"name": placed.block.title, "name_font": {"size": 10}})
    chart.set_x_axis(
        {
            "name": axes.x_title,
            "name_font": small,
            "num_format": "0",
            "num_font": {"rotation": -45, "size": 8},
        }
    )
    y_axis: dict[str, object] = {
        "name": axes.y_title,
        "name_font": small,
        "num_format": axes.y_format,
        "num_font": {"size": 8},
        "major_gridlines": {"visible": True},
    }
    if axes.from_zero:
        y_axis["min"] = 0
    chart.set_y_axis(y_axis)
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size(SUMMARY_CHART_SIZE)
    return chart


def has_charts(results: Results) -> bool:
    return results.status.has_solution and bool(results.cashflow)


def make_charts(book: Workbook, formats: Formats, results: Results) -> list[Chart]:
    """Write ChartData and return the charts to place on Summary (empty without a plan)."""
    if not has_charts(results):
        return []
    npv = cumulative_npv_with_terminal(results)
    blocks = [
        kei_demand_sold_unmet(results),
        kei_units_by_plant(results),
        npv,
        shares_vs_requirements(results),
    ]
    placed = write_blocks(book, formats, results.case.settings.years, blocks)
    kinds = [
        ("column", "stacked", Axes("kei units", "#,##0", True)),
        ("column", "stacked", Axes("kei units built", "#,##0", True)),
        (
            "column",
            None,
            Axes("NPV so far ($)", money_axis_format(npv.series[0].values), False),
        ),
        ("line", None, Axes("share of sales", "0%", True)),
    ]
    # a chart with no series is invalid in Excel (a scenario that builds no kei has none)
    return [
        summary_chart(book, kind, subtype, block, axes)
        for block, (kind, subtype, axes) in zip(placed, kinds, strict=True)
        if block.block.series
    ]
