"""KPI 2, suitable education, training or employment at the end of the order: hand-counted children."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import codes
from analysis.data.quarters import Quarter
from analysis.measures.kpi import ete

PERIOD = Quarter.parse("2025-26 Q1").period
T = pd.Timestamp
BORN = {
    "C1": "2010-01-01",  # 15: school age throughout
    "C2": "2007-06-01",  # left school on the last Friday of June 2023: above school age throughout
    "C3": "2010-01-01",
    "C4": "2010-01-01",
    "C5": "2010-01-01",
    "C6": "2009-05-01",  # 16 in May 2025, leaves on Friday 27 June 2025: school age at start, above at the end
}


def population() -> pd.DataFrame:
    """Six referral orders, 1 January to 30 June 2025."""
    return pd.DataFrame(
        {
            "child_id": list(BORN),
            "type_of_order": "referral_order",
            "start_date": T("2025-01-01"),
            "start_point": T("2025-01-01"),
            "end_date": T("2025-06-30"),
            "outcome_date": T("2025-01-01"),
            "date_of_birth": [T(d) for d in BORN.values()],
        }
    )


ETE = pd.DataFrame(
    [
        ("C1", "MAINSTREAM_SCHOOL", "SUITABLE", 30),  # full time
        ("C2", "COLLEGE", "SUITABLE", 12),  # above school age, 12 hours: part time
        ("C3", "NONE", "UNSUITABLE", 0),  # not in ETE; zero hours: part time at start, neither at end (D6)
        # C4: no record, still in the denominator
        ("C5", "SCHOOL_FULL_TIME", "SUITABLE", None),  # no hours recorded
        ("C6", "COLLEGE", "SUITABLE", 20),  # 20 hours: part time at school age (start), full time above it (end)
    ],
    columns=["child_id", "provision_type", "suitability", "hours_offered"],
).assign(start_date=T("2024-09-01"), end_date=pd.NaT)


def value(fig, measure, group, breakdown):
    row = fig[(fig["measure"] == measure) & (fig["group"] == group) & (fig["breakdown"] == breakdown)]
    assert len(row) == 1, (measure, group, breakdown)
    return row.iloc[0]


def test_headline_counts_children_without_a_record_in_the_denominator():
    fig = ete.count(population(), ETE, PERIOD)
    # suitable at end: C1, C2, C5, C6 = 4 of 6 (C3 unsuitable, C4 no record)
    row = value(fig, "kpi2_suitable_ete", "All", "type_of_order")
    assert (row["numerator"], row["denominator"], row["value"]) == (4, 6, pytest.approx(400 / 6))
    assert value(fig, "kpi2_not_recorded", "End of order", "time_point")["numerator"] == 1


def test_school_age_and_above_school_age_at_start_and_end():
    fig = ete.count(population(), ETE, PERIOD)
    # start: school age C1, C3, C4, C5, C6 (5), suitable C1, C5, C6 = 3; above C2 (1), suitable 1
    start = value(fig, "kpi2_suitable_start", "School age", "school_age")
    assert (start["numerator"], start["denominator"]) == (3, 5)
    above = value(fig, "kpi2_suitable_start", "Above school age", "school_age")
    assert (above["numerator"], above["denominator"]) == (1, 1)
    # end: school age C1, C3, C4, C5 (4), suitable C1, C5 = 2; above C2, C6 (2), both suitable
    end = value(fig, "kpi2_suitable_end", "School age", "school_age")
    assert (end["numerator"], end["denominator"]) == (2, 4)
    above_end = value(fig, "kpi2_suitable_end", "Above school age", "school_age")
    assert (above_end["numerator"], above_end["denominator"]) == (2, 2)
    assert value(fig, "kpi2_unsuitable_end", "School age", "school_age")["numerator"] == 1  # C3


def test_part_time_full_time_and_not_in_ete():
    fig = ete.count(population(), ETE, PERIOD)
    # start: full time C1 (30 >= 25); part time C2 (12 < 16), C3 (0), C6 (20 < 25); no hours C5
    # end: full time C1, C6 (20 >= 16 above school age); part time C2 only (C3's zero is neither); no hours C5
    expected = {
        "kpi2_full_time": (1, 2),
        "kpi2_part_time": (3, 1),
        "kpi2_no_hours_recorded": (1, 1),
        "kpi2_not_in_ete": (1, 1),
    }
    for measure, (start, end) in expected.items():
        got = (
            value(fig, measure, "Start of order", "time_point")["numerator"],
            value(fig, measure, "End of order", "time_point")["numerator"],
        )
        assert got == (start, end), measure


def test_school_age_at_start_of_custody_is_taken_on_the_outcome_date():
    # Born 1 Sep 2008: leaves on Friday 27 June 2025. Custody began (outcome date) on Saturday 28 June, so the start
    # point is Friday 27 June: school age on the start point, but above it on the outcome date, which D5 uses.
    # Born 1 Sep 2009: leaves in June 2026, school age either way.
    pop = pd.DataFrame(
        {
            "child_id": ["C1", "C2"],
            "type_of_order": "custody",
            "start_point": T("2025-06-27"),
            "outcome_date": T("2025-06-28"),
            "end_date": T("2025-09-30"),
            "date_of_birth": [T("2008-09-01"), T("2009-09-01")],
        }
    )
    assert list(ete.school_age_at(pop, "start")) == [False, True]
    assert list(ete.school_age_at(pop.assign(type_of_order="yro"), "start")) == [True, True]
    assert list(ete.school_age_at(pop, "end")) == [False, True]


# Provision and hours (start 1 Jan 2025, end 30 Jun 2025): C1 has two placements in different groups at the end; C4
# none; C5 no hours recorded at all; C3 zero hours offered and none attended; C6 changes job on 1 April.
PROVISION = pd.DataFrame(
    [
        ("C1", "MAINSTREAM_SCHOOL", "2024-09-01", None, 25, 20),
        ("C1", "MENTORING_CIRCLE", "2025-05-01", None, 2, 2),
        ("C2", "COLLEGE", "2024-09-01", None, 15, 0),
        ("C3", "NONE", "2024-09-01", None, 0, None),
        ("C5", "SCHOOL_PART_TIME", "2024-09-01", None, None, None),
        ("C6", "EMPLOYMENT", "2024-09-01", "2025-03-31", 16, 16),
        ("C6", "PART_TIME_EMPLOYMENT", "2025-04-01", None, 10, None),
    ],
    columns=["child_id", "provision_type", "start_date", "end_date", "hours_offered", "hours_attended"],
).assign(
    start_date=lambda d: pd.to_datetime(d["start_date"]),
    end_date=lambda d: pd.to_datetime(d["end_date"]),
    suitability="SUITABLE",
)


def counts(fig, measure, breakdown) -> dict[str, int]:
    rows = fig[(fig["measure"] == measure) & (fig["breakdown"] == breakdown)]
    return {g: int(n) for g, n in zip(rows["group"], rows["numerator"]) if n or g == "All"}


def test_children_by_provision_group_at_start_and_end():
    fig = ete.count(population(), PROVISION, PERIOD)
    # start: C1 mainstream school (a full-time school place), C2 college, C3 not in ETE, C5 school part time, C6
    # employment (counted as full time); C4 none: All 5
    assert counts(fig, "kpi2_provision_start", "provision_type") == {
        "School (full-time)": 1,
        "School (part time)": 1,
        "College": 1,
        "Full-time employment": 1,
        "Not in ETE": 1,
        "All": 5,
    }
    # end: C1 in school and in a mentoring circle (both groups), C6 now part-time employment. Groups add to 6, All
    # is the distinct children C1, C2, C3, C5, C6 = 5
    assert counts(fig, "kpi2_provision_end", "provision_type") == {
        "School (full-time)": 1,
        "School (part time)": 1,
        "College": 1,
        "Mentoring circle": 1,
        "Part-time employment": 1,
        "Not in ETE": 1,
        "All": 5,
    }
    groups = list(fig.loc[fig["measure"] == "kpi2_provision_end", "group"])
    assert groups == [*ete.PROVISION_GROUPS, "All"] and groups[-2:] == ["Not in ETE", "All"]


def test_children_by_band_of_hours_offered_and_attended():
    fig = ete.count(population(), PROVISION, PERIOD)
    # offered at the start: C1 25 (25 plus), C2 15 (1 - 15), C6 16 (16 - 24), C3 0 (recorded, so in All, in no
    # band); C5 none recorded: in no band and not in All. All = C1, C2, C3, C6 = 4
    assert counts(fig, "kpi2_hours_offered_start", "hours_band") == {
        "1 - 15 hours": 1,
        "16 - 24 hours": 1,
        "25 hours plus": 1,
        "All": 4,
    }
    # offered at the end: C1 25 + 2 = 27 (25 plus), C2 15 and C6 10 (1 - 15), C3 0; All 4
    assert counts(fig, "kpi2_hours_offered_end", "hours_band") == {"1 - 15 hours": 2, "25 hours plus": 1, "All": 4}
    # attended at the start: C1 20 and C6 16 (16 - 24), C2 0 (in All only); C3, C5 none recorded. All 3
    assert counts(fig, "kpi2_hours_attended_start", "hours_band") == {"16 - 24 hours": 2, "All": 3}
    # attended at the end: C1 20 + 2 = 22 (16 - 24), C2 0; C6's new job has none recorded. All = C1, C2 = 2
    assert counts(fig, "kpi2_hours_attended_end", "hours_band") == {"16 - 24 hours": 1, "All": 2}
    rows = fig[fig["breakdown"] == "hours_band"]
    assert list(rows.loc[rows["measure"] == "kpi2_hours_attended_end", "group"]) == [*ete.HOURS_BANDS, "All"]
    assert set(rows["kind"]) == {"count"}


def test_without_an_attended_column_no_child_has_hours_attended():
    fig = ete.count(population(), ETE, PERIOD)  # ETE has hours offered only
    assert counts(fig, "kpi2_hours_attended_end", "hours_band") == {"All": 0}
    # offered at the end: C1 30 (25 plus), C2 12 (1 - 15), C6 20 (16 - 24), C3 0; C5 none recorded. All 4
    assert counts(fig, "kpi2_hours_offered_end", "hours_band") == {
        "1 - 15 hours": 1,
        "16 - 24 hours": 1,
        "25 hours plus": 1,
        "All": 4,
    }


def test_every_provision_code_has_a_group():
    assert set(ete.PROVISION_GROUP) == set(codes.ETE_PROVISION_TYPES)


def test_figures_is_none_without_ete_status_csv():
    assert ete.figures({"children": pd.DataFrame()}, PERIOD) is None
    assert "ete_status.csv" in ete.missing({}) and "KPI 2" in ete.missing({})
    assert ete.missing({"ete_status": ETE}) == ""
