"""Figures already published: earlier quarters' ``figures.csv``, and this refresh's figures while it runs.

The refresh writes ``<reports>/<quarter slug>/figures.csv`` for every quarter it produces (columns in
``figures_README.md``: the open-data shape from 2025-26 Q4 on, before that one row per figure with ``period`` in
words; both are read), so a quarter's summary can read the quarters before it from the same folder. While a
refresh runs, each report's figures are in ``figures-<notebook>.csv`` in the run's own folder (``figures_dir``),
before they are gathered into ``figures.csv``.

Published figures are read back as published: withheld figures stay withheld (their numbers are blank), and
nothing here recomputes anything. A quarter with no folder (not produced in this folder, or produced elsewhere) is
reported as missing, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data.quarters import Quarter
from analysis.safety import figures as figures_module
from analysis.safety import open_data
from analysis.safety.figures import first

FIGURES_FILE = "figures.csv"
SUMMARY_REPORTS = ("90_summary",)  # a summary never reads its own figures as another report's


def read_figures(path: str | Path) -> pd.DataFrame:
    """One figures file, typed as the figures record (an extra leading ``quarter`` column is kept), its text as it
    was before `figures.to_csv` guarded cells that start like a formula.

    Reads both shapes: the open-data shape published from 2025-26 Q4 on (``time_period``, ``time_identifier``, ...,
    with ``figures.meta.csv`` beside it; read back by `open_data.to_internal`, with the reports' own measure
    names), and the earlier shape, one row per figure with ``period`` in words (read as it is)."""
    text = {"group": str, "period": str, "time_period": str, "time_identifier": str, "source": str}
    raw = figures_module.read_text_back(pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=text))
    if open_data.is_open_data(raw):
        meta_path = Path(path).with_name(open_data.META_FILE)
        meta = (
            figures_module.read_text_back(pd.read_csv(meta_path, keep_default_na=False, dtype=str))
            if meta_path.exists()
            else None
        )
        str_cols = ["period_start", "period_end", "source", "report", "measure", "breakdown", "group"]
        raw[str_cols] = raw[str_cols].astype(object).where(raw[str_cols].notna(), "")
        return open_data.to_internal(raw, meta)
    out = figures_module.frame(raw.drop(columns=["quarter"], errors="ignore"))
    if "quarter" in raw.columns:
        out.insert(0, "quarter", raw["quarter"].astype(str).to_numpy())
    return out


def quarter_file(reports_dir: str | Path, quarter: Quarter) -> Path:
    return Path(reports_dir) / quarter.slug / FIGURES_FILE


@dataclass
class History:
    """Earlier quarters' published figures: `figures` has a ``quarter`` column (its label)."""

    figures: pd.DataFrame
    found: list[Quarter] = field(default_factory=list)
    missing: list[Quarter] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.found


def load(reports_dir: str | Path | None, quarters: list[Quarter]) -> History:
    """The figures files of `quarters` found under `reports_dir` (blank or None: none are looked for)."""
    frames, found, missing = [], [], []
    for q in quarters:
        path = quarter_file(reports_dir, q) if reports_dir else None
        if path is not None and path.exists():
            fig = read_figures(path)
            fig["quarter"] = q.label  # the folder says which quarter it is
            frames.append(fig)
            found.append(q)
        else:
            missing.append(q)
    empty = figures_module.frame([]).assign(quarter=pd.Series(dtype=str))
    return History(pd.concat(frames, ignore_index=True) if frames else empty, found, missing)


def this_run(
    figures_dir: str | Path | None,
    reports_dir: str | Path | None,
    quarter: Quarter,
    exclude: tuple[str, ...] = SUMMARY_REPORTS,
) -> tuple[pd.DataFrame | None, str]:
    """The other reports' figures for this quarter, and where they came from.

    First this refresh's per-report files in `figures_dir` (``figures-<notebook>.csv``); failing that, the
    quarter's published ``figures.csv`` under `reports_dir`; failing that (None, "none")."""
    if figures_dir and Path(figures_dir).is_dir():
        files = sorted(
            p for p in Path(figures_dir).glob("figures-*.csv") if p.stem.removeprefix("figures-") not in exclude
        )
        if files:
            return pd.concat([read_figures(p) for p in files], ignore_index=True), "this refresh"
    if reports_dir:
        path = quarter_file(reports_dir, quarter)
        if path.exists():
            fig = read_figures(path)
            return fig[~fig["report"].isin(exclude)].reset_index(
                drop=True
            ), f"the published figures for {quarter.label}"
    return None, "none"


