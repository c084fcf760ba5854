"""Disproportionality: cohorts, measures, decision points, safe publication and words, on hand-built data.

Expected values are worked out by hand (docs/methodology.md: worked example 5, and the 2022-23 youth
justice plan's statement) or taken from scipy, not from the code under test.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest
from scipy.stats.contingency import relative_risk

from analysis.data.quarters import Quarter
from analysis.data.validation import validate_folder
from analysis.present import ratio_words
from analysis.present.report import Report
from analysis.reports.disproportionality import measures as dp
from analysis.reports.disproportionality import words
from analysis.safety import figures, suppression
from analysis.stats import intervals

from conftest import write_extract

QUARTER = Quarter.parse("2022-23 Q4")  # January to March 2023; the 12 months are April 2022 to March 2023
YEAR = QUARTER.year_ending.label
ETHNIC = dp.BREAKDOWNS["ethnic_group"]
MINORITY = dp.BREAKDOWNS["ethnic_minority"]


def population(counts: dict, description: str = "children aged 10 to 17") -> dp.Population:
    return dp.Population(pd.Series(counts, dtype=float), "Test population, 2021", "2021", description)


def cohort_values(counts: dict) -> pd.Series:
    return pd.Series([g for g, n in counts.items() for _ in range(n)], dtype=object)


def figures_of(fig: pd.DataFrame) -> dict:
    """(measure, group) -> row, for one breakdown and period."""
    return {(r.measure, r.group): r for r in fig.itertuples()}


def rep(mode: str = "public") -> Report:
    return Report(name="10_disproportionality", quarter=QUARTER, extract=None, output_dir=None, mode=mode)


# --- measures, worked by hand ----------------------------------------------------------------------


@pytest.fixture
def example():
    """Worked example 5 in docs/methodology.md: 180 children cautioned or sentenced, 30 of them Black; 1,500 Black
    children and 30,000 others in a 10 to 17 population of 31,500."""
    values = cohort_values({"White": 150, "Black": 30})
    return figures_of(
        dp.compare(
            values, ETHNIC, population({"White": 30_000, "Black": 1_500}), cohort="cautioned_or_sentenced", period=YEAR
        )
    )


def test_share_of_cohort_against_share_of_population(example):
    share = example[("cautioned_or_sentenced_children", "Black")]
    assert (share.numerator, share.denominator) == (30, 180)
    assert round(share.value, 1) == 16.7
    assert (round(share.lower, 1), round(share.upper, 1)) == (11.9, 22.8)  # Wilson, as in the worked example
    pop = example[("population_share", "Black")]
    assert round(pop.value, 2) == 4.76
    gap = example[("cautioned_or_sentenced_share_gap", "Black")]
    assert round(gap.value, 1) == 11.9  # percentage points
    assert gap.unit == "percentage points"
    assert gap.lower == pytest.approx(share.lower - pop.value)


def test_share_ratio(example):
    ratio = example[("cautioned_or_sentenced_disproportionality_ratio", "Black")]
    assert ratio.value == pytest.approx(3.5)
    z = 1.959964
    wilson_lower = (2 * 30 + z**2 - z * math.sqrt(z**2 + 4 * 30 * (1 - 30 / 180))) / (2 * (180 + z**2))
    assert ratio.lower == pytest.approx(wilson_lower / (1500 / 31500), rel=1e-5)  # Wilson lower / population share
    assert ratio.numerator_2 == 150  # the rest of the cohort, checked for small numbers too


def test_rate_per_1000(example):
    rate = example[("cautioned_or_sentenced_rate", "Black")]
    assert rate.value == pytest.approx(20.0)  # 30 / 1,500 x 1,000
    _, lower, upper = intervals.rate(30, 1500, per=1000)
    assert (rate.lower, rate.upper) == pytest.approx((lower, upper))
    everyone = example[("cautioned_or_sentenced_rate", "All")]
    assert everyone.value == pytest.approx(180 / 31_500 * 1000)


def test_relative_rate_index(example):
    for measure in ("cautioned_or_sentenced_rri_vs_others", "cautioned_or_sentenced_rri_vs_white"):
        rri = example[(measure, "Black")]
        assert rri.value == pytest.approx(4.0)  # 2.0% against 0.5%
        assert (round(rri.lower, 2), round(rri.upper, 2)) == (2.71, 5.90)  # Katz, as in the worked example
        assert rri.numerator_2 == 150
    assert ("cautioned_or_sentenced_rri_vs_white", "White") not in example  # not against itself


def test_rri_rows_agree_with_scipy_relative_risk():
    values = cohort_values({"White": 41, "Mixed": 6, "Asian": 9, "Black": 12, "Other": 5})
    pop = {"White": 22_000, "Mixed": 700, "Asian": 1_000, "Black": 400, "Other": 250}
    fig = dp.compare(values, ETHNIC, population(pop), cohort="any_outcome", period=YEAR)
    rris = fig[fig["measure"].str.contains("_rri_")]
    assert len(rris) == 9
    total, total_pop = 73, sum(pop.values())
    for r in rris.itertuples():
        a, n1 = (values == r.group).sum(), pop[r.group]
        b, n2 = (41, 22_000) if r.measure.endswith("white") else (total - a, total_pop - n1)
        result = relative_risk(int(a), int(n1), int(b), int(n2))
        ci = result.confidence_interval(0.95)
        assert r.value == pytest.approx(result.relative_risk)
        assert (r.lower, r.upper) == pytest.approx((ci.low, ci.high))


def test_the_2022_23_plan_statement_is_reproduced():
    """'White children make up 82% of the offending population and 91% of the 10-17 population ... Other children
    make up 6% of the offending population and 1% of the 10-17 population' (ratios 0.90 and 6.0)."""
    values = cohort_values({"White": 41, "Mixed": 2, "Asian": 2, "Black": 2, "Other": 3})
    pop = population({"White": 22_750, "Mixed": 750, "Asian": 750, "Black": 500, "Other": 250})
    fig = figures_of(dp.compare(values, ETHNIC, pop, cohort="cautioned_or_sentenced", period=YEAR))
    assert round(fig[("cautioned_or_sentenced_children", "White")].value) == 82
    assert round(fig[("population_share", "White")].value) == 91
    assert round(fig[("cautioned_or_sentenced_children", "Other")].value) == 6
    assert round(fig[("population_share", "Other")].value) == 1
    assert round(fig[("cautioned_or_sentenced_disproportionality_ratio", "Other")].value, 1) == 6.0
    assert round(fig[("cautioned_or_sentenced_disproportionality_ratio", "White")].value, 2) == 0.90
    minority = figures_of(
        dp.compare(
            values.replace(["Mixed", "Asian", "Black", "Other"], dp.ETHNIC_MINORITY),
            MINORITY,
            dp.Population(pd.Series({"White": 22_750, dp.ETHNIC_MINORITY: 2_250}), "", "2021", ""),
            cohort="cautioned_or_sentenced",
            period=YEAR,
        )
    )
    assert round(minority[("cautioned_or_sentenced_children", dp.ETHNIC_MINORITY)].value) == 18
    assert round(minority[("population_share", dp.ETHNIC_MINORITY)].value) == 9
    assert round(minority[("cautioned_or_sentenced_disproportionality_ratio", dp.ETHNIC_MINORITY)].value, 1) == 2.0


