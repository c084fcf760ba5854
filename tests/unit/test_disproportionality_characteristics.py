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


def ete_values(**stages) -> dict:
    """{stage: (not in suitable ETE, in suitable ETE, no ETE record)} -> one label per child at each stage."""
    return {
        stage: pd.Series(
            [dp.NOT_IN_SUITABLE_ETE] * k + [dp.IN_SUITABLE_ETE] * s + [dp.NO_ETE_RECORD] * none, dtype=object
        )
        for stage, (k, s, none) in stages.items()
    }


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


def test_ete_is_not_suitable_only_with_a_current_record_and_no_record_is_kept_apart():
    ete = pd.DataFrame(
        {
            "child_id": ["A", "B", "C", "C", "E", "F", "F", "G"],
            "start_date": [T("2022-09-01")] * 7 + [T("2023-02-01")],
            "end_date": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, T("2022-12-31"), pd.NaT, pd.NaT, pd.NaT],
            "provision_type": ["COLLEGE", "NONE", "COLLEGE", "EMPLOYMENT", "COLLEGE", "COLLEGE", "EMPLOYMENT", "NONE"],
            "suitability": [
                "SUITABLE",
                "SUITABLE",
                "UNSUITABLE",
                "UNKNOWN",
                "SUITABLE",
                "UNSUITABLE",
                "SUITABLE",
                "UNKNOWN",
            ],
        }
    )
    got = dp.ete_status({"ete_status": ete}, pairs(*[(c, "2023-01-10") for c in "ABCDEFG"]))
    # A suitable; B no provision; C unsuitable and unknown; D no record at all; E's record ended before the date;
    # F one of two suitable; G's record starts after the date: D, E and G have no current record, which is not
    # the same as not being in suitable ETE
    assert list(got) == [
        dp.IN_SUITABLE_ETE,
        dp.NOT_IN_SUITABLE_ETE,
        dp.NOT_IN_SUITABLE_ETE,
        dp.NO_ETE_RECORD,
        dp.NO_ETE_RECORD,
        dp.IN_SUITABLE_ETE,
        dp.NO_ETE_RECORD,
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


def test_the_ete_share_is_of_the_children_with_a_record_and_no_record_is_counted_apart():
    rows = by_key(
        dp.characteristic_rows(
            ete_values(any_outcome=(1, 1, 2), cautioned_or_sentenced=(3, 1, 0), court=(0, 0, 3), custody=(0, 0, 0)),
            "ete",
            YEAR,
        )
    )
    # any outcome: 4 children, 1 not in suitable ETE, 1 in suitable ETE, 2 with no record: 1 of the 2 recorded
    # is 50% (the old rule, no record = not suitable, said 3 of 4 = 75%)
    share = rows[("any_outcome_children", dp.NOT_IN_SUITABLE_ETE)]
    assert (share["numerator"], share["denominator"], share["value"]) == (1, 2, 50.0)
    assert rows[("any_outcome_children", dp.IN_SUITABLE_ETE)]["denominator"] == 2
    none = rows[("any_outcome_children", dp.NO_ETE_RECORD)]
    assert (none["numerator"], none["denominator"], none["value"]) == (2, 4, 50.0)  # 2 of all 4 children
    assert rows[("any_outcome_children", "All")]["numerator"] == 4  # everyone at the stage, recorded or not
    # Wilson, x = 1, n = 2: (2 + z^2 -/+ z sqrt(z^2 + 4 x 1 x 1/2)) / (2(2 + z^2))
    # = (5.8415 -/+ 1.96 x 2.4169) / 11.683 = (5.8415 -/+ 4.7371) / 11.683 = 9.45% to 90.55%
    assert (round(share["lower"], 2), round(share["upper"], 2)) == (9.45, 90.55)
    # cautioned or sentenced: 3 of 4 recorded = 75% against 50%: ratio 1.5;
    # Katz SE = sqrt(1/3 - 1/4 + 1/1 - 1/2) = sqrt(0.58333) = 0.76376; 1.5 x exp(-/+ 1.4969) = 0.336 to 6.702
    cs = rows[("cautioned_or_sentenced_ratio_to_any_outcome", dp.NOT_IN_SUITABLE_ETE)]
    assert cs["value"] == pytest.approx(1.5)
    assert (round(cs["lower"], 3), round(cs["upper"], 3)) == (0.336, 6.702)
    assert (cs["numerator"], cs["denominator"], cs["numerator_2"]) == (3, 4, 1)
    # court: 3 children, none with a record: no share and no ratio, but the 3 are counted
    court = rows[("court_children", dp.NOT_IN_SUITABLE_ETE)]
    assert (court["numerator"], court["denominator"]) == (0, 0) and math.isnan(court["value"])
    assert math.isnan(rows[("court_ratio_to_any_outcome", dp.NOT_IN_SUITABLE_ETE)]["value"])
    assert rows[("court_children", dp.NO_ETE_RECORD)]["numerator"] == 3
    # a share rests on the count without a record too (its base is what remains), so it is linked to it
    assert f"court_children|ete_stage|{dp.NO_ETE_RECORD}|{YEAR}" in court["links"]


def test_send_and_mental_health_keep_no_record_as_no_need():
    assert dp.CHARACTERISTICS["send"].unrecorded == "" and dp.CHARACTERISTICS["mental_health"].unrecorded == ""
    rows = dp.characteristic_rows(
        values(any_outcome=(4, 1), cautioned_or_sentenced=(2, 1), court=(1, 0), custody=(1, 0)), "mental_health", YEAR
    )
    # 1 of all 4 children (no record counts as no identified need): 25%, and no 'no record' row
    share = by_key(rows)[("any_outcome_children", dp.MENTAL_HEALTH_NEED)]
    assert (share["numerator"], share["denominator"], share["value"]) == (1, 4, 25.0)
    assert {r["group"] for r in rows} == {dp.MENTAL_HEALTH_NEED, dp.NO_MENTAL_HEALTH_NEED, "All"}


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


def published_ete(stages: dict) -> pd.DataFrame:
    return dp.publish(rep(), dp._frame(dp.characteristic_rows(ete_values(**stages), "ete", YEAR)))


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
    September. C3 is in suitable ETE from 1 September 2022; C6 has a record with no provision from 20 September.
    At court (C3 on 1 August, C6 on 1 October) C3 has no record yet and C6 is not in suitable ETE: 1 of the 1
    recorded. At custody (C3 on 1 December, C6 on 5 September) C3 is in suitable ETE and C6 has no record yet:
    0 of the 1 recorded."""
    ete = pd.DataFrame(
        {
            "child_id": ["C3", "C6"],
            "start_date": [T("2022-09-01"), T("2022-09-20")],
            "end_date": [pd.NaT, pd.NaT],
            "provision_type": ["COLLEGE", "NONE"],
            "suitability": ["SUITABLE", "UNKNOWN"],
        }
    )
    with_ete = without_optional(tables) | {"ete_status": ete}
    fig = dp.characteristics_at_stages(with_ete, QUARTER)
    ete_rows = fig[fig["breakdown"] == "ete_stage"]

    def got(group):
        return {r.measure: (r.numerator, r.denominator) for r in ete_rows[ete_rows["group"] == group].itertuples()}

    assert got(dp.NOT_IN_SUITABLE_ETE)["court_children"] == (1, 1)
    assert got(dp.NOT_IN_SUITABLE_ETE)["custody_children"] == (0, 1)
    assert got(dp.NO_ETE_RECORD)["court_children"] == (1, 2)  # C3, of the 2 children at court
    assert got(dp.NO_ETE_RECORD)["custody_children"] == (1, 2)  # C6
    # every stage's total is the report's own count of the children at it, with a record or not
    cohorts = dp.cohorts(tables, QUARTER)
    totals = ete_rows[ete_rows["group"] == "All"].set_index("measure")["numerator"]
    assert {s: totals[f"{s}_children"] for s in dp.STAGES} == {s: len(cohorts[s].children) for s in dp.STAGES}


def test_the_ete_words_say_the_share_is_of_those_with_a_record_and_how_many_had_none():
    # any outcome: 20 not suitable, 20 suitable, 60 no record: 50.0% of the 40 recorded;
    # cautioned or sentenced: 15 of 30 recorded = 50.0% (10 no record); court: 9 of 9 = 100.0% (none without);
    # custody: 6 children, none recorded: no share
    fig = published_ete(
        dict(any_outcome=(20, 20, 60), cautioned_or_sentenced=(15, 15, 10), court=(9, 0, 0), custody=(0, 0, 6))
    )
    text = words.beyond_text(fig, "ete", YEAR)
    assert (
        "Children not in suitable education, training or employment (ETE) made up 50.0% of those with an ETE record "
        "among children with any outcome, 50.0% among those cautioned or sentenced, 100.0% (based on 9 children with "
        "an ETE record, so treat with caution) among those with a court outcome and no share (none of them had an ETE "
        "record) among those sentenced to custody or remanded in custody." in text
    )
    assert (
        "left out of these shares: 60 of the children with any outcome, 10 of those cautioned or sentenced, none of "
        "those with a court outcome and 6 of those sentenced to custody or remanded in custody." in text
    )
    # court 9/9 = 100% against 20/40 = 50%: ratio 2.0; SE = sqrt(1/9 - 1/9 + 1/20 - 1/40) = sqrt(0.025) = 0.15811;
    # 2 x exp(-/+ 0.30990) = 1.467 to 2.727: wholly above 1
    assert "Counting only those with an ETE record and compared with their share of children with any outcome" in text
    assert "their share of children with a court outcome was 2.0 times as large" in text
    assert "95% confidence interval 1.5 to 2.7" in text
    assert words.beyond_title(fig, ["ete"], YEAR) == (
        "Children not in suitable ETE made up a larger share of children with a court outcome than of children with "
        "any outcome (of those with an ETE record)"
    )
    columns = words.beyond_columns("ete")
    assert columns["No ETE record"] == (f"children:{dp.NO_ETE_RECORD}", "numerator")
    assert columns["With an ETE record"] == (f"children:{dp.NOT_IN_SUITABLE_ETE}", "denominator")
    assert columns["Share of those with an ETE record"] == (f"children:{dp.NOT_IN_SUITABLE_ETE}", "value")
    assert "Not in suitable ETE: percentage of the children with an ETE record." in words.beyond_source(
        {"ete": ("ete_status.csv", True)}, ["ete"]
    )


def test_a_small_count_with_no_ete_record_is_withheld_with_the_shares_that_would_give_it_away():
    # custody: 23 children, 11 not suitable, 10 suitable, 2 with no record. The 2 is small: withheld. Showing
    # the share (11 of 21) would give the base 21, and 23 - 21 = 2, so every group's share there is withheld too,
    # and the ratio built on it; the 23 children at custody are still shown.
    fig = published_ete(
        dict(any_outcome=(20, 20, 60), cautioned_or_sentenced=(15, 15, 10), court=(12, 10, 8), custody=(11, 10, 2))
    )
    custody = fig[fig["measure"].str.startswith("custody_")].set_index("group")
    assert custody.loc[[dp.NOT_IN_SUITABLE_ETE, dp.IN_SUITABLE_ETE, dp.NO_ETE_RECORD], "suppressed"].all()
    assert custody.loc[[dp.NOT_IN_SUITABLE_ETE, dp.IN_SUITABLE_ETE], "denominator"].isna().all()
    assert custody.loc["All", "numerator"] == 23 and not custody.loc["All", "suppressed"]
    text = words.beyond_text(fig, "ete", YEAR)
    assert "[c]" not in text
    assert "a withheld share among those sentenced to custody" in text
    assert "and a withheld number of those sentenced to custody or remanded in custody." in text
    # court is untouched: 12 of 22 recorded (8 with none)
    assert "54.5% (based on 22 children with an ETE record, so treat with caution) among those with a court" in text
    assert "8 of those with a court outcome" in text
