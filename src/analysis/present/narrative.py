"""Sentences generated from published figures.

Every function here reads figures *after* suppression, so a withheld number can
never reach a sentence: where the figure a sentence needs is withheld, the
sentence says so instead. Small numbers carry a caution ("based on 7
children").
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.data import codes
from analysis.data.contract import EXTRACTS
from analysis.measures import comparators
from analysis.present import formatting
from analysis.safety.figures import TOTAL, first
from analysis.safety.suppression import SYMBOL

CAUTION_BELOW = 30  # shares and rates built on fewer children than this carry a caution


def _row(fig: pd.DataFrame, measure: str, group: str = TOTAL, breakdown: str | None = None) -> pd.Series | None:
    return first(fig, measure=measure, group=group, breakdown=breakdown)


def count_phrase(row: pd.Series | None, singular: str, plural: str | None = None) -> str:
    """'52 children', or 'a withheld number of children ([c])' when withheld (never "a small number": a count
    withheld to protect another can be of any size, see docs/disclosure.md)."""
    plural = plural or singular + "s"
    if row is None or row["suppressed"] or pd.isna(row["numerator"]):
        return f"a withheld number of {plural} ({SYMBOL})"
    return formatting.plural(int(row["numerator"]), singular, plural)


def none_shown(row: pd.Series | None) -> bool:
    """A count that is shown and is zero: the sentence says "no child" rather than giving a number."""
    return row is not None and not row["suppressed"] and not pd.isna(row["numerator"]) and row["numerator"] == 0


def caution(n: float | None, noun: str = "children") -> str:
    """' (based on 12 children, so treat with caution)' for small bases; '' otherwise."""
    if n is None or pd.isna(n) or n >= CAUTION_BELOW:
        return ""
    return f" (based on {int(n):,} {noun}, so treat with caution)"


def change(
    current: float,
    previous: float,
    lower_now: float,
    upper_now: float,
    lower_then: float,
    upper_then: float,
    unit: str = "",
    decimals: int = 1,
) -> str:
    """Direction of travel in words, and whether chance could explain it (overlapping 95% intervals)."""
    if any(pd.isna(v) for v in (current, previous)):
        return "cannot be compared with the earlier period"
    if math.isclose(current, previous, abs_tol=10**-decimals / 2):
        return "is unchanged from the earlier period"
    direction = "up" if current > previous else "down"
    size = f"{abs(current - previous):,.{decimals}f}{unit}"
    overlap = not (lower_now > upper_then or upper_now < lower_then)
    verdict = (
        "a change small enough to be chance variation at these numbers"
        if overlap
        else "a change larger than chance variation would explain"
    )
    return f"is {direction} {size} on the earlier period ({previous:,.{decimals}f}), {verdict}"


def largest_group(fig: pd.DataFrame, measure: str) -> str | None:
    """The group with the largest shown numerator (ties broken by order), or None if none is shown."""
    rows = fig[(fig["measure"] == measure) & (fig["group"] != TOTAL) & ~fig["suppressed"] & (fig["numerator"] > 0)]
    if rows.empty:
        return None
    return str(rows.sort_values("numerator", ascending=False, kind="stable").iloc[0]["group"])


# --- overview ---------------------------------------------------------------------------


def fte_offence_types(fig: pd.DataFrame, period_label: str, before_label: str) -> str:
    """Which offence type was the most common among first time entrants in each year (shown figures only)."""
    parts = []
    for label in (period_label, before_label):
        rows = fig[fig["period"] == label]
        top = largest_group(rows, "first_time_entrants")
        if top is None:
            parts.append(f"in the {label} no offence type's number of entrants is shown")
            continue
        row = _row(rows, "first_time_entrants", top)
        assert row is not None
        share = f", {formatting.figure(row['value'], 'share')}" if not pd.isna(row["value"]) else ""
        parts.append(f"in the {label} it was {top.lower()} ({count_phrase(row, 'child', 'children')}{share})")
    return (
        "The most common offence among first time entrants (the most serious at their first outcome): "
        + "; ".join(parts)
        + "."
    )


def data_quality(rows: pd.DataFrame, problems: dict[str, str]) -> str:
    received = rows.loc[rows["measure"] == "rows_received", "numerator"].sum()
    aside = rows.loc[rows["measure"] == "rows_set_aside", "numerator"].sum()
    if aside == 0:
        return f"All {received:,.0f} rows received met the data contract."
    share = 100 * aside / received
    worst = (
        rows[(rows["measure"] == "rows_set_aside") & (rows["numerator"] > 0)]
        .sort_values("numerator", ascending=False)
        .iloc[0]
    )
    # the reason is the validation's words, but may carry a piece of a value that broke a rule: shown as written
    reason = formatting.plain(problems.get(worst["group"], "rules of the contract").split(" (")[0])
    return (
        f"Of {received:,.0f} rows received, {aside:,.0f} ({share:.1f}%) broke a rule of the data contract and were "
        f'set aside; the rest were used. Most were in {worst["group"]}, chiefly because of "{reason}". '
        "The analyst has the rows set aside, with their reasons, to correct at source."
    )


def optional_files(absent: tuple[str, ...], no_date: dict[str, dict[str, int]]) -> str:
    """Which optional files the extract did not hold (the sections that need them say so), and how many dates the
    YJB's systems wrote as 1900-01-01 ("no date") were read as blank; '' when neither."""
    parts = []
    if absent:
        files = [EXTRACTS[name].file for name in absent]
        listed = files[0] if len(files) == 1 else ", ".join(files[:-1]) + " and " + files[-1]
        parts.append(
            f"Optional files not supplied with this extract: {listed}. The sections that need them say so; every "
            "other figure is unaffected."
        )
    blanks = sum(n for columns in no_date.values() for n in columns.values())
    if blanks:
        parts.append(
            f'{blanks:,} dates written 1900-01-01 (the YJB systems\' way of saying "no date") were read as blank.'
        )
    return " ".join(parts)


