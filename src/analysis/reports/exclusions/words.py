"""Words for the exclusions report: titles that state the finding, sentences built from published figures
(after suppression, so a withheld number never reaches a sentence), and the notes on methods.

The DfE's term is "suspension" (a fixed-period exclusion before 2021/22). These reports never shorten it:
FTE means first time entrant here.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.data.codes import NOT_KNOWN
from analysis.present import formatting, narrative
from analysis.reports.exclusions.measures import (
    AFTER,
    BEFORE,
    BOROUGH,
    MATCHED,
    RATIO,
    RATIO_MEASURES,
    YJS,
    Cohort,
)
from analysis.safety.figures import TOTAL, first
from analysis.safety.suppression import SYMBOL

TITLE = "Suspensions and permanent exclusions"
YJS_COLUMN = "Children known to the YJS"

# The overview table: (row label, measure without its yjs_/borough_/ratio_ prefix, field shown)
HEADLINE_ROWS = (
    ("Pupils in the comparison", "pupils", "value"),
    ("Suspended at least once", "one_plus_suspension_rate", "numerator"),
    ("Suspended at least once (% of pupils)", "one_plus_suspension_rate", "value"),
    ("Suspensions", "suspension_rate", "numerator"),
    ("Suspensions per 100 pupils", "suspension_rate", "value"),
    ("Suspensions per suspended child", "suspensions_per_suspended_child", "value"),
    ("School days lost per suspended child", "days_lost_per_suspended_child", "value"),
    ("School days lost per pupil", "days_lost_per_pupil", "value"),
    ("Permanent exclusions", "permanent_exclusion_rate", "numerator"),
    ("Permanent exclusions per 100 pupils", "permanent_exclusion_rate", "value"),
    ("Lunchtime suspensions (not in the rows above)", "lunchtime_suspensions", "value"),
)
YEAR_ROWS = HEADLINE_ROWS[1:3] + HEADLINE_ROWS[4:8] + HEADLINE_ROWS[8:10]

TABLE_NOTE = (
    "[c]: withheld to protect children's identities (a comparison too, when the YJS figure it rests on is "
    "withheld, since it would give that figure back). [x]: not available. [z]: not applicable. A ratio above 1 "
    "means the figure is higher for children known to the YJS than across the borough."
)
SOURCE = "Source: YJS case management system; school census and exclusions return."


# --- reading figures ------------------------------------------------------------------------


def row(fig: pd.DataFrame, measure: str, group: str = TOTAL, period: str | None = None) -> pd.Series | None:
    return first(fig, measure=measure, group=group, period=period)


def shown(r: pd.Series | None) -> bool:
    return r is not None and not r["suppressed"] and not pd.isna(r["value"])


def value(r: pd.Series | None) -> str:
    """The figure as the tables show it ('38.7%', '2.5', '[c]', '[x]')."""
    if r is None:
        return formatting.NOT_AVAILABLE
    return formatting.figure(r["value"], r["kind"], bool(r["suppressed"]))


def count(r: pd.Series | None, singular: str, plural: str | None = None) -> str:
    """The figure's numerator as a count with its noun ('36 children', 'a withheld number of children ([c])')."""
    return narrative.count_phrase(r, singular, plural)


def shown_count(r: pd.Series | None) -> int | None:
    """The figure's count if it is shown, else None."""
    return None if r is None or r["suppressed"] or pd.isna(r["numerator"]) else int(r["numerator"])


def number(r: pd.Series | None) -> str:
    """The numerator alone ('36' or '[c]')."""
    if r is None or r["suppressed"] or pd.isna(r["numerator"]):
        return SYMBOL
    return f"{int(r['numerator']):,}"


def _join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def printed(r: pd.Series) -> float:
    """A shown figure as the tables print it, read back as a number (38.7 for '38.7%')."""
    return float(value(r).rstrip("%").replace(",", ""))


def above(y: pd.Series, b: pd.Series) -> bool:
    """The YJS figure is above the borough's, and still above it as the tables print them, so a title never
    claims a difference that the table beneath it shows as none."""
    return y["value"] > b["value"] and printed(y) > printed(b)


# Said beside a ratio of two shares when a reader dividing the two printed shares would not get the printed ratio
UNROUNDED = "worked out from the unrounded percentages"


def divides(ratio: str, y: pd.Series | None, b: pd.Series | None) -> bool:
    """The printed `ratio` ('7.2') is what a reader gets dividing the two printed shares (38.7% / 5.4%)."""
    if not (shown(y) and shown(b)) or printed(b) <= 0:
        return False
    decimals = len(ratio.partition(".")[2])
    return f"{printed(y) / printed(b):,.{decimals}f}" == ratio


