"""The package is laid out as the pipeline, and its dependencies point one way: from the reports down to the data.

    data  ->  stats  ->  safety  ->  measures  ->  present  ->  reports/<name>  ->  publish  ->  cli
    (`paths`, where the project's folders are, comes first; `demo` stands aside: it uses only `data`, and only the
    command line uses it)

A module may import from its own layer and the layers to its left, never from a layer to its right. A report may
not import another report (what two reports share belongs in `measures` or `present`), and within a report the
words may use the measures but not the charts (the charts may use both). This test reads every module's imports,
including those inside functions, so a new module or import that breaks the rule fails here with its name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "analysis"
ORDER = ["paths", "data", "stats", "safety", "measures", "present", "reports", "publish", "cli"]
ASIDE = {"demo": {"paths", "data"}, "__main__": {"cli"}, "__init__": set()}
WITHIN_A_REPORT = {"measures": set(), "words": {"measures"}, "charts": {"measures", "words"}}


def modules() -> dict[str, Path]:
    return {
        ".".join(("analysis", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def imports(path: Path) -> set[str]:
    """The analysis modules (or packages) a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("analysis")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            assert node.level == 0, f"{path}: use absolute imports (from analysis.... import ...)"
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def layer(name: str) -> str:
    """'analysis.present.charts' -> 'present'; 'analysis.paths' -> 'paths'."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def report_part(name: str) -> tuple[str, str] | None:
    """'analysis.reports.exclusions.words' -> ('exclusions', 'words')."""
    parts = name.split(".")
    return (parts[2], parts[3] if len(parts) > 3 else "") if len(parts) > 2 and parts[1] == "reports" else None


def allowed(importer: str, imported: str) -> bool:
    mine, theirs = layer(importer), layer(imported)
    if mine in ASIDE:
        return theirs == mine or theirs in ASIDE[mine]
    if theirs in ASIDE:  # only the command line runs the demo generator
        return theirs == "__init__" or (mine, theirs) == ("cli", "demo")
    return ORDER.index(theirs) <= ORDER.index(mine)


ALL = modules()


@pytest.mark.parametrize("name", list(ALL))
def test_a_module_imports_only_from_its_own_layer_and_those_below(name):
    wrong = sorted(i for i in imports(ALL[name]) if not allowed(name, i))
    assert not wrong, f"{name} ({layer(name)}) imports from a higher layer: {wrong}. Order: {' -> '.join(ORDER)}"


@pytest.mark.parametrize("name", [n for n in ALL if report_part(n)])
def test_a_report_uses_no_other_report_and_its_words_never_its_charts(name):
    report, part = report_part(name)
    for imported in imports(ALL[name]):
        other = report_part(imported)
        if other is None:
            continue
        assert other[0] == report, f"{name} imports another report's module {imported}: move what they share down"
        if part in WITHIN_A_REPORT and other[1] in WITHIN_A_REPORT and other[1] != part:
            assert other[1] in WITHIN_A_REPORT[part], (
                f"{name} imports {imported}: {part} may use only {WITHIN_A_REPORT[part]}"
            )


def test_the_rule_catches_an_upward_import():
    """The check itself can fail: data importing a report, a report importing another, words importing charts."""
    assert not allowed("analysis.data.extract", "analysis.reports.summary.words")
    assert not allowed("analysis.stats.intervals", "analysis.safety.figures")
    assert not allowed("analysis.demo.generate", "analysis.measures.caseload")
    assert not allowed("analysis.publish.runner", "analysis.demo.generate")
    assert allowed("analysis.reports.exclusions.words", "analysis.present.narrative")
    assert allowed("analysis.publish.runner", "analysis.paths")
    assert report_part("analysis.reports.summary.words") == ("summary", "words")


def test_every_layer_is_a_folder_and_every_folder_a_layer():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {layer for layer in ORDER + list(ASIDE) if (PACKAGE / layer).is_dir()}
    assert folders == {"data", "stats", "safety", "measures", "present", "reports", "publish", "demo"}


REPORTS = PACKAGE / "reports"
NOTEBOOKS = PACKAGE.parents[1] / "notebooks"


@pytest.mark.parametrize("folder", sorted(p for p in REPORTS.iterdir() if (p / "__init__.py").exists()))
def test_a_report_is_one_folder_of_measures_words_and_charts_and_one_notebook(folder):
    from analysis.reports import PARTS

    modules = {p.stem for p in folder.glob("*.py")} - {"__init__"}
    assert modules <= set(PARTS), f"{folder.name}: a report's folder holds only {PARTS}, not {modules - set(PARTS)}"
    assert len(list(NOTEBOOKS.glob(f"[0-9][0-9]_{folder.name}.ipynb"))) == 1, f"no notebook for {folder.name}"
