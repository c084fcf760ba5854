"""Words for the reoffending report: chart titles that state the finding, sentences, and notes on methods.

Every function reads figures *after* publication (`reoffending.publish`), so a
withheld number never reaches a sentence: where a figure is withheld the
sentence says so. Sentences describe groups of children only through figures
that are shown; none lists the characteristics of the children who reoffended.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from analysis.data.quarters import (
    REOFFENDING_FOLLOW_UP_MONTHS,
    REOFFENDING_WAIT_MONTHS,
    Period,
    Quarter,
    add_months,
    reoffending_cohort,
    reoffending_wait_ends,
)
from analysis.measures import comparators
from analysis.measures.reoffending import KM_TABLE_MONTHS
from analysis.present import formatting
from analysis.present.narrative import CAUTION_BELOW, caution, count_phrase
from analysis.safety.figures import TOTAL, first
from analysis.safety.suppression import SYMBOL


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _row(fig: pd.DataFrame, measure: str, group: str = TOTAL) -> pd.Series | None:
    return first(fig, measure=measure, group=group)


def _shown(row: pd.Series | None) -> bool:
    return row is not None and not row["suppressed"] and not pd.isna(row["value"])


def _zero(row: pd.Series | None) -> bool:
    """A shown count of nobody."""
    return row is not None and not row["suppressed"] and not pd.isna(row["numerator"]) and row["numerator"] == 0


def _pct(row: pd.Series | None) -> str:
    return formatting.figure(row["value"], "share") if _shown(row) else SYMBOL


def _ci(row: pd.Series | None) -> str:
    return formatting.interval(row["lower"], row["upper"], "share") if _shown(row) else SYMBOL


def _months_words(period: Period) -> str:
    """'July to September 2024' or 'October 2023 to September 2024'."""
    if period.start.year == period.end.year:
        return f"{period.start:%B} to {period.end:%B %Y}"
    return f"{period.start:%B %Y} to {period.end:%B %Y}"


# --- table layouts (header -> (measure, field)), for rep.table ---------------------------

COHORT_COLUMNS = {
    "Children in the cohort": ("cohort_children", "numerator"),
    "Reoffended": ("reoffenders", "numerator"),
    "Binary reoffending rate": ("reoffenders", "value"),
    "Proven reoffences": ("proven_reoffences", "numerator"),
    "Reoffences per reoffender": ("reoffences_per_reoffender", "value"),
    "Reoffences per child in the cohort": ("reoffences_per_child", "value"),
}
TREND_COLUMNS = {
    "Children in the cohort": ("cohort_children", "numerator"),
    "Reoffended": ("reoffenders", "numerator"),
    "Binary reoffending rate": ("reoffenders", "value"),
}
TRACKER_ALL_COLUMNS = {
    "Children tracked": ("tracked_children", "numerator"),
    "No further offence": ("tracker_no_further_offence", "numerator"),
    "Share with no further offence": ("tracker_no_further_offence", "value"),
    "Offended again": ("tracker_reoffenders", "numerator"),
    "Share who offended again": ("tracker_reoffenders", "value"),
    "Further offences": ("tracker_reoffences", "numerator"),
    "Further offences per child who offended again": ("tracker_reoffences_per_reoffender", "value"),
    "Further offences per child tracked": ("tracker_reoffences_per_child", "value"),
}
TRACKER_COLUMNS = {
    "Children tracked": ("tracked_children", "numerator"),
    "Offended again": ("tracker_reoffenders", "numerator"),
    "Share who offended again": ("tracker_reoffenders", "value"),
    "Further offences": ("tracker_reoffences", "numerator"),
    "Further offences per child who offended again": ("tracker_reoffences_per_reoffender", "value"),
    "Further offences per child tracked": ("tracker_reoffences_per_child", "value"),
}
DIVERSION_COLUMNS = {
    "Children with diversion": ("tracked_children", "numerator"),
    "Offended again": ("tracker_reoffenders", "numerator"),
    "Share who offended again": ("tracker_reoffenders", "value"),
    "Further offences": ("tracker_reoffences", "numerator"),
    "Further offences per child who offended again": ("tracker_reoffences_per_reoffender", "value"),
    "Further offences per child with diversion": ("tracker_reoffences_per_child", "value"),
}
# the tracker tables' intervals, one column each (rep.table's `interval`), and their decimal places (`decimals`)
TRACKER_INTERVALS = {
    "Share who offended again: 95% confidence interval": "tracker_reoffenders",
    "Further offences per child tracked: 95% confidence interval": "tracker_reoffences_per_child",
}
DIVERSION_INTERVALS = {
    "Share who offended again: 95% confidence interval": "tracker_reoffenders",
    "Further offences per child with diversion: 95% confidence interval": "tracker_reoffences_per_child",
}
TRACKER_DECIMALS = {
    header: 2
    for header in (*TRACKER_ALL_COLUMNS, *DIVERSION_COLUMNS, *TRACKER_INTERVALS, *DIVERSION_INTERVALS)
    if "per child" in header
}
KM_COLUMNS = {
    "Children followed": ("time_to_reoffence_children", "numerator"),
    **{f"Within {m} months": (f"reoffended_within_{m}_months", "value") for m in KM_TABLE_MONTHS},
}
BREAKDOWN_NAMES = {
    "tier": ("Tier of the original outcome", "tier of the original outcome"),
    "outcome_type": ("Original outcome", "original outcome"),
    "age": ("Age at the original offence", "age at the original offence"),
    "sex": ("Sex", "sex"),
    "ethnic_group": ("Ethnic group", "ethnic group"),
    "looked_after": ("Looked after on the outcome date", "looked-after status"),
    "offence_type": ("Type of original offence", "type of original offence"),
}
DIVERSION_BREAKDOWN_NAMES = {name: BREAKDOWN_NAMES[name] for name in ("age", "sex", "offence_type")}


# --- the national measure ------------------------------------------------------------


def why_this_cohort(c3: Period, c12: Period, extract_date: date) -> str:
    """Why the cohort shown is the latest that can be reported in full."""
    follow_end = add_months(c3.end, REOFFENDING_FOLLOW_UP_MONTHS)
    wait_end = reoffending_wait_ends(c3.end)
    nxt = reoffending_cohort(Quarter.containing(c3.end).shift(1), 3)
    nxt_ready = reoffending_wait_ends(nxt.end)
    later = nxt_ready <= extract_date  # the report is for an earlier quarter than the extract allows
    which = (
        "The cohort reported is the latest to end within the quarter this report covers"
        if later
        else f"The latest cohort with both periods over by the time this extract was taken ({_day(extract_date)}) is "
        "the children cautioned, sentenced or released from custody in"
    )
    return (
        f"Each child is followed for {REOFFENDING_FOLLOW_UP_MONTHS} months from their caution, sentence or release, and "
        f"an offence counts only once it has been proven, for which the measure allows up to "
        f"{REOFFENDING_WAIT_MONTHS} more months. "
        + (f"{which}, the children cautioned, sentenced or released from custody in " if later else f"{which} ")
        + f"{_months_words(c3)}: the last of them was followed until {_day(follow_end)} and the wait for proceedings "
        f"ended on {_day(wait_end)}. "
        + ("" if later else "This is why the figures below are about children from about 18 months ago. ")
        + f"The 12-month cohort ending at the same time ({_months_words(c12)}) gives this report's headline rate, the "
        "same as the summary's and the index's, because the published figures use 12-month cohorts; the 3-month "
        "cohort, a smaller group whose rate moves more from quarter to quarter, is an early indicator."
        + (
            ""
            if later
            else f" The next cohort ({_months_words(nxt)}) can be reported from an extract taken on or "
            f"after {_day(nxt_ready)}."
        )
    )


def cohort_sentence(fig: pd.DataFrame, group: str, what: str) -> str:
    """One cohort's national measure in words, from published figures (as the table shows them)."""
    n, r = _row(fig, "cohort_children", group), _row(fig, "reoffenders", group)
    k, per = _row(fig, "proven_reoffences", group), _row(fig, "reoffences_per_reoffender", group)
    if _zero(n):
        return (
            f"No child was cautioned, sentenced or released from custody in {what}, so there is no reoffending "
            "to measure."
        )
    text = f"Of the {count_phrase(n, 'child', 'children')} in {what}, "
    if not _shown(r):
        return text + f"the number who committed a proven reoffence is withheld ({SYMBOL})."
    text += (
        f"{count_phrase(r, 'child', 'children')} ({_pct(r)}, 95% confidence interval {_ci(r)}) committed a "
        "proven reoffence within 12 months"
    )
    if _shown(k) and _shown(per):
        text += (
            f", with {count_phrase(k, 'proven reoffence')} between them "
            f"({formatting.figure(per['value'], 'mean')} per child who reoffended)"
        )
    text += "."
    if _shown(n) and n["numerator"] < CAUTION_BELOW:
        text += f" These figures rest on {int(n['numerator'])} children, so treat them with caution."
    return text


