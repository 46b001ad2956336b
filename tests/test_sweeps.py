"""Sensitivity sweeps: the scenarios a Sweeps sheet adds, the problems it can hold, the
Sensitivity sheet of comparison.xlsx, robust mode leaving sweeps out, and a Dask run."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from workbooks import Sheets, settings, tiny, write

from planner.app.cli import main
from planner.read.load import load_workbook_cases

CAPEX = (100_000, 150_000, 199_000, 200_000, 250_000)


def kei_case() -> Sheets:
    """`tiny()` (CAR: 100 units on P1's UNIBODY line, NPV 499,000) plus a kei product and the
    option to build a line for it.

    KEI sells 50 units in R1 at 15,000 with variable cost 11,000 and the lane's 10 $/unit
    freight: 50 × 3,990 = 199,500 of contribution, and nothing can build it without O1, a new
    80-unit KEI_EV line at P1 (lead time 0, no fixed cost). One year, discount 0: O1 pays
    199,500 − capex, so the plan takes O1 exactly while capex < 199,500; the plan value is
    then 199,500 − capex, else 0 (the plan is the status quo), and NPV = 499,000 + plan value.
    """
    sheets = tiny()
    sheets["Settings"] = settings(first_year=2030, last_year=2030, discount_rate=0, mip_gap=0)
    sheets["Products"].append(
        {
            "product_id": "KEI",
            "segment": "kei",
            "powertrain": "EV",
            "price": 15000,
            "variable_cost": 11000,
            "mpg": 110,
        }
    )
    sheets["Compatibility"].append({"line_type": "KEI_EV", "product_id": "KEI"})
    sheets["RetoolOptions"] = [
        {
            "option_id": "O1",
            "plant_id": "P1",
            "to_line_type": "KEI_EV",
            "capacity_added": 80,
            "capex": 500_000,
            "lead_time_years": 0,
        }
    ]
    sheets["Demand"].append({"region_id": "R1", "product_id": "KEI", "year": 2030, "units": 50})
    return sheets


def with_sweep(sheets: Sheets, *rows: dict[str, Any]) -> Sheets:
    changed = copy.deepcopy(sheets)
    changed.setdefault("Sweeps", []).extend(rows)
    return changed


def capex_sweep(values: str = ";".join(map(str, CAPEX)), **extra: Any) -> dict[str, Any]:
    row = {
        "sweep_id": "capex",
        "sheet": "RetoolOptions",
        "match": "option_id=O1",
        "column": "capex",
        "op": "set",
        "values": values,
        "label": "O1 capex",
    }
    return {**row, **extra}


def sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [tuple(r) for r in book[name].iter_rows(values_only=True)]


def sheet_charts(path: Path, name: str) -> list[str]:
    """The chart XML of each chart drawn on sheet `name`."""
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
        index = re.findall(r'<sheet name="([^"]+)"', book).index(name) + 1
        rels = archive.read(f"xl/worksheets/_rels/sheet{index}.xml.rels").decode()
        drawing = re.search(r'Target="../drawings/(drawing\d+\.xml)"', rels)
        assert drawing is not None
        charts = archive.read(f"xl/drawings/_rels/{drawing.group(1)}.rels").decode()
        targets = re.findall(r'Target="../charts/(chart\d+\.xml)"', charts)
        return [archive.read(f"xl/charts/{t}").decode() for t in targets]


def test_capex_sweep_switches_the_plan_where_o1_stops_paying(tmp_path: Path) -> None:
    """Also a demand sweep whose plan never changes (KEI at 60 or 80 units: O1's 239,400 or
    319,200 of contribution stays below base's 500,000 capex), so its plan value is 0
    throughout and the tornado puts the capex sweep (range 99,500) on top."""
    demand = {
        "sweep_id": "kei",
        "sheet": "Demand",
        "match": "product_id=KEI",
        "column": "units",
        "op": "set",
        "values": "60;80",
    }
    path = write(tmp_path / "kei.xlsx", with_sweep(kei_case(), capex_sweep(), demand))
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    folder = out / "kei"
    ids = [f"capex={c}" for c in CAPEX]
    assert all((folder / f"{i}.json").exists() and (folder / f"{i}.xlsx").exists() for i in ids)
    rows = sheet_rows(folder / "comparison.xlsx", "Sensitivity")
    header = rows.index(
        (
            "sweep",
            "value",
            "scenario",
            "status",
            "NPV ($)",
            "plan value ($)",
            "kei units (all years)",
            "retool capex ($)",
            "plan",
        )
    )
    points = rows[header + 1 : header + 1 + len(CAPEX)]
    for (label, value, scenario, _, npv, plan_value, kei, capex, plan), c in zip(
        points, CAPEX, strict=True
    ):
        taken = c < 199_500
        assert (label, value, scenario) == ("O1 capex", str(c), f"capex={c}")
        assert plan_value == pytest.approx(199_500 - c if taken else 0, abs=0.01)
        assert npv == pytest.approx(499_000 + plan_value, abs=0.01)
        assert kei == pytest.approx(50 if taken else 0)
        assert capex == pytest.approx(c if taken else 0)
        assert plan == ("retool O1 (2030)" if taken else "retool nothing")
    top = next(i for i, r in enumerate(rows) if r[1] == "lowest plan value ($)")
    tornado, flat = rows[top + 1], rows[top + 2]
    assert tornado[:5] == ("O1 capex", 0, "200000", 99_500, "100000")
    assert tornado[7] == "200000"  # the first point whose plan differs from the one before
    assert flat[0] == "kei" and flat[1] == flat[3] == 0 and flat[7] == "never"
    charts = sheet_charts(folder / "comparison.xlsx", "Sensitivity")
    assert len(charts) == 3  # the tornado, then a line chart per sweep
    assert '<c:barDir val="bar"/>' in charts[0] and charts[0].count("<c:ser>") == 2
    assert all("<c:lineChart>" in c for c in charts[1:])
    base = json.loads((folder / "base.json").read_text())
    assert base["plan_value"] == pytest.approx(0, abs=0.01)  # capex 500,000: O1 does not pay


def test_rows_of_a_sweep_move_together_and_ids_number_repeated_operands(
    tmp_path: Path,
) -> None:
    """Two rows of one sweep: point i gets the i-th operand of each; the first row's operands
    repeat (50;50;80), so the ids count the points."""
    sheets = with_sweep(
        kei_case(),
        {
            "sweep_id": "kei",
            "sheet": "Demand",
            "match": "product_id=KEI",
            "column": "units",
            "op": "set",
            "values": " 50; 50 ;80",
        },
        {
            "sweep_id": "kei",
            "sheet": "Products",
            "match": "product_id=KEI",
            "column": "price",
            "op": "multiply",
            "values": "1;1.1;1.2",
        },
        capex_sweep("1e5; 2e5"),
    )
    loaded = load_workbook_cases(write(tmp_path / "s.xlsx", sheets))
    cases = {c.scenario_id: c for c in loaded.cases}
    assert list(cases) == ["base", "kei=1", "kei=2", "kei=3", "capex=1e5", "capex=2e5"]
    kei = [[d.units for d in cases[f"kei={i}"].demand if d.product_id == "KEI"] for i in (1, 2, 3)]
    assert kei == [[50], [50], [80]]
    prices = [cases[f"kei={i}"].product("KEI").price for i in (1, 2, 3)]
    assert prices == pytest.approx([15000, 16500, 18000])
    assert cases["capex=2e5"].options[0].capex == 200_000
    assert cases["kei=3"].options[0].capex == 500_000  # nothing else changes
    # what a sweep leaves alone is shared with base, not rebuilt
    assert cases["capex=1e5"].demand is cases["base"].demand
    assert cases["capex=1e5"].lanes is cases["kei=1"].lanes is cases["base"].lanes
    assert cases["kei=1"].demand is not cases["base"].demand
    point = cases["kei=2"].scenario.sweep
    assert point is not None and (point.sweep_id, point.index, point.value) == ("kei", 2, "50")


BAD_ROWS = [
    (
        {"sweep_id": "a", "sheet": "Nowhere", "column": "units", "op": "set", "values": "1"},
        "Sweeps!B2",
        "sheet",
        "must be one of",
    ),
    (
        {"sweep_id": "b", "sheet": "Decisions", "column": "year", "op": "set", "values": "2030"},
        "Sweeps!B3",
        "sheet",
        "may not change Decisions",
    ),
    (
        {"sweep_id": "c", "sheet": "Demand", "column": "units", "op": "set", "values": "1;2"},
        None,
        None,
        None,
    ),
    (
        {"sweep_id": "c", "sheet": "Demand", "column": "units", "op": "set", "values": "1;2;3"},
        "Sweeps!F5",
        "values",
        "has 3 operands here but 2 on row 4",
    ),
    (
        {"sweep_id": "d", "sheet": "Demand", "column": "units", "op": "set", "values": "5;x"},
        "Sweeps!F6",
        "values",
        "operand 2 ('x'): set Demand.units: must be a number",
    ),
    (
        {"sweep_id": "e", "sheet": "Demand", "column": "units", "op": "set", "values": "-5"},
        "Sweeps!F7",
        "values",
        "operand 1 ('-5'): set Demand.units: must be >= 0",
    ),
    (
        {"sweep_id": "listed", "sheet": "Demand", "column": "units", "op": "set", "values": "1"},
        "Sweeps!F8",
        "values",
        "equals scenario LISTED=1 ignoring case",
    ),
    (
        {
            "sweep_id": "f",
            "sheet": "Products",
            "match": "product_id=KEI",
            "column": "segment",
            "op": "set",
            "values": "kei/mini",
        },
        "Sweeps!F9",
        "values",
        "holds '/'",
    ),
    (
        {"sweep_id": ".g", "sheet": "Demand", "column": "units", "op": "set", "values": "1;2"},
        "Sweeps!A10",
        "sweep_id",
        "starts with '.'",
    ),
    (
        {
            "sweep_id": "h",
            "sheet": "Demand",
            "match": "product_id=NOPE",
            "column": "units",
            "op": "set",
            "values": "1;2",
        },
        "Sweeps!C11",
        "match",
        "matches no row of Demand",
    ),
    (
        {"sweep_id": "i", "sheet": "Demand", "column": "unit", "op": "set", "values": "1"},
        "Sweeps!D12",
        "column",
        "Demand has no column 'unit'",
    ),
]


def test_bad_sweep_rows_are_each_reported_at_their_cell_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheets = with_sweep(kei_case(), *(row for row, *_ in BAD_ROWS))
    sheets["Scenarios"] = [{"scenario_id": "LISTED=1"}]
    path = write(tmp_path / "bad.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--jobs", "1"]) == 2
    assert not out.exists()
    lines = capsys.readouterr().err.splitlines()
    for _, cell, column, message in BAD_ROWS:
        if cell is None:
            continue
        found = [line for line in lines if line.split()[:2] == [cell, column]]
        assert found and str(message) in found[0], (cell, lines)
    assert "Traceback" not in "\n".join(lines)


def test_scenario_changes_may_not_target_sweeps(tmp_path: Path, capsys: Any) -> None:
    sheets = with_sweep(kei_case(), capex_sweep("1;2"))
    sheets["Scenarios"] = [{"scenario_id": "s"}]
    sheets["ScenarioChanges"] = [
        {"scenario_id": "s", "sheet": "Sweeps", "column": "values", "op": "set", "value": "3"}
    ]
    assert main(["validate", str(write(tmp_path / "s.xlsx", sheets))]) == 2
    assert "ScenarioChanges!B2" in capsys.readouterr().err


def test_robust_leaves_sweep_scenarios_out(tmp_path: Path) -> None:
    """base and `cheap` (capex 100,000) are the robust scenarios, at equal shares; the sweep's
    points run and are written but have no probability."""
    sheets = with_sweep(kei_case(), capex_sweep("100000;300000"))
    sheets["Scenarios"] = [{"scenario_id": "cheap"}]
    sheets["ScenarioChanges"] = [
        {
            "scenario_id": "cheap",
            "sheet": "RetoolOptions",
            "column": "capex",
            "op": "set",
            "value": 100_000,
        }
    ]
    path = write(tmp_path / "r.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--robust", "--quiet"]) == 0
    robust = json.loads((out / "r" / "robust.json").read_text())
    assert robust["probabilities"] == {"base": 0.5, "cheap": 0.5}
    assert set(robust["plan_value_by_scenario"]) == {"base", "cheap"}
    assert (out / "r" / "capex=300000.json").exists()


def test_a_20_point_sweep_through_a_local_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    values = [100_000 + 10_000 * i for i in range(20)]  # O1 pays below 199,500: 10 points
    path = write(
        tmp_path / "d.xlsx",
        with_sweep(kei_case(), capex_sweep(";".join(str(v) for v in values))),
    )
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        code = main(["run", str(path), "--dask", cluster.scheduler_address, "--out", str(out)])
    assert code == 0
    for v in values:
        summary = json.loads((out / "d" / f"capex={v}.json").read_text())
        assert summary["plan_value"] == pytest.approx(max(0, 199_500 - v), abs=0.01)
    rows = sheet_rows(out / "d" / "comparison.xlsx", "Sensitivity")
    assert sum(1 for r in rows if r[:1] == ("O1 capex",) and r[2]) >= 20


def test_a_large_batch_summarises_each_sweep_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """31 points, capex 50,000 to 350,000 in steps of 10,000: O1 pays up to 190,000, so the
    plan changes at 200,000; plan values run from 0 to 199,500 − 50,000 = 149,500. Base
    (capex 500,000: no retooling, NPV 499,000) and the Scenarios row `cheap` (capex 100,300:
    plan value 99,200, NPV 598,200) keep their rows, in workbook order, also with --quiet."""
    values = [50_000 + 10_000 * i for i in range(31)]
    sheets = with_sweep(kei_case(), capex_sweep(";".join(str(v) for v in values)))
    sheets["Scenarios"] = [{"scenario_id": "cheap"}]
    sheets["ScenarioChanges"] = [
        {
            "scenario_id": "cheap",
            "sheet": "RetoolOptions",
            "match": "option_id=O1",
            "column": "capex",
            "op": "set",
            "value": 100_300,
        }
    ]
    path = write(tmp_path / "big.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    err = capsys.readouterr().err
    table = err[err.index("results in") :]
    assert "capex=60000" not in table  # no row per point
    line = next(t for t in table.splitlines() if "O1 capex" in t)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells == ["O1 capex", "31", "31", "499,000 … 648,500", "0 … 149,500", "200000"]
    rows = [[c.strip() for c in t.strip("│ ").split("│")] for t in table.splitlines()]
    named = [r for r in rows if r[0] in ("base", "cheap")]
    assert named == [
        ["base", "optimal", "$499k", "$0", "no retooling"],
        ["cheap", "optimal", "$598k", "+$99.2k", "P1 new KEI_EV 2030"],
    ]
    assert table.index("cheap") < table.index("O1 capex")
    assert f"comparison: {out / 'big' / 'comparison.xlsx'}" in table


def test_live_progress_of_a_large_batch_shows_counts_and_what_is_under_way() -> None:
    from rich.console import Console

    from planner.app.progress import BatchDisplay

    display = BatchDisplay([f"s={i}" for i in range(25)], echo=False, live=False)
    display.update("s=0", "written", "optimal")
    display.update("s=1", "solving", "12 s")
    display.update("s=2", "failed", "worker died")
    console = Console(record=True, width=120)
    console.print(display._table())
    text = console.export_text()
    assert "25 scenarios: 1 written, 1 solving, 1 failed, 22 queued" in " ".join(text.split())
    assert "s=1 " in text and "s=2 " in text
    assert "s=0 " not in text and "s=3 " not in text


def test_resume_skips_the_current_sweep_points(tmp_path: Path) -> None:
    """Same input: no point is solved again; a point whose outputs are gone is."""
    path = write(tmp_path / "r.xlsx", with_sweep(kei_case(), capex_sweep("100000;150000")))
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    first = {p.name: p.stat().st_mtime_ns for p in (out / "r").glob("capex=*.json")}
    (out / "r" / "capex=150000.xlsx").unlink()
    assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--resume", "--quiet"]) == 0
    again = {p.name: p.stat().st_mtime_ns for p in (out / "r").glob("capex=*.json")}
    assert again["capex=100000.json"] == first["capex=100000.json"]
    assert again["capex=150000.json"] != first["capex=150000.json"]
    rows = sheet_rows(out / "r" / "comparison.xlsx", "Sensitivity")
    assert [r[2] for r in rows if r[:1] == ("O1 capex",)][:2] == ["capex=100000", "capex=150000"]