def ratio_phrase(r: pd.Series | None, what: str = "the borough rate", shares: tuple | None = None) -> str | None:
    """'7.2 times the borough rate (95% confidence interval 5.6 to 9.4)', or None when it cannot be shown. Given
    the two `shares` printed beside it, it says it was worked out from the unrounded percentages when dividing
    the printed ones would not give it."""
    if not shown(r):
        return None
    times = f"{r['value']:,.1f}"
    notes = [] if shares is None or divides(times, *shares) else [UNROUNDED]
    if not (pd.isna(r["lower"]) or pd.isna(r["upper"])):
        interval = f"95% confidence interval {r['lower']:,.1f} to {r['upper']:,.1f}"
        notes.append(interval + (", so the difference could be chance" if r["lower"] <= 1 <= r["upper"] else ""))
    return f"{times} times {what}" + (f" ({'; '.join(notes)})" if notes else "")


# --- no data ---------------------------------------------------------------------------------


def no_census(cohort: Cohort) -> str:
    """What is missing when the extract has no school census for the year (or the year before)."""
    return (
        f"There is no school data: the extract's school census (pupils.csv) has no rows for {cohort.academic_year} "
        "or the year before, so no child known to the YJS can be matched to a pupil and there are no pupils to "
        "compare them with. Every figure in this report is therefore empty. Add the borough's school census (and "
        "its exclusions return) to the extract to report suspensions and permanent exclusions."
    )


def _maybe_not_top(fig: pd.DataFrame, measure: str, top: str) -> bool:
    """`top`, the largest group shown, might not be the largest of all: some groups are withheld and, from the
    total and the groups shown, they could hold as many as `top` between them. Then "the most common" is only
    over the groups shown, and the sentence says so (it says nothing a reader cannot work out from the tables)."""
    rows = fig[(fig["measure"] == measure) & (fig["group"] != TOTAL)]
    hidden = rows["suppressed"] | rows["numerator"].isna()
    if not hidden.any():
        return False
    total = row(fig, measure)
    if total is None or total["suppressed"] or pd.isna(total["numerator"]):
        return True
    left = total["numerator"] - rows.loc[~hidden, "numerator"].sum()
    return bool(left >= rows.loc[rows["group"] == top, "numerator"].iloc[0])


def _none(fig: pd.DataFrame, measure: str) -> bool:
    """The figure's total (All) row is shown and counts nobody: there is nothing to describe."""
    r = row(fig, measure)
    return r is not None and not r["suppressed"] and r["numerator"] == 0


def _no_one(fig: pd.DataFrame, prefix: str = YJS, group: str = TOTAL) -> bool:
    """No children (or pupils) in the group at all: the total row's base is shown and is zero."""
    r = row(fig, f"{prefix}_one_plus_suspension_rate", group)
    return r is not None and not r["suppressed"] and r["denominator"] == 0


NO_YJS_PUPILS = (
    "No child known to the YJS was matched to a pupil in the years covered, so there is nothing to show here."
)


# --- the overview ----------------------------------------------------------------------------


def table_view(fig: pd.DataFrame, rows=HEADLINE_ROWS, group: str = TOTAL) -> pd.DataFrame:
    """Published figures rearranged for a compact table: one row per measure (its label in `group`), and
    `measure` set to yjs, borough or ratio, so rep.table can show them side by side."""
    out = []
    for label, measure, field in rows:
        for prefix in (YJS, BOROUGH, RATIO):
            if prefix == RATIO and (field == "numerator" or measure not in RATIO_MEASURES):
                continue
            r = row(fig, f"{prefix}_{measure}", group)
            if r is None:
                continue
            r = r.copy()
            r["measure"], r["group"] = prefix, label
            if field == "numerator":
                r["kind"], r["value"] = "count", r["numerator"]
            out.append(r)
    return pd.DataFrame(out).reset_index(drop=True)


def table_columns(nc_text: str) -> dict[str, tuple[str, str]]:
    return {
        YJS_COLUMN: (YJS, "value"),
        f"All pupils in {nc_text}": (BOROUGH, "value"),
        "YJS compared with borough (ratio)": (RATIO, "value"),
    }