def test_the_plan_statement_once_published_withholds_the_small_groups():
    values = cohort_values({"White": 41, "Mixed": 2, "Asian": 2, "Black": 2, "Other": 3})
    pop = population({"White": 22_750, "Mixed": 750, "Asian": 750, "Black": 500, "Other": 250})
    safe = dp.publish(rep(), dp.compare(values, ETHNIC, pop, cohort="cautioned_or_sentenced", period=YEAR))
    other = safe[safe["group"] == "Other"]
    other = other[other["measure"] != "population_share"]
    assert (
        other["suppressed"].all() and other[["numerator", "value", "lower", "upper", "denominator"]].isna().all().all()
    )
    assert not dp.row(safe, "cautioned_or_sentenced_children", "ethnic_group", "White", YEAR)["suppressed"]
    assert "6.0" not in words.composition_text(safe, "cautioned_or_sentenced", YEAR)


# --- edge cases ------------------------------------------------------------------------------------


def test_group_with_no_children_gives_zero_and_no_interval():
    values = cohort_values({"White": 40, "Mixed": 10})
    fig = figures_of(
        dp.compare(
            values, ETHNIC, population({"White": 20_000, "Mixed": 500, "Black": 300}), cohort="any_outcome", period=YEAR
        )
    )
    black = {m: fig[(m, "Black")] for m in ("any_outcome_children", "any_outcome_rate", "any_outcome_rri_vs_white")}
    assert black["any_outcome_children"].numerator == 0 and black["any_outcome_children"].value == 0
    assert black["any_outcome_rate"].value == 0 and black["any_outcome_rate"].upper > 0
    assert black["any_outcome_rri_vs_white"].value == 0 and math.isnan(black["any_outcome_rri_vs_white"].lower)
    safe = dp.publish(
        rep(),
        dp.compare(
            values, ETHNIC, population({"White": 20_000, "Mixed": 500, "Black": 300}), cohort="any_outcome", period=YEAR
        ),
    )
    assert (
        ratio_words.reading(dp.row(safe, "any_outcome_rri_vs_white", "ethnic_group", "Black", YEAR))
        == ratio_words.NONE_IN_GROUP
    )
    assert (
        words.rri_sentence(
            dp.row(safe, "any_outcome_rri_vs_white", "ethnic_group", "Black", YEAR),
            "Black",
            "to have any outcome",
            "White children",
        )
        == "Black children: no children in this group."
    )


def test_group_missing_from_the_population_table_is_not_available():
    values = cohort_values({"White": 40, "Other": 7})
    fig = dp.compare(values, ETHNIC, population({"White": 20_000, "Mixed": 500}), cohort="any_outcome", period=YEAR)
    other = figures_of(fig)
    for measure in (
        "population_share",
        "any_outcome_rate",
        "any_outcome_disproportionality_ratio",
        "any_outcome_rri_vs_white",
        "any_outcome_rri_vs_others",
    ):
        assert math.isnan(other[(measure, "Other")].value), measure
    assert other[("any_outcome_children", "Other")].numerator == 7  # still counted
    safe = dp.publish(rep(), fig)
    for measure in ("any_outcome_rate", "any_outcome_rri_vs_white", "any_outcome_rri_vs_others"):
        assert ratio_words.reading(dp.row(safe, measure, "ethnic_group", "Other", YEAR)) == ratio_words.NO_POPULATION
    assert (
        ratio_words.reading(dp.row(safe, "any_outcome_disproportionality_ratio", "ethnic_group", "Other", YEAR))
        == ratio_words.NO_POPULATION
    )


def test_all_ethnicity_unknown_gives_no_comparison_and_no_error():
    values = pd.Series([dp.NOT_KNOWN] * 12, dtype=object)
    fig = dp.compare(values, ETHNIC, population({"White": 20_000, "Mixed": 500}), cohort="any_outcome", period=YEAR)
    rows = fig[fig["breakdown"] == "ethnic_group"]
    derived = rows[rows["measure"] != "population_share"]
    assert (derived["measure"].str.endswith("_children") | derived["value"].isna() | (derived["value"] == 0)).all()
    assert derived.loc[derived["measure"] != "any_outcome_children", "value"].isna().all()  # no rate of 0 per 1,000
    unknown = figures_of(fig[fig["breakdown"] == "ethnic_group_not_known"])[("any_outcome_children", dp.NOT_KNOWN)]
    assert (unknown.numerator, unknown.denominator, unknown.value) == (12, 12, 100)
    safe = dp.publish(rep(), fig)
    assert (
        ratio_words.reading(dp.row(safe, "any_outcome_rri_vs_white", "ethnic_group", "Mixed", YEAR))
        == ratio_words.NONE_IN_GROUP
    )
    assert "no comparison by ethnicity" in words.composition_text(safe, "any_outcome", YEAR)


