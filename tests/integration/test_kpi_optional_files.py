"""Leaving out an optional file removes only the KPIs that need it, each with a sentence naming the file; every
other KPI's figures are exactly those of the full extract. Then the whole refresh with every optional file left out:
the KPI report says why each missing KPI is missing, and every report is still published.

Which KPIs need which file: data/README.md, "Optional files and the KPIs that need them", and docs/kpi-definitions.md,
"Data each KPI needs". Two files have a fallback rather than a gap: without send_aln.csv, KPI 3 is derived from
send.csv (decision D8); without episode_links.csv, each order's outcome is inferred (orders.link_outcomes), so the
KPIs that use the link are counted from the inferred one, and only KPI 6 (whose completion flag is in the file) is
not counted.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.data import contract, extract
from analysis.data.quarters import Quarter
from analysis.reports.kpis import measures, words

from conftest import DEMO, QUARTER

PERIOD = Quarter.parse(QUARTER).period

# optional file -> the KPIs not counted without it
NOT_COUNTED = {
    "assessments": set(),  # the summary's characteristics only
    "episode_links": {6},
    "accommodation": {1},
    "ete_status": {2},
    "send_aln": set(),  # KPI 3 falls back to send.csv
    "health_interventions": {4, 5},
    "care_status": {7},
    "victims": {10},
    "board_attendance": {8},
}
# optional file -> the KPIs still counted without it, but not as with it (each checked below)
CHANGED = {
    "episode_links": {1, 2, 3, 4, 5, 7, 9, 10},  # links inferred; KPI 9 loses its "without a YJS programme" count
    "ete_status": {3},  # KPI 3's "in suitable ETE" sub-measure
    "send_aln": {3},  # KPI 3 from send.csv
}
SCHOOL_FILES = ("pupils", "exclusions", "pupil_link")
REPORTS = ("00_overview", "10_disproportionality", "20_exclusions", "30_reoffending", "40_kpis", "90_summary")


def copy_without(folder, *names: str, slim: bool = False):
    """A copy of the demo extract in `folder` without the optional files `names`; `slim`: with the school census
    files (pupils, exclusions, pupil_link), which no KPI reads and which take about half of the validation's time,
    cut to their header row."""
    if not (DEMO / "extract_info.csv").exists():
        from analysis.demo import generate

        generate(DEMO)
    shutil.copytree(DEMO, folder)
    for name in names:
        (folder / contract.EXTRACTS[name].file).unlink()
    for name in SCHOOL_FILES if slim else ():
        path = folder / contract.EXTRACTS[name].file
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def without(tmp_path_factory):
    """`without(name)`: the demo extract without the optional file `name` (None: with every file), loaded once;
    slim (see `copy_without`), as the KPIs are all these tests look at."""
    loaded = {}

    def load(name: str | None) -> extract.Extract:
        if name not in loaded:
            tmp = tmp_path_factory.mktemp(f"without-{name}")
            folder = copy_without(tmp / "extract", *([name] if name else []), slim=True)
            loaded[name] = extract.load(folder, tmp / "work")
        return loaded[name]

    return load


@pytest.fixture(scope="module")
def full(without) -> dict[int, pd.DataFrame]:
    """Every KPI's figures for 2025-26 Q4 from the whole demo extract (every optional file supplied)."""
    loaded = without(None)
    out = {k.number: measures.quarter_figures(loaded.tables, k, PERIOD) for k in measures.KPIS}
    assert all(fig is not None for fig in out.values())
    return out


def test_the_expectations_cover_every_optional_file():
    assert set(NOT_COUNTED) == set(contract.OPTIONAL)


def without_measures(fig: pd.DataFrame, *gone: str) -> pd.DataFrame:
    return fig[~fig["measure"].isin(gone)].reset_index(drop=True)


def cells(fig: pd.DataFrame) -> list[tuple[str, str, str]]:
    return sorted(zip(fig["measure"], fig["breakdown"], fig["group"]))


@pytest.mark.parametrize("name", contract.OPTIONAL)
def test_leaving_out_an_optional_file_removes_only_the_kpis_that_need_it(name, full, without):
    loaded = without(name)
    assert loaded.absent == (name,)
    file = contract.EXTRACTS[name].file
    for kpi in measures.KPIS:
        fig = measures.quarter_figures(loaded.tables, kpi, PERIOD)
        why = measures.missing(loaded.tables, kpi)
        if kpi.number in NOT_COUNTED[name]:
            assert fig is None, (name, kpi.number)
            assert f"KPI {kpi.number} " in why and f"not counted: the extract has no {file}." in why, why
        elif kpi.number in CHANGED.get(name, ()):
            assert fig is not None, (name, kpi.number)
        else:
            assert why == "", (name, kpi.number, why)
            pd.testing.assert_frame_equal(fig, full[kpi.number], obj=f"KPI {kpi.number} without {file}")


def test_without_ete_status_kpi3_loses_only_its_ete_sub_measure(full, without):
    loaded = without("ete_status")
    fig = measures.quarter_figures(loaded.tables, measures.KPIS[2], PERIOD)
    ete = ("kpi3_identified_suitable_ete", "kpi3_identified_unsuitable_ete")
    assert not set(ete) & set(fig["measure"])
    assert set(ete) <= set(full[3]["measure"])  # the demo has them with the file
    pd.testing.assert_frame_equal(fig.reset_index(drop=True), without_measures(full[3], *ete))


