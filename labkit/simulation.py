"""The monitoring workflow end to end, hour by hour: traffic, capture, schedules, alarm, response.

``simulate`` runs N days of hourly traffic to a scenario's endpoint. Drift starts at a chosen hour
and grows suddenly, gradually or periodically (``DriftSchedule``). Every hour the endpoint
captures its requests; on the hour an hourly data-quality schedule analyses the previous hour,
and a model-quality schedule analyses the newest hour whose ground truth has landed
(``StartTimeOffset``/``EndTimeOffset``). The data-quality execution's drift metric feeds a
CloudWatch alarm; a change to ``ALARM`` becomes a "CloudWatch Alarm State Change" event, and an
EventBridge rule's target retrains the model on recent labelled data, re-baselines both monitors
and swaps the model: the automated response the Well-Architected Machine Learning Lens asks for
(MLPERF06-BP05, "Establish an automated re-training framework").

Everything is seeded: the same arguments give the same ``SimulationResult``, timeline included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit import (
    alarms,
    capture,
    cloudwatch,
    data_quality,
    drift_grid,
    events,
    ground_truth,
    model_quality,
    scenarios,
    schedule,
)
from labkit.data_quality.metrics import FEATURE_DIMENSION
from labkit.errors import LabkitInputError

__all__ = [
    "SHAPES",
    "SIMULATION_START",
    "DriftSchedule",
    "Retrain",
    "SimulationResult",
    "drift_alarm",
    "reevaluate",
    "simulate",
]

SHAPES = ("sudden", "gradual", "periodic")
SIMULATION_START = datetime(2024, 5, 1, tzinfo=UTC)
DATA_QUALITY_SCHEDULE = "data-quality-hourly"
MODEL_QUALITY_SCHEDULE = "model-quality-hourly"
ON_CALL_TOPIC = f"arn:aws:sns:{events.DEFAULT_REGION}:{events.DEFAULT_ACCOUNT}:ml-on-call"  # the alarm's SNS action
ACCURACY_MARGIN = 0.05  # the model-quality constraint alerts 5 accuracy points under the baseline
MIN_TRAINING_ROWS = 200  # fewer labelled rows than this: the retraining target declines to train
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class DriftSchedule:
    """When drift starts and how it grows; ``magnitude(hour)`` is 0 (none) to 1 (full).

    At full magnitude ``feature`` moves by ``shift_sd`` standard deviations (covariate drift,
    seen by data quality) and the label rule moves by ``concept_shift`` (concept drift, seen by
    model quality once labels land). ``gradual`` ramps over ``ramp_hours``; ``periodic`` is on
    for the first half of every ``period_hours`` (a recurring population, e.g. night traffic).
    """

    onset_hour: int
    shape: str = "sudden"
    feature: str = "debt_to_income"
    shift_sd: float = 2.0
    concept_shift: float = 0.8
    ramp_hours: int = 24
    period_hours: int = 24

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise LabkitInputError(f"drift shape {self.shape!r} is not one of {', '.join(SHAPES)}")
        if self.onset_hour < 0 or self.ramp_hours < 1 or self.period_hours < 2:
            raise LabkitInputError("onset_hour must be >= 0, ramp_hours >= 1 and period_hours >= 2")

    def magnitude(self, hour: int) -> float:
        since = hour - self.onset_hour
        if since < 0:
            return 0.0
        if self.shape == "gradual":
            return min(1.0, (since + 1) / self.ramp_hours)
        if self.shape == "periodic":
            return 1.0 if since % self.period_hours < self.period_hours / 2 else 0.0
        return 1.0


@dataclass(frozen=True)
class Retrain:
    """One run of the retraining target: when, why (the event), on which data, which version."""

    time: datetime
    event_id: str
    model_version: int
    training_rows: int
    data_start: datetime
    data_end: datetime


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What the simulation produced. ``timeline`` has one row per hour of traffic."""

    drift: DriftSchedule
    start: datetime
    hours: int
    timeline: pd.DataFrame
    distances: pd.DataFrame
    metrics: pd.DataFrame
    executions: tuple[schedule.MonitoringExecution, ...]
    model_quality_executions: tuple[schedule.MonitoringExecution, ...]
    alarm: alarms.MetricAlarm
    alarm_history: alarms.AlarmHistory
    events: tuple[dict[str, Any], ...]
    retrains: tuple[Retrain, ...]
    output_dir: Path | None = field(default=None)

    def first_page(self) -> datetime | None:
        """When the alarm first changed to ALARM: the time the on-call engineer was paged."""
        return self.alarm_history.first_time_in(alarms.ALARM)


