"""The KPI report's figures: each of the ten KPIs for the quarter (from `analysis.measures.kpi`), its headline over
the earlier quarters the extract supports, and whether it rose or fell across them more than chance would explain.

The KPIs themselves, and the rules they follow, are in `analysis.measures.kpi` (specification:
docs/kpi-definitions.md). This module only gathers them for the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import pandas as pd

from analysis.data.quarters import Period, Quarter
from analysis.measures.kpi import (
    accommodation,
    board,
    ete,
    health,
    oocd,
    orders,
    send,
    serious_violence,
    victims,
    wider_services,
)
from analysis.safety import figures
from analysis.stats import trend
from analysis.stats.trend import Trend

FIRST_QUARTER = Quarter(2023, 1)  # the KPIs began in April 2023
TREND_QUARTERS = 8  # the headline over the last two years at most


@dataclass(frozen=True)
class Kpi:
    number: int
    name: str  # as the YJB names it
    headline: str  # the headline measure
    breakdown: str  # the headline's split ("type_of_order", "oocd_outcome" or "all")
    short: str  # for a table's row
    about_children: bool = True  # KPI 8 counts board members' sectors, not children

    @property
    def title(self) -> str:
        return f"KPI {self.number}: {self.name}"

    def module(self) -> ModuleType:
        return MODULES[self.number]


KPIS = (
    Kpi(1, "Suitable accommodation", "kpi1_suitable_accommodation", "type_of_order", "Accommodation"),
    Kpi(
        2, "Education, training and employment", "kpi2_suitable_ete", "type_of_order", "Education, training, employment"
    ),
    Kpi(3, "Special educational needs and disabilities", "kpi3_send_formal_plan", "type_of_order", "SEND with a plan"),
    Kpi(4, "Mental health and emotional wellbeing", "kpi4_mental_health_offered", "type_of_order", "Mental health"),
    Kpi(5, "Substance misuse", "kpi5_substance_misuse_offered", "type_of_order", "Substance misuse"),
    Kpi(6, "Out-of-court disposals", "kpi6_oocd_completed", "oocd_outcome", "Out-of-court completed"),
    Kpi(7, "Links to wider services", "kpi7_wider_services", "type_of_order", "Wider services"),
    Kpi(8, "Management board attendance", "kpi8_senior_sectors", "all", "Board attendance", about_children=False),
    Kpi(9, "Serious violence", "kpi9_serious_violence_rate", "all", "Serious violence"),
    Kpi(10, "Victims", "kpi10_victims_engaged_rj", "all", "Victims in restorative justice"),
)
MODULES: dict[int, ModuleType] = {
    1: accommodation,
    2: ete,
    3: send,
    4: health,
    5: health,
    6: oocd,
    7: wider_services,
    8: board,
    9: serious_violence,
    10: victims,
}


def _call(kpi: Kpi, name: str, *args):
    """KPIs 4 and 5 share a module, parameterised by domain; the others take the arguments as they are."""
    function = getattr(kpi.module(), name)
    if kpi.number in (4, 5):
        return function(*args, domain="MENTAL_HEALTH" if kpi.number == 4 else "SUBSTANCE_MISUSE")
    return function(*args)


def missing(tables, kpi: Kpi) -> str:
    """'' when the extract holds what the KPI needs, else a sentence naming the file(s) not supplied."""
    return _call(kpi, "missing", tables)


def quarter_figures(tables, kpi: Kpi, period: Period) -> pd.DataFrame | None:
    """The KPI's figures for one quarter, or None when a file it needs was not supplied."""
    return _call(kpi, "figures", tables, period)


def quarters(tables, quarter: Quarter, n: int = TREND_QUARTERS) -> list[Quarter]:
    """The quarters the KPI headlines are followed over, oldest first, ending with `quarter`: at most `n`, none
    before April 2023 (when the KPIs began), and none starting before the extract's first case-level record (an
    earlier quarter would be only partly covered, so its figures would be too low)."""
    dates = [tables["caseload"]["start_date"].min(), tables["outcomes"]["outcome_date"].min()]
    known = [pd.Timestamp(d) for d in dates if not pd.isna(d)]
    first = min(known) if known else pd.Timestamp(quarter.start)
    covered = pd.Timestamp(first.year, first.month, 1)
    return [q for q in quarter.history(n) if q >= FIRST_QUARTER and pd.Timestamp(q.start) >= covered]


def headline(fig: pd.DataFrame, kpi: Kpi) -> pd.DataFrame:
    """The headline's total row (one row; none when the figures have none)."""
    return fig[(fig["measure"] == kpi.headline) & (fig["group"] == figures.TOTAL)].head(1)


