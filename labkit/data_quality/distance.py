"""KLL sketches and the distances behind ``baseline_drift_check``.

Numeric features carry a KLL quantile sketch in statistics.json
(``distribution.kll.sketch``); the monitor rebuilds both CDFs from the baseline's and the
window's sketches and takes the L-infinity distance between them, Deequ's
``Distance.numericalDistance``. String features compare category shares (L-infinity) or run a
chi-square goodness-of-fit test. Reference: data-quality.md §2.3 and §5; Deequ
``QuantileNonSample``, ``NonSampleCompactor``, ``KLLSketch``, ``Distance``.

[U] The sketch replays Deequ's compaction as one stream would (one Spark partition; the
container's sketch depends on how Spark split the data, which no twin can know): the same
capacities, the same sort-and-keep-every-other-item step and Deequ's alternating offset, so it is
deterministic without a random seed. Up to 2,050 values it holds every value and is exact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

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

SKETCH_SIZE = 2048  # Deequ KLLSketch.DEFAULT_SKETCH_SIZE ("k" in statistics.json)
SHRINKING_FACTOR = 0.64  # Deequ KLLSketch.DEFAULT_SHRINKING_FACTOR ("c")
NUMBER_OF_BUCKETS = 10  # AWS docs: the KLL histogram has 10 buckets, not configurable
C_ALPHA = 1.8  # Deequ Distance.defaultCAlpha (alpha ≈ 0.003)

# Deequ Distance: chi-square applicability rules (Cochran for 2 categories, Yates beyond).
CHI_SQUARE_MIN_CATEGORIES = 2
YATES_MIN_EXPECTED = 5
YATES_MAX_SHARE_BELOW = 0.2
COCHRAN_MIN_EXPECTED = 10


@dataclass(frozen=True)
class KLLSketch:
    """A KLL sketch as statistics.json stores it: ``data[h]`` are items of weight ``2**h``."""

    data: tuple[tuple[float, ...], ...]
    k: int = SKETCH_SIZE
    c: float = SHRINKING_FACTOR

    @cached_property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        items = np.concatenate(
            [np.asarray(level, dtype=np.float64) for level in self.data] or [np.empty(0)]
        )
        weights = np.concatenate(
            [np.full(len(level), 2**h, dtype=np.int64) for h, level in enumerate(self.data)]
            or [np.empty(0, dtype=np.int64)]
        )
        order = np.argsort(items, kind="stable")
        return items[order], np.cumsum(weights[order])

    @property
    def total_weight(self) -> int:
        """n: how many values the sketch stands for (compaction preserves total weight)."""
        cumulative = self._sorted[1]
        return int(cumulative[-1]) if len(cumulative) else 0

    def rank(self, x: np.ndarray | float) -> np.ndarray:
        """Total weight of items ≤ x (Deequ ``getRank``, inclusive)."""
        items, cumulative = self._sorted
        idx = np.searchsorted(items, x, side="right")
        return (
            np.where(idx > 0, cumulative[np.maximum(idx - 1, 0)], 0)
            if len(items)
            else np.zeros_like(x)
        )

    def rank_exclusive(self, x: np.ndarray | float) -> np.ndarray:
        """Total weight of items < x (Deequ ``getRankExclusive``)."""
        items, cumulative = self._sorted
        idx = np.searchsorted(items, x, side="left")
        return (
            np.where(idx > 0, cumulative[np.maximum(idx - 1, 0)], 0)
            if len(items)
            else np.zeros_like(x)
        )

    def buckets(self, minimum: float, maximum: float) -> list[tuple[float, float, int]]:
        """The 10 (lower_bound, upper_bound, count) buckets of Deequ ``KLLSketch.computeMetricFrom``.

        Bounds are computed as ``min + (max - min) * i / 10`` for the same float rounding; buckets
        are [lower, upper) except the last, which is closed on both sides.
        """
        out = []
        for i in range(NUMBER_OF_BUCKETS):
            low = minimum + (maximum - minimum) * i / float(NUMBER_OF_BUCKETS)
            high = minimum + (maximum - minimum) * (i + 1) / float(NUMBER_OF_BUCKETS)
            upper_rank = (
                self.rank(high) if i == NUMBER_OF_BUCKETS - 1 else self.rank_exclusive(high)
            )
            out.append((low, high, int(upper_rank - self.rank_exclusive(low))))
        return out

    def to_dict(self) -> dict[str, Any]:
        """``distribution.kll.sketch``: parameters c and k (k written as a float, as Deequ does)."""
        return {
            "parameters": {"c": float(self.c), "k": float(self.k)},
            "data": [list(level) for level in self.data],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KLLSketch:
        parameters = data.get("parameters", {})
        levels = tuple(tuple(float(v) for v in level) for level in data.get("data", []))
        return cls(
            levels,
            k=int(float(parameters.get("k", SKETCH_SIZE))),
            c=float(parameters.get("c", SHRINKING_FACTOR)),
        )


def build_sketch(
    values: np.ndarray,
    *,
    sketch_size: int = SKETCH_SIZE,
    shrinking_factor: float = SHRINKING_FACTOR,
) -> KLLSketch:
    """Feed ``values`` (present values, stream order) to Deequ's ``QuantileNonSample`` and return it.

    Deequ adds one item at a time and condenses once whenever the item count exceeds the total
    capacity; here the items between two condenses are appended as one slice, which gives the same
    compactor states without a Python loop per value.
    """
    values = np.asarray(values, dtype=np.float64)
    levels: list[np.ndarray] = [values[:0]]
    capacities = [_capacity(0, sketch_size, shrinking_factor)]
    compactions, offsets = [0], [0]
    total, actual, position = capacities[0], 0, 0
    while position < len(values):
        take = min(total - actual + 1, len(values) - position)
        levels[0] = np.concatenate((levels[0], values[position : position + take]))
        position, actual = position + take, actual + take
        if actual <= total:
            continue
        for h in range(len(levels)):  # condense: the lowest full compactor spills half upwards
            if len(levels[h]) >= capacities[h]:
                if h + 1 >= len(levels):
                    levels.append(values[:0])
                    capacities.append(_capacity(h + 1, sketch_size, shrinking_factor))
                    compactions.append(0)
                    offsets.append(0)
                    total += capacities[-1]
                buffer = levels[h]
                even = len(buffer) - len(buffer) % 2
                if (
                    compactions[h] % 2 == 1
                ):  # NonSampleCompactor: offset flips every other compaction
                    offsets[h] = 1 - offsets[h]
                promoted = np.sort(buffer[:even])[offsets[h] :: 2]
                levels[h] = buffer[even:]  # the odd last item stays
                compactions[h] += 1
                levels[h + 1] = np.concatenate((levels[h + 1], promoted))
                actual = sum(len(level) for level in levels)
                break
    data = tuple(tuple(np.sort(level).tolist()) for level in levels)  # written ascending
    return KLLSketch(data, k=sketch_size, c=shrinking_factor)


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


def _capacity(height: int, sketch_size: int, shrinking_factor: float) -> int:
    """Deequ ``QuantileNonSample.capacity``: 2·(ceil(k·c^h / 2) + 1)."""
    return 2 * (math.ceil(sketch_size * math.pow(shrinking_factor, height) / 2) + 1)
