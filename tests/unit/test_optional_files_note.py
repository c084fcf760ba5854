"""The overview's sentence on optional files not supplied and on the YJB systems' 1900-01-01 "no date"."""

from analysis.present import narrative


def test_nothing_to_say_when_every_file_is_there_and_no_date_was_blanked():
    assert narrative.optional_files((), {}) == ""


def test_names_each_missing_file_and_says_nothing_else_is_affected():
    text = narrative.optional_files(("accommodation", "victims"), {})
    assert "accommodation.csv and victims.csv" in text
    assert "every other figure is unaffected" in text


def test_counts_the_dates_read_as_blank_across_files_and_columns():
    # 3 + 2 + 1 = 6 dates written 1900-01-01
    text = narrative.optional_files(
        (), {"ete_status.csv": {"end_date": 3, "start_date": 2}, "victims.csv": {"contact_date": 1}}
    )
    assert text.startswith("6 dates written 1900-01-01")