def test_more_children_than_population_is_not_an_error():
    values = cohort_values({"White": 40, "Other": 9})
    fig = figures_of(
        dp.compare(values, ETHNIC, population({"White": 20_000, "Other": 6}), cohort="any_outcome", period=YEAR)
    )
    assert math.isnan(fig[("any_outcome_rri_vs_white", "Other")].value)
    assert fig[("any_outcome_rate", "Other")].value == pytest.approx(1500)


def test_empty_cohort():
    fig = dp.compare(pd.Series([], dtype=object), ETHNIC, population({"White": 100}), cohort="caseload", period=YEAR)
    assert fig.loc[fig["measure"] == "caseload_children", "numerator"].eq(0).all()


# --- readings ---------------------------------------------------------------------------------------


def ratio_row(
    value,
    lower,
    upper,
    numerator=20,
    denominator=1000,
    numerator_2=50,
    suppressed=False,
    measure="any_outcome_rri_vs_white",
):
    return pd.Series(
        {
            "measure": measure,
            "kind": "ratio",
            "value": value,
            "lower": lower,
            "upper": upper,
            "numerator": numerator,
            "denominator": denominator,
            "numerator_2": numerator_2,
            "suppressed": suppressed,
            "group": "Black",
            "breakdown": "ethnic_group",
        }
    )


@pytest.mark.parametrize(
    "r, expected",
    [
        (ratio_row(2.5, 1.4, 4.1), ratio_words.MORE),
        (ratio_row(0.4, 0.2, 0.8), ratio_words.LESS),
        (ratio_row(1.1, 0.7, 1.6), ratio_words.ABOUT),
        (ratio_row(1.6, 0.4, 6.0), ratio_words.TOO_FEW),
        (
            ratio_row(float("nan"), float("nan"), float("nan"), numerator=float("nan"), suppressed=True),
            ratio_words.WITHHELD,
        ),
        (ratio_row(0.0, float("nan"), float("nan"), numerator=0), ratio_words.NONE_IN_GROUP),
        (ratio_row(float("nan"), float("nan"), float("nan"), denominator=float("nan")), ratio_words.NO_POPULATION),
        (ratio_row(float("nan"), float("nan"), float("nan"), numerator_2=0), ratio_words.NO_COMPARISON),
        (None, ratio_words.NOT_POSSIBLE),
    ],
)
def test_readings(r, expected):
    assert ratio_words.reading(r) == expected


def test_sentence_cautions_on_small_numbers():
    text = words.rri_sentence(
        ratio_row(2.5, 1.4, 4.1, numerator=12), "Black", "to be cautioned or sentenced", "White children"
    )
    assert text == (
        "Black children were 2.5 times as likely as White children to be cautioned or sentenced (95% confidence "
        "interval 1.4 to 4.1; based on 12 children, so treat with caution): more likely, and the difference "
        "is unlikely to be chance."
    )
    assert "0.45 times" in words.ratio_words(0.45) + " times"


# --- cohorts from a hand-built extract ---------------------------------------------------------------


def child(cid, dob, sex="1", eth="WBRI"):
    return {"child_id": cid, "date_of_birth": dob, "sex": sex, "ethnicity": eth}


