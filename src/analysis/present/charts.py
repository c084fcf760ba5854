"""Charts in the Analysis Function style, each with a title that states its finding.

Every chart has a headline title (the finding, in words), a subtitle (measure,
area, period), a source note, and alt text that reaches the HTML. Colours are
the Analysis Function's accessible categorical palette, in order. Suppressed
values are never drawn: the bar is left out and labelled ``[c]``.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from analysis.safety.suppression import SYMBOL

# Analysis Function palettes (afcharts af_colours.yaml)
CATEGORICAL = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
DUO = ("#12436D", "#F46A25")
FOCUS, CONTEXT = "#12436D", "#BFBFBF"
TEXT_GREY = "#3D3D3D"

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.spines.left": False,
        "axes.edgecolor": TEXT_GREY,
        "axes.titlelocation": "left",
        "axes.grid": False,
        "svg.hashsalt": "yjs",
        # Titles, labels and source lines carry text from input files (area names, publications): a "$" in them
        # must show as a dollar sign, not start matplotlib's maths (which draws "$x$" as an italic x, and fails on
        # "$\\frac{")
        "text.parse_math": False,
    }
)


@dataclass
class Series:
    """One set of bars: a value per label, optionally with a 95% interval; withheld values are not drawn."""

    name: str
    values: list
    suppressed: list | None = None
    lower: list | None = None
    upper: list | None = None


def new(height: float = 4.0, width: float = 9.0):
    """A figure and its axes, drawn with Agg when saved. Not through pyplot: no window or figure registry is
    needed for a chart saved as an image, and a figure made directly is quicker to make and to draw."""
    fig = Figure(figsize=(width, height), dpi=100)
    return fig, fig.subplots()


def frame(fig, ax, title: str, subtitle: str, source: str) -> None:
    """Headline, subtitle and source note, left-aligned across the whole figure (not just the plot area,
    so long category labels cannot push them off the edge)."""
    width_in, height_in = fig.get_size_inches()
    chars = int(width_in * 8.5)
    title_lines = textwrap.wrap(title, int(chars * 0.8))
    subtitle_lines = textwrap.wrap(subtitle, chars)
    source_lines = textwrap.wrap(source, int(chars * 1.25))
    top = 0.12 + 0.27 * len(title_lines) + 0.2 * len(subtitle_lines) + 0.1
    bottom = 0.1 + 0.16 * len(source_lines)
    fig.text(0.01, 1 - 0.1 / height_in, "\n".join(title_lines), fontsize=14, fontweight="bold", ha="left", va="top")
    fig.text(
        0.01,
        1 - (0.16 + 0.27 * len(title_lines)) / height_in,
        "\n".join(subtitle_lines),
        fontsize=10.5,
        color=TEXT_GREY,
        ha="left",
        va="top",
    )
    fig.text(0.01, 0.08 / height_in, "\n".join(source_lines), fontsize=8.5, color=TEXT_GREY, ha="left", va="bottom")
    fig.tight_layout(rect=(0, bottom / height_in, 1, 1 - top / height_in))


def horizontal_bars(
    labels,
    values,
    suppressed=None,
    *,
    title: str,
    subtitle: str,
    source: str,
    value_format=lambda v: f"{v:,.0f}",
    lower=None,
    upper=None,
    colours=None,
    reference=None,
    reference_label: str = "",
):
    """One bar per label (top to bottom in the order given); withheld values drawn as a '[c]' label only."""
    labels = list(labels)
    values = np.asarray(values, dtype=float)
    suppressed = np.zeros(len(labels), bool) if suppressed is None else np.asarray(suppressed, bool)
    fig, ax = new(height=2.4 + 0.45 * len(labels))
    y = np.arange(len(labels))[::-1]
    shown = ~suppressed & ~np.isnan(values)
    colours = list(colours) if colours is not None else [FOCUS] * len(labels)
    ax.barh(y[shown], values[shown], color=[c for c, s in zip(colours, shown) if s], height=0.6)
    if lower is not None and upper is not None:
        lo, hi = np.asarray(lower, float), np.asarray(upper, float)
        ok = shown & ~np.isnan(lo) & ~np.isnan(hi)
        ax.errorbar(
            values[ok],
            y[ok],
            xerr=[values[ok] - lo[ok], hi[ok] - values[ok]],
            fmt="none",
            ecolor=TEXT_GREY,
            capsize=3,
            lw=1.2,
        )
    span = np.nanmax(np.where(shown, upper if upper is not None else values, np.nan), initial=0) if shown.any() else 1
    span = span if span > 0 else 1
    tips = values.copy()
    if upper is not None:  # labels go beyond the interval line, not on it
        tips = np.fmax(tips, np.asarray(upper, float))
    for yi, v, tip, s, ok in zip(y, values, tips, suppressed, shown):
        text = SYMBOL if s else ("" if np.isnan(v) else value_format(v))
        ax.text((tip if ok else 0) + span * 0.015, yi, text, va="center", fontsize=10, color=TEXT_GREY)
    if reference is not None:
        ax.axvline(reference, color=TEXT_GREY, lw=1, ls="--")
        if reference_label:
            ax.text(reference, y.max() + 0.6, reference_label, fontsize=9, color=TEXT_GREY, ha="center")
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_xlim(0, span * 1.2)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.grid(True, color="#E0E0E0")
    ax.set_axisbelow(True)
    frame(fig, ax, title, subtitle, source)
    return fig


def lines(
    x_labels,
    series: dict,
    *,
    title: str,
    subtitle: str,
    source: str,
    y_label: str = "",
    bands: dict | None = None,
    value_format=lambda v: f"{v:,.0f}",
):
    """Lines labelled at their last point (no legend); optional shaded interval bands per series."""
    fig, ax = new(height=5.0)
    x = np.arange(len(x_labels))
    styles = ("-", "--", ":", "-.")
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        colour = CATEGORICAL[i % len(CATEGORICAL)]
        ax.plot(x, values, color=colour, lw=2, ls=styles[i % len(styles)], marker="o", ms=4)
        if bands and name in bands:
            lo, hi = (np.asarray(b, float) for b in bands[name])
            ax.fill_between(x, lo, hi, color=colour, alpha=0.15, lw=0)
        last = np.where(~np.isnan(values))[0]
        if len(last):
            j = last[-1]
            ax.annotate(
                f"{name}: {value_format(values[j])}" if len(series) > 1 else value_format(values[j]),
                (x[j], values[j]),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=9.5,
                color=colour,
            )
    step = max(1, -(-len(x_labels) // 10))  # at most about ten labels on the axis
    ax.set_xticks(x[::step], list(x_labels)[::step], rotation=0, fontsize=9)
    ax.set_ylabel(y_label, color=TEXT_GREY)
    ax.set_ylim(bottom=0)
    ax.set_xlim(-0.3, len(x_labels) - 0.3 + 1.2)
    ax.yaxis.grid(True, color="#E0E0E0")
    ax.set_axisbelow(True)
    frame(fig, ax, title, subtitle, source)
    return fig


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return buf.getvalue()


def show(fig, alt: str, title: str = "") -> None:
    """Display a chart with its alt text (kept in the output metadata and rendered into the HTML)."""
    from IPython.display import display

    if not alt.strip():
        raise ValueError("Every chart needs alt text that states what it shows")
    data = base64.b64encode(png(fig)).decode()
    display({"image/png": data, "text/plain": f"Chart: {title or alt}"}, raw=True, metadata={"image/png": {"alt": alt}})
