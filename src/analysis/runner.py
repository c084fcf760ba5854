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

import html
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import extract as extract_module
from . import figures as figures_module
from .quarters import Quarter
from .report import MODES, ParameterError
from .validation import ExtractError, check_files
from .suppression import DEFAULT_UP_TO

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
KERNEL = "yjs-analysis"
CELL_TIMEOUT = 1800
PINNED = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "pandera", "pyarrow",
          "papermill", "nbclient", "nbconvert", "nbformat", "ipykernel", "jupyter_client")

# Parameters every notebook takes; the runner sets them.
RUNNER_PARAMETERS = ("quarter", "data_dir", "work_dir", "output_dir")
SUMMARY_PARAMETERS = ("figures_dir", "reports_dir")  # set by the runner for notebooks that declare them
# Parameters an analyst may set with --set name=value, with their types.
OPTIONS = {"suppress_up_to": int, "mode": str}


@dataclass
class NotebookRun:
    name: str
    seconds: float = 0.0
    error: str | None = None
    title: str = ""
    headline: str = ""


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


def is_summary(notebook: Path) -> bool:
    """Notebooks numbered 90 to 99 summarise the others: they run last and are listed first."""
    return notebook.name[:2] >= "90"


def report_notebooks(directory: Path = NOTEBOOKS) -> list[Path]:
    """The report notebooks in reading order: summaries (90_ to 99_) first, then the rest by number (00_, 10_, ...)."""
    found = sorted(Path(directory).glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if is_summary(p)] + [p for p in found if not is_summary(p)]


def _papermill():
    """papermill, importing nbformat without jsonschema's IRI checker.

    nbformat imports jsonschema, which builds a Lark grammar for the "iri" string format when rfc3987_syntax is
    installed: about 1.2 s at every import, for a format no notebook schema uses. Hiding rfc3987_syntax while
    jsonschema is first imported skips that; it is importable again afterwards, and nothing else changes."""
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import fail, quietly
        try:
            import nbformat  # noqa: F401  (imports jsonschema)
        finally:
            if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
                del sys.modules["rfc3987_syntax"]
    import papermill

    return papermill


def _coerce(name: str, value: str, kind: type):
    """The text given with --set, as the type the parameter's default has."""
    if kind is bool:
        if value.lower() in ("true", "yes", "1", "false", "no", "0"):
            return value.lower() in ("true", "yes", "1")
        raise ParameterError(f"--set {name}: expected true or false, got {value!r}")
    if kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            words = "a whole number" if kind is int else "a number"
            raise ParameterError(f"--set {name}: expected {words}, got {value!r}") from None
    return value


def _default_type(default_source: str) -> type:
    import ast

    try:
        return type(ast.literal_eval(default_source))
    except (ValueError, SyntaxError):
        return str


def check_options(options: dict[str, str], notebooks: list[Path]) -> dict[str, object]:
    """Reject unknown or ill-typed parameters before anything runs."""
    papermill = _papermill()

    declared: dict[str, type] = {}
    for nb in notebooks:
        for name, info in papermill.inspect_notebook(str(nb)).items():
            declared.setdefault(name, _default_type(info["default"]))
    missing = [nb.name for nb in notebooks if not set(RUNNER_PARAMETERS) <= set(papermill.inspect_notebook(str(nb)))]
    if missing:
        raise ParameterError(f"Notebook(s) {', '.join(missing)} lack the parameters {', '.join(RUNNER_PARAMETERS)}.")
    clean: dict[str, object] = {}
    for name, value in options.items():
        if name in RUNNER_PARAMETERS or name in SUMMARY_PARAMETERS:
            raise ParameterError(f"--set {name}: this parameter is set by the refresh command itself (use its own option).")
        if name not in OPTIONS and name not in declared:
            known = sorted(set(OPTIONS) | (set(declared) - set(RUNNER_PARAMETERS) - set(SUMMARY_PARAMETERS)))
            raise ParameterError(f"--set {name}: no report takes this parameter. Known parameters: {', '.join(known)}.")
        clean[name] = _coerce(name, value, OPTIONS.get(name, declared.get(name, str)))
    if "mode" in clean and clean["mode"] not in MODES:
        raise ParameterError(f"--set mode: must be one of {', '.join(MODES)}, not {clean['mode']!r}.")
    if "suppress_up_to" in clean and clean["suppress_up_to"] < 0:
        raise ParameterError("--set suppress_up_to: must be 0 or more.")
    # The published policy is a floor: a public refresh may withhold more, never less. A restricted one shows every
    # number anyway (the threshold only marks, in figures.csv, what a public run would withhold).
    if clean.get("mode", "public") == "public" and clean.get("suppress_up_to", DEFAULT_UP_TO) < DEFAULT_UP_TO:
        raise ParameterError(
            f"--set suppress_up_to: public reports withhold counts of 1 to at least {DEFAULT_UP_TO} (the published "
            f"policy); {clean['suppress_up_to']} would publish smaller counts. Use a larger value, or "
            "--set mode=restricted for the board's private session.")
    return clean


