"""Disproportionality: which children are over-represented, at which stage, and how sure we are.

Three groups of children (cohorts) are each compared with the local population
aged 10 to 17:

* ``cautioned_or_sentenced``: children with a youth caution, youth conditional
  caution or court sentence (a substantive outcome) in the 12 months to the
  quarter end, the YJB's basis;
* ``any_outcome``: children with any outcome, diversion included, in the same
  12 months;
* ``caseload``: children on the YJS caseload during the quarter.

Children are counted once per cohort. For the two outcome cohorts an outcome
counts when the child lived in this YJS area at the time (residence LOCAL) and
was 10 to 17 on the offence date (the YJB's rule for proven offences); the
child's characteristics are taken on the date of their first counted outcome
in the 12 months, and their age is their age at that offence. Caseload
children are described on the last day of the quarter and counted when aged 10
to 17 then, as the population they are compared with is.

For each characteristic (ethnic group, detailed ethnicity, sex, looked-after
status, SEND, age) and group the measures are: the group's share of the cohort
(Wilson interval) against its share of the population, the gap between the two
in percentage points, the rate per 1,000 of the group's population (exact
Poisson or Byar's interval), the share-based disproportionality ratio, and the
relative rate index (RRI, Katz interval) against White children (ethnicity
only) and against all other children. Children whose characteristic is not
known are counted and left out of every denominator.

The decision points follow the MoJ's Lammy analysis: each stage is measured
against the stage before (any outcome per 1,000 of the population; cautioned
or sentenced per child with any outcome; court outcome per child cautioned or
sentenced; custody or remand in custody per child with a court outcome), with
the RRI against White children (or, by sex, against the other sex) at each.

Everything is returned in the tidy figures shape. ``publish`` sends it through
the report's suppression and then withholds, in addition, any figure from which
a withheld count could be worked out (a rate, ratio or later stage built on
it, a detailed ethnicity that is the only one of its group, the same count in
another table): see ``extend_suppression``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.extract import columns as extract_columns
from analysis.data.lookup import mapped
from analysis.data.quarters import Period, Quarter
from analysis.measures import population as population_module
from analysis.measures.caseload import on_caseload
from analysis.measures.characteristics import (
    SEND_LABELS,
    age_on,
    describe,
    ethnic_groups,
    in_episode,
    looked_after_on,
    send_on,
)
from analysis.safety import figures, suppression
from analysis.stats import intervals

PER = 1000  # rates per 1,000 of the group's population

COHORTS = {
    "cautioned_or_sentenced": "children cautioned or sentenced",
    "any_outcome": "children with any outcome",
    "caseload": "children on the caseload",
}
# Sub-cohorts used only as decision points (counted, not compared with the population).
STAGE_COHORTS = {
    "court": "children with a court outcome",
    "custody": "children sentenced to custody or remanded in custody",
}
# The decision points, each measured against the one before.
STAGES = ("any_outcome", "cautioned_or_sentenced", "court", "custody")

WHITE = "White"
NOT_KNOWN = codes.NOT_KNOWN
ETHNIC_MINORITY = "Ethnic minority groups"
LOOKED_AFTER = "Looked after by this council"
LOOKED_AFTER_ELSEWHERE = "Looked after by another council"
NOT_LOOKED_AFTER = "Not looked after"
SEND_GROUPS = ("EHCP", "SEN support", "No SEN recorded")
SEN_PROVISION_GROUPS = {"E": "EHCP", "K": "SEN support", "N": "No SEN recorded"}
AGES = tuple(str(a) for a in range(10, 18))
NC_YEARS = (5, 12)  # national curriculum years 5 to 12: aged 10 to 17 on 31 August at the end of the academic year
DETAILED_NOT_KNOWN = tuple(label for code, (label, group) in codes.ETHNICITY.items() if group == NOT_KNOWN) + (
    NOT_KNOWN,
)
DETAILED = tuple(label for code, (label, group) in codes.ETHNICITY.items() if group != NOT_KNOWN)
DETAILED_PARENT = {label: group for code, (label, group) in codes.ETHNICITY.items() if group != NOT_KNOWN}


@dataclass(frozen=True)
class Breakdown:
    """A characteristic: its groups in order, the reference group for an RRI (None: all other children) and the
    labels that mean 'not known' (counted, left out of denominators)."""

    name: str
    groups: tuple[str, ...]
    reference: str | None = None
    unknown: tuple[str, ...] = ()
    population: str = ""  # which Population it is compared with (defaults to its own name)
    count_unknown: bool = True  # publish the not-known count (once per characteristic, not for every grouping of it)

    @property
    def population_key(self) -> str:
        return self.population or self.name


BREAKDOWNS = {
    "ethnic_group": Breakdown("ethnic_group", codes.ETHNIC_GROUPS, WHITE, (NOT_KNOWN,)),
    "ethnic_minority": Breakdown("ethnic_minority", (WHITE, ETHNIC_MINORITY), WHITE, (NOT_KNOWN,), count_unknown=False),
    "ethnicity": Breakdown("ethnicity", DETAILED, None, DETAILED_NOT_KNOWN, count_unknown=False),
    "sex": Breakdown("sex", ("Male", "Female"), None, (NOT_KNOWN,)),
    "looked_after": Breakdown("looked_after", (LOOKED_AFTER, LOOKED_AFTER_ELSEWHERE, NOT_LOOKED_AFTER)),
    "send": Breakdown("send", SEND_GROUPS),
    "age": Breakdown("age", AGES),
}
# Which breakdowns each cohort is compared on (the trend repeats the ethnic ones for earlier years).
COMPARED = ("ethnic_group", "ethnic_minority", "ethnicity", "sex", "looked_after", "send", "age")
TREND_BREAKDOWNS = ("ethnic_group", "ethnic_minority")
CHAIN_BREAKDOWNS = ("ethnic_group", "ethnic_minority", "sex")


# --- populations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    """The comparison population for a breakdown: counts by group (a missing group has no figure)."""

    counts: pd.Series
    source: str  # printed under charts
    period: str  # the estimate's date, the `period` of the population rows
    description: str  # "children aged 10 to 17", ...


def _vintage(table: pd.DataFrame) -> str:
    return "; ".join(sorted(set(table["vintage"].astype(str)))) if len(table) else ""


def latest_census_year(pupils: pd.DataFrame, quarter_end: date) -> str | None:
    """The latest academic year whose spring (January) census was taken by the quarter end."""
    years = sorted(pupils["academic_year"].astype(str).unique())
    taken = [y for y in years if date(int(y[:4]) + 1, 1, 31) <= quarter_end]
    return taken[-1] if taken else None


def populations(tables: dict, quarter: Quarter) -> dict[str, Population]:
    """The comparison population for every breakdown."""
    pop = tables["population"]
    note, vintage = population_module.source_note(tables), _vintage(pop)
    desc = "children aged 10 to 17"
    out = {}
    groups = population_module.by(tables, "ethnic_group")
    groups = groups[groups.index != NOT_KNOWN]
    out["ethnic_group"] = Population(groups, note, vintage, desc)
    out["ethnic_minority"] = Population(
        pd.Series({WHITE: int(groups.get(WHITE, 0)), ETHNIC_MINORITY: int(groups[groups.index != WHITE].sum())}),
        note,
        vintage,
        desc,
    )
    detailed = population_module.by(tables, "ethnicity")
    detailed.index = detailed.index.map(lambda c: codes.ETHNICITY[c][0])
    out["ethnicity"] = Population(detailed[detailed.index.isin(DETAILED)], note, vintage, desc)
    out["sex"] = Population(population_module.by(tables, "sex"), note, vintage, desc)
    ages = population_module.by(tables, "age")
    ages.index = ages.index.astype(str)
    out["age"] = Population(ages, note, vintage, desc)

    looked = tables.get("looked_after_population")
    total = population_module.total(tables)
    la = int(looked["looked_after"].sum()) if looked is not None and len(looked) else 0
    # more children looked after than in the population (a population of zeros): no comparison can be made
    if looked is not None and len(looked) and la <= total:
        la_note = "; ".join(f"{s}, {v}" for s, v in sorted(set(zip(looked["source"], looked["vintage"]))))
        out["looked_after"] = Population(
            pd.Series({LOOKED_AFTER: la, NOT_LOOKED_AFTER: total - la}),
            f"{la_note}; {note}",
            f"{_vintage(looked)} and {vintage}",
            "children aged 10 to 17 (looked after: by this council)",
        )
    else:
        out["looked_after"] = Population(pd.Series(dtype=float), note, vintage, desc)

    pupils = extract_columns(tables, "pupils", ["academic_year", "nc_year", "sen_provision"])
    year = latest_census_year(pupils, quarter.end) if pupils is not None and len(pupils) else None
    if year:
        chosen = pupils[
            (pupils["academic_year"] == year) & pupils["nc_year"].between(*NC_YEARS).fillna(False).astype(bool)
        ]
        send = chosen["sen_provision"].map(SEN_PROVISION_GROUPS).value_counts()
        out["send"] = Population(
            send.reindex(list(SEND_GROUPS), fill_value=0).astype(int),
            f"School census {year} (pupils.csv), national curriculum years 5 to 12",
            f"school census {year}",
            "pupils in national curriculum years 5 to 12",
        )
    else:
        out["send"] = Population(pd.Series(dtype=float), "School census: no year available", "", "pupils")
    return out


# --- cohorts -----------------------------------------------------------------------------------


@dataclass
class Cohort:
    key: str
    label: str
    period: Period
    children: pd.DataFrame  # one row per child: child_id, date and one column per breakdown
    left_out: int = 0  # children with an outcome (or episode) who did not meet the rules


def _tier(legal_outcome: pd.Series) -> pd.Series:
    return legal_outcome.map(codes.OUTCOME_TIER)


def _rank(legal_outcome: pd.Series) -> pd.Series:
    return legal_outcome.map(codes.OUTCOME_RANK)


def outcomes_in(tables: dict, period: Period) -> pd.DataFrame:
    """Every outcome dated in `period`, with its tier, offence date, the child's age then and whether it counts
    (child living here, aged 10 to 17 at the offence)."""
    outcomes = tables["outcomes"]
    when = outcomes["outcome_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    out = outcomes[when.fillna(False).astype(bool)].merge(
        tables["offences"][["offence_id", "offence_date"]], on="offence_id", how="left"
    )
    dob = mapped(out["child_id"], tables["children"].set_index("child_id")["date_of_birth"])
    out["age_at_offence"] = age_on(dob, out["offence_date"]).to_numpy()
    out["tier"] = _tier(out["legal_outcome"]).astype(str)
    out["rank"] = _rank(out["legal_outcome"]).astype(int)
    out["counts"] = (out["residence"] == "LOCAL").fillna(False).astype(bool) & out["age_at_offence"].between(
        10, 17
    ).fillna(False).astype(bool)
    return out


def describe_children(tables: dict, pairs: pd.DataFrame) -> pd.DataFrame:
    """Characteristics on each row's date, with the groups this module compares (age as given in `age`)."""
    out = describe(tables, pairs[["child_id", "date"]].reset_index(drop=True))
    here = looked_after_on(tables, out, include_placed_here=False).to_numpy()
    anywhere = (out["looked_after"] == "Looked after").to_numpy()
    out["looked_after"] = np.select([here, anywhere], [LOOKED_AFTER, LOOKED_AFTER_ELSEWHERE], NOT_LOOKED_AFTER)
    out["ethnic_minority"] = out["ethnic_group"].where(out["ethnic_group"].isin([WHITE, NOT_KNOWN]), ETHNIC_MINORITY)
    age = pairs["age"].reset_index(drop=True) if "age" in pairs else out["age"]
    out["age"] = pd.array(age, dtype="Int64").astype(str)
    return out