def drift_alarm(
    feature: str,
    *,
    threshold: float = 0.1,
    evaluation_periods: int = 3,
    datapoints_to_alarm: int = 2,
    treat_missing_data: str = "missing",
    endpoint: str = "credit-endpoint",
    schedule_name: str = DATA_QUALITY_SCHEDULE,
) -> alarms.MetricAlarm:
    """An hourly alarm on ``feature_baseline_drift_<feature>`` that notifies the on-call SNS topic.

    Period 3,600 s: Model Monitor publishes one datapoint per execution, so a skipped hour is a
    missing datapoint. [U] reference: operations.md §4.2.
    """
    dims = cloudwatch.dimensions(
        endpoint=endpoint, schedule=schedule_name, **{FEATURE_DIMENSION: feature}
    )
    return alarms.MetricAlarm(
        f"{endpoint}-{feature}-drift",
        f"feature_baseline_drift_{feature}",
        cloudwatch.namespace("DataQuality"),
        dims,
        3600,
        evaluation_periods,
        "GreaterThanThreshold",
        threshold,
        datapoints_to_alarm,
        treat_missing_data,
        "Maximum",
        f"Drift in {feature} above {threshold} in {datapoints_to_alarm} of {evaluation_periods} hourly executions",
        (ON_CALL_TOPIC,),
    )


@dataclass(frozen=True, eq=False)
class _LabelledInput:
    """In memory: the window's captured predictions that have a landed label (the merge's result)."""

    scored: pd.DataFrame  # the window's requests: inference_id, prediction, probability, target
    captured: frozenset[str]  # inference ids that were captured
    labelled: frozenset[str]  # inference ids whose label has landed
    target: str
    endpoint_name: str

    def read_window(self, start: datetime, end: datetime) -> schedule.WindowData:
        ids = self.scored["inference_id"].tolist() if len(self.scored) else []
        keep = self.captured & self.labelled
        mask = np.fromiter((i in keep for i in ids), dtype=bool, count=len(ids))
        if not mask.any():
            return schedule.WindowData(pd.DataFrame(), sum(i in self.captured for i in ids))
        frame = (
            self.scored.loc[mask, ["prediction", "probability", self.target]]
            .rename(columns={self.target: "label"})
            .reset_index(drop=True)
        )
        return schedule.WindowData(frame, sum(i in self.captured for i in ids))


@dataclass(frozen=True)
class _FileLabelledInput:
    """From files: the window's capture merged with the ground truth collected since the window began."""

    capture_root: Path
    ground_truth_root: Path
    labels_until: datetime
    endpoint_name: str

    def read_window(self, start: datetime, end: datetime) -> schedule.WindowData:
        path = self.capture_root / self.endpoint_name
        records = capture.read_capture(path, start=start, end=end).records if path.is_dir() else []
        if not records or not self.ground_truth_root.is_dir():
            return schedule.WindowData(pd.DataFrame(), len(records))
        labels = ground_truth.read_ground_truth(
            self.ground_truth_root, start=start, end=self.labels_until
        ).records
        merged = model_quality.merge_ground_truth(
            records, labels, inference_attribute=0, probability_attribute=1
        )
        return schedule.WindowData(
            merged.frame[["prediction", "probability", "label"]], len(records)
        )


