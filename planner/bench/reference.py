"""An independent direct formulation of contract §2: numpy/scipy arrays, one `Highs.passModel`.

Written from the contract text, not from `planner.model` (which it never imports), so that the two
can check each other: both solved at the same gap, their NPVs must agree within it, and the
NPV of our plan (its retools and launches fixed here) must equal ours.

Index sets are dense numpy axes (plants P, line types L, products K, regions R, years T);
every coefficient block is built by array operations from masks over them:
- columns: z[o,t] (t in o's window ∩ T), y[k] (launch_cost > 0), x[p,l,k,t] (l present at p,
  i.e. in PlantLines or the to-line of an option at p, and (l,k) compatible), s[p,k,r,t]
  (p has a line for k and D[r,k,t] > 0: the demand row forces s = 0 elsewhere), v per soft row;
- rows: capacity (p,l,t), removal limit (p,l), once (o), flow (p,k,t), demand (r,k,t),
  launch (k,t), one per policy and year (or window).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import highspy
import numpy as np

from planner.bench.reference_data import Data, Floats, case_data
from planner.bench.reference_matrix import Columns, build_matrix
from planner.case import Case


@dataclass(frozen=True)
class Reference:
    case: Case
    data: Data
    columns: Columns
    lp: highspy.HighsLp
    build_seconds: float

    @property
    def num_cols(self) -> int:
        return int(self.lp.num_col_)

    @property
    def num_rows(self) -> int:
        return int(self.lp.num_row_)

    @property
    def num_nonzeros(self) -> int:
        return len(self.lp.a_matrix_.value_)

    @property
    def num_integer(self) -> int:
        return sum(len(v) for v in self.columns.z.values()) + len(self.columns.y)


def build_reference(case: Case, forced_penalties: Mapping[str, float] | None = None) -> Reference:
    started = time.perf_counter()
    data = case_data(case)
    cols, lp = build_matrix(case, data, forced_penalties)
    return Reference(case, data, cols, lp, time.perf_counter() - started)


@dataclass(frozen=True)
class ReferenceResult:
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    values: Floats | None = None


def _quiet_highs() -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def solve_reference(ref: Reference, time_limit: float, mip_gap: float) -> ReferenceResult:
    """Solve the MIP at `mip_gap` (HiGHS defaults otherwise)."""
    started = time.perf_counter()
    highs = _quiet_highs()
    highs.setOptionValue("time_limit", max(time_limit, 0.01))
    highs.setOptionValue("mip_rel_gap", mip_gap)
    highs.passModel(ref.lp)
    highs.run()
    return _result(highs, ref.num_integer > 0, time.perf_counter() - started)


def _result(highs: highspy.Highs, is_mip: bool, seconds: float) -> ReferenceResult:
    status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    if info.primal_solution_status != 2:
        return ReferenceResult(status, None, None, None, seconds)
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if is_mip else objective
    if not math.isfinite(bound):
        bound = objective
    gap = abs(bound - objective) / max(abs(objective), 1e-10)
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    return ReferenceResult(status, objective, bound, gap, seconds, values)


def plan_npv(
    ref: Reference, starts: Mapping[str, int], launched: set[str], time_limit: float = 600.0
) -> ReferenceResult:
    """NPV of a given plan (option → start year, launched products): z and y fixed."""
    fixed: dict[int, float] = {}
    for option_id, by_year in ref.columns.z.items():
        for year, col in by_year.items():
            fixed[col] = 1.0 if starts.get(option_id) == year else 0.0
    for product_id, col in ref.columns.y.items():
        fixed[col] = 1.0 if product_id in launched else 0.0
    started = time.perf_counter()
    highs = _quiet_highs()
    highs.setOptionValue("time_limit", time_limit)
    highs.passModel(ref.lp)
    if fixed:
        index = np.array(list(fixed), dtype=np.int32)
        value = np.array(list(fixed.values()))
        highs.changeColsBounds(len(index), index, value, value)
    highs.run()
    return _result(highs, False, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    """`python -m planner.bench.reference WORKBOOK [--mip-gap G]`: the reference's NPV."""
    import argparse
    from pathlib import Path

    from planner.read.load import load_workbook_cases

    parser = argparse.ArgumentParser(prog="python -m planner.bench.reference")
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--mip-gap", type=float)
    parser.add_argument("--time-limit", type=float)
    args = parser.parse_args(argv)
    case = load_workbook_cases(args.workbook).cases[0]
    gap = case.settings.mip_gap if args.mip_gap is None else args.mip_gap
    ref = build_reference(case)
    result = solve_reference(ref, args.time_limit or case.settings.time_limit_s, gap)
    print(
        f"{args.workbook.name}: {result.status}, NPV {result.objective}, bound {result.bound}, "
        f"gap {result.gap}, {ref.num_cols} columns ({ref.num_integer} integer), "
        f"{ref.num_rows} rows, {ref.num_nonzeros} nonzeros, build {ref.build_seconds:.2f} s, "
        f"solve {result.seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
