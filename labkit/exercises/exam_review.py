"""Checkers for notebook 07 · Exam review: which monitors end CompletedWithViolations when only
the inputs drift, computed by running the data-quality and model-quality twins.
"""

from __future__ import annotations

from labkit.exercises.grading import Feedback, names, right, wrong

__all__ = ["exam_data_drift_monitors"]

_RUN = ("DataQuality", "ModelQuality")  # the MonitoringType values this exercise runs


def _fired(*, feature, covariate_shift_sd, seed) -> tuple[set[str], dict[str, set[str]]]:
    """Which of the two monitors report violations on the credit window with ``feature`` shifted."""
    from labkit import data_quality, drift_grid, model_quality, scenarios

    credit = scenarios.load_scenario("credit", seed=seed)
    model = scenarios.train_model(credit)
    suggested = model_quality.suggest_baseline(
        drift_grid.score_window(credit, model, credit.baseline), problem_type="BinaryClassification",
        label=credit.target, prediction="prediction", probability="probability",
    )  # fmt: skip
    quality_baseline = drift_grid.review_constraints(suggested, {"accuracy": 0.05, "auc": 0.07})
    drifted = drift_grid.inject_drift(
        credit, credit.window, feature=feature, covariate_shift_sd=covariate_shift_sd, seed=seed
    )
    inputs = data_quality.monitor(
        drifted[list(credit.features)],
        data_quality.suggest_baseline(credit.baseline[list(credit.features)]),
    )
    quality = model_quality.monitor(
        drift_grid.score_window(credit, model, drifted), quality_baseline, label=credit.target,
        prediction="prediction", probability="probability", seed=seed,
    )  # fmt: skip
    flagged = {
        "DataQuality": inputs.violations.features(),
        "ModelQuality": quality.violations.metric_names(),
    }
    fired = {t for t, report in zip(_RUN, (inputs, quality)) if report.has_violations}
    return fired, flagged


def exam_data_drift_monitors(answer, *, feature, covariate_shift_sd, seed) -> Feedback:
    """exam-data-drift-monitors: the MonitoringType values that end CompletedWithViolations."""
    chosen = {answer} if isinstance(answer, str) else set(answer)
    if chosen - set(_RUN):
        return wrong(
            f"{names(chosen - set(_RUN))}: this exercise runs only {' and '.join(_RUN)}.",
            f"Choose from {', '.join(_RUN)}; set() for none.",
        )
    fired, flagged = _fired(feature=feature, covariate_shift_sd=covariate_shift_sd, seed=seed)
    detail = "; ".join(
        f"{t} flags {names(flagged[t])}" for t in _RUN
    )  # names() says "nothing" for none
    if chosen == fired:
        return right(
            f"{detail}. Data drift is not model drift: the inputs moved, and whether quality drops depends on "
            f"how much the model leans on {feature}; only labels (model quality) can tell."
        )
    if "ModelQuality" in chosen ^ fired:
        hint = "Model quality compares predictions with labels: run model_quality.monitor on the scored window."
    else:
        hint = (
            f"Data quality compares the inputs with the baseline's distributions: {feature} moved."
        )
    return wrong(f"You answered {names(chosen)}.", hint)
