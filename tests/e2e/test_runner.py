"""The refresh end to end on the demo extract, and its refusals."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.data.quarters import QuarterError
from analysis.data.validation import ExtractError
from analysis.present.report import ParameterError
from analysis.publish import execute, locks, options, runner, schedule
from analysis.publish.pdf import find_chromium
from analysis.safety import open_data

from conftest import DEMO, QUARTER, REPO, write_extract


def _cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=cwd, capture_output=True, text=True)


def test_refresh_writes_the_quarter_folder(refreshed):
    result, out, work = refreshed
    assert not result.failed, [r.error for r in result.failed]
    folder = out / "2025-26-Q4"
    assert result.folder == folder
    names = {p.name for p in folder.iterdir()}
    assert {"index.html", "figures.csv", "figures.meta.csv", "manifest.json", "figures_README.md", "notebooks"} <= names
    for nb in schedule.report_notebooks():
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
    folder = out / "2025-26-Q4"
    figs = pd.read_csv(folder / "figures.csv", keep_default_na=False, na_values=[""], dtype={"time_period": str})
    meta = pd.read_csv(folder / "figures.meta.csv", keep_default_na=False, na_values=[""])
    assert list(figs.columns) == open_data.COLUMNS
    assert not figs.duplicated(open_data.KEY).any(), "a figure cannot be found by its key alone"
    assert set(meta["kind"]) <= {"count", "share", "rate", "ratio", "mean"}
    assert set(figs["measure"]) == set(meta["measure"])
    hidden = figs[figs["suppressed"]]
    assert hidden[["value", "lower", "upper"]].isna().all().all()
    # counts of children whose ethnicity or sex is not recorded are shown on purpose (see the reports' notes)
    not_known = figs["breakdown"].str.endswith("_not_known") | figs["measure"].str.startswith("cohort_ethnicity_not")
    # KPI 8 counts board meetings and the statutory partners at them, not children: shown in full, as the YJB asks
    board = figs["measure"].str.startswith("kpi8_")
    counts = set(meta.loc[(meta["kind"] == "count") & (meta["unit"] != "rows"), "measure"])
    people = figs[figs["measure"].isin(counts) & ~figs["suppressed"] & ~not_known & ~board]
    assert len(people) > 500
    assert not people["value"].between(1, 4).any(), "a small count reached the figures file"


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
    with pytest.raises(
        ExtractError, match="outcomes.csv: the file is missing"
    ):  # found from the headers: nothing starts
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
    assert (
        gone.returncode == 2 and "outcomes.csv: the file is missing" in gone.stderr and "Traceback" not in gone.stderr
    )


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
    notebooks = schedule.report_notebooks()
    assert options.check_options({"nc_year_from": "7"}, notebooks) == {"nc_year_from": 7}
    with pytest.raises(ParameterError, match="nc_year_from: expected a whole number"):
        options.check_options({"nc_year_from": "seven"}, notebooks)


@pytest.mark.parametrize("threshold", ["0", "3"])
def test_a_public_refresh_cannot_lower_the_suppression_threshold(tmp_path, threshold):
    refused = _cli(
        "refresh",
        "--quarter",
        QUARTER,
        "--data",
        str(DEMO),
        "--out",
        str(tmp_path / "out"),
        "--work",
        str(tmp_path / "work"),
        "--no-pdf",
        "--set",
        f"suppress_up_to={threshold}",
    )
    assert refused.returncode == 2, refused.stderr
    assert f"{threshold} would publish smaller counts" in refused.stderr and "at least 4" in refused.stderr
    assert "--set mode=restricted" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_a_public_refresh_may_raise_the_threshold_and_a_restricted_one_may_show_everything():
    notebooks = schedule.report_notebooks()
    assert options.check_options({"suppress_up_to": "5"}, notebooks) == {"suppress_up_to": 5}
    assert options.check_options({"suppress_up_to": "4", "mode": "public"}, notebooks)["suppress_up_to"] == 4
    assert options.check_options({"suppress_up_to": "0", "mode": "restricted"}, notebooks) == {
        "suppress_up_to": 0,
        "mode": "restricted",
    }
    with pytest.raises(ParameterError, match="must be 0 or more"):
        options.check_options({"suppress_up_to": "-1", "mode": "restricted"}, notebooks)


def test_a_notebook_run_by_hand_cannot_lower_the_threshold_either(tmp_path):
    from analysis.present import report

    with pytest.raises(ParameterError, match="3 would publish smaller counts"):
        report.open_report("00_overview", quarter=QUARTER, data_dir=str(DEMO), work_dir=str(tmp_path), suppress_up_to=3)
    assert not list(tmp_path.iterdir())  # refused before the extract was read


def test_parallel_and_serial_runs_give_identical_figures(tmp_path, refreshed):
    _, out, work = refreshed  # the shared refresh ran its notebooks in parallel
    serial = runner.refresh(QUARTER, DEMO, tmp_path, work_dir=work, parallel=False, progress=False, pdf=False)
    assert not serial.failed
    assert (serial.folder / "figures.csv").read_bytes() == (out / "2025-26-Q4" / "figures.csv").read_bytes()


def _tiny_notebook(path, source: str):
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": execute.KERNEL, "display_name": "Python", "language": "python"}}
    )
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


def test_a_kernels_own_messages_go_to_its_log_not_the_terminal(tmp_path):
    notebook = _tiny_notebook(tmp_path / "talks.ipynb", "import os\nos.write(2, b'said by the kernel itself\\n')")
    log = tmp_path / "talks.log"
    code = (
        "import sys; from analysis.publish import execute; "
        "print(execute.execute(sys.argv[1], sys.argv[2], {}, sys.argv[3], execute.kernel_name(), sys.argv[4])[3])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(notebook), str(tmp_path / "out.ipynb"), str(tmp_path), str(log)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "None", done.stdout + done.stderr  # the notebook ran without error
    assert "said by the kernel itself" in log.read_text()
    assert "said by the kernel itself" not in done.stderr and "IPKernelApp" not in done.stderr


def test_a_kernel_that_dies_is_reported_with_its_log(tmp_path):
    notebook = _tiny_notebook(tmp_path / "dies.ipynb", "import os\nos.write(2, b'last words\\n')\nos._exit(3)")
    log = tmp_path / "dies.log"
    name, _, _, error = execute.execute(
        str(notebook), str(tmp_path / "out.ipynb"), {}, str(tmp_path), execute.kernel_name(), str(log)
    )
    assert name == "dies" and "DeadKernelError" in error and str(log) in error
    assert "last words" in log.read_text()


# --- the run itself: one at a time, output problems, interruptions, checks before anything runs ----------------------

TINY_QUARTER = "2022-23 Q4"  # the last quarter before conftest's tiny extract was taken
TINY_SLUG = "2022-23-Q4"


def _quick_notebooks(folder, **sources):
    """Report notebooks that take the runner's parameters and run one cell each: a refresh in a few seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        nb = nbformat.v4.new_notebook(
            metadata={"kernelspec": {"name": execute.KERNEL, "display_name": "Python", "language": "python"}}
        )
        nb.cells = [
            nbformat.v4.new_code_cell(
                'quarter = ""\ndata_dir = ""\nwork_dir = ""\noutput_dir = ""', metadata={"tags": ["parameters"]}
            ),
            nbformat.v4.new_code_cell(source),
        ]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _linked_files(folder) -> list[str]:
    """Every file the quarter's index links to inside its own folder."""
    hrefs = re.findall(r'href="([^"]+)"', (folder / "index.html").read_text())
    return [h for h in hrefs if not h.startswith(("../", "http:", "https:", "#"))]


