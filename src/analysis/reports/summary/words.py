"""Words for the quarterly summary, generated from published figures only (so a withheld number never reaches a
sentence): the headline, the quarter in brief, what changed, the other reports' findings, comparators, history."""

from __future__ import annotations

import math

import pandas as pd

from analysis.data import codes
from analysis.data.quarters import Quarter
from analysis.measures import comparators
from analysis.present import formatting
from analysis.present.ratio_words import reading
from analysis.reports.summary.measures import (
    BY_KEY,
    INDICATORS,
    OTHER_MEASURES,
    Comparison,
    Indicator,
    compare,
    comparisons,
    movements,
    other_movements,
    row,
)
from analysis.safety.figures import first
from analysis.safety.suppression import SYMBOL

TITLE = "Quarterly summary"
WITHIN = "a change small enough to be chance variation at these numbers"
BEYOND = "a change larger than chance variation would explain"
REPORT_TITLES = {
    "00_overview": "Data quality and cohort overview",
    "10_disproportionality": "Disproportionality",
    "20_exclusions": "Suspensions and permanent exclusions",
    "30_reoffending": "Reoffending",
}


def link(report: str) -> str:
    return f"[{REPORT_TITLES.get(report, report)}]({report}.html)"


# --- numbers ---------------------------------------------------------------------------------


def amount(ind: Indicator, value: float) -> str:
    """'47 children', '189.6 per 100,000 children aged 10 to 17', '35.8%', '1.95'."""
    text = formatting.figure(value, ind.display)
    return text if ind.display == "share" else text + ind.unit


def bare(ind: Indicator, value: float) -> str:
    """The number alone, as the tables print it."""
    return formatting.figure(value, ind.display)


def size(ind: Indicator, c: Comparison) -> str:
    """The size of a change: '6.2 percentage points', '+14%', 'from none'."""
    if ind.display == "share":
        return f"{abs(c.change):,.1f} percentage points"
    if math.isinf(c.relative):
        return "from none"
    return f"a {'rise' if c.relative > 0 else 'fall'} of {abs(c.relative):.0%}"


def _shown(r: pd.Series | None) -> bool:
    return r is not None and not r["suppressed"] and not pd.isna(r["value"])


NO_POPULATION = "there is no population figure to make a rate (the population table gives no children aged 10 to 17)"


def no_population(r: pd.Series | None) -> bool:
    """A rate that cannot be made because the population table counts no children aged 10 to 17 (its count, if not
    withheld, can still be shown)."""
    return (
        r is not None
        and not r["suppressed"]
        and pd.isna(r["value"])
        and not pd.isna(r["numerator"])
        and r["denominator"] == 0
    )


def not_covered(r: pd.Series | None) -> bool:
    """A figure the extract cannot give (it does not go back to the start of the figure's period): not withheld,
    just not available."""
    return r is None or (not r["suppressed"] and pd.isna(r["numerator"]) and pd.isna(r["value"]))


NOT_COVERED = "not available: the extract does not cover the whole period"


def _children(n: int) -> str:
    return "no child" if n == 0 else formatting.plural(n, "child", "children")


def when(ind: Indicator, r: pd.Series) -> str:
    """The period a headline figure covers, in words."""
    if ind.window == "quarter":
        return f"during {r['group']}"
    if ind.window == "12-month cohort":
        return f"among children cautioned, sentenced or released from custody in {r['period']} (the latest 12-month cohort whose reoffending is complete)"
    return f"in the {r['period']}"


def directions(ind: Indicator, first: tuple[Comparison, str], second: tuple[Comparison, str]) -> str:
    """Two comparisons in one phrase (after 'is'), sharing the verdict on chance where they agree:
    'up from 165.4 a year earlier and from 169.4 in the 12 months to the previous quarter; both changes are small
    enough to be chance variation at these numbers'."""
    (a, when_a), (b, when_b) = first, second
    moving = [c.shown and c.direction in ("up", "down") for c in (a, b)]
    if all(moving) and a.beyond_chance == b.beyond_chance:
        verdict = (
            "both changes are larger than chance variation would explain"
            if a.beyond_chance
            else "both changes are small enough to be chance variation at these numbers"
        )
        second_verb = "and from" if a.direction == b.direction else f"and {b.direction} from"
        return f"{a.direction} from {bare(ind, a.then)} {when_a} {second_verb} {bare(ind, b.then)} {when_b}; {verdict}"
    return f"{direction(ind, a, when_a)}; it is {direction(ind, b, when_b)}"