def _kernel() -> str:
    from jupyter_client.kernelspec import find_kernel_specs

    return KERNEL if KERNEL in find_kernel_specs() else "python3"


def _logged_kernels(log: Path) -> type:
    """A kernel manager whose kernels write their own messages (their stdout and stderr, not the notebook's outputs)
    to the file `log`, not to the analyst's terminal.

    Jupyter's kernels report there things an analyst has nothing to do about: that they talk to papermill over local
    TCP without encryption, and, as papermill stops a finished kernel, the interrupt jupyter_client always sends first
    ("ERROR | KeyboardInterrupt caught in kernel."). What a kernel that dies says is in the same file, and the report's
    error names it."""
    from jupyter_client import AsyncKernelManager

    class LoggedKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            with open(log, "ab") as stream:  # the kernel keeps its own copy; this one closes once it has started
                kw.setdefault("stdout", stream)
                kw.setdefault("stderr", stream)
                return await super().start_kernel(**kw)

    return LoggedKernelManager


def _execute(notebook: str, output: str, parameters: dict, cwd: str, kernel: str,
             log: str) -> tuple[str, float, float, str | None]:
    """Run one notebook (in a worker process), its kernel's own messages going to `log`. Returns (name, start time
    (epoch seconds), end time, error or None)."""
    papermill = _papermill()
    from papermill.exceptions import PapermillExecutionError

    started = time.time()
    error = None
    try:
        # written once, at the end (also when a cell fails), not after every cell: a report's outputs (its charts)
        # make each write cost a tenth of a second or more
        papermill.execute_notebook(notebook, output, parameters=parameters, kernel_name=kernel, cwd=cwd,
                                   progress_bar=False, execution_timeout=CELL_TIMEOUT, log_output=False,
                                   request_save_on_cell_execute=False, kernel_manager_class=_logged_kernels(Path(log)))
    except PapermillExecutionError as err:
        error = f"cell {err.exec_count} failed with {err.ename}: {err.evalue}"
    except Exception as err:  # a dead kernel or a missing kernel is still the analyst's to read
        error = f"{type(err).__name__}: {err} (the kernel's own messages are in {log})"
    return Path(notebook).stem, started, time.time(), error


def scrub_timings(path: Path) -> None:
    """Drop per-cell execution timestamps so a rerun on the same extract gives an identical notebook
    (the run's time and durations are in the manifest's `run` block)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell.metadata.get("papermill", {}).pop(key, None)
    for key in ("start_time", "end_time", "duration"):
        nb.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(nb, path)


def _git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
        return commit + ("-modified" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "analysis": metadata.version("analysis")}
    for name in PINNED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def previous_seconds(folder: Path) -> dict[str, float]:
    """Seconds each notebook took in the last run published in `folder` (its manifest), or {} if none."""
    try:
        seconds = json.loads((Path(folder) / "manifest.json").read_text())["run"]["notebook_seconds"]
        return {str(name): float(value) for name, value in seconds.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def longest_first(notebooks: list[Path], seconds: dict[str, float]) -> list[Path]:
    """Longest-processing-time-first order for the workers: notebooks with no earlier time first (they may be
    long), then by earlier time, longest first; ties keep file order. Only the schedule depends on this."""
    return sorted(notebooks, key=lambda nb: (nb.stem in seconds, -seconds.get(nb.stem, 0.0)))


def _busy_seconds(intervals: list[tuple[float, float]]) -> float:
    """Wall time covered by at least one of the (start, end) intervals."""
    total, reach = 0.0, float("-inf")
    for begin, end in sorted(intervals):
        if end > reach:
            total += end - max(begin, reach)
            reach = end
    return total


def _render(nb: Path, run: NotebookRun, build: Path, heading: str) -> pd.DataFrame | None:
    """A finished notebook's title and headline, its executed copy without timings, its HTML page; its figures."""
    from .rendering import to_html

    summary = build / "notebooks" / f"summary-{nb.stem}.json"
    if summary.exists():
        info = json.loads(summary.read_text())
        run.title, run.headline = info.get("title", nb.stem), info.get("headline", "")
    run.title = run.title or nb.stem.split("_", 1)[-1].replace("_", " ").capitalize()
    executed = build / "notebooks" / nb.name
    if executed.exists():
        scrub_timings(executed)
        to_html(executed, build / f"{nb.stem}.html", f"{run.title}: {heading}")
    fig_file = build / "notebooks" / f"figures-{nb.stem}.csv"
    if fig_file.exists():
        return pd.read_csv(fig_file, keep_default_na=False, na_values=[""])
    return None


