"""KPI 3: children with an identified special educational need or disability (SEND; in Wales additional learning
needs, ALN) who have a formal plan in place (docs/kpi-definitions.md, "KPI 3").

The population is every child with an order closing in the quarter (`orders.closing`); a child counts as identified
when a SEND/ALN record current at the end of the order says so (``identified_send`` Y), and as having a plan when
such a record also has ``formal_plan`` Y. A child with no record is outside both headline numbers. The academic year
of the plan is not tested (as the pipeline; decision D8).

Records come from ``send_aln.csv`` when the extract has it. Otherwise they are derived from ``send.csv`` (D8): any
EHCP or SEN support is an identified need, an EHCP is a formal plan, and whether SEN support has a plan is not known
(counted in ``kpi3_plan_not_known``, not in the headline's numerator); `missing` then says the figures are derived.

Measures (kind ``share``, breakdown ``type_of_order``: `orders.LABELS`, then ``All``):

``kpi3_send_formal_plan``          headline: with a formal plan, of the children with an identified SEND/ALN
``kpi3_identified_send``           identified SEND/ALN, of all children with an order closing
``kpi3_plan_not_known``            identified, no plan recorded and a record whose plan is blank, of those identified
``kpi3_identified_suitable_ete``   identified and in suitable ETE at the end (KPI 2's rule), of those identified;
``kpi3_identified_unsuitable_ete`` and in unsuitable ETE; both only when the extract has ``ete_status.csv``

``kpi3_identified_send`` is also split by the child, as the YJB's case level splits it (`oocd.CHARACTERISTICS`):
breakdown ``ethnic_group`` (the five groups, then "Not known"), ``age_band`` (age at the start of the order, as the
shared population takes it: "10 to 14", "15 to 17") and ``sex`` ("Male", "Female", "Not known"), each group the
share of its children with an order closing, then ``All``, the same as the ``type_of_order`` breakdown's.

Not yet built: the note on plans older than the academic year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import oocd, orders, time_points
from analysis.safety import figures as fig

FILE = "send_aln"
FALLBACK = "send"
ETE = "ete_status"


def _present(tables, name: str) -> bool:
    return name in tables and tables.get(name) is not None


def from_send(send: pd.DataFrame) -> pd.DataFrame:
    """SEND/ALN records derived from send.csv (decision D8): every EHCP or SEN support period is an identified need;
    an EHCP is a formal plan; for SEN support the plan is not known (blank)."""
    plan = np.where(send["send_status"] == "EHCP", "Y", None)
    return pd.DataFrame(
        {
            "child_id": send["child_id"],
            "start_date": send["start_date"],
            "end_date": send["end_date"],
            "identified_send": "Y",
            "formal_plan": pd.Series(plan, index=send.index, dtype=object),
        }
    )


def by_characteristic(population: pd.DataFrame, counted: pd.Series, measure: str, period: Period) -> list[dict]:
    """Share rows of the children `counted` (True/False on the population's index) of all the children of each
    group of `oocd.CHARACTERISTICS` (from the population's ethnicity, age_at_start and sex), then ``All``."""
    groups = oocd.characteristics(population)
    rows = []
    for breakdown, labels in oocd.CHARACTERISTICS.items():
        sums = counted.astype(bool).groupby(groups[breakdown]).agg(["sum", "size"]).reindex(list(labels), fill_value=0)
        rows += [
            orders.share(measure, breakdown, g, int(sums.at[g, "sum"]), int(sums.at[g, "size"]), period) for g in labels
        ]
        rows.append(orders.share(measure, breakdown, fig.TOTAL, int(counted.sum()), len(population), period))
    return rows


def count(
    population: pd.DataFrame, send_aln: pd.DataFrame, period: Period, ete: pd.DataFrame | None = None
) -> pd.DataFrame:
    """KPI 3 from the closing population (one row per child: child_id, type_of_order, start_point, end_date,
    age_at_start, sex, ethnicity), the SEND/ALN records (child_id, start_date, end_date, identified_send,
    formal_plan) and, for the ETE rows, the ETE records (as KPI 2)."""
    population = population.reset_index(drop=True)
    current = time_points.current_at(send_aln, population, "end")
    current = current[current["identified_send"] == "Y"]
    identified = population["child_id"].isin(current["child_id"])
    planned = population["child_id"].isin(current.loc[current["formal_plan"] == "Y", "child_id"])
    blank = population["child_id"].isin(current.loc[current["formal_plan"].isna(), "child_id"])
    unknown = identified & ~planned & blank
    rows = orders.by_type(population, planned, "kpi3_send_formal_plan", period, within=identified)
    rows += orders.by_type(population, identified, "kpi3_identified_send", period)
    rows += by_characteristic(population, identified, "kpi3_identified_send", period)
    rows += orders.by_type(population, unknown, "kpi3_plan_not_known", period, within=identified)
    if ete is not None:
        status = time_points.suitability(ete, population, "end")
        for what in ("suitable", "unsuitable"):
            rows += orders.by_type(population, status == what, f"kpi3_identified_{what}_ete", period, within=identified)
    return fig.frame(rows)


def missing(tables) -> str:
    """ "" when KPI 3 is counted from send_aln.csv with ete_status.csv beside it, else a sentence saying what is
    missing and what follows (the source used, or the ETE sub-measure left out)."""
    if not _present(tables, FILE) and not _present(tables, FALLBACK):
        return "KPI 3 (SEND/ALN) is not counted: the extract has neither send_aln.csv nor send.csv."
    said = []
    if not _present(tables, FILE):
        said.append(
            "KPI 3 (SEND/ALN) is derived from send.csv, as the extract has no send_aln.csv: an EHCP counts as a "
            "formal plan, and whether SEN support has a plan is not known."
        )
    if not _present(tables, ETE):
        said.append(
            "Children with SEND in suitable education, training or employment are not shown: the extract has no "
            "ete_status.csv."
        )
    return " ".join(said)


def figures(tables, period: Period) -> pd.DataFrame | None:
    """KPI 3 for the quarter (from send.csv when send_aln.csv is absent), or None when the extract has neither."""
    if _present(tables, FILE):
        records = tables[FILE]
    elif _present(tables, FALLBACK):
        records = from_send(tables[FALLBACK])
    else:
        return None
    ete = tables[ETE] if _present(tables, ETE) else None
    return count(orders.closing(tables, period), records, period, ete)
