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

import errno
import html
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import extract as extract_module
from . import figures as figures_module
from . import processes
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
    notebook: bool = False  # its executed notebook is in the quarter's notebooks/ folder (set when it is rendered)
    page: bool = False  # its HTML page is in the quarter's folder

    def where(self, folder: Path) -> str:
        """Where a failed report's notebook and page are, for the terminal."""
        notebook = folder / "notebooks" / f"{self.name}.ipynb"
        return (f"The notebook with its error is {notebook}" if self.notebook else "No notebook was kept") + (
            f"; its page shows what it reached: {folder / (self.name + '.html')}" if self.page
            else "; there is no page (the report stopped before its outputs were saved).")


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
    defaults: dict[str, str] = {}
    for nb in notebooks:
        for name, info in papermill.inspect_notebook(str(nb)).items():
            declared.setdefault(name, _default_type(info["default"]))
            defaults.setdefault(name, info["default"])
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
    # What the reports would otherwise find wrong only once they run.
    if {"nc_year_from", "nc_year_to"} & set(clean):
        _check_nc_years(clean, defaults)
    if "comparators_path" in clean:
        clean["comparators_path"] = _check_comparators(str(clean["comparators_path"]))
    return clean


def _check_nc_years(clean: dict[str, object], defaults: dict[str, str]) -> None:
    """National curriculum years within the data contract's range (pupils.csv nc_year), the first no later than the
    last (the one not given is the notebook's default)."""
    import ast

    from .contract import EXTRACTS

    column = next(c for c in EXTRACTS["pupils"].columns if c.name == "nc_year")
    low, high = int(column.minimum), int(column.maximum)
    years = {}
    for name in ("nc_year_from", "nc_year_to"):
        if name in clean:
            value = clean[name]
            if not low <= value <= high:
                raise ParameterError(f"--set {name}: national curriculum years run from {low} (reception) to {high} "
                                     f"(as in the data contract); {value} is not one of them.")
            years[name] = value
        else:
            try:
                years[name] = int(ast.literal_eval(defaults[name]))
            except (KeyError, ValueError, SyntaxError, TypeError):
                return  # no report declares the other one: nothing to compare
    if years["nc_year_from"] > years["nc_year_to"]:
        given = " and ".join(f"{n}={years[n]}" for n in ("nc_year_from", "nc_year_to") if n in clean)
        raise ParameterError(f"--set {given}: nc_year_from ({years['nc_year_from']}) must not be after nc_year_to "
                             f"({years['nc_year_to']}); the exclusions report compares the years from one to the "
                             "other.")


def _check_comparators(value: str) -> str:
    """The comparator file given with --set: one that exists and src/analysis/comparators.py accepts. Returned as
    an absolute path (the reports run in the notebooks' folder, so a relative one would be read from there)."""
    from . import comparators

    path = Path(value).expanduser().resolve()
    if not path.exists():
        raise ParameterError(f"--set comparators_path: {path} does not exist. Give the path of the comparator file "
                             "(the product's own is data/reference/comparators.csv).")
    if not path.is_file():
        raise ParameterError(f"--set comparators_path: {path} is a folder; give the comparator file itself.")
    try:
        comparators.load(path)
    except comparators.ComparatorError as err:
        raise ParameterError(f"--set comparators_path: {err}") from None
    except OSError as err:
        raise ParameterError(f"--set comparators_path: {path} cannot be read ({err.strerror or err}).") from None
    return str(path)


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
                if (setup := processes.child_setup()) is not None:
                    kw.setdefault("preexec_fn", setup)  # the kernel ends with its worker, even a killed one
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
        _keep_unfinished(notebook, output, parameters, kernel, type(err).__name__, error)
    return Path(notebook).stem, started, time.time(), error


UNFINISHED = "refresh_outputs_lost"  # metadata of a notebook kept by _keep_unfinished: it has no page


