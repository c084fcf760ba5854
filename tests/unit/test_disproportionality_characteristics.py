"""Disproportionality beyond ethnicity: looked-after status, SEND, mental health need and ETE at each decision point.

Hand-made frames only; expected values are worked out by hand in the comments (z = 1.959964 for 95%).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_disproportionality import QUARTER, YEAR, tables  # noqa: F401  (the module's hand-built extract)

from analysis.present.report import Report
from analysis.reports.disproportionality import measures as dp
from analysis.reports.disproportionality import words

Z = 1.959964
T = pd.Timestamp


def rep() -> Report:
    return Report(name="10_disproportionality", quarter=QUARTER, extract=None, output_dir=None)


def pairs(*rows) -> pd.DataFrame:
    return pd.DataFrame({"child_id": [c for c, _ in rows], "date": [T(d) for _, d in rows]})


def values(**stages) -> dict:
    """{stage: (children, of whom with the characteristic)} -> one label per child at each stage."""
    out = {}
    for stage, (n, k) in stages.items():
        out[stage] = pd.Series([dp.MENTAL_HEALTH_NEED] * k + [dp.NO_MENTAL_HEALTH_NEED] * (n - k), dtype=object)
    return out


def by_key(rows: list[dict]) -> dict:
    return {(r["measure"], r["group"]): r for r in rows}


# --- who has the characteristic on the date ----------------------------------------------------------


def test_mental_health_need_counts_from_the_day_it_was_identified():
    health = pd.DataFrame(
        {
            "child_id": ["A", "B", "C", "D"],
            "domain": ["MENTAL_HEALTH", "MENTAL_HEALTH", "SUBSTANCE_MISUSE", "MENTAL_HEALTH"],
            "date_need_identified": [T("2023-01-10"), T("2023-02-01"), T("2022-01-01"), pd.NaT],
        }
    )
    got = dp.mental_health_status({"health_interventions": health}, pairs(*[(c, "2023-01-10") for c in "ABCDE"]))
    # A: identified on the day (counts); B: identified later; C: substance misuse only; D: not screened; E: no row
    assert list(got) == [dp.MENTAL_HEALTH_NEED] + [dp.NO_MENTAL_HEALTH_NEED] * 4


def test_not_in_suitable_ete_unless_a_current_provision_is_suitable():
    ete = pd.DataFrame(
        {
            "child_id": ["A", "B", "C", "C", "E", "F", "F"],
            "start_date": [T("2022-09-01")] * 7,
            "end_date": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, T("2022-12-31"), pd.NaT, pd.NaT],
            "provision_type": ["COLLEGE", "NONE", "COLLEGE", "EMPLOYMENT", "COLLEGE", "COLLEGE", "EMPLOYMENT"],
            "suitability": ["SUITABLE", "SUITABLE", "UNSUITABLE", "UNKNOWN", "SUITABLE", "UNSUITABLE", "SUITABLE"],
        }
    )
    got = dp.ete_status({"ete_status": ete}, pairs(*[(c, "2023-01-10") for c in "ABCDEF"]))
    # A suitable; B no provision; C unsuitable and unknown; D no record; E ended before the date; F one suitable
    assert list(got) == [
        dp.IN_SUITABLE_ETE,
        dp.NOT_IN_SUITABLE_ETE,
        dp.NOT_IN_SUITABLE_ETE,
        dp.NOT_IN_SUITABLE_ETE,
        dp.NOT_IN_SUITABLE_ETE,
        dp.IN_SUITABLE_ETE,
    ]


def test_send_comes_from_send_aln_when_present_else_from_send():
    send = pd.DataFrame(
        {"child_id": ["A"], "start_date": [T("2020-01-01")], "end_date": [pd.NaT], "send_status": ["EHCP"]}
    )
    aln = pd.DataFrame(
        {
            "child_id": ["B", "A"],
            "start_date": [T("2022-01-01"), T("2022-01-01")],
            "end_date": [pd.NaT, pd.NaT],
            "identified_send": ["Y", "N"],
        }
    )
    on = pairs(("A", "2023-01-10"), ("B", "2023-01-10"))
    assert list(dp.send_status({"send": send}, on)) == [dp.WITH_SEND, dp.NO_SEND]
    assert list(dp.send_status({"send": send, "send_aln": aln}, on)) == [dp.NO_SEND, dp.WITH_SEND]
    assert dp.characteristic_sources({"send_aln": aln})["send"] == ("send_aln.csv", True)


# --- the figures, by hand ---------------------------------------------------------------------------------


def test_shares_and_the_ratio_to_the_first_stage():
    rows = by_key(
        dp.characteristic_rows(
            values(any_outcome=(40, 10), cautioned_or_sentenced=(20, 8), court=(10, 5), custody=(2, 1)),
            "mental_health",
            YEAR,
        )
    )
    share = rows[("any_outcome_children", dp.MENTAL_HEALTH_NEED)]
    assert (share["numerator"], share["denominator"], share["value"]) == (10, 40, 25.0)
    # Wilson: (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)), x = 10, n = 40
    half = Z * math.sqrt(Z**2 + 4 * 10 * (1 - 10 / 40))
    assert share["lower"] == pytest.approx(100 * (20 + Z**2 - half) / (2 * (40 + Z**2)), rel=1e-6)  # 14.2%
    assert share["upper"] == pytest.approx(100 * (20 + Z**2 + half) / (2 * (40 + Z**2)), rel=1e-6)  # 40.2%
    assert rows[("any_outcome_children", "All")]["numerator"] == 40
    assert ("any_outcome_ratio_to_any_outcome", dp.MENTAL_HEALTH_NEED) not in rows  # the first stage: no ratio
    # cautioned or sentenced: 8/20 = 40% against 10/40 = 25%, ratio 1.6;
    # Katz SE = sqrt(1/8 - 1/20 + 1/10 - 1/40) = sqrt(0.15) = 0.3873; 1.6 x exp(-/+ 1.96 x 0.3873) = 0.749 to 3.418
    cs = rows[("cautioned_or_sentenced_ratio_to_any_outcome", dp.MENTAL_HEALTH_NEED)]
    assert cs["value"] == pytest.approx(1.6)
    assert (round(cs["lower"], 3), round(cs["upper"], 3)) == (0.749, 3.418)
    assert (cs["numerator"], cs["denominator"], cs["numerator_2"]) == (8, 20, 10)
    # court: 5/10 = 50% against 25%, ratio 2.0; SE = sqrt(1/5 - 1/10 + 1/10 - 1/40) = sqrt(0.175) = 0.4183;
    # 2 x exp(-/+ 0.8199) = 0.881 to 4.541
    court = rows[("court_ratio_to_any_outcome", dp.MENTAL_HEALTH_NEED)]
    assert court["value"] == pytest.approx(2.0)
    assert (round(court["lower"], 3), round(court["upper"], 3)) == (0.881, 4.541)


def test_looked_after_children_are_compared_with_the_population_at_every_stage():
    looked = {
        s: pd.Series([dp.LOOKED_AFTER] * k + [dp.NOT_LOOKED_AFTER] * (n - k), dtype=object)
        for s, (n, k) in zip(dp.STAGES, [(50, 10), (30, 6), (10, 0), (5, 0)])
    }
    pop = dp.Population(pd.Series({dp.LOOKED_AFTER: 100, dp.NOT_LOOKED_AFTER: 9_900}), "Test", "2024", "children")
    rows = by_key(dp.characteristic_rows(looked, "looked_after", YEAR, pop))
    rri = rows[("any_outcome_rri_vs_others", dp.LOOKED_AFTER)]
    # 10 of 100 looked after against 40 of 9,900 others: 0.1 / 0.0040404 = 24.75;
    # SE = sqrt(1/10 - 1/100 + 1/40 - 1/9900) = 0.33897; 24.75 x exp(-/+ 1.96 x 0.33897) = 12.736 to 48.096
    assert rri["value"] == pytest.approx(24.75)
    assert (round(rri["lower"], 2), round(rri["upper"], 2)) == (12.74, 48.10)
    assert (rri["denominator"], rri["numerator_2"]) == (100, 40)
    assert ("court_ratio_to_any_outcome", dp.LOOKED_AFTER) not in rows  # against the population, not the stage
    assert rows[("court_rri_vs_others", dp.LOOKED_AFTER)]["value"] == 0  # none at court


# --- what the page says ---------------------------------------------------------------------------------


def published(stages: dict) -> pd.DataFrame:
    return dp.publish(rep(), dp._frame(dp.characteristic_rows(values(**stages), "mental_health", YEAR)))


def test_direction_words_only_where_the_interval_supports_them():
    # court: 12/20 = 60% against 10/100 = 10%, ratio 6.0; SE = sqrt(1/12 - 1/20 + 1/10 - 1/100) = 0.3512;
    # 6 x exp(-/+ 0.6883) = 3.01 to 11.94: wholly above 1
    clear = published(dict(any_outcome=(100, 10), cautioned_or_sentenced=(40, 6), court=(20, 12), custody=(10, 5)))
    text = words.beyond_text(clear, "mental_health", YEAR)
    assert "their share of children with a court outcome was 6.0 times as large" in text
    assert "95% confidence interval 3.0 to 11.9" in text and "a larger share, and unlikely to be chance" in text
    assert "not against all children in the area" in text
    assert "Children with an identified mental health need made up 10.0% of children with any outcome" in text
    # cautioned or sentenced 6/40 = 15% against 10%: ratio 1.5, interval about 0.59 to 3.8, so no direction word
    assert "those cautioned or sentenced was" not in text
    # custody 5/10 = 50% against 25%: ratio 2.0, interval 0.88 to 4.54 (as court above), so no direction word
    unclear = published(dict(any_outcome=(40, 10), cautioned_or_sentenced=(20, 8), court=(10, 5), custody=(10, 5)))
    assert "not clearly larger or smaller at any later decision point." in words.beyond_text(
        unclear, "mental_health", YEAR
    )


def test_withheld_counts_never_reach_the_words_or_the_table():
    # custody: 3 of 6 children with the need, a small count: withheld, and its ratio with it
    safe = published(dict(any_outcome=(40, 10), cautioned_or_sentenced=(20, 8), court=(10, 5), custody=(6, 3)))
    custody = safe[safe["measure"].str.startswith("custody_") & (safe["group"] == dp.MENTAL_HEALTH_NEED)]
    assert len(custody) == 2 and custody["suppressed"].all() and custody["value"].isna().all()
    text = words.beyond_text(safe, "mental_health", YEAR)
    assert "[c]" not in text and "a withheld share of those sentenced to custody" in text
    assert "that can be shown" in text  # a claim over every stage is limited to those shown
    view = words.beyond_view(safe, "mental_health")
    assert set(view["group"]) == set(words.BEYOND_ROWS)
    assert set(view["measure"]) == {
        f"children:{dp.MENTAL_HEALTH_NEED}",
        f"children:{dp.NO_MENTAL_HEALTH_NEED}",
        "children:All",
        words.COMPARISON,
    }


OPTIONAL = ("send_aln", "health_interventions", "ete_status")


def without_optional(tables) -> dict:  # noqa: F811
    return {name: tables[name] for name in tables if name not in OPTIONAL}


def test_a_missing_file_is_one_sentence_and_changes_nothing_else(tables):  # noqa: F811
    tables = without_optional(tables)
    sources = dp.characteristic_sources(tables)
    assert sources["ete"] == ("ete_status.csv", False) and sources["mental_health"][1] is False
    assert words.beyond_missing(sources, "looked_after") is None
    said = words.beyond_missing(sources, "ete")
    assert "ete_status.csv" in said and "nothing else in this report is affected" in said
    fig = dp.characteristics_at_stages(tables, QUARTER)
    assert set(fig["breakdown"]) == {"looked_after_stage", "send_stage"}


def test_each_stage_is_taken_on_the_date_the_child_reached_it(tables):  # noqa: F811
    """In the module's extract, C3 first had an outcome (a referral order) on 1 August 2022 and a detention and
    training order on 1 December 2022; C6 a referral order on 1 October 2022 after a custodial remand from 5
    September. With C3 in suitable ETE from 1 September 2022 only, C3 is not in suitable ETE at court but is at
    custody."""
    ete = pd.DataFrame(
        {
            "child_id": ["C3"],
            "start_date": [T("2022-09-01")],
            "end_date": [pd.NaT],
            "provision_type": ["COLLEGE"],
            "suitability": ["SUITABLE"],
        }
    )
    with_ete = without_optional(tables) | {"ete_status": ete}
    fig = dp.characteristics_at_stages(with_ete, QUARTER)
    ete_rows = fig[fig["breakdown"] == "ete_stage"]
    got = {
        r.measure: (r.numerator, r.denominator)
        for r in ete_rows[ete_rows["group"] == dp.NOT_IN_SUITABLE_ETE].itertuples()
    }
    cohorts = dp.cohorts(tables, QUARTER)
    assert got["court_children"] == (2, len(cohorts["court"].children))  # both not in suitable ETE at court
    assert got["custody_children"] == (1, len(cohorts["custody"].children))  # C6 only, at custody
    # every stage's total is the report's own count of the children at it
    totals = ete_rows[ete_rows["group"] == "All"].set_index("measure")["numerator"]
    assert {s: totals[f"{s}_children"] for s in dp.STAGES} == {s: len(cohorts[s].children) for s in dp.STAGES}
