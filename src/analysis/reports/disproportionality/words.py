"""Words for the disproportionality report: titles that state the finding, readings, sentences, method notes.

Everything here reads figures after suppression, so a withheld number never
reaches a sentence: where a figure is withheld the sentence says so (no "[c]" appears in a
sentence), and never that there were "too few" children (a figure withheld to
protect another can rest on any number; docs/disclosure.md). Figures built on
fewer than 30 children carry a caution ("based on 12 children, so treat with
caution").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.present import formatting, narrative
from analysis.present.charts import Series
from analysis.present.ratio_words import (
    ABOUT,
    LESS,
    MORE,
    TOO_FEW,
    WITHHELD,
    reading,
)
from analysis.present.ratio_words import missing as _missing
from analysis.reports.disproportionality.measures import (
    AGES,
    CHARACTERISTICS,
    COHORTS,
    DETAILED,
    ETHNIC_MINORITY,
    FIRST_STAGE,
    LOOKED_AFTER,
    LOOKED_AFTER_ELSEWHERE,
    NOT_KNOWN,
    NOT_LOOKED_AFTER,
    STAGE_COHORTS,
    STAGES,
    WHITE,
    Context,
    row,
)
from analysis.safety import suppression
from analysis.safety.figures import TOTAL
from analysis.stats import intervals

# --- readings -------------------------------------------------------------------------------------


GROUP_PHRASES = {
    WHITE: "White children",
    "Mixed": "children of Mixed ethnicity",
    "Asian": "Asian children",
    "Black": "Black children",
    "Other": "children from other ethnic groups",
    ETHNIC_MINORITY: "children from ethnic minority groups",
    "Male": "boys",
    "Female": "girls",
    LOOKED_AFTER: "children looked after by this council",
    LOOKED_AFTER_ELSEWHERE: "children looked after by another council",
    NOT_LOOKED_AFTER: "children not looked after",
    "EHCP": "children with an EHCP",
    "SEN support": "children on SEN support",
    "No SEN recorded": "children with no SEN recorded",
    TOTAL: "all children",
}
CHART_LABELS = {
    "Male": "Boys",
    "Female": "Girls",
    LOOKED_AFTER: "Looked after (this council)",
    ETHNIC_MINORITY: "All ethnic minority groups",
}
VERBS = {
    "cautioned_or_sentenced": "to be cautioned or sentenced",
    "any_outcome": "to have any outcome, including diversion",
    "caseload": "to be on the YJS caseload",
    "court": "to have a court outcome",
    "custody": "to be sentenced to custody or remanded in custody",
}
SHORT = {
    "cautioned_or_sentenced": "Cautioned or sentenced",
    "any_outcome": "Any outcome, including diversion",
    "caseload": "On the caseload",
}
STAGE_LABELS = {
    "any_outcome": "Any outcome",
    "cautioned_or_sentenced": "Cautioned or sentenced",
    "court": "Court outcome",
    "custody": "Custody or remand in custody",
}
STAGE_PLACES = {
    "any_outcome": "at the first outcome",
    "cautioned_or_sentenced": "at the decision to caution or prosecute rather than divert",
    "court": "at the decision to go to court rather than caution",
    "custody": "at custody or remand in custody",
}
STAGE_BEFORE = {
    "cautioned_or_sentenced": "with any outcome",
    "court": "cautioned or sentenced",
    "custody": "with a court outcome",
}
MINORITY_GROUPS = ["Mixed", "Asian", "Black", "Other"]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def group_phrase(group: str) -> str:
    """'Black children', 'boys', 'children aged 15', 'children recorded as Asian: Indian'."""
    if group in GROUP_PHRASES:
        return GROUP_PHRASES[group]
    if group in AGES:
        return f"children aged {group}"
    return f"children recorded as {group}"


def chart_label(group: str) -> str:
    return CHART_LABELS.get(group, f"Aged {group}" if group in AGES else group)


def other_phrase(breakdown: str, group: str, against: str) -> str:
    """Who a group is compared with, in words: White children, the other sex, or other children."""
    if against == "white":
        return "White children"
    if breakdown == "sex" and group in ("Male", "Female"):
        return "girls" if group == "Male" else "boys"
    return "other children"


def _period(ctx: Context, cohort: str) -> str:
    return ctx.quarter_period.label if cohort == "caseload" else ctx.year.label


SHARE_READINGS = {
    MORE: "over-represented, and unlikely to be chance",
    LESS: "under-represented, and unlikely to be chance",
    ABOUT: "about the share the population would suggest",
}


def share_reading(r: pd.Series | None) -> str:
    """reading() for a share ratio, in the words of shares."""
    said = reading(r)
    return SHARE_READINGS.get(said, said)


def _complete(r: pd.Series | None) -> bool:
    """A shown figure with its interval: a full sentence can be written about it."""
    return r is not None and not r["suppressed"] and not _missing(r["value"]) and not _missing(r["lower"])


def ratio_number(value: float) -> str:
    """A ratio for a sentence: one decimal from 1 up, two below 1 (where one would hide the difference)."""
    return f"{value:,.1f}" if value >= 1 else f"{value:,.2f}"


def ratio_words(value: float) -> str:
    """'3.2 times as likely as'."""
    return f"{ratio_number(value)} times as likely as"


def interval_words(r: pd.Series) -> str:
    """'95% confidence interval 1.8 to 5.8', with a caution where the figure rests on few children."""
    caution = narrative.caution(r["numerator"]).strip()[1:-1]
    return f"95% confidence interval {ratio_number(r['lower'])} to {ratio_number(r['upper'])}" + (
        f"; {caution}" if caution else ""
    )


def share_words(r: pd.Series | None) -> str:
    return "withheld" if r is None or r["suppressed"] else formatting.figure(r["value"], "share")


def _shown(r: pd.Series | None) -> bool:
    """A figure that is shown (not withheld, not missing)."""
    return r is not None and not r["suppressed"] and not _missing(r["value"])


# Said beside a share ratio when a reader dividing the two printed shares would not get the printed ratio
UNROUNDED = "worked out from the unrounded shares"


def divides(ratio: str, a: pd.Series | None, b: pd.Series | None) -> bool:
    """The printed `ratio` ('6.5') is what a reader gets dividing the two printed shares (16.9% / 2.6%)."""
    if not (_shown(a) and _shown(b)):
        return False
    pa, pb = (float(share_words(r).rstrip("%").replace(",", "")) for r in (a, b))
    return pb > 0 and ratio_number(pa / pb) == ratio


def count_words(r: pd.Series | None) -> str:
    if r is None or r["suppressed"] or _missing(r["numerator"]):
        return "a withheld number of children"
    return formatting.plural(int(r["numerator"]), "child", "children")


def rri_sentence(r: pd.Series | None, group: str, verb: str, against: str) -> str:
    """'Black children were 2.1 times as likely as White children to be cautioned or sentenced (95% confidence
    interval 1.2 to 3.6): more likely, and the difference is unlikely to be chance.'"""
    subject = capital(group_phrase(group))
    if not _complete(r):
        return f"{subject}: {reading(r)}."
    return f"{subject} were {ratio_words(r['value'])} {against} {verb} ({interval_words(r)}): {reading(r)}."


def readings(
    fig: pd.DataFrame, cohort: str, breakdown: str, period: str, groups: list[str], against: str = "white"
) -> str:
    """A bullet per group: its relative rate index against White children (or all other children), in words."""
    measure = f"{cohort}_rri_vs_{'white' if against == 'white' else 'others'}"
    lines = [
        rri_sentence(row(fig, measure, breakdown, g, period), g, VERBS[cohort], other_phrase(breakdown, g, against))
        for g in groups
    ]
    return "\n".join(f"- {line}" for line in lines)


