"""KPI 1, suitable accommodation at the end of the order: hand-counted children."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import codes
from analysis.data.quarters import Quarter
from analysis.measures.kpi import accommodation, orders

PERIOD = Quarter.parse("2025-26 Q1").period
T = pd.Timestamp


def population() -> pd.DataFrame:
    """Four referral orders 1 Jan to 30 Jun 2025 and one custodial sentence whose custody began 10 Jan 2025."""
    return pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C3", "C4", "C5"],
            "type_of_order": ["referral_order"] * 4 + ["custody"],
            "start_date": [T("2025-01-01")] * 4 + [T("2025-01-10")],
            "start_point": [T("2025-01-01")] * 4 + [T("2025-01-09")],
            "end_date": [T("2025-06-30")] * 5,
        }
    )


def records(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, T(s), T(e) if e else pd.NaT, suit, kind) for c, s, e, suit, kind in rows],
        columns=["child_id", "start_date", "end_date", "suitability", "accommodation_type"],
    )


ACCOMMODATION = records(
    [
        ("C1", "2020-01-01", None, "SUITABLE", "AT_HOME"),  # open record: suitable at start and end
        ("C2", "2020-01-01", None, "SUITABLE", "AT_HOME"),  # two at the end, one unsuitable: unsuitable at the end
        ("C2", "2025-06-01", None, "UNSUITABLE", "BED_AND_BREAKFAST"),
        ("C3", "2020-01-01", "2025-03-31", "SUITABLE", "FOSTER_CARE_LA"),  # suitable at start; UNKNOWN at end
        ("C3", "2025-04-01", None, "UNKNOWN", "RESIDENTIAL_UNIT_LA"),
        # C4 has no record: not recorded, still in the denominator
        ("C5", "2024-01-01", "2025-01-09", "UNSUITABLE", "TEMPORARY_ACCOMMODATION"),  # before custody: unsuitable
        ("C5", "2025-01-10", None, "SUITABLE", "SCH"),  # the secure home from custody on: suitable at the end
    ]
)


def value(fig, measure, group, breakdown=None):
    row = fig[(fig["measure"] == measure) & (fig["group"] == group)]
    if breakdown:
        row = row[row["breakdown"] == breakdown]
    assert len(row) == 1, (measure, group)
    return row.iloc[0]


def test_headline_is_children_all_suitable_at_the_end_of_all_children_closing():
    fig = accommodation.count(population(), ACCOMMODATION, PERIOD)
    # suitable at end: C1, C5 = 2 of 5 (C2 has an unsuitable one, C3 UNKNOWN, C4 no record)
    all_ = value(fig, "kpi1_suitable_accommodation", "All")
    assert (all_["numerator"], all_["denominator"], all_["value"]) == (2, 5, pytest.approx(40.0))
    ro = value(fig, "kpi1_suitable_accommodation", orders.LABELS["referral_order"])
    assert (ro["numerator"], ro["denominator"]) == (1, 4)
    assert value(fig, "kpi1_suitable_accommodation", orders.LABELS["yro"])["denominator"] == 0
    groups = list(fig.loc[fig["measure"] == "kpi1_suitable_accommodation", "group"])
    assert groups == [*orders.LABELS.values(), "All"]


def test_start_and_end_split_into_suitable_unsuitable_and_not_recorded():
    fig = accommodation.count(population(), ACCOMMODATION, PERIOD)
    # start: suitable C1, C2, C3 = 3; unsuitable C5 (the day before custody) = 1; not recorded C4 = 1
    # end: suitable C1, C5 = 2; unsuitable C2, C3 = 2; not recorded C4 = 1
    expected = {"Start of order": (3, 1, 1), "End of order": (2, 2, 1)}
    for group, counts in expected.items():
        got = tuple(
            int(value(fig, f"kpi1_{s}", group, "time_point")["numerator"])
            for s in ("suitable", "unsuitable", "not_recorded")
        )
        assert got == counts
    assert value(fig, "kpi1_unsuitable_start", orders.LABELS["custody"])["numerator"] == 1
    # two accommodations current at the end: C2 (C5's ended before the end) = 1; at the start none
    assert value(fig, "kpi1_more_than_one_accommodation", "End of order")["numerator"] == 1
    assert value(fig, "kpi1_more_than_one_accommodation", "Start of order")["numerator"] == 0


# By type of accommodation: C1 has two suitable accommodations in different groups at the end, C2 a suitable and an
# unsuitable one, C4 a record with no suitability (used nowhere). Custody (C5) began 10 Jan: its start is 9 Jan.
BY_TYPE = records(
    [
        ("C1", "2020-01-01", None, "SUITABLE", "LIVING_WITH_PARENT_S"),
        ("C1", "2025-05-01", None, "SUITABLE", "FOSTER_CARE_PRIVATE"),
        ("C2", "2020-01-01", None, "SUITABLE", "AT_HOME"),
        ("C2", "2025-06-01", None, "UNSUITABLE", "NO_FIXED_ABODE"),
        ("C3", "2024-01-01", "2025-03-31", "UNKNOWN", "BAIL_HOSTEL"),
        ("C3", "2025-04-01", None, "SUITABLE", "HOSPITAL"),
        ("C4", "2020-01-01", None, None, "OTHER"),
        ("C5", "2024-01-01", "2025-01-09", "UNSUITABLE", "LIVING_WITH_PARENT_S"),
        ("C5", "2025-01-10", None, "SUITABLE", "STC"),
    ]
)
NO_FIXED_ABODE = "Bed and breakfast, no fixed abode or not known"


def groups(fig, measure) -> dict[str, int]:
    rows = fig[(fig["measure"] == measure) & (fig["breakdown"] == "accommodation_type")]
    return {g: int(n) for g, n in zip(rows["group"], rows["numerator"]) if n or g == "All"}


def test_children_by_accommodation_group_at_start_and_end_split_by_suitability():
    fig = accommodation.count(population(), BY_TYPE, PERIOD)
    # start (1 Jan; C5 9 Jan): suitable with parents C1, C2 (AT_HOME is with parents) = 2, All 2;
    # unsuitable: the bail hostel (UNKNOWN) is temporary, C3; C5 with parents the day before custody; All 2
    assert groups(fig, "kpi1_accommodation_start_suitable") == {"Living with parent(s)": 2, "All": 2}
    assert groups(fig, "kpi1_accommodation_start_unsuitable") == {
        "Living with parent(s)": 1,
        "Temporary accomodation": 1,
        "All": 2,
    }
    # end (30 Jun): suitable with parents C1, C2 = 2; foster care C1 (counted in both groups); other C3 (hospital;
    # C4's OTHER has no suitability, so is in neither split); STC C5. Groups add to 2 + 1 + 1 + 1 = 5, but All is
    # the distinct children C1, C2, C3, C5 = 4. Unsuitable: no fixed abode C2 = 1, All 1.
    assert groups(fig, "kpi1_accommodation_end_suitable") == {
        "STC": 1,
        "Living with parent(s)": 2,
        "Foster Care": 1,
        "Other": 1,
        "All": 4,
    }
    assert groups(fig, "kpi1_accommodation_end_unsuitable") == {NO_FIXED_ABODE: 1, "All": 1}
    new = fig[fig["breakdown"] == "accommodation_type"]
    assert set(new["kind"]) == {"count"} and set(new["unit"]) == {"children"}
    for measure in set(new["measure"]):
        assert list(new.loc[new["measure"] == measure, "group"]) == [*accommodation.GROUPS, "All"]


def test_accommodation_groups_are_the_return_rows_and_take_every_code():
    assert list(accommodation.GROUPS)[:4] == ["STC", "SCH", "YOI", "Living with parent(s)"]
    assert list(accommodation.GROUPS)[-2:] == ["Other", NO_FIXED_ABODE]
    assert set(accommodation.GROUP) == set(codes.ACCOMMODATION_TYPES)
    # the contract's own grouping agrees: each of its groups is one return row; its ungrouped types are the last
    rows = {}
    for code, (_, group) in codes.ACCOMMODATION_TYPES.items():
        rows.setdefault(group, set()).add(accommodation.GROUP[code])
    assert all(len(row) == 1 for row in rows.values())
    assert rows[None] == {NO_FIXED_ABODE}


def test_figures_is_none_without_accommodation_csv_and_missing_says_so():
    tables = {"children": pd.DataFrame(), "caseload": pd.DataFrame(), "outcomes": pd.DataFrame()}
    assert accommodation.figures(tables, PERIOD) is None
    assert "accommodation.csv" in accommodation.missing(tables)
    assert "KPI 1" in accommodation.missing(tables)
    assert accommodation.missing({**tables, "accommodation": ACCOMMODATION}) == ""


def test_figures_from_tables_follows_the_shared_population():
    # C1's referral order ends 30 June 2025 (in Q1); C2's ends 1 July (Q2): only C1 counts in Q1.
    tables = {
        "children": pd.DataFrame(
            {"child_id": ["C1", "C2"], "date_of_birth": [T("2010-01-01")] * 2, "sex": "1", "ethnicity": "WBRI"}
        ),
        "caseload": pd.DataFrame(
            {
                "episode_id": ["E1", "E2"],
                "child_id": ["C1", "C2"],
                "start_date": [T("2025-01-01")] * 2,
                "end_date": [T("2025-06-30"), T("2025-07-01")],
                "episode_type": "REFERRAL_ORDER",
            }
        ),
        "outcomes": pd.DataFrame(
            {
                "outcome_id": ["X1", "X2"],
                "offence_id": ["F1", "F2"],
                "child_id": ["C1", "C2"],
                "outcome_date": [T("2025-01-01")] * 2,
                "legal_outcome": "REFERRAL_ORDER",
                "residence": "LOCAL",
            }
        ),
        "accommodation": ACCOMMODATION,
    }
    all_ = value(accommodation.figures(tables, PERIOD), "kpi1_suitable_accommodation", "All")
    assert (all_["numerator"], all_["denominator"]) == (1, 1)
