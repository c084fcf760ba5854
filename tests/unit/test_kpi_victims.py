"""KPI 10 (victims): hand-built victims of children with orders closing in 2025-26 Q1, counted by hand.

Children with an order closing: K (two offences on orders closing: OK1, the most serious, and OK2), L (OL1) and M
(no victims). N's offence ON1 is on no order closing.

======  =========  =======  =========================================================================
victim  offences   consent  what else
======  =========  =======  =========================================================================
V1      OK1, OK2   yes      two victim interventions (one victim); engaged with RJ, contacted, view
                            sought, asked for and given progress information, asked for support, not
                            given it
V2      OK2        yes      on the less serious offence (still counts); not engaged; progress
                            information given without asking
V3      OL1        no       engaged with RJ and contacted, asked for and given both kinds of
                            information, but no consent: outside the consent denominator
V4      ON1        yes      engaged, but not a victim of an order closing: left out
V5      OL1        yes      engagement blank; asked for support and given it
======  =========  =======  =========================================================================
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.data.quarters import Period, Quarter
from analysis.measures.kpi import orders, victims
from analysis.stats import intervals

PERIOD = Period(date(2025, 4, 1), date(2025, 6, 30), "2025-26 Q1")
CLOSING_COLUMNS = orders.COLUMNS  # the closing frame's columns, as orders.closing gives them
VICTIM_COLUMNS = [
    "victim_intervention_id",
    "victim_id",
    "offence_id",
    "child_id",
    "victim_type",
    "consent_to_contact",
    "contact_date",
    "view_sought_prior",
    "engaged_rj",
    "rj_start_date",
    "rj_end_date",
    "progress_requested",
    "progress_provided",
    "support_requested",
    "support_provided",
]


def orders_closing() -> pd.DataFrame:
    """Every order and offence closing (`all_closing`): K's two, L's and M's."""
    rows = [
        ("K", "OK1", "YOUTH_REHABILITATION_ORDER", "yro"),
        ("K", "OK2", "REFERRAL_ORDER", "referral_order"),
        ("L", "OL1", "REFERRAL_ORDER", "referral_order"),
        ("M", "OM1", "YOUTH_CAUTION", "youth_caution"),
    ]
    frame = pd.DataFrame(
        [
            {
                "child_id": c,
                "episode_id": f"E{o}",
                "outcome_id": f"X{o}",
                "offence_id": o,
                "legal_outcome": code,
                "type_of_order": kind,
                "start_date": pd.Timestamp("2025-01-01"),
                "end_date": pd.Timestamp("2025-06-30"),
                "outcome_date": pd.Timestamp("2025-01-01"),
                "start_point": pd.Timestamp("2025-01-01"),
                "date_of_birth": pd.Timestamp("2009-06-01"),
                "age_at_start": 15,
                "sex": "1",
                "ethnicity": "WBRI",
            }
            for c, o, code, kind in rows
        ],
        columns=CLOSING_COLUMNS,
    )
    return frame


def victim_rows() -> pd.DataFrame:
    rows = [
        # intervention, victim, offence, child, consent, contact date, view, engaged, progress asked/given,
        # support asked/given
        ("VI1", "V1", "OK1", "K", "Y", "2025-02-01", "Y", "Y", "Y", "Y", "Y", "N"),
        ("VI2", "V1", "OK2", "K", "Y", None, "N", "N", "N", "N", "N", "N"),
        ("VI3", "V2", "OK2", "K", "Y", None, "N", "N", "N", "Y", "N", "N"),
        ("VI4", "V3", "OL1", "L", "N", "2025-03-01", "Y", "Y", "Y", "Y", "Y", "Y"),
        ("VI5", "V4", "ON1", "N", "Y", "2025-03-01", "Y", "Y", "Y", "Y", "Y", "Y"),
        ("VI6", "V5", "OL1", "L", "Y", None, None, None, None, None, "Y", "Y"),
    ]
    frame = pd.DataFrame(
        [
            {
                "victim_intervention_id": vi,
                "victim_id": v,
                "offence_id": o,
                "child_id": c,
                "victim_type": "PERSON",
                "consent_to_contact": consent,
                "contact_date": contact,
                "view_sought_prior": view,
                "engaged_rj": rj,
                "rj_start_date": None,
                "rj_end_date": None,
                "progress_requested": p_ask,
                "progress_provided": p_give,
                "support_requested": s_ask,
                "support_provided": s_give,
            }
            for vi, v, o, c, consent, contact, view, rj, p_ask, p_give, s_ask, s_give in rows
        ],
        columns=VICTIM_COLUMNS,
    )
    return frame.assign(**{d: pd.to_datetime(frame[d]) for d in ("contact_date", "rj_start_date", "rj_end_date")})


@pytest.fixture(scope="module")
def kpi10() -> pd.DataFrame:
    every = orders_closing()
    closing = every.drop_duplicates("child_id")  # K's most serious order (OK1) first
    return victims.count(closing, every, victim_rows(), PERIOD)


def cell(fig: pd.DataFrame, measure: str) -> tuple[float, float]:
    row = fig[fig["measure"] == measure]
    assert len(row) == 1
    return row["numerator"].iloc[0], row["denominator"].iloc[0]


