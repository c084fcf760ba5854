"""The disclosure audit of the whole quarter, run after the reports: with every figure of the quarter (and of earlier
quarters published in the same folder) in hand, can a withheld small count be worked out? If so, which reports must
withhold more (see `analysis.safety.disclosure`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.quarters import Quarter
from analysis.publish.execute import NotebookRun


class DisclosureError(Exception):
    """The quarter's figures would let a withheld small count be worked out, or show one: nothing is published."""

    def __init__(self, audit):
        self.audit = audit
        tables = audit.pinned + audit.shown_small
        listed = "; ".join(tables[:5]) + (f"; and {len(tables) - 5} more" if len(tables) > 5 else "")
        super().__init__(
            "Nothing was published: the disclosure audit found that "
            + (f"{len(audit.pinned)} withheld small count(s) could be worked out exactly" if audit.pinned else "")
            + (" and " if audit.pinned and audit.shown_small else "")
            + (f"{len(audit.shown_small)} count(s) of 1 to {audit.up_to} would be shown" if audit.shown_small else "")
            + f". Tables: {listed}. Report this to the analysis team with the quarter and extract; "
            "the check is in src/analysis/safety/disclosure.py."
        )


def earlier_quarters(out_dir: Path, quarter: Quarter) -> list[pd.DataFrame]:
    """The figures already published for other quarters in the same output folder (an intruder has those too)."""
    from analysis.measures.history import FIGURES_FILE, read_figures

    return [
        read_figures(path)
        for path in sorted(out_dir.glob(f"*/{FIGURES_FILE}"))
        if path.parent.name != quarter.slug and not path.parent.name.startswith(".")
    ]


def _quarter_ledger(folder: Path, names: list[str], earlier: list[pd.DataFrame]):
    from analysis.safety import disclosure

    figures, relations = disclosure.load_ledgers(folder, names)
    return (disclosure.with_earlier(figures, earlier) if len(figures) else figures), relations


def audit_quarter(folder: Path, names: list[str], parameters: dict, earlier: list[pd.DataFrame] = ()):
    """The disclosure audit of the reports that finished, with the other quarters already published in the same
    folder (public mode; in restricted mode it is recorded, not enforced, since every number is shown to the
    board's private session anyway)."""
    from analysis.safety import disclosure

    figures, relations = _quarter_ledger(folder, names, list(earlier))
    result = disclosure.audit(figures, relations, int(parameters["suppress_up_to"]))
    if parameters["mode"] != "public":
        result.pinned, result.shown_small = [], []
    return result


AUDIT_ROUNDS = 3  # times the reports may be asked to withhold more before the refresh stops


def widen(
    folder: Path, runs: dict[str, NotebookRun], parameters: dict, earlier: list[pd.DataFrame] = ()
) -> dict[str, int]:
    """Ask the reports to withhold the further figures the quarter's audit needs (see disclosure.widen); {} if no
    further figure would do, or in restricted mode."""
    from analysis.safety import disclosure

    if parameters["mode"] != "public":
        return {}
    figures, relations = _quarter_ledger(folder, list(runs), list(earlier))
    try:
        return disclosure.widen(figures, relations, int(parameters["suppress_up_to"]), folder)
    except disclosure.Unprotectable:
        return {}