def offence(oid, cid, day):
    return {
        "offence_id": oid,
        "child_id": cid,
        "offence_date": day,
        "offence_category": "ROBBERY",
        "seriousness_score": "4",
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
        child("C1", "2007-01-01"),
        child("C2", "2008-03-03", "2", "BCRB"),
        child("C3", "2006-06-06", "1", "MWBC"),
        child("C4", "2007-07-07"),
        child("C5", "2003-01-01"),
        child("C6", "2007-02-02", "1", "AIND"),
        child("C7", "2007-04-04"),
        child("C8", "2008-08-08", "1", ""),
        child("C9", "2006-09-09"),
        child("C10", "2012-06-01", "2", "WIRI"),
        child("C11", "2004-01-01"),
    ]
    offences = [
        offence(f"O{i}", c, d)
        for i, (c, d) in enumerate(
            [
                ("C1", "2022-05-01"),
                ("C2", "2022-06-01"),
                ("C3", "2022-07-01"),
                ("C3", "2022-11-01"),
                ("C4", "2022-08-01"),
                ("C5", "2022-05-05"),
                ("C6", "2022-09-01"),
                ("C7", "2021-06-01"),
                ("C8", "2022-04-10"),
                ("C8", "2022-10-10"),
            ],
            1,
        )
    ]
    outcomes = [
        outcome("X1", "O1", "C1", "2022-06-01", "COMMUNITY_RESOLUTION_POLICE_FACILITATED"),  # diversion only
        outcome("X2", "O2", "C2", "2022-07-01", "YOUTH_CAUTION"),
        outcome("X3", "O3", "C3", "2022-08-01", "REFERRAL_ORDER"),
        outcome("X4", "O4", "C3", "2022-12-01", "DETENTION_AND_TRAINING_ORDER"),  # custody
        outcome("X5", "O5", "C4", "2022-09-01", "FINE", residence="OTHER"),  # another area's child: left out
        outcome("X6", "O6", "C5", "2022-06-01", "FINE"),  # 19 at the offence: left out
        outcome("X7", "O7", "C6", "2022-10-01", "REFERRAL_ORDER"),  # and remanded in custody
        outcome("X8", "O8", "C7", "2021-07-01", "YOUTH_CAUTION"),  # before the 12 months
        outcome("X9", "O9", "C8", "2022-05-01", "NO_FURTHER_ACTION_OUTCOME_22"),  # two outcomes, one child
        outcome("X10", "O10", "C8", "2022-11-01", "YOUTH_CONDITIONAL_CAUTION"),
    ]
    remands = [
        {
            "remand_id": "R1",
            "child_id": "C6",
            "start_date": "2022-09-05",
            "end_date": "2022-09-30",
            "remand_type": "REMAND_IN_CUSTODY",
        },
        {
            "remand_id": "R2",
            "child_id": "C9",
            "start_date": "2022-10-01",
            "end_date": "",
            "remand_type": "REMAND_IN_CUSTODY",
        },
        {
            "remand_id": "R3",
            "child_id": "C2",
            "start_date": "2022-06-15",
            "end_date": "2022-06-30",
            "remand_type": "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION",
        },
    ]
    care = [
        {
            "care_episode_id": "L1",
            "child_id": "C2",
            "start_date": "2021-01-01",
            "end_date": "",
            "placed_by_other_authority": "N",
        },
        {
            "care_episode_id": "L2",
            "child_id": "C3",
            "start_date": "2022-01-01",
            "end_date": "",
            "placed_by_other_authority": "Y",
        },
    ]
    send = [
        {"send_id": "S1", "child_id": "C3", "start_date": "2020-01-01", "end_date": "", "send_status": "EHCP"},
        {
            "send_id": "S2",
            "child_id": "C2",
            "start_date": "2020-01-01",
            "end_date": "2022-06-30",
            "send_status": "SEN_SUPPORT",
        },
    ]
    episodes = [
        {
            "episode_id": "E1",
            "child_id": "C3",
            "start_date": "2022-08-01",
            "end_date": "",
            "episode_type": "REFERRAL_ORDER",
        },
        {
            "episode_id": "E2",
            "child_id": "C10",
            "start_date": "2023-01-01",
            "end_date": "",
            "episode_type": "PREVENTION",
        },  # aged 10
        {
            "episode_id": "E3",
            "child_id": "C11",
            "start_date": "2022-01-01",
            "end_date": "",
            "episode_type": "YOUTH_REHABILITATION_ORDER",
        },  # 19
        {
            "episode_id": "E4",
            "child_id": "C2",
            "start_date": "2022-07-01",
            "end_date": "2022-12-31",
            "episode_type": "YOUTH_CAUTION",
        },  # ended before
    ]
    pupils = [
        {
            "pupil_id": f"P{i}",
            "academic_year": year,
            "school_id": "S1",
            "phase": "SECONDARY",
            "nc_year": str(nc),
            "sex": "M",
            "ethnicity": "WBRI",
            "sen_provision": sen,
        }
        for i, (year, nc, sen) in enumerate(
            [
                ("2022/23", 5, "E"),
                ("2022/23", 12, "K"),
                ("2022/23", 8, "N"),
                ("2022/23", 8, "N"),
                ("2022/23", 4, "E"),
                ("2022/23", 13, "E"),
                ("2021/22", 8, "E"),
                ("2023/24", 8, "E"),
            ]
        )
    ]
    population = [
        {"source": "Test population", "vintage": "2021", "age": str(a), "sex": s, "ethnicity": e, "population": str(n)}
        for a in range(10, 18)
        for s, e, n in (
            ("1", "WBRI", 1000),
            ("2", "WBRI", 1000),
            ("1", "BCRB", 50),
            ("2", "MWBC", 40),
            ("1", "AIND", 30),
        )
    ]
    looked = [
        {"source": "Test SSDA903", "vintage": "31 March 2022", "age": str(a), "sex": "1", "looked_after": "10"}
        for a in range(10, 18)
    ]
    folder = write_extract(
        tmp_path_factory.mktemp("dispro"),
        children=children,
        offences=offences,
        outcomes=outcomes,
        remands=remands,
        care_episodes=care,
        send=send,
        caseload=episodes,
        pupils=pupils,
        population=population,
        looked_after_population=looked,
        pupil_link=[],
    )
    v = validate_folder(folder)
    assert v.counts["set_aside"].sum() == 0, v.counts
    return v.tables


@pytest.fixture(scope="module")
def cohorts(tables):
    return dp.cohorts(tables, QUARTER)


def ids(cohort):
    return sorted(cohort.children["child_id"])


def test_cohorts_count_each_child_once_under_the_rules(cohorts):
    assert ids(cohorts["any_outcome"]) == ["C1", "C2", "C3", "C6", "C8"]
    assert ids(cohorts["cautioned_or_sentenced"]) == ["C2", "C3", "C6", "C8"]
    assert cohorts["any_outcome"].left_out == 2  # C4 lives elsewhere, C5 was 19
    assert cohorts["cautioned_or_sentenced"].left_out == 2


def test_decision_points_are_nested(cohorts):
    assert ids(cohorts["court"]) == ["C3", "C6"]
    assert ids(cohorts["custody"]) == ["C3", "C6"]  # a custodial sentence; a remand in custody
    # C9 was remanded in custody but had no court outcome in the 12 months: not at the last stage.
    for before, stage in zip(dp.STAGES, dp.STAGES[1:]):
        assert set(ids(cohorts[stage])) <= set(ids(cohorts[before]))


def test_characteristics_on_the_first_counted_outcome(cohorts):
    anyone = cohorts["any_outcome"].children.set_index("child_id")
    assert anyone.loc["C8", "date"] == pd.Timestamp("2022-05-01")  # the Outcome 22, not the later caution
    assert anyone.loc["C8", "ethnic_group"] == dp.NOT_KNOWN
    assert anyone.loc["C2", "age"] == "14"  # 14 at the offence on 1 June 2022
    assert anyone.loc["C2", "looked_after"] == dp.LOOKED_AFTER
    assert anyone.loc["C3", "looked_after"] == dp.LOOKED_AFTER_ELSEWHERE  # placed here by another council
    assert anyone.loc["C3", "send"] == "EHCP"
    assert anyone.loc["C2", "send"] == "No SEN recorded"  # SEN support ended the day before
    assert anyone.loc["C6", "ethnic_minority"] == dp.ETHNIC_MINORITY
    caution = cohorts["cautioned_or_sentenced"].children.set_index("child_id")
    assert caution.loc["C8", "date"] == pd.Timestamp("2022-11-01")


