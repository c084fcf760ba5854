"""The project's own promises: pins in one place, the contract document in step with the code."""

from __future__ import annotations

import re
import tomllib

from analysis.data import contract

from conftest import REPO


def _pins_from_pyproject() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    pins = {}
    for dep in deps:
        name, version = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([\w.]+)", dep).groups()
        pins[re.sub(r"\[.*\]", "", name).lower().replace("_", "-")] = version
    return pins


def _pins_from_environment() -> dict[str, str]:
    pins = {}
    for line in (REPO / "environment.yml").read_text().splitlines():
        # conda packages (name=version) and, under pip:, packages from PyPI (name==version)
        match = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.\-]+)==?([\w.]+)\s*(#.*)?", line)
        if match and match[1] != "python":
            pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def test_every_dependency_is_pinned_exactly_once_and_environment_yml_agrees():
    pyproject, conda = _pins_from_pyproject(), _pins_from_environment()
    assert pyproject, "no pins found in pyproject.toml"
    assert conda == pyproject, (
        "environment.yml and pyproject.toml list different packages or versions: "
        f"only in pyproject {sorted(set(pyproject.items()) - set(conda.items()))}, "
        f"only in environment.yml {sorted(set(conda.items()) - set(pyproject.items()))}"
    )


def test_data_readme_contract_tables_match_the_code():
    text = (REPO / "data" / "README.md").read_text()
    generated = text.split(contract.DOC_START, 1)[1].split(contract.DOC_END, 1)[0].strip()
    assert generated == contract.markdown().strip(), "data/README.md is out of date: run `python -m analysis contract`"


def test_every_contract_file_and_column_is_documented():
    text = (REPO / "data" / "README.md").read_text()
    for extract in contract.EXTRACTS.values():
        assert f"`{extract.file}`" in text
        for column in extract.columns:
            assert f"`{column.name}`" in text


def test_the_jsonschema_workaround_is_still_needed_where_it_applies():
    """`publish.execute.papermill_module` hides rfc3987_syntax while nbformat first imports jsonschema, which would
    otherwise build a grammar for a string format no notebook uses (about 1.2 s in every worker). The package is
    installed only with the dev tools (JupyterLab brings it). If jsonschema stops building the grammar at import,
    this fails: remove the workaround then."""
    import importlib.util
    import subprocess
    import sys

    import pytest

    if importlib.util.find_spec("rfc3987_syntax") is None:
        pytest.skip("rfc3987_syntax is not installed (no dev tools): the workaround does nothing here")
    code = "import sys, jsonschema; print('lark' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "True", "jsonschema no longer builds the IRI grammar at import: remove the workaround"


TEXT_FILES = ["README.md", "CHANGELOG.md", "data/README.md", "src/**/*.py", "src/**/*.md", "tests/**/*.py"]
TEXT_FILES += ["docs/**/*.md"]
# Paths that are examples, or made while running, rather than files of the repository.
NOT_FILES = {
    "notebooks/40_custody.ipynb",
    "src/analysis/reports/custody",
    "tests/unit/test_custody.py",
    "notebooks/NN_",
    "notebooks/10_dies.ipynb",
    "data/2026-04-20",
    "benchmarks/results/data-scale",
    "benchmarks/results/latest.json",
}
OUTSIDE = ("seed" + "_facts", "shared/" + "reference")  # the reference notes, which a clone does not have
PATH = r"(?<![\w/.])((?:docs|tests|src/analysis|data|notebooks|benchmarks)/[\w./-]*\w)"
FIGURE = r"(?:[0-9][0-9.]*[0-9]|[IPD]-[0-9]+)"


def _texts():
    for pattern in TEXT_FILES:
        for path in sorted(REPO.glob(pattern)):
            yield path, path.read_text(encoding="utf-8")


def test_every_reference_resolves_inside_the_repository():
    """Paths named in the code, tests and documents exist in the repository; published figures and worked examples
    cited by label are in docs/methodology.md; nothing points outside (the reference notes are not part of a clone)."""
    methodology = (REPO / "docs" / "methodology.md").read_text()
    labels = set(re.findall(rf"^\| *({FIGURE}|[0-9]) *\|", methodology, flags=re.M))
    examples = set(re.findall(r"^### Worked example (\d+)", methodology, flags=re.M))
    missing = []
    for path, text in _texts():
        where = path.relative_to(REPO)
        missing += [f"{where}: cites {name}, outside the repository" for name in OUTSIDE if name in text]
        for ref in re.findall(PATH, text):
            if ref not in NOT_FILES and not ref.startswith("data/demo") and not (REPO / ref).exists():
                missing.append(f"{where}: {ref}")
        for group in re.findall(rf"published figures? ({FIGURE}(?:(?:, | and ){FIGURE})*)", text):
            missing += [f"{where}: published figure {x}" for x in re.split(r", | and ", group) if x not in labels]
        cited = re.findall(r"worked example (\d+)", text)
        missing += [f"{where}: worked example {n}" for n in cited if n not in examples]
    assert not missing, "References that do not resolve:\n" + "\n".join(sorted(set(missing)))
