"""Chart types the disproportionality report needs that analysis.charts lacks: grouped (paired) bars.

Same style as analysis.charts: a finding as the title, a subtitle, a source note,
Analysis Function colours (from afcharts), withheld values never drawn (labelled ``[c]``) and
missing values labelled ``[x]``. The series differ in pattern as well as colour, and the key above the
bars shows both, so no series is told apart by colour alone.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from analysis.present import charts
from analysis.present.charts import Series
from analysis.present.formatting import NOT_AVAILABLE
from analysis.safety.suppression import SYMBOL


def grouped_bars(
    labels,
    series: list[Series],
    *,
    title: str,
    subtitle: str,
    source: str,
    value_format=lambda v: f"{v:,.1f}",
    reference: float | None = None,
    reference_label: str = "",
):
    """Horizontal bars, one bar per series within each label (labels top to bottom), with a key above them
    showing each series' colour and pattern.

    Used for a cohort's share against the population's share (paired bars) and for relative rate indices of
    several cohorts with their intervals and a reference line at 1.
    """
    labels = list(labels)
    k = len(series)
    height = 0.8 / k
    fig, ax = charts.new(height=2.6 + 0.36 * k * len(labels) + 0.25 * len(labels) + (0.4 if k > 1 else 0))
    base = np.arange(len(labels))[::-1].astype(float)
    highest = [0.0]
    prepared = []
    for s in series:
        values = np.asarray(s.values, float)
        withheld = np.zeros(len(labels), bool) if s.suppressed is None else np.asarray(s.suppressed, bool)
        shown = ~withheld & ~np.isnan(values)
        lo = None if s.lower is None else np.asarray(s.lower, float)
        hi = None if s.upper is None else np.asarray(s.upper, float)
        top = hi if hi is not None else values
        top = np.where(np.isnan(top), values, top)
        if shown.any():
            highest.append(float(np.nanmax(np.where(shown, top, np.nan))))
        prepared.append((s, values, withheld, shown, lo, hi, top))
    span = max(highest) or 1.0
    keys = []  # drawn for the key, so a series with every bar withheld still shows its own colour and pattern
    for j, (s, values, withheld, shown, lo, hi, top) in enumerate(prepared):
        y = base + (k - 1) / 2 * height - j * height
        colour = charts.CATEGORICAL[j % len(charts.CATEGORICAL)]
        look = dict(color=colour, hatch=charts.PATTERNS[j % len(charts.PATTERNS)] or None, hatchcolor="white")
        ax.barh(y[shown], values[shown], height=height * 0.9, linewidth=0, label=s.name, **look)
        keys.append(Patch(linewidth=0, label=s.name, **look))
        if lo is not None and hi is not None:
            ok = shown & ~np.isnan(lo) & ~np.isnan(hi)
            ax.errorbar(
                values[ok],
                y[ok],
                xerr=[values[ok] - lo[ok], hi[ok] - values[ok]],
                fmt="none",
                ecolor=charts.TEXT_GREY,
                capsize=2.5,
                lw=1,
            )
        for yi, v, w, ok, t in zip(y, values, withheld, shown, top):
            text = SYMBOL if w else (NOT_AVAILABLE if np.isnan(v) else value_format(v))
            x = (t if ok and not np.isnan(t) else 0) + span * 0.01
            ax.text(x, yi, text, va="center", fontsize=charts.SIZES["label"] * 0.9, color=charts.TEXT_GREY)
    if reference is not None:
        ax.axvline(reference, color=charts.TEXT_GREY, lw=1, ls="--")
        if reference_label:
            ax.text(
                reference + span * 0.01,
                base.max() + 0.55,
                reference_label,
                fontsize=charts.SIZES["label"] * 0.9,
                color=charts.TEXT_GREY,
                ha="left",
            )
    ax.set_yticks(base, labels)
    ax.set_xlim(0, span * 1.18)
    ax.set_ylim(-0.6, base.max() + 0.8)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.grid(True)
    ax.yaxis.grid(False)
    if k > 1:  # the key, above the bars, in the order the bars run within each group
        ax.legend(
            handles=keys,
            loc="lower left",
            bbox_to_anchor=(0, 1.01),
            ncol=k if sum(len(s.name) for s in series) < 55 else 1,
            frameon=False,
            handlelength=2.6,
            handleheight=1.4,
            borderaxespad=0,
        )
    charts.frame(fig, ax, title, subtitle, source)
    return fig


def trend_with_reference(
    x_labels,
    name: str,
    values,
    lower,
    upper,
    *,
    title: str,
    subtitle: str,
    source: str,
    reference: float = 1.0,
    reference_label: str = "",
):
    """analysis.charts.lines for one ratio with its interval band, plus a dashed reference line (parity)."""
    fig = charts.lines(
        x_labels,
        {name: values},
        bands={name: (lower, upper)},
        title=title,
        subtitle=subtitle,
        source=source,
        value_format=lambda v: f"{v:,.2f}",
    )
    ax = fig.axes[0]
    ax.axhline(reference, color=charts.TEXT_GREY, lw=1, ls="--")
    if reference_label:
        ax.text(
            0, reference, reference_label, fontsize=charts.SIZES["label"] * 0.9, color=charts.TEXT_GREY, va="bottom"
        )
    return fig