def test_headline_engaged_of_consented(kpi10):
    # consented: V1, V2, V5 = 3 (V3 did not consent; V4 is not on an order closing); engaged with consent: V1.
    # V3 engaged but is outside both. 1 / 3 = 33.3%.
    assert cell(kpi10, "kpi10_victims_engaged_rj") == (1, 3)
    row = kpi10[kpi10["measure"] == "kpi10_victims_engaged_rj"].iloc[0]
    lower, upper = intervals.wilson(1, 3)
    assert row["value"] == pytest.approx(100 / 3)
    assert (row["lower"], row["upper"]) == (pytest.approx(100 * lower), pytest.approx(100 * upper))
    assert (row["kind"], row["breakdown"], row["group"]) == ("share", "all", "All")


def test_a_victim_of_two_offences_is_one_victim(kpi10):
    # V1 (two rows), V2, V3, V5 = 4 victims; V4's offence is on no order closing
    row = kpi10[kpi10["measure"] == "kpi10_victims"].iloc[0]
    assert (row["kind"], row["value"]) == ("count", 4)
    assert cell(kpi10, "kpi10_victims_consented") == (3, 4)
    # children with victims: K and L of K, L and M
    assert cell(kpi10, "kpi10_children_with_victims") == (2, 3)


def test_sub_measures_of_consented_victims(kpi10):
    assert cell(kpi10, "kpi10_victims_view_sought") == (1, 3)  # V1 (V3 was asked, without consent)
    assert cell(kpi10, "kpi10_victims_progress_information") == (2, 3)  # V1, V2
    assert cell(kpi10, "kpi10_victims_support_information") == (1, 3)  # V5 (V1 not given it, V3 no consent)


def test_information_of_those_who_asked(kpi10):
    # progress asked: V1, V3; both given it: 2 / 2. Support asked: V1, V3, V5; given: V3, V5: 2 / 3 (D16).
    assert cell(kpi10, "kpi10_victims_progress_information_of_asked") == (2, 2)
    assert cell(kpi10, "kpi10_victims_support_information_of_asked") == (2, 3)


def test_contacted_is_a_share_of_all_victims(kpi10):
    # contacted: V1 (its first intervention) and V3 = 2 of the 4 victims
    assert cell(kpi10, "kpi10_victims_contacted") == (2, 4)


def test_no_victims():
    every = orders_closing()
    kpi10 = victims.count(every.drop_duplicates("child_id"), every, victim_rows().iloc[:0], PERIOD)
    assert cell(kpi10, "kpi10_victims_engaged_rj") == (0, 0)
    assert cell(kpi10, "kpi10_children_with_victims") == (0, 3)


def test_without_the_file_the_kpi_says_so():
    assert victims.figures({}, PERIOD) is None
    assert victims.missing({}) == "KPI 10 (victims) is not counted: the extract has no victims.csv."


def test_figures_from_the_tables_take_every_offence_of_an_order_closing():
    # K's referral order (ending 30 June, the quarter's last day) delivers two outcomes, for OK1 (10 Jan) and OK2
    # (12 Jan); the shared population keeps OK2 (the later), but V1, a victim of OK1, still counts. L's order ends
    # 1 July (next quarter), so V2 does not. 1 victim, consented and engaged: 1 / 1; children with victims 1 / 1.
    def dated(rows, *columns):
        frame = pd.DataFrame(rows)
        return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})

    offences = {"OK1": ("K", "2025-01-10"), "OK2": ("K", "2025-01-12"), "OL1": ("L", "2025-01-10")}
    tables = {
        "children": dated(
            [{"child_id": c, "date_of_birth": "2009-06-01", "sex": "1", "ethnicity": "WBRI"} for c in "KL"],
            "date_of_birth",
        ),
        "offences": dated(
            [
                {"offence_id": o, "child_id": c, "offence_date": "2024-12-01", "offence_category": "ROBBERY"}
                for o, (c, _) in offences.items()
            ],
            "offence_date",
        ),
        "outcomes": dated(
            [
                {
                    "outcome_id": f"X{o}",
                    "offence_id": o,
                    "child_id": c,
                    "outcome_date": day,
                    "legal_outcome": "REFERRAL_ORDER",
                    "residence": "LOCAL",
                }
                for o, (c, day) in offences.items()
            ],
            "outcome_date",
        ),
        "caseload": dated(
            [
                {"episode_id": f"E{c}", "child_id": c, "start_date": "2025-01-12", "end_date": end}
                for c, end in (("K", "2025-06-30"), ("L", "2025-07-01"))
            ],
            "start_date",
            "end_date",
        ).assign(episode_type="REFERRAL_ORDER"),
        "episode_links": pd.DataFrame(
            {"episode_id": ["EK", "EK", "EL"], "outcome_id": ["XOK1", "XOK2", "XOL1"], "successfully_completed": None}
        ),
        "victims": victim_rows()
        .iloc[[0, 3]]
        .assign(victim_id=["V1", "V2"], offence_id=["OK1", "OL1"], child_id=["K", "L"], consent_to_contact="Y"),
    }
    kpi10 = victims.figures(tables, Quarter.parse("2025-26 Q1").period)
    assert kpi10.loc[kpi10["measure"] == "kpi10_victims", "value"].iloc[0] == 1
    assert cell(kpi10, "kpi10_victims_engaged_rj") == (1, 1)
    assert cell(kpi10, "kpi10_children_with_victims") == (1, 1)
