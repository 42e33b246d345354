"""Same drift, five verdicts: oracle tests against scipy and hand-computed tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp, norm, wasserstein_distance

from labkit import drift_statistics as ds

# Float sums of a few dozen terms: agreement to 1e-12 leaves room for summation order only.
TIGHT = 1e-12


def _normal_quantiles(n: int, shift: float = 0.0) -> np.ndarray:
    """A deterministic 'sample' of N(shift, 1): its n mid-point quantiles (no sampling noise)."""
    return norm.ppf((np.arange(n) + 0.5) / n) + shift


# --- PSI on hand-computed tables -------------------------------------------------------------


def test_psi_matches_a_hand_computed_table():
    # Σ (w − b)·ln(w / b), term by term:
    # (−0.15)ln(0.4) + (−0.05)ln(0.8) + 0.05 ln(1.2) + 0.15 ln(1.6)
    # = 0.137444 + 0.011157 + 0.009116 + 0.070501 = 0.228218
    value = ds.psi(np.array([0.25, 0.25, 0.25, 0.25]), np.array([0.1, 0.2, 0.3, 0.4]))
    assert value == pytest.approx(0.228218, abs=1e-6)  # the table is rounded to 6 decimals
    assert ds.PSI_MODERATE <= value < ds.PSI_MAJOR  # "moderate change" by the rule of thumb


def test_psi_replaces_an_empty_bin_by_epsilon():
    # Third baseline bin is empty → 1e-4: (0.25 − 0.0001)·ln(0.25/0.0001) = 1.955229,
    # second bin (−0.25)·ln(0.5) = 0.173287, first bin 0 → 2.128516.
    value = ds.psi(np.array([0.5, 0.5, 0.0]), np.array([0.5, 0.25, 0.25]))
    assert ds.PSI_EPSILON == 1e-4
    assert value == pytest.approx(2.128516, abs=1e-6)  # hand table rounded to 6 decimals


def test_psi_of_identical_shares_is_zero():
    shares = np.array([0.1] * 10)
    assert ds.psi(shares, shares) == 0.0


# --- the bins: baseline deciles ----------------------------------------------------------------


def test_decile_edges_put_a_tenth_of_the_baseline_in_each_bin():
    baseline = np.arange(1, 101, dtype=float)  # 1 … 100
    edges = ds.baseline_decile_edges(baseline)
    assert len(edges) == 9
    np.testing.assert_allclose(ds.binned_shares(baseline, edges), np.full(10, 0.1))


def test_values_outside_the_baseline_range_fall_in_the_outer_bins():
    edges = ds.baseline_decile_edges(np.arange(1, 101, dtype=float))
    shares = ds.binned_shares(np.array([-1e9, 1e9, 1e9, 1e9]), edges)
    assert shares[0] == 0.25 and shares[-1] == 0.75


def test_tied_deciles_merge_and_an_edge_value_goes_to_the_lower_bin():
    edges = ds.baseline_decile_edges(np.full(50, 5.0))
    assert edges.tolist() == [5.0]  # nine equal quantiles → one edge, two bins
    assert ds.binned_shares(np.array([5.0, 5.0, 6.0, 4.0]), edges).tolist() == [0.75, 0.25]


# --- Jensen–Shannon and Wasserstein against scipy ------------------------------------------------


@pytest.mark.parametrize(
    "p, q",
    [
        ([0.1] * 10, [0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15]),
        ([0.5, 0.5, 0.0], [0.0, 0.5, 0.5]),  # empty bins on either side: 0·log 0 = 0
        ([1.0, 0.0], [0.0, 1.0]),  # disjoint supports: the maximum, 1 bit
    ],
)
def test_jensen_shannon_is_scipys_distance_squared_in_base_2(p, q):
    # scipy returns the JS *distance*, the square root of the divergence.
    expected = jensenshannon(p, q, base=2) ** 2
    assert ds.jensen_shannon(np.array(p), np.array(q)) == pytest.approx(expected, abs=TIGHT)
    assert ds.JS_LOG_BASE == 2


def test_jensen_shannon_of_disjoint_supports_is_one_bit():
    assert ds.jensen_shannon(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(
        1.0, abs=TIGHT
    )


def test_normalised_wasserstein_matches_scipy_divided_by_the_baseline_sd():
    rng = np.random.default_rng(3)
    baseline, window = rng.lognormal(10, 0.5, 700), rng.lognormal(10.2, 0.6, 300)
    expected = wasserstein_distance(baseline, window) / np.std(baseline)
    # Both are exact sums over the merged sample; differences come from summation order only.
    assert ds.normalised_wasserstein(baseline, window) == pytest.approx(expected, rel=1e-9)


def test_a_location_shift_moves_normalised_wasserstein_by_the_shift():
    base = _normal_quantiles(2_000)
    # W1 of a pure location shift is the shift itself; the quantile sample's sd is ≈ 1 − 0.1 %.
    assert ds.normalised_wasserstein(base, base + 0.3) == pytest.approx(
        0.3 / np.std(base), rel=1e-9
    )


# --- compare(): the five verdicts together ---------------------------------------------------------


def test_simple_sagemaker_distance_is_the_ks_statistic_for_small_data():
    rng = np.random.default_rng(7)
    baseline, window = rng.normal(0, 1, 1_500), rng.normal(0.3, 1, 400)
    verdicts = ds.compare(baseline, window, comparison_method="Simple")
    # Under 2,050 values the KLL sketch holds every value, so the L∞ of the CDFs is exact.
    assert verdicts.sagemaker_distance == pytest.approx(
        ks_2samp(baseline, window).statistic, abs=TIGHT
    )
    assert verdicts.ks_statistic == pytest.approx(ks_2samp(baseline, window).statistic, abs=TIGHT)


def test_robust_distance_subtracts_the_ks_critical_value():
    rng = np.random.default_rng(8)
    baseline, window = rng.normal(0, 1, 1_000), rng.normal(0.6, 1, 100)
    v = ds.compare(baseline, window)
    critical = 1.8 * math.sqrt((1_000 + 100) / (1_000 * 100))  # reference data-quality.md §5.1
    assert v.sagemaker_robust == pytest.approx(max(0.0, v.sagemaker_simple - critical), abs=TIGHT)
    assert v.sagemaker_distance == v.sagemaker_robust  # Robust is the default


def test_nulls_are_left_out_of_every_statistic():
    rng = np.random.default_rng(9)
    baseline, window = rng.normal(0, 1, 500), rng.normal(0.2, 1, 200)
    with_nulls = pd.Series(np.concatenate([window, [np.nan] * 50]))
    assert ds.compare(baseline, with_nulls) == ds.compare(baseline, window)
    assert ds.compare(baseline, with_nulls).n_window == 200


def test_identical_samples_flag_nothing():
    base = _normal_quantiles(1_000)
    verdicts = ds.compare(base, base)
    assert verdicts.flagged() == dict.fromkeys(verdicts.flagged(), False)
    assert verdicts.ks_p_value == 1.0 and verdicts.psi == 0.0 and verdicts.sagemaker_simple == 0.0


def test_a_two_sd_shift_is_flagged_by_all_five():
    base = _normal_quantiles(1_000)
    verdicts = ds.compare(base, base + 2.0)
    assert all(verdicts.flagged().values()), verdicts.to_frame()


def test_to_frame_has_one_row_per_method_with_threshold_and_verdict():
    frame = ds.compare(_normal_quantiles(500), _normal_quantiles(500, 0.5)).to_frame()
    assert list(frame.columns) == ["method", "value", "threshold", "rule", "flags_drift"]
    assert len(frame) == 5
    assert frame.loc[0, "threshold"] == ds.SAGEMAKER_THRESHOLD == 0.1
    assert frame["flags_drift"].dtype == bool


# --- the lesson: p-values flag tiny drifts on large windows, distance thresholds do not -----------


def test_large_n_tiny_shift_gets_a_tiny_p_value_but_no_sagemaker_violation():
    n = 500_000
    base, window = _normal_quantiles(n), _normal_quantiles(n, 0.02)  # a 0.02 sd shift
    verdicts = ds.compare(base, window)
    assert verdicts.ks_p_value < 1e-10  # KS D ≈ 0.008, λ = D·sqrt(n/2) ≈ 4
    assert verdicts.sagemaker_robust < 0.01  # far under comparison_threshold 0.1
    assert not verdicts.flagged()["SageMaker distance (Robust)"]


def test_p_value_below_alpha_while_the_robust_distance_is_exactly_zero():
    # Robust = 0 whenever KS D is under 1.8·sqrt(2/n) (alpha ≈ 0.003), so a shift whose D sits
    # between the 0.05 and the 0.003 critical values is "significant" to KS and 0 to SageMaker.
    n = 20_000
    verdicts = ds.compare(_normal_quantiles(n), _normal_quantiles(n, 0.04))
    assert verdicts.ks_p_value < ds.KS_ALPHA
    assert verdicts.sagemaker_robust == 0.0


def test_sample_size_sweep_keeps_the_shift_and_grows_n():
    sweep = ds.sample_size_sweep("credit", "income", 0.05, [300, 60_000], seed=0)
    assert sweep["n"].unique().tolist() == [300, 60_000]
    ks = sweep[sweep["method"] == "KS test p-value"].set_index("n")["value"]
    sm = sweep[sweep["method"].str.startswith("SageMaker")].set_index("n")["flags_drift"]
    assert ks[60_000] < ds.KS_ALPHA < ks[300]  # seeded draws: the same numbers on every run
    assert not sm.any()


# --- bad input ---------------------------------------------------------------------------------


def test_junk_text_is_an_error_not_a_null():
    with pytest.raises(ValueError, match="N/A"):
        ds.compare(pd.Series(["1", "2", "N/A"]), [1.0, 2.0])


def test_an_all_null_window_is_an_error():
    with pytest.raises(ValueError, match="no present values"):
        ds.compare([1.0, 2.0], [np.nan, np.nan])


def test_unknown_comparison_method_is_an_error():
    with pytest.raises(ValueError, match="Simple"):
        ds.compare([1.0, 2.0], [1.0, 2.0], comparison_method="Median")