def custody_check_sentence(fig: pd.DataFrame, period_label: str) -> str:
    """How many custodial sentences had no custody episode to date a release from."""
    row = _row(fig, "custodial_sentences_without_release_episode")
    released = first(fig, measure="cohort_children", breakdown="index_type", group="Release from custody")
    if _zero(row) and _zero(released):
        return (
            f"No child in the cohort was released from custody, and no custodial sentence given in {period_label} "
            "is left without a release date: no child was sentenced to custody in the period, or every custodial "
            "sentence is still being served."
        )
    return (
        "Releases from custody are dated by the end of the custodial part of the sentence on the caseload. "
        f"Custodial sentences given in {period_label} with no such caseload episode, and so not counted as "
        f"releases: {count_phrase(row, 'sentence')}."
    )


# --- published comparators ---------------------------------------------------------------


def comparator_intro(comps: pd.DataFrame, area_name: str, file_name: str) -> str:
    """Whose published figures the comparison shows, in honest words (Markdown: the names and titles, from the
    comparator file and the extract, are shown as written, see `formatting.plain`)."""
    plain = formatting.plain
    this = plain(comparators.this_area(comps))
    others = [plain(a) for a in dict.fromkeys(comps.loc[comps["area_type"] != "this_yjs", "area_name"])]
    names = f"{this} and its comparators ({', '.join(others[:-1])} and {others[-1]})" if len(others) > 1 else this
    pubs = "; ".join(plain(p) for p in dict.fromkeys(comps["publication"]))
    same, area_name, file_name = comparators.same_area(comps, area_name), plain(area_name), plain(file_name)
    if same:
        return (
            f"Published figures for {names}, as printed in: {pubs}. They come from the Police National Computer "
            "and are the official measure; the local calculation above uses the YJS's own records, so expect the two "
            "to differ."
        )
    return (
        f"These are the published figures for {names}, as printed in: {pubs}. They are not figures for "
        f"{area_name}: they are shown as an example of the comparison an area makes. To compare {area_name} "
        f"with its own police force area, YJS family and England and Wales, replace the comparator file "
        f"({file_name}) with the area's published figures."
    )


