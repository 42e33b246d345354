"""Distinct counts by HyperLogLog++ as Deequ estimates them (hyperloglog.py; data-quality.md §2.4)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.data_quality.hyperloglog import PRECISION, HyperLogLog, _utf8_buffers, xxhash64

# The XXH64 reference test vectors (seed 0), as the xxHash project and its ports publish them;
# the last one is longer than 32 bytes, so it runs the four-accumulator stripe loop.
XXH64_VECTORS = [
    ("", 0xEF46DB3751D8E999),
    ("a", 0xD24EC4F1A98C6E5B),
    ("abc", 0x44BC2CF5AD770999),
    ("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1),
]


@pytest.mark.parametrize(("text", "expected"), XXH64_VECTORS)
def test_xxhash64_matches_the_reference_vectors(text, expected):
    data, offsets = _utf8_buffers([text])
    assert int(xxhash64(data, offsets, seed=0)[0]) == expected


@given(st.lists(st.text(max_size=80), max_size=30))
def test_vectorised_hash_equals_hashing_one_text_at_a_time(texts):
    data, offsets = _utf8_buffers(texts)
    together = xxhash64(data, offsets).tolist()
    alone = [int(xxhash64(*_utf8_buffers([t]))[0]) for t in texts]
    assert together == alone


def test_deequ_precision_is_nine():
    assert PRECISION == 9  # ceil(2·log2(1.106 / 0.05)) for RELATIVE_SD 0.05


@pytest.mark.parametrize("n", [1, 5, 12])
def test_small_cardinalities_are_exact(n):
    """Linear counting over 512 registers: a handful of values collide nowhere."""
    assert HyperLogLog().add([f"level_{i}" for i in range(n)]).count() == n


@pytest.mark.parametrize("n", [300, 1_000, 2_000, 10_000, 200_000])
def test_large_cardinalities_are_within_the_designed_error(n):
    """Relative standard error 0.05 by design; 4 standard errors is a loose, reliable margin."""
    estimate = HyperLogLog().add([str(i) for i in range(n)]).count()
    assert abs(estimate - n) <= 4 * 0.05 * n


def test_duplicates_and_splitting_change_nothing():
    texts = [str(i % 3000) for i in range(20_000)]
    whole = HyperLogLog().add(texts)
    parts = [HyperLogLog().add(texts[i : i + 1_234]) for i in range(0, len(texts), 1_234)]
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part)
    np.testing.assert_array_equal(merged.registers, whole.registers)
    assert merged.count() == whole.count() == HyperLogLog().add(sorted(set(texts))).count()


def test_texts_not_numbers_are_counted():
    """Deequ hashes the cell's text before any cast: "8" and "8.0" are two values."""
    assert HyperLogLog().add(["8", "8.0", "8"]).count() == 2


def test_between_400_and_the_raw_zone_deequ_corrects_the_raw_estimate():
    """Deequ's count uses linear counting only while it gives ≤ 400 (the HLL++ paper's threshold
    for P = 9); above that, the raw estimate minus the tabulated bias. Newer Spark (3.4+) also
    keeps linear counting while the raw estimate is under 2.5·m, so its approx_count_distinct
    can differ here; the twin follows Deequ, which the container runs."""
    import math

    from labkit.data_quality import hyperloglog

    sketch = HyperLogLog().add([f"id-{i}" for i in range(700)])
    registers = sketch.registers.tolist()
    zeros = registers.count(0)
    linear = hyperloglog.REGISTERS * math.log(hyperloglog.REGISTERS / zeros)
    raw = hyperloglog.ALPHA_M2 / sum(1.0 / (1 << r) for r in registers)
    assert linear > hyperloglog.LINEAR_COUNTING_THRESHOLD and raw < 2.5 * hyperloglog.REGISTERS
    assert sketch.count() == math.floor(raw - hyperloglog._bias(raw) + 0.5) != round(linear)
