"""Suspensions and permanent exclusions of children known to the YJS, against the borough.

Cohorts
-------
* **Children known to the YJS**: the children on the YJS caseload during the
  quarter (`caseload.on_caseload`), linked to a pupil record through
  ``pupil_link.csv``, who are in that academic year's school census in the
  national curriculum (NC) years covered (Years 6 to 11 unless the report says
  otherwise). Children who cannot be matched are kept, each with one reason
  (`UNMATCHED_REASONS`, checked in that order), for the analyst's private list
  and for the counts by reason in the report: never dropped silently.
* **The borough**: every pupil in the same census in the same NC years. It
  includes the children known to the YJS, as the DfE's figures include every
  pupil; they are under 1% of it.

The census is the spring census of the academic year (``pupils.csv``). Before
it exists (September to December), the previous year's census is used with
every pupil moved up one NC year (`census`), and the report says so.

Measures (for a period inside one academic year; DfE definitions where there
is one, docs/methodology.md, School exclusions)
------------------------------------------------------------------------------
* Suspensions are category FIXD. Lunchtime suspensions (LNCH) are counted
  separately and are in no other suspension figure, as in the DfE statistics.
* Children with one or more suspensions, as a share of the cohort (the DfE
  "one or more suspension rate", per 100 pupils, but counting each pupil once
  however many schools suspended them, where the DfE counts enrolments).
* Suspension rate and permanent exclusion rate: exclusions per 100 pupils.
* Suspensions per suspended child; school days lost (sessions / 2, suspensions
  only) per suspended child and per pupil in the cohort. A suspension with no
  length recorded counts as a suspension and adds no days (counted in
  `Cohort.missing_sessions`).
* Each exclusion counts in the term and academic year its first day falls in.
* YJS against borough: ratios. Shares and permanent exclusion rates use the
  Katz log interval (`intervals.katz_ratio`). Suspension rates, suspensions
  per suspended child and days lost are means of per-child counts, and
  suspensions cluster in the same children, so an interval that treats each
  suspension as independent would be too narrow: they use a ratio of means
  with a log-scale (delta method) interval built from the spread between
  children (`mean_ratio`). Both treat the two groups as independent; the
  borough includes the YJS children, which makes the intervals a little wider
  than they need be, never narrower.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.extract import columns as extract_columns
from analysis.data.lookup import isin, mapped, positions
from analysis.data.quarters import (
    Period,
    Quarter,
    academic_year,
    academic_year_label,
    academic_year_of,
)
from analysis.measures import caseload as caseload_module
from analysis.measures import characteristics
from analysis.safety import figures
from analysis.stats import intervals

SUSPENSION, PERMANENT, LUNCHTIME = "FIXD", "PERM", "LNCH"
NC_FROM, NC_TO = 6, 11
YJS, BOROUGH, RATIO = "yjs", "borough", "ratio"
TOTAL = figures.TOTAL

# --- matching children to pupils --------------------------------------------------------------
MATCHED = "Matched to a pupil record"
LINK_SET_ASIDE = "Link record set aside by the data checks"
NO_LINK = "No link to a pupil record"
SHARED_PUPIL = "Linked pupil record is also linked to another child"
NOT_IN_CENSUS = "Linked pupil not in this academic year's school census"
OUT_OF_RANGE = "Outside the national curriculum years covered"
UNMATCHED_REASONS = (LINK_SET_ASIDE, NO_LINK, SHARED_PUPIL, NOT_IN_CENSUS, OUT_OF_RANGE)
UNMATCHED_FILE = "exclusions_unmatched_children.csv"

# --- groups ----------------------------------------------------------------------------------
SEN_GROUPS = {"E": "EHCP", "K": "SEN support", "N": "No SEN"}
PHASE_GROUPS = {
    "PRIMARY": "Primary school",
    "SECONDARY": "Secondary school",
    "SPECIAL": "Special school",
    "AP": "Alternative provision",
}
SEX_GROUPS = dict(codes.SEX_CENSUS)
ETHNIC_GROUPS = (*codes.ETHNIC_GROUPS, codes.NOT_KNOWN)
LOOKED_AFTER, NOT_LOOKED_AFTER = "Looked after", "Not looked after"
NOT_RECORDED = "Not recorded"
BEFORE, AFTER = "Before first youth justice involvement", "On or after first youth justice involvement"

# Terms: a fixed-date rule (project choice; the real spring term ends at Easter, which moves). Autumn is
# September to December, spring January to March, summer April to August, so a financial-year Q3 or Q4
# report always ends on a term boundary.
TERMS = ("Autumn", "Spring", "Summer")
_TERM_OF_MONTH = np.array(
    [
        "",
        "Spring",
        "Spring",
        "Spring",
        "Summer",
        "Summer",
        "Summer",
        "Summer",
        "Summer",
        "Autumn",
        "Autumn",
        "Autumn",
        "Autumn",
    ]
)
_TERM_START = {"Autumn": (0, 9), "Spring": (1, 1), "Summer": (1, 4)}  # (years after the academic year starts, month)


class NCYearError(ValueError):
    """NC-year parameters that make no sense."""


def check_nc_years(nc_from, nc_to) -> tuple[int, int]:
    """The NC-year range as two whole numbers from 0 (reception) to 14, the first no larger than the second.

    Whole numbers written as text ("7", as `refresh --set nc_year_from=7` passes them) are accepted."""
    nc_from, nc_to = (int(v) if isinstance(v, str) and v.strip().isdigit() else v for v in (nc_from, nc_to))
    for name, value in (("nc_year_from", nc_from), ("nc_year_to", nc_to)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= 14:
            raise NCYearError(f"{name} must be a whole number from 0 (reception) to 14, not {value!r}")
    if nc_from > nc_to:
        raise NCYearError(f"nc_year_from ({nc_from}) must not be after nc_year_to ({nc_to})")
    return int(nc_from), int(nc_to)


def nc_label(nc_from: int, nc_to: int) -> str:
    """'Years 6 to 11', 'Year 9', 'Reception to Year 6'."""
    name = lambda n: "Reception" if n == 0 else f"Year {n}"
    if nc_from == nc_to:
        return name(nc_from)
    if nc_from == 0:
        return f"Reception to Year {nc_to}"
    return f"Years {nc_from} to {nc_to}"


# ======================================================================================
# Cohorts
# ======================================================================================


def rows_where(frame: pd.DataFrame, mask) -> pd.DataFrame:
    """frame[mask] for a mask of the frame's rows (a missing value counts as False), filtered one column at a
    time: pandas filters an Arrow-backed column in Arrow, but takes a frame's rows by position, which is
    slower on long columns read from Parquet (about a quarter, for a year's rows of the census)."""
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False)
    mask = np.asarray(mask, dtype=bool)
    return pd.DataFrame({c: frame[c].array[mask] for c in frame.columns}, index=frame.index[mask], copy=False)


