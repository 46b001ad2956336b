"""`planner --help` and `planner run --help`: what the tool does, examples, exit codes."""

from __future__ import annotations

import pytest

from planner.app.cli import main

EXIT_LINES = [
    "  0        every scenario solved",
    "  2        a problem in the workbook or the command line",
    "  3        some scenario is infeasible",
    "  4        a solver error, or a time limit reached with no solution",
    "  5        a result cannot be written",
    "  130/143  stopped by Ctrl-C / SIGTERM",
]


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"]])
def test_help_explains_the_tool_with_examples_and_exit_codes(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    assert "error boundary" not in text and "PlannerError" not in text
    assert "kei" in text
    examples = text[text.index("examples:") :]
    assert examples.count("\n  planner run inputs/us_kei.xlsx") >= 2
    for line in EXIT_LINES:
        assert f"\n{line}" in text, line


def test_top_help_says_what_the_tool_plans(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    about = capsys.readouterr().out.split("\n\n")[1]
    assert about.startswith("Plan which assembly plants convert which lines to build kei cars")