class DisclosureError(Exception):
    """The quarter's figures would let a withheld small count be worked out, or show one: nothing is published."""

    def __init__(self, audit):
        self.audit = audit
        tables = audit.pinned + audit.shown_small
        listed = "; ".join(tables[:5]) + (f"; and {len(tables) - 5} more" if len(tables) > 5 else "")
        super().__init__(
            "Nothing was published: the disclosure audit found that "
            + (f"{len(audit.pinned)} withheld small count(s) could be worked out exactly" if audit.pinned else "")
            + (" and " if audit.pinned and audit.shown_small else "")
            + (f"{len(audit.shown_small)} count(s) of 1 to {audit.up_to} would be shown" if audit.shown_small else "")
            + f". Tables: {listed}. Report this to the analysis team with the quarter and extract; "
            "the check is in src/analysis/disclosure.py.")


def _earlier_quarters(out_dir: Path, quarter: Quarter) -> list[pd.DataFrame]:
    """The figures already published for other quarters in the same output folder (an intruder has those too)."""
    from .history import FIGURES_FILE, read_figures

    return [read_figures(path) for path in sorted(out_dir.glob(f"*/{FIGURES_FILE}"))
            if path.parent.name != quarter.slug and not path.parent.name.startswith(".")]


def _quarter_ledger(folder: Path, names: list[str], earlier: list[pd.DataFrame]):
    from . import disclosure

    figures, relations = disclosure.load_ledgers(folder, names)
    return (disclosure.with_earlier(figures, earlier) if len(figures) else figures), relations


def _audit(folder: Path, names: list[str], parameters: dict, earlier: list[pd.DataFrame] = ()):
    """The disclosure audit of the reports that finished, with the other quarters already published in the same
    folder (public mode; in restricted mode it is recorded, not enforced, since every number is shown to the
    board's private session anyway)."""
    from . import disclosure

    figures, relations = _quarter_ledger(folder, names, list(earlier))
    result = disclosure.audit(figures, relations, int(parameters["suppress_up_to"]))
    if parameters["mode"] != "public":
        result.pinned, result.shown_small = [], []
    return result


AUDIT_ROUNDS = 3  # times the reports may be asked to withhold more before the refresh stops


def _widen(folder: Path, runs: dict[str, NotebookRun], parameters: dict,
           earlier: list[pd.DataFrame] = ()) -> dict[str, int]:
    """Ask the reports to withhold the further figures the quarter's audit needs (see disclosure.widen); {} if no
    further figure would do, or in restricted mode."""
    from . import disclosure

    if parameters["mode"] != "public":
        return {}
    figures, relations = _quarter_ledger(folder, list(runs), list(earlier))
    try:
        return disclosure.widen(figures, relations, int(parameters["suppress_up_to"]), folder)
    except disclosure.Unprotectable:
        return {}


