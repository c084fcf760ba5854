"""KPIs 4 and 5: whether children with a mental health or substance misuse need were offered help.

The two KPIs are one idea on two kinds of record (docs/kpi-definitions.md, "KPI 4" and "KPI 5"; the YJB's
`kpi4_mh_case_level_v8` and `kpi5_substance_m_case_level_v8`), so one module counts both, told which by `domain`
(``MENTAL_HEALTH`` for KPI 4, ``SUBSTANCE_MISUSE`` for KPI 5, as in `health_interventions.csv`).

Who is counted: the children with an order closing in the quarter (`orders.closing`, one row per child), and their
health records whose need was identified on or before the order's end (a record screened after the order ended
is left out altogether, as the YJB leaves it out).

* **Already in treatment at start**: the child started attending before the order began and was still attending
  when it began (attendance end blank or on or after that day). The order began on its start date, or for custody
  the day custody began (the day after `start_point`), so treatment before custody counts, as the YJB's time
  points say. The YJB's `f_inTreatmentPrior` is not public; this is the reading the data contract gives.
* **Need**: a need-identified (screening) date, or already in treatment at start. A blank screening date with no
  treatment at start is no need (the YJB's 1900-01-01).
* **Offered** an intervention of a type: an offer of that type dated within the order (start to end date, both
  included), or already in treatment with that type. ``NO_INTERVENTION`` is "offered nothing".
* **Attended**: attendance started within the order, or already in treatment at start, for that type.
* **Offered, not attended**: offered within the order and no attendance start date.

Measures (``P`` is ``kpi4_mental_health`` or ``kpi5_substance_misuse``; counts are distinct children, a child with
several records is counted once in each figure):

``P_offered``                (the headline, the YJB's `_v8`) children with a need who were offered an intervention
                             or were already in treatment ÷ children with a need; by ``type_of_order``
``P_need``                   children with a need ÷ children with an order closing; by ``type_of_order``
``P_in_treatment_at_start``  children already in treatment at start ÷ children with a need; by ``type_of_order``
``P_offered_by_intervention`` children with a need offered each type ÷ children with a need; by
                             ``intervention_type``
``P_attended``               children offered and attending each type ÷ children with a need offered that type; by
                             ``intervention_type``
``P_not_attended``           children offered a type in the order who never started it ÷ those offered it; by
                             ``intervention_type``

Breakdowns and groups: ``type_of_order`` has the labels of `orders.LABELS`, in order, then ``All``;
``intervention_type`` has the domain's intervention labels (`DOMAINS`), in order, then ``All`` (any type: a child
offered two types is in both groups and once in ``All``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import orders
from analysis.safety.figures import TOTAL, frame

MENTAL_HEALTH = "MENTAL_HEALTH"
SUBSTANCE_MISUSE = "SUBSTANCE_MISUSE"
NO_INTERVENTION = "NO_INTERVENTION"
TABLE = "health_interventions"


class Domain(NamedTuple):
    kpi: int
    prefix: str  # the measures' names start with this
    words: str  # the need, in words, for units and messages
    interventions: dict[str, str]  # the intervention types that are an offer, with the YJB return's labels


DOMAINS = {
    MENTAL_HEALTH: Domain(
        4,
        "kpi4_mental_health",
        "mental health or emotional wellbeing",
        {
            "GETTING_ADVICE": "Getting Advice",
            "GETTING_HELP": "Getting Help",
            "GETTING_ADDITIONAL_HELP": "Getting Additional Help",
            "GETTING_RISK_SUPPORT": "Getting Risk Support",
        },
    ),
    SUBSTANCE_MISUSE: Domain(
        5,
        "kpi5_substance_misuse",
        "substance misuse",
        {
            "TARGETED_INTERVENTION": "Targeted intervention/treatment",
            "SPECIALIST_SUBSTANCE_MISUSE_TREATMENT": "Specialist substance misuse treatment",
            "COMPLEX_CARE": "Complex care treatment intervention",
        },
    ),
}


def _shares(
    measure: str, breakdown: str, counts: pd.DataFrame, x: str, n: str, period: Period, unit: str
) -> pd.DataFrame:
    """One share row per group (the index of `counts`): column `x` of column `n`."""
    return frame(
        [
            orders.share(measure, breakdown, g, int(counts.at[g, x]), int(counts.at[g, n]), period, unit)
            for g in counts.index
        ]
    )


def _by_group(flags: pd.DataFrame, column: str, groups: Mapping[str, str]) -> pd.DataFrame:
    """Sums of `flags`' true/false columns in each of `groups` (keys of `column`), labelled, then ``All``."""
    values = flags.drop(columns=column).astype(int)
    parts = values.groupby(flags[column].to_numpy()).sum().reindex(list(groups), fill_value=0)
    parts.index = [groups[k] for k in parts.index]
    return pd.concat([parts, values.sum().to_frame(TOTAL).T])