def caseload(fig: pd.DataFrame, period_label: str) -> tuple[str, str]:
    """(chart title, sentence) for the caseload by tier."""
    total = _row(fig, "caseload")
    biggest = largest_group(fig, "caseload")
    title = (
        f"Most children on the caseload were on {biggest.lower()} work"
        if biggest
        else "Children on the caseload, by tier"
    )
    if biggest:
        share = _row(fig, "caseload", biggest)
        share_text = formatting.figure(share["value"], "share")
        title = (
            f"{biggest} work was the largest part of the caseload"
            if share["value"] < 50
            else f"Most children on the caseload were on {biggest.lower()} work"
        )
        sentence = (
            f"{count_phrase(total, 'child', 'children').capitalize()} were on the YJS caseload during {period_label}. "
            f"The largest group was {biggest.lower()} ({share_text} of the caseload)."
        )
    elif none_shown(total):
        sentence = f"No child was on the YJS caseload during {period_label}."
    else:
        sentence = (
            f"{count_phrase(total, 'child', 'children').capitalize()} were on the YJS caseload during {period_label}."
        )
    return title, sentence


def first_time_entrants(
    fte: pd.DataFrame, rate_row: pd.Series, previous_rate: pd.Series | None, period_label: str
) -> tuple[str, str]:
    """(chart title, sentences) for first time entrants and their rate."""
    total = _row(fte, "first_time_entrants")
    lac = _row(fte, "first_time_entrants_looked_after")
    biggest = largest_group(fte, "first_time_entrants")
    title = (
        f"{biggest} was the most common first outcome for first time entrants"
        if biggest
        else "First time entrants by outcome"
    )
    if none_shown(total):
        text = f"No child entered the youth justice system for the first time in the {period_label}."
        if rate_row["denominator"] == 0 and not rate_row["suppressed"]:
            text += (
                " There is no population figure to make a rate (the population table gives no children aged 10 to 17)."
            )
        return title, text
    no_population = not rate_row["suppressed"] and pd.isna(rate_row["value"]) and rate_row["denominator"] == 0
    rate_text = (
        f"a rate that is withheld ({SYMBOL})"
        if rate_row["suppressed"]
        else "but there is no population figure to make a rate (the population table gives no children aged 10 to 17)"
        if no_population
        else f"a rate of {formatting.figure(rate_row['value'], 'rate')} per 100,000 children aged 10 to 17 "
        f"(95% confidence interval {formatting.interval(rate_row['lower'], rate_row['upper'], 'rate')})"
    )
    text = (
        f"{count_phrase(total, 'child', 'children').capitalize()} entered the youth justice system for the first time "
        f"in the {period_label}, {rate_text}{caution(total['numerator'])}."
    )
    if previous_rate is not None and not rate_row["suppressed"] and not previous_rate["suppressed"]:
        text += (
            f" The rate {change(rate_row['value'], previous_rate['value'], rate_row['lower'], rate_row['upper'], previous_rate['lower'], previous_rate['upper'])}".replace(
                "the earlier period", f"the {previous_rate['period']}"
            )
            + "."
        )
    text += f" Of the first time entrants, {count_phrase(lac, 'child', 'children')} were looked after when they received the outcome."
    return title, text


def serious_violence(rate_row: pd.Series, previous_rate: pd.Series | None, period_label: str) -> str:
    """Two sentences on serious violence offences (the YJB's KPI 9 definition) and their rate per 10,000, with the
    year before: from `serious_violence.trend` rows, after suppression."""

    def rate_text(row: pd.Series) -> str:
        if row["suppressed"]:
            return f"a rate that is withheld ({SYMBOL})"
        if pd.isna(row["value"]):
            return "but there is no population figure to make a rate"
        return (
            f"a rate of {formatting.figure(row['value'], 'rate')} per 10,000 children aged 10 to 17 "
            f"(95% confidence interval {formatting.interval(row['lower'], row['upper'], 'rate')})"
        )

    text = (
        f"In the {period_label}, {count_phrase(rate_row, 'serious violence offence', 'serious violence offences')} "
        "by children living in the area resulted in a caution or sentence, as the Youth Justice Board's KPI 9 counts "
        "them (drugs, robbery or violence against the person with a seriousness score of 5 or more), "
        f"{rate_text(rate_row)}{caution(rate_row['numerator'], 'offences')}."
    )
    if previous_rate is None:
        return text
    before = f"In the {previous_rate['period']} there were {count_phrase(previous_rate, 'offence')}, {rate_text(previous_rate)}"
    if rate_row["suppressed"] or previous_rate["suppressed"]:
        return f"{text} {before}; with a rate withheld, the two years are not compared here."
    moved = change(
        rate_row["value"],
        previous_rate["value"],
        rate_row["lower"],
        rate_row["upper"],
        previous_rate["lower"],
        previous_rate["upper"],
    ).replace("the earlier period", "that year")
    return f"{text} {before}, so the rate {moved}."


