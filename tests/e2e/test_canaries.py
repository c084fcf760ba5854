"""No personal data in any output: planted identifiers, a date of birth, a name, a postcode and free text
must not appear in any report, PDF, figures file, manifest or executed notebook."""

from __future__ import annotations

import shutil

import pytest

from analysis.publish import runner
from analysis.safety import canaries

from conftest import DEMO, QUARTER


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    shutil.copytree(DEMO, folder, dirs_exist_ok=True)
    values = canaries.plant(folder)
    out, work = tmp_path_factory.mktemp("out"), tmp_path_factory.mktemp("work")
    result = runner.refresh(QUARTER, folder, out, work_dir=work, progress=False)
    assert not result.failed, [r.error for r in result.failed]
    return values, out / QUARTER.replace(" ", "-"), work


def test_the_canary_child_is_counted(planted):
    values, _, work = planted
    # the planted child is in the data the reports used: the check below is not vacuous
    clean = work / QUARTER.replace(" ", "-") / "clean" / "children.parquet"
    import pandas as pd

    assert values["child id"] in set(pd.read_parquet(clean)["child_id"])


def test_no_planted_value_reaches_any_output(planted):
    values, folder, _ = planted
    assert canaries.found_in(folder, values) == []


def test_the_scan_would_see_a_leak(planted, tmp_path):
    values, folder, _ = planted
    leaky = tmp_path / "leaky"
    shutil.copytree(folder, leaky)
    page = next(leaky.glob("*.html"))
    page.write_text(page.read_text() + f"<p>{values['postcode']}</p>")
    assert canaries.found_in(leaky, values) == [f"{page.name}: postcode"]
    # and in the spreadsheets, which are compressed
    from analysis.publish import workbook

    table = {
        "caption": "t",
        "row_header": "Group",
        "headers": ["Children"],
        "rows": [[values["name"], "5"]],
        "note": "",
    }
    workbook.write(leaky, "leak", "2025-26 Q4", "Area", [("Report", [table])], 4, False)
    assert {"leak.xlsx: name", "leak.ods: name"} <= set(canaries.found_in(leaky, values))