COHORT_COLUMNS = ["pupil_id", "phase", "nc_year", "sex", "ethnicity", "sen_provision"]  # of each pupil in a cohort
CENSUS_COLUMNS = ["academic_year", *COHORT_COLUMNS]  # what the cohorts read from the census
CENSUS_CODES = ("academic_year", "phase", "sex", "ethnicity", "sen_provision")  # read as categories


def census(pupils: pd.DataFrame, year: str) -> tuple[pd.DataFrame, bool]:
    """The census rows for academic year `year` ('2025/26'), and whether they were rolled forward.

    Until the year's spring census exists, the previous year's is used with each pupil one NC year
    older (primary pupils reaching Year 7 counted as secondary)."""
    rows = rows_where(pupils, pupils["academic_year"] == year)
    if len(rows):
        return rows, False
    before = rows_where(pupils, pupils["academic_year"] == academic_year_label(int(year[:4]) - 1))
    if before.empty:
        return before, False
    nc = before["nc_year"] + 1
    phase = before["phase"]
    if isinstance(phase.dtype, pd.CategoricalDtype) and "SECONDARY" not in phase.cat.categories:
        phase = phase.cat.add_categories(["SECONDARY"])
    phase = phase.where(~((phase == "PRIMARY") & (nc >= 7)), "SECONDARY")
    rolled = before.assign(academic_year=year, nc_year=nc, phase=phase)
    return rows_where(rolled, rolled["nc_year"] <= 14), True


def set_aside_link_children(quarantine_dir: str | Path | None) -> list[str]:
    """Children whose pupil_link row the data checks set aside (from the quarantine copy, if there is one)."""
    if quarantine_dir is None:
        return []
    path = Path(quarantine_dir) / "pupil_link.csv"
    if not path.exists():
        return []
    rows = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=lambda c: c == "child_id")
    return sorted(set(rows["child_id"].str.strip()) - {""}) if "child_id" in rows else []


def link_children(
    child_ids: pd.Series,
    pupil_link: pd.DataFrame,
    census_rows: pd.DataFrame,
    nc_from: int,
    nc_to: int,
    set_aside: list[str] | tuple = (),
) -> pd.DataFrame:
    """One row per child: child_id, pupil_id, nc_year, reason (MATCHED, or the first of UNMATCHED_REASONS that applies).

    A pupil linked to more than one child is a linkage error: none of those children is matched."""
    kids = pd.DataFrame({"child_id": pd.Series(child_ids, dtype="string").drop_duplicates().reset_index(drop=True)})
    link = pupil_link[["child_id", "pupil_id"]].astype("string").drop_duplicates("child_id")
    shared = pupil_link["pupil_id"][pupil_link["pupil_id"].duplicated(keep=False)]
    out = kids.merge(link, on="child_id", how="left")
    cen = census_rows[["pupil_id", "nc_year"]]
    cen = cen[isin(cen["pupil_id"], out["pupil_id"])]  # the linked pupils' rows only, so the merge is small
    out = out.merge(cen.astype({"pupil_id": "string"}).drop_duplicates("pupil_id"), on="pupil_id", how="left")
    no_link = out["pupil_id"].isna().to_numpy()
    conditions = [
        no_link & isin(out["child_id"], list(set_aside)),
        no_link,
        isin(out["pupil_id"], shared),
        out["nc_year"].isna().to_numpy(),
        ~out["nc_year"].between(nc_from, nc_to).fillna(False).to_numpy(bool),
    ]
    out["reason"] = np.select(conditions, UNMATCHED_REASONS, MATCHED)
    return out


@dataclass
class Cohort:
    """The YJS and borough cohorts for one period, with each pupil's exclusions in it."""

    quarter: Quarter  # whose caseload is the YJS cohort
    period: Period  # exclusions counted in this period (inside one academic year)
    academic_year: str
    label: str  # '2025/26 to 31 March 2026' or '2024/25'
    nc_from: int
    nc_to: int
    rolled_forward: bool  # the census is last year's, moved up a year
    caseload: pd.DataFrame  # child_id, tier: every child on the caseload during the quarter
    linkage: pd.DataFrame  # one row per caseload child: child_id, pupil_id, nc_year, reason, academic_year
    pupils: pd.DataFrame  # one row per borough pupil: characteristics, yjs, child_id, and totals in the period
    exclusions: pd.DataFrame  # the period's exclusions of these pupils, with yjs and child_id
    not_in_census: int  # exclusions in the period, in the NC years by their own record, of pupils not in the census
    missing_sessions: int  # suspensions in the period with no length recorded
    no_census: bool = False  # the extract has no census rows for the year or the year before: no school data at all

    @property
    def yjs(self) -> pd.DataFrame:
        return self.pupils[self.pupils["yjs"]]

    @property
    def nc_text(self) -> str:
        return nc_label(self.nc_from, self.nc_to)


