"""The contract's files from the drawn records: `build_frames` and `assessment_frame` turn the numbers into the
contract's columns (categorical text columns, with a numeric sort key `_key`), and `write_csv` writes a frame in
exactly the layout `pandas.DataFrame.to_csv(index=False, lineterminator="\\n")` writes; large tables are written
through pyarrow, in the same bytes, for speed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.data import codes
from analysis.demo.columns import (
    code_col,
    date_col,
    fmt_ids,
    id_col,
    int_col,
    is_masked_int,
    small_id_col,
    text_categories,
)
from analysis.demo.shape import ASSESSMENT_FLAG_RATES, ETH_CODES

ARROW_WRITE_MIN_ROWS = 100_000  # larger tables are written through pyarrow (same bytes)


def frame(columns: dict) -> pd.DataFrame:
    return pd.DataFrame(columns, copy=False)


def build_frames(yj, care, send, pupils, excl, link, phases, post_keys):
    """Contract-shaped frames (categorical text columns) with a numeric sort key `_key`."""
    f = {}
    ch = yj["children"]
    f["children"] = frame(
        {
            "child_id": id_col("child", ch["child_num"]),
            "date_of_birth": date_col(ch["dob"]),
            "sex": code_col(ch["sex"].map({1: 0, 2: 1, 9: 2}), ["1", "2", "9"]),
            "ethnicity": pd.Categorical.from_codes(ch["eth"].to_numpy(), categories=text_categories(ETH_CODES)),
            "_key": ch["child_num"].to_numpy(),
        }
    )
    off = yj["offences"]
    cats = list(codes.OFFENCE_CATEGORIES)
    f["offences"] = frame(
        {
            "offence_id": id_col("offence", off["offence_num"]),
            "child_id": id_col("child", off["child_num"]),
            "offence_date": date_col(off["date"]),
            "offence_category": code_col(off["category"].map(cats.index), cats),
            "seriousness_score": int_col(off["score"], off["score_blank"]),
            "_key": off["offence_num"].to_numpy(),
            "_date": off["date"].to_numpy(),
        }
    )
    out = yj["outcomes"]
    lo = list(codes.LEGAL_OUTCOMES)
    f["outcomes"] = frame(
        {
            "outcome_id": id_col("outcome", out["outcome_num"]),
            "offence_id": id_col("offence", out["offence_num"]),
            "child_id": id_col("child", out["child_num"]),
            "outcome_date": date_col(out["outcome_date"]),
            "legal_outcome": code_col(out["legal_outcome"].map(lo.index), lo),
            "residence": code_col(out["other"].astype(int), ["LOCAL", "OTHER"]),
            "_key": out["outcome_num"].to_numpy(),
            "_date": out["date"].to_numpy(),  # the offence date
        }
    )
    ep = yj["caseload"]
    et = list(codes.EPISODE_TYPES)
    f["caseload"] = frame(
        {
            "episode_id": id_col("episode", ep["episode_num"]),
            "child_id": id_col("child", ep["child_num"]),
            "start_date": date_col(ep["start"]),
            "end_date": date_col(ep["end"], ep["open"]),
            "episode_type": code_col(ep["type"].map(et.index), et),
            "_key": ep["episode_num"].to_numpy(),
            "_date": ep["start"].to_numpy(),
        }
    )
    rm = yj["remands"]
    rt = list(codes.REMAND_TYPES)
    f["remands"] = frame(
        {
            "remand_id": id_col("remand", rm["remand_num"]),
            "child_id": id_col("child", rm["child_num"]),
            "start_date": date_col(rm["start"]),
            "end_date": date_col(rm["end"], rm["open"]),
            "remand_type": code_col(rm["type"].map(rt.index), rt),
            "_key": rm["remand_num"].to_numpy(),
            "_date": rm["start"].to_numpy(),
        }
    )
    f["care_episodes"] = frame(
        {
            "care_episode_id": id_col("care", care["care_num"]),
            "child_id": id_col("child", care["child_num"]),
            "start_date": date_col(care["start"]),
            "end_date": date_col(care["end"], care["open"]),
            "placed_by_other_authority": code_col(care["other"].astype(int), ["N", "Y"]),
            "_key": care["care_num"].to_numpy(),
            "_date": care["start"].to_numpy(),
        }
    )
    f["send"] = frame(
        {
            "send_id": id_col("send", send["send_num"]),
            "child_id": id_col("child", send["child_num"]),
            "start_date": date_col(send["start"]),
            "end_date": date_col(send["end"], send["open"]),
            "send_status": code_col((send["status"] == "SEN_SUPPORT").astype(int), ["EHCP", "SEN_SUPPORT"]),
            "_key": send["send_num"].to_numpy(),
            "_date": send["start"].to_numpy(),
        }
    )
    years = np.unique(pupils["year"])
    year_labels = [f"{y}/{(y + 1) % 100:02d}" for y in years]
    max_pupil = int(pupils["pupil_num"].max())
    school_nums = pupils["school_universe"]
    # pupil ids: the rows are in pupil-number order, and every number 1..max occurs
    pid = pd.Categorical.from_codes(
        pupils["pupil_num"] - 1, categories=text_categories(fmt_ids("pupil", np.arange(1, max_pupil + 1)))
    )
    f["pupils"] = frame(
        {
            "pupil_id": pid,
            "academic_year": pd.Categorical.from_codes(
                pupils["year"] - years[0], categories=text_categories(year_labels)
            ),
            "school_id": small_id_col("school", pupils["school"], school_nums),
            "phase": pd.Categorical.from_codes(pupils["phase"], categories=text_categories(phases)),
            "nc_year": int_col(pupils["nc"]),
            "sex": pd.Categorical.from_codes((~pupils["male"]).astype(np.int8), categories=text_categories(["M", "F"])),
            "ethnicity": pd.Categorical.from_codes(pupils["eth"], categories=text_categories(ETH_CODES)),
            "sen_provision": pd.Categorical.from_codes(pupils["sen"], categories=text_categories(["E", "K", "N"])),
            "_key": pupils["pupil_num"].astype(np.int64) * 64 + (pupils["year"] - 1990),
        }
    )
    f["exclusions"] = frame(
        {
            "exclusion_id": id_col("exclusion", excl["exclusion_num"]),
            "pupil_id": id_col("pupil", excl["pupil_num"]),
            "school_id": small_id_col("school", excl["school"], school_nums),
            "category": pd.Categorical.from_codes(excl["cat"], categories=text_categories(["FIXD", "PERM", "LNCH"])),
            "start_date": date_col(excl["date"]),
            "sessions": int_col(excl["sessions"], excl["cat"] == 1),  # blank for permanent exclusions
            "reason": pd.Categorical.from_codes(
                excl["reason"], categories=text_categories(list(codes.EXCLUSION_REASONS))
            ),
            "nc_year": int_col(excl["nc"]),
            "post_exclusion_provision": code_col(excl["post"], post_keys),
            "_key": excl["exclusion_num"],
        }
    )
    f["pupil_link"] = frame(
        {
            "child_id": id_col("child", link["child_num"]),
            "pupil_id": id_col("pupil", link["pupil_num"]),
            "_key": link["child_num"].to_numpy(),
        }
    )
    return f


def assessment_frame(a):
    columns = {
        "assessment_id": id_col("assessment", a["assessment_num"]),
        "child_id": id_col("child", a["child_num"]),
        "assessment_date": date_col(a["date"]),
    }
    for flag in ASSESSMENT_FLAG_RATES:
        columns[flag] = code_col(a[flag], ["", "N", "Y"])
    return frame(columns | {"_key": a["assessment_num"].to_numpy(), "_date": a["date"].to_numpy()})


def _arrow_slicer(series: pd.Series):
    """A function (start, stop) -> pyarrow array of those rows, without converting the whole column."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes_ = series.cat.codes.to_numpy()
        cats = series.cat.categories
        if hasattr(cats.array, "__arrow_array__"):
            dictionary = pa.array(cats.array)
        else:
            dictionary = pa.array(cats.to_numpy(dtype=object), type=pa.string())
        if isinstance(dictionary, pa.ChunkedArray):
            dictionary = dictionary.combine_chunks()
        return lambda i, j: dictionary.take(pa.array(codes_[i:j], mask=codes_[i:j] < 0))
    if is_masked_int(dtype):
        values = series.to_numpy(dtype=dtype.numpy_dtype, na_value=0)
        mask = series.isna().to_numpy()
        return lambda i, j: pa.array(values[i:j], mask=mask[i:j])
    if pd.api.types.is_integer_dtype(dtype):
        values = series.to_numpy()
        return lambda i, j: pa.array(values[i:j])
    column = pa.array(series.to_numpy(dtype=object), from_pandas=True)
    return lambda i, j: column.slice(i, j - i)


def write_csv(df: pd.DataFrame, path: Path, engine: str = "auto", batch_rows: int = 1_000_000) -> None:
    """Write df exactly as `df.to_csv(path, index=False, lineterminator="\\n")` would.

    Large tables go through pyarrow, a batch of rows at a time: much faster, and the
    bytes are the same as long as no value needs quoting, which holds for codes, ids,
    dates and integers (a value that does need quoting sends the table to pandas)."""
    if engine == "pandas" or (engine == "auto" and len(df) < ARROW_WRITE_MIN_ROWS):
        df.to_csv(path, index=False, lineterminator="\n")
        return
    names = [str(c) for c in df.columns]
    slicers = [_arrow_slicer(df[c]) for c in df.columns]
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    try:
        with open(path, "wb") as fh:
            fh.write((",".join(names) + "\n").encode())
            for i in range(0, len(df), batch_rows):
                j = min(i + batch_rows, len(df))
                batch = pa.RecordBatch.from_arrays([f(i, j) for f in slicers], names=names)
                pacsv.write_csv(batch, fh, options)
    except pa.ArrowInvalid:  # a value needs quoting: let pandas do it
        df.to_csv(path, index=False, lineterminator="\n")
