"""Exclusions of children known to the YJS against the borough: every measure on extracts with known answers.

Two extracts:

* a small hand-built one, run through the real validation, where every figure is worked out by hand below
  (a pupil suspended several times and by two schools, a suspension running over the Christmas holiday, a
  lunchtime suspension, a permanent exclusion with no length, one child for each reason a child can fail to
  match, exclusions outside the period and outside the NC years);
* one built to match the 2022-23 youth justice plan's paragraph (180 open cases; 41 children, 126 suspensions,
  3.1 each and 8.1 days lost each; 2,586 suspensions across 1,065 pupils in Years 6 to 11, 2.4 and 4.9; 9 of
  the borough's 39 permanent exclusions), which the report must reproduce.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.data.contract import EXTRACTS
from analysis.data.quarters import Quarter, academic_year
from analysis.data.validation import validate_folder
from analysis.present import formatting
from analysis.reports.exclusions import measures as X
from analysis.reports.exclusions import words as T
from analysis.safety import figures, suppression
from analysis.stats import intervals

from conftest import BASE, REPO

QUARTER = Quarter.parse("2022-23 Q4")  # January to March 2023; academic year 2022/23 to 31 March 2023


def write(folder: Path, **tables) -> Path:
    """Every contract file, from `tables` or else the shared test extract (header only where it has none)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, extract in EXTRACTS.items():
        rows = tables.get(name, BASE.get(name, []))
        pd.DataFrame(rows, columns=[c.name for c in extract.columns]).to_csv(folder / extract.file, index=False)
    return folder


def child(cid, dob="2008-03-01", sex="1", eth="WBRI"):
    return {"child_id": cid, "date_of_birth": dob, "sex": sex, "ethnicity": eth}


def episode(eid, cid, start, end="", kind="REFERRAL_ORDER"):
    return {"episode_id": eid, "child_id": cid, "start_date": start, "end_date": end, "episode_type": kind}


def pupil(pid, nc, year="2022/23", phase="SECONDARY", sex="M", eth="WBRI", sen="N", school="S1"):
    return {
        "pupil_id": pid,
        "academic_year": year,
        "school_id": school,
        "phase": phase,
        "nc_year": str(nc),
        "sex": sex,
        "ethnicity": eth,
        "sen_provision": sen,
    }


