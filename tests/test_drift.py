"""Every injector: input untouched, identity at zero, seeded, other columns equal, the documented effect."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit import drift, scenarios

CREDIT = scenarios.load_scenario("credit", seed=0)
WINDOW = CREDIT.window
NUMERIC = list(CREDIT.numeric_features)
seeds = st.integers(0, 2**16)
fractions = st.floats(0.0, 1.0)


def _others_equal(before: pd.DataFrame, after: pd.DataFrame, changed: set[str]) -> None:
    for column in before.columns:
        if column not in changed:
            pd.testing.assert_series_equal(before[column], after[column], obj=column)


@given(column=st.sampled_from(NUMERIC), shift=st.floats(-3, 3), seed=seeds)
def test_shift_mean_moves_the_mean_by_k_sd(column, shift, seed):
    original = WINDOW.copy()
    out = drift.shift_mean(WINDOW, column, shift, seed=seed)
    pd.testing.assert_frame_equal(WINDOW, original)  # input unchanged
    _others_equal(WINDOW, out, {column})
    sd = WINDOW[column].std(ddof=0)
    # Integer columns are rounded after the shift: the mean moves by at most 0.5 more.
    assert out[column].mean() - WINDOW[column].mean() == pytest.approx(shift * sd, abs=0.5 + 1e-9)
    assert out[column].dtype == WINDOW[column].dtype  # integers stay Integral


@given(column=st.sampled_from(NUMERIC), seed=seeds)
def test_zero_magnitudes_are_the_identity(column, seed):
    pd.testing.assert_frame_equal(drift.shift_mean(WINDOW, column, 0.0, seed=seed), WINDOW)
    pd.testing.assert_frame_equal(drift.inject_missing(WINDOW, column, 0.0, seed=seed), WINDOW)
    pd.testing.assert_frame_equal(drift.inject_outliers(WINDOW, column, 0.0, seed=seed), WINDOW)
    pd.testing.assert_frame_equal(drift.corrupt_strings(WINDOW, column, 0.0, seed=seed), WINDOW)
    pd.testing.assert_frame_equal(drift.stuck_at(WINDOW, column, 0, 0.0, seed=seed), WINDOW)
    pd.testing.assert_frame_equal(drift.scale(WINDOW, column, 1.0), WINDOW, check_dtype=True)
    pd.testing.assert_frame_equal(drift.add_new_category(WINDOW, "loan_purpose", 0.0, seed=seed), WINDOW)
    pd.testing.assert_frame_equal(drift.move_signal(WINDOW, "credit", "age", "open_accounts", 0.0, seed=seed), WINDOW)
    pd.testing.assert_frame_equal(drift.shift_concept(WINDOW, "credit", 0.0, seed=seed), WINDOW)


@given(column=st.sampled_from(NUMERIC), p=fractions, seed=seeds)
def test_missing_rate_is_within_sampling_error(column, p, seed):
    out = drift.inject_missing(WINDOW, column, p, seed=seed)
    n = len(WINDOW)
    tolerance = 3 * math.sqrt(p * (1 - p) / n) + 1e-12  # 3 binomial standard errors
    assert abs(out[column].isna().mean() - p) <= tolerance
    _others_equal(WINDOW, out, {column})


@given(column=st.sampled_from(NUMERIC), p=fractions, seed=seeds)
def test_same_seed_same_frame(column, p, seed):
    a = drift.apply(WINDOW, [drift.DriftSpec("inject_missing", {"column": column, "fraction": p}),
                             drift.DriftSpec("inject_outliers", {"column": column, "fraction": p})], seed=seed)
    b = drift.apply(WINDOW, [{"kind": "inject_missing", "column": column, "fraction": p},
                             {"kind": "inject_outliers", "column": column, "fraction": p}], seed=seed)
    pd.testing.assert_frame_equal(a, b)


@given(factor=st.floats(0.1, 4.0))
def test_scale_multiplies_the_sd(factor):
    out = drift.scale(WINDOW, "debt_to_income", factor)
    assert out["debt_to_income"].std() == pytest.approx(factor * WINDOW["debt_to_income"].std(), rel=1e-9)
    assert out["debt_to_income"].mean() == pytest.approx(WINDOW["debt_to_income"].mean(), abs=1e-12)


@given(p=fractions, seed=seeds)
def test_outliers_sit_far_from_the_mean(p, seed):
    out = drift.inject_outliers(WINDOW, "debt_to_income", p, seed=seed)
    changed = out["debt_to_income"] != WINDOW["debt_to_income"]
    z = (out.loc[changed, "debt_to_income"] - WINDOW["debt_to_income"].mean()) / WINDOW["debt_to_income"].std(ddof=0)
    assert np.allclose(np.abs(z), drift.OUTLIER_SD)
    assert abs(changed.mean() - p) <= 3 * math.sqrt(p * (1 - p) / len(WINDOW)) + 1e-12


def test_stuck_sensor_reads_a_constant_and_stays_complete():
    sensor = scenarios.load_scenario("sensor", seed=0).window
    out = drift.stuck_at(sensor, "temperature_c", 0.0)
    assert (out["temperature_c"] == 0.0).all() and out["temperature_c"].notna().all()


@given(p=fractions, seed=seeds)
def test_corrupt_strings_breaks_the_type_of_about_p(p, seed):
    out = drift.corrupt_strings(WINDOW, "income", p, seed=seed)
    junk = out["income"].map(lambda v: isinstance(v, str))
    assert set(out.loc[junk, "income"]) <= set(drift.JUNK_STRINGS)
    assert abs(junk.mean() - p) <= 3 * math.sqrt(p * (1 - p) / len(WINDOW)) + 1e-12


@given(p=fractions, seed=seeds)
def test_new_category_rate(p, seed):
    out = drift.add_new_category(WINDOW, "loan_purpose", p, seed=seed, value="crypto")
    assert abs((out["loan_purpose"] == "crypto").mean() - p) <= 3 * math.sqrt(p * (1 - p) / len(WINDOW)) + 1e-12


@given(share=st.floats(0.0, 1.0), seed=seeds)
def test_category_mix_reaches_the_share(share, seed):
    out = drift.shift_category_mix(WINDOW, "employment_type", "contract", share, seed=seed)
    assert set(out["employment_type"]) <= set(WINDOW["employment_type"])  # no new values
    assert abs((out["employment_type"] == "contract").mean() - share) <= 0.06  # binomial error at n=1000 is < 0.016·3


def test_drop_and_add_column():
    assert "age" not in drift.drop_column(WINDOW, "age").columns
    out = drift.add_column(WINDOW, "extra", seed=1)
    assert list(out.columns) == [*WINDOW.columns, "extra"]
    with pytest.raises(ValueError):
        drift.add_column(WINDOW, "age")


def test_concept_shift_keeps_features_and_changes_labels():
    out = drift.shift_concept(WINDOW, CREDIT, 1.0, seed=1)
    _others_equal(WINDOW, out, {"default"})
    high = WINDOW["debt_to_income"] > WINDOW["debt_to_income"].quantile(0.8)
    assert out.loc[high, "default"].mean() < WINDOW.loc[high, "default"].mean()


@given(rate=fractions, seed=seeds)
def test_base_rate_shift(rate, seed):
    out = drift.shift_base_rate(WINDOW, "default", rate, seed=seed)
    assert abs(out["default"].mean() - rate) <= 0.06  # a binomial draw of the flips, n = 1000
    _others_equal(WINDOW, out, {"default"})


@given(rate=fractions, seed=seeds)
def test_group_base_rate_shift_touches_one_group(rate, seed):
    out = drift.shift_group_base_rate(WINDOW, "age_group", ["26-40"], "default", rate, seed=seed)
    group = WINDOW["age_group"] == "26-40"
    pd.testing.assert_series_equal(out.loc[~group, "default"], WINDOW.loc[~group, "default"])
    assert abs(out.loc[group, "default"].mean() - rate) <= 0.1  # ~350 rows in the group


@given(rate=fractions, seed=seeds)
def test_group_error_rate_shift(rate, seed):
    scored = WINDOW.assign(prediction=(WINDOW["debt_to_income"] > 0.3).astype("int64"))
    out = drift.shift_group_error_rate(scored, "age_group", ["41-60"], "default", "prediction", rate, seed=seed)
    group = scored["age_group"] == "41-60"
    pd.testing.assert_series_equal(out.loc[~group, "prediction"], scored.loc[~group, "prediction"])
    pd.testing.assert_series_equal(out["default"], scored["default"])  # labels untouched
    error = (out.loc[group, "prediction"] != out.loc[group, "default"]).mean()
    assert abs(error - rate) <= 0.1  # ~450 rows in the group


def test_false_positive_errors_only_touch_negatives():
    scored = WINDOW.assign(prediction=WINDOW["default"])
    out = drift.shift_group_error_rate(scored, "age_group", ["18-25"], "default", "prediction", 0.5, kind="false_positive", seed=0)
    changed = out["prediction"] != scored["prediction"]
    assert changed.any() and (scored.loc[changed, "default"] == 0).all()


def test_move_signal_moves_spread_and_keeps_accuracy():
    from sklearn.metrics import roc_auc_score

    model = scenarios.train_model(CREDIT)
    features = list(CREDIT.features)
    out = drift.move_signal(WINDOW, CREDIT, "debt_to_income", "open_accounts", 0.8, seed=0)
    assert out["debt_to_income"].std() == pytest.approx(np.sqrt(0.2) * WINDOW["debt_to_income"].std(), rel=1e-6)
    assert out["open_accounts"].std() > 1.5 * WINDOW["open_accounts"].std()
    before = roc_auc_score(WINDOW["default"], model.predict_proba(WINDOW[features])[:, 1])
    after = roc_auc_score(out["default"], model.predict_proba(out[features])[:, 1])
    assert abs(after - before) < 0.06  # "about flat": the rule's total signal is unchanged


def test_bad_arguments_are_named():
    with pytest.raises(KeyError, match="nope"):
        drift.shift_mean(WINDOW, "nope", 1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        drift.inject_missing(WINDOW, "age", 1.5)
    with pytest.raises(ValueError, match="unknown drift kind"):
        drift.DriftSpec("melt")
    with pytest.raises(ValueError, match="carries no signal"):
        drift.move_signal(WINDOW, "credit", "employment_type", "age", 0.5)


def test_move_signal_needs_two_features():
    with pytest.raises(ValueError, match="two different features"):
        drift.move_signal(WINDOW, "credit", "age", "age", 0.5)