def direction(ind: Indicator, c: Comparison, earlier: str) -> str:
    """'up from 41 a year earlier, a change small enough to be chance variation at these numbers' (reads after 'is')."""
    if not c.shown and c.withheld:
        return f"not comparable with the figure {earlier}, because one of the two is withheld ({SYMBOL})"
    if not c.shown:
        return f"not comparable with the figure {earlier}, which the extract does not cover"
    if c.direction == "unchanged":
        return f"the same as {earlier}"
    return f"{c.direction} from {bare(ind, c.then)} {earlier}, {BEYOND if c.beyond_chance else WITHIN}"


# --- the headline and the quarter in brief ----------------------------------------------------------


def headline(fig: pd.DataFrame, quarter: Quarter) -> str:
    """The single most important sentence: the largest year-on-year change that chance cannot explain, or, when
    there is none, first time entrants and the fact that nothing moved beyond chance."""
    year = comparisons(fig, quarter, quarter.same_quarter_last_year)
    beyond = [(i, year[i.key]) for i in INDICATORS if i.in_changes and year[i.key].shown and year[i.key].beyond_chance]
    if beyond:
        ind, c = max(beyond, key=lambda it: abs(it[1].relative))
        r = row(fig, ind, quarter)
        verb = "rose" if c.direction == "up" else "fell"
        return (
            f"{ind.subject[0].upper() + ind.subject[1:]} {verb} to {amount(ind, c.now)} {when(ind, r)}, from "
            f"{bare(ind, c.then)} a year earlier: {BEYOND}."
        )
    fte = row(fig, BY_KEY["fte_rate"], quarter)
    c = year["fte_rate"]
    if no_population(fte):
        who = _children(int(fte["numerator"]))
        return (
            f"{who[0].upper() + who[1:]} entered the youth justice system for the first time "
            f"in the {fte['period']}: {NO_POPULATION}; no headline measure changed by more than chance variation "
            "would explain."
        )
    if not_covered(fte):
        return (
            f"First time entrants in the {quarter.year_ending.label} are {NOT_COVERED} ([x]); no headline measure "
            "changed by more than chance variation would explain."
        )
    if not _shown(fte):
        return (
            f"The number of children who entered the youth justice system for the first time in the "
            f"{quarter.year_ending.label} is withheld ({SYMBOL}); no headline measure changed by more than "
            "chance variation would explain."
        )
    if fte["numerator"] == 0:
        return (
            f"No child entered the youth justice system for the first time in the {fte['period']}; no headline "
            "measure changed by more than chance variation would explain at these numbers."
        )
    before = row(fig, BY_KEY["fte_rate"], quarter.same_quarter_last_year)
    against = f", against {int(before['numerator']):,} a year earlier" if c.shown else ""
    return (
        f"{int(fte['numerator']):,} children entered the youth justice system for the first time in the "
        f"{fte['period']} ({formatting.figure(fte['value'], 'rate')} per 100,000 children aged 10 to 17){against}; "
        "no headline measure changed by more than chance variation would explain at these numbers."
    )


def fte_bullet(fig: pd.DataFrame, quarter: Quarter) -> str:
    ind, r = BY_KEY["fte_rate"], row(fig, BY_KEY["fte_rate"], quarter)
    if no_population(r):
        n = int(r["numerator"])
        return (
            f"**First time entrants:** {_children(n)} entered the youth justice system for the first time in the "
            f"{r['period']}; {NO_POPULATION}."
        )
    if not_covered(r):
        return f"**First time entrants:** {NOT_COVERED} ([x])."
    if not _shown(r):
        return f"**First time entrants:** withheld for the {quarter.year_ending.label} ({SYMBOL})."
    year = compare(r, row(fig, ind, quarter.same_quarter_last_year), 1)
    prev = compare(r, row(fig, ind, quarter.previous), 1)
    return (
        f"**First time entrants:** {int(r['numerator']):,} children entered the youth justice system for the first "
        f"time in the {r['period']}, {amount(ind, r['value'])}. The rate is "
        f"{directions(ind, (year, 'a year earlier'), (prev, 'in the 12 months to the previous quarter'))}."
    )


