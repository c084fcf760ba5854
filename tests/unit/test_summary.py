"""The quarterly summary: tables that must add up, the custody rate, direction of travel in words, comparators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import codes, extract
from analysis.data.quarters import Quarter
from analysis.measures import comparators, custody
from analysis.present import formatting
from analysis.reports.summary import measures as summary
from analysis.reports.summary import words
from analysis.safety import figures, suppression
from analysis.stats import intervals
from analysis.stats.trend import Trend

from conftest import BASE, REPO, write_extract

Q = Quarter.parse("2025-26 Q4")
YEAR = Q.year_ending


# --- tables must add up (docs/methodology.md, published figures 1.2, I-2, I-3, P-4) -----------------------------------

OFFENCES_2021_22 = {  # the 2022-23 plan's table, printed total 612
    "Arson": 2,
    "Breach of bail": 2,
    "Breach of statutory order": 5,
    "Criminal damage": 95,
    "Drugs": 40,
    "Fraud and forgery": 1,
    "Motoring offences": 34,
    "Non domestic burglary": 6,
    "Other": 34,
    "Public order": 38,
    "Racially aggravated": 7,
    "Robbery": 3,
    "Sexual offences": 108,
    "Theft and handling of stolen goods": 34,
    "Vehicle theft/unauthorised taking": 4,
    "Violence against the person": 198,
}
OUT_OF_COURT_2021_22 = {  # printed total 452
    "Community resolution (other agency facilitated)": 16,
    "Community resolution (police facilitated)": 113,
    "Community resolution with YOT intervention": 129,
    "Outcome 21": 87,
    "Outcome 22": 67,
    "Youth caution": 11,
    "Youth conditional caution": 18,
}
COURT_2021_22 = {
    "Compensation order": 1,
    "Conditional discharge": 6,
    "Disqualified from driving": 2,
    "Fine": 4,
    "Referral order": 23,
    "Youth rehabilitation order with ISS": 1,
}  # printed total 37


def test_published_offences_table_does_not_add_up_and_is_caught():
    with pytest.raises(
        summary.TableTotalError, match=r"Table 'offences by type 2021/22'.*add up to 611 but its total is 612"
    ):
        summary.check_adds_up("offences by type 2021/22", OFFENCES_2021_22, 612)


def test_published_out_of_court_table_does_not_add_up_and_is_caught():
    with pytest.raises(summary.TableTotalError, match=r"out of court disposals 2021/22.*441.*452.*\+11"):
        summary.check_adds_up("out of court disposals 2021/22", OUT_OF_COURT_2021_22, 452)


def test_published_tables_that_do_add_up_pass():
    summary.check_adds_up("court disposals 2021/22", COURT_2021_22, 37)
    summary.check_adds_up("all disposals 2021/22", [452, 37], 489)  # P-4
    summary.check_adds_up("offences, corrected", OFFENCES_2021_22, 611)


def test_overlapping_rows_may_not_exceed_their_total():
    summary.check_within("characteristics", {"Substance misuse": 17, "Speech and language": 20}, 42)
    with pytest.raises(summary.TableTotalError, match="'characteristics'.*Speech and language \\(43\\)"):
        summary.check_within("characteristics", {"Substance misuse": 17, "Speech and language": 43}, 42)


# --- the custody rate (published figures 1.4, P-11; docs/methodology.md, worked example 3) ----------------------------


def test_custody_rate_reproduces_the_2019_plan():
    r = custody.rate(3, 25_000, YEAR)
    assert round(r["value"], 2) == 0.12 and r["unit"] == "per 1,000 children aged 10 to 17"
    lower, upper = intervals.poisson_count(3)  # exact below 10
    assert r["lower"] == pytest.approx(lower / 25) and r["upper"] == pytest.approx(upper / 25)
    assert round(3 / 24_260 * 1_000, 2) == 0.12  # P-11: the FTE-implied population gives the same rate


def test_custody_rate_small_count_example():
    r = custody.rate(4, 25_000, YEAR)
    assert r["value"] == pytest.approx(0.16)
    assert (round(r["lower"], 3), round(r["upper"], 3)) == (0.044, 0.410)


def _offence(oid, child, date, category="ROBBERY"):
    return {
        "offence_id": oid,
        "child_id": child,
        "offence_date": date,
        "offence_category": category,
        "seriousness_score": "6",
    }


def _outcome(xid, oid, child, date, code, residence="LOCAL"):
    return {
        "outcome_id": xid,
        "offence_id": oid,
        "child_id": child,
        "outcome_date": date,
        "legal_outcome": code,
        "residence": residence,
    }


@pytest.fixture
def tables(tmp_path):
    """A tiny extract with custody, remands, assessments and outcomes of every kind in 2022-23 (extract April 2023)."""
    children = BASE["children"] + [
        {"child_id": "C4", "date_of_birth": "2007-03-01", "sex": "1", "ethnicity": "WBRI"},
        {"child_id": "C5", "date_of_birth": "2004-01-01", "sex": "1", "ethnicity": "WBRI"},  # 18 by the offence
    ]
    offences = BASE["offences"] + [
        _offence("O3", "C3", "2022-05-01"),
        _offence("O4", "C3", "2022-05-01", "DRUGS"),
        _offence("O5", "C4", "2022-07-01"),
        _offence("O6", "C4", "2021-01-10"),
        _offence("O7", "C5", "2022-06-01"),
        _offence("O8", "C1", "2022-10-01", "CRIMINAL_DAMAGE"),
    ]
    outcomes = BASE["outcomes"] + [
        # C3: two custodial outcomes on one day are one sentence
        _outcome("X3", "O3", "C3", "2022-08-01", "DETENTION_AND_TRAINING_ORDER"),
        _outcome("X4", "O4", "C3", "2022-08-01", "SECTION_250"),
        _outcome("X5", "O5", "C4", "2022-09-01", "DETENTION_AND_TRAINING_ORDER", "OTHER"),  # lives elsewhere
        _outcome("X6", "O6", "C4", "2021-03-01", "DETENTION_AND_TRAINING_ORDER"),  # before the year
        _outcome("X7", "O7", "C5", "2022-09-15", "DETENTION_AND_TRAINING_ORDER"),  # 18 at the offence
        _outcome("X8", "O8", "C1", "2022-11-01", "COMMUNITY_RESOLUTION_POLICE_FACILITATED"),
    ]
    remands = [
        {
            "remand_id": "R1",
            "child_id": "C3",
            "start_date": "2022-05-03",
            "end_date": "2022-08-01",
            "remand_type": "REMAND_IN_CUSTODY",
        },
        {
            "remand_id": "R2",
            "child_id": "C3",
            "start_date": "2022-06-01",
            "end_date": "2022-07-01",
            "remand_type": "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION",
        },
        {
            "remand_id": "R3",
            "child_id": "C2",
            "start_date": "2022-02-01",
            "end_date": "2022-03-01",
            "remand_type": "REMAND_IN_CUSTODY",
        },
        {
            "remand_id": "R4",
            "child_id": "C1",
            "start_date": "2022-12-01",
            "end_date": "",
            "remand_type": "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION_AND_TAG",
        },
    ]
    flags = dict.fromkeys(codes.ASSESSMENT_FLAGS, "N")
    assessments = [
        {
            "assessment_id": "A1",
            "child_id": "C1",
            "assessment_date": "2022-08-20",
            **flags,
            "concerns_substance_misuse": "Y",
        },
        {
            "assessment_id": "A2",
            "child_id": "C1",
            "assessment_date": "2023-01-20",
            **flags,
            "concerns_mental_health": "Y",
            "neet": "",
        },  # the latest: mental health, not substance misuse; NEET not recorded
        {
            "assessment_id": "A3",
            "child_id": "C3",
            "assessment_date": "2022-07-15",
            **flags,
            "children_in_need": "Y",
            "child_protection_plan": "Y",
        },
        {"assessment_id": "A4", "child_id": "C3", "assessment_date": "2023-04-10", **flags},  # after the year: ignored
    ]
    send = [
        {
            "send_id": "S1",
            "child_id": "C1",
            "start_date": "2019-01-01",
            "end_date": "2020-01-01",
            "send_status": "EHCP",
        },
        {"send_id": "S2", "child_id": "C3", "start_date": "2021-01-01", "end_date": "", "send_status": "SEN_SUPPORT"},
    ]
    care = [
        {
            "care_episode_id": "L1",
            "child_id": "C3",
            "start_date": "2020-01-01",
            "end_date": "2020-06-01",
            "placed_by_other_authority": "N",
        }
    ]
    folder = write_extract(
        tmp_path / "x",
        children=children,
        offences=offences,
        outcomes=outcomes,
        remands=remands,
        assessments=assessments,
        send=send,
        care_episodes=care,
    )
    return extract.load(folder, tmp_path / "work").tables


FY22 = Quarter.parse("2022-23 Q4").year_ending


def test_custodial_sentences_counted_once_per_day_for_local_children_aged_10_to_17(tables):
    sentences = custody.sentences(tables)
    assert custody.count_in(sentences["outcome_date"], FY22) == 1  # C3 only
    fig = custody.rates(tables, [FY22], 25_000)
    assert fig.loc[0, "numerator"] == 1 and fig.loc[0, "value"] == pytest.approx(0.04)


def test_remands_count_children_whose_remand_started_in_the_period(tables):
    assert custody.remanded(tables, FY22) == (2, 1)  # C3 twice (once in custody), C1; C2's remand was before


def test_financial_years():
    years = custody.financial_years(Q, 5)
    assert [y.label for y in years][0] == "financial year 2021-22" and years[-1].end == Q.end
    assert custody.financial_years(Quarter.parse("2025-26 Q3"), 1)[0].label == "financial year 2024-25"


def test_outcomes_table_has_out_of_court_and_court_subtotals(tables):
    fig = summary.outcomes_by_type(tables, FY22)
    get = lambda b, g: fig[(fig["breakdown"] == b) & (fig["group"] == g)]["numerator"].iloc[0]
    assert (
        get("out_of_court", "Youth caution") == 1
        and get("out_of_court", "Community resolution (police facilitated)") == 1
    )
    assert get("out_of_court", "All") == 2
    assert (
        get("court", "Referral order") == 1 and get("court", "Detention and training order") == 2
    )  # C3, C5 (X5 is OTHER)
    assert get("court", "Section 250 detention (formerly section 91)") == 1 and get("court", "All") == 4
    assert get("all", "All") == 6 and get("all", summary.OUT_OF_COURT) == 2
    assert "Youth conditional caution" not in set(fig["group"])  # none in the year: left out


def test_a_withheld_subtotal_is_protected_in_both_tables():
    rows = [
        figures.count("outcomes", n, breakdown=b, group=g, period="p", unit="outcomes")
        for b, g, n in (
            ("out_of_court", "A", 3),
            ("out_of_court", "All", 3),  # a tiny out-of-court subtotal
            ("court", "C", 20),
            ("court", "D", 30),
            ("court", "All", 50),
            ("all", summary.OUT_OF_COURT, 3),
            ("all", summary.COURT, 50),
            ("all", "All", 53),
        )
    ]
    fig = figures.frame(rows).assign(report="90_summary")
    standard = suppression.apply(fig)
    hidden = lambda out: set(fig.loc[out["suppressed"], ["breakdown", "group"]].itertuples(index=False, name=None))
    # the tables' own totals alone: the all-outcomes table withholds its court subtotal, but 50 is shown in the
    # court table, so 53 - 50 gives the 3 away
    assert ("all", summary.COURT) in hidden(standard) and ("court", "All") not in hidden(standard)
    out = suppression.apply(fig, relations=summary.subtotal_relations(fig))
    assert hidden(out) == {
        ("out_of_court", "A"),
        ("out_of_court", "All"),
        ("all", summary.OUT_OF_COURT),
        ("all", "All"),
    }


def test_offences_table_counts_each_offence_once_in_the_year_of_its_first_outcome(tables):
    fig = summary.offences_by_type(tables, FY22).set_index("group")["numerator"]
    # O1 robbery, O2 drugs, O3 robbery, O4 drugs, O7 robbery (C5 local), O8 criminal damage; O5 lives elsewhere, O6
    # earlier
    assert fig.to_dict() == {"Robbery": 3, "Drugs": 2, "Criminal damage": 1, "All": 6}


def test_characteristics_of_children_on_a_ycc_or_above(tables):
    fig = summary.characteristics(tables, FY22)
    n = fig[fig["measure"] == "ycc_or_above_children"]["numerator"].iloc[0]
    assert n == 3  # C1 (referral order), C3 (custody), C5 (custody); C2 had a youth caution only
    got = fig[fig["measure"] == "ycc_or_above_characteristic"].set_index("group")["numerator"]
    assert got["Mental health concerns"] == 1 and got["Substance misuse concerns"] == 0  # C1's latest assessment
    assert got["Child in need (now or before)"] == 1 and got["Child protection plan (now or before)"] == 1
    assert got["Not in education, employment or training (NEET)"] == 0  # blank counts as no
    assert got["Special educational needs, SEN support or EHCP (now or before)"] == 2
    assert got["Education, health and care plan (now or before)"] == 1 and got["Looked after (now or before)"] == 1
    assert got[summary.NO_ASSESSMENT] == 1  # C5
    shares = fig[fig["measure"] == "ycc_or_above_characteristic"]
    assert (shares["denominator"] == 3).all() and shares["value"].iloc[1] == pytest.approx(100 / 3)


def test_characteristics_of_two_years_are_each_year_as_on_its_own(tables):
    before = Quarter.parse("2021-22 Q4").year_ending
    fig = summary.characteristics(tables, [before, FY22])
    assert list(dict.fromkeys(fig["period"])) == [before.label, FY22.label]
    for period in (before, FY22):
        alone = summary.characteristics(tables, period)
        assert fig[fig["period"] == period.label].reset_index(drop=True).equals(alone)


# --- direction of travel and its words, from hand-built figures --------------------------------------------


def _rate_row(quarter: Quarter, n: int, pop: int = 25_000, measure="first_time_entrants_rate", per=100_000):
    value, lower, upper = intervals.rate(n, pop, per=per)
    return {
        "measure": measure,
        "breakdown": summary.BREAKDOWN,
        "group": quarter.label,
        "period": quarter.year_ending.label,
        "kind": "rate",
        "numerator": n,
        "denominator": pop,
        "value": value,
        "lower": lower,
        "upper": upper,
        "unit": "u",
    }


def _headlines(now: int, previous: int, year_earlier: int, **extra) -> pd.DataFrame:
    rows = [_rate_row(Q, now), _rate_row(Q.previous, previous), _rate_row(Q.same_quarter_last_year, year_earlier)]
    for key, (a, b, c) in extra.items():
        ind = summary.BY_KEY[key]
        for q, n in zip((Q, Q.previous, Q.same_quarter_last_year), (a, b, c)):
            lower, upper = intervals.poisson_count(n)
            rows.append(
                {
                    "measure": ind.measure,
                    "breakdown": summary.BREAKDOWN,
                    "group": q.label,
                    "period": q.year_ending.label,
                    "kind": "count",
                    "numerator": n,
                    "value": n,
                    "lower": lower,
                    "upper": upper,
                    "unit": "children",
                }
            )
    fig = figures.frame(rows).assign(report="90_summary")
    return suppression.apply(fig)


def test_compare_reads_direction_and_size():
    fig = _headlines(47, 42, 20)
    ind = summary.BY_KEY["fte_rate"]
    year = summary.compare(summary.row(fig, ind, Q), summary.row(fig, ind, Q.same_quarter_last_year))
    assert year.direction == "up" and year.relative == pytest.approx(47 / 20 - 1)
    down = summary.compare(summary.row(fig, ind, Q.previous), summary.row(fig, ind, Q))
    assert down.direction == "down"


def test_withheld_figures_are_not_compared():
    fig = _headlines(47, 3, 47)  # the previous quarter rests on 3 children: withheld
    ind = summary.BY_KEY["fte_rate"]
    c = summary.compare(summary.row(fig, ind, Q), summary.row(fig, ind, Q.previous))
    assert not c.shown
    assert c.withheld
    assert words.direction(ind, c, "in the previous quarter") == (
        "not comparable with the figure in the previous quarter, because one of the two is withheld ([c])"
    )
    gap = summary.compare(summary.row(fig, ind, Q), None)
    assert not gap.shown and not gap.withheld
    assert words.direction(ind, gap, "a year earlier") == (
        "not comparable with the figure a year earlier, which the extract does not cover"
    )
    same = summary.compare(summary.row(fig, ind, Q), summary.row(fig, ind, Q.same_quarter_last_year))
    assert (
        same.direction == "unchanged" and words.direction(ind, same, "a year earlier") == "the same as a year earlier"
    )


def test_direction_wording_states_the_change_and_leaves_chance_to_the_trend_test():
    fig = _headlines(47, 42, 20)
    ind = summary.BY_KEY["fte_rate"]
    now = summary.row(fig, ind, Q)
    year = summary.compare(now, summary.row(fig, ind, Q.same_quarter_last_year))
    prev = summary.compare(now, summary.row(fig, ind, Q.previous))
    assert words.direction(ind, year, "a year earlier") == "up from 80.0 a year earlier"
    text = words.directions(ind, (year, "a year earlier"), (prev, "a quarter earlier"))
    assert text == "up from 80.0 a year earlier and from 168.0 a quarter earlier"


def _direction(key, direction, p_value, periods="quarters", first="2023-24 Q1", last="2025-26 Q4", n=12, tested=True):
    z = {"up": 2.5, "down": -2.5, "none": 0.3}[direction]
    method = "Cochran–Armitage test for trend" if periods != "quarters" else "score test for trend in Poisson counts"
    return summary.Direction(key, Trend(z, p_value, n, method, direction, tested), periods, first, last)


def test_headline_names_a_rise_the_trend_test_finds_and_how_long_it_has_lasted():
    # only the quarter, the one before and a year earlier are known: no run of rises to name
    fig = _headlines(47, 42, 20)
    dirs = {"fte_rate": _direction("fte_rate", "up", 0.01), "custody_rate": _direction("custody_rate", "none", 0.6)}
    text = words.headline(fig, Q, dirs)
    assert text.startswith("The first time entrant rate was 188.0 per 100,000 children aged 10 to 17 in the year ")
    assert text.endswith(
        "across the 12 quarters from 2023-24 Q1 to 2025-26 Q4, the rise is larger than chance would explain "
        "(test for trend in Poisson counts)."
    )


def test_headline_when_nothing_rose_or_fell_beyond_chance():
    fig = _headlines(47, 42, 41, remanded=(10, 10, 7))
    dirs = {"fte_rate": _direction("fte_rate", "none", 0.4), "reoffending": _direction("reoffending", "none", 0.3)}
    assert words.headline(fig, Q, dirs) == (
        "47 children entered the youth justice system for the first time in the year ending March 2026 (188.0 per "
        "100,000 children aged 10 to 17), against 41 a year earlier; no headline measure rose or fell across the last "
        "12 quarters by more than chance would explain."
    )
    untested = {"fte_rate": _direction("fte_rate", "none", 1.0, tested=False)}
    assert words.headline(fig, Q, untested).endswith(
        "the extract holds too few quarters or events to test whether a headline measure is rising or falling."
    )


def test_a_run_of_rises_is_named_from_the_published_figures():
    rows = [_rate_row(q, n) for q, n in zip(Q.history(8), (30, 29, 31, 33, 36, 40, 44, 47))]
    fig = suppression.apply(figures.frame(rows).assign(report="90_summary"))
    dirs = {"fte_rate": _direction("fte_rate", "up", 0.01)}
    assert words.headline(fig, Q, dirs).startswith(
        "The first time entrant rate has risen in each of the last six quarters, to 188.0 per 100,000 children aged "
        "10 to 17 in the year ending March 2026, from 116.0 six quarters earlier; across the 12 quarters"
    )


def test_a_bullet_names_the_test_and_the_periods_it_used():
    dirs = {"reoffending": _direction("reoffending", "up", 0.04, "quarterly cohorts", "Oct 2021", "Sep 2024")}
    assert words.trend_sentence("reoffending", dirs) == (
        "Across the 12 quarterly cohorts from Oct 2021 to Sep 2024, the share who reoffended rose by more than chance "
        "would explain (Cochran–Armitage test for trend in a share): a signal to look into."
    )
    assert words.trend_sentence("caseload", dirs) == (
        "Whether it is rising or falling is not tested, as every child supervised is counted, and most stay on from "
        "one quarter to the next."
    )
    assert words.trend_sentence("reoffending", None) == ""


def test_largest_movements_first_and_withheld_left_out():
    fig = _headlines(47, 42, 41, remanded=(10, 5, 7), caseload=(150, 150, 140), remanded_custody=(2, 0, 0))
    items = summary.movements(summary.comparisons(fig, Q, Q.previous))
    assert [i.key for i, _ in items] == ["remanded", "fte_rate", "caseload"]  # +100%, +12%, unchanged; custody withheld
    text = words.changes(fig, None, Q)
    assert "- Children remanded: up from 5 to 10 children (a rise of 100%)." in text
    assert "- Children on the caseload: unchanged at 150 children." in text
    assert "remanded to custody" not in text


def test_headline_table_lays_out_latest_previous_and_year_earlier():
    fig = _headlines(47, 42, 41)
    shown = summary.headline_table(fig, Q)
    count = shown[shown["group"] == summary.BY_KEY["fte"].label].set_index("measure")
    assert count.loc["latest", "value"] == 47 and count.loc["year_earlier", "value"] == 41
    lower, upper = intervals.poisson_count(47)
    assert count.loc["latest", "lower"] == pytest.approx(lower) and count.loc["latest", "upper"] == pytest.approx(upper)


def test_reoffending_cohorts_step_back_a_quarter_at_a_time():
    from datetime import date

    pairs = summary.reoffending_cohorts(Q, date(2026, 4, 20), 5)
    assert [q.label for q, _ in pairs] == [x.label for x in Q.history(5)]
    assert [c.label for _, c in pairs] == [
        "Oct 2022 to Sep 2023",
        "Jan 2023 to Dec 2023",
        "Apr 2023 to Mar 2024",
        "Jul 2023 to Jun 2024",
        "Oct 2023 to Sep 2024",
    ]


# --- the other reports' headlines ---------------------------------------------------------------------------


def _other_figures(rri_now=3.19, rri_before=3.24) -> pd.DataFrame:
    rows = []
    for q, v in ((Q, rri_now), (Q.previous, rri_before)):
        rows.append(
            {
                "report": "10_disproportionality",
                "measure": "cautioned_or_sentenced_rri_vs_white",
                "breakdown": "ethnic_minority",
                "group": "Ethnic minority groups",
                "period": q.year_ending.label,
                "kind": "ratio",
                "numerator": 14,
                "denominator": 2200,
                "value": v,
                "lower": v / 1.8,
                "upper": v * 1.8,
                "numerator_2": 45,
                "unit": "relative rate index against White children",
            }
        )
    rows += [
        {
            "report": "20_exclusions",
            "measure": "ratio_one_plus_suspension_rate",
            "breakdown": "all",
            "group": "All",
            "period": "academic year 2025/26 to 31 March 2026",
            "kind": "ratio",
            "numerator": 36,
            "value": 7.23,
            "lower": 5.6,
            "upper": 9.4,
            "numerator_2": 947,
            "unit": "x",
        },
        {
            "report": "20_exclusions",
            "measure": "yjs_one_plus_suspension_rate",
            "breakdown": "all",
            "group": "All",
            "period": "academic year 2025/26 to 31 March 2026",
            "kind": "share",
            "numerator": 36,
            "denominator": 93,
            "value": 38.71,
            "unit": "%",
        },
        {
            "report": "20_exclusions",
            "measure": "borough_one_plus_suspension_rate",
            "breakdown": "all",
            "group": "All",
            "period": "academic year 2025/26 to 31 March 2026",
            "kind": "share",
            "numerator": 947,
            "denominator": 17684,
            "value": 5.36,
            "unit": "%",
        },
    ]
    return figures.frame(rows)


def test_other_reports_lines_link_each_report_and_say_when_one_is_missing():
    text = words.other_reports(_other_figures(), "this refresh", Q)
    assert text.startswith("From this refresh")
    assert (
        "- [Disproportionality](10_disproportionality.html): Children from ethnic minority groups were 3.2 times as "
        "likely as White children to be cautioned or sentenced in the year ending March 2026"
    ) in text
    assert (
        "- [Suspensions and permanent exclusions](20_exclusions.html): 38.7% of children known to the YJS were "
        "suspended at least once in the academic year 2025/26 to 31 March 2026, against 5.4% of pupils across the "
        "borough: 7.2 times as likely."
    ) in text
    assert "- [Reoffending](30_reoffending.html): this report did not produce figures for 2025-26 Q4" in text


def test_other_reports_when_run_on_its_own():
    text = words.other_reports(None, "none", Q)
    assert "come from the full refresh" in text and "html" not in text


def test_rri_movement_joins_the_list_of_changes():
    fig = _headlines(47, 47, 47)
    moves = summary.other_movements(_other_figures(3.2, 1.6), Q)
    assert moves[0][0].key == "rri" and moves[0][1].direction == "up" and moves[0][1].relative == pytest.approx(1.0)
    text = words.changes(fig, _other_figures(3.2, 1.6), Q)
    assert text.index("How much more likely ethnic minority children") < text.index("The first time entrant rate")


# --- comparators: read back exactly as published ---------------------------------------------------------------


@pytest.fixture(scope="module")
def comps():
    return comparators.load(REPO / "data" / "reference" / "comparators.csv")


def _printed(fig: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {(r.group, r.period): formatting.figure(r.value, r.kind) for r in fig.itertuples()}


def test_latest_comparators_print_exactly_as_published(comps):
    printed = _printed(summary.latest_comparators(comps))
    assert printed[("Rotherham", "Apr 2021 to Mar 2022")] == "0.00"
    assert printed[("South Yorkshire PCC", "Apr 2021 to Mar 2022")] == "0.22"
    assert printed[("National", "Jul 2019 to Jun 2020")] in ("33.6%", "3.61")
    shown, columns, rows = summary.comparators_display(summary.latest_comparators(comps), comps)
    assert list(columns) == [
        "Rotherham (This YJS)",
        "South Yorkshire PCC (Police force area)",
        "YOT Family (YJS family)",
        "National (England and Wales)",
    ]
    cell = shown[
        (shown["group"] == "Reoffences per reoffender, Jul 2019 to Jun 2020")
        & (shown["measure"] == "police_force_area")
    ]
    assert formatting.figure(cell["value"].iloc[0], cell["kind"].iloc[0]) == "3.28"
    assert rows == [
        "Custody rate per 1,000 children aged 10 to 17, Apr 2021 to Mar 2022",
        "Binary reoffending rate, Jul 2019 to Jun 2020",
        "Reoffences per reoffender, Jul 2019 to Jun 2020",
    ]


def test_custody_comparators_show_the_latest_publication_and_name_the_revisions(comps):
    fig = summary.custody_comparators(comps)
    assert list(dict.fromkeys(fig["period"])) == [
        "Apr 2017 to Mar 2018",
        "Apr 2018 to Mar 2019",
        "Apr 2019 to Mar 2020",
        "Apr 2020 to Mar 2021",
        "Apr 2021 to Mar 2022",
    ]
    printed = _printed(fig)
    assert printed[("YOT Family", "Apr 2017 to Mar 2018")] == "0.31"  # 0.28 in the 2019/21 plan (I-14)
    assert printed[("South Yorkshire PCC", "Apr 2018 to Mar 2019")] == "0.18"  # 0.23 in the 2019/21 plan
    assert printed[("Rotherham", "Apr 2018 to Mar 2019")] == "0.12"
    note = words.custody_revisions_note(summary.custody_revisions(comps, list(dict.fromkeys(fig["period"]))))
    assert (
        "YOT Family, Apr 2017 to Mar 2018: 0.28 (Rotherham Youth Justice Plan 2019/21) then 0.31 "
        "(Rotherham Youth Justice Plan 2022-23)"
    ) in note
    assert "Rotherham," not in note  # Rotherham's own figures were not revised
    assert words.custody_chart_title(fig) == (
        "Rotherham's published custody rate was below the England and Wales rate in 4 of the 5 years shown"
    )


def test_comparator_sources_name_each_table_once(comps):
    text = words.comparator_sources(comps, summary.latest_comparators(comps))
    assert text == (
        "Source: Rotherham Youth Justice Plan 2022-23, table 2c (YJB Youth Data Summary, Quarter 4); "
        "Rotherham Youth Justice Plan 2022-23, table 4b (rate of custody)."
    )


def test_no_first_time_entrant_comparators_is_said(comps):
    assert "no published first time entrant rates" in words.no_fte_comparators(comps)


def test_published_comparators_are_never_suppressed(comps):
    fig = summary.latest_comparators(comps).assign(report="90_summary")
    assert not suppression.apply(fig)["suppressed"].any()
    assert np.isnan(fig["numerator"]).all()


def test_the_exclusions_ratio_beside_two_shares_is_their_ratio_or_says_where_it_comes_from():
    def fig(yjs, borough, ratio):
        rows = [
            dict(
                report="20_exclusions",
                measure=m,
                breakdown="all",
                group="All",
                period="academic year 2025/26",
                kind=k,
                value=v,
                suppressed=False,
            )
            for m, k, v in (
                ("yjs_one_plus_suspension_rate", "share", yjs),
                ("borough_one_plus_suspension_rate", "share", borough),
                ("ratio_one_plus_suspension_rate", "ratio", ratio),
            )
        ]
        return figures.frame(rows).assign(quarter=Q.label)

    assert words._exclusions_line(fig(38.7, 5.4, 7.166), Q).endswith(": 7.2 times as likely.")
    assert words._exclusions_line(fig(34.31, 5.34, 6.425), Q).endswith(
        ": 6.4 times as likely (worked out from the unrounded percentages)."
    )