def _period_label(period: Period) -> str:
    year = academic_year_of(period.start)
    full = academic_year(year)
    if period.start == full.start and period.end == full.end:
        return year
    return f"{year} to {period.end.day} {period.end:%B %Y}"


def _labels(values: pd.Series, lookup) -> pd.Categorical:
    """lookup(values), for a `lookup` that labels each value on its own (as text), worked out once per distinct
    value (blank included) rather than once per pupil; held as categories (a small number per pupil, not a
    copy of the text: a national census has millions of pupils in each year's cohort)."""
    codes_, uniques = pd.factorize(values, use_na_sentinel=False)
    label_codes, labels = pd.factorize(lookup(pd.Series(uniques, dtype=object)), use_na_sentinel=False)
    return pd.Categorical.from_codes(label_codes[codes_], categories=pd.Index(labels, dtype=str))


def build_cohort(
    tables: dict,
    quarter: Quarter | str,
    nc_from: int = NC_FROM,
    nc_to: int = NC_TO,
    *,
    period: Period | None = None,
    set_aside_links: list[str] | tuple = (),
    census_rows: tuple[pd.DataFrame, bool] | None = None,
) -> Cohort:
    """The cohorts for `period` (by default the academic year to date at the end of `quarter`), the YJS one
    being the children on the caseload during `quarter`.

    `census_rows` is what `census` gives for the period's academic year, if the caller already has it.
    The census has one row per pupil (the contract's key), so each exclusion finds its pupil by position."""
    quarter = Quarter.parse(quarter)
    nc_from, nc_to = check_nc_years(nc_from, nc_to)
    period = period or quarter.academic_year_to_date
    year = academic_year_of(period.start)
    if academic_year_of(period.end) != year:
        raise ValueError(f"{period.label} runs over two academic years; measure one at a time")
    cen, rolled = census_rows if census_rows is not None else census(tables["pupils"], year)
    # With no census rows for the year or the year before there is no school data: the cohorts are empty (every
    # figure is about no pupils) and `no_census` lets the report say so rather than stop.
    on = caseload_module.on_caseload(tables["caseload"], quarter.period)
    linkage = link_children(on["child_id"], tables["pupil_link"], cen, nc_from, nc_to, set_aside_links)
    linkage["academic_year"] = year

    borough = rows_where(cen[COHORT_COLUMNS], cen["nc_year"].between(nc_from, nc_to)).reset_index(drop=True)
    borough["pupil_id"] = borough["pupil_id"].astype("string")
    matched = linkage[linkage["reason"] == MATCHED]
    borough["child_id"] = matched["child_id"].array.take(
        positions(borough["pupil_id"], matched["pupil_id"]), allow_fill=True
    )
    borough["yjs"] = borough["child_id"].notna().to_numpy(bool)
    borough["sen"] = _labels(borough["sen_provision"], lambda v: v.map(SEN_GROUPS).fillna(codes.NOT_KNOWN).astype(str))
    borough["school_phase"] = _labels(
        borough["phase"], lambda v: v.map(PHASE_GROUPS).fillna(codes.NOT_KNOWN).astype(str)
    )
    borough["sex_group"] = _labels(borough["sex"], lambda v: v.map(SEX_GROUPS).fillna(codes.NOT_KNOWN).astype(str))
    borough["ethnic_group"] = _labels(borough["ethnicity"], characteristics.ethnic_groups)
    # the census codes are labelled now; a national cohort holds millions of pupils, so they are not kept
    borough = borough.drop(columns=["phase", "sex", "ethnicity", "sen_provision"])

    ex = tables["exclusions"]
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    ex = rows_where(ex, (ex["start_date"] >= start) & (ex["start_date"] <= end))
    row = positions(ex["pupil_id"], borough["pupil_id"])  # each exclusion's pupil in the borough, -1 if not in it
    in_cohort = row >= 0
    maybe_outside = ~in_cohort & ex["nc_year"].between(nc_from, nc_to).fillna(False).to_numpy(bool)
    not_in_census = int((~isin(ex["pupil_id"][maybe_outside], cen["pupil_id"])).sum())
    ex, row = rows_where(ex, in_cohort).reset_index(drop=True), row[in_cohort]
    ex["yjs"] = borough["yjs"].to_numpy()[row]
    ex["child_id"] = borough["child_id"].array.take(row)

    # each pupil's totals in the period, added up by their row in the borough (days in halves: exact sums)
    susp = (ex["category"] == SUSPENSION).to_numpy(bool)
    sessions = ex["sessions"].astype("float64").to_numpy()
    count = lambda mask: np.bincount(row[mask], minlength=len(borough)).astype(np.int64)
    borough["suspensions"] = count(susp)
    borough["days"] = np.bincount(row, weights=np.where(susp, np.nan_to_num(sessions) / 2, 0.0), minlength=len(borough))
    borough["permanent"] = count((ex["category"] == PERMANENT).to_numpy(bool))
    borough["lunchtime"] = count((ex["category"] == LUNCHTIME).to_numpy(bool))
    return Cohort(
        quarter=quarter,
        period=period,
        academic_year=year,
        label=_period_label(period),
        nc_from=nc_from,
        nc_to=nc_to,
        rolled_forward=rolled,
        caseload=on,
        linkage=linkage,
        pupils=borough,
        exclusions=ex,
        not_in_census=not_in_census,
        missing_sessions=int((susp & np.isnan(sessions)).sum()),
        no_census=bool(cen.empty),
    )


