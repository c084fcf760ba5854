"""Whether a record (an accommodation, an ETE placement, a status) was current at the start, at the end or during
an order (docs/kpi-definitions.md, "Time points").

The YJB's functions (`f_isAtStart`, `f_isAtEnd`, `f_isDuring`) are not public; these are the readings the
specification gives, from their arguments and the filters around them. A blank end date means the record is still
open, as the pipeline's 1900-01-01 does (decision D12). The order's start point is the start of the programme, or for
custody the day before custody began, so that where the child lived or studied before custody is what counts.

``"start"``   the record started on or before the start point, and is open or ended on or after it
``"end"``     the record started on or before the order's end, and is open or ended on or after it
``"during"``  the record overlapped the order at any time from the start point to the end

Several records can be current at one time point. For KPIs 1 and 2 (`suitability`) the child is suitable only if
every one of them is ``SUITABLE``: one ``UNSUITABLE`` or ``UNKNOWN`` makes the child unsuitable there. A child with no
record at a time point is "not recorded" and stays in the denominator (decision D11). `suitability_rows` lays out
those two KPIs' figures the same way:

``kpiN_suitable``, ``kpiN_unsuitable``, ``kpiN_not_recorded``
    share of all children with an order closing, breakdown ``time_point`` (groups "Start of order", "End of order");
``kpiN_suitable_start``, ``kpiN_unsuitable_start``, ``kpiN_not_recorded_start``, ``kpiN_unsuitable_end``,
``kpiN_not_recorded_end``
    the same by ``type_of_order`` (suitable at the end by type of order is the KPI's headline measure).
"""

from __future__ import annotations

import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import orders

TIME_POINTS = {"start": "Start of order", "end": "End of order"}  # the groups of breakdown "time_point"
STATUSES = ("suitable", "unsuitable", "not_recorded")
ORDER_SUFFIX = "_order"


def current_at(records: pd.DataFrame, population: pd.DataFrame, at: str) -> pd.DataFrame:
    """The `records` (child_id, start_date, end_date, anything else) current at time point `at` of each child's
    order, joined to the child's row of `population` (one row per child: start_point and end_date at least). A
    record keeps its own column names; the child's columns of the same name get the suffix ``_order``
    (``end_date_order`` is the order's end). A record current for two children's orders cannot happen: one row per
    child."""
    if at not in ("start", "end", "during"):
        raise ValueError(f'Time point "{at}": use "start", "end" or "during"')
    joined = records.merge(population, on="child_id", how="inner", suffixes=("", ORDER_SUFFIX))
    start = joined["start_point"]
    end = joined["end_date" + ORDER_SUFFIX]
    began_by = start if at == "start" else end
    lasted_to = end if at == "end" else start
    current = (joined["start_date"] <= began_by) & (joined["end_date"].isna() | (joined["end_date"] >= lasted_to))
    return joined[current.fillna(False).astype(bool).to_numpy()].reset_index(drop=True)


def suitability(records: pd.DataFrame, population: pd.DataFrame, at: str) -> pd.Series:
    """Each child's status at time point `at`, on the population's index: ``suitable`` when every record current
    then (``suitability`` column) is ``SUITABLE``, ``unsuitable`` when any is not (``UNKNOWN`` included),
    ``not_recorded`` when none is current."""
    current = current_at(records[records["suitability"].notna()], population, at)
    all_suitable = (current["suitability"] == "SUITABLE").groupby(current["child_id"]).all()
    status = population["child_id"].map(all_suitable.map({True: "suitable", False: "unsuitable"}))
    return status.astype(object).fillna("not_recorded")  # object first: with no record at all, map gives floats


def suitability_rows(prefix: str, population: pd.DataFrame, statuses: dict[str, pd.Series], period: Period) -> list:
    """Figures rows for the status at start and end (`statuses`: "start" and "end" to `suitability`'s Series), as
    the module docstring lays out; `prefix` is ``kpi1`` or ``kpi2``."""
    rows = []
    for status in STATUSES:
        rows += [
            orders.share(
                f"{prefix}_{status}",
                "time_point",
                group,
                int((statuses[at] == status).sum()),
                len(population),
                period,
            )
            for at, group in TIME_POINTS.items()
        ]
    for at in TIME_POINTS:
        for status in STATUSES:
            if (status, at) != ("suitable", "end"):
                rows += orders.by_type(population, statuses[at] == status, f"{prefix}_{status}_{at}", period)
    return rows
