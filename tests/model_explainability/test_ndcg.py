"""NDCG against AWS's worked example and scikit-learn's ndcg_score (the page the AWS docs link)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import ndcg_score

from labkit.errors import LabkitInputError
from labkit.model_explainability.ndcg import IDCG_ZERO_NDCG, NDCG_THRESHOLD, attribution_gains, ndcg

# AWS college-admissions table (clarify-model-monitor-feature-attribution-drift.html).
TRAINING = {"SAT score": 0.70, "GPA": 0.50, "Class rank": 0.05}
LIVE = {"SAT score": 0.10, "GPA": 0.20, "Class rank": 0.70}


def sk(baseline: dict, current: dict) -> float:
    features = list(baseline)
    return float(ndcg_score([[baseline[f] for f in features]], [[current[f] for f in features]]))


def test_threshold_is_the_documented_value():
    assert NDCG_THRESHOLD == 0.90


def test_identical_ranking_scores_exactly_one():
    assert ndcg(TRAINING, TRAINING) == 1.0
    # Same order, other values: NDCG looks at the window's ranking only.
    assert ndcg(TRAINING, {"SAT score": 9.0, "GPA": 3.0, "Class rank": 0.0}) == 1.0


def test_aws_worked_example():
    # 0.687640 is the reference's hand computation, rounded to 6 decimals: tolerance half a unit.
    assert ndcg(TRAINING, LIVE) == pytest.approx(0.687640, abs=5e-7)
    # The AWS page rounds to 0.69, below the 0.90 threshold.
    assert round(ndcg(TRAINING, LIVE), 2) == 0.69
    # Same arithmetic as scikit-learn, only summation order may differ: a few ulps.
    assert ndcg(TRAINING, LIVE) == pytest.approx(sk(TRAINING, LIVE), abs=1e-12)


def test_by_hand_dcg_and_idcg():
    d = [1.0, 1.0 / math.log2(3), 0.5]
    dcg = 0.05 * d[0] + 0.50 * d[1] + 0.70 * d[2]
    idcg = 0.70 * d[0] + 0.50 * d[1] + 0.05 * d[2]
    assert ndcg(TRAINING, LIVE) == pytest.approx(dcg / idcg, abs=1e-12)


def test_tied_window_values_average_gains_like_sklearn():
    baseline = {"a": 0.7, "b": 0.5, "c": 0.05}
    current = {"a": 0.3, "b": 0.3, "c": 0.1}
    # Reference §3 quotes 0.96453 (5 decimals) for this case.
    assert ndcg(baseline, current) == pytest.approx(0.96453, abs=5e-6)
    assert ndcg(baseline, current) == pytest.approx(sk(baseline, current), abs=1e-12)
    # Averaging makes the result independent of the order features are listed in.
    assert ndcg(dict(reversed(baseline.items())), dict(reversed(current.items()))) == pytest.approx(
        ndcg(baseline, current), abs=1e-15
    )


@given(
    st.lists(
        st.tuples(
            st.integers(0, 5), st.integers(0, 5)
        ),  # small integers: many ties in both vectors
        min_size=2,
        max_size=12,
    )
)
def test_equals_sklearn_on_any_non_negative_values(pairs):
    baseline = {f"f{i}": b / 5 for i, (b, _) in enumerate(pairs)}
    current = {f"f{i}": c / 5 for i, (_, c) in enumerate(pairs)}
    # Identical formulas; float summation order differs by a few ulps.
    assert ndcg(baseline, current) == pytest.approx(sk(baseline, current), abs=1e-12)


def test_feature_in_only_one_file_counts_as_zero():
    # [U] rule: a missing feature has attribution 0 on the side it is missing from.
    dropped = {"SAT score": 0.10, "GPA": 0.20}
    assert ndcg(TRAINING, dropped) == pytest.approx(
        sk(TRAINING, {**dropped, "Class rank": 0.0}), abs=1e-12
    )
    added = {**LIVE, "essay": 0.9}
    expected = sk({**TRAINING, "essay": 0.0}, added)
    assert ndcg(TRAINING, added) == pytest.approx(expected, abs=1e-12)
    assert ndcg(TRAINING, added) < ndcg(TRAINING, LIVE)  # a new top feature pushes the others down


def test_all_zero_baseline_scores_like_sklearn():
    zero = {"a": 0.0, "b": 0.0}
    assert ndcg(zero, {"a": 0.3, "b": 0.1}) == IDCG_ZERO_NDCG == sk(zero, {"a": 0.3, "b": 0.1})


def test_negative_median_values_use_magnitudes():
    baseline = {"a": -0.7, "b": 0.5, "c": 0.05}
    current = {"a": 0.1, "b": -0.2, "c": 0.7}
    gains, scores = attribution_gains(baseline, current)
    assert (gains >= 0).all() and (scores >= 0).all()
    assert ndcg(baseline, current) == pytest.approx(ndcg(TRAINING, LIVE), abs=1e-12)
    with pytest.raises(ValueError):  # scikit-learn refuses negative gains outright
        sk(baseline, current)


def test_single_feature_and_bad_input():
    assert ndcg({"a": 0.3}, {"a": 0.1}) == 1.0
    with pytest.raises(LabkitInputError, match="empty"):
        ndcg({}, {})
    with pytest.raises(LabkitInputError, match="'b'"):
        ndcg({"a": 0.3, "b": float("nan")}, {"a": 0.1, "b": 0.2})


def test_score_lies_in_unit_interval():
    rng = np.random.default_rng(0)
    for _ in range(50):
        b, c = rng.exponential(size=6), rng.exponential(size=6)
        score = ndcg({str(i): v for i, v in enumerate(b)}, {str(i): v for i, v in enumerate(c)})
        assert 0.0 < score <= 1.0


@pytest.mark.parametrize("threshold", [1.7, -1, math.nan, "high"])
def test_a_threshold_outside_ndcgs_range_is_refused(threshold):
    from labkit.model_explainability.ndcg import check_ndcg_threshold

    with pytest.raises(LabkitInputError, match="NDCG threshold must be a number from 0 to 1"):
        check_ndcg_threshold(threshold)


@pytest.mark.parametrize("threshold", [0, 0.9, 1])
def test_thresholds_inside_ndcgs_range_are_kept(threshold):
    from labkit.model_explainability.ndcg import check_ndcg_threshold

    assert check_ndcg_threshold(threshold) == threshold
