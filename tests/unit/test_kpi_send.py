"""KPI 3, a formal plan for children with an identified SEND/ALN: hand-counted children."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.quarters import Quarter
from analysis.measures.kpi import orders, send

PERIOD = Quarter.parse("2025-26 Q1").period
T = pd.Timestamp


def population() -> pd.DataFrame:
    """Five children: C1 to C4 on referral orders, C5 a YRO; all 1 January to 30 June 2025."""
    return pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C3", "C4", "C5"],
            "type_of_order": ["referral_order"] * 4 + ["yro"],
            "start_point": T("2025-01-01"),
            "end_date": T("2025-06-30"),
        }
    )


SEND_ALN = pd.DataFrame(
    [
        ("C1", "2024-01-01", None, "Y", "Y"),  # identified, with a plan
        ("C2", "2024-01-01", None, "Y", "N"),  # identified, no plan
        ("C3", "2024-01-01", "2025-06-29", "Y", "Y"),  # ended the day before the order's end: not current
        ("C4", "2024-01-01", None, "N", None),  # no identified need
        ("C5", "2025-06-30", None, "Y", None),  # identified on the end date, plan blank
    ],
    columns=["child_id", "start_date", "end_date", "identified_send", "formal_plan"],
).assign(start_date=lambda d: pd.to_datetime(d["start_date"]), end_date=lambda d: pd.to_datetime(d["end_date"]))


def value(fig, measure, group):
    row = fig[(fig["measure"] == measure) & (fig["group"] == group)]
    assert len(row) == 1, (measure, group)
    return row.iloc[0]


def test_headline_is_formal_plans_of_children_with_an_identified_need_current_at_the_end():
    fig = send.count(population(), SEND_ALN, PERIOD)
    # identified at the end: C1, C2, C5 = 3; with a plan: C1 = 1 (C3's record ended before the end)
    row = value(fig, "kpi3_send_formal_plan", "All")
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 3, pytest.approx(100 / 3))
    identified = value(fig, "kpi3_identified_send", "All")
    assert (identified["numerator"], identified["denominator"]) == (3, 5)
    yro = value(fig, "kpi3_identified_send", orders.LABELS["yro"])
    assert (yro["numerator"], yro["denominator"]) == (1, 1)
    assert value(fig, "kpi3_plan_not_known", "All")["numerator"] == 1  # C5
    assert not fig["measure"].str.contains("ete").any()  # no ETE file: no ETE rows


def test_identified_children_in_suitable_and_unsuitable_ete_at_the_end():
    ete = pd.DataFrame(
        {
            "child_id": ["C1", "C2"],
            "start_date": T("2024-09-01"),
            "end_date": pd.NaT,
            "suitability": ["SUITABLE", "UNKNOWN"],
        }
    )
    fig = send.count(population(), SEND_ALN, PERIOD, ete)
    # of the 3 identified: C1 suitable, C2 unsuitable (UNKNOWN), C5 no ETE record
    assert (value(fig, "kpi3_identified_suitable_ete", "All")[["numerator", "denominator"]] == [1, 3]).all()
    assert value(fig, "kpi3_identified_unsuitable_ete", "All")["numerator"] == 1


def test_without_send_aln_it_is_derived_from_send_csv_and_an_ehcp_is_a_plan():
    records = send.from_send(
        pd.DataFrame(
            {
                "child_id": ["C1", "C2"],
                "start_date": T("2024-01-01"),
                "end_date": pd.NaT,
                "send_status": ["EHCP", "SEN_SUPPORT"],
            }
        )
    )
    fig = send.count(population(), records, PERIOD)
    # identified C1, C2; plan C1 (EHCP); C2's SEN support plan is not known
    assert (value(fig, "kpi3_send_formal_plan", "All")[["numerator", "denominator"]] == [1, 2]).all()
    assert value(fig, "kpi3_plan_not_known", "All")["numerator"] == 1
    assert "send.csv" in send.missing({"send": records}) and "send_aln.csv" in send.missing({"send": records})


def test_figures_is_none_with_neither_file():
    assert send.figures({"children": pd.DataFrame()}, PERIOD) is None
    assert "send_aln.csv" in send.missing({}) and "KPI 3" in send.missing({})
    assert send.missing({"send_aln": SEND_ALN}) == ""