def _unknown(r: pd.Series | None) -> bool:
    """A ratio that cannot be shown (withheld, or not available): a claim about every group cannot cover it."""
    return r is None or bool(r["suppressed"]) or _missing(r["value"])


def _significant(fig, measure, breakdown, period, groups, direction="higher") -> list[pd.Series]:
    out = []
    for g in groups:
        r = row(fig, measure, breakdown, g, period)
        if _complete(r) and intervals.significance(r["lower"], r["upper"]) == direction:
            out.append(r)
    return out


# --- who is compared ------------------------------------------------------------------------------

COHORT_COLUMNS = {
    "Children": ("cohort_children", "numerator"),
    "Of whom ethnicity not known": ("cohort_ethnicity_not_known", "numerator"),
    "Left out by the counting rules": ("cohort_left_out", "numerator"),
}
COHORT_NOTE = (
    "Left out: outcomes for children living in another YJS area or aged over 17 at the offence, and "
    "caseload children under 10 or over 17 at the end of the quarter. [c] withheld."
)


def cohort_text(fig: pd.DataFrame, ctx: Context) -> str:
    """Two sentences: how many children are in each cohort, and how many have no ethnicity recorded."""

    def get(measure, cohort):
        return row(fig, measure, "cohort", COHORTS[cohort].capitalize())

    a, b, c = (get("cohort_children", k) for k in COHORTS)
    unknown = [get("cohort_ethnicity_not_known", k) for k in COHORTS]
    text = (
        f"In the {ctx.year.label}, {count_words(a)} were cautioned or sentenced and {count_words(b)} had an "
        f"outcome of any kind, including diversion; {count_words(c)} aged 10 to 17 were on the YJS caseload "
        f"during {ctx.quarter_period.label}."
    )
    if all(u is not None and not u["suppressed"] and u["numerator"] == 0 for u in unknown):
        return text + " Every child's ethnicity was recorded."

    def part(u, where):
        if u is None or u["suppressed"] or _missing(u["numerator"]):
            return f"a withheld number of those {where}"
        return f"{int(u['numerator']):,} of those {where}" if u["numerator"] else f"none of those {where}"

    parts = [part(u, w) for u, w in zip(unknown, ("cautioned or sentenced", "with any outcome", "on the caseload"))]
    return (
        text + f" Ethnicity was not recorded for {_join(parts)}: they are counted in the table but left out of "
        "the percentages and rates by ethnicity."
    )


# --- ethnicity of children cautioned or sentenced ---------------------------------------------------

ETHNIC_ROWS = [WHITE, *MINORITY_GROUPS, ETHNIC_MINORITY, TOTAL, NOT_KNOWN]


def ethnicity_columns(cohort: str) -> dict:
    return {
        "Children": (f"{cohort}_children", "numerator"),
        "Share of these children": (f"{cohort}_children", "value"),
        "Share of children aged 10 to 17": ("population_share", "value"),
        "Share ratio": (f"{cohort}_disproportionality_ratio", "value"),
        "Rate per 1,000": (f"{cohort}_rate", "value"),
        "RRI against White children": (f"{cohort}_rri_vs_white", "value"),
        "RRI against all other children": (f"{cohort}_rri_vs_others", "value"),
    }


ETHNICITY_NOTE = (
    "Shares are of children whose ethnicity is recorded; the 'Not known' row is a share of all the "
    "children. Share ratio: share of these children divided by share of the population (above 1 means "
    "over-represented). Rate: per 1,000 children aged 10 to 17 in the group. RRI: relative rate index, "
    "the group's rate divided by the comparison group's. The interval is for the RRI against White "
    "children. [c] withheld (a small number of children, or could reveal one); [x] not available; "
    "[z] not applicable."
)


def composition_title(fig: pd.DataFrame, cohort: str, period: str) -> str:
    """'Children of Mixed ethnicity made up a larger share of children cautioned or sentenced than of all local
    children aged 10 to 17', or that no group clearly did."""
    label = COHORTS[cohort]
    over = _significant(fig, f"{cohort}_disproportionality_ratio", "ethnic_group", period, MINORITY_GROUPS)
    if over:
        names = capital(_join([group_phrase(r["group"]) for r in over]))
        return f"{names} made up a larger share of {label} than of all local children aged 10 to 17"
    shown = [
        g
        for g in MINORITY_GROUPS
        if (r := row(fig, f"{cohort}_children", "ethnic_group", g, period)) is not None
        and not r["suppressed"]
        and r["numerator"] > 0
    ]
    if not shown:
        return f"No ethnic minority group's share of {label} can be shown to compare with the population"
    withheld = any(
        (r := row(fig, f"{cohort}_children", "ethnic_group", g, period)) is None or r["suppressed"]
        for g in MINORITY_GROUPS
    )
    return f"No ethnic group{' that can be shown' if withheld else ''} was clearly over-represented among {label}"


def composition_text(fig: pd.DataFrame, cohort: str, period: str) -> str:
    """Two sentences in the youth justice plans' style: White and ethnic minority children's shares against the
    population's, and the most over-represented group shown."""
    label = COHORTS[cohort]
    total = row(fig, f"{cohort}_children", "ethnic_group", TOTAL, period)
    if total is None or total["suppressed"] or _missing(total["numerator"]) or total["numerator"] == 0:
        return (
            f"Ethnicity was not recorded for any of the {label}, or their number is withheld, so no "
            "comparison by ethnicity can be made."
        )
    white = row(fig, f"{cohort}_children", "ethnic_group", WHITE, period)
    minority = row(fig, f"{cohort}_children", "ethnic_minority", ETHNIC_MINORITY, period)
    text = (
        f"White children made up {share_words(white)} of {label} (where ethnicity was recorded) and "
        f"{share_words(row(fig, 'population_share', 'ethnic_group', WHITE))} of all children aged 10 to 17; "
        f"children from ethnic minority groups made up {share_words(minority)} against "
        f"{share_words(row(fig, 'population_share', 'ethnic_minority', ETHNIC_MINORITY))}"
        f"{narrative.caution(total['numerator'])}."
    )
    ratios = [
        r
        for g in MINORITY_GROUPS
        if _complete(r := row(fig, f"{cohort}_disproportionality_ratio", "ethnic_group", g, period))
        and r["numerator"] > 0
    ]
    if not ratios:
        return text + " No single ethnic minority group's share can be shown."
    top = max(ratios, key=lambda r: r["value"])
    share = row(fig, f"{cohort}_children", "ethnic_group", top["group"], period)
    pop = row(fig, "population_share", "ethnic_group", top["group"])
    said = ratio_number(top["value"])
    how = "" if divides(said, share, pop) else f"{UNROUNDED}; "
    return text + (
        f" The most over-represented group shown was {group_phrase(top['group'])}: {share_words(share)} of "
        f"{label} against {share_words(pop)} of the population, a share ratio of {said} "
        f"({how}{interval_words(top)}): {share_reading(top)}."
    )


def composition_series(
    fig: pd.DataFrame, cohort: str, period: str, groups: list[str], breakdown: str = "ethnic_group"
) -> list[Series]:
    """Paired bars: each group's share of the cohort (with its interval) and of the population."""
    share = [row(fig, f"{cohort}_children", breakdown, g, period) for g in groups]
    pop = [row(fig, "population_share", breakdown, g) for g in groups]
    nan = float("nan")
    return [
        Series(
            COHORTS[cohort].capitalize(),
            [nan if r is None else r["value"] for r in share],
            [r is None or bool(r["suppressed"]) for r in share],
            [nan if r is None else r["lower"] for r in share],
            [nan if r is None else r["upper"] for r in share],
        ),
        Series(
            "All children aged 10 to 17 in the area",
            [nan if r is None else r["value"] for r in pop],
            [r is not None and bool(r["suppressed"]) for r in pop],
        ),
    ]