def overview(head: pd.DataFrame, match: pd.DataFrame, cohort: Cohort) -> list[str]:
    """Three or four sentences for the one-page overview."""
    if cohort.no_census:
        return [no_census(cohort)]
    caseload, matched = row(match, "caseload_pupil_match"), row(match, "caseload_pupil_match", MATCHED)
    if shown_count(caseload) == 0:
        return [
            f"No child was on the YJS caseload during {cohort.quarter.label}, so no child known to the YJS can be "
            "compared with the borough's pupils."
        ]
    census = f"the {cohort.academic_year} school census" + (
        " (last year's, moved up a year)" if cohort.rolled_forward else ""
    )
    out = [
        f"{count(caseload, 'child', 'children').capitalize()} were on the YJS caseload during {cohort.quarter.label}; "
        f"{number(matched)} of them ({value(matched)}) were matched to a pupil in {cohort.nc_text} in {census}: "
        "they are the children known to the YJS in this report."
    ]

    one_y, one_b = row(head, "yjs_one_plus_suspension_rate"), row(head, "borough_one_plus_suspension_rate")
    ratio = ratio_phrase(row(head, "ratio_one_plus_suspension_rate"), shares=(one_y, one_b))
    text = (
        f"In the {cohort.period.label}, {count(one_y, 'child', 'children')} ({value(one_y)}) were suspended at "
        f"least once, against {value(one_b)} of all {number(row(head, 'borough_pupils'))} pupils in those years"
    )
    text += (f": {ratio}" if ratio else "") + narrative.caution(matched["numerator"] if shown(matched) else None) + "."
    out.append(text)

    susp = row(head, "yjs_suspension_rate")
    per_y, per_b = (
        row(head, "yjs_suspensions_per_suspended_child"),
        row(head, "borough_suspensions_per_suspended_child"),
    )
    days_y, days_b = row(head, "yjs_days_lost_per_suspended_child"), row(head, "borough_days_lost_per_suspended_child")
    out.append(
        f"They received {count(susp, 'suspension')}, {value(per_y)} per suspended child against {value(per_b)} "
        f"across the borough, and lost {value(days_y)} school days per suspended child against {value(days_b)}."
    )

    perm_y, perm_b = row(head, "yjs_permanent_exclusion_rate"), row(head, "borough_permanent_exclusion_rate")
    share = row(head, "yjs_share_of_permanent_exclusions")
    if shown(perm_b) and perm_b["numerator"] == 0:
        out.append("There were no permanent exclusions of pupils in those years.")
    elif shown(perm_y) and perm_y["numerator"] == 0:
        out.append(f"None of the borough's {number(perm_b)} permanent exclusions were of children known to the YJS.")
    elif shown(share):
        out.append(
            f"{number(perm_y)} of the borough's {number(perm_b)} permanent exclusions ({value(share)}) were of "
            "children known to the YJS."
        )
    else:
        out.append(
            f"A withheld number ({SYMBOL}) of the borough's {number(perm_b)} permanent exclusions were of "
            "children known to the YJS."
        )
    return out


def headline(head: pd.DataFrame, cohort: Cohort) -> str:
    """The report's one-line finding for the index page."""
    if cohort.no_census:
        return (
            f"No school data: the extract has no school census for {cohort.academic_year}, so suspensions and "
            "permanent exclusions could not be reported."
        )
    one_y, one_b = row(head, "yjs_one_plus_suspension_rate"), row(head, "borough_one_plus_suspension_rate")
    ratio = row(head, "ratio_one_plus_suspension_rate")
    if shown(ratio) and shown(one_y) and ratio["value"] >= 1.05:
        times = f"{ratio['value']:,.1f}"
        named = "" if divides(times, one_y, one_b) else f" ({UNROUNDED})"
        return (
            f"Children known to the YJS were {times} times as likely to be suspended as pupils across the borough"
            f"{named}: {value(one_y)} against {value(one_b)} in {cohort.nc_text}, {cohort.period.label}."
        )
    if shown(one_y):
        return (
            f"{value(one_y)} of children known to the YJS were suspended at least once in the {cohort.period.label}, "
            f"against {value(one_b)} of all pupils in {cohort.nc_text}."
        )
    return f"Suspensions and permanent exclusions of children known to the YJS, {cohort.period.label}."


def overview_title(head: pd.DataFrame) -> str:
    if _no_one(head, BOROUGH):
        return "No pupils to compare: the school census has no pupils in the years covered"
    ratio = row(head, "ratio_one_plus_suspension_rate")
    if shown(ratio) and ratio["lower"] > 1:
        if ratio["value"] >= 2:
            return (
                f"Children known to the YJS were about {ratio['value']:,.0f} times as likely to be suspended as "
                "pupils across the borough"
            )
        return "Children known to the YJS were more likely to be suspended than pupils across the borough"
    if shown(ratio) and ratio["upper"] < 1:
        return "Children known to the YJS were less likely to be suspended than pupils across the borough"
    return "Suspensions of children known to the YJS and of all pupils"


