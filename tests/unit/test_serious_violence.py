"""Serious violence offences (the YJB's KPI 9 definition): hand-worked cases of what counts, and the rate."""

from __future__ import annotations

import math

import pytest

from analysis.data.quarters import Quarter
from analysis.data.validation import validate_folder
from analysis.measures import serious_violence
from analysis.safety import suppression

from conftest import write_extract

QUARTER = Quarter.parse("2025-26 Q4")
YEAR = QUARTER.year_ending  # April 2025 to March 2026
BEFORE = QUARTER.shift(-4).year_ending  # April 2024 to March 2025


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    children, offences, outcomes = [], [], []

    def case(n, category, score, *dealt, offence_day="2025-05-01", born="2010-01-01"):
        """Child Cn with offence On, dealt with by each (outcome date, legal outcome[, residence]) of `dealt`."""
        cid, oid = f"C{n}", f"O{n}"
        children.append({"child_id": cid, "date_of_birth": born, "sex": "1", "ethnicity": "WBRI"})
        offences.append(
            {
                "offence_id": oid,
                "child_id": cid,
                "offence_date": offence_day,
                "offence_category": category,
                "seriousness_score": score,
            }
        )
        for day, code, *residence in dealt:
            outcomes.append(
                {
                    "outcome_id": f"X{len(outcomes) + 1}",
                    "offence_id": oid,
                    "child_id": cid,
                    "outcome_date": day,
                    "legal_outcome": code,
                    "residence": residence[0] if residence else "LOCAL",
                }
            )

    # score 4: violence, but below the YJB's gravity threshold of 5
    case(1, "VIOLENCE_AGAINST_THE_PERSON", "4", ("2025-07-01", "YOUTH_CAUTION"))
    # score 5 robbery with a referral order in the year: counts
    case(2, "ROBBERY", "5", ("2025-07-01", "REFERRAL_ORDER"))
    # only a diversion outcome (a community resolution): not a caution or sentence
    case(3, "VIOLENCE_AGAINST_THE_PERSON", "6", ("2025-07-01", "COMMUNITY_RESOLUTION_POLICE_FACILITATED"))
    # one drugs offence dealt with twice in the year (deferred sentence, then a youth rehabilitation order): once
    case(4, "DRUGS", "7", ("2025-06-01", "DEFERRED_SENTENCE"), ("2025-12-01", "YOUTH_REHABILITATION_ORDER"))
    # outcome in the year before: counts there, not in the year
    case(5, "VIOLENCE_AGAINST_THE_PERSON", "8", ("2024-10-01", "YOUTH_CONDITIONAL_CAUTION"), offence_day="2024-08-01")
    # outcome after the year's end (1 April 2026): outside the year
    case(6, "VIOLENCE_AGAINST_THE_PERSON", "5", ("2026-04-01", "YOUTH_CAUTION"), offence_day="2026-02-01")
    # a child living in another YJS area at the outcome: that area's offence
    case(7, "ROBBERY", "6", ("2025-08-01", "DETENTION_AND_TRAINING_ORDER", "OTHER"))
    # no seriousness score: not serious violence
    case(8, "VIOLENCE_AGAINST_THE_PERSON", "", ("2025-08-01", "FINE"))
    # serious, but not drugs, robbery or violence against the person
    case(9, "SEXUAL_OFFENCES", "7", ("2025-08-01", "REFERRAL_ORDER"))
    # 18 on the offence date (born 1 March 2007, offence 1 May 2025)
    case(10, "ROBBERY", "6", ("2025-08-01", "REFERRAL_ORDER"), born="2007-03-01")
    folder = write_extract(
        tmp_path_factory.mktemp("serious_violence"),
        children=children,
        offences=offences,
        outcomes=outcomes,
        care_episodes=[],
        caseload=[],
        pupil_link=[],
        extract_info=[
            {"field": "area_name", "value": "Test borough"},
            {"field": "extract_date", "value": "2026-04-20"},
        ],
    )
    v = validate_folder(folder)
    assert v.counts["set_aside"].sum() == 0, v.set_aside
    return v.tables


def test_only_the_yjb_serious_violence_offences_count(tables):
    year = serious_violence.offences(tables, YEAR)
    # O2 (robbery, score 5, referral order) and O4 (drugs, score 7, dealt with twice); nothing else
    assert sorted(year["offence_id"]) == ["O2", "O4"]


def test_an_offence_dealt_with_twice_counts_once_under_its_most_serious_outcome(tables):
    year = serious_violence.offences(tables, YEAR).set_index("offence_id")
    assert year.loc["O4", "legal_outcome"] == "YOUTH_REHABILITATION_ORDER"  # not the deferred sentence


def test_an_outcome_outside_the_year_counts_in_its_own_year(tables):
    assert list(serious_violence.offences(tables, BEFORE)["offence_id"]) == ["O5"]
    assert "O6" not in set(serious_violence.offences(tables, YEAR)["offence_id"])  # 1 April 2026: the next year


def test_the_rate_per_10000_with_its_poisson_interval(tables):
    fig = serious_violence.trend(tables, [BEFORE, YEAR], population=20_000).set_index("group")
    now = fig.loc[YEAR.label]
    assert now["numerator"] == 2 and now["denominator"] == 20_000
    assert now["value"] == pytest.approx(1.0)  # 2 / 20,000 x 10,000
    # exact Poisson for 2 events: chi-squared(0.025, 4) / 2 = 0.2422 and chi-squared(0.975, 6) / 2 = 7.2247,
    # each / 20,000 x 10,000
    assert now["lower"] == pytest.approx(0.12110, abs=1e-4) and now["upper"] == pytest.approx(3.61234, abs=1e-4)
    before = fig.loc[BEFORE.label]
    assert before["numerator"] == 1 and before["value"] == pytest.approx(0.5)
    assert (fig["measure"] == "serious_violence_rate").all() and (fig["kind"] == "rate").all()
    assert (fig["unit"] == "per 10,000 children aged 10 to 17").all()


def test_no_population_gives_no_rate():
    rate = serious_violence.rate(3, 0, YEAR)
    assert rate["numerator"] == 3 and math.isnan(rate["value"])


def test_small_counts_are_withheld_and_the_words_say_so(tables):
    from analysis.present import narrative

    fig = serious_violence.trend(tables, [BEFORE, YEAR], population=20_000)
    safe = suppression.apply(fig, 4).set_index("group")
    assert safe["suppressed"].all()  # 1 and 2 offences
    text = narrative.serious_violence(safe.loc[YEAR.label], safe.loc[BEFORE.label], YEAR.label)
    assert "serious violence offences" in text and "KPI 9" in text
    assert "[c]" in text and " 2 " not in text and "1.0" not in text


def test_the_words_compare_two_shown_years():
    from analysis.present import narrative

    fig = suppression.apply(_rows([(BEFORE, 40), (YEAR, 30)]), 4).set_index("group")
    text = narrative.serious_violence(fig.loc[YEAR.label], fig.loc[BEFORE.label], YEAR.label)
    assert text.startswith(f"In the {YEAR.label}, 30 serious violence offences by children living in the area")
    assert "a rate of 15.0 per 10,000 children aged 10 to 17" in text
    assert f"In the {BEFORE.label} there were 40 offences, a rate of 20.0" in text
    assert "so the rate is down 5.0 on that year (20.0)" in text
    assert text.count(". ") == 1  # two sentences


def _rows(counts):
    from analysis.safety import figures

    return figures.frame([serious_violence.rate(n, 20_000, p) for p, n in counts])