# --- across the three cohorts -----------------------------------------------------------------------


def rri_series(
    fig: pd.DataFrame, ctx: Context, groups: list[str], breakdown: str | dict = "ethnic_group", against: str = "white"
) -> list[Series]:
    """A relative-rate chart's data: a series per cohort (values, withheld flags, intervals)."""
    nan = float("nan")
    series = []
    for cohort in COHORTS:
        rows = [
            row(
                fig,
                f"{cohort}_rri_vs_{against}",
                breakdown if isinstance(breakdown, str) else breakdown[g],
                g,
                _period(ctx, cohort),
            )
            for g in groups
        ]
        series.append(
            Series(
                SHORT[cohort],
                [nan if r is None else r["value"] for r in rows],
                [r is None or bool(r["suppressed"]) for r in rows],
                [nan if r is None else r["lower"] for r in rows],
                [nan if r is None else r["upper"] for r in rows],
            )
        )
    return series


def ethnic_rri_chart(fig: pd.DataFrame, ctx: Context) -> tuple[list[str], list[Series]]:
    """Labels and series for the chart of RRIs against White children, each ethnic minority group and all together."""
    groups = [*MINORITY_GROUPS, ETHNIC_MINORITY]
    breakdowns = {g: "ethnic_minority" if g == ETHNIC_MINORITY else "ethnic_group" for g in groups}
    return [chart_label(g) for g in groups], rri_series(fig, ctx, groups, breakdowns)


def _found(fig, ctx, items, against):
    """(row, cohort) for every shown RRI clearly above 1, over the cohorts and (breakdown, group) items."""
    found = []
    for cohort in COHORTS:
        for bd, g in items:
            found += [
                (r, cohort) for r in _significant(fig, f"{cohort}_rri_vs_{against}", bd, _period(ctx, cohort), [g])
            ]
    return found


def _any_unknown(fig, ctx, items, against) -> bool:
    """Some RRI over the cohorts and (breakdown, group) items cannot be shown."""
    return any(
        _unknown(row(fig, f"{cohort}_rri_vs_{against}", bd, g, _period(ctx, cohort)))
        for cohort in COHORTS
        for bd, g in items
    )


def rri_chart_title(fig: pd.DataFrame, ctx: Context) -> str:
    items = [("ethnic_group", g) for g in MINORITY_GROUPS]
    found = _found(fig, ctx, items, "white")
    if not found:
        which = " that can be shown" if _any_unknown(fig, ctx, items, "white") else ""
        return (
            f"No ethnic group{which} was clearly more likely than White children to be in any of the three groups "
            "of children"
        )
    r, cohort = max(found, key=lambda x: x[0]["value"])
    return f"{capital(group_phrase(r['group']))} were {ratio_words(r['value'])} White children {VERBS[cohort]}"


ACROSS_COLUMNS = {
    "Share: cautioned or sentenced": ("cautioned_or_sentenced_children", "value"),
    "Share: any outcome": ("any_outcome_children", "value"),
    "Share: caseload": ("caseload_children", "value"),
    "population": ("population_share", "value"),
    "RRI: cautioned or sentenced": ("cautioned_or_sentenced_rri_vs_{against}", "value"),
    "RRI: any outcome": ("any_outcome_rri_vs_{against}", "value"),
    "RRI: caseload": ("caseload_rri_vs_{against}", "value"),
}


def across_columns(against: str = "white", population_label: str = "Share of children aged 10 to 17") -> dict:
    return {
        (population_label if header == "population" else header): (measure.format(against=against), f)
        for header, (measure, f) in ACROSS_COLUMNS.items()
    }


def across_view(fig: pd.DataFrame, ctx: Context, breakdowns: tuple[str, ...]) -> pd.DataFrame:
    """Rows of the three cohorts for a table across them (each cohort in its own period)."""
    wanted = list(breakdowns) + [f"{b}_not_known" for b in breakdowns]
    periods = {ctx.year.label, ctx.quarter_period.label}
    keep = fig["breakdown"].isin(wanted) & (fig["period"].isin(periods) | (fig["measure"] == "population_share"))
    return fig[keep]


def across_note(ctx: Context, extra: str = "") -> str:
    return (
        f"Outcomes: {ctx.year.label}. Caseload: {ctx.quarter_period.label}. {extra} "
        "[c] withheld; [x] not available; [z] not applicable."
    ).replace("  ", " ")


def across_text(fig: pd.DataFrame, ctx: Context, breakdown: str, groups: list[str], against: str = "others") -> str:
    """Two sentences: the largest difference shown that is unlikely to be chance, and which other groups were
    clearly more (or less) likely; or that no group stood out."""
    found = _found(fig, ctx, [(breakdown, g) for g in groups], against)
    lower = _found_lower(fig, ctx, [(breakdown, g) for g in groups], against)
    if not found:
        text = (
            "No group was clearly more likely than "
            + ("White children" if against == "white" else "the rest")
            + ": for each group shown the relative rate index was either close to 1 or too uncertain at these "
            "numbers to tell."
        )
        if lower:
            text += f" {capital(_join(sorted({group_phrase(r['group']) for r, _ in lower})))} were less likely, and unlikely to be chance."
        return text
    r, cohort = max(found, key=lambda x: x[0]["value"])
    text = (
        f"{capital(group_phrase(r['group']))} were {ratio_words(r['value'])} "
        f"{other_phrase(breakdown, r['group'], against)} {VERBS[cohort]} ({interval_words(r)}), the largest "
        "difference shown that is unlikely to be chance."
    )
    higher = [g for g in groups if g != r["group"] and any(x["group"] == g for x, _ in found)]
    fewer = [g for g in groups if g not in higher and g != r["group"] and any(x["group"] == g for x, _ in lower)]
    if higher:
        text += (
            f" {capital(_join([group_phrase(g) for g in higher]))} were also more likely, and unlikely to be "
            "chance, in at least one of the three groups of children."
        )
    if fewer:
        text += (
            f" {capital(_join([group_phrase(g) for g in fewer]))} were less likely, and unlikely to be "
            "chance, in at least one of the three groups of children."
        )
    return text


def _found_lower(fig, ctx, items, against):
    found = []
    for cohort in COHORTS:
        for bd, g in items:
            found += [
                (r, cohort)
                for r in _significant(
                    fig, f"{cohort}_rri_vs_{against}", bd, _period(ctx, cohort), [g], direction="lower"
                )
            ]
    return found


# --- detailed ethnicity ------------------------------------------------------------------------------


def detailed_columns() -> dict:
    return {
        "Cautioned or sentenced": ("cautioned_or_sentenced_children", "numerator"),
        "Any outcome": ("any_outcome_children", "numerator"),
        "On the caseload": ("caseload_children", "numerator"),
        "Share of children aged 10 to 17": ("population_share", "value"),
        "Rate per 1,000 (any outcome)": ("any_outcome_rate", "value"),
    }


DETAILED_NOTE = (
    "Most detailed groups are withheld. Withheld figures are protected within their "
    "broad group as well as the whole table, so none can be worked out from the tables above. "
    "[c] withheld; [x] not available."
)