def refresh(quarter: str, data_dir: Path, out_dir: Path, *, work_dir: Path | None = None,
            notebooks_dir: Path = NOTEBOOKS, options: dict[str, str] | None = None,
            parallel: bool = True, progress: bool = True, pdf: bool = True) -> RefreshResult:
    """Run the whole refresh for one quarter. Raises ParameterError / QuarterError / ExtractError before anything
    runs (before anything is published, for a file whose rows cannot be read at all: that is found while the first
    reports' kernels start, and stops them too)."""
    from tqdm.auto import tqdm

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    q = Quarter.parse(quarter)
    notebooks = report_notebooks(notebooks_dir)
    if not notebooks:
        raise ParameterError(f"No report notebooks (named like 00_overview.ipynb) in {notebooks_dir}.")
    chosen = check_options(options or {}, notebooks)
    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    work = (Path(work_dir) if work_dir else REPO / "work").resolve() / q.slug
    # What the files' first lines show (a missing folder, file or column; the extract date) is checked before
    # anything starts. The rows are checked below, while the first reports' kernels start.
    info, _, _ = check_files(data_dir)
    extract_date = pd.Timestamp(info["extract_date"])
    if pd.Timestamp(q.end) > extract_date:
        raise ParameterError(f"Quarter {q.label} ends on {q.end:%d %B %Y}, after the extract was taken "
                             f"({extract_date:%d %B %Y}): its figures would be incomplete.")

    out_dir.mkdir(parents=True, exist_ok=True)
    build = out_dir / f".build-{q.slug}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    (build / "notebooks").mkdir()

    base = {"quarter": q.label, "data_dir": str(data_dir), "work_dir": str(work), "output_dir": str(build / "notebooks"),
            "suppress_up_to": DEFAULT_UP_TO, "mode": "public",
            # for summary notebooks: this run's figures, and earlier quarters' folders for history
            "figures_dir": str(build / "notebooks"), "reports_dir": str(out_dir)} | chosen
    runs: dict[str, NotebookRun] = {}
    kernel = _kernel()
    papermill = _papermill()

    shutil.rmtree(work / "disclosure", ignore_errors=True)  # each report's true figures for the audit, this run's only
    kernel_logs = work / "kernels"  # each report's kernel's own messages, this run's only (see _logged_kernels)
    shutil.rmtree(kernel_logs, ignore_errors=True)
    kernel_logs.mkdir(parents=True)
    jobs = {}
    for nb in notebooks:
        declared = set(papermill.inspect_notebook(str(nb)))
        params = {k: v for k, v in base.items() if k in declared}
        jobs[nb.stem] = (str(nb), str(build / "notebooks" / nb.name), params, str(nb.parent), kernel,
                        str(kernel_logs / f"{nb.stem}.log"))
    # Summary notebooks (90 to 99) read the other reports' figures, so they run once those are done. The others
    # start longest first (by the previous run's times), so the workers finish close together.
    stages = [longest_first([nb for nb in notebooks if not is_summary(nb)], previous_seconds(out_dir / q.slug)),
              [nb for nb in notebooks if is_summary(nb)]]

    from .pdf import find_chromium, join_pack, print_page

    browser = find_chromium() if pdf else None
    pack_name = f"committee-pack-{q.slug}.pdf"
    pdf_note = (None if browser else "PDFs were not made: " +
                ("switched off for this run." if not pdf else "no Chromium was found (install Debian's chromium package, or set CHROMIUM)."))
    busy: dict[str, list[tuple[float, float]]] = {"rendering": [], "pdf": []}

    def finish(nb: Path, run: NotebookRun, heading: str) -> tuple[pd.DataFrame | None, Path | None]:
        """Render a finished notebook and print its page (in a thread, while other notebooks run; the HTML
        conversion itself runs one page at a time, see rendering.to_html)."""
        begun = time.perf_counter()
        figures = _render(nb, run, build, heading)
        busy["rendering"].append((begun, time.perf_counter()))
        if not browser or run.error:
            return figures, None
        begun = time.perf_counter()
        printed = print_page(build / f"{nb.stem}.html", browser)
        busy["pdf"].append((begun, time.perf_counter()))
        return figures, printed

    started = time.perf_counter()
    finishing: dict[str, Future] = {}
    bar = None
    try:
        with ExitStack() as stack:
            # Validate in a child process, so the memory it needs (a national extract's largest file) is handed
            # back before the reports load their tables. Its worker is forked first, while this process has no
            # other threads; then the report workers, while the validation pool's thread waits on a pipe.
            checking = stack.enter_context(ProcessPoolExecutor(max_workers=1))
            validating = checking.submit(extract_module.load, data_dir, work)
            biggest = max(len(stage) for stage in stages)
            pool = (stack.enter_context(ProcessPoolExecutor(max_workers=max(1, min(biggest, os.cpu_count() or 1))))
                    if parallel and biggest > 1 else None)
            # The first stage starts now: its kernels start and import while the extract is validated, and each
            # report waits in extract.load (which holds a lock while validating) for the validated copy.
            first = [pool.submit(_execute, *jobs[nb.stem]) for nb in stages[0]] if pool else []
            bar = tqdm(total=len(jobs), desc="Running reports", unit="report", disable=not progress)
            try:
                validating.result()
                checking.shutdown()  # its process ends, and its memory with it
                ext = extract_module.load(data_dir, work)  # the validated copy: details only, tables when used
            except BaseException:
                # rows that cannot be read at all, found late: reports not yet started never start, and started
                # ones stop at their first cell, on the same problem (the pools wait for them as they close)
                for future in first:
                    future.cancel()
                raise
            timings["validation"] = time.perf_counter() - started
            validated_at = time.time()
            heading = f"{ext.area_name}, {q.label}"
            # Created after the process pools: their workers are forked at their first task, before any thread here.
            after = stack.enter_context(ThreadPoolExecutor(max_workers=2, thread_name_prefix="refresh-finish"))
            by_name = {nb.stem: nb for nb in notebooks}

            def done(name: str, began: float, ended: float, error: str | None) -> None:
                # a report's own time: from when it started or the extract was ready, whichever was later (the
                # first reports start while the extract is validated); the next run's schedule uses it
                runs[name] = NotebookRun(name, ended - max(began, validated_at), error)
                finishing[name] = after.submit(finish, by_name[name], runs[name], heading)
                bar.set_postfix_str(name)
                bar.update()

            def run(stage: list[Path], futures=None) -> None:
                if pool:
                    for future in as_completed(futures or [pool.submit(_execute, *jobs[nb.stem]) for nb in stage]):
                        done(*future.result())
                else:
                    for nb in stage:
                        done(*_execute(*jobs[nb.stem]))

            for i, stage in enumerate(stages):
                run(stage, first if i == 0 else None)
            timings["notebooks"] = time.perf_counter() - started
            # The intruder's audit of everything the quarter publishes (while the last pages print). Where a withheld
            # small count could be worked out (mostly from a figure in another report), the reports concerned are
            # asked to withhold more and run again, with the summary; nothing is published unless the audit passes.
            begun = time.perf_counter()
            earlier = _earlier_quarters(out_dir, q)
            # every report's tables count, a failed report's too (its page shows those before the error)
            audit = _audit(work / "disclosure", [nb.stem for nb in notebooks], base, earlier)
            for _ in range(AUDIT_ROUNDS):
                if audit.safe or not (asked := _widen(work / "disclosure", runs, base, earlier)):
                    break
                again = [nb for nb in notebooks if nb.stem in asked or is_summary(nb)]
                bar.total += len(again)
                for nb in again:  # its pages are written before it runs again
                    finishing[nb.stem].result()
                for stage in stages:
                    run([nb for nb in stage if nb in again])
                audit = _audit(work / "disclosure", [nb.stem for nb in notebooks], base, earlier)
            timings["audit"] = time.perf_counter() - begun
            bar.close()
            finished = {nb.stem: finishing[nb.stem].result() for nb in notebooks}  # raises what rendering or printing raised
    except (ExtractError, ParameterError):
        if bar is not None:
            bar.close()
        shutil.rmtree(build, ignore_errors=True)  # nothing was published
        raise

    for nb in notebooks:  # read by the summary notebooks while they ran; the figures go in figures.csv below
        (build / "notebooks" / f"summary-{nb.stem}.json").unlink(missing_ok=True)
        (build / "notebooks" / f"figures-{nb.stem}.csv").unlink(missing_ok=True)
    figure_files = [finished[nb.stem][0] for nb in notebooks if finished[nb.stem][0] is not None]
    # Time spent rendering / printing (wall time with at least one at work), mostly while notebooks were running.
    timings["rendering"] = _busy_seconds(busy["rendering"])
    printed = [finished[nb.stem][1] for nb in notebooks if finished[nb.stem][1] is not None]
    if browser and printed:
        begun = time.perf_counter()
        join_pack(printed, build / pack_name)
        busy["pdf"].append((begun, time.perf_counter()))
        timings["pdf"] = _busy_seconds(busy["pdf"])
    elif browser:
        pdf_note = "PDFs were not made: no report ran to the end."

    if not audit.safe:
        shutil.rmtree(build, ignore_errors=True)
        raise DisclosureError(audit)

    allfigs = pd.concat(figure_files, ignore_index=True) if figure_files else figures_module.frame([])
    allfigs.insert(0, "quarter", q.label)
    figures_module.to_csv(allfigs, build / "figures.csv")  # text that starts like a formula is made text
    shutil.copy(Path(__file__).parent / "reference" / "figures_vocabulary.md", build / "figures_vocabulary.md")

    run_time = datetime.now(timezone.utc)
    timings["total"] = time.perf_counter() - clock
    manifest = {
        "quarter": q.label,
        "area_name": ext.area_name,
        "extract_date": ext.extract_date.isoformat(),
        "parameters": base | {"output_dir": "<this folder>/notebooks"},
        "inputs": {name: {"sha256": digest} for name, digest in ext.checksums.items()},
        "rows": ext.counts.to_dict(orient="records"),
        "quarantine": str(ext.quarantine_dir),
        "versions": _versions(),
        "git_commit": _git_commit(),
        "kernel": kernel,
        "disclosure_audit": audit.record(),
        "notebooks": {r.name: {"status": "failed" if r.error else "ok", "error": r.error}
                      for r in (runs[nb.stem] for nb in notebooks)},
        # Everything that changes from one run to the next is here; the rest is reproducible.
        "run": {
            "run_at": run_time.isoformat(timespec="seconds"),
            "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
            "notebook_seconds": {r.name: round(r.seconds, 2) for r in runs.values()},
        },
    }
    (build / "manifest.json").write_text(json.dumps(manifest, indent=2))
    ordered = [runs[nb.stem] for nb in notebooks]
    (build / "index.html").write_text(index_page(q, ext.area_name, ext.extract_date, run_time, ordered, out_dir,
                                                 None if pdf_note else pack_name, pdf_note), encoding="utf-8")

    final = out_dir / q.slug
    old = out_dir / f".old-{q.slug}"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    build.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return RefreshResult(folder=final, runs=ordered, timings=timings)