# --- matching ------------------------------------------------------------------------------


def matching(match: pd.DataFrame, cohort: Cohort) -> str:
    if cohort.no_census:
        return no_census(cohort)
    caseload, matched = row(match, "caseload_pupil_match"), row(match, "caseload_pupil_match", MATCHED)
    if shown_count(caseload) == 0:
        return (
            f"No child was on the YJS caseload during {cohort.quarter.label}, so there is no one to match to a pupil."
        )
    text = (
        f"{number(matched)} of the {number(caseload)} children on the caseload ({value(matched)}) were matched to a "
        f"pupil in {cohort.nc_text} of the {cohort.academic_year} school census."
    )
    others = match[(match["group"] != MATCHED) & (match["group"] != TOTAL)]
    biggest = narrative.largest_group(others, "caseload_pupil_match")
    if biggest:
        among = " of those that can be shown" if _maybe_not_top(match, "caseload_pupil_match", biggest) else ""
        text += f' The most common reason a child was not matched{among}: "{biggest.lower()}".'
    text += (
        " The analyst has the list of children not matched, with their reasons, to correct at source; it holds "
        "personal data and is not part of this report."
    )
    if cohort.rolled_forward:
        text += (
            f" The {cohort.academic_year} spring census is not in the extract yet, so pupils are taken from last "
            "year's census, each moved up one year."
        )
    return text


# --- years and terms -----------------------------------------------------------------------


def years(fig: pd.DataFrame, labels: list[str]) -> str:
    """How the YJS share suspended, and its ratio to the borough, moved across the years shown."""
    shares = [row(fig, "yjs_one_plus_suspension_rate", g) for g in labels]
    ratios = [row(fig, "ratio_one_plus_suspension_rate", g) for g in labels]
    shares = [r for r in shares if shown(r)]
    ratios = [r for r in ratios if shown(r)]
    if not shares and all(_no_one(fig, group=g) for g in labels):
        return NO_YJS_PUPILS
    if not shares:
        return "The yearly figures for children known to the YJS are withheld."
    lo, hi = min(r["value"] for r in shares), max(r["value"] for r in shares)
    text = (
        f"Across the {len(labels)} academic years shown, between {formatting.figure(lo, 'share')} and "
        f"{formatting.figure(hi, 'share')} of children known to the YJS were suspended at least once"
    )
    if ratios:
        rlo, rhi = min(r["value"] for r in ratios), max(r["value"] for r in ratios)
        text += f", {rlo:,.1f} to {rhi:,.1f} times the borough's share"
    return text + (
        ". The latest year runs only to the end of this quarter, so its counts and shares are lower than a "
        "full year's would be; its ratio to the borough, measured over the same months, compares better."
    )


def _term_pairs(fig: pd.DataFrame) -> list[tuple[str, pd.Series, pd.Series]]:
    y = fig[(fig["measure"] == f"{YJS}_term_one_plus_suspension_rate") & (fig["group"] != TOTAL)]
    out = []
    for _, r in y.iterrows():
        b = row(fig, f"{BOROUGH}_term_one_plus_suspension_rate", r["group"], r["period"])
        out.append((r["group"], r, b))
    return out


def _term_name(label: str) -> str:
    """'Autumn term 2022' -> 'autumn 2022'; 'Spring term 2026 (to 31 March)' -> 'spring 2026'."""
    name = label.replace(" term", "").split(" (")[0]
    return name[0].lower() + name[1:]


def terms_title(fig: pd.DataFrame) -> str:
    """The finding over the terms. "In every term since ..." only when every term is shown and bears it out;
    when some cannot be shown, it says so and which (or how many)."""
    everything = _term_pairs(fig)
    pairs = [(g, y, b) for g, y, b in everything if shown(y) and shown(b) and b["value"] > 0 and printed(b) > 0]
    if not pairs:
        return "Share of children suspended at least once in each term"
    first = _term_name(everything[0][0])
    missing = [_term_name(g) for g, y, b in everything if all(g != p[0] for p in pairs)]
    if not missing:
        when = f"In every term since {first}" if len(pairs) > 1 else f"In {first}"
    elif len(pairs) == 1:
        when = f"In the one term of {len(everything)} that can be shown ({_term_name(pairs[0][0])})"
    else:
        which = f"all but {_join(missing)}" if len(missing) <= 2 else f"{len(pairs)} of {len(everything)}"
        when = f"In every term since {first} that can be shown ({which})"
    if all(above(y, b) for _, y, b in pairs):
        # the least ratio, worked out both from the figures and from the shares as printed, so "at least" holds
        # for what the reader can check in the table as well
        least = math.floor(min(min(y["value"] / b["value"], printed(y) / printed(b)) for _, y, b in pairs))
        if least >= 2:
            return (
                f"{when}, children known to the YJS were at least {least} times as likely to be suspended as pupils "
                "across the borough"
            )
        return f"{when}, children known to the YJS were more likely to be suspended than pupils across the borough"
    more = sum(above(y, b) for _, y, b in pairs)
    terms_shown = f"{len(pairs)} terms" + (" that can be shown" if missing else "")
    return (
        f"Children known to the YJS were more often suspended than pupils across the borough in {more} of the "
        f"{terms_shown}"
    )


