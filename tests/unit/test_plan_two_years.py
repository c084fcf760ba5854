"""The summary's plan tables with the year before beside the year (issue 20, seed gap 3): both years' counts
published together, and the change worked out from the counts shown only, withheld when either count is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import extract as extract_module
from analysis.data.quarters import Quarter
from analysis.present import report
from analysis.present.report import Report
from analysis.reports.summary import measures as summary
from analysis.reports.summary import words

Q = Quarter.parse("2025-26 Q4")
YEAR = Q.year_ending  # April 2025 to March 2026
BEFORE = Q.shift(-4).year_ending  # April 2024 to March 2025

# (outcome, date, residence, offence category, how many): each outcome on its own offence
OUTCOMES = [
    ("COMMUNITY_RESOLUTION_POLICE_FACILITATED", "2024-06-01", "LOCAL", "THEFT_AND_HANDLING", 10),
    ("YOUTH_CAUTION", "2024-09-01", "LOCAL", "DRUGS", 6),
    ("FINE", "2024-11-01", "LOCAL", "MOTORING_OFFENCES", 8),
    ("REFERRAL_ORDER", "2025-02-01", "LOCAL", "ROBBERY", 2),
    ("COMMUNITY_RESOLUTION_POLICE_FACILITATED", "2025-05-01", "LOCAL", "THEFT_AND_HANDLING", 7),
    ("YOUTH_CAUTION", "2025-08-01", "LOCAL", "DRUGS", 9),
    ("REFERRAL_ORDER", "2026-01-15", "LOCAL", "ROBBERY", 12),
    ("REFERRAL_ORDER", "2026-01-15", "ELSEWHERE", "ROBBERY", 1),  # lives elsewhere: in neither year
    ("FINE", "2024-03-31", "LOCAL", "MOTORING_OFFENCES", 3),  # the day before the year before: in neither
]


@pytest.fixture
def tables() -> dict:
    outcomes, offences = [], []
    for code, day, residence, category, n in OUTCOMES:
        for _ in range(n):
            i = len(outcomes)
            outcomes.append(
                {
                    "outcome_id": f"X{i:03}",
                    "offence_id": f"O{i:03}",
                    "child_id": f"C{i:03}",
                    "outcome_date": pd.Timestamp(day),
                    "legal_outcome": code,
                    "residence": residence,
                }
            )
            offences.append({"offence_id": f"O{i:03}", "offence_category": category, "offence_date": pd.Timestamp(day)})
    return {"outcomes": pd.DataFrame(outcomes), "offences": pd.DataFrame(offences)}


def report_for(tables: dict, mode: str = "public") -> Report:
    ext = extract_module.Extract(
        tables=tables,
        counts=pd.DataFrame(),
        problems={},
        area_name="Test borough",
        extract_date=date(2026, 4, 20),
        quarantine_dir=Path("."),
    )
    return Report(name="90_summary", quarter=Q, extract=ext, output_dir=None, mode=mode)


def outcomes_table(tables: dict, monkeypatch, mode: str = "public") -> tuple[Report, dict[str, list[str]]]:
    """The outcomes table as the notebook builds it: {row: [year before, year, change]}."""
    monkeypatch.setattr("analysis.present.report._display_html", lambda html: None)
    rep = report_for(tables, mode)
    published = rep.publish(summary.outcomes_by_type(tables, [BEFORE, YEAR]), relations=summary.subtotal_relations)
    shown, rows = summary.outcomes_display(published)
    rep.table(
        report.with_change(shown, "outcomes", BEFORE.label, YEAR.label),
        {
            **{p.label: ("outcomes", "numerator", p.label) for p in (BEFORE, YEAR)},
            "Change": ("outcomes", "numerator", report.CHANGE),
        },
        caption="c",
        row_header="Outcome",
        rows=rows,
    )
    return rep, {r[0]: r[1:] for r in rep.shown_tables[-1]["rows"]}


def test_outcomes_both_years_counted_with_the_same_rows(tables):
    fig = summary.outcomes_by_type(tables, [BEFORE, YEAR])
    got = {(p, b, g): n for p, b, g, n in fig[["period", "breakdown", "group", "numerator"]].itertuples(index=False)}
    before = {k[1:]: v for k, v in got.items() if k[0] == BEFORE.label}
    year = {k[1:]: v for k, v in got.items() if k[0] == YEAR.label}
    # the year before: 10 + 6 out of court, 8 fines + 2 referral orders in court (the fine of 31 March 2024 is earlier)
    assert before == {
        ("out_of_court", "Community resolution (police facilitated)"): 10,
        ("out_of_court", "Youth caution"): 6,
        ("out_of_court", "All"): 16,
        ("court", "Fine"): 8,
        ("court", "Referral order"): 2,
        ("court", "All"): 10,
        ("all", summary.OUT_OF_COURT): 16,
        ("all", summary.COURT): 10,
        ("all", "All"): 26,
    }
    # the year: 7 + 9 out of court, 12 referral orders (not the child living elsewhere); no fines, shown as 0
    assert year == {
        ("out_of_court", "Community resolution (police facilitated)"): 7,
        ("out_of_court", "Youth caution"): 9,
        ("out_of_court", "All"): 16,
        ("court", "Fine"): 0,
        ("court", "Referral order"): 12,
        ("court", "All"): 12,
        ("all", summary.OUT_OF_COURT): 16,
        ("all", summary.COURT): 12,
        ("all", "All"): 28,
    }
    assert "Youth conditional caution" not in set(fig["group"])  # none in either year: left out
    # one year on its own is as before: the same rows, without the types it has none of
    alone = fig[(fig["period"] == YEAR.label) & (fig["numerator"] > 0)].reset_index(drop=True)
    assert summary.outcomes_by_type(tables, YEAR).equals(alone)


def test_the_change_is_worked_out_from_shown_counts_and_withheld_with_either(tables, monkeypatch):
    rep, cells = outcomes_table(tables, monkeypatch)
    assert cells["Community resolution (police facilitated)"] == ["10", "7", "-3"]
    assert cells["Youth caution"] == ["6", "9", "+3"]
    assert cells["All out-of-court outcomes"] == ["16", "16", "0"]
    # 2 referral orders the year before are withheld, and so is the fine count beside them (else 10 - 8 gives
    # them away): so both changes are withheld, though the year's 12 and 0 are shown
    assert cells["Referral order"] == ["[c]", "12", "[c]"]
    assert cells["Fine"] == ["[c]", "0", "[c]"]
    assert cells["All court outcomes"] == ["10", "12", "+2"]
    assert cells["All outcomes"] == ["26", "28", "+2"]
    # both years' counts are published (figures.csv, the audit); the change is not a figure of its own
    published = pd.concat(rep.published)
    assert set(published["period"]) == {BEFORE.label, YEAR.label}
    assert len(published) == 18
    assert not (published["unit"] == report.CHANGE).any()


def test_restricted_shows_every_change(tables, monkeypatch):
    _, cells = outcomes_table(tables, monkeypatch, mode="restricted")
    assert cells["Referral order"] == ["2", "12", "+10"]
    assert cells["Fine"] == ["8", "0", "-8"]


def test_with_change_by_hand():
    rows = [
        ("A", "p1", 10, False),
        ("A", "p2", 14, False),
        ("B", "p1", float("nan"), True),  # withheld
        ("B", "p2", 30, False),
        ("C", "p2", 5, False),  # in one period only: no change row
    ]
    fig = pd.DataFrame(
        [
            {"measure": "m", "breakdown": "b", "group": g, "period": p, "kind": "count", "numerator": n, "value": n}
            | {"suppressed": s, "unit": "x"}
            for g, p, n, s in rows
        ]
    )
    from analysis.safety import figures

    out = report.with_change(figures.frame(fig), "m", "p1", "p2")
    change = out[out["period"] == report.CHANGE].set_index("group")
    assert list(change.index) == ["A", "B"]
    assert change.loc["A", "numerator"] == 4 and not change.loc["A", "suppressed"]
    assert change.loc["B", "suppressed"] and pd.isna(change.loc["B", "numerator"])
    assert len(out) == len(fig) + 2


def test_offences_both_years_each_offence_in_the_year_of_its_first_outcome(tables):
    # offence O000 dealt with again in the year: still counted once, the year before
    extra = tables["outcomes"].iloc[[0]].assign(outcome_id="X999", outcome_date=pd.Timestamp("2025-06-01"))
    tables = tables | {"outcomes": pd.concat([tables["outcomes"], extra], ignore_index=True)}
    fig = summary.offences_by_type(tables, [BEFORE, YEAR])
    got = {p: dict(zip(f["group"], f["numerator"])) for p, f in fig.groupby("period", sort=False)}
    assert got[BEFORE.label] == {"Robbery": 2, "Drugs": 6, "Theft and handling stolen goods": 10,
                                 "Motoring offences": 8, "All": 26}  # fmt: skip
    assert got[YEAR.label] == {"Robbery": 12, "Drugs": 9, "Theft and handling stolen goods": 7,
                               "Motoring offences": 0, "All": 28}  # fmt: skip


def test_sentences_read_the_year_and_give_the_year_before(tables, monkeypatch):
    rep = report_for(tables)
    published = rep.publish(summary.outcomes_by_type(tables, [BEFORE, YEAR]), relations=summary.subtotal_relations)
    text = words.outcomes_sentence(published, YEAR, BEFORE)
    assert text.startswith(f"Children living in the area received 28 outcomes in the {YEAR.label}: 16 out of court")
    assert text.endswith(f"In the {BEFORE.label} there were 26 outcomes.")
    offences = rep.publish(summary.offences_by_type(tables, [BEFORE, YEAR]))
    text = words.offences_sentence(offences, YEAR, BEFORE)
    assert text == (
        f"Robbery was the most common type: 12 of 28 offences dealt with in the {YEAR.label} (42.9%). "
        f"In the {BEFORE.label} there were 26 offences."
    )


def test_a_year_the_extract_does_not_wholly_cover_is_not_available(tables):
    """An extract whose records start inside the year before gives that year no counts ([x]), not too few."""
    late = {
        "outcomes": tables["outcomes"][tables["outcomes"]["outcome_date"] >= "2024-09-01"],
        "offences": tables["offences"][tables["offences"]["offence_date"] >= "2024-09-01"],
    }
    for fig in (summary.outcomes_by_type(late, [BEFORE, YEAR]), summary.offences_by_type(late, [BEFORE, YEAR])):
        before, year = fig[fig["period"] == BEFORE.label], fig[fig["period"] == YEAR.label]
        assert len(before) and before[["numerator", "value"]].isna().all().all()
        assert year["numerator"].notna().all()
    whole = summary.outcomes_by_type(tables, [BEFORE, YEAR])  # records from March 2024: both years covered
    assert whole["numerator"].notna().all()