def trend_title(subject: str, now: pd.Series, before: pd.Series) -> str:
    """'The first time entrant rate fell over the year, within chance variation' and similar."""
    if now["suppressed"] or before["suppressed"] or pd.isna(now["value"]) or pd.isna(before["value"]):
        return f"{subject} over the last two years"
    if math.isclose(now["value"], before["value"], rel_tol=0.005):
        return f"{subject} was unchanged on a year earlier"
    moved = "rose" if now["value"] > before["value"] else "fell"
    overlap = not (now["lower"] > before["upper"] or now["upper"] < before["lower"])
    return f"{subject} {moved} on a year earlier" + (", within chance variation" if overlap else "")


# --- published comparators -------------------------------------------------------------------


def fte_comparators(comps: pd.DataFrame, area_name: str, file_name: str) -> str:
    """What the published first time entrant comparison shows and whose figures they are, naming any comparator the
    publication gives no figure for (Markdown: names and titles from the comparator file and the extract are shown
    as written, see `formatting.plain`)."""
    plain = formatting.plain
    rows = comps[comps["measure"] == "first_time_entrants_change"]
    if rows.empty:
        return (
            f"The comparator file ({plain(file_name)}) holds no published first time entrant figures, so first time "
            "entrants are not compared with other areas here."
        )
    last = rows[rows["period_end"] == rows["period_end"].max()]
    pubs = "; ".join(plain(p) for p in dict.fromkeys(last.sort_values("publication_order")["publication"]))
    this = plain(comparators.this_area(comps))
    text = (
        f"The table gives the published change in first time entrants for {this} and its comparators over the "
        f"12 months {last['period'].iloc[0]}, against the 12 months before, as printed in {pubs}. Published figures "
        "come from the Police National Computer and cover an earlier period than this report, so they show where the "
        "area stood rather than compare like with like."
    )
    names = comps.drop_duplicates("area_type").set_index("area_type")["area_name"]
    missing = [
        f"{kind[0].lower() + kind[1:] if t != 'england_and_wales' else kind}"
        + (f" ({plain(names[t])})" if t in names else "")
        for t, kind in codes.AREA_TYPES.items()
        if t != "this_yjs" and t not in set(last["area_type"])
    ]
    if missing:
        text += f" The publication gives no figure for the {' or the '.join(missing)}."
    if not comparators.same_area(comps, area_name):
        text += (
            f" These are not figures for {plain(area_name)}: they are shown as an example of the comparison an area "
            f"makes. To compare {plain(area_name)} with its own police force area, YJS family and England and Wales, "
            f"replace the comparator file ({plain(file_name)}) with the area's published figures."
        )
    return text


def fte_local_change(rate_now: pd.Series, rate_before: pd.Series, area_name: str) -> str:
    """The local extract's own change in the first time entrant rate over its latest 12 months, labelled as a
    different period and source from the published changes (rows of `first_time_entrants.trend`, after suppression:
    a withheld rate is never used)."""
    area = formatting.plain(area_name)
    now, before = rate_now["period"], rate_before["period"]
    shown = [not r["suppressed"] and not pd.isna(r["value"]) for r in (rate_now, rate_before)]
    if not all(shown) or rate_before["value"] == 0:
        return (
            f"The local extract's change for {area} between the {before} and the {now} cannot be given here "
            f"(a rate is withheld ({SYMBOL}) or there is no rate to compare with)."
        )
    pct = round((rate_now["value"] - rate_before["value"]) / rate_before["value"] * 100)
    moved = "did not change" if pct == 0 else f"{'rose' if pct > 0 else 'fell'} by {abs(pct)}%"
    return (
        f"For comparison, in the local extract the first time entrant rate for {area} {moved} between the {before} "
        f"and the {now} ({formatting.figure(rate_before['value'], 'rate')} then "
        f"{formatting.figure(rate_now['value'], 'rate')} per 100,000 children aged 10 to 17). That is a different "
        "period, counted from the YJS's own records rather than the Police National Computer, so it is not a "
        "like-for-like comparison with the published figures."
    )


def serious_violence_comparators(comps: pd.DataFrame) -> str:
    """The sentence saying that no published serious youth violence rates for other areas are held ('' if some are)."""
    if any(str(m).startswith("serious_violence") for m in set(comps["measure"])):
        return ""
    return (
        "No published serious youth violence rates for the YJS family, the region or England and Wales are held, so "
        "the rate is not compared with other areas here."
    )
