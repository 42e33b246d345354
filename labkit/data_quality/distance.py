"""KLL sketches and the distances behind ``baseline_drift_check``.

Numeric features carry a KLL quantile sketch in statistics.json
(``distribution.kll.sketch``); the monitor rebuilds both CDFs from the baseline's and the
window's sketches and takes the L-infinity distance between them, Deequ's
``Distance.numericalDistance``. String features compare category shares (L-infinity) or run a
chi-square goodness-of-fit test. Reference: data-quality.md §2.3 and §5; Deequ
``QuantileNonSample``, ``NonSampleCompactor``, ``KLLSketch``, ``Distance``.

The sketch itself (built in a stream, merged as Deequ merges partitions) lives in
``labkit.data_quality.kll``; its names are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from labkit.data_quality.kll import (
    NUMBER_OF_BUCKETS,
    SHRINKING_FACTOR,
    SKETCH_SIZE,
    KLLSketch,
    build_sketch,
)

__all__ = [
    "C_ALPHA",
    "NUMBER_OF_BUCKETS",
    "SHRINKING_FACTOR",
    "SKETCH_SIZE",
    "Distance",
    "KLLSketch",
    "build_sketch",
    "categorical_linf",
    "chi_squared_p_value",
    "numeric_distance",
]

C_ALPHA = 1.8  # Deequ Distance.defaultCAlpha (alpha ≈ 0.003)

# Deequ Distance: chi-square applicability rules (Cochran for 2 categories, Yates beyond).
CHI_SQUARE_MIN_CATEGORIES = 2
YATES_MIN_EXPECTED = 5
YATES_MAX_SHARE_BELOW = 0.2
COCHRAN_MIN_EXPECTED = 10


@dataclass(frozen=True)
class Distance:
    """Deequ's two L-infinity outputs: ``simple`` (linf_simple) and ``robust`` (linf_robust)."""

    simple: float
    robust: float

    def select(self, comparison_method: str) -> float:
        """``Simple`` or ``Robust``, the constraints.json ``comparison_method``."""
        return self.simple if comparison_method == "Simple" else self.robust


def numeric_distance(
    baseline: KLLSketch, window: KLLSketch, *, c_alpha: float = C_ALPHA
) -> Distance:
    """Max |F_B(x) − F_C(x)| over every item of both sketches (Deequ ``numericalDistance``)."""
    n, m = baseline.total_weight, window.total_weight
    points = np.concatenate((baseline._sorted[0], window._sorted[0]))
    simple = float(np.max(np.abs(baseline.rank(points) / n - window.rank(points) / m)))
    return Distance(simple, _robust(simple, n, m, c_alpha))


def categorical_linf(
    baseline_counts: Mapping[str, int],
    window_counts: Mapping[str, int],
    *,
    c_alpha: float = C_ALPHA,
) -> Distance:
    """Max |p_B(v) − p_C(v)| over the values of both (Deequ ``categoricalLInfinityDistance``)."""
    n, m = float(sum(baseline_counts.values())), float(sum(window_counts.values()))
    simple = max(
        (
            abs(baseline_counts.get(v, 0) / n - window_counts.get(v, 0) / m)
            for v in {*baseline_counts, *window_counts}
        ),
        default=0.0,
    )
    return Distance(float(simple), _robust(simple, n, m, c_alpha))


def chi_squared_p_value(
    window_counts: Mapping[str, int], baseline_counts: Mapping[str, int]
) -> float:
    """p-value of the chi-square goodness of fit of the window to the baseline (Deequ ``ChisquareMethod``).

    Baseline counts are scaled to the window's total over baseline values; small expected cells
    are merged into the next smallest until Cochran's (2 categories) or Yates's rule holds.
    NaN when fewer than two categories remain.
    """
    from scipy.stats import chi2

    window_total = float(sum(c for v, c in window_counts.items() if v in baseline_counts))
    baseline_total = float(sum(baseline_counts.values()))
    expected = {v: c / baseline_total * window_total for v, c in baseline_counts.items()}
    observed = {v: float(window_counts.get(v, 0)) for v in baseline_counts}
    while len(expected) >= CHI_SQUARE_MIN_CATEGORIES:
        if len(expected) > CHI_SQUARE_MIN_CATEGORIES:
            minimum, allowed_below = YATES_MIN_EXPECTED, int(YATES_MAX_SHARE_BELOW * len(expected))
        else:
            minimum, allowed_below = COCHRAN_MIN_EXPECTED, 0
        if sum(e < minimum for e in expected.values()) <= allowed_below:
            break
        smallest = _smallest(expected)
        smallest_expected, smallest_observed = expected.pop(smallest), observed.pop(smallest)
        second = _smallest(expected)
        expected[second] += smallest_expected
        observed[second] += smallest_observed
    if len(expected) < CHI_SQUARE_MIN_CATEGORIES:
        return math.nan
    obs = np.array([observed[v] for v in expected])
    exp = np.array(list(expected.values()))
    if (
        abs(obs.sum() - exp.sum()) >= 1e-7
    ):  # Spark's chiSqTest rescales expected to the observed total
        exp = exp * (obs.sum() / exp.sum())
    statistic = float(np.sum((obs - exp) ** 2 / exp))
    return float(chi2.sf(statistic, len(exp) - 1))


def _smallest(expected: Mapping[str, float]) -> str:
    # [U] reference: data-quality.md §5.2 — Deequ's minBy over a hash map breaks ties in hash
    # order; the twin breaks them by value, ascending.
    return min(expected, key=lambda v: (expected[v], v))


def _robust(simple: float, n: float, m: float, c_alpha: float) -> float:
    """linf_robust: the simple distance minus the KS critical value c_alpha·sqrt((n+m)/(n·m)), floored at 0."""
    return max(0.0, simple - c_alpha * math.sqrt((n + m) / (n * m)))