def excl(xid, pid, day, category="FIXD", sessions="2", reason="persistent_disruptive", nc="9", school="S1", post=""):
    return {
        "exclusion_id": xid,
        "pupil_id": pid,
        "school_id": school,
        "category": category,
        "start_date": day,
        "sessions": sessions,
        "reason": reason,
        "nc_year": nc,
        "post_exclusion_provision": post,
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    children = [child(f"C{i}") for i in range(1, 10)]
    children[1] = child("C2", "2008-01-15", "2", "BCRB")
    caseload = [
        episode("E1", "C1", "2022-09-01", "2023-03-01"),
        episode("E2", "C2", "2023-02-01", kind="YOUTH_CAUTION"),
        episode("E3", "C3", "2023-01-05", "2023-03-20", kind="PREVENTION"),
        *[episode(f"E{i}", f"C{i}", "2023-01-01", kind="PREVENTION") for i in range(4, 9)],
        episode("E9", "C9", "2022-06-01", "2022-12-01"),  # not on the caseload in the quarter
    ]
    link = [
        {"child_id": c, "pupil_id": p}
        for c, p in [
            ("C1", "P1"),
            ("C2", "P2"),
            ("C4", "P4"),
            ("C5", "P5"),
            ("C6", "P6"),
            ("C7", "P6"),
            ("C8", "P999"),
            ("C9", "P9"),
        ]
    ]
    pupils = [
        pupil("P1", 9, sen="K"),
        pupil("P1", 8, year="2021/22", sen="K"),
        pupil("P2", 10, sex="F", eth="BCRB", sen="E", school="S3"),
        pupil("P4", 8, year="2021/22"),  # not in the 2022/23 census
        pupil("P5", 12),  # Year 12: outside Years 6 to 11
        pupil("P6", 9),
        pupil("P7", 6, phase="PRIMARY", sex="F", school="S5"),
        pupil("P8", 8, sen="K"),
        pupil("P9", 7),
        pupil("P10", 5, phase="PRIMARY", school="S5"),
    ]
    exclusions = [
        excl("X01", "P1", "2022-10-03", sessions="4"),  # autumn
        excl("X02", "P1", "2022-12-19", sessions="10", reason="verbal_adult"),  # autumn, runs on into January
        excl("X03", "P1", "2023-02-01", sessions="3", school="S2"),  # spring, a second school
        excl("X04", "P1", "2023-02-02", category="LNCH", sessions="1"),  # lunchtime: counted apart
        excl("X05", "P1", "2023-04-05", sessions="2"),  # after the quarter
        excl("X06", "P1", "2022-06-01", sessions="2", nc="8"),  # the year before
        excl("X07", "P2", "2023-01-15", sessions="6", reason="physical_pupils", nc="10", school="S3"),
        excl(
            "X08",
            "P2",
            "2023-03-01",
            category="PERM",
            sessions="",
            reason="offensive_weapon",
            nc="10",
            school="S3",
            post="PRU",
        ),
        excl("X09", "P6", "2022-11-10", sessions="2"),
        excl("X10", "P7", "2022-09-20", sessions="1", nc="6", school="S5"),
        excl("X11", "P7", "2023-03-10", sessions="4", nc="6", school="S5"),
        excl("X12", "P7", "2023-03-20", category="PERM", sessions="", nc="6", school="S5"),
        excl("X13", "P9", "2023-01-20", sessions="", reason="damage", nc="7"),  # no length recorded
        excl("X14", "P10", "2022-10-10", sessions="2", nc="5", school="S5"),  # Year 5
        excl("X15", "P4", "2022-11-01", sessions="2", nc="9"),  # a pupil not in the 2022/23 census
    ]
    care = [
        {
            "care_episode_id": "L1",
            "child_id": "C2",
            "start_date": "2022-01-01",
            "end_date": "",
            "placed_by_other_authority": "N",
        }
    ]
    folder = write(
        tmp_path_factory.mktemp("excl"),
        children=children,
        caseload=caseload,
        pupil_link=link,
        pupils=pupils,
        exclusions=exclusions,
        care_episodes=care,
    )
    v = validate_folder(folder)
    aside = {name: len(rows) for name, rows in v.set_aside.items() if len(rows)}
    assert aside == {"pupil_link": 1}, aside  # only C8's link to a pupil who does not exist
    set_aside_links = list(v.set_aside["pupil_link"]["child_id"])
    return v.tables, X.yearly_cohorts(v.tables, QUARTER, set_aside_links=set_aside_links)


def values(fig, measure_prefix=""):
    return {(r.measure, r.group): r.value for r in fig.itertuples() if r.measure.startswith(measure_prefix)}


def get(fig, measure, group="All", field="value"):
    rows = fig[(fig["measure"] == measure) & (fig["group"] == group)]
    assert len(rows) == 1, (measure, group, len(rows))
    return rows.iloc[0][field]


# --- cohorts and matching ---------------------------------------------------------------------------


def test_each_child_is_matched_or_has_one_reason(small):
    _, cohorts = small
    now = cohorts[0]
    reasons = now.linkage.set_index("child_id")["reason"].to_dict()
    assert reasons == {
        "C1": X.MATCHED,
        "C2": X.MATCHED,
        "C3": X.NO_LINK,
        "C4": X.NOT_IN_CENSUS,
        "C5": X.OUT_OF_RANGE,
        "C6": X.SHARED_PUPIL,
        "C7": X.SHARED_PUPIL,
        "C8": X.LINK_SET_ASIDE,
    }
    fig = X.linkage_figures(now)
    assert get(fig, "caseload_pupil_match", field="numerator") == 8  # C9 was not on the caseload in the quarter
    assert get(fig, "caseload_pupil_match", X.MATCHED, "numerator") == 2
    assert get(fig, "caseload_pupil_match", X.SHARED_PUPIL, "numerator") == 2
    assert get(fig, "caseload_pupil_match", X.MATCHED) == pytest.approx(25.0)


def test_unmatched_children_go_to_the_quarantine_with_reasons(small, tmp_path):
    _, cohorts = small
    path = X.write_unmatched(cohorts[0], tmp_path / "quarantine")
    assert path == tmp_path / "quarantine" / "exclusions_unmatched_children.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(rows.columns) == ["quarter", "child_id", "pupil_id", "academic_year", "nc_year", "nc_years", "reason"]
    assert sorted(rows["child_id"]) == ["C3", "C4", "C5", "C6", "C7", "C8"]
    assert rows.set_index("child_id").loc["C5", "nc_year"] == "12"
    assert set(rows["quarter"]) == {"2022-23 Q4"}


def test_borough_cohort_is_every_pupil_in_the_nc_years(small):
    _, cohorts = small
    now = cohorts[0]
    assert now.label == "2022/23 to 31 March 2023" and now.academic_year == "2022/23" and not now.rolled_forward
    assert sorted(now.pupils["pupil_id"]) == ["P1", "P2", "P6", "P7", "P8", "P9"]  # not P5 (Year 12) nor P10 (Year 5)
    assert sorted(now.yjs["child_id"]) == ["C1", "C2"]  # P6 is shared by two children: borough only
    per = now.pupils.set_index("pupil_id")
    assert (
        per.loc["P1", "suspensions"] == 3
    )  # October, December, February (two schools); not April, not June, not lunchtime
    assert per.loc["P1", "days"] == 8.5  # (4 + 10 + 3) sessions / 2
    assert per.loc["P1", "lunchtime"] == 1
    assert per.loc["P2", ["suspensions", "days", "permanent"]].tolist() == [1, 3.0, 1]
    assert per.loc["P9", ["suspensions", "days"]].tolist() == [1, 0.0]
    assert now.missing_sessions == 1  # P9's suspension has no length
    assert now.not_in_census == 1  # P4's suspension: P4 is not in the 2022/23 census


def test_headline_measures_by_hand(small):
    _, cohorts = small
    fig = X.headline(cohorts[0])
    # children known to the YJS: P1 (3 suspensions, 8.5 days) and P2 (1 suspension, 3 days, 1 permanent exclusion)
    expected = {
        "yjs_pupils": 2,
        "yjs_one_plus_suspension_rate": 100.0,
        "yjs_suspension_rate": 200.0,
        "yjs_suspensions_per_suspended_child": 2.0,
        "yjs_days_lost_per_suspended_child": 5.75,
        "yjs_days_lost_per_pupil": 5.75,
        "yjs_permanent_exclusion_rate": 50.0,
        "yjs_lunchtime_suspensions": 1,
        # borough: P1, P2, P6 (1, 1 day), P7 (2, 2.5 days, 1 permanent), P8 (none), P9 (1, no length)
        "borough_pupils": 6,
        "borough_one_plus_suspension_rate": 500 / 6,
        "borough_suspension_rate": 800 / 6,
        "borough_suspensions_per_suspended_child": 1.6,
        "borough_days_lost_per_suspended_child": 3.0,
        "borough_days_lost_per_pupil": 2.5,
        "borough_permanent_exclusion_rate": 200 / 6,
        "borough_lunchtime_suspensions": 1,
        "yjs_share_of_permanent_exclusions": 50.0,
        "ratio_one_plus_suspension_rate": 1.2,
        "ratio_suspension_rate": 1.5,
        "ratio_suspensions_per_suspended_child": 1.25,
        "ratio_days_lost_per_suspended_child": 5.75 / 3,
        "ratio_days_lost_per_pupil": 5.75 / 2.5,
        "ratio_permanent_exclusion_rate": 1.5,
    }
    got = {m: get(fig, m) for m in expected}
    assert got == pytest.approx(expected)
    assert get(fig, "yjs_suspension_rate", field="numerator") == 4
    assert get(fig, "borough_days_lost_per_pupil", field="numerator") == 15
    assert get(fig, "ratio_one_plus_suspension_rate", field="numerator") == 2
    assert get(fig, "ratio_one_plus_suspension_rate", field="numerator_2") == 5
    _, lo, hi = intervals.katz_ratio(2, 2, 5, 6)
    assert (
        get(fig, "ratio_one_plus_suspension_rate", field="lower"),
        get(fig, "ratio_one_plus_suspension_rate", field="upper"),
    ) == pytest.approx((lo, hi))
    assert set(fig["period"]) == {"academic year 2022/23 to 31 March 2023"}


def test_ratio_of_means_interval_by_hand():
    # suspensions per suspended child: YJS [3, 1] (mean 2, variance 2); borough [3, 1, 1, 2, 1] (mean 1.6, variance 0.8)
    ratio, lo, hi = X.mean_ratio(4, 10, 2, 8, 16, 5)
    se = math.sqrt(2 / 2 / 2**2 + 0.8 / 5 / 1.6**2)
    assert ratio == pytest.approx(1.25)
    assert (lo, hi) == pytest.approx((1.25 * math.exp(-1.959964 * se), 1.25 * math.exp(1.959964 * se)), rel=1e-6)
    mean, mlo, mhi = X.mean_interval(8, 16, 5)
    assert mean == pytest.approx(1.6) and mlo < 1.6 < mhi
    assert all(np.isnan(X.mean_ratio(0, 0, 3, 5, 9, 4)[1:]))  # a zero mean has no interval
    assert np.isnan(X.mean_interval(3, 9, 1)[1])  # nor does one child


def test_previous_full_year_uses_that_years_census_and_caseload(small):
    _, cohorts = small
    assert [c.label for c in cohorts] == ["2022/23 to 31 March 2023", "2021/22"]
    before = cohorts[1]
    assert before.period == academic_year("2021/22") and before.quarter == Quarter.parse("2021-22 Q4")
    assert before.caseload.empty  # nobody was on the caseload in January to March 2022
    fig = X.compare(before, breakdown="academic_year", group=before.label)
    assert get(fig, "borough_pupils", "2021/22") == 2  # P1 and P4 in Year 8
    assert get(fig, "borough_suspension_rate", "2021/22", "numerator") == 1  # P1's suspension of June 2022
    years = X.by_year(cohorts)
    assert list(dict.fromkeys(years["group"])) == ["2021/22", "2022/23 to 31 March 2023"]


def test_breakdowns_by_sen_and_looked_after(small):
    tables, cohorts = small
    fig = X.by_characteristic(cohorts[0], "sen")
    assert values(fig, "yjs_one_plus") == pytest.approx(
        {
            ("yjs_one_plus_suspension_rate", "EHCP"): 100.0,
            ("yjs_one_plus_suspension_rate", "SEN support"): 100.0,
            ("yjs_one_plus_suspension_rate", "No SEN"): float("nan"),
            ("yjs_one_plus_suspension_rate", "All"): 100.0,
        },
        nan_ok=True,
    )
    assert get(fig, "borough_one_plus_suspension_rate", "SEN support") == 50.0  # P1 of P1 and P8
    assert get(fig, "borough_one_plus_suspension_rate", "No SEN") == 100.0  # P6, P7, P9
    assert get(fig, "borough_permanent_exclusion_rate", "No SEN", "numerator") == 1  # P7
    assert get(fig, "ratio_one_plus_suspension_rate", "SEN support") == pytest.approx(2.0)
    lac = X.by_looked_after(cohorts[0], tables)
    assert get(lac, "yjs_one_plus_suspension_rate", X.LOOKED_AFTER, "denominator") == 1  # C2
    assert get(lac, "yjs_permanent_exclusion_rate", X.LOOKED_AFTER, "numerator") == 1
    assert get(lac, "yjs_one_plus_suspension_rate", X.NOT_LOOKED_AFTER, "denominator") == 1
    assert not lac["measure"].str.startswith("borough").any()
    phase = X.by_characteristic(cohorts[0], "school_phase")
    assert get(phase, "borough_one_plus_suspension_rate", "Primary school", "denominator") == 1  # P7 (P10 is Year 5)
    sex = X.by_characteristic(cohorts[0], "sex")
    assert get(sex, "yjs_one_plus_suspension_rate", "Female", "numerator") == 1
    eth = X.by_characteristic(cohorts[0], "ethnic_group")
    assert get(eth, "yjs_one_plus_suspension_rate", "Black", "numerator") == 1
    assert "Not known" not in set(eth["group"])  # no pupil has an unknown ethnicity


def test_reasons_and_where_permanently_excluded_pupils_now_learn(small):
    _, cohorts = small
    fig = X.by_reason(cohorts[0])
    order = list(dict.fromkeys(fig["group"]))
    assert order == [
        "Persistent disruptive behaviour",
        "Damage",
        "Physical assault against a pupil",
        "Verbal abuse or threatening behaviour against an adult",
        "Use or threat of use of an offensive weapon or prohibited item",
        "All",
    ]
    assert get(fig, "yjs_suspensions_by_reason", "Persistent disruptive behaviour") == 50.0  # 2 of P1 and P2's 4
    assert get(fig, "borough_suspensions_by_reason", "Persistent disruptive behaviour") == 62.5  # 5 of 8
    assert (
        get(fig, "yjs_permanent_exclusions_by_reason", "Use or threat of use of an offensive weapon or prohibited item")
        == 1
    )
    assert get(fig, "borough_permanent_exclusions_by_reason", "All") == 2
    where = X.by_provision(cohorts[0])
    assert get(where, "yjs_permanent_exclusions_by_provision", "Pupil referral unit") == 1
    assert get(where, "borough_permanent_exclusions_by_provision", X.NOT_RECORDED) == 1  # P7's was left blank
    assert get(where, "borough_permanent_exclusions_by_provision", "All") == 2


def test_an_empty_cohort_records_zeros_not_missing_rows(small):
    # no child known to the YJS in the exclusions data (no link to a pupil record) and no exclusion at all in the
    # period: every table keeps its rows, each count is 0 (shown: a 0 is not a small number) and each share, rate,
    # mean or ratio with a base of 0 is undefined ([x]), never a row left out
    tables, cohorts = small
    empty_tables = dict(tables, pupil_link=tables["pupil_link"].iloc[0:0], exclusions=tables["exclusions"].iloc[0:0])
    empty = X.yearly_cohorts(empty_tables, QUARTER)
    now = empty[0]
    assert len(now.yjs) == 0 and len(now.exclusions) == 0 and len(now.pupils) > 0
    made = {
        "headline": lambda cs, tb: X.headline(cs[0]),
        "by_year": lambda cs, tb: X.by_year(cs),
        "by_term": lambda cs, tb: X.by_term(cs),
        "sen": lambda cs, tb: X.by_characteristic(cs[0], "sen"),
        "looked_after": lambda cs, tb: X.by_looked_after(cs[0], tb),
        "provision": lambda cs, tb: X.by_provision(cs[0]),
        "timing": lambda cs, tb: X.timing(cs[0], tb),
        "reason": lambda cs, tb: X.by_reason(cs[0]),
        "notes": lambda cs, tb: X.data_notes(cs[0]),
    }
    for name, make in made.items():
        full, fig = make(cohorts, tables), make(empty, empty_tables)
        rows = lambda f: set(zip(f["measure"], f["breakdown"], f["group"]))
        if name == "reason":  # no reason to order them by: every reason, each 0
            assert set(fig["group"]) == {*X.codes.EXCLUSION_REASONS.values(), "All"}
            assert rows(full) <= rows(fig)
        else:
            assert rows(fig) == rows(full), name
        yjs = fig[fig["measure"].str.startswith(("yjs_", "timing_", "exclusions_of_", "suspensions_without_"))]
        assert len(yjs), name
        assert (yjs["numerator"] == 0).all(), name  # a count of 0, never missing
        counts = yjs[yjs["kind"] == "count"]
        assert (counts["value"] == 0).all(), name
        no_base = yjs[yjs["kind"].isin(["share", "rate", "mean"]) & (yjs["denominator"] == 0)]
        assert no_base["value"].isna().all(), name
        assert fig.loc[fig["measure"].str.startswith("ratio_"), "value"].isna().all(), name
        assert not suppression.primary(counts).any(), name  # zeros are shown
    assert T.reasons(X.by_reason(now))[1] == "No child known to the YJS was suspended in the period."


def test_terms_count_each_exclusion_where_it_starts(small):
    _, cohorts = small
    fig = X.by_term(cohorts)
    now = fig[fig["period"] == "academic year 2022/23 to 31 March 2023"]
    # the December suspension runs on into January but counts in the autumn term; no summer term yet
    assert values(now, "yjs_term_suspensions") == {
        ("yjs_term_suspensions", "Autumn term 2022"): 2,
        ("yjs_term_suspensions", "Spring term 2023"): 2,
        ("yjs_term_suspensions", "All"): 4,
    }
    assert get(now, "yjs_term_one_plus_suspension_rate", "Autumn term 2022") == 50.0  # P1 only
    assert get(now, "borough_term_suspensions", "Autumn term 2022") == 4  # P1 twice, P6, P7
    assert get(now, "borough_term_one_plus_suspension_rate", "Spring term 2023", "numerator") == 4  # P1, P2, P7, P9
    older = fig[fig["period"] == "academic year 2021/22"]
    assert get(older, "borough_term_suspensions", "Summer term 2022") == 1


def test_term_rule():
    days = pd.Series(
        pd.to_datetime(["2024-09-01", "2024-12-31", "2025-01-01", "2025-03-31", "2025-04-01", "2025-08-31"])
    )
    assert X.term_of(days).values.tolist() == [
        ["2024/25", "Autumn"],
        ["2024/25", "Autumn"],
        ["2024/25", "Spring"],
        ["2024/25", "Spring"],
        ["2024/25", "Summer"],
        ["2024/25", "Summer"],
    ]
    assert (
        X.term_label("2024/25", "Autumn") == "Autumn term 2024"
        and X.term_label("2024/25", "Summer") == "Summer term 2025"
    )
    assert X.terms_in(Quarter.parse("2025-26 Q1").academic_year_to_date) == [
        ("Autumn", True),
        ("Spring", True),
        ("Summer", False),
    ]
    assert X.terms_in(Quarter.parse("2025-26 Q3").academic_year_to_date) == [("Autumn", True)]
    assert T.term_axis_label("Summer term 2026 (to 30 June)") == "Sum\n2026*"


def test_timing_against_first_involvement(small):
    tables, cohorts = small
    first = X.first_involvement(tables)
    assert str(first["C1"].date()) == "2022-09-01" and str(first["C2"].date()) == "2022-09-20"  # outcome before episode
    fig = X.timing(cohorts[0], tables)
    assert values(fig) == {
        ("timing_suspensions", X.BEFORE): 1,
        ("timing_suspensions", X.AFTER): 3 + 1,
        ("timing_suspensions", "All"): 5,
        ("timing_permanent_exclusions", X.BEFORE): 0,
        ("timing_permanent_exclusions", X.AFTER): 1,
        ("timing_permanent_exclusions", "All"): 1,
        ("timing_children_first_suspended", X.BEFORE): 1,
        ("timing_children_first_suspended", X.AFTER): 1,
        ("timing_children_first_suspended", "All"): 2,
    }


def test_census_is_rolled_forward_until_the_spring_census(small):
    tables, _ = small
    rows, rolled = X.census(tables["pupils"], "2023/24")
    assert rolled and set(rows["academic_year"]) == {"2023/24"}
    moved = rows.set_index("pupil_id")
    assert moved.loc["P7", "nc_year"] == 7 and moved.loc["P7", "phase"] == "SECONDARY"
    assert moved.loc["P1", "nc_year"] == 10
    rows, rolled = X.census(tables["pupils"], "2022/23")
    assert not rolled
    assert X.census(tables["pupils"], "2030/31")[0].empty
    cohort = X.build_cohort(tables, "2023-24 Q2")  # September 2023: no 2023/24 census in the extract
    assert cohort.rolled_forward and cohort.label == "2023/24 to 30 September 2023"


def test_census_codes_held_as_categories_roll_forward_too():
    # yearly_cohorts reads the census codes as categories; a year with only primary pupils has no SECONDARY yet
    pupils = pd.DataFrame(
        {
            "academic_year": ["2022/23", "2022/23"],
            "pupil_id": ["P1", "P2"],
            "phase": ["PRIMARY", "PRIMARY"],
            "nc_year": [6, 5],
            "sex": ["F", "M"],
            "ethnicity": ["WBRI", "ABAN"],
            "sen_provision": ["N", "K"],
        }
    )
    rows, rolled = X.census(pupils.astype(dict.fromkeys(X.CENSUS_CODES, "category")), "2023/24")
    assert rolled and rows.set_index("pupil_id")["phase"].astype(str).to_dict() == {"P1": "SECONDARY", "P2": "PRIMARY"}
    assert rows["nc_year"].tolist() == [7, 6] and set(rows["academic_year"]) == {"2023/24"}


def test_nc_year_parameters_are_checked():
    assert X.check_nc_years(6, 11) == (6, 11)
    assert X.check_nc_years("7", " 9") == (7, 9)  # as `refresh --set nc_year_from=7` passes it
    for bad in ((11, 6), (-1, 6), (6, 15), (6.0, 11), ("six", 11), ("-1", 11), (True, 11)):
        with pytest.raises(X.NCYearError):
            X.check_nc_years(*bad)
    assert (
        X.nc_label(6, 11) == "Years 6 to 11"
        and X.nc_label(9, 9) == "Year 9"
        and X.nc_label(0, 6) == "Reception to Year 6"
    )


def test_isin_is_plain_isin():
    values = pd.Series(["a", None, "c", "b"], dtype="string")
    assert X.isin(values, pd.Series(["b", "a", None], dtype="string")).tolist() == [True, False, False, True]
    assert X.isin(values, []).tolist() == [False] * 4


# --- suppression -------------------------------------------------------------------------------


def test_a_ratio_is_withheld_when_its_yjs_figure_is_withheld(small):
    _, cohorts = small
    fig = X.by_characteristic(cohorts[0], "sen")  # YJS groups of 1 child
    published = suppression.apply(figures.frame(fig), extend=X.protect_ratios)
    ratios = published[published["measure"] == "ratio_one_plus_suspension_rate"]
    assert ratios["suppressed"].all() and ratios["value"].isna().all() and ratios["lower"].isna().all()
    # in restricted mode they are marked but kept
    restricted = suppression.apply(figures.frame(fig), restricted=True, extend=X.protect_ratios)
    kept = restricted[restricted["measure"] == "ratio_one_plus_suspension_rate"]
    assert kept["suppressed"].all() and kept["value"].notna().any()


def test_secondary_suppression_reaches_a_ratio():
    # YJS: 10 of 30 suspended overall; 2 of 5 in group A (withheld), 8 of 25 in B (withheld by secondary suppression)
    fig = figures.frame(
        [
            *(
                {
                    "measure": "yjs_one_plus_suspension_rate",
                    "breakdown": "b",
                    "group": g,
                    "kind": "share",
                    "numerator": k,
                    "denominator": n,
                    "value": 100 * k / n,
                }
                for g, k, n in (("A", 2, 5), ("B", 8, 25), ("All", 10, 30))
            ),
            *(
                {
                    "measure": "ratio_one_plus_suspension_rate",
                    "breakdown": "b",
                    "group": g,
                    "kind": "ratio",
                    "numerator": k,
                    "numerator_2": 500,
                    "value": 3.0,
                    "lower": 2.0,
                    "upper": 4.0,
                }
                for g, k in (("A", 2), ("B", 8), ("All", 10))
            ),
        ]
    )
    out = suppression.apply(fig, extend=X.protect_ratios)
    ratios = out[out["measure"] == "ratio_one_plus_suspension_rate"].set_index("group")
    assert ratios.loc[["A", "B"], "suppressed"].all() and ratios.loc[["A", "B"], "value"].isna().all()
    assert not ratios.loc["All", "suppressed"] and ratios.loc["All", "value"] == 3.0
    # without the report's rule, the disclosure audit finds the same leak (B's ratio shows B's count, 8, and the
    # total 10 then gives A's 2 back) and withholds B's ratio too
    alone = suppression.apply(fig).set_index(["measure", "group"])
    assert alone.loc[("ratio_one_plus_suspension_rate", "B"), "suppressed"]


# --- the 2022-23 plan's paragraph -----------------------------------------------------------------


def _paragraph_tables() -> dict:
    """180 children on the caseload in 2021-22 Q4, all pupils in Years 6 to 11 in 2021/22; 41 of them suspended 126
    times for 664 sessions; 1,024 other pupils suspended 2,460 times for 9,773 sessions (so 1,065 pupils, 2,586
    suspensions, 10,437 sessions in all); 9 of the 39 permanent exclusions of children in the YJS cohort."""
    n_yjs, n_borough = 180, 18_000
    kids = [f"C{i:03d}" for i in range(n_yjs)]
    pids = [f"P{i:05d}" for i in range(n_borough)]
    caseload = pd.DataFrame(
        {
            "episode_id": [f"E{i}" for i in range(n_yjs)],
            "child_id": kids,
            "start_date": pd.Timestamp("2021-11-01"),
            "end_date": pd.NaT,
            "episode_type": "REFERRAL_ORDER",
        }
    )
    link = pd.DataFrame({"child_id": kids, "pupil_id": pids[:n_yjs]})
    pupils = pd.DataFrame(
        {
            "pupil_id": pids,
            "academic_year": "2021/22",
            "school_id": "S1",
            "phase": "SECONDARY",
            "nc_year": pd.array(6 + np.arange(n_borough) % 6, dtype="Int64"),
            "sex": "M",
            "ethnicity": "WBRI",
            "sen_provision": "N",
        }
    )
    # YJS: 38 children suspended 3 times and 3 children 4 times (126); 92 suspensions of 5 sessions and 34 of 6 (664)
    yjs_counts = [3] * 38 + [4] * 3
    # others: 412 pupils suspended 3 times and 612 twice (2,460); 2,393 suspensions of 4 sessions and 67 of 3 (9,773)
    other_counts = [3] * 412 + [2] * 612
    susp_pupils = (
        np.repeat(pids[:41], yjs_counts).tolist() + np.repeat(pids[n_yjs : n_yjs + 1024], other_counts).tolist()
    )
    sessions = [5] * 92 + [6] * 34 + [4] * 2393 + [3] * 67
    days = pd.date_range("2021-09-06", "2022-03-31", freq="B")
    susp = pd.DataFrame(
        {
            "pupil_id": susp_pupils,
            "category": "FIXD",
            "sessions": sessions,
            "start_date": days[np.arange(len(susp_pupils)) % len(days)],
        }
    )
    perm = pd.DataFrame(
        {
            "pupil_id": pids[41:50] + pids[2000:2030],
            "category": "PERM",
            "sessions": None,
            "start_date": pd.Timestamp("2022-02-01"),
        }
    )
    noise = pd.DataFrame(
        {  # none of these count: lunchtime, after March, the year before
            "pupil_id": [pids[0], pids[1], pids[2]],
            "category": ["LNCH", "FIXD", "FIXD"],
            "sessions": [1, 4, 4],
            "start_date": pd.to_datetime(["2022-01-10", "2022-04-25", "2021-07-01"]),
        }
    )
    ex = pd.concat([susp, perm, noise], ignore_index=True)
    ex = ex.assign(
        exclusion_id=[f"X{i}" for i in range(len(ex))],
        school_id="S1",
        reason="persistent_disruptive",
        nc_year=pd.array([9] * len(ex), dtype="Int64"),
        post_exclusion_provision=pd.NA,
        sessions=pd.array(ex["sessions"], dtype="Int64"),
    )
    tables = {"caseload": caseload, "pupil_link": link, "pupils": pupils, "exclusions": ex}
    for name in ("caseload", "pupil_link", "pupils", "exclusions"):
        for column in EXTRACTS[name].columns:
            if column.kind in ("id", "code", "text"):
                tables[name][column.name] = tables[name][column.name].astype("string")
    return tables


@pytest.fixture(scope="module")
def paragraph():
    cohort = X.build_cohort(_paragraph_tables(), "2021-22 Q4")
    head = suppression.apply(figures.frame(X.headline(cohort)))
    match = suppression.apply(X.linkage_figures(cohort))
    return cohort, head, match


def test_the_2022_23_paragraph_is_reproduced(paragraph):
    cohort, head, match = paragraph
    shown = lambda m, field="value": get(head, m, field=field)
    assert len(cohort.caseload) == 180 and get(match, "caseload_pupil_match", X.MATCHED, "numerator") == 180
    assert shown("yjs_one_plus_suspension_rate", "numerator") == 41
    assert shown("yjs_suspension_rate", "numerator") == 126
    assert formatting.figure(shown("yjs_suspensions_per_suspended_child"), "mean") == "3.1"
    assert formatting.figure(shown("yjs_days_lost_per_suspended_child"), "mean") == "8.1"
    assert shown("borough_suspension_rate", "numerator") == 2586
    assert shown("borough_one_plus_suspension_rate", "numerator") == 1065
    assert formatting.figure(shown("borough_suspensions_per_suspended_child"), "mean") == "2.4"
    assert formatting.figure(shown("borough_days_lost_per_suspended_child"), "mean") == "4.9"
    assert (
        shown("yjs_permanent_exclusion_rate", "numerator") == 9
        and shown("borough_permanent_exclusion_rate", "numerator") == 39
    )
    assert formatting.figure(shown("yjs_share_of_permanent_exclusions"), "share") == "23.1%"
    assert formatting.figure(shown("yjs_one_plus_suspension_rate"), "share") == "22.8%"  # 41 of 180
    # the only figures withheld: the single lunchtime suspension, in both columns
    assert sorted(head.loc[head["suppressed"], "measure"]) == [
        "borough_lunchtime_suspensions",
        "yjs_lunchtime_suspensions",
    ]


def test_the_2022_23_paragraph_in_words(paragraph):
    cohort, head, match = paragraph
    words = " ".join(T.overview(head, match, cohort))
    for phrase in (
        "180 children were on the YJS caseload during 2021-22 Q4",
        "41 children (22.8%) were suspended at least once",
        "They received 126 suspensions, 3.1 per suspended child against 2.4 across the borough",
        "lost 8.1 school days per suspended child against 4.9",
        "9 of the borough's 39 permanent exclusions (23.1%) were of children known to the YJS",
    ):
        assert phrase in words, phrase
    assert "FTE" not in words and "fixed" not in words.lower()
    assert T.headline(head, cohort).startswith("Children known to the YJS were")


# --- words and the notebook ----------------------------------------------------------------------


def test_sentences_never_show_withheld_numbers(small):
    _, cohorts = small
    now = cohorts[0]
    head = suppression.apply(figures.frame(X.headline(now)))
    match = suppression.apply(X.linkage_figures(now))
    words = " ".join(T.overview(head, match, now)) + T.headline(head, now) + T.matching(match, now)
    assert "[c]" in words
    for leak in ("100.0%", "5.8", "2.0 per", "1.2 times"):
        assert leak not in words, leak
    view = T.table_view(head)
    assert view.loc[view["measure"] == "yjs", "suppressed"].all()  # every YJS figure rests on 1 to 4 children here


def test_method_notes_use_the_dfe_terms():
    notes = T.METHOD_NOTES
    assert "suspension" in notes and "fixed-period exclusion before 2021/22" in notes
    assert notes.count("FTE") == 1 and '"FTE" always means first time entrant' in notes
    assert "Lunchtime suspensions are counted separately" in notes
    assert "sessions divided by two" in notes


def _parameters(name: str) -> dict:
    nb = json.loads((REPO / "notebooks" / name).read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    scope: dict = {}
    exec("".join(cell["source"]), scope)
    return {k: v for k, v in scope.items() if not k.startswith("__")}


def test_notebook_parameters_are_the_standard_six_and_the_nc_years():
    mine, overview = _parameters("20_exclusions.ipynb"), _parameters("00_overview.ipynb")
    standard = {k: v for k, v in overview.items() if k != "comparators_path"}  # the overview's own comparators
    assert mine == standard | {"nc_year_from": 6, "nc_year_to": 11}


# --- titles that never over-claim: hand-made published figures -----------------------------------------------------

PERIOD = "academic year 2022/23"
PHASES = ["Primary school", "Secondary school", "Special school", "Alternative provision"]


def share_row(measure, group, value, n=20, base=100, period=PERIOD, suppressed=False):
    """A published share: `value` None is withheld ([c]); NaN with suppressed False is not available ([x])."""
    withheld = suppressed or value is None
    return {
        "measure": measure,
        "breakdown": "school_phase",
        "group": group,
        "period": period,
        "kind": "share",
        "value": math.nan if value is None else value,
        "numerator": math.nan if withheld or value is None or math.isnan(value) else n,
        "denominator": math.nan if withheld else base,
        "suppressed": withheld,
    }


def by_phase(yjs: dict, borough: dict | None = None) -> pd.DataFrame:
    """A breakdown by school phase: each group's YJS share (None: withheld) against the borough's (6.0% unless
    given)."""
    borough = borough or {}
    rows = [share_row("yjs_one_plus_suspension_rate", figures.TOTAL, 30.0)]
    rows += [share_row("borough_one_plus_suspension_rate", figures.TOTAL, 6.0)]
    for g in PHASES:
        rows.append(share_row("yjs_one_plus_suspension_rate", g, yjs.get(g)))
        rows.append(share_row("borough_one_plus_suspension_rate", g, borough.get(g, 6.0)))
    return figures.frame(rows)


CLAIM = "children known to the YJS were more often suspended than pupils across the borough"


def test_whatever_their_type_of_school_only_when_every_group_is_shown():
    fig = by_phase({g: 30.0 + i for i, g in enumerate(PHASES)})
    assert T.breakdown_title(fig, "type of school") == f"Whatever their type of school, {CLAIM}"
    assert "In every group shown it was above" in T.breakdown(fig, "type of school")
    assert "withheld" not in T.breakdown(fig, "type of school")


def test_one_group_shown_of_four_is_the_claim_for_that_group_only():
    fig = by_phase({"Secondary school": 38.3})
    title = T.breakdown_title(fig, "type of school")
    assert title == f"In the one group that can be shown (secondary school), {CLAIM}"
    said = T.breakdown(fig, "type of school")
    assert said.startswith(
        "Among children known to the YJS, only the secondary school group can be shown: 38.3% of them were "
        "suspended at least once, against 6.0% of all pupils in the same group."
    )
    assert "highest" not in said and "every" not in said and "3 groups are withheld or not available" in said


def test_two_groups_shown_of_four():
    fig = by_phase({"Secondary school": 38.3, "Special school": 50.0})
    assert T.breakdown_title(fig, "type of school") == (
        f"In the 2 groups that can be shown (secondary school and special school), {CLAIM}"
    )
    said = T.breakdown(fig, "type of school")
    assert said.startswith("Of the groups that can be shown, the share of children known to the YJS suspended at least")
    assert "was highest for the special school group (50.0%)" in said


def test_no_group_shown_gives_the_neutral_title():
    fig = by_phase({})
    assert T.breakdown_title(fig, "type of school") == "Share suspended at least once by type of school"
    assert "withheld" in T.breakdown(fig, "type of school")


def test_a_group_not_available_is_not_shown():
    fig = by_phase(
        {"Primary school": math.nan, "Secondary school": 38.3, "Special school": 40.0, "Alternative provision": 41.0}
    )
    assert T.breakdown_title(fig, "type of school").startswith("In the 3 groups that can be shown (secondary school,")


def test_no_claim_when_a_group_shown_goes_the_other_way_or_prints_the_same():
    fig = by_phase(dict.fromkeys(PHASES, 30.0), {"Special school": 31.0})
    assert T.breakdown_title(fig, "type of school") == "Share suspended at least once by type of school"
    fig = by_phase(dict.fromkeys(PHASES, 30.0), {"Special school": 29.96})  # 30.0% against 30.0% as printed
    assert T.breakdown_title(fig, "type of school") == "Share suspended at least once by type of school"


TERMS = ["Autumn term 2022", "Spring term 2023", "Summer term 2023", "Autumn term 2023", "Spring term 2024"]


def by_term(yjs: list, borough: list | None = None) -> pd.DataFrame:
    """Term shares, oldest first (None withheld), each year with its 'All' row as by_term gives them."""
    borough = borough or [5.0] * len(yjs)
    rows = []
    for term, y, b in zip(TERMS, yjs, borough):
        period = f"academic year {term[-4:]}"
        rows.append(share_row("yjs_term_one_plus_suspension_rate", term, y, period=period))
        rows.append(share_row("borough_term_one_plus_suspension_rate", term, b, period=period))
    for period in dict.fromkeys(r["period"] for r in rows):
        rows.append(share_row("yjs_term_one_plus_suspension_rate", figures.TOTAL, 40.0, period=period))
        rows.append(share_row("borough_term_one_plus_suspension_rate", figures.TOTAL, 8.0, period=period))
    return figures.frame(rows).assign(breakdown="term")


def test_in_every_term_only_when_every_term_is_shown():
    assert T.terms_title(by_term([25.0, 20.0, 22.0, 30.0, 21.0])) == (
        "In every term since autumn 2022, children known to the YJS were at least 4 times as likely to be suspended "
        "as pupils across the borough"
    )
    assert T.terms_title(by_term([25.0, None, 22.0, 30.0, 21.0])) == (
        "In every term since autumn 2022 that can be shown (all but spring 2023), children known to the YJS were at "
        "least 4 times as likely to be suspended as pupils across the borough"
    )
    assert T.terms_title(by_term([None, None, 22.0, None, 21.0])) == (
        "In every term since autumn 2022 that can be shown (2 of 5), children known to the YJS were at least 4 "
        "times as likely to be suspended as pupils across the borough"
    )
    assert T.terms_title(by_term([None, None, 22.0, None, None])) == (
        "In the one term of 5 that can be shown (summer 2023), children known to the YJS were at least 4 times as "
        "likely to be suspended as pupils across the borough"
    )
    assert T.terms_title(by_term([None] * 5)) == "Share of children suspended at least once in each term"
    assert T.terms_title(by_term([25.0, 4.0, None, 30.0, 21.0])) == (
        "Children known to the YJS were more often suspended than pupils across the borough in 3 of the 4 terms "
        "that can be shown"
    )


def test_at_least_n_times_holds_for_the_shares_as_printed():
    # 7.94% against 1.98%: 4.01 times, but 7.9% against 2.0% as the table prints them is 3.95
    title = T.terms_title(by_term([7.94] * 5, [1.98] * 5))
    assert "at least 3 times as likely" in title


def test_a_ratio_beside_two_shares_is_their_ratio_or_says_how_it_was_worked_out():
    cohort = SimpleNamespace(no_census=False, nc_text="Years 6 to 11", period=SimpleNamespace(label=PERIOD))

    def head(y, b):
        rows = [
            share_row("yjs_one_plus_suspension_rate", figures.TOTAL, y),
            share_row("borough_one_plus_suspension_rate", figures.TOTAL, b),
            {
                **share_row("ratio_one_plus_suspension_rate", figures.TOTAL, y / b),
                "kind": "ratio",
                "lower": 5.0,
                "upper": 8.0,
            },
        ]
        return figures.frame(rows)

    assert T.headline(head(38.71, 5.355), cohort) == (
        "Children known to the YJS were 7.2 times as likely to be suspended as pupils across the borough: 38.7% "
        "against 5.4% in Years 6 to 11, academic year 2022/23."
    )  # 38.7 / 5.4 = 7.17
    assert T.headline(head(34.32, 5.34), cohort) == (
        "Children known to the YJS were 6.4 times as likely to be suspended as pupils across the borough (worked out "
        "from the unrounded percentages): 34.3% against 5.3% in Years 6 to 11, academic year 2022/23."
    )  # 34.3 / 5.3 = 6.47
    h = head(34.32, 5.34)
    shares = (T.row(h, "yjs_one_plus_suspension_rate"), T.row(h, "borough_one_plus_suspension_rate"))
    assert T.ratio_phrase(T.row(h, "ratio_one_plus_suspension_rate"), shares=shares) == (
        "6.4 times the borough rate (worked out from the unrounded percentages; 95% confidence interval 5.0 to 8.0)"
    )
    h = head(38.71, 5.355)
    shares = (T.row(h, "yjs_one_plus_suspension_rate"), T.row(h, "borough_one_plus_suspension_rate"))
    assert T.ratio_phrase(T.row(h, "ratio_one_plus_suspension_rate"), shares=shares) == (
        "7.2 times the borough rate (95% confidence interval 5.0 to 8.0)"
    )


def reasons_frame(yjs: dict, total: int) -> pd.DataFrame:
    rows = []
    for measure, counts, all_ in (
        ("yjs_suspensions_by_reason", yjs, total),
        ("borough_suspensions_by_reason", {"Persistent disruptive behaviour": 500, "Damage": 100}, 600),
    ):
        for g, n in [*counts.items(), (figures.TOTAL, all_)]:
            rows.append(
                {
                    "measure": measure,
                    "breakdown": "reason",
                    "group": g,
                    "period": PERIOD,
                    "kind": "share",
                    "numerator": math.nan if n is None else n,
                    "denominator": all_,
                    "value": math.nan if n is None else 100 * n / all_,
                    "suppressed": n is None,
                }
            )
    return figures.frame(rows)


def test_the_most_common_reason_is_only_over_those_shown_when_a_withheld_one_could_beat_it():
    sure = reasons_frame({"Persistent disruptive behaviour": 20, "Damage": 6, "Theft": None}, 30)  # Theft is 4
    assert T.reasons(sure)[0] == (
        "Persistent disruptive behaviour was the most common reason for suspension, for children known to the YJS "
        "as for all pupils"
    )
    unsure = reasons_frame({"Persistent disruptive behaviour": 8, "Damage": 6, "Theft": None, "Bullying": None}, 30)
    assert T.reasons(unsure)[0] == (
        "Persistent disruptive behaviour was the most common reason shown for suspending children known to the YJS"
    )


def test_a_withheld_timing_split_is_not_called_small():
    rows = []
    for measure, before, after in (
        ("timing_children_first_suspended", None, None),
        ("timing_suspensions", 30, 12),
        ("timing_permanent_exclusions", None, None),
    ):
        counts = {X.BEFORE: before, X.AFTER: after, figures.TOTAL: 42 if before else 9}
        for g, n in counts.items():
            rows.append(
                {
                    "measure": measure,
                    "breakdown": "timing",
                    "group": g,
                    "period": "exclusions on record up to 31 March 2023",
                    "kind": "count",
                    "numerator": math.nan if n is None else n,
                    "value": math.nan if n is None else n,
                    "suppressed": n is None,
                }
            )
    said = T.timing(figures.frame(rows), "")
    assert "first involvement with youth justice are withheld ([c])" in said
    assert "small" not in said and "few" not in said
