"""Numbers as readers see them: thousands separators, one decimal place, the suppression symbol."""

from __future__ import annotations

import math

from .suppression import SYMBOL

NOT_AVAILABLE = "[x]"  # GSS symbol: not available (e.g. a rate with no population)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, decimals: int = 0) -> str:
    if _missing(value):
        return NOT_AVAILABLE
    return f"{value:,.{decimals}f}"


def figure(value, kind: str, suppressed: bool = False, decimals: int | None = None) -> str:
    """Format a figure by its kind: counts whole, shares as percentages, rates and means to one place, ratios to two."""
    if suppressed:
        return SYMBOL
    if kind == "count":
        return number(value, 0)
    if kind == "share":
        return NOT_AVAILABLE if _missing(value) else f"{value:,.{1 if decimals is None else decimals}f}%"
    if kind == "ratio":
        return number(value, 2 if decimals is None else decimals)
    return number(value, 1 if decimals is None else decimals)


def interval(lower, upper, kind: str, suppressed: bool = False) -> str:
    if suppressed:
        return SYMBOL
    if _missing(lower) or _missing(upper):
        return NOT_AVAILABLE
    return f"{figure(lower, kind)} to {figure(upper, kind)}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 child', '3 children', '1,204 outcomes'."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"
