"""Reoffending: the national (MoJ) proven reoffending measure computed locally, the live tracker, time to reoffence.

The national measure (MoJ proven reoffending, juveniles; docs/methodology.md, Reoffending)
------------------------------------------------------------------------------------
* **Cohort.** Children aged 10 to 17 on the index date, living in this YJS area
  (residence LOCAL at the outcome), who in the cohort period (3 or 12 months)
  were cautioned (youth caution or youth conditional caution), given a court
  sentence other than custody, or released from custody.
* **Occasions.** A child's outcomes on the same day are one occasion, typed by
  its most serious outcome: a fine given on the day of a detention and training
  order is part of the custodial sentence, not a non-custodial index event.
* **Index event.** One per child per cohort: the first qualifying event in the
  period (the most serious first where two fall on the same day). The MoJ's own
  rule is not public (docs/methodology.md, Reoffending); this is the project's rule. A
  child with events in two periods is in both periods' cohorts.
* **Index date.** The outcome date for cautions and court sentences. For
  custody the release date, which the extract does not hold: it is taken as the
  end of the caseload episode for the custodial part of the sentence
  (``DTO_CUSTODY`` for a detention and training order, ``SECTION_250`` for
  sections 250, 254 and 259) that starts within 31 days of the sentence. A
  custodial sentence without such an ended episode is not (yet) a release.
* **Proven reoffence.** An offence committed after the index date (from the next
  day) and at most 12 months after it, proven by a caution or conviction (a
  substantive outcome) at most 18 months after the index date (the 12 months
  plus a further 6 months for proceedings). Reoffences are counted as offences,
  as the MoJ does: several offences on one day are several reoffences; several
  outcomes of one offence are one.
* **Measures.** Binary rate (reoffenders / children in the cohort, %, Wilson
  interval), reoffences per reoffender and reoffences per child in the cohort.
* **Complete.** A cohort is reported as final once its last member's follow-up
  and the 6-month wait have passed by the extract date
  (`quarters.reoffending_cohort_complete`); later cohorts are "still maturing".

The live tracker (the YJB toolkit's idea, docs/methodology.md, published figure D-19)
------------------------------------------------------------
* **Tracked children.** Children aged 10 to 17 at the offence, living here, with
  any outcome (diversion included) in the 12 months to the quarter end; each
  child once, from their first outcome occasion in those 12 months (the
  "original" outcome; its tier and outcome type are the most serious that day).
* **Original offence.** The offences dealt with on that occasion; the original
  offence date is the latest of them and its seriousness the highest score.
* **Reoffence.** Any further offence (committed after the original offence date)
  with an outcome of any kind, diversion included, recorded by the extract date:
  the tracker follows every outcome the YJS sees, not only proven ones, and
  counts offences (several on one day are several reoffences). Follow-up runs
  to the extract date, so it is longer for children tracked earlier.
* **Further offences per child tracked.** Further offences / children tracked,
  with the exact Poisson interval (Byar's from 10 offences) of the offences
  divided by the children, as the summary does for reoffences per reoffender.
  Offences cluster in the same children, so the interval may be too narrow.
* **Seriousness.** Each reoffence's YJB seriousness score against the original's:
  less, equally or more serious; not known when either score is blank.

Time to reoffence
-----------------
Children with an index event (as the national measure) in the two years ending
six months before the quarter end, followed from the index date for up to 12
months; the event is the first proven reoffence (as above). Follow-up stops at
the extract date less the 6-month wait for proceedings (offences after that are
not yet reliably proven), so recent children are censored, and the cumulative
share reoffending by each month is the Kaplan-Meier estimate (`analysis.stats.survival`:
the same arithmetic as statsmodels ``SurvfuncRight``, checked against it) with a 95% log-log interval.

Publishing
----------
`publish` sends each frame through ``rep.publish`` and then withholds more, so
no withheld number can be worked out from another figure: the same figure shown
in two tables is withheld in both; when a group's number of children is
withheld, everything about that group is; when one of a group's reoffending
figures (reoffenders, reoffences, rates) is withheld, all of them are; and a
withheld share loses its denominator too.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.lookup import mapped
from analysis.data.quarters import (
    REOFFENDING_FOLLOW_UP_MONTHS,
    REOFFENDING_WAIT_MONTHS,
    Period,
    Quarter,
    latest_complete_reoffending_cohort,
    reoffending_cohort,
    reoffending_cohort_complete,
    reoffending_wait_ends,
)
from analysis.measures.characteristics import age_on, describe
from analysis.safety import figures, suppression
from analysis.stats import intervals, survival

TOTAL = figures.TOTAL
CAUTION, COURT, RELEASE = "Caution", "Court sentence (not custody)", "Release from custody"
INDEX_TYPES = (CAUTION, COURT, RELEASE)
RELEASE_EPISODES = {  # custodial outcome -> the caseload episode whose end is the release
    "DETENTION_AND_TRAINING_ORDER": "DTO_CUSTODY",
    "SECTION_250": "SECTION_250",
    "SECTION_254": "SECTION_250",
    "SECTION_259": "SECTION_250",
}
EPISODE_MATCH_DAYS = 31
FOLLOW_UP = pd.DateOffset(months=REOFFENDING_FOLLOW_UP_MONTHS)
PROVEN_BY = pd.DateOffset(months=REOFFENDING_FOLLOW_UP_MONTHS + REOFFENDING_WAIT_MONTHS)
WAIT = pd.DateOffset(months=REOFFENDING_WAIT_MONTHS)

AGE_GROUPS = ("10 to 14", "15", "16", "17")
SEX_GROUPS = ("Male", "Female", "Not known")
ETHNIC_GROUPS = (*codes.ETHNIC_GROUPS, codes.NOT_KNOWN)
LOOKED_AFTER_GROUPS = ("Looked after", "Not looked after")
SERIOUSNESS_GROUPS = ("Less serious", "Equally serious", "More serious", "Not known")
KM_TIERS = codes.SUBSTANTIVE_TIERS
KM_MONTHS = tuple(range(REOFFENDING_FOLLOW_UP_MONTHS + 1))
KM_TABLE_MONTHS = (3, 6, 9, 12)
DAYS_PER_MONTH = 365.25 / 12


# Figures measures, and which of them move together when one is withheld (see `publish`).
COHORT_BASE = "cohort_children"
COHORT_BUNDLE = ("reoffenders", "proven_reoffences", "reoffences_per_reoffender", "reoffences_per_child")
TRACKER_BASE = "tracked_children"
TRACKER_BUNDLE = (
    "tracker_reoffenders",
    "tracker_reoffences",
    "tracker_reoffences_per_reoffender",
    "tracker_reoffences_per_child",
    "tracker_no_further_offence",
)
KM_BASE = "time_to_reoffence_children"


# ======================================================================================
# Outcome occasions, custody releases, index events
# ======================================================================================


def occasions(tables: dict) -> pd.DataFrame:
    """One row per child per outcome date: the most serious outcome that day, its tier, type and residence."""
    o = tables["outcomes"][
        ["outcome_id", "offence_id", "child_id", "outcome_date", "legal_outcome", "residence"]
    ].copy()
    o["rank"] = o["legal_outcome"].map(codes.OUTCOME_RANK).astype(int)
    o = o.sort_values(
        ["child_id", "outcome_date", "rank", "outcome_id"], ascending=[True, True, False, True], kind="stable"
    )
    occ = o.drop_duplicates(["child_id", "outcome_date"]).copy()
    occ["tier"] = occ["legal_outcome"].map(codes.OUTCOME_TIER).astype(str)
    occ["outcome_type"] = occ["legal_outcome"].map(codes.OUTCOME_TYPE).astype(str)
    return occ.reset_index(drop=True)


def custody_releases(tables: dict, occ: pd.DataFrame | None = None) -> pd.DataFrame:
    """Custodial occasions with their release date from the caseload (NaT while in custody or when not found).

    ``episode_found`` says whether a custody episode matched the sentence; a
    matched episode with no end date means the child is still in custody.
    """
    occ = occasions(tables) if occ is None else occ
    cust = occ[occ["tier"] == "Custody"].reset_index(drop=True)
    cust["episode_type"] = cust["legal_outcome"].map(RELEASE_EPISODES).astype(str)
    eps = tables["caseload"]
    eps = eps[eps["episode_type"].isin(set(RELEASE_EPISODES.values()))]
    eps = pd.DataFrame(
        {
            "episode_id": eps["episode_id"].astype(str),
            "child_id": eps["child_id"].astype(str),
            "episode_type": eps["episode_type"].astype(str),
            "start_date": eps["start_date"],
            "end_date": eps["end_date"],
        }
    )
    left = pd.DataFrame(
        {
            "_occ": cust.index,
            "child_id": cust["child_id"].astype(str),
            "episode_type": cust["episode_type"],
            "outcome_date": cust["outcome_date"],
        }
    )
    m = left.merge(eps, on=["child_id", "episode_type"], how="inner")
    m["gap"] = (m["start_date"] - m["outcome_date"]).abs().dt.days
    m = (
        m[m["gap"] <= EPISODE_MATCH_DAYS]
        .sort_values(["_occ", "gap", "episode_id"], kind="stable")
        .drop_duplicates("_occ")
    )
    found = m.set_index("_occ")["end_date"]
    cust["episode_found"] = cust.index.isin(found.index)
    cust["release_date"] = mapped(cust.index.to_series(), found).astype("datetime64[ns]").to_numpy()
    return cust


def index_events(tables: dict) -> pd.DataFrame:
    """Every qualifying event of the national measure: cautions, non-custodial court sentences, custody releases.

    Columns: child_id, index_date, index_type, tier, outcome_type, legal_outcome,
    rank, outcome_date, age_at_index. Children aged 10 to 17 on the index date,
    living here at the outcome.
    """
    occ = occasions(tables)
    occ = occ[occ["legal_outcome"].isin(codes.SUBSTANTIVE_OUTCOMES)]
    non_custody = occ[occ["tier"] != "Custody"].copy()
    non_custody["index_date"] = non_custody["outcome_date"]
    non_custody["index_type"] = np.where(non_custody["tier"] == "Pre-court", CAUTION, COURT)
    released = custody_releases(tables, occ)
    released = released[released["release_date"].notna()].copy()
    released["index_date"] = released["release_date"]
    released["index_type"] = RELEASE
    events = pd.concat(
        [non_custody, released.drop(columns=["episode_type", "episode_found", "release_date"])], ignore_index=True
    )
    dob = mapped(events["child_id"], tables["children"].set_index("child_id")["date_of_birth"])
    events["age_at_index"] = age_on(dob, events["index_date"]).to_numpy()
    keep = (events["residence"] == "LOCAL") & events["age_at_index"].between(10, 17).fillna(False).astype(bool)
    cols = [
        "child_id",
        "index_date",
        "index_type",
        "tier",
        "outcome_type",
        "legal_outcome",
        "rank",
        "outcome_date",
        "age_at_index",
    ]
    return events.loc[keep, cols].sort_values(["index_date", "child_id"], kind="stable").reset_index(drop=True)


def cohorts(events: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """The members of each period's cohort, found for all the periods in one pass (a report follows up to 16
    quarterly cohorts): one row per child with an index event in the period, the first (most serious first on the
    same day), with a ``cohort`` column giving the period's position in `periods`."""
    ordered = events.sort_values(["child_id", "index_date", "rank"], ascending=[True, True, False], kind="stable")
    dates = ordered["index_date"].to_numpy()
    starts = np.array([pd.Timestamp(p.start) for p in periods], dtype=dates.dtype)
    ends = np.array([pd.Timestamp(p.end) for p in periods], dtype=dates.dtype)
    which, at = np.nonzero((dates >= starts[:, None]) & (dates <= ends[:, None]))  # (period, event), period by period
    members = ordered.iloc[at].assign(cohort=which)
    return members.drop_duplicates(["cohort", "child_id"]).reset_index(drop=True)


