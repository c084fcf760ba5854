"""KPI 6 (out-of-court disposals): hand-built programmes ending in 2025-26 Q1, counted by hand.

======  ==================================================  ==============================================
child   programmes ending in the quarter                    what it tests
======  ==================================================  ==============================================
P       community resolution completed (ends 30 June, the   one completed and one not: in both numerators,
        quarter's last day); youth caution not completed    once in the denominator
Q       community resolution, completion blank              denominator only; "not recorded" (D7)
R       youth conditional caution completed
S       Outcome 22 not completed
T       a youth restorative disposal (not one of the six)   left out altogether
U       two Outcome 22 programmes, both completed           one child, counted once
======  ==================================================  ==============================================

For the splits by the child: P male, Black, 14; Q female, White, 15; R sex and ethnicity not known, 16; S female,
Asian, 10; T male, Other, 12 (left out); U male, White, 14 at one programme's start and 15 at the other's.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analysis.data.quarters import Period, Quarter
from analysis.measures.kpi import oocd
from analysis.stats import intervals

PERIOD = Period(date(2025, 4, 1), date(2025, 6, 30), "2025-26 Q1")
COLUMNS = [
    "child_id",
    "episode_id",
    "outcome_id",
    "legal_outcome",
    "oocd_outcome",
    "successfully_completed",
    "start_date",
    "end_date",
    "age_at_start",
    "sex",
    "ethnicity",
]


CHILDREN = {
    "P": ("1", "BCRB"),
    "Q": ("2", "WBRI"),
    "R": ("9", None),
    "S": ("2", "AIND"),
    "T": ("1", "OOTH"),
    "U": ("1", "WBRI"),
}


def programmes() -> pd.DataFrame:
    rows = [
        # child, legal outcome, OOCD outcome, completed, end date, age at the programme's start
        ("P", "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT", "community_resolution", "Y", "2025-06-30", 14),
        ("P", "YOUTH_CAUTION", "yc_yjs", "N", "2025-05-01", 14),
        ("Q", "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT", "community_resolution", None, "2025-04-15", 15),
        ("R", "YOUTH_CONDITIONAL_CAUTION", "ycc", "Y", "2025-05-20", 16),
        ("S", "NO_FURTHER_ACTION_OUTCOME_22", "nfa_o22_yjs", "N", "2025-06-01", 10),
        ("T", "YOUTH_RESTORATIVE_DISPOSAL", None, "Y", "2025-06-02", 12),
        ("U", "NO_FURTHER_ACTION_OUTCOME_22", "nfa_o22_yjs", "Y", "2025-04-02", 14),
        ("U", "NO_FURTHER_ACTION_OUTCOME_22", "nfa_o22_yjs", "Y", "2025-06-03", 15),
    ]
    frame = pd.DataFrame(
        [
            {
                "child_id": c,
                "episode_id": f"E{i}",
                "outcome_id": f"X{i}",
                "legal_outcome": code,
                "oocd_outcome": outcome,
                "successfully_completed": done,
                "start_date": "2025-01-01",
                "end_date": end,
                "age_at_start": age,
                "sex": CHILDREN[c][0],
                "ethnicity": CHILDREN[c][1],
            }
            for i, (c, code, outcome, done, end, age) in enumerate(rows)
        ],
        columns=COLUMNS,
    )
    return frame.assign(start_date=pd.to_datetime(frame["start_date"]), end_date=pd.to_datetime(frame["end_date"]))


@pytest.fixture(scope="module")
def kpi6() -> pd.DataFrame:
    return oocd.count(programmes(), PERIOD)


def cells(fig: pd.DataFrame, measure: str, breakdown: str = "oocd_outcome") -> dict[str, tuple[float, float]]:
    rows = fig[(fig["measure"] == measure) & (fig["breakdown"] == breakdown)]
    return {g: (n, d) for g, n, d in zip(rows["group"], rows["numerator"], rows["denominator"])}


def test_headline_children_completing_of_children_with_a_programme_ending(kpi6):
    # children: P, Q, R, S, U = 5 (T's disposal is not one of the six); completed: P, R, U = 3. 3 / 5 = 60%.
    completed = cells(kpi6, "kpi6_oocd_completed")
    assert completed == {
        "Community resolution with YJS intervention": (1, 2),  # P of P, Q
        "Outcome 22 with YJS intervention": (1, 2),  # U (two programmes, once) of S, U
        "Outcome 22 deferred prosecution with YJS intervention": (0, 0),
        "Outcome 20/21 with YJS intervention": (0, 0),
        "Youth caution with YJS intervention": (0, 1),  # P's caution was not completed
        "Youth conditional caution": (1, 1),  # R
        "All": (3, 5),
    }
    row = kpi6[(kpi6["measure"] == "kpi6_oocd_completed") & (kpi6["group"] == "All")].iloc[0]
    lower, upper = intervals.wilson(3, 5)
    assert (row["kind"], row["breakdown"], row["value"]) == ("share", "oocd_outcome", 60.0)
    assert (row["lower"], row["upper"]) == (pytest.approx(100 * lower), pytest.approx(100 * upper))


def test_a_child_completing_one_programme_and_not_another_is_in_both_numerators(kpi6):
    # not completed: P (youth caution) and S = 2 of 5; P is also among the 3 completed, and once among the 5.
    assert cells(kpi6, "kpi6_oocd_not_completed") == {
        "Community resolution with YJS intervention": (0, 2),
        "Outcome 22 with YJS intervention": (1, 2),  # S
        "Outcome 22 deferred prosecution with YJS intervention": (0, 0),
        "Outcome 20/21 with YJS intervention": (0, 0),
        "Youth caution with YJS intervention": (1, 1),  # P
        "Youth conditional caution": (0, 1),
        "All": (2, 5),
    }


def test_a_blank_completion_flag_is_in_the_denominator_only(kpi6):
    # Q: in the 5 and the 2 community resolutions, in neither numerator (completed 3 + not completed 2 counts P
    # twice and Q never), and the one child whose completion is not recorded (D7).
    not_recorded = cells(kpi6, "kpi6_oocd_completion_not_recorded")
    assert not_recorded["All"] == (1, 5)
    assert not_recorded["Community resolution with YJS intervention"] == (1, 2)
    assert math.isnan(
        kpi6.loc[
            (kpi6["measure"] == "kpi6_oocd_completed") & (kpi6["group"].str.startswith("Outcome 20")), "value"
        ].iloc[0]
    )


def test_headline_by_ethnic_group_age_band_and_sex(kpi6):
    # completed of children with a programme ending (T is left out, so Other is empty). All: P, R, U of 5, as the
    # headline's All by outcome.
    assert cells(kpi6, "kpi6_oocd_completed", "ethnic_group") == {
        "White": (1, 2),  # U of Q, U
        "Mixed": (0, 0),
        "Asian": (0, 1),  # S
        "Black": (1, 1),  # P
        "Other": (0, 0),
        "Not known": (1, 1),  # R (no ethnicity)
        "All": (3, 5),
    }
    # U started one programme at 14 and one at 15: in both bands (3 + 3 = 6 > 5), once in All
    assert cells(kpi6, "kpi6_oocd_completed", "age_band") == {
        "10 to 14": (2, 3),  # P, U of P, S, U
        "15 to 17": (2, 3),  # R, U of Q, R, U
        "All": (3, 5),
    }
    assert cells(kpi6, "kpi6_oocd_completed", "sex") == {
        "Male": (2, 2),  # P, U
        "Female": (0, 2),  # Q, S
        "Not known": (1, 1),  # R (code 9)
        "All": (3, 5),
    }
    split = kpi6[kpi6["breakdown"].isin(["ethnic_group", "age_band", "sex"])]
    assert set(split["measure"]) == {"kpi6_oocd_completed"} and set(split["kind"]) == {"share"}
    white = split[split["group"] == "White"].iloc[0]
    assert (white["value"], white["unit"]) == (50.0, oocd.UNIT)


def test_no_programmes_give_empty_shares():
    kpi6 = oocd.count(programmes().iloc[:0], PERIOD)
    # 3 measures by 6 outcomes and All; the headline by 6 ethnic groups, 2 age bands, 3 sexes, each with All
    assert len(kpi6) == 3 * 7 + 7 + 3 + 4
    assert (kpi6["numerator"] == 0).all() and (kpi6["denominator"] == 0).all()


def test_without_episode_links_the_kpi_says_so():
    assert oocd.figures({}, PERIOD) is None
    assert oocd.missing({}) == ("KPI 6 (out-of-court disposals) is not counted: the extract has no episode_links.csv.")


def test_figures_from_the_tables_keep_only_programmes_with_yjs_intervention():
    # A: community resolution delivered by a DIVERSION programme ending 30 June (the quarter's last day), completed.
    # B: a police-facilitated community resolution with no YJS programme: no programme, not counted.
    # C: Outcome 22 programme ending 1 July, the next quarter: not counted. So 1 child, completed: 1 / 1.
    def dated(rows, *columns):
        frame = pd.DataFrame(rows)
        return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})

    children = [{"child_id": c, "date_of_birth": "2010-01-01", "sex": "1", "ethnicity": "WBRI"} for c in "ABC"]
    offences = [
        {"offence_id": f"O{c}", "child_id": c, "offence_date": "2025-01-01", "offence_category": "ROBBERY"}
        for c in "ABC"
    ]
    codes = {
        "A": "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT",
        "B": "COMMUNITY_RESOLUTION_POLICE_FACILITATED",
        "C": "NO_FURTHER_ACTION_OUTCOME_22",
    }
    outcomes = [
        {
            "outcome_id": f"X{c}",
            "offence_id": f"O{c}",
            "child_id": c,
            "outcome_date": "2025-02-01",
            "legal_outcome": code,
            "residence": "LOCAL",
        }
        for c, code in codes.items()
    ]
    caseload = [
        {"episode_id": f"E{c}", "child_id": c, "start_date": "2025-02-01", "end_date": end, "episode_type": "DIVERSION"}
        for c, end in (("A", "2025-06-30"), ("C", "2025-07-01"))
    ]
    tables = {
        "children": dated(children, "date_of_birth"),
        "offences": dated(offences, "offence_date"),
        "outcomes": dated(outcomes, "outcome_date"),
        "caseload": dated(caseload, "start_date", "end_date"),
        "episode_links": pd.DataFrame(
            {"episode_id": ["EA", "EC"], "outcome_id": ["XA", "XC"], "successfully_completed": ["Y", "N"]}
        ),
    }
    kpi6 = oocd.figures(tables, Quarter.parse("2025-26 Q1").period)
    completed = cells(kpi6, "kpi6_oocd_completed")
    assert completed["All"] == (1, 1)
    assert completed["Community resolution with YJS intervention"] == (1, 1)
    # A was born on 1 January 2010: 15 at the programme's start (1 February 2025)
    assert cells(kpi6, "kpi6_oocd_completed", "age_band") == {"10 to 14": (0, 0), "15 to 17": (1, 1), "All": (1, 1)}
    assert cells(kpi6, "kpi6_oocd_not_completed")["All"] == (0, 1)
