"""The KLL quantile sketch of statistics.json, built in a stream and merged as Deequ merges it.

Numeric features carry ``distribution.kll.sketch``: compactor levels whose items at level ``h``
stand for ``2**h`` values each. Deequ builds it with ``QuantileNonSample`` (one item at a time,
condensing when the items outgrow the capacities), one sketch per Spark partition, then merges
the partitions' sketches (``KLLRunner``: ``mapPartitions`` + ``treeReduce``;
``QuantileNonSample.merge``). Reference: data-quality.md §2.3; Deequ ``QuantileNonSample``,
``NonSampleCompactor``, ``KLLRunner``, ``KLLSketch``.

``KLLBuilder`` keeps the compactors between calls, so feeding a column chunk by chunk gives
exactly the sketch of feeding it at once (the chunked engine relies on this); ``merge`` is
Deequ's merge of two partitions' sketches (the Spark engine relies on that). After a merge the
sketch is no longer the one-stream sketch, but its ranks stay within KLL's error bound.

[U] The twin's local engine replays Deequ's compaction as one partition would: the container's
sketch depends on how Spark split the data, which no twin can know. Deequ's compaction is
deterministic (its random offset is commented out), so no seed is needed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

__all__ = [
    "NUMBER_OF_BUCKETS",
    "SHRINKING_FACTOR",
    "SKETCH_SIZE",
    "KLLBuilder",
    "KLLSketch",
    "build_sketch",
    "rank_error_bound",
]

SKETCH_SIZE = 2048  # Deequ KLLSketch.DEFAULT_SKETCH_SIZE ("k" in statistics.json)
SHRINKING_FACTOR = 0.64  # Deequ KLLSketch.DEFAULT_SHRINKING_FACTOR ("c")
NUMBER_OF_BUCKETS = 10  # AWS docs: the KLL histogram has 10 buckets, not configurable


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
        return self._weight_below(x, "right")

    def rank_exclusive(self, x: np.ndarray | float) -> np.ndarray:
        """Total weight of items < x (Deequ ``getRankExclusive``)."""
        return self._weight_below(x, "left")

    def _weight_below(self, x: np.ndarray | float, side: str) -> np.ndarray:
        items, cumulative = self._sorted
        if not len(items):
            return np.zeros_like(x)
        idx = np.searchsorted(items, x, side=side)
        return np.where(idx > 0, cumulative[np.maximum(idx - 1, 0)], 0)

    def buckets(self, minimum: float, maximum: float) -> list[tuple[float, float, int]]:
        """The 10 (lower_bound, upper_bound, count) buckets of Deequ ``KLLSketch.computeMetricFrom``.

        Bounds are computed as ``min + (max - min) * i / 10`` for the same float rounding; buckets
        are [lower, upper) except the last, which is closed on both sides.
        """
        bounds = [minimum + (maximum - minimum) * i / float(NUMBER_OF_BUCKETS) for i in range(NUMBER_OF_BUCKETS + 1)]
        below = self.rank_exclusive(np.array(bounds))  # every bound's rank in one search
        upper = [*below[1:-1], self.rank(np.array(bounds[-1:]))[0]]
        return [(bounds[i], bounds[i + 1], int(upper[i] - below[i])) for i in range(NUMBER_OF_BUCKETS)]

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


class KLLBuilder:
    """Deequ's ``QuantileNonSample``: compactors fed in stream order, resumable, mergeable."""

    def __init__(
        self, *, sketch_size: int = SKETCH_SIZE, shrinking_factor: float = SHRINKING_FACTOR
    ) -> None:
        self.sketch_size, self.shrinking_factor = sketch_size, shrinking_factor
        self.levels: list[np.ndarray] = []
        self.compactions: list[int] = []  # NonSampleCompactor.numOfCompress
        self.offsets: list[int] = []  # NonSampleCompactor.offset
        self._expand()

    @property
    def _total(self) -> int:
        return sum(self._capacities[: len(self.levels)])

    def _actual(self) -> int:
        return sum(len(level) for level in self.levels)

    def _capacity(self, height: int) -> int:
        """Deequ ``QuantileNonSample.capacity``: 2·(ceil(k·c^h / 2) + 1)."""
        return 2 * (math.ceil(self.sketch_size * math.pow(self.shrinking_factor, height) / 2) + 1)

    def _expand(self) -> None:
        if not hasattr(self, "_capacities"):
            self._capacities: list[int] = []
        if len(self._capacities) <= len(self.levels):
            self._capacities.append(self._capacity(len(self.levels)))
        self.levels.append(np.empty(0))
        self.compactions.append(0)
        self.offsets.append(0)

    def update(self, values: np.ndarray) -> KLLBuilder:
        """Add ``values`` (stream order) as Deequ's ``update`` adds one item at a time.

        Deequ condenses once whenever the item count exceeds the total capacity; the items
        between two condenses are appended as one slice, which gives the same compactor states
        without a Python loop per value.
        """
        values = np.asarray(values, dtype=np.float64)
        total, actual, position = self._total, self._actual(), 0
        while position < len(values):
            take = min(total - actual + 1, len(values) - position)
            self.levels[0] = np.concatenate((self.levels[0], values[position : position + take]))
            position, actual = position + take, actual + take
            if actual > total:
                self._condense()
                total, actual = self._total, self._actual()
        return self

    def _condense(self) -> None:
        """The lowest full compactor spills half of its items one level up (Deequ ``condense``)."""
        for h in range(len(self.levels)):
            if len(self.levels[h]) >= self._capacities[h]:
                if h + 1 >= len(self.levels):
                    self._expand()
                buffer = self.levels[h]
                even = len(buffer) - len(buffer) % 2
                if (
                    self.compactions[h] % 2 == 1
                ):  # NonSampleCompactor: offset flips every other time
                    self.offsets[h] = 1 - self.offsets[h]
                promoted = np.sort(buffer[:even])[self.offsets[h] :: 2]
                self.levels[h] = buffer[even:]  # the odd last item stays
                self.compactions[h] += 1
                self.levels[h + 1] = np.concatenate((self.levels[h + 1], promoted))
                return

    def merge(self, other: KLLBuilder) -> KLLBuilder:
        """Deequ ``QuantileNonSample.merge``: level-wise concatenation, then condense until it fits.

        ``self`` keeps its compaction counters (Deequ's ``this``); levels only ``other`` has start
        fresh, as Deequ's ``expand`` makes them.
        """
        while len(self.levels) < len(other.levels):
            self._expand()
        for h, level in enumerate(other.levels):
            self.levels[h] = np.concatenate((self.levels[h], level))
        while self._actual() >= self._total:
            self._condense()
        return self

    def sketch(self) -> KLLSketch:
        """The sketch as statistics.json writes it (each level in ascending order)."""
        data = tuple(tuple(np.sort(level).tolist()) for level in self.levels)
        return KLLSketch(data, k=self.sketch_size, c=self.shrinking_factor)


