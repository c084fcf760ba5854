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
from analysis.present.tiles import MARKS, Tile
from analysis.reports.summary.measures import (
    BY_KEY,
    INDICATORS,
    OTHER_MEASURES,
    TREND_QUARTERS,
    UNTESTED,
    Comparison,
    Direction,
    Indicator,
    compare,
    comparisons,
    movements,
    other_movements,
    row,
    value_of,
)
from analysis.safety.figures import first
from analysis.safety.suppression import SYMBOL

TITLE = "Quarterly summary"
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
    """Two comparisons in one phrase (after 'is'): 'up from 165.4 a year earlier and from 169.4 in the 12 months to
    the previous quarter'. Whether the measure is rising or falling beyond chance is judged over many quarters
    (`trend_sentence`), not from two figures."""
    (a, when_a), (b, when_b) = first, second
    if all(c.shown and c.direction in ("up", "down") for c in (a, b)):
        second_verb = "and from" if a.direction == b.direction else f"and {b.direction} from"
        return f"{a.direction} from {bare(ind, a.then)} {when_a} {second_verb} {bare(ind, b.then)} {when_b}"
    return f"{direction(ind, a, when_a)}; it is {direction(ind, b, when_b)}"


def direction(ind: Indicator, c: Comparison, earlier: str) -> str:
    """'up from 41 a year earlier' (reads after 'is')."""
    if not c.shown and c.withheld:
        return f"not comparable with the figure {earlier}, because one of the two is withheld ({SYMBOL})"
    if not c.shown:
        return f"not comparable with the figure {earlier}, which the extract does not cover"
    if c.direction == "unchanged":
        return f"the same as {earlier}"
    return f"{c.direction} from {bare(ind, c.then)} {earlier}"


METHODS = {
    "Cochran–Armitage test for trend": "Cochran–Armitage test for trend in a share",
    "score test for trend in Poisson counts": "test for trend in Poisson counts",
}


TREND_SUBJECTS = {  # what each test counts, in words
    "fte_rate": "first time entrants",
    "custody_rate": "custodial sentences",
    "remanded": "children remanded",
    "remanded_custody": "children remanded to custody",
    "reoffending": "the share who reoffended",
}


def trend_sentence(key: str, dirs: dict[str, Direction] | None) -> str:
    """Whether a measure rose or fell across the last quarters more than chance would explain, in one sentence that
    names the periods and the test ('' when no test was run)."""
    if dirs is None:
        return ""
    d = dirs.get(key)
    if d is None:
        why = UNTESTED.get(key)
        return f"Whether it is rising or falling is not tested, as {why}." if why else ""
    subject = TREND_SUBJECTS.get(key, BY_KEY[key].subject)
    span = f"the {d.trend.periods} {d.periods} from {d.first} to {d.last}"
    if not d.trend.tested:
        return f"Too few {'children' if d.periods == 'quarterly cohorts' else 'events'} in {span} to test {subject} for a trend."
    method = METHODS.get(d.trend.method, d.trend.method)
    if d.trend.direction == "none":
        return f"Across {span}, {subject} show no rise or fall larger than chance would explain ({method})."
    verb = "rose" if d.trend.direction == "up" else "fell"
    return f"Across {span}, {subject} {verb} by more than chance would explain ({method}): a signal to look into."


def _run_of_changes(fig: pd.DataFrame, ind: Indicator, quarter: Quarter) -> tuple[int, str]:
    """How many quarters in a row the published figure has moved the same way up to `quarter` (0 if it did not
    move), and which way."""
    values = [value_of(row(fig, ind, q), ind.field) for q in quarter.history(TREND_QUARTERS)]
    steps = [b - a for a, b in zip(values, values[1:])]
    if not steps or math.isnan(steps[-1]) or steps[-1] == 0:
        return 0, "unchanged"
    way = steps[-1] > 0
    n = 0
    for step in reversed(steps):
        if math.isnan(step) or step == 0 or (step > 0) != way:
            break
        n += 1
    return n, "up" if way else "down"


