"""Our model as a HiGHS model, and a HiGHS instance with its start-up banner kept quiet."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import highspy
import numpy as np

from planner.model.lp import LPArrays
from planner.runtime import stop


@contextmanager
def _no_banner() -> Iterator[None]:
    """HiGHS prints a banner to stdout when constructed; keep our stdout clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def to_highs_lp(lp: LPArrays, names: bool = False) -> highspy.HighsLp:
    model = highspy.HighsLp()
    model.num_col_ = lp.num_cols
    model.num_row_ = lp.num_rows
    model.sense_ = highspy.ObjSense.kMaximize
    model.col_cost_ = lp.objective
    model.col_lower_ = lp.col_lower
    model.col_upper_ = np.where(np.isinf(lp.col_upper), highspy.kHighsInf, lp.col_upper)
    model.row_lower_ = np.where(np.isinf(lp.row_lower), -highspy.kHighsInf, lp.row_lower)
    model.row_upper_ = np.where(np.isinf(lp.row_upper), highspy.kHighsInf, lp.row_upper)
    csc = lp.matrix.tocsc()
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_ = lp.num_cols
    model.a_matrix_.num_row_ = lp.num_rows
    model.a_matrix_.start_ = csc.indptr
    model.a_matrix_.index_ = csc.indices
    model.a_matrix_.value_ = csc.data
    if lp.integer.any():
        model.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in lp.integer
        ]
    if names:
        model.col_names_ = list(lp.col_names)
        model.row_names_ = list(lp.row_names)
    return model


def run_interruptibly(highs: highspy.Highs) -> None:
    """`highs.run()`, ended within a fraction of a second by Ctrl-C or SIGTERM (`Stopped`)."""
    listen_for_stop(highs)
    run_listening(highs)


def listen_for_stop(highs: highspy.Highs) -> None:
    """Once per instance: its runs end when a stop is requested (`run_listening`)."""
    for event in (highs.cbSimplexInterrupt, highs.cbIpmInterrupt, highs.cbMipInterrupt):
        event.subscribe(_interrupt_if_stopping)


def run_listening(highs: highspy.Highs) -> None:
    """`highs.run()` on an instance `listen_for_stop` set up; raises `Stopped` after it."""
    with stop.solver_running():
        highs.run()


def _interrupt_if_stopping(event: Any) -> None:
    if stop.requested():
        event.interrupt()


def new_highs() -> highspy.Highs:
    with _no_banner():
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs
