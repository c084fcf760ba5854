"""KPI 1: children in suitable accommodation at the end of their order (docs/kpi-definitions.md, "KPI 1").

The population is every child with an order closing in the quarter (`orders.closing`), all six types of order. The
headline is the children whose accommodation(s) current at the end of the order were all suitable, of all those
children; a child with no accommodation record there stays in the denominator (decision D11), and ``UNKNOWN``
suitability counts as unsuitable. Every record is used, not only the main address (``_v8``, decision D10).

Measures (kind ``share`` unless said; period is the quarter's label):

``kpi1_suitable_accommodation``
    headline: suitable at the end, breakdown ``type_of_order`` (the six labels of `orders.LABELS`, then ``All``);
``kpi1_suitable``, ``kpi1_unsuitable``, ``kpi1_not_recorded`` and the same by type of order at start and end
    as `time_points.suitability_rows` lays them out (breakdown ``time_point``: "Start of order", "End of order");
``kpi1_more_than_one_accommodation``
    kind ``count``: children with more than one accommodation current at a time point (D10), breakdown
    ``time_point``.

Not yet built: the rows by type of accommodation, and the change from start to end (end less start, which the board
can read from the start and end rows).
"""

from __future__ import annotations

import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import orders, time_points
from analysis.safety import figures as fig

FILE = "accommodation"


def count(population: pd.DataFrame, accommodation: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 1 from the closing population (one row per child: child_id, type_of_order, start_point, end_date) and
    accommodation records (child_id, start_date, end_date, suitability)."""
    population = population.reset_index(drop=True)
    statuses = {at: time_points.suitability(accommodation, population, at) for at in time_points.TIME_POINTS}
    rows = orders.by_type(population, statuses["end"] == "suitable", "kpi1_suitable_accommodation", period)
    rows += time_points.suitability_rows("kpi1", population, statuses, period)
    for at, group in time_points.TIME_POINTS.items():
        current = time_points.current_at(accommodation[accommodation["suitability"].notna()], population, at)
        several = int((current.groupby("child_id").size() > 1).sum())
        rows.append(orders.count_row("kpi1_more_than_one_accommodation", "time_point", group, several, period))
    return fig.frame(rows)


def missing(tables) -> str:
    """ "" when KPI 1 can be counted, else a sentence naming the file it needs."""
    if FILE in tables and tables.get(FILE) is not None:
        return ""
    return "KPI 1 (suitable accommodation) is not counted: the extract has no accommodation.csv."


def figures(tables, period: Period) -> pd.DataFrame | None:
    """KPI 1 for the quarter, or None when accommodation.csv is absent (`missing` says so)."""
    if missing(tables):
        return None
    return count(orders.closing(tables, period), tables[FILE], period)
