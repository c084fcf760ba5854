"""The demo quarter's spreadsheet holds every table of every report, cell for cell as the pages show it, agrees with
figures.csv, and is linked from the index."""

from __future__ import annotations

import html
import re

import openpyxl
import pandas as pd
import pytest

from analysis.publish import workbook

from conftest import QUARTER

SLUG = QUARTER.replace(" ", "-")


def _page_tables(page: str) -> list[dict]:
    """The tables of a page, as `Report.table` recorded them: caption, headers and cell texts."""
    out = []
    for caption, head, body in re.findall(
        r'<table class="figures"><caption>(.*?)</caption><thead><tr>(.*?)</tr></thead><tbody>(.*?)</tbody>', page, re.S
    ):
        cells = [html.unescape(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", head)]
        rows = [
            [html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)] for r in body.split("</tr>") if r
        ]
        out.append({"caption": html.unescape(caption), "row_header": cells[0], "headers": cells[1:], "rows": rows})
    return out


def _sheet(sheet) -> pd.DataFrame:
    table = sheet.tables[next(iter(sheet.tables))]
    values = [[c.value for c in row] for row in sheet[table.ref]]
    return pd.DataFrame(values[1:], columns=values[0])


def test_every_table_on_every_page_is_a_sheet_of_the_workbook_cell_for_cell(refreshed):
    _, out, _ = refreshed
    folder = out / SLUG
    book = openpyxl.load_workbook(folder / f"tables-{SLUG}.xlsx")
    sheets = [book[n] for n in book.sheetnames if n.startswith("Table ")]
    by_caption = {s["A1"].value: s for s in sheets}
    pages = sorted(folder.glob("[0-9][0-9]_*.html"))
    tables = [t for p in pages for t in _page_tables(p.read_text(encoding="utf-8"))]
    assert len(tables) == len(sheets) > 40
    for table in tables:
        sheet = by_caption[table["caption"]]
        expected = workbook.frame(table)
        got = _sheet(sheet)
        assert list(got.columns) == list(expected.columns), table["caption"]
        for a, b in zip(got.values.ravel(), expected.values.ravel()):
            numbers = all(isinstance(x, int | float) for x in (a, b))
            assert (float(a) == float(b)) if numbers else (a == b), (table["caption"], a, b)
    assert f'href="tables-{SLUG}.xlsx"' in (folder / "index.html").read_text()
    ods = pd.read_excel(folder / f"tables-{SLUG}.ods", sheet_name=None, engine="odf")
    assert list(ods) == book.sheetnames


def test_the_workbooks_figures_are_those_in_figures_csv(refreshed):
    _, out, _ = refreshed
    folder = out / SLUG
    figures = pd.read_csv(folder / "figures.csv", keep_default_na=False, na_values=[""])
    book = openpyxl.load_workbook(folder / f"tables-{SLUG}.xlsx")
    headline = next(book[n] for n in book.sheetnames if str(book[n]["A1"].value).startswith("Headline measures for"))
    got = _sheet(headline).set_index("Measure")
    latest = [c for c in got.columns if c.startswith("Latest")][0]

    def figure(measure: str) -> pd.Series:
        """The summary's figure for the quarter, found by measure, breakdown and group alone."""
        rows = figures[
            (figures["measure"] == measure) & (figures["breakdown"] == "quarter") & (figures["group"] == QUARTER)
        ]
        assert len(rows) == 1, measure
        return rows.iloc[0]

    assert got.loc["First time entrants (children, 12 months)", latest] == figure("first_time_entrants")["value"]
    assert got.loc["First time entrants per 100,000 children aged 10 to 17 (12 months)", latest] == round(
        figure("first_time_entrants_rate")["value"], 1
    )
    withheld = figure("custody_rate_per_1000")
    assert bool(withheld["suppressed"]) == (
        got.loc["Custody rate per 1,000 children aged 10 to 17 (12 months)", latest] == "[c]"
    )


def test_libreoffice_opens_both_spreadsheets(refreshed, tmp_path):
    """LibreOffice (headless) reads the .xlsx and the .ods and finds every sheet, each table under its title."""
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if not soffice:
        if os.environ.get("CI"):
            raise RuntimeError("CI must install LibreOffice (Debian's libreoffice-calc-nogui) for this check")
        pytest.skip("no LibreOffice here: install Debian's libreoffice-calc-nogui")
    _, out, _ = refreshed
    folder = out / SLUG
    book = openpyxl.load_workbook(folder / f"tables-{SLUG}.xlsx")
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"
    for suffix in ("xlsx", "ods"):
        into = tmp_path / suffix
        subprocess.run(
            [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
             every_sheet, "--outdir", str(into), str(folder / f"tables-{SLUG}.{suffix}")],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        written = sorted(p.stem.removeprefix(f"tables-{SLUG}-") for p in into.glob("*.csv"))
        assert written == sorted(book.sheetnames), suffix
        for name in book.sheetnames:
            if name.startswith("Table "):
                text = (into / f"tables-{SLUG}-{name}.csv").read_text(encoding="utf-8")
                assert text.splitlines()[0].strip(",").strip('"') == book[name]["A1"].value, (suffix, name)
