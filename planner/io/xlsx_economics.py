"""The plan's money side: Policies (with shadow prices) and CashFlow (which sums to the NPV)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.diagnose import UNITS
from planner.io.xlsx_format import (
    Column,
    Formats,
    Kind,
    Placed,
    display_width,
    finish_sheet,
    write_cell,
    write_table,
)
from planner.results import Results
from planner.results.narrative import binds
from planner.results.tables import CashFlowYear, PolicyOutcome

POLICY_NOTES = (
    "Shadow price = NPV lost (in $) per one unit the requirement is tightened: a minimum raised "
    "by one unit, or a maximum or budget lowered by one unit. Positive: tightening costs NPV; "
    "0: tightening costs nothing at this plan (a policy that does not bind). Blank, with the "
    "note 'binding at capacity: tightening needs a different plan': the policy binds where "
    "the plan can do no more, so no tightening is possible without other retooling or launches.",
    "It is computed from the linear program with the integer decisions (retool starts, product "
    "launches) fixed at this plan, so it prices small changes that keep the same retooling plan; "
    "capex budgets and max_retools only hold fixed decisions and show 0 there.",
    "Unit of the shadow price, slack and violation is the unit of the policy's row: vehicles for "
    "share and unit policies (for a share: one more qualifying vehicle than the share needs), "
    "vehicle-mpg for fleet_mpg_min, $ of capex for capex budgets, options for max_retools.",
)
CASH_NOTES = (
    "Costs are positive amounts that are subtracted. operating = revenue − production cost − "
    "freight − tariffs + credits − fixed costs − penalties; net = operating − capex − launch "
    "costs − window penalties.",
    "discounted = operating weight × operating − discount factor × capex − launch costs − "
    "window penalties (launch costs and window-total penalties are one-time and undiscounted, "
    "shown in the first year). The last year's operating weight includes the terminal years.",
)
REQUIRED_KIND = {
    "domestic_share_min": Kind.PERCENT,
    "ev_share_min": Kind.PERCENT,
    "ev_share_max": Kind.PERCENT,
    "fleet_mpg_min": Kind.MPG,
    "min_units": Kind.UNITS,
    "max_units": Kind.UNITS,
    "capex_budget": Kind.MONEY,
    "capex_budget_total": Kind.MONEY,
    "max_retools": Kind.COUNT,
}


def row_unit(kind: str) -> str:
    return UNITS.get(kind, "units")


def _row_kind(kind: str) -> Kind:
    return Kind.MONEY if row_unit(kind) == "$" else Kind.UNITS


def write_policies(book: Workbook, formats: Formats, results: Results) -> None:
    sheet = book.add_worksheet("Policies")
    sheet.write_string(0, 0, "Policies: each policy and year (or its window total)", formats.title)
    for offset, note in enumerate(POLICY_NOTES, start=1):
        sheet.write_string(offset, 0, note, formats.note)
    sources = {p.policy_id: str(p.source) for p in results.case.policies}
    columns: list[Column[PolicyOutcome]] = [
        Column("policy", Kind.TEXT, lambda r: r.policy_id),
        Column("kind", Kind.TEXT, lambda r: r.kind),
        Column("mode", Kind.TEXT, lambda r: r.mode),
        Column("year", Kind.YEAR, lambda r: "window" if r.year is None else r.year),
        Column("rule", Kind.TEXT, lambda r: "at least" if r.sense == ">=" else "at most"),
        Column(
            "required",
            Kind.UNITS,
            lambda r: r.required,
            kind_of=lambda r: REQUIRED_KIND.get(r.kind, Kind.UNITS),
        ),
        Column(
            "achieved",
            Kind.UNITS,
            lambda r: r.achieved,
            kind_of=lambda r: REQUIRED_KIND.get(r.kind, Kind.UNITS),
        ),
        Column("binding", Kind.FLAG, lambda r: binds(results, r)),
        Column("slack", Kind.UNITS, lambda r: r.row_slack, kind_of=lambda r: _row_kind(r.kind)),
        Column("violation", Kind.UNITS, lambda r: r.violation, kind_of=lambda r: _row_kind(r.kind)),
        Column("penalty cost ($, undiscounted)", Kind.MONEY, lambda r: r.penalty_cost),
        Column("shadow price ($ per unit)", Kind.CENTS, lambda r: r.shadow_price),
        Column("unit", Kind.TEXT, lambda r: row_unit(r.kind)),
        Column("input row", Kind.TEXT, lambda r: sources.get(r.policy_id, "")),
        Column("shadow price note", Kind.TEXT, lambda r: r.price_note),
    ]
    top = len(POLICY_NOTES) + 2
    placed = write_table(sheet, formats, top, 0, columns, results.policies, "Policies")
    finish_sheet(sheet, placed)


@dataclass(frozen=True)
class CashRow:
    """One CashFlow line: a year, or the total (year None, cumulative None)."""

    flow: CashFlowYear
    cumulative: float | None
    label: str = ""


def cash_columns() -> list[Column[CashRow]]:
    def money(header: str, get: str) -> Column[CashRow]:
        return Column(header, Kind.MONEY, lambda r: getattr(r.flow, get))

    return [
        Column("year", Kind.YEAR, lambda r: r.label or r.flow.year),
        money("revenue", "revenue"),
        money("production cost", "production_cost"),
        money("freight", "freight"),
        money("tariffs", "tariffs"),
        money("credits", "credits"),
        money("fixed costs", "fixed_costs"),
        money("penalties", "penalties"),
        money("operating", "operating"),
        money("capex", "capex"),
        money("launch costs", "launch_costs"),
        money("window penalties", "window_penalties"),
        money("net (undiscounted)", "net"),
        Column(
            "discount factor", Kind.FACTOR, lambda r: None if r.label else r.flow.discount_factor
        ),
        Column(
            "operating weight", Kind.FACTOR, lambda r: None if r.label else r.flow.operating_weight
        ),
        money("discounted", "discounted"),
        Column("cumulative NPV", Kind.MONEY, lambda r: r.cumulative),
    ]


def cash_rows(results: Results) -> list[CashRow]:
    flows = results.cashflow
    cumulative = list(accumulate(f.discounted for f in flows))
    return [CashRow(f, c) for f, c in zip(flows, cumulative, strict=True)]


def cash_total(flows: Sequence[CashFlowYear], npv: float) -> CashFlowYear:
    def total(name: str) -> float:
        return float(sum(getattr(f, name) for f in flows))

    return CashFlowYear(
        year=0,
        revenue=total("revenue"),
        production_cost=total("production_cost"),
        freight=total("freight"),
        tariffs=total("tariffs"),
        credits=total("credits"),
        fixed_costs=total("fixed_costs"),
        capex=total("capex"),
        launch_costs=total("launch_costs"),
        penalties=total("penalties"),
        window_penalties=total("window_penalties"),
        discount_factor=0.0,
        operating_weight=0.0,
        discounted=npv,
    )


def write_cashflow(book: Workbook, formats: Formats, results: Results) -> None:
    sheet = book.add_worksheet("CashFlow")
    sheet.write_string(
        0, 0, "Cash flow by year; the total of 'discounted' is the NPV", formats.title
    )
    for offset, note in enumerate(CASH_NOTES, start=1):
        sheet.write_string(offset, 0, note, formats.note)
    top = len(CASH_NOTES) + 2
    columns = cash_columns()
    placed = write_table(sheet, formats, top, 0, columns, cash_rows(results), "CashFlow")
    if results.npv is not None:
        total = CashRow(cash_total(results.cashflow, results.npv), None, "total")
        _write_bold_row(sheet, formats, placed, columns, total)
    finish_sheet(sheet, placed)


def _write_bold_row(
    sheet: Worksheet,
    formats: Formats,
    placed: Placed,
    columns: Sequence[Column[CashRow]],
    item: CashRow,
) -> None:
    """A row under the table (outside it, so sorting the table leaves it at the bottom)."""
    row = placed.last_row + 1
    for index, column in enumerate(columns):
        value = column.value(item)
        col = placed.first_col + index
        write_cell(sheet, row, col, value, formats.cell(column.kind, bold=True))
        if value is not None:
            width = display_width(column.kind, value) + 1  # bold
            sheet.set_column(col, col, max(width, placed.widths[index]))