def yearly_cohorts(
    tables: dict,
    quarter: Quarter | str,
    nc_from: int = NC_FROM,
    nc_to: int = NC_TO,
    *,
    previous: int = 3,
    set_aside_links: list[str] | tuple = (),
) -> list[Cohort]:
    """The academic year to date at the quarter's end, then up to `previous` earlier full academic years
    (newest first), each with the caseload of the same quarter of its year as the YJS cohort. Years with
    no census are left out."""
    quarter = Quarter.parse(quarter)
    # the census columns used, read for these cohorts only (a national census is 20 million rows), codes as categories
    pupils = extract_columns(tables, "pupils", CENSUS_COLUMNS, CENSUS_CODES)
    now = census(pupils, academic_year_of(quarter.academic_year_to_date.start))
    out = [build_cohort(tables, quarter, nc_from, nc_to, set_aside_links=set_aside_links, census_rows=now)]
    for back in range(1, previous + 1):
        earlier = quarter.shift(-4 * back)
        year = academic_year_of(earlier.end)
        cen = census(pupils, year)
        if cen[0].empty:
            break
        out.append(
            build_cohort(
                tables,
                earlier,
                nc_from,
                nc_to,
                period=academic_year(year),
                set_aside_links=set_aside_links,
                census_rows=cen,
            )
        )
    return out


def write_unmatched(cohort: Cohort, quarantine_dir: str | Path) -> Path:
    """The children on the caseload who were not matched, with their reason, for the analyst only
    (`quarantine_dir` holds personal data and is never published)."""
    path = Path(quarantine_dir) / UNMATCHED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = cohort.linkage[cohort.linkage["reason"] != MATCHED]
    rows = rows.assign(quarter=cohort.quarter.label, nc_years=cohort.nc_text)
    rows[["quarter", "child_id", "pupil_id", "academic_year", "nc_year", "nc_years", "reason"]].to_csv(
        path, index=False
    )
    return path


# ======================================================================================
# Intervals for means of per-child counts
# ======================================================================================


def _log_mean_se(total, sumsq, n):
    """Mean of per-child values and the standard error of its log (delta method); nan where undefined."""
    total, sumsq, n = (np.asarray(v, dtype=float) for v in (total, sumsq, n))
    with np.errstate(all="ignore"):
        mean = total / n
        var = (sumsq - n * mean**2) / (n - 1)
        se = np.sqrt(np.maximum(var, 0) / n) / mean
    ok = (n >= 2) & (total > 0)
    return np.where(n > 0, mean, np.nan), np.where(ok, se, np.nan)


def mean_interval(total, sumsq, n, level: float = 0.95):
    """A mean of per-child counts (total / n) with a 95% interval on the log scale (delta method).

    `sumsq` is the sum of the squared per-child values. Returns (mean, lower, upper); the interval is
    nan for fewer than two children or a zero total."""
    z = intervals.z_value(level)
    mean, se = _log_mean_se(total, sumsq, n)
    with np.errstate(all="ignore"):
        return mean, mean * np.exp(-z * se), mean * np.exp(z * se)


def mean_ratio(total1, sumsq1, n1, total2, sumsq2, n2, level: float = 0.95):
    """Ratio of two means of per-child counts, (total1/n1) / (total2/n2), with a log-scale interval.

    Method (a project choice): SE[ln R] = sqrt(s1^2 / (n1 m1^2) + s2^2 / (n2 m2^2)) with s the standard
    deviation between children, so a child with many suspensions widens the interval as it should.
    Returns (ratio, lower, upper); nan where a mean is zero or a group has fewer than two children."""
    z = intervals.z_value(level)
    m1, se1 = _log_mean_se(total1, sumsq1, n1)
    m2, se2 = _log_mean_se(total2, sumsq2, n2)
    with np.errstate(all="ignore"):
        ratio = np.where(m2 > 0, m1 / m2, np.nan)
        se = np.sqrt(se1**2 + se2**2)
        return ratio, ratio * np.exp(-z * se), ratio * np.exp(z * se)


# ======================================================================================
# Figures
# ======================================================================================

SUMS = ("n", "k", "S", "S2", "D", "D2", "P", "L")

# measure: (kind, numerator, denominator, unit, label of the YJS unit, label of the borough unit)
UNITS = {
    "pupils": "children",
    "one_plus_suspension_rate": "% suspended at least once",
    "suspension_rate": "suspensions per 100 pupils",
    "suspensions_per_suspended_child": "suspensions per suspended child",
    "days_lost_per_suspended_child": "school days lost per suspended child",
    "days_lost_per_pupil": "school days lost per pupil",
    "permanent_exclusion_rate": "permanent exclusions per 100 pupils",
    "lunchtime_suspensions": "lunchtime suspensions",
}
ALL_MEASURES = tuple(UNITS)
BREAKDOWN_MEASURES = ("one_plus_suspension_rate", "suspension_rate", "permanent_exclusion_rate")
RATIO_MEASURES = (
    "one_plus_suspension_rate",
    "suspension_rate",
    "suspensions_per_suspended_child",
    "days_lost_per_suspended_child",
    "days_lost_per_pupil",
    "permanent_exclusion_rate",
)