class _Deployment:
    """What the endpoint serves and what its monitors compare with: model, baselines, version."""

    def __init__(
        self,
        scenario: scenarios.Scenario,
        train: pd.DataFrame,
        baseline: pd.DataFrame,
        version: int,
        seed: int,
    ) -> None:
        features = list(scenario.features)
        self.version = version
        self.model = scenarios.train_model(scenario, data=train)
        self.data_quality = data_quality.suggest_baseline(baseline[features])
        scored = drift_grid.score_window(scenario, self.model, baseline)
        suggested = model_quality.suggest_baseline(
            scored,
            problem_type=scenario.problem_type,
            label=scenario.target,
            prediction="prediction",
            probability="probability",
            seed=seed,
        )
        self.model_quality = drift_grid.review_constraints(suggested, {"accuracy": ACCURACY_MARGIN})

    def analyse_inputs(self, frame: pd.DataFrame) -> data_quality.MonitoringReport:
        return data_quality.monitor(frame, self.data_quality)

    def analyse_quality(self, frame: pd.DataFrame) -> model_quality.MonitoringReport:
        return model_quality.monitor(
            frame,
            self.model_quality,
            label="label",
            prediction="prediction",
            probability="probability",
        )


@dataclass(frozen=True)
class _RetrainRequest:
    """A retraining pipeline started by the rule's target, waiting for its labelled data."""

    event_id: str
    first_hour: int
    last_hour: int
    ready_at: datetime