def detailed_text(fig: pd.DataFrame, ctx: Context) -> str:
    rows = [row(fig, "any_outcome_children", "ethnicity", g, ctx.year.label) for g in DETAILED]
    shown = [r for r in rows if r is not None and not r["suppressed"] and r["numerator"] > 0]
    withheld = [r for r in rows if r is not None and r["suppressed"]]
    return (
        f"Of the {len(DETAILED)} detailed ethnic groups, {len(shown)} can be shown for children with any outcome "
        f"and {len(withheld)} are withheld because they hold too few children (or could reveal such a number); "
        "the rest had none. The five broad groups are the safer basis for conclusions."
    )


# --- decision points ---------------------------------------------------------------------------------


def chain_columns(against: str = "white") -> dict:
    return {
        "Any outcome, per 1,000 children aged 10 to 17": ("any_outcome_rate", "value"),
        "Cautioned or sentenced, % of any outcome": ("decision_cautioned_or_sentenced_share", "value"),
        "Court outcome, % of cautioned or sentenced": ("decision_court_share", "value"),
        "Custody or remand in custody, % of court": ("decision_custody_share", "value"),
        "RRI: any outcome": (f"any_outcome_rri_vs_{against}", "value"),
        "RRI: cautioned or sentenced": (f"decision_cautioned_or_sentenced_rri_vs_{against}", "value"),
        "RRI: court": (f"decision_court_rri_vs_{against}", "value"),
        "RRI: custody or remand": (f"decision_custody_rri_vs_{against}", "value"),
    }


def chain_note(against: str = "white") -> str:
    who = "White children" if against == "white" else "the other sex"
    return (
        f"Each percentage is of the children at the stage before. RRI: relative rate index against {who} at that "
        "stage. [c] withheld; [x] not available; [z] not applicable."
    )


def stage_rows(fig: pd.DataFrame, breakdown: str, group: str, period: str, against: str = "white") -> list:
    """The RRI at each decision point for one group (the first against the population)."""
    out = [row(fig, f"any_outcome_rri_vs_{against}", breakdown, group, period)]
    return out + [row(fig, f"decision_{s}_rri_vs_{against}", breakdown, group, period) for s in STAGES[1:]]


def chain_title(
    fig: pd.DataFrame, ctx: Context, group: str = ETHNIC_MINORITY, breakdown: str = "ethnic_minority"
) -> str:
    """Where a disparity enters: the first decision point whose RRI is clearly above 1."""
    rows = stage_rows(fig, breakdown, group, ctx.year.label)
    subject = group_phrase(group)
    for i, (stage, r) in enumerate(zip(STAGES, rows)):
        if reading(r) == MORE:
            # "enters" says no earlier decision point had it: only when every earlier one can be shown
            where = (
                f"is clear {STAGE_PLACES[stage]}, though an earlier decision point cannot be shown"
                if any(_unknown(x) for x in rows[:i])
                else f"enters {STAGE_PLACES[stage]}"
            )
            return (
                f"A disparity for {subject} {where}: they were {ratio_words(r['value'])} White children {VERBS[stage]}"
            )
    if all(reading(r) == TOO_FEW for r in rows):
        return f"Too few {subject} at each decision point to tell where a disparity enters"
    if all(reading(r) in (TOO_FEW, WITHHELD) for r in rows):
        return f"The figures for {subject} are withheld or too uncertain at each decision point to tell where a disparity enters"
    which = " that can be shown" if any(_unknown(r) for r in rows) else ""
    return f"No decision point{which} showed a clear disparity for {subject}"


def chain_text(
    fig: pd.DataFrame,
    ctx: Context,
    group: str = ETHNIC_MINORITY,
    breakdown: str = "ethnic_minority",
    against: str = "white",
) -> str:
    """A sentence per decision point, in order, for one group."""
    other = other_phrase(breakdown, group, against)
    subject = group_phrase(group)
    parts = []
    for stage, r in zip(STAGES, stage_rows(fig, breakdown, group, ctx.year.label, against)):
        if not _complete(r):
            parts.append(f"{STAGE_LABELS[stage]}: {reading(r)}.")
            continue
        lead = "Against the population" if stage == "any_outcome" else f"Of children {STAGE_BEFORE[stage]}"
        parts.append(
            f"{lead}, {subject} were {ratio_words(r['value'])} {other} {VERBS[stage]} "
            f"({interval_words(r)}): {reading(r)}."
        )
    return " ".join(parts)


CHAIN_LABELS = [STAGE_LABELS[s] for s in STAGES]


def chain_series(fig: pd.DataFrame, ctx: Context, groups=((ETHNIC_MINORITY, "ethnic_minority"),)) -> list[Series]:
    """The decision-point chart's data: a series per group, its RRI against White children at each stage."""
    nan = float("nan")
    out = []
    for group, breakdown in groups:
        rows = stage_rows(fig, breakdown, group, ctx.year.label)
        out.append(
            Series(
                capital(group_phrase(group)),
                [nan if r is None else r["value"] for r in rows],
                [r is None or bool(r["suppressed"]) for r in rows],
                [nan if r is None else r["lower"] for r in rows],
                [nan if r is None else r["upper"] for r in rows],
            )
        )
    return out


# --- other characteristics -----------------------------------------------------------------------------

# (breakdown, group) pairs on the chart of other characteristics
CHARACTERISTIC_ITEMS = [
    ("sex", "Male"),
    ("sex", "Female"),
    ("looked_after", LOOKED_AFTER),
    ("send", "EHCP"),
    ("send", "SEN support"),
]
CHARACTERISTIC_ROWS = {
    "sex": ["Male", "Female", TOTAL, NOT_KNOWN],
    "looked_after": [LOOKED_AFTER, LOOKED_AFTER_ELSEWHERE, NOT_LOOKED_AFTER, TOTAL],
    "send": ["EHCP", "SEN support", "No SEN recorded", TOTAL],
    "age": list(AGES) + [TOTAL],
}
CHARACTERISTIC_CAPTIONS = {
    "sex": "Sex",
    "looked_after": "Looked-after status",
    "send": "Special educational needs",
    "age": "Age",
}
POPULATION_LABELS = {
    "sex": "Share of children aged 10 to 17",
    "looked_after": "Share of children aged 10 to 17",
    "send": "Share of pupils in years 5 to 12",
    "age": "Share of children aged 10 to 17",
}
CHARACTERISTIC_NOTES = {
    "sex": "Children whose sex is not known are in the 'Not known' row (a share of all the children) and left out of the other shares. RRI: relative rate index against the other sex.",
    "looked_after": "Looked-after status on the date of the child's first outcome in the 12 months (for the caseload, the last day of the quarter). The population figure counts children aged 10 to 17 looked after by this council, so children looked after by another council and placed here have no population figure. RRI: relative rate index against all other children.",
    "send": "SEND status from the council's records on the same date, compared with pupils in national curriculum years 5 to 12 in the latest school census (aged 10 to 17 at the end of the school year), which leaves out children not in state-funded schools. RRI: relative rate index against all other children.",
    "age": "Age at the offence for outcomes, and on the last day of the quarter for the caseload. RRI: relative rate index against all other children aged 10 to 17.",
}


def characteristics_chart(fig: pd.DataFrame, ctx: Context) -> tuple[list[str], list[Series]]:
    """Labels and series for the chart of RRIs against all other children by sex, looked-after status and SEND."""
    groups = [g for _, g in CHARACTERISTIC_ITEMS]
    return [chart_label(g) for g in groups], rri_series(
        fig, ctx, groups, {g: b for b, g in CHARACTERISTIC_ITEMS}, "others"
    )