def test_caseload_cohort_is_children_aged_10_to_17_at_quarter_end(cohorts):
    caseload = cohorts["caseload"]
    assert ids(caseload) == ["C10", "C3"]
    assert caseload.left_out == 1  # C11 is 19
    assert caseload.children.set_index("child_id").loc["C10", "age"] == "10"


def test_populations(tables):
    pops = dp.populations(tables, QUARTER)
    assert pops["ethnic_group"].counts.to_dict() == {"Asian": 240, "Black": 400, "Mixed": 320, "White": 16_000}
    assert pops["ethnic_minority"].counts.to_dict() == {"White": 16_000, dp.ETHNIC_MINORITY: 960}
    assert pops["looked_after"].counts.to_dict() == {dp.LOOKED_AFTER: 80, dp.NOT_LOOKED_AFTER: 16_960 - 80}
    assert "Test SSDA903, 31 March 2022" in pops["looked_after"].source
    # 2022/23 census (January 2023) is the latest taken by 31 March 2023; years 5 to 12 only.
    assert pops["send"].counts.to_dict() == {"EHCP": 1, "SEN support": 1, "No SEN recorded": 2}
    assert "2022/23" in pops["send"].source
    assert pops["age"].counts["10"] == 2120
    assert dp.latest_census_year(tables["pupils"], Quarter.parse("2022-23 Q3").end) == "2021/22"


def test_decision_point_shares_and_rri(cohorts):
    fig = figures_of(dp.chain(cohorts, MINORITY, YEAR))
    white = fig[("decision_cautioned_or_sentenced_share", "White")]
    minority = fig[("decision_cautioned_or_sentenced_share", dp.ETHNIC_MINORITY)]
    assert (white.numerator, white.denominator) == (0, 1)  # C1 diverted
    assert (minority.numerator, minority.denominator, minority.value) == (3, 3, 100)
    court = fig[("decision_court_share", dp.ETHNIC_MINORITY)]
    assert (court.numerator, court.denominator) == (2, 3)
    rri = fig[("decision_court_rri_vs_white", dp.ETHNIC_MINORITY)]
    assert math.isnan(rri.value) and rri.numerator_2 == 0  # no White child was cautioned or sentenced


def test_history_stops_where_the_extract_starts(tables):
    quarters = dp.history(tables, Quarter.parse("2023-24 Q2"))
    # The first outcome is dated 1 July 2021: the 12 months to June 2022 are the first the extract covers.
    assert [q.label for q in quarters] == [
        "2022-23 Q1",
        "2022-23 Q2",
        "2022-23 Q3",
        "2022-23 Q4",
        "2023-24 Q1",
        "2023-24 Q2",
    ]


def test_build_has_one_row_per_figure_and_valid_figures(tables):
    fig = dp.build(tables, QUARTER)
    assert not fig.duplicated(["measure", "breakdown", "group", "period"]).any()
    assert set(fig["kind"]) <= {"count", "share", "rate", "ratio"}
    assert {
        "cautioned_or_sentenced_rri_vs_white",
        "decision_custody_share",
        "population_share",
        "cohort_left_out",
        "caseload_rri_vs_others",
        "any_outcome_share_gap",
    } <= set(fig["measure"])
    trend = fig[fig["measure"] == "cautioned_or_sentenced_rri_vs_white"]["period"].unique()
    assert set(trend) == {q.year_ending.label for q in dp.history(tables, QUARTER)}


# --- safe publication ------------------------------------------------------------------------------------


def test_secondary_withholding_reaches_rates_and_ratios():
    """Other (3) is withheld; Mixed (6), the next smallest, is withheld to protect it, and so must everything built
    on Mixed's count: its rate with the population would give the 6 back."""
    values = cohort_values({"White": 40, "Mixed": 6, "Other": 3})
    pop = population({"White": 20_000, "Mixed": 500, "Asian": 800, "Black": 300, "Other": 200})
    safe = dp.publish(rep(), dp.compare(values, ETHNIC, pop, cohort="any_outcome", period=YEAR))
    mixed = safe[(safe["group"] == "Mixed") & (safe["measure"] != "population_share")]
    assert mixed["suppressed"].all()
    assert mixed[["numerator", "denominator", "value", "lower", "upper", "numerator_2"]].isna().all().all()
    white = safe[(safe["group"] == "White") & (safe["measure"] != "population_share")]
    assert not white["suppressed"].any()


def test_withheld_count_withholds_later_decision_points(cohorts):
    fig = pd.concat(
        [dp.compare(cohorts[k].children["ethnic_minority"], MINORITY, None, cohort=k, period=YEAR) for k in dp.STAGES]
        + [dp.chain(cohorts, MINORITY, YEAR)],
        ignore_index=True,
    )
    safe = dp.publish(rep(), fig)
    # Ethnic minority groups: 3 children with any outcome, withheld; every later stage built on it is withheld too.
    later = safe[safe["measure"].str.startswith("decision_") & (safe["group"] == dp.ETHNIC_MINORITY)]
    assert len(later) and later["suppressed"].all() and later["denominator"].isna().all()