def index_page(q: Quarter, area: str, extract_date, run_time: datetime, runs: list[NotebookRun], out_dir: Path,
               pack: str | None = None, pdf_note: str | None = None) -> str:
    """The quarter's index: each report with its one-line finding, the extract and run dates, neighbouring quarters.
    Like the reports, it runs no script and fetches nothing (rendering.CONTENT_SECURITY_POLICY)."""
    from .rendering import CONTENT_SECURITY_POLICY

    items = []
    for run in runs:
        if run.error:
            items.append(f'<li><a href="notebooks/{html.escape(run.name)}.ipynb">{html.escape(run.title)}</a> '
                         f'<strong class="failed">did not finish</strong>: {html.escape(run.error)} '
                         f'(<a href="{html.escape(run.name)}.html">what it reached</a>)</li>')
        else:
            pdf_link = f' (<a href="{html.escape(run.name)}.pdf">PDF</a>)' if pack else ""
            items.append(f'<li><a href="{html.escape(run.name)}.html">{html.escape(run.title)}</a>{pdf_link}'
                         + (f"<br><span>{html.escape(run.headline)}</span>" if run.headline else "") + "</li>")
    neighbours = []
    for label, other in (("Previous quarter", q.previous), ("Same quarter last year", q.same_quarter_last_year)):
        if (out_dir / other.slug / "index.html").exists():
            neighbours.append(f'<a href="../{other.slug}/index.html">{label}: {other.label}</a>')
    css = (Path(__file__).parent / "templates" / "yjs_report" / "report.css").read_text()
    extract_text = f"{extract_date:%d %B %Y}".lstrip("0")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{html.escape(CONTENT_SECURITY_POLICY)}">
