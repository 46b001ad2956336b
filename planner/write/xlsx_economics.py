"""The plan's money side: Policies (with shadow prices) and CashFlow (which sums to the NPV)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.contract.policy_kinds import KINDS
from planner.results import Results
from planner.results.plan_figures import binds
from planner.results.tables import NOT_ENFORCED, CashFlowYear, PolicyOutcome
from planner.write.xlsx_format import (
    Column,
    Formats,
    Kind,
    Placed,
    display_width,
    finish_sheet,
    write_cell,
    write_table,
)

POLICY_NOTES = (
    "Shadow price = NPV lost (in $) per one unit the requirement is tightened: a minimum raised "
    "by one unit, or a maximum or budget lowered by one unit. Positive: tightening costs NPV; "
    "0: tightening costs nothing at this plan (a policy that does not bind). Blank, with the "
    "note 'binding at capacity: tightening needs a different plan': the policy binds where "
    "the plan can do no more, so no tightening is possible without other retooling or launches.",
    "It is computed from the linear program with the integer decisions (retool starts, product "
    "launches) fixed at this plan, so it prices small changes that keep the same retooling plan; "
    "capex budgets and max_retools only hold fixed decisions and show 0 there.",
    "Unit of the shadow price, slack and violation is the unit column: vehicles for share and "
    "unit policies (for a share: one more qualifying vehicle than the share needs), $ of capex "
    "for capex budgets, options for max_retools, and mpg for fleet_mpg_min (slack: the fleet's "
    "harmonic-mean mpg over the scope's sales less the target; shadow price: NPV lost per 1 mpg "
    "more of target, to first order). 'reading' states achieved against required.",
    "A share or fleet-mpg rule over no sales in scope that year holds trivially: it neither "
    "binds nor has a price ('no sales in scope'). A soft rule with a $0 penalty that is missed is "
    "not enforced: 'not enforced (penalty $0)'.",
)
CASH_NOTES = (
    "Costs are positive amounts that are subtracted. operating = revenue − production cost − "
    "freight − tariffs + credits − fixed costs − penalties; net = operating − capex − launch "
    "costs − window penalties.",
    "discounted = operating weight × operating − discount factor × capex − launch costs − "
    "window penalties (launch costs and window-total penalties are one-time and undiscounted, "
    "shown in the first year). The last year's operating weight includes the terminal years.",
)
CELL_KIND = {
    "share": Kind.PERCENT,
    "mpg": Kind.MPG,
    "vehicles": Kind.UNITS,
    "$": Kind.MONEY,
    "options": Kind.COUNT,
}
REQUIRED_KIND = {k.kind: CELL_KIND[k.value_unit] for k in KINDS.values() if k.has_row}


def _shown_kind(outcome: PolicyOutcome) -> Kind:
    """The cell format of slack and violation, in the unit they are shown in."""
    return {"$": Kind.MONEY, "mpg": Kind.MPG}.get(outcome.people_unit, Kind.UNITS)


def reading(outcome: PolicyOutcome) -> str:
    """'fleet 27.4 mpg vs 29.0 required', led by why a missed rule costs nothing."""
    if outcome.not_enforced:
        return f"{NOT_ENFORCED}: {outcome.statement}"
    return outcome.statement


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
        Column("rule", Kind.TEXT, lambda r: r.meaning.rule),
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
        Column("binding", Kind.FLAG, lambda r: binds(results, r) and not r.not_enforced),
        Column("slack", Kind.UNITS, lambda r: r.people_slack, kind_of=_shown_kind),
        Column("violation", Kind.UNITS, lambda r: r.people_violation, kind_of=_shown_kind),
        Column("penalty cost ($, undiscounted)", Kind.MONEY, lambda r: r.penalty_cost),
        Column("shadow price ($ per unit)", Kind.CENTS, lambda r: r.people_shadow_price),
        Column("unit", Kind.TEXT, lambda r: r.people_unit),
        Column("input row", Kind.TEXT, lambda r: sources.get(r.policy_id, "")),
        Column("shadow price note", Kind.TEXT, lambda r: r.price_note),
        Column("reading", Kind.TEXT, reading),
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
