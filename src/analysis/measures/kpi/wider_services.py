"""KPI 7: children with links to wider services during their order (docs/kpi-definitions.md, "KPI 7").

The population is every child with an order closing in the quarter (`orders.closing`). The headline follows the YJB's
``_v8`` definition (decision D1): children supported by wider services **at any time during the order** (looked
after, on a child protection plan, a child in need or on an early help plan, overlapping the order from its start
point to its end) of all those children, each child counted once however many statuses they had. Early help
referrals do not count in the headline; they give two rows of their own, by when the referral was made: before the
order's start, or from its start to its end.

Looked-after periods have one source (decision D18): ``care_episodes.csv`` wins when the extract has it, and a
``care_status.csv`` ``LOOKED_AFTER`` row is used only for a child with no care episode at all.

Measures (kind ``share``; period is the quarter's label):

``kpi7_wider_services``      headline, breakdown ``type_of_order`` (`orders.LABELS`, then ``All``)
``kpi7_status_during``       each status during the order, breakdown ``status`` (the four labels of `SUPPORT`)
``kpi7_status_start``        each status at the start of the order, breakdown ``status``
``kpi7_early_help_before``   already referred to early help before the order started, breakdown ``type_of_order``
``kpi7_early_help_referred`` referred to early help during the order, breakdown ``type_of_order``

Every share is of all children with an order closing.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import orders, time_points
from analysis.safety import figures as fig

FILE = "care_status"
CARE_EPISODES = "care_episodes"
SUPPORT = {
    "LOOKED_AFTER": "Looked after",
    "CHILD_PROTECTION_PLAN": "Child protection plan",
    "CHILD_IN_NEED": "Child in need",
    "EARLY_HELP_PLAN": "Early help plan",
}
REFERRAL = "EARLY_HELP_REFERRAL"
COLUMNS = ["child_id", "status", "start_date", "end_date"]


def statuses(care_status: pd.DataFrame, care_episodes: pd.DataFrame | None) -> pd.DataFrame:
    """The children's services statuses KPI 7 reads (child_id, status, start_date, end_date): care_status.csv, with
    looked-after periods from care_episodes.csv where the child has any (decision D18)."""
    records = care_status[COLUMNS]
    if care_episodes is None:
        return records.reset_index(drop=True)
    from_care = care_episodes[["child_id", "start_date", "end_date"]].assign(status="LOOKED_AFTER")[COLUMNS]
    replaced = (records["status"] == "LOOKED_AFTER") & records["child_id"].isin(from_care["child_id"])
    return pd.concat([records[~replaced], from_care], ignore_index=True)


def count(population: pd.DataFrame, records: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 7 from the closing population (one row per child: child_id, type_of_order, start_date, start_point,
    end_date) and the statuses (`statuses`)."""
    population = population.reset_index(drop=True)
    n = len(population)
    during = time_points.current_at(records, population, "during")
    start = time_points.current_at(records, population, "start")
    supported = population["child_id"].isin(during.loc[during["status"].isin(list(SUPPORT)), "child_id"])
    rows = orders.by_type(population, supported, "kpi7_wider_services", period)
    for measure, current in (("kpi7_status_during", during), ("kpi7_status_start", start)):
        children = current.groupby("status")["child_id"].nunique()
        rows += [
            orders.share(measure, "status", label, int(children.get(status, 0)), n, period)
            for status, label in SUPPORT.items()
        ]
    referrals = records[records["status"] == REFERRAL].merge(
        population, on="child_id", suffixes=("", time_points.ORDER_SUFFIX)
    )
    began = referrals["start_date" + time_points.ORDER_SUFFIX]
    before = referrals.loc[referrals["start_date"] < began, "child_id"]
    made = referrals["start_date"].between(began, referrals["end_date" + time_points.ORDER_SUFFIX])
    rows += orders.by_type(population, population["child_id"].isin(before), "kpi7_early_help_before", period)
    rows += orders.by_type(
        population, population["child_id"].isin(referrals.loc[made, "child_id"]), "kpi7_early_help_referred", period
    )
    return fig.frame(rows)


def missing(tables) -> str:
    """ "" when KPI 7 can be counted, else a sentence naming the file it needs."""
    if FILE in tables and tables.get(FILE) is not None:
        return ""
    return "KPI 7 (links to wider services) is not counted: the extract has no care_status.csv."


def figures(tables, period: Period) -> pd.DataFrame | None:
    """KPI 7 for the quarter, or None when care_status.csv is absent (`missing` says so)."""
    if missing(tables):
        return None
    care_episodes = tables[CARE_EPISODES] if CARE_EPISODES in tables else None
    return count(orders.closing(tables, period), statuses(tables[FILE], care_episodes), period)
