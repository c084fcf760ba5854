"""The quarterly summary: headline measures with their direction of travel, and the tables the plans build by hand.

Headline measures (one row each per quarter, ``breakdown`` "quarter", ``group`` the quarter's label, ``period``
the window the figure covers), all recomputed from the one extract so that every quarter is counted the same way:

* first time entrants in the 12 months ending with the quarter, count and rate per 100,000 children aged 10 to 17
  (`first_time_entrants`);
* the custody rate per 1,000 children aged 10 to 17 in those 12 months (`custody`);
* children remanded, and children remanded to custody, in those 12 months (`custody.remanded`);
* children on the caseload during the quarter (`caseload`);
* the binary reoffending rate and reoffences per reoffender of a 12-month cohort (`reoffending`, the MoJ measure
  computed locally): for the quarter, the latest complete 12-month cohort; for each earlier quarter, the cohort
  ending that many quarters before it, so "previous quarter" and "a year earlier" mean the cohorts 3 and 12
  months earlier. 12-month cohorts are the ones the published comparators use.

Each figure is set beside the same figure for the previous quarter and the same quarter a year earlier. Whether a
measure is rising or falling beyond chance is judged by `directions`: a test for trend across the last 12 quarters
(or quarterly cohorts), periods that do not overlap (`analysis.stats.trend`; docs/methodology.md, Quarterly summary).
Counts carry exact Poisson intervals, rates exact/Byar intervals, shares Wilson intervals; reoffences per reoffender
is treated as a Poisson rate of reoffences per reoffender.

Tables for the plans (each checks that its rows add up to its total with `check_adds_up` before publishing):
outcomes received in the year by type (out-of-court and court, with subtotals), offences by YJB category, the
characteristics of children on a youth conditional caution or above (AssetPlus flags from ``assessments.csv``, SEN
and EHCP from ``send.csv``, looked-after from ``care_episodes.csv``), and the custody rate over five financial years.
The first three take the year and the year before, as the plans compare them; the notebook shows the change in each
count from the shown counts only (`analysis.present.report.with_change`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.quarters import Period, Quarter, reoffending_cohort
from analysis.measures import caseload as caseload_module
from analysis.measures import comparators, custody, first_time_entrants, reoffending
from analysis.safety import figures, suppression
from analysis.stats import intervals, trend
from analysis.stats.trend import Trend

TOTAL = figures.TOTAL
BREAKDOWN = "quarter"
TREND_QUARTERS = 8


# ======================================================================================
# Tables must add up
# ======================================================================================


class TableTotalError(ValueError):
    """A table whose rows do not add up to its total."""


def check_adds_up(table: str, rows, total: float) -> None:
    """Raise `TableTotalError`, naming the table, unless the rows (a list, Series or dict of counts) add up to `total`.

    The published 2021/22 tables fail it: offences 611 against a printed total of 612 (docs/methodology.md, published
    figure I-2), out-of-court disposals 441 against 452 (I-3)."""
    values = list(rows.values()) if isinstance(rows, dict) else list(rows)
    added = sum(float(v) for v in values)
    if not math.isclose(added, float(total), abs_tol=1e-9):
        raise TableTotalError(
            f"Table '{table}': its {len(values)} rows add up to {added:,.0f} but its total is {float(total):,.0f} "
            f"(a difference of {float(total) - added:+,.0f}). A row is missing or a number is wrong: correct the table "
            "before it is published."
        )


def check_within(table: str, rows: dict, total: float) -> None:
    """For tables whose rows may overlap (a child can have several characteristics): no row may exceed the total."""
    over = {k: v for k, v in rows.items() if v > total}
    if over:
        raise TableTotalError(
            f"Table '{table}': {', '.join(f'{k} ({v:,.0f})' for k, v in over.items())} exceed the "
            f"table's total of {total:,.0f} children."
        )


# ======================================================================================
# Headline measures
# ======================================================================================


@dataclass(frozen=True)
class Indicator:
    key: str
    measure: str  # the figures measure
    field: str  # "value", or "numerator" for the count behind a rate
    label: str  # row label in tables
    subject: str  # in sentences
    display: str  # the figures kind that prints it as wanted: count, share, rate (1 place) or ratio (2 places)
    decimals: int
    unit: str = ""  # after a number in sentences
    window: str = "12 months"
    in_changes: bool = True  # listed among the movements since last quarter


INDICATORS = (
    Indicator(
        "fte",
        "first_time_entrants_rate",
        "numerator",
        "First time entrants (children, 12 months)",
        "first time entrants",
        "count",
        0,
        " children",
        in_changes=False,
    ),
    Indicator(
        "fte_rate",
        "first_time_entrants_rate",
        "value",
        "First time entrants per 100,000 children aged 10 to 17 (12 months)",
        "the first time entrant rate",
        "rate",
        1,
        " per 100,000 children aged 10 to 17",
    ),
    Indicator(
        "custody_rate",
        "custody_rate_per_1000",
        "value",
        "Custody rate per 1,000 children aged 10 to 17 (12 months)",
        "the custody rate",
        "ratio",
        2,
        " per 1,000 children aged 10 to 17",
    ),
    Indicator(
        "remanded",
        "children_remanded",
        "value",
        "Children remanded (12 months)",
        "children remanded",
        "count",
        0,
        " children",
    ),
    Indicator(
        "remanded_custody",
        "children_remanded_in_custody",
        "value",
        "Children remanded to custody (12 months)",
        "children remanded to custody",
        "count",
        0,
        " children",
    ),
    Indicator(
        "caseload",
        "children_on_caseload",
        "value",
        "Children on the YJS caseload (quarter)",
        "children on the caseload",
        "count",
        0,
        " children",
        window="quarter",
    ),
    Indicator(
        "reoffending",
        "reoffenders",
        "value",
        "Binary reoffending rate, % (12-month cohort)",
        "the binary reoffending rate",
        "share",
        1,
        "%",
        window="12-month cohort",
    ),
    Indicator(
        "frequency",
        "reoffences_per_reoffender",
        "value",
        "Reoffences per reoffender (12-month cohort)",
        "reoffences per reoffender",
        "ratio",
        2,
        "",
        window="12-month cohort",
    ),
)
BY_KEY = {i.key: i for i in INDICATORS}


def reoffending_cohorts(quarter: Quarter, extract_date, n: int = TREND_QUARTERS) -> list[tuple[Quarter, Period]]:
    """(quarter, 12-month cohort) for the last `n` quarters, oldest first: the latest complete cohort for `quarter`,
    and for each earlier quarter the cohort ending as many quarters earlier."""
    _, c12 = reoffending.latest_cohorts(quarter, extract_date)
    ending = Quarter.containing(c12.end)
    return [(quarter.shift(-i), reoffending_cohort(ending.shift(-i), 12)) for i in range(n - 1, -1, -1)]


NUMBERS = ["numerator", "denominator", "value", "lower", "upper", "numerator_2"]


def coverage_start(tables: dict) -> pd.Timestamp:
    """The first day of the month of the extract's earliest offence or outcome: windows starting before it are only
    partly covered, so their figures are not available ([x]) rather than too low."""
    dates = pd.Series([tables["offences"]["offence_date"].min(), tables["outcomes"]["outcome_date"].min()]).dropna()
    if dates.empty:
        return pd.Timestamp.min
    first = pd.Timestamp(dates.min())
    return pd.Timestamp(first.year, first.month, 1)


def _blank(fig: pd.DataFrame, uncovered: pd.Series) -> pd.DataFrame:
    fig = fig.copy()
    fig.loc[uncovered.to_numpy(), [c for c in NUMBERS if c in fig.columns]] = np.nan
    return fig


def extract_measures(tables: dict, quarters: list[Quarter], population: int) -> pd.DataFrame:
    """First time entrants, custody, remands and caseload for each quarter (oldest first), as figures. Windows that
    start before the extract's coverage (`coverage_start`) have no numbers (not available)."""
    years = [q.year_ending for q in quarters]
    labels = [q.label for q in quarters]
    fte = first_time_entrants.trend(tables, years, population).assign(breakdown=BREAKDOWN, group=labels)
    cust = custody.rates(tables, years, population, groups=labels, breakdown=BREAKDOWN)
    rows = []
    for q, year in zip(quarters, years):
        remanded, in_custody = custody.remanded(tables, year)
        rows.append(
            custody.count_figure(
                "children_remanded",
                remanded,
                year,
                "children remanded (remand starting in the period)",
                group=q.label,
                breakdown=BREAKDOWN,
            )
        )
        rows.append(
            custody.count_figure(
                "children_remanded_in_custody",
                in_custody,
                year,
                "children remanded to youth detention accommodation or secure remand",
                group=q.label,
                breakdown=BREAKDOWN,
            )
        )
        on = caseload_module.on_caseload(tables["caseload"], q.period)
        caseload = custody.count_figure(
            "children_on_caseload", len(on), q.period, "children on the caseload", group=q.label, breakdown=BREAKDOWN
        )
        # every child supervised is counted: a complete count, not an estimate of anything, so no interval
        rows.append(caseload | {"lower": np.nan, "upper": np.nan})
    fig = pd.concat([fte, cust, figures.frame(rows)], ignore_index=True)
    start = coverage_start(tables)
    starts = {**{y.label: y.start for y in years}, **{q.period.label: q.period.start for q in quarters}}
    return _blank(fig, fig["period"].map(lambda p: pd.Timestamp(starts[p]) < start))


