"""KPI 9 (serious violence): hand-built offences in 2025-26 Q1 (April to June 2025), counted by hand.

The 10 to 17 population is 20,000. Every child was born on 1 January 2010, so is 14 or 15 at the offence, but for
case 4 (born 1 January 2011: 14) and case 5 (born 1 January 2009: 16). The counted children: case 1 female, Black;
case 4 male, ethnicity blank; case 5 male, White.

====  ===========================  =====  =============================================  =========================
case  category                     score  outcomes                                       counted
====  ===========================  =====  =============================================  =========================
1     violence against the person  5      youth caution 1 May, with a YJS episode        quarter and year
2     robbery                      blank  referral order 1 May                           no: no score
3     violence against the person  8      community resolution 1 May (diversion)         no: not a caution/sentence
4     drugs                        6      deferred sentence 10 Apr, YRO 30 Jun (the      once, under the YRO, which
                                          quarter's last day), the YRO with an episode   has a YJS episode
5     robbery                      7      fine 1 Jun, linked only to a prevention        yes, without a YJS episode
                                          episode (not a KPI order)
6     violence against the person  4      youth caution 1 May                            no: score below 5
7     violence against the person  6      youth conditional caution 15 Sep 2024          the 12 months only
8     robbery                      5      referral order 1 Jul 2025                      no: next quarter
====  ===========================  =====  =============================================  =========================
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.quarters import Quarter
from analysis.measures import serious_violence as sv
from analysis.measures.kpi import serious_violence as kpi9
from analysis.stats import intervals

QUARTER = Quarter.parse("2025-26 Q1")
PERIOD = QUARTER.period
POPULATION = 20_000

CASES = [
    # case, category, score, offence date, [(outcome date, legal outcome, episode type or None)]
    (1, "VIOLENCE_AGAINST_THE_PERSON", "5", "2025-03-01", [("2025-05-01", "YOUTH_CAUTION", "YOUTH_CAUTION")]),
    (2, "ROBBERY", None, "2025-03-01", [("2025-05-01", "REFERRAL_ORDER", "REFERRAL_ORDER")]),
    (
        3,
        "VIOLENCE_AGAINST_THE_PERSON",
        "8",
        "2025-03-01",
        [("2025-05-01", "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT", "DIVERSION")],
    ),
    (
        4,
        "DRUGS",
        "6",
        "2025-03-01",
        [("2025-04-10", "DEFERRED_SENTENCE", None), ("2025-06-30", "YOUTH_REHABILITATION_ORDER", "YRO_ISS")],
    ),
    (5, "ROBBERY", "7", "2025-03-01", [("2025-06-01", "FINE", "PREVENTION")]),
    (6, "VIOLENCE_AGAINST_THE_PERSON", "4", "2025-03-01", [("2025-05-01", "YOUTH_CAUTION", None)]),
    (
        7,
        "VIOLENCE_AGAINST_THE_PERSON",
        "6",
        "2024-08-01",
        [("2024-09-15", "YOUTH_CONDITIONAL_CAUTION", "YOUTH_CONDITIONAL_CAUTION")],
    ),
    (8, "ROBBERY", "5", "2025-06-01", [("2025-07-01", "REFERRAL_ORDER", "REFERRAL_ORDER")]),
]


CHILDREN = {1: ("2010-01-01", "2", "BAFR"), 4: ("2011-01-01", "1", None), 5: ("2009-01-01", "1", "WBRI")}


def tables(with_links: bool = True) -> dict[str, pd.DataFrame]:
    children, offences, outcomes, caseload, links = [], [], [], [], []
    for case, category, score, day, dealt in CASES:
        born, sex, ethnicity = CHILDREN.get(case, ("2010-01-01", "1", "WBRI"))
        children.append({"child_id": f"C{case}", "date_of_birth": born, "sex": sex, "ethnicity": ethnicity})
        offences.append(
            {
                "offence_id": f"O{case}",
                "child_id": f"C{case}",
                "offence_date": day,
                "offence_category": category,
                "seriousness_score": score,
            }
        )
        for i, (when, code, episode) in enumerate(dealt):
            outcome = f"X{case}{i}"
            outcomes.append(
                {
                    "outcome_id": outcome,
                    "offence_id": f"O{case}",
                    "child_id": f"C{case}",
                    "outcome_date": when,
                    "legal_outcome": code,
                    "residence": "LOCAL",
                }
            )
            if episode:
                episode_id = f"E{case}{i}"
                caseload.append(
                    {
                        "episode_id": episode_id,
                        "child_id": f"C{case}",
                        "start_date": when,
                        "end_date": None,
                        "episode_type": episode,
                    }
                )
                links.append({"episode_id": episode_id, "outcome_id": outcome, "successfully_completed": None})

    def dated(rows, *columns):
        frame = pd.DataFrame(rows)
        return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})

    out = {
        "children": dated(children, "date_of_birth"),
        "offences": dated(offences, "offence_date"),
        "outcomes": dated(outcomes, "outcome_date"),
        "caseload": dated(caseload, "start_date", "end_date"),
        "population": pd.DataFrame({"population": [12_000, 8_000]}),
    }
    if with_links:
        out["episode_links"] = pd.DataFrame(links)
    return out


@pytest.fixture(scope="module")
def kpi() -> pd.DataFrame:
    return kpi9.figures(tables(), PERIOD)


def one(fig: pd.DataFrame, measure: str, breakdown: str = "all", group: str = "All") -> pd.Series:
    rows = fig[(fig["measure"] == measure) & (fig["breakdown"] == breakdown) & (fig["group"] == group)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_quarterly_rate_counts_each_serious_violence_offence_once(kpi):
    # cases 1, 4 (two outcomes in the quarter, once) and 5 = 3 offences; 3 / 20,000 x 10,000 = 1.5
    row = one(kpi, "kpi9_serious_violence_rate")
    assert (row["kind"], row["numerator"], row["denominator"], row["value"]) == ("rate", 3, 20_000, 1.5)
    _, lower, upper = intervals.rate(3, 20_000, per=10_000)
    assert (row["lower"], row["upper"]) == (pytest.approx(lower), pytest.approx(upper))
    assert (row["period"], row["unit"]) == (PERIOD.label, "per 10,000 children aged 10 to 17")


def test_twelve_month_rate_for_comparison_with_earlier_plans(kpi):
    # July 2024 to June 2025: cases 1, 4, 5 and 7 = 4; 4 / 20,000 x 10,000 = 2.0
    row = one(kpi, "kpi9_serious_violence_rate_12_months")
    assert (row["numerator"], row["value"], row["period"]) == (4, 2.0, PERIOD.label)


def test_offences_by_category_and_score(kpi):
    def counts(breakdown):
        rows = kpi[(kpi["measure"] == "kpi9_serious_violence_offences") & (kpi["breakdown"] == breakdown)]
        return dict(zip(rows["group"], rows["value"]))

    # drugs: case 4; robbery: case 5 (case 2 has no score); violence: case 1 (3 is diversion, 6 scores 4)
    assert counts("offence_category") == {"Drugs": 1, "Robbery": 1, "Violence against the person": 1, "All": 3}
    # score 5: case 1; 6: case 4; 7: case 5; 8: none (case 3's only outcome is a diversion)
    assert counts("seriousness_score") == {"5": 1, "6": 1, "7": 1, "8": 0, "All": 3}
    assert set(kpi.loc[kpi["measure"] == "kpi9_serious_violence_offences", "kind"]) == {"count"}


def test_offences_without_a_yjs_episode_are_counted_beside_the_kpi(kpi):
    # case 5's fine is linked only to a prevention episode, not a KPI order; case 4 is counted under its YRO
    # (more serious than the deferred sentence), which has a YJS episode. 1 offence without.
    assert one(kpi, "kpi9_offences_without_yjs_episode")["value"] == 1


def test_without_episode_links_there_is_no_gap_to_show():
    kpi = kpi9.figures(tables(with_links=False), PERIOD)
    assert "kpi9_offences_without_yjs_episode" not in set(kpi["measure"])
    assert one(kpi, "kpi9_serious_violence_rate")["numerator"] == 3
    assert kpi9.missing(tables(with_links=False)) == ""


def counts(kpi: pd.DataFrame, measure: str, breakdown: str) -> dict[str, int]:
    rows = kpi[(kpi["measure"] == measure) & (kpi["breakdown"] == breakdown)]
    return dict(zip(rows["group"], rows["value"].astype(int)))


def test_offences_by_age_band_on_the_offence_date_both_ways(kpi):
    # offences on 1 March 2025: case 4 aged 14, case 1 aged 15, case 5 aged 16. Case level: 10-14 case 4; 15-17
    # cases 1, 5. The return's bands: 10-15 cases 4 and 1 (the 15-year-old moves band), 16-17 case 5.
    assert counts(kpi, "kpi9_serious_violence_offences", "age_band") == {"10 to 14": 1, "15 to 17": 2, "All": 3}
    assert counts(kpi, "kpi9_serious_violence_offences", "age_band_template") == {
        "10 to 15": 2,
        "16 to 17": 1,
        "All": 3,
    }


def test_children_with_a_serious_violence_offence_by_sex_and_ethnic_group(kpi):
    # children: C1 (female, Black), C4 (male, ethnicity blank: Not known), C5 (male, White) = 3
    assert counts(kpi, "kpi9_serious_violence_children", "sex") == {
        "Male": 2,
        "Female": 1,
        "Not known": 0,
        "All": 3,
    }
    assert counts(kpi, "kpi9_serious_violence_children", "ethnic_group") == {
        "White": 1,
        "Mixed": 0,
        "Asian": 0,
        "Black": 1,
        "Other": 0,
        "Not known": 1,
        "All": 3,
    }
    rows = kpi[kpi["measure"] == "kpi9_serious_violence_children"]
    assert set(rows["kind"]) == {"count"} and set(rows["unit"]) == {"children"}


def test_a_child_with_two_offences_is_one_child():
    # K1 offended at 15 and at 16 (two offences), K2 at 14: 3 offences, 2 children
    offences = pd.DataFrame(
        {
            "offence_id": ["O1", "O2", "O3"],
            "child_id": ["K1", "K1", "K2"],
            "offence_category": ["ROBBERY", "DRUGS", "ROBBERY"],
            "seriousness_score": ["5", "6", "7"],
            "age_at_offence": [15, 16, 14],
            "sex": ["1", "1", "2"],
            "ethnicity": ["OARB", "OARB", "NOBT"],
        }
    )
    kpi = kpi9.count(offences, POPULATION, PERIOD)
    # case level: 10-14 O3; 15-17 O1, O2. Return: 10-15 O1 (15), O3 (14); 16-17 O2
    assert counts(kpi, "kpi9_serious_violence_offences", "age_band") == {"10 to 14": 1, "15 to 17": 2, "All": 3}
    assert counts(kpi, "kpi9_serious_violence_offences", "age_band_template") == {
        "10 to 15": 2,
        "16 to 17": 1,
        "All": 3,
    }
    # K1 male, Arab (Other); K2 female, "information not yet obtained" (Not known): 2 children, not 3
    assert counts(kpi, "kpi9_serious_violence_children", "sex") == {"Male": 1, "Female": 1, "Not known": 0, "All": 2}
    ethnic = counts(kpi, "kpi9_serious_violence_children", "ethnic_group")
    assert (ethnic["Other"], ethnic["Not known"], ethnic["All"]) == (1, 1, 2)


def test_count_on_the_shared_offences_frame():
    # the same 3 offences, without a year or links: one rate, the four offence breakdowns (4 + 5 + 3 + 3 rows) and
    # the children by sex (4) and ethnic group (7)
    offences = sv.offences(tables(), PERIOD).assign(sex="1", ethnicity="WBRI")
    kpi = kpi9.count(offences, POPULATION, PERIOD)
    assert len(kpi) == 1 + 4 + 5 + 3 + 3 + 4 + 7
    assert one(kpi, "kpi9_serious_violence_rate")["value"] == 1.5
