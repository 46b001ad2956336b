"""`<scenario>_alternatives.xlsx`: the optimum and its near-optimal alternatives side by side.

- `Plans`: the search (asked for, found, NPV floor, why it stopped), then one column per plan
  (NPV, gap to the optimum in $ and as a share of the plan value, capex, decisions reused,
  the plan in words) and an NPV-by-plan chart.
- `Choices`: every retooling option and launch, with the start year or launch in each plan,
  how many plans take it, and whether it is in the firm core.
- `FirmCore`: the decisions taken in every plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.results.alternatives import AlternativeSearch
from planner.results.outcome import ScenarioOutcome
from planner.results.tables import RetoolDecision
from planner.write.atomic import write_atomically
from planner.write.xlsx_charts import money_axis_format
from planner.write.xlsx_format import (
    Cell,
    Formats,
    Kind,
    Pair,
    make_formats,
    open_workbook,
    setup_print,
    write_cell,
    write_pairs,
)

PLANS_NOTE = (
    "Plans side by side: the optimum first, then each alternative in the order found. Each "
    "alternative differs from every plan before it in the options it takes or the products "
    "it launches (start years do not count), reuses as few of their decisions as it can, "
    "and among those has the highest NPV."
)
CHOICES_NOTE = (
    "Every retooling option and launch: the start year or launch in each plan (blank: not "
    "taken). The firm core, what every plan takes, comes first; then what most plans take."
)


@dataclass(frozen=True)
class PlanColumn:
    label: str
    npv: float
    plan_value: float | None
    gap: float | None
    gap_share: float | None
    retools: tuple[RetoolDecision, ...]
    launched: tuple[str, ...]
    reused: int | None  # None for the optimum
    status: str
    mip_gap: float | None
    seconds: float

    @property
    def capex(self) -> float:
        return sum(r.capex for r in self.retools)

    def start(self, option_id: str) -> int | None:
        return next((r.start_year for r in self.retools if r.option_id == option_id), None)

    @property
    def in_words(self) -> str:
        parts = [f"{r.option_id} ({r.start_year})" for r in self.retools]
        parts += [f"launch {k}" for k in self.launched]
        return "; ".join(parts) or "no retooling, no launch"


def plan_columns(outcome: ScenarioOutcome, search: AlternativeSearch) -> list[PlanColumn]:
    results = outcome.results
    if search.optimum_npv is None:
        return []
    optimum = PlanColumn(
        "optimum",
        search.optimum_npv,
        search.optimum_plan_value,
        0.0,
        None if search.optimum_plan_value is None or search.optimum_plan_value <= 0 else 0.0,
        tuple(r for r in results.retools if r.taken),
        results.launched_products,
        None,
        results.status.value,
        results.gap,
        results.solve_seconds,
    )
    return [optimum] + [
        PlanColumn(
            f"alternative {i}",
            p.npv,
            p.plan_value,
            search.gap(p),
            search.gap_share(p),
            p.retools,
            p.launched_products,
            p.reused,
            p.status.value,
            p.mip_gap,
            p.solve_seconds,
        )
        for i, p in enumerate(search.plans, start=1)
    ]


@dataclass(frozen=True)
class Choice:
    """One option or launch, and what each plan does with it."""

    decision: str
    kind: str  # "option" or "launch"
    plant: str
    change: str
    cells: tuple[Cell, ...]  # per plan: start year, "launched", or None

    @property
    def taken(self) -> int:
        return sum(c is not None for c in self.cells)

    @property
    def firm(self) -> bool:
        return bool(self.cells) and self.taken == len(self.cells)


def choices(outcome: ScenarioOutcome, plans: Sequence[PlanColumn]) -> list[Choice]:
    """Every option and launch: the firm core first, then those more plans take (none
    without a plan)."""
    case = outcome.results.case
    if not plans:
        return []
    rows = [
        Choice(
            o.option_id,
            "option",
            o.plant_id,
            f"{o.from_line_type or '(new)'} → {o.to_line_type}",
            tuple(p.start(o.option_id) for p in plans),
        )
        for o in case.options
    ]
    rows += [
        Choice(
            k.product_id,
            "launch",
            "",
            f"launch {k.product_id}",
            tuple("launched" if k.product_id in p.launched else None for p in plans),
        )
        for k in case.products
        if k.launch_cost > 0
    ]
    return sorted(rows, key=lambda c: (not c.firm, -c.taken))  # stable: case order within


def write_alternatives_workbook(target: Path, outcome: ScenarioOutcome) -> None:
    write_atomically(target, lambda path: write_alternatives_file(path, outcome))


def write_alternatives_file(path: Path, outcome: ScenarioOutcome) -> None:
    search = outcome.alternatives
    assert search is not None
    book = open_workbook(path)
    try:
        formats = make_formats(book)
        plans = plan_columns(outcome, search)
        rows = choices(outcome, plans)
        _write_plans(book, formats, outcome, search, plans)
        _write_choices(book, formats, plans, rows)
        _write_firm_core(book, formats, rows, len(plans))
    finally:
        book.close()


def _search_pairs(outcome: ScenarioOutcome, search: AlternativeSearch) -> list[Pair]:
    basis = (
        "|NPV| (the plan value is unknown or zero)"
        if search.optimum_plan_value is None or search.optimum_plan_value == 0
        else "the plan value"
    )
    return [
        Pair("scenario", outcome.results.case.scenario_id),
        Pair("alternatives asked for", search.requested, Kind.COUNT),
        Pair("alternatives found", len(search.plans), Kind.COUNT),
        Pair("within", search.within, Kind.PERCENT, f"of {basis} below the optimum's NPV"),
        Pair("NPV floor ($)", search.floor, Kind.MONEY),
        Pair("search ended", search.stopped),
        Pair("search time (s)", search.seconds, Kind.SECONDS),
    ]


PlanRow = tuple[str, Kind, Callable[[PlanColumn], Cell]]
PLAN_ROWS: tuple[PlanRow, ...] = (
    ("NPV ($)", Kind.MONEY, lambda p: p.npv),
    ("gap to the optimum ($)", Kind.MONEY, lambda p: p.gap),
    ("gap, share of the plan value", Kind.PERCENT, lambda p: p.gap_share),
    ("plan value ($)", Kind.MONEY, lambda p: p.plan_value),
    ("retool capex ($)", Kind.MONEY, lambda p: p.capex),
    ("options taken", Kind.COUNT, lambda p: len(p.retools)),
    ("products launched", Kind.COUNT, lambda p: len(p.launched)),
    ("decisions reused from earlier plans", Kind.COUNT, lambda p: p.reused),
    ("status", Kind.TEXT, lambda p: p.status),
    ("MIP gap", Kind.GAP, lambda p: p.mip_gap),
    ("solve time (s)", Kind.SECONDS, lambda p: p.seconds),
    ("the plan", Kind.TEXT, lambda p: p.in_words),
)


def _write_plans(
    book: Workbook,
    formats: Formats,
    outcome: ScenarioOutcome,
    search: AlternativeSearch,
    plans: Sequence[PlanColumn],
) -> None:
    sheet = book.add_worksheet("Plans")
    sheet.write_string(0, 0, "Near-optimal alternative plans", formats.title)
    sheet.write_string(1, 0, PLANS_NOTE, formats.note)
    top = write_pairs(sheet, formats, 3, 0, _search_pairs(outcome, search)) + 1
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, max(len(plans), 1), 22)
    if not plans:
        setup_print(sheet)
        return
    sheet.write_string(top, 0, "", formats.header)
    for index, plan in enumerate(plans, start=1):
        sheet.write_string(top, index, plan.label, formats.header)
    for row, (label, kind, value) in enumerate(PLAN_ROWS, start=top + 1):
        sheet.write_string(row, 0, label, formats.cell(Kind.TEXT, bold=True))
        for index, plan in enumerate(plans, start=1):
            write_cell(sheet, row, index, value(plan), formats.cell(kind))
    sheet.freeze_panes(top + 1, 1)
    setup_print(sheet, top)
    _npv_chart(book, sheet, top, plans)


def _npv_chart(
    book: Workbook, sheet: Worksheet, header_row: int, plans: Sequence[PlanColumn]
) -> None:
    npv_row = header_row + 1
    money_format = money_axis_format([p.npv for p in plans])
    chart = book.add_chart({"type": "column"})
    assert chart is not None
    chart.add_series(
        {
            "name": ["Plans", npv_row, 0],
            "categories": ["Plans", header_row, 1, header_row, len(plans)],
            "values": ["Plans", npv_row, 1, npv_row, len(plans)],
            "data_labels": {"value": True, "num_format": money_format},
        }
    )
    chart.set_title({"name": "NPV by plan", "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": money_format, "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 160 + 110 * len(plans), "height": 300})
    sheet.insert_chart(header_row + len(PLAN_ROWS) + 3, 0, chart)


def _write_choices(
    book: Workbook, formats: Formats, plans: Sequence[PlanColumn], rows: Sequence[Choice]
) -> None:
    sheet = book.add_worksheet("Choices")
    sheet.write_string(0, 0, "Every option and launch, plan by plan", formats.title)
    sheet.write_string(1, 0, CHOICES_NOTE, formats.note)
    top = 3
    headers = ["decision", "kind", "plant", "change", *(p.label for p in plans)]
    headers += ["plans taking it", "firm core"]
    for index, header in enumerate(headers):
        sheet.write_string(top, index, header, formats.header)
    for row, choice in enumerate(rows, start=top + 1):
        for index, label in enumerate((choice.decision, choice.kind, choice.plant, choice.change)):
            sheet.write_string(row, index, label)
        for index, cell in enumerate(choice.cells, start=4):
            kind = Kind.YEAR if isinstance(cell, int) else Kind.TEXT
            write_cell(sheet, row, index, cell, formats.cell(kind))
        write_cell(sheet, row, 4 + len(plans), f"{choice.taken} of {len(plans)}", None)
        write_cell(sheet, row, 5 + len(plans), choice.firm, None)
    sheet.autofilter(top, 0, top + max(len(rows), 1), len(headers) - 1)
    sheet.freeze_panes(top + 1, 1)
    sheet.set_column(0, 3, 20)
    sheet.set_column(4, 5 + len(plans), 15)
    setup_print(sheet, top)


def _write_firm_core(
    book: Workbook, formats: Formats, rows: Sequence[Choice], plan_count: int
) -> None:
    sheet = book.add_worksheet("FirmCore")
    sheet.write_string(0, 0, "The firm core: what every plan takes", formats.title)
    firm = [c for c in rows if c.firm]
    if plan_count == 0:
        note = "No plan: the scenario has no solution."
    elif plan_count == 1:
        note = "Only the optimum: no alternative was found, so its decisions are all there is."
    elif firm:
        note = f"Taken in all {plan_count} plans (start years may differ)."
    else:
        note = "No decision is taken in every plan."
    sheet.write_string(1, 0, note, formats.note)
    top = 3
    for index, header in enumerate(("decision", "kind", "plant", "change", "start years")):
        sheet.write_string(top, index, header, formats.header)
    for row, choice in enumerate(firm, start=top + 1):
        years = sorted({c for c in choice.cells if isinstance(c, int)})
        cells = (choice.decision, choice.kind, choice.plant, choice.change)
        for index, label in enumerate(cells):
            sheet.write_string(row, index, label)
        sheet.write_string(row, 4, ", ".join(str(y) for y in years))
    sheet.set_column(0, 4, 20)
    setup_print(sheet, top)
