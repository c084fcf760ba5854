"""The reoffending report's charts, built from published figures only (withheld values are never drawn).

Each function returns ``(figure, title, alt)`` for ``charts.show(figure, alt=alt, title=title)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.quarters import Period
from analysis.measures.reoffending import KM_MONTHS, KM_TIERS
from analysis.present import charts
from analysis.reports.reoffending import words
from analysis.safety.figures import TOTAL

SOURCE = "Source: YJS case management system extract."


def comparators(latest: pd.DataFrame, measure: str = "binary_reoffending_rate"):
    """Bars of the latest published period of `measure`, this YJS highlighted."""
    rows = latest[latest["measure"] == measure]
    last = rows[rows["period_start"] == rows["period_start"].max()]
    last = last.assign(_order=last["area_type"].map(list(codes.AREA_TYPES).index)).sort_values("_order", kind="stable")
    period = last["period"].iloc[0]
    title = words.comparator_title(latest, measure, "Binary reoffending rate")
    fig = charts.horizontal_bars(
        last["area_name"],
        last["value"],
        title=title,
        subtitle=f"Binary reoffending rate (%), 12-month cohort {period}, as published",
        source=f"Source: {last['source'].iloc[0]}.",
        value_format=lambda v: f"{v:.1f}%",
        colours=[charts.FOCUS if t == "this_yjs" else charts.CONTEXT for t in last["area_type"]],
        emphasis=[t == "this_yjs" for t in last["area_type"]],  # picked out in bold as well as in colour
    )
    values = ", ".join(f"{a} {v}%" for a, v in zip(last["area_name"], last["value_as_published"]))
    return fig, title, f"Bar chart of published binary reoffending rates for {period}: {values}. {title}."


def trend(fig_trend: pd.DataFrame, status: pd.DataFrame, area_name: str):
    """The binary rate of each 3-month cohort: complete cohorts solid with their interval, maturing ones dashed
    on a shaded background, withheld cohorts marked [c]; every cohort on the axis names its months, every other
    one is labelled, with its year."""
    rates = fig_trend[fig_trend["measure"] == "reoffenders"].set_index("group").reindex(list(status["group"]))
    shown = rates["value"].where(~rates["suppressed"].astype(bool)).to_numpy(dtype=float)
    complete = status["complete"].to_numpy(dtype=bool)
    last_complete = complete.nonzero()[0].max() if complete.any() else -1
    joins = np.arange(len(complete)) == last_complete  # the maturing line starts from the last complete cohort
    series = {
        "Complete": np.where(complete, shown, np.nan),
        "Still maturing": np.where(~complete | joins, shown, np.nan),
    }
    bands = {"Complete": (np.where(complete, rates["lower"], np.nan), np.where(complete, rates["upper"], np.nan))}
    labels = [f"{p.start:%b}–{p.end:%b}\n{p.end.year}" for p in status["period"]]
    title = words.trend_title(fig_trend, status)
    fig = charts.lines(
        labels,
        series,
        bands=bands,
        title=title,
        value_format=lambda v: f"{v:.0f}%",
        subtitle=f"Binary reoffending rate (%) of each 3-month cohort, {area_name}, local calculation",
        x_label="3-month cohort, by date of caution, sentence or release",
        withheld=rates["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool),
        source=f"{SOURCE} Shaded band or line: 95% confidence interval. [c] = cohort whose rate is withheld, "
        "not drawn. Grey background: cohorts still maturing.",
    )
    if (~complete).any():
        ax = fig.axes[0]
        first = int((~complete).nonzero()[0].min())
        ax.axvspan(first - 0.5, len(complete) - 0.5, color="#F2F2F2", zorder=0, lw=0)
        ax.text(
            first - 0.4,
            ax.get_ylim()[1],
            "Cohorts still maturing",
            va="top",
            fontsize=charts.SIZES["label"],
            color=charts.TEXT_GREY,
        )
    return (
        fig,
        title,
        f"Line chart of the binary reoffending rate of each 3-month cohort. {words.trend_sentence(fig_trend, status)}",
    )


def time_to_reoffence(survival: pd.DataFrame, window: Period, area_name: str):
    """Cumulative share with a proven reoffence by month, all children (with interval) and each tier with a shown
    12-month figure; withheld months are left out."""
    curves = {}
    for group in (*KM_TIERS, TOTAL):
        rows = words.km_rows(survival, group)
        if len(rows) and not rows["suppressed"].iloc[-1]:
            curves["All children" if group == TOTAL else group] = [0.0, *rows["value"].where(~rows["suppressed"])]
    every = words.km_rows(survival)
    bands = {"All children": ([0.0, *every["lower"]], [0.0, *every["upper"]])}
    title = words.km_title(survival)
    fig = charts.lines(
        [str(m) for m in KM_MONTHS],
        curves,
        bands=bands,
        title=title,
        y_label="% reoffended",
        x_label="Months since the caution, sentence or release",
        value_format=lambda v: f"{v:.0f}%",
        subtitle=(
            f"Estimated share (%) with a proven reoffence by months since the caution, sentence or "
            f"release, by tier, {window.months}, {area_name}"
        ),
        source=(
            f"{SOURCE} Kaplan-Meier estimate; shaded band: 95% confidence interval for all children. "
            "Tiers and months whose figures are withheld are not drawn."
        ),
    )
    drawn = ", ".join(curves) if curves else "no group"
    return (
        fig,
        title,
        (
            f"Line chart of the cumulative share of children with a proven reoffence by month since their "
            f"caution, sentence or release, for {drawn}. {words.km_sentence(survival, window)}"
        ),
    )


def tracker_by(fig_tracker: pd.DataFrame, breakdown: str, what: str, area_name: str, period_label: str):
    """Bars of the share of tracked children who offended again in each group with any children (withheld
    groups labelled [c]); the intervals are in the table."""
    fig_b = fig_tracker[fig_tracker["breakdown"] == breakdown]
    sizes = fig_b[fig_b["measure"] == "tracked_children"].set_index("group")["numerator"]
    rows = fig_b[(fig_b["measure"] == "tracker_reoffenders") & (fig_b["group"] != TOTAL)]
    rows = rows[rows["group"].map(sizes).fillna(1) != 0]  # leave out groups with no children (withheld sizes stay)
    title = words.tracker_title(fig_b, what)
    fig = charts.horizontal_bars(
        rows["group"],
        rows["value"],
        rows["suppressed"],
        title=title,
        value_format=lambda v: f"{v:.0f}%",
        subtitle=f"Share (%) of tracked children who offended again, by {what}, {area_name}, {period_label}",
        source=f"{SOURCE} [c] = withheld to protect children's identities. "
        "95% confidence intervals are in the table below.",
    )
    return fig, title, f"Bar chart of the share of tracked children who offended again, by {what}. {title}."