def custody_bullet(fig: pd.DataFrame, quarter: Quarter) -> str:
    rate = row(fig, BY_KEY["custody_rate"], quarter)
    remanded = row(fig, BY_KEY["remanded"], quarter)
    in_custody = row(fig, BY_KEY["remanded_custody"], quarter)
    period = quarter.year_ending.label
    if no_population(rate):
        n = int(rate["numerator"])
        custody = (
            "No child living here was sentenced to custody"
            if n == 0
            else f"{formatting.plural(n, 'custodial sentence', 'custodial sentences')} {'was' if n == 1 else 'were'} "
            "given to children living here"
        ) + f" in the {period}; for the custody rate {NO_POPULATION}"
    elif not_covered(rate):
        custody = f"The custody rate for the {period} is {NOT_COVERED} ([x])"
    elif _shown(rate) and rate["numerator"] == 0:
        custody = f"No child living here was sentenced to custody in the {period} (a custody rate of 0.00 per 1,000)"
    elif _shown(rate):
        year = compare(rate, row(fig, BY_KEY["custody_rate"], quarter.same_quarter_last_year), 2)
        custody = (
            f"The custody rate was {amount(BY_KEY['custody_rate'], rate['value'])} in the {period} "
            f"({int(rate['numerator'])} custodial sentences), {direction(BY_KEY['custody_rate'], year, 'a year earlier')}"
        )
    else:
        custody = (
            f"The number of children sentenced to custody in the {period} and the custody rate are withheld ({SYMBOL})"
        )

    def children(r, what):
        if r is None:
            return f"the number of {what} is not available"
        if r["suppressed"]:
            return f"a withheld number ({SYMBOL}) were {what}"
        if pd.isna(r["numerator"]):
            return f"the number of children {what} is {NOT_COVERED} ([x])"
        return (
            formatting.plural(int(r["numerator"]), "child", "children")
            + f" {'was' if r['numerator'] == 1 else 'were'} {what}"
        )

    remand = children(remanded, "remanded")
    if _shown(remanded):
        remand += f" ({direction(BY_KEY['remanded'], compare(remanded, row(fig, BY_KEY['remanded'], quarter.same_quarter_last_year), 0), 'a year earlier')})"
    return (
        f"**Custody and remand:** {custody}. In the same 12 months {remand}, and "
        f"{children(in_custody, 'remanded to custody')}."
    )


def reoffending_bullet(fig: pd.DataFrame, quarter: Quarter) -> str:
    ind, freq = BY_KEY["reoffending"], BY_KEY["frequency"]
    r, f = row(fig, ind, quarter), row(fig, freq, quarter)
    if not_covered(r):
        return f"**Reoffending:** the rate for the latest complete 12-month cohort is {NOT_COVERED} ([x])."
    if r is not None and not r["suppressed"] and r["denominator"] == 0:
        return (
            f"**Reoffending:** no child was cautioned, sentenced or released from custody in {r['period']} (the "
            "latest 12-month cohort whose reoffending is complete), so there is no reoffending rate."
        )
    if not _shown(r):
        return (
            f"**Reoffending:** the rate for the latest complete 12-month cohort is withheld ({SYMBOL}). "
            f"See the {link('30_reoffending')} report."
        )
    year = compare(r, row(fig, ind, quarter.same_quarter_last_year), 1)
    text = (
        f"**Reoffending:** {formatting.figure(r['value'], 'share')} of children cautioned, sentenced or released "
        f"from custody in {r['period']} committed a proven reoffence within 12 months (the latest 12-month cohort "
        f"whose reoffending is complete), {direction(ind, year, 'in the cohort a year earlier')}"
    )
    if _shown(f):
        text += f"; those who reoffended committed {bare(freq, f['value'])} reoffences each on average"
    return text + (
        f". The {link('30_reoffending')} report leads with the latest 3-month cohort, a smaller group whose "
        "rate moves more from quarter to quarter."
    )


def caseload_bullet(fig: pd.DataFrame, quarter: Quarter) -> str:
    ind, r = BY_KEY["caseload"], row(fig, BY_KEY["caseload"], quarter)
    if not_covered(r):
        return f"**Caseload:** the number of children on the caseload is {NOT_COVERED} ([x])."
    if not _shown(r):
        return f"**Caseload:** the number of children on the caseload cannot be shown ({SYMBOL})."
    year = compare(r, row(fig, ind, quarter.same_quarter_last_year), 0)
    prev = compare(r, row(fig, ind, quarter.previous), 0)
    return (
        f"**Caseload:** {int(r['value']):,} children were on the YJS caseload during {quarter.label}, "
        f"{directions(ind, (prev, 'in the previous quarter'), (year, 'a year earlier'))}. "
        f"More in the {link('00_overview')} report."
    )


