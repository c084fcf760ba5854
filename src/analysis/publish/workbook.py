"""The quarter's tables as an accessible spreadsheet: every table of every report, one per sheet, as the pages show it.

Built with gptables, the Analysis Function's package for releasing statistics in spreadsheets: a cover sheet, a
contents sheet, a notes sheet, then one sheet per table, each table marked up as an Excel table, with its title, the
report it comes from, the area and quarter, its source and what the symbols mean above it, and no merged cells.
The cells are the pages' cells: a withheld figure is ``[c]`` in both, so the spreadsheet withholds exactly what the
reports do. Figures are written as numbers where the page shows a plain number (a percentage as its number, with
"(%)" in the column heading); intervals and symbols are text. The same sheets are written as OpenDocument
(``.ods``) for those without Excel.

Text from the input files (area names, the comparator file's names) is written as text, never as a formula or a link:
gptables reads ``[text](address)`` as a link and ``$$name$$`` as a note marker, so its link reading is switched off
while the workbook is built (nothing here is a link) and a ``$$`` in any text gets an invisible zero-width space
between its two signs. A table with no rows (a tiny extract) gets one row saying so, as gptables, rightly, will not
write an empty table.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

SYMBOLS = {
    "c": "[c] means withheld, so that no child can be identified: a count of 1 to {up_to} children, a figure resting "
    "on one, or a figure that would let one be worked out from others.",
    "x": "[x] means not available: for example the extract does not cover the whole period, or there is no "
    "population figure to make a rate.",
    "z": "[z] means not applicable: there is no such figure, such as an interval for a count of every child.",
}
NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")
NO_ROWS = "No rows this quarter"


def literal(text: str) -> str:
    """`text` as gptables will show it, not as a note marker: ``$$`` becomes ``$``, zero-width space, ``$``."""
    return text.replace("$$", "$\u200b$")


def _cell(text: str) -> str:
    """A cell's text for gptables, which rejects a cell of symbols alone (the Analysis Function's rule: say what a
    symbol means): the reports' own cells always hold a letter or digit, so such a cell is text from an input file
    (an area named "-", say), kept and marked "(as given)"."""
    text = literal(text)
    return text if not text.strip() or re.search(r"[A-Za-z0-9]", text) else f"{text} (as given)"


@contextmanager
def _no_links():
    """gptables without its markdown-link reading (``[text](address)`` in any cell would become a link)."""
    from gptables.core.wrappers import GPWorksheet

    original = GPWorksheet.__dict__["_replace_url"]
    GPWorksheet._replace_url = staticmethod(lambda string: string)
    try:
        yield
    finally:
        GPWorksheet._replace_url = original


def _number(text: str) -> float | int | None:
    """The number a cell shows ('1,204' -> 1204, '35.8' -> 35.8), or None if it shows something else."""
    if not NUMBER.match(text):
        return None
    value = float(text.replace(",", ""))
    return int(value) if "." not in text else value


def frame(table: dict) -> pd.DataFrame:
    """A table as the page shows it, as a DataFrame: numbers as numbers, a column of percentages as numbers with
    "(%)" in its heading, a column of percentage-point changes likewise, everything else as the page's text."""
    headers = [literal(h) for h in (table["row_header"], *table["headers"])]
    rows = [[_cell(c) for c in row] for row in table["rows"]] or [[NO_ROWS, *["[x]"] * (len(headers) - 1)]]
    columns: dict[str, list] = {}
    for i, header in enumerate(headers):
        cells = [row[i] for row in rows]
        if i == 0:
            columns[header] = cells
            continue
        suffix, strip = "", ""
        for unit, label in (("%", " (%)"), (" pp", " (percentage points)")):
            numbers = [c for c in cells if not c.startswith("[")]
            if numbers and all(_number(c.removesuffix(unit)) is not None and c.endswith(unit) for c in numbers):
                suffix, strip = label, unit
        values = []
        for c in cells:
            n = _number(c.removesuffix(strip)) if strip else _number(c)
            values.append(c if n is None else n)
        name = header if header.endswith(suffix) else header + suffix
        columns[name] = values
    return pd.DataFrame(columns)


def sheet_name(i: int) -> str:
    return f"Table {i}"


