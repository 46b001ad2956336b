"""Numbers for prose: compact counts and dollar amounts.

1234567 reads '1.23M', -2500 dollars reads '-$2.5k', and a count carries its noun ('1 line',
'3 plants'). Shared by the plan's narrative, the policy sentences and the robust report.
"""

from __future__ import annotations


def count_text(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def number(value: float) -> str:
    """1234567 -> '1.23M': compact units for prose, three figures (999,600 is '1M')."""
    size = abs(value)
    text = f"{size:,.0f}"
    for unit, suffix in ((1e3, "k"), (1e6, "M"), (1e9, "B")):
        if size >= unit * 0.9995:
            scaled = size / unit
            text = f"{scaled:.3g}{suffix}" if scaled < 999.5 else f"{scaled:,.0f}{suffix}"
    return ("-" if value < 0 and text != "0" else "") + text


def money(value: float) -> str:
    """-2500 -> '-$2.5k'; an amount that rounds to 0 is '$0', never '-$0'."""
    text = number(abs(value))
    return ("-" if value < 0 and text != "0" else "") + "$" + text
