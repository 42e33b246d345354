"""Notebook 01's playgrounds, driven from Python as the sliders drive them."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from labkit import capture, data_quality, drift_statistics
from labkit.widgets.data_quality import EMPTY_WINDOW, DataQualityApp, VerdictsApp, monitor_window


@pytest.fixture(scope="module")
def app(credit) -> DataQualityApp:
    return DataQualityApp(credit, use_widgets=False)


DEFAULTS = {
    "feature": "age", "mean_shift_sd": 0.0, "scale_factor": 1.0, "missing_pct": 0, "outlier_pct": 0, "stuck_pct": 0,
    "corrupt_pct": 0, "new_category_pct": 0, "window_size": 1_000, "sampling_pct": 100,
}  # fmt: skip


def _set(app: DataQualityApp, **changes):
    """Every control at its default except ``changes``: one recompute, whatever ran before."""
    return app.set(**{**DEFAULTS, **changes})


def test_built_computed_on_a_clean_window(credit):
    app = DataQualityApp(credit, use_widgets=False)
    assert app.values == {**DEFAULTS, "feature": credit.numeric_features[0]}
    assert app.result.n_requests == app.result.n_captured == 1_000 and app.result.n_unreadable == 0
    assert not app.result.report.has_violations, app.result.report.violations.to_frame()
    assert app.png().startswith(b"\x89PNG")


def test_the_baseline_is_computed_once(app):
    baseline = app.baseline
    _set(app, mean_shift_sd=1.0)
    assert app.baseline is baseline


def test_a_two_sd_income_shift_trips_the_drift_check_on_income_only(app):
    result = _set(app, feature="income", mean_shift_sd=2.0)
    assert result.report.violations.check_types() == {"baseline_drift_check"}
    assert result.report.violations.features() == {"income"}
    assert result.distance > 0.1
    assert "CompletedWithViolations" in app.status
    assert list(app.table(result)["feature_name"]) == ["income"]


def test_junk_text_trips_the_data_type_check(app):
    result = _set(app, feature="loan_amount", corrupt_pct=10)
    assert result.report.violations.check_types() == {"data_type_check"}


def test_a_new_category_trips_the_domain_check_on_loan_purpose(app):
    result = _set(app, new_category_pct=10)
    assert result.report.violations.check_types() == {"categorical_values_check"}
    assert result.report.violations.features() == {"loan_purpose"}


def test_a_stuck_sensor_trips_drift_but_not_completeness(app):
    result = _set(app, feature="debt_to_income", stuck_pct=40)
    assert result.report.violations.check_types() == {"baseline_drift_check"}


def test_missing_values_trip_completeness(app):
    result = _set(app, feature="debt_to_income", missing_pct=20)  # a Fractional column
    assert result.report.violations.check_types() == {"completeness_check"}


def test_missing_values_in_an_integer_feature_trip_completeness_only(app):
    result = _set(app, feature="income", missing_pct=20)
    assert result.report.violations.check_types() == {"completeness_check"}


def test_sampling_keeps_the_requests_the_capture_rule_keeps(app, credit):
    result = _set(app, sampling_pct=35)
    window = credit.window[list(credit.features)]
    start = datetime(2024, 5, 1, 13, tzinfo=UTC)
    # Oracle: the capture module itself, with the app's seed, decides which requests are kept.
    records = capture.capture_requests(
        window, [None] * len(window), start_time=start, sampling_percentage=35, seed=0
    )
    assert result.n_captured == len(records)
    assert abs(result.n_captured - 350) < 4 * (1_000 * 0.35 * 0.65) ** 0.5  # 4 binomial sds


@pytest.mark.parametrize("controls", [{"sampling_pct": 0}, {"window_size": 0}])
def test_an_empty_window_gives_a_status_not_an_exception(app, controls):
    result = _set(app, **controls)
    assert result.report is None and result.n_captured == 0
    assert EMPTY_WINDOW in app.status
    assert app.table(result) is None and app.error is None


EXTREMES = [
    {"mean_shift_sd": -3.0}, {"mean_shift_sd": 3.0}, {"scale_factor": 0.0}, {"scale_factor": 3.0},
    {"missing_pct": 100}, {"outlier_pct": 100}, {"stuck_pct": 100}, {"corrupt_pct": 100},
    {"new_category_pct": 100}, {"window_size": 5_000},
    {"missing_pct": 100, "outlier_pct": 100, "stuck_pct": 100, "corrupt_pct": 100, "sampling_pct": 5},
]  # fmt: skip


def test_extreme_controls_never_raise(app):
    for controls in EXTREMES:  # on an Integral feature
        _set(app, feature="age", **controls)
        assert app.error is None and app.status, controls
    for controls in (EXTREMES[2], EXTREMES[-1]):  # and a Fractional one
        _set(app, feature="debt_to_income", **controls)
        assert app.error is None and app.status, controls


def test_monitor_window_is_pure(app, credit):
    pool = app.window_pool.copy()
    kwargs = {
        "feature": "income",
        "mean_shift_sd": 1.0,
        "missing_pct": 10,
        "sampling_pct": 50,
        "seed": 3,
    }
    first = monitor_window(credit, app.baseline, app.window_pool, **kwargs)
    second = monitor_window(credit, app.baseline, app.window_pool, **kwargs)
    pd.testing.assert_frame_equal(app.window_pool, pool)  # the input is not modified
    pd.testing.assert_frame_equal(first.window, second.window)  # the same seed, the same window
    assert first.report.distances == second.report.distances


@pytest.mark.parametrize("controls", [
    {"feature": "income", "mean_shift_sd": 1.0, "missing_pct": 10, "sampling_pct": 50},
    {"feature": "debt_to_income", "corrupt_pct": 20, "new_category_pct": 15, "outlier_pct": 5, "sampling_pct": 80},
    {"feature": "age", "stuck_pct": 30, "scale_factor": 1.5, "window_size": 40, "sampling_pct": 10},
])  # fmt: skip
def test_the_window_is_what_the_capture_records_decode_to(app, credit, controls):
    """monitor_window reads the captured rows' text without building records: the same table."""
    from labkit.widgets.data_quality import WINDOW_START

    result = monitor_window(credit, app.baseline, app.window_pool, seed=4, **controls)
    records = capture.capture_requests(result.sent, [None] * result.n_requests, start_time=WINDOW_START,
                                       sampling_percentage=controls["sampling_pct"], seed=4, capture_mode="Input")  # fmt: skip
    decoded, quarantined = capture.records_to_frame(records, list(credit.features))
    assert not quarantined and result.n_unreadable == 0
    pd.testing.assert_frame_equal(result.window, decoded)


