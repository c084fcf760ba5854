"""KPIs 4 and 5 (mental health, substance misuse): hand-built children and health records, counted by hand.

The quarter is 2025-26 Q1 (1 April to 30 June 2025). Seven children have an order closing:

=====  ==============  ===================================  ==================================================
child  type of order   order (start to end)                 mental health records
=====  ==============  ===================================  ==================================================
A      referral order  10 Jan to 30 Jun 2025 (last day)     screened; Getting Help offered and attended (twice)
B      YRO             1 Oct 2024 to 15 May 2025            in treatment (Getting Additional Help) since Jun 2024
C      referral order  1 Jan to 30 Apr 2025                 not screened (blank), no treatment: Getting Advice
                                                            offered, but no need
D      youth caution   1 Feb to 31 May 2025                 screened; Getting Risk Support offered 10 Jun, after
                                                            the order ended: not an offer
E      custody         start 1 Mar 2025 (custody began      attending Getting Help 1 Dec 2024 to 1 Feb 2025:
                       1 Jan, start point 31 Dec 2024)      in treatment when custody began
F      YRO             1 Jan to 15 Jun 2025                 screened 5 Jul (after the end: record left out);
                                                            screened 15 Jan, Getting Advice offered, never
                                                            attended
G      OOCD            1 Apr to 20 Jun 2025                 none (a substance misuse record only)
=====  ==============  ===================================  ==================================================

A record of child H, who has no order closing, is ignored.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.data.quarters import Period, Quarter
from analysis.measures.kpi import health, orders
from analysis.stats import intervals

PERIOD = Period(date(2025, 4, 1), date(2025, 6, 30), "2025-26 Q1")
CLOSING_COLUMNS = orders.COLUMNS  # the closing frame's columns, as orders.closing gives them
HEALTH_COLUMNS = [
    "health_id",
    "child_id",
    "domain",
    "date_need_identified",
    "date_referred",
    "date_offered",
    "date_attended_start",
    "date_attended_end",
    "intervention_type",
]
DATES = ("start_date", "end_date", "outcome_date", "start_point", "date_of_birth")


def closing() -> pd.DataFrame:
    rows = [
        # child, type of order, legal outcome, start, end, outcome date, start point
        ("A", "referral_order", "REFERRAL_ORDER", "2025-01-10", "2025-06-30", "2025-01-10", "2025-01-10"),
        ("B", "yro", "YOUTH_REHABILITATION_ORDER", "2024-10-01", "2025-05-15", "2024-10-01", "2024-10-01"),
        ("C", "referral_order", "REFERRAL_ORDER", "2025-01-01", "2025-04-30", "2025-01-01", "2025-01-01"),
        ("D", "youth_caution", "YOUTH_CAUTION", "2025-02-01", "2025-05-31", "2025-02-01", "2025-02-01"),
        ("E", "custody", "DETENTION_AND_TRAINING_ORDER", "2025-03-01", "2025-06-01", "2025-01-01", "2024-12-31"),
        ("F", "yro", "YOUTH_REHABILITATION_ORDER", "2025-01-01", "2025-06-15", "2025-01-01", "2025-01-01"),
        (
            "G",
            "oocd",
            "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT",
            "2025-04-01",
            "2025-06-20",
            "2025-04-01",
            "2025-04-01",
        ),
    ]
    frame = pd.DataFrame(
        [
            {
                "child_id": c,
                "episode_id": f"E{c}",
                "outcome_id": f"X{c}",
                "offence_id": f"O{c}",
                "legal_outcome": code,
                "type_of_order": kind,
                "start_date": start,
                "end_date": end,
                "outcome_date": outcome,
                "start_point": point,
                "date_of_birth": "2009-01-01",
                "age_at_start": 16,
                "sex": "1",
                "ethnicity": "WBRI",
            }
            for c, kind, code, start, end, outcome, point in rows
        ],
        columns=CLOSING_COLUMNS,
    )
    return frame.assign(**{d: pd.to_datetime(frame[d]) for d in DATES})


def records() -> pd.DataFrame:
    mh, sm = health.MENTAL_HEALTH, health.SUBSTANCE_MISUSE
    rows = [
        # child, domain, need identified, offered, attended start, attended end, intervention type
        ("A", mh, "2025-02-01", "2025-03-01", "2025-03-15", None, "GETTING_HELP"),
        ("A", mh, "2025-02-20", "2025-04-01", "2025-04-05", None, "GETTING_HELP"),  # a second record: still once
        ("B", mh, None, "2024-05-01", "2024-06-01", None, "GETTING_ADDITIONAL_HELP"),  # in treatment before
        ("C", mh, None, "2025-02-01", None, None, "GETTING_ADVICE"),  # not screened, no treatment: no need
        ("D", mh, "2025-02-10", "2025-06-10", None, None, "GETTING_RISK_SUPPORT"),  # offer after the order's end
        ("E", mh, None, None, "2024-12-01", "2025-02-01", "GETTING_HELP"),  # in treatment when custody began
        ("F", mh, "2025-07-05", "2025-03-01", None, None, "GETTING_HELP"),  # screened after the end: left out
        ("F", mh, "2025-01-15", "2025-02-01", None, None, "GETTING_ADVICE"),  # offered, never attended
        ("G", sm, "2025-04-10", "2025-04-15", "2025-04-20", None, "TARGETED_INTERVENTION"),
        ("H", mh, "2025-02-01", "2025-03-01", "2025-03-02", None, "GETTING_HELP"),  # no order closing
    ]
    frame = pd.DataFrame(
        [
            {
                "health_id": f"H{i}",
                "child_id": c,
                "domain": domain,
                "date_need_identified": need,
                "date_referred": None,
                "date_offered": offered,
                "date_attended_start": start,
                "date_attended_end": end,
                "intervention_type": kind,
            }
            for i, (c, domain, need, offered, start, end, kind) in enumerate(rows)
        ],
        columns=HEALTH_COLUMNS,
    )
    dates = [c for c in HEALTH_COLUMNS if c.startswith("date_")]
    return frame.assign(**{d: pd.to_datetime(frame[d]) for d in dates})


@pytest.fixture(scope="module")
def kpi4() -> pd.DataFrame:
    return health.count(closing(), records(), health.MENTAL_HEALTH, PERIOD)


def cells(fig: pd.DataFrame, measure: str) -> dict[str, tuple[float, float]]:
    rows = fig[fig["measure"] == measure]
    return {g: (n, d) for g, n, d in zip(rows["group"], rows["numerator"], rows["denominator"])}


def test_headline_offered_of_need_by_type_of_order(kpi4):
    # need: A (screened), B (in treatment), D (screened), E (in treatment), F (screened) = 5; not C, G.
    # offered or in treatment: A (offered Getting Help in the order), B, E (in treatment), F (Getting Advice) = 4;
    # not D, whose only offer came after the order ended. 4 / 5 = 80%.
    assert cells(kpi4, "kpi4_mental_health_offered") == {
        "Out-of-court disposals with YJS intervention": (0, 0),  # G: no need
        "Youth cautions with YJS intervention": (0, 1),  # D
        "Youth conditional cautions": (0, 0),
        "Referral orders": (1, 1),  # A (C has no need)
        "Youth rehabilitation orders": (2, 2),  # B, F
        "Custodial sentences": (1, 1),  # E
        "All": (4, 5),
    }
    row = kpi4[(kpi4["measure"] == "kpi4_mental_health_offered") & (kpi4["group"] == "All")].iloc[0]
    lower, upper = intervals.wilson(4, 5)
    assert (row["kind"], row["value"], row["breakdown"]) == ("share", 80.0, "type_of_order")
    assert row["lower"] == pytest.approx(100 * lower) and row["upper"] == pytest.approx(100 * upper)
    assert row["period"] == "2025-26 Q1"
    assert math.isnan(kpi4.loc[kpi4["measure"] == "kpi4_mental_health_offered", "value"].iloc[0])  # 0 of 0


def test_need_is_a_share_of_children_with_an_order_closing(kpi4):
    # 7 children closing (A to G; H has no order); need A, B, D, E, F = 5 of 7. G's substance misuse record is
    # not a mental health need; C's blank screening date with no treatment is no need.
    need = cells(kpi4, "kpi4_mental_health_need")
    assert need["All"] == (5, 7)
    assert need["Referral orders"] == (1, 2)  # A of A, C
    assert need["Out-of-court disposals with YJS intervention"] == (0, 1)  # G
    assert need["Custodial sentences"] == (1, 1)  # E: only through treatment at the start point


def test_in_treatment_at_start_uses_the_custody_start_point(kpi4):
    # B attended from 1 Jun 2024, still attending, order began 1 Oct 2024: in treatment. E's treatment (1 Dec 2024
    # to 1 Feb 2025) was open when custody began (1 Jan 2025), though it ended before the licence's start (1 Mar).
    # 2 of the 5 with a need.
    treated = cells(kpi4, "kpi4_mental_health_in_treatment_at_start")
    assert treated["All"] == (2, 5)
    assert treated["Custodial sentences"] == (1, 1)
    assert treated["Youth rehabilitation orders"] == (1, 2)


def test_offered_and_attended_by_intervention_type(kpi4):
    # Offered (of the 5 with a need): Getting Advice F; Getting Help A (two records, once) and E (in treatment;
    # F's Getting Help record was screened after the order ended); Getting Additional Help B (in treatment);
    # Getting Risk Support none (D's offer after the end). Any type: A, B, E, F = 4.
    assert cells(kpi4, "kpi4_mental_health_offered_by_intervention") == {
        "Getting Advice": (1, 5),
        "Getting Help": (2, 5),
        "Getting Additional Help": (1, 5),
        "Getting Risk Support": (0, 5),
        "All": (4, 5),
    }
    # Attended, of those offered the type: A (started 15 Mar), E and B (in treatment); F never started. Any: 3 of 4.
    assert cells(kpi4, "kpi4_mental_health_attended") == {
        "Getting Advice": (0, 1),
        "Getting Help": (2, 2),
        "Getting Additional Help": (1, 1),
        "Getting Risk Support": (0, 0),
        "All": (3, 4),
    }
    # Offered in the order and never started: F only. B's offer (May 2024) was before the order, so not "offered in
    # the order and not attended"; E had no offer date.
    assert cells(kpi4, "kpi4_mental_health_not_attended") == {
        "Getting Advice": (1, 1),
        "Getting Help": (0, 2),
        "Getting Additional Help": (0, 1),
        "Getting Risk Support": (0, 0),
        "All": (1, 4),
    }


def test_every_row_is_a_share_in_the_figures_shape(kpi4):
    assert set(kpi4["kind"]) == {"share"}
    assert (kpi4["numerator"] <= kpi4["denominator"]).all()
    assert list(kpi4["measure"].unique()) == [
        "kpi4_mental_health_offered",
        "kpi4_mental_health_need",
        "kpi4_mental_health_in_treatment_at_start",
        "kpi4_mental_health_offered_by_intervention",
        "kpi4_mental_health_attended",
        "kpi4_mental_health_not_attended",
    ]


def test_substance_misuse_reads_only_its_own_records():
    # KPI 5: G's record (screened 10 Apr, targeted intervention offered 15 Apr and attended 20 Apr, all in G's
    # order of 1 Apr to 20 Jun) is the only substance misuse record: need 1 of 7, offered 1 of 1.
    kpi5 = health.count(closing(), records(), health.SUBSTANCE_MISUSE, PERIOD)
    assert cells(kpi5, "kpi5_substance_misuse_offered")["All"] == (1, 1)
    assert cells(kpi5, "kpi5_substance_misuse_offered")["Out-of-court disposals with YJS intervention"] == (1, 1)
    assert cells(kpi5, "kpi5_substance_misuse_need")["All"] == (1, 7)
    assert cells(kpi5, "kpi5_substance_misuse_attended") == {
        "Targeted intervention/treatment": (1, 1),
        "Specialist substance misuse treatment": (0, 0),
        "Complex care treatment intervention": (0, 0),
        "All": (1, 1),
    }


def test_no_records_leaves_every_child_in_the_need_denominator():
    # 7 children closing, no records: need 0 of 7, and nothing to divide the offers by.
    kpi4 = health.count(closing(), records().iloc[:0], health.MENTAL_HEALTH, PERIOD)
    assert cells(kpi4, "kpi4_mental_health_need")["All"] == (0, 7)
    assert cells(kpi4, "kpi4_mental_health_offered")["All"] == (0, 0)
    assert np.isnan(kpi4["value"][kpi4["measure"] == "kpi4_mental_health_attended"]).all()


def test_without_the_file_the_kpis_say_so():
    assert health.figures({}, PERIOD, health.MENTAL_HEALTH) is None
    assert health.missing({}, health.SUBSTANCE_MISUSE) == (
        "KPI 5 (substance misuse) is not counted: the extract has no health_interventions.csv."
    )
    assert health.missing({"health_interventions": records()}, health.MENTAL_HEALTH) == ""


def test_figures_from_the_tables_use_the_orders_closing_in_the_quarter():
    # A's referral order ends 30 June, the quarter's last day: screened 1 Feb, Getting Help offered 1 Mar. B's YRO
    # ends 1 July, the next quarter, so B's need is not this quarter's. Need 1 of 1, offered 1 of 1.
    def dated(rows, *columns):
        frame = pd.DataFrame(rows)
        return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})

    episodes = {
        "A": ("REFERRAL_ORDER", "REFERRAL_ORDER", "2025-06-30"),
        "B": ("YOUTH_REHABILITATION_ORDER", "YOUTH_REHABILITATION_ORDER", "2025-07-01"),
    }
    first = records().iloc[[0]]  # A's: screened 1 Feb, Getting Help offered 1 Mar, attended 15 Mar
    tables = {
        "children": dated(
            [{"child_id": c, "date_of_birth": "2009-01-01", "sex": "1", "ethnicity": "WBRI"} for c in "AB"],
            "date_of_birth",
        ),
        "offences": dated(
            [
                {"offence_id": f"O{c}", "child_id": c, "offence_date": "2024-12-01", "offence_category": "ROBBERY"}
                for c in "AB"
            ],
            "offence_date",
        ),
        "outcomes": dated(
            [
                {
                    "outcome_id": f"X{c}",
                    "offence_id": f"O{c}",
                    "child_id": c,
                    "outcome_date": "2025-01-10",
                    "legal_outcome": code,
                    "residence": "LOCAL",
                }
                for c, (code, _, _) in episodes.items()
            ],
            "outcome_date",
        ),
        "caseload": dated(
            [
                {
                    "episode_id": f"E{c}",
                    "child_id": c,
                    "start_date": "2025-01-10",
                    "end_date": end,
                    "episode_type": kind,
                }
                for c, (_, kind, end) in episodes.items()
            ],
            "start_date",
            "end_date",
        ),
        "episode_links": pd.DataFrame({"episode_id": ["EA", "EB"], "outcome_id": ["XA", "XB"]}).assign(
            successfully_completed=None
        ),
        "health_interventions": pd.concat([first, first.assign(health_id="HB", child_id="B")]),
    }
    kpi4 = health.figures(tables, Quarter.parse("2025-26 Q1").period, health.MENTAL_HEALTH)
    assert cells(kpi4, "kpi4_mental_health_need")["All"] == (1, 1)
    assert cells(kpi4, "kpi4_mental_health_offered")["Referral orders"] == (1, 1)
