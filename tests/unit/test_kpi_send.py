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
            "age_at_start": [14, 15, 17, 10, 15],
            "sex": ["1", "2", "1", "2", "9"],
            "ethnicity": ["WBRI", "BAFR", "WIRI", None, "MWAS"],
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


def value(fig, measure, group, breakdown="type_of_order"):
    row = fig[(fig["measure"] == measure) & (fig["group"] == group) & (fig["breakdown"] == breakdown)]
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


def test_identified_send_by_ethnic_group_age_band_and_sex():
    fig = send.count(population(), SEND_ALN, PERIOD)

    def cells(breakdown):
        rows = fig[(fig["measure"] == "kpi3_identified_send") & (fig["breakdown"] == breakdown)]
        return {g: (int(n), int(d)) for g, n, d in zip(rows["group"], rows["numerator"], rows["denominator"])}

    # identified at the end: C1 (White, 14, male), C2 (Black, 15, female), C5 (Mixed, 15, sex not known) of 5;
    # not identified: C3 (White, 17, male), C4 (ethnicity blank, 10, female)
    assert cells("ethnic_group") == {
        "White": (1, 2),  # C1 of C1, C3
        "Mixed": (1, 1),  # C5
        "Asian": (0, 0),
        "Black": (1, 1),  # C2
        "Other": (0, 0),
        "Not known": (0, 1),  # C4
        "All": (3, 5),
    }
    assert cells("age_band") == {"10 to 14": (1, 2), "15 to 17": (2, 3), "All": (3, 5)}  # C1 of C1, C4; C2, C5 of 3
    assert cells("sex") == {"Male": (1, 2), "Female": (1, 2), "Not known": (1, 1), "All": (3, 5)}
    # each All is the type-of-order All: 3 of 5 = 60%
    assert value(fig, "kpi3_identified_send", "All", "sex")["value"] == pytest.approx(60.0)
    assert value(fig, "kpi3_identified_send", "All")["value"] == pytest.approx(60.0)
    assert set(fig.loc[fig["breakdown"] == "age_band", "measure"]) == {"kpi3_identified_send"}


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
    assert send.missing({"send_aln": SEND_ALN, "ete_status": pd.DataFrame()}) == ""
    # without ete_status.csv, KPI 3 is counted but its SEND-in-suitable-ETE figures are not: the sentence names it
    assert "ete_status.csv" in send.missing({"send_aln": SEND_ALN})
