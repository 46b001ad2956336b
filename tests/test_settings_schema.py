"""The Settings defaults have one home, the schema's SETTINGS table: the `Settings` record
has one field per key (same type) and no defaults of its own, and a workbook that gives only
the required keys loads with every other key at the schema's default."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

from workbooks import settings, tiny, write

from planner.case import Settings
from planner.contract.schema import SETTINGS, Kind
from planner.read.load import load_workbook_cases

PYTHON_TYPE = {Kind.INT: int, Kind.FLOAT: float, Kind.TEXT: str}


def test_every_setting_key_is_a_field_of_the_same_type_and_back() -> None:
    hints = typing.get_type_hints(Settings)
    assert [f.name for f in dataclasses.fields(Settings)] == [s.key for s in SETTINGS]
    assert {s.key: PYTHON_TYPE[s.kind] for s in SETTINGS} == hints


def test_settings_repeats_no_default() -> None:
    assert [
        f.name
        for f in dataclasses.fields(Settings)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    ] == []


def test_with_defaults_takes_the_schema_defaults() -> None:
    made = Settings.with_defaults(first_year=2030, last_year=2031, solver="cbc")
    expected = {s.key: s.default for s in SETTINGS} | {
        "first_year": 2030,
        "last_year": 2031,
        "solver": "cbc",
    }
    assert dataclasses.asdict(made) == expected


def test_a_workbook_with_only_the_required_keys_loads_the_schema_defaults(tmp_path: Path) -> None:
    sheets = tiny()
    sheets["Settings"] = settings(first_year=2030, last_year=2030)
    case = load_workbook_cases(write(tmp_path / "defaults.xlsx", sheets)).cases[0]
    expected = {s.key: s.default for s in SETTINGS} | {"first_year": 2030, "last_year": 2030}
    assert dataclasses.asdict(case.settings) == expected
