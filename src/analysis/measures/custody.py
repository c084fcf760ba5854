"""Custody and remand: the custody rate per 1,000 children aged 10 to 17, and children remanded.

Custody rate (the YJB's "rate of custody", as the youth justice plans print it: 0.12 in Apr 2018 to Mar 2019 for
3 young people: docs/methodology.md, published figures 1.4 and P-11). The YJB's own definition of the denominator
could not be checked (docs/methodology.md, Custody rate), so this is the project's rule:

* a **custodial sentence** is a sentencing occasion (a child's outcomes on one day count once, typed by the most
  serious, as `reoffending.occasions` does) whose most serious outcome is custodial: a detention and training order
  or detention under section 250, 254 or 259;
* the child lived in this YJS area at the outcome (residence LOCAL) and was 10 to 17 on the offence date (the
  first time entrant rule; the extract has no hearing date for the YJB's "age at first hearing");
* it counts in the period its outcome date falls in (usually the 12 months ending with the quarter);
* **rate** = custodial sentences / children aged 10 to 17 in the population table × 1,000, with a 95% interval
  from `intervals.rate` (exact Poisson below 10 sentences, Byar's method from 10).

A child sentenced to custody twice in the year counts twice, as a count of sentences does.

Remands: children with a remand that **started** in the period (new remand decisions), and of them those remanded
to custody (youth detention accommodation or court-ordered secure remand, `codes.REMAND_TYPES`). Each child counts
once per period. Counts carry an exact Poisson interval (`intervals.poisson_count`) so two periods can be compared.
"""

from __future__ import annotations

import pandas as pd

from analysis.data import codes
from analysis.data.lookup import mapped
from analysis.data.quarters import Period, Quarter
from analysis.measures.characteristics import age_on
from analysis.safety import figures
from analysis.stats import intervals

PER = 1_000
UNIT = "per 1,000 children aged 10 to 17"
CUSTODIAL_REMANDS = tuple(code for code, (_, custodial) in codes.REMAND_TYPES.items() if custodial)


def sentences(tables: dict) -> pd.DataFrame:
    """Every custodial sentencing occasion of a child living here and aged 10 to 17 at the offence.

    Columns: child_id, outcome_date, legal_outcome, offence_date, age_at_offence."""
    from analysis.measures.reoffending import occasions

    occ = occasions(tables)
    cust = occ[occ["tier"] == "Custody"]
    cust = cust.merge(tables["offences"][["offence_id", "offence_date"]], on="offence_id", how="left")
    dob = mapped(cust["child_id"], tables["children"].set_index("child_id")["date_of_birth"])
    cust = cust.assign(age_at_offence=age_on(dob, cust["offence_date"]).to_numpy())
    keep = (cust["residence"] == "LOCAL") & cust["age_at_offence"].between(10, 17).fillna(False).astype(bool)
    return cust.loc[keep, ["child_id", "outcome_date", "legal_outcome", "offence_date", "age_at_offence"]].reset_index(
        drop=True
    )


def count_in(dates: pd.Series, period: Period) -> int:
    return int(dates.between(pd.Timestamp(period.start), pd.Timestamp(period.end)).sum())


def rate(n: int, population: int, period: Period, *, group: str = figures.TOTAL, breakdown: str = "all") -> dict:
    """The custody rate per 1,000 children aged 10 to 17 as a figure, with its 95% interval.

    3 sentences in a population of 25,000 give 0.12 per 1,000 (the 2019 plan's figure for Apr 2018 to Mar 2019)."""
    value, lower, upper = intervals.rate(n, population, per=PER)
    return {
        "measure": "custody_rate_per_1000",
        "breakdown": breakdown,
        "group": group,
        "period": period.label,
        "kind": "rate",
        "numerator": n,
        "denominator": population,
        "value": float(value),
        "lower": float(lower),
        "upper": float(upper),
        "unit": UNIT,
    }


def rates(
    tables: dict, periods: list[Period], population: int, *, groups: list[str] | None = None, breakdown: str = "trend"
) -> pd.DataFrame:
    """The custody rate for each period (group = the period's label unless `groups` names them)."""
    dates = sentences(tables)["outcome_date"]
    groups = groups or [p.label for p in periods]
    return figures.frame(
        [rate(count_in(dates, p), population, p, group=g, breakdown=breakdown) for p, g in zip(periods, groups)]
    )


def financial_years(quarter: Quarter, n: int = 5) -> list[Period]:
    """The last `n` whole financial years ending on or before the quarter's end, oldest first, labelled
    'financial year 2025-26'."""
    last = quarter.fy if quarter.q == 4 else quarter.fy - 1
    return [
        Period(Quarter(fy, 1).start, Quarter(fy, 4).end, f"financial year {Quarter(fy, 1).fy_label}")
        for fy in range(last - n + 1, last + 1)
    ]


def remanded(tables: dict, period: Period) -> tuple[int, int]:
    """(children with a remand starting in the period, children among them remanded to custody)."""
    r = tables["remands"]
    new = r[r["start_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]
    return int(new["child_id"].nunique()), int(
        new.loc[new["remand_type"].isin(CUSTODIAL_REMANDS), "child_id"].nunique()
    )


def count_figure(
    measure: str, n: int, period: Period, unit: str, *, group: str = figures.TOTAL, breakdown: str = "all"
) -> dict:
    """A count with its exact 95% Poisson interval (so two periods' counts can be compared)."""
    lower, upper = intervals.poisson_count(n)
    return {
        "measure": measure,
        "breakdown": breakdown,
        "group": group,
        "period": period.label,
        "kind": "count",
        "numerator": n,
        "value": n,
        "lower": float(lower),
        "upper": float(upper),
        "unit": unit,
    }
