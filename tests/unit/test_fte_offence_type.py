"""First time entrants by offence type: the 2022-23 plan's 52 entrants rebuilt, and the rule for the offence."""

from __future__ import annotations

import pytest

from analysis.data.quarters import Quarter
from analysis.data.validation import validate_folder
from analysis.measures import first_time_entrants

from conftest import write_extract

YEAR = Quarter.parse("2021-22 Q4").year_ending  # April 2021 to March 2022, the plan's "12 months ending Q4"
BEFORE = Quarter.parse("2020-21 Q4").year_ending

# The plan's FTE offences, 12 months ending March 2022 (published figures 1.1.3, P-3): violence against the person
# 29 (55.8%), and "11 motoring offences/vehicle theft, 3 drugs offences, 3 criminal damage, 2 sexual offences,
# 1 public order, 1 robbery, 1 Arson and 1 'other'": 52 in all.
PLAN = {
    "VIOLENCE_AGAINST_THE_PERSON": 29,
    "MOTORING_OFFENCES": 11,
    "DRUGS": 3,
    "CRIMINAL_DAMAGE": 3,
    "SEXUAL_OFFENCES": 2,
    "PUBLIC_ORDER": 1,
    "ROBBERY": 1,
    "ARSON": 1,
    "OTHER": 1,
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    children, offences, outcomes = [], [], []

    def add(cid, category, offence_day, outcome_day, score="3", code="YOUTH_CAUTION", oid=None):
        oid = oid or f"O{len(offences) + 1}"
        offences.append(
            {
                "offence_id": oid,
                "child_id": cid,
                "offence_date": offence_day,
                "offence_category": category,
                "seriousness_score": score,
            }
        )
        outcomes.append(
            {
                "outcome_id": f"X{len(outcomes) + 1}",
                "offence_id": oid,
                "child_id": cid,
                "outcome_date": outcome_day,
                "legal_outcome": code,
                "residence": "LOCAL",
            }
        )

    n = 0
    for category, count in PLAN.items():
        for _ in range(count):
            n += 1
            children.append({"child_id": f"C{n}", "date_of_birth": "2006-01-01", "sex": "1", "ethnicity": "WBRI"})
            if category == "ARSON":  # two offences dealt with on the first outcome day: the more serious counts
                add(f"C{n}", "CRIMINAL_DAMAGE", "2021-06-01", "2021-07-01", score="2")
                add(f"C{n}", "ARSON", "2021-05-01", "2021-07-01", score="5")
            else:
                add(f"C{n}", category, "2021-06-01", "2021-07-01")
    # the year before: 2 drugs, 1 violence; and one child whose later outcome in the year is not a first entry
    for cid, category in (("P1", "DRUGS"), ("P2", "DRUGS"), ("P3", "VIOLENCE_AGAINST_THE_PERSON")):
        children.append({"child_id": cid, "date_of_birth": "2006-01-01", "sex": "1", "ethnicity": "WBRI"})
        add(cid, category, "2020-06-01", "2020-07-01", code="YOUTH_CONDITIONAL_CAUTION")
    add("P3", "ROBBERY", "2021-08-01", "2021-09-01", code="REFERRAL_ORDER")
    folder = write_extract(
        tmp_path_factory.mktemp("fte_offences"),
        children=children,
        offences=offences,
        outcomes=outcomes,
        care_episodes=[],
        caseload=[],
        pupil_link=[],
    )
    v = validate_folder(folder)
    assert v.counts["set_aside"].sum() == 0, v.set_aside
    return v.tables


def _rows(fig, period):
    return fig[fig["period"] == period.label].set_index("group")


def test_the_plans_52_entrants_by_offence_type(tables):
    fig = first_time_entrants.by_offence_type(tables, [BEFORE, YEAR])
    now = _rows(fig, YEAR)
    assert now.loc["All", "numerator"] == 52
    assert now.loc["Violence against the person", "numerator"] == 29
    assert round(now.loc["Violence against the person", "value"], 1) == 55.8  # 29 / 52, as the plan prints
    assert now.loc["Motoring offences", "numerator"] == 11
    assert round(now.loc["Motoring offences", "value"], 1) == 21.2  # 11 / 52 = 0.2115
    assert now.loc["Arson", "numerator"] == 1  # the more serious of the child's two offences that day
    assert now.loc["Criminal damage", "numerator"] == 3
    assert now.drop("All")["numerator"].sum() == 52
    assert (fig["measure"] == "first_time_entrants").all() and (fig["breakdown"] == "offence_type").all()


def test_the_year_before_sits_beside_it_with_the_same_rows(tables):
    fig = first_time_entrants.by_offence_type(tables, [BEFORE, YEAR])
    before, now = _rows(fig, BEFORE), _rows(fig, YEAR)
    assert list(before.index) == list(now.index)  # every type with an entrant in either year, in the YJB's order
    assert list(now.index)[:3] == ["Violence against the person", "Robbery", "Sexual offences"]
    assert before.loc["All", "numerator"] == 3
    assert before.loc["Drugs", "numerator"] == 2 and round(before.loc["Drugs", "value"], 1) == 66.7  # 2 / 3
    assert before.loc["Motoring offences", "numerator"] == 0 and before.loc["Motoring offences", "value"] == 0
    # P3 entered the year before: the referral order in the year is not a first entry, so no robbery is added
    assert now.loc["Robbery", "numerator"] == 1


def test_the_sentence_names_the_most_common_shown_type_in_each_year(tables):
    from analysis.present import narrative
    from analysis.safety import suppression

    fig = first_time_entrants.by_offence_type(tables, [BEFORE, YEAR]).assign(report="00_overview")
    shown = suppression.apply(fig, 4)
    text = narrative.fte_offence_types(shown, YEAR.label, BEFORE.label)
    assert "in the year ending March 2022 it was violence against the person (29 children, 55.8%)" in text
    # the year before had 3 entrants: every count is withheld, so no type is named
    assert "in the year ending March 2021 no offence type's number of entrants is shown" in text
    assert "Drugs" not in text and "drugs" not in text