def detailed(counts: dict) -> pd.DataFrame:
    labels = {code: label for code, (label, _) in dp.codes.ETHNICITY.items()}
    values = cohort_values({labels[c]: n for c, n in counts.items()})
    broad = values.map(dp.DETAILED_PARENT)
    pop = {labels[c]: 500 for c in counts}
    pop_broad = {g: 500 * sum(1 for c in counts if dp.codes.ETHNICITY[c][1] == g) for g in set(broad)}
    return pd.concat(
        [
            dp.compare(broad, ETHNIC, population(pop_broad), cohort="any_outcome", period=YEAR),
            dp.compare(values, dp.BREAKDOWNS["ethnicity"], population(pop), cohort="any_outcome", period=YEAR),
        ],
        ignore_index=True,
    )


def withheld(safe, breakdown, code_or_group):
    group = dp.codes.ETHNICITY[code_or_group][0] if code_or_group in dp.codes.ETHNICITY else code_or_group
    return bool(dp.row(safe, "any_outcome_children", breakdown, group, YEAR)["suppressed"])


def test_detailed_groups_are_protected_within_their_broad_group():
    """Across the whole detailed table two cells are withheld (3 and 2), which the table-by-table rule accepts;
    but within Mixed (9) and Asian (11) each would be the only one withheld, so its partner is withheld too."""
    safe = dp.publish(rep(), detailed({"WBRI": 50, "MWBC": 3, "MWAS": 6, "AIND": 2, "APKN": 9}))
    assert withheld(safe, "ethnicity", "MWBC") and withheld(safe, "ethnicity", "AIND")
    assert withheld(safe, "ethnicity", "MWAS") and withheld(safe, "ethnicity", "APKN")
    assert not withheld(safe, "ethnicity", "WBRI")
    assert not withheld(safe, "ethnic_group", "Mixed") and not withheld(safe, "ethnic_group", "Asian")


def test_detailed_groups_of_a_withheld_broad_group_are_withheld():
    """Other (3) is withheld, so Mixed (6) is withheld to protect it; Mixed's only detailed group would give the 6
    back, so it is withheld as well."""
    safe = dp.publish(rep(), detailed({"WBRI": 45, "WOTH": 5, "MWBC": 6, "OOTH": 3}))
    assert withheld(safe, "ethnic_group", "Other") and withheld(safe, "ethnic_group", "Mixed")
    assert withheld(safe, "ethnicity", "MWBC")
    assert withheld(safe, "ethnicity", "WOTH") and withheld(safe, "ethnicity", "WBRI")  # WOTH alone within White


def test_a_withheld_group_cannot_be_worked_out_from_the_ethnic_minority_total():
    """White 5, Mixed 2, Black 8: the five-group table withholds Mixed and then White (the next smallest). Shown
    with White and 'ethnic minority groups' (10), Mixed would be 10 - 8 = 2: so White and the total are withheld
    in that table too."""
    values = cohort_values({"White": 5, "Mixed": 2, "Black": 8})
    pop = population({"White": 20_000, "Mixed": 500, "Black": 300})
    minority = values.where(values == "White", dp.ETHNIC_MINORITY)
    pop_minority = dp.Population(pd.Series({"White": 20_000, dp.ETHNIC_MINORITY: 800}), "", "2021", "")
    fig = pd.concat(
        [
            dp.compare(values, ETHNIC, pop, cohort="any_outcome", period=YEAR),
            dp.compare(minority, MINORITY, pop_minority, cohort="any_outcome", period=YEAR),
        ],
        ignore_index=True,
    )
    safe = dp.publish(rep(), fig)
    assert withheld(safe, "ethnic_group", "Mixed") and withheld(safe, "ethnic_group", "White")
    assert withheld(safe, "ethnic_minority", "White") and withheld(safe, "ethnic_minority", dp.ETHNIC_MINORITY)
    rri = dp.row(safe, "any_outcome_rri_vs_white", "ethnic_minority", dp.ETHNIC_MINORITY, YEAR)
    assert rri["suppressed"] and pd.isna(rri["value"])


def test_restricted_mode_flags_but_keeps_the_numbers():
    values = cohort_values({"White": 40, "Mixed": 6, "Other": 3})
    pop = population({"White": 20_000, "Mixed": 500, "Other": 200})
    report = rep("restricted")
    shown = dp.publish(report, dp.compare(values, ETHNIC, pop, cohort="any_outcome", period=YEAR))
    # tables, charts and sentences show it ...
    mixed_rate = dp.row(shown, "any_outcome_rate", "ethnic_group", "Mixed", YEAR)
    assert not mixed_rate["suppressed"] and mixed_rate["value"] == pytest.approx(12.0)
    # ... and figures.csv marks it as what a public report withholds
    recorded = dp.row(report.published[-1], "any_outcome_rate", "ethnic_group", "Mixed", YEAR)
    assert recorded["suppressed"] and recorded["value"] == pytest.approx(12.0)


def test_publish_updates_what_the_report_records():
    report = rep()
    values = cohort_values({"White": 40, "Mixed": 6, "Other": 3})
    safe = dp.publish(
        report,
        dp.compare(
            values, ETHNIC, population({"White": 20_000, "Mixed": 500, "Other": 200}), cohort="any_outcome", period=YEAR
        ),
    )
    assert len(report.published) == 1
    pd.testing.assert_frame_equal(report.published[0], safe)
    assert "links" not in report.published[0].columns


# --- words -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tables):
    report = rep()
    return dp.publish(report, dp.build(tables, QUARTER)), dp.context(tables, QUARTER)


def test_sentences_never_show_a_withheld_number(published):
    fig, ctx = published
    texts = [
        words.summary(fig, ctx),
        words.cohort_text(fig, ctx),
        words.composition_text(fig, "cautioned_or_sentenced", YEAR),
        words.chain_text(fig, ctx),
        words.trend_text(fig, ctx),
        words.headline(fig, ctx),
        words.readings(fig, "any_outcome", "ethnic_group", YEAR, words.MINORITY_GROUPS),
        words.across_text(fig, ctx, "ethnic_group", words.MINORITY_GROUPS, "white"),
        *(words.characteristic_text(fig, ctx, b) for b in words.CHARACTERISTIC_ROWS),
        words.detailed_text(fig, ctx),
    ]
    for text in texts:
        assert "[c]" not in text and " nan" not in text.lower()
    cohort = words.cohort_text(fig, ctx)
    assert "a withheld number of children were cautioned or sentenced and 5 children had an outcome" in cohort
    assert words.headline(fig, ctx).startswith(
        "The comparison with White children of children from ethnic minority groups"
    )


