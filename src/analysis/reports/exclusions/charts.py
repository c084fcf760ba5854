"""Charts for the exclusions report, drawn from published figures (withheld values are never drawn)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.present import charts
from analysis.reports.exclusions.measures import BOROUGH, YJS
from analysis.reports.exclusions.words import YJS_COLUMN, row, term_axis_label
from analysis.safety.figures import TOTAL

ALL_PUPILS = "All pupils"


def _values(rows: list[pd.Series | None]):
    """Values and intervals of the rows, blank where withheld (in a restricted report nothing is: see
    Report.shown)."""
    value = np.array([np.nan if r is None else r["value"] for r in rows], dtype=float)
    lower = np.array([np.nan if r is None else r["lower"] for r in rows], dtype=float)
    upper = np.array([np.nan if r is None else r["upper"] for r in rows], dtype=float)
    withheld = np.array([r is not None and bool(r["suppressed"]) for r in rows], dtype=bool)
    value[withheld] = lower[withheld] = upper[withheld] = np.nan
    return value, lower, upper, withheld


def paired_bars(fig: pd.DataFrame, measure: str, groups: list[str], *, title: str, subtitle: str, source: str):
    """For each group, a bar for children known to the YJS and one for all pupils (the tables give the intervals:
    drawn here, they would run into the value labels)."""
    labels, rows, colours = [], [], []
    for g in groups:
        for prefix, name, colour in ((YJS, "YJS", charts.DUO[0]), (BOROUGH, ALL_PUPILS.lower(), charts.DUO[1])):
            labels.append(f"{g}: {name}")
            rows.append(row(fig, f"{prefix}_{measure}", g))
            colours.append(colour)
    value, _, _, withheld = _values(rows)
    return charts.horizontal_bars(
        labels,
        value,
        withheld,
        colours=colours,
        value_format=lambda v: f"{v:,.1f}%",
        title=title,
        subtitle=subtitle,
        source=source,
    )


def term_lines(fig: pd.DataFrame, *, title: str, subtitle: str, source: str):
    """The share suspended at least once in each term: children known to the YJS (with its interval) and all pupils."""
    terms = fig[(fig["measure"] == f"{YJS}_term_one_plus_suspension_rate") & (fig["group"] != TOTAL)]
    y_rows = [r for _, r in terms.iterrows()]
    b_rows = [row(fig, f"{BOROUGH}_term_one_plus_suspension_rate", r["group"], r["period"]) for r in y_rows]
    y, y_lo, y_hi, _ = _values(y_rows)
    b, _, _, _ = _values(b_rows)
    return charts.lines(
        [term_axis_label(g) for g in terms["group"]],
        {YJS_COLUMN: y, ALL_PUPILS: b},
        bands={YJS_COLUMN: (y_lo, y_hi)},
        value_format=lambda v: f"{v:,.1f}%",
        y_label="% suspended at least once",
        title=title,
        subtitle=subtitle,
        source=source,
    )
