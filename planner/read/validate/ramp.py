"""Checks of RetoolOptions.ramp_up: at most 40 `;`-separated shares, each a number in [0, 1]."""

from __future__ import annotations

from planner.read.validate.context import Context

MAX_SHARES = 40


def parse_shares(text: str | None) -> tuple[float, ...] | None:
    """The shares of a ramp_up cell; None when one is not a number in [0, 1] or too many."""
    if not text:
        return ()
    tokens = [token.strip() for token in str(text).split(";") if token.strip()]
    if len(tokens) > MAX_SHARES:
        return None
    shares = []
    for token in tokens:
        try:
            share = float(token)
        except ValueError:
            return None
        if not 0 <= share <= 1:
            return None
        shares.append(share)
    return tuple(shares)


def check_ramp_up(ctx: Context) -> None:
    for record in ctx.rows("RetoolOptions"):
        text = record.get("ramp_up")
        if parse_shares(text) is not None:
            continue
        tokens = [token.strip() for token in str(text).split(";") if token.strip()]
        if len(tokens) > MAX_SHARES:
            message = f"at most {MAX_SHARES} shares, got {len(tokens)}"
        else:
            bad = next(t for t in tokens if not _is_share(t))
            message = f"each share must be a number in [0, 1], got {bad!r}"
        ctx.problems.append(record.problem("ramp_up", message))


def _is_share(token: str) -> bool:
    try:
        return 0 <= float(token) <= 1
    except ValueError:
        return False
