"""NDCG: how far the ranking of feature attributions moved from the baseline.

Clarify's feature attribution drift check scores the window's global SHAP values against the
baseline's with the Normalized Discounted Cumulative Gain and raises a violation when it falls
below 0.90 (AWS page *Monitor Feature Attribution Drift for Models in Production*,
clarify-model-monitor-feature-attribution-drift.html):

* gains a(f) are always the **baseline** attributions;
* DCG sums the gains in the **window's** ranking, iDCG in the baseline's own ranking;
* the discount of rank i (1-based) is 1 / log2(i + 1); NDCG = DCG / iDCG.

The violations page links scikit-learn's ``ndcg_score``; ``ndcg(b, c)`` equals
``sklearn.metrics.ndcg_score([b], [c])``, including its averaging over tied window values.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labkit.errors import LabkitInputError

__all__ = ["IDCG_ZERO_NDCG", "NDCG_THRESHOLD", "check_ndcg_threshold", "ndcg"]

NDCG_THRESHOLD = (
    0.90  # Clarify: feature attribution drift violation iff NDCG < 0.90 (violations page)
)
# [U] reference: explainability.md §3 — iDCG = 0 (every baseline attribution is 0) is not
# published; scikit-learn's ndcg_score, which the AWS page links, scores such a sample 0.
IDCG_ZERO_NDCG = 0.0


def check_ndcg_threshold(threshold: float) -> float:
    """Return ``threshold`` as a float, or raise: NDCG lies in [0, 1], so must its threshold.

    Above 1 every window would violate, below 0 none would, whatever the attributions do.
    """
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        raise LabkitInputError(
            f"the NDCG threshold must be a number from 0 to 1, found {threshold!r}"
        )
    return value


def ndcg(baseline: Mapping[str, float], current: Mapping[str, float]) -> float:
    """NDCG of ``current``'s feature ranking, with ``baseline``'s attributions as the gains.

    Both arguments map feature name → global SHAP value (one label of analysis.json's
    ``explanations.kernel_shap.<label>.global_shap_values``). 1.0 means the ranking did not
    change; the AWS college-admissions example gives 0.687640.

    >>> round(ndcg({"SAT": 0.70, "GPA": 0.50, "rank": 0.05}, {"SAT": 0.10, "GPA": 0.20, "rank": 0.70}), 6)
    0.68764
    """
    gains, scores = attribution_gains(baseline, current)
    ideal = _dcg_in_order(np.sort(gains)[::-1])
    if ideal == 0.0:
        return IDCG_ZERO_NDCG
    if len(np.unique(scores)) == len(scores):  # no ties: a plain sort is unambiguous
        dcg = _dcg_in_order(gains[np.argsort(-scores, kind="stable")])
    else:
        dcg = _tie_averaged_dcg(gains, scores)
    return float(dcg / ideal)


def attribution_gains(
    baseline: Mapping[str, float], current: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Align two attribution maps into (gains, window scores) arrays over the same features.

    [U] reference: explainability.md §3 — AWS publishes neither of these cases; both rules
    live here and nowhere else:

    * **a feature in only one file** counts as attribution 0 in the other: a feature that
      vanished from the window drops to the bottom of the window's ranking (costing its
      baseline gain), and a new window feature takes a rank without adding gain;
    * **negative values** (possible with ``agg_method="median"``) are ranked and scored by
      their magnitude |value|, the size of the feature's influence. scikit-learn refuses
      negative gains; for ``mean_abs`` and ``mean_sq`` (never negative) this changes nothing.
    """
    features = list(baseline) + [f for f in current if f not in baseline]
    if not features:
        raise LabkitInputError("no global SHAP values to compare: both attribution maps are empty")
    gains = np.array([_finite(baseline.get(f, 0.0), f) for f in features], dtype=float)
    scores = np.array([_finite(current.get(f, 0.0), f) for f in features], dtype=float)
    return np.abs(gains), np.abs(scores)


def _finite(value: float, feature: str) -> float:
    value = float(value)
    if not np.isfinite(value):
        raise LabkitInputError(f"global SHAP value {value} is not a finite number", column=feature)
    return value


def _discounts(m: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, m + 2))  # rank i = 1..m → 1 / log2(i + 1)


def _dcg_in_order(gains_in_rank_order: np.ndarray) -> float:
    return float(gains_in_rank_order @ _discounts(len(gains_in_rank_order)))


def _tie_averaged_dcg(gains: np.ndarray, scores: np.ndarray) -> float:
    """DCG averaged over every ordering of tied scores, as scikit-learn's ``ndcg_score`` does.

    Each tied group contributes its mean gain times the sum of the discounts of the ranks it
    occupies (McSherry & Najork 2008, the reference scikit-learn cites).
    """
    _, group_of, counts = np.unique(-scores, return_inverse=True, return_counts=True)
    mean_gain = np.bincount(group_of, weights=gains) / counts
    discount_cumsum = np.cumsum(_discounts(len(gains)))
    last_rank = np.cumsum(counts) - 1
    group_discount = np.diff(discount_cumsum[last_rank], prepend=0.0)
    return float(mean_gain @ group_discount)
