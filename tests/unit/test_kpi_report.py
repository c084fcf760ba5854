"""The KPI report's own parts: the YJB return's grid (kpi_return), the quarters and trend tests, the orders left out
(reports/kpis/measures) and the report's words (reports/kpis/words).

The KPI computations themselves are tested in test_kpi_*.py; here the figures are hand-made, except in the
reconciliation tests, which check every cell of every KPI's return grid against the demo extract's figures.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.data import extract
from analysis.data.quarters import Quarter
from analysis.measures.kpi import kpi_return, orders
from analysis.present import formatting
from analysis.reports.kpis import measures, words
from analysis.safety import figures, suppression
from analysis.stats.trend import Trend

from conftest import DEMO, QUARTER

Q4 = Quarter.parse(QUARTER)  # 2025-26 Q4: January to March 2026
PERIOD_LABEL = Q4.period.label
RO = "Referral orders"  # a type of order's label (orders.TYPES["referral_order"])
RO_HEADER = "Referral orders (ro_)"  # its column header in the return: the YJB's column prefix


def kpi(number: int) -> measures.Kpi:
    return measures.KPIS[number - 1]


def fig_row(measure, group, numerator, denominator=None, breakdown="type_of_order", suppressed=False, kind=None):
    """One published figure: a share when it has a denominator, else a count; withheld rows lose their numbers."""
    kind = kind or ("count" if denominator is None else "share")
    value = numerator if denominator is None else 100 * numerator / denominator if denominator else math.nan
    if kind == "rate":
        value = 10_000 * numerator / denominator
    row = {
        "measure": measure,
        "breakdown": breakdown,
        "group": group,
        "period": PERIOD_LABEL,
        "kind": kind,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "unit": "%" if kind == "share" else "children",
        "suppressed": suppressed,
    }
    if suppressed:  # as suppression.withhold leaves a withheld row
        row |= {"numerator": math.nan, "denominator": math.nan, "value": math.nan}
    return row


def cells(grid: kpi_return.Grid) -> dict[tuple[str, str], float | str]:
    """{(the return's row, column header): the cell's count, or "withheld"}."""
    return {
        (r["group"], r["measure"]): "withheld" if r["suppressed"] else r["numerator"]
        for r in grid.figures.to_dict("records")
    }


# --- kpi_return.grid: hand-made figures ----------------------------------------------------------------------------


def test_kpi1_grid_takes_each_cell_from_its_figure_and_keeps_a_withheld_one_withheld():
    closing, start_yes, start_no, end_yes, end_no, not_recorded = (row.label for row in kpi_return.RETURN[1][1])
    fig = figures.frame(
        [
            fig_row("kpi1_suitable_accommodation", RO, 7, 10),  # 7 of the 10 children on referral orders
            fig_row("kpi1_suitable_accommodation", "All", 12, 20),
            fig_row("kpi1_suitable_start", RO, 6, 10),
            fig_row("kpi1_unsuitable_start", "All", 8, 20),
            fig_row("kpi1_unsuitable_end", RO, 3, 10, suppressed=True),  # withheld: no numbers left
            fig_row("kpi1_suitable", "At the end", 12, 20, breakdown="time_point"),  # not in the return
        ]
    )
    grid = kpi_return.grid(1, fig)
    assert cells(grid) == {
        (closing, RO_HEADER): 10,  # the headline's denominator: children with a referral order closing
        (closing, "All"): 20,
        (start_yes, RO_HEADER): 6,
        (start_no, "All"): 8,
        (end_yes, RO_HEADER): 7,  # the headline's numerator
        (end_yes, "All"): 12,
        (end_no, RO_HEADER): "withheld",
    }  # 7 cells: every other (row, column) has no figure, so no cell ([z] in the table)
    withheld = grid.figures[grid.figures["suppressed"]]
    assert len(withheld) == 1 and withheld[["numerator", "value"]].isna().all().all()
    shown = grid.figures[~grid.figures["suppressed"]]
    assert (shown["value"] == shown["numerator"]).all()
    assert set(grid.figures["kind"]) == {"count"} and set(grid.figures["breakdown"]) == {"kpi1_return"}
    assert set(grid.figures["period"]) == {PERIOD_LABEL}
    assert grid.rows == [closing, start_yes, start_no, end_yes, end_no, not_recorded]
    # the columns: the six types of order with the YJB's prefixes, then All; each shows the cell's count
    assert list(grid.columns)[3] == RO_HEADER and list(grid.columns)[-1] == "All" and len(grid.columns) == 7
    assert grid.columns[RO_HEADER] == (RO_HEADER, "numerator")


def test_one_column_grids_kpi9_by_offence_category_and_kpi10_with_a_denominator_row():
    drugs, robbery, violence = (row.label for row in kpi_return.RETURN[9][1])
    kpi9 = figures.frame(
        [
            fig_row("kpi9_serious_violence_offences", "Drugs", 6, breakdown="offence_category"),
            fig_row("kpi9_serious_violence_offences", "Robbery", 2, breakdown="offence_category", suppressed=True),
            fig_row("kpi9_serious_violence_offences", "Violence against the person", 11, breakdown="offence_category"),
            fig_row("kpi9_serious_violence_offences", "All", 19, breakdown="offence_category"),  # not a row
            fig_row("kpi9_serious_violence_offences", "5", 9, breakdown="seriousness_score"),  # nor this
        ]
    )
    assert cells(kpi_return.grid(9, kpi9)) == {
        (drugs, "Count"): 6,
        (robbery, "Count"): "withheld",
        (violence, "Count"): 11,
    }

    rows = {row.label: row for row in kpi_return.RETURN[10][1]}
    asked = "Number of victims who requested information about the progress of the child's case"
    given = "Of those, the number of victims provided with information about the progress of the child's case"
    total = "Total number of victims"
    assert rows[asked].field == "denominator" and rows[given].field == "numerator"
    kpi10 = figures.frame(
        [
            fig_row("kpi10_victims", "All", 24, breakdown="all"),
            fig_row("kpi10_victims_progress_information_of_asked", "All", 5, 9, breakdown="all"),  # 5 of 9 asked
        ]
    )
    assert cells(kpi_return.grid(10, kpi10)) == {(total, "Count"): 24, (asked, "Count"): 9, (given, "Count"): 5}


def test_a_grid_with_no_figures_has_no_cells_but_keeps_its_rows():
    grid = kpi_return.grid(6, figures.frame([fig_row("kpi6_other_measure", "All", 5, 10, breakdown="oocd_outcome")]))
    assert grid.figures.empty
    assert grid.rows == [row.label for row in kpi_return.RETURN[6][1]] and len(grid.rows) == 4


def test_every_grid_has_distinct_row_labels():
    """The table finds a cell by its row's label, so two rows with one label would show one row's counts twice."""
    for number, (_, rows) in kpi_return.RETURN.items():
        labels = [row.label for row in rows]
        assert len(labels) == len(set(labels)), number


# --- kpi_return.grid: reconciliation with the demo's figures -------------------------------------------------------


@pytest.fixture(scope="module")
def demo_tables(tmp_path_factory):
    """The demo extract, loaded once (validated into a temporary work folder)."""
    if not (DEMO / "extract_info.csv").exists():
        from analysis.demo import generate

        generate(DEMO)
    return extract.load(DEMO, tmp_path_factory.mktemp("work")).tables


@pytest.fixture(scope="module")
def demo_figures(demo_tables) -> dict[int, pd.DataFrame]:
    """Every KPI's true figures for 2025-26 Q4 (the demo has every optional file, so none is None)."""
    out = {k.number: measures.quarter_figures(demo_tables, k, Q4.period) for k in measures.KPIS}
    assert all(fig is not None for fig in out.values())
    return out


def reconcile(number: int, fig: pd.DataFrame) -> int:
    """Check every cell of KPI `number`'s grid against the figure it comes from, and that every figure the return
    asks for gave a cell; returns the number of cells."""
    kind, rows = kpi_return.RETURN[number]
    group_of = {header: group for group, header in kpi_return.COLUMNS[kind]}
    by_label = {row.label: row for row in rows}
    grid = kpi_return.grid(number, fig)
    assert grid.rows == list(by_label)
    for cell in grid.figures.to_dict("records"):
        row = by_label[cell["group"]]
        source = fig[
            (fig["measure"] == row.measure)
            & (fig["breakdown"] == row.breakdown)
            & (fig["group"] == (row.group or group_of[cell["measure"]]))
        ]
        assert len(source) == 1, (number, cell["group"], cell["measure"])
        source = source.iloc[0]
        assert cell["suppressed"] == source["suppressed"], (number, cell["group"], cell["measure"])
        if source["suppressed"]:
            assert math.isnan(cell["numerator"]) and math.isnan(cell["value"])
        else:
            assert cell["numerator"] == source[row.field] == cell["value"], (number, cell["group"], cell["measure"])
        assert cell["period"] == source["period"]
    expected = sum(
        ((fig["measure"] == row.measure) & (fig["breakdown"] == row.breakdown) & (fig["group"] == (row.group or g)))
        .any()
        .item()
        for row in rows
        for g, _ in kpi_return.COLUMNS[kind]
    )
    assert len(grid.figures) == expected, number  # no figure the return asks for is left out
    return len(grid.figures)


def test_every_kpis_return_grid_reconciles_with_its_figures_on_the_demo(demo_figures):
    """Every cell of every KPI's return equals the true count it comes from (true numbers, nothing withheld)."""
    sizes = {number: reconcile(number, fig) for number, fig in demo_figures.items()}
    # the demo has a figure for every cell the return asks for: 6 rows x 7 columns for KPI 1, 5 x 7 for KPI 2,
    # 4 x 7 for KPIs 3 to 7 (KPI 6's six outcomes and All), 2 rows x 5 sectors for KPI 8, 3 and 9 one-column rows
    assert sizes == {1: 42, 2: 35, 3: 28, 4: 28, 5: 28, 6: 28, 7: 28, 8: 10, 9: 3, 10: 9}
    assert not any(kpi_return.grid(n, fig).figures["suppressed"].any() for n, fig in demo_figures.items())


def test_the_return_grid_of_published_figures_withholds_what_they_withhold(demo_figures):
    """After suppression (counts 1 to 4 withheld, and what would give them away), each cell is withheld exactly
    where its figure is, and shows the published count everywhere else."""
    withheld = 0
    for number, fig in demo_figures.items():
        published = fig if number == 8 else suppression.apply(fig, 4)  # board attendance is not about children
        reconcile(number, published)
        withheld += int(kpi_return.grid(number, published).figures["suppressed"].sum())
    assert withheld > 0  # the demo's quarter has small numbers in the return


# --- reports/kpis/measures: quarters -------------------------------------------------------------------------------


def first_records(caseload_start: str, outcome_date: str) -> dict:
    """Tables with one episode and one outcome: the extract's earliest case-level records."""
    return {
        "caseload": pd.DataFrame({"start_date": [pd.Timestamp(caseload_start), pd.Timestamp("2026-03-01")]}),
        "outcomes": pd.DataFrame({"outcome_date": [pd.Timestamp(outcome_date), pd.Timestamp("2026-03-01")]}),
    }


def labels(quarters: list[Quarter]) -> list[str]:
    return [q.label for q in quarters]


def test_quarters_begin_no_earlier_than_2023_24_q1():
    # the last 8 quarters to 2023-24 Q3 run from 2021-22 Q4; the KPIs began in 2023-24 Q1 (April 2023)
    got = measures.quarters(first_records("2019-05-01", "2019-06-01"), Quarter.parse("2023-24 Q3"))
    assert labels(got) == ["2023-24 Q1", "2023-24 Q2", "2023-24 Q3"]


def test_quarters_are_at_most_eight_and_end_with_the_reports_quarter():
    got = measures.quarters(first_records("2019-05-01", "2019-06-01"), Quarter.parse("2027-28 Q2"))
    assert labels(got) == [
        "2025-26 Q3",
        "2025-26 Q4",
        "2026-27 Q1",
        "2026-27 Q2",
        "2026-27 Q3",
        "2026-27 Q4",
        "2027-28 Q1",
        "2027-28 Q2",
    ]
    assert len(measures.quarters(first_records("2019-05-01", "2019-06-01"), Q4)) == 8  # 2024-25 Q1 to 2025-26 Q4


def test_no_quarter_starts_before_the_extracts_first_record():
    # earliest record: an outcome on 20 May 2024 (the first episode starts later, 1 Aug). From 1 May 2024 (its
    # month's first day, the coverage convention of docs/methodology.md) the quarters starting on or after it are
    # 2024-25 Q2 (1 July 2024) to 2025-26 Q4: 3 + 4 = 7. 2024-25 Q1 (from 1 April) is only partly covered.
    got = measures.quarters(first_records("2024-08-01", "2024-05-20"), Q4)
    assert labels(got)[0] == "2024-25 Q2" and labels(got)[-1] == QUARTER and len(got) == 7
    # the earliest record is an episode starting on 15 April 2024: April is covered from its first day by the
    # month's convention, so 2024-25 Q1 is in, and the 8 quarters run from it
    got = measures.quarters(first_records("2024-04-15", "2024-09-01"), Q4)
    assert labels(got)[0] == "2024-25 Q1" and len(got) == 8
    # an extract starting in the report's own quarter has no earlier one
    assert labels(measures.quarters(first_records("2026-01-05", "2026-02-01"), Q4)) == [QUARTER]


def test_quarters_on_the_demo_extract(demo_tables):
    got = measures.quarters(demo_tables, Q4)
    assert 1 <= len(got) <= 8 and got[-1] == Q4 and got == sorted(got)
    assert got[0] >= measures.FIRST_QUARTER
    first = min(demo_tables["caseload"]["start_date"].min(), demo_tables["outcomes"]["outcome_date"].min())
    assert pd.Timestamp(got[0].start) >= pd.Timestamp(first.year, first.month, 1)


# --- reports/kpis/measures: direction ------------------------------------------------------------------------------


def series(numerators, denominators, kind="share") -> pd.DataFrame:
    return figures.frame(
        [
            {"measure": "m", "group": "All", "kind": kind, "numerator": x, "denominator": n}
            for x, n in zip(numerators, denominators)
        ]
    )


RISING = [10, 15, 20, 25, 30, 35, 40, 45]  # of 100 children each quarter


def test_a_rising_share_over_eight_quarters_is_up():
    # Cochran-Armitage with scores t = 0..7, n = 100 each: N = 800, events 220, pooled p = 0.275,
    # p(1 - p) = 0.199375; sum t x = 15 + 40 + 75 + 120 + 175 + 240 + 315 = 980; p * sum n t = 0.275 * 2800 = 770;
    # score 210, less 0.5 for continuity = 209.5; sum n t^2 - (sum n t)^2 / N = 14000 - 2800^2 / 800 = 4200;
    # z = 209.5 / sqrt(0.199375 * 4200) = 209.5 / 28.937 = 7.24: far beyond 1.96
    got = measures.direction(series(RISING, [100] * 8), kpi(1))
    assert got.tested and got.periods == 8 and got.direction == "up"
    assert got.z == pytest.approx(209.5 / math.sqrt(0.199375 * 4200))


def test_a_falling_share_is_down_and_a_flat_one_none():
    assert measures.direction(series(RISING[::-1], [100] * 8), kpi(2)).direction == "down"
    # 30 of 100 every quarter: every x - n p = 30 - 30 = 0, so z = 0
    flat = measures.direction(series([30] * 8, [100] * 8), kpi(1))
    assert flat.tested and flat.direction == "none" and flat.z == 0


def test_fewer_than_six_quarters_are_not_tested():
    got = measures.direction(series(RISING[:5], [100] * 5), kpi(1))  # 5 quarters, however steep
    assert not got.tested and got.direction == "none" and got.periods == 5
    assert measures.direction(series(RISING[:6], [100] * 6), kpi(1)).direction == "up"  # 6: tested


def test_board_attendance_is_never_tested_and_serious_violence_as_a_rate():
    got = measures.direction(series([0, 1, 1, 2, 3, 4, 4, 5], [5] * 8), kpi(8))  # sectors of five, rising
    assert not got.tested and got.direction == "none"
    # KPI 9: offences against the population (a rate), rising 10 to 45 of 20,000: a Poisson score test, up
    rate = measures.direction(series(RISING, [20_000] * 8, kind="rate"), kpi(9))
    assert rate.tested and rate.direction == "up" and "Poisson" in rate.method
    assert not measures.direction(series([], []), kpi(1)).tested


# --- reports/kpis/measures: left_out -------------------------------------------------------------------------------


def test_left_out_gives_each_reason_and_a_total_that_is_their_sum():
    # E1 a reparation order; E2 an outcome while living elsewhere; E3 a child aged 9 at the start (born 1 May 2016,
    # start 1 Jan 2026); E4 counts. Reasons: reparation 1, no link 0, other diversion 0, not counted 0, not local 1,
    # age 1; All = 1 + 1 + 1 = 3.
    born = pd.Timestamp("2010-01-01")
    tables = {
        "children": pd.DataFrame(
            {
                "child_id": ["C1", "C2", "C3", "C4"],
                "date_of_birth": [born, born, pd.Timestamp("2016-05-01"), born],
                "sex": "1",
                "ethnicity": "WBRI",
            }
        ),
        "caseload": pd.DataFrame(
            {
                "episode_id": ["E1", "E2", "E3", "E4"],
                "child_id": ["C1", "C2", "C3", "C4"],
                "start_date": pd.to_datetime(["2025-10-01", "2025-10-01", "2026-01-01", "2025-10-01"]),
                "end_date": pd.to_datetime(["2026-02-01"] * 4),
                "episode_type": ["REPARATION_ORDER", "REFERRAL_ORDER", "REFERRAL_ORDER", "REFERRAL_ORDER"],
            }
        ),
        "outcomes": pd.DataFrame(
            {
                "outcome_id": ["X1", "X2", "X3", "X4"],
                "offence_id": ["F1", "F2", "F3", "F4"],
                "child_id": ["C1", "C2", "C3", "C4"],
                "outcome_date": pd.to_datetime(["2025-10-01", "2025-10-01", "2026-01-01", "2025-10-01"]),
                "legal_outcome": ["REPARATION_ORDER", "REFERRAL_ORDER", "REFERRAL_ORDER", "REFERRAL_ORDER"],
                "residence": ["LOCAL", "OTHER", "LOCAL", "LOCAL"],
            }
        ),
    }
    got = measures.left_out(tables, Q4.period).set_index("group")["numerator"]
    assert list(got.index) == [*orders.LEFT_OUT.values(), "All"]
    assert list(got) == [1, 0, 0, 0, 1, 1, 3]
    assert got["All"] == got.drop("All").sum()


def test_left_out_total_is_the_sum_of_reasons_on_the_demo(demo_tables):
    got = measures.left_out(demo_tables, Q4.period).set_index("group")
    assert got.loc["All", "numerator"] == got.drop("All")["numerator"].sum() == got.loc["All", "value"]
    assert (got["measure"] == "kpi_episodes_left_out").all() and (got["kind"] == "count").all()


# --- reports/kpis/words --------------------------------------------------------------------------------------------


def result(number: int, numerator=None, denominator=None, suppressed=False, kind="share") -> measures.Result:
    """A KPI's result with only its headline's total row, or (numerator None) no figures: a file not supplied."""
    k = kpi(number)
    if numerator is None:
        return measures.Result(k, None, f"KPI {number} is not counted: the extract has no file.csv.")
    row = fig_row(k.headline, "All", numerator, denominator, breakdown=k.breakdown, suppressed=suppressed, kind=kind)
    return measures.Result(k, figures.frame([row]))


def test_summary_frame_has_a_row_per_kpi_and_not_available_for_a_missing_one():
    results = {n: result(n, 12, 20) for n in range(1, 11)}  # 12 of 20 = 60%
    results[4] = result(4)  # health_interventions.csv not supplied
    results[7] = result(7, 3, 20, suppressed=True)
    got = words.summary_frame(results)
    assert list(got["group"]) == [k.title for k in measures.KPIS]
    missing = got.iloc[3]
    assert missing[["numerator", "denominator", "value"]].isna().all() and missing["kind"] == "share"
    assert formatting.figure(missing["value"], missing["kind"]) == "[x]"  # NaN: not available
    assert got.iloc[0][["numerator", "denominator", "value"]].tolist() == [12, 20, 60.0]
    assert not got.iloc[0]["suppressed"]
    assert formatting.figure(got.iloc[6]["value"], "share", got.iloc[6]["suppressed"]) == "[c]"
    assert "KPI 4" in words.summary_note(results) and "KPI 7" not in words.summary_note(results)


def test_summary_frame_does_not_mark_a_missing_kpi_as_withheld():
    results = {1: result(1, 12, 20), 4: result(4)}
    missing = words.summary_frame(results).iloc[1]
    assert not missing["suppressed"]
    assert formatting.figure(missing["value"], missing["kind"], missing["suppressed"]) == "[x]"


def test_quarter_sentence_for_a_shown_share():
    # 12 of 30 = 40.0%
    assert (
        words.quarter_sentence(result(1, 12, 30).total, kpi(1), QUARTER)
        == "KPI 1: Suitable accommodation: 40.0% (12 of 30) in 2025-26 Q4."
    )


def test_quarter_sentence_for_a_withheld_figure_prints_no_number():
    expected = (
        "KPI 1: Suitable accommodation: the figure for 2025-26 Q4 is withheld ([c]) so that no child can be identified."
    )
    assert words.quarter_sentence(result(1, 3, 37, suppressed=True).total, kpi(1), QUARTER) == expected
    # even a row that still holds its numbers (3 of 37 = 8.1%) says none of them
    holding = result(1, 3, 37).total.copy()
    holding["suppressed"] = True
    text = words.quarter_sentence(holding, kpi(1), QUARTER)
    assert text == expected
    assert not any(number in text.replace("2025-26", "").replace("KPI 1", "") for number in ("3", "37", "8.1"))
    # a withheld rate too
    rate = result(9, 2, 20_000, suppressed=True, kind="rate").total
    assert "withheld ([c])" in words.quarter_sentence(rate, kpi(9), QUARTER)


def test_quarter_sentence_for_a_rate():
    # 12 offences of 40,000 children aged 10 to 17: 12 / 40,000 * 10,000 = 3.0 per 10,000
    assert words.quarter_sentence(result(9, 12, 40_000, kind="rate").total, kpi(9), QUARTER) == (
        "KPI 9: Serious violence: 12 offences in 2025-26 Q4, a rate of 3.0 per 10,000 children aged 10 to 17."
    )
    # 1 offence: singular
    assert "1 offence in" in words.quarter_sentence(result(9, 1, 40_000, kind="rate").total, kpi(9), QUARTER)


def test_quarter_sentence_with_no_one_counted():
    # 0 of 0: no share
    assert (
        words.quarter_sentence(result(1, 0, 0).total, kpi(1), QUARTER)
        == "KPI 1: Suitable accommodation: no one was counted in 2025-26 Q4, so there is no figure."
    )
    assert words.quarter_sentence(None, kpi(1), QUARTER).startswith("There were no figures for ")


def test_quarter_sentence_with_no_figures_keeps_the_kpis_name_as_written():
    text = words.quarter_sentence(None, kpi(1), QUARTER)
    assert "KPI 1" in text, text


def trend_series(direction: str, tested: bool = True, periods: int = 8) -> measures.Series:
    trend = Trend(0.0, 1.0, periods, "test", direction, tested)
    return measures.Series(figures.frame([]), trend, "2024-25 Q1", QUARTER)


def test_trend_text_lists_the_kpis_under_rose_fell_no_change_and_too_few():
    results = {n: result(n, 12, 20) for n in range(1, 11)}
    results[3] = result(3)  # not supplied: no series
    series_ = {
        1: trend_series("up"),
        2: trend_series("down"),
        4: trend_series("none"),
        5: trend_series("up"),
        6: trend_series("none", tested=False),  # too few children
        7: trend_series("none"),
        8: trend_series("up"),  # board attendance: never listed as moving
        9: trend_series("none", tested=False),
        10: trend_series("down"),
    }
    quarters = Q4.history(8)
    span = "Across the 8 quarters from 2024-25 Q1 to 2025-26 Q4,"
    assert words.trend_text(results, series_, quarters) == " ".join(
        [
            f"{span} KPI 1 (accommodation) and KPI 5 (substance misuse) rose by more than chance would explain: a "
            "signal to look into.",
            f"{span} KPI 2 (education, training, employment) and KPI 10 (victims in restorative justice) fell by "
            "more than chance would explain: a signal to look into.",
            f"{span} KPI 4 (mental health) and KPI 7 (wider services) showed no rise or fall larger than chance would "
            "explain.",
            "There were too few children (or offences) to test KPI 6 (out-of-court completed) and KPI 9 (serious "
            "violence) for a trend.",
            "Board attendance (KPI 8) is not tested: the partners are not a sample. The notes say how the tests work.",
        ]
    )


def test_trend_text_with_one_quarter_and_with_one_kpi_in_each_list():
    results = {1: result(1, 12, 20), 2: result(2, 12, 20)}
    assert words.trend_text(results, {}, [Q4]).startswith("The extract covers no earlier quarter")
    text = words.trend_text(results, {1: trend_series("none"), 2: trend_series("up", periods=1)}, Q4.history(2))
    assert "Across the 2 quarters from 2025-26 Q3 to 2025-26 Q4, KPI 1 (accommodation) showed no rise" in text
    assert "too few children (or offences) to test KPI 2 (education, training, employment) for a trend" in text
    assert "rose" not in text and "fell" not in text


def test_trend_text_keeps_the_send_acronym():
    results = {3: result(3, 12, 20)}
    text = words.trend_text(results, {3: trend_series("none")}, Q4.history(8))
    assert "KPI 3 (SEND with a plan)" in text, text


def test_tables_are_none_for_a_missing_kpi():
    assert words.tables(result(4), PERIOD_LABEL) == []


def test_tables_skip_a_detail_table_whose_measures_are_absent():
    # KPI 2 with only its headline: the headline table alone (its three detail tables have no measure here)
    headline_only = result(2, 12, 20)
    got = words.tables(headline_only, PERIOD_LABEL)
    assert [t["caption"] for t in got] == [f"KPI 2: Education, training and employment, {PERIOD_LABEL}"]
    assert got[0]["columns"]["Children"] == ("kpi2_suitable_ete", "numerator")
    # add one measure of the hours table (full time, at the end): the headline and that table
    hours = fig_row("kpi2_full_time", "At the end", 8, 20, breakdown="time_point")
    with_hours = measures.Result(kpi(2), figures.frame([*headline_only.figures.to_dict("records"), hours]))
    got = words.tables(with_hours, PERIOD_LABEL)
    assert [t["caption"] for t in got] == [
        f"KPI 2: Education, training and employment, {PERIOD_LABEL}",
        f"KPI 2: Education, training and employment: hours of education, training or employment offered, "
        f"{PERIOD_LABEL}",
    ]
    assert got[1]["breakdown"] == "time_point"


def test_kpi10_victims_table_lists_only_the_measures_present():
    rows = [
        fig_row("kpi10_victims_engaged_rj", "All", 4, 16, breakdown="all"),
        fig_row("kpi10_victims", "All", 24, breakdown="all"),
        fig_row("kpi10_victims_consented", "All", 16, 24, breakdown="all"),
    ]
    got = words.tables(measures.Result(kpi(10), figures.frame(rows)), PERIOD_LABEL)
    assert len(got) == 2  # the headline and the victims' rows (KPI 10 has no detail tables)
    assert got[1]["rows"] == [words.VICTIM_ROWS["kpi10_victims"], words.VICTIM_ROWS["kpi10_victims_consented"]]


def test_the_missing_sentence_does_not_say_nothing_else_needs_a_file_other_kpis_need():
    why = measures.missing({}, kpi(4))
    assert "health_interventions.csv" in why
    assert "Nothing else in this report depends on it" not in words.missing_sentence(kpi(4), why)


def test_the_missing_sentence_names_the_file():
    why = measures.missing({}, kpi(8))
    assert words.missing_sentence(kpi(8), why) == (
        "KPI 8 (management board attendance) is not counted: the extract has no board_attendance.csv. Every figure "
        "that does not need it is published as usual."
    )
    assert words.section_text(measures.Result(kpi(8), None, why), QUARTER, None).startswith(why)
