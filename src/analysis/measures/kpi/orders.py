"""The KPIs' shared population: children with an order closing in the quarter (docs/kpi-definitions.md,
"The shared population").

`closing(tables, period)` returns one row per child: the child's most serious order whose episode ended in the
quarter, with these columns (dates as pandas Timestamps):

=================  ==============================================================================================
child_id           the child
episode_id         the caseload episode (the YJS programme) that closed
outcome_id         the legal outcome it delivers (episode_links.csv, or inferred: see `link_outcomes`)
offence_id         that outcome's offence
legal_outcome      that outcome's code
type_of_order      one of the keys of `TYPES`
start_date         the episode's start
end_date           the episode's end (in the quarter)
outcome_date       the outcome's date
start_point        the date "at start" is tested on: start_date, or for custody the day before custody began
date_of_birth      the child's
age_at_start       whole years on start_date (custody: on outcome_date)
sex, ethnicity     the child's codes (children.csv)
=================  ==============================================================================================

`all_closing(tables, period)` is the same before the most serious order is picked (one row per episode and
outcome; KPI 10 uses every offence of every order closing).

How an episode is linked to its outcome (`link_outcomes`): with ``episode_links.csv``, as that file says. Without
it the link is **inferred**, and the notes should say so: each episode goes with the same child's latest outcome dated
on or before the episode's start whose legal outcome is one the episode type delivers (`DELIVERS`); a DTO's licence
goes with the latest DTO outcome on or before the start of its custody part (the child's latest ``DTO_CUSTODY``
episode starting on or before the licence). An inferred link can be wrong where a child has two outcomes of the same
kind close together; the linking file removes the guess.

A DTO is one order: its custody and licence episodes together. It closes when the licence ends (a custody episode
never closes an order by itself); its ``start_date`` is the custody part's start (the outcome date where no custody
episode is found) and its start point the day before custody began (the outcome date less one day). Age at the start
is taken on the outcome date for every custodial sentence (decision D4), on the episode's start otherwise.

The rules the YJB applies and the project follows are in the specification. Where the project chose: reparation
orders do not count (D3); of two orders closing, the most serious (`SERIOUSNESS`, decision D2) is kept; outcomes
changed on appeal should be removed at source (D13); the YJB's "not after the day the view is built" is left to the
report, which warns when a quarter ends after the extract was taken. `left_out(tables, period)` counts the episodes
closing in the quarter that the KPIs leave out, and why, so the analyst can set the figures beside the YJB's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.lookup import mapped
from analysis.data.quarters import Period
from analysis.measures.characteristics import age_on
from analysis.safety import figures
from analysis.stats import intervals

# The YJB's six types of order (its `type_of_order`), in the order the KPI return lays them out, with the
# return's column prefix and the caseload episode types that deliver each.
TYPES = {
    "oocd": ("Out-of-court disposals with YJS intervention", "ns", ("DIVERSION",)),
    "youth_caution": ("Youth cautions with YJS intervention", "yjs", ("YOUTH_CAUTION",)),
    "ycc": ("Youth conditional cautions", "ycc", ("YOUTH_CONDITIONAL_CAUTION",)),
    "referral_order": ("Referral orders", "ro", ("REFERRAL_ORDER",)),
    "yro": ("Youth rehabilitation orders", "yro", ("YOUTH_REHABILITATION_ORDER", "YRO_ISS")),
    "custody": ("Custodial sentences", "cust", ("DTO_CUSTODY", "DTO_LICENCE", "SECTION_250")),
}
LABELS = {key: label for key, (label, _, _) in TYPES.items()}
EPISODE_TYPE = {episode: key for key, (_, _, episodes) in TYPES.items() for episode in episodes}
KPI_START = "2023-04-01"  # the KPIs began with orders closing from 1 April 2023

# KPI 6's six out-of-court outcomes (the YJB return's columns), with the legal outcome codes each takes. The YJB's
# codes carry a "_WITH_YJS_INVOLVEMENT" suffix the contract's do not: an outcome delivered by a YJS programme (a
# DIVERSION, YOUTH_CAUTION or YOUTH_CONDITIONAL_CAUTION episode linked to it) is "with YJS involvement" (decision
# D9). Other diversion outcomes (youth restorative disposal, other informal action) are not among the six and do
# not count in any KPI; they are counted as left out, so the analyst can check against the YJB return.
OOCD_OUTCOMES = {
    "community_resolution": (
        "Community resolution with YJS intervention",
        (
            "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT",
            "COMMUNITY_RESOLUTION_POLICE_FACILITATED",
            "COMMUNITY_RESOLUTION_OTHER_AGENCY_FACILITATED",
        ),
    ),
    "nfa_o22_yjs": ("Outcome 22 with YJS intervention", ("NO_FURTHER_ACTION_OUTCOME_22",)),
    "nfa_o22_deferred_yjs": (
        "Outcome 22 deferred prosecution with YJS intervention",
        ("NO_FURTHER_ACTION_OUTCOME_22_DEFERRED_PROSECUTION",),
    ),
    "nfa_o20_21_yjs": ("Outcome 20/21 with YJS intervention", ("NO_FURTHER_ACTION_OUTCOME_20_21",)),
    "yc_yjs": ("Youth caution with YJS intervention", ("YOUTH_CAUTION",)),
    "ycc": ("Youth conditional caution", ("YOUTH_CONDITIONAL_CAUTION",)),
}
OOCD_OUTCOME = {code: key for key, (_, codes_) in OOCD_OUTCOMES.items() for code in codes_}

# `oocd_programmes(tables, period)` returns one row per out-of-court programme (DIVERSION, YOUTH_CAUTION or
# YOUTH_CONDITIONAL_CAUTION episode) ending in the quarter, not one per child (KPI 6 keeps every programme), with
# the shared rules applied (local on the outcome date, aged 10 to 17 at the start, end date from 1 April 2023):
# child_id, episode_id, outcome_id, legal_outcome, oocd_outcome (a key of OOCD_OUTCOMES), successfully_completed
# ("Y", "N" or missing, from episode_links.csv), start_date, end_date, age_at_start, sex, ethnicity.


# The legal outcomes each episode type delivers: how a link is inferred when episode_links.csv is absent, and which
# linked outcomes count in the KPIs. A DIVERSION programme delivers the diversion outcomes among KPI 6's six.
DIVERSION_OUTCOMES = tuple(code for code in OOCD_OUTCOME if codes.OUTCOME_TIER[code] == "Diversion")
YRO_OUTCOMES = ("YOUTH_REHABILITATION_ORDER", "YOUTH_REHABILITATION_ORDER_ISS")
DELIVERS = {
    "DIVERSION": DIVERSION_OUTCOMES,
    "YOUTH_CAUTION": ("YOUTH_CAUTION",),
    "YOUTH_CONDITIONAL_CAUTION": ("YOUTH_CONDITIONAL_CAUTION",),
    "REFERRAL_ORDER": ("REFERRAL_ORDER",),
    "REPARATION_ORDER": ("REPARATION_ORDER",),  # linked only to be counted as left out (decision D3)
    "YOUTH_REHABILITATION_ORDER": YRO_OUTCOMES,
    "YRO_ISS": YRO_OUTCOMES,
    "DTO_CUSTODY": ("DETENTION_AND_TRAINING_ORDER",),
    "DTO_LICENCE": ("DETENTION_AND_TRAINING_ORDER",),
    "SECTION_250": ("SECTION_250", "SECTION_254", "SECTION_259"),
}
COUNTED_OUTCOMES = frozenset(code for episode in EPISODE_TYPE for code in DELIVERS[episode])

# Decision D2, the most serious order first: custody > YRO (ISS before plain) > referral order > youth conditional
# caution > youth caution > OOCD with YJS intervention, i.e. `TYPES` read backwards; then the later outcome date, then
# the later episode id. The YJB's own ranking table is not public.
SERIOUSNESS = {key: rank for rank, key in enumerate(TYPES)}  # higher is more serious

# Why an episode closing in the quarter is left out of the KPIs, in the order the rules are tested.
LEFT_OUT = {
    "reparation_order": "Reparation order: the KPI return has no column for it (decision D3)",
    "no_linked_outcome": "No linked legal outcome",
    "other_diversion": "Other diversion outcome (not one of the six out-of-court outcomes)",
    "outcome_not_counted": "Linked outcome does not count in the KPIs",
    "not_local": "Lived in another YJS's area on the outcome date",
    "age": "Aged under 10 or over 17 at the start",
}
_STAGE = {reason: stage for stage, reason in enumerate(LEFT_OUT)}
ONE_DAY = pd.Timedelta(days=1)


def _closing_episodes(caseload: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Episodes that close an order in the quarter (from 1 April 2023): the six types' episodes and reparation orders;
    a DTO closes with its licence, so its custody part is not among them."""
    start = max(pd.Timestamp(period.start), pd.Timestamp(KPI_START))
    types = (set(EPISODE_TYPE) | {"REPARATION_ORDER"}) - {"DTO_CUSTODY"}
    ends = caseload["end_date"]
    keep = caseload["episode_type"].isin(types) & (ends >= start) & (ends <= pd.Timestamp(period.end))
    columns = ["episode_id", "child_id", "start_date", "end_date", "episode_type"]
    return caseload.loc[keep.fillna(False).astype(bool), columns].reset_index(drop=True)