def test_titles_state_the_finding():
    values = cohort_values({"White": 200, "Mixed": 30, "Asian": 10, "Black": 12, "Other": 8})
    pop = population({"White": 22_000, "Mixed": 600, "Asian": 1_000, "Black": 400, "Other": 250})
    safe = dp.publish(rep(), dp.compare(values, ETHNIC, pop, cohort="cautioned_or_sentenced", period=YEAR))
    title = words.composition_title(safe, "cautioned_or_sentenced", YEAR)
    assert title.startswith("Children of Mixed ethnicity") and "larger share" in title
    # every minority group shown and none clearly over-represented
    even = cohort_values({"White": 220, "Mixed": 6, "Asian": 10, "Black": 5, "Other": 5})
    safe = dp.publish(rep(), dp.compare(even, ETHNIC, pop, cohort="cautioned_or_sentenced", period=YEAR))
    assert words.composition_title(safe, "cautioned_or_sentenced", YEAR) == (
        "No ethnic group was clearly over-represented among children cautioned or sentenced"
    )
    # Black children's count is withheld: the claim is only over the groups that can be shown
    even = cohort_values({"White": 220, "Mixed": 6, "Asian": 10, "Black": 4})
    safe = dp.publish(rep(), dp.compare(even, ETHNIC, pop, cohort="cautioned_or_sentenced", period=YEAR))
    assert words.composition_title(safe, "cautioned_or_sentenced", YEAR) == (
        "No ethnic group that can be shown was clearly over-represented among children cautioned or sentenced"
    )


def test_method_notes_state_the_choices():
    for phrase in (
        "national curriculum years 5 to 12",
        "Katz",
        "not public",
        "first counted outcome",
        "Lammy",
        "left out of the percentages",
    ):
        assert phrase in words.METHOD_NOTES


def test_a_small_not_known_count_is_shown_and_no_withheld_count_can_be_worked_out():
    """61 children cautioned or sentenced: 40 White, 14 Black, 3 Asian, 2 Mixed and 2 whose ethnicity is not known;
    50 boys and 11 girls. The 2 not known is shown (the sex table's 61 minus the ethnic table's known 59 gives it
    anyway, and it says only that two records are incomplete). Asian and Mixed are withheld, and nothing withheld
    can be worked out from the sums within or across the tables."""
    ethnic = cohort_values({"White": 40, "Black": 14, "Asian": 3, "Mixed": 2, "Not known": 2})
    sex = cohort_values({"Male": 50, "Female": 11})
    fig = pd.concat(
        [
            dp.compare(ethnic, ETHNIC, None, cohort="cautioned_or_sentenced", period=YEAR),
            dp.compare(sex, dp.BREAKDOWNS["sex"], None, cohort="cautioned_or_sentenced", period=YEAR),
        ],
        ignore_index=True,
    )
    safe = dp.publish(rep(), fig)
    not_known = dp.row(safe, "cautioned_or_sentenced_children", "ethnic_group_not_known", "Not known", YEAR)
    assert not not_known["suppressed"] and not_known["numerator"] == 2
    assert withheld_in(safe, "Asian") and withheld_in(safe, "Mixed") and not withheld_in(safe, "White")
    framed = figures.frame(fig.drop(columns="links"))
    relations = suppression.table_relations(framed) + dp.identity_relations(framed)
    assert len(dp.identity_relations(framed)) == 1  # 61 = 59 + 2
    assert not suppression.determined(list(framed.index), relations, set(framed.index[safe["suppressed"].to_numpy()]))


def withheld_in(safe, group):
    return bool(dp.row(safe, "cautioned_or_sentenced_children", "ethnic_group", group, YEAR)["suppressed"])


# --- titles that never over-claim ------------------------------------------------------------------------------------


def plan_figures(values: dict, pop: dict) -> pd.DataFrame:
    """Cautioned or sentenced by ethnic group and by White against all ethnic minority groups (unpublished)."""
    children = cohort_values(values)
    minority = children.replace(words.MINORITY_GROUPS, dp.ETHNIC_MINORITY)
    white = pop["White"]
    return pd.concat(
        [
            dp.compare(children, ETHNIC, population(pop), cohort="cautioned_or_sentenced", period=YEAR),
            dp.compare(
                minority,
                MINORITY,
                population({"White": white, dp.ETHNIC_MINORITY: sum(pop.values()) - white}),
                cohort="cautioned_or_sentenced",
                period=YEAR,
            ),
        ],
        ignore_index=True,
    )


PLAN = (
    {"White": 41, "Mixed": 2, "Asian": 2, "Black": 2, "Other": 3},
    {"White": 22_750, "Mixed": 750, "Asian": 750, "Black": 500, "Other": 250},
)
CTX = SimpleNamespace(year=QUARTER.year_ending)


def test_the_headline_names_the_relative_rate_index_beside_the_two_shares():
    """18.0% against 9.0% is a share ratio of 2.0; the relative rate index against White children is 2.2, so the
    headline says which measure the 2.2 is, in a sentence of its own."""
    fig = plan_figures(*PLAN)
    rri = dp.row(fig, "cautioned_or_sentenced_rri_vs_white", "ethnic_minority", dp.ETHNIC_MINORITY, YEAR)
    assert round(rri["value"], 1) == 2.2
    assert words.headline(fig, CTX) == (
        f"Children from ethnic minority groups were 18.0% of children cautioned or sentenced in the {YEAR}, against "
        "9.0% of 10 to 17 year olds. Measured against White children, they were 2.2 times as likely to be cautioned "
        f"or sentenced (relative rate index; {ratio_words.reading(rri)})."
    )
    shares = fig["measure"].eq("cautioned_or_sentenced_children") & fig["breakdown"].eq("ethnic_minority")
    withheld = fig.assign(suppressed=fig["suppressed"] | shares)
    assert words.headline(withheld, CTX) == (
        f"Measured against White children, children from ethnic minority groups in the {YEAR} were 2.2 times as "
        f"likely to be cautioned or sentenced (relative rate index; {ratio_words.reading(rri)})."
    )


