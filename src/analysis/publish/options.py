"""The parameters an analyst may set for a refresh (`--set name=value`): checked, and given their types, before
anything runs."""

from __future__ import annotations

from pathlib import Path

from analysis.present.report import MODES, ParameterError
from analysis.publish.execute import papermill_module
from analysis.safety.suppression import DEFAULT_UP_TO

# Parameters every notebook takes; the runner sets them.
RUNNER_PARAMETERS = ("quarter", "data_dir", "work_dir", "output_dir")


SUMMARY_PARAMETERS = ("figures_dir", "reports_dir")  # set by the runner for notebooks that declare them


# Parameters an analyst may set with --set name=value, with their types. `contact` is the committee pack's contact
# line (publish/pack.py; no notebook takes it).
OPTIONS = {"suppress_up_to": int, "mode": str, "contact": str}


def _coerce(name: str, value: str, kind: type):
    """The text given with --set, as the type the parameter's default has."""
    if kind is bool:
        if value.lower() in ("true", "yes", "1", "false", "no", "0"):
            return value.lower() in ("true", "yes", "1")
        raise ParameterError(f"--set {name}: expected true or false, got {value!r}")
    if kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            words = "a whole number" if kind is int else "a number"
            raise ParameterError(f"--set {name}: expected {words}, got {value!r}") from None
    return value


def _default_type(default_source: str) -> type:
    import ast

    try:
        return type(ast.literal_eval(default_source))
    except (ValueError, SyntaxError):
        return str


def check_options(options: dict[str, str], notebooks: list[Path]) -> dict[str, object]:
    """Reject unknown or ill-typed parameters before anything runs."""
    papermill = papermill_module()

    declared: dict[str, type] = {}
    defaults: dict[str, str] = {}
    for nb in notebooks:
        for name, info in papermill.inspect_notebook(str(nb)).items():
            declared.setdefault(name, _default_type(info["default"]))
            defaults.setdefault(name, info["default"])
    missing = [nb.name for nb in notebooks if not set(RUNNER_PARAMETERS) <= set(papermill.inspect_notebook(str(nb)))]
    if missing:
        raise ParameterError(f"Notebook(s) {', '.join(missing)} lack the parameters {', '.join(RUNNER_PARAMETERS)}.")
    clean: dict[str, object] = {}
    for name, value in options.items():
        if name in RUNNER_PARAMETERS or name in SUMMARY_PARAMETERS:
            raise ParameterError(
                f"--set {name}: this parameter is set by the refresh command itself (use its own option)."
            )
        if name not in OPTIONS and name not in declared:
            known = sorted(set(OPTIONS) | (set(declared) - set(RUNNER_PARAMETERS) - set(SUMMARY_PARAMETERS)))
            raise ParameterError(f"--set {name}: no report takes this parameter. Known parameters: {', '.join(known)}.")
        clean[name] = _coerce(name, value, OPTIONS.get(name, declared.get(name, str)))
    if "mode" in clean and clean["mode"] not in MODES:
        raise ParameterError(f"--set mode: must be one of {', '.join(MODES)}, not {clean['mode']!r}.")
    if "suppress_up_to" in clean and clean["suppress_up_to"] < 0:
        raise ParameterError("--set suppress_up_to: must be 0 or more.")
    # The published policy is a floor: a public refresh may withhold more, never less. A restricted one shows every
    # number anyway (the threshold only marks, in figures.csv, what a public run would withhold).
    if clean.get("mode", "public") == "public" and clean.get("suppress_up_to", DEFAULT_UP_TO) < DEFAULT_UP_TO:
        raise ParameterError(
            f"--set suppress_up_to: public reports withhold counts of 1 to at least {DEFAULT_UP_TO} (the published "
            f"policy); {clean['suppress_up_to']} would publish smaller counts. Use a larger value, or "
            "--set mode=restricted for the board's private session."
        )
    # What the reports would otherwise find wrong only once they run.
    if {"nc_year_from", "nc_year_to"} & set(clean):
        _check_nc_years(clean, defaults)
    if "comparators_path" in clean:
        clean["comparators_path"] = _check_comparators(str(clean["comparators_path"]))
    return clean


def _check_nc_years(clean: dict[str, object], defaults: dict[str, str]) -> None:
    """National curriculum years within the data contract's range (pupils.csv nc_year), the first no later than the
    last (the one not given is the notebook's default)."""
    import ast

    from analysis.data.contract import EXTRACTS

    column = next(c for c in EXTRACTS["pupils"].columns if c.name == "nc_year")
    low, high = int(column.minimum), int(column.maximum)
    years = {}
    for name in ("nc_year_from", "nc_year_to"):
        if name in clean:
            value = clean[name]
            if not low <= value <= high:
                raise ParameterError(
                    f"--set {name}: national curriculum years run from {low} (reception) to {high} "
                    f"(as in the data contract); {value} is not one of them."
                )
            years[name] = value
        else:
            try:
                years[name] = int(ast.literal_eval(defaults[name]))
            except (KeyError, ValueError, SyntaxError, TypeError):
                return  # no report declares the other one: nothing to compare
    if years["nc_year_from"] > years["nc_year_to"]:
        given = " and ".join(f"{n}={years[n]}" for n in ("nc_year_from", "nc_year_to") if n in clean)
        raise ParameterError(
            f"--set {given}: nc_year_from ({years['nc_year_from']}) must not be after nc_year_to "
            f"({years['nc_year_to']}); the exclusions report compares the years from one to the "
            "other."
        )


def _check_comparators(value: str) -> str:
    """The comparator file given with --set: one that exists and src/analysis/measures/comparators.py accepts.
    Returned as an absolute path (the reports run in the notebooks' folder, so a relative one would be read from
    there)."""
    from analysis.measures import comparators

    path = Path(value).expanduser().resolve()
    if not path.exists():
        raise ParameterError(
            f"--set comparators_path: {path} does not exist. Give the path of the comparator file "
            "(the product's own is data/reference/comparators.csv)."
        )
    if not path.is_file():
        raise ParameterError(f"--set comparators_path: {path} is a folder; give the comparator file itself.")
    try:
        comparators.load(path)
    except comparators.ComparatorError as err:
        raise ParameterError(f"--set comparators_path: {err}") from None
    except OSError as err:
        raise ParameterError(f"--set comparators_path: {path} cannot be read ({err.strerror or err}).") from None
    return str(path)
