"""KPI 1, suitable accommodation at the end of the order: hand-counted children."""

from __future__ import annotations

import pandas as pd
import pytest

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
        [(c, T(s), T(e) if e else pd.NaT, suit) for c, s, e, suit in rows],
        columns=["child_id", "start_date", "end_date", "suitability"],
    )


ACCOMMODATION = records(
    [
        ("C1", "2020-01-01", None, "SUITABLE"),  # open record: suitable at start and end
        ("C2", "2020-01-01", None, "SUITABLE"),  # two at the end, one unsuitable: unsuitable at the end
        ("C2", "2025-06-01", None, "UNSUITABLE"),
        ("C3", "2020-01-01", "2025-03-31", "SUITABLE"),  # suitable at start; UNKNOWN at end = unsuitable
        ("C3", "2025-04-01", None, "UNKNOWN"),
        # C4 has no record: not recorded, still in the denominator
        ("C5", "2024-01-01", "2025-01-09", "UNSUITABLE"),  # before custody: unsuitable at start
        ("C5", "2025-01-10", None, "SUITABLE"),  # the secure home from custody on: suitable at the end
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
