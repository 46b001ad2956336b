"""The automaker sample case (inputs/automaker_kei.xlsx, Honda): built from its CSVs, and
its answer makes sense, solved for real at the workbook's own settings (about a second).

The economics behind the checks (figures from planner/sample/data/automaker/):
- A kei car earns $19,500 - $15,500 = $4,000 before freight when built in the US. From
  Suzuka it pays the 15% Japan tariff ($2,925), $1,000 ocean freight and a 0.97 cost index:
  $19,500 - $15,035 - $2,925 - $1,000 = $540 before inland freight, so imports pay only
  near Long Beach and only for what the US line cannot build.
- Honda's US unibody lines are full with incumbents (980k of lines, ~1.38M ICE demand); Celaya
  builds 200k more paying the 12.5% USMCA tariff, and the rest is unserved (a car from
  Alliston loses $375 at that tariff). Converting a US unibody line to kei gives up 120k
  incumbents at ~$3,000-6,000 each, $0.3B+ a year: never worth it. Marysville's EV Hub line
  has ~35k a year free (EV demand 35k on a 70k line), so a 25k kei body there ($37.5M) is the
  cheap domestic option.
- Kei demand ~32k a year from 2031 at $4,000 covers the $500M launch (plan value ~$0.3B);
  at x0.35 (~11k a year) it cannot, so nothing is launched or retooled.
- At a 27.5% Japan tariff an import loses $1,900 a unit: imports stop.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from planner.case import Case
from planner.read.load import load_workbook_cases
from planner.results import Results
from planner.results.outcome import solve_case
from planner.sample.build_automaker_kei import DATA, SHEETS, build_workbook

COMMITTED = Path(__file__).resolve().parents[1] / "inputs" / "automaker_kei.xlsx"
LABELS = {"exact", "approx", "est"}
SCENARIOS = ("base", "tariff_jp_up", "kei_bust")


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def records(sheet: list[tuple[object, ...]]) -> list[dict[str, object]]:
    header = [str(c) for c in sheet[0]]
    return [dict(zip(header, row, strict=True)) for row in sheet[1:]]


def test_committed_workbook_equals_a_fresh_build(tmp_path: Path) -> None:
    fresh = tmp_path / "automaker_kei.xlsx"
    build_workbook(fresh)
    want, got = sheet_values(fresh), sheet_values(COMMITTED)
    assert list(got) == list(want)
    for name, rows in want.items():
        assert got[name] == rows, (
            f"sheet {name} of {COMMITTED.name} is stale: "
            "run python -m planner.sample.build_automaker_kei"
        )


def test_build_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    build_workbook(tmp_path / "a.xlsx")
    build_workbook(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_input_sheets_hold_exactly_the_case_columns() -> None:
    values = sheet_values(COMMITTED)
    for name, columns in SHEETS.items():
        assert list(values[name][0]) == columns, name


def test_every_source_key_is_listed_and_used_and_every_row_has_one() -> None:
    sources = csv_rows("sources.csv")
    listed = {row["source_key"] for row in sources}
    used: set[str] = set()
    for path in sorted(DATA.glob("*.csv")):
        for line, row in enumerate(csv_rows(path.name), start=2):
            if "source" not in row:
                continue
            keys = {k.strip() for k in row["source"].split(";") if k.strip()}
            assert keys, f"{path.name}:{line} has no source"
            assert keys <= listed, f"{path.name}:{line}: {sorted(keys - listed)}"
            used |= keys
    assert used == listed, f"listed but never used: {sorted(listed - used)}"
    for row in sources:
        assert row["label"] in LABELS and row["citation"].strip(), row["source_key"]


def test_case_is_one_automaker_with_the_new_inputs() -> None:
    """Honda's own plants only; ramp-up shares, an Ohio-scoped commitment, a plan of record."""
    values = sheet_values(COMMITTED)
    plants = records(values["Plants"])
    assert {p["plant_id"] for p in plants} == {
        "H_MAP", "H_ELAP", "H_HMIN", "H_HMA", "MX_H_CEL", "CA_H_HCM", "JP_H_SUZ",
    }  # fmt: skip
    assert all(str(p["name"]).startswith("Honda") for p in plants)
    options = records(values["RetoolOptions"])
    ramps = [str(o["ramp_up"]) for o in options if o["ramp_up"] is not None]
    assert ramps and all(0 <= float(s) <= 1 for r in ramps for s in r.split(";"))
    ohio = [p for p in records(values["Policies"]) if p["plants"] == "state:OH"]
    assert [p["kind"] for p in ohio] == ["min_units"]
    decisions = records(values["Decisions"])
    option_ids = {o["option_id"] for o in options}
    assert decisions and all(d["decision"] == "record" for d in decisions)
    assert all(d["item"] in option_ids and d["year"] is not None for d in decisions)


