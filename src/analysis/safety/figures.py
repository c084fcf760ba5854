"""The tidy figures record: one row per figure a report shows.

Every metric function returns its results in this shape, so the same rows feed
suppression, the disclosure audit, the tables and charts in the report, and the
quarter's machine-readable `figures.csv`, which publishes these rows in an open-data shape (`open_data`;
columns in `src/analysis/publish/reference/figures_README.md`, copied into each quarter's folder).

Columns
-------
report       the notebook the figure appears in (set by the report)
measure      what is measured, in snake_case (e.g. ``first_time_entrants``)
breakdown    the characteristic the groups split by (``all`` when there is none)
group        the group within the breakdown (``All`` for the total)
period       the period in words (e.g. ``year ending March 2026``)
kind         count, share, rate, ratio or mean: decides how suppression treats the row
numerator    the count the figure is built on (children, outcomes, ...)
denominator  what it is divided by (a count, a population), blank for counts
value        the figure itself (a count, a percentage, a rate, a ratio)
lower, upper 95% confidence interval, blank where none applies
unit         words for the value's unit (``children``, ``%``, ``per 100,000 children aged 10 to 17``)
numerator_2  for ratios, the comparison group's count (also checked for small numbers)
suppressed   True where the figure is withheld to protect children's identities
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats import intervals

COLUMNS = [
    "report",
    "measure",
    "breakdown",
    "group",
    "period",
    "kind",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "unit",
    "numerator_2",
    "suppressed",
]
KINDS = ("count", "share", "rate", "ratio", "mean")
TOTAL = "All"


NUMBERS = ("numerator", "denominator", "value", "lower", "upper", "numerator_2")
TEXT = ("report", "measure", "breakdown", "group", "period", "kind", "unit")


_DTYPES = [
    pd.StringDtype(na_value=np.nan) if c in TEXT else np.dtype(bool) if c == "suppressed" else np.dtype(float)
    for c in COLUMNS
]


def _text(column: pd.Series) -> pd.Series:
    """Text as text, anything else as str(), missing as "" (as the str dtype)."""
    if isinstance(column.dtype, pd.StringDtype):
        return column.fillna("").astype(str)
    return column.astype(object).where(column.notna(), "").astype(str)


def frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Put rows into the figures shape: every column present, in order, with sensible types (the index is kept)."""
    if (
        isinstance(rows, pd.DataFrame)
        and list(rows.columns) == COLUMNS
        and list(rows.dtypes) == _DTYPES
        and not rows[list(TEXT)].isna().any().any()
        and rows["kind"].isin(KINDS).all()
    ):
        return rows.copy(deep=False)  # in shape already (as every metric returns it); copied on write
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    out = {}
    for column in COLUMNS:
        present = column in df.columns
        if column in NUMBERS:
            out[column] = (
                pd.to_numeric(df[column], errors="coerce").astype(float).to_numpy()
                if present
                else np.full(len(df), np.nan)
            )
        elif column in TEXT:
            out[column] = _text(df[column]) if present else pd.Series("", index=df.index, dtype=str)
        else:  # suppressed
            out[column] = df[column].astype(bool).to_numpy() if present else np.zeros(len(df), bool)
    result = pd.DataFrame(out, index=df.index, columns=COLUMNS)
    bad = set(result["kind"]) - set(KINDS)
    if bad:
        raise ValueError(f"Unknown figure kind(s) {sorted(bad)}; use one of {KINDS}")
    return result


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_columns(fig: pd.DataFrame) -> list[str]:
    """The columns of words (TEXT, and a leading ``quarter``): every column but the numbers and ``suppressed``."""
    return [c for c in fig.columns if c not in NUMBERS and c != "suppressed"]


def _safe_cell(value):
    """One text cell as published: line breaks as "\\n" (the CSV writer quotes a cell holding one, but not one
    holding a lone carriage return, where a spreadsheet would start a new row), and a ``'`` before a start that a
    spreadsheet reads as a formula."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(fig: pd.DataFrame, path) -> None:
    """Write figures for publication (``figures.csv``), safe to open in a spreadsheet.

    Text cells can come from input files (a comparator's area name, a population's source), which are not trusted:
    a cell such as ``=HYPERLINK(...)`` would run as a formula. Every text cell that starts like a formula gets a
    leading ``'``, as OWASP advises, so it reads as text (see `_safe_cell`). Numbers are left alone: -1.5 is a number,
    not a formula. `read_text_back` takes the ``'`` off again. Ordinary figures have none of these, so they are
    written exactly as pandas writes them."""
    safe = fig.copy(deep=False)
    for column in _text_columns(fig):
        text = safe[column]
        if text.map(lambda v: isinstance(v, str) and _safe_cell(v) != v).any():
            safe[column] = text.map(_safe_cell)
    safe.to_csv(path, index=False)


def read_text_back(raw: pd.DataFrame) -> pd.DataFrame:
    """Figures read from a file `to_csv` wrote, with its text cells as they were: the ``'`` it put before a cell
    that starts like a formula is taken off again (a line break comes back as "\\n")."""
    out = raw.copy(deep=False)
    guarded = tuple("'" + c for c in FORMULA_STARTS)
    for column in _text_columns(raw):
        text = out[column]
        marked = text.map(lambda v: isinstance(v, str) and v.startswith(guarded)).astype(bool)
        if marked.any():
            out[column] = text.where(~marked, text.astype(str).str[1:])
    return out


def first(fig: pd.DataFrame | None, **where: str | None) -> pd.Series | None:
    """The first row whose columns equal the given values (a value of None matches anything), or None.

    ``first(fig, measure="cohort_children", group="All")``: how reports read one figure for a sentence.
    """
    if fig is None or fig.empty:
        return None
    hit = np.ones(len(fig), bool)
    for column, wanted in where.items():
        if wanted is not None:
            hit &= fig[column].to_numpy() == wanted  # numpy, not pandas: read for every sentence, so kept quick
    found = np.flatnonzero(hit)
    return fig.iloc[found[0]] if len(found) else None


def count(
    measure: str, n: int, *, breakdown: str = "all", group: str = TOTAL, period: str = "", unit: str = "children"
) -> dict:
    return {
        "measure": measure,
        "breakdown": breakdown,
        "group": group,
        "period": period,
        "kind": "count",
        "numerator": n,
        "value": n,
        "unit": unit,
    }


def rate_row(measure: str, n: int, population: int, per: int, period_label: str, unit: str, **where) -> dict:
    """One figures row: `n` events per `per` of `population`, with its 95% interval (exact Poisson below 10 events,
    Byar's from 10; `analysis.stats.intervals.rate`). `where` gives the breakdown and group (default all / All)."""
    value, lower, upper = intervals.rate(n, population, per=per)
    return {
        "measure": measure,
        "breakdown": where.get("breakdown", "all"),
        "group": where.get("group", TOTAL),
        "period": period_label,
        "kind": "rate",
        "numerator": n,
        "denominator": population,
        "value": value,
        "lower": lower,
        "upper": upper,
        "unit": unit,
    }
