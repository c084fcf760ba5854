"""KPI 6: whether children completed the out-of-court disposal (OOCD) programmes that ended in the quarter.

The YJB's definition (docs/kpi-definitions.md, "KPI 6"; its `kpi6_oocd_case_level_v8`): every out-of-court
programme with YJS intervention ending in the quarter counts, one row per programme, not per child
(`orders.oocd_programmes`, with the shared rules: local on the outcome date, 10 to 17 at the start, ending from 1
April 2023). The programme's end date, not the outcome's, places it in the quarter. Only the six outcomes of
`orders.OOCD_OUTCOMES` count; an out-of-court disposal with no YJS programme (a police-only community resolution)
has no programme and never appears, and a programme delivering any other outcome (a youth restorative disposal, say)
is left out here too.

* **Completed**: the programme's `successfully_completed` is ``Y``; **not completed**: ``N``. A child with one
  completed and one not completed programme is in both numerators and once in the denominator.
* **Completion not recorded** (decision D7): a blank flag keeps the child in the denominator and in neither
  numerator, as the YJB does; the children with such a programme are counted in their own measure, so the gap shows.

Measures, each a share of the distinct children with an OOCD programme ending in the quarter (of that outcome):

``kpi6_oocd_completed``                  (the headline) children who completed a programme
``kpi6_oocd_not_completed``              children who did not complete a programme
``kpi6_oocd_completion_not_recorded``    children with a programme whose completion is blank

Breakdown ``oocd_outcome``: the labels of `orders.OOCD_OUTCOMES`, in order, then ``All`` (distinct children over
every outcome: a child with programmes of two outcomes is in both groups and once in ``All``).

The headline, ``kpi6_oocd_completed``, is also split by the child's characteristics (`CHARACTERISTICS`), as the
YJB's case level splits it: breakdown ``ethnic_group`` (the five groups, then "Not known"), ``age_band`` (age at the
programme's start: "10 to 14", "15 to 17") and ``sex`` ("Male", "Female", "Not known"), each group a share of the
children of that group with a programme ending, then ``All``, the same as the ``oocd_outcome`` breakdown's. A child
with two programmes started at 14 and at 15 is in both age bands, once in ``All``, as with two outcomes.
`characteristics` gives those groups; KPIs 3 and 9 split the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.quarters import Period
from analysis.measures.characteristics import ethnic_groups
from analysis.measures.kpi import orders
from analysis.safety.figures import TOTAL, frame

TABLE = "episode_links"  # where the completion flag comes from
UNIT = "% of children with an out-of-court programme ending"
LABELS = {key: label for key, (label, _) in orders.OOCD_OUTCOMES.items()}

# The YJB's case-level split of KPIs 3, 6 and 9 by the child: breakdown -> its groups, in order (``All`` follows).
AGE_BANDS = {"10 to 14": (10, 14), "15 to 17": (15, 17)}  # label -> (youngest, oldest), whole years
CHARACTERISTICS = {
    "ethnic_group": (*codes.ETHNIC_GROUPS, codes.NOT_KNOWN),
    "age_band": tuple(AGE_BANDS),
    "sex": tuple(dict.fromkeys(codes.SEX_YJB.values())),  # Male, Female, Not known
}


def age_bands(age: pd.Series, bands: dict[str, tuple[int, int]] = AGE_BANDS) -> pd.Series:
    """Each age's band of `bands` (label -> youngest and oldest age), "" where it is in none or not known."""
    age = pd.to_numeric(age, errors="coerce")
    inside = [age.between(low, high).fillna(False).astype(bool).to_numpy() for low, high in bands.values()]
    return pd.Series(np.select(inside, list(bands), default=""), index=age.index, dtype=object)


def characteristics(rows: pd.DataFrame, age: str = "age_at_start") -> pd.DataFrame:
    """The groups of `CHARACTERISTICS` for each row (a child's ``ethnicity`` and ``sex`` codes, and the age in
    column `age`), on the rows' index: unknown or blank codes are "Not known"; an age outside the bands is ""."""
    return pd.DataFrame(
        {
            "ethnic_group": ethnic_groups(rows["ethnicity"]).to_numpy(),
            "age_band": age_bands(rows[age]).to_numpy(),
            "sex": rows["sex"].map(codes.SEX_YJB).fillna(codes.NOT_KNOWN).astype(str).to_numpy(),
        },
        index=rows.index,
    )


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


def count(programmes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 6 from the quarter's out-of-court programmes (one row per programme, as `orders.oocd_programmes`
    returns them), as figures: the measures and groups in the module's docstring."""
    kept = programmes[programmes["oocd_outcome"].isin(list(LABELS))]
    flag = kept["successfully_completed"].astype("string")
    status = pd.DataFrame(
        {
            "child_id": kept["child_id"].to_numpy(),
            "oocd_outcome": kept["oocd_outcome"].astype(str).to_numpy(),
            "children": True,
            "completed": flag.eq("Y").fillna(False).to_numpy(bool),
            "not_completed": flag.eq("N").fillna(False).to_numpy(bool),
            "completion_not_recorded": flag.isna().to_numpy(bool),
        }
    )
    status = pd.concat([status, characteristics(kept).reset_index(drop=True)], axis=1)
    flags = ["children", "completed", "not_completed", "completion_not_recorded"]
    per_outcome = status.groupby(["oocd_outcome", "child_id"])[flags].any().groupby("oocd_outcome").sum()
    counts = per_outcome.reindex(list(LABELS), fill_value=0)
    counts.index = [LABELS[k] for k in counts.index]
    counts.loc[TOTAL] = status.groupby("child_id")[flags].any().sum()
    parts = [
        _shares(f"kpi6_oocd_{what}", "oocd_outcome", counts, what, "children", period, UNIT)
        for what in ("completed", "not_completed", "completion_not_recorded")
    ]
    for breakdown, groups in CHARACTERISTICS.items():
        by = status.groupby([breakdown, "child_id"])[flags].any().groupby(breakdown).sum()
        by = by.reindex(list(groups), fill_value=0)
        by.loc[TOTAL] = counts.loc[TOTAL]
        parts.append(_shares("kpi6_oocd_completed", breakdown, by, "completed", "children", period, UNIT))
    return pd.concat(parts, ignore_index=True)


def missing(tables: dict) -> str:
    """What KPI 6 lacks, in a sentence ("" when nothing is missing): without `episode_links.csv` no programme's
    outcome or completion is known."""
    if tables.get(TABLE) is not None:
        return ""
    return f"KPI 6 (out-of-court disposals) is not counted: the extract has no {TABLE}.csv."


def figures(tables: dict, period: Period) -> pd.DataFrame | None:
    """KPI 6 for the quarter `period` from the validated tables, or None without `episode_links`."""
    if tables.get(TABLE) is None:
        return None
    return count(orders.oocd_programmes(tables, period), period)