# --- the headline and the quarter in brief ----------------------------------------------------------


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def signals(dirs: dict[str, Direction] | None) -> list[Direction]:
    """The headline measures that rose or fell across the last quarters by more than chance would explain, the
    clearest first."""
    found = {d.key: d for d in (dirs or {}).values() if d.trend.direction != "none"}
    return sorted(found.values(), key=lambda d: d.trend.p_value)


def _signal_sentence(fig: pd.DataFrame, quarter: Quarter, d: Direction) -> str:
    """'The binary reoffending rate has risen in each of the last seven quarters, to 35.8% ... from 14.9% seven
    quarters earlier; across the 12 quarterly cohorts from ... to ..., the rise is larger than chance would explain
    (a test for trend in a share, Cochran–Armitage).'"""
    ind = BY_KEY[d.key]
    subject = ind.subject[0].upper() + ind.subject[1:]
    up = d.trend.direction == "up"
    span = f"across the {d.trend.periods} {d.periods} from {d.first} to {d.last}"
    verdict = f"the {'rise' if up else 'fall'} is larger than chance would explain ({METHODS.get(d.trend.method)})"
    r = row(fig, ind, quarter)
    if not _shown(r):
        return f"{subject} is {'rising' if up else 'falling'}: {span}, {verdict}; the latest figure is withheld."
    n, way = _run_of_changes(fig, ind, quarter)
    if n >= 2 and way == d.trend.direction:
        then = row(fig, ind, quarter.shift(-n))
        count = NUMBER_WORDS.get(n, str(n))
        lead = (
            f"{subject} has {'risen' if up else 'fallen'} in each of the last {count} quarters, to "
            f"{amount(ind, r[ind.field])} {when(ind, r)}, from {bare(ind, then[ind.field])} {count} quarters earlier"
        )
    else:
        lead = f"{subject} was {amount(ind, r[ind.field])} {when(ind, r)}"
    return f"{lead}; {span}, {verdict}."


def headline(fig: pd.DataFrame, quarter: Quarter, dirs: dict[str, Direction] | None = None) -> str:
    """The single most important sentence: the clearest rise or fall across the last quarters that chance does not
    explain (`dirs`, the tests for trend); when there is none, first time entrants and the fact that nothing rose or
    fell beyond chance."""
    found = signals(dirs)
    if found:
        text = _signal_sentence(fig, quarter, found[0])
        for d in found[1:]:
            subject = BY_KEY[d.key].subject
            verb = "rose" if d.trend.direction == "up" else "fell"
            text += f" {subject[0].upper() + subject[1:]} also {verb} by more than chance would explain."
        return text
    tested = [d.trend.periods for d in (dirs or {}).values() if d.trend.tested]
    if tested:
        steady = (
            f"no headline measure rose or fell across the last {max(tested)} quarters by more than chance would explain"
        )
    elif dirs is not None:
        steady = "the extract holds too few quarters or events to test whether a headline measure is rising or falling"
    else:
        steady = "whether a headline measure is rising or falling was not tested"
    fte = row(fig, BY_KEY["fte_rate"], quarter)
    c = compare(fte, row(fig, BY_KEY["fte_rate"], quarter.same_quarter_last_year))
    if no_population(fte):
        who = _children(int(fte["numerator"]))
        return (
            f"{who[0].upper() + who[1:]} entered the youth justice system for the first time "
            f"in the {fte['period']}: {NO_POPULATION}; {steady}."
        )
    if not_covered(fte):
        return f"First time entrants in the {quarter.year_ending.label} are {NOT_COVERED} ([x]); {steady}."
    if not _shown(fte):
        return (
            f"The number of children who entered the youth justice system for the first time in the "
            f"{quarter.year_ending.label} is withheld ({SYMBOL}); {steady}."
        )
    if fte["numerator"] == 0:
        return f"No child entered the youth justice system for the first time in the {fte['period']}; {steady}."
    before = row(fig, BY_KEY["fte_rate"], quarter.same_quarter_last_year)
    against = f", against {int(before['numerator']):,} a year earlier" if c.shown else ""
    return (
        f"{int(fte['numerator']):,} children entered the youth justice system for the first time in the "
        f"{fte['period']} ({formatting.figure(fte['value'], 'rate')} per 100,000 children aged 10 to 17){against}; "
        f"{steady}."
    )


