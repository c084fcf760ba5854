"""The committed notebooks carry no timestamps and no chart images, and tidying them keeps what nbval compares."""

from __future__ import annotations

import nbformat

from analysis import paths
from analysis.publish.committed import tidy


def _executed(path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("charts.show(fig)", metadata={"papermill": {"duration": 1.5, "status": "ok"}})
    cell.metadata["execution"] = {"iopub.status.busy": "2026-12-03T09:00:00Z"}
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=", "text/plain": "Chart: Reoffending rose"},
            metadata={"image/png": {"alt": "Line chart of the reoffending rate"}},
        )
    ]
    nb.cells = [cell]
    nb.metadata["papermill"] = {"start_time": "2026-12-03T09:00:00", "parameters": {}}
    nbformat.write(nb, path)


def test_tidy_removes_timings_and_images_and_keeps_titles_and_alt_text(tmp_path):
    path = tmp_path / "10_report.ipynb"
    _executed(path)
    before = path.read_text()
    assert tidy([path], check=True) == [path] and path.read_text() == before  # --check changes nothing
    assert tidy([path]) == [path]
    nb = nbformat.read(path, as_version=4)
    output = nb.cells[0].outputs[0]
    assert output.data == {"text/plain": "Chart: Reoffending rose"}
    assert output.metadata["image/png"]["alt"] == "Line chart of the reoffending rate"
    assert "execution" not in nb.cells[0].metadata and "duration" not in nb.cells[0].metadata["papermill"]
    assert nb.cells[0].metadata["papermill"]["status"] == "ok"
    assert "start_time" not in nb.metadata["papermill"]
    assert tidy([path], check=True) == []  # tidy twice is tidy once


def test_the_committed_notebooks_are_tidy():
    """`make notebooks` tidies them; a notebook executed by hand and committed as it is fails here."""
    assert tidy(sorted(paths.NOTEBOOKS.glob("*.ipynb")), check=True) == []
