"""First time entrants (FTE) to the youth justice system, from case-level data.

A first time entrant is a child aged 10 to 17 who receives their first
substantive outcome: a youth caution, youth conditional caution or court
sentence (YJB definition; community resolutions and Outcome 20/21/22 are
diversion, not entry). Following the YJB's own case-level rule:

* the child's first substantive outcome is the earliest by outcome date, the
  most serious first where two fall on the same day;
* it places the child in the period its outcome date falls in;
* the child must have been 10 to 17 on the date of the offence;
* children living in another YJS area at that outcome (residence OTHER) are
  that area's entrants, not ours.

Counts from a YJS's case management system differ from the published
PNC-based FTE figures (coverage, matching and timing), and an extract must go
back far enough to see earlier outcomes: a child whose first outcome predates
the extract would be counted again. The report states the extract's earliest
outcome date so the reader can judge.
"""

from __future__ import annotations

import pandas as pd

from analysis.data import codes
from analysis.data.lookup import mapped
from analysis.data.quarters import Period
from analysis.measures.characteristics import age_on, looked_after_on
from analysis.safety import figures

POPULATION_UNIT = "per 100,000 children aged 10 to 17"


def first_substantive_outcomes(tables: dict) -> pd.DataFrame:
    """Each child's first substantive outcome, with the offence date and the child's age then."""
    outcomes = tables["outcomes"]
    substantive = outcomes[outcomes["legal_outcome"].isin(codes.SUBSTANTIVE_OUTCOMES)].copy()
    substantive["rank"] = substantive["legal_outcome"].map(codes.OUTCOME_RANK)
    first = substantive.sort_values(
        ["child_id", "outcome_date", "rank", "outcome_id"], ascending=[True, True, False, True]
    ).drop_duplicates("child_id")
    first = first.merge(tables["offences"][["offence_id", "offence_date"]], on="offence_id", how="left")
    dob = mapped(first["child_id"], tables["children"].set_index("child_id")["date_of_birth"])
    first["age_at_offence"] = age_on(dob, first["offence_date"]).to_numpy()
    first["outcome_type"] = first["legal_outcome"].map(codes.OUTCOME_TYPE)
    first["tier"] = first["legal_outcome"].map(codes.OUTCOME_TIER)
    return first.drop(columns="rank").reset_index(drop=True)


def _entering(first: pd.DataFrame, period: Period) -> pd.Series:
    """Which of `first_substantive_outcomes` make first time entrants in `period`."""
    in_period = first["outcome_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    return (
        in_period & (first["residence"] == "LOCAL") & first["age_at_offence"].between(10, 17).fillna(False).astype(bool)
    )


def entrants(tables: dict, period: Period) -> pd.DataFrame:
    """The first time entrants whose first substantive outcome falls in `period`, with looked-after status then."""
    first = first_substantive_outcomes(tables)
    fte = first[_entering(first, period)].copy()
    fte["looked_after"] = looked_after_on(tables, fte, "outcome_date").to_numpy()
    return fte.reset_index(drop=True)


TABLE_TYPES = tuple(t for t in codes.OUTCOME_TYPES if t != "Diversion")


def by_outcome_type(fte: pd.DataFrame, period: Period) -> pd.DataFrame:
    """FTEs by outcome type (count and share), and how many were looked after, as figures."""
    total, lac_total = len(fte), int(fte["looked_after"].sum())
    rows = []
    for outcome_type in (*TABLE_TYPES, figures.TOTAL):
        chosen = fte if outcome_type == figures.TOTAL else fte[fte["outcome_type"] == outcome_type]
        n = len(chosen)
        rows.append(
            {
                "measure": "first_time_entrants",
                "breakdown": "outcome_type",
                "group": outcome_type,
                "period": period.label,
                "kind": "share",
                "numerator": n,
                "denominator": total,
                "value": 100 * n / total if total else float("nan"),
                "unit": "% of first time entrants",
            }
        )
        rows.append(
            {
                "measure": "first_time_entrants_looked_after",
                "breakdown": "outcome_type",
                "group": outcome_type,
                "period": period.label,
                "kind": "count",
                "numerator": int(chosen["looked_after"].sum()),
                "value": int(chosen["looked_after"].sum()),
                "unit": "children",
            }
        )
    assert (
        sum(r["numerator"] for r in rows if r["measure"] == "first_time_entrants" and r["group"] != figures.TOTAL)
        == total
    )
    assert (
        sum(
            r["numerator"]
            for r in rows
            if r["measure"] == "first_time_entrants_looked_after" and r["group"] != figures.TOTAL
        )
        == lac_total
    )
    return figures.frame(rows)


