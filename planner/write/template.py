"""`planner template FILE`: an empty input workbook an analyst can fill without the contract.

Everything comes from `planner.contract.schema`: the Instructions sheet, each sheet's headers
(dark = required), a note on each header (type, unit, default, allowed values, meaning), drop-down
lists for enumerations and references, number checks from the schema's ranges, ID columns
formatted as text (so `007` stays `007`), Settings pre-filled with every key and its default,
and a frozen header row. A filled template validates with the same schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl.utils import get_column_letter as column_letter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.contract.errors import PlannerError
from planner.contract.schema import (
    SETTINGS,
    SHEETS,
    SHEETS_BY_NAME,
    Bound,
    Column,
    Kind,
    SettingSpec,
    SheetSchema,
)
from planner.write.atomic import write_atomically

LAST_ROW = 1_048_575  # 0-based: Excel's last row
REQUIRED_FILL = "#1F4E78"
OPTIONAL_FILL = "#DDEBF7"
INSTRUCTIONS_WIDTH = 110  # characters
COMMON_LINE_TYPES = ("BOF_TRUCK", "UNIBODY", "KEI_ICE", "KEI_EV", "KEI_FLEX")
LINE_TYPE_LIST = "line_types"
LINE_TYPE_ROWS = 500  # line types typed in the workbook that the drop-down can offer
LINE_TYPE_HELPER = 25  # hidden Instructions column Z holds the list, X and Y build it
# The line_type columns, and whether the list only informs (a new line type is defined
# there) or warns (the line type must exist elsewhere).
LINE_TYPE_COLUMNS = {
    ("PlantLines", "line_type"): "information",
    ("RetoolOptions", "to_line_type"): "information",
    ("Compatibility", "line_type"): "warning",
    ("RetoolOptions", "from_line_type"): "warning",
}


def write_template(path: Path) -> None:
    """Write the template to `path` atomically; never overwrite an existing file."""
    if path.exists():
        raise PlannerError(
            f"{path} already exists; choose another name or delete it first "
            "(a template never overwrites a workbook)"
        )
    write_atomically(path, _write)


def _write(path: Path) -> None:
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    try:
        formats = _formats(book)
        instructions = book.add_worksheet("Instructions")
        _instructions(instructions, formats)
        _line_type_list(book, instructions)
        _define_reference_lists(book)
        for schema in SHEETS:
            sheet = book.add_worksheet(schema.name)
            _headers(sheet, schema, formats)
            if schema.name == "Settings":
                _settings_rows(sheet, formats)
    finally:
        book.close()


def _formats(book: Workbook) -> dict[str, Any]:
    base = {"bold": True, "border": 1, "text_wrap": True, "valign": "top"}
    return {
        "required": book.add_format({**base, "font_color": "white", "bg_color": REQUIRED_FILL}),
        "optional": book.add_format({**base, "bg_color": OPTIONAL_FILL}),
        "text": book.add_format({"num_format": "@"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "heading": book.add_format({"bold": True, "font_size": 12}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "todo": book.add_format({"bg_color": "#FFF2CC", "border": 1}),
    }


def header_note(column: Column) -> str:
    """The note on a header cell: meaning, type, unit, default, allowed values."""
    lines = [column.description, f"type: {column.type_text}"]
    if column.unit:
        lines.append(f"unit: {column.unit}")
    lines.append(f"default: {column.default_text}")
    if column.allowed:
        lines.append(f"allowed: {column.allowed_text}")
    elif column.reference:
        lines.append(f"must be in {column.reference}")
    return "\n".join(lines)


def setting_note(spec: SettingSpec) -> str:
    lines = [spec.description, f"type: {spec.type_text}", f"default: {spec.default_text}"]
    if spec.allowed:
        lines.append(f"allowed: {', '.join(spec.allowed)}")
    return "\n".join(lines)


def _headers(sheet: Worksheet, schema: SheetSchema, formats: dict[str, Any]) -> None:
    for index, column in enumerate(schema.columns):
        style = formats["required" if column.required else "optional"]
        sheet.write_string(0, index, column.name, style)
        sheet.write_comment(
            0, index, header_note(column), {"author": "planner", "x_scale": 2.2, "y_scale": 1.6}
        )
        text = column.kind in (Kind.TEXT, Kind.SELECTOR) and schema.name != "Settings"
        sheet.set_column(
            index, index, max(14, len(column.name) + 4), formats["text"] if text else None
        )
        validation = _line_type_validation(schema.name, column) or _validation(column)
        if validation:
            sheet.data_validation(1, index, LAST_ROW, index, validation)
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)


def _validation(column: Column) -> dict[str, Any] | None:
    if column.allowed:
        return {
            "validate": "list",
            "source": list(column.allowed),
            "error_title": column.name,
            "error_message": f"{column.name} must be one of {column.allowed_text}",
        }
    if column.reference:
        return {
            "validate": "list",
            "source": f"={_list_name(column.reference)}",
            "error_type": "warning",
            "error_title": column.name,
            "error_message": f"not in {column.reference} (yet?)",
        }
    if column.kind in (Kind.INT, Kind.FLOAT):
        return _number_validation(column.kind, column.bound, column.name)
    return None


def _line_type_validation(sheet: str, column: Column) -> dict[str, Any] | None:
    error_type = LINE_TYPE_COLUMNS.get((sheet, column.name))
    if error_type is None:
        return None
    if error_type == "information":
        message = "a line type of your own: spell it the same way in every sheet"
    else:
        message = "not a line type of PlantLines or RetoolOptions.to_line_type (yet?)"
    return {
        "validate": "list",
        "source": f"={LINE_TYPE_LIST}",
        "error_type": error_type,
        "error_title": column.name,
        "error_message": message,
    }


def _line_type_list(book: Workbook, sheet: Worksheet) -> None:
    """The line_type drop-down: the common line types, then each other line type typed in
    PlantLines.line_type or RetoolOptions.to_line_type, once, in the order typed.

    Excel takes a list from one range only, so hidden Instructions columns gather it: Y
    mirrors the two columns one after the other, X counts the new names so far, and Z lists
    the common names then the n-th new name at the row where X first reaches n.
    """
    count, raw, kept = (column_letter(LINE_TYPE_HELPER + i) for i in (-1, 0, 1))
    plant_lines = _whole_column("PlantLines", "line_type")
    gained = _whole_column("RetoolOptions", "to_line_type")
    lines, more = f"MAX(0,COUNTA({plant_lines})-1)", f"MAX(0,COUNTA({gained})-1)"
    common = len(COMMON_LINE_TYPES)
    first, last = common + 2, common + 1 + LINE_TYPE_ROWS  # Excel rows of the mirror
    sheet.set_column(LINE_TYPE_HELPER - 2, LINE_TYPE_HELPER, None, None, {"hidden": True})
    sheet.write_string(0, LINE_TYPE_HELPER, "line types (drop-down list)")
    for row, line in enumerate(COMMON_LINE_TYPES, start=1):
        sheet.write_string(row, LINE_TYPE_HELPER, line)
    sheet.write_number(first - 2, LINE_TYPE_HELPER - 2, 0)
    for n, row in enumerate(range(first, last + 1), start=1):
        mirror = (
            f'=IF({n}<={lines},INDEX({plant_lines},{n + 1})&"",'
            f'IF({n}<={lines}+{more},INDEX({gained},{n}-{lines}+1)&"",""))'
        )
        new = (
            f'AND({raw}{row}<>"",COUNTIF(${raw}${first - 1}:{raw}{row - 1},{raw}{row})=0,'
            f"COUNTIF(${kept}$2:${kept}${common + 1},{raw}{row})=0)"
        )
        listed = (
            f"=IFERROR(INDEX(${raw}${first}:${raw}${last},"
            f'MATCH({n},${count}${first}:${count}${last},0)),"")'
        )
        sheet.write_formula(row - 1, LINE_TYPE_HELPER - 1, mirror, None, "")
        sheet.write_formula(
            row - 1, LINE_TYPE_HELPER - 2, f"={count}{row - 1}+IF({new},1,0)", None, 0
        )
        sheet.write_formula(common + n, LINE_TYPE_HELPER, listed, None, "")
    size = f"{common}+MAX(${count}${first}:${count}${last})"
    book.define_name(LINE_TYPE_LIST, f"=OFFSET(Instructions!${kept}$2,0,0,{size},1)")


def _whole_column(sheet: str, column: str) -> str:
    letter = column_letter(SHEETS_BY_NAME[sheet].column_names.index(column) + 1)
    return f"'{sheet}'!${letter}:${letter}"


def _number_validation(kind: Kind, bound: Bound | None, name: str) -> dict[str, Any]:
    """Excel's own check of a number column (strict ends are left to `planner validate`)."""
    check: dict[str, Any] = {
        "validate": "integer" if kind is Kind.INT else "decimal",
        "error_title": name,
    }
    low, high = (bound.low, bound.high) if bound else (None, None)
    if low is not None and high is not None:
        check.update(criteria="between", minimum=low, maximum=high)
    elif low is not None:
        check.update(criteria=">" if bound and bound.low_strict else ">=", value=low)
    elif high is not None:
        check.update(criteria="<" if bound and bound.high_strict else "<=", value=high)
    else:
        check.update(criteria="between", minimum=-1e300, maximum=1e300)
    what = "a whole number" if kind is Kind.INT else "a number"
    shown = f" {bound.describe()}" if bound else ""
    check["error_message"] = f"{name} must be {what}{shown}"
    return check


