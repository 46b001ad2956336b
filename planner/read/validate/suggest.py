"""Near-miss suggestions for ids that resolve to nothing: `KEI-ICE` -> `KEI_ICE`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.75  # similarity (0-1) a name needs to be suggested; as for misspelt column names


def did_you_mean(value: str, names: Iterable[str]) -> str:
    """` (did you mean KEI_ICE?)` for the known name closest to `value`, or `""`.

    Compared ignoring case, so `kei_ice` suggests `KEI_ICE`; `value` itself is never suggested.
    """
    by_folded: dict[str, str] = {}
    for name in sorted(str(n) for n in names):
        if name != value:
            by_folded.setdefault(name.lower(), name)
    close = difflib.get_close_matches(value.lower(), list(by_folded), n=1, cutoff=CUTOFF)
    return f" (did you mean {by_folded[close[0]]}?)" if close else ""