def outcome_cohort(tables: dict, outcomes: pd.DataFrame, key: str, period: Period) -> Cohort:
    """One row per child with a counted outcome in `outcomes`, described on the date of their first one."""
    counted = outcomes[outcomes["counts"]]
    first = counted.sort_values(
        ["child_id", "outcome_date", "rank", "outcome_id"], ascending=[True, True, False, True]
    ).drop_duplicates("child_id")
    pairs = pd.DataFrame(
        {
            "child_id": first["child_id"].to_numpy(),
            "date": first["outcome_date"].to_numpy(),
            "age": first["age_at_offence"].to_numpy(),
        }
    )
    left_out = outcomes.loc[~outcomes["child_id"].isin(counted["child_id"]), "child_id"].nunique()
    return Cohort(
        key, COHORTS.get(key, STAGE_COHORTS.get(key, key)), period, describe_children(tables, pairs), int(left_out)
    )


def caseload_cohort(tables: dict, quarter: Quarter) -> Cohort:
    """Children on the caseload during the quarter, described on its last day; those not aged 10 to 17 then are
    left out."""
    children = on_caseload(tables["caseload"], quarter.period)
    pairs = pd.DataFrame({"child_id": children["child_id"].to_numpy(), "date": pd.Timestamp(quarter.end)})
    out = describe_children(tables, pairs)
    in_range = out["age"].isin(AGES)
    return Cohort(
        "caseload", COHORTS["caseload"], quarter.period, out[in_range].reset_index(drop=True), int((~in_range).sum())
    )


