"""Measure robust mode as scenarios grow:

    python -m planner.bench.robust WORKBOOK [--scenarios N] [--risk-weight L] [--jobs J]

With `--scenarios N` the base case of WORKBOOK gets N − 1 seeded random siblings (kei demand
×0.3–2.5, EV demand ×0.6–1.6, capex ×0.7–1.5, tariffs ×0.5–2, EV prices ×0.9–1.15, each
drawn per scenario); without it, the workbook's own scenarios are used. Prints the time to
solve every scenario alone, to build and solve the extensive form, and to judge every own
plan and the robust plan in every scenario (serially and in `--jobs` processes).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from planner.case import Case, Scenario
from planner.model.build import build_model
from planner.read.load import load_workbook_cases
from planner.robust.evaluate import evaluate_plans
from planner.robust.model import build_extensive, solve_extensive
from planner.robust.plan import Plan, plan_from_solution
from planner.runtime.processes import ProcessMap
from planner.solve import solve

T = TypeVar("T")


def siblings(base: Case, count: int, seed: int = 9) -> list[Case]:
    """`base` and `count` − 1 seeded random variants of it."""
    rng = np.random.default_rng(seed)
    cases = [base]
    for index in range(1, count):
        kei, ev, capex, tariff, price = rng.uniform(
            [0.3, 0.6, 0.7, 0.5, 0.9], [2.5, 1.6, 1.5, 2.0, 1.15]
        )
        cases.append(_variant(base, f"s{index:02d}", kei, ev, capex, tariff, price))
    return cases


def _variant(
    base: Case, name: str, kei: float, ev: float, capex: float, tariff: float, price: float
) -> Case:
    def demand_factor(product_id: str) -> float:
        product = base.product(product_id)
        return (kei if product.segment == "kei" else 1.0) * (ev if product.is_ev else 1.0)

    return replace(
        base,
        scenario=Scenario(name, "random variant", None),
        demand=_each(
            base.demand, lambda d: replace(d, units=d.units * demand_factor(d.product_id))
        ),
        options=_each(base.options, lambda o: replace(o, capex=o.capex * capex)),
        tariffs=_each(base.tariffs, lambda t: replace(t, rate=min(5.0, t.rate * tariff))),
        products=_each(
            base.products, lambda p: replace(p, price=p.price * price) if p.is_ev else p
        ),
    )


def _each(rows: Sequence[T], change: Callable[[T], T]) -> tuple[T, ...]:
    return tuple(change(row) for row in rows)


def _own_plan(case: Case) -> tuple[Plan | None, float]:
    started = time.perf_counter()
    model = build_model(case)
    s = case.settings
    result = solve(model.lp, s.solver, s.time_limit_s, s.mip_gap)
    plan = None if result.values is None else plan_from_solution(model.variables, result.values)
    return plan, time.perf_counter() - started


def measure(cases: Sequence[Case], risk_weight: float, jobs: int) -> None:
    own = [_own_plan(c) for c in cases]
    print(
        f"{len(cases)} scenarios; each alone: {sum(t for _, t in own):.1f} s in all, "
        f"slowest {max(t for _, t in own):.1f} s"
    )
    pis = [1.0 / len(cases)] * len(cases)
    form = build_extensive(cases, pis, 0.1, risk_weight > 0)
    print(f"extensive form: {form.describe()}; built in {form.build_seconds:.1f} s")
    s = cases[0].settings
    solved = solve_extensive(form, risk_weight, s.solver, s.time_limit_s, s.mip_gap)
    result = solved.result
    print(f"λ = {risk_weight:g}: {result.status.value}, gap {result.gap}, {result.seconds:.1f} s")
    plans = [p for p, _ in own if p is not None]
    if solved.plan is not None:
        plans = list(dict.fromkeys([solved.plan, *plans]))
    for workers in sorted({1, jobs}):
        started = time.perf_counter()
        evaluate_plans(cases, plans, frozenset({0}), ProcessMap(workers))
        print(
            f"{len(plans)} plans × {len(cases)} scenarios re-solved with {workers} "
            f"process(es): {time.perf_counter() - started:.1f} s"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m planner.bench.robust", description=__doc__.split("\n")[0]
    )
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--scenarios", type=int)
    parser.add_argument("--risk-weight", type=float, default=0.0)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    loaded = load_workbook_cases(args.workbook)
    cases = siblings(loaded.cases[0], args.scenarios) if args.scenarios else list(loaded.cases)
    measure(cases, args.risk_weight, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