def comparator_title(comps_latest: pd.DataFrame, measure: str, subject: str) -> str:
    """Where this YJS sits among its comparators in the latest published period of `measure`."""
    rows = comps_latest[comps_latest["measure"] == measure]
    if rows.empty:
        return f"{subject}: no published figures"
    last = rows[rows["period_start"] == rows["period_start"].max()]
    this = last[last["area_type"] == "this_yjs"]
    if this.empty:
        return f"Published {subject.lower()}, {last['period'].iloc[0]}"
    name, value = this["area_name"].iloc[0], this["value"].iloc[0]
    others = last[last["area_type"] != "this_yjs"]["value"]
    where = (
        "the lowest of the areas compared"
        if (others > value).all()
        else "the highest of the areas compared"
        if (others < value).all()
        else "between its comparators"
    )
    return f"{name}'s published {subject.lower()} for {last['period'].iloc[0]} was {where}"


def local_and_published(fig: pd.DataFrame, group: str, comps: pd.DataFrame, area_name: str) -> str:
    """The local 12-month figure beside the latest published figure, with the caveats that apply (Markdown: names
    and titles from the extract and the comparator file are shown as written)."""
    r = _row(fig, "reoffenders", group)
    area = formatting.plain(area_name)
    local = (
        f"The local calculation for {area}, 12-month cohort {r['period']}, gives a binary rate of {_pct(r)}"
        if _shown(r)
        else f"The local binary rate for {area}'s latest 12-month cohort cannot be shown ({SYMBOL})"
    )
    rows = comps[(comps["measure"] == "binary_reoffending_rate") & (comps["area_type"] == "this_yjs")]
    if rows.empty:
        return local + "."
    last = rows.sort_values(["period_start", "publication_order"], kind="stable").iloc[-1]
    if comparators.same_area(comps, area_name):
        return (
            f"{local}; the latest published rate for {formatting.plain(last['area_name'])} is "
            f"{last['value_as_published']}% for {last['period']} ({formatting.plain(last['publication'])}). "
            "The periods differ and the published figure comes from the "
            "Police National Computer, so this is a guide to direction rather than a like-for-like comparison."
        )
    return (
        f"{local}. It is not comparable with the figures above, which are for another area and earlier periods "
        "(the latest is "
        f"{last['period']})."
    )