def test_the_app_monitors_what_was_captured(app, credit):
    result = _set(app, feature="income", mean_shift_sd=1.0, sampling_pct=60)
    again = data_quality.monitor(result.window, app.baseline)
    assert result.report.distances == again.distances
    assert result.report.statistics.to_dict()["dataset"]["item_count"] == result.n_captured


@pytest.fixture(scope="module")
def verdicts_app(credit) -> VerdictsApp:
    return VerdictsApp(credit, use_widgets=False)


def test_verdicts_app_large_n_tiny_shift(verdicts_app):
    verdicts = verdicts_app.set(feature="income", shift_sd=0.05, n=100_000).verdicts
    assert verdicts.n_window == 100_000
    assert verdicts.ks_p_value < drift_statistics.KS_ALPHA  # "significant"
    assert verdicts.sagemaker_distance < drift_statistics.SAGEMAKER_THRESHOLD  # yet no violation


def test_verdicts_app_table_is_the_verdicts_frame(verdicts_app):
    result = verdicts_app.set(feature="age", shift_sd=1.0, n=1_000)
    pd.testing.assert_frame_equal(verdicts_app.table(result), result.verdicts.to_frame())
    assert all(result.verdicts.flagged().values())  # a 1 σ shift on 1,000 rows: every method agrees