def characteristics_title(fig: pd.DataFrame, ctx: Context, items=None) -> str:
    items = items or CHARACTERISTIC_ITEMS
    found = _found(fig, ctx, items, "others")
    if not found:
        which = " that can be shown" if _any_unknown(fig, ctx, items, "others") else ""
        return (
            f"No group of children{which} was clearly more likely than other children to be in any of the three groups"
        )
    r, cohort = max(found, key=lambda x: x[0]["value"])
    return (
        f"{capital(group_phrase(r['group']))} were {ratio_words(r['value'])} "
        f"{other_phrase(r['breakdown'], r['group'], 'others')} {VERBS[cohort]}"
    )


def characteristics_summary(fig: pd.DataFrame, ctx: Context, cohort: str = "cautioned_or_sentenced") -> str:
    """One sentence: which of boys, girls, looked-after children and children with SEND were clearly more likely
    than other children to be in the cohort."""
    found = []
    for bd, g in CHARACTERISTIC_ITEMS:
        found += _significant(fig, f"{cohort}_rri_vs_others", bd, _period(ctx, cohort), [g])
    if not found:
        return (
            f"By sex, looked-after status and SEND, no group was clearly more likely than other children "
            f"{VERBS[cohort]}, or the figures are withheld or too uncertain to tell."
        )
    parts = [
        f"{group_phrase(r['group'])} ({ratio_words(r['value'])} {other_phrase(r['breakdown'], r['group'], 'others')})"
        for r in found
    ]
    return f"{capital(_join(parts))} were more likely {VERBS[cohort]}, and the differences are unlikely to be chance."


def source(ctx: Context) -> str:
    """The source line under the ethnicity charts, with the population's source and vintage."""
    return f"Source: YJS case management system extract; population: {ctx.populations['ethnic_group'].source}."


def characteristics_source(ctx: Context) -> str:
    """The source line under the chart of other characteristics: each comparison population and its date."""
    looked = ctx.populations["looked_after"].source.split("; ")[0]
    return (
        f"Source: YJS case management system extract; population: {ctx.populations['sex'].source}; looked after: "
        f"{looked}; SEND: {ctx.populations['send'].source}. Lines: 95% confidence intervals. [c] = withheld."
    )


def characteristics_alt(fig: pd.DataFrame, ctx: Context) -> str:
    return (
        "Grouped bar chart of the relative rate index against all other children for boys, girls, children looked "
        "after by this council, children with an EHCP and children on SEN support, for children cautioned or "
        "sentenced, children with any outcome and children on the caseload, with 95% confidence intervals and a "
        f"line at 1. {characteristics_title(fig, ctx)}. {characteristics_summary(fig, ctx)}"
    )


def characteristic_text(fig: pd.DataFrame, ctx: Context, breakdown: str) -> str:
    groups = [g for g in CHARACTERISTIC_ROWS[breakdown] if g not in (TOTAL, NOT_KNOWN)]
    return across_text(fig, ctx, breakdown, groups, against="others")


# --- trend -----------------------------------------------------------------------------------------------

TREND_MEASURES = ("cautioned_or_sentenced_children", "cautioned_or_sentenced_rri_vs_white")
TREND_GROUPS = [ETHNIC_MINORITY, *MINORITY_GROUPS]


def trend_view(fig: pd.DataFrame, periods: list[str], groups: list[str] = TREND_GROUPS) -> pd.DataFrame:
    """Trend rows re-keyed for a table with a row per period: group becomes the period, measure 'measure:group'."""
    keep = (
        fig["measure"].isin(TREND_MEASURES)
        & fig["breakdown"].isin(["ethnic_group", "ethnic_minority"])
        & fig["period"].isin(periods)
        & fig["group"].isin(groups)
    )
    out = fig[keep].drop_duplicates(["measure", "group", "period"]).copy()
    out["measure"] = out["measure"] + ":" + out["group"]
    out["group"] = out["period"]
    return out


def trend_columns() -> dict:
    cols = {
        "Share from ethnic minority groups": (f"cautioned_or_sentenced_children:{ETHNIC_MINORITY}", "value"),
        "RRI, ethnic minority groups": (f"cautioned_or_sentenced_rri_vs_white:{ETHNIC_MINORITY}", "value"),
    }
    cols.update({f"RRI, {g}": (f"cautioned_or_sentenced_rri_vs_white:{g}", "value") for g in MINORITY_GROUPS})
    return cols


TREND_NOTE = (
    "Each row is the 12 months to the end of a quarter. Share: of children whose ethnicity is recorded. "
    "RRI: relative rate index against White children. [c] withheld; [x] not available."
)


def trend_rows(fig: pd.DataFrame, periods: list[str], group: str = ETHNIC_MINORITY) -> list:
    breakdown = "ethnic_minority" if group == ETHNIC_MINORITY else "ethnic_group"
    return [row(fig, "cautioned_or_sentenced_rri_vs_white", breakdown, group, p) for p in periods]


def trend_chart_data(fig: pd.DataFrame, ctx: Context, group: str = ETHNIC_MINORITY) -> dict:
    rows = trend_rows(fig, ctx.trend_periods, group)
    nan = float("nan")

    def get(r, f):
        return nan if r is None or r["suppressed"] else r[f]

    return {
        "labels": [p.replace("year ending ", "")[:3] + "\n" + p[-4:] for p in ctx.trend_periods],
        "values": [get(r, "value") for r in rows],
        "lower": [get(r, "lower") for r in rows],
        "upper": [get(r, "upper") for r in rows],
    }


def trend_title(fig: pd.DataFrame, ctx: Context, group: str = ETHNIC_MINORITY) -> str:
    rows = trend_rows(fig, ctx.trend_periods, group)
    subject = f"The relative rate index for {group_phrase(group)}"
    if len(rows) < 5 or rows[-1] is None or rows[-5] is None:
        return f"{subject} over the periods the extract covers"
    return narrative.trend_title(subject, rows[-1], rows[-5])


def trend_text(fig: pd.DataFrame, ctx: Context, group: str = ETHNIC_MINORITY) -> str:
    rows = trend_rows(fig, ctx.trend_periods, group)
    shown = [(p, r) for p, r in zip(ctx.trend_periods, rows) if _complete(r)]
    subject = group_phrase(group)
    if not shown:
        return (
            f"The figures for {subject} cautioned or sentenced in these periods are withheld, so no trend can be shown."
        )
    clear = [p for p, r in shown if reading(r) == MORE]
    first_p, first = shown[0]
    last_p, last = shown[-1]
    hidden = len(rows) - len(shown)
    if len(shown) == 1:
        return (
            f"In the {last_p}, {subject} were {ratio_words(last['value'])} White children to be cautioned or "
            f"sentenced ({reading(last)})."
            + (f" It is the only one of the {len(rows)} periods that can be shown." if hidden else "")
        )
    text = (
        f"In the {last_p}, {subject} were {ratio_words(last['value'])} White children to be cautioned or "
        f"sentenced, against {ratio_number(first['value'])} times in the {first_p}."
    )
    # "every period" and "no period" are over the periods that can be shown: say how many when some cannot
    if len(clear) == len(shown):
        if hidden:
            return (
                text + f" In every period that can be shown ({len(shown)} of the {len(rows)}) the difference was "
                "unlikely to be chance."
            )
        return text + " In every period shown the difference was unlikely to be chance."
    cannot = f" ({hidden} cannot be shown)" if hidden else ""
    if clear:
        return (
            text + f" The difference was unlikely to be chance in {len(clear)} of the {len(shown)} periods shown"
            f"{cannot}."
        )
    return text + f" In no period shown{cannot} was the difference clearly more than chance at these numbers."


# --- summary and headline -------------------------------------------------------------------------------