def write(
    folder: Path,
    stem: str,
    quarter: str,
    area: str,
    reports: list[tuple[str, list[dict]]],
    up_to: int,
    restricted: bool,
) -> list[Path]:
    """Write `<stem>.xlsx` and `<stem>.ods` in `folder`: `reports` is each report's title with its tables (as
    `Report.table` recorded them), in the order of the index. Returns the names of the files written."""
    if not any(tables for _, tables in reports):  # no report got as far as a table: no spreadsheet
        return []
    import gptables as gpt

    symbols = {k: v.format(up_to=up_to) for k, v in SYMBOLS.items()}
    notes = pd.DataFrame(
        {
            "Note number": ["c", "x", "z", "method"],
            "Note text": [
                symbols["c"],
                symbols["x"],
                symbols["z"],
                "Each table is the table of the same title in the report named above it, cell for cell. How each "
                "figure is counted is in the notes at the end of each report. Every figure, with its numerator, "
                "denominator and interval, is also in figures.csv.",
            ],
        }
    )
    sheets: dict[str, gpt.GPTable] = {}
    plain: list[tuple[str, list[str], pd.DataFrame]] = []
    for title, tables in reports:
        for table in tables:
            name = sheet_name(len(sheets) + 1)
            df = frame(table)
            subtitles = [literal(f"From the report: {title}. {area}, {quarter}.")]
            if table.get("note"):
                subtitles.append(literal(table["note"]))
            sheets[name] = gpt.GPTable(
                table=df,
                table_name=name.replace(" ", "_").lower(),
                title=literal(table["caption"]),
                subtitles=subtitles,
                instructions="This worksheet contains one table. Some cells show a symbol instead of a figure, "
                "explained in the notes $$c$$$$x$$$$z$$",
                source="Source: the youth justice service's case management system extract and the population and "
                "school census tables named in the report $$method$$",
                index_columns={2: 0},
            )
            plain.append((name, [literal(table["caption"]), *subtitles], df))
    mark = "RESTRICTED: for the board's private session only. " if restricted else ""
    cover = gpt.Cover(
        title=literal(f"Youth justice quarterly reports: tables, {area}, {quarter}"),
        intro=[f"{mark}Every table in this quarter's reports, one per sheet, as the reports show it."],
        about=[
            "Small numbers are withheld as [c] exactly as in the reports, so that no child can be identified.",
            "The Notes sheet explains the symbols [c], [x] and [z].",
        ],
        contact=["The youth justice service's performance and information team."],
    )
    xlsx, ods = folder / f"{stem}.xlsx", folder / f"{stem}.ods"
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with _no_links(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="gptables")  # pandas 3 deprecations in gptables 2.0: not ours
        workbook = gpt.produce_workbook(
            filename=str(xlsx), sheets=sheets, cover=cover, notes_table=notes, workbook_options=options
        )
    # a fixed creation date, so the same extract gives the same file (a rerun is byte-identical)
    workbook.set_properties({"title": cover.title, "created": datetime(2000, 1, 1, tzinfo=UTC)})
    workbook.close()
    _ods(ods, cover.title, [*cover.intro, *cover.about], notes, plain)
    _fixed_dates(ods)
    return [xlsx.name, ods.name]


def _ods(path: Path, title: str, about: list[str], notes: pd.DataFrame, tables: list) -> None:
    """The same sheets as OpenDocument: cover, contents, notes, then each table under its title lines."""
    from odf.element import Element

    # odfpy keeps the XML namespaces it has met in one dict for the whole process and declares them all in every
    # file: start each file from none, so that a second workbook in one process is the same as the first.
    Element.namespaces.clear()
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame({title: about}).to_excel(writer, sheet_name="Cover", index=False)
        contents = pd.DataFrame(
            {"Sheet name": [n for n, _, _ in tables], "Table description": [t[0] for _, t, _ in tables]}
        )
        contents.to_excel(writer, sheet_name="Contents", index=False)
        notes.to_excel(writer, sheet_name="Notes", index=False)
        for name, lines, df in tables:  # title lines, a blank row, the table's headings and rows: one frame, one write
            width = len(df.columns)
            above = [[line, *[None] * (width - 1)] for line in [*lines, None]]
            sheet = pd.DataFrame([*above, list(df.columns), *df.itertuples(index=False, name=None)])
            sheet.to_excel(writer, sheet_name=name, index=False, header=False)


def _fixed_dates(path: Path) -> None:
    """Give every member of a zip-based file one fixed date, so the same extract gives the same file (odfpy stamps
    each member with the time it was written). The mimetype member stays first and uncompressed, as ODF requires."""
    import zipfile

    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w") as new:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            new.writestr(fixed, data)
