"""What a report notebook calls: open the extract, publish figures safely, show tables and words.

A notebook starts with ``rep = report.open_report("overview", ...)`` using its
parameters, then for each section builds figures with a metric module, passes
them through ``rep.publish`` (suppression, and the record for figures.csv),
and shows them with ``rep.table`` / ``charts.show`` / ``rep.say``. The last
cell calls ``rep.finish()``, which writes the report's figures for the runner.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data import extract as extract_module
from analysis.data.quarters import Quarter
from analysis.present import formatting
from analysis.safety import disclosure, suppression
from analysis.safety import figures as figures_module

MODES = ("public", "restricted")
CHANGE = "change"  # the period of `with_change` rows, and their unit: a count shown signed


def with_change(fig: pd.DataFrame, measure: str, before: str, now: str) -> pd.DataFrame:
    """Published figures with, for each group of `measure` shown in both periods `before` and `now`, a row giving the
    change in its count (``now`` minus ``before``), for a table column ``(measure, "numerator", CHANGE)``.

    For display only, from what may be shown (`fig` as `Report.publish` returned it): the change is withheld
    (``[c]``) when either count is, so it can never give a withheld count away, and it is not a published figure of
    its own (figures.csv has both counts)."""
    rows = fig[fig["measure"] == measure]
    keys = ["breakdown", "group"]
    pair = rows[rows["period"] == before].merge(rows[rows["period"] == now], on=keys, suffixes=("_before", ""))
    hidden = pair["suppressed_before"].astype(bool) | pair["suppressed"].astype(bool)
    change = (pair["numerator"] - pair["numerator_before"]).where(~hidden)
    out = pair[[c for c in fig.columns if c in pair.columns]].assign(
        period=CHANGE,
        kind="count",
        numerator=change,
        denominator=float("nan"),
        value=change,
        lower=float("nan"),
        upper=float("nan"),
        unit=CHANGE,
        suppressed=hidden,
    )
    return pd.concat([fig, out[fig.columns]], ignore_index=True)


class ParameterError(ValueError):
    """A report parameter with the wrong value."""


def _display_html(text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(text))


def _display_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


@dataclass
class Report:
    name: str
    quarter: Quarter
    extract: extract_module.Extract
    output_dir: Path | None
    suppress_up_to: int = suppression.DEFAULT_UP_TO
    mode: str = "public"
    published: list[pd.DataFrame] = field(default_factory=list)
    work_dir: Path | None = None
    ledger: disclosure.Ledger | None = None  # what this report has shown, with true numbers, for the audit
    also_withhold: set = field(default_factory=set)  # figures the quarter's audit asks this report to withhold
    shown_tables: list[dict] = field(default_factory=list)  # each table as its page shows it, for the workbook

    def __post_init__(self):
        self.ledger = self.ledger or disclosure.Ledger(self.suppress_up_to)
        if self.work_dir is not None:
            self.also_withhold = disclosure.asked_to_withhold(self.work_dir / "disclosure", self.name)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.extract.tables

    @property
    def restricted(self) -> bool:
        return self.mode == "restricted"

    # --- figures ---------------------------------------------------------------
    def publish(
        self, fig: pd.DataFrame, *, about_children: bool = True, extend=None, relations=None, exempt=None
    ) -> pd.DataFrame:
        """Suppress small numbers and record the figures for figures.csv; returns what may be shown.

        `relations(fig) -> list` adds sums that cross tables to the secondary rule, and `extend(fig, mask) -> mask`
        a report's own further rules, and `exempt(fig) -> bool Series` rows not withheld for their own numbers
        (see suppression.apply); all three see the figures with their final row labels.
        Only counts of rows in the extracts (data quality) pass `about_children=False`:
        they describe the data, not children, and are shown in full.
        """
        fig = figures_module.frame(fig).assign(report=self.name)
        if about_children:
            also = disclosure.keys(fig).isin(self.also_withhold) if self.also_withhold else None
            safe = suppression.apply(
                fig,
                self.suppress_up_to,
                restricted=self.restricted,
                extend=extend,
                relations=relations(fig) if relations else None,
                exempt=exempt(fig) if exempt else None,
                ledger=self.ledger,
                also=also,
            )
        else:
            safe = fig
            self.ledger.protect(fig, fig["suppressed"], audited=False)
        self.published.append(safe)
        if self.work_dir is not None:  # the true numbers, for the quarter's audit (kept even if a later cell fails)
            self.ledger.save(self.work_dir / "disclosure", self.name)
        return self.shown(safe)

    def shown(self, fig: pd.DataFrame) -> pd.DataFrame:
        """What tables, charts and sentences may show. In restricted mode (the board's private session) that is
        every number: `suppressed` is cleared here, while figures.csv keeps it, marking what a public report
        withholds. In public mode, the figures as published."""
        return fig.assign(suppressed=False) if self.restricted and "suppressed" in fig else fig

    def finish(self, title: str, headline: str) -> None:
        """Write this report's figures and its one-line finding where the runner collects them
        (nothing is written when the notebook runs on its own)."""
        if self.output_dir is None:
            return
        self.output_dir.mkdir(parents=True, exist_ok=True)
        allfigs = pd.concat(self.published, ignore_index=True) if self.published else figures_module.frame([])
        allfigs.to_csv(self.output_dir / f"figures-{self.name}.csv", index=False)
        (self.output_dir / f"summary-{self.name}.json").write_text(json.dumps({"title": title, "headline": headline}))
        (self.output_dir / f"tables-{self.name}.json").write_text(json.dumps(self.shown_tables))

    # --- words -------------------------------------------------------------------
    def notes(self, *topics: str) -> str:
        """The standard notes on methods for the given topics, as Markdown (with this report's threshold)."""
        from analysis.present.notes import NOTES

        return "\n\n".join(NOTES[t].format(up_to=self.suppress_up_to) for t in topics)

    def say(self, text: str) -> None:
        """Show `text` (Markdown) on the page; nothing for an empty text (a sentence with nothing to say)."""
        if text:
            _display_markdown(text)

    def banner(self) -> None:
        """The restricted-mode marker, shown at the top of every restricted report."""
        if self.restricted:
            _display_html(
                '<p class="restricted">RESTRICTED: contains unsuppressed small numbers. '
                "For the board's private session only; do not publish or forward.</p>"
                '<div class="restricted-mark" aria-hidden="true">RESTRICTED</div>'
            )

    def about(self, extra: str = "") -> None:
        """Quarter, period, area and extract date, as the opening lines of every report."""
        q = self.quarter
        lines = [
            f"**Area:** {formatting.plain(self.extract.area_name)}",  # from the extract: shown as written
            f"**Quarter:** {q.label} ({q.period.months})",
            f"**Extract taken:** {self.extract.extract_date:%d %B %Y}".replace(" 0", " "),
        ]
        if extra:
            lines.append(extra)
        self.say("  \n".join(lines))

    def data_note(self, names: tuple[str, ...]) -> None:
        """How many rows of each extract this report used were received, accepted and set aside."""
        counts = self.extract.counts.set_index("extract")
        rows = []
        for name in names:
            file = f"{name}.csv"
            if file in counts.index:
                c = counts.loc[file]
                rows.append(
                    f"{file}: {int(c['received']):,} received, {int(c['accepted']):,} accepted, "
                    f"{int(c['set_aside']):,} set aside"
                )
        self.say(
            "**Data used.** " + "; ".join(rows) + ". Rows set aside broke a rule of the data contract; "
            "the analyst has them with their reasons (they are not in this report)."
        )

    # --- tables ---------------------------------------------------------------------
    def table(
        self,
        fig: pd.DataFrame,
        columns: dict[str, tuple[str, str] | tuple[str, str, str]],
        *,
        caption: str,
        row_header: str,
        rows: list[str] | None = None,
        interval: str | dict[str, str | tuple[str, str]] | None = None,
        note: str = "",
        breakdown: str | None = None,
        decimals: dict[str, int] | None = None,
    ) -> None:
        """Show published figures as an accessible HTML table.

        `columns` maps a header to (measure, field), or (measure, field, period) for one period's figure where the
        table holds several periods: field is "value" (formatted by
        kind; a unit of "percentage points" is shown signed, e.g. "+9.0 pp") or
        "numerator" (a count; a `with_change` row is shown signed, e.g. "+3") or "denominator" (the count a share is
        of, withheld with the share); measure "*" matches any. `interval`
        names a measure whose 95% interval gets its own column; a dict {header: measure} gives
        several, each in its own column after the figures, to the decimal places
        `decimals` gives that header; (measure, period) instead of a measure takes that period's interval.
        `breakdown` keeps only that breakdown's rows; `decimals` sets decimal places per column header.
        """
        intervals = {"95% confidence interval": interval} if isinstance(interval, str) else dict(interval or {})
        if breakdown is not None:
            fig = fig[fig["breakdown"] == breakdown]
        decimals = decimals or {}
        body = []
        groups = rows or list(dict.fromkeys(fig["group"]))
        first: dict[tuple, dict] = {}  # the first row of each (measure, group), of each group ("*"), and by period
        for r in fig.to_dict("records"):
            first.setdefault((r["measure"], r["group"]), r)
            first.setdefault(("*", r["group"]), r)
            first.setdefault((r["measure"], r["group"], r["period"]), r)
        texts = []  # the cells as the page shows them, a row per group, for the workbook
        for group in groups:
            cells = [f'<th scope="row">{html.escape(group)}</th>']
            texts.append([group])
            for header, (measure, fieldname, *period) in columns.items():
                r = first.get((measure, group, *period))
                if r is None:
                    cells.append("<td>[z]</td>")
                    texts[-1].append("[z]")
                    continue
                hidden = r["suppressed"]  # never set in what a restricted report shows (see shown)
                if fieldname == "numerator" and r["unit"] == CHANGE and not hidden and not pd.isna(r["numerator"]):
                    text = f"{int(round(r['numerator'])):+,}" if r["numerator"] else "0"
                elif fieldname in ("numerator", "denominator"):  # a withheld figure's denominator is withheld too
                    text = suppression.count_text(r[fieldname], hidden)
                elif r["unit"] == "percentage points" and not hidden and not pd.isna(r["value"]):
                    text = f"{r['value']:+.{decimals.get(header, 1)}f} pp"
                else:
                    text = formatting.figure(r["value"], r["kind"], hidden, decimals.get(header))
                cells.append(f"<td>{text}</td>")
                texts[-1].append(text)
            for interval_header, interval_measure in intervals.items():
                measure, *period = interval_measure if isinstance(interval_measure, tuple) else (interval_measure,)
                r = first.get((measure, group, *period))
                # [z], not applicable: no such figure, or a complete count shown without an interval
                complete = r is not None and r["kind"] == "count" and pd.isna(r["lower"]) and pd.isna(r["upper"])
                shown = (
                    "[z]"
                    if r is None or (complete and not pd.isna(r["value"]) and not r["suppressed"])
                    else formatting.interval(
                        r["lower"], r["upper"], r["kind"], r["suppressed"], decimals.get(interval_header)
                    )
                )
                cells.append(f"<td>{shown}</td>")
                texts[-1].append(shown)
            cls = ' class="total"' if group == figures_module.TOTAL else ""
            body.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
        heads = [f'<th scope="col">{html.escape(row_header)}</th>'] + [
            f'<th scope="col">{html.escape(h)}</th>' for h in columns
        ]
        heads += [f'<th scope="col">{html.escape(h)}</th>' for h in intervals]
        foot = f'<p class="table-note">{html.escape(note)}</p>' if note else ""
        headers = [*columns, *intervals]
        self.shown_tables.append(
            {"caption": caption, "row_header": row_header, "headers": headers, "rows": texts, "note": note}
        )
        _display_html(
            f'<table class="figures"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{''.join(heads)}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}"
        )


def open_report(
    name: str,
    *,
    quarter: str,
    data_dir: str,
    work_dir: str,
    output_dir: str = "",
    suppress_up_to: int = suppression.DEFAULT_UP_TO,
    mode: str = "public",
) -> Report:
    """Check the parameters, load the validated extract and start the report."""
    try:
        q = Quarter.parse(quarter)
    except ValueError as err:
        raise ParameterError(str(err)) from None
    if mode not in MODES:
        raise ParameterError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not isinstance(suppress_up_to, int) or suppress_up_to < 0:
        raise ParameterError(f"suppress_up_to must be a whole number of 0 or more, not {suppress_up_to!r}")
    if mode == "public" and suppress_up_to < suppression.DEFAULT_UP_TO:  # the published policy is a floor
        raise ParameterError(
            f"suppress_up_to: public reports withhold counts of 1 to at least {suppression.DEFAULT_UP_TO} (the "
            f"published policy); {suppress_up_to} would publish smaller counts. Use a larger value, or "
            'mode="restricted" for the board\'s private session.'
        )
    ext = extract_module.load(data_dir, work_dir)
    if q.end > ext.extract_date:
        raise ParameterError(
            f"Quarter {q.label} ends on {q.end:%d %B %Y}, after the extract was taken ({ext.extract_date:%d %B %Y}), "
            "so its figures would be incomplete. Choose an earlier quarter or a later extract."
        )
    return Report(
        name=name,
        quarter=q,
        extract=ext,
        output_dir=Path(output_dir) if output_dir else None,
        suppress_up_to=suppress_up_to,
        mode=mode,
        work_dir=Path(work_dir) if output_dir else None,
    )