def _refresh_cli(extract, out, work, *extra, **popen):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analysis",
            "refresh",
            "--quarter",
            TINY_QUARTER,
            "--data",
            str(extract),
            "--out",
            str(out),
            "--work",
            str(work),
            "--no-progress",
            *extra,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_two_refreshes_of_one_quarter_into_one_folder_one_publishes_the_other_stops(tmp_path):
    extract = write_extract(tmp_path / "extract")
    out = tmp_path / "out"
    runs = [_refresh_cli(extract, out, tmp_path / f"work{i}", "--no-pdf") for i in (1, 2)]
    results = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    stopped = [r for r in results if r[0] == 2]
    published = [r for r in results if r[0] != 2]
    assert len(stopped) == 1 and len(published) == 1, results
    code, _, message = stopped[0]
    assert f"A refresh of {TINY_QUARTER} into {out.resolve()} is already running (process " in message, message
    assert "started" in message and "Traceback" not in message and len(message.strip().splitlines()) == 1
    assert "Reports for" in published[0][1], published[0]
    folder = out / TINY_SLUG
    links = _linked_files(folder)
    assert len(links) >= 5 and all((folder / link).exists() for link in links), links
    for nb in schedule.report_notebooks():
        assert (folder / "notebooks" / nb.name).exists()
    assert sorted(p.name for p in out.iterdir()) == [TINY_SLUG]  # no build folder, lock or note left behind


