"""A result workbook opens in a real spreadsheet program: LibreOffice converts it to PDF.

Runs only where `soffice` is installed (Debian: `apt-get install libreoffice-calc`). The PDF
text shows what a reader sees: no `###` (a column too narrow for its number), no `Err:`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_result_workbook import solved, two_regions, with_kei_option
from workbooks import with_rows

from planner.write.scenario_workbook import write_scenario_workbook

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")


def _pdf_text(pdf: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_libreoffice_renders_the_result(tmp_path: Path) -> None:
    sheets = with_rows(
        with_kei_option(two_regions()),
        "Policies",
        {
            "policy_id": "MIN_R2",
            "kind": "min_units",
            "value": 60,
            "products": "CAR",
            "regions": "R2",
        },
    )
    target = tmp_path / "base.xlsx"
    write_scenario_workbook(target, solved(tmp_path, sheets))
    assert SOFFICE is not None
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: safe beside other soffice runs
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(target),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    pdf = tmp_path / "base.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = _pdf_text(pdf)
    if text is None:
        return
    assert "Retool 1 line at 1 plant" in text
    assert "$738,200" in text  # the NPV, in its currency format
    assert "###" not in text
    assert "Err:" not in text and "#VALUE" not in text
    for sheet in ("Summary", "Retooling", "Policies", "CashFlow", "RunInfo"):
        assert sheet in text  # each sheet's footer
