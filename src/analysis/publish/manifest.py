"""What the run manifest records about the code (package versions, git commit), and whether PDFs printed by an
earlier run of the same quarter can be kept."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

from analysis import paths
from analysis.publish.options import RUNNER_PARAMETERS, SUMMARY_PARAMETERS

PINNED = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pandera",
    "pyarrow",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter_client",
)


def git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=paths.PROJECT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.PROJECT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return commit + ("-modified" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "analysis": metadata.version("analysis")}
    for name in PINNED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def earlier_pdfs(old: Path, build: Path, done: list[str], pack: str, this: dict) -> tuple[dict | None, str]:
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

    differs = [
        what
        for what, same in (
            ("a different extract", earlier.get("inputs") == this["inputs"]),
            ("different parameters", settings(earlier) == settings(this)),
            ("different code", earlier.get("git_commit") == this["git_commit"] != "unknown"),
        )
        if not same
    ]
    if not differs and not all(path.exists() for path in pdfs):
        differs = ["a different set of finished reports"]
    if not differs and not all(_same_file(old / f"{name}.html", build / f"{name}.html") for name in done):
        differs = ["pages that have changed since"]  # the same commit, but files changed (a "-modified" commit)
    if differs:
        return None, (
            f" The PDFs published earlier for this quarter were removed: they were made from {' and '.join(differs)}."
        )
    for source in pdfs:
        try:
            os.link(source, build / source.name)
        except OSError:
            shutil.copy2(source, build / source.name)
    printed_at = (earlier.get("run") or {}).get("pdfs_printed_at") or (earlier.get("run") or {}).get("run_at")
    return {"printed_at": printed_at}, ""


def record(q, ext, parameters: dict, kernel: str, audit, runs: list, timings: dict, run_time, pdf_note) -> dict:
    """The run manifest: what went in (extract, parameters, checksums, code and package versions), the disclosure
    audit, each report's status, and (under ``run``) everything that changes from one run to the next."""
    return {
        "quarter": q.label,
        "area_name": ext.area_name,
        "extract_date": ext.extract_date.isoformat(),
        "parameters": parameters | {"output_dir": "<this folder>/notebooks"},
        "inputs": {name: {"sha256": digest} for name, digest in ext.checksums.items()},
        "rows": ext.counts.to_dict(orient="records"),
        "quarantine": str(ext.quarantine_dir),
        "versions": versions(),
        "git_commit": git_commit(),
        "kernel": kernel,
        "disclosure_audit": audit.record(),
        "notebooks": {r.name: {"status": "failed" if r.error else "ok", "error": r.error} for r in runs},
        "pdfs": "printed by this run" if not pdf_note else "none: " + pdf_note,
        # Everything that changes from one run to the next is here; the rest is reproducible.
        "run": {
            "run_at": run_time.isoformat(timespec="seconds"),
            "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
            "notebook_seconds": {r.name: round(r.seconds, 2) for r in runs},
            "pdfs_printed_at": run_time.isoformat(timespec="seconds") if not pdf_note else None,
        },
    }


def keep_earlier_pdfs(manifest: dict, old: Path, build: Path, pack: str, pdf_note: str) -> str:
    """For a run that printed no PDFs: keep the quarter's published PDFs if this run would have printed the same
    (see `earlier_pdfs`), noting it in `manifest`. Returns the note the index shows about the PDFs."""
    done = [name for name, status in manifest["notebooks"].items() if status["status"] == "ok"]
    kept, why = earlier_pdfs(old, build, done, pack, manifest)
    if kept:
        printed_at = kept["printed_at"]
        manifest["pdfs"] = "kept from an earlier run of this quarter with the same extract, parameters and code"
        manifest["run"]["pdfs_printed_at"] = printed_at
        when = datetime.fromisoformat(printed_at) if printed_at else None
        return (
            "The PDFs were printed "
            + (f"on {when:%d %B %Y at %H:%M} UTC " if when else "")
            + "by an earlier run of this quarter from the same extract, parameters and code; this run "
            "did not print them again, and its pages are the same."
        )
    if why:
        pdf_note += why
        manifest["pdfs"] = "none: " + pdf_note
    return pdf_note