def reoffending_measures(
    tables: dict, quarter: Quarter, extract_date, events: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 12-month cohorts' national measure, one group per quarter (with the ``population`` column
    `reoffending.protect` needs), and the reoffending report's own cohort figures, which decide together what must be
    withheld."""
    events = reoffending.index_events(tables) if events is None else events
    pairs = reoffending_cohorts(quarter, extract_date)
    mine = reoffending.national_measure(tables, [(c, 12) for _, c in pairs], events)
    labels = {reoffending.cohort_label(c, 12): q.label for q, c in pairs}
    mine = mine.assign(breakdown=BREAKDOWN, group=mine["group"].map(labels))
    starts = {c.label: pd.Timestamp(c.start) for _, c in pairs}
    mine = _blank(mine, mine["period"].map(starts) < coverage_start(tables))
    # reoffences per reoffender as a Poisson rate of reoffences per reoffender, so two cohorts can be compared
    per = mine["measure"] == "reoffences_per_reoffender"
    _, lower, upper = intervals.rate(
        mine.loc[per, "numerator"].to_numpy(), mine.loc[per, "denominator"].to_numpy(), per=1
    )
    mine.loc[per, "lower"], mine.loc[per, "upper"] = lower, upper
    c3, c12 = reoffending.latest_cohorts(quarter, extract_date)
    status = reoffending.cohort_status(reoffending.history(tables, quarter), extract_date)
    context = reoffending.cohort_figures(tables, c3, c12, status, extract_date, events)
    return mine, context


SHOWN_REOFFENDING = ("reoffenders", "reoffences_per_reoffender")


def publish_reoffending(rep, mine: pd.DataFrame, context: pd.DataFrame, shown=SHOWN_REOFFENDING) -> pd.DataFrame:
    """Publish the `shown` measures of `mine`, withholding whatever the reoffending report's rules withhold when all
    of `mine` and that report's cohort figures are protected together (so nothing withheld there can be recovered
    from here)."""
    full = pd.concat([mine, context], ignore_index=True)
    mask = reoffending.protect(full, rep.suppress_up_to, reoffending.COHORT_BASE, reoffending.COHORT_BUNDLE)
    keep = mine["measure"].isin(shown).to_numpy()
    forced = mask.to_numpy()[: len(mine)][keep]

    def extend(framed: pd.DataFrame, m: pd.Series) -> pd.Series:
        return m | pd.Series(forced, index=m.index)

    return rep.publish(mine[keep].drop(columns="population").reset_index(drop=True), extend=extend)


# --- direction of travel: tests for trend on periods that do not overlap ----------------------------------------

TREND_PERIODS = 12  # quarterly periods the tests for trend use (three years), fewer where the extract covers fewer


@dataclass(frozen=True)
class Direction:
    """Whether a headline measure rose or fell across the last quarters more than chance would explain."""

    key: str  # the indicator
    trend: Trend  # judged at trend.LEVEL
    periods: str  # 'quarterly cohorts' or 'quarters'
    first: str  # the first and last period tested, in words
    last: str


UNTESTED = {
    "caseload": "every child supervised is counted, and most stay on from one quarter to the next",
    "frequency": "reoffences cluster in a few children, so no test for trend at these numbers is reliable",
}


def trend_quarters(tables: dict, quarter: Quarter, n: int = TREND_PERIODS) -> list[Quarter]:
    """The last `n` quarters ending with `quarter` that the extract covers from their first day, oldest first."""
    start = coverage_start(tables)
    return [q for q in quarter.history(n) if pd.Timestamp(q.start) >= start]


def trend_cohorts(tables: dict, quarter: Quarter, extract_date, n: int = TREND_PERIODS) -> list[Period]:
    """The last `n` complete 3-month reoffending cohorts (ending with the latest complete one) the extract covers."""
    c3, _ = reoffending.latest_cohorts(quarter, extract_date)
    ending = Quarter.containing(c3.end)
    start = coverage_start(tables)
    cohorts = [reoffending_cohort(q, 3) for q in ending.history(n)]
    return [c for c in cohorts if pd.Timestamp(c.start) >= start]


def directions(
    tables: dict, quarter: Quarter, extract_date, population: int, events: pd.DataFrame | None = None
) -> dict[str, Direction]:
    """For each headline measure that can be tested, the test for trend over the last quarters (or quarterly
    cohorts): counts in each quarter for first time entrants, custodial sentences and remands (a score test for a
    trend in Poisson counts), and the share of each 3-month cohort who reoffend (Cochran-Armitage). Periods do not
    overlap, so each child or event counts in one of them only."""
    quarters = trend_quarters(tables, quarter)
    periods = [q.period for q in quarters]
    out: dict[str, Direction] = {}

    def add(key: str, result: Trend, what: str, first: str, last: str) -> None:
        out[key] = Direction(key, result.judged(), what, first, last)

    if periods:
        span = (quarters[0].label, quarters[-1].label)
        entrants = first_time_entrants.trend(tables, periods, max(population, 1))["numerator"].to_numpy()
        add("fte_rate", trend.counts(entrants), "quarters", *span)
        dates = custody.sentences(tables)["outcome_date"]
        add("custody_rate", trend.counts([custody.count_in(dates, p) for p in periods]), "quarters", *span)
        remands = [custody.remanded(tables, p) for p in periods]
        add("remanded", trend.counts([r for r, _ in remands]), "quarters", *span)
        add("remanded_custody", trend.counts([c for _, c in remands]), "quarters", *span)
    cohorts = trend_cohorts(tables, quarter, extract_date)
    if cohorts:
        events = reoffending.index_events(tables) if events is None else events
        national = reoffending.national_measure(tables, [(c, 3) for c in cohorts], events)
        share = national[national["measure"] == "reoffenders"]
        result = trend.proportions(share["numerator"].to_numpy(), share["denominator"].to_numpy())
        add("reoffending", result, "quarterly cohorts", f"{cohorts[0].start:%b %Y}", f"{cohorts[-1].end:%b %Y}")
    if "fte_rate" in out:
        out["fte"] = out["fte_rate"]
    return out


# --- comparing two figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    shown: bool  # both figures can be shown
    now: float = float("nan")
    then: float = float("nan")
    direction: str = "not comparable"  # up, down, unchanged, not comparable
    relative: float = float("nan")  # (now - then) / then; inf from zero
    withheld: bool = False  # not shown because a figure is withheld (else: not available)

    @property
    def change(self) -> float:
        return self.now - self.then


def _hidden(r) -> bool:
    return r is None or bool(r["suppressed"]) or pd.isna(r["value"])


def value_of(r: pd.Series | None, field: str = "value") -> float:
    return float("nan") if _hidden(r) else float(r[field])


def compare(now: pd.Series | None, then: pd.Series | None, decimals: int = 1, field: str = "value") -> Comparison:
    """Direction of travel between two published figures (unchanged if equal at the printed precision). Withheld
    or missing figures cannot be compared. Whether a movement is more than chance is not judged here (two
    neighbouring 12-month figures share nine months): see `directions`."""
    if _hidden(now) or _hidden(then):
        withheld = any(r is not None and bool(r["suppressed"]) for r in (now, then))
        return Comparison(False, withheld=withheld)
    a, b = float(now[field]), float(then[field])
    if math.isclose(a, b, abs_tol=10**-decimals / 2):
        return Comparison(True, a, b, "unchanged", 0.0)
    relative = (a - b) / b if b else math.inf
    return Comparison(True, a, b, "up" if a > b else "down", relative)


def row(fig: pd.DataFrame, indicator: Indicator, quarter: Quarter) -> pd.Series | None:
    return figures.first(fig, measure=indicator.measure, breakdown=BREAKDOWN, group=quarter.label)


def comparisons(fig: pd.DataFrame, quarter: Quarter, against: Quarter) -> dict[str, Comparison]:
    """Each indicator for `quarter` compared with `against`."""
    return {i.key: compare(row(fig, i, quarter), row(fig, i, against), i.decimals, i.field) for i in INDICATORS}


SLOTS = ("latest", "previous", "year_earlier")


def slot_quarters(quarter: Quarter) -> dict[str, Quarter]:
    return {"latest": quarter, "previous": quarter.previous, "year_earlier": quarter.same_quarter_last_year}


def headline_table(fig: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """The headline figures laid out for ``rep.table``: one row (group) per indicator, one measure per slot
    (latest, previous quarter, a year earlier). Display only: the published figures are `fig`."""
    rows = []
    for i in INDICATORS:
        for slot, q in slot_quarters(quarter).items():
            r = row(fig, i, q)
            if r is None:
                continue
            d = r.to_dict()
            scale = 1.0
            if i.field == "numerator" and not pd.isna(r["value"]) and r["value"]:
                scale = r["numerator"] / r["value"]
            rows.append(
                d
                | {
                    "measure": slot,
                    "group": i.label,
                    "kind": i.display,
                    "value": r[i.field],
                    "lower": r["lower"] * scale,
                    "upper": r["upper"] * scale,
                }
            )
    return figures.frame(rows)


def trend_table(fig: pd.DataFrame) -> pd.DataFrame:
    """The headline figures by quarter for ``rep.table``: one row per quarter, one measure per indicator."""
    rows = []
    for i in INDICATORS:
        for r in fig[(fig["measure"] == i.measure) & (fig["breakdown"] == BREAKDOWN)].to_dict("records"):
            rows.append(r | {"measure": i.key, "kind": i.display, "value": r[i.field]})
    return figures.frame(rows)


def movements(
    comps: dict[str, Comparison], extra: list[tuple[Indicator, Comparison]] = (), top: int = 5
) -> list[tuple[Indicator, Comparison]]:
    """The `top` largest movements, by relative size, among the indicators that can be compared (`extra` adds
    measures from the other reports). Unchanged measures come last; withheld ones are left out."""
    items = [(i, comps[i.key]) for i in INDICATORS if i.in_changes] + list(extra)
    shown = [(i, c) for i, c in items if c.shown]
    shown.sort(key=lambda it: (it[1].direction == "unchanged", -abs(it[1].relative)))
    return shown[:top]


# --- the other reports' headline measures ------------------------------------------------------


@dataclass(frozen=True)
class OtherMeasure:
    indicator: Indicator
    report: str
    breakdown: str
    group: str
    year_ending: bool  # the figure's period is the 12 months ending with the quarter (else: whatever it is)

    def pick(self, fig: pd.DataFrame | None, quarter: Quarter) -> pd.Series | None:
        from analysis.measures.history import pick

        return pick(
            fig,
            self.report,
            self.indicator.measure,
            self.breakdown,
            self.group,
            quarter.year_ending.label if self.year_ending else None,
        )


OTHER_MEASURES = (
    OtherMeasure(
        Indicator(
            "rri",
            "cautioned_or_sentenced_rri_vs_white",
            "value",
            "Ethnic minority children cautioned or sentenced: times as likely as White children",
            "how much more likely ethnic minority children were than White children to be cautioned or sentenced",
            "rate",
            1,
            " times as likely",
        ),
        "10_disproportionality",
        "ethnic_minority",
        "Ethnic minority groups",
        True,
    ),
    OtherMeasure(
        Indicator(
            "suspension",
            "ratio_one_plus_suspension_rate",
            "value",
            "Children known to the YJS suspended: times as likely as all pupils (academic year to date)",
            "how much more likely children known to the YJS were to be suspended than other pupils",
            "rate",
            1,
            " times as likely",
            window="academic year to date",
            in_changes=False,
        ),
        "20_exclusions",
        "all",
        TOTAL,
        False,
    ),
    OtherMeasure(
        Indicator(
            "tracker",
            "tracker_reoffenders",
            "value",
            "Live tracker: children with an outcome in the 12 months who offended again, %",
            "the share of children tracked who offended again",
            "share",
            1,
            "%",
            in_changes=False,
        ),
        "30_reoffending",
        "all",
        TOTAL,
        True,
    ),
)


def other_movements(others: pd.DataFrame | None, quarter: Quarter) -> list[tuple[Indicator, Comparison]]:
    """Other reports' measures that this run's figures hold for both this and the previous quarter's 12 months."""
    out = []
    for m in OTHER_MEASURES:
        if m.indicator.in_changes and m.year_ending:
            out.append(
                (m.indicator, compare(m.pick(others, quarter), m.pick(others, quarter.previous), m.indicator.decimals))
            )
    return out