def _keep_unfinished(notebook: str, output: str, parameters: dict, kernel: str, name: str, error: str) -> None:
    """A notebook whose kernel died (or never started) is not saved by papermill, which writes a notebook once, at
    the end: keep the notebook as given, with its parameters and the error at the top, so the index and the terminal
    point to something that exists (and an earlier round's copy is not taken for this one)."""
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
        try:
            from papermill.parameterize import parameterize_notebook

            nb = parameterize_notebook(nb, parameters, kernel_name=kernel)
        except Exception:  # the error cell is what matters
            pass
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            "# This report did not finish, and what its cells showed was lost; none of the cells below has outputs.",
            outputs=[nbformat.v4.new_output("error", ename=name, evalue=error, traceback=[f"{name}: {error}"])]))
        nb.metadata[UNFINISHED] = True
        nbformat.write(nb, output)
    except Exception:  # nothing to keep: the index and the terminal say so
        Path(output).unlink(missing_ok=True)


def scrub_timings(path: Path):
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
    return nb


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


class OutputError(ParameterError):
    """The output folder cannot be used (a file, not writable) or filled up while the quarter was written: nothing
    was published."""


class RefreshBusy(ParameterError):
    """Another refresh of the same quarter is running into the same output folder (or with the same work folder)."""


def _output_message(err: OSError, out_dir: Path) -> str:
    where = err.filename or out_dir
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        what = (f"the disk is full (no space left on the device holding {where}). Free some space, or choose another "
                "--out (and --work), and run again.")
    elif err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what = f"{where} cannot be written to (a read-only folder or disk, or no permission). Choose another --out."
    elif err.errno in (errno.EEXIST, errno.ENOTDIR) and not Path(out_dir).is_dir():
        what = f"--out {out_dir} is a file, or inside one, not a folder. Choose a folder."
    else:
        what = f"{err.strerror or err} ({where})."
    return f"Could not write the reports: {what} Nothing was published."