def cohort(events: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per child with an index event in `period`: the first (most serious first on the same day)."""
    return cohorts(events, [period]).drop(columns="cohort")


# ======================================================================================
# Proven reoffences and the national measure
# ======================================================================================


def proven_offences(tables: dict) -> pd.DataFrame:
    """Offences with a substantive outcome, with the date of the first one (``proven_date``)."""
    o = tables["outcomes"]
    proven = (
        o[o["legal_outcome"].isin(codes.SUBSTANTIVE_OUTCOMES)]
        .groupby("offence_id")["outcome_date"]
        .min()
        .rename("proven_date")
    )
    return tables["offences"].merge(proven, left_on="offence_id", right_index=True, how="inner")


def proven_reoffences(tables: dict, members: pd.DataFrame) -> pd.DataFrame:
    """One row per proven reoffence of each cohort member (see the module notes for the rule), with the member's
    ``cohort`` column if it has one (`cohorts`)."""
    offs = proven_offences(tables)[
        ["offence_id", "child_id", "offence_date", "proven_date", "offence_category", "seriousness_score"]
    ]
    m = members[[c for c in ("cohort", "child_id", "index_date") if c in members]].merge(
        offs, on="child_id", how="inner"
    )
    inside = (
        (m["offence_date"] > m["index_date"])
        & (m["offence_date"] <= m["index_date"] + FOLLOW_UP)
        & (m["proven_date"] <= m["index_date"] + PROVEN_BY)
    )
    return m[inside].reset_index(drop=True)


def cohort_counts(members: pd.DataFrame, reoffences: pd.DataFrame) -> dict[str, int]:
    """Children in the cohort, reoffenders and proven reoffences."""
    return {
        "children": int(members["child_id"].nunique()),
        "reoffenders": int(reoffences["child_id"].nunique()),
        "reoffences": int(len(reoffences)),
    }


def counts_by_cohort(tables: dict, events: pd.DataFrame, periods: list[Period]) -> list[dict[str, int]]:
    """`cohort_counts` of each period's cohort, for all the periods in one pass (`cohorts`)."""
    if not periods:
        return []
    members = cohorts(events, periods)
    reoff = proven_reoffences(tables, members)
    reoffenders = reoff.drop_duplicates(["cohort", "child_id"])["cohort"].to_numpy()
    children, offenders, offences = (
        np.bincount(c, minlength=len(periods))
        for c in (members["cohort"].to_numpy(), reoffenders, reoff["cohort"].to_numpy())
    )
    return [
        {"children": int(n), "reoffenders": int(r), "reoffences": int(k)}
        for n, r, k in zip(children, offenders, offences)
    ]


def _share(measure: str, x: int, n: int, unit: str, **keys) -> dict:
    lower, upper = intervals.wilson(x, n)
    return {
        "measure": measure,
        "kind": "share",
        "numerator": x,
        "denominator": n,
        "value": 100 * x / n if n else np.nan,
        "lower": 100 * lower,
        "upper": 100 * upper,
        "unit": unit,
        **keys,
    }


def _mean(measure: str, x: int, n: int, unit: str, **keys) -> dict:
    return {
        "measure": measure,
        "kind": "mean",
        "numerator": x,
        "denominator": n,
        "value": x / n if n else np.nan,
        "unit": unit,
        **keys,
    }


def _per_child(measure: str, k: int, n: int, unit: str, **keys) -> dict:
    """Offences per child as a rate (offences over children, per 1) with the exact Poisson / Byar interval of the
    offences divided by the children (`intervals.rate`)."""
    value, lower, upper = intervals.rate(k, n, per=1)
    return {
        "measure": measure,
        "kind": "rate",
        "numerator": k,
        "denominator": n,
        "value": value,
        "lower": lower,
        "upper": upper,
        "unit": unit,
        **keys,
    }


def _count(measure: str, n: int, unit: str, **keys) -> dict:
    return {"measure": measure, "kind": "count", "numerator": n, "value": n, "unit": unit, **keys}


def cohort_rows(counts: dict[str, int], *, breakdown: str, group: str, period: str, population: str) -> list[dict]:
    """The national measure's figures for one group of one cohort."""
    n, r, k = counts["children"], counts["reoffenders"], counts["reoffences"]
    keys = {"breakdown": breakdown, "group": group, "period": period, "population": population}
    return [
        _count(COHORT_BASE, n, "children", **keys),
        _share("reoffenders", r, n, "% of children in the cohort (binary reoffending rate)", **keys),
        _count("proven_reoffences", k, "proven reoffences", **keys),
        _mean("reoffences_per_reoffender", k, r, "reoffences per reoffender", **keys),
        _mean("reoffences_per_child", k, n, "reoffences per child in the cohort", **keys),
    ]


def _frame(rows: list[dict]) -> pd.DataFrame:
    population = [r.pop("population") for r in rows]
    return figures.frame(rows).assign(population=population)


def cohort_label(period: Period, months: int) -> str:
    return f"{months}-month cohort, {period.label}"


def national_measure(
    tables: dict, cohorts: list[tuple[Period, int]], events: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The national measure for each (cohort period, length in months), one group per cohort."""
    events = index_events(tables) if events is None else events
    rows = []
    for (period, months), counts in zip(cohorts, counts_by_cohort(tables, events, [p for p, _ in cohorts])):
        rows += cohort_rows(
            counts,
            breakdown="cohort",
            group=cohort_label(period, months),
            period=period.label,
            population=f"cohort:{period.label}",
        )
    return _frame(rows)


def by_index_type(tables: dict, period: Period, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national measure for one cohort split by the kind of index event, with the total."""
    events = index_events(tables) if events is None else events
    members = cohort(events, period)
    reoff = proven_reoffences(tables, members)
    rows = []
    for group in (*INDEX_TYPES, TOTAL):
        chosen = members if group == TOTAL else members[members["index_type"] == group]
        counts = cohort_counts(chosen, reoff[reoff["child_id"].isin(chosen["child_id"])])
        rows += cohort_rows(
            counts,
            breakdown="index_type",
            group=group,
            period=period.label,
            population=f"cohort:{period.label}" if group == TOTAL else f"cohort:{period.label}:{group}",
        )
    return _frame(rows)


def releases_without_date(tables: dict, period: Period) -> pd.DataFrame:
    """Custodial sentences given in `period` with no release date found in the caseload (figures: one count)."""
    cust = custody_releases(tables)
    cust = cust[cust["outcome_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]
    n = int((~cust["episode_found"]).sum())
    return _frame(
        [
            _count(
                "custodial_sentences_without_release_episode",
                n,
                "custodial sentences",
                breakdown="all",
                group=TOTAL,
                period=period.label,
                population="custody_check",
            )
        ]
    )


def latest_cohorts(quarter: Quarter, extract_date: date) -> tuple[Period, Period]:
    """The latest complete 3-month and 12-month cohorts (`quarters.latest_complete_reoffending_cohort`) on the
    extract date, but none ending after `quarter`: rerunning an old quarter on a newer extract still reports a
    cohort from within the quarter's own time."""
    as_at = min(extract_date, reoffending_wait_ends(quarter.end))
    return latest_complete_reoffending_cohort(as_at, 3), latest_complete_reoffending_cohort(as_at, 12)


def cohort_status(quarters: list[Quarter], extract_date: date) -> pd.DataFrame:
    """For each quarter's 3-month cohort: its period, label and whether it is complete on the extract date."""
    rows = []
    for q in quarters:
        period = reoffending_cohort(q, 3)
        complete = reoffending_cohort_complete(period.end, extract_date)
        rows.append(
            {
                "quarter": q,
                "period": period,
                "label": period.label,
                "complete": complete,
                "group": period.label if complete else f"{period.label} (still maturing)",
            }
        )
    return pd.DataFrame(rows, columns=["quarter", "period", "label", "complete", "group"]).astype({"complete": bool})


def history(tables: dict, quarter: Quarter, n: int = 16) -> list[Quarter]:
    """Up to `n` quarters ending with `quarter`, from the first whole quarter the extract's outcomes cover (none
    when it has no outcomes)."""
    earliest = tables["outcomes"]["outcome_date"].min()
    if pd.isna(earliest):
        return []
    first_day = earliest.date()
    first = Quarter.containing(first_day)
    if first.start != first_day:
        first = first.shift(1)
    return [q for q in quarter.history(n) if q >= first]


def trend(
    tables: dict, quarters: list[Quarter], extract_date: date, events: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The national measure for each quarter's 3-month cohort; groups of cohorts not yet complete say so."""
    events = index_events(tables) if events is None else events
    rows, statuses = [], cohort_status(quarters, extract_date)
    for status, counts in zip(
        statuses.itertuples(), counts_by_cohort(tables, events, list(statuses.get("period", [])))
    ):
        rows += cohort_rows(
            counts, breakdown="trend", group=status.group, period=status.label, population=f"cohort:{status.label}"
        )
    return _frame(rows)


def cohort_figures(
    tables: dict, c3: Period, c12: Period, status: pd.DataFrame, extract_date: date, events: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every national-measure figure the report shows, in one frame so that `publish` protects them together:
    the latest complete 3- and 12-month cohorts, the 12-month cohort by index event, the 3-month cohorts of
    `status` (from `cohort_status`) and the check on custodial sentences without a release."""
    events = index_events(tables) if events is None else events
    return pd.concat(
        [
            national_measure(tables, [(c3, 3), (c12, 12)], events),
            by_index_type(tables, c12, events),
            trend(tables, list(status["quarter"]), extract_date, events),
            releases_without_date(tables, c12),
        ],
        ignore_index=True,
    )


# ======================================================================================
# The live tracker
# ======================================================================================


def _age_group(age: pd.Series) -> pd.Series:
    return pd.Series(np.select([age <= 14, age == 15, age == 16], AGE_GROUPS[:3], AGE_GROUPS[3]), index=age.index)


def tracked(tables: dict, period: Period) -> pd.DataFrame:
    """The children the tracker follows: one row each, from their first outcome occasion in `period`."""
    occ = occasions(tables)
    inside = occ["outcome_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end)) & (
        occ["residence"] == "LOCAL"
    )
    first = occ[inside].sort_values(["child_id", "outcome_date"], kind="stable").drop_duplicates("child_id")
    first = first[["child_id", "outcome_date", "legal_outcome", "tier", "outcome_type"]]
    # the offences dealt with on that occasion
    o = tables["outcomes"][["child_id", "outcome_date", "offence_id"]].drop_duplicates()
    dealt = (
        first[["child_id", "outcome_date"]]
        .merge(o, on=["child_id", "outcome_date"])
        .merge(
            tables["offences"][["offence_id", "offence_date", "offence_category", "seriousness_score"]], on="offence_id"
        )
    )
    dealt = dealt.sort_values(
        ["child_id", "seriousness_score", "offence_date", "offence_id"],
        ascending=[True, False, False, True],
        na_position="last",
        kind="stable",
    )
    top = dealt.drop_duplicates("child_id").set_index("child_id")
    out = first.set_index("child_id")
    out["original_offence_date"] = dealt.groupby("child_id")["offence_date"].max()
    out["original_score"] = dealt.groupby("child_id")["seriousness_score"].max()
    out["offence_type"] = top["offence_category"].map(codes.OFFENCE_CATEGORIES)
    out = out.reset_index()
    dob = mapped(out["child_id"], tables["children"].set_index("child_id")["date_of_birth"])
    out["age"] = age_on(dob, out["original_offence_date"]).to_numpy()
    out = out[out["age"].between(10, 17).fillna(False).astype(bool)].reset_index(drop=True)
    out["age_group"] = _age_group(out["age"].astype(int))
    about = describe(tables, out[["child_id", "outcome_date"]], "outcome_date")
    for column in ("sex", "ethnic_group", "looked_after"):
        out[column] = about[column].to_numpy()
    return out


def tracker_reoffences(tables: dict, children: pd.DataFrame) -> pd.DataFrame:
    """Further offences of tracked children with an outcome of any kind by the extract date, and their seriousness."""
    o = tables["outcomes"]
    first_outcome = o.groupby("offence_id")["outcome_date"].min().rename("first_outcome_date")
    offs = tables["offences"].merge(first_outcome, left_on="offence_id", right_index=True, how="inner")
    m = children[["child_id", "original_offence_date", "original_score"]].merge(
        offs[["offence_id", "child_id", "offence_date", "seriousness_score", "offence_category"]], on="child_id"
    )
    m = m[m["offence_date"] > m["original_offence_date"]].reset_index(drop=True)
    now, then = m["seriousness_score"].astype("Float64"), m["original_score"].astype("Float64")
    known = (now.notna() & then.notna()).to_numpy(dtype=bool)
    diff = (now - then).fillna(0).to_numpy(dtype=float)
    m["seriousness"] = np.select(
        [known & (diff < 0), known & (diff == 0), known & (diff > 0)], SERIOUSNESS_GROUPS[:3], SERIOUSNESS_GROUPS[3]
    )
    return m


def _tracker_rows(
    children: pd.DataFrame,
    reoff: pd.DataFrame,
    *,
    breakdown: str,
    group: str,
    period: str,
    population: str,
    no_further: bool = False,
) -> list[dict]:
    n = len(children)
    mine = reoff[reoff["child_id"].isin(children["child_id"])]
    r, k = int(mine["child_id"].nunique()), len(mine)
    keys = {"breakdown": breakdown, "group": group, "period": period, "population": population}
    rows = [
        _count(TRACKER_BASE, n, "children tracked", **keys),
        _share("tracker_reoffenders", r, n, "% of children tracked who committed a further offence", **keys),
        _count("tracker_reoffences", k, "further offences", **keys),
        _mean("tracker_reoffences_per_reoffender", k, r, "further offences per child who reoffended", **keys),
        _per_child("tracker_reoffences_per_child", k, n, "further offences per child tracked", **keys),
    ]
    if no_further:  # the plan's "no further offence" figure, for the whole cohort only (it mirrors the reoffenders)
        rows.insert(
            1, _share("tracker_no_further_offence", n - r, n, "% of children tracked with no further offence", **keys)
        )
    return rows


def breakdown_groups(children: pd.DataFrame) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Breakdown name -> (column of `tracked`, groups in order)."""
    present = set(children["offence_type"].dropna())
    offence_types = tuple(label for label in codes.OFFENCE_CATEGORIES.values() if label in present)
    return {
        "tier": ("tier", codes.TIERS),
        "outcome_type": ("outcome_type", codes.OUTCOME_TYPES),
        "age": ("age_group", AGE_GROUPS),
        "sex": ("sex", SEX_GROUPS),
        "ethnic_group": ("ethnic_group", ETHNIC_GROUPS),
        "looked_after": ("looked_after", LOOKED_AFTER_GROUPS),
        "offence_type": ("offence_type", offence_types),
    }


DIVERSION_BREAKDOWNS = ("age", "sex", "offence_type")
TRACKER_NESTED = tuple((f"diversion_{name}", name) for name in DIVERSION_BREAKDOWNS)


def tracker(children: pd.DataFrame, reoff: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Tracker figures: the whole cohort, each breakdown, reoffences by seriousness, and diversion alone by
    age, sex and offence type. Every table has its total (``All``) row."""
    rows = _tracker_rows(
        children, reoff, breakdown="all", group=TOTAL, period=period.label, population="all", no_further=True
    )
    groups = breakdown_groups(children)
    for name, (column, labels) in groups.items():
        for label in labels:
            rows += _tracker_rows(
                children[children[column] == label],
                reoff,
                breakdown=name,
                group=label,
                period=period.label,
                population=f"{name}={label}",
            )
        rows += _tracker_rows(children, reoff, breakdown=name, group=TOTAL, period=period.label, population="all")
    keys = {"breakdown": "seriousness", "period": period.label}
    counts = reoff["seriousness"].value_counts()
    for label in SERIOUSNESS_GROUPS:
        rows.append(
            _count(
                "tracker_reoffences",
                int(counts.get(label, 0)),
                "further offences",
                group=label,
                population=f"seriousness={label}",
                **keys,
            )
        )
    rows.append(_count("tracker_reoffences", len(reoff), "further offences", group=TOTAL, population="all", **keys))
    diverted = children[children["tier"] == "Diversion"]
    diversion_groups = breakdown_groups(diverted)
    for name in DIVERSION_BREAKDOWNS:
        column, labels = diversion_groups[name]
        for label in labels:
            rows += _tracker_rows(
                diverted[diverted[column] == label],
                reoff,
                breakdown=f"diversion_{name}",
                group=label,
                period=period.label,
                population=f"tier=Diversion&{name}={label}",
            )
        rows += _tracker_rows(
            diverted,
            reoff,
            breakdown=f"diversion_{name}",
            group=TOTAL,
            period=period.label,
            population="tier=Diversion",
        )
    return _frame(rows)


# ======================================================================================
# Time to reoffence (Kaplan-Meier)
# ======================================================================================


def survival_window(quarter: Quarter) -> Period:
    """The two years of index events the time-to-reoffence analysis follows: the eight quarters ending six
    months before the end of `quarter`, so every child has had some time for offences to be proven."""
    start, end = quarter.shift(-9).start, quarter.shift(-2).end
    return Period(start, end, Period(start, end, "").months)


def follow_up(tables: dict, window: Period, extract_date: date, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per child with an index event in `window`: tier, follow-up in days and whether it ended in a reoffence.

    Follow-up ends at the first proven reoffence (``reoffended`` True, days to
    its offence date) or is censored at 12 months or at the extract date less
    6 months, whichever comes first. Children with no follow-up left are dropped.
    """
    events = index_events(tables) if events is None else events
    members = cohort(events, window)
    cutoff = pd.Timestamp(extract_date) - WAIT
    reoff = proven_reoffences(tables, members)
    reoff = reoff[reoff["offence_date"] <= cutoff]
    first = reoff.groupby("child_id")["offence_date"].min()
    out = members[["child_id", "index_date", "tier", "index_type"]].copy()
    end = (out["index_date"] + FOLLOW_UP).where(out["index_date"] + FOLLOW_UP < cutoff, cutoff)
    out["reoffence_date"] = mapped(out["child_id"], first)
    out["reoffended"] = out["reoffence_date"].notna()
    stop = out["reoffence_date"].where(out["reoffended"], end)
    out["days"] = (stop - out["index_date"]).dt.days.astype(float)
    return out[out["days"] > 0].reset_index(drop=True)


def kaplan_meier(days, reoffended, months=KM_MONTHS, level: float = 0.95) -> pd.DataFrame:
    """Cumulative share reoffending (%) by each month, from the Kaplan-Meier estimate (`survival.kaplan_meier`).

    Columns: month, children (at the start), at_risk (still followed at the
    month), reoffended (children who reoffended by then), share, lower, upper
    (95% interval on the log(-log) scale of survival, from the Greenwood
    standard error). A month is 365.25 / 12 days; the last month reads the
    curve at the end of follow-up.
    """
    at = [np.inf if m == months[-1] else m * DAYS_PER_MONTH for m in months]
    km = survival.kaplan_meier(days, reoffended, at, level)
    return pd.DataFrame(
        {
            "month": list(months),
            "children": km["subjects"],
            "at_risk": km["at_risk"],
            "reoffended": km["events"],
            "share": 100 * (1 - km["survival"]),
            "lower": 100 * (1 - km["upper"]),  # the share reoffending is 1 - S, so its limits are S's the other way
            "upper": 100 * (1 - km["lower"]),
        }
    )


def km_measure(month: int) -> str:
    """'reoffended_within_1_month', 'reoffended_within_6_months'."""
    return f"reoffended_within_{month}_month" + ("" if month == 1 else "s")


def time_to_reoffence(follow: pd.DataFrame, window: Period) -> pd.DataFrame:
    """Kaplan-Meier figures by tier of the index event (and all children): children followed, and the share
    who had reoffended within each month (numerator: children seen to reoffend by then)."""
    rows = []
    for tier in (*KM_TIERS, TOTAL):
        chosen = follow if tier == TOTAL else follow[follow["tier"] == tier]
        keys = {
            "breakdown": "tier",
            "group": tier,
            "period": window.label,
            "population": "km:all" if tier == TOTAL else f"km:tier={tier}",
        }
        rows.append(_count(KM_BASE, len(chosen), "children followed", **keys))
        km = kaplan_meier(chosen["days"], chosen["reoffended"])
        for r in km[km["month"] > 0].itertuples():
            rows.append(
                {
                    "measure": km_measure(r.month),
                    "kind": "share",
                    "numerator": r.reoffended,
                    "denominator": r.children,
                    "value": r.share,
                    "lower": r.lower,
                    "upper": r.upper,
                    "unit": f"% with a proven reoffence within {r.month} month{'' if r.month == 1 else 's'} "
                    "(Kaplan-Meier estimate)",
                    **keys,
                }
            )
    return _frame(rows)


# ======================================================================================
# Publishing: suppression that also covers figures linked across tables
# ======================================================================================


def _nested_pairs(f: pd.DataFrame, nested: tuple[tuple[str, str], ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each (inner, outer) pair of breakdowns, the positions of the rows that match (same measure, group and
    period): inner rows and their outer rows, in the order of the inner rows."""
    keys = ["measure", "group", "period"]
    pairs = []
    for inner, outer in nested:
        a = f.loc[f["breakdown"] == inner, keys].reset_index(names="_row")
        b = f.loc[f["breakdown"] == outer, keys].reset_index(names="_outer")
        both = a.merge(b, on=keys)
        pairs.append((both["_row"].to_numpy(), both["_outer"].to_numpy()))
    return pairs


def _differences(f: pd.DataFrame, mask: pd.Series, pairs: list[tuple[np.ndarray, np.ndarray]], up_to: int) -> pd.Series:
    """Withhold the inner row where the difference between a shown outer row and a shown inner row (the children
    in the outer group but not the inner one) would itself be withheld by the primary rules. `pairs` come from
    `_nested_pairs` (positions in `f`), taken in turn, each seeing what the ones before withheld."""
    withheld = mask.to_numpy(copy=True)
    kind, num, den = f["kind"].to_numpy(), f["numerator"].to_numpy(), f["denominator"].to_numpy()
    for inner, outer in pairs:
        shown = ~withheld[inner] & ~withheld[outer]
        i, o = inner[shown], outer[shown]
        virtual = pd.DataFrame(
            {"kind": kind[i], "numerator": num[o] - num[i], "denominator": den[o] - den[i], "numerator_2": np.nan}
        )
        withheld[i[suppression.primary(virtual, up_to).to_numpy()]] = True
    return pd.Series(withheld, index=mask.index)


def protect(
    fig: pd.DataFrame, up_to: int, base: str, bundle: tuple[str, ...] = (), nested: tuple[tuple[str, str], ...] = ()
) -> pd.Series:
    """Which rows must be withheld, so that none can be worked out from the others.

    `fig` has a ``population`` column naming the children a row is about (the
    same population and measure in two tables is the same figure). Starting
    from what the standard rules withhold (`suppression.primary` and
    `suppression.secondary`, as ``rep.publish`` applies them), repeat until
    nothing changes: a figure withheld in one table is withheld in every table;
    when a population's `base` count is withheld, all its figures are; when one
    of its `bundle` figures is withheld, all its bundle figures are; and for each
    (inner, outer) pair of `nested` breakdowns (the inner groups are part of the
    outer ones, e.g. diversion by age within all children by age), an inner
    figure is withheld when subtracting it from the outer one would reveal a
    number the primary rules withhold.
    """
    f = fig.reset_index(drop=True)
    same = f["measure"] + "\x1f" + f["population"]
    in_bundle = f["measure"].isin(bundle)
    pairs = _nested_pairs(f, nested)

    def spread(mask: pd.Series) -> pd.Series:
        mask = mask.groupby(same).transform("any").astype(bool)
        mask |= f["population"].isin(f.loc[(f["measure"] == base) & mask, "population"])
        mask |= in_bundle & f["population"].isin(f.loc[in_bundle & mask, "population"])
        return _differences(f, mask, pairs, up_to) if nested else mask

    mask = suppression.secondary(f, suppression.primary(f, up_to)).reset_index(drop=True)  # the standard rules
    while True:
        before = mask.copy()
        # secondary suppression on the group sizes first, then on the first bundle figure, then on every
        # table, spreading each time, so that figures that move together are withheld for the same groups
        mask = spread(mask)
        for lead in (base, *bundle[:1]):
            rows = f["measure"] == lead
            mask = spread(mask | suppression.secondary(f[rows], mask[rows]).reindex(f.index, fill_value=False))
        mask = spread(suppression.secondary(f, mask))
        if mask.equals(before):
            return mask.set_axis(fig.index)


def publish(
    rep, fig: pd.DataFrame, base: str, bundle: tuple[str, ...] = (), nested: tuple[tuple[str, str], ...] = ()
) -> pd.DataFrame:
    """Publish through ``rep.publish`` with `protect` added to the standard rules (it withholds at least as much)."""
    population = fig["population"].to_numpy()

    def extend(framed: pd.DataFrame, mask: pd.Series) -> pd.Series:
        protected = protect(framed.assign(population=population), rep.suppress_up_to, base, bundle, nested)
        return mask | protected.set_axis(mask.index)

    return rep.publish(fig.drop(columns="population"), extend=extend)
