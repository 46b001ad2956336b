"""The plan's physical side: Retooling, Production, Sales (with unmet demand), Capacity."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from planner.results import Results
from planner.results.tables import (
    CapacityRow,
    ProductionRow,
    RetoolDecision,
    SalesRow,
    UnmetRow,
)
from planner.write.xlsx_format import Column, Formats, Kind, finish_sheet, write_table

HEADER_ROW = 0


def write_retooling(book: Workbook, formats: Formats, results: Results) -> None:
    sheet = book.add_worksheet("Retooling")
    case = results.case
    options = {o.option_id: o for o in case.options}
    columns: list[Column[RetoolDecision]] = [
        Column("option", Kind.TEXT, lambda r: r.option_id),
        Column("taken", Kind.FLAG, lambda r: r.taken),
        Column("plant", Kind.TEXT, lambda r: r.plant_id),
        Column("plant name", Kind.TEXT, lambda r: case.plant(r.plant_id).name),
        Column("state", Kind.TEXT, lambda r: case.plant(r.plant_id).state),
        Column("from line", Kind.TEXT, lambda r: r.from_line_type or "(new line)"),
        Column("to line", Kind.TEXT, lambda r: r.to_line_type),
        Column("capacity added (units/yr)", Kind.UNITS, lambda r: r.capacity_added),
        Column("capacity removed (units/yr)", Kind.UNITS, lambda r: r.capacity_removed),
        Column("start year", Kind.YEAR, lambda r: r.start_year),
        Column("online year", Kind.YEAR, lambda r: r.online_year),
        Column("capex ($)", Kind.MONEY, lambda r: r.capex),
        Column("fixed cost ($/yr)", Kind.MONEY, lambda r: r.fixed_cost_per_year),
        Column("lead time (yrs)", Kind.COUNT, lambda r: options[r.option_id].lead_time_years),
        Column("could start from", Kind.YEAR, lambda r: options[r.option_id].earliest_start),
        Column("could start until", Kind.YEAR, lambda r: options[r.option_id].latest_start),
        Column("input row", Kind.TEXT, lambda r: str(options[r.option_id].source)),
    ]
    rows = sorted(results.retools, key=lambda r: (not r.taken, r.start_year or 0, r.option_id))
    placed = write_table(sheet, formats, HEADER_ROW, 0, columns, rows, "Retooling")
    finish_sheet(sheet, placed)


def write_production(book: Workbook, formats: Formats, results: Results) -> None:
    sheet = book.add_worksheet("Production")
    case = results.case
    columns: list[Column[ProductionRow]] = [
        Column("plant", Kind.TEXT, lambda r: r.plant_id),
        Column("plant name", Kind.TEXT, lambda r: case.plant(r.plant_id).name),
        Column("line", Kind.TEXT, lambda r: r.line_type),
        Column("product", Kind.TEXT, lambda r: r.product_id),
        Column("segment", Kind.TEXT, lambda r: case.product(r.product_id).segment),
        Column("year", Kind.YEAR, lambda r: r.year),
        Column("units", Kind.UNITS, lambda r: r.units),
    ]
    rows = sorted(results.production, key=lambda r: (r.plant_id, r.line_type, r.product_id, r.year))
    finish_sheet(sheet, write_table(sheet, formats, HEADER_ROW, 0, columns, rows, "Production"))


def sales_columns(results: Results) -> list[Column[SalesRow]]:
    case = results.case
    return [
        Column("plant", Kind.TEXT, lambda r: r.plant_id),
        Column("region", Kind.TEXT, lambda r: r.region_id),
        Column("product", Kind.TEXT, lambda r: r.product_id),
        Column("segment", Kind.TEXT, lambda r: case.product(r.product_id).segment),
        Column("year", Kind.YEAR, lambda r: r.year),
        Column("units", Kind.UNITS, lambda r: r.units),
        Column("price ($)", Kind.CENTS, lambda r: r.price),
        Column("freight ($/unit)", Kind.CENTS, lambda r: r.freight),
        Column("tariff ($/unit)", Kind.CENTS, lambda r: r.tariff),
        Column("credit ($/unit)", Kind.CENTS, lambda r: r.credit),
        Column("production cost ($/unit)", Kind.CENTS, lambda r: r.production_cost),
        Column("margin ($/unit)", Kind.CENTS, lambda r: r.unit_margin),
        Column("margin ($)", Kind.MONEY, lambda r: r.unit_margin * r.units),
    ]


def unmet_columns() -> list[Column[UnmetRow]]:
    return [
        Column("region", Kind.TEXT, lambda r: r.region_id),
        Column("product", Kind.TEXT, lambda r: r.product_id),
        Column("year", Kind.YEAR, lambda r: r.year),
        Column("demand", Kind.UNITS, lambda r: r.demand),
        Column("sold", Kind.UNITS, lambda r: r.sold),
        Column("unmet", Kind.UNITS, lambda r: max(r.unmet, 0.0)),
        Column("unmet share", Kind.PERCENT, lambda r: max(r.unmet, 0.0) / r.demand),
    ]


def write_sales(book: Workbook, formats: Formats, results: Results) -> None:
    """Sales on the left; unmet demand to the right, after one empty column."""
    sheet = book.add_worksheet("Sales")
    sales = sorted(results.sales, key=lambda r: (r.year, r.plant_id, r.region_id, r.product_id))
    placed = write_table(sheet, formats, HEADER_ROW, 0, sales_columns(results), sales, "Sales")
    left = placed.last_col + 2
    sheet.set_column(left - 1, left - 1, 3)
    unmet = sorted(results.unmet, key=lambda r: (r.year, r.region_id, r.product_id))
    write_table(sheet, formats, HEADER_ROW, left, unmet_columns(), unmet, "UnmetDemand")
    finish_sheet(sheet, placed)


def write_capacity(book: Workbook, formats: Formats, results: Results) -> None:
    sheet = book.add_worksheet("Capacity")
    case = results.case
    retooled = {(r.plant_id, r.to_line_type) for r in results.retools if r.taken}
    columns: list[Column[CapacityRow]] = [
        Column("plant", Kind.TEXT, lambda r: r.plant_id),
        Column("plant name", Kind.TEXT, lambda r: case.plant(r.plant_id).name),
        Column("line", Kind.TEXT, lambda r: r.line_type),
        Column("retooled to", Kind.FLAG, lambda r: (r.plant_id, r.line_type) in retooled),
        Column("year", Kind.YEAR, lambda r: r.year),
        Column("existing", Kind.UNITS, lambda r: r.existing),
        Column("removed", Kind.UNITS, lambda r: r.removed),
        Column("added", Kind.UNITS, lambda r: r.added),
        Column("available", Kind.UNITS, lambda r: r.available),
        Column("used", Kind.UNITS, lambda r: r.used),
        Column("utilization", Kind.PERCENT, lambda r: r.utilization),
    ]
    finish_sheet(
        sheet, write_table(sheet, formats, HEADER_ROW, 0, columns, results.capacity, "Capacity")
    )
