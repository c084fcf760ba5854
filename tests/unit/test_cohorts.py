"""First time entrants, caseload and characteristics on a hand-built extract with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.quarters import Quarter
from analysis.data.validation import validate_folder
from analysis.measures import caseload, characteristics, first_time_entrants

from conftest import write_extract


def child(cid, dob, sex="1", eth="WBRI"):
    return {"child_id": cid, "date_of_birth": dob, "sex": sex, "ethnicity": eth}


def offence(oid, cid, day):
    return {
        "offence_id": oid,
        "child_id": cid,
        "offence_date": day,
        "offence_category": "VIOLENCE_AGAINST_THE_PERSON",
        "seriousness_score": "3",
    }


def outcome(xid, oid, cid, day, code, residence="LOCAL"):
    return {
        "outcome_id": xid,
        "offence_id": oid,
        "child_id": cid,
        "outcome_date": day,
        "legal_outcome": code,
        "residence": residence,
    }


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    children = [
        child("C1", "2007-05-01"),
        child("C2", "2006-01-01"),
        child("C3", "2006-06-06", "2", "MWBC"),
        child("C4", "2007-07-07"),
        child("C5", "2003-01-01"),
        child("C6", "2008-02-29"),
        child("C7", "2009-03-03"),
    ]
    offences = [
        offence("O1", "C1", "2021-04-20"),
        offence("O2", "C1", "2022-05-01"),
        offence("O3", "C1", "2022-08-01"),
        offence("O4", "C2", "2021-11-01"),
        offence("O5", "C3", "2022-06-01"),
        offence("O6", "C4", "2022-07-01"),
        offence("O7", "C5", "2022-02-01"),
        offence("O8", "C6", "2022-09-01"),
        offence("O9", "C7", "2022-10-01"),
    ]
    outcomes = [
        outcome("X1", "O1", "C1", "2021-05-10", "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT"),  # diversion: not entry
        outcome("X2", "O2", "C1", "2022-06-10", "YOUTH_CAUTION"),  # C1's first substantive outcome
        outcome("X3", "O3", "C1", "2022-09-01", "REFERRAL_ORDER"),
        outcome("X4", "O4", "C2", "2021-12-01", "YOUTH_CONDITIONAL_CAUTION"),  # entered the year before
        outcome("X5", "O5", "C3", "2022-07-01", "YOUTH_CAUTION"),  # same day: the referral order is more serious
        outcome("X6", "O5", "C3", "2022-07-01", "REFERRAL_ORDER"),
        outcome("X7", "O6", "C4", "2022-08-01", "FINE", residence="OTHER"),  # another area's entrant
        outcome("X8", "O7", "C5", "2022-03-01", "FINE"),  # aged 19 at the offence
        outcome("X9", "O8", "C6", "2022-10-05", "YOUTH_CONDITIONAL_CAUTION"),  # looked after then
        outcome("X10", "O9", "C7", "2022-10-20", "NO_FURTHER_ACTION_OUTCOME_22"),  # diversion only
    ]
    care = [
        {
            "care_episode_id": "L1",
            "child_id": "C6",
            "start_date": "2022-01-01",
            "end_date": "",
            "placed_by_other_authority": "N",
        },
        {
            "care_episode_id": "L2",
            "child_id": "C1",
            "start_date": "2020-01-01",
            "end_date": "2022-06-09",
            "placed_by_other_authority": "N",
        },
    ]
    episodes = [
        {
            "episode_id": "E1",
            "child_id": "C1",
            "start_date": "2022-09-01",
            "end_date": "2023-03-01",
            "episode_type": "REFERRAL_ORDER",
        },
        {
            "episode_id": "E2",
            "child_id": "C1",
            "start_date": "2022-01-01",
            "end_date": "",
            "episode_type": "PREVENTION",
        },
        {
            "episode_id": "E3",
            "child_id": "C2",
            "start_date": "2021-01-01",
            "end_date": "2022-12-31",
            "episode_type": "YOUTH_REHABILITATION_ORDER",
        },
        {
            "episode_id": "E4",
            "child_id": "C3",
            "start_date": "2023-03-31",
            "end_date": "",
            "episode_type": "DTO_CUSTODY",
        },
        {
            "episode_id": "E5",
            "child_id": "C6",
            "start_date": "2023-01-01",
            "end_date": "2023-01-01",
            "episode_type": "DIVERSION",
        },
    ]
    send = [
        {"send_id": "S1", "child_id": "C3", "start_date": "2019-01-01", "end_date": "", "send_status": "SEN_SUPPORT"},
        {"send_id": "S2", "child_id": "C3", "start_date": "2022-01-01", "end_date": "", "send_status": "EHCP"},
    ]
    folder = write_extract(
        tmp_path_factory.mktemp("cohorts"),
        children=children,
        offences=offences,
        outcomes=outcomes,
        care_episodes=care,
        caseload=episodes,
        send=send,
    )
    v = validate_folder(folder)
    assert v.counts["set_aside"].sum() == 0
    return v.tables


YEAR = Quarter.parse("2022-23 Q4").year_ending


def test_first_time_entrants_follow_the_yjb_rule(tables):
    fte = first_time_entrants.entrants(tables, YEAR).set_index("child_id")
    assert sorted(fte.index) == ["C1", "C3", "C6"]
    assert fte.loc["C1", "outcome_type"] == "Youth Caution"
    assert fte.loc["C3", "outcome_type"] == "Referral Order"  # most serious of two on the same day
    assert fte.loc["C6", "outcome_type"] == "Youth Conditional Caution"
    assert fte["looked_after"].to_dict() == {"C1": False, "C3": False, "C6": True}  # C1's care ended the day before


def test_previous_year_counts_its_own_entrant(tables):
    fte = first_time_entrants.entrants(tables, Quarter.parse("2021-22 Q4").year_ending)
    assert list(fte["child_id"]) == ["C2"]


def test_fte_table_by_outcome_type(tables):
    fig = first_time_entrants.by_outcome_type(first_time_entrants.entrants(tables, YEAR), YEAR).set_index(
        ["measure", "group"]
    )
    assert fig.loc[("first_time_entrants", "All"), "numerator"] == 3
    assert fig.loc[("first_time_entrants", "Youth Caution"), "numerator"] == 1
    assert fig.loc[("first_time_entrants", "Youth Caution"), "value"] == pytest.approx(100 / 3)
    assert fig.loc[("first_time_entrants", "Youth Rehabilitation Order"), "numerator"] == 0
    assert fig.loc[("first_time_entrants_looked_after", "All"), "numerator"] == 1


def test_fte_rate_per_100000():
    row = first_time_entrants.rate(41, 24_260, YEAR)
    assert row["value"] == pytest.approx(41 / 24_260 * 100_000)  # the 2019 plan's 169
    assert round(row["value"]) == 169
    assert row["lower"] < row["value"] < row["upper"]


def test_caseload_during_quarter(tables):
    q = Quarter.parse("2022-23 Q4")
    on = caseload.on_caseload(tables["caseload"], q.period).set_index("child_id")["tier"].to_dict()
    assert on == {"C1": "First-tier", "C3": "Custody", "C6": "Diversion"}
    fig = caseload.by_tier(caseload.on_caseload(tables["caseload"], q.period), q.period).set_index("group")
    assert (
        fig.loc["All", "numerator"] == 3
        and fig.loc["Custody", "numerator"] == 1
        and fig.loc["Prevention", "numerator"] == 0
    )


def test_age_on_counts_the_birthday():
    dob = pd.Series(pd.to_datetime(["2008-02-29", "2008-02-29", "2010-06-15"]))
    on = pd.Series(pd.to_datetime(["2022-02-28", "2022-03-01", "2020-06-15"]))
    assert list(characteristics.age_on(dob, on)) == [13, 14, 10]


def test_describe_characteristics_on_a_date(tables):
    pairs = pd.DataFrame(
        {"child_id": ["C3", "C6", "C1"], "date": pd.to_datetime(["2021-06-01", "2022-10-05", "2023-01-01"])}
    )
    out = characteristics.describe(tables, pairs).set_index("child_id")
    assert out.loc["C3", "send"] == "SEN support"  # EHCP only from 2022
    assert out.loc["C3", "ethnic_group"] == "Mixed" and out.loc["C3", "sex"] == "Female"
    assert out.loc["C6", "looked_after"] == "Looked after" and out.loc["C6", "age"] == 14
    assert out.loc["C1", "send"] == "No SEN recorded"
