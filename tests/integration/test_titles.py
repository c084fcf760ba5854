"""Each title and one-line finding checked against the figures it summarises, as a board member would read it.

The figures are built as the notebooks build them (notebooks/20_exclusions.ipynb and
notebooks/10_disproportionality.ipynb), published through a real report (so what is withheld is what a public report
withholds), on the demo extract and on a generated extract ten times its size. Then, for each title:

* "Whatever their ..." or "In every ...": every group (or term, or period) it speaks of is shown and bears it out;
* "In the N groups that can be shown": N is the number shown, some are not, and every one shown bears it out;
* a ratio beside two shares ("7.2 times as likely ...: 38.7% against 5.4%") is what dividing the two printed shares
  gives, to the ratio's printed precision, unless the sentence names the measure (relative rate index, share ratio,
  or worked out from the unrounded percentages), and then the number is that measure's;
* "the most common", "enters at", "no group was clearly ...": hold over every group or stage, or say "shown".

The checks read the figures directly (formatting.figure is how the tables print them), not through the words
module's own helpers.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pytest

from analysis.demo import generate
from analysis.present import formatting, report
from analysis.present.ratio_words import MORE, reading
from analysis.reports.disproportionality import measures as dp
from analysis.reports.disproportionality import words
from analysis.reports.exclusions import measures as exclusions
from analysis.reports.exclusions import words as text
from analysis.safety.figures import TOTAL, first

from conftest import DEMO, QUARTER

# --- the figures, as the notebooks build them ------------------------------------------------------------------


@pytest.fixture(scope="module")
def ten_times(tmp_path_factory):
    """A generated extract ten times the size of the demo: generated once for the module."""
    folder = tmp_path_factory.mktemp("demo_x10")
    generate(folder, scale=10)
    return folder


@pytest.fixture(scope="module", params=["demo", "ten times the demo"])
def built(request, tmp_path_factory):
    data_dir = DEMO if request.param == "demo" else request.getfixturevalue("ten_times")
    work_dir = tmp_path_factory.mktemp("work")

    def open_report(name):
        return report.open_report(name, quarter=QUARTER, data_dir=str(data_dir), work_dir=str(work_dir), output_dir="")

    rep = open_report("20_exclusions")
    cohorts = exclusions.yearly_cohorts(
        rep.tables, rep.quarter, 6, 11, set_aside_links=exclusions.set_aside_link_children(rep.extract.quarantine_dir)
    )
    now = cohorts[0]
    ex = SimpleNamespace(
        cohorts=cohorts,
        now=now,
        match=rep.publish(exclusions.linkage_figures(now)),
        head=rep.publish(exclusions.headline(now), extend=exclusions.protect_ratios),
        years=rep.publish(exclusions.by_year(cohorts), extend=exclusions.protect_ratios),
        terms=rep.publish(exclusions.by_term(cohorts)),
        breakdowns={
            key: rep.publish(exclusions.by_characteristic(now, key), extend=exclusions.protect_ratios)
            for key in text.BREAKDOWN_NOUNS
        },
        looked_after=rep.publish(exclusions.by_looked_after(now, rep.tables)),
        reasons=rep.publish(exclusions.by_reason(now)),
        provision=rep.publish(exclusions.by_provision(now)),
        timing=rep.publish(exclusions.timing(now, rep.tables)),
    )
    rep = open_report("10_disproportionality")
    figs = dp.publish(rep, dp.build(rep.tables, rep.quarter))
    return SimpleNamespace(name=request.param, ex=ex, figs=figs, ctx=dp.context(rep.tables, rep.quarter))


# --- reading the figures -----------------------------------------------------------------------------------------


def is_shown(r) -> bool:
    return r is not None and not r["suppressed"] and not math.isnan(r["value"])


def printed(r) -> float:
    """A shown share as the tables print it, read back as a number."""
    return float(formatting.figure(r["value"], r["kind"]).rstrip("%").replace(",", ""))


def groups_of(fig) -> list[str]:
    return [g for g in dict.fromkeys(fig["group"]) if g != TOTAL]


def all_sentences(b) -> dict[str, str]:
    """Every title and sentence of the two reports that states a finding, by the function that wrote it."""
    ex, figs, ctx, year = b.ex, b.figs, b.ctx, b.ctx.year.label
    out = {
        "exclusions.overview_title": text.overview_title(ex.head),
        "exclusions.headline": text.headline(ex.head, ex.now),
        "exclusions.overview": " ".join(text.overview(ex.head, ex.match, ex.now)),
        "exclusions.matching": text.matching(ex.match, ex.now),
        "exclusions.years": text.years(ex.years, [c.label for c in reversed(ex.cohorts)]),
        "exclusions.terms_title": text.terms_title(ex.terms),
        "exclusions.terms": text.terms(ex.terms),
        "exclusions.looked_after": text.looked_after(ex.looked_after),
        "exclusions.reasons": " ".join(text.reasons(ex.reasons)),
        "exclusions.provision": text.provision(ex.provision),
        "exclusions.timing_title": text.timing_title(ex.timing),
        "exclusions.timing": text.timing(ex.timing, ""),
        "disproportionality.headline": words.headline(figs, ctx),
        "disproportionality.summary": words.summary(figs, ctx),
        "disproportionality.composition_title": words.composition_title(figs, "cautioned_or_sentenced", year),
        "disproportionality.composition_text": words.composition_text(figs, "cautioned_or_sentenced", year),
        "disproportionality.rri_chart_title": words.rri_chart_title(figs, ctx),
        "disproportionality.chain_title": words.chain_title(figs, ctx),
        "disproportionality.chain_text": words.chain_text(figs, ctx),
        "disproportionality.characteristics_title": words.characteristics_title(figs, ctx),
        "disproportionality.trend_text": words.trend_text(figs, ctx),
    }
    for key, noun in text.BREAKDOWN_NOUNS.items():
        out[f"exclusions.breakdown_title[{key}]"] = text.breakdown_title(ex.breakdowns[key], noun)
        out[f"exclusions.breakdown[{key}]"] = text.breakdown(ex.breakdowns[key], noun)
    return out


# --- "whatever their ...", "in the N groups that can be shown" ---------------------------------------------------

CLAIM = "children known to the YJS were more often suspended than pupils across the borough"
SOME_GROUPS = re.compile(rf"In the (one|\d+) groups? that can be shown(?: \((?P<names>.*)\))?, {CLAIM}")


def _names(listed: str) -> list[str]:
    return re.split(r", | and ", listed)


@pytest.mark.parametrize("key", list(text.BREAKDOWN_NOUNS))
def test_a_breakdown_title_claims_only_what_every_group_it_speaks_of_bears_out(built, key):
    fig, noun = built.ex.breakdowns[key], text.BREAKDOWN_NOUNS[key]
    title = text.breakdown_title(fig, noun)
    groups = groups_of(fig)
    pairs = {
        g: (
            first(fig, measure="yjs_one_plus_suspension_rate", group=g),
            first(fig, measure="borough_one_plus_suspension_rate", group=g),
        )
        for g in groups
    }
    shown = [g for g, (y, b) in pairs.items() if is_shown(y) and is_shown(b)]
    higher = [
        g for g in shown if pairs[g][0]["value"] > pairs[g][1]["value"] and printed(pairs[g][0]) > printed(pairs[g][1])
    ]
    some = SOME_GROUPS.fullmatch(title)
    if title.startswith("Whatever their"):
        assert title == f"Whatever their {noun}, {CLAIM}"
        assert shown == groups and higher == shown, (title, groups, shown, higher)
    elif some:
        n = 1 if some[1] == "one" else int(some[1])
        assert n == len(shown) and 0 < n < len(groups), (title, groups, shown)
        assert higher == shown, (title, shown, higher)
        if some["names"]:
            assert len(_names(some["names"])) == n
    else:
        assert title == f"Share suspended at least once by {noun}"
        assert not shown or higher != shown, f"{title!r}: a claim could have been made for {shown}"
    if shown != groups:
        for word in ("every", "whatever", "all ", "each"):
            assert word not in title.lower(), title


# --- "In every term since ..." -------------------------------------------------------------------------------------

EVERY_TERM = re.compile(
    r"In every term since (?P<first>\w+ \d{4})(?: that can be shown \((?P<which>[^)]*)\))?, children known to the YJS "
    r"were (?:at least (?P<least>\d+) times as likely to be suspended as|more likely to be suspended than) pupils "
    r"across the borough"
)
ONE_TERM = re.compile(
    r"In the one term of (?P<of>\d+) that can be shown \((?P<term>\w+ \d{4})\), children known to the YJS were "
    r"(?:at least (?P<least>\d+) times as likely to be suspended as|more likely to be suspended than) pupils "
    r"across the borough"
)
SOME_TERMS = re.compile(
    r"Children known to the YJS were more often suspended than pupils across the borough in (?P<more>\d+) of the "
    r"(?P<of>\d+) terms(?P<qualified> that can be shown)?"
)


def _term(label: str) -> str:
    name = label.replace(" term", "").split(" (")[0]
    return name[0].lower() + name[1:]


def test_the_terms_title_holds_in_every_term_it_speaks_of(built):
    fig = built.ex.terms
    title = text.terms_title(fig)
    ys = fig[(fig["measure"] == "yjs_term_one_plus_suspension_rate") & (fig["group"] != TOTAL)]
    terms = []
    for _, y in ys.iterrows():
        b = first(fig, measure="borough_term_one_plus_suspension_rate", group=y["group"], period=y["period"])
        terms.append((_term(y["group"]), y, b))
    shown = [(t, y, b) for t, y, b in terms if is_shown(y) and is_shown(b) and printed(b) > 0]
    missing = [t for t, y, b in terms if all(t != s[0] for s in shown)]

    def bears_out(least):
        for t, y, b in shown:
            assert y["value"] > b["value"] and printed(y) > printed(b), (title, t)
            if least:
                assert y["value"] / b["value"] >= int(least), (title, t)
                assert printed(y) / printed(b) >= int(least), (title, t)  # as the reader can check it too

    if m := EVERY_TERM.fullmatch(title):
        assert m["first"] == terms[0][0]
        if m["which"] is None:
            assert not missing, (title, missing)
        elif m["which"].startswith("all but "):
            assert _names(m["which"].removeprefix("all but ")) == missing
        else:
            assert m["which"] == f"{len(shown)} of {len(terms)}" and missing
        assert len(shown) > 1
        bears_out(m["least"])
    elif m := ONE_TERM.fullmatch(title):
        assert int(m["of"]) == len(terms) and [t for t, _, _ in shown] == [m["term"]] and missing
        bears_out(m["least"])
    elif m := SOME_TERMS.fullmatch(title):
        assert int(m["of"]) == len(shown) and bool(m["qualified"]) == bool(missing)
        assert int(m["more"]) == sum(y["value"] > b["value"] and printed(y) > printed(b) for _, y, b in shown)
        assert int(m["more"]) < len(shown)
    else:
        assert title == "Share of children suspended at least once in each term" and not shown


# --- a ratio beside two shares -------------------------------------------------------------------------------------

NAMED = ("relative rate index", "share ratio", "unrounded")
AGAINST = re.compile(r"(\d[\d,]*\.\d+)%[^%]*? against (\d[\d,]*\.\d+)%")
TIMES = re.compile(r"(\d[\d,]*\.\d+) times")


def test_a_ratio_beside_two_shares_is_their_ratio_or_is_named(built):
    for name, said in all_sentences(built).items():
        for sentence in re.split(r"(?<=[.?!])\s+(?=[A-Z])|\n", said):
            pair, ratios = AGAINST.search(sentence), TIMES.findall(sentence)
            if not (pair and ratios) or any(measure in sentence for measure in NAMED):
                continue
            a, b = (float(x.replace(",", "")) for x in pair.groups())
            for ratio in ratios:
                decimals = len(ratio.partition(".")[2])
                assert b > 0 and f"{a / b:,.{decimals}f}" == ratio, (
                    f"{name}: {ratio} beside {a}% and {b}% ({a / b:.2f}): {sentence}"
                )


def test_the_exclusions_headline_ratio_is_the_ratio_of_its_shares(built):
    head = built.ex.head
    headline = text.headline(head, built.ex.now)
    ratio = first(head, measure="ratio_one_plus_suspension_rate", group=TOTAL)
    if m := re.search(r"were (\d[\d,]*\.\d) times as likely", headline):
        assert m[1] == f"{ratio['value']:,.1f}"
        y = first(head, measure="yjs_one_plus_suspension_rate", group=TOTAL)
        b = first(head, measure="borough_one_plus_suspension_rate", group=TOTAL)
        assert ratio["value"] == pytest.approx(y["value"] / b["value"])  # the same measure, unrounded
        assert f"{printed(y) / printed(b):,.1f}" == m[1] or "(worked out from the unrounded percentages)" in headline


def test_the_disproportionality_headline_names_the_relative_rate_index(built):
    figs, ctx = built.figs, built.ctx
    period = ctx.year.label
    headline = words.headline(figs, ctx)
    rri = dp.row(figs, "cautioned_or_sentenced_rri_vs_white", "ethnic_minority", dp.ETHNIC_MINORITY, period)
    share = dp.row(figs, "cautioned_or_sentenced_children", "ethnic_minority", dp.ETHNIC_MINORITY, period)
    pop = dp.row(figs, "population_share", "ethnic_minority", dp.ETHNIC_MINORITY)
    assert is_shown(rri) and is_shown(share) and is_shown(pop)  # both extracts have a finding to state
    first_sentence, _, rest = headline.partition(". ")
    assert first_sentence == (
        f"Children from ethnic minority groups were {formatting.figure(share['value'], 'share')} of children "
        f"cautioned or sentenced in the {period}, against {formatting.figure(pop['value'], 'share')} of 10 to 17 "
        "year olds"
    )
    assert "times" not in first_sentence
    m = re.fullmatch(
        r"Measured against White children, they were (\d[\d,]*\.\d+) times as likely to be cautioned or sentenced "
        r"\(relative rate index; (.*)\)\.",
        rest,
    )
    assert m, rest
    assert m[1] == words.ratio_number(rri["value"]) and m[2] == reading(rri)


# --- "the most common", "most", "about N times" ----------------------------------------------------------------------


def test_the_exclusions_overview_title_matches_its_interval(built):
    title = text.overview_title(built.ex.head)
    r = first(built.ex.head, measure="ratio_one_plus_suspension_rate", group=TOTAL)
    if m := re.fullmatch(r"Children known to the YJS were about (\d+) times as likely to be suspended as .*", title):
        assert r["lower"] > 1 and r["value"] >= 2 and int(m[1]) == round(r["value"])
    elif "more likely" in title:
        assert r["lower"] > 1
    elif "less likely" in title:
        assert r["upper"] < 1


def _surely_largest(fig, measure, group) -> bool:
    """`group` is the largest, whatever the withheld groups hold (from the total and the groups shown)."""
    rows = fig[(fig["measure"] == measure) & (fig["group"] != TOTAL)]
    hidden = rows["suppressed"] | rows["numerator"].isna()
    top = rows.loc[rows["group"] == group, "numerator"].iloc[0]
    assert top == rows.loc[~hidden, "numerator"].max()
    total = first(fig, measure=measure, group=TOTAL)
    return not hidden.any() or (is_shown(total) and total["numerator"] - rows.loc[~hidden, "numerator"].sum() < top)


def test_the_most_common_reason_is_the_most_common_or_says_shown(built):
    fig = built.ex.reasons
    title, _ = text.reasons(fig)
    m = re.fullmatch(
        r"(?P<reason>.+) was the most common reason(?P<shown> shown)? for (suspension|suspending).*", title
    )
    if not m:
        assert title == "Suspensions by main reason"
        return
    surely = _surely_largest(fig, "yjs_suspensions_by_reason", m["reason"])
    assert surely or m["shown"], title
    if title.endswith("as for all pupils"):
        assert surely and _surely_largest(fig, "borough_suspensions_by_reason", m["reason"])


def test_most_children_were_first_suspended_when_the_title_says(built):
    fig = built.ex.timing
    title = text.timing_title(fig)
    if m := re.fullmatch(r"Most (.+) (before|on or after) their first youth justice involvement", title):
        measure = "timing_children_first_suspended" if m[1].startswith("suspended children") else "timing_suspensions"
        before = first(fig, measure=measure, group=exclusions.BEFORE)
        after = first(fig, measure=measure, group=exclusions.AFTER)
        assert is_shown(before) and is_shown(after)
        assert (before["value"] > after["value"]) == (m[2] == "before")


# --- disproportionality: groups, stages and periods ---------------------------------------------------------------


def _unknown(r) -> bool:
    return r is None or bool(r["suppressed"]) or math.isnan(r["value"])


def test_the_composition_title_holds_for_every_group_it_speaks_of(built):
    figs, period = built.figs, built.ctx.year.label
    title = words.composition_title(figs, "cautioned_or_sentenced", period)
    ratios = {
        g: dp.row(figs, "cautioned_or_sentenced_disproportionality_ratio", "ethnic_group", g, period)
        for g in words.MINORITY_GROUPS
    }
    clear = [g for g, r in ratios.items() if reading(r) == MORE]
    if "made up a larger share" in title:
        named = title.split(" made up a larger share")[0]
        phrases = [words.group_phrase(g) for g in clear]
        listed = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
        assert named == words.capital(listed)
    elif title.startswith("No ethnic group was clearly"):
        assert not clear
        counts = [dp.row(figs, "cautioned_or_sentenced_children", "ethnic_group", g, period) for g in ratios]
        assert not any(r is None or r["suppressed"] for r in counts), title
    else:
        assert not clear and ("that can be shown" in title or "can be shown to compare" in title)


def _largest_clear(figs, ctx, items, against):
    found = []
    for cohort in dp.COHORTS:
        period = ctx.quarter_period.label if cohort == "caseload" else ctx.year.label
        for bd, g in items:
            r = dp.row(figs, f"{cohort}_rri_vs_{against}", bd, g, period)
            if reading(r) == MORE:
                found.append((r, cohort))
            elif _unknown(r):
                found.append((None, cohort))
    return found


@pytest.mark.parametrize(
    "title_of, items, against",
    [
        (words.rri_chart_title, [("ethnic_group", g) for g in words.MINORITY_GROUPS], "white"),
        (words.characteristics_title, words.CHARACTERISTIC_ITEMS, "others"),
    ],
)
def test_an_rri_chart_title_is_the_largest_clear_difference_or_says_none_shown(built, title_of, items, against):
    title = title_of(built.figs, built.ctx)
    found = _largest_clear(built.figs, built.ctx, items, against)
    clear = [(r, c) for r, c in found if r is not None]
    unknown = [c for r, c in found if r is None]
    if title.startswith("No "):
        assert not clear
        assert ("that can be shown" in title) == bool(unknown), (title, unknown)
        return
    r, cohort = max(clear, key=lambda x: x[0]["value"])
    assert f" were {words.ratio_words(r['value'])} " in title and title.endswith(words.VERBS[cohort]), title
    assert title.startswith(words.capital(words.group_phrase(r["group"])))


def test_a_disparity_enters_at_a_stage_only_when_every_earlier_stage_is_shown(built):
    figs, ctx = built.figs, built.ctx
    title = words.chain_title(figs, ctx)
    rows = words.stage_rows(figs, "ethnic_minority", dp.ETHNIC_MINORITY, ctx.year.label)
    if " enters " in title:
        stage = next(i for i, r in enumerate(rows) if reading(r) == MORE)
        assert words.STAGE_PLACES[dp.STAGES[stage]] in title
        assert not any(_unknown(r) for r in rows[:stage]), title
    elif title.startswith("No decision point"):
        assert not any(reading(r) == MORE for r in rows)
        assert ("that can be shown" in title) == any(_unknown(r) for r in rows)


def test_the_trend_text_says_every_period_only_when_every_period_bears_it_out(built):
    figs, ctx = built.figs, built.ctx
    said = words.trend_text(figs, ctx)
    rows = [
        dp.row(figs, "cautioned_or_sentenced_rri_vs_white", "ethnic_minority", dp.ETHNIC_MINORITY, p)
        for p in ctx.trend_periods
    ]
    shown = [r for r in rows if not _unknown(r) and not math.isnan(r["lower"])]
    clear = [r for r in shown if reading(r) == MORE]
    if "In every period shown" in said:
        assert len(shown) == len(rows) and len(clear) == len(shown)
    elif m := re.search(r"In every period that can be shown \((\d+) of the (\d+)\)", said):
        assert (int(m[1]), int(m[2])) == (len(shown), len(rows)) and len(clear) == len(shown) < len(rows)
    elif m := re.search(r"unlikely to be chance in (\d+) of the (\d+) periods shown", said):
        assert (int(m[1]), int(m[2])) == (len(clear), len(shown))
        assert ("cannot be shown" in said) == (len(shown) < len(rows))