def no_comparison(fig: pd.DataFrame, ctx: Context) -> str | None:
    """Why the children cautioned or sentenced cannot be compared with the population at all, in words (None when
    they can): the population table counts no children aged 10 to 17, or no child was cautioned or sentenced."""
    period = ctx.year.label
    if not ctx.populations["ethnic_group"].counts.sum():
        return (
            "The population table gives no children aged 10 to 17, so there is no population figure to compare "
            f"the children cautioned or sentenced in the {period} with: no share of the population, rate or "
            "relative rate index can be given."
        )
    total = row(fig, "cohort_children", "cohort", COHORTS["cautioned_or_sentenced"].capitalize())
    if total is not None and not total["suppressed"] and total["numerator"] == 0:
        return (
            f"No child was cautioned or sentenced in the {period}, so there is no one to compare with the population."
        )
    return None


def headline(fig: pd.DataFrame, ctx: Context) -> str:
    """The report's one-line finding, on the YJB basis (children cautioned or sentenced)."""
    period = ctx.year.label
    r = row(fig, "cautioned_or_sentenced_rri_vs_white", "ethnic_minority", ETHNIC_MINORITY, period)
    if not _complete(r):
        why = no_comparison(fig, ctx)
        if why:
            return why
        return (
            f"The comparison with White children of children from ethnic minority groups cautioned or sentenced "
            f"in the {period} is withheld."
        )
    share = row(fig, "cautioned_or_sentenced_children", "ethnic_minority", ETHNIC_MINORITY, period)
    pop = row(fig, "population_share", "ethnic_minority", ETHNIC_MINORITY)
    # The relative rate index is not the ratio of the two shares (a reader dividing them gets another number), so
    # it has a sentence of its own that names it and what it is measured against.
    rri = (
        f"{ratio_number(r['value'])} times as likely to be cautioned or sentenced (relative rate index; {reading(r)})."
    )
    if not (_shown(share) and _shown(pop)):
        return f"Measured against White children, children from ethnic minority groups in the {period} were {rri}"
    return (
        f"Children from ethnic minority groups were {share_words(share)} of children cautioned or sentenced in the "
        f"{period}, against {share_words(pop)} of 10 to 17 year olds. Measured against White children, they were "
        f"{rri}"
    )


def summary(fig: pd.DataFrame, ctx: Context) -> str:
    """The summary bullets: the YJB-basis headline, the most over-represented group, where a disparity enters,
    the other characteristics, and how many children have no ethnicity recorded."""
    period = ctx.year.label
    bullets = [headline(fig, ctx)]
    over = _significant(fig, "cautioned_or_sentenced_rri_vs_white", "ethnic_group", period, MINORITY_GROUPS)
    if over:
        top = max(over, key=lambda r: r["value"])
        bullets.append(rri_sentence(top, top["group"], VERBS["cautioned_or_sentenced"], "White children"))
    else:
        bullets.append(
            "No single ethnic group was clearly more likely than White children to be cautioned or "
            "sentenced; for some groups the figures are withheld or too uncertain to tell."
        )
    bullets.append(chain_title(fig, ctx) + ".")
    bullets.append(characteristics_summary(fig, ctx))
    label = COHORTS["cautioned_or_sentenced"].capitalize()
    unknown = row(fig, "cohort_ethnicity_not_known", "cohort", label)
    total = row(fig, "cohort_children", "cohort", label)
    if unknown is not None and not unknown["suppressed"] and unknown["numerator"] == 0:
        bullets.append("Every child cautioned or sentenced had their ethnicity recorded.")
    else:
        how_many = "a withheld number" if unknown is None or unknown["suppressed"] else f"{int(unknown['numerator']):,}"
        bullets.append(
            f"Ethnicity was not recorded for {how_many} of the {count_words(total)} cautioned or sentenced; "
            "they are left out of the percentages and rates by ethnicity."
        )
    return "\n".join(f"- {b}" for b in bullets)


# --- notes ---------------------------------------------------------------------------------------------------

METHOD_NOTES = """**Who is compared with whom.** Three groups of children are each compared with the local population aged 10 to 17 from the population reference table named under each chart. *Children cautioned or sentenced* received a youth caution, youth conditional caution or court sentence (a substantive outcome) in the 12 months to the end of the quarter: the Youth Justice Board's basis. *Children with any outcome* also include diversion (community resolutions, Outcome 20, 21 and 22, and other informal action) in the same 12 months. *Children on the caseload* had a YJS intervention open on at least one day of the quarter. Each child is counted once in each group, however many outcomes they had. An outcome counts when the child lived in this YJS area at the time and was aged 10 to 17 on the date of the offence (the YJB's rule for proven offences); children on the caseload are counted when aged 10 to 17 on the last day of the quarter. The first table says how many children these rules left out.

**Characteristics.** Ethnicity and sex are as recorded by the YJS. Looked-after status and SEND are taken on the date of the child's first counted outcome in the 12 months (for the caseload, the last day of the quarter); age is age at that offence (for the caseload, on the last day of the quarter). Ethnicity uses the five groups of the 2021 Census (White, Mixed, Asian, Black, Other), with the detailed categories where numbers allow; *ethnic minority groups* means all groups other than White together, shown alongside, never instead of, the separate groups. Children whose ethnicity (or sex) is not recorded are shown as their own count and left out of the percentages, rates and ratios, as the YJB does. Looked-after children are compared with the council's count of the children aged 10 to 17 it looks after (the looked-after population reference table); children looked after by another council and placed here are shown separately, without a population figure. SEND (an education, health and care plan, EHCP, or SEN support) is compared with pupils in national curriculum years 5 to 12 in the latest spring school census taken by the end of the quarter: these pupils are aged 10 to 17 on 31 August at the end of the school year, the closest match to ages 10 to 17 the census gives. The census leaves out children in independent schools, educated at home or not in education, so this comparison is an approximation.

**Measures.** *Share*: the group's percentage of the children, against its percentage of the population; the difference in percentage points is in the figures file. *Share ratio*: the first divided by the second (the measure behind statements such as "6% of the offending population and 1% of the 10 to 17 population"). *Rate per 1,000*: children in the group divided by the group's population, times 1,000. *Relative rate index (RRI)*: the group's rate divided by the rate for White children (ethnicity) or for all other children; 1 means equally likely, 2 twice as likely, 0.5 half as likely. *Decision points*: following the Ministry of Justice's analysis for the Lammy Review, each stage is measured against the stage before: any outcome (per 1,000 of the population), then cautioned or sentenced (of children with any outcome), then a court outcome (of children cautioned or sentenced), then a custodial sentence or remand to youth detention accommodation starting in the 12 months (of children with a court outcome). A child remanded in custody with no court outcome in the 12 months is not counted at the last stage. The RRI at each stage shows whether a disparity enters there or was carried from an earlier stage. *Trend*: each point is the 12 months to the end of a quarter, for the last eight quarters the extract covers; the population is the same for every point.

**How sure we are.** Shares have Wilson score intervals; rates have exact Poisson intervals below 10 children and Byar's method from 10; the share ratio has the Wilson interval of the share divided by the population share (treated as fixed); RRIs have Katz log intervals. Readings: where the whole 95% interval of a ratio is above 1, "more likely, and the difference is unlikely to be chance"; wholly below 1, "less likely, and the difference is unlikely to be chance"; otherwise "about as likely" when the interval lies between 0.5 and 2, and "too few children to tell" when it is wider. Withheld figures read "withheld"; a group with no children reads "no children in this group", and one missing from the population table "no population figure for this group".

**What is not official.** The YJB's own disproportionality tool is not public, so its exact statistic, significance test and population year are not known. The relative rate index with Katz intervals follows the Ministry of Justice's Lammy Review analysis and common practice. These are this report's own choices: the share ratio's interval, the reading thresholds, the date on which characteristics are taken, the school-census comparison for SEND, counting looked-after children against this council's own count, and the decision points built from the YJS's case-level data. These figures come from the YJS's own records and will differ from the published national statistics, which use the Police National Computer.

**Withholding across tables.** Besides the standard rule below, any rate, ratio or later decision point built on a withheld count is withheld too, and detailed ethnic groups are protected within their broad group, so that no withheld number can be worked out from another figure in this report."""


