"""The CBPE estimate, the calibration table, late labels and the per-window scoring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import accuracy_score, roc_auc_score

from labkit import drift_grid, model_quality
from labkit import performance_estimation as pe
from labkit.errors import LabkitInputError

START = datetime(2024, 5, 1, 8, tzinfo=UTC)


# --- confidence and the accuracy estimate ---------------------------------------------------------


def test_confidence_is_the_probability_of_the_predicted_class():
    # Hand-computed: 0.9 → predicted 1, right w.p. 0.9; 0.2 → predicted 0, right w.p. 0.8;
    # 0.5 is not > 0.5, so predicted 0, right w.p. 0.5 (the model-quality twin's strict rule).
    assert pe.confidence([0.9, 0.2, 0.6, 0.5]).tolist() == pytest.approx([0.9, 0.8, 0.6, 0.5])
    assert pe.confidence([0.6, 0.8], threshold=0.7).tolist() == pytest.approx([0.4, 0.8])
    assert pe.estimate_accuracy([0.9, 0.2, 0.6, 0.5]).expected_accuracy == pytest.approx(0.7)


@pytest.mark.parametrize("seed", range(20))
def test_calibrated_probabilities_predict_realised_accuracy(seed):
    rng = np.random.default_rng(seed)
    p = rng.beta(0.7, 0.7, 5_000)
    y = (rng.random(len(p)) < p).astype(int)  # perfectly calibrated by construction
    estimate = pe.estimate_accuracy(p)
    realised = accuracy_score(y, (p > 0.5).astype(int))
    # Realised accuracy is a mean of independent Bernoulli(c_i): 4 standard errors bound 20 seeds
    # with a family-wise false-failure rate of about 20 × 6e-5.
    assert abs(estimate.expected_accuracy - realised) < 4 * estimate.standard_error


def test_standard_error_matches_the_spread_of_realised_accuracy():
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 1, 2_000)
    estimate = pe.estimate_accuracy(p)
    draws = rng.random((400, len(p))) < p  # 400 label draws for the same probabilities
    realised = (draws == (p > 0.5)).mean(axis=1)
    # The sd of 400 draws is itself uncertain by about 1/sqrt(2·399) ≈ 3.5 %; allow 15 %.
    assert np.std(realised, ddof=1) == pytest.approx(estimate.standard_error, rel=0.15)
    assert realised.mean() == pytest.approx(
        estimate.expected_accuracy, abs=3 * estimate.standard_error / np.sqrt(400)
    )


def test_concept_drift_fools_the_estimate():
    rng = np.random.default_rng(3)
    p = rng.beta(0.7, 0.7, 5_000)
    y_after = (rng.random(len(p)) < 1 - p).astype(
        int
    )  # P(y | X) turned around; the model's p did not move
    estimate = pe.estimate_accuracy(p)
    realised = accuracy_score(y_after, (p > 0.5).astype(int))
    assert realised < estimate.expected_accuracy - 10 * estimate.standard_error


@pytest.mark.parametrize("bad", [[0.2, 1.2], [0.1, float("nan")], [[0.1, 0.2]], []])
def test_bad_probabilities_are_refused(bad):
    with pytest.raises(LabkitInputError):
        pe.estimate_accuracy(bad)


# --- calibration ------------------------------------------------------------------------------------


def test_calibration_table_matches_sklearn():
    rng = np.random.default_rng(1)
    p = np.r_[rng.uniform(0, 1, 997), 0.0, 0.1, 1.0]  # edges included: same bin rule as sklearn
    y = (rng.random(len(p)) < p).astype(int)
    table = pe.calibration_table(p, y, bins=10)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    filled = table.frame[table.frame["count"] > 0]
    np.testing.assert_allclose(filled["positive_rate"], prob_true, rtol=1e-12)
    np.testing.assert_allclose(filled["mean_probability"], prob_pred, rtol=1e-12)
    assert table.frame["count"].sum() == len(p)


def test_expected_calibration_error_by_hand():
    # Bin (0, 0.5]: p = 0.2, 0.4 (mean 0.3), labels 1, 1 (rate 1.0) → gap 0.7, weight 2/4.
    # Bin (0.5, 1]: p = 0.6, 1.0 (mean 0.8), labels 1, 0 (rate 0.5) → gap 0.3, weight 2/4.
    table = pe.calibration_table([0.2, 0.4, 0.6, 1.0], [1, 1, 1, 0], bins=2)
    assert table.expected_calibration_error == pytest.approx(0.5 * 0.7 + 0.5 * 0.3)
    with pytest.raises(LabkitInputError):
        pe.calibration_table([0.2], [1, 0])


# --- late labels and offsets -------------------------------------------------------------------------


def _captures(hours: int, per_hour: int) -> pd.DataFrame:
    n = hours * per_hour
    return pd.DataFrame(
        {
            "inference_id": [f"r{i}" for i in range(n)],
            "inference_time": [START + timedelta(hours=i / per_hour) for i in range(n)],
        }
    )


@pytest.mark.parametrize("delay", [0, 1, 3, 6])
def test_labels_land_delay_hours_after_each_window(delay):
    captures = _captures(6, 10)
    labels = pe.late_labels(
        captures, [1] * len(captures), window_starts=pe.hour_starts(START, 6), label_delay_hours=delay,
        labelled_pct=100, evaluated_at=START + timedelta(hours=6), seed=0,
    )  # fmt: skip
    # Window k closes at k + 1 and its labels land at k + 1 + delay ≤ 6: k ≤ 5 − delay.
    assert [r.event_id for r in labels] == [f"r{i}" for i in range(10 * max(0, 6 - delay))]


def test_labelled_share_follows_the_percentage():
    captures = _captures(4, 1_000)
    kwargs = {
        "window_starts": pe.hour_starts(START, 4),
        "label_delay_hours": 0,
        "evaluated_at": START + timedelta(hours=4),
        "seed": 1,
    }
    assert pe.late_labels(captures, [0] * 4_000, labelled_pct=0, **kwargs) == []
    share = len(pe.late_labels(captures, [0] * 4_000, labelled_pct=30, **kwargs)) / 4_000
    assert share == pytest.approx(0.30, abs=4 * np.sqrt(0.3 * 0.7 / 4_000))  # binomial, 4 sd
    with pytest.raises(LabkitInputError):
        pe.late_labels(captures, [0] * 4_000, labelled_pct=120, **kwargs)


def test_offset_window_reproduces_the_docs_example():
    # AWS model-monitor-model-quality-schedule: -P8D / -P1D on a run at 2020-01-09T13:00.
    start, end = pe.offset_window(
        datetime(2020, 1, 9, 13, tzinfo=UTC), start_offset_hours=8 * 24, end_offset_hours=24
    )
    assert (start, end) == (
        datetime(2020, 1, 1, 13, tzinfo=UTC),
        datetime(2020, 1, 8, 13, tzinfo=UTC),
    )
    with pytest.raises(LabkitInputError):
        pe.offset_window(START, start_offset_hours=1, end_offset_hours=2)


# --- scoring by window ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def credit_setup():
    from labkit import scenarios

    credit = scenarios.load_scenario("credit", seed=0)
    model = scenarios.train_model(credit)
    scored = drift_grid.score_window(credit, model, credit.baseline)
    suggested = model_quality.suggest_baseline(
        scored,
        problem_type="BinaryClassification",
        label="default",
        prediction="prediction",
        probability="probability",
    )
    return credit, model, drift_grid.review_constraints(suggested, {"accuracy": 0.05, "auc": 0.07})


def test_each_window_is_scored_on_its_own_merged_rows(credit_setup):
    credit, model, baseline = credit_setup
    traffic = drift_grid.hourly_traffic(
        "credit", hours=3, requests_per_hour=300, start=START, seed=4
    )
    scored = drift_grid.score_window(credit, model, traffic)
    captures = scored[["inference_id", "inference_time", "prediction", "probability"]]
    labelled = scored.iloc[
        ::2
    ]  # every other request has a label; the window [10:00, 11:00) has none
    labelled = labelled[labelled["inference_time"] < START + timedelta(hours=2)]
    labels = pd.DataFrame({"event_id": labelled["inference_id"], "label": labelled["default"]})
    merge = model_quality.merge_ground_truth(captures, labels)
    result = pe.performance_by_window(
        merge,
        baseline,
        window_starts=pe.hour_starts(START, 3),
        evaluated_at=START + timedelta(hours=3),
    )
    first = labelled[labelled["inference_time"] < START + timedelta(hours=1)]
    window = result.windows[0]
    assert (window.n_captured, window.n_labelled) == (300, len(first))
    assert window.value("accuracy") == pytest.approx(
        accuracy_score(first["default"], first["prediction"])
    )
    assert window.value("auc") == pytest.approx(
        roc_auc_score(first["default"], first["probability"])
    )
    assert window.estimate.expected_accuracy == pytest.approx(
        pe.estimate_accuracy(scored["probability"][:300]).expected_accuracy
    )
    assert result.windows[2].report is None and result.windows[2].status == pe.NO_LABELS
    assert np.isnan(result.windows[2].value("accuracy"))
    frame = result.to_frame("auc")
    assert (
        list(frame["status"])[2] == pe.NO_LABELS
        and frame["threshold"].iloc[0] == baseline.constraints.metrics["auc"].threshold
    )
    assert result.merge_counts["n_unmatched_captures"] == 900 - len(labelled)


def test_a_window_without_traffic_says_so(credit_setup):
    credit, model, baseline = credit_setup
    traffic = drift_grid.hourly_traffic(
        "credit", hours=1, requests_per_hour=50, start=START, seed=0
    )
    scored = drift_grid.score_window(credit, model, traffic)
    merge = model_quality.merge_ground_truth(
        scored[["inference_id", "inference_time", "prediction", "probability"]], []
    )
    result = pe.performance_by_window(
        merge,
        baseline,
        window_starts=pe.hour_starts(START, 2),
        evaluated_at=START + timedelta(hours=2),
    )
    assert [w.status for w in result.windows] == [pe.NO_LABELS, pe.NO_TRAFFIC]
    assert result.violations_frame().empty and result.windows_with_labels() == ()
