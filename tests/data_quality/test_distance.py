"""KLL sketch and drift distances (reference data-quality.md §2.3, §5; Deequ Distance.scala)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from labkit.data_quality import distance
from labkit.data_quality.distance import KLLSketch, build_sketch


def deequ_sketch_one_item_at_a_time(values, k=2048, c=0.64):
    """Oracle: QuantileNonSample.update / condense and NonSampleCompactor.compact, item by item."""

    def capacity(h):
        return 2 * (math.ceil(k * c**h / 2) + 1)

    buffers, compress_counts, offsets = [[]], [0], [0]
    for item in values:
        buffers[0].append(item)
        if sum(map(len, buffers)) > sum(capacity(h) for h in range(len(buffers))):
            for h in range(len(buffers)):
                if len(buffers[h]) >= capacity(h):
                    if h + 1 >= len(buffers):
                        buffers.append([])
                        compress_counts.append(0)
                        offsets.append(0)
                    items = len(buffers[h])
                    even = items - items % 2
                    if compress_counts[h] % 2 == 1:
                        offsets[h] = 1 - offsets[h]
                    ordered = sorted(buffers[h][:even])
                    tail = [buffers[h][items - 1]] if items % 2 else []
                    buffers[h + 1].extend(ordered[offsets[h] : even : 2])
                    buffers[h] = tail
                    compress_counts[h] += 1
                    break
    return tuple(tuple(sorted(b)) for b in buffers)


@pytest.mark.parametrize("n", [1, 10, 2050, 2051, 3365, 7_777, 20_000])
def test_sketch_equals_deequ_item_by_item(n):
    values = np.random.default_rng(n).normal(size=n).round(2)  # rounding adds ties
    assert build_sketch(values).data == deequ_sketch_one_item_at_a_time(values.tolist())


def test_small_data_stays_exact_in_level_zero():
    values = np.random.default_rng(0).integers(0, 100, 2050).astype(float)
    sketch = build_sketch(values)
    assert len(sketch.data) == 1 and sketch.data[0] == tuple(sorted(values))


def test_large_data_compacts_preserves_weight_and_is_deterministic():
    values = np.random.default_rng(1).lognormal(size=100_000)
    sketch = build_sketch(values)
    assert len(sketch.data) > 1
    assert sketch.total_weight == 100_000  # each compaction halves items and doubles their weight
    assert sum(map(len, sketch.data)) < 6_000  # bounded by the total capacity, not by n
    assert build_sketch(values) == sketch
    probes = np.quantile(values, np.linspace(0, 1, 201))
    true_rank = np.searchsorted(np.sort(values), probes, side="right")
    # KLL rank error is O(1/k) with k = 2048; measured ≈ 0.1 % here, 0.5 % leaves room.
    assert np.max(np.abs(sketch.rank(probes) - true_rank)) / len(values) < 0.005


def test_buckets_follow_kllsketch_compute_metric_from():
    sketch = build_sketch(np.array([23, 35, 31, 47, 52, 29, 41, 38, 60, 27], dtype=float))
    buckets = sketch.buckets(23.0, 60.0)
    assert [b[2] for b in buckets] == [1, 2, 1, 1, 2, 0, 1, 1, 0, 1]
    assert buckets[1][:2] == (26.7, 30.4) and buckets[-1][:2] == (56.3, 60.0)
    # The last bucket is closed on both sides; the others are [lower, upper).
    edge = build_sketch(np.array([0.0, 1.0, 10.0]))
    assert [b[2] for b in edge.buckets(0.0, 10.0)] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    constant = build_sketch(np.array([5.0, 5.0]))
    assert [b[2] for b in constant.buckets(5.0, 5.0)] == [0] * 9 + [2]


def test_sketch_round_trips_through_its_dict():
    sketch = build_sketch(np.random.default_rng(2).normal(size=9_000))
    again = KLLSketch.from_dict(sketch.to_dict())
    assert again == sketch and again.to_dict()["parameters"] == {"c": 0.64, "k": 2048.0}


@pytest.mark.parametrize("seed", range(5))
def test_simple_distance_is_the_ks_statistic_on_small_data(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 30, 700).astype(float)  # ties on purpose
    b = rng.integers(3, 33, 300).astype(float)
    d = distance.numeric_distance(build_sketch(a), build_sketch(b))
    assert d.simple == pytest.approx(
        stats.ks_2samp(a, b).statistic, abs=1e-12
    )  # float division only


def test_robust_distance_worked_check():
    """Reference §5.1: n = 1000, m = 100, linf_simple = 0.25 → linf_robust ≈ 0.0612."""
    baseline = np.arange(1000, dtype=float)  # F_B(249) = 0.25
    window = 250 + 7.5 * np.arange(100)  # F_C(249) = 0; elsewhere the gap is smaller
    d = distance.numeric_distance(build_sketch(baseline), build_sketch(window))
    assert d.simple == pytest.approx(0.25, abs=1e-12)
    assert d.simple == pytest.approx(stats.ks_2samp(baseline, window).statistic, abs=1e-12)
    assert d.robust == pytest.approx(0.25 - 1.8 * math.sqrt(1100 / 100_000), abs=1e-12)
    assert round(d.robust, 4) == 0.0612
    assert d.select("Simple") > 0.1 > d.select("Robust")  # violation under Simple only


def test_categorical_linf_by_hand():
    baseline, window = {"a": 50, "b": 30, "c": 20}, {"a": 20, "b": 30, "d": 10}
    d = distance.categorical_linf(baseline, window)
    # p_B = (.5, .3, .2, 0), p_C = (1/3, 1/2, 0, 1/6): the largest gap is 0.2 (b and c).
    assert d.simple == pytest.approx(0.2, abs=1e-12)
    assert d.robust == 0.0  # 0.2 − 1.8·sqrt(160/6000) < 0
    big = distance.categorical_linf({"a": 5000, "b": 5000}, {"a": 7000, "b": 3000})
    assert big.robust == pytest.approx(0.2 - 1.8 * math.sqrt(2 / 10_000), abs=1e-12)


def test_chi_squared_without_regrouping_is_scipys_goodness_of_fit():
    baseline = {"a": 500, "b": 300, "c": 200}
    window = {"a": 40, "b": 35, "c": 25, "unseen": 7}  # values absent from the baseline are ignored
    expected = stats.chisquare([40, 35, 25], f_exp=[50, 30, 20]).pvalue
    assert distance.chi_squared_p_value(window, baseline) == pytest.approx(expected, rel=1e-12)


def test_chi_squared_merges_small_expected_cells():
    baseline, window = {"a": 50, "b": 40, "c": 6, "d": 4}, {"a": 30, "b": 25, "c": 3, "d": 2}
    # Expected (scaled to 60): a 30, b 24, c 3.6, d 2.4. Four categories allow int(0.8) = 0 cells
    # below 5, so d merges into c (6.0, observed 5); then none is below 5.
    expected = stats.chisquare([30, 25, 5], f_exp=[30, 24, 6]).pvalue
    assert distance.chi_squared_p_value(window, baseline) == pytest.approx(expected, rel=1e-12)


def test_chi_squared_is_nan_when_fewer_than_two_categories_remain():
    assert math.isnan(
        distance.chi_squared_p_value({"a": 18, "b": 2}, {"a": 95, "b": 5})
    )  # Cochran: b < 10
    assert math.isnan(
        distance.chi_squared_p_value({"z": 10}, {"a": 5, "b": 5})
    )  # no baseline value seen
