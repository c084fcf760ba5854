"""Shared test helpers: a tiny valid extract that each test bends to its purpose."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.contract import EXTRACTS

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
QUARTER = "2025-26 Q4"

BASE = {
    "extract_info": [{"field": "area_name", "value": "Test borough"}, {"field": "extract_date", "value": "2023-04-20"}],
    "children": [
        {"child_id": "C1", "date_of_birth": "2007-05-01", "sex": "1", "ethnicity": "WBRI"},
        {"child_id": "C2", "date_of_birth": "2008-01-15", "sex": "2", "ethnicity": "BCRB"},
        {"child_id": "C3", "date_of_birth": "2006-09-30", "sex": "1", "ethnicity": ""},
    ],
    "offences": [
        {
            "offence_id": "O1",
            "child_id": "C1",
            "offence_date": "2022-06-01",
            "offence_category": "ROBBERY",
            "seriousness_score": "5",
        },
        {
            "offence_id": "O2",
            "child_id": "C2",
            "offence_date": "2022-08-10",
            "offence_category": "DRUGS",
            "seriousness_score": "",
        },
    ],
    "outcomes": [
        {
            "outcome_id": "X1",
            "offence_id": "O1",
            "child_id": "C1",
            "outcome_date": "2022-09-01",
            "legal_outcome": "REFERRAL_ORDER",
            "residence": "LOCAL",
        },
        {
            "outcome_id": "X2",
            "offence_id": "O2",
            "child_id": "C2",
            "outcome_date": "2022-09-20",
            "legal_outcome": "YOUTH_CAUTION",
            "residence": "LOCAL",
        },
    ],
    "caseload": [
        {
            "episode_id": "E1",
            "child_id": "C1",
            "start_date": "2022-09-01",
            "end_date": "2023-03-01",
            "episode_type": "REFERRAL_ORDER",
        },
    ],
    "remands": [],
    "care_episodes": [],
    "send": [],
    "assessments": [],  # many tests bring their own children, so an assessment here would point at no one
    "pupils": [
        {
            "pupil_id": "P1",
            "academic_year": "2022/23",
            "school_id": "S1",
            "phase": "SECONDARY",
            "nc_year": "11",
            "sex": "M",
            "ethnicity": "WBRI",
            "sen_provision": "N",
        },
    ],
    "exclusions": [],
    "pupil_link": [{"child_id": "C1", "pupil_id": "P1"}],
    "population": [
        {"source": "Test", "vintage": "2021", "age": "14", "sex": "1", "ethnicity": "WBRI", "population": "1000"},
    ],
    "looked_after_population": [
        {"source": "Test", "vintage": "2021", "age": "14", "sex": "1", "looked_after": "12"},
    ],
}


def write_extract(folder: Path, **overrides) -> Path:
    """Write every contract file with rows into `folder` (an optional file with none in BASE is left out, as if not
    supplied); keyword arguments replace a table's rows (or a file's text), None leaves a file out."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, extract in EXTRACTS.items():
        rows = overrides.get(name, BASE.get(name))
        path = folder / extract.file
        if isinstance(rows, str):
            path.write_text(rows)
        elif rows is None:
            continue
        else:
            pd.DataFrame(rows, columns=[c.name for c in extract.columns] if not rows else None).to_csv(
                path, index=False
            )
    return folder


@pytest.fixture
def extract_dir(tmp_path):
    return write_extract(tmp_path / "extract")


@pytest.fixture(scope="session")
def refreshed(tmp_path_factory):
    """One real refresh of the demo quarter, shared by the tests that inspect its output."""
    if not (DEMO / "extract_info.csv").exists():
        from analysis.demo import generate

        generate(DEMO)
    out = tmp_path_factory.mktemp("reports")
    work = tmp_path_factory.mktemp("work")
    from analysis.publish import runner

    result = runner.refresh(QUARTER, DEMO, out, work_dir=work, progress=False)
    return result, out, work