def terms(fig: pd.DataFrame) -> str:
    pairs = _term_pairs(fig)
    if not pairs:
        return ""
    label, y, b = pairs[-1]
    if not pd.isna(y["denominator"]) and y["denominator"] == 0:
        return NO_YJS_PUPILS
    n = "" if pd.isna(y["denominator"]) else f"{int(y['denominator']):,} "
    return (
        f"In the latest term ({label[0].lower() + label[1:]}), {value(y)} of the {n}children known to the YJS were suspended at least "
        f"once, against {value(b)} of all pupils. The YJS figures rest on far fewer children, so they move more "
        "from term to term than the borough's; the shaded band is their 95% confidence interval."
    )


def term_axis_label(group: str) -> str:
    """'Autumn term 2024' -> 'Aut\\n2024'; a part term keeps a '*'."""
    term, _, rest = group.partition(" term ")
    year = rest.split(" ")[0]
    return f"{term[:3]}\n{year}" + ("*" if "(" in rest else "")


# --- characteristics -----------------------------------------------------------------------


def _name(group: str, noun: str) -> str:
    """A group as a title names it: 'boys', 'secondary school', 'EHCP', 'White', 'not known'."""
    if noun == "sex" and group in ("Male", "Female"):
        return {"Male": "boys", "Female": "girls"}[group]
    if group == NOT_KNOWN or not (noun == "ethnic group" or group.split()[0].isupper()):
        return group[0].lower() + group[1:]
    return group


def _in_sentence(group: str, noun: str) -> str:
    """A group inside a sentence: 'boys', 'the secondary school group', 'the EHCP group', 'the White group'."""
    if noun == "sex" and group in ("Male", "Female"):
        return _name(group, noun)
    return f"the {_name(group, noun)} group"


def _pairs(fig: pd.DataFrame) -> dict[str, tuple[pd.Series | None, pd.Series | None]]:
    """Each group of a breakdown (not the total): its YJS and borough share suspended at least once."""
    return {
        g: (row(fig, f"{YJS}_one_plus_suspension_rate", g), row(fig, f"{BOROUGH}_one_plus_suspension_rate", g))
        for g in groups(fig)
    }


def breakdown(fig: pd.DataFrame, noun: str) -> str:
    """'Among children known to the YJS, the share suspended at least once was highest for EHCP (52.4%).' and how
    each group compares with the same group across the borough. A "highest" or "every" is only over the groups
    that can be shown, and says so when some cannot."""
    pairs = _pairs(fig)
    visible = {g: y for g, (y, _) in pairs.items() if shown(y)}
    if not visible and _no_one(fig):
        return NO_YJS_PUPILS
    if not visible:
        return f"The figures for children known to the YJS in each group by {noun} are withheld ({SYMBOL})."
    hidden = len(pairs) - len(visible)
    if len(visible) == 1 and hidden:
        ((g, y),) = visible.items()
        b = pairs[g][1]
        text = (
            f"Among children known to the YJS, only {_in_sentence(g, noun)} can be shown: {value(y)} of them were "
            "suspended at least once"
            + (f", against {value(b)} of all pupils in the same group" if shown(b) else "")
            + "."
        )
    else:
        top = max(visible, key=lambda g: visible[g]["value"])
        lead = (
            "Of the groups that can be shown, the share of children known to the YJS suspended at least once"
            if hidden
            else "Among children known to the YJS, the share suspended at least once"
        )
        text = f"{lead} was highest for {_in_sentence(top, noun)} ({value(visible[top])})."
        compared = [g for g in visible if shown(pairs[g][1])]
        if compared:
            more = [g for g in compared if above(visible[g], pairs[g][1])]
            text += (
                " In every group shown it was above the share for all pupils in the same group."
                if len(more) == len(compared)
                else f" It was above the share for all pupils in the same group in {len(more)} of the {len(compared)} groups shown."
            )
    if hidden:
        text += f" {hidden} group{'s are' if hidden > 1 else ' is'} withheld or not available ({SYMBOL} or [x])."
    return text


