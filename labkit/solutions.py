"""Worked solutions to the exercises of ``labkit.exercises``, kept apart from the tasks.

One function per exercise id (``start-mean-shift`` → ``start_mean_shift``). Each computes the
answer from the notebook's objects, which it takes by the same keywords as the exercise's check,
plus the exercise's fixed numbers (``Exercise.params``). ``reveal(exercise_id, **context)`` prints
the function's source, the worked solution, and returns its answer; the notebooks call it only
when run with ``reveal_solutions = True`` (facilitators, papermill, ``labkit notebooks render``).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from labkit import exercises

__all__ = ["SOLUTIONS", "reveal", "solution_for"]


def start_mean_shift(*, feature, shift_sd, credit, seed):
    """Shift the window, then measure the move in the baseline's own standard deviation."""
    from labkit.widgets.start_here import preview_mean_shift

    preview = preview_mean_shift(credit, feature, shift_sd, seed=seed)
    window, baseline = preview.window.astype(float), preview.baseline.astype(float)
    return float((window.mean() - baseline.mean()) / baseline.std(ddof=0))


def dq_stuck_mid_range(*, column, value, fraction, sensor, sensor_baseline, seed):
    """Stick the sensor mid-range and read which checks constraint_violations.json lists."""
    from labkit import data_quality, drift

    stuck = drift.stuck_at(sensor.window, column, value, fraction, seed=seed)
    return data_quality.monitor(stuck, sensor_baseline).violations.check_types()


def dq_comparison_threshold(*, feature, window, baseline):
    """Round the Robust distance up to two decimals, then confirm with an edited constraints.json."""
    from labkit import data_quality

    distance = data_quality.monitor(window, baseline).distances[feature]
    # round() before ceil(): 0.7 * 100 is 70.00000000000001, which would round up to 0.71
    threshold = math.ceil(round(distance * 100, 9)) / 100
    edited = baseline.constraints.to_dict()  # what jsonfiles.read_json(constraints_path) returns
    edited["monitoring_config"]["distribution_constraints"]["comparison_threshold"] = threshold
    report = data_quality.monitor(
        window, baseline.statistics, data_quality.Constraints.from_dict(edited)
    )
    assert "baseline_drift_check" not in report.violations.check_types()
    return threshold


def mq_crash_margin(*, step, housing, model, baseline, seed):
    """Walk the crash up from 0 until the reviewed constraints are violated."""
    from labkit import drift, drift_grid, model_quality

    for k in range(round(1 / step) + 1):
        concept_shift = round(k * step, 10)
        crashed = drift.shift_concept(housing.window, housing, concept_shift, seed=seed)
        scored = drift_grid.score_window(housing, model, crashed)
        report = model_quality.monitor(
            scored, baseline, label=housing.target, prediction="prediction"
        )
        if report.has_violations:
            return concept_shift
    return None  # no crash on the grid violates


def mq_offsets(*, delay_hours):
    """Count back delay + 1 hours for the start and delay hours for the end: one whole labelled hour."""
    from datetime import UTC, datetime

    from labkit import performance_estimation

    start, end = f"-PT{delay_hours + 1}H", f"-PT{delay_hours}H"
    run_at = datetime(2024, 5, 1, 20, tzinfo=UTC)  # any scheduled time
    window = performance_estimation.offset_window(
        run_at, start_offset_hours=delay_hours + 1, end_offset_hours=delay_hours
    )
    print(f"the {run_at:%H:%M} execution analyses {window[0]:%H:%M}–{window[1]:%H:%M}", end="; ")
    print(f"the last of those inferences gets its label {delay_hours} h later, by {run_at:%H:%M}")
    return start, end


def bias_dpl_sign(*, facet, label, favourable, group, rate, window, seed):
    """Drift the group's labels, then ask Clarify's DPL with that group as d and 'repaid' favourable."""
    from labkit import drift, model_bias

    drifted = drift.shift_group_base_rate(
        window, facet=facet, group_values=[group], target=label, rate=rate, seed=seed
    )
    report = model_bias.bias_report(
        drifted,
        label=label,
        label_values_or_threshold=[favourable],
        facet=facet,
        facet_values_or_threshold=[group],
    )
    return report.get("DPL").value


def bias_dppl_first_violation(*, step, metric, facet, label, prediction, window, baseline,
                              facet_group, n_bootstrap, confidence_level, seed):  # fmt: skip
    """Raise the group's false-positive rate step by step until the bootstrap rule lists the metric."""
    from labkit import drift, model_bias

    for k in range(round(1 / step) + 1):
        error_rate = round(k * step, 10)
        stricter = drift.shift_group_error_rate(
            window, facet=facet, group_values=[facet_group], target=label, prediction=prediction,
            error_rate=error_rate, kind="false_positive", seed=seed,
        )  # fmt: skip
        report = model_bias.monitor(stricter, baseline, rule="bootstrap", n_bootstrap=n_bootstrap,
                                    confidence_level=confidence_level, seed=seed)  # fmt: skip
        if metric in report.violations.metric_names():
            return error_rate
    return None  # no error rate on the grid violates


