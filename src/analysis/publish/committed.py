"""The notebooks committed to the repository: executed on the demo extract, without what changes from run to run.

`make notebooks` executes each report notebook in place on the demo data and then calls `tidy`, which removes the
execution timestamps and durations and the charts' PNG data. nbval never compares images (it skips ``image/png``),
and the pages are always built from freshly executed copies, so the images only made every rerun a large, unreadable
diff. Each chart's title (its ``text/plain``) and alt text (in the output's metadata) stay, so a changed chart still
shows as a readable change; the numbers behind the charts are guarded by the golden figures file
(``tests/golden``). The pre-commit hook runs ``python -m analysis tidy-notebooks --check``.
"""

from __future__ import annotations

from pathlib import Path

from analysis.publish.execute import drop_timings

IMAGES = ("image/png", "image/jpeg", "image/svg+xml")


def without_images(nb):
    """The notebook with the image data removed from every output (its text and metadata stay). Changes `nb`."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for kind in IMAGES:
                output.get("data", {}).pop(kind, None)
    return nb


def tidy(paths: list[Path], check: bool = False) -> list[Path]:
    """Remove timings and chart images from the notebooks at `paths`; with `check`, change nothing. Returns the
    notebooks that were (or, with `check`, would be) changed."""
    import nbformat

    changed = []
    for path in paths:
        before = Path(path).read_text(encoding="utf-8")
        nb = without_images(drop_timings(nbformat.reads(before, as_version=4)))
        after = nbformat.writes(nb)
        after += "" if after.endswith("\n") else "\n"  # as nbformat.write ends a file
        if after != before:
            changed.append(Path(path))
            if not check:
                Path(path).write_text(after, encoding="utf-8")
    return changed
