"""What the run manifest records about the code (package versions, git commit), and whether PDFs printed by an
earlier run of the same quarter can be kept."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
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