def _list_name(reference: str) -> str:
    return reference.replace(".", "_").lower()  # Plants.plant_id -> plants_plant_id


def _define_reference_lists(book: Workbook) -> None:
    """Named ranges that grow with their sheet, for the reference drop-downs."""
    references = {c.reference for s in SHEETS for c in s.columns if c.reference}
    for reference in sorted(references):
        sheet, column = reference.split(".")
        letter = column_letter(SHEETS_BY_NAME[sheet].column_names.index(column) + 1)
        book.define_name(
            _list_name(reference),
            f"=OFFSET('{sheet}'!${letter}$2,0,0,MAX(1,COUNTA('{sheet}'!${letter}:${letter})-1),1)",
        )


def _settings_rows(sheet: Worksheet, formats: dict[str, Any]) -> None:
    sheet.data_validation(
        1,
        0,
        LAST_ROW,
        0,
        {
            "validate": "list",
            "source": [s.key for s in SETTINGS],
            "error_title": "key",
            "error_message": "not a setting; hover over the keys for their meaning",
        },
    )
    sheet.set_column(0, 0, 24, formats["text"])
    sheet.set_column(1, 1, 16)
    for row, spec in enumerate(SETTINGS, start=1):
        sheet.write_string(row, 0, spec.key)
        sheet.write_comment(row, 0, setting_note(spec), {"author": "planner", "x_scale": 2})
        if spec.required:
            sheet.write_blank(row, 1, None, formats["todo"])
            sheet.write_comment(row, 1, f"required: {spec.description}", {"author": "planner"})
        elif isinstance(spec.default, str):
            sheet.write_string(row, 1, spec.default)
        elif spec.default is not None:
            sheet.write_number(row, 1, float(spec.default))  # type: ignore[arg-type]
        validation = (
            {
                "validate": "list",
                "source": list(spec.allowed),
                "error_title": spec.key,
                "error_message": f"{spec.key} must be one of {', '.join(spec.allowed)}",
            }
            if spec.allowed
            else _number_validation(spec.kind, spec.bound, spec.key)
            if spec.kind in (Kind.INT, Kind.FLOAT)
            else None
        )
        if validation:
            sheet.data_validation(row, 1, row, 1, validation)