def test_without_send_aln_kpi3_is_derived_from_send_and_says_so(full, without):
    loaded = without("send_aln")
    kpi3 = measures.KPIS[2]
    fig = measures.quarter_figures(loaded.tables, kpi3, PERIOD)
    assert cells(fig) == cells(full[3])  # the same measures, groups and breakdowns, counted from send.csv
    why = measures.missing(loaded.tables, kpi3)
    assert "derived from send.csv" in why and "no send_aln.csv" in why
    # the demo's send_aln.csv says more than send.csv: the figures are not those of the full extract
    assert not fig["numerator"].equals(full[3]["numerator"])


def test_without_episode_links_kpi6_is_not_counted_and_the_others_use_inferred_links(full, without):
    loaded = without("episode_links")
    tables = loaded.tables
    assert measures.quarter_figures(tables, measures.KPIS[5], PERIOD) is None
    assert measures.missing(tables, measures.KPIS[5]) == (
        "KPI 6 (out-of-court disposals) is not counted: the extract has no episode_links.csv."
    )
    # KPI 9 needs no link but for one count: offences without a linked YJS programme; the rest is unchanged
    kpi9 = measures.quarter_figures(tables, measures.KPIS[8], PERIOD)
    pd.testing.assert_frame_equal(kpi9, without_measures(full[9], "kpi9_offences_without_yjs_episode"))
    # the KPIs about orders closing are counted from inferred links: the same figures' shape, and no gap named
    for number in (1, 2, 3, 4, 5, 7, 10):
        kpi = measures.KPIS[number - 1]
        fig = measures.quarter_figures(tables, kpi, PERIOD)
        assert cells(fig) == cells(full[number]), number
        assert measures.missing(tables, kpi) == "", number
    # on the demo the inferred links differ from the file's for some victims' offences (KPI 10)
    kpi10 = measures.quarter_figures(tables, measures.KPIS[9], PERIOD)
    assert not kpi10["numerator"].equals(full[10]["numerator"])


# --- the refresh with every optional file left out ----------------------------------------------------------------


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """The demo without any optional file, refreshed (no PDFs); returns the result, the KPI page's text by section
    (paragraphs and tables under each h2 heading), the extract's tables and the parsed page."""
    from analysis.publish import runner

    tmp = tmp_path_factory.mktemp("bare")
    folder = copy_without(tmp / "extract", *contract.OPTIONAL)
    result = runner.refresh(QUARTER, folder, tmp / "out", work_dir=tmp / "work", progress=False, pdf=False)
    loaded = extract.load(folder, tmp / "work" / Quarter.parse(QUARTER).slug)  # as the refresh validated it
    page = BeautifulSoup((result.folder / "40_kpis.html").read_text(encoding="utf-8"), "html.parser")
    sections: dict[str, list[str]] = {"": []}
    heading = ""
    for element in page.find_all(["h2", "p", "table"]):
        text = " ".join(element.get_text(" ", strip=True).replace("¶", "").split())
        if element.name == "h2":
            heading = text
            sections[heading] = []
        else:
            sections[heading].append(text)
    return result, sections, loaded.tables, page


def section(sections: dict[str, list[str]], kpi: measures.Kpi) -> str:
    return " ".join(sections[kpi.title])


def test_without_every_optional_file_the_kpi_report_says_why_each_missing_kpi_is_missing(bare):
    result, sections, tables, _ = bare
    assert not result.failed, [(run.name, run.error) for run in result.failed]
    for report in REPORTS:  # the other five reports are published too
        assert (result.folder / f"{report}.html").is_file(), report
    not_counted = set().union(*NOT_COUNTED.values())
    assert not_counted == {1, 2, 4, 5, 6, 7, 8, 10}  # KPI 3 falls back to send.csv; KPI 9 needs no optional file
    for kpi in measures.KPIS:
        text = section(sections, kpi)
        if kpi.number in not_counted:
            why = measures.missing(tables, kpi)
            assert re.search(r"the extract has no \w+\.csv\.", why), why
            assert words.missing_sentence(kpi, why) in text, (kpi.number, text)
        else:
            assert "is not counted" not in text, (kpi.number, text)
            assert f"{kpi.title}: " in text, (kpi.number, text)  # its quarter's sentence
    # each missing KPI's section names the file it needs
    for name, numbers in NOT_COUNTED.items():
        for number in numbers:
            assert contract.EXTRACTS[name].file in section(sections, measures.KPIS[number - 1])
    # the summary's note names the KPIs not counted
    summary = " ".join(sections["Summary"])
    assert "[x]: not available, as a file it needs was not supplied (KPI 1, KPI 2, KPI 4, KPI 5, KPI 6, KPI 7, " in (
        summary
    )


def test_the_summary_table_shows_not_available_for_a_kpi_not_counted(bare):
    _, _, _, page = bare
    table = page.find("table")
    rows = {
        " ".join(tr.find("th").get_text(" ", strip=True).split()): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in table.find_all("tr")
        if tr.find("th") and tr.find_all("td")
    }
    assert rows["KPI 1: Suitable accommodation"][:3] == ["[x]", "[x]", "[x]"], rows


def test_the_kpi3_section_says_it_was_derived_from_send_csv(bare):
    _, sections, tables, _ = bare
    why = measures.missing(tables, measures.KPIS[2])
    assert "derived from send.csv" in why
    assert why in section(sections, measures.KPIS[2])


def test_the_kpi3_section_names_ete_status_csv_when_its_sub_measure_is_missing(bare):
    _, sections, _, _ = bare
    assert "ete_status.csv" in section(sections, measures.KPIS[2])
