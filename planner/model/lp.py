"""A lean linear-program builder: columns, rows and coefficients as flat arrays.

The model is built once here and handed to every solver from the same arrays (HiGHS directly,
CBC through PuLP, SCIP and CP-SAT through OR-Tools' model builder), so there is one model,
not one per solver. Rows are added from (column, coefficient) lists: no per-term expression
objects. The sense is always maximisation (NPV).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

INF = math.inf


@dataclass
class LinearProgram:
    prefix: str = ""  # prepended to names, e.g. the scenario of a robust-mode block
    col_names: list[str] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    _binary_groups: dict[int, str] = field(default_factory=dict)  # column -> decision
    objective: list[float] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    _entry_rows: list[int] = field(default_factory=list)
    _entry_cols: list[int] = field(default_factory=list)
    _entry_values: list[float] = field(default_factory=list)
    _cut_names: list[str] = field(default_factory=list)
    _cut_groups: list[str] = field(default_factory=list)
    _cut_upper: list[float] = field(default_factory=list)
    _cut_rows: list[int] = field(default_factory=list)
    _cut_cols: list[int] = field(default_factory=list)
    _cut_values: list[float] = field(default_factory=list)
    blocks: int = 1  # scenario blocks sharing one plan: robust mode's extensive form

    @property
    def num_cols(self) -> int:
        return len(self.col_names)

    @property
    def num_rows(self) -> int:
        return len(self.row_names)

    def add_column(
        self, name: str, lower: float = 0.0, upper: float = INF, integer: bool = False
    ) -> int:
        self.col_names.append(self.prefix + name)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_integer.append(integer)
        self.objective.append(0.0)
        return len(self.col_names) - 1

    def add_binary(self, name: str, group: str | None = None) -> int:
        """A 0/1 column; binaries of one `group` are alternatives of one decision (e.g. the
        start years of one option)."""
        column = self.add_column(name, 0.0, 1.0, integer=True)
        if group is not None:
            self._binary_groups[column] = group
        return column

    def add_objective(self, column: int, coefficient: float) -> None:
        """Objective terms accumulate: each family adds its own, set once at hand-off."""
        self.objective[column] += coefficient

    def take_objective(self) -> dict[int, float]:
        """The objective terms added so far, as {column: coefficient}; the sink is emptied."""
        terms = {j: c for j, c in enumerate(self.objective) if c != 0}
        self.objective = [0.0] * len(self.objective)
        return terms

    def add_row(
        self,
        name: str,
        columns: list[int],
        coefficients: list[float],
        lower: float = -INF,
        upper: float = INF,
    ) -> int:
        row = len(self.row_names)
        self.row_names.append(self.prefix + name)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self._entry_rows.extend([row] * len(columns))
        self._entry_cols.extend(columns)
        self._entry_values.extend(coefficients)
        return row

    def add_cut(
        self, name: str, columns: list[int], coefficients: list[float], upper: float, group: str
    ) -> None:
        """A valid inequality `Σ a·x ≤ upper` for the cut pool: never part of the model the
        solvers are given, only separated into it when an LP solution violates it; cuts of a
        `group` are separated together."""
        row = len(self._cut_names)
        self._cut_names.append(self.prefix + name)
        self._cut_groups.append(self.prefix + group)
        self._cut_upper.append(upper)
        self._cut_rows.extend([row] * len(columns))
        self._cut_cols.extend(columns)
        self._cut_values.extend(coefficients)

    def freeze(self) -> LPArrays:
        matrix = _csr(
            self._entry_values, self._entry_rows, self._entry_cols, (self.num_rows, self.num_cols)
        )
        groups = np.unique(np.asarray(self._cut_groups, dtype=str), return_inverse=True)[1]
        cuts = CutPool(
            tuple(self._cut_names),
            np.asarray(self._cut_upper, dtype=float),
            _csr(
                self._cut_values,
                self._cut_rows,
                self._cut_cols,
                (len(self._cut_names), self.num_cols),
            ),
            groups.astype(np.int64).ravel(),
        )
        labels = sorted(set(self._binary_groups.values()))
        number = {label: i for i, label in enumerate(labels)}
        binary_groups = np.full(self.num_cols, -1, dtype=np.int64)
        for column, label in self._binary_groups.items():
            binary_groups[column] = number[label]
        return LPArrays(
            col_names=tuple(self.col_names),
            col_lower=np.asarray(self.col_lower, dtype=float),
            col_upper=np.asarray(self.col_upper, dtype=float),
            integer=np.asarray(self.col_integer, dtype=bool),
            objective=np.asarray(self.objective, dtype=float),
            row_names=tuple(self.row_names),
            row_lower=np.asarray(self.row_lower, dtype=float),
            row_upper=np.asarray(self.row_upper, dtype=float),
            matrix=matrix,
            cuts=cuts,
            binary_groups=binary_groups,
            blocks=self.blocks,
        )


def _csr(
    values: list[float], rows: list[int], cols: list[int], shape: tuple[int, int]
) -> sparse.csr_matrix:
    matrix = sparse.csr_matrix(
        (
            np.asarray(values, dtype=float),
            (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)),
        ),
        shape=shape,
    )
    matrix.sum_duplicates()
    return matrix


@dataclass(frozen=True)
class CutPool:
    """Valid inequalities `matrix @ x ≤ upper` over the model's columns (see model/cuts.py)."""

    names: tuple[str, ...]
    upper: np.ndarray
    matrix: sparse.csr_matrix
    groups: np.ndarray  # per cut: its group's number
    seeded: np.ndarray | None = None  # cuts known to bind (robust mode): rows from the start

    @property
    def size(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class LPArrays:
    """The frozen model handed to solvers: maximise objective @ x s.t. bounds."""

    col_names: tuple[str, ...]
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    objective: np.ndarray
    row_names: tuple[str, ...]
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sparse.csr_matrix
    cuts: CutPool | None = None  # valid inequalities a solver may separate; not rows
    binary_groups: np.ndarray | None = None  # per column: its decision's number, or -1
    blocks: int = 1  # scenario blocks sharing one plan (robust mode's extensive form)

    @property
    def num_cols(self) -> int:
        return len(self.col_names)

    @property
    def num_rows(self) -> int:
        return len(self.row_names)

    @property
    def num_integer(self) -> int:
        return int(self.integer.sum())

    @property
    def num_nonzeros(self) -> int:
        return int(self.matrix.nnz)

    def with_fixed(self, columns: np.ndarray, values: np.ndarray) -> LPArrays:
        """The same model with some columns fixed (e.g. the integer decisions) and relaxed."""
        lower = self.col_lower.copy()
        upper = self.col_upper.copy()
        lower[columns] = values
        upper[columns] = values
        integer = self.integer.copy()
        integer[columns] = False
        return replace(self, col_lower=lower, col_upper=upper, integer=integer)

    def with_row_bounds(self, row_lower: np.ndarray, row_upper: np.ndarray) -> LPArrays:
        return replace(self, row_lower=row_lower, row_upper=row_upper)

    def with_rows(
        self, names: tuple[str, ...], matrix: sparse.csr_matrix, upper: np.ndarray
    ) -> LPArrays:
        """The same model with rows `matrix @ x ≤ upper` appended (e.g. separated cuts)."""
        return replace(
            self,
            row_names=self.row_names + names,
            row_lower=np.concatenate([self.row_lower, np.full(len(names), -INF)]),
            row_upper=np.concatenate([self.row_upper, upper]),
            matrix=sparse.vstack([self.matrix, matrix], format="csr"),
        )
