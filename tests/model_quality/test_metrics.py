"""Every model-quality metric against scikit-learn, and the AWS docs examples reproduced."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json
from labkit.model_quality import compute_statistics
from labkit.model_quality.metrics import binary_curves

FIXTURES = __import__("pathlib").Path(__file__).parents[1] / "fixtures" / "model_quality"
# Same formulas, different summation order from scikit-learn: agreement to a few ulps.
EXACT = 1e-12


def _binary_frame(n: int, seed: int, *, ties: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    score = np.clip(0.35 * label + 0.65 * rng.random(n), 0, 1)
    if ties:
        score = np.round(score, 1)  # many equal scores: one curve point per distinct score
    return pd.DataFrame(
        {"label": label, "prediction": (score > 0.5).astype(int), "probability": score}
    )


def _binary(df: pd.DataFrame, **kwargs):
    return compute_statistics(
        df,
        problem_type="BinaryClassification",
        label="label",
        prediction="prediction",
        probability="probability",
        **kwargs,
    )


@pytest.mark.parametrize(
    ("n", "seed", "ties"), [(60, 0, False), (199, 1, True), (400, 2, False), (37, 3, True)]
)
def test_binary_metrics_equal_sklearn(n, seed, ties):
    df = _binary_frame(n, seed, ties=ties)
    y, p, s = df["label"], df["prediction"], df["probability"]
    got = _binary(df).scalar_metrics()
    always_positive = np.ones_like(y)
    expected = {
        "recall": skm.recall_score(y, p),
        "precision": skm.precision_score(y, p),
        "accuracy": skm.accuracy_score(y, p),
        "true_positive_rate": skm.recall_score(y, p),
        "true_negative_rate": skm.recall_score(y, p, pos_label=0),
        "false_positive_rate": 1 - skm.recall_score(y, p, pos_label=0),
        "false_negative_rate": 1 - skm.recall_score(y, p),
        "auc": skm.roc_auc_score(y, s),
        "f0_5": skm.fbeta_score(y, p, beta=0.5),
        "f1": skm.f1_score(y, p),
        "f2": skm.fbeta_score(y, p, beta=2),
        "recall_best_constant_classifier": skm.recall_score(y, always_positive),
        "precision_best_constant_classifier": skm.precision_score(y, always_positive),
        "accuracy_best_constant_classifier": skm.accuracy_score(y, always_positive),
        "f0_5_best_constant_classifier": skm.fbeta_score(y, always_positive, beta=0.5),
        "f1_best_constant_classifier": skm.f1_score(y, always_positive),
        "f2_best_constant_classifier": skm.fbeta_score(y, always_positive, beta=2),
    }
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=EXACT), name


@pytest.mark.parametrize(("n", "seed", "ties"), [(50, 0, False), (120, 4, True)])
def test_binary_curves_are_sklearn_points_in_the_docs_layout(n, seed, ties):
    df = _binary_frame(n, seed, ties=ties)
    y, s = df["label"].to_numpy(), df["probability"].to_numpy()
    metrics = _binary(df).metrics
    fpr, tpr, _ = skm.roc_curve(y, s, drop_intermediate=False)  # (0, 0), then one point per score
    roc = metrics["receiver_operating_characteristic_curve"]
    np.testing.assert_allclose(roc["false_positive_rates"], np.r_[fpr, 1.0], atol=EXACT)
    np.testing.assert_allclose(roc["true_positive_rates"], np.r_[tpr, 1.0], atol=EXACT)
    precision, recall, _ = skm.precision_recall_curve(y, s)  # lowest threshold first, then (1, 0)
    precision, recall = precision[:-1][::-1], recall[:-1][::-1]
    pr = metrics["precision_recall_curve"]
    np.testing.assert_allclose(pr["precisions"], np.r_[precision[0], precision], atol=EXACT)
    np.testing.assert_allclose(pr["recalls"], np.r_[0.0, recall], atol=EXACT)
    area = skm.auc(np.r_[0.0, recall], np.r_[precision[0], precision])
    assert metrics["au_prc"]["value"] == pytest.approx(area, abs=EXACT)


def test_curve_point_counts_match_the_docs_example():
    # The docs example: 4 positives with distinct scores, no negatives -> 6 ROC and 5 PR points.
    docs = read_json(FIXTURES / "statistics_binary_docs.json")["binary_classification_metrics"]
    roc, pr, auc, _ = binary_curves(np.ones(4), np.array([0.9, 0.8, 0.7, 0.6]), positive_label=1.0)
    assert roc == docs["receiver_operating_characteristic_curve"]
    assert pr == docs["precision_recall_curve"]
    assert math.isnan(auc)  # one class only: the docs print 1.0, the kit reports it undefined


def test_precision_recall_curve_starts_with_the_first_points_precision():
    # The highest score is a negative: the curve starts at (recall 0, precision 0), not at 1.
    _, pr, _, au_prc = binary_curves(
        np.array([0, 1, 1, 0]), np.array([0.9, 0.8, 0.3, 0.1]), positive_label=1
    )
    assert pr == {"precisions": [0.0, 0.0, 0.5, 2 / 3, 0.5], "recalls": [0.0, 0.0, 0.5, 1.0, 1.0]}
    assert au_prc == pytest.approx(
        0.5 * (0 + 0.5) / 2 + 0.5 * (0.5 + 2 / 3) / 2, abs=EXACT
    )  # trapezoids


def _rows_from_matrix(matrix: dict) -> pd.DataFrame:
    rows = [
        (int(a), int(p)) for a, inner in matrix.items() for p, k in inner.items() for _ in range(k)
    ]
    return pd.DataFrame(rows, columns=["label", "prediction"])


def test_docs_binary_example_values_and_orientation():
    docs = read_json(FIXTURES / "statistics_binary_docs.json")["binary_classification_metrics"]
    df = _rows_from_matrix(docs["confusion_matrix"])  # outer key = actual, inner = predicted
    stats = compute_statistics(
        df, problem_type="BinaryClassification", label="label", prediction="prediction"
    )
    assert stats.metrics["confusion_matrix"] == docs["confusion_matrix"]
    skip = {
        "confusion_matrix",
        "receiver_operating_characteristic_curve",
        "precision_recall_curve",
        "auc",
    }
    for name, entry in docs.items():
        if name not in skip:
            assert stats.value(name) == pytest.approx(entry["value"], abs=EXACT), name
            assert stats.metrics[name]["standard_deviation"] == "NaN"


def test_docs_multiclass_example_values():
    docs = read_json(FIXTURES / "statistics_multiclass_docs.json")[
        "multiclass_classification_metrics"
    ]
    df = _rows_from_matrix(docs["confusion_matrix"])
    stats = compute_statistics(
        df, problem_type="MulticlassClassification", label="label", prediction="prediction"
    )
    assert list(stats.metrics) == list(docs)  # same metrics, same order
    assert stats.metrics["confusion_matrix"] == docs["confusion_matrix"]
    for name, entry in docs.items():
        if name != "confusion_matrix":
            assert stats.value(name) == pytest.approx(entry["value"], abs=EXACT), name
            # 5 random subsamples: the docs' deviations are of the same size, not the same draw.
            assert 0.2 < stats.standard_deviation(name) / entry["standard_deviation"] < 5, name


def test_docs_regression_example_values():
    multiclass = read_json(FIXTURES / "statistics_multiclass_docs.json")[
        "multiclass_classification_metrics"
    ]
    docs = read_json(FIXTURES / "statistics_regression_docs.json")["regression_metrics"]
    df = _rows_from_matrix(multiclass["confusion_matrix"])
    stats = compute_statistics(
        df, problem_type="Regression", label="label", prediction="prediction"
    )
    for name, entry in docs.items():
        assert stats.value(name) == pytest.approx(entry["value"], abs=EXACT), name


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_multiclass_metrics_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.choice(["cat", "dog", "owl", "eel"], size=300, p=[0.4, 0.3, 0.2, 0.1])
    p = np.where(
        rng.random(300) < 0.6, y, rng.choice(["cat", "dog", "owl", "ant"], size=300)
    )  # "ant": never true
    df = pd.DataFrame({"label": y, "prediction": p})
    got = compute_statistics(
        df, problem_type="MulticlassClassification", label="label", prediction="prediction"
    )
    rare = pd.Series(y).value_counts().idxmin()
    constant = np.full_like(y, rare)
    for suffix, pred in (("", p), ("_best_constant_classifier", constant)):
        expected = {
            "accuracy": skm.accuracy_score(y, pred),
            "weighted_recall": skm.recall_score(y, pred, average="weighted", zero_division=0),
            "weighted_precision": skm.precision_score(y, pred, average="weighted", zero_division=0),
            "weighted_f0_5": skm.fbeta_score(
                y, pred, beta=0.5, average="weighted", zero_division=0
            ),
            "weighted_f1": skm.f1_score(y, pred, average="weighted", zero_division=0),
            "weighted_f2": skm.fbeta_score(y, pred, beta=2, average="weighted", zero_division=0),
        }
        for name, value in expected.items():
            assert got.value(name + suffix) == pytest.approx(value, abs=EXACT), name + suffix
    matrix = got.confusion_matrix()
    labels = sorted(set(y) | set(p))
    np.testing.assert_array_equal(
        matrix.loc[labels, labels].to_numpy(), skm.confusion_matrix(y, p, labels=labels)
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_regression_metrics_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(100, 20, 250)
    p = y + rng.normal(3, 10, 250)
    got = compute_statistics(
        pd.DataFrame({"y": y, "yhat": p}), problem_type="Regression", label="y", prediction="yhat"
    )
    assert got.value("mae") == pytest.approx(skm.mean_absolute_error(y, p), rel=EXACT)
    assert got.value("mse") == pytest.approx(skm.mean_squared_error(y, p), rel=EXACT)
    assert got.value("rmse") == pytest.approx(skm.root_mean_squared_error(y, p), rel=EXACT)
    assert got.value("r2") == pytest.approx(skm.r2_score(y, p), rel=EXACT)


def test_undefined_metrics_are_nan_with_a_reason_not_a_crash():
    df = pd.DataFrame(
        {"label": [1, 1, 1, 1], "prediction": [0, 0, 0, 0], "probability": [0.1, 0.2, 0.3, 0.4]}
    )
    stats = _binary(df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns on the same undefined cases
        assert math.isnan(skm.precision_score(df.label, df.prediction, zero_division=np.nan))
        assert math.isnan(skm.roc_auc_score(df.label, df.probability))
    assert {"precision", "auc", "true_negative_rate", "false_positive_rate"} <= set(
        stats.undefined_metrics()
    )
    assert stats.metrics["precision"]["value"] == "NaN"
    assert stats.value("recall") == 0.0 and stats.value("f1") == 0.0  # defined: there are positives
    assert any(n.startswith("precision is undefined") and "predicted" in n for n in stats.notes)
    assert any(n.startswith("auc is undefined") and "one class" in n for n in stats.notes)


def test_r2_of_a_constant_label_is_undefined():
    df = pd.DataFrame({"y": [3.0, 3.0, 3.0], "yhat": [2.0, 3.0, 4.0]})
    stats = compute_statistics(df, problem_type="Regression", label="y", prediction="yhat")
    assert stats.undefined_metrics() == ("r2",)
    assert stats.value("mae") == pytest.approx(2 / 3, abs=EXACT)


def test_probability_threshold_is_strictly_greater():
    df = pd.DataFrame({"label": [0, 1, 1, 0], "probability": [0.5, 0.51, 0.8, 0.2]})
    stats = compute_statistics(
        df,
        problem_type="BinaryClassification",
        label="label",
        probability="probability",
        probability_threshold=0.5,
    )
    # 0.5 is not > 0.5: predicted negative, so every row is right.
    assert stats.metrics["confusion_matrix"] == {"0": {"0": 2, "1": 0}, "1": {"0": 0, "1": 2}}
    lower = compute_statistics(
        df,
        problem_type="BinaryClassification",
        label="label",
        probability="probability",
        probability_threshold=0.3,
    )
    assert lower.value("false_positive_rate") == 0.5


def test_string_labels_with_a_named_positive_class():
    df = pd.DataFrame(
        {
            "label": ["yes", "no", "yes", "no", "yes"],
            "prediction": ["yes", "yes", "no", "no", "yes"],
        }
    )
    stats = compute_statistics(
        df,
        problem_type="BinaryClassification",
        label="label",
        prediction="prediction",
        positive_label="yes",
    )
    assert stats.value("recall") == pytest.approx(
        skm.recall_score(df.label, df.prediction, pos_label="yes")
    )
    assert set(stats.metrics["confusion_matrix"]) == {"no", "yes"}
    with pytest.raises(LabkitInputError, match="positive label '1' is not one of the classes"):
        compute_statistics(
            df, problem_type="BinaryClassification", label="label", prediction="prediction"
        )


def test_bad_inputs_raise_located_errors():
    df = _binary_frame(10, 0)
    with pytest.raises(LabkitInputError, match="column 'score'"):
        compute_statistics(
            df, problem_type="BinaryClassification", label="label", prediction="score"
        )
    with pytest.raises(LabkitInputError, match="unknown problem type 'binary'"):
        compute_statistics(df, problem_type="binary", label="label", prediction="prediction")
    with pytest.raises(LabkitInputError, match="holds probabilities"):
        compute_statistics(
            df, problem_type="BinaryClassification", label="label", prediction="probability"
        )
    gap = df.astype({"prediction": float})
    gap.loc[3, "prediction"] = np.nan
    with pytest.raises(LabkitInputError, match=r"column 'prediction'.*data row 4"):
        compute_statistics(
            gap, problem_type="BinaryClassification", label="label", prediction="prediction"
        )
    with pytest.raises(LabkitInputError, match="needs a prediction column"):
        compute_statistics(df, problem_type="Regression", label="label", probability="probability")
    with pytest.raises(LabkitInputError, match="no rows"):
        compute_statistics(
            df.iloc[:0], problem_type="Regression", label="label", prediction="prediction"
        )
