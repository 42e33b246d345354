"""Drift Lab's benchmarks: one command, one table, each number beside its goal.

    python benchmarks/run.py            # everything (about 12 minutes on 2 cores)
    python benchmarks/run.py --quick    # one run per notebook, no 1M-row engine part (about 3 minutes)
    make bench                          # the same as the first line, in the kit's environment

Measures, each as the median of several runs (``--repeats``):

* ``import labkit`` in a fresh interpreter (goal < 1 s);
* every notebook in ``notebooks/`` top to bottom in a fresh kernel (goal < 20 s each), the whole
  sequence (goal < 2 min) and the kernel's peak resident memory (goal < 1 GiB), via
  ``benchmarks/notebook_runs.py`` in a subprocess per run;
* each playground's reaction to its drift slider, recompute + redraw (goal median < 150 ms), via
  ``benchmarks/widget_reaction.py``;
* the data-quality engine (``suggest_baseline`` = ``labkit data-quality baseline``, ``monitor``)
  on 100k and 1M rows × 20 columns from ``benchmarks/data_quality_engine.py``, as rows per
  second, next to the plain pandas + scipy loop of that file;
* issue 20's table from ``benchmarks/data_quality_cli.py``: the CLI end to end on 1M-row CSVs
  beside the plain loop, Evidently (``--evidently-python``) and ``--engine spark`` (``--spark``),
  with wall time and peak RSS of each process; and the scaling series 10k / 100k / 1M / 10M
  rows (``--quick``: 10k and 100k);
* notebook 05's simulated week of hourly monitoring, by ``benchmarks/simulation.py`` (its table,
  read back into this one; ``--quick`` simulates 2 days once);
* the SDK's DefaultModelMonitor on ``labkit.local`` (baseline + 24 hourly executions) next to the
  same work by direct twin calls (goal: within 1.5x), by ``benchmarks/local_sdk.py``.

Timings are printed, never asserted (CONTRIBUTING.md): a busy machine only ever adds time.
``--markdown`` prints the table as Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NOTEBOOKS = REPO / "notebooks"

# Goals (README: every notebook must run top to bottom in seconds on every workshop seat).
GOAL_IMPORT_S = 1.0
GOAL_NOTEBOOK_S = 20.0
GOAL_SEQUENCE_S = 120.0
GOAL_PEAK_RSS_MIB = 1024.0
GOAL_WIDGET_MS = 150.0
GOAL_CLI_PEAK_MIB = 1024.0  # issue 20: under 1 GiB at 1M rows × 20 columns
GOAL_SCALING_PEAK_MIB = 1536.0  # issue 20: 10M rows under 1.5 GiB (a 4 GiB seat)
ENGINE_SIZES = (100_000, 1_000_000)
SCALING_SIZES = (10_000, 100_000, 1_000_000, 10_000_000)


@dataclass(frozen=True)
class Row:
    section: str
    measure: str
    value: str
    goal: str = ""
    met: bool | None = None  # None: no goal

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("ok" if self.met else "MISSED")


def machine() -> dict[str, str]:
    """What the numbers were measured on: cores, memory, CPU model, Python and library versions."""
    import numpy
    import pandas

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kib = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "cores (nproc)": str(cores),
        "memory": f"{mem_kib / 2**20:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "pandas / numpy": f"{pandas.__version__} / {numpy.__version__}",
    }


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


# -- import ---------------------------------------------------------------------------------------


def import_time(repeats: int) -> list[Row]:
    """``import labkit`` in a fresh interpreter; and with the data-quality twin (pandas, scipy)."""
    rows = []
    for statement, label in (
        ("import labkit", "import labkit (fresh interpreter)"),
        ("from labkit import data_quality", "from labkit import data_quality (pandas, scipy)"),
    ):
        code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
        median = statistics.median(
            float(_python("-c", code, cwd="/").strip()) for _ in range(max(repeats, 5))
        )
        rows.append(
            Row(
                "import",
                label,
                f"{median * 1000:.0f} ms",
                f"< {GOAL_IMPORT_S:g} s",
                median < GOAL_IMPORT_S,
            )
        )
    return rows


def _python(*args: str, cwd: Path | str = REPO) -> str:
    done = subprocess.run(
        [sys.executable, *args], check=False, cwd=cwd, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


# -- notebooks ------------------------------------------------------------------------------------


def notebooks(repeats: int) -> list[Row]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    runs: dict[str, list[dict]] = {p.name: [] for p in paths}
    sequences = []
    for repeat in range(repeats):
        total = 0.0
        for path in paths:
            print(
                f"  notebook {path.name}, run {repeat + 1}/{repeats} ...",
                file=sys.stderr,
                flush=True,
            )
            result = json.loads(
                _python(str(HERE / "notebook_runs.py"), str(path)).strip().splitlines()[-1]
            )
            runs[path.name].append(result)
            total += result["seconds"]
        sequences.append(total)
    rows = []
    for name, results in runs.items():
        median = statistics.median(r["seconds"] for r in results)
        cells = statistics.median(r["cell_seconds"] for r in results)
        rows.append(Row("notebooks", f"{name.removesuffix('.ipynb')} (cells {cells:.1f} s)", f"{median:.1f} s",
                        f"< {GOAL_NOTEBOOK_S:g} s", median < GOAL_NOTEBOOK_S))  # fmt: skip
    if paths:
        sequence = statistics.median(sequences)
        first, last = paths[0].name[:2], paths[-1].name[:2]
        rows.append(Row("notebooks", f"sequence {first}–{last}, {len(paths)} notebooks", f"{sequence:.1f} s",
                        f"< {GOAL_SEQUENCE_S / 60:g} min", sequence < GOAL_SEQUENCE_S))  # fmt: skip
        peak_name, peak = max(
            ((n, max(r["peak_rss_mib"] for r in rs)) for n, rs in runs.items()), key=lambda x: x[1]
        )
        rows.append(Row("notebooks", f"kernel peak RSS (largest: {peak_name.removesuffix('.ipynb')})", f"{peak:.0f} MiB",
                        "< 1 GiB", peak < GOAL_PEAK_RSS_MIB))  # fmt: skip
    return rows


# -- widgets --------------------------------------------------------------------------------------


def widgets(changes: int) -> list[Row]:
    import widget_reaction

    rows = []
    for r in widget_reaction.measure_all(changes):
        if r.changes == 0:
            rows.append(Row("widgets", r.app, r.error or "not measured"))
            continue
        rows.append(Row("widgets", f"{r.app}: {r.control}, {r.changes} changes (max {r.max_ms:.0f} ms)",
                        f"{r.median_ms:.0f} ms", f"< {GOAL_WIDGET_MS:g} ms", r.median_ms < GOAL_WIDGET_MS))  # fmt: skip
    return rows


# -- data-quality engine --------------------------------------------------------------------------


def engine(sizes: tuple[int, ...], repeats: int) -> list[Row]:
    rows = []
    for n in sizes:
        print(f"  engine, {n:,} rows ...", file=sys.stderr, flush=True)
        rows.extend(_engine_rows(n, repeats))
        gc.collect()
    return rows


def _engine_rows(n: int, repeats: int) -> list[Row]:
    from data_quality_engine import SEED, make_frame, run_plain

    from labkit import data_quality

    baseline_df, window_df = make_frame(n, SEED), make_frame(n, SEED + 1, shift=0.5)
    baseline = data_quality.suggest_baseline(
        baseline_df
    )  # warm-up: first-call imports are not throughput
    rows = []
    for step, fn in (
        ("baseline (suggest_baseline)", lambda: data_quality.suggest_baseline(baseline_df)),
        ("monitor", lambda: data_quality.monitor(window_df, baseline)),
    ):
        seconds = _median_seconds(fn, repeats)
        rows.append(
            Row(
                "engine",
                f"{n:,} rows × 20 cols: {step}",
                f"{seconds:.2f} s ({n / seconds / 1e6:.2f} M rows/s)",
            )
        )
    plain = _median_seconds(lambda: run_plain(baseline_df, window_df), repeats)
    kit_mib = _traced_peak_mib(
        lambda: data_quality.monitor(window_df, data_quality.suggest_baseline(baseline_df))
    )
    plain_mib = _traced_peak_mib(lambda: run_plain(baseline_df, window_df))
    rows.append(
        Row("engine", f"{n:,} rows: plain pandas + scipy loop (both frames)", f"{plain:.2f} s")
    )
    rows.append(
        Row(
            "engine",
            f"{n:,} rows: peak traced memory, kit / plain",
            f"{kit_mib:.0f} / {plain_mib:.0f} MiB",
        )
    )
    return rows


def cli(rows: int, repeats: int, evidently_python: str | None, spark: bool) -> list[Row]:
    """Issue 20's table: the CLI end to end beside the plain loop, Evidently and Spark (fresh processes)."""
    from data_quality_cli import measure

    results = measure([rows], repeats=repeats, evidently_python=evidently_python, spark=spark)
    plain = next((r for name, _, r in results if name.startswith("plain")), None)
    out = []
    for name, n, run in results:
        versus = f"; {run.seconds / plain.seconds:.2f}× plain" if plain else ""
        goal, met = "", None
        if name.startswith("labkit baseline"):
            goal = f"≤ 2× plain, < {GOAL_CLI_PEAK_MIB / 1024:g} GiB"
            met = run.peak_mib < GOAL_CLI_PEAK_MIB and (plain is None or run.seconds <= 2 * plain.seconds)
        out.append(Row("cli", f"{name}, {n:,} × 20 CSVs", f"{run.seconds:.1f} s, {run.peak_mib:,.0f} MiB{versus}",
                       goal, met))  # fmt: skip
    if evidently_python is None:
        out.append(Row("cli", "Evidently DataDriftPreset", "not measured (give --evidently-python)"))
    return out