def custodial_remands(tables: dict, period: Period) -> pd.Series:
    """Children remanded to youth detention accommodation (a custodial remand) starting in `period`."""
    remands = tables["remands"]
    custodial = remands["remand_type"].map({c: v[1] for c, v in codes.REMAND_TYPES.items()}).fillna(False).astype(bool)
    when = (
        remands["start_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end)).fillna(False).astype(bool)
    )
    return pd.Series(remands.loc[custodial & when, "child_id"].unique(), dtype=object)


def cohorts(tables: dict, quarter: Quarter, period: Period | None = None) -> dict[str, Cohort]:
    """The three cohorts and the two later decision points for the 12 months to the quarter end (or `period`)."""
    year = period or quarter.year_ending
    outs = outcomes_in(tables, year)
    substantive = outs[outs["tier"].isin(codes.SUBSTANTIVE_TIERS)]
    court = outs[outs["tier"].isin(codes.COURT_TIERS)]
    result = {
        "cautioned_or_sentenced": outcome_cohort(tables, substantive, "cautioned_or_sentenced", year),
        "any_outcome": outcome_cohort(tables, outs, "any_outcome", year),
    }
    if period is None:
        result["caseload"] = caseload_cohort(tables, quarter)
        any_children = result["any_outcome"].children.set_index("child_id")
        court_ids = court.loc[court["counts"], "child_id"].unique()
        custody_ids = set(court.loc[court["counts"] & (court["tier"] == "Custody"), "child_id"]) | set(
            custodial_remands(tables, year)
        )
        custody_ids = [c for c in court_ids if c in custody_ids]
        for key, ids in (("court", court_ids), ("custody", custody_ids)):
            chosen = any_children.loc[list(ids)].reset_index()
            result[key] = Cohort(key, STAGE_COHORTS[key], year, chosen, 0)
    return result


# --- measures ------------------------------------------------------------------------------------


def key(measure: str, breakdown: str, group: str, period: str) -> str:
    """The identity of a figure, used to link figures that must be withheld together."""
    return f"{measure}|{breakdown}|{group}|{period}"


def _div(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    with np.errstate(all="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def _katz(a, n1, b, n2):
    """intervals.katz_ratio where the inputs make sense; nan where they do not (a count above its population,
    a population missing), so one odd population figure does not stop the report."""
    a, n1, b, n2 = (np.asarray(v, float) for v in (a, n1, b, n2))
    ok = ~(np.isnan(a) | np.isnan(n1) | np.isnan(b) | np.isnan(n2)) & (a <= n1) & (b <= n2) & (n1 > 0) & (n2 > 0)
    ratio, lower, upper = intervals.katz_ratio(
        np.where(ok, a, 0), np.where(ok, n1, 0), np.where(ok, b, 0), np.where(ok, n2, 0)
    )
    return (np.where(ok, ratio, np.nan), np.where(ok, lower, np.nan), np.where(ok, upper, np.nan))


def group_order(breakdown: Breakdown, values: pd.Series, pop: pd.Series | None) -> list[str]:
    """The breakdown's groups in order, then any others seen in the cohort or the population (unknowns left out)."""
    seen = list(breakdown.groups)
    extra = list(dict.fromkeys(list(values.astype(str)) + ([] if pop is None else [str(g) for g in pop.index])))
    seen += sorted(g for g in extra if g not in seen and g not in breakdown.unknown)
    return seen


def compare(
    values: pd.Series, breakdown: Breakdown, pop: Population | None, *, cohort: str, period: str, label: str = ""
) -> pd.DataFrame:
    """Figures for one cohort and one characteristic (see compare_rows), as a figures frame with `links`."""
    return _frame(compare_rows(values, breakdown, pop, cohort=cohort, period=period, label=label))


def compare_rows(
    values: pd.Series, breakdown: Breakdown, pop: Population | None, *, cohort: str, period: str, label: str = ""
) -> list[dict]:
    """Figures for one cohort and one characteristic: counts and shares, and (given a population) the gap, rate,
    disproportionality ratio and relative rate indices. `values` holds one group label per child.

    Returns figures with an extra `links` column: the keys of the counts each figure depends on."""
    values = pd.Series(values, dtype=object).astype(str).reset_index(drop=True)
    b = breakdown.name
    label = label or COHORTS.get(cohort, STAGE_COHORTS.get(cohort, cohort))
    counts_measure = f"{cohort}_children"
    groups = group_order(breakdown, values, None if pop is None else pop.counts)
    known = values[~values.isin(breakdown.unknown)]
    counted = known.value_counts()
    c = np.array([counted.get(g, 0) for g in groups], float)
    total = float(c.sum())
    unknown_n = int(values.isin(breakdown.unknown).sum())
    lo, hi = intervals.wilson(c, np.full_like(c, total))
    share = 100 * _div(c, total)
    ckey = [key(counts_measure, b, g, period) for g in groups]
    all_key = key(counts_measure, b, figures.TOTAL, period)
    unit = f"% of {label} where {b.replace('_', ' ')} is known" if breakdown.unknown else f"% of {label}"
    rows = [
        dict(
            measure=counts_measure,
            breakdown=b,
            group=g,
            period=period,
            kind="share",
            numerator=c[i],
            denominator=total,
            value=share[i],
            lower=100 * lo[i],
            upper=100 * hi[i],
            unit=unit,
            links=[],
        )
        for i, g in enumerate(groups)
    ]
    rows.append(
        dict(
            measure=counts_measure,
            breakdown=b,
            group=figures.TOTAL,
            period=period,
            kind="share",
            numerator=total,
            denominator=total,
            value=100.0 if total else np.nan,
            unit=unit,
            links=[],
        )
    )
    if breakdown.unknown and breakdown.count_unknown:
        n_all = len(values)
        ulo, uhi = intervals.wilson(unknown_n, n_all)
        rows.append(
            dict(
                measure=counts_measure,
                breakdown=f"{b}_not_known",
                group=NOT_KNOWN,
                period=period,
                kind="share",
                numerator=unknown_n,
                denominator=n_all,
                value=100 * _div(unknown_n, n_all)[()],
                lower=100 * ulo,
                upper=100 * uhi,
                unit=f"% of all {label}",
                links=[],
            )
        )
    if pop is None:
        return rows

    p = np.array([pop.counts.get(g, np.nan) for g in groups], float)
    p_total = float(np.nansum(p))
    usable = total > 0  # with no known values, rates and ratios say nothing
    pop_share = 100 * _div(p, p_total)
    gap = share - pop_share
    rate_v, rate_lo, rate_hi = intervals.rate(c, np.nan_to_num(p), per=PER)
    rate_ok = (p > 0) & usable
    dr, dr_lo, dr_hi = intervals.share_ratio(c, np.full_like(c, total), np.nan_to_num(pop_share / 100))
    dr_ok = (p > 0) & usable
    others, others_pop = total - c, p_total - p
    rri_o = _katz(c, p, others, others_pop)
    if breakdown.reference in groups:
        w = groups.index(breakdown.reference)
        rri_w = _katz(c, p, np.full_like(c, c[w]), np.full_like(p, p[w]))
    rate_unit = f"per 1,000 {pop.description} in the group"
    dated = bool(pop.period)  # no population estimate at all (no school census for SEND): no population rows
    for i, g in enumerate(groups):
        base = dict(breakdown=b, group=g, period=period, numerator=c[i])
        rows += (
            []
            if not dated
            else [
                dict(
                    measure="population_share",
                    breakdown=b,
                    group=g,
                    period=pop.period,
                    kind="share",
                    numerator=p[i],
                    denominator=p_total,
                    value=pop_share[i],
                    unit=f"% of {pop.description}",
                    links=[],
                    population_row=True,
                )
            ]
        )
        rows.append(
            dict(
                base,
                measure=f"{cohort}_share_gap",
                kind="share",
                denominator=total,
                value=gap[i] if usable else np.nan,
                lower=100 * lo[i] - pop_share[i] if usable else np.nan,
                upper=100 * hi[i] - pop_share[i] if usable else np.nan,
                unit="percentage points",
                links=[ckey[i]],
            )
        )
        rows.append(
            dict(
                base,
                measure=f"{cohort}_rate",
                kind="rate",
                denominator=p[i],
                value=rate_v[i] if rate_ok[i] else np.nan,
                lower=rate_lo[i] if rate_ok[i] else np.nan,
                upper=rate_hi[i] if rate_ok[i] else np.nan,
                unit=rate_unit,
                links=[ckey[i]],
            )
        )
        rows.append(
            dict(
                base,
                measure=f"{cohort}_disproportionality_ratio",
                kind="ratio",
                denominator=total,
                numerator_2=others[i],
                value=dr[i] if dr_ok[i] else np.nan,
                lower=dr_lo[i] if dr_ok[i] else np.nan,
                upper=dr_hi[i] if dr_ok[i] else np.nan,
                unit="share of cohort divided by share of population",
                links=[ckey[i], all_key],
            )
        )
        rows.append(
            dict(
                base,
                measure=f"{cohort}_rri_vs_others",
                kind="ratio",
                denominator=p[i],
                numerator_2=others[i],
                value=rri_o[0][i],
                lower=rri_o[1][i],
                upper=rri_o[2][i],
                unit="relative rate index against all other children",
                links=[ckey[i], all_key],
            )
        )
        if breakdown.reference in groups and g != breakdown.reference:
            rows.append(
                dict(
                    base,
                    measure=f"{cohort}_rri_vs_white",
                    kind="ratio",
                    denominator=p[i],
                    numerator_2=c[w],
                    value=rri_w[0][i],
                    lower=rri_w[1][i],
                    upper=rri_w[2][i],
                    unit="relative rate index against White children",
                    links=[ckey[i], ckey[w]],
                )
            )
    if groups and dated:  # the population as a whole: the total the groups' shares are of
        rows.append(
            dict(
                measure="population_share",
                breakdown=b,
                group=figures.TOTAL,
                period=pop.period,
                kind="share",
                numerator=p_total,
                denominator=p_total,
                value=100.0 if p_total else np.nan,
                unit=f"% of {pop.description}",
                links=[],
                population_row=True,
            )
        )
    rate_all = intervals.rate(total, p_total, per=PER)
    rows.append(
        dict(
            measure=f"{cohort}_rate",
            breakdown=b,
            group=figures.TOTAL,
            period=period,
            kind="rate",
            numerator=total,
            denominator=p_total,
            value=rate_all[0] if usable and p_total else np.nan,
            lower=rate_all[1] if usable and p_total else np.nan,
            upper=rate_all[2] if usable and p_total else np.nan,
            unit=rate_unit,
            links=[all_key],
        )
    )
    return rows


def _frame(rows: list[dict]) -> pd.DataFrame:
    fig = figures.frame([{k: v for k, v in r.items() if k in figures.COLUMNS} for r in rows])
    fig["links"] = [r.get("links", []) for r in rows]
    fig["population_row"] = [bool(r.get("population_row", False)) for r in rows]
    return fig


def chain(cohort_map: dict[str, Cohort], breakdown: Breakdown, period: str) -> pd.DataFrame:
    """Decision-point figures (see chain_rows), as a figures frame with `links`."""
    return _frame(chain_rows(cohort_map, breakdown, period))


def chain_rows(cohort_map: dict[str, Cohort], breakdown: Breakdown, period: str) -> list[dict]:
    """Decision points: each stage's children as a share of the stage before, and the RRI at each stage against
    White children (ethnicity) or all other children (sex). Stage counts are the cohorts' own count rows."""
    b = breakdown.name
    rows = []
    ref = breakdown.reference
    for before, stage in zip(STAGES, STAGES[1:]):
        prev = cohort_map[before].children[b].astype(str)
        now = cohort_map[stage].children[b].astype(str)
        groups = group_order(breakdown, prev, None)
        n0 = np.array([(prev == g).sum() for g in groups], float)
        n1 = np.array([(now == g).sum() for g in groups], float)
        lo, hi = intervals.wilson(n1, n0)
        share = 100 * _div(n1, n0)
        k0 = [key(f"{before}_children", b, g, period) for g in groups]
        k1 = [key(f"{stage}_children", b, g, period) for g in groups]
        all0, all1 = (
            key(f"{before}_children", b, figures.TOTAL, period),
            key(f"{stage}_children", b, figures.TOTAL, period),
        )
        if ref is not None and ref in groups:
            w = groups.index(ref)
            rri = _katz(n1, n0, np.full_like(n1, n1[w]), np.full_like(n0, n0[w]))
            measure, against, ref_links = f"decision_{stage}_rri_vs_white", "White children", lambda i: [k0[w], k1[w]]
            numerator_2 = lambda i: n1[w]
        else:
            rri = _katz(n1, n0, n1.sum() - n1, n0.sum() - n0)
            measure, against, ref_links = (
                f"decision_{stage}_rri_vs_others",
                "all other children",
                lambda i: [all0, all1],
            )
            numerator_2 = lambda i: n1.sum() - n1[i]
        for i, g in enumerate(groups):
            rows.append(
                dict(
                    measure=f"decision_{stage}_share",
                    breakdown=b,
                    group=g,
                    period=period,
                    kind="share",
                    numerator=n1[i],
                    denominator=n0[i],
                    value=share[i],
                    lower=100 * lo[i],
                    upper=100 * hi[i],
                    unit=f"% of {COHORTS.get(before, STAGE_COHORTS.get(before))}",
                    links=[k0[i], k1[i]],
                )
            )
            if g != ref:
                rows.append(
                    dict(
                        measure=measure,
                        breakdown=b,
                        group=g,
                        period=period,
                        kind="ratio",
                        numerator=n1[i],
                        denominator=n0[i],
                        numerator_2=numerator_2(i),
                        value=rri[0][i],
                        lower=rri[1][i],
                        upper=rri[2][i],
                        unit=f"relative rate index against {against}",
                        links=[k0[i], k1[i]] + ref_links(i),
                    )
                )
        t0, t1 = n0.sum(), n1.sum()
        tlo, thi = intervals.wilson(t1, t0)
        rows.append(
            dict(
                measure=f"decision_{stage}_share",
                breakdown=b,
                group=figures.TOTAL,
                period=period,
                kind="share",
                numerator=t1,
                denominator=t0,
                value=100 * _div(t1, t0)[()],
                lower=100 * tlo,
                upper=100 * thi,
                unit=f"% of {COHORTS.get(before, STAGE_COHORTS.get(before))}",
                links=[all0, all1],
            )
        )
    return rows


def history(tables: dict, quarter: Quarter, n: int = 8) -> list[Quarter]:
    """The last `n` quarters whose 12 months the extract covers (its earliest outcome on or before their start)."""
    earliest = tables["outcomes"]["outcome_date"].min()
    if pd.isna(earliest):
        return [quarter]
    return [q for q in quarter.history(n) if pd.Timestamp(q.year_ending.start) >= earliest.normalize()] or [quarter]


def build(tables: dict, quarter: Quarter) -> pd.DataFrame:
    """Every figure of the report, before suppression (with `links`)."""
    pops = populations(tables, quarter)
    current = cohorts(tables, quarter)
    rows: list[dict] = []
    for ck in COHORTS:
        cohort = current[ck]
        n = len(cohort.children)
        unknown = int(cohort.children["ethnic_group"].eq(NOT_KNOWN).sum())
        for measure, value in (
            ("cohort_children", n),
            ("cohort_ethnicity_not_known", unknown),
            ("cohort_left_out", cohort.left_out),
        ):
            rows.append(
                dict(
                    measure=measure,
                    breakdown="cohort",
                    group=cohort.label.capitalize(),
                    period=cohort.period.label,
                    kind="count",
                    numerator=value,
                    value=value,
                    unit="children",
                    links=[],
                )
            )
    for ck in COHORTS:
        cohort = current[ck]
        for name in COMPARED:
            bd = BREAKDOWNS[name]
            rows += compare_rows(
                cohort.children[name], bd, pops[bd.population_key], cohort=ck, period=cohort.period.label
            )
    for ck in STAGE_COHORTS:
        for name in CHAIN_BREAKDOWNS:
            rows += compare_rows(
                current[ck].children[name], BREAKDOWNS[name], None, cohort=ck, period=current[ck].period.label
            )
    for name in CHAIN_BREAKDOWNS:
        rows += chain_rows(current, BREAKDOWNS[name], quarter.year_ending.label)
    for q in history(tables, quarter)[:-1]:
        earlier = trend_cohort(tables, q.year_ending)
        for name in TREND_BREAKDOWNS:
            bd = BREAKDOWNS[name]
            rows += compare_rows(
                earlier[name], bd, pops[bd.population_key], cohort="cautioned_or_sentenced", period=q.year_ending.label
            )
    fig = _frame(rows)
    # Population rows repeat for every cohort: keep one of each.
    fig = fig[~(fig["population_row"] & fig.duplicated(["measure", "breakdown", "group", "period"]))]
    return fig.reset_index(drop=True)


def trend_cohort(tables: dict, period: Period) -> pd.DataFrame:
    """The ethnic groups of the children cautioned or sentenced in `period` (the trend needs nothing else)."""
    outs = outcomes_in(tables, period)
    ids = outs.loc[outs["counts"] & outs["tier"].isin(codes.SUBSTANTIVE_TIERS), "child_id"].unique()
    children = tables["children"].set_index("child_id")
    group = ethnic_groups(pd.Series(ids).map(children["ethnicity"]))
    return pd.DataFrame(
        {
            "child_id": ids,
            "ethnic_group": group.to_numpy(),
            "ethnic_minority": group.where(group.isin([WHITE, NOT_KNOWN]), ETHNIC_MINORITY).to_numpy(),
        }
    )


# --- beyond ethnicity: looked-after status, SEND, mental health need and ETE at each decision point ----------------

FIRST_STAGE = STAGES[0]
WITH_SEND, NO_SEND = "With SEND", "No SEND recorded"
MENTAL_HEALTH_NEED, NO_MENTAL_HEALTH_NEED = "Mental health need identified", "No mental health need identified"
NOT_IN_SUITABLE_ETE, IN_SUITABLE_ETE, NO_ETE_RECORD = "Not in suitable ETE", "In suitable ETE", "No ETE record"


@dataclass(frozen=True)
class Characteristic:
    """A characteristic the board asked about, counted at each decision point.

    `groups` has the children with the characteristic first; `needs` is the optional extract table it comes from
    ('' when its source is always there); `against_population` is True when there is a population figure to compare
    with (looked-after children), otherwise each later stage is compared with the first. `unrecorded` names the
    children with no record of the characteristic at all (ETE): they are counted on their own and left out of the
    base of every share and ratio, so that missing recording is not read as the characteristic ('' when a missing
    record means the characteristic was not identified, as for SEND and mental health need)."""

    breakdown: str
    groups: tuple[str, ...]
    needs: str = ""
    against_population: bool = False
    unrecorded: str = ""

    @property
    def group(self) -> str:
        return self.groups[0]


CHARACTERISTICS = {
    "looked_after": Characteristic(
        "looked_after_stage", (LOOKED_AFTER, LOOKED_AFTER_ELSEWHERE, NOT_LOOKED_AFTER), against_population=True
    ),
    "send": Characteristic("send_stage", (WITH_SEND, NO_SEND)),
    "mental_health": Characteristic(
        "mental_health_stage", (MENTAL_HEALTH_NEED, NO_MENTAL_HEALTH_NEED), "health_interventions"
    ),
    "ete": Characteristic("ete_stage", (NOT_IN_SUITABLE_ETE, IN_SUITABLE_ETE), "ete_status", unrecorded=NO_ETE_RECORD),
}


def characteristic_sources(tables: dict) -> dict[str, tuple[str, bool]]:
    """Each characteristic's extract file, and whether this extract has it (an optional file may be absent)."""
    return {
        "looked_after": ("care_episodes.csv", True),
        "send": ("send_aln.csv" if "send_aln" in tables else "send.csv", True),
        "mental_health": ("health_interventions.csv", "health_interventions" in tables),
        "ete": ("ete_status.csv", "ete_status" in tables),
    }


def _dated(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`frame` with `columns` as dates (validated tables have them already; hand-made ones may hold text)."""
    return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})


def send_status(tables: dict, pairs: pd.DataFrame) -> pd.Series:
    """SEND on each row's date: from send_aln.csv when the extract has it (a period with identified_send Y current
    on the date), otherwise from send.csv (an EHCP or SEN support current on the date)."""
    if "send_aln" in tables:
        aln = tables["send_aln"]
        has = in_episode(pairs, _dated(aln[aln["identified_send"] == "Y"], "start_date", "end_date"))
    else:
        has = send_on(tables, pairs) != SEND_LABELS[2]
    return pd.Series(np.where(has, WITH_SEND, NO_SEND), index=pairs.index)


def mental_health_status(tables: dict, pairs: pd.DataFrame) -> pd.Series:
    """An identified mental health need on each row's date: a MENTAL_HEALTH row of health_interventions.csv whose
    date_need_identified is on or before the date (a need, once identified, is not taken to end)."""
    health = tables["health_interventions"]
    health = health[health["domain"] == "MENTAL_HEALTH"]
    needs = pd.DataFrame(
        {
            "child_id": health["child_id"].to_numpy(),
            "start_date": pd.to_datetime(health["date_need_identified"]).to_numpy(),
            "end_date": pd.NaT,
        }
    ).dropna(subset=["start_date"])
    has = in_episode(pairs, needs)
    return pd.Series(np.where(has, MENTAL_HEALTH_NEED, NO_MENTAL_HEALTH_NEED), index=pairs.index)


def ete_status(tables: dict, pairs: pd.DataFrame) -> pd.Series:
    """Education, training or employment on each row's date. In suitable ETE: some ete_status.csv record current on
    the date with a provision (not NONE) judged SUITABLE. Not in suitable ETE: some record current on the date, but
    none of them a suitable provision (provision NONE, or UNSUITABLE or UNKNOWN). No ETE record: no record current on
    the date. ETE is recorded mostly for children on YJS orders, so a missing record says nothing about the child's
    ETE; like the YJB's KPI 2, it is kept apart rather than counted as not in suitable ETE."""
    ete = _dated(tables["ete_status"], "start_date", "end_date")
    suitable = ete[(ete["provision_type"] != "NONE") & (ete["suitability"] == "SUITABLE")]
    has = in_episode(pairs, suitable)
    recorded = in_episode(pairs, ete)
    return pd.Series(
        np.where(has, IN_SUITABLE_ETE, np.where(recorded, NOT_IN_SUITABLE_ETE, NO_ETE_RECORD)), index=pairs.index
    )


STATUS = {"send": send_status, "mental_health": mental_health_status, "ete": ete_status}


def stage_dates(tables: dict, quarter: Quarter) -> dict[str, pd.DataFrame]:
    """For each decision point, one row per child at it (the same children as `cohorts`) with the date the child
    reached it: the first counted outcome of that kind in the 12 months (for custody, the first custodial sentence
    or custodial remand), and looked-after status on that date."""
    year = quarter.year_ending
    current = cohorts(tables, quarter)
    out = {key: current[key].children[["child_id", "date", "looked_after"]] for key in STAGES[:2]}
    outs = outcomes_in(tables, year)
    court = outs[outs["counts"] & outs["tier"].isin(codes.COURT_TIERS)]
    court_first = court.groupby("child_id")["outcome_date"].min()
    remands = tables["remands"]
    custodial = remands["remand_type"].map({c: v[1] for c, v in codes.REMAND_TYPES.items()}).fillna(False).astype(bool)
    in_year = remands["start_date"].between(pd.Timestamp(year.start), pd.Timestamp(year.end)).fillna(False).astype(bool)
    sentenced = court[court["tier"] == "Custody"]
    remanded = remands[custodial & in_year]
    custody_first = pd.concat(
        [
            pd.Series(sentenced["outcome_date"].to_numpy(), index=sentenced["child_id"].to_numpy()),
            pd.Series(remanded["start_date"].to_numpy(), index=remanded["child_id"].to_numpy()),
        ]
    )
    custody_first = custody_first[custody_first.index.isin(court_first.index)].groupby(level=0).min()
    for stage, first in (("court", court_first), ("custody", custody_first)):
        pairs = pd.DataFrame({"child_id": first.index.to_numpy(), "date": pd.to_datetime(first.to_numpy())})
        out[stage] = describe_children(tables, pairs)[["child_id", "date", "looked_after"]]
    return out


def characteristic_values(tables: dict, stages: dict[str, pd.DataFrame], name: str) -> dict[str, pd.Series]:
    """Each child's group for characteristic `name` at each decision point, on the date they reached it."""
    if name == "looked_after":
        return {s: stages[s]["looked_after"].astype(str).reset_index(drop=True) for s in STAGES}
    return {s: STATUS[name](tables, stages[s].reset_index(drop=True)) for s in STAGES}


def characteristic_rows(
    values: dict[str, pd.Series], name: str, period: str, population: Population | None = None
) -> list[dict]:
    """Figures for one characteristic at each decision point: the children at the stage, how many (and what share,
    Wilson interval) are in each group, and a comparison for the children with the characteristic:

    * against the local population (looked-after children): the relative rate index against all other children,
      each group's children at the stage per head of its population aged 10 to 17 (Katz interval);
    * otherwise, at each later stage, the share at that stage divided by the share at the first stage (any
      outcome), with the Katz log interval for a ratio of two proportions. It treats the two stages as separate
      groups of children; the later stage's children are among the first stage's, which makes the true interval
      narrower, so the interval errs on the side of calling a difference chance.

    Where the characteristic has an `unrecorded` group (ETE), the children with no record are one more row (a
    share of all the children at the stage) and the base of the other groups' shares, and of the ratio, is the
    children with a record (the stage's children less those without one); with no one recorded the shares are not
    available. That base is the denominator of the groups' shares, from which any one of them and the count
    without a record could be worked out, so each group's share is withheld along with any of these counts."""
    ch = CHARACTERISTICS[name]
    b = ch.breakdown
    rows: list[dict] = []

    def recorded(now: pd.Series) -> float:
        return float(len(now) - (now == ch.unrecorded).sum()) if ch.unrecorded else float(len(now))

    first = values[FIRST_STAGE].astype(str)
    n_first, has_first = recorded(first), float((first == ch.group).sum())
    first_keys = [
        key(f"{FIRST_STAGE}_children", b, ch.group, period),
        key(f"{FIRST_STAGE}_children", b, figures.TOTAL, period),
    ]
    for stage in STAGES:
        now = values[stage].astype(str)
        n, r = float(len(now)), recorded(now)
        c = np.array([(now == g).sum() for g in ch.groups], float)
        lo, hi = intervals.wilson(c, np.full_like(c, r))
        share = 100 * _div(c, r)
        label = COHORTS.get(stage, STAGE_COHORTS.get(stage, stage))
        measure = f"{stage}_children"
        has_key, all_key = key(measure, b, ch.group, period), key(measure, b, figures.TOTAL, period)
        base = dict(measure=measure, breakdown=b, period=period, kind="share", unit=f"% of {label}", links=[])
        # the counts the groups' shares rest on: each group's and the unrecorded (their base is what remains)
        together = [key(measure, b, g, period) for g in ch.groups + ((ch.unrecorded,) if ch.unrecorded else ())]
        rows += [
            dict(
                base,
                group=g,
                numerator=c[i],
                denominator=r,
                value=share[i],
                lower=100 * lo[i],
                upper=100 * hi[i],
                unit=f"% of {label} with a record" if ch.unrecorded else base["unit"],
                links=[k for k in together if k != key(measure, b, g, period)] if ch.unrecorded else [],
            )
            for i, g in enumerate(ch.groups)
        ]
        if ch.unrecorded:
            none = n - r
            rows.append(dict(base, group=ch.unrecorded, numerator=none, denominator=n, value=100 * _div(none, n)[()]))
        rows.append(dict(base, group=figures.TOTAL, numerator=n, denominator=n, value=100.0 if n else np.nan))
        if ch.against_population:
            counts = population.counts if population is not None else pd.Series(dtype=float)
            p = float(counts.get(ch.group, np.nan))
            p_total = float(counts.sum()) if len(counts) else np.nan
            rri = _katz(c[0], p, n - c[0], p_total - p)
            rows.append(
                dict(
                    measure=f"{stage}_rri_vs_others",
                    breakdown=b,
                    group=ch.group,
                    period=period,
                    kind="ratio",
                    numerator=c[0],
                    denominator=p,
                    numerator_2=n - c[0],
                    value=rri[0][()],
                    lower=rri[1][()],
                    upper=rri[2][()],
                    unit=f"relative rate index against all other children, per head of {population.description}"
                    if population is not None
                    else "relative rate index against all other children",
                    links=[has_key, all_key],
                )
            )
        elif stage != FIRST_STAGE:
            ratio = _katz(c[0], r, has_first, n_first)
            among = " (of those with a record)" if ch.unrecorded else ""
            rows.append(
                dict(
                    measure=f"{stage}_ratio_to_{FIRST_STAGE}",
                    breakdown=b,
                    group=ch.group,
                    period=period,
                    kind="ratio",
                    numerator=c[0],
                    denominator=r,
                    numerator_2=has_first,
                    value=ratio[0][()],
                    lower=ratio[1][()],
                    upper=ratio[2][()],
                    unit=f"share of {label} divided by the share of {COHORTS[FIRST_STAGE]}{among} (compares "
                    "stages, not the population)",
                    links=[has_key, all_key] + first_keys,
                )
            )
    return rows


def characteristics_at_stages(tables: dict, quarter: Quarter) -> pd.DataFrame:
    """Every figure of the 'beyond ethnicity' section, before suppression (with `links`), for the characteristics
    whose extract files are present."""
    stages = stage_dates(tables, quarter)
    sources = characteristic_sources(tables)
    pops = populations(tables, quarter)
    rows: list[dict] = []
    for name in CHARACTERISTICS:
        if sources[name][1]:
            values = characteristic_values(tables, stages, name)
            rows += characteristic_rows(values, name, quarter.year_ending.label, pops["looked_after"])
    return _frame(rows)


# --- safe publication -------------------------------------------------------------------------------


ETHNIC_BREAKDOWNS = ("ethnic_group", "ethnic_minority", "ethnicity")


def _parents(fig: pd.DataFrame) -> pd.Series:
    """For count rows that are parts of a larger count shown elsewhere, the key of that count ('' otherwise):
    a detailed ethnic group's five-group count, and a minority group's 'ethnic minority groups' count."""
    counts = fig["measure"].str.endswith("_children")
    is_detail = counts & (fig["breakdown"] == "ethnicity") & fig["group"].isin(DETAILED)
    is_minority = (
        counts
        & (fig["breakdown"] == "ethnic_group")
        & fig["group"].isin([g for g in codes.ETHNIC_GROUPS if g != WHITE])
    )
    detail_parent = (
        fig["measure"] + "|ethnic_group|" + fig["group"].map(DETAILED_PARENT).fillna("") + "|" + fig["period"]
    )
    minority_parent = fig["measure"] + f"|ethnic_minority|{ETHNIC_MINORITY}|" + fig["period"]
    return detail_parent.where(is_detail, minority_parent.where(is_minority, ""))


def _same_counts(fig: pd.DataFrame) -> pd.Series:
    """A label shared by rows holding the same count in different ethnicity tables (White, and the total of
    children whose ethnicity is known); '' otherwise."""
    same = (
        fig["measure"].str.endswith("_children")
        & fig["breakdown"].isin(ETHNIC_BREAKDOWNS)
        & fig["group"].isin([WHITE, figures.TOTAL])
    )
    return (fig["measure"] + "|" + fig["group"] + "|" + fig["period"]).where(same, "")


def identity_relations(fig: pd.DataFrame) -> list[suppression.Relation]:
    """The sums that tie one cohort's tables together, for the secondary rule: every characteristic's total
    (plus its 'not known' count, where it has one) is the same number of children, which is also the cohort's
    own count in the cohorts table; each ethnicity table's total is the number of known ethnicity; and the
    cohorts table repeats the ethnicity 'not known' count. Without them a withheld 'not known' count could be
    worked out as the cohort's count minus the known total."""
    where = {k: i for i, k in zip(fig.index, zip(fig["measure"], fig["breakdown"], fig["group"], fig["period"]))}
    relations = []
    counts = fig["measure"].str.endswith("_children") & (fig["breakdown"] != "cohort")
    for (measure, period), _ in fig[counts].groupby(["measure", "period"], sort=False):
        label = COHORTS.get(measure.removesuffix("_children"), "").capitalize()
        not_known = where.get((measure, "ethnic_group_not_known", NOT_KNOWN, period))
        everyone = [[row]] if (row := where.get(("cohort_children", "cohort", label, period))) is not None else []
        known = []
        for name, bd in BREAKDOWNS.items():
            total = where.get((measure, name, figures.TOTAL, period))
            unknown = where.get((measure, f"{name}_not_known", NOT_KNOWN, period))
            if total is None:
                continue
            if not bd.unknown:
                everyone.append([total])
            elif bd.count_unknown and unknown is not None:
                everyone.append([total, unknown])
            if name in ETHNIC_BREAKDOWNS:
                known.append([total])
        if (
            not_known is not None
            and (row := where.get(("cohort_ethnicity_not_known", "cohort", label, period))) is not None
        ):
            relations.append(_same_sum([row], [not_known]))
        for group in (everyone, known):
            relations += [_same_sum(group[0], other) for other in group[1:]]
    return relations


def _same_sum(left: list, right: list) -> suppression.Relation:
    """The relation 'sum of the cells `left` = sum of the cells `right`'."""
    relation: dict = {}
    for cell in left:
        relation[cell] = relation.get(cell, 0.0) + 1.0
    for cell in right:
        relation[cell] = relation.get(cell, 0.0) - 1.0
    return {c: v for c, v in relation.items() if v}


def extend_suppression(
    fig: pd.DataFrame,
    links: pd.Series,
    numerators: pd.Series | None = None,
    relations: list[suppression.Relation] | None = None,
) -> pd.Series:
    """Withhold, beyond the table-by-table rule, every figure from which a withheld count could be worked out.

    Repeats until nothing changes:
    * the secondary rule within each table and across the sums in `relations` (suppression.secondary);
    * the same count in two tables (White children, all children of known ethnicity) is withheld in both;
    * a figure linked to a withheld count (a rate, ratio, gap or later decision point built on it) is withheld;
    * parts are protected within their whole where both are shown (detailed ethnic groups within their broad
      group, broad minority groups within 'ethnic minority groups'): where exactly one non-zero part is
      withheld the next smallest is withheld too (or, if none, the whole); where the whole is withheld, so are
      all its non-zero parts.

    `numerators` are the true counts (before any were blanked), used to choose the next smallest.
    """
    numerators = fig["numerator"] if numerators is None else numerators
    mask = fig["suppressed"].astype(bool).copy()
    keys = fig["measure"] + "|" + fig["breakdown"] + "|" + fig["group"] + "|" + fig["period"]
    all_keys = set(keys)
    exploded = links.explode().dropna()
    parents = _parents(fig)
    is_part = parents != ""
    same = _same_counts(fig)
    has_same = same != ""
    check = fig.assign(numerator=numerators)
    while True:
        before = mask.copy()
        mask = suppression.secondary(check, mask, relations)
        if has_same.any():
            hidden_same = set(same[has_same & mask])
            mask |= has_same & same.isin(hidden_same)
        hidden = set(keys[mask])
        mask.loc[exploded[exploded.isin(hidden)].index.unique()] = True
        hidden = set(keys[mask])
        for parent, rows in fig[is_part].groupby(parents[is_part], sort=False):
            nonzero = rows.index[numerators[rows.index] > 0]
            if parent in hidden:
                mask.loc[nonzero] = True
                continue
            if parent not in all_keys:
                continue
            withheld = [i for i in nonzero if mask[i]]
            if len(withheld) == 1:
                shown = [i for i in nonzero if not mask[i]]
                if shown:
                    mask.loc[min(shown, key=lambda i: (numerators[i], i))] = True
                else:
                    mask.loc[keys.index[keys == parent]] = True
        if mask.equals(before):
            return mask


def publish(rep, fig: pd.DataFrame) -> pd.DataFrame:
    """rep.publish with this report's cross-table rules (extend_suppression) added to the shared ones."""
    links = fig["links"] if "links" in fig else pd.Series([[]] * len(fig), index=fig.index)

    def extend(framed: pd.DataFrame, mask: pd.Series) -> pd.Series:
        return extend_suppression(
            framed.assign(suppressed=mask), links.reindex(framed.index), framed["numerator"], identity_relations(framed)
        )

    return rep.publish(fig, extend=extend, exempt=not_known_counts)


def not_known_counts(fig: pd.DataFrame) -> pd.Series:
    """Counts of children whose ethnicity or sex is not recorded, which the report shows even when small: such a
    count says that records are incomplete, not anything about a child, and it is the cohort's count minus the
    total of known ethnicity (or sex), both shown. Withholding it would mean withholding that total, from which
    every percentage in the table could be worked back."""
    return fig["breakdown"].str.endswith("_not_known") | (fig["measure"] == "cohort_ethnicity_not_known")


# --- views for tables and charts ----------------------------------------------------------------------


def view(
    fig: pd.DataFrame,
    breakdown: str | tuple[str, ...],
    period: str | None = None,
    measures: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The published rows of one or more breakdowns (and one period), for a table or chart."""
    names = (breakdown,) if isinstance(breakdown, str) else tuple(breakdown)
    wanted = list(names) + [f"{n}_not_known" for n in names]
    rows = fig[fig["breakdown"].isin(wanted)]
    if period is not None:
        rows = rows[(rows["period"] == period) | (rows["measure"] == "population_share")]
    if measures is not None:
        rows = rows[rows["measure"].isin(measures)]
    return rows


def row(fig: pd.DataFrame, measure: str, breakdown: str, group: str, period: str | None = None) -> pd.Series | None:
    return figures.first(fig, measure=measure, breakdown=breakdown, group=group, period=period)


@dataclass
class Context:
    """What the notebook needs besides the figures: periods, populations' source lines, trend periods."""

    year: Period
    quarter_period: Period
    populations: dict[str, Population]
    trend_periods: list[str] = field(default_factory=list)


def context(tables: dict, quarter: Quarter) -> Context:
    return Context(
        quarter.year_ending,
        quarter.period,
        populations(tables, quarter),
        [q.year_ending.label for q in history(tables, quarter)],
    )
