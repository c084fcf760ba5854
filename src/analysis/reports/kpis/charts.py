"""The KPI report's chart: the quarter's KPIs that are shares of children, side by side with their intervals."""

from __future__ import annotations

from analysis.present import charts
from analysis.reports.kpis.measures import Result


def headlines(results: dict[int, Result], title: str, area: str, months: str):
    """Horizontal bars, one per KPI that is a share of children (or victims) and was counted; withheld ones [c]."""
    rows = [
        (r.kpi.title, r.total)
        for r in results.values()
        if r.total is not None and r.total["kind"] == "share" and r.kpi.about_children
    ]
    return charts.horizontal_bars(
        [label for label, _ in rows],
        [row["value"] for _, row in rows],
        [bool(row["suppressed"]) for _, row in rows],
        lower=[row["lower"] for _, row in rows],
        upper=[row["upper"] for _, row in rows],
        title=title,
        subtitle=f"Key performance indicators that are shares, {area}, {months}",
        source="Source: YJS case management system extract, counted by the YJB's KPI rules. Lines: 95% confidence "
        "interval. [c] = withheld so that no child can be identified.",
        value_format=lambda v: f"{v:.0f}%",
        x_label="%",
    )