def simulate(
    scenario: str | scenarios.Scenario = "credit",
    *,
    drift: DriftSchedule,
    days: int = 7,
    requests_per_hour: int = 100,
    sampling_percentage: float = 100,
    alarm: alarms.MetricAlarm | None = None,
    retrain: bool = True,
    retrain_hours: int = 12,
    label_delay_hours: int = 2,
    outage_hours: Sequence[int] = (),
    output_dir: str | Path | None = None,
    merge_files: bool = False,
    seed: int = 0,
    progress: bool = False,
) -> SimulationResult:
    """Run ``days`` × 24 hours of the monitoring workflow and return the timeline.

    Parameters
    ----------
    scenario : a binary scenario (``"credit"``) or its ``Scenario``.
    drift : when and how the traffic drifts.
    alarm : the CloudWatch alarm; default ``drift_alarm(drift.feature)``.
    retrain : whether the EventBridge rule's target starts a retraining pipeline. The pipeline
        trains on the ``retrain_hours`` hours of traffic from the alarm on, once their labels have
        landed (``label_delay_hours`` after each request), then re-baselines and swaps the model.
    outage_hours : hours without traffic: their executions fail and leave a missing datapoint.
    output_dir : write capture, ground truth, reports and the alarm history there (S3 layout);
        the data-quality schedule then reads the capture files. None keeps everything in memory
        (the same numbers, faster).
    merge_files : with ``output_dir``, the model-quality schedule also reads capture and ground
        truth from the files and merges them (``model_quality.merge_ground_truth``), as the
        service does; slower, so off by default (the same numbers either way).
    progress : show a tqdm progress bar.
    """
    from tqdm.auto import tqdm

    scenario = (
        scenarios.load_scenario(scenario, seed=seed) if isinstance(scenario, str) else scenario
    )
    if scenario.problem_type != "BinaryClassification":
        raise LabkitInputError(
            f"the workflow simulation needs a binary scenario; {scenario.name!r} is {scenario.problem_type}"
        )
    if days < 1 or requests_per_hour < 1 or label_delay_hours < 0 or retrain_hours < 1:
        raise LabkitInputError(
            "days, requests_per_hour and retrain_hours must be >= 1, label_delay_hours >= 0"
        )
    features, hours, target = list(scenario.features), days * 24, scenario.target
    endpoint = f"{scenario.name}-endpoint"
    alarm = alarm or drift_alarm(drift.feature, endpoint=endpoint)
    out = None if output_dir is None else Path(output_dir)
    seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(hours + 2)]
    traffic = _traffic(scenario, drift, hours, requests_per_hour, seeds[hours], set(outage_hours))
    deployment = _Deployment(scenario, scenario.train, scenario.baseline, 1, seed)
    scored: dict[int, pd.DataFrame] = {}
    records: dict[int, list[capture.CaptureRecord]] = {}
    arrivals: dict[int, list[ground_truth.LabelArrival]] = {}
    serving: list[int] = []
    dq_runs: list[schedule.MonitoringExecution] = []
    mq_runs: list[schedule.MonitoringExecution] = []
    metrics: list[cloudwatch.MetricDatum] = []
    changes: list[alarms.AlarmStateChange] = []
    states: list[tuple[datetime, str]] = []
    sent: list[dict[str, Any]] = []
    retrains: list[Retrain] = []
    datapoints: dict[datetime, float] = {}
    state, pending = alarms.INSUFFICIENT_DATA, None

    def start_retraining(event: dict[str, Any]) -> _RetrainRequest | None:
        if pending is not None:  # a pipeline is already running
            return None
        newest = int((_parse_time(event["time"]) - SIMULATION_START) / HOUR) - 1
        last = newest + retrain_hours - 1
        return _RetrainRequest(
            event["id"], newest, last, SIMULATION_START + HOUR * (last + 1 + label_delay_hours)
        )

    rule = events.EventRule(
        "retrain-on-drift-alarm",
        events.alarm_state_pattern([alarm.alarm_name], ["ALARM"]),
        (start_retraining,) if retrain else (),
    )
    if out is not None:
        deployment.data_quality.to_json(out / "baselines" / "model-v1")
    for h in tqdm(range(hours), disable=not progress, desc="simulated hours", unit="h"):
        window_start, T = SIMULATION_START + HOUR * h, SIMULATION_START + HOUR * (h + 1)
        serving.append(deployment.version)
        if h not in scored:  # score every remaining hour with the serving model in one call
            scored.update(_score(scenario, deployment.model, traffic, h))
        frame = scored[h]
        records[h] = _capture(
            frame, features, window_start, requests_per_hour, sampling_percentage, seeds[h]
        )
        truth = dict(zip(frame["inference_id"], frame[target]))
        arrivals[h] = ground_truth.label_requests(
            records[h],
            [truth[r.inference_id] for r in records[h]],
            seed=seeds[h],
            delay_hours=label_delay_hours,
        )
        if out is not None and records[h]:
            capture.write_capture(records[h], out / "datacapture", endpoint=endpoint, seed=seeds[h])
            ground_truth.write_ground_truth(arrivals[h], out / "groundtruth", seed=seeds[h])
        reports = None if out is None else out / "reports"
        if out is not None:
            dq_input: Any = schedule.EndpointInput(
                tuple(features), capture_root=out / "datacapture", endpoint_name=endpoint
            )
        else:
            dq_input = schedule.RecordsInput(
                tuple(features), records=tuple(records[h]), endpoint_name=endpoint
            )
        if out is not None and merge_files:
            mq_input: Any = _FileLabelledInput(
                out / "datacapture", out / "groundtruth", T, endpoint
            )
        else:  # the window's scored requests that were captured and whose label has landed
            k = h - label_delay_hours
            landed = frozenset(
                a.record.event_id for a in arrivals.get(k, ()) if a.collected_at <= T
            )
            mq_input = _LabelledInput(
                scored.get(k, frame.iloc[:0]),
                frozenset(r.inference_id for r in records.get(k, ())),
                landed,
                target,
                endpoint,
            )
        dq = schedule.MonitoringSchedule(
            DATA_QUALITY_SCHEDULE,
            schedule.hourly(),
            dq_input,
            deployment.analyse_inputs,
            reports,
            seed=seed,
        ).run(T)
        mq = schedule.MonitoringSchedule(
            MODEL_QUALITY_SCHEDULE,
            schedule.hourly(),
            mq_input,
            deployment.analyse_quality,
            reports,
            "ModelQuality",
            start_time_offset=f"-PT{label_delay_hours + 1}H",
            end_time_offset=f"-PT{label_delay_hours}H",
            seed=seed + 1,
        ).run(T)
        dq_runs.append(dq)
        mq_runs.append(mq)
        metrics.extend(dq.metrics + mq.metrics)
        datapoints.update(alarms.period_statistics(alarm, dq.metrics))
        _, change = alarms.evaluate_at(alarm, datapoints, dq.start_time, state)
        if change is not None:
            event = events.alarm_state_change_event(
                alarm, change, changes[-1] if changes else None, created_at=SIMULATION_START
            )
            sent.append(event)
            changes.append(change)
            state = change.new_state
            pending = next((r for r in rule.dispatch(event) if r is not None), pending)
        states.append((alarms.period_start(T, alarm.period), state))
        if pending is not None and T >= pending.ready_at:
            window = [
                traffic[k]
                for k in range(pending.first_hour, pending.last_hour + 1)
                if k < hours and len(traffic[k])
            ]
            recent = pd.concat(window, ignore_index=True) if window else traffic[0].iloc[:0]
            if len(recent) >= MIN_TRAINING_ROWS and recent[target].nunique() == 2:
                order = np.random.default_rng(seeds[hours + 1] + h).permutation(len(recent))
                cut = (2 * len(recent)) // 3
                deployment = _Deployment(
                    scenario,
                    recent.iloc[order[:cut]],
                    recent.iloc[order[cut:]],
                    deployment.version + 1,
                    seed,
                )
                scored = {k: v for k, v in scored.items() if k <= h}
                retrains.append(
                    Retrain(
                        T,
                        pending.event_id,
                        deployment.version,
                        cut,
                        SIMULATION_START + HOUR * pending.first_hour,
                        SIMULATION_START + HOUR * (pending.last_hour + 1),
                    )
                )
                if out is not None:
                    deployment.data_quality.to_json(
                        out / "baselines" / f"model-v{deployment.version}"
                    )
            pending = None
    history = alarms.AlarmHistory(
        alarm, SIMULATION_START, tuple(states), tuple(changes), datapoints
    )
    timeline, distances = _tables(
        traffic, records, dq_runs, mq_runs, serving, history, retrains, drift, alarm
    )
    result = SimulationResult(
        drift,
        SIMULATION_START,
        hours,
        timeline,
        distances,
        cloudwatch.metrics_frame(metrics),
        tuple(dq_runs),
        tuple(mq_runs),
        alarm,
        history,
        tuple(sent),
        tuple(retrains),
        out,
    )
    if out is not None:
        _write(result, out)
    return result


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _traffic(
    scenario: scenarios.Scenario,
    drift: DriftSchedule,
    hours: int,
    n: int,
    seed: int,
    outage: set[int],
) -> list[pd.DataFrame]:
    """Every hour's requests, drawn at once; hours with the same drift magnitude drift together."""
    frame = scenarios.draw_window(scenario.name, hours * n, seed=seed)
    frame["inference_id"] = [
        f"{scenario.name}-{h:04d}-{i:04d}" for h in range(hours) for i in range(n)
    ]
    hour = np.repeat(np.arange(hours), n)
    magnitude = np.array([drift.magnitude(h) for h in range(hours)])[hour]
    for k, m in enumerate(sorted(set(magnitude) - {0.0})):
        rows = magnitude == m
        frame = drift_grid.inject_drift(
            scenario,
            frame,
            feature=drift.feature,
            covariate_shift_sd=m * drift.shift_sd,
            concept_shift=m * drift.concept_shift,
            rows=rows,
            seed=seed + 1 + k,
        )
    return [
        frame.iloc[:0] if h in outage else frame.iloc[h * n : (h + 1) * n].reset_index(drop=True)
        for h in range(hours)
    ]


