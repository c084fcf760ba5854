"""The KPIs' shared population (docs/kpi-definitions.md, "The shared population"): hand-built episodes and outcomes,
with the link given by episode_links.csv or inferred, and the rules that leave an order out."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.quarters import Quarter
from analysis.measures.kpi import orders

PERIOD = Quarter.parse("2025-26 Q1").period  # 1 April to 30 June 2025


def day(text: str | None) -> pd.Timestamp:
    return pd.Timestamp(text) if text else pd.NaT


def tables_for(children, episodes, outcomes, links=None) -> dict:
    """Tables as the loader gives them: dates parsed, codes as strings. `children` is {child: date of birth};
    `episodes` (id, child, type, start, end); `outcomes` (id, child, date, legal outcome[, residence])."""
    tables = {
        "children": pd.DataFrame(
            {
                "child_id": list(children),
                "date_of_birth": [day(d) for d in children.values()],
                "sex": "1",
                "ethnicity": "WBRI",
            }
        ),
        "caseload": pd.DataFrame(
            [(e, c, day(s), day(f), t) for e, c, t, s, f in episodes],
            columns=["episode_id", "child_id", "start_date", "end_date", "episode_type"],
        ),
        "outcomes": pd.DataFrame(
            [(o, f"F{o}", c, day(d), code, *(rest or ["LOCAL"])) for o, c, d, code, *rest in outcomes],
            columns=["outcome_id", "offence_id", "child_id", "outcome_date", "legal_outcome", "residence"],
        ),
    }
    if links is not None:
        tables["episode_links"] = pd.DataFrame(links, columns=["episode_id", "outcome_id", "successfully_completed"])
    return tables


BORN = "2010-01-01"  # aged 15 in 2025


def test_an_order_ending_on_the_quarters_last_day_is_in_and_the_day_after_is_out():
    t = tables_for(
        {"C1": BORN, "C2": BORN},
        [
            ("E1", "C1", "REFERRAL_ORDER", "2025-01-10", "2025-06-30"),
            ("E2", "C2", "REFERRAL_ORDER", "2025-01-10", "2025-07-01"),
        ],
        [("X1", "C1", "2025-01-10", "REFERRAL_ORDER"), ("X2", "C2", "2025-01-10", "REFERRAL_ORDER")],
    )
    got = orders.closing(t, PERIOD)
    assert list(got["child_id"]) == ["C1"]
    assert list(orders.closing(t, Quarter.parse("2025-26 Q2").period)["child_id"]) == ["C2"]


def test_a_child_with_two_orders_closing_is_counted_once_under_the_most_serious():
    # C1: a youth caution programme and a YRO both end in the quarter; the YRO is more serious (D2) although its
    # outcome is older. C2: two referral orders: the later outcome date wins.
    t = tables_for(
        {"C1": BORN, "C2": BORN},
        [
            ("E1", "C1", "YOUTH_CAUTION", "2025-03-01", "2025-05-01"),
            ("E2", "C1", "YOUTH_REHABILITATION_ORDER", "2024-06-01", "2025-06-01"),
            ("E3", "C2", "REFERRAL_ORDER", "2024-10-01", "2025-04-30"),
            ("E4", "C2", "REFERRAL_ORDER", "2024-12-01", "2025-04-15"),
        ],
        [
            ("X1", "C1", "2025-03-01", "YOUTH_CAUTION"),
            ("X2", "C1", "2024-06-01", "YOUTH_REHABILITATION_ORDER"),
            ("X3", "C2", "2024-10-01", "REFERRAL_ORDER"),
            ("X4", "C2", "2024-12-01", "REFERRAL_ORDER"),
        ],
    )
    got = orders.closing(t, PERIOD).set_index("child_id")
    assert len(got) == 2
    assert got.at["C1", "episode_id"] == "E2" and got.at["C1", "type_of_order"] == "yro"
    assert got.at["C2", "episode_id"] == "E4"
    assert len(orders.all_closing(t, PERIOD)) == 4


def test_a_dto_is_one_order_closing_with_its_licence_and_starting_the_day_before_custody():
    # DTO outcome 10 Jan 2025; custody 10 Jan to 9 Mar; licence 10 Mar to 20 Jun. The custody part ending is not an
    # order closing; the licence is, with start point 9 Jan (outcome date less one day). Born 10 Jan 2008: 17 on the
    # outcome date (birthday counts, D4), though 17 too at the licence start.
    # Section 250: start 2 Feb 2025, so start point 1 Feb; aged on its outcome date 2 Feb 2025.
    t = tables_for(
        {"C1": "2008-01-10", "C2": "2007-02-03"},
        [
            ("E1", "C1", "DTO_CUSTODY", "2025-01-10", "2025-03-09"),
            ("E2", "C1", "DTO_LICENCE", "2025-03-10", "2025-06-20"),
            ("E3", "C2", "SECTION_250", "2025-02-02", "2025-05-05"),
        ],
        [("X1", "C1", "2025-01-10", "DETENTION_AND_TRAINING_ORDER"), ("X2", "C2", "2025-02-02", "SECTION_250")],
    )
    got = orders.closing(t, PERIOD).set_index("child_id")
    assert got.at["C1", "episode_id"] == "E2" and got.at["C1", "outcome_id"] == "X1"
    assert got.at["C1", "start_date"] == pd.Timestamp("2025-01-10")
    assert got.at["C1", "start_point"] == pd.Timestamp("2025-01-09")
    assert got.at["C1", "age_at_start"] == 17
    assert got.at["C1", "type_of_order"] == "custody"
    assert got.at["C2", "start_point"] == pd.Timestamp("2025-02-01")
    # born 3 Feb 2007: 17 on 2 Feb 2025 (18 the next day), so still in the population
    assert got.at["C2", "age_at_start"] == 17
    custody_only = tables_for(
        {"C1": "2008-01-10"},
        [("E1", "C1", "DTO_CUSTODY", "2025-01-10", "2025-05-09")],
        [("X1", "C1", "2025-01-10", "DETENTION_AND_TRAINING_ORDER")],
    )
    assert orders.closing(custody_only, PERIOD).empty


def test_without_episode_links_each_episode_takes_the_latest_matching_outcome_on_or_before_its_start():
    # C1's referral order began 1 Mar 2025: of the referral order outcomes on 1 Feb and 1 Mar (and one on 2 Mar,
    # after the start) it takes 1 Mar; the YRO outcome of 5 Mar is the wrong kind whatever its date.
    t = tables_for(
        {"C1": BORN},
        [("E1", "C1", "REFERRAL_ORDER", "2025-03-01", "2025-06-01")],
        [
            ("X1", "C1", "2025-02-01", "REFERRAL_ORDER"),
            ("X2", "C1", "2025-03-01", "REFERRAL_ORDER"),
            ("X3", "C1", "2025-03-02", "REFERRAL_ORDER"),
            ("X4", "C1", "2025-02-25", "YOUTH_REHABILITATION_ORDER"),
        ],
    )
    assert orders.closing(t, PERIOD).at[0, "outcome_id"] == "X2"
    # with the linking file, the file decides (here the earliest outcome)
    t["episode_links"] = pd.DataFrame({"episode_id": ["E1"], "outcome_id": ["X1"], "successfully_completed": [None]})
    assert orders.closing(t, PERIOD).at[0, "outcome_id"] == "X1"


def test_left_out_counts_each_episode_under_the_rule_it_breaks():
    # E1 reparation order; E2 referral order with no referral order outcome before it; E3 diversion whose outcome is
    # a youth restorative disposal (linked by the file); E4 outcome while living elsewhere; E5 aged 9 at the start
    # (born 1 May 2015, start 1 Apr 2025); E6 counts; E7 prevention is not an order at all.
    t = tables_for(
        {"C1": BORN, "C2": BORN, "C3": BORN, "C4": BORN, "C5": "2015-05-01", "C6": BORN},
        [
            ("E1", "C1", "REPARATION_ORDER", "2025-01-01", "2025-04-01"),
            ("E2", "C2", "REFERRAL_ORDER", "2025-01-01", "2025-04-01"),
            ("E3", "C3", "DIVERSION", "2025-01-01", "2025-04-01"),
            ("E4", "C4", "YOUTH_CAUTION", "2025-01-01", "2025-04-01"),
            ("E5", "C5", "YOUTH_CAUTION", "2025-04-01", "2025-06-01"),
            ("E6", "C6", "YOUTH_CAUTION", "2025-01-01", "2025-04-01"),
            ("E7", "C6", "PREVENTION", "2025-01-01", "2025-04-01"),
        ],
        [
            ("X1", "C1", "2025-01-01", "REPARATION_ORDER"),
            ("X3", "C3", "2025-01-01", "YOUTH_RESTORATIVE_DISPOSAL"),
            ("X4", "C4", "2025-01-01", "YOUTH_CAUTION", "OTHER"),
            ("X5", "C5", "2025-04-01", "YOUTH_CAUTION"),
            ("X6", "C6", "2025-01-01", "YOUTH_CAUTION"),
        ],
        links=[
            ("E1", "X1", None),
            ("E3", "X3", "Y"),
            ("E4", "X4", "Y"),
            ("E5", "X5", "N"),
            ("E6", "X6", "Y"),
        ],
    )
    got = orders.left_out(t, PERIOD).set_index("reason")["episodes"]
    assert list(got) == [1, 1, 1, 0, 1, 1]  # reparation, no link, other diversion, not counted, not local, age
    assert list(orders.closing(t, PERIOD)["child_id"]) == ["C6"]
    programmes = orders.oocd_programmes(t, PERIOD)
    assert list(programmes["episode_id"]) == ["E6"]
    assert programmes.at[0, "oocd_outcome"] == "yc_yjs" and programmes.at[0, "successfully_completed"] == "Y"


def test_by_type_gives_every_type_and_all_with_a_wilson_interval():
    population = pd.DataFrame({"child_id": ["C1", "C2", "C3"], "type_of_order": ["yro", "yro", "custody"]})
    rows = pd.DataFrame(orders.by_type(population, pd.Series([True, False, True]), "m", PERIOD)).set_index("group")
    assert list(rows.index) == [*orders.LABELS.values(), "All"]
    assert rows.at["Youth rehabilitation orders", "value"] == pytest.approx(50.0)  # 1 of 2
    assert rows.at["All", "numerator"] == 2 and rows.at["All", "denominator"] == 3
    assert rows.at["Referral orders", "denominator"] == 0
    # Wilson for 2 of 3, z = 1.959964: (4 + z² ± z√(z² + 4·2·(1 − 2/3))) / (2(3 + z²)) = 20.77% to 93.85%
    assert rows.at["All", "lower"] == pytest.approx(20.77, abs=0.01)
    assert rows.at["All", "upper"] == pytest.approx(93.85, abs=0.01)
