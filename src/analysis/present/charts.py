"""Charts in the Analysis Function style, each with a title that states its finding.

Every chart has a headline title (the finding, in words), a subtitle (measure,
area, period), a source note, and alt text that reaches the HTML. Style, colours
and text sizes come from the Analysis Function's own package, afcharts (its
Matplotlib style sheet and accessible palettes). Suppressed values are never
drawn: the bar or point is left out and labelled ``[c]``. Nothing is told by
colour alone: lines are labelled where they end and differ in dash and marker
too, and the series of grouped bars differ in pattern, shown in their key.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass

import matplotlib
import matplotlib.style
import numpy as np
from afcharts.af_colours import get_af_colours  # type: ignore[import-untyped]  # afcharts ships no types
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from analysis.safety.suppression import SYMBOL

# The Analysis Function's accessible palettes, from afcharts
CATEGORICAL = tuple(get_af_colours("categorical"))
DUO = tuple(get_af_colours("duo"))
FOCUS, CONTEXT = get_af_colours("focus")
TEXT_GREY = "#3D3D3D"  # subtitles, sources and value labels: 10.4:1 on white
PATTERNS = ("", "////", "..", "xx", "\\\\", "oo")  # grouped bars: the first series plain, the others patterned
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D")

# The afcharts Matplotlib style (font size, axes, grid, ticks, colour cycle), then what this product fixes on top:
# the font Matplotlib ships (so a chart is drawn the same on every machine, and reruns are byte-identical), and no
# maths in text from input files
matplotlib.style.use("afcharts.afcharts")
BASE_SIZE = float(matplotlib.rcParams["font.size"])  # afcharts: 14 pt
SIZES = {  # relative to the afcharts base size
    "title": BASE_SIZE * 1.15,
    "subtitle": BASE_SIZE * 0.9,
    "axis": BASE_SIZE * 0.85,  # tick labels and axis titles
    "label": BASE_SIZE * 0.8,  # values and names written on the chart
    "source": BASE_SIZE * 0.7,
}
matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "xtick.labelsize": SIZES["axis"],
        "ytick.labelsize": SIZES["axis"],
        "axes.labelsize": SIZES["axis"],
        "legend.fontsize": SIZES["label"],
        "hatch.linewidth": 1.5,
        "svg.hashsalt": "yjs",
        # Titles, labels and source lines carry text from input files (area names, publications): a "$" in them
        # must show as a dollar sign, not start matplotlib's maths (which draws "$x$" as an italic x, and fails on
        # "$\\frac{")
        "text.parse_math": False,
    }
)


def _luminance(colour) -> float:
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(colour, background="#FFFFFF") -> float:
    """WCAG contrast ratio of two colours."""
    a, b = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour(colour) -> str:
    """A series' colour for its label if it is readable as text on white (4.5:1), otherwise dark grey."""
    return colour if contrast(colour) >= 4.5 else TEXT_GREY


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


def _wrap(text: str, width_in: float, size: float) -> list[str]:
    """Lines of about 110 characters of 10 pt text per 9 inches (about four fifths of the figure's width)."""
    return textwrap.wrap(text, max(20, int(width_in * 110 / size)))


def frame(fig, ax, title: str, subtitle: str, source: str) -> None:
    """Headline, subtitle and source note, left-aligned across the whole figure (not just the plot area,
    so long category labels cannot push them off the edge)."""
    width_in, height_in = fig.get_size_inches()
    title_lines = _wrap(title, width_in, SIZES["title"])
    subtitle_lines = _wrap(subtitle, width_in, SIZES["subtitle"])
    source_lines = _wrap(source, width_in, SIZES["source"])

    def tall(lines: list[str], size: float) -> float:  # inches
        return len(lines) * size * 1.25 / 72

    title_h, subtitle_h, source_h = (
        tall(title_lines, SIZES["title"]),
        tall(subtitle_lines, SIZES["subtitle"]),
        tall(source_lines, SIZES["source"]),
    )
    pad = 0.1
    fig.text(0.01, 1 - pad / height_in, "\n".join(title_lines), fontsize=SIZES["title"], fontweight="bold", va="top")
    fig.text(
        0.01,
        1 - (pad + title_h + 0.06) / height_in,
        "\n".join(subtitle_lines),
        fontsize=SIZES["subtitle"],
        color=TEXT_GREY,
        va="top",
    )
    fig.text(0.01, 0.08 / height_in, "\n".join(source_lines), fontsize=SIZES["source"], color=TEXT_GREY, va="bottom")
    top = pad + title_h + 0.06 + subtitle_h + 0.15
    bottom = 0.08 + source_h + 0.1
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
    x_label: str = "",
    emphasis=None,
):
    """One bar per label (top to bottom in the order given), each with its value written at its end; withheld
    values drawn as a '[c]' label only. `emphasis` (one flag per label) sets those labels in bold, so a bar
    picked out in colour (this area among others) is picked out in words too."""
    labels = list(labels)
    values = np.asarray(values, dtype=float)
    suppressed = np.zeros(len(labels), bool) if suppressed is None else np.asarray(suppressed, bool)
    fig, ax = new(height=2.9 + 0.5 * len(labels))
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
        ax.text((tip if ok else 0) + span * 0.015, yi, text, va="center", fontsize=SIZES["label"], color=TEXT_GREY)
    if reference is not None:
        ax.axvline(reference, color=TEXT_GREY, lw=1, ls="--")
        if reference_label:
            ax.text(reference, y.max() + 0.6, reference_label, fontsize=SIZES["label"], color=TEXT_GREY, ha="center")
    ax.set_yticks(y, labels)
    if emphasis is not None:
        for tick, bold in zip(ax.get_yticklabels(), emphasis):
            if bold:
                tick.set_fontweight("bold")
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_xlim(0, span * 1.2)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.grid(True)
    ax.yaxis.grid(False)
    if x_label:
        ax.set_xlabel(x_label)
    frame(fig, ax, title, subtitle, source)
    return fig