def _score(
    scenario: scenarios.Scenario, model: Any, traffic: list[pd.DataFrame], first: int
) -> dict[int, pd.DataFrame]:
    """Score hours ``first`` onwards with ``model`` in one call (sklearn's overhead is per call)."""
    sizes = [len(traffic[h]) for h in range(first, len(traffic))]
    if not sum(sizes):
        empty = traffic[first].assign(
            probability=pd.Series(dtype=float), prediction=pd.Series(dtype="int64")
        )
        return {first + i: empty for i in range(len(sizes))}
    scored = drift_grid.score_window(scenario, model, pd.concat(traffic[first:], ignore_index=True))
    bounds = np.cumsum([0, *sizes])
    return {
        first + i: scored.iloc[bounds[i] : bounds[i + 1]].reset_index(drop=True)
        for i in range(len(sizes))
    }


def _capture(
    frame: pd.DataFrame,
    features: list[str],
    start: datetime,
    n: int,
    sampling_percentage: float,
    seed: int,
) -> list[capture.CaptureRecord]:
    if not len(frame):
        return []
    times = [start + timedelta(seconds=int(i * 3600 / n)) for i in range(len(frame))]
    return capture.capture_requests(
        frame[features],
        frame[["prediction", "probability"]],
        times=times,
        inference_ids=frame["inference_id"].tolist(),
        sampling_percentage=sampling_percentage,
        seed=seed,
    )