def in_brief(fig: pd.DataFrame, quarter: Quarter) -> str:
    """The headline, then a bullet each for first time entrants, custody and remand, reoffending and the caseload."""
    bullets = [
        f"**{headline(fig, quarter)}**",
        fte_bullet(fig, quarter),
        custody_bullet(fig, quarter),
        reoffending_bullet(fig, quarter),
        caseload_bullet(fig, quarter),
    ]
    return "\n".join(f"- {b}" for b in bullets)


HEADLINE_NOTE = (
    "12 months: the 12 months ending with the quarter. Quarter: the three months of the quarter. "
    "12-month cohort: children cautioned, sentenced or released from custody in 12 months, followed for "
    "a year and a further six months for proceedings; the latest column is the latest cohort that is "
    "complete, the others the cohorts 3 and 12 months before it. The interval is for the latest figure. "
    f"{SYMBOL}: withheld (it rests on a small number of children or sentences, or could reveal one). [x]: not "
    "available, because the extract does not cover the whole period."
)


# --- what changed since last quarter ------------------------------------------------------------------


def changes(fig: pd.DataFrame, others: pd.DataFrame | None, quarter: Quarter, top: int = 5) -> str:
    """The largest movements since the previous quarter among the headline measures, in words."""
    items = movements(comparisons(fig, quarter, quarter.previous), other_movements(others, quarter), top)
    if not items:
        return "None of the headline measures can be compared with the previous quarter."
    lines = []
    for ind, c in items:
        subject = ind.subject[0].upper() + ind.subject[1:]
        if c.direction == "unchanged":
            lines.append(f"{subject}: unchanged at {amount(ind, c.now)}.")
        else:
            lines.append(
                f"{subject}: {c.direction} from {bare(ind, c.then)} to {amount(ind, c.now)} ({size(ind, c)}), "
                f"{BEYOND if c.beyond_chance else WITHIN}."
            )
    beyond = sum(c.beyond_chance for _, c in items)
    lead = (
        f"The {len(items)} largest movements since {quarter.previous.label}, largest first (each 12-month figure "
        "against the 12 months to the previous quarter; the reoffending cohort against the cohort 3 months "
        "earlier). "
        + (
            "None is larger than chance variation would explain."
            if not beyond
            else f"{beyond} of them {'is' if beyond == 1 else 'are'} larger than chance variation would explain."
        )
    )
    return lead + "\n\n" + "\n".join(f"- {line}" for line in lines)


# --- the other reports -------------------------------------------------------------------------------


def _rri_line(others: pd.DataFrame, quarter: Quarter) -> str:
    m = OTHER_MEASURES[0]
    r = m.pick(others, quarter)
    if r is None:
        return "its figures were not found."
    if not _shown(r):
        return (
            f"the comparison with White children of children from ethnic minority groups cautioned or sentenced "
            f"in the {quarter.year_ending.label} is withheld ({SYMBOL})."
        )
    text = (
        f"children from ethnic minority groups were {formatting.figure(r['value'], 'rate')} times as likely as "
        f"White children to be cautioned or sentenced in the {r['period']} ({reading(r)})"
    )
    c = compare(r, m.pick(others, quarter.previous), 1)
    if c.shown:
        text += f"; in the 12 months to the previous quarter the figure was {formatting.figure(c.then, 'rate')}" + (
            "" if c.direction == "unchanged" else f", {BEYOND if c.beyond_chance else WITHIN}"
        )
    return text + "."


def _exclusions_line(others: pd.DataFrame, quarter: Quarter) -> str:
    ratio = OTHER_MEASURES[1].pick(others, quarter)
    from analysis.measures.history import pick

    yjs = pick(others, "20_exclusions", "yjs_one_plus_suspension_rate")
    borough = pick(others, "20_exclusions", "borough_one_plus_suspension_rate")
    if ratio is None or yjs is None:
        return "its figures were not found."
    if not (_shown(ratio) and _shown(yjs) and _shown(borough)):
        return f"the comparison of children known to the YJS with all pupils is withheld ({SYMBOL})."
    return (
        f"{formatting.figure(yjs['value'], 'share')} of children known to the YJS were suspended at least once in "
        f"the {yjs['period']}, against {formatting.figure(borough['value'], 'share')} of pupils across the borough: "
        f"{formatting.figure(ratio['value'], 'rate')} times as likely."
    )