def scaling(sizes: tuple[int, ...]) -> list[Row]:
    """labkit baseline + monitor at growing sizes: time linear in rows, memory bounded (one run each)."""
    from data_quality_cli import measure

    rows = []
    for name, n, run in measure(list(sizes), repeats=1, plain_up_to=0):
        goal = f"< {GOAL_SCALING_PEAK_MIB / 1024:g} GiB"
        rows.append(Row("scaling", f"{name}, {n:,} rows", f"{run.seconds:.1f} s ({n / run.seconds / 1e3:,.0f} k rows/s), "
                        f"{run.peak_mib:,.0f} MiB", goal, run.peak_mib < GOAL_SCALING_PEAK_MIB))  # fmt: skip
    return rows


def simulation(quick: bool, repeats: int) -> list[Row]:
    """``benchmarks/simulation.py`` (notebook 05's simulated week), run as it is and its table read."""
    import re

    script = HERE / "simulation.py"
    if not script.exists():
        return [Row("simulation", "benchmarks/simulation.py", "not written yet")]
    args = ["--days", "2", "--repeat", "1"] if quick else ["--repeat", str(repeats)]
    rows = []
    for line in _python(str(script), *args).splitlines():
        match = re.fullmatch(r"(.*\S)\s+(\d+\.\d+)", line.strip())
        if match:
            rows.append(Row("simulation", match.group(1), f"{float(match.group(2)):.2f} s"))
    return rows


