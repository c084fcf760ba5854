"""KPI 9: serious violence offences in the quarter per 10,000 children aged 10 to 17.

What counts as a serious violence offence, and which outcomes place it in a period, is the project's one
definition in `analysis.measures.serious_violence` (drugs, robbery or violence against the person with a YJB
seriousness score of 5 to 8, resulting in a caution or sentence dated in the period, local and 10 to 17, each
offence once); this module only lays it out as the YJB's KPI 9 (docs/kpi-definitions.md, "KPI 9"). KPI 9 counts
offences, not children, placed by the outcome's date, not by an order closing.

Two choices the YJB's pipeline leaves open:

* **Every caution or sentence counts** (decision D22), as the KPI's wording and the published serious youth violence
  measure say, although the YJB's pipeline keeps only offences linked to a YJS programme. When `episode_links.csv` is
  supplied, ``kpi9_offences_without_yjs_episode`` counts the offences whose caution or sentence (the outcome each is
  counted under) has no linked episode of a KPI type of order (`orders.EPISODE_TYPE`), which explains the gap to
  the YJB's figure.
* **A quarter and a year** (decision D21): the quarter's rate is the KPI; the 12 months ending with the quarter give
  a rate comparable with earlier plans' serious youth violence rates (about four times the quarter's).

Measures (all with ``period`` the quarter's label):

``kpi9_serious_violence_rate``              the quarter's offences ÷ the 10 to 17 population × 10,000, the count as
                                            numerator (``all``, ``All``)
``kpi9_serious_violence_rate_12_months``    the same over the 12 months ending with the quarter
``kpi9_serious_violence_offences``          the quarter's offences (a count), by ``offence_category`` (Drugs,
                                            Robbery, Violence against the person, then ``All``) and by
                                            ``seriousness_score`` (5, 6, 7, 8, then ``All``), and by the
                                            child's age on the offence date (as the offences are taken, decision
                                            D15) in the case level's bands, ``age_band`` ("10 to 14", "15 to
                                            17"), and in the return's, ``age_band_template`` ("10 to 15", "16 to
                                            17"), each then ``All``
``kpi9_serious_violence_children``          the children with a serious violence offence in the quarter (a count,
                                            each child once), by ``sex`` (Male, Female, Not known) and by
                                            ``ethnic_group`` (the five groups, then Not known), each then ``All``
``kpi9_offences_without_yjs_episode``       the quarter's offences with no linked YJS episode (``all``, ``All``),
                                            only when `episode_links.csv` is supplied
"""

from __future__ import annotations

import pandas as pd

from analysis.data import codes
from analysis.data.lookup import mapped
from analysis.data.quarters import Period, Quarter
from analysis.measures import population
from analysis.measures import serious_violence as sv
from analysis.measures.kpi import oocd, orders
from analysis.safety.figures import TOTAL, frame

UNIT = "serious violence offences"
SCORES = tuple(str(s) for s in range(sv.MIN_SCORE, codes.SERIOUSNESS_MAX + 1))
# Age bands on the offence date (decision D15): the case level's (as KPIs 3 and 6) and the KPI return's columns
# (``age10to15``, ``age16to17``). breakdown -> (label -> youngest and oldest age).
AGE_BANDS = {
    "age_band": oocd.AGE_BANDS,
    "age_band_template": {"10 to 15": (10, 15), "16 to 17": (16, 17)},
}
CHILDREN = ("sex", "ethnic_group")  # the breakdowns of the children with a serious violence offence


def _rate(measure: str, n: int, people: int, period: Period, unit: str) -> dict:
    """A rate row from the shared serious violence `rate`, named for the KPI and placed in the quarter."""
    return {**sv.rate(n, people, period), "measure": measure, "breakdown": "all", "group": TOTAL, "unit": unit}


def _counts(measure: str, breakdown: str, counts: pd.Series, period: Period, unit: str) -> list[dict]:
    """A count row per group of `counts` (labels as its index), then ``All``."""
    return [
        {
            "measure": measure,
            "breakdown": breakdown,
            "group": group,
            "period": period.label,
            "kind": "count",
            "numerator": int(n),
            "value": int(n),
            "unit": unit,
        }
        for group, n in [*counts.items(), (TOTAL, counts.sum())]
    ]