def test_a_held_lock_names_its_holder_and_a_killed_runs_lock_blocks_nothing(tmp_path):
    extract = write_extract(tmp_path / "extract")
    notebooks = _quick_notebooks(tmp_path / "notebooks", **{"00_quick": "x = 1"})
    out = tmp_path / "out"
    out.mkdir()
    lock = out / f".refresh-{TINY_SLUG}.lock"
    with locks.one_at_a_time(lock, "held here"):
        with pytest.raises(
            locks.RefreshBusy,
            match=rf"into {re.escape(str(out))} is already running \(process "
            rf"{os.getpid()} on {re.escape(socket.gethostname())}, started ",
        ):
            runner.refresh(
                TINY_QUARTER,
                extract,
                out,
                work_dir=tmp_path / "work",
                notebooks_dir=notebooks,
                progress=False,
                pdf=False,
            )
        # the same quarter with the same work folder, into another folder, would share the audit's files
        with locks.one_at_a_time(tmp_path / "work" / TINY_SLUG / ".refresh.lock", "held here"):
            with pytest.raises(locks.RefreshBusy, match="using the work folder"):
                runner.refresh(
                    TINY_QUARTER,
                    extract,
                    tmp_path / "elsewhere",
                    work_dir=tmp_path / "work",
                    notebooks_dir=notebooks,
                    progress=False,
                    pdf=False,
                )
    assert not (out / TINY_SLUG).exists()
    # A run killed outright leaves its lock file and its note (naming a process that has ended): the lock itself was
    # the operating system's, so it ended with the process, and the note is only read when the lock is held.
    lock.write_text("")
    lock.with_suffix(".holder.json").write_text(
        json.dumps({"pid": 2**22 + 1, "host": socket.gethostname(), "started": "2026-01-01T00:00:00+00:00"})
    )
    result = runner.refresh(
        TINY_QUARTER, extract, out, work_dir=tmp_path / "work", notebooks_dir=notebooks, progress=False, pdf=False
    )
    assert not result.failed and (out / TINY_SLUG / "00_quick.html").exists()
    assert sorted(p.name for p in out.iterdir()) == [TINY_SLUG]