def breakdown_title(fig: pd.DataFrame, noun: str) -> str:
    """'Whatever their SEN status, ...' only when every group of the breakdown is shown and bears it out; when
    some cannot be shown, the claim is made for the groups that can ('In the 2 groups that can be shown, ...');
    when none can, or one shown goes the other way, the title only says what the chart shows."""
    pairs = _pairs(fig)
    visible = [g for g, (y, b) in pairs.items() if shown(y) and shown(b)]
    if not visible or not all(above(*pairs[g]) for g in visible):
        return f"Share suspended at least once by {noun}"
    claim = "children known to the YJS were more often suspended than pupils across the borough"
    if len(visible) == len(pairs):
        return f"Whatever their {noun}, {claim}"
    names = f" ({_join([_name(g, noun) for g in visible])})" if len(visible) <= 3 else ""
    if len(visible) == 1:
        return f"In the one group that can be shown{names}, {claim}"
    return f"In the {len(visible)} groups that can be shown{names}, {claim}"


def looked_after(fig: pd.DataFrame) -> str:
    from analysis.reports.exclusions.measures import LOOKED_AFTER, NOT_LOOKED_AFTER

    la, not_la = (row(fig, f"{YJS}_one_plus_suspension_rate", g) for g in (LOOKED_AFTER, NOT_LOOKED_AFTER))
    if _no_one(fig):
        return NO_YJS_PUPILS
    if not (shown(la) and shown(not_la)):
        return (
            "The suspensions of looked-after children known to the YJS are withheld, so they cannot be compared with "
            f"other children's ({SYMBOL})."
        )
    more = "more" if la["value"] > not_la["value"] else "less"
    return (
        f"{value(la)} of looked-after children known to the YJS ({count(la, 'child', 'children')}) were suspended at "
        f"least once, against {value(not_la)} of those not looked after: looked-after children were {more} often "
        f"suspended{narrative.caution(la['denominator'])}."
    )


# --- reasons and where permanently excluded children now learn --------------------------------


def reasons(fig: pd.DataFrame) -> tuple[str, str]:
    top_y = narrative.largest_group(fig, f"{YJS}_suspensions_by_reason")
    top_b = narrative.largest_group(fig, f"{BOROUGH}_suspensions_by_reason")
    if not top_y and _none(fig, f"{YJS}_suspensions_by_reason"):
        return ("Suspensions by main reason", "No child known to the YJS was suspended in the period.")
    if not top_y:
        return (
            "Suspensions by main reason",
            f"The suspensions of children known to the YJS by reason are withheld ({SYMBOL}).",
        )
    y, b = row(fig, f"{YJS}_suspensions_by_reason", top_y), row(fig, f"{BOROUGH}_suspensions_by_reason", top_y)
    # "the most common" is over every reason: when a withheld one could be as common, it is only over those shown
    hidden_y = _maybe_not_top(fig, f"{YJS}_suspensions_by_reason", top_y)
    same = top_y == top_b and not hidden_y and not _maybe_not_top(fig, f"{BOROUGH}_suspensions_by_reason", top_b)
    title = (
        f"{top_y} was the most common reason for suspension, for children known to the YJS as for all pupils"
        if same
        else f"{top_y} was the most common reason{' shown' if hidden_y else ''} for suspending children known to "
        "the YJS"
    )
    text = (
        f"{top_y} was the main reason for {value(y)} of the suspensions of children known to the YJS, against "
        f"{value(b)} across the borough."
    )
    return title, text


def provision(fig: pd.DataFrame) -> str:
    total_y = row(fig, f"{YJS}_permanent_exclusions_by_provision")
    total_b = row(fig, f"{BOROUGH}_permanent_exclusions_by_provision")
    top_y = narrative.largest_group(fig, f"{YJS}_permanent_exclusions_by_provision")
    top_b = narrative.largest_group(fig, f"{BOROUGH}_permanent_exclusions_by_provision")
    if shown(total_y) and total_y["numerator"] == 0:
        text = "No child known to the YJS was permanently excluded in the period."
    elif shown(total_y) and top_y:
        among = " shown" if _maybe_not_top(fig, f"{YJS}_permanent_exclusions_by_provision", top_y) else ""
        text = (
            f"Of the {count(total_y, 'permanent exclusion')} of children known to the YJS, the most common answer"
            f'{among} to where the child now receives education was "{top_y}" '
            f"({number(row(fig, f'{YJS}_permanent_exclusions_by_provision', top_y))})."
        )
    else:
        text = (
            "The permanent exclusions of children known to the YJS by where the children now receive education "
            f"are withheld ({SYMBOL})."
        )
    if top_b:
        among = " shown" if _maybe_not_top(fig, f"{BOROUGH}_permanent_exclusions_by_provision", top_b) else ""
        text += (
            f" Across the borough, the most common answer{among} for the "
            f"{count(total_b, 'permanently excluded pupil')} was "
            f'"{top_b}" ({number(row(fig, f"{BOROUGH}_permanent_exclusions_by_provision", top_b))}).'
        )
    return text