def _spread(positions: list[float], gap: float) -> list[float]:
    """Label heights moved apart just enough that no two are closer than `gap`, keeping their order."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    overshoot = (placed[-1] - max(positions)) / 2 if placed else 0  # centre the moved group on where it was
    result = [0.0] * len(positions)
    for k, i in enumerate(order):
        result[i] = placed[k] - max(0.0, overshoot) if len(placed) > 1 else placed[k]
    return result


def lines(
    x_labels,
    series: dict,
    *,
    title: str,
    subtitle: str,
    source: str,
    y_label: str = "",
    x_label: str = "",
    bands: dict | None = None,
    value_format=lambda v: f"{v:,.0f}",
    withheld=None,
):
    """Lines labelled with their name and value where they end (no legend), each in its own dash and marker as
    well as colour; optional shaded interval bands per series (a point standing alone gets its interval as a
    line). `withheld` (one flag per x position) writes '[c]' at the foot of the chart where a value is withheld,
    so a gap in a line says why it is there."""
    fig, ax = new(height=5.6)
    x = np.arange(len(x_labels))
    ends = []  # (x, y, text, colour) of each line's label
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        colour = CATEGORICAL[i % len(CATEGORICAL)]
        ax.plot(
            x, values, color=colour, lw=2, ls=LINE_STYLES[i % len(LINE_STYLES)], marker=MARKERS[i % len(MARKERS)], ms=5
        )
        if bands and name in bands:
            lo, hi = (np.asarray(b, float) for b in bands[name])
            ax.fill_between(x, lo, hi, color=colour, alpha=0.15, lw=0)
            have = ~np.isnan(values)
            before = np.r_[False, have[:-1]]
            after = np.r_[have[1:], False]
            alone = have & ~before & ~after & ~np.isnan(lo) & ~np.isnan(hi)  # no band can be drawn around it
            if alone.any():
                ax.errorbar(
                    x[alone],
                    values[alone],
                    yerr=[values[alone] - lo[alone], hi[alone] - values[alone]],
                    fmt="none",
                    ecolor=colour,
                    alpha=0.5,
                    capsize=3,
                    lw=1.5,
                )
        last = np.where(~np.isnan(values))[0]
        if len(last):
            j = last[-1]
            text = f"{name}: {value_format(values[j])}" if len(series) > 1 else value_format(values[j])
            # a line another one carries on from (complete cohorts, then maturing ones) is labelled above its end
            carried_on = any(
                (~np.isnan(np.asarray(other, float)[j + 1 :])).any()
                for other_name, other in series.items()
                if other_name != name
            )
            ends.append((x[j], values[j], text, colour, carried_on))
    ax.set_ylim(bottom=0)
    low, high = ax.get_ylim()
    right = [e for e in ends if not e[4]]
    for (xj, _y, text, colour, _), ty in zip(right, _spread([e[1] for e in right], (high - low) * 0.07)):
        ax.text(xj + 0.15, ty, text, va="center", fontsize=SIZES["label"], color=text_colour(colour), weight="bold")
    for xj, yj, text, colour, _ in (e for e in ends if e[4]):
        ax.text(
            xj,
            yj + (high - low) * 0.04,
            text,
            ha="center",
            va="bottom",
            fontsize=SIZES["label"],
            color=text_colour(colour),
            weight="bold",
        )
    if withheld is not None:
        for xi in x[np.asarray(withheld, bool)]:
            ax.text(xi, (high - low) * 0.02, SYMBOL, ha="center", va="bottom", fontsize=SIZES["label"], color=TEXT_GREY)
    step = max(1, -(-len(x_labels) // 10))  # at most about ten labels on the axis
    ax.set_xticks(x[::step], list(x_labels)[::step], rotation=0)
    if step > 1:
        ax.set_xticks(x, minor=True)
    ax.set_ylabel(y_label)
    ax.set_xlabel(x_label)
    # room on the right for the labels: about 7.5 px a character, in a plot about 780 px wide
    inside = len(x_labels) - 0.4
    room = 0.9
    for xj, _y, text, _c, _ in right:
        label_px = min(390.0, 7.5 * len(text) + 15)
        room = max(room, label_px * inside / (780 - label_px) - (len(x_labels) - 1 - xj))
    ax.set_xlim(-0.3, len(x_labels) - 1 + room)
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