def _instructions(sheet: Worksheet, formats: dict[str, Any]) -> None:
    sheet.set_column(0, 0, INSTRUCTIONS_WIDTH, formats["wrap"])
    for row, (style, text) in enumerate(instruction_lines()):
        sheet.write_string(row, 0, text, formats[style])
        if style == "wrap":  # spreadsheet programs do not size wrapped rows on opening
            sheet.set_row(row, 15 * max(1, -(-len(text) // (INSTRUCTIONS_WIDTH - 10))))
    sheet.activate()


def instruction_lines() -> list[tuple[str, str]]:
    """(style, text) lines of the Instructions sheet, generated from the schema."""
    lines = [
        ("title", "Kei reconfiguration planner: input workbook"),
        (
            "wrap",
            "One workbook is one planning case: the plants and the lines they have today, "
            "the products, the markets and their demand, the retooling options that can "
            "be chosen, and the rules (tariffs, policies). `planner run FILE` finds the "
            "retooling plan with the highest NPV for every scenario; `planner validate "
            "FILE` checks the workbook and lists every problem as `Sheet!Cell  column  "
            "problem` (exit code 0 = clean, 2 = problems).",
        ),
    ]
    sections = (
        ("How to fill it", HOW_TO_FILL),
        ("The sheets", tuple(_sheet_line(s) for s in SHEETS)),
        ("Selectors (Tariffs.products, Policies.products, Policies.regions)", SELECTORS),
        ("Scenarios", SCENARIOS),
    )
    for heading, texts in sections:
        lines += [("wrap", ""), ("heading", heading)]
        lines += [("wrap", f"• {text}") for text in texts]
    return lines


def _sheet_line(schema: SheetSchema) -> str:
    if not schema.required:
        need = "optional"
    else:
        need = "required, at least one row" if schema.needs_rows else "required"
    key = f" One row per {', '.join(schema.key)}." if schema.key else ""
    return f"{schema.name} ({need}): {schema.description}{key}"


HOW_TO_FILL = (
    "Row 1 of each sheet holds the column names: keep them (their order does not matter; "
    "names match ignoring case and surrounding spaces). One record per row from row 2; empty "
    "rows are skipped.",
    "Hover over a column name for its type, unit, default and meaning. Dark headers are "
    "required columns; in a light one an empty cell takes the default.",
    "Drop-down lists offer the allowed values (powertrain, kind, mode, origin, op, solver...) "
    "and the ids of the sheet a column refers to.",
    "The line_type drop-downs offer the common line types (" + ", ".join(COMMON_LINE_TYPES) + ") "
    "and every line type typed in PlantLines or RetoolOptions.to_line_type. A line type of "
    "your own is fine: spell it the same way in every sheet (a near miss such as KEI-ICE for "
    "KEI_ICE is reported with the likely name).",
    "ID columns are formatted as text, so 007 stays 007. A number typed in an ID column is "
    "read as text: 12 is the id 12.",
    "Formulas are fine once Excel has calculated and saved them; a formula with no saved "
    "value is an error naming its cell.",
    "Extra columns are ignored with a warning; extra sheets are ignored.",
    "Settings lists every key with its default: fill first_year and last_year (1 to 40 "
    "years in all) and change what you need. An unknown key is an error.",
    "Optional sheets may be deleted or left with headers only. Settings, Plants, Products, "
    "Regions and Demand need at least one row.",
)
SELECTORS = (
    "A selector cell holds ;-separated tokens and means the union of what they name; empty = all.",
    "products: a product_id, segment:<segment> or powertrain:<ICE|HEV|PHEV|EV>, "
    "e.g. segment:kei; powertrain:EV",
    "regions: a region_id, group:<group> or country:<country>, e.g. group:ZEV; country:CA",
    "A token that names nothing is an error (it is almost always a typo).",
)
SCENARIOS = (
    "The scenario base is the workbook as it is; it always exists. Each Scenarios row adds a "
    "scenario (list base there to give it a description or probability).",
    "ScenarioChanges holds one change per row, applied in row order to the base: scenario_id, "
    "sheet, match (;-separated column=value conditions that must all hold; empty = every "
    "row; for Settings use key=<key>), column (for Settings: value), op (set, multiply or add) "
    "and value.",
    "Example: high_capex | RetoolOptions | plant_id=P1 | capex | multiply | 1.25",
    "A change that matches no row is an error; a change that makes a value invalid is "
    "reported at the changed cell, naming the change row.",
)
