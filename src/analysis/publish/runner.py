"""The quarterly refresh: validate the extract once, run every report notebook, publish the quarter's folder.

``python -m analysis refresh --quarter "2025-26 Q4" --data data/demo --out reports`` writes
``reports/2025-26-Q4/`` with, for each notebook in ``notebooks/``, the executed
notebook and an HTML rendering without code, plus ``index.html``,
``figures.csv`` (every figure shown), ``manifest.json`` and a copy of the
figures vocabulary. The folder is built aside and swapped in at the end, so a
rerun never leaves a quarter half-written. Validated data and the rows set
aside go to ``work/<quarter>/``, which is not for publication.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from concurrent.futures import (
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data import extract as extract_module
from analysis.data.quarters import Quarter
from analysis.data.validation import ExtractError, check_files
from analysis.present.report import ParameterError
from analysis.publish import processes, workbook
from analysis.publish.audit import (
    AUDIT_ROUNDS,
    DisclosureError,
    audit_quarter,
    earlier_quarters,
    widen,
)
from analysis.publish.execute import (
    UNFINISHED,
    NotebookRun,
    execute,
    kernel_name,
    papermill_module,
    scrub_timings,
)
from analysis.publish.index import index_page
from analysis.publish.locks import (
    OutputError,
    interrupts_wait,
    one_at_a_time,
    output_message,
)
from analysis.publish.manifest import keep_earlier_pdfs, record
from analysis.publish.options import check_options
from analysis.publish.schedule import (
    busy_seconds,
    is_summary,
    longest_first,
    previous_seconds,
    report_notebooks,
)
from analysis.safety import figures as figures_module
from analysis.safety.suppression import DEFAULT_UP_TO


@dataclass
class RefreshResult:
    folder: Path
    runs: list[NotebookRun] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if r.error]

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def _render(nb: Path, run: NotebookRun, build: Path, heading: str) -> pd.DataFrame | None:
    """A finished notebook's title and headline, its executed copy without timings, its HTML page; its figures."""
    from analysis.publish.rendering import to_html

    summary = build / "notebooks" / f"summary-{nb.stem}.json"
    if summary.exists():
        info = json.loads(summary.read_text())
        run.title, run.headline = info.get("title", nb.stem), info.get("headline", "")
    run.title = run.title or nb.stem.split("_", 1)[-1].replace("_", " ").capitalize()
    executed = build / "notebooks" / nb.name
    page = build / f"{nb.stem}.html"
    run.notebook = executed.exists()
    if run.notebook and not scrub_timings(executed).metadata.get(UNFINISHED):
        to_html(executed, page, f"{run.title}: {heading}")
        run.page = True
    else:  # no page, nor one left from an earlier round of the audit
        page.unlink(missing_ok=True)
    if run.error:  # nor a PDF from an earlier round
        page.with_suffix(".pdf").unlink(missing_ok=True)
    fig_file = build / "notebooks" / f"figures-{nb.stem}.csv"
    if fig_file.exists():
        return pd.read_csv(fig_file, keep_default_na=False, na_values=[""])
    return None


