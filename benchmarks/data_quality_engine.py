"""How fast is the data-quality twin next to a plain pandas + scipy loop?

Times ``data_quality.suggest_baseline`` + ``data_quality.monitor`` (Deequ type inference, exact
moments, KLL sketches, the six checks) on seeded frames of 100k and 1M rows × 20 columns (6 float,
6 integer, 8 categorical, a few gaps), next to the plain loop a notebook might write instead:
``Series.describe()`` of every column of both frames, ``scipy.stats.ks_2samp`` for each numeric
column and ``value_counts()`` of both frames for each categorical one. Peak memory is measured in
a separate, traced run (tracemalloc slows code down, so it never overlaps the timed runs;
the time is the best of three runs).

    python benchmarks/data_quality_engine.py            # typed frames, 100k and 1M rows
    python benchmarks/data_quality_engine.py --text     # also text cells, as read from a CSV

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp  # imported here so neither side's timing includes an import

from labkit import data_quality

SIZES = (100_000, 1_000_000)
SEED = 0
CATEGORIES = np.array([f"level_{i}" for i in range(12)], dtype=object)


def make_frame(n: int, seed: int, *, shift: float = 0.0) -> pd.DataFrame:
    """20 columns: f0–f5 floats (3 decimals), i0–i5 integers, c0–c7 categorical; 1 % gaps in f0 and c0."""
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for j in range(6):
        columns[f"f{j}"] = rng.normal(50 + shift, 10 + j, n).round(3)
    for j in range(6):
        columns[f"i{j}"] = rng.integers(0, 10 ** (j % 4 + 2), n)
    for j in range(8):
        k = 3 + j
        weights = np.arange(k, 0, -1) / np.arange(k, 0, -1).sum()
        columns[f"c{j}"] = rng.choice(CATEGORIES[:k], n, p=weights)
    frame = pd.DataFrame(columns)
    frame["f0"] = frame["f0"].mask(rng.random(n) < 0.01)
    frame["c0"] = frame["c0"].mask(rng.random(n) < 0.01)
    return frame


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a CSV holds (None for a gap), like ``csvfiles.read_csv_text``."""
    out = {}
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object)
        missing = pd.isna(values)
        text = frame[name].astype(str).to_numpy(dtype=object)
        text[missing] = None
        out[name] = pd.Series(text, dtype=object)
    return pd.DataFrame(out)


def run_kit(baseline_df: pd.DataFrame, window_df: pd.DataFrame) -> None:
    data_quality.monitor(window_df, data_quality.suggest_baseline(baseline_df))


def run_plain(baseline_df: pd.DataFrame, window_df: pd.DataFrame) -> None:
    for name in baseline_df.columns:
        baseline_df[name].describe()
        window_df[name].describe()
        if pd.api.types.is_numeric_dtype(baseline_df[name]):
            ks_2samp(baseline_df[name].dropna().to_numpy(), window_df[name].dropna().to_numpy())
        else:
            baseline_df[name].value_counts()
            window_df[name].value_counts()


def measure(fn: Callable[[], None], repeats: int = 3) -> tuple[float, float]:
    """(best seconds of ``repeats`` untraced runs, peak traced MiB of one more run)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    seconds = min(times)  # the least disturbed run: other processes only ever add time
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="store_true", help="also time frames of text cells")
    args = parser.parse_args()
    header = f"{'rows':>9}  {'input':<6} {'kit s':>7} {'kit MiB':>8} {'plain s':>8} {'plain MiB':>9} {'time ratio':>10}"
    print(header)
    print("-" * len(header))
    for n in SIZES:
        baseline_df, window_df = make_frame(n, SEED), make_frame(n, SEED + 1, shift=0.5)
        variants = [("typed", baseline_df, window_df)]
        if args.text:
            variants.append(("text", as_text(baseline_df), as_text(window_df)))
        plain_s, plain_mib = measure(lambda b=baseline_df, w=window_df: run_plain(b, w))
        for label, b, w in variants:
            kit_s, kit_mib = measure(lambda b=b, w=w: run_kit(b, w))
            print(
                f"{n:>9,}  {label:<6} {kit_s:>7.2f} {kit_mib:>8.0f} {plain_s:>8.2f} {plain_mib:>9.0f} {kit_s / plain_s:>10.2f}"
            )


if __name__ == "__main__":
    main()
