"""Clarify's thirteen post-training bias metrics, as smclarify 0.5 computes them (bias.md §3–§5).

Difference metrics apply smclarify's rule: when both groups' ratios are +inf the difference is 0,
one infinite ratio gives ±inf. FT's sign is smclarify's, the opposite of the AWS page's: a
d member the model favours but whose a-neighbours would not have been favoured counts +1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.model_bias.counts import A, D, Metric, Tables, divide
from labkit.model_bias.pretraining import conditional_demographic_disparity

__all__ = [
    "FT_DEFAULT_NEIGHBOR",
    "FT_MIN_NEIGHBOR",
    "FT_NON_NUMERIC",
    "FT_SAMPLES_COUNT_THRESHOLD",
    "GE_ALL_FALSE_NEGATIVES",
    "POSTTRAINING_METRICS",
    "flip_counts",
    "resampled_flip_counts",
]

# smclarify constants.py: kNN neighbours of the flip test, 1 when group a has 9 rows or fewer.
FT_DEFAULT_NEIGHBOR = 5
FT_MIN_NEIGHBOR = 1
FT_SAMPLES_COUNT_THRESHOLD = 9
FT_NON_NUMERIC = "FlipTest does not support non-numeric columns"
GE_ALL_FALSE_NEGATIVES = (
    "All predicted labels are false negatives. "
    "There should be at least one prediction that is not false negative."
)
_NEIGHBOUR_DEPTH = 64  # bootstrap: nearest a rows examined per d row before the exact fallback


def _difference(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """first − second, except 0 when both are +inf (smclarify's DCO/DLR/DLA/AD/TE rule)."""
    both_infinite = (first == np.inf) & (second == np.inf)
    return np.where(both_infinite, 0.0, first - second)


def _groups_present(
    t: Tables, prefix: str, facet_first: bool, negated: str = "Negated Facet set is empty"
):
    facet = (t.n(D) == 0, f"{prefix}Facet set is empty")
    other = (t.n(A) == 0, f"{prefix}{negated}")
    return [facet, other] if facet_first else [other, facet]


def _dppl(t: Tables):
    n_a, n_d = t.n(A), t.n(D)
    return t.predicted_positive(A) / n_a - t.predicted_positive(D) / n_d, [
        (n_a == 0, "Negative facet set is empty."),
        (n_d == 0, "Facet set is empty."),
    ]


def _di(t: Tables):
    q_a = t.predicted_positive(A) / t.n(A)
    q_d = t.predicted_positive(D) / t.n(D)
    return divide(q_d, q_a), _groups_present(
        t, "", facet_first=False, negated="Negated facet set is empty"
    )


def _dca(t: Tables):
    c_a = divide(t.label_positive(A), t.predicted_positive(A))
    c_d = divide(t.label_positive(D), t.predicted_positive(D))
    return _difference(c_a, c_d), _groups_present(t, "DCO: ", facet_first=True)


def _dcr(t: Tables):
    r_a = divide(t.n(A) - t.label_positive(A), t.n(A) - t.predicted_positive(A))
    r_d = divide(t.n(D) - t.label_positive(D), t.n(D) - t.predicted_positive(D))
    return _difference(r_d, r_a), _groups_present(t, "DCO: ", facet_first=True)


def _rd(t: Tables):
    recall_a = divide(t.cell(A, 1, 1), t.cell(A, 1, 1) + t.cell(A, 1, 0))
    recall_d = divide(t.cell(D, 1, 1), t.cell(D, 1, 1) + t.cell(D, 1, 0))
    return _difference(recall_a, recall_d), _groups_present(t, "DLA: ", facet_first=True)


def _sd(t: Tables):
    specificity_a = divide(t.cell(A, 0, 0), t.cell(A, 0, 0) + t.cell(A, 0, 1))
    specificity_d = divide(t.cell(D, 0, 0), t.cell(D, 0, 0) + t.cell(D, 0, 1))
    return _difference(specificity_d, specificity_a), _groups_present(t, "DLA: ", facet_first=True)


def _dar(t: Tables):
    precision_a = divide(t.cell(A, 1, 1), t.predicted_positive(A))
    precision_d = divide(t.cell(D, 1, 1), t.predicted_positive(D))
    return _difference(precision_a, precision_d), _groups_present(t, "DLR: ", facet_first=True)


def _drr(t: Tables):
    rejection_a = divide(t.cell(A, 0, 0), t.n(A) - t.predicted_positive(A))
    rejection_d = divide(t.cell(D, 0, 0), t.n(D) - t.predicted_positive(D))
    return _difference(rejection_d, rejection_a), _groups_present(t, "DLR: ", facet_first=True)


def _ad(t: Tables):
    accuracy_a = divide(t.cell(A, 1, 1) + t.cell(A, 0, 0), t.n(A))
    accuracy_d = divide(t.cell(D, 1, 1) + t.cell(D, 0, 0), t.n(D))
    return _difference(accuracy_a, accuracy_d), _groups_present(t, "", facet_first=True)


def _te(t: Tables):
    tau_a = divide(t.cell(A, 1, 0), t.cell(A, 0, 1))
    tau_d = divide(t.cell(D, 1, 0), t.cell(D, 0, 1))
    return _difference(tau_d, tau_a), _groups_present(t, "", facet_first=True)


def _cddpl(t: Tables):
    return conditional_demographic_disparity(
        t.predicted_strata, t, t.predicted_positive(A) + t.predicted_positive(D)
    )


def _ft(t: Tables):
    checks = _groups_present(t, "", facet_first=True)
    if t.flips is None:
        return np.full(t.resamples, np.nan), [
            *checks,
            (np.ones(t.resamples, dtype=bool), t.flip_error or ""),
        ]
    return divide(t.flips, t.n(D)), [
        *checks,
        (np.isnan(t.flips), t.flip_error or "flip test failed"),
    ]


def _ge(t: Tables):
    """GE with alpha = 2 from the benefit counts b = ŷ − y + 1 ∈ {0 (FN), 1 (TP, TN), 2 (FP)}."""
    total = t.cells.sum(axis=(1, 2, 3)).astype(float)
    ones = (t.cells[:, :, 1, 1] + t.cells[:, :, 0, 0]).sum(axis=1).astype(float)
    twos = t.cells[:, :, 0, 1].sum(axis=1).astype(float)
    mean = (ones + 2.0 * twos) / total
    squares = ones * (1.0 / mean) ** 2 + twos * (2.0 / mean) ** 2  # the zero benefits add nothing
    return (squares - total) / (total * 2.0), [
        (total == 0, "dataset must be non-empty"),
        (mean == 0, GE_ALL_FALSE_NEGATIVES),
    ]


def flip_counts(
    features: pd.DataFrame, sensitive: np.ndarray, predicted: np.ndarray
) -> tuple[float | None, str | None]:
    """FS_pos − FS_neg of smclarify's flip test, or the error that stops it (bias.md §5).

    A kNN classifier (scikit-learn, unscaled features, k = 5, or 1 when a has 9 rows or fewer)
    learns the model's predicted-positive flag on group a and predicts group d. FS_pos counts d
    rows the model favours but the kNN does not; FS_neg the reverse.
    """
    if not sensitive.any() or sensitive.all():
        return None, None  # FT reports the empty-group error first
    if len(features.columns) != len(features.select_dtypes([np.number, bool]).columns):
        return None, FT_NON_NUMERIC
    from sklearn.neighbors import KNeighborsClassifier

    values = features.to_numpy()
    n_a = int((~sensitive).sum())
    neighbours = FT_DEFAULT_NEIGHBOR if n_a > FT_SAMPLES_COUNT_THRESHOLD else FT_MIN_NEIGHBOR
    knn = KNeighborsClassifier(
        n_neighbors=neighbours,
        weights="uniform",
        algorithm="auto",
        leaf_size=30,
        p=2,
        metric="minkowski",
    )
    try:
        knn.fit(values[~sensitive], predicted[~sensitive])
        if_a = np.asarray(knn.predict(values[sensitive]), dtype=bool)
    except Exception as exc:  # noqa: BLE001 - sklearn's message becomes the error entry, as in smclarify
        return None, str(exc)
    model = predicted[sensitive]
    return float((model & ~if_a).sum() - (~model & if_a).sum()), None


def resampled_flip_counts(
    features: pd.DataFrame, sensitive: np.ndarray, predicted: np.ndarray, resamples: np.ndarray
) -> np.ndarray:
    """FS_pos − FS_neg for each resample (rows of ``resamples``), vectorised; NaN where the kNN fails.

    A resample repeats rows, and a kNN fitted on repeated rows sees each copy as a neighbour. So
    for each d row the a rows are sorted by distance once, on the whole window, and per resample
    the nearest k *copies* are counted with the a rows' multiplicities. This equals refitting
    scikit-learn on every resample except where two distinct a rows are at exactly the same
    distance; a d row whose k copies are not among its nearest ``_NEIGHBOUR_DEPTH`` a rows falls
    back to scikit-learn for that resample.
    """
    from sklearn.neighbors import NearestNeighbors

    size, n = resamples.shape
    out = np.full(size, np.nan)
    a_rows, d_rows = np.flatnonzero(~sensitive), np.flatnonzero(sensitive)
    if len(a_rows) == 0 or len(d_rows) == 0:
        return out
    values = features.to_numpy(dtype=float)
    depth = min(_NEIGHBOUR_DEPTH, len(a_rows))
    order = (
        NearestNeighbors(n_neighbors=depth)
        .fit(values[a_rows])
        .kneighbors(values[d_rows], return_distance=False)
    )
    a_votes = predicted[a_rows][order]  # [d row, rank] the neighbour's predicted-positive flag
    model_d = predicted[d_rows]
    for b in range(size):
        weights = np.bincount(resamples[b], minlength=n)
        w_a, w_d = weights[a_rows], weights[d_rows]
        n_a, n_d = int(w_a.sum()), int(w_d.sum())
        if n_a == 0 or n_d == 0:
            continue
        k = FT_DEFAULT_NEIGHBOR if n_a > FT_SAMPLES_COUNT_THRESHOLD else FT_MIN_NEIGHBOR
        present = np.flatnonzero(w_d)
        copies = w_a[order[present]]
        before = np.cumsum(copies, axis=1) - copies
        taken = np.clip(k - before, 0, copies)
        if (taken.sum(axis=1) < min(k, n_a)).any():
            out[b] = _refit_flips(values, sensitive, predicted, resamples[b])
            continue
        if_a = 2 * (taken * a_votes[present]).sum(axis=1) > taken.sum(axis=1)
        model = model_d[present]
        out[b] = float(
            (w_d[present] * (model & ~if_a)).sum() - (w_d[present] * (~model & if_a)).sum()
        )
    return out


def _refit_flips(
    values: np.ndarray, sensitive: np.ndarray, predicted: np.ndarray, rows: np.ndarray
) -> float:
    frame = pd.DataFrame(values[rows])
    flips, _ = flip_counts(frame, sensitive[rows], predicted[rows])
    return np.nan if flips is None else flips


POSTTRAINING_METRICS: tuple[Metric, ...] = tuple(
    sorted(
        (
            Metric(
                "DPPL",
                "Difference in Positive Proportions in Predicted Labels (DPPL)",
                "post_training",
                _dppl,
            ),
            Metric("DI", "Disparate Impact (DI)", "post_training", _di),
            Metric("DCA", "Difference in Conditional Acceptance (DCA)", "post_training", _dca),
            Metric("DCR", "Difference in Conditional Rejection (DCR)", "post_training", _dcr),
            Metric("RD", "Recall Difference (RD)", "post_training", _rd),
            Metric("SD", "Specificity Difference (SD)", "post_training", _sd),
            Metric("DAR", "Difference in Acceptance Rates (DAR)", "post_training", _dar),
            Metric("DRR", "Difference in Rejection Rates (DRR)", "post_training", _drr),
            Metric("AD", "Accuracy Difference (AD)", "post_training", _ad),
            Metric("TE", "Treatment Equality (TE)", "post_training", _te),
            Metric(
                "CDDPL",
                "Conditional Demographic Disparity in Predicted Labels (CDDPL)",
                "post_training",
                _cddpl,
            ),
            Metric("FT", "Flip Test (FT)", "post_training", _ft),
            Metric("GE", "Generalized Entropy (GE)", "post_training", _ge),
        ),
        key=lambda m: m.name,
    )
)