def _tracker_line(others: pd.DataFrame, quarter: Quarter) -> str:
    from analysis.measures.history import pick

    r = OTHER_MEASURES[2].pick(others, quarter)
    tracked = pick(others, "30_reoffending", "tracked_children", period=quarter.year_ending.label)
    if r is None or tracked is None:
        return "its figures were not found."
    if not (_shown(r) and _shown(tracked)):
        return f"how many of the children tracked offended again is withheld ({SYMBOL})."
    return (
        f"of the {int(tracked['value']):,} children with an outcome in the {r['period']}, "
        f"{formatting.figure(r['value'], 'share')} have offended again so far (the live tracker, which follows them "
        "to the date of the extract)."
    )


OTHER_LINES = {"10_disproportionality": _rri_line, "20_exclusions": _exclusions_line, "30_reoffending": _tracker_line}


def other_reports(others: pd.DataFrame | None, source: str, quarter: Quarter) -> str:
    """One line per other report, from its published figures, each linked to the report."""
    if others is None:
        return (
            "The other reports' findings (disproportionality, suspensions and exclusions, reoffending) are read from "
            "their figures when this summary runs as part of the quarterly refresh. Run on its own, this summary "
            "has not read them: they come from the full refresh, where each report is linked from the index page."
        )
    done = set(others["report"])
    lines = []
    for report, make in OTHER_LINES.items():
        if report not in done:
            lines.append(
                f"{link(report)}: this report did not produce figures for {quarter.label}; see the index page."
            )
            continue
        text = make(others, quarter)
        lines.append(f"{link(report)}: {text[0].upper() + text[1:]}")
    where = "this refresh" if source == "this refresh" else source
    return f"From {where}; follow a link for the detail.\n\n" + "\n".join(f"- {line}" for line in lines)


# --- comparators --------------------------------------------------------------------------------------


def comparators_intro(comps: pd.DataFrame, area_name: str, file_name: str) -> str:
    """Whose published figures the summary compares with (Markdown: names and titles from the comparator file and
    the extract are shown as written, see `formatting.plain`)."""
    plain = formatting.plain
    this = list(dict.fromkeys(comps.loc[comps["area_type"] == "this_yjs", "area_name"]))
    this = plain(this[0]) if this else "this area"
    pubs = "; ".join(plain(p) for p in dict.fromkeys(comps["publication"]))
    caveat = (
        "Published figures come from the Police National Computer and cover earlier periods than this "
        "quarter, so they show where the area stands rather than compare like with like."
    )
    same, area_name, file_name = comparators.same_area(comps, area_name), plain(area_name), plain(file_name)
    if same:
        return f"The latest published figures for {this} and its comparators ({pubs}). {caveat}"
    return (
        f"These are published figures for {this} and its comparators ({pubs}), shown as an example: they are not "
        f"figures for {area_name}. Put the area's own published figures in the comparator file ({file_name}) to "
        f"compare it with its police force area, YJS family and England and Wales. {caveat}"
    )


def comparator_sources(comps: pd.DataFrame, published: pd.DataFrame) -> str:
    """'Source: ...' for published figures (from `comparators.as_figures`): each publication and table once."""
    from analysis.measures.comparators import latest

    keys = set(zip(published["measure"].str.removeprefix("published_"), published["group"], published["period"]))
    rows = latest(comps)
    chosen = [
        s for m, a, p, s in zip(rows["measure"], rows["area_name"], rows["period"], rows["source"]) if (m, a, p) in keys
    ]
    return "Source: " + "; ".join(dict.fromkeys(chosen)) + "."


def no_fte_comparators(comps: pd.DataFrame) -> str:
    if "first_time_entrants_rate" in set(comps["measure"]):
        return ""
    return (
        "The comparator file holds no published first time entrant rates, so first time entrants are not compared "
        "with other areas here."
    )