def count(
    offences: pd.DataFrame, people: int, period: Period, year_offences: pd.DataFrame | None = None
) -> pd.DataFrame:
    """KPI 9 from the quarter's serious violence offences (as `analysis.measures.serious_violence.offences` returns
    them, with the child's ``sex`` and ``ethnicity`` codes, and a true/false ``yjs_episode`` column when the links
    are known) and the 10 to 17 population, as figures; with `year_offences` (the 12 months ending with the
    quarter), the 12-month rate too."""
    n = len(offences)
    rows = [_rate("kpi9_serious_violence_rate", n, people, period, sv.POPULATION_UNIT)]
    if year_offences is not None:
        unit = f"{sv.POPULATION_UNIT}, over the 12 months ending with the quarter"
        year = _rate("kpi9_serious_violence_rate_12_months", len(year_offences), people, period, unit)
        rows.append(year)
    category = offences["offence_category"].astype(str).value_counts().reindex(list(sv.CATEGORIES), fill_value=0)
    category.index = [codes.OFFENCE_CATEGORIES[c] for c in category.index]
    score = pd.to_numeric(offences["seriousness_score"], errors="coerce").astype("Int64").astype(str)
    rows += _counts("kpi9_serious_violence_offences", "offence_category", category, period, UNIT)
    rows += _counts(
        "kpi9_serious_violence_offences",
        "seriousness_score",
        score.value_counts().reindex(list(SCORES), fill_value=0),
        period,
        UNIT,
    )
    for breakdown, bands in AGE_BANDS.items():
        band = oocd.age_bands(offences["age_at_offence"], bands)
        rows += _counts(
            "kpi9_serious_violence_offences",
            breakdown,
            band.value_counts().reindex(list(bands), fill_value=0),
            period,
            UNIT,
        )
    children = oocd.characteristics(offences.drop_duplicates("child_id"), age="age_at_offence")
    for breakdown in CHILDREN:
        groups = list(oocd.CHARACTERISTICS[breakdown])
        counts = children[breakdown].value_counts().reindex(groups, fill_value=0)
        rows += _counts("kpi9_serious_violence_children", breakdown, counts, period, "children")
    if "yjs_episode" in offences:
        unlinked = int((~offences["yjs_episode"].astype(bool)).sum())
        rows.append(
            {
                "measure": "kpi9_offences_without_yjs_episode",
                "breakdown": "all",
                "group": TOTAL,
                "period": period.label,
                "kind": "count",
                "numerator": unlinked,
                "value": unlinked,
                "unit": f"{UNIT} whose caution or sentence has no linked YJS episode",
            }
        )
    return frame(rows)


def with_yjs_episode(offences: pd.DataFrame, links: pd.DataFrame, caseload: pd.DataFrame) -> pd.Series:
    """For each offence (a row of `serious_violence.offences`), whether the outcome it is counted under is linked
    (`episode_links`) to a caseload episode of one of the KPIs' types of order."""
    kpi_episodes = caseload.loc[caseload["episode_type"].isin(list(orders.EPISODE_TYPE)), "episode_id"]
    linked = links.loc[links["episode_id"].isin(kpi_episodes), "outcome_id"]
    return offences["outcome_id"].isin(linked)


def missing(tables: dict) -> str:
    """What KPI 9 lacks: nothing, as it needs only required files ("")."""
    return ""


def figures(tables: dict, period: Period) -> pd.DataFrame:
    """KPI 9 for the quarter `period` from the validated tables (never None: it needs no optional file)."""
    quarter = sv.offences(tables, period)
    children = tables["children"].set_index("child_id")
    quarter = quarter.assign(
        sex=mapped(quarter["child_id"], children["sex"]).to_numpy(),
        ethnicity=mapped(quarter["child_id"], children["ethnicity"]).to_numpy(),
    )
    links = tables.get("episode_links")
    if links is not None:
        quarter = quarter.assign(yjs_episode=with_yjs_episode(quarter, links, tables["caseload"]).to_numpy(bool))
    year = sv.offences(tables, Quarter.containing(period.end).year_ending)
    return count(quarter, population.total(tables), period, year)
