"""Checkers for notebook 03 · Bias drift: the sign of Clarify's DPL, and when the bootstrap
interval rule first flags DPPL.
"""

from __future__ import annotations

import math
from dataclasses import replace

from labkit.exercises.grading import ROUNDED_3DP, Feedback, first_on_grid, number, right, wrong

__all__ = ["bias_dpl_sign", "bias_dppl_first_violation"]


def _share_gap(df, *, facet, group, label, favourable) -> float:
    """DPL = q_a − q_d: the favourable-label share of everyone else minus that of group d."""
    in_d, good = df[facet] == group, df[label] == favourable
    return float(good[~in_d].mean() - good[in_d].mean())


def bias_dpl_sign(answer, *, facet, label, favourable, group, rate, window, seed) -> Feedback:
    """bias-dpl-sign: the drifted window's DPL, q_a − q_d."""
    from labkit import drift

    drifted = drift.shift_group_base_rate(window, facet=facet, group_values=[group], target=label, rate=rate, seed=seed)  # fmt: skip
    keys = {"facet": facet, "group": group, "label": label, "favourable": favourable}
    clean, new, value = _share_gap(window, **keys), _share_gap(drifted, **keys), number(answer)
    if math.isclose(value, new, abs_tol=ROUNDED_3DP):
        side = "group a (everyone else) now has" if new > 0 else f"group d ({group}) still has"
        return right(
            f"DPL for {group} moved from {clean:+.3f} to {new:+.3f}. DPL = q_a − q_d, the shares of favourable "
            f"labels (repaid); it is {'positive' if new > 0 else 'negative'}: {side} the larger share of them."
        )
    if math.isclose(value, -new, abs_tol=ROUNDED_3DP):
        hint = "Check the sign: DPL = q_a − q_d with repaid (label 0) favourable; label 1 would flip it."
    elif math.isclose(value, clean, abs_tol=ROUNDED_3DP):
        hint = "That is the clean window's DPL: compute it after shift_group_base_rate."
    else:
        hint = f"Group d is {group}, group a everyone else; q is the share of rows with {label} = {favourable}."
    return wrong(f"{value:+.3f} is not the drifted window's DPL for {group}.", hint)


def bias_dppl_first_violation(answer, *, step, metric, facet, label, prediction, window, baseline,
                              facet_group, n_bootstrap, confidence_level, seed) -> Feedback:  # fmt: skip
    """bias-dppl-first-violation: the smallest error rate the bootstrap rule flags."""
    from labkit import drift, model_bias

    def run(rate: float):
        stricter = drift.shift_group_error_rate(
            window, facet=facet, group_values=[facet_group], target=label, prediction=prediction,
            error_rate=rate, kind="false_positive", seed=seed,
        )  # fmt: skip
        return model_bias.monitor(stricter, baseline, rule="bootstrap", n_bootstrap=n_bootstrap,
                                  confidence_level=confidence_level, seed=seed)  # fmt: skip

    problem = first_on_grid(
        answer, step, lambda r: metric in run(r).violations.metric_names(), f"{metric} violates"
    )
    if problem is not None and problem.message.startswith("Not yet"):
        hint = f"At {answer:g} {metric}'s interval C still overlaps its allowed range A: try larger rates."
        return replace(problem, hint=hint)
    if problem is not None:
        return problem
    if answer == 0:
        return right(f"{metric} violates even at 0.")
    row = run(round(answer - step, 10)).to_frame().set_index("metric").loc[metric]
    where = "inside" if row.allowed_min <= row.value <= row.allowed_max else "outside"
    return right(
        f"One step earlier, at {answer - step:g}, {metric} was {row.value:.3f}, {where} A [{row.allowed_min:.3f}, "
        f"{row.allowed_max:.3f}], and its interval C [{row.ci_lower:.3f}, {row.ci_upper:.3f}] still overlapped A: "
        "the rule waits until the change is larger than the window's sampling noise."
    )
