"""robust.json and robust.xlsx (docs/contract.md §4), written atomically.

robust.json holds exactly the docs/contract.md §4 keys, built here. robust.xlsx, with XlsxWriter
(text always as text, no formula), is assembled here from its sheet groups: Summary and Plan
(`robust_xlsx_summary`: the plan in words, figures, how EVPI, VSS, CVaR and regret are computed,
warnings; the shared retooling and launches), Scenarios, Regret and Charts (`robust_xlsx_regret`:
the plan's NPV, status and key figures in each scenario; the regret matrix as a heat map and
every plan's NPV in every scenario; each candidate plan's expected and largest regret), Frontier
and Diagnosis (`robust_xlsx_frontier`: with `--risk-weights`, expected NPV against CVaR; when no
plan fits every scenario, what had to give way).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from planner import __version__
from planner.robust.report import RobustReport
from planner.write.atomic import write_atomically, write_text_atomically
from planner.write.robust_xlsx_frontier import diagnosis_sheet, frontier_sheet
from planner.write.robust_xlsx_regret import charts_sheet, regret_sheet, scenarios_sheet
from planner.write.robust_xlsx_summary import plan_sheet, summary_sheet
from planner.write.xlsx_format import make_formats, open_workbook


def write_robust(folder: Path, report: RobustReport) -> None:
    write_text_atomically(
        folder / "robust.json", json.dumps(robust_summary(report), indent=2) + "\n"
    )
    write_atomically(folder / "robust.xlsx", lambda path: write_robust_workbook(path, report))


def robust_summary(report: RobustReport) -> dict[str, Any]:
    base = report.base
    return {
        "planner_version": __version__,
        "input_file": base.input_file,
        "input_sha256": base.input_sha256,
        "status": report.status.value,
        "solver": report.solver,
        "mip_gap": _number(report.gap),
        "solve_seconds": round(report.solve_seconds, 3),
        "objective": _number(report.objective),
        "expected_npv": _number(report.expected_npv),
        "cvar": _number(report.cvar),
        "worst_npv": _number(report.worst_npv),
        "risk_weight": report.risk.risk_weight,
        "cvar_alpha": report.risk.cvar_alpha,
        "probabilities": dict(report.probabilities),
        "npv_by_scenario": {s: _number(v) for s, v in report.npv_by_scenario.items()},
        "retools": [
            {
                "option_id": r.option_id,
                "plant_id": r.plant_id,
                "from_line_type": r.from_line_type,
                "to_line_type": r.to_line_type,
                "start_year": r.start_year,
                "online_year": r.online_year,
                "capex": r.capex,
            }
            for r in report.retools()
        ],
        "launched_products": sorted(report.plan.launched) if report.plan else [],
        "evpi": _number(report.evpi),
        "vss": _number(report.vss),
        "regret": {
            plan: {s: _number(v) for s, v in by_scenario.items()}
            for plan, by_scenario in report.regret.items()
        },
        "status_quo_npv_by_scenario": {
            s: _number(v) for s, v in report.status_quo_npv_by_scenario.items()
        },
        "plan_value_by_scenario": {s: _number(v) for s, v in report.plan_value_by_scenario.items()},
        "expected_plan_value": _number(report.expected_plan_value),
    }


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def write_robust_workbook(path: Path, report: RobustReport) -> None:
    book = open_workbook(path)
    try:
        formats = make_formats(book)
        summary_sheet(book, formats, report)
        plan_sheet(book, formats, report)
        scenarios_sheet(book, formats, report)
        if report.plans:
            regret = regret_sheet(book, formats, report)
            charts_sheet(book, report, regret)
        if report.frontier:
            frontier_sheet(book, formats, report.frontier)
        if report.diagnosis or report.infeasible_alone:
            diagnosis_sheet(book, formats, report)
    finally:
        book.close()
