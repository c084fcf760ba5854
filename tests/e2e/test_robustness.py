"""Every report runs on any extract that passes validation, however small or empty a table is (issue 16).

Extracts are cut down from the demo (a few children, with everything that belongs to them) and bent: tables
emptied, optional values blanked, every row of a file set aside, custodial outcomes removed, a population of
zeros. Each refresh must publish every report, or stop with one of the project's own errors before anything is
published; no report may fail with an internal error, and received = accepted + set aside for every file.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.data import extract
from analysis.data.contract import EXTRACTS
from analysis.data.quarters import Quarter, QuarterError
from analysis.data.validation import ExtractError
from analysis.measures import reoffending
from analysis.present.report import ParameterError
from analysis.publish import runner
from analysis.reports.reoffending import words as reoffending_text
from analysis.reports.summary import words as summary_text
from analysis.safety.figures import frame

from conftest import BASE, DEMO, QUARTER, write_extract

CHILD_FILES = ("offences", "outcomes", "caseload", "remands", "care_episodes", "send", "assessments", "pupil_link")
CUSTODY = tuple(reoffending.RELEASE_EPISODES)
EMPTIABLE = (
    "offences",
    "outcomes",
    "caseload",
    "remands",
    "care_episodes",
    "send",
    "assessments",
    "pupils",
    "exclusions",
    "pupil_link",
    "looked_after_population",
)
PROJECT_ERRORS = (ExtractError, ParameterError, QuarterError)


# --- extracts ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    """The demo extract as text, every file."""
    if not (DEMO / "extract_info.csv").exists():
        from analysis.demo import generate

        generate(DEMO)
    return {name: pd.read_csv(DEMO / e.file, dtype=str, keep_default_na=False) for name, e in EXTRACTS.items()}


def shrink(
    demo: dict[str, pd.DataFrame], n: int, rng: np.random.Generator, pupils: int = 200
) -> dict[str, pd.DataFrame]:
    """`n` of the demo's children with everything that belongs to them, their pupil records and `pupils` others
    from the census (with their exclusions); the reference tables as they are."""
    kids = demo["children"]
    ids = set(rng.choice(kids["child_id"].to_numpy(), size=n, replace=False)) if n else set()
    out = dict(demo, children=kids[kids["child_id"].isin(ids)])
    for name in CHILD_FILES:
        out[name] = demo[name][demo[name]["child_id"].isin(ids)]
    census = demo["pupils"]
    linked = set(out["pupil_link"]["pupil_id"])
    others = census.loc[~census["pupil_id"].isin(linked), "pupil_id"].drop_duplicates().to_numpy()
    extra = set(rng.choice(others, size=min(pupils, len(others)), replace=False)) if pupils else set()
    out["pupils"] = census[census["pupil_id"].isin(linked | extra)]
    out["exclusions"] = demo["exclusions"][demo["exclusions"]["pupil_id"].isin(set(out["pupils"]["pupil_id"]))]
    return out


def blank_optional(tables: dict[str, pd.DataFrame], rng: np.random.Generator) -> None:
    """Blank about half of the values of every optional column (ethnicity, seriousness, end dates, sessions...)."""
    for name, e in EXTRACTS.items():
        t = tables[name]
        for c in e.columns:
            if not c.required and c.name in t and len(t):
                t = t.assign(**{c.name: t[c.name].where(rng.random(len(t)) < 0.5, "")})
        tables[name] = t


def write(tables: dict[str, pd.DataFrame], folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, e in EXTRACTS.items():
        tables[name].to_csv(folder / e.file, index=False)


def refresh(data, tmp_path, quarter: str = QUARTER) -> dict:
    """Refresh `data` without PDFs; returns the manifest."""
    result = runner.refresh(quarter, data, tmp_path / "out", work_dir=tmp_path / "work", pdf=False, progress=False)
    return json.loads((result.folder / "manifest.json").read_text())


def assert_published(manifest: dict) -> None:
    """Every report finished, and every file's rows are accounted for."""
    failed = {k: v["error"] for k, v in manifest["notebooks"].items() if v["status"] != "ok"}
    assert not failed, failed
    for r in manifest["rows"]:
        assert r["received"] == r["accepted"] + r["set_aside"], r


def page(tmp_path, report: str, quarter: str = QUARTER) -> str:
    return (tmp_path / "out" / Quarter.parse(quarter).slug / f"{report}.html").read_text()


# --- generated extracts ------------------------------------------------------------------------------------