def refresh(
    quarter: str,
    data_dir: Path,
    out_dir: Path,
    *,
    work_dir: Path | None = None,
    notebooks_dir: Path = paths.NOTEBOOKS,
    options: dict[str, str] | None = None,
    parallel: bool = True,
    progress: bool = True,
    pdf: bool = True,
) -> RefreshResult:
    """Run the whole refresh for one quarter. Raises ParameterError / QuarterError / ExtractError before anything
    runs (before anything is published, for a file whose rows cannot be read at all: that is found while the first
    reports' kernels start, and stops them too); RefreshBusy (a ParameterError) if the same quarter is being
    refreshed into the same folder; OutputError (a ParameterError) if the output folder cannot be written. On
    Ctrl-C (KeyboardInterrupt) the kernels, workers and Chromium are stopped and nothing is published."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    q = Quarter.parse(quarter)
    notebooks = report_notebooks(notebooks_dir)
    if not notebooks:
        raise ParameterError(f"No report notebooks (named like 00_overview.ipynb) in {notebooks_dir}.")
    chosen = check_options(options or {}, notebooks)
    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    work = (Path(work_dir) if work_dir else paths.WORK).resolve() / q.slug
    # What the files' first lines show (a missing folder, file or column; the extract date) is checked before
    # anything starts. The rows are checked below, while the first reports' kernels start.
    info, _, _ = check_files(data_dir)
    extract_date = pd.Timestamp(info["extract_date"])
    if pd.Timestamp(q.end) > extract_date:
        raise ParameterError(
            f"Quarter {q.label} ends on {q.end:%d %B %Y}, after the extract was taken "
            f"({extract_date:%d %B %Y}): its figures would be incomplete."
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(
            f"--out {out_dir} is a file, not a folder. Choose a folder (it is made if it does not "
            "exist). Nothing was published."
        )
    build = out_dir / f".build-{q.slug}"
    main_thread = threading.current_thread() is threading.main_thread()
    interrupt_handler = signal.getsignal(signal.SIGINT)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        work.mkdir(parents=True, exist_ok=True)
        # One run at a time per output folder and quarter (they would share the folder built aside), and per work
        # folder and quarter (they would share the audit's figures): held until the quarter is published.
        with ExitStack() as held:
            held.enter_context(
                one_at_a_time(out_dir / f".refresh-{q.slug}.lock", f"A refresh of {q.label} into {out_dir}")
            )
            held.enter_context(
                one_at_a_time(work / ".refresh.lock", f"A refresh of {q.label} using the work folder {work}")
            )
            try:
                result = _refresh(
                    q, notebooks, chosen, data_dir, out_dir, work, build, parallel, progress, pdf, timings, clock
                )
                with interrupts_wait():  # from here the quarter is published: Ctrl-C no longer stops it
                    _publish(build, out_dir / q.slug)
                    held.close()
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)  # nothing was published
                raise
            return result
    except OSError as err:  # the output folder is a file, read-only, or full
        raise OutputError(output_message(err, out_dir)) from None
    finally:
        if main_thread:  # a Ctrl-C while stopping was ignored (see _refresh's stop)
            signal.signal(signal.SIGINT, interrupt_handler)


def write_figures(figure_files: list[pd.DataFrame], q: Quarter, build: Path) -> None:
    """figures.csv (every report's figures in the open-data shape, see `analysis.safety.open_data`), its metadata
    (figures.meta.csv: every measure's unit and definition) and the README that explains their columns."""
    from analysis.safety import open_data

    allfigs = pd.concat(figure_files, ignore_index=True) if figure_files else figures_module.frame([])
    published, meta = open_data.to_open_data(allfigs)
    figures_module.to_csv(published, build / "figures.csv")  # text that starts like a formula is made text
    figures_module.to_csv(meta, build / open_data.META_FILE)
    shutil.copy(Path(__file__).parent / "reference" / "figures_README.md", build / "figures_README.md")


def _shown_tables(build: Path, runs: list[NotebookRun]) -> list[tuple[str, list[dict]]]:
    """Each finished report's tables as its page shows them (written by `Report.finish`), in the index's order."""
    out = []
    for run in runs:  # the notebooks in reading order: the summary first
        path = build / "notebooks" / f"tables-{run.name}.json"
        if run.page and path.exists():
            out.append((run.title, json.loads(path.read_text())))
    return out


def _publish(build: Path, final: Path) -> None:
    """Swap the quarter's folder, built aside, in whole."""
    old = final.with_name(f".old-{final.name}")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    build.rename(final)
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class _Plan:
    """What one refresh runs: each report's papermill job, in what order, and whether its pages are printed."""

    q: Quarter
    notebooks: list[Path]
    parameters: dict
    build: Path
    work: Path
    out_dir: Path
    kernel: str
    jobs: dict[str, tuple]
    stages: list[list[Path]]
    browser: str | None
    pdf_note: str | None


def _plan(
    q: Quarter, notebooks: list[Path], chosen: dict, data_dir: Path, out_dir: Path, work: Path, build: Path, pdf: bool
) -> _Plan:
    """Clean folders for this run, the parameters every notebook gets (those it declares), and the schedule."""
    shutil.rmtree(build, ignore_errors=True)  # left by a run that was killed
    (build / "notebooks").mkdir(parents=True)
    shutil.rmtree(work / "disclosure", ignore_errors=True)  # each report's true figures for the audit, this run's only
    kernel_logs = work / "kernels"  # each report's kernel's own messages, this run's only (see execute.py)
    shutil.rmtree(kernel_logs, ignore_errors=True)
    kernel_logs.mkdir(parents=True)
    parameters = {
        "quarter": q.label,
        "data_dir": str(data_dir),
        "work_dir": str(work),
        "output_dir": str(build / "notebooks"),
        "suppress_up_to": DEFAULT_UP_TO,
        "mode": "public",
        # for summary notebooks: this run's figures, and earlier quarters' folders for history
        "figures_dir": str(build / "notebooks"),
        "reports_dir": str(out_dir),
        # the project's published comparator figures, wherever the notebooks are run from (--set may choose others)
        "comparators_path": str(paths.COMPARATORS),
    } | chosen
    kernel, papermill = kernel_name(), papermill_module()
    jobs = {}
    for nb in notebooks:
        declared = set(papermill.inspect_notebook(str(nb)))
        mine = {k: v for k, v in parameters.items() if k in declared}
        log = str(kernel_logs / f"{nb.stem}.log")
        jobs[nb.stem] = (str(nb), str(build / "notebooks" / nb.name), mine, str(nb.parent), kernel, log)
    # Summary notebooks (90 to 99) read the other reports' figures, so they run once those are done. The others
    # start longest first (by the previous run's times), so the workers finish close together.
    stages = [
        longest_first([nb for nb in notebooks if not is_summary(nb)], previous_seconds(out_dir / q.slug)),
        [nb for nb in notebooks if is_summary(nb)],
    ]
    from analysis.publish.pdf import find_chromium

    browser = find_chromium() if pdf else None
    why = (
        "switched off for this run."
        if not pdf
        else ("no Chromium was found (install Debian's chromium package, or set CHROMIUM).")
    )
    pdf_note = None if browser else "PDFs were not made: " + why
    return _Plan(q, notebooks, parameters, build, work, out_dir, kernel, jobs, stages, browser, pdf_note)


class _Reports:
    """Runs the reports' notebooks in worker processes, and renders and prints each page in a thread as soon as its
    report finishes (while the others run). Used as a context manager: leaving it because of Ctrl-C or an unexpected
    error ends the workers (their kernels end with them) and Chromium at once."""

    def __init__(self, plan: _Plan, parallel: bool, progress: bool):
        from tqdm.auto import tqdm

        self.plan, self.parallel = plan, parallel
        self.runs: dict[str, NotebookRun] = {}
        self.finishing: dict[str, Future] = {}
        self.busy: dict[str, list[tuple[float, float]]] = {"rendering": [], "pdf": []}
        self.stopping = threading.Event()  # set when the run stops early: no further page is printed
        self.pools: list = []
        self.by_name = {nb.stem: nb for nb in plan.notebooks}
        self.bar = tqdm(total=len(plan.jobs), desc="Running reports", unit="report", disable=not progress)
        self.stack = ExitStack()
        self.pool: ProcessPoolExecutor | None = None
        self.after: ThreadPoolExecutor | None = None
        self.validated_at = 0.0
        self.heading = ""
        self.first: list[Future] = []  # the first stage, started while the extract is validated

    def __enter__(self):
        self.stack.__enter__()
        return self

    def __exit__(self, *exc) -> bool:
        try:
            return self.stack.__exit__(*exc)
        finally:
            self.bar.close()

    def _add(self, executor):
        executor = self.stack.enter_context(executor)
        self.pools.append(executor)
        self.stack.push(self.stop)
        return executor

    def stop(self, kind, error, trace) -> bool:
        """Leaving the pools because of Ctrl-C or an unexpected error: end the workers and Chromium now, rather than
        wait for every report. (A problem with the extract lets the started reports stop at their first cell.)"""
        if kind is not None and not issubclass(kind, (ExtractError, ParameterError)):
            if issubclass(kind, KeyboardInterrupt) and threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
            self.stopping.set()
            for executor in self.pools:
                if isinstance(executor, ThreadPoolExecutor):
                    executor.shutdown(wait=False, cancel_futures=True)
                else:
                    processes.kill_workers(executor)
            from analysis.publish import pdf as pdf_module

            pdf_module.stop_printing()
        return False

    def start(self, data_dir: Path) -> extract_module.Extract:
        """Validate the extract in a child process while the first reports' kernels start and import; returns the
        validated extract. Its worker is forked first, while this process has no other threads, so the memory
        validation needs (a national extract's largest file) is handed back before the reports load their tables.
        Workers end with this process, even if it is killed (processes.worker_start)."""
        plan = self.plan
        workers = {"initializer": processes.worker_start, "initargs": (os.getpid(),)}
        checking = self._add(ProcessPoolExecutor(max_workers=1, **workers))
        validating = checking.submit(extract_module.load, data_dir, plan.work)
        biggest = max(len(stage) for stage in plan.stages)
        if self.parallel and biggest > 1:
            self.pool = self._add(ProcessPoolExecutor(max_workers=max(1, min(biggest, os.cpu_count() or 1)), **workers))
        # Each first-stage report waits in extract.load (which holds a lock while validating) for the validated copy.
        self.first = [self.pool.submit(execute, *plan.jobs[nb.stem]) for nb in plan.stages[0]] if self.pool else []
        try:
            validating.result()
            checking.shutdown()  # its process ends, and its memory with it
            ext = extract_module.load(data_dir, plan.work)  # the validated copy: details only, tables when used
        except BaseException:
            # rows that cannot be read at all, found late: reports not yet started never start, and started ones
            # stop at their first cell, on the same problem (the pools wait for them as they close)
            for future in self.first:
                future.cancel()
            raise
        self.validated_at = time.time()
        self.heading = f"{ext.area_name}, {plan.q.label}"
        # Created after the process pools: their workers are forked at their first task, before any thread here.
        self.after = self._add(ThreadPoolExecutor(max_workers=2, thread_name_prefix="refresh-finish"))
        return ext

    def run(self, stage: list[Path], futures: list | None = None) -> None:
        """Run a stage's notebooks (all at once on the workers, or one by one), each page finished as it ends."""
        jobs = self.plan.jobs
        if self.pool:
            for future in as_completed(futures or [self.pool.submit(execute, *jobs[nb.stem]) for nb in stage]):
                self._done(*future.result())
        else:
            for nb in stage:
                self._done(*execute(*jobs[nb.stem]))

    def _done(self, name: str, began: float, ended: float, error: str | None) -> None:
        # a report's own time: from when it started or the extract was ready, whichever was later (the first reports
        # start while the extract is validated); the next run's schedule uses it
        self.runs[name] = NotebookRun(name, ended - max(began, self.validated_at), error)
        self.finishing[name] = self.after.submit(self._finish, self.by_name[name], self.runs[name])
        self.bar.set_postfix_str(name)
        self.bar.update()

    def _finish(self, nb: Path, run: NotebookRun) -> tuple[pd.DataFrame | None, Path | None]:
        """Render a finished notebook and print its page (the HTML conversion itself runs one page at a time, see
        rendering.to_html)."""
        from analysis.publish.pdf import print_page

        build, browser = self.plan.build, self.plan.browser
        begun = time.perf_counter()
        figures = _render(nb, run, build, self.heading)
        self.busy["rendering"].append((begun, time.perf_counter()))
        if not browser or run.error:
            return figures, None
        begun = time.perf_counter()
        printed = print_page(build / f"{nb.stem}.html", browser, stop=self.stopping)
        self.busy["pdf"].append((begun, time.perf_counter()))
        return figures, printed

    def audited(self) -> object:
        """The intruder's audit of everything the quarter publishes (while the last pages print). Where a withheld
        small count could be worked out (mostly from a figure in another report), the reports concerned are asked to
        withhold more and run again, with the summary; nothing is published unless the audit passes."""
        plan = self.plan
        folder, names = plan.work / "disclosure", [nb.stem for nb in plan.notebooks]
        earlier = earlier_quarters(plan.out_dir, plan.q)
        # every report's tables count, a failed report's too (its page shows those before the error)
        audit = audit_quarter(folder, names, plan.parameters, earlier)
        for _ in range(AUDIT_ROUNDS):
            if audit.safe or not (asked := widen(folder, self.runs, plan.parameters, earlier)):
                break
            again = [nb for nb in plan.notebooks if nb.stem in asked or is_summary(nb)]
            self.bar.total += len(again)
            for nb in again:  # its pages are written before it runs again
                self.finishing[nb.stem].result()
            for stage in plan.stages:
                self.run([nb for nb in stage if nb in again])
            audit = audit_quarter(folder, names, plan.parameters, earlier)
        return audit

    def finished(self) -> dict[str, tuple[pd.DataFrame | None, Path | None]]:
        """Each report's figures and printed page, once rendered and printed (raises what those raised)."""
        return {nb.stem: self.finishing[nb.stem].result() for nb in self.plan.notebooks}


def _refresh(
    q: Quarter,
    notebooks: list[Path],
    chosen: dict,
    data_dir: Path,
    out_dir: Path,
    work: Path,
    build: Path,
    parallel: bool,
    progress: bool,
    pdf: bool,
    timings: dict[str, float],
    clock: float,
) -> RefreshResult:
    """Everything `refresh` does once it holds the locks, up to a complete quarter in `build` (not yet published)."""
    from analysis.publish.pack import CONTACT, make_pack

    plan = _plan(q, notebooks, chosen, data_dir, out_dir, work, build, pdf)
    started = time.perf_counter()
    with _Reports(plan, parallel, progress) as reports:
        ext = reports.start(data_dir)
        timings["validation"] = time.perf_counter() - started
        for i, stage in enumerate(plan.stages):
            reports.run(stage, reports.first if i == 0 else None)
        timings["notebooks"] = time.perf_counter() - started
        begun = time.perf_counter()
        audit = reports.audited()
        timings["audit"] = time.perf_counter() - begun
        reports.bar.close()
        finished = reports.finished()
    runs, busy, browser, pdf_note = reports.runs, reports.busy, plan.browser, plan.pdf_note
    pack_name = f"committee-pack-{q.slug}.pdf"

    shown = _shown_tables(build, [runs[nb.stem] for nb in notebooks])
    for nb in notebooks:  # read by the summary notebooks while they ran; the figures go in figures.csv below
        (build / "notebooks" / f"summary-{nb.stem}.json").unlink(missing_ok=True)
        (build / "notebooks" / f"figures-{nb.stem}.csv").unlink(missing_ok=True)
        (build / "notebooks" / f"tables-{nb.stem}.json").unlink(missing_ok=True)
    figure_files = [finished[nb.stem][0] for nb in notebooks if finished[nb.stem][0] is not None]
    # Time spent rendering / printing (wall time with at least one at work), mostly while notebooks were running.
    timings["rendering"] = busy_seconds(busy["rendering"])
    printed = [finished[nb.stem][1] for nb in notebooks if finished[nb.stem][1] is not None]
    run_time = datetime.now(UTC)  # the cover's date, the index's and the manifest's
    if not audit.safe:
        raise DisclosureError(audit)

    def tables() -> list[str]:  # figures.csv and the spreadsheet, written while Chromium prints the pack
        write_figures(figure_files, q, build)
        return workbook.write(
            build,
            f"tables-{q.slug}",
            q.label,
            ext.area_name,
            shown,
            int(plan.parameters["suppress_up_to"]),
            plan.parameters["mode"] == "restricted",
        )

    with ThreadPoolExecutor(1) as writer:  # leaving the block waits for it, so nothing writes after a failure
        written = writer.submit(tables)
        if browser and printed:
            begun = time.perf_counter()
            make_pack(  # one document, printed from the reports' pages (the summary first), see pack.py
                [pdf.with_suffix(".html") for pdf in printed],
                build / pack_name,
                browser,
                area=ext.area_name,
                quarter=q,
                restricted=plan.parameters["mode"] == "restricted",
                produced=run_time.date(),
                extract_date=ext.extract_date,
                contact=str(plan.parameters.get("contact", CONTACT)),
            )
            busy["pdf"].append((begun, time.perf_counter()))
            timings["pdf"] = busy_seconds(busy["pdf"])
        elif browser:
            pdf_note = "PDFs were not made: no report ran to the end."
        spreadsheets = written.result()
    timings["total"] = time.perf_counter() - clock
    ordered = [runs[nb.stem] for nb in notebooks]
    manifest = record(q, ext, plan.parameters, plan.kernel, audit, ordered, timings, run_time, pdf_note)
    if not browser:  # the quarter's PDFs already published stay only if this run would have printed the same
        pdf_note = keep_earlier_pdfs(manifest, out_dir / q.slug, build, pack_name, pdf_note)
    (build / "manifest.json").write_text(json.dumps(manifest, indent=2))
    pack = pack_name if (build / pack_name).exists() else None
    (build / "index.html").write_text(
        index_page(
            q,
            ext.area_name,
            ext.extract_date,
            run_time,
            ordered,
            out_dir,
            pack,
            pdf_note,
            spreadsheets,
        ),
        encoding="utf-8",
    )

    return RefreshResult(folder=out_dir / q.slug, runs=ordered, timings=timings)
