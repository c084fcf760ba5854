"""Which notebooks are reports, and in what order they run and are listed."""

from __future__ import annotations

import json
from pathlib import Path

from analysis import paths


def is_summary(notebook: Path) -> bool:
    """Notebooks numbered 90 to 99 summarise the others: they run last and are listed first."""
    return notebook.name[:2] >= "90"


def report_notebooks(directory: Path = paths.NOTEBOOKS) -> list[Path]:
    """The report notebooks in reading order: summaries (90_ to 99_) first, then the rest by number (00_, 10_, ...)."""
    found = sorted(Path(directory).glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if is_summary(p)] + [p for p in found if not is_summary(p)]


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


def busy_seconds(intervals: list[tuple[float, float]]) -> float:
    """Wall time covered by at least one of the (start, end) intervals."""
    total, reach = 0.0, float("-inf")
    for begin, end in sorted(intervals):
        if end > reach:
            total += end - max(begin, reach)
            reach = end
    return total