def fte_bullet(fig: pd.DataFrame, quarter: Quarter, dirs: dict[str, Direction] | None = None) -> str:
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
        f"{directions(ind, (year, 'a year earlier'), (prev, 'in the 12 months to the previous quarter'))}. "
        + trend_sentence("fte_rate", dirs)
    ).rstrip()


def custody_bullet(fig: pd.DataFrame, quarter: Quarter, dirs: dict[str, Direction] | None = None) -> str:
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
    trends = " ".join(t for t in (trend_sentence(k, dirs) for k in ("custody_rate", "remanded")) if t)
    return (
        f"**Custody and remand:** {custody}. In the same 12 months {remand}, and "
        f"{children(in_custody, 'remanded to custody')}. {trends}"
    ).rstrip()


def reoffending_bullet(fig: pd.DataFrame, quarter: Quarter, dirs: dict[str, Direction] | None = None) -> str:
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
    return (
        text
        + ". "
        + trend_sentence("reoffending", dirs)
        + f" The {link('30_reoffending')} report gives the same rate first, then the latest 3-month cohort as an early "
        "indicator (a smaller group, whose rate moves more from quarter to quarter) and the live tracker (children "
        "who offended again so far, not yet a full year)."
    ).replace("  ", " ")


def caseload_bullet(fig: pd.DataFrame, quarter: Quarter, dirs: dict[str, Direction] | None = None) -> str:
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
        + (f"{trend_sentence('caseload', dirs)} " if dirs is not None else "")
        + f"More in the {link('00_overview')} report."
    )


def in_words(fig: pd.DataFrame, quarter: Quarter, dirs: dict[str, Direction] | None = None) -> str:
    """A bullet each for first time entrants, custody and remand, reoffending and the caseload, each with its
    direction across the last quarters (`dirs`, from `summary.directions`): the tiles, in sentences."""
    bullets = [
        fte_bullet(fig, quarter, dirs),
        custody_bullet(fig, quarter, dirs),
        reoffending_bullet(fig, quarter, dirs),
        caseload_bullet(fig, quarter, dirs),
    ]
    return "\n".join(f"- {b}" for b in bullets)