QUARTERS = (QUARTER, "2025-26 Q3", "2024-25 Q2")  # Q3 ends before the spring census: last year's is rolled on


def bend(demo: dict[str, pd.DataFrame], seed: int) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    """A small extract from the demo, bent at random; returns it, the quarter to report and what was done to it."""
    rng = np.random.default_rng([20261203, seed])
    n = int(rng.choice([0, 1, 2, 4, 7, 12, 20, 30]))
    tables = shrink(demo, n, rng, pupils=int(rng.choice([0, 40, 300])))
    quarter = str(rng.choice(QUARTERS))
    done = [quarter, f"{n} children"]
    for name in EMPTIABLE:
        if rng.random() < 0.15:
            tables[name] = tables[name].iloc[0:0]
            done.append(f"no {name}")
    if rng.random() < 0.25:
        tables["offences"] = tables["offences"].assign(offence_category="NOT_A_CODE")  # every offence set aside
        done.append("every offence set aside")
    if rng.random() < 0.3:
        o = tables["outcomes"]
        tables["outcomes"] = o[~o["legal_outcome"].isin(CUSTODY)]
        done.append("no custody")
    if rng.random() < 0.25:
        tables["population"] = tables["population"].assign(population="0")
        done.append("population of zeros")
    if rng.random() < 0.3:
        blank_optional(tables, rng)
        done.append("optional values blank")
    return tables, quarter, done


GENERATED = 7


def test_generated_small_extracts_publish_every_report_or_stop_clearly(demo, tmp_path):
    """Seeded and bounded: 7 extracts of 0 to 30 children, each refreshed once (about 10 to 15 s each). A stop by
    the disclosure audit is not accepted: these extracts all publish."""
    outcomes = {}
    for seed in range(GENERATED):
        tables, quarter, done = bend(demo, seed)
        folder = tmp_path / f"extract{seed}"
        write(tables, folder)
        try:
            manifest = refresh(folder, tmp_path / f"run{seed}", quarter)
        except PROJECT_ERRORS as err:  # the project's own, clear refusal: acceptable, nothing published
            outcomes[seed] = f"stopped: {type(err).__name__}"
            assert str(err)
            continue
        failed = {k: v["error"] for k, v in manifest["notebooks"].items() if v["status"] != "ok"}
        assert not failed, (done, failed)
        assert_published(manifest)
        outcomes[seed] = "published"
    assert len(outcomes) == GENERATED
    assert list(outcomes.values()).count("published") >= GENERATED - 1, outcomes


# --- the named cases ---------------------------------------------------------------------------------------


def _tables(tmp_path, **overrides):
    folder = write_extract(tmp_path / "extract", **overrides)
    return extract.load(folder, tmp_path / "work").tables


def test_no_custody_episode_and_no_reoffence_give_empty_dates_not_an_error(tmp_path):
    """A custodial sentence with no custody episode, and no proven reoffence: pandas 3 cannot map through an empty
    Series of dates, which took the reoffending report and the summary down."""
    outcomes = [
        *BASE["outcomes"],
        {
            "outcome_id": "X3",
            "offence_id": "O1",
            "child_id": "C1",
            "outcome_date": "2022-10-01",
            "legal_outcome": "DETENTION_AND_TRAINING_ORDER",
            "residence": "LOCAL",
        },
    ]
    tables = _tables(tmp_path, outcomes=outcomes)
    cust = reoffending.custody_releases(tables)
    assert len(cust) == 1 and not cust["episode_found"].any() and cust["release_date"].isna().all()
    events = reoffending.index_events(tables)
    assert reoffending.RELEASE not in set(events["index_type"])
    q = Quarter.parse("2022-23 Q4")
    window = reoffending.survival_window(q)
    follow = reoffending.follow_up(tables, window, pd.Timestamp("2023-04-20").date(), events)
    assert not follow["reoffended"].any()
    km = reoffending.time_to_reoffence(follow, window)
    assert km.loc[km["measure"] == "reoffended_within_12_months", "numerator"].eq(0).all()


def test_no_custodial_sentence_at_all_is_said_in_words(tmp_path):
    tables = _tables(tmp_path)  # BASE: a referral order and a youth caution, no custody
    assert reoffending.custody_releases(tables).empty
    c12 = reoffending.latest_cohorts(Quarter.parse("2022-23 Q4"), pd.Timestamp("2023-04-20").date())[1]
    fig = pd.concat([reoffending.by_index_type(tables, c12), reoffending.releases_without_date(tables, c12)])
    sentence = reoffending_text.custody_check_sentence(fig.assign(suppressed=False), c12.label)
    assert "no child was sentenced to custody in the period" in sentence