def test_an_output_folder_that_is_a_file_or_read_only_stops_with_one_message(tmp_path, monkeypatch):
    extract = write_extract(tmp_path / "extract")
    afile = tmp_path / "reports.txt"
    afile.write_text("not a folder")
    refused = _refresh_cli(extract, afile, tmp_path / "work", "--no-pdf")
    code, _, stderr = refused.wait(timeout=300), *refused.communicate()
    assert code == 2 and f"--out {afile} is a file, not a folder" in stderr, stderr
    assert "Traceback" not in stderr and afile.read_text() == "not a folder"

    notebooks = _quick_notebooks(tmp_path / "notebooks", **{"00_quick": "x = 1"})
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    if os.geteuid() == 0:  # permissions do not stop root: a read-only disk does

        def refuse(self, *args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system", str(self.lock_file))

        monkeypatch.setattr("filelock.FileLock.acquire", refuse)
    try:
        with pytest.raises(
            locks.OutputError, match="cannot be written to .*Choose another --out.*Nothing was published"
        ):
            runner.refresh(
                TINY_QUARTER,
                extract,
                readonly,
                work_dir=tmp_path / "work",
                notebooks_dir=notebooks,
                progress=False,
                pdf=False,
            )
    finally:
        readonly.chmod(0o755)
    assert not list(readonly.iterdir())


def test_a_disk_that_fills_up_while_the_quarter_is_written_stops_and_leaves_nothing(tmp_path, monkeypatch):
    extract = write_extract(tmp_path / "extract")
    notebooks = _quick_notebooks(tmp_path / "notebooks", **{"00_quick": "x = 1", "10_other": "y = 2"})
    out = tmp_path / "out"

    def full(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(runner.figures_module, "to_csv", full)
    with pytest.raises(
        locks.OutputError,
        match=r"the disk is full \(no space left on the device holding .*figures"
        r"\.csv\).*Nothing was published",
    ):
        runner.refresh(
            TINY_QUARTER, extract, out, work_dir=tmp_path / "work", notebooks_dir=notebooks, progress=False, pdf=False
        )
    assert not list(out.iterdir())  # no quarter, no build folder, no lock


def _marked(mark: str, session: int = 0) -> dict[int, str]:
    """Running processes (not zombies) whose environment holds `mark` (so every process a refresh started, kernels
    too, though they have sessions of their own), or in the session `session`, with their command lines (/proc)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            state, _, _, sid = stat[stat.rfind(")") + 2 :].split()[:4]
            if state == "Z" or (
                int(sid) != session and mark.encode() not in Path(f"/proc/{entry}/environ").read_bytes()
            ):
                continue
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
            found[int(entry)] = command.replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "sigint-to-the-refresh-alone", "sigkill"])
def test_a_stopped_refresh_leaves_no_process_and_no_half_written_quarter(tmp_path, how):
    extract = write_extract(tmp_path / "extract")
    out = tmp_path / "out"
    mark = f"YJS_REFRESH_TEST={uuid.uuid4().hex}"  # every process the refresh starts inherits its environment
    name, value = mark.split("=")
    proc = _refresh_cli(
        extract,
        out,
        tmp_path / "work",
        start_new_session=True,
        env=os.environ | {name: value},
        # as from a terminal: a test run started in the background (bash without job control) ignores SIGINT, and a
        # Python started with SIGINT ignored keeps ignoring it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 300
    while not any("ipykernel" in cmd for cmd in _marked(mark).values()):  # its reports' kernels are running
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    elif how == "sigkill":
        os.kill(proc.pid, signal.SIGKILL)  # the refresh alone, with no chance to clean up
    else:
        os.kill(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    deadline = time.monotonic() + 15
    while (left := _marked(mark, session=proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"still running after the refresh stopped: {left}"
    assert proc.returncode != 0
    assert not (out / TINY_SLUG).exists()  # nothing published, so nothing half-written
    if how != "sigkill":
        assert stderr.strip().splitlines() == ["Stopped: interrupted; nothing was published"], stderr
        assert not list(out.iterdir())  # its build folder and locks are gone too
    else:  # what a killed run left aside is not published, and the next run is not blocked by it
        again = _refresh_cli(extract, out, tmp_path / "work", "--no-pdf")
        again.wait(timeout=600)
        assert (out / TINY_SLUG / "index.html").exists(), again.communicate()
        assert sorted(p.name for p in out.iterdir()) == [TINY_SLUG]


def test_nc_years_and_the_comparator_file_are_checked_before_anything_runs(tmp_path, monkeypatch):
    notebooks = schedule.report_notebooks()
    assert options.check_options({"nc_year_from": "0", "nc_year_to": "14"}, notebooks) == {
        "nc_year_from": 0,
        "nc_year_to": 14,
    }
    with pytest.raises(ParameterError, match=r"nc_year_to: national curriculum years run from 0 \(reception\) to 14"):
        options.check_options({"nc_year_to": "15"}, notebooks)
    with pytest.raises(ParameterError, match="nc_year_from: national curriculum years run from 0"):
        options.check_options({"nc_year_from": "-1"}, notebooks)
    with pytest.raises(
        ParameterError, match=r"nc_year_from=12: nc_year_from \(12\) must not be after nc_year_to \(11\)"
    ):
        options.check_options({"nc_year_from": "12"}, notebooks)  # against the notebook's own nc_year_to
    with pytest.raises(ParameterError, match="nc_year_to: expected a whole number"):
        options.check_options({"nc_year_to": "9.5"}, notebooks)

    good = REPO / "data" / "reference" / "comparators.csv"
    assert options.check_options({"comparators_path": str(good)}, notebooks) == {"comparators_path": str(good)}
    with pytest.raises(ParameterError, match="comparators_path: .*nowhere.csv does not exist"):
        options.check_options({"comparators_path": str(tmp_path / "nowhere.csv")}, notebooks)
    with pytest.raises(ParameterError, match="comparators_path: .* is a folder"):
        options.check_options({"comparators_path": str(tmp_path)}, notebooks)
    broken = tmp_path / "comparators.csv"
    broken.write_text(good.read_text().replace("binary_reoffending_rate", "binary_reofending_rate", 1))
    with pytest.raises(ParameterError, match="comparators.csv, line 2, column measure: must be one of"):
        options.check_options({"comparators_path": str(broken)}, notebooks)
    # a relative path is the analyst's (from where the command is run), not the notebooks' folder's
    monkeypatch.chdir(REPO)
    assert options.check_options({"comparators_path": "data/reference/comparators.csv"}, notebooks) == {
        "comparators_path": str(good)
    }

    refused = _cli(
        "refresh",
        "--quarter",
        QUARTER,
        "--data",
        str(DEMO),
        "--out",
        str(tmp_path / "out"),
        "--work",
        str(tmp_path / "work"),
        "--no-pdf",
        "--set",
        "nc_year_from=9",
        "--set",
        "nc_year_to=7",
    )
    assert refused.returncode == 2 and "must not be after nc_year_to (7)" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "out").exists()


def test_a_failed_reports_links_point_to_its_kept_notebook_and_say_when_there_is_no_page(tmp_path):
    extract = write_extract(tmp_path / "extract")
    notebooks = _quick_notebooks(
        tmp_path / "notebooks",
        **{"00_fine": "x = 1", "10_dies": "import os\nos._exit(3)", "20_fails": "raise ValueError('planted failure')"},
    )
    result = runner.refresh(
        TINY_QUARTER,
        extract,
        tmp_path / "out",
        work_dir=tmp_path / "work",
        notebooks_dir=notebooks,
        progress=False,
        pdf=False,
    )
    assert [r.name for r in result.failed] == ["10_dies", "20_fails"]
    folder = result.folder
    links = _linked_files(folder)
    assert "notebooks/10_dies.ipynb" in links and "10_dies.html" not in links and "20_fails.html" in links
    assert all((folder / link).exists() for link in links), links
    index = (folder / "index.html").read_text()
    assert "no page: it stopped before its outputs were saved" in index
    for name in ("10_dies", "20_fails"):
        kept = nbformat.read(folder / "notebooks" / f"{name}.ipynb", as_version=4)
        assert any(o.get("output_type") == "error" for c in kept.cells for o in c.get("outputs", [])), name
    dies, fails = result.failed
    assert not (folder / "10_dies.html").exists()
    assert dies.where(folder) == (
        f"The notebook with its error is {folder / 'notebooks' / '10_dies.ipynb'}; there is "
        "no page (the report stopped before its outputs were saved)."
    )
    assert fails.where(folder).endswith(f"its page shows what it reached: {folder / '20_fails.html'}")


@pytest.mark.skipif(not find_chromium(), reason="needs Chromium to print")
def test_a_rerun_without_pdfs_keeps_them_only_if_made_from_the_same_inputs(tmp_path):
    extract = write_extract(tmp_path / "extract")
    notebooks = _quick_notebooks(tmp_path / "notebooks", **{"00_quick": "print('the same page every time')"})
    out, work = tmp_path / "out", tmp_path / "work"
    folder = out / TINY_SLUG
    pack = f"committee-pack-{TINY_SLUG}.pdf"

    def again(**kw):
        return runner.refresh(TINY_QUARTER, extract, out, work_dir=work, notebooks_dir=notebooks, progress=False, **kw)

    again()
    printed = (folder / pack).read_bytes()
    printed_at = json.loads((folder / "manifest.json").read_text())["run"]["pdfs_printed_at"]
    again(pdf=False)  # same extract, parameters and code: the PDFs stay, and say when they were printed
    assert (folder / pack).read_bytes() == printed and (folder / "00_quick.pdf").exists()
    assert all((folder / link).exists() for link in _linked_files(folder)) and pack in _linked_files(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["pdfs"].startswith("kept") and manifest["run"]["pdfs_printed_at"] == printed_at
    assert (
        "printed" in (folder / "index.html").read_text()
        and "by an earlier run of this quarter" in (folder / "index.html").read_text()
    )
    again(pdf=False, options={"suppress_up_to": "5"})  # other parameters: those PDFs are not this run's
    assert not list(folder.glob("*.pdf"))
    index = (folder / "index.html").read_text()
    assert "00_quick.pdf" not in index and pack not in index
    assert (
        "PDFs were not made: switched off for this run. The PDFs published earlier for this quarter were removed: "
        "they were made from different parameters." in index
    )
