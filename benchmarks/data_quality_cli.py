"""The data-quality CLI end to end, beside the plain way, Evidently, Spark, at growing sizes.

Issue 20's table, rerun: reference and window CSVs of N rows × 20 columns (16 numeric, 4
categorical, a 0.2-sd shift in 3 columns of the window), then, each in a fresh process whose
wall time and peak resident memory (``wait4``'s ``ru_maxrss``) are measured:

* ``labkit data-quality baseline`` + ``monitor`` (local engine; ``--engine spark`` too);
* the plain script: ``pandas.read_csv`` of both files, ``describe()``, ``scipy.stats.ks_2samp``
  per numeric column, ``value_counts`` per categorical one;
* Evidently's ``DataDriftPreset`` on the same CSVs, run by ``--evidently-python`` (a separate
  environment: Evidently 0.7 needs pandas < 3, so it is never a dependency of the kit).

    python benchmarks/data_quality_cli.py                         # 1M rows, 3 runs each
    python benchmarks/data_quality_cli.py --rows 10000 100000 1000000 10000000 --repeats 1
    python benchmarks/data_quality_cli.py --evidently-python /tmp/ev/bin/python --spark

Files are generated into a temporary folder and deleted (10M rows are about 2 × 1.4 GB).
Prints a table; asserts nothing. ``benchmarks/run.py`` calls ``measure`` for its table.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 0
N_FLOAT, N_INT, N_CATEGORICAL = 8, 8, 4
SHIFTED = ("f0", "f1", "i0")  # the window's 0.2-sd shift
SHIFT_SD = 0.2

PLAIN = """
import sys
import pandas as pd
from scipy.stats import ks_2samp
b, w = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
for name in b.columns:
    b[name].describe(); w[name].describe()
    if pd.api.types.is_numeric_dtype(b[name]):
        ks_2samp(b[name].dropna().to_numpy(), w[name].dropna().to_numpy())
    else:
        b[name].value_counts(); w[name].value_counts()
"""

EVIDENTLY = """
import sys
import pandas as pd
b, w = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
try:  # Evidently 0.7: evidently.Report + evidently.presets
    from evidently import Report
    from evidently.presets import DataDriftPreset
    Report([DataDriftPreset()]).run(current_data=w, reference_data=b)
except ImportError:  # Evidently 0.4-0.6
    from evidently.metric_preset import DataDriftPreset
    from evidently.report import Report
    Report(metrics=[DataDriftPreset()]).run(current_data=w, reference_data=b)
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    code: int


