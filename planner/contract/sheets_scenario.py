"""The optional scenario sheets of the input workbook: Scenarios, ScenarioChanges, Sweeps.

One `SheetSchema` per sheet, one `Column(...)` line per column: the named scenarios with their
weights, the cell changes each one makes and the sweeps that generate scenarios in bulk.
"""

from __future__ import annotations

from planner.contract.columns import (
    CHANGEABLE_SHEETS,
    NONNEG,
    OPS,
    SheetSchema,
)
from planner.contract.columns import float_column as _float
from planner.contract.columns import text_column as _text

SCENARIO_SHEET_TABLES: tuple[SheetSchema, ...] = (
    SheetSchema(
        "Scenarios",
        "Named scenarios; `base` always exists.",
        (
            _text("scenario_id", "unique scenario id", required=True),
            _text("description", "what the scenario means"),
            _float(
                "probability",
                "weight in robust mode (normalised to sum 1)",
                default_note="equal shares",
                bound=NONNEG,
                limit=1e6,
            ),
        ),
        required=False,
        key=("scenario_id",),
    ),
    SheetSchema(
        "ScenarioChanges",
        "Changes applied in row order to build each scenario.",
        (
            _text("scenario_id", "scenario", required=True, reference="Scenarios.scenario_id"),
            _text("sheet", "the sheet changed", required=True, allowed=CHANGEABLE_SHEETS),
            _text(
                "match",
                "`;`-separated column=value conditions, all must hold (Settings: "
                "key=<key>); empty = all rows",
                default_note="all rows",
            ),
            _text("column", "the column changed (Settings: value)", required=True),
            _text("op", "how the value changes", required=True, allowed=OPS),
            _text("value", "the operand", required=True),
        ),
        required=False,
    ),
    SheetSchema(
        "Sweeps",
        "Sensitivity sweeps: each sweep_id adds one scenario per operand, base with that "
        "operand applied to every row of the sweep.",
        (
            _text("sweep_id", "rows with the same sweep_id move together", required=True),
            _text(
                "sheet",
                "the sheet changed (not Decisions)",
                required=True,
                allowed=CHANGEABLE_SHEETS,
            ),
            _text(
                "match",
                "`;`-separated column=value conditions, all must hold (Settings: "
                "key=<key>); empty = all rows",
                default_note="all rows",
            ),
            _text("column", "the column changed (Settings: value)", required=True),
            _text("op", "how the value changes", required=True, allowed=OPS),
            _text(
                "values",
                "`;`-separated operands, e.g. 0.5;0.75;1;1.25;1.5; every row of a sweep_id "
                "has the same count",
                required=True,
            ),
            _text("label", "how the outputs name the sweep", default_note="sweep_id"),
        ),
        required=False,
    ),
)
