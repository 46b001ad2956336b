"""How the input schema describes a value: its kind, its range, its column or setting.

`Kind` says how a cell is read, `Bound` the numeric range a value must fall in (and how that
range reads in messages and the README), `Column` one column of an input sheet, `SheetSchema`
one sheet and `SettingSpec` one Settings key. The words a text cell may hold (powertrains,
modes, decisions, solvers, the sheets a scenario may change) and the magnitudes a solver can
still add up exactly live here too, beside the column helpers the sheet tables are built with.
The tables themselves are in `planner.contract.sheets_*` and `planner.contract.settings`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a cell is read."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    SELECTOR = "selector"  # `;`-separated tokens, kept as text until resolved


@dataclass(frozen=True)
class Bound:
    """A numeric range check: `value > low` (strict) or `value >= low`, likewise for high."""

    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False

    def violation(self, value: float) -> str | None:
        if self.low is not None:
            if self.low_strict and not value > self.low:
                return f"must be > {limit_text(self.low)}, got {fmt_number(value)}"
            if not self.low_strict and not value >= self.low:
                return f"must be >= {limit_text(self.low)}, got {fmt_number(value)}"
        if self.high is not None:
            if self.high_strict and not value < self.high:
                return f"must be < {limit_text(self.high)}, got {fmt_number(value)}"
            if not self.high_strict and not value <= self.high:
                return f"must be <= {limit_text(self.high)}, got {fmt_number(value)}"
        return None

    def describe(self) -> str:
        """`>= 0`, `> 0`, or an interval such as `in [0, 1)`."""
        if self.low is not None and self.high is not None:
            return (
                f"in {'(' if self.low_strict else '['}{limit_text(self.low)}, "
                f"{limit_text(self.high)}{')' if self.high_strict else ']'}"
            )
        if self.low is not None:
            return f"{'>' if self.low_strict else '>='} {limit_text(self.low)}"
        if self.high is not None:
            return f"{'<' if self.high_strict else '<='} {limit_text(self.high)}"
        return ""


def fmt_number(value: float) -> str:
    """2030, -1000000, 0.08: whole numbers in full, others to 10 significant digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def limit_text(value: float) -> str:
    """A bound as written in messages and the README: 1e9 for a large power of ten."""
    if value and abs(value) >= 1e6 and math.log10(abs(value)).is_integer():
        return f"{'-' if value < 0 else ''}1e{int(math.log10(abs(value)))}"
    return fmt_number(value)


# Magnitudes a double-precision solver can still add up exactly enough (15-16 digits in all):
# a case's units, $ per unit and $ stay far inside them, and a cell beyond them is a typo.
UNITS_MAX = 1e9  # units, units/year
UNIT_MONEY_MAX = 1e7  # $/unit
MONEY_MAX = 1e13  # $, $/year
NONNEG = Bound(low=0)
POSITIVE = Bound(low=0, low_strict=True)
SHARE = Bound(low=0, high=1)
YEAR = Bound(low=1900, high=2200)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = False
    default: object = None  # None = empty; a rule-based default is described in `default_note`
    default_note: str = ""
    bound: Bound | None = None
    allowed: tuple[str, ...] = ()
    reference: str = ""  # "Plants.plant_id" style: values must exist there
    limit: float | None = None  # largest magnitude accepted: beyond it the solver is inexact

    @property
    def limit_text(self) -> str:
        return limit_text(self.limit) if self.limit is not None else ""

    @property
    def default_text(self) -> str:
        if self.required:
            return "required"
        if self.default_note:
            return self.default_note
        return "empty" if self.default is None else _fmt_default(self.default)

    @property
    def type_text(self) -> str:
        """`float >= 0`, `int`, `text`, `selector`: the kind and its range."""
        bound = f" {self.bound.describe()}" if self.bound else ""
        return f"{self.kind.value}{bound}"

    @property
    def allowed_text(self) -> str:
        if self.allowed:
            return ", ".join(self.allowed)
        if self.reference:
            return f"a {self.reference.replace('.', ' ')}"
        return ""


def _fmt_default(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class SheetSchema:
    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = True
    needs_rows: bool = False
    key: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: Kind
    description: str
    default: object = None
    required: bool = False
    bound: Bound | None = None
    allowed: tuple[str, ...] = ()

    @property
    def default_text(self) -> str:
        return "required" if self.required else _fmt_default(self.default)

    @property
    def type_text(self) -> str:
        bound = f" {self.bound.describe()}" if self.bound else ""
        return f"{self.kind.value}{bound}"


POWERTRAINS = ("ICE", "HEV", "PHEV", "EV")
MODES = ("hard", "soft")
DECISIONS = ("take", "never", "start", "record")
FORCING_DECISIONS = ("take", "never", "start")
ORIGINS = ("any", "domestic", "import")
OPS = ("set", "multiply", "add")
SOLVERS = ("highs", "cbc", "scip")
# CP-SAT works on integers only; the model's quantities are continuous.
CPSAT_REFUSAL = (
    "cpsat (OR-Tools CP-SAT) is not offered: it has no continuous variables, and on this "
    "model (continuous production and sales) it found no solution in 600 s on a 269-column "
    "case and stopped 37-52% below the optimum on others; use highs, cbc or scip"
)
SCENARIO_SHEETS = ("Scenarios", "ScenarioChanges", "Sweeps")
CHANGEABLE_SHEETS = (
    "Settings",
    "Plants",
    "PlantLines",
    "Products",
    "Compatibility",
    "RetoolOptions",
    "Regions",
    "Demand",
    "Freight",
    "Tariffs",
    "Policies",
    "Decisions",
)


def text_column(name: str, description: str, **kw: object) -> Column:
    return Column(name, Kind.TEXT, description, **kw)  # type: ignore[arg-type]


def float_column(name: str, description: str, **kw: object) -> Column:
    return Column(name, Kind.FLOAT, description, **kw)  # type: ignore[arg-type]


def int_column(name: str, description: str, **kw: object) -> Column:
    return Column(name, Kind.INT, description, **kw)  # type: ignore[arg-type]
