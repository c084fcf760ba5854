"""Numbers as readers see them: thousands separators, one decimal place, the suppression symbol; and text from
input files made safe to put in a report's sentences (`plain`)."""

from __future__ import annotations

import math
import re

from analysis.safety.suppression import SYMBOL

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


def interval(lower, upper, kind: str, suppressed: bool = False, decimals: int | None = None) -> str:
    if suppressed:
        return SYMBOL
    if _missing(lower) or _missing(upper):
        return NOT_AVAILABLE
    return f"{figure(lower, kind, decimals=decimals)} to {figure(upper, kind, decimals=decimals)}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 child', '3 children', '1,204 outcomes'."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


# What makes text from an input file mean something in a report's Markdown, as nbconvert reads it (mistune, with its
# strikethrough, table, url and maths extensions), each written so that it shows as itself: HTML (passed through to
# the page) as entities; emphasis, code, links and images, tables and maths, a bare URL's "://" (which would become a
# link) and a list or heading marker at the start, backslash-escaped.
_AS_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"[\\`*_\[\]|~$#!]|:(?=//)|^[-+=]")


def plain(text) -> str:
    """Text from an input file (an area's name, a publication's title, a source line), for a Markdown sentence:
    shown exactly as written, never read as HTML or Markdown.

    Input files are not trusted: an area named ``<script>...</script>`` or ``[see](javascript:...)`` must appear as
    those characters, not run or link. Markdown passes HTML through, so ``&``, ``<`` and ``>`` become entities, and
    Markdown's own punctuation is backslash-escaped. Line breaks become spaces, so the text cannot start a new
    paragraph, heading or list. Ordinary text (letters, digits, spaces, parentheses, commas, full stops, colons,
    apostrophes, and dashes and slashes inside it) is unchanged, so it reads as before in the Markdown too."""
    one_line = " ".join(str(text).split())
    escaped = _MARKDOWN.sub(lambda m: "\\" + m.group(0), one_line)
    return "".join(_AS_ENTITY.get(c, c) for c in escaped)
