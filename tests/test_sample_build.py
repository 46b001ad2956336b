"""The committed sample workbook is exactly what the builder makes from the CSVs."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from planner.sample.build_us_kei import DATA, SHEETS, build_workbook

COMMITTED = Path(__file__).resolve().parents[1] / "inputs" / "us_kei.xlsx"
LABELS = {"exact", "approx", "est"}


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_committed_workbook_equals_a_fresh_build(tmp_path: Path) -> None:
    fresh = tmp_path / "us_kei.xlsx"
    build_workbook(fresh)
    want, got = sheet_values(fresh), sheet_values(COMMITTED)
    assert list(got) == list(want)
    for name, rows in want.items():
        assert got[name] == rows, (
            f"sheet {name} of {COMMITTED.name} is stale: run python -m planner.sample.build_us_kei"
        )


def test_build_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    build_workbook(tmp_path / "a.xlsx")
    build_workbook(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_spec_sheets_hold_exactly_the_spec_columns() -> None:
    """Extra columns on contract sheets would make `planner validate` warn."""
    values = sheet_values(COMMITTED)
    for name, columns in SHEETS.items():
        assert list(values[name][0]) == columns, name


def test_every_source_key_used_in_the_data_is_listed() -> None:
    listed = {row["source_key"] for row in csv_rows("sources.csv")}
    missing = []
    used = set()
    for path in sorted(DATA.glob("*.csv")):
        for line, row in enumerate(csv_rows(path.name), start=2):
            for key in filter(None, (k.strip() for k in (row.get("source") or "").split(";"))):
                used.add(key)
                if key not in listed:
                    missing.append(f"{path.name}:{line}: {key}")
    assert not missing, missing
    assert used == listed, f"listed but never used: {sorted(listed - used)}"


def test_every_source_has_a_label_and_a_citation() -> None:
    for row in csv_rows("sources.csv"):
        assert row["label"] in LABELS, row["source_key"]
        assert row["citation"].strip(), row["source_key"]
        assert row["supports"].strip(), row["source_key"]


def test_data_rows_carry_a_source() -> None:
    for path in sorted(DATA.glob("*.csv")):
        rows = csv_rows(path.name)
        if rows and "source" in rows[0]:
            unsourced = [i for i, row in enumerate(rows, start=2) if not row["source"].strip()]
            assert not unsourced, f"{path.name} lines {unsourced}"


def test_case_covers_the_plants_of_the_facts() -> None:
    plants = sheet_values(COMMITTED)["Plants"][1:]
    countries = [row[2] for row in plants]
    assert countries.count("US") == 49
    assert {"MX", "CA", "JP"} <= set(countries)
