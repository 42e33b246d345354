"""The KLL sketch in a stream and merged (Deequ QuantileNonSample.update / merge; data-quality.md §2.3)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.data_quality.kll import KLLBuilder, build_sketch, rank_error_bound

K, C = 2048, 0.64


def capacity(h: int) -> int:
    return 2 * (math.ceil(K * C**h / 2) + 1)


class DeequOracle:
    """QuantileNonSample written out on Python lists, one item at a time, merge included."""

    def __init__(self) -> None:
        self.buffers, self.compressions, self.offsets = [[]], [0], [0]

    def total(self) -> int:
        return sum(capacity(h) for h in range(len(self.buffers)))

    def actual(self) -> int:
        return sum(map(len, self.buffers))

    def expand(self) -> None:
        self.buffers.append([])
        self.compressions.append(0)
        self.offsets.append(0)

    def condense(self) -> None:
        for h in range(len(self.buffers)):
            if len(self.buffers[h]) >= capacity(h):
                if h + 1 >= len(self.buffers):
                    self.expand()
                items = len(self.buffers[h])
                even = items - items % 2
                if self.compressions[h] % 2 == 1:
                    self.offsets[h] = 1 - self.offsets[h]
                ordered = sorted(self.buffers[h][:even])
                tail = [self.buffers[h][items - 1]] if items % 2 else []
                self.buffers[h + 1].extend(ordered[self.offsets[h] : even : 2])
                self.buffers[h] = tail
                self.compressions[h] += 1
                return

    def update(self, item: float) -> None:
        self.buffers[0].append(item)
        if self.actual() > self.total():
            self.condense()

    def merge(self, other: DeequOracle) -> DeequOracle:
        while len(self.buffers) < len(other.buffers):
            self.expand()
        for h, buffer in enumerate(other.buffers):
            self.buffers[h] = self.buffers[h] + buffer
        while self.actual() >= self.total():
            self.condense()
        return self

    def data(self) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(sorted(b)) for b in self.buffers)


def oracle_of(values) -> DeequOracle:
    oracle = DeequOracle()
    for v in values:
        oracle.update(v)
    return oracle


@pytest.mark.parametrize(
    "sizes", [(1, 1), (1025, 1025), (3000, 10), (2050, 2050), (9000, 4000), (5000, 20_000)]
)
def test_merge_equals_deequ_merge(sizes):
    rng = np.random.default_rng(sum(sizes))
    a, b = (rng.normal(size=n).round(3) for n in sizes)
    merged = KLLBuilder().update(a).merge(KLLBuilder().update(b)).sketch()
    assert merged.data == oracle_of(a.tolist()).merge(oracle_of(b.tolist())).data()
    assert merged.total_weight == sum(sizes)


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=6000),
    st.lists(st.integers(1, 3000), min_size=1, max_size=6),
)
def test_chunks_give_exactly_the_one_stream_sketch(values, chunk_sizes):
    values = np.array(values)
    builder, position, i = KLLBuilder(), 0, 0
    while position < len(values):
        step = chunk_sizes[i % len(chunk_sizes)]
        builder.update(values[position : position + step])
        position, i = position + step, i + 1
    assert builder.sketch() == build_sketch(values)


@pytest.mark.parametrize("parts", [2, 7, 40])
def test_merged_partitions_answer_ranks_within_the_error_bound(parts):
    """Deequ's merge of per-partition sketches (KLLRunner) stays within KLL's deterministic bound."""
    values = np.random.default_rng(parts).lognormal(size=200_000)
    builders = [KLLBuilder().update(chunk) for chunk in np.array_split(values, parts)]
    merged = builders[0]
    for other in builders[1:]:
        merged.merge(other)
    sketch = merged.sketch()
    assert sketch.total_weight == len(values)
    ordered = np.sort(values)
    probes = np.quantile(values, np.linspace(0, 1, 101))
    true_rank = np.searchsorted(ordered, probes, side="right")
    error = np.abs(sketch.rank(probes) - true_rank).max()
    bound = rank_error_bound(sketch)
    assert error <= bound < 0.05 * len(values)  # a bound that says something: under 5 % of n


def test_bound_is_zero_while_the_sketch_is_exact():
    assert rank_error_bound(build_sketch(np.arange(2050.0))) == 0


def _buckets_one_by_one(sketch, minimum, maximum):
    """The buckets as Deequ's loop computes them, one bound at a time (the reference)."""
    out = []
    for i in range(10):
        low = minimum + (maximum - minimum) * i / 10.0
        high = minimum + (maximum - minimum) * (i + 1) / 10.0
        upper = sketch.rank(high) if i == 9 else sketch.rank_exclusive(high)
        out.append((low, high, int(upper - sketch.rank_exclusive(low))))
    return out


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=3000), st.integers(0, 3))
def test_buckets_equal_the_one_bound_at_a_time_loop(values, repeat):
    values = np.array(values * (repeat + 1) if values else [], dtype=float)
    sketch = build_sketch(values)
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    assert sketch.buckets(low, high) == _buckets_one_by_one(sketch, low, high)