# --- trend ----------------------------------------------------------------------------------


def trend_title(fig: pd.DataFrame, status: pd.DataFrame) -> str:
    """The latest complete 3-month cohort against the complete cohort a year before it."""
    complete = status[status["complete"]]
    if len(complete) < 5:
        return "Reoffending rates of 3-month cohorts; recent cohorts are still maturing"
    now = _row(fig, "reoffenders", complete["group"].iloc[-1])
    before = _row(fig, "reoffenders", complete["group"].iloc[-5])
    if not (_shown(now) and _shown(before)):
        return "Reoffending rates of 3-month cohorts vary with small numbers; recent cohorts are still maturing"
    if math.isclose(now["value"], before["value"], abs_tol=0.05):
        return "The latest complete cohort's reoffending rate was the same as a year earlier"
    moved = "higher" if now["value"] > before["value"] else "lower"
    overlap = not (now["lower"] > before["upper"] or now["upper"] < before["lower"])
    return f"The latest complete cohort's reoffending rate was {moved} than a year earlier" + (
        ", within chance variation" if overlap else ""
    )


def trend_sentence(fig: pd.DataFrame, status: pd.DataFrame) -> str:
    complete, maturing = status[status["complete"]], status[~status["complete"]]
    if not len(status):
        return "The extract has no outcomes, so there are no 3-month cohorts to follow."
    sizes = fig[(fig["measure"] == "cohort_children") & fig["group"].isin(complete["group"])]
    empty = sum(_zero(r) for _, r in sizes.iterrows())
    shown = fig[
        (fig["measure"] == "reoffenders")
        & ~fig["suppressed"]
        & fig["value"].notna()
        & fig["group"].isin(complete["group"])
    ]
    if empty and empty == len(complete):
        text = (
            f"No child was cautioned, sentenced or released from custody in any of the {len(complete)} complete "
            "3-month cohorts shown, so there is no reoffending to measure."
        )
    elif empty:
        text = (
            f"Of the {len(complete)} complete 3-month cohorts shown, {len(shown)} have a rate that can be shown, "
            f"{empty} had no children and the others are withheld ({SYMBOL})."
        )
    else:
        text = (
            f"Of the {len(complete)} complete 3-month cohorts shown, {len(shown)} have a rate that can be shown; "
            f"the others are withheld ({SYMBOL})."
        )
    if len(shown):
        text += (
            f" Their rates ranged from {formatting.figure(shown['value'].min(), 'share')} to "
            f"{formatting.figure(shown['value'].max(), 'share')}: with cohorts of this size, rates move a lot by chance."
        )
    if len(maturing):
        text += (
            f" The last {len(maturing)} cohorts are still maturing: some of their reoffences have not happened or "
            "not been proven yet, so their rates will rise and are not comparable with the complete ones."
        )
    return text