# --- beyond ethnicity: looked-after status, SEND, mental health need and ETE at each decision point ----------------

BEYOND_SUBJECTS = {
    "looked_after": "children looked after by this council",
    "send": "children with special educational needs and disabilities (SEND)",
    "mental_health": "children with an identified mental health need",
    "ete": "children not in suitable education, training or employment (ETE)",
}
BEYOND_SHORT = {
    "looked_after": "children looked after by this council",
    "send": "children with SEND",
    "mental_health": "children with a mental health need",
    "ete": "children not in suitable ETE",
}
BEYOND_HEADINGS = {
    "looked_after": "Looked after by this council",
    "send": "SEND",
    "mental_health": "Mental health need",
    "ete": "Not in suitable ETE",
}
BEYOND_WHAT = {
    "looked_after": "looked-after status",
    "send": "SEND",
    "mental_health": "mental health need",
    "ete": "education, training or employment (ETE) status",
}
BEYOND_COUNT_HEADERS = {
    "looked_after": "Looked after by this council",
    "send": "With SEND",
    "mental_health": "With a mental health need",
    "ete": "Not in suitable ETE",
}
BEYOND_ALT = {
    "looked_after": "looked after by this council",
    "send": "with SEND",
    "mental_health": "with a mental health need",
    "ete": "not in suitable ETE (of those with an ETE record)",
}
# where children with no record are left out of the shares (ETE): the shares' base, and who is left out and why
BEYOND_RECORDED = {"ete": "those with an ETE record"}
BEYOND_UNRECORDED = {
    "ete": "Children with no current ETE record (ETE is recorded mostly for children on YJS orders) are left out of "
    "these shares"
}
STAGE_WHO = {s: COHORTS.get(s, STAGE_COHORTS.get(s, s)) for s in STAGES}
COMPARISON = "comparison"  # the re-keyed measure of each stage's comparison in a table's view


def _stage_of(measure: str) -> str | None:
    return next((s for s in STAGES if measure.startswith(f"{s}_")), None)


def beyond_missing(sources: dict, name: str) -> str | None:
    """One sentence when the characteristic's extract file is absent (None when it is there)."""
    file, present = sources[name]
    if present:
        return None
    return (
        f"This extract has no {file}, so {BEYOND_WHAT[name]} cannot be shown at the decision points; nothing else in "
        "this report is affected."
    )


def beyond_comparison_measure(name: str, stage: str) -> str:
    ch = CHARACTERISTICS[name]
    return f"{stage}_rri_vs_others" if ch.against_population else f"{stage}_ratio_to_{FIRST_STAGE}"


def beyond_view(fig: pd.DataFrame, name: str) -> pd.DataFrame:
    """One characteristic's published rows re-keyed for a table with a row per decision point: the group becomes the
    stage's label, the measure 'children:<group>' (counts and shares) or 'comparison' (the ratio)."""
    rows = fig[fig["breakdown"] == CHARACTERISTICS[name].breakdown].copy()
    stages = rows["measure"].map(_stage_of)
    rows["measure"] = np.where(
        rows["measure"].str.endswith("_children").to_numpy(), "children:" + rows["group"], COMPARISON
    )
    rows["group"] = stages.map(STAGE_LABELS)
    return rows


def beyond_columns(name: str) -> dict:
    ch = CHARACTERISTICS[name]
    columns = {"Children at this decision point": (f"children:{TOTAL}", "numerator")}
    if ch.unrecorded:  # the children with no record, then those with one: the base of the share
        columns[capital(ch.unrecorded)] = (f"children:{ch.unrecorded}", "numerator")
        columns[f"With an {ch.unrecorded.removeprefix('No ')}"] = (f"children:{ch.group}", "denominator")
    columns[BEYOND_COUNT_HEADERS[name]] = (f"children:{ch.group}", "numerator")
    share = f"Share of {BEYOND_RECORDED[name]}" if ch.unrecorded else "Share of the children at this decision point"
    columns[share] = (f"children:{ch.group}", "value")
    if name == "looked_after":
        columns["Looked after by another council"] = (f"children:{LOOKED_AFTER_ELSEWHERE}", "numerator")
        columns["RRI against all other children (per head of population)"] = (COMPARISON, "value")
    else:
        columns["Share divided by the share with any outcome"] = (COMPARISON, "value")
    return columns


def beyond_intervals(name: str) -> dict:
    return {
        "Share: 95% confidence interval": f"children:{CHARACTERISTICS[name].group}",
        ("RRI" if name == "looked_after" else "Ratio") + ": 95% confidence interval": COMPARISON,
    }


BEYOND_ROWS = [STAGE_LABELS[s] for s in STAGES]


def beyond_caption(name: str, period: str) -> str:
    return f"{capital(BEYOND_SUBJECTS[name])} at each decision point, {period}"


BEYOND_NOTES = {
    "looked_after": "Looked-after status on the date the child reached each decision point. RRI: relative rate "
    "index, looked-after children at the decision point per head of the children aged 10 to 17 this council looks "
    "after, divided by the same for all other children aged 10 to 17; children looked after by another council are "
    "among the other children, as they have no population figure.",
    "send": "SEND on the date the child reached each decision point. The ratio compares decision points with each "
    "other, not with all children in the area: above 1 means a larger share than among children with any outcome.",
    "mental_health": "A mental health need counts once it has been identified (screened) on or before the date the "
    "child reached the decision point. The ratio compares decision points with each other, not with all children "
    "in the area: above 1 means a larger share than among children with any outcome.",
    "ete": "ETE on the date the child reached the decision point. Not in suitable ETE: a current ETE record, but no "
    "provision or no current provision judged suitable. ETE is recorded mostly for children on YJS orders, so "
    "children with no current record are counted on their own and left out of the share, which is of the children "
    "with an ETE record (as the YJB's key performance indicator on ETE keeps 'not recorded' apart). The ratio "
    "compares decision points with each other, not with all children in the area: above 1 means a larger share "
    "(of those with an ETE record) than among children with any outcome.",
}


def beyond_note(name: str, sources: dict) -> str:
    return f"Source: {sources[name][0]}. {BEYOND_NOTES[name]} [c] withheld; [x] not available; [z] not applicable."


def _share_of(r: pd.Series | None, recorded: str = "") -> str:
    """'12.3%', 'a withheld share' or, with no children at the stage, 'no share (no children reached it)'. With
    `recorded` (the share's base is the children with a record: 'those with an ETE record') an empty base is
    'no share (none of them had an ETE record)' and a small one is cautioned as children with a record."""
    if r is None or r["suppressed"]:
        return "a withheld share"
    if _missing(r["value"]):
        if recorded:
            return f"no share (none of them had {recorded.removeprefix('those with ')})"
        return "no share (no children reached it)"
    noun = f"children{recorded.removeprefix('those')}" if recorded else "children"
    return formatting.figure(r["value"], "share") + narrative.caution(r["denominator"], noun)