def custody_chart_title(published: pd.DataFrame) -> str:
    """Where this YJS's published custody rate sat against England and Wales across the years shown."""
    this = published[published["group"] == published["group"].iloc[0]]
    names = list(dict.fromkeys(published["group"]))
    national = published[published["group"] == names[-1]]
    both = this.merge(national, on="period", suffixes=("", "_n"))
    if both.empty or len(names) < 2:
        return "Published custody rates, by year"
    below = int((both["value"] < both["value_n"]).sum())
    n = len(both)
    who, other = names[0], f"the {codes.AREA_TYPES['england_and_wales']} rate"
    if below == n:
        return f"{who}'s published custody rate was below {other} in each of the {n} years shown"
    if below == 0:
        return f"{who}'s published custody rate was not below {other} in any of the {n} years shown"
    return f"{who}'s published custody rate was below {other} in {below} of the {n} years shown"


def custody_revisions_note(rev: pd.DataFrame) -> str:
    """Figures revised between publications, and which the table shows."""
    if rev.empty:
        return "Each figure is as printed in the latest publication that gives it."
    parts = []
    for (area, period), g in rev.groupby(["area_name", "period"], sort=False):
        values = " then ".join(f"{v} ({p})" for v, p in zip(g["value_as_published"], g["publication"]))
        parts.append(f"{area}, {period}: {values}")
    return (
        "Published figures are revised between publications, so the same year can appear with two values: "
        + "; ".join(parts)
        + ". The table shows the latest publication's figure for each year."
    )


def local_custody_sentence(years: pd.DataFrame, area: str) -> str:
    if years.empty:
        return "The extract does not go back far enough to cover a whole financial year."
    shown = years[~years["suppressed"]]
    if shown.empty:
        return (
            f"In each of these years the number of custodial sentences in {area} is withheld, so the public report "
            f"shows {SYMBOL} for the number and the rate."
        )
    return (
        f"{len(years) - len(shown)} of the {len(years)} years are withheld ({SYMBOL})."
        if len(shown) < len(years)
        else "Every year can be shown."
    )


# --- history --------------------------------------------------------------------------------------------


def history_sentence(hist, reports_dir: str, quarters: list[Quarter]) -> str:
    if not reports_dir:
        return (
            "Run on its own, this summary does not look for earlier quarters' reports; the quarterly refresh "
            "reads them from its output folder. The measures above are recomputed from the extract for every "
            "quarter, so they do not depend on earlier reports."
        )
    found = ", ".join(q.label for q in hist.found) or "none"
    missing = [q.label for q in hist.missing]
    text = f"Earlier quarters' reports found in the output folder: {found}."
    if missing:
        text += (
            f" Not found: {', '.join(missing)} (not produced in this folder); their figures from other reports "
            "are shown as [x]."
        )
    return text


def history_text(hist, reports_dir: str, quarters: list[Quarter], rev: pd.DataFrame) -> str:
    """Which earlier quarters were found, and what later records changed in the previous quarter's figures."""
    previous = quarters[-1]
    return " ".join(
        t
        for t in (
            history_sentence(hist, reports_dir, quarters),
            revisions_sentence(rev, previous, previous in hist.found),
        )
        if t
    )


def revisions_sentence(rev: pd.DataFrame, previous: Quarter, found: bool) -> str:
    if not found:
        return ""
    if rev.empty:
        return f"The {previous.label} figures recomputed from this extract match those its own summary published."
    parts = []
    for r in rev.to_dict("records"):
        ind = next((i for i in INDICATORS if i.measure == r["measure"] and i.field == "value"), None)
        fmt = (lambda v: bare(ind, v)) if ind else (lambda v: formatting.number(v, 1))
        parts.append(
            f"{ind.subject if ind else r['measure']} ({r['period']}) now {fmt(r['now'])}, published as {fmt(r['published'])}"
        )
    return (
        f"Records added since {previous.label} was published have changed some of its figures: "
        + "; ".join(parts)
        + ". The tables here use the recomputed figures, so every quarter is counted the same way."
    )


# --- notes ------------------------------------------------------------------------------------------------