# --- time to reoffence ---------------------------------------------------------------------------


def km_rows(fig: pd.DataFrame, group: str = TOTAL) -> pd.DataFrame:
    rows = fig[(fig["group"] == group) & fig["measure"].str.startswith("reoffended_within_")].copy()
    rows["month"] = rows["measure"].str.extract(r"(\d+)")[0].astype(int)
    return rows.sort_values("month")


def km_title(fig: pd.DataFrame) -> str:
    rows = km_rows(fig)
    last = rows.iloc[-1] if len(rows) else None
    if not _shown(last):
        return "Time to a proven reoffence, by tier of the first outcome"
    half = rows[~rows["suppressed"] & (rows["value"] >= last["value"] / 2)]
    if len(half) and half["month"].iloc[0] <= 6:
        return (
            f"Half of the reoffending within a year came in the first {half['month'].iloc[0]} months "
            "after a caution, sentence or release"
        )
    return f"An estimated {_pct(last)} of children had a proven reoffence within 12 months"


def km_sentence(fig: pd.DataFrame, window: Period) -> str:
    n = _row(fig, "time_to_reoffence_children")
    rows = km_rows(fig)
    at = {int(r["month"]): r for _, r in rows.iterrows()}
    if _zero(n):
        return (
            f"No child was cautioned, sentenced or released from custody between "
            f"{window.months.replace(' to ', ' and ')}, so there is no time to reoffence to estimate."
        )
    text = (
        f"{count_phrase(n, 'child', 'children').capitalize()} were cautioned, sentenced or released from custody "
        f"between {window.months.replace(' to ', ' and ')}. "
    )
    months = [m for m in (3, 6, 12) if m in at]
    if not months:
        return text.strip()
    first, rest = months[0], [f"{_pct(at[m])} within {m} months" for m in months[1:]]
    text += (
        f"Allowing for the children whose follow-up is not over yet, an estimated {_pct(at[first])} of them "
        f"had committed an offence (later proven) within {first} months of their caution, sentence or release"
        + (", " + " and ".join([", ".join(rest[:-1]), rest[-1]] if len(rest) > 1 else rest) if rest else "")
    )
    text += f" (95% confidence interval at 12 months {_ci(at.get(12))})." if 12 in at else "."
    return text


# --- the live tracker ---------------------------------------------------------------------------------


def tracker_sentence(fig: pd.DataFrame, period_label: str) -> str:
    n, r = _row(fig, "tracked_children"), _row(fig, "tracker_reoffenders")
    none, k = _row(fig, "tracker_no_further_offence"), _row(fig, "tracker_reoffences")
    per = _row(fig, "tracker_reoffences_per_child")
    if _zero(n):
        return f"No child had an outcome in the {period_label}, so there is no one to track."
    text = (
        f"{count_phrase(n, 'child', 'children').capitalize()} had an outcome, diversion included, in the "
        f"{period_label} and are tracked from their original offence to the date of the extract."
    )
    if _shown(none) and _shown(r):
        text += (
            f" Of them, {count_phrase(none, 'child', 'children')} ({_pct(none)}) have had no further offence; "
            f"{count_phrase(r, 'child', 'children')} ({_pct(r)}) have"
        )
        text += f", committing {count_phrase(k, 'further offence')} between them" if _shown(k) else ""
        text += f" ({formatting.figure(per['value'], 'rate', decimals=2)} per child tracked)." if _shown(per) else "."
    else:
        text += f" The numbers with and without a further offence are withheld ({SYMBOL})."
    return text