@pytest.fixture(scope="module")
def solved() -> dict[str, tuple[Results, Results]]:
    """Each scenario's optimum and its status quo (no option taken, nothing launched)."""
    loaded = load_workbook_cases(COMMITTED, SCENARIOS)
    return {case.scenario_id: (_solve(case), _solve(_status_quo(case))) for case in loaded.cases}


def _solve(case: Case) -> Results:
    results = solve_case(case).results
    assert results.status.value == "optimal", results.message
    return results


def _status_quo(case: Case) -> Case:
    launched = {p.product_id for p in case.products if p.launch_cost > 0}
    demand = tuple(d for d in case.demand if d.product_id not in launched)
    return replace(case, options=(), demand=demand)


def _kei_units(results: Results, *, domestic: bool | None = None) -> float:
    return sum(
        s.units
        for s in results.sales
        if s.product_id.startswith("KEI")
        and (domestic is None or (results.case.plant(s.plant_id).country == "US") == domestic)
    )


def test_every_scenario_of_the_workbook_loads() -> None:
    loaded = load_workbook_cases(COMMITTED, ())
    assert len(loaded.cases) >= 7


def test_base_retools_one_own_plant_without_giving_up_an_incumbent_line(
    solved: dict[str, tuple[Results, Results]],
) -> None:
    base, _ = solved["base"]
    taken = [r for r in base.retools if r.start_year is not None]
    assert [r.plant_id for r in taken] == ["H_MAP"]
    assert all(r.from_line_type in (None, "EV") for r in taken)
    assert all(r.to_line_type.startswith("KEI") for r in taken)
    assert "KEI_ICE" in base.launched_products


def test_base_plan_value_is_positive_but_not_absurd(
    solved: dict[str, tuple[Results, Results]],
) -> None:
    """~32k kei a year at ~$3.7k after freight, less the $500M launch: a few $100M."""
    base, status_quo = solved["base"]
    assert base.npv is not None and status_quo.npv is not None
    assert 50e6 < base.npv - status_quo.npv < 1e9


def test_summary_figures_are_the_automakers_own(
    solved: dict[str, tuple[Results, Results]],
) -> None:
    """Honda's demand is 1.415M a year plus kei (1.43M sold in 2025), not the industry's 16M.

    The 12.5% USMCA tariff makes a car from Alliston lose $375 ($27,000 - $24,000 - $3,375),
    so the US lines build crossovers and ~200k of car demand goes unserved: ~1.25M sold."""
    base, _ = solved["base"]
    assert all(1.15e6 < units < 1.45e6 for units in base.units_by_year.values())
    shares = base.domestic_share_by_year.values()
    assert all(s is not None and 0.75 < s < 0.9 for s in shares)


def test_higher_japan_tariff_makes_kei_all_domestic(
    solved: dict[str, tuple[Results, Results]],
) -> None:
    base, _ = solved["base"]
    up, _ = solved["tariff_jp_up"]
    share_base = _kei_units(base, domestic=True) / _kei_units(base)
    share_up = _kei_units(up, domestic=True) / _kei_units(up)
    assert share_base < 0.95, "base imports part of its kei cars from Suzuka"
    assert share_up == pytest.approx(1.0)
    assert _kei_units(up, domestic=False) == pytest.approx(0, abs=1e-6)


def test_kei_demand_bust_retools_and_launches_nothing(
    solved: dict[str, tuple[Results, Results]],
) -> None:
    bust, status_quo = solved["kei_bust"]
    assert all(r.start_year is None for r in bust.retools)
    assert bust.launched_products == ()
    assert bust.npv == pytest.approx(status_quo.npv, rel=1e-9)