HEADLINE_NOTE = (
    "12 months: the 12 months ending with the quarter. Quarter: the three months of the quarter. "
    "12-month cohort: children cautioned, sentenced or released from custody in 12 months, followed for "
    "a year and a further six months for proceedings; the latest column is the latest cohort that is "
    "complete, the others the cohorts 3 and 12 months before it. The interval is for the latest figure: for counts "
    "of first time entrants and remands, the range their number could take from chance alone in a year like this "
    "one; the caseload counts every child supervised and has none ([z]: not applicable). "
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
            lines.append(f"{subject}: {c.direction} from {bare(ind, c.then)} to {amount(ind, c.now)} ({size(ind, c)}).")
    lead = (
        f"The {len(items)} largest movements since {quarter.previous.label}, largest first (each 12-month figure "
        "against the 12 months to the previous quarter; the reoffending cohort against the cohort 3 months "
        "earlier). Two neighbouring 12-month figures share nine months, so a movement between them says little on "
        "its own: whether a measure is rising or falling is judged across the last quarters, in the quarter in brief."
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
        text += f"; in the 12 months to the previous quarter the figure was {formatting.figure(c.then, 'rate')}"
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
    shares = [formatting.figure(r["value"], "share") for r in (yjs, borough)]
    printed = [float(x.rstrip("%").replace(",", "")) for x in shares]
    times = formatting.figure(ratio["value"], "rate")
    # a ratio beside two shares is their ratio, as printed; or the sentence says where it comes from
    agrees = printed[1] > 0 and formatting.figure(printed[0] / printed[1], "rate") == times
    return (
        f"{shares[0]} of children known to the YJS were suspended at least once in the {yjs['period']}, against "
        f"{shares[1]} of pupils across the borough: {times} times as likely"
        + ("." if agrees else " (worked out from the unrounded percentages).")
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
        "to the date of the extract). This is not the reoffending rate above: it counts any further offence with an "
        "outcome, diversion included, for children followed for less than a year so far."
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

**Rising or falling, or chance?** With numbers this small a figure moves from one period to the next by chance alone, and two neighbouring 12-month figures share nine months of children, so comparing two figures says little. Instead each headline measure is tested for a trend across the last 12 quarters the extract covers, in periods that do not overlap: first time entrants, custodial sentences and remands counted in each quarter (a score test for a trend in Poisson counts), and the share of each 3-month cohort who reoffended (the Cochran–Armitage test for trend). A rise or fall is called larger than chance would explain when the test's two-sided p-value is below 0.05 (with a continuity correction, so that a measure that is not changing is called rising or falling in fewer than 5 in 100 quarters at these numbers; checked by simulation). A measure with fewer than 10 events (or children reoffending, or not) across those quarters is not tested. The caseload is not tested: it counts every child supervised, and most children stay on it from one quarter to the next. Reoffences per reoffender is not tested: reoffences cluster in a few children. With five measures tested, a signal in one of them by chance alone is not rare (about one quarter in five): a signal is a reason to look into a measure, not proof that it changed. The 95% intervals in the tables are those of each figure.

**Custody rate.** Custodial sentences (detention and training orders and detention under sections 250, 254 and 259) given in the 12 months to children living in the area who were 10 to 17 at the offence, per 1,000 children aged 10 to 17 in the population table. A child's outcomes on one day count as one sentence; a child sentenced to custody twice counts twice. The YJB's own definition could not be checked; 3 sentences in a population of 25,000 give the 0.12 that the 2019 plan printed for April 2018 to March 2019.

**Remands.** Children with a remand that started in the 12 months, each counted once; remanded to custody means to youth detention accommodation or a court-ordered secure remand.

**Reoffending.** The Ministry of Justice's proven reoffending measure, computed locally from the YJS's records as in the reoffending report, for 12-month cohorts (the cohorts the published comparators use). The latest cohort is the latest whose 12 months of follow-up and six months for proceedings are over by the extract date.

**Tables for the plan.** Outcomes and offences are those of children living in the area, in the 12 months to the quarter end and, beside them, the 12 months before; an offence is counted once, in the period of its first outcome. Every table is checked to add up to its total before it is shown. The change is this year's count minus the year before's, worked out from the counts shown and withheld when either is. Characteristics are of children who received a youth conditional caution or a court outcome in the 12 months: AssetPlus concerns from each child's latest assessment up to the quarter end; special educational needs and plans, and looked-after status, from any record starting by then (now or before).

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


CHANGE_NOTE = (
    "Change: this year's count minus the year before's, withheld ([c]) where either count is, so that it cannot "
    "give a withheld count away."
)
OUTCOMES_NOTE = (
    "Out-of-court outcomes are diversion (community resolutions, Outcome 20/21 and 22, youth restorative "
    "disposals, other informal action), youth cautions and youth conditional cautions; court outcomes are "
    "every sentence from a discharge to custody. Every outcome counts, so a child or an offence can have "
    "several. Types with none in either year are left out. " + CHANGE_NOTE
)
OFFENCES_NOTE = (
    "Offences of children living in the area whose first outcome (of any kind) fell in the 12 months, each "
    "counted once, by YJB offence category. Categories with none in either year are left out. " + CHANGE_NOTE
)


def _in(fig: pd.DataFrame, period) -> pd.DataFrame:
    return fig[fig["period"] == period.label]


def _year_before(r: pd.Series | None, before, noun: str) -> str:
    """' In the year ending March 2025 there were 400 outcomes.', or nothing when there is no such figure."""
    if before is None or r is None:
        return ""
    return f" In the {before.label} there were {_count(r, noun)}."


def outcomes_sentence(fig: pd.DataFrame, period, before=None) -> str:
    """The year's outcomes in words (the rows of `period`), and the year `before`'s total if given."""
    from analysis.reports.summary.measures import COURT, OUT_OF_COURT

    then = _r(_in(fig, before), "outcomes", "all", TOTAL_GROUP) if before is not None else None
    fig = _in(fig, period)
    total, ooc, court = (_r(fig, "outcomes", "all", g) for g in (TOTAL_GROUP, OUT_OF_COURT, COURT))
    if total is None or total["suppressed"]:
        return f"The number of outcomes received in the {period.label} is withheld ({SYMBOL})." + _year_before(
            then, before, "outcomes"
        )
    if total["numerator"] == 0:
        return f"No child living in the area received an outcome in the {period.label}." + _year_before(
            then, before, "outcomes"
        )
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
    return text + "." + _year_before(then, before, "outcomes")


def offences_sentence(fig: pd.DataFrame, period, before=None) -> str:
    """The year's most common offence type in words (the rows of `period`), and the year `before`'s total if given."""
    from analysis.present.narrative import largest_group

    then = _r(_in(fig, before), "offences", "offence_type", TOTAL_GROUP) if before is not None else None
    fig = _in(fig, period)
    top = largest_group(fig, "offences")
    total = _r(fig, "offences", "offence_type", TOTAL_GROUP)
    if total is not None and not total["suppressed"] and total["numerator"] == 0:
        return (
            f"No offence of a child living in the area was dealt with by an outcome in the {period.label}."
            + _year_before(then, before, "offences")
        )
    if top is None or total is None or total["suppressed"]:
        return f"Offences by type in the {period.label}: withheld ({SYMBOL})." + _year_before(then, before, "offences")
    r = _r(fig, "offences", "offence_type", top)
    return (
        f"{top} was the most common type: {_count(r)} of {_count(total, 'offences')} dealt with in the "
        f"{period.label} ({100 * r['numerator'] / total['numerator']:.1f}%)." + _year_before(then, before, "offences")
    )


def characteristics_note(fig: pd.DataFrame) -> str:
    """The base of each period's shares (latest period first), and where the characteristics come from."""
    bases = [
        (p, _r(fig[fig["period"] == p], "ycc_or_above_children", "all", TOTAL_GROUP))
        for p in reversed(list(dict.fromkeys(fig["period"])))
    ]
    base = (
        f"{_count(bases[0][1], 'children')}"
        if len(bases) == 1
        else " and ".join(f"{_count(n, 'children')} in the {p}" for p, n in bases)
    )
    return (
        f"Base: {base}, each counted once. A child can have several of these, so the rows do not "
        "add up to the total. Concerns, NEET, child in need, child protection and exploitation come from the child's "
        "latest AssetPlus assessment up to the quarter end (blank answers count as no); special educational needs, "
        "plans and looked-after status from any record starting by then. " + CHANGE_NOTE
    )


def characteristics_sentence(fig: pd.DataFrame, period, before=None) -> str:
    """The year's most common need in words (the rows of `period`), and how many children the year `before` had."""
    from analysis.reports.summary.measures import NO_ASSESSMENT

    then = _r(_in(fig, before), "ycc_or_above_children", "all", TOTAL_GROUP) if before is not None else None
    was = (
        ""
        if then is None
        else f" In the {before.label}, {_count(then, 'children')} received a youth conditional caution or a court "
        "outcome."
    )
    fig = _in(fig, period)
    n = _r(fig, "ycc_or_above_children", "all", TOTAL_GROUP)
    rows = fig[(fig["measure"] == "ycc_or_above_characteristic") & (fig["group"] != NO_ASSESSMENT) & ~fig["suppressed"]]
    if n is not None and not n["suppressed"] and n["numerator"] == 0:
        return f"No child received a youth conditional caution or a court outcome in the {period.label}." + was
    if n is None or n["suppressed"] or rows.empty:
        return (
            f"The characteristics of children who received a youth conditional caution or a court outcome in the "
            f"{period.label} are withheld ({SYMBOL})." + was
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
    return text + was


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


# --- the tiles at the top of the page ------------------------------------------------------------------------------

TILES = (  # indicator, title, comparator measure (published), what the figure covers
    ("fte_rate", "First time entrants per 100,000 children aged 10 to 17", None),
    ("custody_rate", "Custody rate per 1,000 children aged 10 to 17", "published_custody_rate_per_1000"),
    ("remanded", "Children remanded", None),
    ("reoffending", "Binary reoffending rate", "published_binary_reoffending_rate"),
    ("frequency", "Reoffences per reoffender", "published_reoffences_per_reoffender"),
    ("caseload", "Children on the YJS caseload", None),
)
TILE_REASONS = {"caseload": "a count of every child supervised", "frequency": "reoffences cluster in a few children"}


def _covers(ind: Indicator, r: pd.Series | None, quarter: Quarter) -> str:
    if ind.window == "quarter":
        return f"during {quarter.label}"
    if ind.window == "12-month cohort":
        return f"12-month cohort, {r['period']}" if r is not None else "latest complete 12-month cohort"
    return f"{quarter.year_ending.label}"


def _mark(key: str, dirs: dict[str, Direction] | None) -> tuple[str, str]:
    d = (dirs or {}).get(key)
    if d is None:
        return "not tested", f"Not tested: {TILE_REASONS.get(key, 'no test was run')}."
    span = f"the last {d.trend.periods} {d.periods}"
    if not d.trend.tested:
        return "not tested", f"Too few {'children' if d.periods == 'quarterly cohorts' else 'events'} in {span}."
    if d.trend.direction == "none":
        return "no significant change", f"No rise or fall beyond chance across {span}."
    worse = d.trend.direction == "up"  # for every headline measure, lower is better
    verb = "Rising" if worse else "Falling"
    return ("concern" if worse else "improvement"), f"{verb} across {span}, more than chance would explain."


def _comparator(published: pd.DataFrame | None, comps: pd.DataFrame | None, measure: str | None) -> str:
    """'National: 33.6% (Jul 2019 to Jun 2020, published)', for the England and Wales figure (text from the
    comparator file, escaped where it is shown)."""
    if measure is None or published is None or comps is None or published.empty:
        return ""
    names = set(comps.loc[comps["area_type"] == "england_and_wales", "area_name"])
    rows = published[(published["measure"] == measure) & published["group"].isin(names)]
    if rows.empty:
        return ""
    r = rows.iloc[0]
    return f"{r['group']}: {formatting.figure(r['value'], r['kind'])} ({r['period']}, published; not the same method)"


def tiles(
    fig: pd.DataFrame,
    quarter: Quarter,
    dirs: dict[str, Direction] | None,
    published: pd.DataFrame | None = None,
    comps: pd.DataFrame | None = None,
) -> list[Tile]:
    """A tile per headline measure: the latest figure, its change on a year earlier, its direction mark, the last
    eight quarters and the published England and Wales figure where there is one."""
    out = []
    for key, title, measure in TILES:
        ind = BY_KEY[key]
        r = row(fig, ind, quarter)
        if r is None or not_covered(r) or (r is not None and pd.isna(r["value"]) and not r["suppressed"]):
            figure = "[x]"
        elif r["suppressed"]:
            figure = SYMBOL
        else:
            figure = amount(ind, r[ind.field]) if ind.display == "share" else bare(ind, r[ind.field])
        change = direction(
            ind, compare(r, row(fig, ind, quarter.same_quarter_last_year), ind.decimals, ind.field), "a year earlier"
        )
        change = change[0].upper() + change[1:] + "."
        mark, why = _mark(key, dirs)
        covers = _covers(ind, r, quarter)
        values = [value_of(row(fig, ind, q), ind.field) for q in quarter.history(TREND_QUARTERS)]
        alt = f"{title}, {covers}: {figure}. {change} {MARKS[mark][0]}: {why} Line of the last eight quarters."
        out.append(Tile(title, figure, covers, change, mark, why, alt, values, _comparator(published, comps, measure)))
    return out
