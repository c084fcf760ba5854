"""Headline tiles: one small panel per measure, for a summary that fits on one page.

Each tile shows the latest figure and what it covers, its change on a year earlier, a direction mark in the manner of
NHS England's *Making Data Count* (a rise or fall that a test for trend calls more than chance is a concern or an
improvement, depending on which way is better; otherwise "no significant change"), an eight-quarter sparkline and,
where one is published, the comparator. Every tile carries alt text that states its finding (on the sparkline, which
is an image) and says the same in its visible text. Text is escaped: some of it (comparator names) comes from input
files. The sparkline is inline SVG, so the page needs no script and no image file.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

MARKS = {  # mark: (label shown, CSS class)
    "concern": ("Concern", "concern"),
    "improvement": ("Improvement", "improvement"),
    "no significant change": ("No significant change", "steady"),
    "not tested": ("Not tested", "untested"),
}


@dataclass(frozen=True)
class Tile:
    title: str  # "Binary reoffending rate"
    figure: str  # the latest figure as printed ("35.8%", or "[c]")
    covers: str  # what and when it covers ("12-month cohort, Oct 2023 to Sep 2024")
    change: str  # "up from 20.4% a year earlier"
    mark: str  # a key of MARKS
    mark_text: str  # why: "rising across 12 quarterly cohorts (Cochran–Armitage test)"
    alt: str  # the finding in one sentence, for the sparkline's alt text
    values: list[float] = field(default_factory=list)  # the last eight quarters, oldest first; NaN = not shown
    comparator: str = ""  # "England and Wales: 31.5% (Jul 2022 to Jun 2023, published)"


def sparkline(values: list[float], alt: str, width: int = 150, height: int = 34) -> str:
    """An inline SVG line of the values (gaps where a value is not shown), the latest marked with a dot."""
    pad = 4
    shown = [v for v in values if not math.isnan(v)]
    title = html.escape(alt)
    if len(shown) < 2:
        return (
            f'<svg class="spark" role="img" aria-label="{title}" width="{width}" height="{height}">'
            f"<title>{title}</title></svg>"
        )
    low, high = min(shown), max(shown)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def point(i: int, v: float) -> tuple[float, float]:
        return pad + i * step, height - pad - (v - low) / span * (height - 2 * pad)

    runs, run = [], []
    for i, v in enumerate(values):
        if math.isnan(v):
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point(i, v))
    if run:
        runs.append(run)
    lines = "".join(
        '<polyline fill="none" stroke="#12436D" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in r)
        + '"/>'
        for r in runs
        if len(r) > 1
    )
    dots = ""
    if not math.isnan(values[-1]):
        x, y = point(len(values) - 1, values[-1])
        dots = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#12436D"/>'
    return (
        f'<svg class="spark" role="img" aria-label="{title}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{title}</title>{lines}{dots}</svg>'
    )


def tile_html(t: Tile) -> str:
    label, css = MARKS[t.mark]
    e = html.escape
    comparator = f'<p class="comparator">{e(t.comparator)}</p>' if t.comparator else ""
    return (
        f'<section class="tile {css}"><h3>{e(t.title)}</h3>'
        f'<p class="figure">{e(t.figure)}</p><p class="covers">{e(t.covers)}</p>'
        f'<p class="change">{e(t.change)}</p>'
        f'<p class="mark"><span class="badge">{e(label)}</span> {e(t.mark_text)}</p>'
        f"{sparkline(t.values, t.alt)}{comparator}</section>"
    )


def tiles_html(tiles: list[Tile], caption: str) -> str:
    """The tiles as a grid, with a one-line key to the marks."""
    key = (
        "Marks: <strong>Concern</strong> or <strong>Improvement</strong>, a rise or fall across the last quarters "
        "larger than chance would explain; <strong>No significant change</strong>, none; <strong>Not tested</strong>, "
        "too few events, or a measure that cannot be tested. Lines: the last eight quarters."
    )
    body = "".join(tile_html(t) for t in tiles)
    group = f'<div class="tiles" role="group" aria-label="{html.escape(caption)}">{body}</div>'
    return group + f'<p class="tiles-key">{key}</p>'


def show(tiles: list[Tile], caption: str) -> None:
    """Display the tiles in a notebook (the page's HTML)."""
    from IPython.display import HTML, display

    display(HTML(tiles_html(tiles, caption)))