def build_sketch(
    values: np.ndarray,
    *,
    sketch_size: int = SKETCH_SIZE,
    shrinking_factor: float = SHRINKING_FACTOR,
) -> KLLSketch:
    """Feed ``values`` (present values, stream order) to Deequ's ``QuantileNonSample`` and return it."""
    builder = KLLBuilder(sketch_size=sketch_size, shrinking_factor=shrinking_factor)
    return builder.update(values).sketch()


def rank_error_bound(sketch: KLLSketch) -> int:
    """The largest difference, in values, between a rank the sketch answers and the true rank.

    A compaction at level ``h`` keeps every other item of a sorted buffer and doubles its weight,
    which moves any rank by at most ``2**h``; it consumes at least ``capacity(h)`` items of weight
    ``2**h``, and at most ``n`` weight ever passes through a level, so level ``h`` has at most
    ``n / (2**h · capacity(h))`` compactions and adds at most ``n / capacity(h)`` rank error.
    Summed over the levels that were compacted (all but the top one), for one stream or any merge
    of streams. Deterministic, so a test may rely on it.
    """
    n = sketch.total_weight
    builder = KLLBuilder(sketch_size=sketch.k, shrinking_factor=sketch.c)
    return math.ceil(sum(n / builder._capacity(h) for h in range(len(sketch.data) - 1)))