def _custody_parts(episodes: pd.DataFrame, caseload: pd.DataFrame) -> pd.Series:
    """For each DTO licence, the start of its custody part (the child's latest DTO_CUSTODY episode starting on or
    before the licence); missing for every other episode and where there is none."""
    custody = caseload.loc[caseload["episode_type"] == "DTO_CUSTODY", ["child_id", "start_date"]]
    licences = episodes.loc[episodes["episode_type"] == "DTO_LICENCE", ["episode_id", "child_id", "start_date"]]
    pairs = licences.merge(custody, on="child_id", suffixes=("", "_custody"))
    pairs = pairs[pairs["start_date_custody"] <= pairs["start_date"]]
    latest = pairs.groupby("episode_id")["start_date_custody"].max()
    return mapped(episodes["episode_id"], latest)


def link_outcomes(episodes: pd.DataFrame, outcomes: pd.DataFrame, links: pd.DataFrame | None) -> pd.DataFrame:
    """Each episode with the outcome(s) it delivers: one row per episode and outcome, and one row with a blank
    outcome_id for an episode with none. `episodes` needs a ``reference_date`` column (the episode's start, or for a
    DTO licence the start of its custody part): an inferred link takes the child's latest outcome of a kind the
    episode delivers (`DELIVERS`) dated on or before it. With `links` (episode_links.csv) the file decides, and its
    ``successfully_completed`` is kept."""
    outcome_columns = ["outcome_id", "offence_id", "outcome_date", "legal_outcome", "residence"]
    if links is not None:
        linked = episodes.merge(links[["episode_id", "outcome_id", "successfully_completed"]], on="episode_id")
        linked = linked.merge(outcomes[outcome_columns], on="outcome_id", how="inner")
    else:
        kinds = pd.DataFrame(
            [(episode, code) for episode, delivered in DELIVERS.items() for code in delivered],
            columns=["episode_type", "legal_outcome"],
        )
        candidates = episodes.merge(kinds, on="episode_type").merge(
            outcomes[["child_id", *outcome_columns]], on=["child_id", "legal_outcome"]
        )
        candidates = candidates[candidates["outcome_date"] <= candidates["reference_date"]]
        linked = candidates.sort_values(["outcome_date", "outcome_id"], kind="stable").drop_duplicates(
            "episode_id", keep="last"
        )
        linked = linked.assign(successfully_completed=pd.Series(np.nan, index=linked.index, dtype=object))
    unlinked = episodes[~episodes["episode_id"].isin(linked["episode_id"])]
    return pd.concat([linked, unlinked], ignore_index=True)


