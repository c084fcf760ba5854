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

And kind ``count`` (children), as the KPI return's rows count them:

``kpi2_provision_start``, ``kpi2_provision_end``
    the children with an ETE placement of each provision group (`PROVISION_GROUPS`, the return's rows in its order,
    then "Not in ETE" for ``NONE``) current at the start or the end, breakdown ``provision_type``, then ``All``
    (children with any placement current). A child with two placements in different groups is in both groups, once
    in ``All``, so ``All`` can be less than the sum of the groups;
``kpi2_hours_offered_start``, ``kpi2_hours_offered_end``, ``kpi2_hours_attended_start``, ``kpi2_hours_attended_end``
    the children by the hours a week offered (or attended), summed over the placements current at the time point,
    in the return's bands (`HOURS_BANDS`), breakdown ``hours_band``, then ``All``: the children with any hours
    recorded. A child whose current placements have no hours recorded is in no band and not in ``All``; one with
    0 hours recorded is in ``All`` but in no band (the bands start at 1), so ``All`` can exceed the sum of the bands.
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

# The KPI return's provision rows (its `description`s, the YJB's spelling), in its order, with the provision types
# (`provisionType`) each takes; "Not in ETE" (``NONE``) last, which the return counts in a row of its own. The return
# splits school, PRU and employment into full and part time, but three of the contract's codes do not say which:
# a mainstream school place, a pupil referral unit and employment are counted as full time (the project's reading,
# to confirm against the YJB's recording guidance). Alternative provision above school age is alternative provision.
PROVISION_GROUPS = {
    "School (full-time)": ("SCHOOL_FULL_TIME", "MAINSTREAM_SCHOOL"),
    "School (part time)": ("SCHOOL_PART_TIME",),
    "Electively home educated": ("ELECTIVELY_HOME_EDUCATED",),
    "Alternative Provision PRU (full time)": ("ALTERNATIVE_PROVISION_PRU_FULL_TIME", "PUPIL_REFERRAL_UNIT"),
    "Alternative Provision PRU (part time)": ("ALTERNATIVE_PROVISION_PRU_PART_TIME",),
    "Alternative Provision Other (full time)": ("ALTERNATIVE_PROVISION_OTHER_FULL_TIME",),
    "Alternative Provision Other (part time)": ("ALTERNATIVE_PROVISION_OTHER_PART_TIME",),
    "College": ("COLLEGE",),
    "Alternative provision": ("ALTERNATIVE_PROVISION", "ALTERNATIVE_PROVISION_ABOVE_SCHOOL_AGE"),
    "Education re-engagement programme": ("EDUCATION_RE_ENGAGEMENT_PROGRAMME",),
    "Traineeship": ("TRAINEESHIP",),
    "Apprenticeship": ("TRAINING_COURSE_APPRENTICESHIP",),
    "Supported Internship": ("SUPPORTED_INTERNSHIP",),
    "Mentoring circle": ("MENTORING_CIRCLE",),
    "Full-time employment": ("FULL_TIME_EMPLOYMENT", "EMPLOYMENT"),
    "Part-time employment": ("PART_TIME_EMPLOYMENT",),
    "Self-employment": ("SELF_EMPLOYMENT",),
    "Voluntary work": ("VOLUNTARY_WORK",),
    "University": ("UNIVERSITY",),
    "Other": ("OTHER",),
    "Not in ETE": ("NONE",),
}
PROVISION_GROUP = {code: group for group, types in PROVISION_GROUPS.items() for code in types}
# The return's bands of hours a week ("Hours offered per week", "Hours attended per week"): label -> lowest hours;
# each band runs to the next band's lowest.
HOURS_BANDS = {"1 - 15 hours": 1, "16 - 24 hours": 16, "25 hours plus": 25}
HOURS = {"offered": "hours_offered", "attended": "hours_attended"}  # the measure's word -> the ETE column


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


def _children(measure: str, breakdown: str, labels: pd.Series, child_id: pd.Series, groups, period: Period) -> list:
    """Count rows of the distinct children (`child_id`) in each of `groups` (each row's group in `labels`, "" or
    missing for none), then ``All``: the distinct children with a group."""
    named = labels.fillna("").astype(str).to_numpy() != ""
    counts = child_id[named].groupby(labels[named]).nunique().reindex(list(groups), fill_value=0)
    rows = [orders.count_row(measure, breakdown, group, int(k), period) for group, k in counts.items()]
    rows.append(orders.count_row(measure, breakdown, fig.TOTAL, int(child_id[named].nunique()), period))
    return rows


def hours_bands(current: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per child with hours recorded on a placement in `current` (ETE records current at a time point): the
    hours a week in `column` summed over those placements (blank hours left out), and its band of `HOURS_BANDS`
    ("" under 1 hour). A child none of whose placements has hours recorded has no row."""
    hours = current[column] if column in current else pd.Series(np.nan, index=current.index)
    total = pd.to_numeric(hours, errors="coerce").groupby(current["child_id"]).sum(min_count=1).dropna()
    band = pd.cut(total, [*HOURS_BANDS.values(), np.inf], right=False, labels=list(HOURS_BANDS))
    return pd.DataFrame(
        {"child_id": total.index, "hours": total.to_numpy(), "band": band.astype(object).fillna("").to_numpy()}
    )


def provision_and_hours(population: pd.DataFrame, ete: pd.DataFrame, period: Period) -> list[dict]:
    """The count rows of the children by provision group and by band of hours offered and attended, at the start
    and the end of the order (the module docstring's ``kpi2_provision_*`` and ``kpi2_hours_*``)."""
    rows = []
    current = {at: time_points.current_at(ete, population, at) for at in time_points.TIME_POINTS}
    for at, records in current.items():
        group = records["provision_type"].map(PROVISION_GROUP)
        rows += _children(
            f"kpi2_provision_{at}", "provision_type", group, records["child_id"], PROVISION_GROUPS, period
        )
    for word, column in HOURS.items():
        for at, records in current.items():
            bands = hours_bands(records, column)
            counts = bands["band"].value_counts().reindex(list(HOURS_BANDS), fill_value=0)
            measure = f"kpi2_hours_{word}_{at}"
            rows += [orders.count_row(measure, "hours_band", band, int(k), period) for band, k in counts.items()]
            rows.append(orders.count_row(measure, "hours_band", fig.TOTAL, len(bands), period))
    return rows


def count(population: pd.DataFrame, ete: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 2 from the closing population (one row per child: child_id, type_of_order, start_point, end_date,
    date_of_birth, and outcome_date for custody) and ETE records (child_id, start_date, end_date, provision_type,
    suitability, hours_offered, and hours_attended: a missing column is hours not recorded)."""
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
    rows += provision_and_hours(population, ete, period)
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
