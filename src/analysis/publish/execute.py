"""Running one report notebook with papermill in a worker process, its kernel's own messages kept in a log; and
the executed notebook made reproducible (no timestamps)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.publish import processes


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
            f"; its page shows what it reached: {folder / (self.name + '.html')}"
            if self.page
            else "; there is no page (the report stopped before its outputs were saved)."
        )


KERNEL = "yjs-analysis"


CELL_TIMEOUT = 1800


def papermill_module():
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


def kernel_name() -> str:
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


def execute(
    notebook: str, output: str, parameters: dict, cwd: str, kernel: str, log: str
) -> tuple[str, float, float, str | None]:
    """Run one notebook (in a worker process), its kernel's own messages going to `log`. Returns (name, start time
    (epoch seconds), end time, error or None)."""
    papermill = papermill_module()
    from papermill.exceptions import PapermillExecutionError

    started = time.time()
    error = None
    try:
        # written once, at the end (also when a cell fails), not after every cell: a report's outputs (its charts)
        # make each write cost a tenth of a second or more
        papermill.execute_notebook(
            notebook,
            output,
            parameters=parameters,
            kernel_name=kernel,
            cwd=cwd,
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT,
            log_output=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=_logged_kernels(Path(log)),
        )
    except PapermillExecutionError as err:
        error = f"cell {err.exec_count} failed with {err.ename}: {err.evalue}"
    except Exception as err:  # a dead kernel or a missing kernel is still the analyst's to read
        error = f"{type(err).__name__}: {err} (the kernel's own messages are in {log})"
        keep_unfinished(notebook, output, parameters, kernel, type(err).__name__, error)
    return Path(notebook).stem, started, time.time(), error


UNFINISHED = "refresh_outputs_lost"  # metadata of a notebook kept by keep_unfinished: it has no page


def keep_unfinished(notebook: str, output: str, parameters: dict, kernel: str, name: str, error: str) -> None:
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
        nb.cells.insert(
            0,
            nbformat.v4.new_code_cell(
                "# This report did not finish, and what its cells showed was lost; "
                "none of the cells below has outputs.",
                outputs=[nbformat.v4.new_output("error", ename=name, evalue=error, traceback=[f"{name}: {error}"])],
            ),
        )
        nb.metadata[UNFINISHED] = True
        nbformat.write(nb, output)
    except Exception:  # nothing to keep: the index and the terminal say so
        Path(output).unlink(missing_ok=True)


def scrub_timings(path: Path):
    """Drop per-cell execution timestamps so a rerun on the same extract gives an identical notebook
    (the run's time and durations are in the manifest's `run` block)."""
    import nbformat

    nb = drop_timings(nbformat.read(path, as_version=4))
    nbformat.write(nb, path)
    return nb


def drop_timings(nb):
    """The notebook without its execution timestamps and durations, and with a fixed id for papermill's parameters
    cell (it gives it a random one). Changes `nb` and returns it."""
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        cell.metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell.metadata.get("papermill", {}).pop(key, None)
    for key in ("start_time", "end_time", "duration"):
        nb.metadata.get("papermill", {}).pop(key, None)
    return nb
