"""The tidy figures record: one row per figure a report shows.

Every metric function returns its results in this shape, so the same rows feed
suppression, the tables and charts in the report, and the quarter's
machine-readable `figures.csv`. The vocabulary is documented in
`reports/README.md` (copied into each quarter's folder).

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

COLUMNS = [
    "report", "measure", "breakdown", "group", "period", "kind",
    "numerator", "denominator", "value", "lower", "upper", "unit", "numerator_2", "suppressed",
]
KINDS = ("count", "share", "rate", "ratio", "mean")
TOTAL = "All"


def frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Put rows into the figures shape: every column present, in order, with sensible types."""
    df = pd.DataFrame(rows).copy()
    for column in COLUMNS:
        if column not in df.columns:
            df[column] = np.nan if column not in ("report", "suppressed") else (False if column == "suppressed" else "")
    df = df[COLUMNS]
    for column in ("numerator", "denominator", "value", "lower", "upper", "numerator_2"):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    for column in ("report", "measure", "breakdown", "group", "period", "kind", "unit"):
        df[column] = df[column].astype(object).where(df[column].notna(), "").astype(str)
    df["suppressed"] = df["suppressed"].astype(bool)
    bad = set(df["kind"]) - set(KINDS)
    if bad:
        raise ValueError(f"Unknown figure kind(s) {sorted(bad)}; use one of {KINDS}")
    return df


def count(measure: str, n: int, *, breakdown: str = "all", group: str = TOTAL, period: str = "", unit: str = "children") -> dict:
    return {"measure": measure, "breakdown": breakdown, "group": group, "period": period, "kind": "count",
            "numerator": n, "value": n, "unit": unit}