# --- timing ------------------------------------------------------------------------------------


def timing_title(fig: pd.DataFrame) -> str:
    for measure, subject in (
        ("timing_children_first_suspended", "suspended children known to the YJS were first suspended"),
        ("timing_suspensions", "suspensions of children known to the YJS came"),
    ):
        before, after = row(fig, measure, BEFORE), row(fig, measure, AFTER)
        if shown(before) and shown(after) and before["value"] != after["value"]:
            when = "before" if before["value"] > after["value"] else "on or after"
            return f"Most {subject} {when} their first youth justice involvement"
    return "Suspensions before and after the first youth justice involvement"


def timing(fig: pd.DataFrame, records_from: str) -> str:
    children = row(fig, "timing_children_first_suspended")
    before, after = (row(fig, "timing_children_first_suspended", g) for g in (BEFORE, AFTER))
    s_all, s_before = row(fig, "timing_suspensions"), row(fig, "timing_suspensions", BEFORE)
    p_all, p_before = row(fig, "timing_permanent_exclusions"), row(fig, "timing_permanent_exclusions", BEFORE)
    if _none(fig, "timing_children_first_suspended") and _none(fig, "timing_permanent_exclusions"):
        return f"No child known to the YJS has a suspension or permanent exclusion on record. {records_from}".strip()
    text = f"Of the {count(children, 'child', 'children')} known to the YJS with a suspension on record, "
    if shown(before) and shown(after):
        text += (
            f"{number(before)} were first suspended before their first involvement with youth justice and "
            f"{number(after)} on or after it. "
        )
    else:
        text += (
            "the numbers first suspended before and after their first involvement with youth justice are withheld "
            f"({SYMBOL}). "
        )
    text += f"{number(s_before)} of their {number(s_all)} suspensions came before that first involvement"
    if shown(p_all) and p_all["numerator"] > 0:
        text += (
            f", as did {number(p_before)} of their {number(p_all)} permanent exclusions"
            if shown(p_before)
            else f"; the split of their {number(p_all)} permanent exclusions is withheld ({SYMBOL})"
        )
    return text + f". {records_from}"


def records_from(tables: dict) -> str:
    """'Exclusion records start in September 2019 and youth justice records in April 2019: ...'"""
    ex = tables["exclusions"]["start_date"].min()
    yj = min(tables["caseload"]["start_date"].min(), tables["outcomes"]["outcome_date"].min())
    if pd.isna(ex) or pd.isna(yj):
        return ""
    return (
        f"The extract's exclusion records start in {ex:%B %Y} and its youth justice records in {yj:%B %Y}, so for "
        "older children some earlier exclusions or involvement may be missing."
    )


# --- notes on methods ---------------------------------------------------------------------------

