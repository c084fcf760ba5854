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
    ``time_point``;
``kpi1_accommodation_start_suitable``, ``kpi1_accommodation_start_unsuitable``, ``kpi1_accommodation_end_suitable``,
``kpi1_accommodation_end_unsuitable``
    kind ``count``: the children with an accommodation of each group (`GROUPS`, the KPI return's rows, in its order)
    current at the start or end of the order whose own suitability is ``SUITABLE`` (or ``UNSUITABLE``/``UNKNOWN``),
    breakdown ``accommodation_type``, then ``All``. As in the YJB's rows, a child with two accommodations current
    at one time point is counted in each of their groups, once per group; ``All`` counts each child once, so it
    can be less than the sum of the groups. The split goes by each record's own suitability, so a child with one
    suitable and one unsuitable accommodation is in both measures, and ``All`` of the suitable measure (children
    with any suitable accommodation current) can exceed ``kpi1_suitable``, which needs every one to be suitable.

Not yet built: the change from start to end (end less start, which the board can read from the start and end rows).
"""

from __future__ import annotations

import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import orders, time_points
from analysis.safety import figures as fig

FILE = "accommodation"

# The KPI return's accommodation rows (its `description`s, the YJB's spelling kept, "accomodation" included, so a
# return can be matched row for row), in the return's order, with the accommodation types (`kpi1AccommodationType`)
# each takes. The last row is the recording guidance's always-unsuitable types, which the return does not group:
# one row here, so that every child with an accommodation recorded is in a group.
GROUPS = {
    "STC": ("STC",),
    "SCH": ("SCH",),
    "YOI": ("YOI",),
    "Living with parent(s)": ("LIVING_WITH_PARENT_S", "AT_HOME"),
    "Living with family (not parents)": ("LIVING_WITH_FAMILY_NOT_PARENTS",),
    "Living with friends": ("LIVING_WITH_FRIENDS",),
    "Foster Care": ("FOSTER_CARE_LA", "FOSTER_CARE_PRIVATE"),
    "Residential unit": ("RESIDENTIAL_UNIT_LA", "RESIDENTIAL_UNIT_PRIVATE", "RESIDENTIAL_UNIT_SECURE"),
    "Supported accommodation/supported lodgings": ("SUPPORTED_ACCOMMODATION_SUPPORTED_LODGINGS",),
    "Independent living": ("INDEPENDENT_LIVING",),
    "Temporary accomodation": ("TEMPORARY_ACCOMMODATION", "BAIL_HOSTEL"),
    "Other": ("OTHER", "HOSPITAL", "TRAVELLER_SITE"),
    "Bed and breakfast, no fixed abode or not known": ("BED_AND_BREAKFAST", "NO_FIXED_ABODE", "NOT_KNOWN"),
}
GROUP = {code: group for group, types in GROUPS.items() for code in types}
SUITABILITY_SPLIT = {"suitable": ("SUITABLE",), "unsuitable": ("UNSUITABLE", "UNKNOWN")}


def by_accommodation_type(population: pd.DataFrame, accommodation: pd.DataFrame, period: Period) -> list[dict]:
    """Count rows of the children in each accommodation group (`GROUPS`) at the start and the end of the order,
    split by the record's own suitability, as the module docstring says: distinct children per group, each child
    once in ``All``."""
    rows = []
    for at in time_points.TIME_POINTS:
        current = time_points.current_at(accommodation, population, at)
        current = current.assign(group=current["accommodation_type"].map(GROUP))
        for split, values in SUITABILITY_SPLIT.items():
            these = current[current["suitability"].isin(values) & current["group"].notna()]
            children = these.groupby("group")["child_id"].nunique().reindex(list(GROUPS), fill_value=0)
            measure = f"kpi1_accommodation_{at}_{split}"
            rows += [orders.count_row(measure, "accommodation_type", g, int(k), period) for g, k in children.items()]
            rows.append(orders.count_row(measure, "accommodation_type", fig.TOTAL, these["child_id"].nunique(), period))
    return rows


def count(population: pd.DataFrame, accommodation: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 1 from the closing population (one row per child: child_id, type_of_order, start_point, end_date) and
    accommodation records (child_id, start_date, end_date, accommodation_type, suitability)."""
    population = population.reset_index(drop=True)
    statuses = {at: time_points.suitability(accommodation, population, at) for at in time_points.TIME_POINTS}
    rows = orders.by_type(population, statuses["end"] == "suitable", "kpi1_suitable_accommodation", period)
    rows += time_points.suitability_rows("kpi1", population, statuses, period)
    for at, group in time_points.TIME_POINTS.items():
        current = time_points.current_at(accommodation[accommodation["suitability"].notna()], population, at)
        several = int((current.groupby("child_id").size() > 1).sum())
        rows.append(orders.count_row("kpi1_more_than_one_accommodation", "time_point", group, several, period))
    rows += by_accommodation_type(population, accommodation, period)
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