def write_csvs(rows: int, folder: Path) -> tuple[Path, Path]:
    """The reference and window CSVs, written in blocks with pyarrow (fast, bounded memory)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    paths = (folder / f"reference_{rows}.csv", folder / f"window_{rows}.csv")
    for which, path in enumerate(paths):
        rng = np.random.default_rng(SEED + which)
        writer = None
        for start in range(0, rows, 500_000):
            n = min(500_000, rows - start)
            columns = {}
            for j in range(N_FLOAT):
                shift = SHIFT_SD * 10 if which and f"f{j}" in SHIFTED else 0.0
                columns[f"f{j}"] = pa.array(rng.normal(50 + shift, 10, n).round(3))
            for j in range(N_INT):
                spread = 10 ** (j % 4 + 2)
                shift = int(SHIFT_SD * spread / np.sqrt(12)) if which and f"i{j}" in SHIFTED else 0
                columns[f"i{j}"] = pa.array(rng.integers(0, spread, n) + shift)
            for j in range(N_CATEGORICAL):
                k = 3 + 3 * j
                weights = np.arange(k, 0, -1) / np.arange(k, 0, -1).sum()
                columns[f"c{j}"] = pa.array(
                    rng.choice([f"level_{i}" for i in range(k)], n, p=weights)
                )
            table = pa.table(columns)
            if writer is None:
                writer = pacsv.CSVWriter(str(path), table.schema)
            writer.write_table(table)
        writer.close()
    return paths


def timed(command: list[str]) -> Run:
    """Wall time and peak RSS of one process and its children (Spark's JVM is one).

    The peak is the larger of the process's own high-water mark (``VmHWM`` in /proc, read until
    it exits) and the largest sum of the RSS of the process tree, sampled every 50 ms with
    psutil. Not ``wait4``'s ``ru_maxrss``: a forked child starts with its parent's, so a large
    benchmark process would inflate every number.
    """
    import psutil

    started = time.perf_counter()
    log = tempfile.TemporaryFile()  # Spark logs a lot: a pipe could fill up and stall the child
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    peak, watched = 0, psutil.Process(process.pid)
    while process.poll() is None:
        try:
            members = [watched, *watched.children(recursive=True)]
            peak = max(
                peak, sum(m.memory_info().rss for m in members), _high_water_mark(process.pid)
            )
        except (psutil.Error, OSError):
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    code = process.returncode
    log.seek(0)
    errors = log.read().decode(errors="replace")
    log.close()
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed ({code}): {errors[-800:]}")
    return Run(seconds, peak / 2**20, code)


def _high_water_mark(pid: int) -> int:
    """VmHWM of a process in bytes (Linux); 0 where /proc has no such line."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def labkit(reference: Path, window: Path, out: Path, *, engine: str = "local") -> Run:
    """baseline + monitor: the two processes' times added, the larger peak."""
    base = [sys.executable, "-m", "labkit", "data-quality"]
    extra = ["--engine", engine, "--no-progress"]
    first = timed(
        [*base, "baseline", "--input", str(reference), "--output", str(out / "b"), *extra]
    )
    second = timed([*base, "monitor", "--input", str(window), "--baseline", str(out / "b"),
                    "--output", str(out / "m"), *extra])  # fmt: skip
    return Run(first.seconds + second.seconds, max(first.peak_mib, second.peak_mib), second.code)


def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs), max(r.peak_mib for r in runs), runs[-1].code
    )


def measure(
    rows: list[int],
    *,
    repeats: int = 3,
    evidently_python: str | None = None,
    spark: bool = False,
    plain_up_to: int = 1_000_000,
) -> list[tuple[str, int, Run]]:
    """(what, rows, median run) for each tool and size; the plain loop and Evidently up to 1M rows."""
    out = []
    with tempfile.TemporaryDirectory(prefix="labkit-dq-bench-") as scratch:
        folder = Path(scratch)
        for n in rows:
            print(f"  writing {n:,}-row CSVs ...", file=sys.stderr, flush=True)
            reference, window = write_csvs(n, folder)
            tools: list[tuple[str, object]] = [
                ("labkit baseline + monitor", lambda: labkit(reference, window, folder))
            ]
            if n <= plain_up_to:
                tools.append(
                    (
                        "plain pandas + scipy loop",
                        lambda: timed([sys.executable, "-c", PLAIN, str(reference), str(window)]),
                    )
                )
                if evidently_python:
                    tools.append(
                        (
                            "Evidently DataDriftPreset",
                            lambda: timed(
                                [evidently_python, "-c", EVIDENTLY, str(reference), str(window)]
                            ),
                        )
                    )
            if spark and n <= plain_up_to:
                tools.append(
                    (
                        "labkit --engine spark (local[*])",
                        lambda: labkit(reference, window, folder, engine="spark"),
                    )
                )
            for name, run in tools:  # fmt: skip
                print(f"  {name}, {n:,} rows × {repeats} ...", file=sys.stderr, flush=True)
                out.append((name, n, median_run([run() for _ in range(repeats)])))
            for path in (reference, window):
                path.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--evidently-python", help="a Python that has Evidently (pandas < 3)")
    parser.add_argument(
        "--spark", action="store_true", help="also time --engine spark (needs PySpark, Java)"
    )
    args = parser.parse_args()
    results = measure(
        args.rows, repeats=args.repeats, evidently_python=args.evidently_python, spark=args.spark
    )
    print(f"{'what':<34} {'rows':>11} {'wall s':>8} {'peak MiB':>9}")
    for name, n, run in results:
        print(f"{name:<34} {n:>11,} {run.seconds:>8.1f} {run.peak_mib:>9.0f}")


if __name__ == "__main__":
    main()