def _count_of(r: pd.Series | None) -> str:
    """'12', 'none' or 'a withheld number'."""
    if r is None or r["suppressed"] or _missing(r["numerator"]):
        return "a withheld number"
    return "none" if r["numerator"] == 0 else suppression.count_text(r["numerator"])


BEYOND_READINGS = {
    MORE: "a larger share, and unlikely to be chance",
    LESS: "a smaller share, and unlikely to be chance",
}


def beyond_shares(fig: pd.DataFrame, name: str, period: str) -> str:
    """One sentence: the share of the children at each decision point who have the characteristic."""
    ch = CHARACTERISTICS[name]
    if ch.unrecorded:
        return _recorded_shares(fig, name, period)
    shares = [_share_of(row(fig, f"{s}_children", ch.breakdown, ch.group, period)) for s in STAGES]
    later = [f"{share} of {STAGE_WHO[s].replace('children ', 'those ', 1)}" for s, share in zip(STAGES[1:], shares[1:])]
    return f"{capital(BEYOND_SUBJECTS[name])} made up {shares[0]} of {STAGE_WHO[FIRST_STAGE]}, {_join(later)}."


def _recorded_shares(fig: pd.DataFrame, name: str, period: str) -> str:
    """Two sentences where children with no record are left out of the share (ETE): the share of those with a
    record at each decision point, and how many at each had no record."""
    ch = CHARACTERISTICS[name]
    base = BEYOND_RECORDED[name]
    shares = [_share_of(row(fig, f"{s}_children", ch.breakdown, ch.group, period), base) for s in STAGES]
    nones = [_count_of(row(fig, f"{s}_children", ch.breakdown, ch.unrecorded, period)) for s in STAGES]
    those = [STAGE_WHO[s].replace("children ", "those ", 1) for s in STAGES]
    later = [f"{share} among {who}" for who, share in zip(those[1:], shares[1:])]
    counts = [f"{nones[0]} of the {STAGE_WHO[FIRST_STAGE]}"] + [f"{k} of {w}" for w, k in zip(those[1:], nones[1:])]
    return (
        f"{capital(BEYOND_SUBJECTS[name])} made up {shares[0]} of {base} among {STAGE_WHO[FIRST_STAGE]}, "
        f"{_join(later)}. {BEYOND_UNRECORDED[name]}: {_join(counts)}."
    )


def _comparisons(fig: pd.DataFrame, name: str, period: str) -> list[tuple[str, pd.Series | None]]:
    ch = CHARACTERISTICS[name]
    stages = STAGES if ch.against_population else STAGES[1:]
    return [(s, row(fig, beyond_comparison_measure(name, s), ch.breakdown, ch.group, period)) for s in stages]


def beyond_comparison(fig: pd.DataFrame, name: str, period: str) -> str:
    """One sentence: where the comparison (against the population for looked-after children, against the first
    decision point for the rest) is clearly above or below 1, or that it is not clear anywhere that can be shown."""
    items = _comparisons(fig, name, period)
    more = [(s, r) for s, r in items if reading(r) == MORE]
    less = [(s, r) for s, r in items if reading(r) == LESS]
    which = " that can be shown" if any(_unknown(r) for _, r in items) else ""
    if CHARACTERISTICS[name].against_population:
        lead = "Per head of the local population aged 10 to 17"
        if not more:
            text = f"{lead}, they were not clearly more likely than other children to reach any decision point{which}"
            if less:
                text += f", and were less likely {_join([VERBS[s] for s, _ in less])}, unlikely to be chance"
            return text + "."
        s, r = max(more, key=lambda x: x[1]["value"])
        text = f"{lead}, they were {ratio_words(r['value'])} other children {VERBS[s]} ({interval_words(r)}): {MORE}"
        also = [VERBS[x] for x, _ in more if x != s]
        return text + (f"; they were also clearly more likely {_join(also)}." if also else ".")
    lead = (
        f"Compared with their share of {STAGE_WHO[FIRST_STAGE]} (the decision points against each other, not "
        "against all children in the area)"
    )
    if name in BEYOND_RECORDED:
        lead = f"Counting only {BEYOND_RECORDED[name]} and c{lead[1:]}"
    if not (more or less):
        return f"{lead}, their share was not clearly larger or smaller at any later decision point{which}."
    parts = [
        f"their share of {STAGE_WHO[s]} was {ratio_number(r['value'])} times as large ({interval_words(r)}): "
        f"{BEYOND_READINGS[reading(r)]}"
        for s, r in sorted(more + less, key=lambda x: STAGES.index(x[0]))
    ]
    return f"{lead}, {'; '.join(parts)}."


def beyond_text(fig: pd.DataFrame, name: str, period: str) -> str:
    """Two sentences for one characteristic: its share at each decision point, and what the comparison shows."""
    return f"{beyond_shares(fig, name, period)} {beyond_comparison(fig, name, period)}"


def beyond_title(fig: pd.DataFrame, names: list[str], period: str) -> str:
    """The chart's title: which characteristics clearly stood out (looked-after children against the population,
    the others against the first decision point), or that none did."""
    parts = []
    for name in names:
        clear = [(s, r) for s, r in _comparisons(fig, name, period) if reading(r) == MORE]
        if not clear:
            continue
        if CHARACTERISTICS[name].against_population:
            s, r = max(clear, key=lambda x: x[1]["value"])
            parts.append(f"{BEYOND_SHORT[name]} were {ratio_words(r['value'])} other children {VERBS[s]}")
        else:
            stages = _join([STAGE_WHO[s] for s, _ in clear])
            among = f" ({BEYOND_RECORDED[name].replace('those', 'of those', 1)})" if name in BEYOND_RECORDED else ""
            parts.append(
                f"{BEYOND_SHORT[name]} made up a larger share of {stages} than of {STAGE_WHO[FIRST_STAGE]}{among}"
            )
    if parts:
        return capital("; ".join(parts))
    unknown = any(_unknown(r) for name in names for _, r in _comparisons(fig, name, period))
    return (
        f"No characteristic clearly stood out at any decision point{' that can be shown' if unknown else ''}, "
        "against the population (looked after) or the first decision point (the others)"
    )


def beyond_series(fig: pd.DataFrame, names: list[str], period: str) -> tuple[list[str], list[Series]]:
    """Labels (one per characteristic) and series (one per decision point): the share with the characteristic."""
    nan = float("nan")
    series = []
    for s in STAGES:
        rows = [
            row(fig, f"{s}_children", CHARACTERISTICS[n].breakdown, CHARACTERISTICS[n].group, period) for n in names
        ]
        series.append(
            Series(
                STAGE_LABELS[s],
                [nan if r is None else r["value"] for r in rows],
                [r is None or bool(r["suppressed"]) for r in rows],
                [nan if r is None else r["lower"] for r in rows],
                [nan if r is None else r["upper"] for r in rows],
            )
        )
    return [BEYOND_HEADINGS[n] for n in names], series


def beyond_alt(fig: pd.DataFrame, names: list[str], period: str) -> str:
    shown = _join([BEYOND_ALT[n] for n in names])
    return (
        f"Grouped bar chart of the percentage of children at each of four decision points who were {shown}, with "
        f"95% confidence intervals. {beyond_title(fig, names, period)}."
    )


def beyond_source(sources: dict, names: list[str]) -> str:
    files = _join([sources[n][0] for n in names])
    bases = "".join(
        f" {BEYOND_HEADINGS[n]}: percentage of {BEYOND_RECORDED[n].replace('those', 'the children', 1)}."
        for n in names
        if n in BEYOND_RECORDED
    )
    return (
        f"Source: YJS case management system extract ({files}).{bases} Lines: 95% confidence intervals. [c] = withheld."
    )
