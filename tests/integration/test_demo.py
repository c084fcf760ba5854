"""Tests of the synthetic demo extract generator (analysis.demo.generate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import demo
from analysis.data import codes, contract
from analysis.demo.kpi_bad_rows import KINDS

EXTRACT_DATE = "2026-04-20"


def _read(directory: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(directory / contract.EXTRACTS[name].file, dtype=str, keep_default_na=False)


def _dates(values: pd.Series) -> pd.Series:
    """Parse YYYY-MM-DD or DD/MM/YYYY (the contract's two forms); anything else is NaT."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    other = iso.isna() & (values != "")
    if other.any():
        iso[other] = pd.to_datetime(values[other], format="%d/%m/%Y", errors="coerce")
    return iso


def _isin(values: pd.Series, allowed) -> pd.Series:
    """Series.isin, fast for large arrow-backed string columns."""
    allowed = (
        allowed.to_numpy(dtype=object) if isinstance(allowed, pd.Series) else np.array(list(allowed), dtype=object)
    )
    return pd.Series(values.to_numpy(dtype=object), index=values.index, dtype=object).isin(allowed)


def _violations(directory: Path, extract_date: str = EXTRACT_DATE) -> dict[str, pd.Series]:
    """A small independent check of the contract: for each extract, a mask of rows breaking a rule."""
    frames = {name: _read(directory, name) for name in contract.EXTRACTS}
    for name in contract.OPTIONAL:  # the YJB's "no date" is blank in the optional files
        dates = [c.name for c in contract.EXTRACTS[name].columns if c.kind == "date"]
        frames[name][dates] = frames[name][dates].replace("1900-01-01", "")
    latest = pd.Timestamp(extract_date)
    out = {}
    for name in contract.ORDER:
        spec, df = contract.EXTRACTS[name], frames[name]
        bad = pd.Series(False, index=df.index)
        for col in spec.columns:
            v = df[col.name]
            blank = v == ""
            if col.required:
                bad |= blank
            if col.kind == "code":
                bad |= ~blank & ~_isin(v, col.codes)
            elif col.kind == "int":
                x = pd.to_numeric(v, errors="coerce")
                bad |= ~blank & x.isna()
                if col.minimum is not None:
                    bad |= x < col.minimum
                if col.maximum is not None:
                    bad |= x > col.maximum
            elif col.kind == "date":
                x = _dates(v)
                bad |= ~blank & (x.isna() | (x > latest) | (x < pd.Timestamp("1990-01-01")))
        if spec.key:
            bad |= df.duplicated(list(spec.key), keep=False)
        for ref in spec.references:
            bad |= (df[ref.column] != "") & ~_isin(df[ref.column], frames[ref.extract][ref.target])
        for earlier, later in spec.date_order:
            bad |= _dates(df[later]) < _dates(df[earlier])
        out[name] = bad
    # rules that span two extracts: an outcome is on or after its offence, for the offence's child
    outcomes, offences = frames["outcomes"], frames["offences"].drop_duplicates("offence_id")
    joined = outcomes.merge(
        offences[["offence_id", "child_id", "offence_date"]], on="offence_id", how="left", suffixes=("", "_offence")
    )
    assert len(joined) == len(outcomes)
    known = joined["child_id_offence"].notna().to_numpy()
    out["outcomes"] |= pd.Series(known & (joined["child_id"] != joined["child_id_offence"]).to_numpy())
    out["outcomes"] |= pd.Series((_dates(joined["outcome_date"]) < _dates(joined["offence_date"])).to_numpy())
    # the optional files' rules that join: the same child as the offence, the episode and outcome of one child,
    # an intervention type of the row's domain
    owner = frames["offences"].drop_duplicates("offence_id").set_index("offence_id")["child_id"]
    victims = frames["victims"]
    of_offence = victims["offence_id"].map(owner)
    out["victims"] |= of_offence.notna() & (of_offence != victims["child_id"])
    links = frames["episode_links"]
    episode_child = links["episode_id"].map(
        frames["caseload"].drop_duplicates("episode_id").set_index("episode_id")["child_id"]
    )
    outcome_child = links["outcome_id"].map(
        frames["outcomes"].drop_duplicates("outcome_id").set_index("outcome_id")["child_id"]
    )
    out["episode_links"] |= episode_child.notna() & outcome_child.notna() & (episode_child != outcome_child)
    health = frames["health_interventions"]
    pairs = {(d, t) for d, types in codes.HEALTH_INTERVENTIONS_BY_DOMAIN.items() for t in types}
    known = health["domain"].isin(list(codes.HEALTH_DOMAINS)) & health["intervention_type"].isin(
        list(codes.HEALTH_INTERVENTION_TYPES)
    )
    out["health_interventions"] |= known & ~pd.Series(
        [(d, t) in pairs for d, t in zip(health["domain"], health["intervention_type"])], index=health.index
    )
    return out


@pytest.fixture(scope="module")
def demo1(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo1")
    counts = demo.generate(directory, scale=1, extract_date=EXTRACT_DATE)
    return directory, counts


def test_every_contract_file_with_the_contract_columns_in_order(demo1):
    directory, counts = demo1
    assert set(counts) == set(contract.EXTRACTS)
    for name, spec in contract.EXTRACTS.items():
        path = directory / spec.file
        assert path.exists(), name
        with open(path, encoding="utf-8") as fh:
            header = fh.readline().rstrip("\n")
        assert header == ",".join(c.name for c in spec.columns), name
        df = _read(directory, name)
        assert len(df) == counts[name] > 0, name
    info = dict(_read(directory, "extract_info").itertuples(index=False))
    assert info == {"area_name": "Demo borough (synthetic data)", "extract_date": EXTRACT_DATE}


def test_same_arguments_give_identical_bytes(demo1, tmp_path):
    directory, counts = demo1
    again = demo.generate(tmp_path, scale=1, extract_date=EXTRACT_DATE)
    assert again == counts
    for spec in contract.EXTRACTS.values():
        assert (tmp_path / spec.file).read_bytes() == (directory / spec.file).read_bytes(), spec.file


def test_files_are_what_pandas_to_csv_writes(demo1):
    """Every file round-trips through pandas byte for byte (so the pyarrow fast path writes the same)."""
    directory, _ = demo1
    for spec in contract.EXTRACTS.values():
        raw = (directory / spec.file).read_bytes()
        df = pd.read_csv(directory / spec.file, dtype=str, keep_default_na=False)
        assert df.to_csv(index=False, lineterminator="\n").encode() == raw, spec.file
        assert b"\r" not in raw


@pytest.mark.parametrize("text", ["plain", "needs, quoting", 'a "quote"'])
def test_arrow_and_pandas_writers_agree(tmp_path, text):
    df = pd.DataFrame(
        {
            "id": pd.Categorical(["A1", "A2", None, "A1", "A3"]),
            "n": pd.array([1, None, 90, 0, -3], dtype="Int8"),
            "d": pd.Categorical(["2020-01-01", None, "not a date", "31/02/2023", text]),
            "i": np.array([1, 2, 3, 4, 5], dtype=np.int64),
            "s": pd.Series(["x", None, "y", "", text], dtype="str"),
        }
    )
    demo.write_csv(df, tmp_path / "a.csv", engine="arrow", batch_rows=2)
    demo.write_csv(df, tmp_path / "p.csv", engine="pandas")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "p.csv").read_bytes()


def test_rows_sorted_by_id(demo1):
    directory, _ = demo1
    for name in contract.CASE_LEVEL:
        spec = contract.EXTRACTS[name]
        first = _read(directory, name)[spec.columns[0].name]
        assert first.is_monotonic_increasing, name


def test_scale_two_gives_about_twice_the_children(demo1, tmp_path):
    directory, counts = demo1
    counts2 = demo.generate(tmp_path, scale=2, extract_date=EXTRACT_DATE, bad_rows=False)
    assert 1.7 < counts2["children"] / counts["children"] < 2.3
    assert 1.8 < counts2["pupils"] / counts["pupils"] < 2.2
    pop1 = pd.to_numeric(_read(directory, "population")["population"]).sum()
    pop2 = pd.to_numeric(_read(tmp_path, "population")["population"]).sum()
    assert 1.9 < pop2 / pop1 < 2.1


def test_bad_rows_are_few_but_present(demo1):
    directory, counts = demo1
    bad = _violations(directory)
    for name in contract.CASE_LEVEL:
        n_bad = int(bad[name].sum())
        assert n_bad > 0, name
        # the optional KPI files are small and get at least one bad row of each kind (a duplicate counts twice here)
        at_least = 2 * len(KINDS[name]) if name in KINDS else 4
        assert n_bad <= max(at_least, 0.015 * counts[name]), (name, n_bad, counts[name])
    for name in ("population", "extract_info"):
        assert not bad[name].any(), name


@pytest.fixture(scope="module")
def small_clean_and_bad(tmp_path_factory):
    clean, bad = tmp_path_factory.mktemp("small_clean"), tmp_path_factory.mktemp("small_bad")
    demo.generate(clean, scale=0.25, extract_date=EXTRACT_DATE, bad_rows=False)
    demo.generate(bad, scale=0.25, extract_date=EXTRACT_DATE, bad_rows=True)
    return clean, bad


def test_without_bad_rows_every_rule_holds(small_clean_and_bad):
    clean, _ = small_clean_and_bad
    bad = _violations(clean)
    assert {name: int(mask.sum()) for name, mask in bad.items() if mask.any()} == {}


def test_the_project_validator_sets_aside_exactly_the_bad_rows(small_clean_and_bad):
    """analysis.data.validation accepts every clean row and sets aside every added bad row."""
    from analysis.data import validation

    clean, bad = small_clean_and_bad
    v_clean, v_bad = validation.validate_folder(clean), validation.validate_folder(bad)
    assert {k: len(t) for k, t in v_clean.set_aside.items() if len(t)} == {}
    received = {n: len(_read(clean, n)) for n in v_clean.tables}
    assert {n: len(t) for n, t in v_clean.tables.items()} == received
    assert {n: len(t) for n, t in v_bad.tables.items()} == received
    for name in contract.CASE_LEVEL:
        assert len(v_bad.set_aside[name]) > 0, name


def test_plausible_volumes(demo1):
    directory, _ = demo1
    population = _read(directory, "population")
    assert len(population) == 8 * 2 * (len(codes.ETHNICITY) - 1)
    assert "REFU" not in set(population["ethnicity"])
    assert 22_000 <= pd.to_numeric(population["population"]).sum() <= 28_000

    outcomes = _read(directory, "outcomes")
    outcomes = outcomes[outcomes["legal_outcome"].isin(list(codes.LEGAL_OUTCOMES))]
    outcomes = outcomes.assign(date=_dates(outcomes["outcome_date"])).dropna(subset=["date"])
    tier = outcomes["legal_outcome"].map(lambda c: codes.LEGAL_OUTCOMES[c].tier)
    year = outcomes[(outcomes["date"] >= "2025-04-01") & (outcomes["date"] <= "2026-03-31")]
    assert 250 <= len(year) <= 800
    first_substantive = outcomes[tier.isin(codes.SUBSTANTIVE_TIERS)].groupby("child_id")["date"].min()
    fte = ((first_substantive >= "2025-04-01") & (first_substantive <= "2026-03-31")).sum()
    assert 30 <= fte <= 120
    court = year["legal_outcome"].map(lambda c: codes.LEGAL_OUTCOMES[c].court).sum()
    assert 15 <= court <= 100

    caseload = _read(directory, "caseload")
    start = _dates(caseload["start_date"])
    end = _dates(caseload["end_date"]).fillna(pd.Timestamp("2100-01-01"))
    q4 = caseload[(start <= "2026-03-31") & (end >= "2026-01-01")]
    assert 100 <= q4["child_id"].nunique() <= 260

    pupils = _read(directory, "pupils")
    year_groups = pupils[pupils["academic_year"] == "2023/24"]["nc_year"].value_counts()
    for nc in range(3, 12):
        assert 2_500 <= year_groups[str(nc)] <= 3_500, nc

    ex = _read(directory, "exclusions")
    ex = ex.assign(date=_dates(ex["start_date"]), nc=pd.to_numeric(ex["nc_year"], errors="coerce"))
    y = ex[(ex["date"] >= "2023-09-01") & (ex["date"] <= "2024-08-31") & ex["nc"].between(6, 11)]
    assert 2_000 <= (y["category"] == "FIXD").sum() <= 4_500
    assert 800 <= y.loc[y["category"] == "FIXD", "pupil_id"].nunique() <= 1_500
    assert 25 <= (y["category"] == "PERM").sum() <= 90


def test_linked_pupils_match_their_child(demo1):
    directory, _ = demo1
    children = _read(directory, "children").drop_duplicates("child_id", keep=False)
    link = _read(directory, "pupil_link").drop_duplicates("child_id", keep=False)
    pupils = _read(directory, "pupils").drop_duplicates(["pupil_id", "academic_year"], keep=False)
    m = link.merge(children, on="child_id").merge(pupils, on="pupil_id", suffixes=("_child", "_pupil"))
    m = m[pd.to_numeric(m["nc_year"], errors="coerce").between(0, 14) & m["sex_pupil"].isin(["M", "F"])]
    assert len(m) > 1000
    assert ((m["sex_child"] == "1") == (m["sex_pupil"] == "M")).mean() > 0.99
    assert (m["ethnicity_child"] == m["ethnicity_pupil"]).mean() > 0.99
    dob = _dates(m["date_of_birth"])
    start_year = m["academic_year"].str[:4].astype(int)
    aug31 = pd.to_datetime(start_year.astype(str) + "-08-31")
    age = aug31.dt.year - dob.dt.year - ((aug31.dt.month * 100 + aug31.dt.day) < (dob.dt.month * 100 + dob.dt.day))
    assert ((age - 4) == pd.to_numeric(m["nc_year"])).mean() > 0.99  # DfE rule: Year 7 pupils are 11 on 31 August
    share_linked = link["child_id"].nunique() / children["child_id"].nunique()
    assert 0.75 <= share_linked <= 0.97


def test_children_shape(demo1):
    directory, _ = demo1
    children = _read(directory, "children")
    outcomes = _read(directory, "outcomes")
    with_outcome = children[children["child_id"].isin(outcomes["child_id"])]
    assert 0.2 <= (with_outcome["sex"] == "2").mean() <= 0.36
    prevention_only = set(_read(directory, "caseload").query("episode_type == 'PREVENTION'")["child_id"]) - set(
        _read(directory, "offences")["child_id"]
    )
    assert prevention_only and prevention_only <= set(children["child_id"])
    share_other = (outcomes["residence"] == "OTHER").mean()
    assert 0.01 <= share_other <= 0.06
    scores = pd.to_numeric(_read(directory, "offences")["seriousness_score"], errors="coerce")
    assert scores.between(2, 4).mean() > 0.6
    # disproportionality: Mixed, Black and Other over-represented among children with outcomes
    population = _read(directory, "population")
    pop_share = pd.to_numeric(population["population"]).groupby(population["ethnicity"].map(codes.ethnic_group)).sum()
    pop_share /= pop_share.sum()
    known = with_outcome["ethnicity"].map(lambda c: codes.ETHNICITY[c][1] if c in codes.ETHNICITY else "Not known")
    yjs_share = known[known != "Not known"].value_counts(normalize=True)
    for group in ("Mixed", "Black", "Other"):
        assert yjs_share[group] / pop_share[group] > 1.3, group


KPI_EPISODES = {  # episode type -> the legal outcomes its linked outcome may have
    "DIVERSION": {
        "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT",
        "NO_FURTHER_ACTION_OUTCOME_22",
        "NO_FURTHER_ACTION_OUTCOME_22_DEFERRED_PROSECUTION",
        "YOUTH_RESTORATIVE_DISPOSAL",
    },
    "YOUTH_CAUTION": {"YOUTH_CAUTION"},
    "YOUTH_CONDITIONAL_CAUTION": {"YOUTH_CONDITIONAL_CAUTION"},
    "REFERRAL_ORDER": {"REFERRAL_ORDER"},
    "REPARATION_ORDER": {"REPARATION_ORDER"},
    "YOUTH_REHABILITATION_ORDER": {"YOUTH_REHABILITATION_ORDER"},
    "YRO_ISS": {"YOUTH_REHABILITATION_ORDER_ISS"},
    "DTO_CUSTODY": {"DETENTION_AND_TRAINING_ORDER"},
    "DTO_LICENCE": {"DETENTION_AND_TRAINING_ORDER"},
    "SECTION_250": {"SECTION_250", "SECTION_254", "SECTION_259"},
}


def _clean(directory: Path, name: str) -> pd.DataFrame:
    """The rows of a file that break no rule (the independent check above)."""
    return _read(directory, name)[~_violations(directory)[name]]


def test_episode_links_join_each_order_to_the_outcome_it_delivers(demo1):
    directory, _ = demo1
    links, episodes = _clean(directory, "episode_links"), _clean(directory, "caseload")
    outcomes = _clean(directory, "outcomes")
    joined = links.merge(episodes, on="episode_id").merge(outcomes, on="outcome_id", suffixes=("", "_outcome"))
    assert len(joined) == len(links)
    assert joined.apply(lambda r: r["legal_outcome"] in KPI_EPISODES[r["episode_type"]], axis=1).all()
    assert (joined["start_date"] >= joined["outcome_date"]).all()  # an order starts on or after its outcome
    # both parts of a DTO are linked to the one DTO outcome
    dto = joined[joined["episode_type"].str.startswith("DTO_")].groupby("outcome_id")["episode_type"].agg(set)
    assert len(dto) and (dto.map(len) == 2).mean() > 0.8
    # every order or programme whose outcome is in the history has a link
    in_history = episodes[episodes["episode_type"].isin(list(KPI_EPISODES)) & (episodes["start_date"] >= "2019-06-01")]
    assert in_history["episode_id"].isin(links["episode_id"]).mean() > 0.97
    # completion is recorded for ended out-of-court programmes only: mostly Y, a few blank
    ooc = joined["episode_type"].isin(["DIVERSION", "YOUTH_CAUTION", "YOUTH_CONDITIONAL_CAUTION"])
    ended = joined["end_date"] != ""
    assert (joined.loc[~ooc | ~ended, "successfully_completed"] == "").all()
    done = joined.loc[ooc & ended, "successfully_completed"].value_counts(normalize=True)
    assert 0.72 <= done["Y"] <= 0.9 and 0.0 < done[""] <= 0.08
    # the demo quarter has several dozen children with an order closing, nearly all with records in the KPI files
    closing = joined[joined["end_date"].between("2026-01-01", "2026-03-31") & (joined["residence"] == "LOCAL")]
    children = set(closing["child_id"])
    assert 40 <= len(children) <= 120
    for name in ("accommodation", "ete_status"):
        assert len(children & set(_clean(directory, name)["child_id"])) / len(children) > 0.8, name


def test_kpi_files_are_plausible(demo1):
    directory, _ = demo1
    accommodation = _clean(directory, "accommodation")
    share = accommodation["suitability"].value_counts(normalize=True)
    assert share["SUITABLE"] > 0.8 and 0.04 < share["UNSUITABLE"] < 0.15
    assert accommodation["accommodation_type"].isin(["LIVING_WITH_PARENT_S", "AT_HOME"]).mean() > 0.5
    looked_after = set(_clean(directory, "care_episodes")["child_id"])
    foster = accommodation[accommodation["accommodation_type"].str.startswith(("FOSTER", "RESIDENTIAL"))]
    assert foster["child_id"].isin(looked_after).all()

    ete = _clean(directory, "ete_status")
    hours = pd.to_numeric(ete["hours_offered"], errors="coerce")
    attended = pd.to_numeric(ete["hours_attended"], errors="coerce")
    assert ((attended <= hours) | attended.isna() | hours.isna()).all() and hours.max() <= 60
    assert ete.loc[ete["provision_type"] == "NONE", "suitability"].isin(["UNSUITABLE", "UNKNOWN"]).all()

    health = _clean(directory, "health_interventions")
    children = _clean(directory, "episode_links").merge(_clean(directory, "caseload"), on="episode_id")["child_id"]
    children = set(children)
    for domain, (lo, hi) in {"MENTAL_HEALTH": (0.25, 0.45), "SUBSTANCE_MISUSE": (0.12, 0.28)}.items():
        assert lo < health.loc[health["domain"] == domain, "child_id"].nunique() / len(children) < hi, domain

    care_status = _clean(directory, "care_status")
    assert set(care_status["status"]) == set(codes.CARE_STATUSES)
    assert set(care_status.loc[care_status["status"] == "LOOKED_AFTER", "child_id"]) <= looked_after

    victims = _clean(directory, "victims")
    consent = (victims["consent_to_contact"] == "Y").mean()
    assert 0.5 < consent < 0.7
    engaged = (victims.loc[victims["consent_to_contact"] == "Y", "engaged_rj"] == "Y").mean()
    assert 0.4 < engaged < 0.6  # the demo draws about half of those who consent
    assert (victims.loc[victims["consent_to_contact"] == "N", "engaged_rj"] == "").all()

    board = _read(directory, "board_attendance")  # (a duplicate's first row is kept, so not _clean)
    board = board[board["sector"].isin(list(codes.BOARD_SECTORS)) & board["meeting_date"].between("1990", EXTRACT_DATE)]
    quarters = pd.PeriodIndex(_dates(board["meeting_date"]), freq="Q-MAR")
    assert board.groupby(quarters)["sector"].nunique().eq(6).all()
    assert board.groupby(quarters)["meeting_date"].nunique().eq(1).all()
    assert len(set(quarters)) == 28  # 2019-20 Q1 to 2025-26 Q4 (the extract date, 20 April 2026, is before May)
    assert (board["attendance"] == "SENIOR").mean() > 0.6


def test_kpi_files_hold_the_yjb_no_date(demo1):
    """A few blank dates are written 1900-01-01, as the YJB's systems send them; they are not bad rows."""
    directory, _ = demo1
    for name in ("accommodation", "ete_status", "care_status", "victims"):
        assert (_read(directory, name) == "1900-01-01").any().any(), name
