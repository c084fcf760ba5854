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
        match = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.\-]+)=([\w.]+)\s*", line)
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
