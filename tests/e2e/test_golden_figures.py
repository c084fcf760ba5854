"""Every published number of the demo quarter, against a golden copy committed with the code.

`tests/golden/figures-2025-26-Q4.csv` is the demo quarter's `figures.csv` (open-data shape): every figure on every
page, chart and sentence, withheld or shown, and every count they rest on; `figures-2025-26-Q4.meta.csv` is its
metadata file. A change to any of them, intended or not, fails here with a list of what changed. When
the change is intended, `make golden` rewrites the file, and its diff is reviewed and committed with the change.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import QUARTER

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / f"figures-{QUARTER.replace(' ', '-')}.csv"
KEY = ["measure", "breakdown", "group", "time_period", "time_identifier"]  # unique in figures.csv
SHOWN = 30  # differences listed in the failure message


def differences(golden: pd.DataFrame, now: pd.DataFrame) -> list[str]:
    """Readable lines for each figure added, removed or changed (by measure, breakdown, group and period)."""
    old, new = (f.astype(str).set_index(KEY) for f in (golden, now))
    lines = [f"new figure: {' | '.join(k)}" for k in new.index.difference(old.index)]
    lines += [f"figure gone: {' | '.join(k)}" for k in old.index.difference(new.index)]
    both = old.index.intersection(new.index)
    old, new = old.loc[both], new.loc[both, old.columns]
    for key, before in old.iterrows():
        after = new.loc[key]
        if isinstance(after, pd.DataFrame):  # the same key twice: compare in order
            continue
        changed = [f"{c} {before[c]} -> {after[c]}" for c in old.columns if before[c] != after[c]]
        if changed:
            lines.append(f"{' | '.join(key)}: {'; '.join(changed)}")
    return lines


def test_the_demo_quarter_publishes_exactly_the_golden_metadata(refreshed):
    _, out, _ = refreshed
    published = out / QUARTER.replace(" ", "-") / "figures.meta.csv"
    assert published.read_text() == GOLDEN.with_name(GOLDEN.stem + ".meta.csv").read_text(), (
        "The demo quarter's figures.meta.csv differs from the golden copy: if intended, run `make golden`."
    )


def test_the_demo_quarter_publishes_exactly_the_golden_figures(refreshed):
    _, out, _ = refreshed
    published = out / QUARTER.replace(" ", "-") / "figures.csv"
    if published.read_bytes() == GOLDEN.read_bytes():
        return
    read = dict(dtype=str, keep_default_na=False)
    lines = differences(pd.read_csv(GOLDEN, **read), pd.read_csv(published, **read)) or ["the rows' order or format"]
    listed = "\n  ".join(lines[:SHOWN]) + (f"\n  ... and {len(lines) - SHOWN} more" if len(lines) > SHOWN else "")
    raise AssertionError(
        f"The demo quarter's published figures differ from {GOLDEN.name} in {len(lines)} place(s):\n  {listed}\n"
        "If the change is intended, run `make golden` and commit the file's diff with the change."
    )


def test_the_comparison_names_what_changed():
    """The check itself: a changed value, a new figure and a lost one are each named."""
    golden = pd.DataFrame(
        [
            dict(measure="m", breakdown="all", group="All", time_period="q", time_identifier="p", value="5"),
            dict(measure="gone", breakdown="all", group="All", time_period="q", time_identifier="p", value="1"),
        ]
    )
    now = golden.copy()
    now.loc[0, "value"] = "6"
    now.loc[1, "measure"] = "new"
    lines = differences(golden, now)
    assert "m | all | All | q | p: value 5 -> 6" in lines
    assert "new figure: new | all | All | q | p" in lines
    assert "figure gone: gone | all | All | q | p" in lines