def pick(
    fig: pd.DataFrame | None,
    report: str,
    measure: str,
    breakdown: str = "all",
    group: str = figures_module.TOTAL,
    period: str | None = None,
) -> pd.Series | None:
    """The first figure matching, or None (also when `fig` is None). A period matches however it is worded
    (``2021-22 Q4`` is ``Jan 2022 to Mar 2022``; ``year ending March 2022`` is ``Apr 2021 to Mar 2022``), so
    quarters published in either shape of figures.csv are found."""
    if period is None or fig is None or fig.empty:
        return first(fig, report=report, measure=measure, breakdown=breakdown, group=group, period=period)
    exact = first(fig, report=report, measure=measure, breakdown=breakdown, group=group, period=period)
    if exact is not None:
        return exact
    wanted = open_data.period_key(period)
    hits = fig[(fig["report"] == report) & (fig["measure"] == measure) & (fig["breakdown"] == breakdown)]
    if group is not None:
        hits = hits[hits["group"] == group]
    for _, row in hits.iterrows():
        if open_data.period_key(row["period"]) == wanted:
            return row
    return None


def series(
    hist: History,
    quarters: list[Quarter],
    report: str,
    measure: str,
    breakdown: str = "all",
    group: str | None = figures_module.TOTAL,
    period_of=None,
) -> pd.DataFrame:
    """One row per quarter in `quarters` (oldest first) with the figure each quarter published.

    `group` (or, when `group` is None, the quarter's own label) picks the row; `period_of(quarter)` may name the
    period to match (e.g. the quarter's "year ending ..." label, where a file holds several periods). Quarters with
    no figures file, or whose file lacks the figure, have a blank row with ``found`` saying which it was."""
    rows = []
    found = {q.label for q in hist.found}
    for q in quarters:
        fig = hist.figures[hist.figures["quarter"] == q.label]
        r = (
            pick(
                fig,
                report,
                measure,
                breakdown,
                q.label if group is None else group,
                period_of(q) if period_of else None,
            )
            if q.label in found
            else None
        )
        base = {"quarter": q.label, "found": q.label in found, "has_figure": r is not None}
        rows.append(base | ({c: r[c] for c in figures_module.COLUMNS} if r is not None else {}))
    out = pd.DataFrame(rows)
    for column in figures_module.COLUMNS:
        if column not in out.columns:
            out[column] = pd.NA
    return out


def revisions(
    hist: History, quarter: Quarter, now: pd.DataFrame, report: str, measures: list[str], breakdown: str = "quarter"
) -> pd.DataFrame:
    """Where a figure for `quarter` published in that quarter's own report differs from the same figure computed
    now (`now`, this run's figures, whose rows are grouped by quarter label): later records change past figures.

    Columns: measure, period, published, now (values), both shown."""
    rows = []
    for measure in measures:
        then = pick(hist.figures[hist.figures["quarter"] == quarter.label], report, measure, breakdown, quarter.label)
        again = pick(now, report, measure, breakdown, quarter.label)
        if then is None or again is None or then["suppressed"] or again["suppressed"]:
            continue
        same_period = open_data.period_key(then["period"]) == open_data.period_key(again["period"])
        if same_period and abs(then["value"] - again["value"]) > 1e-9:
            rows.append(
                {
                    "measure": measure,
                    "period": then["period"],
                    "kind": then["kind"],
                    "unit": then["unit"],
                    "published": then["value"],
                    "now": again["value"],
                }
            )
    return pd.DataFrame(rows, columns=["measure", "period", "kind", "unit", "published", "now"])
