"""The refresh end to end on the demo extract, and its refusals."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from analysis import runner
from analysis.quarters import QuarterError
from analysis.report import ParameterError
from analysis.validation import ExtractError
from conftest import DEMO, QUARTER, REPO


def _cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=cwd, capture_output=True, text=True)


def test_refresh_writes_the_quarter_folder(refreshed):
    result, out, work = refreshed
    assert not result.failed, [r.error for r in result.failed]
    folder = out / "2025-26-Q4"
    assert result.folder == folder
    names = {p.name for p in folder.iterdir()}
    assert {"index.html", "figures.csv", "manifest.json", "figures_vocabulary.md", "notebooks"} <= names
    for nb in runner.report_notebooks():
        assert (folder / f"{nb.stem}.html").exists()
        assert (folder / "notebooks" / nb.name).exists()
    assert not list(out.glob(".build-*")) and not list(out.glob(".old-*"))


def test_html_reports_show_no_code_and_have_alt_text(refreshed):
    _, out, _ = refreshed
    for page in (out / "2025-26-Q4").glob("*.html"):
        text = page.read_text()
        assert "import analysis" not in text and "rep.table(" not in text, page.name
        assert "No description has been provided for this image" not in text, page.name
        assert "cdnjs" not in text and "<script src=" not in text, page.name
        assert "Traceback" not in text, page.name


def test_figures_file_is_tidy_and_safe(refreshed):
    _, out, _ = refreshed
    figs = pd.read_csv(out / "2025-26-Q4" / "figures.csv")
    assert list(figs.columns)[:3] == ["quarter", "report", "measure"]
    assert set(figs["kind"]) <= {"count", "share", "rate", "ratio", "mean"}
    hidden = figs[figs["suppressed"]]
    assert hidden[["numerator", "value", "lower", "upper"]].isna().all().all()
    # counts of children whose ethnicity or sex is not recorded are shown on purpose (see the reports' notes)
    not_known = (figs["report"] == "10_disproportionality") & (
        figs["breakdown"].str.endswith("_not_known") | (figs["measure"] == "cohort_ethnicity_not_known"))
    people = figs[(figs["unit"] != "rows") & ~figs["suppressed"] & ~not_known]
    assert not people["numerator"].between(1, 4).any(), "a small count reached the figures file"


def test_manifest_records_inputs_versions_and_rows(refreshed):
    _, out, work = refreshed
    manifest = json.loads((out / "2025-26-Q4" / "manifest.json").read_text())
    assert manifest["quarter"] == QUARTER
    assert set(manifest["inputs"]) >= {"children.csv", "outcomes.csv"}
    assert all(len(v["sha256"]) == 64 for v in manifest["inputs"].values())
    assert manifest["versions"]["pandas"] and manifest["git_commit"]
    for row in manifest["rows"]:
        assert row["received"] == row["accepted"] + row["set_aside"]
    assert sum(r["set_aside"] for r in manifest["rows"]) > 0  # the demo plants bad rows
    quarantine = work / "2025-26-Q4" / "quarantine"
    assert list(quarantine.glob("*.csv")), "set-aside rows must be kept for the analyst"
    assert not list((out / "2025-26-Q4").rglob("quarantine*"))


def test_no_child_or_pupil_identifier_reaches_an_output(refreshed):
    _, out, _ = refreshed
    ids = pd.read_csv(DEMO / "children.csv", dtype=str)["child_id"].dropna()
    sample = set(ids.sample(200, random_state=1)) if len(ids) > 200 else set(ids)
    for path in (out / "2025-26-Q4").rglob("*"):
        if path.suffix in {".html", ".csv", ".json", ".ipynb"}:
            text = path.read_text()
            leaked = [i for i in sample if f'"{i}"' in text or f">{i}<" in text or f",{i}," in text]
            assert not leaked, f"{path.name} contains child ids {leaked[:3]}"


def test_unknown_and_ill_typed_parameters_are_refused_before_anything_runs(tmp_path):
    with pytest.raises(ParameterError, match="no report takes this parameter"):
        runner.refresh(QUARTER, DEMO, tmp_path, options={"suppres_up_to": "5"}, progress=False)
    with pytest.raises(ParameterError, match="expected a whole number"):
        runner.refresh(QUARTER, DEMO, tmp_path, options={"suppress_up_to": "five"}, progress=False)
    with pytest.raises(ParameterError, match="must be one of public, restricted"):
        runner.refresh(QUARTER, DEMO, tmp_path, options={"mode": "open"}, progress=False)
    with pytest.raises(QuarterError):
        runner.refresh("2025 Q4", DEMO, tmp_path, progress=False)
    assert not list(tmp_path.iterdir())


def test_quarter_after_the_extract_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="after the extract was taken"):
        runner.refresh("2026-27 Q1", DEMO, tmp_path / "out", work_dir=tmp_path / "work", progress=False)
    assert not (tmp_path / "out").exists()  # found from extract_info.csv, before anything starts


def test_an_extract_that_cannot_be_used_stops_the_run_and_publishes_nothing(tmp_path):
    folder = tmp_path / "extract"
    shutil.copytree(DEMO, folder)
    (folder / "outcomes.csv").unlink()
    out = tmp_path / "out"
    with pytest.raises(ExtractError, match="outcomes.csv: the file is missing"):  # found from the headers: nothing starts
        runner.refresh(QUARTER, folder, out, work_dir=tmp_path / "work", progress=False, pdf=False)
    assert not out.exists()
    # a file whose rows cannot be read is found later, while the first reports' kernels start: they stop too
    shutil.copy(DEMO / "outcomes.csv", folder)
    with (folder / "pupils.csv").open("ab") as handle:
        handle.write(b"P9999999,2025/26,S1,SECONDARY,9,1,WBRI,\xff\n")
    with pytest.raises(ExtractError, match="pupils.csv: cannot be read as UTF-8"):
        runner.refresh(QUARTER, folder, out, work_dir=tmp_path / "work", progress=False, pdf=False)
    assert not list(out.iterdir())


def test_cli_gives_one_clear_message_and_no_traceback(tmp_path):
    bad = _cli("refresh", "--quarter", "Q5 2025", "--data", str(DEMO), "--out", str(tmp_path))
    assert bad.returncode == 2 and "Accepted forms" in bad.stderr and "Traceback" not in bad.stderr
    missing = _cli("refresh", "--quarter", QUARTER, "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path))
    assert missing.returncode == 2 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    folder = tmp_path / "extract"
    shutil.copytree(DEMO, folder)
    (folder / "outcomes.csv").unlink()
    gone = _cli("validate", "--data", str(folder), "--work", str(tmp_path / "w"))
    assert gone.returncode == 2 and "outcomes.csv: the file is missing" in gone.stderr and "Traceback" not in gone.stderr


def test_a_failing_notebook_is_named_kept_and_the_rest_still_published(tmp_path, refreshed):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(REPO / "notebooks" / "00_overview.ipynb", notebooks)
    broken = nbformat.read(REPO / "notebooks" / "00_overview.ipynb", as_version=4)
    broken.cells.insert(3, nbformat.v4.new_code_cell("raise ValueError('planted failure')"))
    nbformat.write(broken, notebooks / "99_broken.ipynb")
    out = tmp_path / "out"
    result = runner.refresh(QUARTER, DEMO, out, work_dir=tmp_path / "work", notebooks_dir=notebooks, progress=False)
    assert [r.name for r in result.failed] == ["99_broken"]
    assert "ValueError: planted failure" in result.failed[0].error and "cell" in result.failed[0].error
    folder = out / "2025-26-Q4"
    assert (folder / "00_overview.html").exists()
    kept = nbformat.read(folder / "notebooks" / "99_broken.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in kept.cells for o in c.get("outputs", []))
    assert "did not finish" in (folder / "index.html").read_text()


def test_rerun_replaces_the_folder_whole_and_a_refused_run_leaves_it_alone(tmp_path, refreshed):
    _, out, _ = refreshed
    before = (out / "2025-26-Q4" / "figures.csv").read_bytes()
    with pytest.raises(ParameterError):
        runner.refresh(QUARTER, DEMO, out, options={"nonsense": "1"}, progress=False)
    assert (out / "2025-26-Q4" / "figures.csv").read_bytes() == before


def test_rerun_on_the_same_extract_is_identical_apart_from_the_run_time(tmp_path, refreshed):
    _, out, work = refreshed
    first = tmp_path / "first"
    shutil.copytree(out / "2025-26-Q4", first)
    runner.refresh(QUARTER, DEMO, out, work_dir=work, progress=False)
    second = out / "2025-26-Q4"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        if rel.suffix == ".pdf":  # a PDF records when it was printed: the run's timestamp
            continue
        a, b = (first / rel).read_bytes(), (second / rel).read_bytes()
        if rel.name == "manifest.json":
            a, b = (json.loads(x) for x in (a, b))
            assert a.pop("run")["run_at"] and b.pop("run")
        elif rel.name == "index.html":
            a, b = (re.sub(rb"Reports produced:</strong> [^<]*", b"", x) for x in (a, b))
        assert a == b, f"{rel} differs between two runs on the same extract"


def test_a_notebooks_own_parameter_takes_the_type_of_its_default(tmp_path):
    notebooks = runner.report_notebooks()
    assert runner.check_options({"nc_year_from": "7"}, notebooks) == {"nc_year_from": 7}
    with pytest.raises(ParameterError, match="nc_year_from: expected a whole number"):
        runner.check_options({"nc_year_from": "seven"}, notebooks)


@pytest.mark.parametrize("threshold", ["0", "3"])
def test_a_public_refresh_cannot_lower_the_suppression_threshold(tmp_path, threshold):
    refused = _cli("refresh", "--quarter", QUARTER, "--data", str(DEMO), "--out", str(tmp_path / "out"),
                   "--work", str(tmp_path / "work"), "--no-pdf", "--set", f"suppress_up_to={threshold}")
    assert refused.returncode == 2, refused.stderr
    assert f"{threshold} would publish smaller counts" in refused.stderr and "at least 4" in refused.stderr
    assert "--set mode=restricted" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_a_public_refresh_may_raise_the_threshold_and_a_restricted_one_may_show_everything():
    notebooks = runner.report_notebooks()
    assert runner.check_options({"suppress_up_to": "5"}, notebooks) == {"suppress_up_to": 5}
    assert runner.check_options({"suppress_up_to": "4", "mode": "public"}, notebooks)["suppress_up_to"] == 4
    assert runner.check_options({"suppress_up_to": "0", "mode": "restricted"}, notebooks) == {
        "suppress_up_to": 0, "mode": "restricted"}
    with pytest.raises(ParameterError, match="must be 0 or more"):
        runner.check_options({"suppress_up_to": "-1", "mode": "restricted"}, notebooks)


def test_a_notebook_run_by_hand_cannot_lower_the_threshold_either(tmp_path):
    from analysis import report

    with pytest.raises(ParameterError, match="3 would publish smaller counts"):
        report.open_report("00_overview", quarter=QUARTER, data_dir=str(DEMO), work_dir=str(tmp_path),
                           suppress_up_to=3)
    assert not list(tmp_path.iterdir())  # refused before the extract was read


def test_parallel_and_serial_runs_give_identical_figures(tmp_path, refreshed):
    _, out, work = refreshed  # the shared refresh ran its notebooks in parallel
    serial = runner.refresh(QUARTER, DEMO, tmp_path, work_dir=work, parallel=False, progress=False, pdf=False)
    assert not serial.failed
    assert (serial.folder / "figures.csv").read_bytes() == (out / "2025-26-Q4" / "figures.csv").read_bytes()


def _tiny_notebook(path, source: str):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": runner.KERNEL, "display_name": "Python",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


def test_a_kernels_own_messages_go_to_its_log_not_the_terminal(tmp_path):
    notebook = _tiny_notebook(tmp_path / "talks.ipynb", "import os\nos.write(2, b'said by the kernel itself\\n')")
    log = tmp_path / "talks.log"
    code = ("import sys; from analysis import runner; "
            "print(runner._execute(sys.argv[1], sys.argv[2], {}, sys.argv[3], runner._kernel(), sys.argv[4])[3])")
    done = subprocess.run([sys.executable, "-c", code, str(notebook), str(tmp_path / "out.ipynb"), str(tmp_path), str(log)],
                          cwd=REPO, capture_output=True, text=True)
    assert done.stdout.strip() == "None", done.stdout + done.stderr  # the notebook ran without error
    assert "said by the kernel itself" in log.read_text()
    assert "said by the kernel itself" not in done.stderr and "IPKernelApp" not in done.stderr


def test_a_kernel_that_dies_is_reported_with_its_log(tmp_path):
    notebook = _tiny_notebook(tmp_path / "dies.ipynb", "import os\nos.write(2, b'last words\\n')\nos._exit(3)")
    log = tmp_path / "dies.log"
    name, _, _, error = runner._execute(str(notebook), str(tmp_path / "out.ipynb"), {}, str(tmp_path),
                                        runner._kernel(), str(log))
    assert name == "dies" and "DeadKernelError" in error and str(log) in error
    assert "last words" in log.read_text()
