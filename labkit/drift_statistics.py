"""Same drift, five verdicts: SageMaker's distance next to four common drift statistics.

For one numeric feature, baseline values against window values (method: value → flags drift when):

* SageMaker distance: L-infinity distance of the two KLL-sketch CDFs, ``Robust`` or ``Simple``,
  computed by the data-quality twin's own code → value > 0.1 (``comparison_threshold``);
* KS test: two-sample Kolmogorov–Smirnov p-value (``scipy``) → p-value < 0.05;
* PSI: population stability index on the baseline's deciles, natural log → value ≥ 0.1
  (≥ 0.25: major change);
* Jensen–Shannon: JS divergence on the same bins, log base 2 (so 0 … 1) → value > 0.01;
* Wasserstein (normed): earth mover's distance / the baseline's population sd → value > 0.1.

Only the first is what SageMaker Model Monitor computes (AWS page "Schema for Constraints",
``comparison_threshold`` and ``comparison_method``); the other four thresholds are widely used
rules of thumb, not service defaults. The lesson of notebook 01 is the disagreement: a p-value
answers "is there any difference at all?", which a large enough window always says yes to, while
a distance with a threshold answers "is the difference large?".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from labkit.data_quality.distance import build_sketch, numeric_distance

__all__ = [
    "JS_LOG_BASE",
    "JS_THRESHOLD",
    "KS_ALPHA",
    "PSI_BINS",
    "PSI_EPSILON",
    "PSI_MAJOR",
    "PSI_MODERATE",
    "SAGEMAKER_METHOD",
    "SAGEMAKER_THRESHOLD",
    "WASSERSTEIN_THRESHOLD",
    "Verdicts",
    "baseline_decile_edges",
    "binned_shares",
    "compare",
    "jensen_shannon",
    "normalised_wasserstein",
    "psi",
    "sample_size_sweep",
]

# SageMaker Model Monitor defaults: constraints.json distribution_constraints (AWS page "Schema for
# Constraints (constraints.json file)", model-monitor-byoc-constraints).
SAGEMAKER_THRESHOLD = 0.1  # comparison_threshold
SAGEMAKER_METHOD = "Robust"  # comparison_method

# Rules of thumb used by the kit for the other four statistics (not SageMaker settings).
KS_ALPHA = 0.05  # the conventional significance level
PSI_BINS = 10  # bins are the baseline's deciles (9 interior edges; outer bins open-ended)
PSI_EPSILON = 1e-4  # share written into an empty bin so ln(p/q) stays finite
PSI_MODERATE = 0.1  # PSI < 0.1: no significant change; 0.1–0.25: moderate; ≥ 0.25: major
PSI_MAJOR = 0.25
JS_LOG_BASE = 2  # base 2 bounds the JS divergence to [0, 1]
JS_THRESHOLD = 0.01  # divergence 0.01 = JS distance (its square root) 0.1
WASSERSTEIN_THRESHOLD = 0.1  # a tenth of the baseline standard deviation


@dataclass(frozen=True)
class Verdicts:
    """The five verdicts on one feature; ``to_frame()`` lays them side by side."""

    n_baseline: int  # present (non-null) values compared
    n_window: int
    sagemaker_simple: float  # linf_simple: the (sketched) KS statistic
    sagemaker_robust: float  # linf_robust: minus the KS critical value (alpha ≈ 0.003), ≥ 0
    comparison_method: str  # which of the two the SageMaker row reports
    ks_statistic: float
    ks_p_value: float
    psi: float
    js_divergence: float
    wasserstein_normalised: float

    @property
    def sagemaker_distance(self) -> float:
        """The distance baseline_drift_check compares with comparison_threshold."""
        return (
            self.sagemaker_simple if self.comparison_method == "Simple" else self.sagemaker_robust
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per method: value, threshold, the rule, and whether it flags drift."""
        rows = [
            (f"SageMaker distance ({self.comparison_method})", self.sagemaker_distance, SAGEMAKER_THRESHOLD, ">",
             self.sagemaker_distance > SAGEMAKER_THRESHOLD),
            ("KS test p-value", self.ks_p_value, KS_ALPHA, "<", self.ks_p_value < KS_ALPHA),
            ("PSI (baseline deciles)", self.psi, PSI_MODERATE, "≥", self.psi >= PSI_MODERATE),
            ("Jensen–Shannon divergence (base 2)", self.js_divergence, JS_THRESHOLD, ">", self.js_divergence > JS_THRESHOLD),
            ("Wasserstein / baseline sd", self.wasserstein_normalised, WASSERSTEIN_THRESHOLD, ">",
             self.wasserstein_normalised > WASSERSTEIN_THRESHOLD),
        ]  # fmt: skip
        frame = pd.DataFrame(rows, columns=["method", "value", "threshold", "rule", "flags_drift"])
        frame["flags_drift"] = frame["flags_drift"].astype(bool)
        return frame

    def flagged(self) -> dict[str, bool]:
        """method → does it flag drift?"""
        frame = self.to_frame()
        return dict(zip(frame["method"], frame["flags_drift"]))


def _present(values: Iterable[float] | pd.Series | np.ndarray, what: str) -> np.ndarray:
    """The numeric values of a column without its nulls; junk text is an error, not a null."""
    series = pd.to_numeric(pd.Series(values).reset_index(drop=True), errors="raise")
    array = series.to_numpy(dtype=float, na_value=np.nan)
    present = array[~np.isnan(array)]
    if len(present) == 0:
        raise ValueError(f"{what} has no present values to compare")
    return present


