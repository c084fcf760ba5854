"""A4 PDFs of the reports, printed by the system Chromium (the committee pack is printed the same way: pack.py).

Chromium comes from the operating system (Debian's ``chromium`` package, or Chrome/Edge on Windows); nothing is
downloaded. Page size and margins come from the reports' print CSS (``@page { size: A4 }``). Chromium's PDFs are
tagged (structure, language, title from the page's ``<title>``) and have an outline (bookmarks) made from the
headings. Without a Chromium the refresh still runs and the index says that PDFs were not made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "msedge")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-pdf-header-footer",  # the browser's own date and file name; the pack has its own (pack.css)
    "--generate-pdf-document-outline",  # bookmarks from the headings
)


def find_chromium() -> str | None:
    """The browser to print with: $CHROMIUM if set, else the first of the usual names on the PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


class Stopped(Exception):
    """Printing was stopped (the refresh was interrupted or failed)."""


_running: set[subprocess.Popen] = set()  # the Chromiums printing now, so that a stopped refresh can end them
_guard = threading.Lock()


def print_pdf(html: Path, pdf: Path, browser: str, timeout: int = 120, stop: threading.Event | None = None) -> None:
    """Print `html` to `pdf`. Chromium ends with this process (processes.child_setup); `stop_printing` ends it
    sooner, and once `stop` is set no new Chromium starts."""
    from analysis.publish.processes import child_setup

    with tempfile.TemporaryDirectory() as profile:
        with _guard:
            if stop is not None and stop.is_set():
                raise Stopped(f"{pdf.name} was not printed: the refresh stopped")
            proc = subprocess.Popen(
                [browser, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                preexec_fn=child_setup(),
            )
            _running.add(proc)
        try:
            with proc:
                try:
                    out, err = proc.communicate(timeout=timeout)
                except BaseException:  # too slow, or Ctrl-C while waiting: this Chromium ends here
                    proc.kill()
                    proc.communicate()
                    raise
        finally:
            with _guard:
                _running.discard(proc)
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, out, err)
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not write {pdf.name}")


def stop_printing() -> None:
    """End every Chromium printing now (from any refresh in this process)."""
    with _guard:
        for proc in list(_running):
            try:
                proc.kill()
            except OSError:
                pass


def print_page(page: Path, browser: str, stop: threading.Event | None = None) -> Path:
    """Print one HTML page to an A4 PDF beside it (same name, .pdf); returns the PDF's path."""
    pdf = page.with_suffix(".pdf")
    print_pdf(page, pdf, browser, stop=stop)
    return pdf
