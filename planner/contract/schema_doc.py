"""The README's workbook section, generated from `planner.contract.schema`: the two never disagree.

    python -m planner.contract.schema_doc                 # print the section
    python -m planner.contract.schema_doc --write-readme  # replace it in README.md

A test asserts that README.md holds exactly `schema_markdown()` between the markers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from planner.contract.policy_kinds import KINDS, PolicyKind
from planner.contract.schema import SETTINGS, SHEETS, Column, SheetSchema

START = "<!-- schema:start -->"
END = "<!-- schema:end -->"
README = Path(__file__).resolve().parents[2] / "README.md"

INTRO = """\
One `.xlsx` file is one planning case. Row 1 of each sheet holds the column names (matched
ignoring case and surrounding spaces; their order does not matter); data starts on row 2 and
empty rows are skipped. Extra sheets are ignored; extra columns on known sheets are ignored
with a warning. A formula is read by its saved value; a formula Excel never calculated is an
error naming its cell. ID columns are text: `007` stays `007`, and `12` typed as a number is
the id `12`. `planner template FILE` writes an empty workbook with these sheets, a note on
every header and drop-down lists; `planner validate FILE` lists every problem as
`Sheet!Cell  column  problem`.

Selectors (Tariffs `products`, Policies `products` and `regions`) hold `;`-separated tokens
and mean the union of what the tokens name; empty means all. A products token is a
`product_id`, `segment:<segment>` or `powertrain:<ICE|HEV|PHEV|EV>`; a regions token is a
`region_id`, `group:<group>` or `country:<country>`. A token that names nothing is an error.

Scenarios: `base` is the workbook as it is. Each Scenarios row adds a scenario, built by
applying its ScenarioChanges rows in row order (`match` holds `column=value` conditions that
must all hold, empty = every row; Settings rows are matched with `key=<key>` and changed in
`value`). A change that matches no row is an error, and a value made invalid by a change is
reported at its cell, naming the change row.

Sweeps: the rows that share a `sweep_id` move together. Each row names its cells as a
ScenarioChanges row does (`sheet`, `match`, `column`, `op`; not Decisions) and holds its
operands in `values`, `;`-separated, the same count on every row of the sweep. A sweep with n
operands adds n scenarios `<sweep_id>=<v>`, v the first row's i-th operand as written
(`<sweep_id>=<i>`, i from 1, when those operands repeat): base with each row of the sweep
applied with its i-th operand, and nothing else. They run and are written like any scenario;
robust mode leaves them out of its plan, probabilities, EVPI, VSS and regret. comparison.xlsx
shows them on its Sensitivity sheet.

Scenario ids become file names. An id holding `/`, `\\`, a control character or one of
`< > : " | ? *`, an id that starts or ends with `.`, an id over 64 characters, two ids equal
ignoring case, the ids `comparison` and `robust`, an id `<another id>_alternatives`, and the
names Windows keeps for devices (`CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`, `LPT1`-`LPT9`,
alone or before a `.`) are errors naming the cell; spaces, `=`, `+` and `-` are fine.

Numbers: a column's "at most (size)" is the largest magnitude it accepts: beyond it the
solver's double-precision arithmetic can no longer tell a dollar from rounding (units and
capacities 1e9, $ per unit 1e7, $ and $ per year 1e13); `planner validate` also warns when
the case's money or unit figures span so many orders of magnitude that the solver's
tolerances may hide part of the answer. Text with thousands separators is read as a number
only where it cannot be a decimal comma: `1,150,000` (two or more groups) and `1,150.5` (a
decimal point too) anywhere, and `12,500` (one group) only in a column of units or money; a
warning names each such cell. Elsewhere `-82,064` is an error, as it may mean -82.064. A
number in a date-formatted cell is reported as a date. A header cell must be text: a number,
an Excel error or a formula never calculated in row 1 is an error naming the cell. A workbook
whose shared-strings table holds more than 1,000,000 strings is refused before it is read."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows)]


def _column_row(column: Column) -> list[str]:
    return [
        f"`{column.name}`",
        column.type_text,
        column.limit_text,
        column.unit,
        column.default_text,
        "yes" if column.required else "",
        column.allowed_text,
        column.description,
    ]


def _sheet_section(schema: SheetSchema) -> list[str]:
    need = "required" if schema.required else "optional"
    if schema.needs_rows:
        need += ", at least one row"
    lines = [f"### {schema.name} ({need})", "", schema.description]
    if schema.key:
        lines[-1] += f" Unique: ({', '.join(schema.key)})."
    lines += [
        "",
        *_table(
            (
                "column",
                "type",
                "at most (size)",
                "unit",
                "default",
                "required",
                "allowed values",
                "description",
            ),
            [_column_row(c) for c in schema.columns],
        ),
    ]
    if schema.name == "Settings":
        lines += [
            "",
            "Settings keys (an unknown key is an error):",
            "",
            *_table(
                ("key", "type", "default", "allowed values", "meaning"),
                [
                    [f"`{s.key}`", s.type_text, s.default_text, ", ".join(s.allowed), s.description]
                    for s in SETTINGS
                ],
            ),
        ]
    if schema.name == "Policies":
        lines += ["", *_kinds_section()]
    return lines


KINDS_NOTE = """\
The results state each rule in these words, with achieved against required in the value's
own terms (e.g. `fleet 27.4 mpg vs 29.0 required`, `domestic share 48.0% vs 50.0% required`).
A missed minimum is "short", a missed maximum "over". Slack, violation and shadow price are
in the row unit (the JSON `policy_violations` too); the Policies sheet shows fleet mpg in mpg
(the fleet's harmonic-mean mpg over the scope's sales; the shadow price per 1 mpg of target,
to first order). A share or fleet-mpg rule over no sales in scope that year holds trivially:
no price, noted "no sales in scope". A soft rule missed at a $0 penalty is reported as "not
enforced (penalty $0)", not counted as a violation."""


def _kinds_section() -> list[str]:
    return [
        "Policy kinds:",
        "",
        *_table(
            ("kind", "rule", "value", "rows", "scope columns", "row unit"),
            [_kind_row(k) for k in KINDS.values()],
        ),
        "",
        KINDS_NOTE,
    ]


def _kind_row(kind: PolicyKind) -> list[str]:
    if not kind.has_row:
        rows = "none (a credit per unit in scope, in the margins)"
    elif kind.window_total:
        rows = "one for the window"
    else:
        rows = "one a year"
    counted = "options" if kind.plan else "units sold"
    scope = ", ".join(c for c in ("products", "regions", "origin", "plants") if c in kind.selectors)
    return [
        f"`{kind.kind}`",
        kind.label,
        kind.value_unit,
        rows,
        f"{scope} (counts {counted})",
        kind.row_unit or "-",
    ]


def schema_markdown() -> str:
    """The workbook section of the README (without its markers)."""
    lines = [INTRO]
    for schema in SHEETS:
        lines += ["", *_sheet_section(schema)]
    return "\n".join(lines) + "\n"


def readme_block(text: str) -> str | None:
    """What README text holds between the markers, or None without them."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start + len(START) : end].strip("\n") + "\n"


def write_readme(path: Path = README) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {START} ... {END} markers")
    block = f"{START}\n{schema_markdown()}{END}"
    path.write_text(text[:start] + block + text[end + len(END) :], encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m planner.contract.schema_doc", description=__doc__
    )
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="replace the block between the markers in README.md",
    )
    args = parser.parse_args(argv)
    if args.write_readme:
        write_readme()
        print(f"updated {README}")
    else:
        sys.stdout.write(schema_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