METHOD_NOTES = """**What this summary compares.** Each headline measure is recomputed from this quarter's extract for the last eight quarters, so the quarter, the previous quarter and the same quarter a year earlier are counted in the same way with the same records; figures published in earlier quarters can differ where records were added or corrected since. Measures over 12 months cover the 12 months ending with each quarter, so neighbouring quarters share nine months and move slowly. The other reports' findings are read from their own published figures.

**Chance variation.** With numbers this small a figure moves from one period to the next by chance alone. A change is called larger than chance variation would explain when the 95% confidence intervals of the two figures do not overlap: exact Poisson intervals for counts (Byar's method from 10), Wilson intervals for percentages, and for reoffences per reoffender the interval of reoffences as a Poisson count divided by the number of reoffenders. Not overlapping is a cautious test: some real changes will be called chance.

**Custody rate.** Custodial sentences (detention and training orders and detention under sections 250, 254 and 259) given in the 12 months to children living in the area who were 10 to 17 at the offence, per 1,000 children aged 10 to 17 in the population table. A child's outcomes on one day count as one sentence; a child sentenced to custody twice counts twice. The YJB's own definition could not be checked; 3 sentences in a population of 25,000 give the 0.12 that the 2019 plan printed for April 2018 to March 2019.

**Remands.** Children with a remand that started in the 12 months, each counted once; remanded to custody means to youth detention accommodation or a court-ordered secure remand.

**Reoffending.** The Ministry of Justice's proven reoffending measure, computed locally from the YJS's records as in the reoffending report, for 12-month cohorts (the cohorts the published comparators use). The latest cohort is the latest whose 12 months of follow-up and six months for proceedings are over by the extract date.

**Tables for the plan.** Outcomes and offences are those of children living in the area, in the 12 months to the quarter end; an offence is counted once, in the period of its first outcome. Every table is checked to add up to its total before it is shown. Characteristics are of children who received a youth conditional caution or a court outcome in the 12 months: AssetPlus concerns from each child's latest assessment up to the quarter end; special educational needs and plans, and looked-after status, from any record starting by then (now or before).

**Comparators.** Published figures are copied into the comparator file exactly as printed, with the publication they came from. The same year is sometimes revised in a later publication; the latest publication's figure is shown."""


# --- table layouts and notes ------------------------------------------------------------------------------

TREND_COLUMNS = {
    "First time entrants": ("fte", "value"),
    "Rate per 100,000": ("fte_rate", "value"),
    "Custody rate per 1,000": ("custody_rate", "value"),
    "Remanded": ("remanded", "value"),
    "Remanded to custody": ("remanded_custody", "value"),
    "On the caseload": ("caseload", "value"),
    "Binary reoffending (%)": ("reoffending", "value"),
    "Reoffences per reoffender": ("frequency", "value"),
}
OTHER_COLUMNS = {
    "Ethnic minority children cautioned or sentenced (times as likely as White children)": ("rri", "value"),
    "Children known to the YJS suspended (times as likely as all pupils)": ("suspension", "value"),
    "Live tracker: children who offended again (%)": ("tracker", "value"),
}
REVISED_MEASURES = list(dict.fromkeys(i.measure for i in INDICATORS))


def trend_note(fig: pd.DataFrame, quarter: Quarter) -> str:
    r = row(fig, BY_KEY["reoffending"], quarter)
    cohort = (
        f" (for {quarter.label}, children cautioned, sentenced or released from custody in {r['period']})"
        if r is not None
        else ""
    )
    return (
        "First time entrants, custody and remands: the 12 months ending with each quarter. On the caseload: during "
        "the quarter. Reoffending: the 12-month cohort reported in that quarter" + cohort + ". "
        f"{SYMBOL}: withheld (it rests on a small number of children or sentences, or could reveal one). [x]: not "
        "available, because the extract does not cover the whole period."
    )


def _r(fig: pd.DataFrame, measure: str, breakdown: str, group: str) -> pd.Series | None:
    return first(fig, measure=measure, breakdown=breakdown, group=group)


def _count(r: pd.Series | None, noun: str = "") -> str:
    if r is None:
        return "none" if not noun else f"no {noun}"
    text = formatting.figure(r["numerator"], "count", bool(r["suppressed"]))
    return f"{text} {noun}".strip()


OUTCOMES_NOTE = (
    "Out-of-court outcomes are diversion (community resolutions, Outcome 20/21 and 22, youth restorative "
    "disposals, other informal action), youth cautions and youth conditional cautions; court outcomes are "
    "every sentence from a discharge to custody. Every outcome counts, so a child or an offence can have "
    "several. Types with none in the year are left out."
)
OFFENCES_NOTE = (
    "Offences of children living in the area whose first outcome (of any kind) fell in the 12 months, each "
    "counted once, by YJB offence category. Categories with none are left out."
)


