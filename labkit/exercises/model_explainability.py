"""Checkers for notebook 04 · Feature attribution drift: NDCG by hand, checked against
scikit-learn's ndcg_score, and which moved signal lowers NDCG most.
"""

from __future__ import annotations

import math

from labkit.exercises.grading import ROUNDED_4DP, Feedback, number, right, wrong

__all__ = ["attribution_largest_drop", "attribution_ndcg_by_hand"]


def attribution_ndcg_by_hand(answer, *, baseline_shap, window_shap) -> Feedback:
    """attribution-ndcg-by-hand: NDCG, with scikit-learn's ndcg_score as the oracle."""
    from sklearn.metrics import ndcg_score  # an independent NDCG: the oracle

    features = list(baseline_shap)
    truth = float(
        ndcg_score([[baseline_shap[f] for f in features]], [[window_shap[f] for f in features]])
    )
    value = number(answer)
    if math.isclose(value, truth, abs_tol=ROUNDED_4DP):
        verdict = "below" if truth < 0.9 else "not below"
        return right(
            f"NDCG = {truth:.4f}, as scikit-learn's ndcg_score computes it: {verdict} 0.90."
        )
    live = [baseline_shap[f] for f in sorted(features, key=lambda f: -window_shap[f])]
    linear = sum(g / i for i, g in enumerate(live, 1)) / sum(
        g / i for i, g in enumerate(sorted(live)[::-1], 1)
    )
    if not math.isfinite(value):
        hint = "Rank 1's discount is 1/log2(1 + 1) = 1: count ranks from 1 in log2(i + 1)."
    elif math.isclose(value, 1.0) and truth < 1 - ROUNDED_4DP:
        hint = "In the live order the window's own attributions are ideal: take the gains from baseline_shap."
    elif math.isclose(value, 1 / truth, rel_tol=1e-4):
        hint = "NDCG = DCG / iDCG, at most 1."
    elif math.isclose(value, linear, rel_tol=1e-4):
        hint = "Discount rank i by 1/log2(i + 1), not 1/i."
    else:
        hint = (
            "DCG sums baseline_shap[f] / log2(i + 1) over the features in window_shap's order (i = 1 for the "
            "largest); iDCG does the same in baseline_shap's own order."
        )
    return wrong(f"{value:.4f} is not this run's NDCG.", hint)


def attribution_largest_drop(answer, *, fraction, window, scenario, model, baseline, from_feature, seed) -> Feedback:  # fmt: skip
    """attribution-largest-drop: the destination feature with the lowest NDCG."""
    from labkit import drift, model_explainability, scenarios

    candidates = [f for f in scenarios.signal_weights(scenario.name) if f != from_feature]
    if answer not in candidates:
        hint = f"Choose from {', '.join(candidates)}."
        return wrong(
            f"{answer!r} is not a feature move_signal can move {from_feature}'s signal to.", hint
        )
    ndcg, climbed = {}, {}
    for f in candidates:
        drifted = drift.move_signal(window, scenario, from_feature, f, fraction, seed=seed)
        report = model_explainability.monitor(drifted, baseline, model, seed=seed)
        live = report.analysis.kernel_shap[baseline.label].global_shap_values
        ndcg[f], climbed[f] = (
            report.ndcg[baseline.label],
            1 + sorted(live, key=lambda g: -live[g]).index(f),
        )
    if answer != min(ndcg, key=ndcg.get):
        hint = f"Run the monitor for each of {', '.join(candidates)}."
        return wrong(f"{answer}'s NDCG is {ndcg[answer]:.3f}, not the lowest.", hint)
    ranked = sorted(baseline.global_shap_values, key=lambda g: -baseline.global_shap_values[g])
    table = "; ".join(f"{f}: NDCG {ndcg[f]:.3f}, rank {1 + ranked.index(f)} → {climbed[f]}" for f in sorted(ndcg, key=ndcg.get))  # fmt: skip
    return right(
        f"{table} (the destination's baseline rank → live rank). NDCG counts, at each live rank, the baseline "
        "attribution of the feature now there, and the top ranks are discounted least: a feature with a small "
        "baseline attribution that climbs to the top costs the most."
    )