def sums(pupils: pd.DataFrame, by: str | None = None, groups: list[str] | None = None) -> pd.DataFrame:
    """Per group (and an 'All' row): pupils n, suspended k, suspensions S and their squares S2, days lost D
    and D2, permanent exclusions P, lunchtime suspensions L. Groups absent from the data get zeros."""
    p = pupils
    s, d = p["suspensions"].to_numpy(np.int64), p["days"].to_numpy(float)
    values = {
        "n": np.ones(len(p)),
        "k": s > 0,
        "S": s,
        "S2": s**2,
        "D": d,
        "D2": d**2,
        "P": p["permanent"].to_numpy(np.int64),
        "L": p["lunchtime"].to_numpy(np.int64),
    }
    # Each pupil's group as a whole-number code (groups in order of first appearance; a blank group is left out
    # of the groups but counts in the total). Days come in halves, so every sum here is exact in any order.
    code, names = pd.factorize(p[by].astype(str)) if by else (np.zeros(len(p), np.int64), [TOTAL])
    named = slice(None) if (code >= 0).all() else code >= 0
    out = pd.DataFrame(
        {
            c: np.bincount(code[named], weights=np.asarray(v, float)[named], minlength=len(names))
            for c, v in values.items()
        },
        index=pd.Index(list(names), dtype="str", name="group"),
    )
    if by:
        out = out.reindex(list(groups) if groups is not None else sorted(out.index), fill_value=0.0)
        out.loc[TOTAL] = [np.asarray(v, float).sum() for v in values.values()]
    return out.astype(float)


def _cohort_rows(
    prefix: str, s: pd.DataFrame, measures, period: str, breakdown: str, group_of=lambda g: g
) -> list[dict]:
    rows = []
    n, k, S, D, P = (s[c].to_numpy() for c in ("n", "k", "S", "D", "P"))
    wil_lo, wil_hi = intervals.wilson(k, n)
    sr, sr_lo, sr_hi = mean_interval(S, s["S2"], n)
    spc, spc_lo, spc_hi = mean_interval(S, s["S2"], k)
    dpc, dpc_lo, dpc_hi = mean_interval(D, s["D2"], k)
    dpp, dpp_lo, dpp_hi = mean_interval(D, s["D2"], n)
    pr, pr_lo, pr_hi = intervals.rate(P, n, per=100)
    with np.errstate(all="ignore"):
        share = np.where(n > 0, 100 * k / n, np.nan)
    spec = {
        "pupils": ("count", n, np.nan, n, np.nan, np.nan),
        "one_plus_suspension_rate": ("share", k, n, share, 100 * wil_lo, 100 * wil_hi),
        "suspension_rate": ("rate", S, n, 100 * sr, 100 * sr_lo, 100 * sr_hi),
        "suspensions_per_suspended_child": ("mean", S, k, spc, spc_lo, spc_hi),
        "days_lost_per_suspended_child": ("mean", D, k, dpc, dpc_lo, dpc_hi),
        "days_lost_per_pupil": ("mean", D, n, dpp, dpp_lo, dpp_hi),
        "permanent_exclusion_rate": ("rate", P, n, pr, pr_lo, pr_hi),
        "lunchtime_suspensions": ("count", s["L"].to_numpy(), np.nan, s["L"].to_numpy(), np.nan, np.nan),
    }
    unit_pupils = "children" if prefix == YJS else "pupils"
    for measure in measures:
        kind, num, den, val, lo, hi = spec[measure]
        for i, g in enumerate(s.index):
            pick = lambda a: a[i] if np.ndim(a) else a
            rows.append(
                {
                    "measure": f"{prefix}_{measure}",
                    "breakdown": breakdown,
                    "group": group_of(g),
                    "period": period,
                    "kind": kind,
                    "numerator": pick(num),
                    "denominator": pick(den),
                    "value": pick(val),
                    "lower": pick(lo),
                    "upper": pick(hi),
                    "unit": unit_pupils if measure == "pupils" else UNITS[measure],
                }
            )
    return rows


def _ratio_rows(
    y: pd.DataFrame, b: pd.DataFrame, measures, period: str, breakdown: str, group_of=lambda g: g
) -> list[dict]:
    """YJS figure divided by the borough figure, per group. `numerator` and `numerator_2` are the children
    (or permanent exclusions) each side rests on, so a ratio is withheld when either is small."""
    rows = []
    b = b.reindex(y.index)
    ny, ky, nb, kb = y["n"].to_numpy(), y["k"].to_numpy(), b["n"].to_numpy(), b["k"].to_numpy()
    Py, Pb = y["P"].to_numpy(), b["P"].to_numpy()
    ok_p = (Py <= ny) & (Pb <= nb)
    computed = {
        "one_plus_suspension_rate": (intervals.katz_ratio(ky, ny, kb, nb), ky, kb),
        "suspension_rate": (mean_ratio(y["S"], y["S2"], ny, b["S"], b["S2"], nb), ky, kb),
        "suspensions_per_suspended_child": (mean_ratio(y["S"], y["S2"], ky, b["S"], b["S2"], kb), ky, kb),
        "days_lost_per_suspended_child": (mean_ratio(y["D"], y["D2"], ky, b["D"], b["D2"], kb), ky, kb),
        "days_lost_per_pupil": (mean_ratio(y["D"], y["D2"], ny, b["D"], b["D2"], nb), ky, kb),
        "permanent_exclusion_rate": (
            intervals.katz_ratio(np.where(ok_p, Py, 0), ny, np.where(ok_p, Pb, 0), nb),
            Py,
            Pb,
        ),
    }
    for measure in measures:
        (ratio, lo, hi), num, num2 = computed[measure]
        ratio, lo, hi = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (ratio, lo, hi))
        if measure == "permanent_exclusion_rate":
            ratio, lo, hi = (np.where(ok_p, a, np.nan) for a in (ratio, lo, hi))
        for i, g in enumerate(y.index):
            rows.append(
                {
                    "measure": f"{RATIO}_{measure}",
                    "breakdown": breakdown,
                    "group": group_of(g),
                    "period": period,
                    "kind": "ratio",
                    "numerator": num[i],
                    "numerator_2": num2[i],
                    "value": ratio[i],
                    "lower": lo[i],
                    "upper": hi[i],
                    "unit": f"YJS figure divided by borough figure ({UNITS[measure]})",
                }
            )
    return rows


