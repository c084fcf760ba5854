"""Each kind of bad input gets a clear answer, and nothing is lost."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.validation import ExtractError, validate_folder

from conftest import BASE, write_extract


@pytest.fixture(autouse=True)
def _optional_files_left_out(monkeypatch):
    """conftest.BASE has no rows for the optional KPI files: leave them out (absent) unless a test writes them."""
    from analysis.data.contract import OPTIONAL

    for name in OPTIONAL:
        if name not in BASE:
            monkeypatch.setitem(BASE, name, None)


def _aside(v, name):
    return v.set_aside[name]


def test_clean_extract_accepts_everything(extract_dir):
    v = validate_folder(extract_dir)
    counts = v.counts.set_index("extract")
    assert (counts["set_aside"] == 0).all()
    assert counts.loc["children.csv", "accepted"] == 3
    assert v.area_name == "Test borough"
    assert str(v.extract_date) == "2023-04-20"
    assert str(v.tables["children"]["date_of_birth"].dtype).startswith("datetime64")


def test_missing_file_stops_with_its_name(tmp_path):
    folder = write_extract(tmp_path / "x", offences=None)
    with pytest.raises(ExtractError) as err:
        validate_folder(folder)
    assert "offences.csv: the file is missing" in str(err.value)


def test_missing_column_names_file_and_column(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "sex"} for r in BASE["children"]]
    folder = write_extract(tmp_path / "x", children=rows)
    with pytest.raises(ExtractError) as err:
        validate_folder(folder)
    message = str(err.value)
    assert "children.csv: missing column(s) sex" in message
    assert "child_id, date_of_birth, sex, ethnicity" in message


def test_all_file_problems_reported_at_once(tmp_path):
    folder = write_extract(tmp_path / "x", offences=None, remands=None)
    with pytest.raises(ExtractError) as err:
        validate_folder(folder)
    assert len(err.value.problems) == 2


def test_unreadable_and_empty_files(tmp_path):
    folder = write_extract(tmp_path / "x", children="")
    with pytest.raises(ExtractError, match="children.csv: the file is empty"):
        validate_folder(folder)
    folder = write_extract(tmp_path / "y")
    (folder / "children.csv").write_bytes(b"child_id,date_of_birth,sex,ethnicity\nC1,2007-05-01,1,\xff\xfe\n")
    with pytest.raises(ExtractError, match="children.csv: cannot be read as UTF-8"):
        validate_folder(folder)


def test_bad_extract_info(tmp_path):
    folder = write_extract(
        tmp_path / "x", extract_info=[{"field": "area_name", "value": "A"}, {"field": "extract_date", "value": "soon"}]
    )
    with pytest.raises(ExtractError, match="extract_date 'soon' is not a date"):
        validate_folder(folder)


def test_unknown_code_is_set_aside_with_line_column_value_and_rule(tmp_path):
    rows = BASE["children"] + [{"child_id": "C9", "date_of_birth": "2008-02-02", "sex": "1", "ethnicity": "XXXX"}]
    v = validate_folder(write_extract(tmp_path / "x", children=rows))
    aside = _aside(v, "children")
    assert len(aside) == 1
    row = aside.iloc[0]
    assert row["line"] == 5  # header is line 1
    assert row["child_id"] == "C9"
    assert "ethnicity: not a code in the contract's list" in row["problems"]
    assert "(value 'XXXX')" in row["problems"]
    counts = v.counts.set_index("extract").loc["children.csv"]
    assert (counts["received"], counts["accepted"], counts["set_aside"]) == (4, 3, 1)


@pytest.mark.parametrize(
    "value, rule",
    [
        ("2099-01-01", "date after the extract date"),
        ("31/02/2023", "not a date"),
        ("not a date", "not a date"),
        ("1900-01-01", "date before 1990"),
    ],
)
def test_impossible_dates(tmp_path, value, rule):
    rows = BASE["offences"] + [
        {
            "offence_id": "O9",
            "child_id": "C1",
            "offence_date": value,
            "offence_category": "DRUGS",
            "seriousness_score": "2",
        }
    ]
    v = validate_folder(write_extract(tmp_path / "x", offences=rows))
    aside = _aside(v, "offences")
    assert list(aside["offence_id"]) == ["O9"]
    assert rule in aside.iloc[0]["problems"]


def test_uk_dates_are_accepted(tmp_path):
    rows = [dict(BASE["children"][0], date_of_birth="01/05/2007")] + BASE["children"][1:]
    v = validate_folder(write_extract(tmp_path / "x", children=rows))
    assert v.tables["children"]["date_of_birth"].iloc[0] == pd.Timestamp("2007-05-01")


def test_outcome_before_offence(tmp_path):
    rows = [dict(BASE["outcomes"][0], outcome_date="2022-05-01")] + BASE["outcomes"][1:]
    v = validate_folder(write_extract(tmp_path / "x", outcomes=rows))
    assert "outcome_date is before the offence_date" in _aside(v, "outcomes").iloc[0]["problems"]


def test_outcome_child_must_match_offence_child(tmp_path):
    rows = [dict(BASE["outcomes"][0], child_id="C2")] + BASE["outcomes"][1:]
    v = validate_folder(write_extract(tmp_path / "x", outcomes=rows))
    assert "child_id differs from the child_id of its offence" in _aside(v, "outcomes").iloc[0]["problems"]


def test_duplicate_id_keeps_first_and_says_where(tmp_path):
    rows = BASE["children"] + [dict(BASE["children"][0], sex="2")]
    v = validate_folder(write_extract(tmp_path / "x", children=rows))
    aside = _aside(v, "children")
    assert aside.iloc[0]["line"] == 5
    assert "duplicate child_id (first seen on line 2)" in aside.iloc[0]["problems"]
    assert v.tables["children"].set_index("child_id").loc["C1", "sex"] == "1"


def test_reference_to_missing_child_and_cascade(tmp_path):
    offences = BASE["offences"] + [
        {
            "offence_id": "O9",
            "child_id": "C404",
            "offence_date": "2022-01-01",
            "offence_category": "DRUGS",
            "seriousness_score": "1",
        }
    ]
    outcomes = BASE["outcomes"] + [
        {
            "outcome_id": "X9",
            "offence_id": "O9",
            "child_id": "C404",
            "outcome_date": "2022-02-01",
            "legal_outcome": "FINE",
            "residence": "LOCAL",
        }
    ]
    v = validate_folder(write_extract(tmp_path / "x", offences=offences, outcomes=outcomes))
    assert (
        "child_id 'C404' not found among the accepted rows of children.csv" in _aside(v, "offences").iloc[0]["problems"]
    )
    # the outcome of a set-aside offence is set aside too, saying why
    assert (
        "offence_id 'O9' not found among the accepted rows of offences.csv" in _aside(v, "outcomes").iloc[0]["problems"]
    )


def test_end_before_start(tmp_path):
    rows = [dict(BASE["caseload"][0], end_date="2022-01-01")]
    v = validate_folder(write_extract(tmp_path / "x", caseload=rows))
    assert "end_date is before start_date" in _aside(v, "caseload").iloc[0]["problems"]


def test_blank_required_value_and_out_of_range_number(tmp_path):
    rows = [dict(BASE["offences"][0], seriousness_score="9"), dict(BASE["offences"][1], offence_category="")]
    v = validate_folder(write_extract(tmp_path / "x", offences=rows))
    problems = list(_aside(v, "offences")["problems"])
    assert "seriousness_score: outside the allowed range 1 to 8 (value '9')" in problems[0]
    assert "offence_category: value missing (required)" in problems[1]


def test_offence_before_tenth_birthday(tmp_path):
    rows = [dict(BASE["offences"][0], offence_date="2016-06-01")] + BASE["offences"][1:]
    v = validate_folder(write_extract(tmp_path / "x", offences=rows))
    assert "before the child's 10th birthday" in _aside(v, "offences").iloc[0]["problems"]


def test_several_problems_on_one_row_are_all_listed(tmp_path):
    rows = BASE["children"] + [{"child_id": "C9", "date_of_birth": "2030-01-01", "sex": "7", "ethnicity": "??"}]
    v = validate_folder(write_extract(tmp_path / "x", children=rows))
    problems = _aside(v, "children").iloc[0]["problems"]
    assert problems.count(";") == 2  # three rules broken, all listed


def test_extra_columns_are_ignored_and_never_kept(tmp_path):
    rows = [dict(r, name="Secret Name") for r in BASE["children"]]
    v = validate_folder(write_extract(tmp_path / "x", children=rows))
    assert "name" not in v.tables["children"].columns
    assert v.ignored_columns == {"children": ["name"]}


def test_received_equals_accepted_plus_set_aside_always(tmp_path):
    rows = BASE["children"] + [{"child_id": "C1", "date_of_birth": "x", "sex": "3", "ethnicity": "??"}] * 3
    v = validate_folder(write_extract(tmp_path / "x", children=rows))
    c = v.counts
    assert (c["received"] == c["accepted"] + c["set_aside"]).all()


def test_problem_summary_for_reports_holds_no_values(tmp_path):
    from analysis.data.validation import describe_problems

    offences = BASE["offences"] + [
        {
            "offence_id": "O9",
            "child_id": "C404",
            "offence_date": "2022-01-01",
            "offence_category": "XX",
            "seriousness_score": "1",
        }
    ]
    v = validate_folder(write_extract(tmp_path / "x", offences=offences))
    summary = describe_problems(v.set_aside["offences"])
    assert "C404" not in summary and "XX" not in summary
    assert "child_id not found among the accepted rows of children.csv" in summary


def test_problem_summary_holds_no_part_of_a_value_with_separators_or_quotes(tmp_path):
    # a value holding "; " or a quote used to leave a piece of itself in the reasons, and so in the overview
    from analysis.data.validation import describe_problems

    offences = BASE["offences"] + [
        {
            "offence_id": "O9",
            "child_id": "C4; SMITH'S",
            "offence_date": "2022-01-01",
            "offence_category": "A; JONES",
            "seriousness_score": "1",
        }
    ]
    v = validate_folder(write_extract(tmp_path / "x", offences=offences))
    summary = describe_problems(v.set_aside["offences"])
    assert "SMITH" not in summary and "JONES" not in summary
    assert "offence_category: not a code" in summary and "child_id not found" in summary
    assert "JONES" in v.set_aside["offences"]["problems"].iloc[0]  # the analyst still sees the value


# --- speed and scale: the fast paths give exactly what the plain ones did ---------------------


def test_whole_numbers_too_long_to_read_are_out_of_range_not_a_crash(tmp_path):
    rows = [
        dict(BASE["offences"][0], seriousness_score="99999999999999999999"),
        dict(BASE["offences"][1], seriousness_score="-9223372036854775809"),
        dict(BASE["offences"][1], offence_id="O3", seriousness_score="0000000000000000000000005"),
    ]
    v = validate_folder(write_extract(tmp_path / "x", offences=rows))
    problems = list(_aside(v, "offences")["problems"])
    assert problems == [
        "seriousness_score: outside the allowed range 1 to 8 (value '99999999999999999999')",
        "seriousness_score: outside the allowed range 1 to 8 (value '-9223372036854775809')",
    ]
    assert v.tables["offences"]["seriousness_score"].tolist() == [5]  # leading zeros are fine


def test_parse_ints():
    from analysis.data.validation import parse_ints

    values = pd.Series(
        [
            "5",
            "+5",
            "-5",
            "007",
            "-0",
            "9223372036854775807",
            "999999999999999999",
            "1000000000000000000",
            "1e3",
            "x",
            None,
            "٣",
        ],
        dtype="str",
    )
    got = parse_ints(values)
    assert str(got.dtype) == "Int64"
    assert got.tolist() == [5, 5, -5, 7, 0, pd.NA, 999999999999999999, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA]


def _pandas_duplicates(frame, keys):
    """The duplicate rule as first written, with pandas."""
    import numpy as np

    dup = frame.duplicated(keys, keep="first") & frame[keys].notna().all(axis=1)
    involved = frame.loc[frame.duplicated(keys, keep=False), keys].reset_index()
    first = involved.groupby(keys)["index"].transform("first").set_axis(involved["index"])
    rows = np.flatnonzero(dup.to_numpy())
    return rows, first.reindex(frame.index).to_numpy()[rows].astype(int)


def _big_pupils(n=12_000):
    import numpy as np

    rng = np.random.default_rng(1)

    def pick(good, bad):  # mostly good values, one row in ten or so bad
        return rng.choice(bad) if rng.random() < 0.03 else rng.choice(good)

    return [
        {
            "pupil_id": f"P{rng.integers(0, 4 * n)}" if i % 200 else "",
            "academic_year": pick(["2021/22", "2022/23"], ["2022-23", ""]),
            "school_id": f"S{i % 40}",
            "phase": pick(["PRIMARY", "SECONDARY"], ["??", ""]),
            "nc_year": pick(["0", "7", "14", " 3 ", "007"], ["15", "-1", "x", "", "99999999999999999999"]),
            "sex": pick(["M", "F"], ["X"]),
            "ethnicity": pick(["WBRI", "", " WBRI"], ["ZZZZ"]),
            "sen_provision": pick(["N", "K", "E"], ["Q"]),
        }
        for i in range(n)
    ]


def test_fast_paths_match_the_plain_ones(tmp_path, monkeypatch):
    """Long columns are parsed once per distinct value and keys numbered in Arrow: the same rows must be
    accepted and set aside, with the same lines and problems, as computing everything row by row."""
    from analysis.data import validation

    folder = write_extract(tmp_path / "x", pupils=_big_pupils(), pupil_link=[])
    fast = validate_folder(folder)
    monkeypatch.setattr(validation, "_per_distinct", lambda values, compute: compute(values))
    monkeypatch.setattr(validation, "_duplicates", _pandas_duplicates)
    plain = validate_folder(folder)
    for name in fast.tables:
        pd.testing.assert_frame_equal(fast.tables[name], plain.tables[name])
        pd.testing.assert_frame_equal(fast.set_aside[name], plain.set_aside[name])
    aside = fast.set_aside["pupils"]
    assert 0 < len(aside) < 12_000
    assert aside["problems"].str.contains("duplicate pupil_id + academic_year (first seen on line", regex=False).any()
    assert (
        aside["problems"]
        .str.contains("nc_year: outside the allowed range 0 to 14 (value '99999999999999999999')", regex=False)
        .any()
    )


def test_arrow_reader_matches_pandas_reader(tmp_path):
    from analysis.data.validation import _read_csv_pandas, read_csv

    path = tmp_path / "t.csv"
    cells = ["a", " a", "a ", "", "  ", "\u00a0x\u00a0", "x\u3000", "é", "\u001fz", "mid dle", "\t", '"q, r"']
    body = "\n".join(f"{c},{cells[(i * 5) % len(cells)]}" for i, c in enumerate(cells * 3))
    path.write_bytes(("\ufeff k , v\n" + body + "\n").encode("utf-8"))
    fast, plain = read_csv(path, "t.csv"), _read_csv_pandas(path, "t.csv")
    pd.testing.assert_frame_equal(fast, plain)
    assert list(fast.columns) == ["k", "v"]
    pd.testing.assert_frame_equal(read_csv(path, "t.csv", ["v"]), plain[["v"]])


def test_unreadable_body_found_after_the_headers_still_names_the_file(tmp_path):
    rows = "\n".join(f"C{i},2007-05-01,1,WBRI" for i in range(60_000))  # more than Arrow's first block
    folder = write_extract(tmp_path / "x")
    (folder / "children.csv").write_bytes(
        b"child_id,date_of_birth,sex,ethnicity\n" + rows.encode() + b"\nC9,2007-05-01,1,\xff\n"
    )
    with pytest.raises(ExtractError, match="children.csv: cannot be read as UTF-8") as err:
        validate_folder(folder)
    assert len(err.value.problems) == 1


def test_each_extract_handed_on_when_ready(tmp_path):
    rows = BASE["children"] + [{"child_id": "C9", "date_of_birth": "2008-02-02", "sex": "1", "ethnicity": "XXXX"}]
    folder = write_extract(tmp_path / "x", children=rows)
    seen = {}
    v = validate_folder(folder, on_extract=lambda name, table, aside: seen.setdefault(name, (table, aside)))
    whole = validate_folder(folder)
    assert v.tables == {} and v.set_aside == {}
    assert list(seen) == list(whole.tables)
    for name, (table, aside) in seen.items():
        pd.testing.assert_frame_equal(table, whole.tables[name])
        pd.testing.assert_frame_equal(aside, whole.set_aside[name])
    pd.testing.assert_frame_equal(v.counts, whole.counts)
    assert v.problems == {"children.csv": "ethnicity: not a code in the contract's list (1)"}


def test_tables_are_read_when_used_and_by_column_when_asked(tmp_path):
    from analysis.data.extract import Tables, columns

    pd.DataFrame(
        {"pupil_id": ["P1", "P2"], "academic_year": ["2025/26", "2025/26"], "sen_provision": ["N", "K"]}
    ).to_parquet(tmp_path / "pupils.parquet", index=False)
    tables = Tables(tmp_path, ["pupils"])
    assert "pupils" in tables and "exclusions" not in tables and tables.get("exclusions") is None
    part = columns(tables, "pupils", ["sen_provision"])
    assert list(part.columns) == ["sen_provision"] and part["sen_provision"].tolist() == ["N", "K"]
    assert not tables._loaded  # neither the membership test nor the column read kept the whole table
    assert tables["pupils"].shape == (2, 3) and "pupils" in tables._loaded
    assert columns({"pupils": tables["pupils"]}, "pupils", ["pupil_id"])["pupil_id"].tolist() == ["P1", "P2"]
    assert columns({}, "pupils", ["pupil_id"]) is None
    # codes as categories, from the file's dictionary encoding or from a table in memory alike
    for source in (Tables(tmp_path, ["pupils"]), {"pupils": tables["pupils"]}):
        coded = columns(source, "pupils", ["pupil_id", "sen_provision"], ("sen_provision",))
        assert isinstance(coded["sen_provision"].dtype, pd.CategoricalDtype)
        assert coded["sen_provision"].astype(str).tolist() == ["N", "K"] and coded["pupil_id"].tolist() == ["P1", "P2"]


def test_extract_error_keeps_its_problems_across_processes():
    import pickle  # the refresh validates in a child process and re-raises its ExtractError

    err = pickle.loads(pickle.dumps(ExtractError(["children.csv: the file is missing", "offences.csv: empty"])))
    assert err.problems == ["children.csv: the file is missing", "offences.csv: empty"]
    assert "  - offences.csv: empty" in str(err)


def test_an_extract_that_stopped_stops_again_at_once_until_it_changes(tmp_path, monkeypatch):
    from analysis.data import extract

    folder = write_extract(tmp_path / "x")
    (folder / "outcomes.csv").unlink()
    with pytest.raises(ExtractError, match="outcomes.csv: the file is missing"):
        extract.load(folder, tmp_path / "work")
    real = extract.validate_folder
    monkeypatch.setattr(extract, "validate_folder", lambda *a, **k: pytest.fail("validated the same files again"))
    with pytest.raises(ExtractError, match="outcomes.csv: the file is missing"):  # the same answer, from the record
        extract.load(folder, tmp_path / "work")
    monkeypatch.setattr(extract, "validate_folder", real)
    write_extract(tmp_path / "x")  # the file is back: validated afresh
    assert extract.load(folder, tmp_path / "work").tables["outcomes"].shape[0] == len(BASE["outcomes"])


def test_a_second_load_waits_for_the_one_validating(tmp_path):
    import threading

    from filelock import FileLock

    from analysis.data import extract

    folder, work = write_extract(tmp_path / "x"), tmp_path / "work"
    work.mkdir()
    got = []
    with FileLock(work / "validation.lock"):  # as while another process validates
        waiting = threading.Thread(target=lambda: got.append(extract.load(folder, work)))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and not got
    waiting.join(30)
    assert got and got[0].tables["children"].shape[0] == len(BASE["children"])


# --- issue 16: bad input gets a clear answer naming file, column, row and rule -------------------


def test_digits_of_other_scripts_are_not_whole_numbers(tmp_path):
    # Arabic-Indic and full-width digits used to pass the check (regex \d) and then turn into missing values
    offences = [dict(BASE["offences"][0], seriousness_score="٣")] + BASE["offences"][1:]
    pupils = BASE["pupils"] + [
        dict(BASE["pupils"][0], pupil_id="P2", nc_year="１１"),
        dict(BASE["pupils"][0], pupil_id="P3", academic_year="٢٠٢٢/٢٣"),
    ]
    population = BASE["population"] + [dict(BASE["population"][0], age="15", population="1٢")]
    children = BASE["children"] + [dict(BASE["children"][0], child_id="C4", date_of_birth="٢٠٠٧-٠٥-٠١")]
    v = validate_folder(
        write_extract(tmp_path / "x", offences=offences, pupils=pupils, population=population, children=children)
    )
    assert _aside(v, "children").iloc[0]["problems"].startswith("date_of_birth: not a date")
    assert list(_aside(v, "offences")["problems"]) == ["seriousness_score: not a whole number (value '٣')"]
    assert list(_aside(v, "offences")["line"]) == [2]
    pupils_aside = _aside(v, "pupils")
    assert list(pupils_aside["pupil_id"]) == ["P2", "P3"]
    assert "nc_year: not a whole number (value '１１')" in pupils_aside.iloc[0]["problems"]
    assert "academic_year: not written like 2021/22 (value '٢٠٢٢/٢٣')" in pupils_aside.iloc[1]["problems"]
    assert list(_aside(v, "population")["problems"]) == ["population: not a whole number (value '1٢')"]
    counts = v.counts.set_index("extract")
    assert tuple(counts.loc["population.csv", ["received", "accepted", "set_aside"]]) == (2, 1, 1)
    assert v.tables["offences"]["seriousness_score"].isna().sum() == 1  # only the one left blank at source


def test_extract_info_field_given_twice_stops_naming_the_lines(tmp_path):
    from analysis.data.validation import check_files

    info = BASE["extract_info"] + [{"field": "extract_date", "value": "2023-04-21"}]
    folder = write_extract(tmp_path / "x", extract_info=info)
    for check in (validate_folder, check_files):
        with pytest.raises(ExtractError) as err:
            check(folder)
        assert err.value.problems == [
            "extract_info.csv: the field 'extract_date' is given on 2 rows (lines 3 and 4); give it once."
        ]
    # an identical second row is no less ambiguous about what was meant; a blank line counts in the numbering
    (folder / "extract_info.csv").write_text("field,value\narea_name,A\n\narea_name,A\nextract_date,2023-04-20\n")
    (folder / "offences.csv").unlink()
    with pytest.raises(ExtractError) as err:
        validate_folder(folder)
    assert err.value.problems == [  # with the other files' problems, all at once
        "extract_info.csv: the field 'area_name' is given on 2 rows (lines 2 and 4); give it once.",
        f"offences.csv: the file is missing from {folder}. It is required: only the optional files "
        "(assessments.csv, episode_links.csv, accommodation.csv, ete_status.csv, send_aln.csv, "
        "health_interventions.csv, care_status.csv, victims.csv, board_attendance.csv) may be left out.",
    ]


def test_extract_date_after_today_stops_but_today_is_fine(tmp_path):
    from datetime import date, timedelta

    today = date.today()
    tomorrow = today + timedelta(days=1)
    info = [BASE["extract_info"][0], {"field": "extract_date", "value": tomorrow.isoformat()}]
    with pytest.raises(ExtractError) as err:
        validate_folder(write_extract(tmp_path / "x", extract_info=info))
    assert err.value.problems == [
        f"extract_info.csv: extract_date '{tomorrow.isoformat()}' ({tomorrow:%d %B %Y}) is after today "
        f"({today:%d %B %Y}): an extract cannot be taken in the future. Write the day it was taken, as "
        "YYYY-MM-DD or DD/MM/YYYY."
    ]
    info = [BASE["extract_info"][0], {"field": "extract_date", "value": today.strftime("%d/%m/%Y")}]
    assert validate_folder(write_extract(tmp_path / "y", extract_info=info)).extract_date == today


def test_a_future_extract_date_stops_only_until_that_day(tmp_path, monkeypatch):
    import json
    from datetime import date, timedelta

    from analysis.data import extract, validation

    tomorrow = date.today() + timedelta(days=1)
    folder = write_extract(
        tmp_path / "x", extract_info=[BASE["extract_info"][0], {"field": "extract_date", "value": tomorrow.isoformat()}]
    )
    with pytest.raises(ExtractError, match="is after today"):
        extract.load(folder, tmp_path / "work")
    # the next day: the same files are fine, and the record of the stop must not say otherwise
    record = tmp_path / "work" / "validation.json"
    meta = json.loads(record.read_text())
    assert meta["stopped"] and meta["checked_on"] == date.today().isoformat()
    record.write_text(json.dumps(dict(meta, checked_on=(date.today() - timedelta(days=1)).isoformat())))
    monkeypatch.setattr(validation, "_today", lambda: tomorrow)
    assert extract.load(folder, tmp_path / "work").extract_date == tomorrow


@pytest.mark.parametrize(
    "header, column",
    [
        ("child_id,date_of_birth,sex,ethnicity,sex", "sex"),  # pandas would read the second as 'sex.1'
        ("child_id,date_of_birth, sex,ethnicity,sex ", "sex"),  # the same once trimmed: pandas kept one of them
        ("child_id,date_of_birth,sex,ethnicity,notes,notes", "notes"),  # not in the contract, still ambiguous
    ],
)
def test_repeated_column_stops_naming_file_and_column(tmp_path, header, column):
    from analysis.data.validation import check_files, read_csv

    folder = write_extract(tmp_path / "x")
    n = header.count(",") + 1
    body = "".join(
        f"\n{r['child_id']},{r['date_of_birth']},{r['sex']},{r['ethnicity']}" + "," * (n - 4) for r in BASE["children"]
    )
    (folder / "children.csv").write_text(header + body + "\n")
    for check in (validate_folder, check_files, lambda f: read_csv(f / "children.csv", "children.csv")):
        with pytest.raises(ExtractError) as err:
            check(folder)
        assert len(err.value.problems) == 1
        assert err.value.problems[0].startswith(f"children.csv: the column '{column}' appears 2 times in the header")


def test_repeated_column_in_extract_info_and_blank_names_may_repeat(tmp_path):
    folder = write_extract(tmp_path / "x", extract_info="field,value,value\narea_name,A,B\nextract_date,2023-04-20,\n")
    with pytest.raises(ExtractError, match="extract_info.csv: the column 'value' appears 2 times"):
        validate_folder(folder)
    # empty columns at the end of a spreadsheet's export have no name: not a repeated column
    folder = write_extract(tmp_path / "y")
    (folder / "children.csv").write_text("child_id,date_of_birth,sex,ethnicity,,\nC1,2007-05-01,1,WBRI,,\n")
    assert len(validate_folder(folder).tables["children"]) == 1


_MESSY_CHILDREN = (
    "child_id,date_of_birth,sex,ethnicity,notes\n"  # line 1
    "C1,2007-05-01,1,WBRI,ok\n"  # line 2
    "\n"  # line 3: blank
    'C2,2008-01-15,2,BCRB,"a note on\n'  # line 4: a value over two lines
    'two lines"\n'  # line 5
    "C3,2006-09-30,1,,\n"  # line 6
    "C9,2008-02-02,1,XXXX,bad code\n"  # line 7
    "C2,2008-01-15,2,BCRB,again\n"  # line 8
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("blank", ["", "   "])  # spaces only: Arrow's reader gives up, pandas' skips the line
def test_line_numbers_are_the_lines_an_editor_shows(tmp_path, newline, blank):
    from analysis.data import extract

    folder = write_extract(tmp_path / "x")
    text = _MESSY_CHILDREN.replace("\n\n", f"\n{blank}\n").replace("\n", newline)
    (folder / "children.csv").write_bytes(text.encode())
    v = validate_folder(folder)
    aside = _aside(v, "children")
    assert list(aside["child_id"]) == ["C9", "C2"]
    assert list(aside["line"]) == [7, 8]
    assert "duplicate child_id (first seen on line 4)" in aside.iloc[1]["problems"]
    # and so in the quarantine file the analyst opens
    quarantine = extract.load(folder, tmp_path / "work").quarantine_dir / "children.csv"
    assert pd.read_csv(quarantine)["line"].tolist() == [7, 8]


def test_line_numbers_without_blank_lines_or_quoted_breaks_are_not_worked_out(tmp_path, monkeypatch):
    from analysis.data import validation

    rows = BASE["children"] + [{"child_id": "C9", "date_of_birth": "2008-02-02", "sex": "1", "ethnicity": "XXXX"}]
    folder = write_extract(tmp_path / "x", children=rows)
    monkeypatch.setattr(validation, "_record_lines", lambda path: pytest.fail("every line is a row: nothing to find"))
    assert list(_aside(validate_folder(folder), "children")["line"]) == [5]


def test_record_lines_match_the_csv_reader_block_by_block(tmp_path, monkeypatch):
    """The lines found in numpy, a block at a time, are those Python's csv reader finds row by row, for any
    block size (a record, a quoted value or a \\r\\n split between blocks)."""
    import random

    import numpy as np

    from analysis.data import validation

    rng = random.Random(16)
    path = tmp_path / "t.csv"
    cells = ["x", "", "y y", '"q\nr"', '"a""b"', '"m\r\nn"', '"\n"', '"s,t"', '""']
    for _ in range(150):
        monkeypatch.setattr(validation, "_BLOCK", rng.choice([1, 2, 3, 7, 64, 1 << 16]))
        nl = rng.choice(["\n", "\r\n", "\r"])
        text = rng.choice(["", nl, " " + nl]) + "h1,h2,h3" + nl
        for _ in range(rng.randint(0, 10)):
            if rng.random() < 0.2:
                text += rng.choice(["", " ", "\t "]) + nl
            else:
                text += ",".join(rng.choice(cells) for _ in range(3)) + nl
        text = text.rstrip("\r\n") if rng.random() < 0.3 else text + nl * rng.randint(0, 2)
        path.write_bytes(text.encode())
        rows = len(pd.read_csv(path, dtype=str, keep_default_na=False))
        found = validation._record_lines(path)
        assert len(found) == rows + 1, repr(text)
        assert np.array_equal(found, validation._record_lines_csv(path)), repr(text)
    # a quote inside an unquoted value misleads the quick count: the csv reader has the last word
    path.write_text('h1,h2\nC1,5\'10"\nC2,x\n\nC3,"a\nb"\nC4,y\n')
    assert len(validation._record_lines(path)) != 5
    assert validation._LineNumbers(path, 4)(np.arange(4)).tolist() == [2, 3, 5, 7]


@pytest.mark.parametrize("name", ["offences", "extract_info"])
def test_a_folder_named_like_a_file_stops_with_its_name(tmp_path, name):
    from analysis.data import extract

    folder = write_extract(tmp_path / "x", **{name: None})
    (folder / f"{name}.csv").mkdir()
    for check in (validate_folder, lambda f: extract.load(f, tmp_path / "work")):
        with pytest.raises(ExtractError) as err:
            check(folder)
        assert err.value.problems == [
            f"{name}.csv: is a folder, not a file ({folder / name}.csv). "
            "Put the extract file itself there under this name."
        ]


def test_an_unreadable_file_stops_with_its_name(tmp_path, monkeypatch):
    import os

    from analysis.data import extract

    folder = write_extract(tmp_path / "x")
    target = folder / "remands.csv"
    if os.geteuid() == 0:  # permissions do not stop root: refuse the opening as the system would
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if os.fspath(path) == os.fspath(target):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    else:
        target.chmod(0)
    try:
        for check in (validate_folder, lambda f: extract.load(f, tmp_path / "work")):
            with pytest.raises(ExtractError) as err:
                check(folder)
            assert err.value.problems == [
                "remands.csv: cannot be read (Permission denied). Check that you are allowed to read it, and close "
                "it if another program (such as Excel) has it open."
            ]
    finally:
        target.chmod(0o644)