def _reasons(rows: pd.DataFrame) -> pd.Series:
    """The first rule each (episode, outcome) row breaks, as a key of `LEFT_OUT`; "" where it breaks none."""
    outcome = rows["legal_outcome"]
    tier = outcome.map(codes.OUTCOME_TIER)
    rules = [
        ("reparation_order", rows["episode_type"] == "REPARATION_ORDER"),
        ("no_linked_outcome", rows["outcome_id"].isna()),
        ("other_diversion", ~outcome.isin(COUNTED_OUTCOMES) & (tier == "Diversion")),
        ("outcome_not_counted", ~outcome.isin(COUNTED_OUTCOMES)),
        ("not_local", rows["residence"] != "LOCAL"),
        ("age", ~rows["age_at_start"].between(10, 17).fillna(False).astype(bool)),
    ]
    conditions = [mask.fillna(False).astype(bool).to_numpy() for _, mask in rules]
    return pd.Series(np.select(conditions, [key for key, _ in rules], default=""), index=rows.index)


def _linked(tables, period: Period) -> pd.DataFrame:
    """Every episode closing in the quarter with its linked outcome(s), the order's dates and ages, the child's
    characteristics and the first rule it breaks (``reason``, "" when it counts)."""
    caseload = tables["caseload"]
    episodes = _closing_episodes(caseload, period)
    episodes["custody_start"] = _custody_parts(episodes, caseload)
    episodes["reference_date"] = episodes["custody_start"].fillna(episodes["start_date"])
    links = tables.get("episode_links") if "episode_links" in tables else None
    rows = link_outcomes(episodes, tables["outcomes"], links)
    children = tables["children"][["child_id", "date_of_birth", "sex", "ethnicity"]]
    rows = rows.merge(children, on="child_id", how="left")
    rows["type_of_order"] = rows["episode_type"].map(EPISODE_TYPE)
    dto = (rows["episode_type"] == "DTO_LICENCE").to_numpy()
    custodial = (rows["type_of_order"] == "custody").to_numpy()
    rows["start_date"] = rows["start_date"].where(~dto, rows["custody_start"].fillna(rows["outcome_date"]))
    rows["start_point"] = rows["start_date"].where(~custodial, rows["start_date"] - ONE_DAY)
    rows["start_point"] = rows["start_point"].where(~dto, rows["outcome_date"] - ONE_DAY)
    aged_on = rows["start_date"].where(~custodial, rows["outcome_date"])
    rows["age_at_start"] = age_on(rows["date_of_birth"], aged_on)
    rows["reason"] = _reasons(rows)
    return rows