def other_history(hist, others: pd.DataFrame | None, quarters: list[Quarter]) -> pd.DataFrame:
    """The other reports' headline measures as each quarter published them (oldest first), laid out for
    ``rep.table``: a row per quarter, a measure per `OTHER_MEASURES` key. A quarter with no figures shows [x]."""
    rows = []
    for q in quarters:
        fig = (
            others
            if q == quarters[-1]
            else (hist.figures[hist.figures["quarter"] == q.label] if q in hist.found else None)
        )
        for m in OTHER_MEASURES:
            r = m.pick(fig, q)
            base = {"measure": m.indicator.key, "group": q.label, "kind": m.indicator.display, "suppressed": False}
            rows.append(
                base
                | (
                    {"period": r["period"], "value": r["value"], "suppressed": r["suppressed"], "unit": r["unit"]}
                    if r is not None
                    else {"value": np.nan}
                )
            )
    return figures.frame(rows)


# ======================================================================================
# Tables the plans build by hand
# ======================================================================================


def _local_outcomes(tables: dict, period: Period) -> pd.DataFrame:
    o = tables["outcomes"]
    inside = o["outcome_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    return o[inside & (o["residence"] == "LOCAL")]


OUT_OF_COURT_TIERS = ("Diversion", "Pre-court")
OUT_OF_COURT, COURT = "Out-of-court outcomes", "Court outcomes"


def _periods(periods: Period | list[Period]) -> list[Period]:
    return [periods] if isinstance(periods, Period) else list(periods)


def _covered(fig: pd.DataFrame, tables: dict, periods: list[Period]) -> pd.DataFrame:
    """`fig` with no numbers (not available, [x]) for the periods that start before the extract's coverage
    (`coverage_start`): a year the extract only partly covers would otherwise show too few."""
    start = coverage_start(tables)
    uncovered = {p.label for p in periods if pd.Timestamp(p.start) < start}
    return _blank(fig, fig["period"].isin(uncovered)) if uncovered else fig


def outcomes_by_type(tables: dict, periods: Period | list[Period]) -> pd.DataFrame:
    """Outcomes received by children living here, by type, for each of `periods` (one, or the year before and the
    year, as the plans compare them): out-of-court (diversion, youth caution, youth conditional caution) and court,
    each with its subtotal, and the two with the total (the 2022-23 plan's table). Types with no outcomes in any of
    the periods are left out; every period has the same rows (zeros shown). Checks that every part adds up to its
    total."""
    periods = _periods(periods)
    local = {p.label: _local_outcomes(tables, p) for p in periods}
    counts = {label: o["legal_outcome"].value_counts() for label, o in local.items()}
    rows = []
    for period in periods:
        o = local[period.label]
        tier = o["legal_outcome"].map(codes.OUTCOME_TIER)
        totals = {}
        for breakdown, tiers, name in (
            ("out_of_court", OUT_OF_COURT_TIERS, OUT_OF_COURT),
            ("court", codes.COURT_TIERS, COURT),
        ):
            parts = {
                x.label: int(counts[period.label].get(c, 0))
                for c, x in codes.LEGAL_OUTCOMES.items()
                if x.tier in tiers and any(n.get(c, 0) for n in counts.values())
            }
            totals[name] = int(tier.isin(tiers).sum())
            check_adds_up(f"outcomes received, {name.lower()}, {period.label}", parts, totals[name])
            rows += [
                figures.count("outcomes", n, breakdown=breakdown, group=g, period=period.label, unit="outcomes")
                for g, n in (*parts.items(), (TOTAL, totals[name]))
            ]
        check_adds_up(f"outcomes received, all, {period.label}", totals, len(o))
        rows += [
            figures.count("outcomes", n, breakdown="all", group=g, period=period.label, unit="outcomes")
            for g, n in (*totals.items(), (TOTAL, len(o)))
        ]
    return _covered(figures.frame(rows), tables, periods)


LINKED_TOTALS = {("out_of_court", TOTAL): ("all", OUT_OF_COURT), ("court", TOTAL): ("all", COURT)}


def subtotal_relations(fig: pd.DataFrame) -> list[suppression.Relation]:
    """For ``rep.publish(relations=...)`` on `outcomes_by_type`: each subtotal is the same number in two tables
    (its own block and the all-outcomes block), so the secondary rule protects a withheld count against both
    (the grand total minus the other subtotal would otherwise give a withheld subtotal away), in each period."""
    where = {(p, b, g): i for i, p, b, g in zip(fig.index, fig["period"], fig["breakdown"], fig["group"])}
    return [
        {where[(p, *a)]: 1.0, where[(p, *b)]: -1.0}
        for p in dict.fromkeys(fig["period"])
        for a, b in LINKED_TOTALS.items()
        if (p, *a) in where and (p, *b) in where
    ]


def outcomes_display(fig: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Published outcomes laid out as one table with subtotals (display only), each row once whatever the periods."""
    ooc = fig[fig["breakdown"] == "out_of_court"]
    court = fig[fig["breakdown"] == "court"]
    total = fig[(fig["breakdown"] == "all") & (fig["group"] == TOTAL)]
    relabel = lambda df, name: df.assign(group=df["group"].where(df["group"] != TOTAL, name))
    shown = pd.concat(
        [
            relabel(ooc, f"All {OUT_OF_COURT.lower()}"),
            relabel(court, f"All {COURT.lower()}"),
            total.assign(group="All outcomes"),
        ],
        ignore_index=True,
    )
    return shown, list(dict.fromkeys(shown["group"]))


def offences_by_type(tables: dict, periods: Period | list[Period]) -> pd.DataFrame:
    """Offences dealt with in each of `periods` (an offence's first outcome falls in it, for a child living here then),
    by YJB offence category with the total. Categories with none in any of the periods are left out; every period
    has the same rows (zeros shown). Checks the rows add up."""
    periods = _periods(periods)
    o = (
        tables["outcomes"]
        .sort_values(["offence_id", "outcome_date", "outcome_id"], kind="stable")
        .drop_duplicates("offence_id")
    )
    o = o[o["residence"] == "LOCAL"]
    counts = {}
    for period in periods:
        dealt = o.loc[o["outcome_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end)), "offence_id"]
        offences = tables["offences"][tables["offences"]["offence_id"].isin(dealt)]
        counts[period.label] = (offences["offence_category"].value_counts(), len(offences))
    present = [code for code in codes.OFFENCE_CATEGORIES if any(c.get(code, 0) for c, _ in counts.values())]
    rows = []
    for period in periods:
        by_code, total = counts[period.label]
        parts = {codes.OFFENCE_CATEGORIES[code]: int(by_code.get(code, 0)) for code in present}
        check_adds_up(f"offences by type, {period.label}", parts, total)
        rows += [
            figures.count("offences", n, breakdown="offence_type", group=g, period=period.label, unit="offences")
            for g, n in (*parts.items(), (TOTAL, total))
        ]
    return _covered(figures.frame(rows), tables, periods)


YCC_RANK = codes.LEGAL_OUTCOMES["YOUTH_CONDITIONAL_CAUTION"].rank
NO_ASSESSMENT = "No assessment recorded"
CHARACTERISTIC_ORDER = (
    "concerns_substance_misuse",
    "concerns_mental_health",
    "concerns_speech_language_communication",
    "sen",
    "ehcp",
    "neet",
    "children_in_need",
    "child_protection_plan",
    "looked_after",
    "exploitation_concerns",
)
OTHER_CHARACTERISTICS = {
    "sen": "Special educational needs, SEN support or EHCP (now or before)",
    "ehcp": "Education, health and care plan (now or before)",
    "looked_after": "Looked after (now or before)",
}


def ycc_or_above(tables: dict, period: Period) -> pd.Series:
    """The children living here who received a youth conditional caution or a court outcome in the period."""
    o = _local_outcomes(tables, period)
    rank = o["legal_outcome"].map(codes.OUTCOME_RANK)
    return pd.Series(sorted(o.loc[rank >= YCC_RANK, "child_id"].astype(str).unique()), name="child_id", dtype=str)


def characteristics(tables: dict, periods: Period | list[Period]) -> pd.DataFrame:
    """Characteristics of children on a youth conditional caution or above in each of `periods` (one, or the year
    before and the year, as the plans compare them), as `characteristics_in`."""
    periods = _periods(periods)
    return _covered(pd.concat([characteristics_in(tables, p) for p in periods], ignore_index=True), tables, periods)


def characteristics_in(tables: dict, period: Period) -> pd.DataFrame:
    """Characteristics of children on a youth conditional caution or above in the period (the plans' table).

    AssetPlus flags come from each child's latest assessment up to the end of the period; SEN and EHCP from any
    record in send.csv starting by then, and looked-after from any care episode starting by then ("now or before").
    A child can have several, so the rows do not add up to the total; each is at most the total. assessments.csv is
    optional: without it there are no AssetPlus rows (and no "no assessment" row), only SEN, EHCP and looked after."""
    children = ycc_or_above(tables, period)
    end = pd.Timestamp(period.end)
    n = len(children)
    assessed = "assessments" in tables
    counts: dict[str, int] = {}
    if assessed:
        a = tables["assessments"]
        a = a[a["child_id"].astype(str).isin(children) & (a["assessment_date"] <= end)]
        latest = a.sort_values(["child_id", "assessment_date", "assessment_id"], kind="stable").drop_duplicates(
            "child_id", keep="last"
        )
        counts = {flag: int((latest[flag] == "Y").sum()) for flag in codes.ASSESSMENT_FLAGS}

    def ever(frame: pd.DataFrame) -> int:
        return int(
            frame.loc[frame["child_id"].astype(str).isin(children) & (frame["start_date"] <= end), "child_id"].nunique()
        )

    send = tables["send"]
    counts |= {
        "sen": ever(send),
        "ehcp": ever(send[send["send_status"] == "EHCP"]),
        "looked_after": ever(tables["care_episodes"]),
    }
    labels = codes.ASSESSMENT_FLAGS | OTHER_CHARACTERISTICS
    shown = {labels[k]: counts[k] for k in CHARACTERISTIC_ORDER if k in counts}
    if assessed:
        shown[NO_ASSESSMENT] = n - len(latest)
    check_within(f"characteristics of children on a youth conditional caution or above, {period.label}", shown, n)
    unit = "% of children on a youth conditional caution or above"
    rows = [
        {
            "measure": "ycc_or_above_children",
            "breakdown": "all",
            "group": TOTAL,
            "period": period.label,
            "kind": "count",
            "numerator": n,
            "value": n,
            "unit": "children on a youth conditional caution or above",
        }
    ]
    for label, k in shown.items():
        lower, upper = intervals.wilson(k, n)
        rows.append(
            {
                "measure": "ycc_or_above_characteristic",
                "breakdown": "characteristic",
                "group": label,
                "period": period.label,
                "kind": "share",
                "numerator": k,
                "denominator": n,
                "value": 100 * k / n if n else np.nan,
                "lower": 100 * lower,
                "upper": 100 * upper,
                "unit": unit,
            }
        )
    return figures.frame(rows)


def custody_years(tables: dict, quarter: Quarter, population: int, n: int = 5) -> pd.DataFrame:
    """The custody rate in each of the last `n` whole financial years the extract covers (group '2025-26')."""
    first = coverage_start(tables)
    years = [y for y in custody.financial_years(quarter, n) if pd.Timestamp(y.start) >= first]
    return custody.rates(
        tables,
        years,
        population,
        groups=[y.label.removeprefix("financial year ") for y in years],
        breakdown="financial_year",
    )


# ======================================================================================
# Published comparators
# ======================================================================================

COMPARATOR_MEASURES = ("custody_rate_per_1000", "binary_reoffending_rate", "reoffences_per_reoffender")


def latest_comparators(comps: pd.DataFrame, measures=COMPARATOR_MEASURES) -> pd.DataFrame:
    """Published figures (latest publication of each) for each measure's most recent published period, as figures
    (from `comparators.as_figures`, so values print exactly as published)."""
    out = []
    for m in measures:
        fig = comparators.as_figures(comps, m)
        if fig.empty:
            continue
        latest_period = comps.loc[comps["measure"] == m].sort_values("period_start")["period"].iloc[-1]
        out.append(fig[fig["period"] == latest_period])
    return pd.concat(out, ignore_index=True) if out else figures.frame([])


def comparators_display(
    published: pd.DataFrame, comps: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, tuple[str, str]], list[str]]:
    """Latest published comparators laid out for ``rep.table``: a row per measure (and period), a column per area."""
    names = comps.drop_duplicates("area_name").set_index("area_name")["area_type"]
    rows, columns = [], {}
    for r in published.to_dict("records"):
        measure = r["measure"].removeprefix("published_")
        label = f"{comparators.MEASURES[measure].label}, {r['period']}"
        area_type = names.get(r["group"], r["group"])
        columns[f"{r['group']} ({codes.AREA_TYPES.get(area_type, area_type)})"] = (area_type, "value")
        rows.append(r | {"measure": area_type, "group": label})
    order = sorted(
        columns, key=lambda h: list(codes.AREA_TYPES).index(columns[h][0]) if columns[h][0] in codes.AREA_TYPES else 99
    )
    shown = figures.frame(rows)
    return shown, {h: columns[h] for h in order}, list(dict.fromkeys(shown["group"]))


def custody_comparators(comps: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The latest publication's custody rates for the last `n` published financial years, as figures."""
    fig = comparators.as_figures(comps, "custody_rate_per_1000")
    periods = list(dict.fromkeys(fig["period"]))[-n:]
    return fig[fig["period"].isin(periods)].reset_index(drop=True)


def custody_revisions(comps: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Custody rates published more than once with different values, for the periods shown."""
    rev = comparators.revisions(comps[comps["measure"] == "custody_rate_per_1000"])
    return rev[rev["period"].isin(periods)]


def custody_series(published: pd.DataFrame) -> tuple[list[str], dict[str, list[float]]]:
    """Published custody rates as chart series: the periods, and each area's values in period order."""
    periods = list(dict.fromkeys(published["period"]))
    table = published.pivot(index="group", columns="period", values="value").reindex(columns=periods)
    areas = list(dict.fromkeys(published["group"]))
    return periods, {a: table.loc[a].tolist() for a in areas}