def _comparable(
    fig: pd.DataFrame, measure: str = "tracker_reoffenders", base: str = "tracked_children"
) -> pd.DataFrame:
    """Shown groups (not the total) with a shown share, among groups of at least CAUTION_BELOW children."""
    rows = fig[(fig["measure"] == measure) & (fig["group"] != TOTAL) & ~fig["suppressed"] & fig["value"].notna()]
    sizes = fig[(fig["measure"] == base) & ~fig["suppressed"]].set_index("group")["numerator"]
    return rows[rows["group"].map(sizes).fillna(0) >= CAUTION_BELOW].sort_values(
        "value", ascending=False, kind="stable"
    )


def tracker_title(fig: pd.DataFrame, what: str) -> str:
    """The group with the most further offending, if it stands out beyond chance; otherwise says it does not."""
    rows = _comparable(fig)
    if len(rows) < 2:
        return (
            f"Further offending by {what}: too few groups to compare (the others are withheld or have fewer than "
            f"{CAUTION_BELOW} children)"
        )
    top, rest = rows.iloc[0], rows.iloc[1:]
    if (top["lower"] > rest["upper"]).all():
        return f"Further offending was most common where the {what} was {top['group'].lower()} ({_pct(top)})"
    return f"Further offending by {what}: the differences between groups are within chance variation"


def seriousness_sentence(fig: pd.DataFrame) -> str:
    k = _row(fig, "tracker_reoffences")
    parts = [
        f"{count_phrase(_row(fig, 'tracker_reoffences', g), 'offence')} {g.lower()}"
        for g in ("Less serious", "Equally serious", "More serious")
    ]
    nk = _row(fig, "tracker_reoffences", "Not known")
    if _zero(k):
        return "The children tracked have committed no further offence, so there is nothing to compare."
    of = "Of the" if _shown(k) else "Of"
    return (
        f"{of} {count_phrase(k, 'further offence')}, compared with the child's original offence by the YJB "
        f"seriousness score (1 least to 8 most serious): {parts[0]}, {parts[1]} and {parts[2]}; "
        f"{count_phrase(nk, 'offence')} could not be compared because a score was missing."
    )


def diversion_sentence(fig: pd.DataFrame) -> str:
    n, r = _row(fig, "tracked_children"), _row(fig, "tracker_reoffenders")
    if _zero(n):
        return "No child had diversion as their first outcome in the year."
    text = f"{count_phrase(n, 'child', 'children').capitalize()} had diversion as their first outcome in the year"
    if _shown(r):
        return text + (
            f", of whom {count_phrase(r, 'child', 'children')} ({_pct(r)}) have offended again since"
            f"{caution(n['numerator'] if _shown(n) else None)}."
        )
    return text + f"; the number who offended again is withheld ({SYMBOL})."


def headline(fig: pd.DataFrame, group: str, what: str, early: tuple[str, str] | None = None) -> str:
    """The report's one-line finding: the binary rate of the latest complete 12-month cohort (`group`, covering
    `what`), the figure that answers "is reoffending going up?" everywhere (index, summary and this report), as it is
    the one the published comparators use; then, with `early` = (group, period), the latest 3-month cohort as an
    early indicator."""
    r = _row(fig, "reoffenders", group)
    if _zero(_row(fig, "cohort_children", group)):
        text = (
            f"No child was cautioned, sentenced or released from custody in {what}, so there is no reoffending "
            "to measure."
        )
    elif _shown(r):
        text = (
            f"{_pct(r)} of children cautioned, sentenced or released from custody in {what} committed a proven "
            "reoffence within 12 months (the latest complete 12-month cohort; local calculation of the national "
            "measure)."
        )
    else:
        text = f"The reoffending rate of the {what} cohort is withheld ({SYMBOL})."
    if early is not None:
        e = _row(fig, "reoffenders", early[0])
        if _shown(e):
            text += f" The latest 3-month cohort ({early[1]}), an early indicator: {_pct(e)}."
        elif e is not None and not _zero(_row(fig, "cohort_children", early[0])):
            text += f" The latest 3-month cohort's rate ({early[1]}) is withheld ({SYMBOL})."
    return text