def baseline_decile_edges(baseline: np.ndarray, *, bins: int = PSI_BINS) -> np.ndarray:
    """The interior bin edges: the baseline's quantiles at 1/bins … (bins−1)/bins, ties merged.

    Bin i holds the values x with edge[i−1] < x ≤ edge[i]; the outer bins are open-ended, so a
    window value outside the baseline's range still lands in a bin.
    """
    quantiles = np.quantile(np.asarray(baseline, dtype=float), np.arange(1, bins) / bins)
    return np.unique(quantiles)


def binned_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of ``values`` in each bin defined by ``edges`` (len(edges) + 1 bins, summing to 1)."""
    index = np.searchsorted(edges, np.asarray(values, dtype=float), side="left")
    counts = np.bincount(index, minlength=len(edges) + 1)
    return counts / counts.sum()


def psi(
    baseline_shares: np.ndarray, window_shares: np.ndarray, *, epsilon: float = PSI_EPSILON
) -> float:
    """Population stability index Σ (w − b)·ln(w / b), empty bins set to ``epsilon`` first."""
    b = np.where(np.asarray(baseline_shares) == 0, epsilon, baseline_shares)
    w = np.where(np.asarray(window_shares) == 0, epsilon, window_shares)
    return float(np.sum((w - b) * np.log(w / b)))


def jensen_shannon(p: np.ndarray, q: np.ndarray, *, base: float = JS_LOG_BASE) -> float:
    """Jensen–Shannon divergence ½KL(p‖m) + ½KL(q‖m), m = (p+q)/2, with 0·log 0 = 0."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        keep = a > 0  # where a > 0, m > 0 too
        return float(np.sum(a[keep] * np.log(a[keep] / m[keep])))

    return max(0.0, (kl(p) + kl(q)) / 2 / math.log(base))


def normalised_wasserstein(baseline: np.ndarray, window: np.ndarray) -> float:
    """Earth mover's distance ∫|F_B − F_W| dx, divided by the baseline's population sd (ddof=0)."""
    a, b = np.sort(np.asarray(baseline, dtype=float)), np.sort(np.asarray(window, dtype=float))
    points = np.sort(np.concatenate([a, b]))
    widths = np.diff(points)
    cdf_a = np.searchsorted(a, points[:-1], side="right") / len(a)
    cdf_b = np.searchsorted(b, points[:-1], side="right") / len(b)
    distance = float(np.sum(np.abs(cdf_a - cdf_b) * widths))
    sd = float(np.std(a))
    if sd == 0:  # a constant baseline: any move is infinitely many sds
        return 0.0 if distance == 0 else math.inf
    return distance / sd


def compare(
    baseline: Sequence[float] | pd.Series | np.ndarray,
    window: Sequence[float] | pd.Series | np.ndarray,
    *,
    comparison_method: str = SAGEMAKER_METHOD,
) -> Verdicts:
    """The five verdicts on one numeric feature, nulls left out of every statistic.

    The SageMaker distance comes from the data-quality twin's own KLL sketch and L-infinity code
    (``labkit.data_quality.distance``), so it is the number a baseline_drift_check would compare.
    """
    from scipy.stats import ks_2samp

    if comparison_method not in ("Simple", "Robust"):
        raise ValueError(
            f"comparison_method must be 'Simple' or 'Robust', got {comparison_method!r}"
        )
    base, win = _present(baseline, "the baseline"), _present(window, "the window")
    distance = numeric_distance(build_sketch(base), build_sketch(win))
    ks = ks_2samp(base, win)
    edges = baseline_decile_edges(base)
    b_shares, w_shares = binned_shares(base, edges), binned_shares(win, edges)
    return Verdicts(
        n_baseline=len(base),
        n_window=len(win),
        sagemaker_simple=distance.simple,
        sagemaker_robust=distance.robust,
        comparison_method=comparison_method,
        ks_statistic=float(ks.statistic),
        ks_p_value=float(ks.pvalue),
        psi=psi(b_shares, w_shares),
        js_divergence=jensen_shannon(b_shares, w_shares),
        wasserstein_normalised=normalised_wasserstein(base, win),
    )


def sample_size_sweep(
    scenario_name: str,
    feature: str,
    shift_sd: float,
    sizes: Sequence[int],
    *,
    seed: int,
    comparison_method: str = SAGEMAKER_METHOD,
) -> pd.DataFrame:
    """The same small shift judged at several sample sizes (baseline and window both ``n`` rows).

    For each n, a fresh baseline and a fresh window are drawn from the scenario's generative
    process (seeds ``seed`` and ``seed + 1``); the window's ``feature`` is moved by ``shift_sd``
    of its sds (``drift.shift_mean``). Returns one row per (n, method) with the value and the verdict.
    """
    from labkit import drift, scenarios

    frames = []
    for n in sizes:
        base = scenarios.draw_window(scenario_name, int(n), seed=seed)[feature]
        window = scenarios.draw_window(scenario_name, int(n), seed=seed + 1)
        window = drift.shift_mean(window, feature, shift_sd, seed=seed)[feature]
        frame = compare(base, window, comparison_method=comparison_method).to_frame()
        frame.insert(0, "n", int(n))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