COLUMNS = [
    "child_id",
    "episode_id",
    "outcome_id",
    "offence_id",
    "legal_outcome",
    "type_of_order",
    "start_date",
    "end_date",
    "outcome_date",
    "start_point",
    "date_of_birth",
    "age_at_start",
    "sex",
    "ethnicity",
]


def all_closing(tables, period: Period) -> pd.DataFrame:
    """Every order closing in the quarter that counts in the KPIs, one row per episode and linked outcome, before
    the most serious is picked (KPI 10 uses every offence of every order closing). Columns as `closing`."""
    rows = _linked(tables, period)
    return rows.loc[rows["reason"] == "", COLUMNS].reset_index(drop=True)


def most_serious(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per child: the most serious order (decision D2: `SERIOUSNESS`, ISS before a plain YRO and then the
    legal outcome's own rank within a type), then the latest outcome date, then the latest episode id."""
    key = rows.assign(
        _type=rows["type_of_order"].map(SERIOUSNESS),
        _rank=rows["legal_outcome"].map(codes.OUTCOME_RANK),
    )
    ordered = key.sort_values(["_type", "_rank", "outcome_date", "episode_id"], kind="stable")
    return ordered.drop_duplicates("child_id", keep="last").drop(columns=["_type", "_rank"]).reset_index(drop=True)


def closing(tables, period: Period) -> pd.DataFrame:
    """The KPIs' shared population: one row per child with an order closing in the quarter, the most serious."""
    return most_serious(all_closing(tables, period))


def oocd_programmes(tables, period: Period) -> pd.DataFrame:
    """Out-of-court programmes ending in the quarter, one row per programme (KPI 6): see the note above `DELIVERS`.
    A programme linked to two outcomes is counted under the more serious."""
    rows = _linked(tables, period)
    rows = rows[(rows["reason"] == "") & rows["type_of_order"].isin(("oocd", "youth_caution", "ycc"))]
    rows = rows.assign(oocd_outcome=rows["legal_outcome"].map(OOCD_OUTCOME))
    rows = rows[rows["oocd_outcome"].notna()]
    rows = rows.assign(_rank=rows["legal_outcome"].map(codes.OUTCOME_RANK))
    one = rows.sort_values(["_rank", "outcome_date"], kind="stable").drop_duplicates("episode_id", keep="last")
    columns = [
        "child_id",
        "episode_id",
        "outcome_id",
        "legal_outcome",
        "oocd_outcome",
        "successfully_completed",
        "start_date",
        "end_date",
        "age_at_start",
        "sex",
        "ethnicity",
    ]
    return one.sort_values("episode_id", kind="stable")[columns].reset_index(drop=True)


def left_out(tables, period: Period) -> pd.DataFrame:
    """Episodes closing in the quarter that the KPIs leave out, by reason (one row per `LEFT_OUT` reason, zeros
    included): ``reason`` (words), ``episodes`` and ``children`` (distinct). An episode linked to several outcomes,
    none of which counts, is counted once, under the rule its best outcome got furthest with."""
    rows = _linked(tables, period)
    counted = set(rows.loc[rows["reason"] == "", "episode_id"])
    out = rows[~rows["episode_id"].isin(counted)].assign(_stage=lambda r: r["reason"].map(_STAGE))
    out = out.sort_values("_stage", kind="stable").drop_duplicates("episode_id", keep="last")
    by_reason = out.groupby("reason").agg(episodes=("episode_id", "nunique"), children=("child_id", "nunique"))
    by_reason = by_reason.reindex(list(LEFT_OUT), fill_value=0)
    return pd.DataFrame(
        {
            "reason": [LEFT_OUT[key] for key in by_reason.index],
            "episodes": by_reason["episodes"].astype(int).to_numpy(),
            "children": by_reason["children"].astype(int).to_numpy(),
        }
    )


# --- Figures rows every KPI module builds -------------------------------------------------------------------------


def share(measure: str, breakdown: str, group: str, k: int, n: int, period: Period, unit: str = "%") -> dict:
    """One figures row: `k` of `n` children as a percentage, with its 95% Wilson interval."""
    lower, upper = intervals.wilson(k, n)
    return {
        "measure": measure,
        "breakdown": breakdown,
        "group": group,
        "period": period.label,
        "kind": "share",
        "numerator": k,
        "denominator": n,
        "value": 100 * k / n if n else np.nan,
        "lower": 100 * lower,
        "upper": 100 * upper,
        "unit": unit,
    }


def count_row(measure: str, breakdown: str, group: str, k: int, period: Period) -> dict:
    """One figures row: a count of children."""
    return {
        "measure": measure,
        "breakdown": breakdown,
        "group": group,
        "period": period.label,
        "kind": "count",
        "numerator": k,
        "value": k,
        "unit": "children",
    }


def by_type(
    population: pd.DataFrame, counted: pd.Series, measure: str, period: Period, within: pd.Series | None = None
) -> list[dict]:
    """Figures rows for a share of the population (one row per child, with ``type_of_order``) split by type of
    order: the children `counted` (a True/False Series on the population's index) of those `within` (all, unless
    given), one row for each type in `TYPES` (a zero where none closed) and ``All``."""
    within = pd.Series(True, index=population.index) if within is None else within.astype(bool)
    frame = pd.DataFrame({"type": population["type_of_order"], "k": counted.astype(bool) & within, "n": within})
    sums = frame.groupby("type")[["k", "n"]].sum().reindex(list(TYPES), fill_value=0)
    rows = [
        share(measure, "type_of_order", LABELS[key], int(sums.at[key, "k"]), int(sums.at[key, "n"]), period)
        for key in TYPES
    ]
    rows.append(share(measure, "type_of_order", figures.TOTAL, int(sums["k"].sum()), int(sums["n"].sum()), period))
    return rows
