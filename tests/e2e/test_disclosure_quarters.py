"""The disclosure audit on whole quarters: the demo, smaller and larger generated extracts, earlier quarters in the
same folder, and a refresh the audit cannot make safe. Each is attacked by the independent intruder in
tests/intruder.py, not the production code."""

import json

import pandas as pd
import pytest

from analysis.safety import disclosure, open_data

import intruder
from conftest import QUARTER


def _attacked(out, work):
    """The quarter's published figures and what the independent intruder makes of them."""
    slug = QUARTER.replace(" ", "-")
    folder = work / slug / "disclosure"
    published = pd.read_csv(
        out / slug / "figures.csv", keep_default_na=False, na_values=[""], dtype={"time_period": str, "group": str}
    )
    # a figure two reports show is one row naming both ("a; b"): every report named has its own ledger
    names = sorted({r for named in published["report"] for r in named.split(open_data.REPORTS_SEPARATOR)})
    ledger, _ = disclosure.load_ledgers(folder, names)
    return ledger, published, intruder.quarter(ledger)


def _as_audited(ledger: pd.DataFrame) -> pd.DataFrame:
    """The audit's ledger put in the published shape, withheld where the ledger says (indexed by figures.csv's key)."""
    shaped, _ = open_data.to_open_data(ledger.assign(suppressed=ledger["withheld"].astype(bool)))
    return shaped.set_index(open_data.KEY).sort_index()


def _check_quarter(out, work):
    ledger, published, attack = _attacked(out, work)
    assert attack["pinned"] == [] and attack["shown_small"] == []
    assert attack["ranges"]  # it did look at withheld small counts
    # what was audited is what was published: figures.csv is the ledger in the open-data shape (one row per
    # figure, count and reference group), every row in both, withheld in the same places, the same numbers shown
    audited = _as_audited(ledger)
    shown = published.set_index(open_data.KEY).sort_index()
    assert shown.index.is_unique and audited.index.equals(shown.index)
    assert audited["suppressed"].astype(bool).equals(shown["suppressed"].astype(bool))
    reports = lambda named: named.map(lambda r: frozenset(r.split(open_data.REPORTS_SEPARATOR)))
    assert reports(audited["report"]).equals(reports(shown["report"]))
    for column in ("value", "lower", "upper"):
        a, b = audited[column].astype(float), shown[column].astype(float)
        assert a.isna().equals(b.isna()), column
        assert ((a - b)[a.notna()].abs() < 1e-9).all(), column
    assert shown.loc[shown["suppressed"].astype(bool), ["value", "lower", "upper"]].isna().all().all()
    manifest = json.loads((out / QUARTER.replace(" ", "-") / "manifest.json").read_text())
    assert {n["status"] for n in manifest["notebooks"].values()} == {"ok"}  # every report published in full
    record = manifest["disclosure_audit"]
    assert record["pinned"] == [] and record["small_counts_shown"] == []
    assert record["figures_withheld"] == int((ledger["withheld"].astype(bool) & ledger["audited"].astype(bool)).sum())
    low, high = record["narrowest_range_found"]
    assert high > low
    return published


def test_the_demo_quarter_passes_an_independent_intruder(refreshed):
    _, out, work = refreshed
    published = _check_quarter(out, work)
    # the examples: permanent exclusions by reason, and small denominators, are safe now
    reasons = published[published["measure"] == "yjs_permanent_exclusions_by_reason"]
    assert reasons["suppressed"].any()
    # a rate's denominator is the row of its `denominator_measure` (figures.meta.csv), same breakdown, group, period
    rates = published[(published["measure"] == "yjs_permanent_exclusion_rate") & ~published["suppressed"]]
    bases = published[published["measure"] == "yjs_permanent_exclusion_rate_denominator"]
    shown_bases = rates.merge(
        bases, on=["breakdown", "group", "time_period", "time_identifier"], suffixes=("", "_base")
    )
    assert len(shown_bases) == len(rates)
    assert not shown_bases["value_base"].between(1, 4).any()


def _generated_quarter(tmp_path, scale):
    data, out, work = tmp_path / "data", tmp_path / "out", tmp_path / "work"
    from analysis.demo import generate

    generate(data, scale=scale)
    from analysis.publish import runner

    runner.refresh(QUARTER, data, out, work_dir=work, progress=False, pdf=False)
    return out, work


def test_a_small_extract_passes_an_independent_intruder(tmp_path):
    # at a third of the demo's size many tables are small, and some counts recur across reports
    _check_quarter(*_generated_quarter(tmp_path, 0.3))


def test_a_large_extract_passes_an_independent_intruder(tmp_path):
    _check_quarter(*_generated_quarter(tmp_path, 10))


def test_a_refresh_the_audit_cannot_make_safe_publishes_nothing(tmp_path, monkeypatch):
    from analysis.publish import audit, runner

    from conftest import write_extract

    data = write_extract(tmp_path / "extract")
    unsafe = disclosure.Audit(
        4, pinned=["10_disproportionality: caseload_children by sex, year ending March 2023 (Male)"]
    )
    monkeypatch.setattr(runner, "audit_quarter", lambda *a: unsafe)
    monkeypatch.setattr(runner, "widen", lambda *a: {})
    with pytest.raises(audit.DisclosureError, match="caseload_children by sex"):
        runner.refresh("2022-23 Q4", data, tmp_path / "out", work_dir=tmp_path / "work", progress=False, pdf=False)
    assert list((tmp_path / "out").iterdir()) == []  # no quarter folder, no build folder
