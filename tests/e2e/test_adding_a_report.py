"""docs/adding-a-report.md is true: a sixth report is one notebook (built here from the page's own cells), found,
run, audited, listed and published by the refresh with nothing registered anywhere."""

from __future__ import annotations

import re
import shutil

import nbformat
import pandas as pd

from analysis.publish import runner

from conftest import DEMO, QUARTER, REPO

GUIDE = REPO / "docs" / "adding-a-report.md"


def guide_notebook() -> nbformat.NotebookNode:
    cells = re.findall(r"```python\n(# cell: .*?)```", GUIDE.read_text(), flags=re.S)
    assert len(cells) >= 3, "the guide's notebook cells start with '# cell:'"
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    for source in cells:
        cell = nbformat.v4.new_code_cell(source.split("\n", 1)[1].strip())
        if source.startswith("# cell: parameters"):
            cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    return nb


def test_a_sixth_report_is_one_notebook_and_the_refresh_publishes_it(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(REPO / "notebooks" / "00_overview.ipynb", notebooks)
    nbformat.write(guide_notebook(), notebooks / "40_custody.ipynb")
    out = tmp_path / "reports"
    result = runner.refresh(
        QUARTER, DEMO, out, work_dir=tmp_path / "work", notebooks_dir=notebooks, progress=False, pdf=False
    )
    assert not result.failed, [r.error for r in result.failed]
    folder = out / QUARTER.replace(" ", "-")
    assert 'href="40_custody.html">Custody</a>' in (folder / "index.html").read_text()
    figures = pd.read_csv(folder / "figures.csv")
    custody = figures[figures["report"] == "40_custody"]
    assert set(custody["measure"]) == {"custody_rate_per_1000"} and len(custody) == 3
    assert "Custodial sentences and the custody rate, by financial year" in (folder / "40_custody.html").read_text()