def attribution_ndcg_by_hand(*, baseline_shap, window_shap):
    """DCG: baseline gains in the live order, rank i discounted by 1/log2(i + 1); iDCG: the baseline's own order."""
    live_order = sorted(window_shap, key=window_shap.get, reverse=True)
    ideal_order = sorted(baseline_shap, key=baseline_shap.get, reverse=True)
    dcg = sum(baseline_shap[f] / math.log2(i + 1) for i, f in enumerate(live_order, start=1))
    idcg = sum(baseline_shap[f] / math.log2(i + 1) for i, f in enumerate(ideal_order, start=1))
    return dcg / idcg


def attribution_largest_drop(*, fraction, window, scenario, model, baseline, from_feature, seed):
    """Move the signal to each candidate, run the monitor, keep the destination with the lowest NDCG."""
    from labkit import drift, model_explainability, scenarios

    ndcg = {}
    for to_feature in scenarios.signal_weights(scenario.name):
        if to_feature != from_feature:
            drifted = drift.move_signal(
                window, scenario, from_feature, to_feature, fraction, seed=seed
            )
            report = model_explainability.monitor(drifted, baseline, model, seed=seed)
            ndcg[to_feature] = report.ndcg[baseline.label]
    print({f: round(v, 3) for f, v in ndcg.items()})
    return min(ndcg, key=ndcg.get)


def workflow_strict_alarm(*, datapoints_to_alarm, evaluation_periods, treat_missing_data, result, drift,
                          threshold):  # fmt: skip
    """Build the stricter alarm, replay it on the published metrics, read the first ALARM row."""
    from labkit import simulation

    strict = simulation.drift_alarm(
        drift.feature, threshold=threshold, evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm, treat_missing_data=treat_missing_data,
    )  # fmt: skip
    history = simulation.reevaluate(result, strict).to_frame()  # one row per hour of the timeline
    in_alarm = history.index[history["state"] == "ALARM"]
    return int(in_alarm[0]) if len(in_alarm) else "never"


def cloud_daily_schedule(*, hour, monitor):
    """Point the schedule at the SDK's daily cron, then read back what the account now runs."""
    from sagemaker.core.model_monitor import CronExpressionGenerator

    monitor.update_monitoring_schedule(schedule_cron_expression=CronExpressionGenerator.daily(hour=hour))
    return monitor.describe_schedule()["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"]


def exam_data_drift_monitors(*, feature, covariate_shift_sd, seed):
    """Run notebook 02's grid cell 'data drift only' and list the monitors that report violations."""
    from labkit import data_quality, drift_grid, model_quality, scenarios

    credit = scenarios.load_scenario("credit", seed=seed)
    model = scenarios.train_model(credit)
    suggested = model_quality.suggest_baseline(
        drift_grid.score_window(credit, model, credit.baseline), problem_type="BinaryClassification",
        label="default", prediction="prediction", probability="probability",
    )  # fmt: skip
    grid = drift_grid.run_drift_grid(
        credit, model, credit.window,
        data_quality_baseline=data_quality.suggest_baseline(credit.baseline[list(credit.features)]),
        model_quality_baseline=drift_grid.review_constraints(suggested, {"accuracy": 0.05, "auc": 0.07}),
        feature=feature, covariate_shift_sd=covariate_shift_sd, concept_shift=0.0, seed=seed,
    )  # fmt: skip
    data_only = grid.cell(data_drift=True, model_drift=False)
    fired = {
        "DataQuality": data_only.data_quality_fired,
        "ModelQuality": data_only.model_quality_fired,
    }
    return {monitoring_type for monitoring_type, f in fired.items() if f}


SOLUTIONS: dict[str, Callable[..., Any]] = {
    "start-mean-shift": start_mean_shift,
    "dq-stuck-mid-range": dq_stuck_mid_range,
    "dq-comparison-threshold": dq_comparison_threshold,
    "mq-crash-margin": mq_crash_margin,
    "mq-offsets": mq_offsets,
    "bias-dpl-sign": bias_dpl_sign,
    "bias-dppl-first-violation": bias_dppl_first_violation,
    "attribution-ndcg-by-hand": attribution_ndcg_by_hand,
    "attribution-largest-drop": attribution_largest_drop,
    "workflow-strict-alarm": workflow_strict_alarm,
    "cloud-daily-schedule": cloud_daily_schedule,
    "exam-data-drift-monitors": exam_data_drift_monitors,
}


def solution_for(exercise_id: str) -> Callable[..., Any]:
    """The solution function of an exercise (KeyError names the exercise)."""
    if exercise_id not in SOLUTIONS:
        raise KeyError(f"no solution for exercise {exercise_id!r}")
    return SOLUTIONS[exercise_id]


def reveal(exercise_id: str, **context: Any) -> Any:
    """Print the worked solution's source and return its answer for these notebook objects."""
    solution = solution_for(exercise_id)
    print(f"Solution to {exercise_id}:\n{inspect.getsource(solution)}")
    return solution(**exercises.get(exercise_id).params, **context)
