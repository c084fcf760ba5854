"""Optional files: an absent one is named and has no table, a present one is checked like any other, and a date
written 1900-01-01 (the YJB systems' "no date") in one is read as blank."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.data import contract
from analysis.data.extract import load
from analysis.data.validation import ExtractError, validate_extract, validate_folder

from conftest import BASE, write_extract

NEW_FILES = (
    "episode_links",
    "accommodation",
    "ete_status",
    "send_aln",
    "health_interventions",
    "care_status",
    "victims",
    "board_attendance",
)


@pytest.fixture(autouse=True)
def _optional_files_left_out(monkeypatch):
    """conftest.BASE has no rows for the KPI files: leave them out (absent) unless a test writes them."""
    for name in contract.OPTIONAL:
        if name not in BASE:
            monkeypatch.setitem(BASE, name, None)


def _aside(v, name) -> pd.DataFrame:
    return v.set_aside[name]


def test_the_optional_files_are_the_assessments_and_the_eight_kpi_files():
    assert contract.OPTIONAL == ("assessments",) + NEW_FILES
    required = [n for n, e in contract.EXTRACTS.items() if not e.optional]
    assert "children" in required and "send" in required and "care_episodes" in required
    # each optional file is validated after the files it refers to
    order = list(contract.ORDER)
    for name in contract.OPTIONAL:
        for ref in contract.EXTRACTS[name].references:
            assert order.index(ref.extract) < order.index(name), (name, ref.extract)


def test_every_optional_file_absent_validates_and_is_named(tmp_path):
    folder = write_extract(tmp_path / "x", assessments=None)
    v = validate_folder(folder)
    assert v.absent == contract.OPTIONAL
    assert not set(contract.OPTIONAL) & set(v.tables)
    assert "assessments.csv" not in set(v.counts["extract"])
    assert v.counts.set_index("extract").loc["children.csv", "accepted"] == 3


def test_load_exposes_absent_files_and_no_table_for_them(tmp_path):
    folder = write_extract(tmp_path / "x", assessments=None)
    rep = load(folder, tmp_path / "work")
    assert rep.absent == contract.OPTIONAL
    assert "accommodation" not in rep.tables and rep.tables.get("accommodation") is None
    assert "assessments" not in rep.tables
    assert not rep.supplied("victims") and rep.supplied("children")
    assert json.loads((tmp_path / "work" / "validation.json").read_text())["absent"] == list(contract.OPTIONAL)

    # supplied later: validated again, and there
    write_extract(folder, accommodation=[_accommodation("A1", "C1", "2022-01-01", "", "LIVING_WITH_PARENT_S")])
    rep = load(folder, tmp_path / "work")
    assert "accommodation" not in rep.absent
    assert len(rep.tables["accommodation"]) == 1

    # taken away again: the table validated from it before is not offered
    (folder / "accommodation.csv").unlink()
    rep = load(folder, tmp_path / "work")
    assert "accommodation" in rep.absent and "accommodation" not in rep.tables
    assert not (tmp_path / "work" / "clean" / "accommodation.parquet").exists()


def test_a_missing_required_file_still_stops_and_names_the_optional_ones(tmp_path):
    folder = write_extract(tmp_path / "x", send=None, victims=None)
    with pytest.raises(ExtractError) as err:
        validate_folder(folder)
    assert len(err.value.problems) == 1  # victims.csv may be left out; send.csv may not
    message = err.value.problems[0]
    assert message.startswith("send.csv: the file is missing from")
    assert "It is required" in message
    assert "Every extract in the contract is required" not in message
    for name in contract.OPTIONAL:
        assert contract.EXTRACTS[name].file in message


def test_a_folder_named_like_an_optional_file_is_still_a_problem(tmp_path):
    folder = write_extract(tmp_path / "x")
    (folder / "accommodation.csv").mkdir()
    with pytest.raises(ExtractError, match="accommodation.csv: is a folder, not a file"):
        validate_folder(folder)


def test_an_optional_file_missing_a_column_stops_like_any_other(tmp_path):
    folder = write_extract(tmp_path / "x", board_attendance="meeting_date,sector\n2023-01-10,POLICE\n")
    with pytest.raises(ExtractError, match=r"board_attendance.csv: missing column\(s\) attendance, new_partner"):
        validate_folder(folder)


def _accommodation(aid, child, start, end, kind, suitability="SUITABLE"):
    return {
        "accommodation_id": aid,
        "child_id": child,
        "start_date": start,
        "end_date": end,
        "accommodation_type": kind,
        "suitability": suitability,
        "primary_residence": "",
    }


def test_a_present_optional_file_sets_aside_bad_rows_with_line_column_and_rule(tmp_path):
    rows = [
        _accommodation("A1", "C1", "2022-01-01", "", "LIVING_WITH_PARENT_S"),  # line 2: fine
        _accommodation("A2", "C1", "2022-01-01", "", "SOFA_SURFING"),  # line 3: unknown code
        _accommodation("A3", "C404", "2022-01-01", "", "AT_HOME"),  # line 4: unknown child
        _accommodation("A4", "C2", "2022-06-01", "2022-05-01", "AT_HOME"),  # line 5: end before start
        _accommodation("A1", "C2", "2022-01-01", "", "AT_HOME"),  # line 6: duplicate id
        _accommodation("A6", "C2", "2022-01-01", "", "AT_HOME", suitability=""),  # line 7: required value blank
        _accommodation("A7", "C3", "2022-01-01", "1900-01-01", "FOSTER_CARE_LA"),  # line 8: no date = still there
    ]
    v = validate_folder(write_extract(tmp_path / "x", accommodation=rows))
    aside = _aside(v, "accommodation").set_index("line")
    assert list(aside.index) == [3, 4, 5, 6, 7]
    assert aside.loc[3, "problems"].startswith("accommodation_type: not a code in the contract's list")
    assert aside.loc[3, "problems"].endswith("(value 'SOFA_SURFING')")
    assert aside.loc[4, "problems"] == "child_id 'C404' not found among the accepted rows of children.csv"
    assert aside.loc[5, "problems"] == "end_date is before start_date"
    assert aside.loc[6, "problems"] == "duplicate accommodation_id (first seen on line 2)"
    assert aside.loc[7, "problems"] == "suitability: value missing (required)"
    table = v.tables["accommodation"].set_index("accommodation_id")
    assert list(table.index) == ["A1", "A7"]
    assert pd.isna(table.loc["A7", "end_date"])
    assert v.no_date == {"accommodation.csv": {"end_date": 1}}
    assert v.counts.set_index("extract").loc["accommodation.csv"].tolist() == [7, 2, 5]


def test_1900_01_01_is_blank_only_in_optional_files_and_kept_as_received_when_set_aside(tmp_path):
    caseload = BASE["caseload"] + [
        {
            "episode_id": "E2",
            "child_id": "C2",
            "start_date": "2022-10-01",
            "end_date": "1900-01-01",
            "episode_type": "YOUTH_CAUTION",
        }
    ]
    rows = [
        _accommodation("A1", "C1", "1900-01-01", "", "AT_HOME"),  # a required date of no date: missing
        _accommodation("A2", "C404", "2022-01-01", "1900-01-01", "AT_HOME"),  # set aside for another reason
        _accommodation("A3", "C2", "2022-01-01", "1899-12-31", "AT_HOME"),  # any other early date: set aside
        _accommodation("A4", "C2", "2022-01-01", "01/01/1900", "AT_HOME"),  # only the YJB's own form
    ]
    v = validate_folder(write_extract(tmp_path / "x", caseload=caseload, accommodation=rows))
    # caseload.csv is required: 1900-01-01 there is a date before 1990, as always
    assert _aside(v, "caseload")["problems"].tolist() == [
        "end_date: date before 1990, which cannot be right (value '1900-01-01'); end_date is before start_date"
    ]
    aside = _aside(v, "accommodation").set_index("accommodation_id")
    assert aside.loc["A1", "problems"] == "start_date: value missing (required)"
    assert aside.loc["A1", "start_date"] == "1900-01-01"  # as received
    assert aside.loc["A2", "end_date"] == "1900-01-01"
    early = "end_date: date before 1990, which cannot be right (value '{}'); end_date is before start_date"
    assert aside.loc["A3", "problems"] == early.format("1899-12-31")
    assert aside.loc["A4", "problems"] == early.format("01/01/1900")
    assert len(v.tables["accommodation"]) == 0
    assert v.no_date == {"accommodation.csv": {"start_date": 1, "end_date": 1}}


def test_episode_links_check_both_references_and_that_the_child_is_the_same(tmp_path):
    caseload = BASE["caseload"] + [
        {
            "episode_id": "E2",
            "child_id": "C2",
            "start_date": "2022-09-20",
            "end_date": "2022-12-20",
            "episode_type": "YOUTH_CAUTION",
        }
    ]
    links = [
        {"episode_id": "E1", "outcome_id": "X1", "successfully_completed": ""},  # C1's order, C1's outcome
        {"episode_id": "E2", "outcome_id": "X2", "successfully_completed": "Y"},  # C2 and C2
        {"episode_id": "E1", "outcome_id": "X2", "successfully_completed": ""},  # C1's episode, C2's outcome
        {"episode_id": "E9", "outcome_id": "X1", "successfully_completed": ""},  # no such episode
        {"episode_id": "E2", "outcome_id": "X2", "successfully_completed": "N"},  # the same pair again
        {"episode_id": "E2", "outcome_id": "X9", "successfully_completed": "U"},  # no such outcome, unknown code
    ]
    v = validate_folder(write_extract(tmp_path / "x", caseload=caseload, episode_links=links))
    aside = _aside(v, "episode_links").set_index("line")["problems"]
    assert aside.to_dict() == {
        4: "the outcome's child_id differs from the episode's child_id",
        5: "episode_id 'E9' not found among the accepted rows of caseload.csv",
        6: "duplicate episode_id + outcome_id (first seen on line 3)",
        7: "successfully_completed: not a code in the contract's list (Y, N) (value 'U'); "
        "outcome_id 'X9' not found among the accepted rows of outcomes.csv",
    }
    assert v.tables["episode_links"]["successfully_completed"].tolist()[1] == "Y"


def test_victims_must_be_linked_to_an_offence_of_the_same_child(tmp_path):
    def victim(vi, victim_id, offence, child, consent="Y"):
        row = {c.name: "" for c in contract.EXTRACTS["victims"].columns}
        row |= {
            "victim_intervention_id": vi,
            "victim_id": victim_id,
            "offence_id": offence,
            "child_id": child,
            "consent_to_contact": consent,
        }
        return row

    rows = [
        victim("VI1", "V1", "O1", "C1"),
        victim("VI1", "V2", "O1", "C1"),  # a second victim of the same intervention: a new key
        victim("VI2", "V3", "O1", "C2"),  # O1 is C1's offence
        victim("VI3", "V4", "O2", "C2", consent=""),
    ]
    v = validate_folder(write_extract(tmp_path / "x", victims=rows))
    assert _aside(v, "victims").set_index("line")["problems"].to_dict() == {
        4: "child_id differs from the child_id of its offence",
        5: "consent_to_contact: value missing (required)",
    }
    assert v.tables["victims"]["victim_id"].tolist() == ["V1", "V2"]


def test_a_health_intervention_must_belong_to_its_domain(tmp_path):
    def health(hid, domain, kind, start="", end=""):
        row = {c.name: "" for c in contract.EXTRACTS["health_interventions"].columns}
        row |= {"health_id": hid, "child_id": "C1", "domain": domain, "intervention_type": kind}
        return row | {"date_attended_start": start, "date_attended_end": end}

    rows = [
        health("H1", "MENTAL_HEALTH", "GETTING_HELP"),
        health("H2", "SUBSTANCE_MISUSE", "NO_INTERVENTION"),
        health("H3", "MENTAL_HEALTH", "NO_INTERVENTION"),
        health("H4", "MENTAL_HEALTH", "COMPLEX_CARE"),  # a substance misuse intervention
        health("H5", "SUBSTANCE_MISUSE", "GETTING_ADVICE"),  # a mental health intervention
        health("H6", "SUBSTANCE_MISUSE", "TARGETED_INTERVENTION", "2022-10-01", "2022-09-01"),
        health("H7", "SUBSTANCE_MISUSE", "TARGETED_INTERVENTION", "2022-10-01", "1900-01-01"),  # still attending
    ]
    v = validate_folder(write_extract(tmp_path / "x", health_interventions=rows))
    assert _aside(v, "health_interventions").set_index("health_id")["problems"].to_dict() == {
        "H4": "intervention_type does not belong to the row's domain",
        "H5": "intervention_type does not belong to the row's domain",
        "H6": "date_attended_end is before date_attended_start",
    }
    assert v.tables["health_interventions"]["health_id"].tolist() == ["H1", "H2", "H3", "H7"]


def test_board_attendance_one_row_per_meeting_and_sector(tmp_path):
    rows = [
        {"meeting_date": "2023-02-14", "sector": "POLICE", "attendance": "SENIOR", "new_partner": "N"},
        {"meeting_date": "2023-02-14", "sector": "HEALTH", "attendance": "NONE", "new_partner": ""},
        {"meeting_date": "2023-02-14", "sector": "POLICE", "attendance": "DELEGATED", "new_partner": ""},
        {"meeting_date": "2023-02-14", "sector": "EDUCATION", "attendance": "SENIOR", "new_partner": ""},
    ]
    v = validate_folder(write_extract(tmp_path / "x", board_attendance=rows))
    problems = _aside(v, "board_attendance").set_index("line")["problems"]
    assert problems[4] == "duplicate meeting_date + sector (first seen on line 2)"
    assert problems[5].startswith("sector: not a code in the contract's list")
    assert len(v.tables["board_attendance"]) == 2


def test_a_reference_to_an_absent_optional_file_is_not_checked():
    """No file of the contract refers to an optional one today; if one ever does, leaving that one out must not
    set aside every row that refers to it."""
    fake = contract.Extract(
        "fake",
        "A file that refers to accommodation.csv.",
        (contract.Column("fake_id", "id", "Id."), contract.Column("accommodation_id", "id", "Id.")),
        references=(contract.Reference("accommodation_id", "accommodation", "accommodation_id"),),
    )
    raw = pd.DataFrame({"fake_id": ["F1", "F2"], "accommodation_id": ["A1", "A2"]}, dtype="str")
    date = pd.Timestamp("2023-04-20")
    accepted, aside = validate_extract(raw.copy(), fake, date, {}, absent=("accommodation",))
    assert len(accepted) == 2 and len(aside) == 0
    accepted, aside = validate_extract(raw.copy(), fake, date, {})  # supplied but with no rows: nothing to point at
    assert len(accepted) == 0 and len(aside) == 2


def test_the_contract_document_marks_the_optional_files():
    text = contract.markdown()
    for name, extract in contract.EXTRACTS.items():
        heading = f"### `{extract.file}` (optional)"
        assert (heading in text) == extract.optional, name


def test_the_summary_characteristics_without_assessments_keep_sen_ehcp_and_looked_after(tmp_path):
    """C1 (referral order, September 2022) is the one child on a youth conditional caution or above in 2022-23
    (C2 had a youth caution). C1 has an EHCP from 2020; nobody was looked after."""
    from analysis.data.quarters import Quarter
    from analysis.reports.summary import measures as summary

    send = [{"send_id": "S1", "child_id": "C1", "start_date": "2020-01-01", "end_date": "", "send_status": "EHCP"}]
    year = Quarter.parse("2022-23 Q4").year_ending
    without = validate_folder(write_extract(tmp_path / "x", send=send, assessments=None)).tables
    assert "assessments" not in without
    rows = summary.characteristics_in(without, year).set_index("group")["numerator"].to_dict()
    assert rows == {
        "All": 1,
        "Special educational needs, SEN support or EHCP (now or before)": 1,
        "Education, health and care plan (now or before)": 1,
        "Looked after (now or before)": 0,
    }
    with_empty = validate_folder(write_extract(tmp_path / "y", send=send)).tables  # supplied, with no rows
    rows = summary.characteristics_in(with_empty, year).set_index("group")["numerator"]
    assert rows[summary.NO_ASSESSMENT] == 1 and rows["Mental health concerns"] == 0 and len(rows) == 12
