"""Clarify's eight pre-training bias metrics, as smclarify 0.5 computes them (bias.md §2, §4).

Names and descriptions are smclarify's exactly (including its spelling "Liebler"). The
distribution metrics KL, JS, LP, TVD and KS compare the *binary* positive-label flag of a and d,
keeping only outcomes with non-zero probability in both groups and not renormalising, which is
why KL can be negative (a = T,T,F and d = T,T,T give −0.2703). The AWS pages describe them over
every label category: smclarify differs and the twin follows smclarify.
"""

from __future__ import annotations

import numpy as np

from labkit.model_bias.counts import A, D, Metric, Tables, divide

__all__ = [
    "CDD_NO_GROUP",
    "NO_COMMON_OUTCOME",
    "PRETRAINING_METRICS",
    "conditional_demographic_disparity",
]

NO_COMMON_OUTCOME = "No instance of common facet found, dataset may be too small"
CDD_NO_GROUP = "Group variable is empty or not provided"


def _ci(t: Tables):
    n_a, n_d = t.n(A), t.n(D)
    return (n_a - n_d) / (n_a + n_d), [
        (n_a == 0, "CI: negated facet set is empty. Check that x[~facet] has non-zero length."),
        (n_d == 0, "CI: facet set is empty. Check that x[facet] has non-zero length."),
    ]


def _dpl(t: Tables):
    n_a, n_d = t.n(A), t.n(D)
    return t.label_positive(A) / n_a - t.label_positive(D) / n_d, [
        (n_a == 0, "Negative facet set is empty."),
        (n_d == 0, "Facet set is empty."),
    ]


def _outcome_distributions(t: Tables):
    """P_a and P_d over (False, True), and which outcomes are non-zero in both groups."""
    n_a, n_d = t.n(A), t.n(D)
    pos_a, pos_d = t.label_positive(A), t.label_positive(D)
    p_a = np.stack([(n_a - pos_a) / n_a, pos_a / n_a], axis=-1)
    p_d = np.stack([(n_d - pos_d) / n_d, pos_d / n_d], axis=-1)
    shared = (p_a > 0) & (p_d > 0)  # NaN (an empty group) is never > 0
    return p_a, p_d, shared, [(~shared.any(axis=-1), NO_COMMON_OUTCOME)]


def _kl(t: Tables):
    p_a, p_d, shared, checks = _outcome_distributions(t)
    return np.where(shared, p_a * np.log(p_a / p_d), 0.0).sum(axis=-1), checks


def _js(t: Tables):
    p_a, p_d, shared, checks = _outcome_distributions(t)
    p = 0.5 * (p_a + p_d)
    kl_a = np.where(shared, p_a * np.log(p_a / p), 0.0).sum(axis=-1)
    kl_d = np.where(shared, p_d * np.log(p_d / p), 0.0).sum(axis=-1)
    return 0.5 * (kl_a + kl_d), checks


def _lp(t: Tables):
    p_a, p_d, shared, checks = _outcome_distributions(t)
    return np.sqrt(np.where(shared, (p_a - p_d) ** 2, 0.0).sum(axis=-1)), checks


def _tvd(t: Tables):
    p_a, p_d, shared, checks = _outcome_distributions(t)
    return 0.5 * np.where(shared, np.abs(p_a - p_d), 0.0).sum(axis=-1), checks


def _ks(t: Tables):
    p_a, p_d, shared, checks = _outcome_distributions(t)
    return np.where(shared, np.abs(p_a - p_d), -np.inf).max(axis=-1), checks


def conditional_demographic_disparity(strata: np.ndarray | None, t: Tables, positives: np.ndarray):
    """CDD (bias.md §4) from ``strata[b, g, group, outcome]``; shared by CDDL and CDDPL.

    ``positives`` is the number of positive outcomes over all rows, for the whole-set checks.
    """
    total = t.cells.sum(axis=(1, 2, 3)).astype(float)
    if strata is None:
        return np.full(t.resamples, np.nan), [(np.ones(t.resamples, dtype=bool), CDD_NO_GROUP)]
    checks = [
        (total == 0, CDD_NO_GROUP),  # an empty group-variable series
        (positives == 0, "No positive labels in set"),
        (total - positives == 0, "No negative labels in set"),
    ]
    strata = strata.astype(float)
    positive = strata[..., 1].sum(axis=-1)  # [b, g]
    negative = strata[..., 0].sum(axis=-1)
    accepted_share = np.where(
        positive != 0, strata[:, :, D, 1] / np.where(positive != 0, positive, 1), 0.0
    )
    rejected_share = np.where(
        negative != 0, strata[:, :, D, 0] / np.where(negative != 0, negative, 1), 0.0
    )
    sizes = positive + negative
    return divide(
        (sizes * (rejected_share - accepted_share)).sum(axis=-1), sizes.sum(axis=-1)
    ), checks


def _cddl(t: Tables):
    return conditional_demographic_disparity(
        t.label_strata, t, t.label_positive(A) + t.label_positive(D)
    )


PRETRAINING_METRICS: tuple[Metric, ...] = tuple(
    sorted(
        (
            Metric("CI", "Class Imbalance (CI)", "pre_training", _ci),
            Metric(
                "DPL", "Difference in Positive Proportions in Labels (DPL)", "pre_training", _dpl
            ),
            Metric("KL", "Kullback-Liebler Divergence (KL)", "pre_training", _kl),
            Metric("JS", "Jensen-Shannon Divergence (JS)", "pre_training", _js),
            Metric("LP", "L-p Norm (LP)", "pre_training", _lp),
            Metric("TVD", "Total Variation Distance (TVD)", "pre_training", _tvd),
            Metric("KS", "Kolmogorov-Smirnov Distance (KS)", "pre_training", _ks),
            Metric(
                "CDDL", "Conditional Demographic Disparity in Labels (CDDL)", "pre_training", _cddl
            ),
        ),
        key=lambda m: m.name,
    )
)