METHOD_NOTES = """**Who is compared.** *Children known to the YJS* are the children on the YJS caseload at any time during the quarter, matched through the pupil link to a pupil record in the academic year's spring school census, in the national curriculum years the report covers (Years 6 to 11 unless it says otherwise). *All pupils* are every pupil in that census in the same years; they include the children known to the YJS, as the Department for Education's (DfE) figures include every pupil. Characteristics (SEN status, sex, ethnic group, school phase) come from the census for both groups; looked-after status comes from children's social care records on the last day of the quarter, for children known to the YJS only, because the census does not record it. Before the year's spring census exists (September to December), last year's census is used with each pupil moved up one year.

**Matching.** A child on the caseload is matched when the pupil link names a pupil who is in that year's census in the years covered. Children not matched are counted by the first reason that applies: their link record was set aside by the data checks; they have no link; the pupil they are linked to is also linked to another child (a linkage error: neither link is used); the pupil is not in that year's census (for example, they have left school, or attend a school outside the borough); or they are in the census but outside the years covered. Only the counts are published; the analyst has the list to correct at source.

**Suspensions and permanent exclusions.** The DfE's terms are used: a *suspension* (called a fixed-period exclusion before 2021/22) and a *permanent exclusion*. Lunchtime suspensions are counted separately, as the DfE does, and are in no other suspension figure. Permanent exclusions are counted as the exclusions return records them (the DfE's published figures count only those upheld by the governing body or review panel; the extract does not say which were). Only exclusions recorded in the borough's exclusions return are included: a child at a school outside the borough is not. In these reports "FTE" always means first time entrant, never a suspension.

**Rates and averages.** As the DfE defines them: the suspension rate and the permanent exclusion rate are exclusions per 100 pupils, and the one or more suspension rate is the share of pupils suspended at least once. Unlike the DfE, which counts enrolments, a pupil suspended by two schools is counted once (their suspensions are added up), as the youth justice plan did. Suspensions per suspended child are suspensions divided by the children suspended at least once. School days lost are sessions divided by two (a session is half a school day), for suspensions only: a permanent exclusion has no length. The DfE's duration tables count a part day as a whole day; these figures do not, so a one-session suspension is half a day. A suspension with no length recorded still counts as a suspension but adds no days (the number of such records is stated under the table).

**Periods and terms.** The current year's figures cover the academic year (from 1 September) to the end of the quarter; earlier years are whole academic years (September to August), with the children on the caseload in the same quarter of that year as the YJS group. Each exclusion counts in the term and year its first day falls in, even if it runs on into the next. Terms follow a fixed-date rule chosen for this report (the real spring term ends at Easter, which moves): autumn is September to December, spring January to March and summer April to August.

**Comparisons.** Figures for children known to the YJS are compared with all pupils as a ratio (1 means the same; 2 means twice as high). For shares and permanent exclusion rates the 95% interval uses the Katz log method. Suspension rates, suspensions per suspended child and days lost are averages of counts that cluster in the same children, so an interval treating each suspension as independent would be too narrow: these use a ratio of averages with an interval (delta method, on the log scale) built from how much children differ. Both treat the two groups as separate, although the borough includes the YJS children; this makes the intervals slightly wider, never narrower. A comparison is withheld too ([c]) when the YJS figure it rests on is withheld, since the comparison and the borough's figure together would give it back.

**Before and after youth justice involvement.** A child's first involvement is the earlier of the start of their first YJS intervention and their first legal outcome of any kind (diversion included), as far back as the extract goes. An exclusion on that day counts as on or after it. Every exclusion on record for the children known to the YJS this quarter is counted, from any year and any national curriculum year, up to the end of the quarter."""


# --- small helpers for the notebook ----------------------------------------------------------------

BREAKDOWN_NOUNS = {"sen": "SEN status", "school_phase": "type of school", "sex": "sex", "ethnic_group": "ethnic group"}


def breakdown_columns(nc_text: str) -> dict[str, tuple[str, str]]:
    return {
        "YJS: suspended at least once": (f"{YJS}_one_plus_suspension_rate", "numerator"),
        "YJS: % suspended": (f"{YJS}_one_plus_suspension_rate", "value"),
        f"All pupils in {nc_text}: % suspended": (f"{BOROUGH}_one_plus_suspension_rate", "value"),
        "YJS: permanent exclusions": (f"{YJS}_permanent_exclusion_rate", "numerator"),
        "All pupils: permanent exclusions": (f"{BOROUGH}_permanent_exclusion_rate", "numerator"),
        "Ratio (% suspended)": (f"{RATIO}_one_plus_suspension_rate", "value"),
    }


def data_note(fig: pd.DataFrame) -> str:
    outside = row(fig, "exclusions_of_pupils_not_in_census")
    no_length = row(fig, "suspensions_without_length")
    return (
        f"**Records not fully used.** {count(outside, 'exclusion')} in the period, in the years covered, were of pupils "
        f"not in that year's census, so they are in no figure here; {count(no_length, 'suspension')} had no length "
        "recorded, so they count as suspensions but add no days lost."
    )


TERM_CHART_NOTE = "Shaded band: 95% confidence interval. * Part term, to the end of the quarter."
TERMS_NOTE = (
    "Terms by a fixed-date rule: autumn September to December, spring January to March, summer April to "
    "August. Each year's children known to the YJS are those on the caseload in the same quarter of that year."
)


def term_rows(fig: pd.DataFrame) -> list[str]:
    """The term labels in order (each year's 'All' row is for suppression only and is not shown)."""
    return [g for g in dict.fromkeys(fig["group"]) if g != TOTAL]


def groups(fig: pd.DataFrame) -> list[str]:
    """The groups of a breakdown in order, without the total."""
    return [g for g in dict.fromkeys(fig["group"]) if g != TOTAL]
