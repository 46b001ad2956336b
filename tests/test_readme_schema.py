"""The README's workbook section is generated from planner/schema.py and must match it."""

from __future__ import annotations

from pathlib import Path

from planner.contract.schema import SETTINGS, SHEETS
from planner.contract.schema_doc import README, readme_block, schema_markdown


def test_readme_block_equals_schema_markdown() -> None:
    block = readme_block(README.read_text(encoding="utf-8"))
    assert block is not None, "README.md has no <!-- schema:start --> ... end markers"
    assert block == schema_markdown(), (
        "README.md is out of date: run `python -m planner.contract.schema_doc --write-readme`"
    )


def test_schema_markdown_has_every_sheet_column_and_setting() -> None:
    text = schema_markdown()
    for schema in SHEETS:
        assert f"### {schema.name} (" in text
        for column in schema.columns:
            assert f"| `{column.name}` |" in text
    for spec in SETTINGS:
        assert f"| `{spec.key}` |" in text


def test_readme_lives_at_the_project_root() -> None:
    assert Path(__file__).resolve().parents[1] / "README.md" == README
