"""Benchmark the quarterly refresh: wall time, time per stage and notebook, peak memory, against the floor.

Run with ``make benchmark`` (the demo, ``--scale 10`` and ``--scale 100``, about a national-size extract; the
first run generates the larger extracts, which takes a few minutes) or ``.venv/bin/python benchmarks/refresh.py
--scales 1``. Not part of the test suite: it prints figures for the README's performance section, it does not
pass or fail. Peak memory is the largest total proportional set size (PSS) of the refresh and all its child
processes (kernels and Chromium included), read every 400 ms. Processor time (user and system) is read every 50 ms,
by kind of process (the kernels, the runner, the runner's worker processes, which validate the extract and drive the
kernels, and Chromium), for the refresh and the floor: where the refresh's extra time goes, and how busy the cores
were (when both runs keep the cores about equally busy, the ratio of wall times follows the ratio of processor
times, which varies much less from run to run on a shared machine). What the sampling itself cost is printed too.

The floor is what the refresh costs before any analysis: the same runner (same command, same stages, same
PDF printing) on the same validated extract, running one stand-in notebook for each real report. Each stand-in
has the real notebook's file name (so the summary, 90_, still runs alone after the others, as in the real run),
its metadata and kernel, its parameters cell, and one code cell holding every import statement found in the real
notebook's code (module level, found with ``ast``): kernel start and imports (pandas, matplotlib, scipy, seaborn,
the analysis modules), and nothing else. No analysis is copied, so the stand-ins write no figures and their pages
are near empty. The ratio is the refresh's wall time over the floor's, for a refresh and the floor run straight
after it; at the demo size five such pairs run and the median pair is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
QUARTER = "2025-26 Q4"


# What each process in a run is, for the processor-time breakdown.
KINDS = ("kernels", "runner", "runner's workers", "Chromium", "other")


def _kind(p: psutil.Process, root: int) -> str:
    command = " ".join(p.cmdline())
    if "ipykernel" in command:
        return "kernels"  # the reports' kernels: start, imports and the analysis
    if p.pid == root:
        return "runner"  # the refresh's own process: checks, scheduling, HTML rendering
    if "chrom" in p.name().lower() or "--type=" in command:
        return "Chromium"  # printing the PDFs
    if "python" in p.name().lower():
        return "runner's workers"  # its child processes: validation, and papermill driving each kernel
    return "other"


def _look(proc: psutil.Process, cpu: dict[int, tuple[str, float]], memory: bool) -> int:
    """One look at a process and all its children: records each one's kind and processor time so far in `cpu`, and
    if `memory`, returns the memory they use now: the sum of their proportional set sizes (PSS), so pages that forked
    processes share are counted once, not once per process (RSS would count them in each; RSS where PSS is not
    available). Reading PSS is slow (the kernel walks each process's pages), so it is read less often."""
    total = 0
    try:
        family = [proc, *proc.children(recursive=True)]
    except psutil.Error:  # the process has just ended
        return 0
    for p in family:
        try:
            with p.oneshot():
                times = p.cpu_times()
                known = cpu.get(p.pid, ("",))[0]  # a kernel or Chromium stays one; a forked child may yet become one
                kind = known if known in ("kernels", "Chromium") else _kind(p, proc.pid)
                cpu[p.pid] = (kind, times.user + times.system)
                if memory:
                    info = p.memory_full_info()
                    total += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return total


@dataclass
class Measured:
    wall: float  # seconds
    peak: int  # bytes: the largest total PSS of the process tree seen
    out: str  # what the command printed
    cpu: dict[str, float]  # processor seconds (user and system) by kind of process, see KINDS
    sampling: float  # processor seconds the benchmark's own sampling took, on the same cores


def run_measured(cmd: list[str], every: float = 0.05, memory_every: int = 8) -> Measured:
    """Run a command, looking at its process tree every `every` seconds for processor time and at every
    `memory_every`-th look for memory (every 400 ms: reading PSS takes tens of milliseconds, and every 50 ms it took
    a quarter of a core from the run it measures). A process that lives less than 50 ms is missed, and each one's
    last 50 ms may be."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak, sampling = 0, 0.0
    cpu: dict[int, tuple[str, float]] = {}
    ps = psutil.Process(proc.pid)
    done = threading.Event()

    def sample():
        nonlocal peak, sampling
        looks = 0
        while not done.is_set():
            peak = max(peak, _look(ps, cpu, memory=looks % memory_every == 0))
            looks += 1
            time.sleep(every)
        sampling = time.thread_time()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with status {proc.returncode}")
    by_kind = dict.fromkeys(KINDS, 0.0)
    for kind, seconds in cpu.values():
        by_kind[kind] += seconds
    return Measured(time.perf_counter() - started, peak, out, by_kind, sampling)


def import_statements(source: str) -> list[str]:
    """The import statements a cell runs when executed (module level, including under if/try/with), as source."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))  # IPython magics become plain calls
    found, todo = [], list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(ast.unparse(node))
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo[:0] = [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]
    return found


def floor_notebooks(notebooks: list[Path], folder: Path) -> Path:
    """For each real notebook, a stand-in of the same name with its parameters cell and its imports, nothing else."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in notebooks:
        source = nbformat.read(path, as_version=4)
        code = [c for c in source.cells if c.cell_type == "code"]
        params = next(c for c in code if "parameters" in c.metadata.get("tags", []))
        imports = [line for c in code if c is not params for line in import_statements(c.source)]
        metadata = {k: v for k, v in source.metadata.items() if k != "papermill"}
        nb = nbformat.v4.new_notebook(metadata=metadata)
        nb.cells = [
            nbformat.v4.new_code_cell(params.source, metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("\n".join(dict.fromkeys(imports))),
        ]
        nbformat.write(nb, folder / path.name)
    return folder


def bench(scale: float, python: str, repeat: int = 1) -> dict:
    from analysis.data.contract import EXTRACTS

    data = RESULTS / f"data-scale{scale:g}"
    if not all((data / e.file).exists() for e in EXTRACTS.values()):  # absent, or made before the contract grew
        subprocess.run(
            [python, "-m", "analysis", "demo", "--out", str(data), "--scale", str(scale)], cwd=REPO, check=True
        )
    out, work = RESULTS / f"reports-scale{scale:g}", RESULTS / f"work-scale{scale:g}"
    refresh = [
        python,
        "-m",
        "analysis",
        "refresh",
        "--quarter",
        QUARTER,
        "--data",
        str(data),
        "--out",
        str(out),
        "--work",
        str(work),
        "--no-progress",
    ]
    floor_cmd = [
        python,
        "-c",
        "import sys; from pathlib import Path; from analysis.publish.runner import refresh; "
        f"refresh({QUARTER!r}, Path(sys.argv[1]), Path(sys.argv[2]), work_dir=Path(sys.argv[3]), "
        "notebooks_dir=Path(sys.argv[4]), progress=False)",
        str(data),
        str(RESULTS / "floor-reports"),
        str(work),
    ]
    runs, floors = [], []
    for _ in range(repeat):  # alternately, so both see the same state of the machine
        shutil.rmtree(work, ignore_errors=True)  # validation is part of the cost
        run = run_measured(refresh)
        manifest = json.loads((out / QUARTER.replace(" ", "-") / "manifest.json").read_text())
        runs.append((run, manifest))
        floor_dir = floor_notebooks(
            [REPO / "notebooks" / f"{name}.ipynb" for name in manifest["notebooks"]], RESULTS / "floor-notebooks"
        )
        # the validated extract is cached by now, as it is for the real run's notebooks
        floors.append(run_measured([*floor_cmd, str(floor_dir)]))
    # Each refresh is paired with the floor run straight after it, under the same conditions; the ratio reported
    # is the median of the pairs' ratios, and the times are those of the median pair.
    ratios = [r.wall / f.wall for (r, _), f in zip(runs, floors)]
    middle = sorted(range(repeat), key=lambda i: ratios[i])[repeat // 2]
    (run, manifest), floor = runs[middle], floors[middle]
    peak = max(r.peak for r, _ in runs)  # the highest of any run
    size = sum(p.stat().st_size for p in data.glob("*.csv"))
    return {
        "scale": scale,
        "extract_mb": size / 1e6,
        "wall": run.wall,
        "peak_gb": peak / 1e9,
        "floor": floor.wall,
        "ratio": ratios[middle],
        "ratios": [round(x, 2) for x in ratios],
        "timings": manifest["run"]["timings_seconds"],
        "notebooks": manifest["run"]["notebook_seconds"],
        "repeat": repeat,
        "cpu": run.cpu,
        "floor_cpu": floor.cpu,
        "sampling": [run.sampling, floor.sampling],
        "walls": [round(r.wall, 2) for r, _ in runs],
        "floors": [round(f.wall, 2) for f in floors],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 10, 100])
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="pairs of runs (the refresh, then the floor) at the demo size, one at larger sizes; the "
        "median pair is reported, as single runs on a shared machine vary a great deal",
    )
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"
    )
    rows = [bench(s, sys.executable, args.repeat if s <= 1 else 1) for s in args.scales]
    print(
        f"\n{'scale':>6} {'extract MB':>11} {'refresh s':>10} {'floor s':>8} {'ratio':>6} {'peak GB':>8} "
        f"{'validate s':>11} {'notebooks s':>12} {'render s':>9} {'pdf s':>6}"
    )
    for r in rows:
        t = r["timings"]
        print(
            f"{r['scale']:>6g} {r['extract_mb']:>11.0f} {r['wall']:>10.1f} {r['floor']:>8.1f} {r['ratio']:>6.2f} "
            f"{r['peak_gb']:>8.2f} {t['validation']:>11.1f} {t['notebooks']:>12.1f} {t['rendering']:>9.1f} "
            f"{t.get('pdf', float('nan')):>6.1f}"
        )
    for r in rows:
        if r["repeat"] > 1:
            print(
                f"\nscale {r['scale']:g}, {r['repeat']} pairs (the median pair above): refresh "
                + ", ".join(f"{w:.1f}" for w in r["walls"])
                + " s; floor "
                + ", ".join(f"{f:.1f}" for f in r["floors"])
                + " s; ratio "
                + ", ".join(f"{x:.2f}" for x in r["ratios"])
            )
    cores = os.cpu_count() or 1
    for r in rows:
        cpu, floor = r["cpu"], r["floor_cpu"]
        total, floor_total = sum(cpu.values()), sum(floor.values())
        print(
            f"\nscale {r['scale']:g}, processor seconds (user and system, all processes; the median pair), refresh / "
            f"floor / the refresh's extra: "
            + ", ".join(
                f"{k} {cpu[k]:.1f} / {floor[k]:.1f} / {cpu[k] - floor[k]:+.1f}" for k in KINDS if cpu[k] or floor[k]
            )
            + f"; total {total:.1f} / {floor_total:.1f} / {total - floor_total:+.1f} "
            f"(ratio {total / floor_total:.2f}); "
            f"the {os.cpu_count()} cores were busy {total / (r['wall'] * cores):.0%} / "
            f"{floor_total / (r['floor'] * cores):.0%} "
            f"of the time; the benchmark's own sampling took {r['sampling'][0]:.1f} / {r['sampling'][1]:.1f}"
        )
    for r in rows:
        print(
            f"\nscale {r['scale']:g}, seconds per notebook: "
            + ", ".join(f"{k} {v:.1f}" for k, v in r["notebooks"].items())
        )
    (RESULTS / "latest.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