def rate(n: int, population: int, period: Period, group: str = figures.TOTAL, breakdown: str = "all") -> dict:
    """FTE rate per 100,000 children aged 10 to 17, with a 95% interval (exact Poisson below 10, Byar's above)."""
    return figures.rate_row(
        "first_time_entrants_rate",
        n,
        population,
        100_000,
        period.label,
        POPULATION_UNIT,
        breakdown=breakdown,
        group=group,
    )


def trend(tables: dict, periods: list[Period], population: int) -> pd.DataFrame:
    """FTE count and rate for each rolling 12-month period."""
    first = first_substantive_outcomes(tables)
    rows = []
    for period in periods:
        n = int(_entering(first, period).sum())
        rows.append(rate(n, population, period, group=period.label, breakdown="trend"))
    return figures.frame(rows)


def principal_offence(tables: dict, fte: pd.DataFrame) -> pd.Series:
    """The offence type of each entrant's first substantive outcome (indexed as `fte`): of the offences with a
    substantive outcome that day, the most serious (highest YJB seriousness score; then the latest offence, then the
    first by offence_id), as the live tracker picks a child's original offence."""
    outcomes = tables["outcomes"]
    dealt = (
        fte[["child_id", "outcome_date"]]
        .reset_index(names="_row")
        .merge(
            outcomes.loc[
                outcomes["legal_outcome"].isin(codes.SUBSTANTIVE_OUTCOMES), ["child_id", "outcome_date", "offence_id"]
            ],
            on=["child_id", "outcome_date"],
        )
        .merge(
            tables["offences"][["offence_id", "offence_date", "offence_category", "seriousness_score"]], on="offence_id"
        )
        .sort_values(
            ["_row", "seriousness_score", "offence_date", "offence_id"],
            ascending=[True, False, False, True],
            na_position="last",
            kind="stable",
        )
        .drop_duplicates("_row")
        .set_index("_row")
    )
    return dealt["offence_category"].map(codes.OFFENCE_CATEGORIES).reindex(fte.index).fillna(codes.NOT_KNOWN)


def by_offence_type(tables: dict, periods: list[Period]) -> pd.DataFrame:
    """FTEs by the type of their principal offence (`principal_offence`), count and share, for each of `periods`
    (the year and the year before it, say). Offence types with an entrant in any of the periods, in the YJB's order,
    each with every period (zeros shown), and the total."""
    first = first_substantive_outcomes(tables)
    chosen = {p.label: first[_entering(first, p)] for p in periods}
    types = {p: principal_offence(tables, fte) for p, fte in chosen.items()}
    present = set().union(*(set(t) for t in types.values())) if types else set()
    labels = [label for label in codes.OFFENCE_CATEGORIES.values() if label in present]
    rows = []
    for period, offence in types.items():
        total = len(offence)
        counts = offence.value_counts()
        for group in (*labels, figures.TOTAL):
            n = total if group == figures.TOTAL else int(counts.get(group, 0))
            rows.append(
                {
                    "measure": "first_time_entrants",
                    "breakdown": "offence_type",
                    "group": group,
                    "period": period,
                    "kind": "share",
                    "numerator": n,
                    "denominator": total,
                    "value": 100 * n / total if total else float("nan"),
                    "unit": "% of first time entrants",
                }
            )
    return figures.frame(rows)