def test_a_share_ratio_says_how_it_was_worked_out_when_the_printed_shares_give_another():
    # Black children: 7 of 206 (3.4% as printed) against 46 of 10,000 (0.5%): 3.4 / 0.5 = 6.8, but 7.4 unrounded
    fig = plan_figures({"White": 199, "Black": 7}, {"White": 9_954, "Black": 46})
    said = words.composition_text(fig, "cautioned_or_sentenced", YEAR)
    assert (
        "3.4% of children cautioned or sentenced against 0.5% of the population, a share ratio of 7.4 (worked out "
        "from the unrounded shares; 95% confidence interval" in said
    )
    # 6.0% against 1.0%: the printed shares give the printed ratio, so nothing is added
    said = words.composition_text(plan_figures(*PLAN), "cautioned_or_sentenced", YEAR)
    assert "a share ratio of 6.0 (95% confidence interval" in said and "unrounded" not in said


def stage_figures(readings: list) -> pd.DataFrame:
    """The relative rate index at each decision point for all ethnic minority groups: (value, lower, upper) or None
    for a withheld one."""
    rows = []
    for stage, r in zip(dp.STAGES, readings):
        measure = "any_outcome_rri_vs_white" if stage == "any_outcome" else f"decision_{stage}_rri_vs_white"
        row = ratio_row(*(r or (math.nan,) * 3), suppressed=r is None, measure=measure)
        rows.append(row.to_dict() | {"group": dp.ETHNIC_MINORITY, "breakdown": "ethnic_minority", "period": YEAR})
    return figures.frame(rows)


def test_a_disparity_enters_at_a_stage_only_when_the_stages_before_it_can_be_shown():
    clear, unclear = (2.3, 1.7, 3.1), (1.1, 0.7, 1.6)
    assert words.chain_title(stage_figures([unclear, clear, unclear, unclear]), CTX) == (
        "A disparity for children from ethnic minority groups enters at the decision to caution or prosecute rather "
        "than divert: they were 2.3 times as likely as White children to be cautioned or sentenced"
    )
    assert words.chain_title(stage_figures([None, clear, unclear, unclear]), CTX) == (
        "A disparity for children from ethnic minority groups is clear at the decision to caution or prosecute "
        "rather than divert, though an earlier decision point cannot be shown: they were 2.3 times as likely as "
        "White children to be cautioned or sentenced"
    )
    assert words.chain_title(stage_figures([unclear, unclear, unclear, None]), CTX) == (
        "No decision point that can be shown showed a clear disparity for children from ethnic minority groups"
    )
    assert words.chain_title(stage_figures([unclear] * 4), CTX) == (
        "No decision point showed a clear disparity for children from ethnic minority groups"
    )


def trend_figures(readings: list) -> tuple[pd.DataFrame, SimpleNamespace]:
    periods = [f"year ending March {2019 + i}" for i in range(len(readings))]
    rows = [
        ratio_row(
            *(r or (math.nan,) * 3), suppressed=r is None, measure="cautioned_or_sentenced_rri_vs_white"
        ).to_dict()
        | {"group": dp.ETHNIC_MINORITY, "breakdown": "ethnic_minority", "period": p}
        for p, r in zip(periods, readings)
    ]
    return figures.frame(rows), SimpleNamespace(trend_periods=periods)


def test_every_period_only_when_every_period_is_shown():
    clear, unclear = (2.3, 1.7, 3.1), (1.1, 0.7, 1.6)
    said = words.trend_text(*trend_figures([clear] * 5))
    assert said.endswith(" In every period shown the difference was unlikely to be chance.")
    said = words.trend_text(*trend_figures([clear, None, clear, None, clear]))
    assert said.endswith(" In every period that can be shown (3 of the 5) the difference was unlikely to be chance.")
    said = words.trend_text(*trend_figures([clear, None, unclear, clear]))
    assert said.endswith(" The difference was unlikely to be chance in 2 of the 3 periods shown (1 cannot be shown).")
    said = words.trend_text(*trend_figures([None, None, clear, None]))
    assert said == (
        "In the year ending March 2021, children from ethnic minority groups were 2.3 times as likely as White "
        "children to be cautioned or sentenced (more likely, and the difference is unlikely to be chance). It is the "
        "only one of the 4 periods that can be shown."
    )


def test_no_group_was_clearly_more_likely_only_over_the_groups_that_can_be_shown():
    values = cohort_values({"White": 200, "Mixed": 6, "Asian": 10, "Black": 4})
    pop = population({"White": 22_000, "Mixed": 600, "Asian": 1_000, "Black": 400, "Other": 250})
    ctx = SimpleNamespace(year=QUARTER.year_ending, quarter_period=QUARTER.period)
    fig = pd.concat(
        [dp.compare(values, ETHNIC, pop, cohort=cohort, period=words._period(ctx, cohort)) for cohort in dp.COHORTS],
        ignore_index=True,
    )
    assert words.rri_chart_title(fig, ctx) == (
        "No ethnic group was clearly more likely than White children to be in any of the three groups of children"
    )
    safe = dp.publish(rep(), fig)
    assert words.rri_chart_title(safe, ctx) == (
        "No ethnic group that can be shown was clearly more likely than White children to be in any of the three "
        "groups of children"
    )
