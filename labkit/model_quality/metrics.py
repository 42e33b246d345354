"""Model-quality metric formulas, one function per problem type (plain numpy, no I/O).

The names are the service's metric names, which are also its CloudWatch metric names
(AWS page "Model quality metrics and Amazon CloudWatch monitoring",
https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-model-quality-metrics.html).
Each function takes label and prediction arrays and returns ``{metric name: float}``; a metric
whose formula divides by zero is ``nan`` here and ``"NaN"`` in statistics.json, and
``UNDEFINED_REASONS`` says why in words a learner can act on.

The ROC and precision-recall curves follow the point layout of the docs example (one point per
distinct score, highest first, with an extra first point), which is the layout of Spark's
``BinaryClassificationMetrics``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BINARY_METRICS",
    "MULTICLASS_METRICS",
    "REGRESSION_METRICS",
    "UNDEFINED_REASONS",
    "best_constant_prediction",
    "binary_curves",
    "binary_metrics",
    "confusion_counts",
    "multiclass_metrics",
    "regression_metrics",
]

F_BETAS = {"f0_5": 0.5, "f1": 1.0, "f2": 2.0}

# Scalar metrics in the order of the docs example's blocks (model-monitor-model-quality-metrics),
# which is also the order of a real 2021 baseline's statistics.json (tests/fixtures/real/).
# [U] reference: docs/fidelity.md "Model quality" — `au_prc`: not in the docs list and not in
# that 2021 file, but the SDK's model-quality dashboard (2024) charts an au_prc metric, so newer
# containers write it; the kit keeps it.
BINARY_METRICS = (
    "recall",
    "precision",
    "accuracy",
    "recall_best_constant_classifier",
    "precision_best_constant_classifier",
    "accuracy_best_constant_classifier",
    "true_positive_rate",
    "true_negative_rate",
    "false_positive_rate",
    "false_negative_rate",
    "auc",
    "au_prc",
    "f0_5",
    "f1",
    "f2",
    "f0_5_best_constant_classifier",
    "f1_best_constant_classifier",
    "f2_best_constant_classifier",
)
MULTICLASS_METRICS = (
    "accuracy",
    "weighted_recall",
    "weighted_precision",
    "weighted_f0_5",
    "weighted_f1",
    "weighted_f2",
    "accuracy_best_constant_classifier",
    "weighted_recall_best_constant_classifier",
    "weighted_precision_best_constant_classifier",
    "weighted_f0_5_best_constant_classifier",
    "weighted_f1_best_constant_classifier",
    "weighted_f2_best_constant_classifier",
)
REGRESSION_METRICS = ("mae", "mse", "rmse", "r2")

UNDEFINED_REASONS = {
    "recall": "no row has the positive class as its label",
    "true_positive_rate": "no row has the positive class as its label",
    "false_negative_rate": "no row has the positive class as its label",
    "recall_best_constant_classifier": "no row has the positive class as its label",
    "precision": "no row was predicted as the positive class",
    "true_negative_rate": "no row has the negative class as its label",
    "false_positive_rate": "no row has the negative class as its label",
    "auc": "the labels hold only one class, so there is no ROC curve to integrate",
    "au_prc": "no row has the positive class as its label",
    "r2": "the label is constant (or there are fewer than 2 rows), so r2 divides by zero",
}


def best_constant_prediction(labels: np.ndarray, *, binary: bool, positive_label: object) -> object:
    """The class the "best constant classifier" predicts for every row.

    # [U] reference: operations.md §5.1. The reference's reading (majority class for accuracy,
    # positive class for the rest) does not reproduce the AWS docs example: its binary block has
    # 1 positive in 4 rows and accuracy_best_constant_classifier 0.25 (majority would give 0.75),
    # and its multiclass block has accuracy_best_constant_classifier 0.1937 = 406/2096, the
    # share of the LESS frequent class. So: binary predicts the positive class for every metric,
    # multiclass predicts the least frequent label (ties: the smallest). The multiclass example
    # has labels 0 and 1 only, so "the largest label" fits it as well; this is the kit's reading.
    """
    if binary:
        return positive_label
    values, counts = np.unique(labels, return_counts=True)
    return values[int(np.argmin(counts))]


def confusion_counts(labels: np.ndarray, predictions: np.ndarray, classes: list) -> np.ndarray:
    """Counts[i, j] = rows whose label is classes[i] and prediction classes[j] (outer = actual)."""
    index = {c: i for i, c in enumerate(classes)}
    counts = np.zeros((len(classes), len(classes)), dtype=np.int64)
    np.add.at(counts, ([index[v] for v in labels], [index[v] for v in predictions]), 1)
    return counts


def binary_metrics(
    labels: np.ndarray, predictions: np.ndarray, *, positive_label: object
) -> dict[str, float]:
    """recall, precision, accuracy, the four rates and F0.5/F1/F2 of the positive class."""
    actual = labels == positive_label
    predicted = predictions == positive_label
    tp = float(np.sum(actual & predicted))
    fp = float(np.sum(~actual & predicted))
    fn = float(np.sum(actual & ~predicted))
    tn = float(np.sum(~actual & ~predicted))
    out = {
        "recall": _ratio(tp, tp + fn),
        "precision": _ratio(tp, tp + fp),
        "accuracy": _ratio(tp + tn, len(labels)),
        "true_positive_rate": _ratio(tp, tp + fn),
        "true_negative_rate": _ratio(tn, tn + fp),
        "false_positive_rate": _ratio(fp, fp + tn),
        "false_negative_rate": _ratio(fn, tp + fn),
    }
    for name, beta in F_BETAS.items():
        b2 = beta * beta
        # The count form of F-beta: defined (possibly 0) whenever any row is positive in either
        # column, as scikit-learn's fbeta_score computes it.
        out[name] = _ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)
    return out


def binary_curves(
    labels: np.ndarray, scores: np.ndarray, *, positive_label: object
) -> tuple[dict[str, list[float]], dict[str, list[float]], float, float]:
    """ROC curve, precision-recall curve, and the areas under them (``auc``, ``au_prc``).

    One point per distinct score, highest score first. The ROC curve starts at (0, 0) and ends
    with (1, 1); the precision-recall curve starts at recall 0 with the precision of the first
    point, as in the docs example (ROC: 6 points for 4 distinct scores; PR: 5 points).
    # [U] reference: operations.md §5.1 — the appended (1, 1) is kept even when the last
    # threshold already reaches it, as Spark's BinaryClassificationMetrics.roc() does.
    """
    order = np.argsort(-scores, kind="mergesort")
    ordered_scores = scores[order]
    actual = (labels == positive_label)[order]
    last_of_group = np.r_[np.nonzero(np.diff(ordered_scores))[0], len(ordered_scores) - 1]
    tps = np.cumsum(actual)[last_of_group].astype(float)
    fps = np.cumsum(~actual)[last_of_group].astype(float)
    n_pos, n_neg = float(actual.sum()), float((~actual).sum())
    tpr = tps / n_pos if n_pos else np.zeros_like(tps)
    fpr = fps / n_neg if n_neg else np.zeros_like(fps)
    precisions = tps / (tps + fps)
    roc_x = np.r_[0.0, fpr, 1.0]
    roc_y = np.r_[0.0, tpr, 1.0]
    pr_recall = np.r_[0.0, tpr]
    pr_precision = np.r_[precisions[0], precisions]
    auc = _trapezoid(roc_x, roc_y) if n_pos and n_neg else float("nan")
    au_prc = _trapezoid(pr_recall, pr_precision) if n_pos else float("nan")
    roc = {"false_positive_rates": roc_x.tolist(), "true_positive_rates": roc_y.tolist()}
    pr = {"precisions": pr_precision.tolist(), "recalls": pr_recall.tolist()}
    return roc, pr, auc, au_prc


def multiclass_metrics(
    labels: np.ndarray, predictions: np.ndarray, classes: list
) -> dict[str, float]:
    """Accuracy and support-weighted recall, precision and F0.5/F1/F2.

    A class never predicted has precision 0 inside the weighted mean (not undefined): the docs
    example's weighted_precision_best_constant_classifier, 0.0375 = 0.1937², only adds up that way.
    """
    counts = confusion_counts(labels, predictions, classes)
    n = counts.sum()
    support = counts.sum(axis=1).astype(float)
    predicted = counts.sum(axis=0).astype(float)
    tp = np.diag(counts).astype(float)
    weights = support / n
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    out = {
        "accuracy": float(tp.sum() / n),
        "weighted_recall": float(np.sum(weights * recall)),
        "weighted_precision": float(np.sum(weights * precision)),
    }
    for name, beta in F_BETAS.items():
        b2 = beta * beta
        denominator = b2 * precision + recall
        f = np.divide(
            (1 + b2) * precision * recall, denominator, out=np.zeros_like(tp), where=denominator > 0
        )
        out[f"weighted_{name}"] = float(np.sum(weights * f))
    return out


def regression_metrics(labels: np.ndarray, predictions: np.ndarray) -> dict[str, float]:
    """mae, mse, rmse and r2 (coefficient of determination, 1 − SS_res / SS_tot)."""
    errors = predictions - labels
    mse = float(np.mean(errors**2))
    ss_tot = float(np.sum((labels - labels.mean()) ** 2))
    ss_res = float(np.sum(errors**2))
    r2 = 1.0 - ss_res / ss_tot if len(labels) > 1 and ss_tot > 0 else float("nan")
    return {
        "mae": float(np.mean(np.abs(errors))),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "r2": r2,
    }


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def _trapezoid(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))
