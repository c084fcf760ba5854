"""The quarter's spreadsheet (analysis.publish.workbook): cells as the pages show them, numbers as numbers, symbols
and input text as text, the Analysis Function's structure (cover, contents, notes, a table per sheet), and the same
file from the same tables."""

from __future__ import annotations

import hashlib

import openpyxl
import pandas as pd

from analysis.publish import workbook

TABLE = {
    "caption": "Children by group",
    "row_header": "Group",
    "headers": ["Children", "Share", "Change", "95% confidence interval"],
    "rows": [
        ["White", "1,120", "76.3%", "+1.0 pp", "70.1% to 80.2%"],
        ['=HYPERLINK("http://example.org")', "[c]", "[c]", "[x]", "[c]"],
        ["All", "1,204", "100.0%", "-0.5 pp", "[z]"],
    ],
    "note": "Shares are of children whose ethnicity is recorded.",
}


def test_a_table_keeps_the_pages_cells_with_numbers_as_numbers():
    df = workbook.frame(TABLE)
    assert list(df.columns) == [
        "Group",
        "Children",
        "Share (%)",
        "Change (percentage points)",
        "95% confidence interval",
    ]
    assert df["Children"].tolist() == [1120, "[c]", 1204]
    assert df["Share (%)"].tolist() == [76.3, "[c]", 100.0]
    assert df["Change (percentage points)"].tolist() == [1.0, "[x]", -0.5]
    assert df["95% confidence interval"].tolist() == ["70.1% to 80.2%", "[c]", "[z]"]


def test_the_workbook_has_cover_contents_notes_and_a_table_per_sheet(tmp_path):
    names = workbook.write(
        tmp_path, "tables", "2025-26 Q4", "Demo", [("Summary", [TABLE]), ("Other", [TABLE])], 4, True
    )
    assert names == ["tables.xlsx", "tables.ods"]
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Table 1", "Table 2"]
    assert "RESTRICTED" in str(book["Cover"]["A3"].value)
    notes = [str(c.value) for c in book["Notes"]["B"] if c.value]
    assert any(n.startswith("[c] means withheld") and "1 to 4 children" in n for n in notes)
    assert any(n.startswith("[x] means not available") for n in notes)
    assert any(n.startswith("[z] means not applicable") for n in notes)
    for name in ("Table 1", "Table 2"):
        sheet = book[name]
        assert len(sheet.tables) == 1 and not sheet.merged_cells.ranges
        assert sheet["A1"].value == "Children by group"
        rows = [list(row) for row in sheet[sheet.tables[next(iter(sheet.tables))].ref]]
        assert [c.value for c in rows[0]] == list(workbook.frame(TABLE).columns)
        formula = rows[2][0]
        assert formula.value.startswith("=HYPERLINK") and formula.data_type == "s"  # text, never a formula
    contents = [row for row in book["Contents"].iter_rows(values_only=True) if row[0] in ("Table 1", "Table 2")]
    assert [r[1] for r in contents] == ["Children by group", "Children by group"]
    ods = pd.read_excel(tmp_path / "tables.ods", sheet_name=None, engine="odf")
    assert list(ods) == book.sheetnames


def test_the_same_tables_give_the_same_files(tmp_path):
    digests = []
    for folder in (tmp_path / "a", tmp_path / "b"):
        folder.mkdir()
        workbook.write(folder, "tables", "2025-26 Q4", "Demo", [("Summary", [TABLE])], 4, False)
        digests.append([hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in ("tables.xlsx", "tables.ods")])
    assert digests[0] == digests[1]


def test_no_table_means_no_spreadsheet(tmp_path):
    assert workbook.write(tmp_path, "tables", "2025-26 Q4", "Demo", [("Summary", [])], 4, False) == []
    assert not list(tmp_path.iterdir())


def test_input_text_that_looks_like_a_link_or_a_note_marker_is_written_as_it_reads(tmp_path):
    hostile = {
        **TABLE,
        "caption": "Children in [Area](javascript:alert(1)) $$c$$",
        "rows": [["[Click](javascript:alert(1))", "1", "2.0%", "+1.0 pp", "[z]"], ["$$x$$", "2", "3.0%", "[x]", "[z]"]],
    }
    workbook.write(tmp_path, "tables", "2025-26 Q4", "[Demo](http://evil.example) $$z$$", [("S", [hostile])], 4, False)
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    sheet = book["Table 1"]
    assert not any(c.hyperlink for row in sheet.iter_rows() for c in row)  # no cell became a link
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "[Click](javascript:alert(1))" in texts
    assert "$\u200b$x$\u200b$" in texts  # not read as a note marker
    assert texts[0] == "Children in [Area](javascript:alert(1)) $\u200b$c$\u200b$"
    assert any("[Demo](http://evil.example)" in t for t in texts)
    assert not any(c.hyperlink for row in book["Cover"].iter_rows() for c in row)


def test_a_table_with_no_rows_gets_a_row_saying_so(tmp_path):
    empty = {**TABLE, "rows": []}
    df = workbook.frame(empty)
    assert df.iloc[0].tolist() == [workbook.NO_ROWS, "[x]", "[x]", "[x]", "[x]"]
    assert workbook.write(tmp_path, "tables", "2025-26 Q4", "Demo", [("S", [empty])], 4, False)
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert book["Table 1"]["A1"].value == "Children by group"


def test_a_cell_of_symbols_alone_from_an_input_is_kept_and_marked(tmp_path):
    symbols = {**TABLE, "rows": [["—", "1", "2.0%", "+1.0 pp", "[z]"], ["All", "1", "2.0%", "+1.0 pp", "[z]"]]}
    assert workbook.frame(symbols)["Group"].tolist() == ["— (as given)", "All"]
    assert workbook.write(tmp_path, "tables", "2025-26 Q4", "Demo", [("S", [symbols])], 4, False)
