"""Numbers for prose: compact counts and dollar amounts.

1234567 reads '1.23M', -2500 dollars reads '-$2.5k', and a count carries its noun ('1 line',
'3 plants'). Shared by the plan's narrative, the policy sentences and the robust report.
"""

from __future__ import annotations


def count_text(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def number(value: float) -> str:
    """1234567 -> '1.23M': compact units for prose."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:,.0f}"


def money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${number(abs(value))}"