def test_reoffending_history_of_an_extract_without_outcomes_is_empty(tmp_path):
    tables = _tables(tmp_path, outcomes=[])
    q = Quarter.parse("2022-23 Q4")
    assert reoffending.history(tables, q) == []
    status = reoffending.cohort_status([], pd.Timestamp("2023-04-20").date())
    assert list(status.columns) == ["quarter", "period", "label", "complete", "group"] and status.empty
    assert reoffending_text.trend_sentence(frame([]), status).startswith("The extract has no outcomes")


@pytest.fixture(scope="module")
def small(demo):
    """30 of the demo's children, cut down once for the named cases."""
    return shrink(demo, 30, np.random.default_rng(37))


def test_header_only_children_publishes_every_report(small, tmp_path):
    tables = dict(small, children=small["children"].iloc[0:0])  # every row that names a child is then set aside
    write(tables, tmp_path / "extract")
    manifest = refresh(tmp_path / "extract", tmp_path)
    assert_published(manifest)
    rows = {r["extract"]: r for r in manifest["rows"]}
    assert rows["children.csv"]["received"] == 0 and rows["outcomes.csv"]["accepted"] == 0
    assert "No child was cautioned, sentenced or released from custody" in page(tmp_path, "30_reoffending")


def test_one_child_publishes_every_report(demo, tmp_path):
    with_outcome = demo["outcomes"].loc[demo["outcomes"]["legal_outcome"].isin(CUSTODY), "child_id"].iloc[0]
    tables = shrink(
        dict(demo, children=demo["children"][demo["children"]["child_id"] == with_outcome]),
        1,
        np.random.default_rng(1),
        pupils=50,
    )
    assert len(tables["children"]) == 1
    write(tables, tmp_path / "extract")
    assert_published(refresh(tmp_path / "extract", tmp_path))


def test_every_offence_set_aside_publishes_every_report(small, tmp_path):
    tables = dict(small, offences=small["offences"].assign(offence_category="NOT_A_CODE"))
    write(tables, tmp_path / "extract")
    manifest = refresh(tmp_path / "extract", tmp_path)
    assert_published(manifest)
    rows = {r["extract"]: r for r in manifest["rows"]}
    assert rows["offences.csv"]["accepted"] == 0 and rows["offences.csv"]["set_aside"] == len(small["offences"])
    assert rows["outcomes.csv"]["accepted"] == 0  # their offences were set aside, so they lead nowhere


def test_an_empty_school_census_publishes_a_page_saying_there_is_no_school_data(small, tmp_path):
    tables = dict(small, pupils=small["pupils"].iloc[0:0])
    write(tables, tmp_path / "extract")
    assert_published(refresh(tmp_path / "extract", tmp_path))
    text = page(tmp_path, "20_exclusions")
    assert "There is no school data" in text and "school census (pupils.csv) has no rows" in text
    index = (tmp_path / "out" / Quarter.parse(QUARTER).slug / "index.html").read_text()
    assert "No school data" in index


def test_a_population_of_zeros_says_there_is_no_population_figure(small, tmp_path):
    tables = dict(small, population=small["population"].assign(population="0"))
    write(tables, tmp_path / "extract")
    assert_published(refresh(tmp_path / "extract", tmp_path))
    assert "The population table gives no children aged 10 to 17" in page(tmp_path, "10_disproportionality")


def test_the_summary_gives_the_count_of_first_time_entrants_when_there_is_no_population_to_make_a_rate():
    q = Quarter.parse(QUARTER)
    rows = []
    for quarter in (q, q.previous, q.same_quarter_last_year):
        rows.append(
            {
                "measure": "first_time_entrants_rate",
                "breakdown": "quarter",
                "group": quarter.label,
                "period": quarter.year_ending.label,
                "kind": "rate",
                "numerator": 47,
                "denominator": 0,
                "value": np.nan,
                "lower": np.nan,
                "upper": np.nan,
                "unit": "per 100,000",
                "suppressed": False,
            }
        )
    fig = frame(rows)
    headline = summary_text.headline(fig, q)
    assert headline.startswith(
        "47 children entered the youth justice system for the first time in the year ending "
        "March 2026: there is no population figure to make a rate"
    )
    assert "withheld" not in headline and "oo few" not in headline
    assert "47 children" in summary_text.fte_bullet(fig, q) and "no population figure" in summary_text.fte_bullet(
        fig, q
    )
