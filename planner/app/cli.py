"""Command line: `planner validate`, `planner template`, `planner run` (docs/contract.md §3).

The one error boundary of the program: a `PlannerError` becomes a message and an exit code;
a traceback is shown only with `--debug`.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from planner import __version__
from planner.contract.errors import InputError, PlannerError, format_problems
from planner.runtime.stop import Stopped, kill_children, stopping_on_signals
from planner.write.atomic import OutputError

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_SOLVER = 4
EXIT_OUTPUT = 5  # a result could not be written (disk full, a file locked meanwhile)

log = logging.getLogger("planner")

ABOUT = """\
Plan which assembly plants convert which lines to build kei cars, in which year, which kei
models to launch, and where to build and sell each year's cars, at the highest net present
value (NPV) under the policies and scenarios of an Excel workbook. Results go to Excel
workbooks (one per scenario, a comparison of the scenarios, and with --robust one plan for
all scenarios) and to JSON."""

RUN_ABOUT = """\
Solve every scenario of a workbook and write the results to DIR/<workbook>/ (default
outputs/<workbook>/): <scenario>.xlsx and .json for each scenario, comparison.xlsx when there
are several, robust.xlsx and robust.json with --robust."""

EXAMPLES = """\
examples:
  planner run inputs/us_kei.xlsx
      every scenario, results in outputs/us_kei/
  planner run inputs/us_kei.xlsx --scenario base --time-limit 60 --out results
      the scenario 'base' only, at most 60 s, results in results/us_kei/
  planner run inputs/us_kei.xlsx --robust --risk-weights 0,0.5,1
      also one retooling plan for all scenarios, from best average to safest

exit codes (of planner run; with several scenarios the worst one decides):
  0        every scenario solved (optimal, or feasible within the time limit)
  2        a problem in the workbook or the command line: every problem is listed with its
           sheet, cell and column; nothing is solved or written
  3        some scenario is infeasible: its files explain what cannot be met
  4        a solver error, or a time limit reached with no solution
  5        a result cannot be written (folder not writable, disk full, file open in Excel)
  130/143  stopped by Ctrl-C / SIGTERM: the scenarios finished before are written"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description=ABOUT,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"planner {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check a workbook; print every problem")
    validate.add_argument("file", type=Path)
    _add_verbosity(validate)

    template = commands.add_parser("template", help="write an empty input workbook")
    template.add_argument("file", type=Path)
    _add_verbosity(template)

    run = commands.add_parser(
        "run",
        help="solve every scenario of a workbook",
        description=RUN_ABOUT,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("file", type=Path)
    run.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="ID",
        help="run only this scenario (repeatable)",
    )
    run.add_argument("--solver", type=_solver, metavar="{highs,cbc,scip}")
    run.add_argument(
        "--time-limit", type=_positive_seconds, metavar="S", help="seconds, wall time, > 0"
    )
    run.add_argument("--mip-gap", type=_gap, metavar="G", help="relative MIP gap, >= 0")
    run.add_argument(
        "--alternatives",
        type=_count,
        metavar="N",
        help="also seek up to N near-optimal alternative plans per scenario "
        "(default: Settings alternatives)",
    )
    run.add_argument(
        "--within",
        type=_tail_share,
        metavar="F",
        help="an alternative's NPV may be at most F (in (0, 1]) of the plan value (of |NPV| "
        "where that is unknown or zero) below the optimum's (default: Settings "
        "alternatives_within)",
    )
    run.add_argument("--out", type=Path, metavar="DIR", help="results go to DIR/NAME/")
    run.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="scenarios in parallel worker processes (default: one per core; "
        "1 = serial, in-process)",
    )
    run.add_argument(
        "--dask",
        type=_dask_address,
        metavar="ADDRESS",
        help="run scenarios on a Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    again = run.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true", help="skip scenarios whose outputs are current"
    )
    again.add_argument("--force", action="store_true", help="re-run every scenario (default)")
    robust = run.add_argument_group(
        "robust mode (docs/contract.md §4): one plan for every scenario"
    )
    robust.add_argument(
        "--robust",
        action="store_true",
        help="also plan one retooling for all scenarios: robust.xlsx/.json",
    )
    robust.add_argument(
        "--risk-weight",
        type=_share,
        metavar="λ",
        help="weight of CVaR in [0, 1] (default: Settings risk_weight)",
    )
    robust.add_argument(
        "--cvar-alpha",
        type=_tail_share,
        metavar="α",
        help="CVaR tail share in (0, 1] (default: Settings cvar_alpha)",
    )
    robust.add_argument(
        "--risk-weights",
        type=_shares,
        metavar="λ,λ,...",
        help="efficient frontier: solve for each λ, e.g. 0,0.25,0.5,1",
    )
    _add_verbosity(run)
    return parser


