"""Serious violence offences by children living in the area, as the YJB's KPI 9 counts them.

The definition is the YJB's (its case-level KPI pipeline, `kpi9_sv_case_level_v8`, set out in
``docs/kpi-definitions.md``, "KPI 9: serious violence"):

* an **offence** in the YJB categories drugs, robbery or violence against the person with a YJB seriousness
  (gravity) score of 5 or more (5 to 8; a blank score is not serious violence);
* that resulted in a **caution or sentence** (a substantive outcome: pre-court, first-tier, community or custody;
  diversion does not count) dated in the period;
* the child lived **in this YJS's area** on that outcome's date (residence LOCAL), and was **10 to 17** (decision
  D15: age on the offence date for every outcome, as the extract has no first hearing date);
* each offence is **counted once**, however many of its outcomes fall in the period (the YJB keeps one row per child
  and offence: the most serious outcome, then the latest).

Where the definition is silent or the project chose (docs/methodology.md, "Serious violence"): the period is 12
months (decision D21), and an offence whose outcomes fall in two such periods counts in each; every caution or
sentence counts, not only those with a linked YJS programme (decision D22); outcomes changed on appeal should be
removed at source (D13); the population is the one 10 to 17 table every other rate uses.
"""

from __future__ import annotations

import pandas as pd

from analysis.data import codes
from analysis.data.lookup import mapped
from analysis.data.quarters import Period
from analysis.measures.characteristics import age_on
from analysis.safety import figures

CATEGORIES = ("DRUGS", "ROBBERY", "VIOLENCE_AGAINST_THE_PERSON")
MIN_SCORE = 5  # the YJB's "gravity score of 5 or more", on its 1 to 8 seriousness score
PER = 10_000
POPULATION_UNIT = "per 10,000 children aged 10 to 17"
MEASURE = "serious_violence_rate"


def offences(tables: dict, period: Period) -> pd.DataFrame:
    """The serious violence offences counted in `period`: one row per offence, with the outcome it is counted under
    (of its cautions or sentences in the period that count, the most serious, then the latest)."""
    outcomes = tables["outcomes"]
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    dealt = outcomes[
        outcomes["legal_outcome"].isin(codes.SUBSTANTIVE_OUTCOMES)
        & outcomes["outcome_date"].between(start, end)
        & (outcomes["residence"] == "LOCAL")
    ]
    dealt = dealt.merge(
        tables["offences"][["offence_id", "offence_date", "offence_category", "seriousness_score"]],
        on="offence_id",
        how="inner",
    )
    score = pd.to_numeric(dealt["seriousness_score"], errors="coerce")
    serious = dealt["offence_category"].isin(CATEGORIES) & (score >= MIN_SCORE).fillna(False).astype(bool)
    dealt = dealt[serious.to_numpy()].copy()
    dob = mapped(dealt["child_id"], tables["children"].set_index("child_id")["date_of_birth"])
    dealt["age_at_offence"] = age_on(dob, dealt["offence_date"]).to_numpy()
    dealt = dealt[dealt["age_at_offence"].between(10, 17).fillna(False).astype(bool).to_numpy()]
    dealt = dealt.assign(rank=dealt["legal_outcome"].map(codes.OUTCOME_RANK))
    one = dealt.sort_values(
        ["offence_id", "rank", "outcome_date", "outcome_id"], ascending=[True, False, False, True], kind="stable"
    ).drop_duplicates("offence_id")
    return one.drop(columns="rank").reset_index(drop=True)


def rate(n: int, population: int, period: Period) -> dict:
    """Serious violence offences per 10,000 children aged 10 to 17, with a 95% interval (exact Poisson below 10,
    Byar's above), as one row of the period's trend."""
    return figures.rate_row(
        MEASURE, n, population, PER, period.label, POPULATION_UNIT, breakdown="trend", group=period.label
    )


def trend(tables: dict, periods: list[Period], population: int) -> pd.DataFrame:
    """The count and rate of serious violence offences for each of `periods` (the year and the year before, say)."""
    return figures.frame([rate(len(offences(tables, p)), population, p) for p in periods])
