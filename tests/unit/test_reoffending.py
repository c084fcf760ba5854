"""Reoffending: the national measure, the live tracker, time to reoffence and safe publication, on hand-built
extracts whose answers are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.data import extract as extract_module
from analysis.data.quarters import Period, Quarter, latest_complete_reoffending_cohort, reoffending_cohort
from analysis.data.validation import validate_folder
from analysis.measures import reoffending
from analysis.present.report import Report
from analysis.reports.reoffending import words
from analysis.safety import figures, suppression

from conftest import write_extract


def child(cid, dob, sex="1", eth="WBRI"):
    return {"child_id": cid, "date_of_birth": dob, "sex": sex, "ethnicity": eth}


def offence(oid, cid, day, score="3", category="VIOLENCE_AGAINST_THE_PERSON"):
    return {
        "offence_id": oid,
        "child_id": cid,
        "offence_date": day,
        "offence_category": category,
        "seriousness_score": score,
    }


def outcome(xid, oid, cid, day, code, residence="LOCAL"):
    return {
        "outcome_id": xid,
        "offence_id": oid,
        "child_id": cid,
        "outcome_date": day,
        "legal_outcome": code,
        "residence": residence,
    }


def episode(eid, cid, start, end, kind):
    return {"episode_id": eid, "child_id": cid, "start_date": start, "end_date": end, "episode_type": kind}


def validated(folder: Path, **tables) -> dict:
    v = validate_folder(write_extract(folder, **tables))
    assert v.counts["set_aside"].sum() == 0, v.set_aside
    return v.tables


def report_for(tables: dict, extract_date: date, mode: str = "public") -> Report:
    ext = extract_module.Extract(
        tables=tables,
        counts=pd.DataFrame(),
        problems={},
        area_name="Test borough",
        extract_date=extract_date,
        quarantine_dir=Path("."),
    )
    return Report(
        name="30_reoffending",
        quarter=Quarter.containing(extract_date).previous,
        extract=ext,
        output_dir=None,
        mode=mode,
    )


# ======================================================================================
# The national measure
# ======================================================================================
#
# Extract taken 30 June 2024. The Oct-Dec 2022 cohort is complete (its last child's 12 months end on
# 31 Dec 2023 and the 6-month wait on 30 Jun 2024); Jan-Mar 2023 is still maturing.
#
# Cohort Oct to Dec 2022:
#   A  youth caution 10 Oct 2022 (index). Reoffences: A7 (offence 1 Feb 2023, referral order AND compensation
#      order on 15 Apr 2023: one offence, one reoffence); A1 (1 Mar 2023, proven 1 Jun 2023); A2 and A3 (both
#      5 May 2023, proven 1 Aug 2023: two reoffences on one day). Not counted: A4 (committed 1 Sep 2023, inside
#      the 12 months, but proven 1 May 2024, after 10 Apr 2024 when the 6-month wait ended); A5 (committed
#      1 Nov 2023, after the 12 months ended on 10 Oct 2023); A6 (1 Jul 2023, community resolution only: not
#      proven). 4 reoffences.
#   B  fine 15 Nov 2022 (court, not custody). No reoffence.
#   C  detention and training order and a fine on 5 Oct 2022 (one custodial occasion: not a court index event);
#      custody episode 5 Oct to 5 Dec 2022, so released 5 Dec 2022 (index). Offence C2 on 1 Nov 2022 (before
#      release) does not count; C3 (20 Dec 2022, youth conditional caution 1 Feb 2023) does. 1 reoffence.
#   D  youth caution 1 Nov 2022 (index); referral order 1 Feb 2023 for an offence of 5 Jan 2023 (counts) and
#      an offence of 1 Apr 2023 proven 1 May 2023 (counts). 2 reoffences.
#   Not in the cohort: E (caution, lives in another area), F (aged 18 at the caution), G (diversion only),
#   H (DTO with no custody episode: no release date), I (DTO, custody episode still open).
# So: 4 children, 3 reoffenders (75.0%), 7 reoffences, 7/3 per reoffender, 7/4 per child.
#
# Cohort Jan to Mar 2023 (maturing): C (youth conditional caution 1 Feb 2023; no reoffence after it) and
# D (referral order 1 Feb 2023; the 1 Apr 2023 offence counts): 2 children, 1 reoffender, 1 reoffence.
# A is not in it: A7's outcomes are on 15 Apr 2023.

EXTRACT_DATE = date(2024, 6, 30)
Q3, Q4 = Quarter.parse("2022-23 Q3"), Quarter.parse("2022-23 Q4")


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    children = [
        child("A", "2007-01-01"),
        child("B", "2007-02-02"),
        child("C", "2006-03-03"),
        child("D", "2007-04-04"),
        child("E", "2007-05-05"),
        child("F", "2004-01-01"),
        child("G", "2008-06-06"),
        child("H", "2006-07-07"),
        child("I", "2006-08-08"),
    ]
    offences = [
        offence("A0", "A", "2022-09-01"),
        offence("A7", "A", "2023-02-01"),
        offence("A1", "A", "2023-03-01"),
        offence("A2", "A", "2023-05-05"),
        offence("A3", "A", "2023-05-05"),
        offence("A4", "A", "2023-09-01"),
        offence("A5", "A", "2023-11-01"),
        offence("A6", "A", "2023-07-01"),
        offence("B0", "B", "2022-09-15"),
        offence("C0", "C", "2022-08-01", "6"),
        offence("C2", "C", "2022-11-01"),
        offence("C3", "C", "2022-12-20"),
        offence("D0", "D", "2022-10-01"),
        offence("D1", "D", "2023-01-05"),
        offence("D2", "D", "2023-04-01"),
        offence("E0", "E", "2022-10-01"),
        offence("F0", "F", "2022-09-01"),
        offence("G0", "G", "2022-10-01"),
        offence("H0", "H", "2022-08-01"),
        offence("I0", "I", "2022-08-01"),
    ]
    outcomes = [
        outcome("XA0", "A0", "A", "2022-10-10", "YOUTH_CAUTION"),
        outcome("XA7", "A7", "A", "2023-04-15", "REFERRAL_ORDER"),
        outcome("XA7b", "A7", "A", "2023-04-15", "COMPENSATION_ORDER"),
        outcome("XA1", "A1", "A", "2023-06-01", "REFERRAL_ORDER"),
        outcome("XA2", "A2", "A", "2023-08-01", "YOUTH_REHABILITATION_ORDER"),
        outcome("XA3", "A3", "A", "2023-08-01", "YOUTH_REHABILITATION_ORDER"),
        outcome("XA4", "A4", "A", "2024-05-01", "YOUTH_REHABILITATION_ORDER"),
        outcome("XA5", "A5", "A", "2023-12-01", "YOUTH_REHABILITATION_ORDER"),
        outcome("XA6", "A6", "A", "2023-07-20", "COMMUNITY_RESOLUTION_POLICE_FACILITATED"),
        outcome("XB0", "B0", "B", "2022-11-15", "FINE"),
        outcome("XC0", "C0", "C", "2022-10-05", "DETENTION_AND_TRAINING_ORDER"),
        outcome("XC0b", "C0", "C", "2022-10-05", "FINE"),
        outcome("XC2", "C2", "C", "2023-01-10", "REFERRAL_ORDER"),
        outcome("XC3", "C3", "C", "2023-02-01", "YOUTH_CONDITIONAL_CAUTION"),
        outcome("XD0", "D0", "D", "2022-11-01", "YOUTH_CAUTION"),
        outcome("XD1", "D1", "D", "2023-02-01", "REFERRAL_ORDER"),
        outcome("XD2", "D2", "D", "2023-05-01", "REFERRAL_ORDER"),
        outcome("XE0", "E0", "E", "2022-10-20", "YOUTH_CAUTION", residence="OTHER"),
        outcome("XF0", "F0", "F", "2022-10-20", "YOUTH_CAUTION"),
        outcome("XG0", "G0", "G", "2022-10-20", "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT"),
        outcome("XH0", "H0", "H", "2022-10-01", "DETENTION_AND_TRAINING_ORDER"),
        outcome("XI0", "I0", "I", "2022-10-01", "DETENTION_AND_TRAINING_ORDER"),
    ]
    caseload = [
        episode("EC", "C", "2022-10-05", "2022-12-05", "DTO_CUSTODY"),
        episode("ECL", "C", "2022-12-05", "2023-02-05", "DTO_LICENCE"),
        episode("EI", "I", "2022-10-01", "", "DTO_CUSTODY"),
    ]
    extract_info = [
        {"field": "area_name", "value": "Test borough"},
        {"field": "extract_date", "value": EXTRACT_DATE.isoformat()},
    ]
    return validated(
        tmp_path_factory.mktemp("national"),
        extract_info=extract_info,
        children=children,
        offences=offences,
        outcomes=outcomes,
        caseload=caseload,
        pupil_link=[],
    )


def members(tables, quarter=Q3, months=3):
    return reoffending.cohort(reoffending.index_events(tables), reoffending_cohort(quarter, months)).set_index(
        "child_id"
    )


def reoffences_of(tables, quarter=Q3, months=3):
    m = members(tables, quarter, months).reset_index()
    return reoffending.proven_reoffences(tables, m).groupby("child_id")["offence_id"].apply(sorted).to_dict()


def test_cohort_members_and_index_events(national):
    m = members(national)
    assert sorted(m.index) == ["A", "B", "C", "D"]  # E lives elsewhere, F is 18, G diversion only, H and I not released
    assert m.loc["A", "index_type"] == reoffending.CAUTION and m.loc["B", "index_type"] == reoffending.COURT
    assert m.loc["C", "index_type"] == reoffending.RELEASE


def test_custody_release_is_the_index_event(national):
    m = members(national)
    assert m.loc["C", "index_date"] == pd.Timestamp("2022-12-05")  # the end of the DTO_CUSTODY episode
    releases = reoffending.custody_releases(national).set_index("child_id")
    assert not releases.loc["H", "episode_found"] and pd.isna(releases.loc["H", "release_date"])
    assert releases.loc["I", "episode_found"] and pd.isna(releases.loc["I", "release_date"])  # still in custody
    # the fine given with the DTO is part of the custodial occasion, not a non-custodial court index event
    events = reoffending.index_events(national)
    c = events[events["child_id"] == "C"]
    assert list(c["index_type"]) == [reoffending.RELEASE, reoffending.COURT, reoffending.CAUTION]
    assert list(c["index_date"]) == [pd.Timestamp("2022-12-05"), pd.Timestamp("2023-01-10"), pd.Timestamp("2023-02-01")]
    check = reoffending.releases_without_date(national, reoffending_cohort(Q3, 3))
    assert check["numerator"].tolist() == [1]  # H


def test_which_reoffences_count(national):
    assert reoffences_of(national) == {
        "A": ["A1", "A2", "A3", "A7"],  # not A4 (proven after the wait), A5 (after 12 months), A6 (diversion)
        "C": ["C3"],  # not C2, committed before the release
        "D": ["D1", "D2"],
    }


def test_several_offences_on_one_day_are_several_reoffences(national):
    a = reoffences_of(national)["A"]
    assert "A2" in a and "A3" in a  # both committed on 5 May 2023


def test_proven_after_the_wait_does_not_count(national):
    assert "A4" not in reoffences_of(national)["A"]


def test_committed_after_twelve_months_does_not_count(national):
    assert "A5" not in reoffences_of(national)["A"]


def test_national_measure_figures(national):
    fig = reoffending.national_measure(national, [(reoffending_cohort(Q3, 3), 3)]).set_index("measure")
    assert fig.loc["cohort_children", "numerator"] == 4
    assert fig.loc["reoffenders", "numerator"] == 3 and fig.loc["reoffenders", "value"] == pytest.approx(75.0)
    assert fig.loc["proven_reoffences", "numerator"] == 7
    assert fig.loc["reoffences_per_reoffender", "value"] == pytest.approx(7 / 3)
    assert fig.loc["reoffences_per_child", "value"] == pytest.approx(7 / 4)


def test_a_child_in_two_cohorts(national):
    assert "D" in members(national, Q3).index and "D" in members(national, Q4).index
    assert sorted(members(national, Q4).index) == ["C", "D"]
    assert reoffences_of(national, Q4) == {"D": ["D2"]}  # D1 was committed before D's Q4 index date
    # in the 12-month cohort to March 2023, D counts once, from the first event (the caution of 1 Nov 2022)
    twelve = members(national, Q4, 12)
    assert twelve.loc["D", "index_date"] == pd.Timestamp("2022-11-01")
    assert reoffences_of(national, Q4, 12)["D"] == ["D1", "D2"]


def test_counts_by_cohort_counts_several_cohorts_at_once(national):
    events = reoffending.index_events(national)
    periods = [reoffending_cohort(Q3, 3), reoffending_cohort(Q4, 3), reoffending_cohort(Q4, 12)]
    q3, q4, twelve = reoffending.counts_by_cohort(national, events, periods)
    assert q3 == {"children": 4, "reoffenders": 3, "reoffences": 7}  # as in the cohort notes above
    assert q4 == {"children": 2, "reoffenders": 1, "reoffences": 1}  # C and D; D's offence of 1 Apr 2023
    # 12 months to March 2023: A, B, C (released 5 Dec 2022: C3 counts) and D (from 1 Nov 2022: D1 and D2)
    assert twelve == {"children": 4, "reoffenders": 3, "reoffences": 7}
    assert reoffending.counts_by_cohort(national, events, []) == []


def test_a_cohort_not_yet_complete_is_flagged(national):
    assert latest_complete_reoffending_cohort(EXTRACT_DATE) == reoffending_cohort(Q3, 3)
    status = reoffending.cohort_status([Q3, Q4], EXTRACT_DATE).set_index("label")
    assert status.loc["Oct 2022 to Dec 2022", "complete"]
    assert not status.loc["Jan 2023 to Mar 2023", "complete"]
    assert status.loc["Jan 2023 to Mar 2023", "group"] == "Jan 2023 to Mar 2023 (still maturing)"
    trend = reoffending.trend(national, [Q3, Q4], EXTRACT_DATE)
    assert set(trend["group"]) == {"Oct 2022 to Dec 2022", "Jan 2023 to Mar 2023 (still maturing)"}


def test_latest_cohorts_are_complete_and_within_the_quarter():
    assert reoffending.latest_cohorts(Quarter.parse("2023-24 Q4"), EXTRACT_DATE) == (
        reoffending_cohort(Q3, 3),
        reoffending_cohort(Q3, 12),
    )
    # an old quarter rerun on this extract reports the cohort ending with that quarter, not a later one
    old = Quarter.parse("2021-22 Q2")
    assert reoffending.latest_cohorts(old, EXTRACT_DATE) == (reoffending_cohort(old, 3), reoffending_cohort(old, 12))


def test_why_this_cohort_says_when_it_completed():
    c3, c12 = reoffending_cohort(Q3, 3), reoffending_cohort(Q3, 12)
    text = words.why_this_cohort(c3, c12, EXTRACT_DATE)
    assert "October to December 2022" in text and "31 December 2023" in text and "30 June 2024" in text
    assert "January to March 2023" in text and "30 September 2024" in text  # the next cohort and when it is ready


# ======================================================================================
# Time to reoffence (Kaplan-Meier), checked by hand (the estimator itself: tests/unit/test_survival.py, which also
# checks it against statsmodels)
# ======================================================================================


def test_kaplan_meier_by_hand():
    # five children: reoffended at day 30; followed 60 days without; reoffended at 60; at 90; followed 150 without
    km = reoffending.kaplan_meier([30, 60, 60, 90, 150], [1, 0, 1, 1, 0]).set_index("month")
    # day 30: 5 at risk, 1 event -> S = 4/5 = 0.8
    # day 60: 4 at risk, 1 event (the censored child counts as at risk) -> S = 0.8 * 3/4 = 0.6
    # day 90: 2 at risk, 1 event -> S = 0.6 * 1/2 = 0.3; nothing after
    assert km.loc[1, "share"] == pytest.approx(20.0)  # month 1 = day 30.44
    assert km.loc[2, "share"] == pytest.approx(40.0)  # day 60.9
    assert km.loc[3, "share"] == pytest.approx(70.0)  # day 91.3
    assert km.loc[12, "share"] == pytest.approx(70.0)
    assert km.loc[3, "reoffended"] == 3 and km.loc[3, "children"] == 5 and km.loc[3, "at_risk"] == 1
    # Greenwood: var S(90) = 0.3^2 (1/(5*4) + 1/(4*3) + 1/(2*1)); log(-log) interval
    se = 0.3 * np.sqrt(1 / 20 + 1 / 12 + 1 / 2)
    theta, se_theta = np.log(-np.log(0.3)), se / (0.3 * -np.log(0.3))
    lower = 100 * (1 - np.exp(-np.exp(theta - 1.959964 * se_theta)))
    upper = 100 * (1 - np.exp(-np.exp(theta + 1.959964 * se_theta)))
    assert km.loc[3, "lower"] == pytest.approx(lower, rel=1e-5) and km.loc[3, "upper"] == pytest.approx(upper, rel=1e-5)
    assert round(lower, 1) == 28.1 and round(upper, 1) == 98.8
    assert km.loc[0, "share"] == 0.0


def test_follow_up_is_censored_at_the_extract_date_less_the_wait(national):
    window = Period(date(2022, 10, 1), date(2023, 3, 31), "Oct 2022 to Mar 2023")
    follow = reoffending.follow_up(national, window, date(2023, 9, 30)).set_index("child_id")
    # data cut-off 30 Mar 2023 (30 Sep less 6 months). A: first reoffence A7 (1 Feb 2023) is 114 days after 10 Oct 2022.
    assert follow.loc["A", "reoffended"] and follow.loc["A", "days"] == 114
    # D: D1 (5 Jan 2023) was proven on 1 Feb 2023, 65 days after 1 Nov 2022
    assert follow.loc["D", "reoffended"] and follow.loc["D", "days"] == 65
    # B: no reoffence, censored at the cut-off: 15 Nov 2022 to 30 Mar 2023 = 15 + 31 + 31 + 28 + 30 = 135 days
    assert not follow.loc["B", "reoffended"] and follow.loc["B", "days"] == 135


# ======================================================================================
# The live tracker: a fixture built to match the 2022-23 plan (docs/methodology.md, published figure 1.3.3)
# ======================================================================================
#
# 60 children with an outcome in 1 April 2021 to 31 March 2022, 3 of whom offended again, committing 5 further
# offences: T1 (youth caution, 15 at the offence) 2, T2 (referral order, 16) 2, T3 (deferred sentence, 17) 1 (a
# community resolution: the tracker counts outcomes of any kind). All three are male and white, two looked after;
# every further offence is less serious than the original. The other 57 have diversion or other outcomes and no
# further offence.

YEAR = Quarter.parse("2021-22 Q4").year_ending
TRACKER_DATE = date(2022, 6, 30)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    children = [child("T1", "2005-06-01"), child("T2", "2004-12-01"), child("T3", "2003-09-01")]
    offences = [
        offence("T1a", "T1", "2021-05-01", "4"),
        offence("T1b", "T1", "2021-09-01", "2"),
        offence("T1c", "T1", "2021-11-01", "3"),
        offence("T2a", "T2", "2021-06-01", "5"),
        offence("T2b", "T2", "2021-12-01", "3"),
        offence("T2c", "T2", "2022-02-01", "3"),
        offence("T3a", "T3", "2021-07-01", "4"),
        offence("T3b", "T3", "2022-01-15", "2"),
    ]
    outcomes = [
        outcome("XT1a", "T1a", "T1", "2021-06-01", "YOUTH_CAUTION"),
        outcome("XT1b", "T1b", "T1", "2021-10-01", "YOUTH_CONDITIONAL_CAUTION"),
        outcome("XT1c", "T1c", "T1", "2021-12-01", "REFERRAL_ORDER"),
        outcome("XT2a", "T2a", "T2", "2021-08-01", "REFERRAL_ORDER"),
        outcome("XT2b", "T2b", "T2", "2022-01-10", "YOUTH_REHABILITATION_ORDER"),
        outcome("XT2c", "T2c", "T2", "2022-03-01", "YOUTH_REHABILITATION_ORDER"),
        outcome("XT3a", "T3a", "T3", "2021-09-01", "DEFERRED_SENTENCE"),
        outcome("XT3b", "T3b", "T3", "2022-02-01", "COMMUNITY_RESOLUTION_POLICE_FACILITATED"),
    ]
    codes_cycle = [
        "COMMUNITY_RESOLUTION_POLICE_FACILITATED",
        "NO_FURTHER_ACTION_OUTCOME_22",
        "YOUTH_CAUTION",
        "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT",
        "REFERRAL_ORDER",
        "NO_FURTHER_ACTION_OUTCOME_20_21",
    ]
    for i in range(57):
        cid = f"N{i:02d}"
        children.append(
            child(
                cid,
                f"{2005 + i % 5}-0{1 + i % 9}-15",
                sex="2" if i % 3 == 0 else "1",
                eth=("WBRI", "APKN", "MWBC", "BAFR")[i % 4],
            )
        )
        offences.append(offence(f"{cid}o", cid, f"2021-{4 + i % 9:02d}-10", str(1 + i % 5)))
        outcomes.append(
            outcome(f"X{cid}", f"{cid}o", cid, f"2021-{4 + i % 9:02d}-28", codes_cycle[i % len(codes_cycle)])
        )
    care = [
        {
            "care_episode_id": "L1",
            "child_id": "T1",
            "start_date": "2020-01-01",
            "end_date": "",
            "placed_by_other_authority": "N",
        },
        {
            "care_episode_id": "L2",
            "child_id": "T2",
            "start_date": "2021-01-01",
            "end_date": "",
            "placed_by_other_authority": "N",
        },
    ]
    extract_info = [
        {"field": "area_name", "value": "Test borough"},
        {"field": "extract_date", "value": TRACKER_DATE.isoformat()},
    ]
    tables = validated(
        tmp_path_factory.mktemp("plan"),
        extract_info=extract_info,
        children=children,
        offences=offences,
        outcomes=outcomes,
        care_episodes=care,
        caseload=[],
        pupil_link=[],
    )
    tracked = reoffending.tracked(tables, YEAR)
    further = reoffending.tracker_reoffences(tables, tracked)
    return tables, tracked, further, reoffending.tracker(tracked, further, YEAR)


def _value(fig, measure, breakdown, group, field="numerator"):
    rows = fig[(fig["measure"] == measure) & (fig["breakdown"] == breakdown) & (fig["group"] == group)]
    assert len(rows) == 1, (measure, breakdown, group)
    return rows.iloc[0][field]


def test_tracker_reproduces_the_plans_totals(plan):
    _, tracked, further, fig = plan
    assert len(tracked) == 60
    assert _value(fig, "tracked_children", "all", "All") == 60
    assert _value(fig, "tracker_no_further_offence", "all", "All") == 57
    assert round(_value(fig, "tracker_no_further_offence", "all", "All", "value"), 1) == 95.0
    assert _value(fig, "tracker_reoffenders", "all", "All") == 3
    assert round(_value(fig, "tracker_reoffenders", "all", "All", "value"), 1) == 5.0
    assert _value(fig, "tracker_reoffences", "all", "All") == 5
    assert round(_value(fig, "tracker_reoffences_per_reoffender", "all", "All", "value"), 2) == 1.67
    assert further.groupby("child_id").size().to_dict() == {"T1": 2, "T2": 2, "T3": 1}


def test_further_offences_per_child_tracked_as_the_plan(plan):
    """The plan's 5 further offences among 60 children tracked: 5 / 60 = 0.0833 per child. Below 10 offences the
    interval is the exact Poisson one: for 5 events 1.6235 to 11.6683 (chi-squared(0.025; 10) / 2 = 3.2470 / 2 and
    chi-squared(0.975; 12) / 2 = 23.3367 / 2), divided by 60 children: 0.0271 to 0.1945."""
    _, _, _, fig = plan
    row = fig[(fig["measure"] == "tracker_reoffences_per_child") & (fig["breakdown"] == "all")].iloc[0]
    assert row["kind"] == "rate" and row["numerator"] == 5 and row["denominator"] == 60
    assert round(row["value"], 4) == 0.0833
    assert (round(row["lower"], 4), round(row["upper"], 4)) == (0.0271, 0.1945)
    # by age (2, 2 and 1 offences): each group's offences over its own children
    age = fig[(fig["measure"] == "tracker_reoffences_per_child") & (fig["breakdown"] == "age")].set_index("group")
    assert (age["numerator"] / age["denominator"]).equals(age["value"])
    assert age.loc["10 to 14", "value"] == 0 and age.loc["10 to 14", "lower"] == 0


def test_further_offences_per_child_uses_byars_method_from_10_offences():
    """12 further offences among 30 children: 0.40 per child. From 10 offences the interval is Byar's:
    lower 12 (1 - 1/108 - 1.959964 / (3 sqrt 12))^3 = 12 x 0.802143^3 = 6.1935 and
    upper 13 (1 - 1/117 + 1.959964 / (3 sqrt 13))^3 = 13 x 1.172652^3 = 20.9629, over 30: 0.2065 to 0.6988."""
    children = pd.DataFrame({"child_id": [f"C{i}" for i in range(30)]})
    reoff = pd.DataFrame({"child_id": ["C0"] * 5 + ["C1"] * 4 + ["C2"] * 3})
    rows = reoffending._tracker_rows(children, reoff, breakdown="all", group="All", period="p", population="all")
    per = next(r for r in rows if r["measure"] == "tracker_reoffences_per_child")
    assert (per["numerator"], per["denominator"], round(float(per["value"]), 4)) == (12, 30, 0.4)
    assert (round(float(per["lower"]), 4), round(float(per["upper"]), 4)) == (0.2065, 0.6988)
    mean = next(r for r in rows if r["measure"] == "tracker_reoffences_per_reoffender")
    assert (mean["numerator"], mean["denominator"], mean["value"]) == (12, 3, 4.0)


def test_tracker_counts_a_further_offence_with_any_outcome(plan):
    _, _, further, _ = plan
    assert "T3b" in set(further["offence_id"])  # dealt with by a community resolution


def test_tracker_split_by_original_outcome_as_the_plan(plan):
    _, _, _, fig = plan
    # the plan's "intervention tier": youth caution 2 reoffences by 1 child, referral order 2 by 1, deferred 1 by 1
    assert _value(fig, "tracker_reoffences", "outcome_type", "Youth Caution") == 2
    assert _value(fig, "tracker_reoffenders", "outcome_type", "Youth Caution") == 1
    assert _value(fig, "tracker_reoffences", "outcome_type", "Referral Order") == 2
    assert _value(fig, "tracker_reoffenders", "outcome_type", "Referral Order") == 1
    other = "Other court outcome (discharge, fine etc.)"  # the deferred sentence
    assert _value(fig, "tracker_reoffences", "outcome_type", other) == 1
    assert _value(fig, "tracker_reoffenders", "outcome_type", other) == 1
    # the product's tiers: pre-court 2 by 1; first-tier (referral order and deferred sentence) 3 by 2
    assert _value(fig, "tracker_reoffences", "tier", "Pre-court") == 2
    assert _value(fig, "tracker_reoffences", "tier", "First-tier") == 3
    assert _value(fig, "tracker_reoffenders", "tier", "First-tier") == 2


def test_tracker_split_by_age_as_the_plan(plan):
    _, _, _, fig = plan
    assert [_value(fig, "tracker_reoffences", "age", a) for a in ("15", "16", "17")] == [2, 2, 1]
    assert _value(fig, "tracker_reoffences", "age", "10 to 14") == 0


def test_tracker_seriousness_against_the_original(plan):
    _, tracked, further, fig = plan
    assert tracked.set_index("child_id").loc["T1", "original_score"] == 4
    assert set(further["seriousness"]) == {"Less serious"}
    assert _value(fig, "tracker_reoffences", "seriousness", "Less serious") == 5
    assert _value(fig, "tracker_reoffences", "seriousness", "More serious") == 0


def test_tracker_characteristics(plan):
    _, tracked, _, fig = plan
    t = tracked.set_index("child_id")
    assert t.loc["T1", "looked_after"] == "Looked after" and t.loc["T3", "looked_after"] == "Not looked after"
    assert _value(fig, "tracker_reoffenders", "looked_after", "Looked after") == 2
    assert _value(fig, "tracker_reoffenders", "sex", "Male") == 3


def test_publishing_the_plans_tracker_withholds_its_small_numbers(plan):
    tables, _, _, fig = plan
    rep = report_for(tables, TRACKER_DATE)
    safe = reoffending.publish(
        rep, fig, reoffending.TRACKER_BASE, reoffending.TRACKER_BUNDLE, reoffending.TRACKER_NESTED
    )
    everyone = safe[safe["breakdown"] == "all"].set_index("measure")
    assert everyone.loc["tracked_children", "numerator"] == 60 and not everyone.loc["tracked_children", "suppressed"]
    # 3 reoffenders is below the threshold; 57 of 60 reveals the 3; the 5 reoffences move with them
    for measure in (
        "tracker_reoffenders",
        "tracker_no_further_offence",
        "tracker_reoffences",
        "tracker_reoffences_per_reoffender",
        "tracker_reoffences_per_child",  # 0.0833 x 60 children would give the 5 reoffences back
    ):
        assert everyone.loc[measure, "suppressed"] and pd.isna(everyone.loc[measure, "numerator"]), measure
        assert pd.isna(everyone.loc[measure, "value"]) and pd.isna(everyone.loc[measure, "denominator"])
    # and the breakdowns: "3 out of 3 are male and white" cannot be published
    assert safe.loc[
        (safe["breakdown"] == "sex") & (safe["group"] == "Male") & (safe["measure"] == "tracker_reoffenders"),
        "suppressed",
    ].all()
    assert safe.loc[
        (safe["breakdown"] == "ethnic_group") & (safe["group"] == "White") & (safe["measure"] == "tracker_reoffenders"),
        "suppressed",
    ].all()
    reoffenders = safe[
        safe["measure"].isin(["tracker_reoffenders", "tracker_reoffences"]) & (safe["breakdown"] != "seriousness")
    ]
    assert not ((reoffenders["numerator"] > 0) & (reoffenders["numerator"] <= 4)).any()
    # the record for figures.csv holds what is shown
    assert rep.published[-1] is safe
    text = words.tracker_sentence(safe[safe["breakdown"] == "all"], YEAR.label)
    assert "60 children" in text and "[c]" in text and "57" not in text and " 3 " not in text and "5 " not in text


def test_restricted_mode_keeps_the_numbers_but_marks_them(plan):
    tables, _, _, fig = plan
    rep = report_for(tables, TRACKER_DATE, mode="restricted")
    shown = reoffending.publish(rep, fig, reoffending.TRACKER_BASE, reoffending.TRACKER_BUNDLE)
    row = shown[(shown["breakdown"] == "all") & (shown["measure"] == "tracker_reoffences")].iloc[0]
    assert not row["suppressed"] and row["numerator"] == 5  # shown in tables and sentences
    recorded = rep.published[-1]
    row = recorded[(recorded["breakdown"] == "all") & (recorded["measure"] == "tracker_reoffences")].iloc[0]
    assert row["suppressed"] and row["numerator"] == 5  # marked in figures.csv


# ======================================================================================
# Protection across tables
# ======================================================================================


def _fig(rows):
    population = [r.pop("population") for r in rows]
    return figures.frame(rows).assign(population=population, report="r")


def _share(measure, x, n, breakdown, group, population):
    return {
        "measure": measure,
        "kind": "share",
        "numerator": x,
        "denominator": n,
        "value": 100 * x / n,
        "breakdown": breakdown,
        "group": group,
        "period": "p",
        "population": population,
    }


def _count(measure, n, breakdown, group, population):
    return {
        "measure": measure,
        "kind": "count",
        "numerator": n,
        "value": n,
        "breakdown": breakdown,
        "group": group,
        "period": "p",
        "population": population,
    }


def test_protect_withholds_at_least_the_standard_rules_and_links_groups():
    rows = []
    for group, n, r in (("A", 40, 10), ("B", 30, 9), ("C", 3, 1), ("All", 73, 20)):
        pop = "all" if group == "All" else f"g={group}"
        rows += [
            _count("children", n, "g", group, pop),
            _share("reoffended", r, n, "g", group, pop),
            _count("reoffences", r * 2, "g", group, pop),
        ]
    fig = _fig(rows)
    mask = reoffending.protect(fig, 4, "children", ("reoffended", "reoffences"))
    standard = suppression.secondary(fig, suppression.primary(fig, 4))
    assert (mask | ~standard).all()
    hidden = set(fig.loc[mask, "group"] + ":" + fig.loc[mask, "measure"])
    # C's 3 children are withheld, so everything about C is; B (the next smallest) too, so C cannot be recovered
    assert {"C:children", "C:reoffended", "C:reoffences", "B:children", "B:reoffended", "B:reoffences"} <= hidden
    assert not any(h.startswith(("A:", "All:")) for h in hidden)


def test_protect_hides_the_same_figure_in_every_table():
    rows = [
        _count("children", 50, "x", "All", "all"),
        _count("children", 2, "x", "P", "x=P"),
        _count("children", 48, "x", "Q", "x=Q"),
        _count("children", 60, "y", "All", "all_y"),
        _count("children", 48, "y", "Q", "x=Q"),
        _count("children", 12, "y", "S", "y=S"),
    ]
    mask = reoffending.protect(_fig(rows), 4, "children")
    # table x: P (2) is withheld, and Q with it so P cannot be worked out from the total. Q's 48 children appear
    # in table y too, where the standard rules would show them: they are withheld there, and S with them.
    assert list(mask) == [False, True, True, False, True, True]


def test_protect_withholds_a_nested_figure_whose_difference_is_small():
    rows = [_count("children", 20, "age", "15", "age=15"), _count("children", 17, "diversion_age", "15", "div&age=15")]
    mask = reoffending.protect(_fig(rows), 4, "children", nested=(("diversion_age", "age"),))
    assert list(mask) == [False, True]  # 20 - 17 = 3 children aged 15 without diversion


def test_every_breakdown_adds_up(plan):
    _, _, _, fig = plan
    for breakdown in (
        "tier",
        "outcome_type",
        "age",
        "sex",
        "ethnic_group",
        "looked_after",
        "offence_type",
        "seriousness",
    ):
        rows = fig[
            (fig["breakdown"] == breakdown)
            & (fig["measure"] == ("tracker_reoffences" if breakdown == "seriousness" else "tracked_children"))
        ]
        assert (
            rows.loc[rows["group"] != "All", "numerator"].sum() == rows.loc[rows["group"] == "All", "numerator"].iloc[0]
        ), breakdown


def test_the_tracker_table_shows_both_intervals_and_the_sentence_the_rate(plan, monkeypatch):
    """Restricted (nothing withheld), the plan's whole-cohort row: 5.0% (1.7% to 13.7%, worked example 4) and
    0.08 further offences per child tracked (0.03 to 0.19, from the exact Poisson interval above)."""
    tables, _, _, fig = plan
    rep = report_for(tables, TRACKER_DATE, mode="restricted")
    monkeypatch.setattr("analysis.present.report._display_html", lambda html: None)
    shown = reoffending.publish(rep, fig, reoffending.TRACKER_BASE, reoffending.TRACKER_BUNDLE)
    rep.table(
        shown[shown["breakdown"] == "all"],
        words.TRACKER_ALL_COLUMNS,
        caption="c",
        row_header="Children",
        interval=words.TRACKER_INTERVALS,
        decimals=words.TRACKER_DECIMALS,
    )
    table = rep.shown_tables[-1]
    assert table["headers"][-2:] == list(words.TRACKER_INTERVALS)
    cells = dict(zip(table["headers"], table["rows"][0][1:]))
    assert cells["Further offences per child who offended again"] == "1.67"
    assert cells["Further offences per child tracked"] == "0.08"
    assert cells["Share who offended again: 95% confidence interval"] == "1.7% to 13.7%"
    assert cells["Further offences per child tracked: 95% confidence interval"] == "0.03 to 0.19"
    text = words.tracker_sentence(shown[shown["breakdown"] == "all"], YEAR.label)
    assert "5 further offences between them (0.08 per child tracked)." in text