def protect_ratios(fig: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """For ``rep.publish(extend=...)``: withhold each ratio whose YJS figure is withheld (by the primary or the
    secondary rule), since the ratio times the borough figure would give it back. The standard rules only look
    at the ratio's own two counts."""
    is_ratio = fig["measure"].str.startswith(f"{RATIO}_")
    key = fig["breakdown"] + "|" + fig["group"] + "|" + fig["period"]
    hidden = set(fig["measure"][mask & ~is_ratio] + "|" + key[mask & ~is_ratio])
    component = YJS + "_" + fig["measure"].str.removeprefix(f"{RATIO}_") + "|" + key
    return mask | (is_ratio & component.isin(hidden))


def compare(
    cohort: Cohort,
    *,
    by: str | None = None,
    breakdown: str = "all",
    groups: list[str] | None = None,
    measures=ALL_MEASURES,
    ratios=RATIO_MEASURES,
    group: str = TOTAL,
    yjs_only: bool = False,
) -> pd.DataFrame:
    """YJS and borough figures (and their ratios) for the cohort, overall or split by a pupil column.

    Without `by`, there is one group, named `group` ('All' unless given, e.g. the academic year)."""
    period = cohort.period.label
    group_of = (lambda g: g) if by else (lambda g: group)
    y = sums(cohort.yjs, by, groups)
    rows = _cohort_rows(YJS, y, measures, period, breakdown, group_of)
    if not yjs_only:
        b = sums(cohort.pupils, by, groups)
        rows += _cohort_rows(BOROUGH, b, measures, period, breakdown, group_of)
        rows += _ratio_rows(y, b, [m for m in ratios if m in measures], period, breakdown, group_of)
    return figures.frame(rows)


def headline(cohort: Cohort) -> pd.DataFrame:
    """Every measure for the YJS and the borough, their ratios, and the YJS share of the borough's permanent
    exclusions."""
    fig = compare(cohort)
    share = share_of_permanent_exclusions(cohort)
    return pd.concat([fig, share], ignore_index=True)


def share_of_permanent_exclusions(cohort: Cohort, group: str = TOTAL, breakdown: str = "all") -> pd.DataFrame:
    p_yjs = int(cohort.yjs["permanent"].sum())
    p_all = int(cohort.pupils["permanent"].sum())
    lo, hi = intervals.wilson(p_yjs, p_all)
    return figures.frame(
        [
            {
                "measure": "yjs_share_of_permanent_exclusions",
                "breakdown": breakdown,
                "group": group,
                "period": cohort.period.label,
                "kind": "share",
                "numerator": p_yjs,
                "denominator": p_all,
                "value": 100 * p_yjs / p_all if p_all else np.nan,
                "lower": 100 * lo,
                "upper": 100 * hi,
                "unit": "% of the borough's permanent exclusions",
            }
        ]
    )


def by_year(cohorts: list[Cohort]) -> pd.DataFrame:
    """The headline measures for each academic year (oldest first), grouped by the year's label."""
    parts = []
    for c in reversed(cohorts):
        parts.append(compare(c, breakdown="academic_year", group=c.label))
        parts.append(share_of_permanent_exclusions(c, group=c.label, breakdown="academic_year"))
    return pd.concat(parts, ignore_index=True)


BREAKDOWNS = {
    # breakdown: (pupil column, groups in order)
    "sen": ("sen", [*SEN_GROUPS.values()]),
    "school_phase": ("school_phase", [*PHASE_GROUPS.values()]),
    "sex": ("sex_group", [*SEX_GROUPS.values()]),
    "ethnic_group": ("ethnic_group", list(ETHNIC_GROUPS)),
}


def by_characteristic(cohort: Cohort, breakdown: str) -> pd.DataFrame:
    """One or more suspension rate, suspension rate and permanent exclusion rate for the YJS and the borough,
    and the ratio of the first, by SEN status, school phase, sex or ethnic group (from the census), with a total."""
    column, groups = BREAKDOWNS[breakdown]
    present = set(cohort.pupils[column].unique())
    groups = [g for g in groups if g in present or g != codes.NOT_KNOWN]
    return compare(
        cohort,
        by=column,
        breakdown=breakdown,
        groups=groups,
        measures=BREAKDOWN_MEASURES,
        ratios=("one_plus_suspension_rate",),
    )


def by_looked_after(cohort: Cohort, tables: dict, on: date | None = None) -> pd.DataFrame:
    """The YJS figures by looked-after status on `on` (the quarter's last day unless given). The census does not
    say which pupils are looked after, so there is no borough figure."""
    on = pd.Timestamp(on or cohort.quarter.end)
    yjs = cohort.yjs
    pairs = pd.DataFrame({"child_id": yjs["child_id"].astype(object).to_numpy(), "date": on})
    status = characteristics.looked_after_on(tables, pairs).to_numpy(bool)
    pupils = cohort.pupils.copy()
    pupils["looked_after"] = ""
    pupils.loc[yjs.index, "looked_after"] = np.where(status, LOOKED_AFTER, NOT_LOOKED_AFTER)
    view = Cohort(**{**cohort.__dict__, "pupils": pupils})
    return compare(
        view,
        by="looked_after",
        breakdown="looked_after",
        groups=[LOOKED_AFTER, NOT_LOOKED_AFTER],
        measures=BREAKDOWN_MEASURES,
        yjs_only=True,
    )


def _counts_table(
    values: pd.Series,
    yjs: pd.Series,
    measure: str,
    groups: list[str],
    period: str,
    breakdown: str,
    unit: str,
    kind: str = "count",
) -> list[dict]:
    """Counts (or shares of the total) of YJS and borough events by group, with an 'All' row."""
    rows = []
    for prefix, mask in ((YJS, yjs.to_numpy(bool)), (BOROUGH, np.ones(len(values), bool))):
        counts = values[mask].value_counts()
        total = int(mask.sum())
        for g in [*groups, TOTAL]:
            n = total if g == TOTAL else int(counts.get(g, 0))
            row = {
                "measure": f"{prefix}_{measure}",
                "breakdown": breakdown,
                "group": g,
                "period": period,
                "kind": kind,
                "numerator": n,
                "value": n,
                "unit": unit,
            }
            if kind == "share":
                row.update(denominator=total, value=100 * n / total if total else np.nan)
            rows.append(row)
    return rows


def by_reason(cohort: Cohort) -> pd.DataFrame:
    """Suspensions (count and share) and permanent exclusions by main reason, YJS and borough. Reasons with no
    exclusion in the borough are left out; the rest are in order of borough suspensions, most first. With no
    suspension or permanent exclusion at all in the period (an empty cohort), every reason is recorded, in the
    DfE's order, as a count of 0 (its share undefined), rather than a table with a total and no reasons."""
    ex = cohort.exclusions
    label = ex["reason"].map(codes.EXCLUSION_REASONS).fillna(codes.NOT_KNOWN).astype(str)
    susp = (ex["category"] == SUSPENSION).to_numpy(bool)
    perm = (ex["category"] == PERMANENT).to_numpy(bool)
    order = (
        label[susp].value_counts().sort_index(kind="stable").sort_values(ascending=False, kind="stable").index.tolist()
    )
    order += sorted(set(label[perm]) - set(order))
    if not order:
        order = list(dict.fromkeys(codes.EXCLUSION_REASONS.values()))
    period = cohort.period.label
    rows = _counts_table(
        label[susp],
        ex.loc[susp, "yjs"],
        "suspensions_by_reason",
        order,
        period,
        "reason",
        "% of suspensions",
        kind="share",
    )
    rows += _counts_table(
        label[perm],
        ex.loc[perm, "yjs"],
        "permanent_exclusions_by_reason",
        order,
        period,
        "reason",
        "permanent exclusions",
    )
    return figures.frame(rows)


def by_provision(cohort: Cohort) -> pd.DataFrame:
    """Permanent exclusions by where the pupil now receives education, YJS and borough ('Not recorded' if blank)."""
    ex = cohort.exclusions[(cohort.exclusions["category"] == PERMANENT).to_numpy(bool)]
    label = ex["post_exclusion_provision"].map(codes.POST_EXCLUSION_PROVISION).fillna(NOT_RECORDED).astype(str)
    groups = [*codes.POST_EXCLUSION_PROVISION.values(), NOT_RECORDED]
    return figures.frame(
        _counts_table(
            label,
            ex["yjs"],
            "permanent_exclusions_by_provision",
            groups,
            cohort.period.label,
            "post_exclusion_provision",
            "permanent exclusions",
        )
    )


# --- terms -------------------------------------------------------------------------------------


def term_of(dates: pd.Series) -> pd.DataFrame:
    """Academic year ('2024/25') and term ('Autumn', 'Spring', 'Summer') of each date, by the fixed-date rule."""
    d = pd.to_datetime(dates)
    first = d.dt.year - (d.dt.month < 9).astype(int)
    year = first.astype(str) + "/" + ((first + 1) % 100).astype(str).str.zfill(2)
    return pd.DataFrame(
        {"academic_year": year.to_numpy(), "term": _TERM_OF_MONTH[d.dt.month.to_numpy()]}, index=dates.index
    )


def term_label(year: str, term: str) -> str:
    """'Autumn term 2024' for the autumn of 2024/25, 'Spring term 2025' for its spring."""
    offset, _ = _TERM_START[term]
    return f"{term} term {int(year[:4]) + offset}"


def terms_in(period: Period) -> list[tuple[str, bool]]:
    """The terms that begin inside `period`, as (term, complete?) pairs."""
    year = academic_year_of(period.start)
    first = int(year[:4])
    out = []
    ends = {"Autumn": date(first, 12, 31), "Spring": date(first + 1, 3, 31), "Summer": date(first + 1, 8, 31)}
    for term in TERMS:
        offset, month = _TERM_START[term]
        start = date(first + offset, month, 1)
        if start <= period.end and ends[term] >= period.start:
            out.append((term, ends[term] <= period.end))
    return out


def by_term(cohorts: list[Cohort]) -> pd.DataFrame:
    """Suspensions and the share of each cohort suspended at least once in each term, YJS and borough, oldest
    first, with each year's total as its 'All' row (so suppression can protect the terms against it)."""
    rows = []
    for c in reversed(cohorts):
        susp = (c.exclusions["category"] == SUSPENSION).to_numpy(bool)
        ex = c.exclusions.loc[susp, ["pupil_id", "start_date", "yjs"]]
        terms = _TERM_OF_MONTH[ex["start_date"].dt.month.to_numpy()]  # as term_of, without the academic year
        pupil = pd.factorize(ex["pupil_id"])[0]  # whole-number codes, to count distinct pupils
        period = c.period.label
        labels = {
            t: term_label(c.academic_year, t) + ("" if complete else f" (to {c.period.end.day} {c.period.end:%B})")
            for t, complete in terms_in(c.period)
        }
        for prefix, mask, n in (
            (YJS, ex["yjs"].to_numpy(bool), int(c.pupils["yjs"].sum())),
            (BOROUGH, np.ones(len(ex), bool), len(c.pupils)),
        ):
            for term, group in [*labels.items(), (None, TOTAL)]:
                sel = pupil[mask if term is None else mask & (terms == term)]
                k = len(np.unique(sel[sel >= 0]))
                lo, hi = intervals.wilson(k, n)
                rows.append(
                    {
                        "measure": f"{prefix}_term_suspensions",
                        "breakdown": "term",
                        "group": group,
                        "period": period,
                        "kind": "count",
                        "numerator": len(sel),
                        "value": len(sel),
                        "unit": "suspensions",
                    }
                )
                rows.append(
                    {
                        "measure": f"{prefix}_term_one_plus_suspension_rate",
                        "breakdown": "term",
                        "group": group,
                        "period": period,
                        "kind": "share",
                        "numerator": k,
                        "denominator": n,
                        "value": 100 * k / n if n else np.nan,
                        "lower": 100 * lo,
                        "upper": 100 * hi,
                        "unit": "% suspended at least once in the term",
                    }
                )
    return figures.frame(rows)


# --- timing --------------------------------------------------------------------------------------


def first_involvement(tables: dict) -> pd.Series:
    """Each child's first youth justice involvement: the earlier of their first caseload episode start and their
    first legal outcome (of any kind, diversion included), as far back as the extract goes."""
    starts = tables["caseload"][["child_id", "start_date"]].rename(columns={"start_date": "date"})
    outcomes = tables["outcomes"][["child_id", "outcome_date"]].rename(columns={"outcome_date": "date"})
    both = pd.concat([starts, outcomes], ignore_index=True)
    return both.groupby("child_id")["date"].min()


def timing(cohort: Cohort, tables: dict, until: date | None = None) -> pd.DataFrame:
    """For the YJS cohort: suspensions and permanent exclusions on record (any academic year, up to `until`,
    by default the quarter's end) before and on or after each child's first youth justice involvement, and
    the children whose first suspension came before or after it."""
    until = pd.Timestamp(until or cohort.quarter.end)
    kids = cohort.yjs[["child_id", "pupil_id"]]
    ex = tables["exclusions"]
    ex = ex[isin(ex["pupil_id"], kids["pupil_id"]) & (ex["start_date"] <= until).to_numpy(bool)]
    ex = ex.merge(kids, on="pupil_id", how="left")
    first = first_involvement(tables)
    involved = mapped(ex["child_id"].astype(object), first)
    when = np.where((ex["start_date"] < involved).fillna(False).to_numpy(bool), BEFORE, AFTER)
    susp = (ex["category"] == SUSPENSION).to_numpy(bool)
    perm = (ex["category"] == PERMANENT).to_numpy(bool)
    first_susp = ex[susp].groupby("child_id")["start_date"].min()
    child_when = np.where((first_susp < mapped(first_susp.index.astype(object), first)).to_numpy(bool), BEFORE, AFTER)
    period = f"exclusions on record up to {until.day} {until:%B %Y}"
    rows = []
    for measure, values, unit in (
        ("timing_suspensions", when[susp], "suspensions"),
        ("timing_permanent_exclusions", when[perm], "permanent exclusions"),
        ("timing_children_first_suspended", child_when, "children"),
    ):
        counts = pd.Series(values).value_counts()
        for g in (BEFORE, AFTER, TOTAL):
            n = len(values) if g == TOTAL else int(counts.get(g, 0))
            rows.append(
                {
                    "measure": measure,
                    "breakdown": "timing",
                    "group": g,
                    "period": period,
                    "kind": "count",
                    "numerator": n,
                    "value": n,
                    "unit": unit,
                }
            )
    return figures.frame(rows)


# --- linkage and data notes ------------------------------------------------------------------


def linkage_figures(cohort: Cohort) -> pd.DataFrame:
    """Children on the caseload matched to a pupil in the NC years covered, and the rest by reason (shares of the
    caseload), with the caseload as the total."""
    counts = cohort.linkage["reason"].value_counts()
    total = len(cohort.linkage)
    rows = []
    for g in (MATCHED, *UNMATCHED_REASONS, TOTAL):
        n = total if g == TOTAL else int(counts.get(g, 0))
        rows.append(
            {
                "measure": "caseload_pupil_match",
                "breakdown": "match",
                "group": g,
                "period": cohort.quarter.label,
                "kind": "share",
                "numerator": n,
                "denominator": total,
                "value": 100 * n / total if total else np.nan,
                "unit": "% of children on the caseload",
            }
        )
    return figures.frame(rows)


def data_notes(cohort: Cohort) -> pd.DataFrame:
    """Exclusion records the measures could not use fully: of pupils missing from the census, and suspensions with
    no length."""
    period = cohort.period.label
    return figures.frame(
        [
            figures.count(
                "exclusions_of_pupils_not_in_census",
                cohort.not_in_census,
                breakdown="data",
                period=period,
                unit="exclusions",
            ),
            figures.count(
                "suspensions_without_length",
                cohort.missing_sessions,
                breakdown="data",
                period=period,
                unit="suspensions",
            ),
        ]
    )