def _share(text: str) -> float:
    value = _float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {text}")
    return value


def _tail_share(text: str) -> float:
    value = _float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


def _positive_seconds(text: str) -> float:
    value = _float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text}")
    return value


def _gap(text: str) -> float:
    value = _float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _dask_address(text: str) -> str:
    """`tcp://host:port` (or tls://, ws://, wss://): checked before anything runs."""
    scheme, _, rest = text.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("tcp", "tls", "ws", "wss") or not host or not port.isdigit():
        raise argparse.ArgumentTypeError(
            f"not a scheduler address like tcp://10.0.0.5:8786: {text!r}"
        )
    return text


def _shares(text: str) -> tuple[float, ...]:
    return tuple(_share(part) for part in text.split(",") if part.strip())


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _solver(text: str) -> str:
    """--solver's value; cpsat is refused with the reason."""
    from planner.contract.schema import CPSAT_REFUSAL, SOLVERS

    name = text.strip().lower()
    if name == "cpsat":
        raise argparse.ArgumentTypeError(CPSAT_REFUSAL)
    if name not in SOLVERS:
        raise argparse.ArgumentTypeError(f"choose one of {', '.join(SOLVERS)}, not {text!r}")
    return name


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument("--debug", action="store_true", help="debug logging and tracebacks")


def _setup_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.debug else logging.WARNING if args.quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%H:%M:%S"))
    root = logging.getLogger("planner")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_logging(args)
    try:
        with stopping_on_signals():
            if args.command == "validate":
                return _validate(args.file)
            if args.command == "template":
                return _template(args.file)
            return _run(args)
    except Stopped as exc:
        kill_children()
        print(f"interrupted ({exc}): stopped; complete result files are kept", file=sys.stderr)
        return exc.exit_code
    except InputError as exc:
        print(f"Input problems in {getattr(args, 'file', '')}:", file=sys.stderr)
        print(format_problems(exc.problems), file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was solved or written.", file=sys.stderr)
        if exc.warnings:
            print("Warnings:", file=sys.stderr)
            print(format_problems(exc.warnings), file=sys.stderr)
        return EXIT_INPUT
    except OutputError as exc:
        print(f"output error: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    except PlannerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:  # a signal before or after the handlers were in place
        kill_children()
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: never a traceback unless asked for
        if args.debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_SOLVER


def _validate(path: Path) -> int:
    from planner.read.load import load_workbook_cases

    loaded = load_workbook_cases(path)
    if loaded.warnings:
        print("Warnings:")
        print(format_problems(loaded.warnings))
    base = loaded.cases[0]
    years = base.settings.years
    print(
        f"OK {path}: {len(base.plants)} plants, {len(base.lines)} lines, "
        f"{len(base.products)} products, {len(base.regions)} regions, "
        f"{len(base.options)} options, {len(base.policies)} policies, "
        f"{len(loaded.cases)} scenarios, years {years[0]}-{years[-1]}"
    )
    return EXIT_OK


def _template(path: Path) -> int:
    from planner.write.template import write_template

    write_template(path)
    print(f"wrote {path}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from planner.app.run import RunOptions, run_workbook

    options = RunOptions(
        scenarios=tuple(args.scenario),
        solver=args.solver,
        time_limit=args.time_limit,
        mip_gap=args.mip_gap,
        out_dir=args.out,
        jobs=args.jobs,
        dask=args.dask,
        resume=args.resume and not args.force,
        alternatives=args.alternatives,
        within=args.within,
    )
    if (
        args.robust
        or args.risk_weight is not None
        or args.cvar_alpha is not None
        or args.risk_weights
    ):
        from planner.app.robust_run import RobustOptions, run_robust

        robust = RobustOptions(args.risk_weight, args.cvar_alpha, args.risk_weights or ())
        return run_robust(args.file, options, robust)
    return run_workbook(args.file, options)
