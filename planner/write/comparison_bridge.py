"""comparison.xlsx's Bridge sheet: each scenario's NPV reached from the reference scenario's.

The reference is the base scenario when it ran, else the first scenario run. A table gives, for
each other scenario, the change in every NPV driver from the reference (a driver missing on one
side counts 0) and the total NPV change; a waterfall (`xlsx_waterfall`) per scenario draws it.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.workbook import Workbook

from planner.results.outcome import ScenarioOutcome
from planner.results.value import bridge
from planner.write.xlsx_format import Formats, Kind, setup_print, write_cell
from planner.write.xlsx_waterfall import waterfall, write_waterfall

COMPARISON_NOTE = (
    "For each scenario, the bridge from the reference scenario's NPV to its own, driver by "
    "driver (a driver missing on one side counts 0). Between scenarios a bridge mixes the "
    "effect of the scenario's data with that of its plan: each scenario has its own optimum."
)


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