def outcomes_sentence(fig: pd.DataFrame, period) -> str:
    from analysis.reports.summary.measures import COURT, OUT_OF_COURT

    total, ooc, court = (_r(fig, "outcomes", "all", g) for g in (TOTAL_GROUP, OUT_OF_COURT, COURT))
    if total is None or total["suppressed"]:
        return f"The number of outcomes received in the {period.label} is withheld ({SYMBOL})."
    if total["numerator"] == 0:
        return f"No child living in the area received an outcome in the {period.label}."
    text = f"Children living in the area received {_count(total, 'outcomes')} in the {period.label}"
    if (
        ooc is not None
        and not ooc["suppressed"]
        and court is not None
        and not court["suppressed"]
        and total["numerator"]
    ):
        text += (
            f": {_count(ooc)} out of court ({100 * ooc['numerator'] / total['numerator']:.1f}%) and "
            f"{_count(court)} in court"
        )
    pre = [_r(fig, "outcomes", "out_of_court", g) for g in ("Youth caution", "Youth conditional caution")]
    if all(p is not None and not p["suppressed"] for p in pre):
        text += (
            f". Youth cautions and youth conditional cautions, the out-of-court outcomes that make a child a first "
            f"time entrant, numbered {int(sum(p['numerator'] for p in pre)):,}"
        )
    return text + "."


def offences_sentence(fig: pd.DataFrame, period) -> str:
    from analysis.present.narrative import largest_group

    top = largest_group(fig, "offences")
    total = _r(fig, "offences", "offence_type", TOTAL_GROUP)
    if total is not None and not total["suppressed"] and total["numerator"] == 0:
        return f"No offence of a child living in the area was dealt with by an outcome in the {period.label}."
    if top is None or total is None or total["suppressed"]:
        return f"Offences by type in the {period.label}: withheld ({SYMBOL})."
    r = _r(fig, "offences", "offence_type", top)
    return (
        f"{top} was the most common type: {_count(r)} of {_count(total, 'offences')} dealt with in the "
        f"{period.label} ({100 * r['numerator'] / total['numerator']:.1f}%)."
    )


def characteristics_note(fig: pd.DataFrame) -> str:
    n = _r(fig, "ycc_or_above_children", "all", TOTAL_GROUP)
    return (
        f"Base: {_count(n, 'children')}, each counted once. A child can have several of these, so the rows do not "
        "add up to the total. Concerns, NEET, child in need, child protection and exploitation come from the child's "
        "latest AssetPlus assessment up to the quarter end (blank answers count as no); special educational needs, "
        "plans and looked-after status from any record starting by then."
    )


def characteristics_sentence(fig: pd.DataFrame, period) -> str:
    from analysis.reports.summary.measures import NO_ASSESSMENT

    n = _r(fig, "ycc_or_above_children", "all", TOTAL_GROUP)
    rows = fig[(fig["measure"] == "ycc_or_above_characteristic") & (fig["group"] != NO_ASSESSMENT) & ~fig["suppressed"]]
    if n is not None and not n["suppressed"] and n["numerator"] == 0:
        return f"No child received a youth conditional caution or a court outcome in the {period.label}."
    if n is None or n["suppressed"] or rows.empty:
        return (
            f"The characteristics of children who received a youth conditional caution or a court outcome in the "
            f"{period.label} are withheld ({SYMBOL})."
        )
    top = rows.sort_values("numerator", ascending=False, kind="stable").iloc[0]
    none = _r(fig, "ycc_or_above_characteristic", "characteristic", NO_ASSESSMENT)
    text = (
        f"Of the {_count(n, 'children')} who received a youth conditional caution or a court outcome in the "
        f"{period.label}, the most common need recorded was {top['group'][0].lower() + top['group'][1:]} "
        f"({_count(top, 'children')}, {formatting.figure(top['value'], 'share')})."
    )
    if none is not None and (none["suppressed"] or none["numerator"]):
        text += f" {_count(none, 'children').capitalize()} had no AssetPlus assessment recorded."
    return text


def custody_chart_alt(published: pd.DataFrame) -> str:
    periods = list(dict.fromkeys(published["period"]))
    last = published[published["period"] == periods[-1]]
    values = ", ".join(f"{g} {v:.2f}" for g, v in zip(last["group"], last["value"]))
    return (
        f"Line chart of published custody rates per 1,000 children aged 10 to 17 for "
        f"{', '.join(dict.fromkeys(published['group']))}, for each year from {periods[0]} until {periods[-1]}. "
        f"{custody_chart_title(published)}. In {periods[-1]}: {values}."
    )


TOTAL_GROUP = "All"
