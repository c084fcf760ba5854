"""KPI 2: children in suitable education, training or employment (ETE) at the end of their order
(docs/kpi-definitions.md, "KPI 2").

The population is every child with an order closing in the quarter (`orders.closing`). As KPI 1: the child is
suitable at a time point only if every ETE record current then is ``SUITABLE`` (``UNKNOWN`` is unsuitable; "not in
ETE" with a suitability is a record like any other), and a child with no record stays in the denominator (D11).

School age (`school_age`, decision D5) is taken at the start on the start point (custody: the outcome date, the day
custody began) and at the end on the order's end date. Full time is 25 hours a week offered or more for a child of
school age, 16 or more above it, summed over every ETE current at the time point. Below that is part time: at the
start from 0 hours, at the end from 1 hour, so zero hours at the end is neither (the pipeline's rule, decision D6);
a child whose current ETE has no hours offered recorded is counted as "no hours recorded" instead. A child is "not
in ETE" when a record current at the time point has provision ``NONE`` (the pipeline counts children with such a
record).

Measures (kind ``share``; period is the quarter's label):

``kpi2_suitable_ete``
    headline: suitable at the end, breakdown ``type_of_order`` (`orders.LABELS`, then ``All``);
``kpi2_suitable``, ``kpi2_unsuitable``, ``kpi2_not_recorded`` and the same by type of order at start and end
    as `time_points.suitability_rows` lays them out (breakdown ``time_point``);
``kpi2_suitable_start``, ``kpi2_unsuitable_start``, ``kpi2_not_recorded_start`` and ``…_end``
    also with breakdown ``school_age`` (groups "School age", "Above school age"): of the children of that age at
    that time point;
``kpi2_full_time``, ``kpi2_part_time``, ``kpi2_no_hours_recorded``, ``kpi2_not_in_ete``
    of all children with an order closing, breakdown ``time_point``.

Not yet built: the provision-type rows and the bands of hours offered and attended.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import orders, time_points
from analysis.measures.kpi.school_age import school_age
from analysis.safety import figures as fig

FILE = "ete_status"
SCHOOL_AGE = {True: "School age", False: "Above school age"}
FULL_TIME_HOURS = {True: 25, False: 16}  # hours offered a week: school age, above school age


def school_age_at(population: pd.DataFrame, at: str) -> pd.Series:
    """Whether each child was of compulsory school age at the start (start point; custody: the outcome date) or at
    the end (the order's end date) of the order."""
    if at == "end":
        on = population["end_date"]
    else:
        on = population["start_point"]
        if "outcome_date" in population:
            on = on.where(population["type_of_order"] != "custody", population["outcome_date"])
    return school_age(population["date_of_birth"], on)


def hours_status(ete: pd.DataFrame, population: pd.DataFrame, at: str, school: pd.Series) -> pd.Series:
    """``full_time``, ``part_time``, ``no_hours_recorded`` or "" (no ETE current, or zero hours at the end) for each
    child, from the hours offered summed over the ETE current at the time point."""
    current = time_points.current_at(ete, population, at)
    hours = pd.to_numeric(current["hours_offered"], errors="coerce").groupby(current["child_id"]).sum(min_count=1)
    has_record = population["child_id"].isin(current["child_id"]).to_numpy()
    offered = population["child_id"].map(hours).astype(float).to_numpy()
    full = np.where(school.to_numpy(), FULL_TIME_HOURS[True], FULL_TIME_HOURS[False])
    least = 0 if at == "start" else 1
    status = np.select(
        [has_record & np.isnan(offered), offered >= full, (offered >= least) & (offered < full)],
        ["no_hours_recorded", "full_time", "part_time"],
        default="",
    )
    return pd.Series(status, index=population.index)


def count(population: pd.DataFrame, ete: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 2 from the closing population (one row per child: child_id, type_of_order, start_point, end_date,
    date_of_birth, and outcome_date for custody) and ETE records (child_id, start_date, end_date, provision_type,
    suitability, hours_offered)."""
    population = population.reset_index(drop=True)
    statuses = {at: time_points.suitability(ete, population, at) for at in time_points.TIME_POINTS}
    rows = orders.by_type(population, statuses["end"] == "suitable", "kpi2_suitable_ete", period)
    rows += time_points.suitability_rows("kpi2", population, statuses, period)
    hours, not_in_ete = {}, {}
    for at in time_points.TIME_POINTS:
        school = school_age_at(population, at)
        for status in time_points.STATUSES:
            for flag, group in SCHOOL_AGE.items():
                within = school == flag
                k = int(((statuses[at] == status) & within).sum())
                rows.append(orders.share(f"kpi2_{status}_{at}", "school_age", group, k, int(within.sum()), period))
        hours[at] = hours_status(ete, population, at, school)
        current = time_points.current_at(ete, population, at)
        not_in_ete[at] = population["child_id"].isin(current.loc[current["provision_type"] == "NONE", "child_id"])
    n = len(population)
    for status in ("full_time", "part_time", "no_hours_recorded"):
        for at, group in time_points.TIME_POINTS.items():
            k = int((hours[at] == status).sum())
            rows.append(orders.share(f"kpi2_{status}", "time_point", group, k, n, period))
    for at, group in time_points.TIME_POINTS.items():
        rows.append(orders.share("kpi2_not_in_ete", "time_point", group, int(not_in_ete[at].sum()), n, period))
    return fig.frame(rows)


def missing(tables) -> str:
    """ "" when KPI 2 can be counted, else a sentence naming the file it needs."""
    if FILE in tables and tables.get(FILE) is not None:
        return ""
    return "KPI 2 (education, training and employment) is not counted: the extract has no ete_status.csv."


def figures(tables, period: Period) -> pd.DataFrame | None:
    """KPI 2 for the quarter, or None when ete_status.csv is absent (`missing` says so)."""
    if missing(tables):
        return None
    return count(orders.closing(tables, period), tables[FILE], period)