def local_sdk(quick: bool, repeats: int) -> list[Row]:
    """``benchmarks/local_sdk.py``: the SDK's DefaultModelMonitor on labkit.local vs the twins called directly."""
    import re

    args = ["--rows", "100", "--repeat", "1"] if quick else ["--repeat", str(repeats)]
    rows = []
    for line in _python(str(HERE / "local_sdk.py"), *args).splitlines():
        ratio = re.fullmatch(r"(.*\S)\s+ratio (\d+\.\d+) (ok|MISSED)", line.strip())
        match = re.fullmatch(r"(.*\S)\s+(\d+\.\d+)", line.strip())
        if ratio:
            rows.append(Row("local", ratio.group(1), f"{float(ratio.group(2)):.2f}x", "<= 1.5x", ratio.group(3) == "ok"))
        elif match:
            rows.append(Row("local", match.group(1), f"{float(match.group(2)):.2f} s"))
    return rows


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _traced_peak_mib(fn) -> float:
    """Peak Python-allocated memory of one run (tracemalloc; a separate, slower run)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# -- report ---------------------------------------------------------------------------------------


def print_table(rows: list[Row], info: dict[str, str], *, markdown: bool) -> None:
    if markdown:
        for key, value in info.items():
            print(f"- **{key}**: {value}")
        print("\n| section | measure | value | goal | |\n|---|---|---|---|---|")
        for r in rows:
            print(f"| {r.section} | {r.measure} | {r.value} | {r.goal} | {r.verdict} |")
        return
    for key, value in info.items():
        print(f"{key:>15}: {value}")
    width = max(len(r.measure) for r in rows)
    print(f"\n{'':<10} {'measure':<{width}}  {'value':<28} {'goal':<10}")
    section = None
    for r in rows:
        label = r.section if r.section != section else ""
        section = r.section
        print(f"{label:<10} {r.measure:<{width}}  {r.value:<28} {r.goal:<10} {r.verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 run per notebook; skip the 1M-row engine and CLI runs",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="runs per measure (default 3, --quick: 1 for notebooks)",
    )
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["import", "notebooks", "widgets", "engine", "cli", "scaling", "simulation", "local"],
                        help="sections to leave out")  # fmt: skip
    parser.add_argument("--evidently-python", help="a Python with Evidently (pandas < 3) for the cli section")
    parser.add_argument("--spark", action="store_true", help="cli section: also --engine spark (PySpark + Java)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--json", type=Path, help="also write the rows and the machine as JSON here"
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or 3
    sizes = ENGINE_SIZES[:1] if args.quick else ENGINE_SIZES
    sys.path.insert(0, str(HERE))  # the sibling benchmark modules
    sections = {
        "import": lambda: import_time(repeats),
        "notebooks": lambda: notebooks(args.repeats or (1 if args.quick else 3)),
        "widgets": lambda: widgets(7),
        "engine": lambda: engine(sizes, repeats),
        "cli": lambda: cli(sizes[-1], repeats, args.evidently_python, args.spark),
        "scaling": lambda: scaling(SCALING_SIZES[:2] if args.quick else SCALING_SIZES),
        "simulation": lambda: simulation(args.quick, repeats),
        "local": lambda: local_sdk(args.quick, repeats),
    }
    rows: list[Row] = []
    for name, measure in sections.items():
        if name not in args.skip:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            rows.extend(measure())
    info = machine()
    print_table(rows, info, markdown=args.markdown)
    if args.json:
        args.json.write_text(
            json.dumps({"machine": info, "rows": [asdict(r) for r in rows]}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