def _holder_text(holder: Path) -> str:
    """Who holds a refresh lock, from the note it wrote beside it (which it may not have written yet)."""
    for _ in range(10):
        try:
            info = json.loads(holder.read_text())
            break
        except (OSError, ValueError):
            time.sleep(0.05)
    else:
        return " (its details are not written yet)"
    try:
        started = f"{datetime.fromisoformat(info['started']):%d %B %Y at %H:%M:%S}".lstrip("0")
        text = f" (process {int(info['pid'])} on {info['host']}, started {started} UTC)"
    except (KeyError, TypeError, ValueError):
        return ""
    if info.get("host") == socket.gethostname() and not _alive(int(info["pid"])):
        text += ("; that process has ended, so a process it started still holds the lock: end it (look for "
                 "python or chromium processes), then run again")
    return text


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would send Ctrl-C on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@contextmanager
def _one_at_a_time(lock_file: Path, who: str):
    """Hold `lock_file` (an operating-system lock, so one left by a killed run is free again at once) for the
    whole run, with a note beside it saying who holds it; RefreshBusy if another run holds it."""
    from filelock import FileLock, Timeout

    holder = lock_file.with_suffix(".holder.json")
    lock = FileLock(str(lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RefreshBusy(f"{who} is already running{_holder_text(holder)}. One refresh of a quarter runs at a "
                          "time: wait for it to finish, then run this again.") from None
    try:
        holder.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                      "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                      "command": " ".join(sys.argv)}))
        yield
    finally:
        # Both files go while the lock is held, so the next holder's are never removed (a run that was waiting on
        # the removed lock file takes the lock on a new one: filelock checks).
        try:
            holder.unlink(missing_ok=True)
            lock_file.unlink(missing_ok=True)
        finally:
            lock.release()


@contextmanager
def _interrupts_wait():
    """Ctrl-C while the quarter's folder is swapped in (and the locks released) is ignored: the folder is whole
    and the run published. Only the main thread can do this; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _earlier_pdfs(old: Path, build: Path, done: list[str], pack: str, this: dict) -> tuple[dict | None, str]:
    """For a run that prints no PDFs: the quarter's existing PDFs, linked into `build`, if they were made from the
    same extract, parameters and code and the pages are unchanged; else None. With a note saying which, and why."""
    try:
        earlier = json.loads((old / "manifest.json").read_text())
    except (OSError, ValueError):
        return None, ""
    pdfs = [old / f"{name}.pdf" for name in done] + [old / pack]
    if not (old / pack).exists():
        return None, ""  # the earlier run made none either
    places = (set(RUNNER_PARAMETERS) | set(SUMMARY_PARAMETERS)) - {"quarter"}  # where things are, not what they hold

    def settings(manifest: dict) -> dict:
        return {k: v for k, v in (manifest.get("parameters") or {}).items() if k not in places}

    differs = [what for what, same in (
        ("a different extract", earlier.get("inputs") == this["inputs"]),
        ("different parameters", settings(earlier) == settings(this)),
        ("different code", earlier.get("git_commit") == this["git_commit"] != "unknown")) if not same]
    if not differs and not all(path.exists() for path in pdfs):
        differs = ["a different set of finished reports"]
    if not differs and not all(_same_file(old / f"{name}.html", build / f"{name}.html") for name in done):
        differs = ["pages that have changed since"]  # the same commit, but files changed (a "-modified" commit)
    if differs:
        return None, (" The PDFs published earlier for this quarter were removed: they were made from "
                      f"{' and '.join(differs)}.")
    for source in pdfs:
        try:
            os.link(source, build / source.name)
        except OSError:
            shutil.copy2(source, build / source.name)
    printed_at = (earlier.get("run") or {}).get("pdfs_printed_at") or (earlier.get("run") or {}).get("run_at")
    return {"printed_at": printed_at}, ""


def refresh(quarter: str, data_dir: Path, out_dir: Path, *, work_dir: Path | None = None,
            notebooks_dir: Path = NOTEBOOKS, options: dict[str, str] | None = None,
            parallel: bool = True, progress: bool = True, pdf: bool = True) -> RefreshResult:
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
    work = (Path(work_dir) if work_dir else REPO / "work").resolve() / q.slug
    # What the files' first lines show (a missing folder, file or column; the extract date) is checked before
    # anything starts. The rows are checked below, while the first reports' kernels start.
    info, _, _ = check_files(data_dir)
    extract_date = pd.Timestamp(info["extract_date"])
    if pd.Timestamp(q.end) > extract_date:
        raise ParameterError(f"Quarter {q.label} ends on {q.end:%d %B %Y}, after the extract was taken "
                             f"({extract_date:%d %B %Y}): its figures would be incomplete.")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {out_dir} is a file, not a folder. Choose a folder (it is made if it does not "
                          "exist). Nothing was published.")
    build = out_dir / f".build-{q.slug}"
    main_thread = threading.current_thread() is threading.main_thread()
    interrupt_handler = signal.getsignal(signal.SIGINT)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        work.mkdir(parents=True, exist_ok=True)
        # One run at a time per output folder and quarter (they would share the folder built aside), and per work
        # folder and quarter (they would share the audit's figures): held until the quarter is published.
        with ExitStack() as held:
            held.enter_context(_one_at_a_time(out_dir / f".refresh-{q.slug}.lock",
                                              f"A refresh of {q.label} into {out_dir}"))
            held.enter_context(_one_at_a_time(work / ".refresh.lock",
                                              f"A refresh of {q.label} using the work folder {work}"))
            try:
                result = _refresh(q, notebooks, chosen, data_dir, out_dir, work, build, parallel, progress, pdf,
                                  timings, clock)
                with _interrupts_wait():  # from here the quarter is published: Ctrl-C no longer stops it
                    _publish(build, out_dir / q.slug)
                    held.close()
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)  # nothing was published
                raise
            return result
    except OSError as err:  # the output folder is a file, read-only, or full
        raise OutputError(_output_message(err, out_dir)) from None
    finally:
        if main_thread:  # a Ctrl-C while stopping was ignored (see _refresh's stop)
            signal.signal(signal.SIGINT, interrupt_handler)


def _publish(build: Path, final: Path) -> None:
    """Swap the quarter's folder, built aside, in whole."""
    old = final.with_name(f".old-{final.name}")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    build.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _refresh(q: Quarter, notebooks: list[Path], chosen: dict, data_dir: Path, out_dir: Path, work: Path,
             build: Path, parallel: bool, progress: bool, pdf: bool, timings: dict[str, float],
             clock: float) -> RefreshResult:
    """Everything `refresh` does once it holds the locks, up to a complete quarter in `build` (not yet published)."""
    from tqdm.auto import tqdm

    shutil.rmtree(build, ignore_errors=True)  # left by a run that was killed
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

    from . import pdf as pdf_module
    from .pdf import find_chromium, join_pack, print_page

    browser = find_chromium() if pdf else None
    pack_name = f"committee-pack-{q.slug}.pdf"
    pdf_note = (None if browser else "PDFs were not made: " +
                ("switched off for this run." if not pdf else "no Chromium was found (install Debian's chromium package, or set CHROMIUM)."))
    busy: dict[str, list[tuple[float, float]]] = {"rendering": [], "pdf": []}
    stopping = threading.Event()  # set when the run stops early: no further page is printed

    def finish(nb: Path, run: NotebookRun, heading: str) -> tuple[pd.DataFrame | None, Path | None]:
        """Render a finished notebook and print its page (in a thread, while other notebooks run; the HTML
        conversion itself runs one page at a time, see rendering.to_html)."""
        begun = time.perf_counter()
        figures = _render(nb, run, build, heading)
        busy["rendering"].append((begun, time.perf_counter()))
        if not browser or run.error:
            return figures, None
        begun = time.perf_counter()
        printed = print_page(build / f"{nb.stem}.html", browser, stop=stopping)
        busy["pdf"].append((begun, time.perf_counter()))
        return figures, printed

    started = time.perf_counter()
    finishing: dict[str, Future] = {}
    bar = None
    pools: list = []

    def stop(kind, error, trace) -> bool:
        """Leaving the pools because of Ctrl-C or an unexpected error: end the workers (their kernels end with them)
        and Chromium now, rather than wait for every report. (A problem with the extract lets the started reports
        stop at their first cell, as before.)"""
        if kind is not None and not issubclass(kind, (ExtractError, ParameterError)):
            if issubclass(kind, KeyboardInterrupt) and threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
            stopping.set()
            for executor in pools:
                if isinstance(executor, ThreadPoolExecutor):
                    executor.shutdown(wait=False, cancel_futures=True)
                else:
                    processes.kill_workers(executor)
            pdf_module.stop_printing()
        return False

    try:
        with ExitStack() as stack:
            # Validate in a child process, so the memory it needs (a national extract's largest file) is handed
            # back before the reports load their tables. Its worker is forked first, while this process has no
            # other threads; then the report workers, while the validation pool's thread waits on a pipe. Workers
            # end with this process, even if it is killed (processes.worker_start).
            workers = {"initializer": processes.worker_start, "initargs": (os.getpid(),)}
            checking = stack.enter_context(ProcessPoolExecutor(max_workers=1, **workers))
            pools.append(checking)
            stack.push(stop)
            validating = checking.submit(extract_module.load, data_dir, work)
            biggest = max(len(stage) for stage in stages)
            pool = (stack.enter_context(ProcessPoolExecutor(max_workers=max(1, min(biggest, os.cpu_count() or 1)),
                                                            **workers))
                    if parallel and biggest > 1 else None)
            if pool:
                pools.append(pool)
                stack.push(stop)
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
            pools.append(after)
            stack.push(stop)
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
    except BaseException:
        if bar is not None:
            bar.close()
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
        "pdfs": "printed by this run" if not pdf_note else "none: " + pdf_note,
        # Everything that changes from one run to the next is here; the rest is reproducible.
        "run": {
            "run_at": run_time.isoformat(timespec="seconds"),
            "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
            "notebook_seconds": {r.name: round(r.seconds, 2) for r in runs.values()},
            "pdfs_printed_at": run_time.isoformat(timespec="seconds") if not pdf_note else None,
        },
    }
    if not browser:  # the quarter's PDFs already published stay only if this run would have printed the same
        kept, why = _earlier_pdfs(out_dir / q.slug, build, [nb.stem for nb in notebooks if not runs[nb.stem].error],
                                  pack_name, manifest)
        if kept:
            printed_at = kept["printed_at"]
            manifest["pdfs"] = "kept from an earlier run of this quarter with the same extract, parameters and code"
            manifest["run"]["pdfs_printed_at"] = printed_at
            when = datetime.fromisoformat(printed_at) if printed_at else None
            pdf_note = ("The PDFs were printed " + (f"on {when:%d %B %Y at %H:%M} UTC " if when else "")
                        + "by an earlier run of this quarter from the same extract, parameters and code; this run "
                        "did not print them again, and its pages are the same.")
        elif why:
            pdf_note += why
            manifest["pdfs"] = "none: " + pdf_note
    (build / "manifest.json").write_text(json.dumps(manifest, indent=2))
    ordered = [runs[nb.stem] for nb in notebooks]
    pack = pack_name if (build / pack_name).exists() else None
    (build / "index.html").write_text(index_page(q, ext.area_name, ext.extract_date, run_time, ordered, out_dir,
                                                 pack, pdf_note), encoding="utf-8")

    return RefreshResult(folder=out_dir / q.slug, runs=ordered, timings=timings)


def index_page(q: Quarter, area: str, extract_date, run_time: datetime, runs: list[NotebookRun], out_dir: Path,
               pack: str | None = None, pdf_note: str | None = None) -> str:
    """The quarter's index: each report with its one-line finding, the extract and run dates, neighbouring quarters.
    Like the reports, it runs no script and fetches nothing (rendering.CONTENT_SECURITY_POLICY)."""
    from .rendering import CONTENT_SECURITY_POLICY

    items = []
    for run in runs:
        if run.error:
            name = html.escape(run.name)
            title = (f'<a href="notebooks/{name}.ipynb">{html.escape(run.title)}</a>' if run.notebook
                     else html.escape(run.title))
            reached = (f'<a href="{name}.html">what it reached</a>' if run.page else
                       "no page: it stopped before its outputs were saved" + (
                           "; the notebook, linked here, shows the error" if run.notebook else ""))
            items.append(f'<li>{title} <strong class="failed">did not finish</strong>: {html.escape(run.error)} '
                         f'({reached})</li>')
        else:
            pdf_link = f' (<a href="{html.escape(run.name)}.pdf">PDF</a>)' if pack else ""
            items.append(f'<li><a href="{html.escape(run.name)}.html">{html.escape(run.title)}</a>{pdf_link}'
                         + (f"<br><span>{html.escape(run.headline)}</span>" if run.headline else "") + "</li>")
    neighbours = []
    for label, other in (("Previous quarter", q.previous), ("Same quarter last year", q.same_quarter_last_year)):
        if (out_dir / other.slug / "index.html").exists():
            neighbours.append(f'<a href="../{other.slug}/index.html">{label}: {other.label}</a>')
    css = (Path(__file__).parent / "templates" / "yjs_report" / "report.css").read_text()
    pack_link = f'<a href="{pack}">All reports as one A4 PDF for the committee pack</a>' if pack else ""
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
<p>{' '.join(part for part in (pack_link, html.escape(pdf_note or '')) if part)}</p>
<h2>Other quarters</h2>
<p>{' &middot; '.join(neighbours) if neighbours else 'No earlier quarter has been produced in this folder yet.'}</p>
<h2>For analysts</h2>
<p><a href="figures.csv">Every figure in these reports</a> (CSV; <a href="figures_vocabulary.md">what the columns mean</a>)
and the <a href="manifest.json">run manifest</a> (parameters, input checksums, package versions). Small numbers are
suppressed as [c] throughout.</p>
</main></body></html>
"""