<title>Youth justice quarterly reports: {html.escape(area)}, {q.label}</title>
<style>{css}
body {{ font-family: Arial, Helvetica, sans-serif; }} ul.reports li {{ margin: 0 0 14px; font-size: 19px; }}
ul.reports span {{ font-size: 16px; color: #505a5f; }} .failed {{ color: #d4351c; }}</style></head>
<body><main>
<h1>Youth justice quarterly reports</h1>
<p><strong>Area:</strong> {html.escape(area)}<br><strong>Quarter:</strong> {q.label} ({q.period.months})<br>
<strong>Extract taken:</strong> {extract_text}<br><strong>Reports produced:</strong> {run_time:%d %B %Y at %H:%M} UTC</p>
<h2>Reports</h2>
<ul class="reports">{''.join(items)}</ul>
<p>{f'<a href="{pack}">All reports as one A4 PDF for the committee pack</a>' if pack else html.escape(pdf_note or '')}</p>
<h2>Other quarters</h2>
<p>{' &middot; '.join(neighbours) if neighbours else 'No earlier quarter has been produced in this folder yet.'}</p>
<h2>For analysts</h2>
<p><a href="figures.csv">Every figure in these reports</a> (CSV; <a href="figures_vocabulary.md">what the columns mean</a>)
and the <a href="manifest.json">run manifest</a> (parameters, input checksums, package versions). Small numbers are
suppressed as [c] throughout.</p>
</main></body></html>
"""