METHOD_NOTES = f"""**The national measure, computed locally.** The Ministry of Justice's proven reoffending measure for children, recomputed from the YJS's own records. The cohort is children aged 10 to 17 living in the area who were cautioned (youth caution or youth conditional caution), given a court sentence other than custody, or released from custody in the period: 3 months (the MoJ's cohorts since 2017) or 12 months (the cohorts in the published comparator tables). Each child counts once per cohort, from their first qualifying event in the period (the most serious first if two fall on the same day); a child with events in two periods is in both cohorts. A child's outcomes on the same day count as one occasion, typed by the most serious: an order given alongside custody belongs to the custodial sentence. A proven reoffence is an offence committed in the {REOFFENDING_FOLLOW_UP_MONTHS} months after the index date (from the next day) and proven by a caution or conviction within those months or a further {REOFFENDING_WAIT_MONTHS}. Reoffences are counted as offences, as the MoJ does: three offences on one day are three reoffences. The binary rate is the share of the cohort who reoffended (with a 95% Wilson interval); reoffences per reoffender and per child in the cohort are averages. A cohort is complete once its last child's follow-up and the wait for proceedings have passed by the extract date; later cohorts are marked still maturing.

**Release from custody.** The extract has no release date. For a detention and training order the release is taken as the end of the caseload episode for its custodial part (DTO_CUSTODY); for sections 250, 254 and 259, the end of the SECTION_250 episode; in each case the episode must start within 31 days of the sentence. A child still in custody, or whose sentence has no such episode, is not counted as released. This is the project's rule; the MoJ uses the prison release date.

**Differences from the published figures.** The published measure uses the Police National Computer: it sees offences anywhere in England and Wales and after a child's 18th birthday, and matches people across records. The local calculation sees only what the YJS records, so it will usually be lower; the published figures remain the official measure. The MoJ's rules for choosing one index event among several, and for breach offences, are not public: here the first event in the period is used and breach offences count like any other. Published comparators are copied exactly as printed, with the publication they came from; the same period can be revised between publications, and the latest publication is shown.

**Live tracker.** Children aged 10 to 17 at the offence, living in the area, with any outcome (diversion included) in the 12 months to the quarter end, each followed from their first outcome in those months. The original offence is the offence or offences dealt with that day (its date is the latest of them; its seriousness the highest). A further offence is any offence committed after the original offence date that has an outcome of any kind, diversion included, by the date of the extract; several on one day count separately. Follow-up runs to the extract date, so children tracked earlier in the year have been followed for longer. Tier and outcome type are those of the original outcome; age is at the original offence; looked-after status is on the original outcome date (children placed here by another authority included). Seriousness compares each further offence's YJB seriousness score (1 least to 8 most serious) with the original offence's.

**Time to reoffence.** Children cautioned, sentenced or released from custody in the two years ending six months before the quarter end, from their first such event in those years, followed for up to 12 months to their first proven reoffence. Follow-up stops at the extract date less six months (offences after that may not be proven yet), so recent children have been followed for less than a year; the Kaplan-Meier method (computed as the statsmodels library's SurvfuncRight does, and checked against it) uses each child for as long as they were followed. The 95% interval is on the log(-log) scale from Greenwood's standard error. The numbers shown beside each estimate are the children seen to reoffend by then.

**Keeping children unidentifiable.** On top of the standard rules below: a figure withheld in one table is withheld wherever else it appears; when the number of children in a group is withheld, every figure for that group is; when one of a group's reoffending figures is withheld, all of them are. No sentence describes the children who reoffended by their characteristics."""