def over_quarters(tables, kpi: Kpi, earlier: list[Quarter]) -> pd.DataFrame:
    """The headline's total for each of the `earlier` quarters (not the report's own quarter, whose figures are
    published with the rest of the KPI), as figures with the quarter's label as the period."""
    rows = []
    for q in earlier:
        fig = quarter_figures(tables, kpi, q.period)
        if fig is not None:
            rows.append(headline(fig, kpi))
    return figures.frame(pd.concat(rows, ignore_index=True)) if rows else figures.frame([])


def direction(series: pd.DataFrame, kpi: Kpi) -> Trend:
    """Whether the headline rose or fell across the quarters more than chance would explain (true numbers, judged
    at trend.LEVEL): a test for trend in a proportion for shares (Cochran-Armitage), in Poisson counts against the
    population for a rate (KPI 9). Partners at the board (KPI 8) are not a sample, so are not tested."""
    if series.empty or not kpi.about_children:
        return Trend(0.0, 1.0, len(series), "not tested", tested=False)
    numerator, denominator = series["numerator"].to_numpy(float), series["denominator"].to_numpy(float)
    if series["kind"].iloc[0] == "rate":
        if not (denominator > 0).all():  # no population figure for some quarter: no rate, so no test
            return Trend(0.0, 1.0, len(series), "not tested", tested=False)
        return trend.counts(numerator, denominator).judged()
    return trend.proportions(numerator, denominator).judged()


@dataclass(frozen=True)
class Result:
    """One KPI for the quarter: its published figures (None when a file it needs was not supplied), and `missing`:
    the sentence saying which file is missing, or, for a KPI counted without one of its files (KPI 3 from send.csv,
    or without its ETE figures), what that changes; "" when nothing is missing."""

    kpi: Kpi
    figures: pd.DataFrame | None
    missing: str = ""
    truth: pd.DataFrame | None = None  # the headline's total row before anything was withheld (for the trend test)

    @property
    def total(self) -> pd.Series | None:
        if self.figures is None:
            return None
        row = headline(self.figures, self.kpi)
        return None if row.empty else row.iloc[0]


@dataclass(frozen=True)
class Series:
    """One KPI's headline over the quarters (published), and the test for trend on the true numbers."""

    figures: pd.DataFrame  # one row per quarter, oldest first, the report's quarter last
    trend: Trend
    first: str
    last: str


def publish_quarter(rep) -> dict[int, Result]:
    """Every KPI for the report's quarter, through `rep.publish` (small numbers withheld, the audit told)."""
    out = {}
    for kpi in KPIS:
        fig = quarter_figures(rep.tables, kpi, rep.quarter.period)
        if fig is None:
            out[kpi.number] = Result(kpi, None, missing(rep.tables, kpi))
        else:
            truth = headline(fig, kpi)
            published = rep.publish(fig, about_children=kpi.about_children)
            out[kpi.number] = Result(kpi, published, missing(rep.tables, kpi), truth=truth)
    return out


def publish_over_quarters(rep, results: dict[int, Result], quarters_: list[Quarter]) -> dict[int, Series]:
    """Each KPI's headline in the earlier quarters, published, beside the quarter's own (already published); and
    the test for trend across them all, on the true numbers."""
    out = {}
    earlier = quarters_[:-1]
    for number, result in results.items():
        if result.figures is None:
            continue
        kpi = result.kpi
        before = over_quarters(rep.tables, kpi, earlier)
        truth = pd.concat([before, result.truth], ignore_index=True)
        shown = rep.publish(before, about_children=kpi.about_children) if len(before) else before
        series = pd.concat([shown, headline(result.figures, kpi)], ignore_index=True)
        first = earlier[0].label if earlier else rep.quarter.label
        out[number] = Series(series, direction(truth, kpi), first, rep.quarter.label)
    return out


def left_out(tables, period: Period) -> pd.DataFrame:
    """Orders and programmes ending in the quarter that the KPIs leave out, by reason, as figures (counts of
    episodes, with an All row), so the analyst can see why the report's totals may differ from the case management
    system's."""
    counts = orders.left_out(tables, period)
    rows = [
        {
            "measure": "kpi_episodes_left_out",
            "breakdown": "reason",
            "group": reason,
            "period": period.label,
            "kind": "count",
            "numerator": n,
            "value": n,
            "unit": "orders or programmes",
        }
        for reason, n in zip(counts["reason"], counts["episodes"])
    ]
    total = int(counts["episodes"].sum())
    rows.append(rows[0] | {"group": figures.TOTAL, "numerator": total, "value": total} if rows else {})
    return figures.frame(rows)