def _records(closing: pd.DataFrame, records: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """Each of the domain's records joined to its child's closing order, with what it says at that order."""
    joined = records.merge(
        closing[["child_id", "type_of_order", "start_date", "end_date", "start_point"]], on="child_id", how="inner"
    )
    joined = joined[~(joined["date_need_identified"] > joined["end_date"]).to_numpy(bool)]  # screened after the end
    custody = (joined["type_of_order"] == "custody").to_numpy(bool)
    began = joined["start_point"] + pd.to_timedelta(custody.astype(int), unit="D")
    prior = (joined["date_attended_start"] < began) & ~(joined["date_attended_end"] < began)
    start, end = joined["start_date"], joined["end_date"]
    offered_in_order = (joined["date_offered"] >= start) & (joined["date_offered"] <= end)
    attended_in_order = (joined["date_attended_start"] >= start) & (joined["date_attended_start"] <= end)
    real = joined["intervention_type"].isin(list(domain.interventions))
    return pd.DataFrame(
        {
            "child_id": joined["child_id"].to_numpy(),
            "intervention_type": joined["intervention_type"].astype(str).to_numpy(),
            "prior": prior.to_numpy(bool),
            "need": (joined["date_need_identified"].notna() | prior).to_numpy(bool),
            "offered": (real & (offered_in_order | prior)).to_numpy(bool),
            "attended": (real & (attended_in_order | prior)).to_numpy(bool),
            "not_attended": (real & offered_in_order & joined["date_attended_start"].isna()).to_numpy(bool),
        }
    )


def count(closing: pd.DataFrame, records: pd.DataFrame, domain: str, period: Period) -> pd.DataFrame:
    """KPI 4 (`domain` ``MENTAL_HEALTH``) or KPI 5 (``SUBSTANCE_MISUSE``) from the closing population (one row per
    child, as `orders.closing` returns it) and the `health_interventions` rows (any domain: the others are left
    out), as figures: the measures, breakdowns and groups in the module's docstring."""
    spec = DOMAINS[domain]
    rec = _records(closing, records[records["domain"] == domain], spec)
    child = rec.groupby("child_id")[["prior", "need", "offered"]].any()
    per_child = closing[["child_id", "type_of_order"]].drop_duplicates("child_id").set_index("child_id")
    per_child = per_child.join(child.reindex(per_child.index, fill_value=False))
    per_child["closing"] = True
    per_child["in_treatment"] = per_child["prior"] & per_child["need"]
    per_child["helped"] = per_child["need"] & (per_child["prior"] | per_child["offered"])
    by_order = _by_group(
        per_child[["type_of_order", "closing", "need", "in_treatment", "helped"]], "type_of_order", orders.LABELS
    )

    # one row per child with a need and intervention type: offered, attended (and offered), offered and never started
    needed = rec[rec["child_id"].isin(per_child.index[per_child["need"].to_numpy(bool)])]
    typed = needed.groupby(["child_id", "intervention_type"])[["offered", "attended", "not_attended"]].any()
    typed["attended"] &= typed["offered"]
    typed = typed.reset_index()
    by_type = _by_group(typed.drop(columns="child_id"), "intervention_type", spec.interventions)
    by_type.loc[TOTAL] = typed.groupby("child_id")[["offered", "attended", "not_attended"]].any().sum()
    by_type["need"] = int(per_child["need"].sum())

    p, need_unit = spec.prefix, f"% of children with an identified {spec.words} need"
    offered_unit = f"% of children with an identified {spec.words} need offered that intervention"
    return pd.concat(
        [
            _shares(f"{p}_offered", "type_of_order", by_order, "helped", "need", period, need_unit),
            _shares(
                f"{p}_need", "type_of_order", by_order, "need", "closing", period, "% of children with an order closing"
            ),
            _shares(f"{p}_in_treatment_at_start", "type_of_order", by_order, "in_treatment", "need", period, need_unit),
            _shares(f"{p}_offered_by_intervention", "intervention_type", by_type, "offered", "need", period, need_unit),
            _shares(f"{p}_attended", "intervention_type", by_type, "attended", "offered", period, offered_unit),
            _shares(f"{p}_not_attended", "intervention_type", by_type, "not_attended", "offered", period, offered_unit),
        ],
        ignore_index=True,
    )


def missing(tables: dict, domain: str) -> str:
    """What KPI 4 or 5 lacks, in a sentence ("" when nothing is missing)."""
    if tables.get(TABLE) is not None:
        return ""
    spec = DOMAINS[domain]
    return f"KPI {spec.kpi} ({spec.words}) is not counted: the extract has no {TABLE}.csv."


def figures(tables: dict, period: Period, domain: str) -> pd.DataFrame | None:
    """KPI 4 or 5 for the quarter `period` from the validated tables, or None without `health_interventions`."""
    records = tables.get(TABLE)
    if records is None:
        return None
    return count(orders.closing(tables, period), records, domain, period)
