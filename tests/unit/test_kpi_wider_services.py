"""KPI 7, links to wider services during the order: hand-counted children."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.quarters import Quarter
from analysis.measures.kpi import orders, wider_services

PERIOD = Quarter.parse("2025-26 Q1").period
T = pd.Timestamp


def population() -> pd.DataFrame:
    """C1 to C4 on referral orders 1 Feb to 30 June 2025; C5 in custody from 10 Jan 2025 (start point 9 Jan)."""
    return pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C3", "C4", "C5"],
            "type_of_order": ["referral_order"] * 4 + ["custody"],
            "start_date": [T("2025-02-01")] * 4 + [T("2025-01-10")],
            "start_point": [T("2025-02-01")] * 4 + [T("2025-01-09")],
            "end_date": T("2025-06-30"),
        }
    )


def statuses(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, s, T(a), T(b) if b else pd.NaT) for c, s, a, b in rows],
        columns=["child_id", "status", "start_date", "end_date"],
    )


CARE_STATUS = statuses(
    [
        ("C1", "CHILD_IN_NEED", "2025-03-01", "2025-04-01"),  # during only
        ("C1", "CHILD_PROTECTION_PLAN", "2025-01-01", None),  # at start and during: C1 is still one child
        ("C2", "EARLY_HELP_REFERRAL", "2025-01-15", "2025-01-20"),  # referred before the order: not the headline
        ("C3", "EARLY_HELP_REFERRAL", "2025-03-01", None),  # referred during the order
        ("C3", "EARLY_HELP_PLAN", "2025-07-01", None),  # began after the order ended: not during
        ("C5", "LOOKED_AFTER", "2020-01-01", "2020-12-31"),  # replaced by care_episodes.csv (D18)
        ("C4", "LOOKED_AFTER", "2024-01-01", "2025-01-31"),  # ended the day before the order: not during
    ]
)
CARE_EPISODES = pd.DataFrame(
    {
        "care_episode_id": ["K1"],
        "child_id": ["C5"],
        "start_date": [T("2024-06-01")],
        "end_date": [T("2025-01-09")],  # looked after up to the day before custody: during (and at start)
        "placed_by_other_authority": ["N"],
    }
)


def value(fig, measure, group):
    row = fig[(fig["measure"] == measure) & (fig["group"] == group)]
    assert len(row) == 1, (measure, group)
    return row.iloc[0]


def test_headline_counts_distinct_children_with_a_status_during_the_order():
    records = wider_services.statuses(CARE_STATUS, CARE_EPISODES)
    fig = wider_services.count(population(), records, PERIOD)
    # during: C1 (two statuses, once), C5 (looked after from care_episodes) = 2 of 5
    row = value(fig, "kpi7_wider_services", "All")
    assert (row["numerator"], row["denominator"], row["value"]) == (2, 5, pytest.approx(40.0))
    assert value(fig, "kpi7_wider_services", orders.LABELS["custody"])["numerator"] == 1
    assert value(fig, "kpi7_status_during", "Child in need")["numerator"] == 1
    assert value(fig, "kpi7_status_during", "Looked after")["numerator"] == 1  # C5 only; C4's ended before
    assert value(fig, "kpi7_status_start", "Child in need")["numerator"] == 0
    assert value(fig, "kpi7_status_start", "Child protection plan")["numerator"] == 1
    assert value(fig, "kpi7_status_during", "Early help plan")["numerator"] == 0
    assert value(fig, "kpi7_early_help_before", "All")["numerator"] == 1  # C2
    assert value(fig, "kpi7_early_help_referred", "All")["numerator"] == 1  # C3


def test_care_episodes_win_over_looked_after_rows_in_care_status():
    records = wider_services.statuses(CARE_STATUS, CARE_EPISODES)
    looked_after = records[records["status"] == "LOOKED_AFTER"]
    # C5's care_status row (2020) is dropped for its care episode; C4 has no care episode, so its row stays
    assert sorted(zip(looked_after["child_id"], looked_after["start_date"].dt.year)) == [("C4", 2024), ("C5", 2024)]
    # without care_episodes.csv, C5's 2020 row is used and is not during the order
    fig = wider_services.count(population(), wider_services.statuses(CARE_STATUS, None), PERIOD)
    assert value(fig, "kpi7_wider_services", "All")["numerator"] == 1


def test_figures_is_none_without_care_status_csv():
    assert wider_services.figures({"care_episodes": CARE_EPISODES}, PERIOD) is None
    assert "care_status.csv" in wider_services.missing({}) and "KPI 7" in wider_services.missing({})
    assert wider_services.missing({"care_status": CARE_STATUS}) == ""
