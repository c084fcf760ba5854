"""The entry point, `generate(out_dir)`: it draws every part of the demo extract, plants the bad rows and writes
every extract of the data contract (`contract.EXTRACTS`) as `<name>.csv`. All the data are invented: no real
child, pupil or school is behind any row. The same arguments always give byte-identical files: every random draw
comes from `numpy.random.default_rng([seed, i])`, one independent stream per section, drawn in a fixed order, and
rows are sorted by their identifier. Extracts added to the contract later (assessments, and the optional files
of the YJB key performance indicators, `kpi_records`) draw from streams of their own, so the files that existed
before stay byte-identical. `scale` multiplies the numbers of children,
pupils and population; every step is vectorised, so scale=100 (about 20 million pupil rows, 1.1 GB of CSV) runs
in well under a minute in under 3 GB of memory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import contract
from analysis.demo.bad_rows import BadRows, add_bad_rows
from analysis.demo.columns import day, fmt_ids
from analysis.demo.files import assessment_frame, build_frames, write_csv
from analysis.demo.kpi_bad_rows import add_kpi_bad_rows, write_no_dates
from analysis.demo.kpi_records import draw_kpi_files
from analysis.demo.population import draw_looked_after_population, draw_population
from analysis.demo.schools import draw_schools
from analysis.demo.shape import HISTORY_START
from analysis.demo.youth_justice import draw_assessments, draw_care, draw_send, draw_youth_justice

# extracts generated (and spoiled) from their own random streams
OWN_STREAMS = ("assessments",) + tuple(n for n in contract.OPTIONAL if n != "assessments")


def generate(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 20260331,
    extract_date: str = "2026-04-20",
    area_name: str = "Demo borough (synthetic data)",
    bad_rows: bool = True,
) -> dict[str, int]:
    """Write a synthetic extract (every file of the contract) to out_dir; return rows per file."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ed = day(extract_date)
    start = day(HISTORY_START)
    if ed <= start + 365:
        raise ValueError(f"extract_date must be after {HISTORY_START} by more than a year")

    def stream(i):
        return np.random.default_rng([seed, i])

    population = draw_population(stream(1), scale)
    yj = draw_youth_justice(stream(2), scale, start, ed)
    ch = yj["children"]
    care = draw_care(stream(3), ch, ed)
    send = draw_send(stream(4), ch, ed)
    pupils, excl, link, unlinked, phases, post_keys = draw_schools(stream(5), scale, ed, ch, send)
    frames = build_frames(yj, care, send, pupils, excl, link, phases, post_keys)
    del pupils, excl
    if bad_rows:
        bad = BadRows(frames, stream(6))
        for name in contract.CASE_LEVEL:
            if name not in OWN_STREAMS:
                frames[name] = add_bad_rows(name, frames[name], bad, unlinked)
    # Extracts added later draw from streams of their own, so the files above stay byte-identical.
    frames["assessments"] = assessment_frame(draw_assessments(stream(8), yj, ed))
    if bad_rows:
        frames["assessments"] = add_bad_rows("assessments", frames["assessments"], BadRows(frames, stream(9)), unlinked)
    kpi = draw_kpi_files(stream, yj, care, send, start, ed)
    context = _bad_row_context(yj) if bad_rows else {}
    for i, (name, table) in enumerate(kpi.items()):
        if bad_rows:
            table = write_no_dates(name, table, stream(20 + i))
            table = add_kpi_bad_rows(name, table, stream(30 + i), context)
        frames[name] = table
    frames["extract_info"] = pd.DataFrame({"field": ["area_name", "extract_date"], "value": [area_name, extract_date]})
    frames["population"] = population
    frames["looked_after_population"] = draw_looked_after_population(stream(7), population)

    counts = {}
    for name, spec in contract.EXTRACTS.items():
        cols = [c.name for c in spec.columns]
        df = frames.pop(name)[cols]
        write_csv(df, out_dir / spec.file)
        counts[name] = len(df)
        del df
    return counts


def _bad_row_context(yj) -> dict:
    """What the KPI files' bad rows need: real and unknown identifiers, and whose each episode and outcome is."""
    episodes, outcomes = yj["caseload"], yj["outcomes"]
    return {
        "children": list(fmt_ids("child", yj["children"]["child_num"])),
        "max_child": int(yj["children"]["child_num"].max()),
        "max_offence": int(yj["offences"]["offence_num"].max()),
        "max_episode": int(episodes["episode_num"].max()),
        "max_outcome": int(outcomes["outcome_num"].max()),
        "episode_child": dict(zip(fmt_ids("episode", episodes["episode_num"]), episodes["child_num"])),
        "outcome_child": dict(zip(fmt_ids("outcome", outcomes["outcome_num"]), outcomes["child_num"])),
    }