def _tables(
    traffic, records, dq_runs, mq_runs, serving, history, retrains, drift, alarm
) -> tuple[pd.DataFrame, pd.DataFrame]:
    retrained_at = {r.time.replace(minute=0, second=0) for r in retrains}
    paged_at = {
        c.timestamp.replace(minute=0, second=0)
        for c in history.changes
        if c.new_state == alarms.ALARM
    }
    feature = dict(alarm.dimensions).get(FEATURE_DIMENSION)
    quality = {
        run.window_start: run for run in mq_runs
    }  # the model-quality run that scored each hour (d hours later)
    rows, distance_rows = [], []
    for h, (dq, state) in enumerate(zip(dq_runs, (s for _, s in history.states))):
        distances = dq.report.distances if dq.report is not None else {}
        rows.append(
            {
                "hour": h,
                "window_start": dq.window_start,
                "scheduled_time": dq.scheduled_time,
                "execution_start": dq.start_time,
                "requests": len(traffic[h]),
                "captured": len(records[h]),
                "drift_magnitude": drift.magnitude(h),
                "data_quality_status": dq.status.value,
                "alarm_metric": distances.get(feature, np.nan),
                "accuracy": _accuracy(quality.get(dq.window_start)),
                "model_quality_status": _status(quality.get(dq.window_start)),
                "alarm_state": state,
                "paged": dq.scheduled_time in paged_at,
                "retrained": dq.scheduled_time in retrained_at,
                "model_version": serving[h],
            }
        )
        distance_rows += [
            {"hour": h, "scheduled_time": dq.scheduled_time, "feature": f, "distance": d}
            for f, d in distances.items()
        ]
    return pd.DataFrame(rows), pd.DataFrame(
        distance_rows, columns=["hour", "scheduled_time", "feature", "distance"]
    )


def _accuracy(run: schedule.MonitoringExecution | None) -> float:
    if run is None or run.report is None:
        return np.nan
    return run.report.statistics.scalar_metrics().get("accuracy", np.nan)


def _status(run: schedule.MonitoringExecution | None) -> str | None:
    """The status of the execution that analysed the hour; None if none ran before the end."""
    return None if run is None else run.status.value


def _write(result: SimulationResult, out: Path) -> None:
    from labkit.jsonfiles import write_json

    write_json(result.alarm_history.describe_alarm_history(), out / "alarm_history.json")
    write_json(list(result.events), out / "events.json")
    write_json(result.alarm.to_dict(), out / "alarm.json")
    result.timeline.to_csv(out / "timeline.csv", index=False, lineterminator="\n")


def reevaluate(result: SimulationResult, alarm: alarms.MetricAlarm) -> alarms.AlarmHistory:
    """Evaluate another alarm on the metrics the simulation published, at the same moments (each
    data-quality execution's start), without simulating again.

    Exact for a simulation run with ``retrain=False``; with retraining, the traffic itself
    depended on the original alarm.
    """
    datapoints = alarms.period_statistics(alarm, result.metrics)
    state, states, changes = alarms.INSUFFICIENT_DATA, [], []
    for run in result.executions:
        _, change = alarms.evaluate_at(alarm, datapoints, run.start_time, state)
        if change is not None:
            changes.append(change)
            state = change.new_state
        states.append((alarms.period_start(run.scheduled_time, alarm.period), state))
    return alarms.AlarmHistory(alarm, result.start, tuple(states), tuple(changes), datapoints)
