"""The driver: ``simulate`` steps hour by hour through traffic, schedules, alarm and response."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit import alarms, capture, events, ground_truth, scenarios, schedule
from labkit.errors import LabkitInputError
from labkit.simulation.cache import SimulationCache
from labkit.simulation.monitors import (
    DATA_QUALITY_SCHEDULE,
    MODEL_QUALITY_SCHEDULE,
    _Deployment,
    _FileLabelledInput,
    _LabelledInput,
    _WindowInput,
    drift_alarm,
)
from labkit.simulation.result import Retrain, SimulationResult, _tables, _write
from labkit.simulation.traffic import DriftSchedule, _capture_hour, _Hour, _score, _traffic

__all__ = ["HOUR", "MIN_TRAINING_ROWS", "SIMULATION_START", "simulate"]

SIMULATION_START = datetime(2024, 5, 1, tzinfo=UTC)
MIN_TRAINING_ROWS = 200  # fewer labelled rows than this: the retraining target declines to train
HOUR = timedelta(hours=1)


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
    cache: SimulationCache | None = None,
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
    cache : a ``SimulationCache`` shared with other calls: work that does not depend on the
        drift (the first model, the requests before they drift, each unchanged column's
        profile) is done once across them. The same numbers with or without it.
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
    cache = SimulationCache() if cache is None else cache
    traffic = _traffic(scenario, drift, hours, requests_per_hour, seeds[hours], set(outage_hours), cache)
    deployment = cache.get(
        ("deployment", id(scenario), seed),
        lambda: (scenario, _Deployment(scenario, scenario.train, scenario.baseline, 1, seed, cache)),
    )[1]
    scored: dict[int, _Hour] = {}
    records: dict[int, list[capture.CaptureRecord]] = {}
    arrivals: dict[int, list[ground_truth.LabelArrival]] = {}
    serving: list[int] = []
    dq_runs: list[schedule.MonitoringExecution] = []
    mq_runs: list[schedule.MonitoringExecution] = []
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
            scored.update(_score(scenario, deployment.model, traffic, h, cache))
        records[h], arrivals[h], window = _capture_hour(
            cache, scored[h], scenario, window_start, requests_per_hour, sampling_percentage, seeds[h],
            label_delay_hours, in_memory=out is None,
        )  # fmt: skip
        if out is not None and records[h]:
            capture.write_capture(records[h], out / "datacapture", endpoint=endpoint, seed=seeds[h])
            ground_truth.write_ground_truth(arrivals[h], out / "groundtruth", seed=seeds[h])
        reports = None if out is None else out / "reports"
        if out is not None:
            dq_input: Any = schedule.EndpointInput(
                tuple(features), capture_root=out / "datacapture", endpoint_name=endpoint
            )
        elif window is not None:
            dq_input = _WindowInput(window, len(records[h]), endpoint)
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
                scored.get(k),
                frozenset(r.inference_id for r in records.get(k, ())),
                landed,
                target,
                endpoint,
            )
        in_memory = out is None and window is not None
        dq = _run(
            cache,
            schedule.MonitoringSchedule(DATA_QUALITY_SCHEDULE, schedule.hourly(), dq_input,
                                        deployment.analyse_inputs, reports, seed=seed),
            T,
            ("data quality run", T, id(window), deployment, seed, endpoint) if in_memory else None,
        )  # fmt: skip
        mq_key = None
        if out is None:  # the same labelled window, model and time: the same execution, kept whole
            mq_key = ("model quality run", T, deployment, seed, label_delay_hours, endpoint, *mq_input.content())
        mq = _run(
            cache,
            schedule.MonitoringSchedule(MODEL_QUALITY_SCHEDULE, schedule.hourly(), mq_input,
                                        deployment.analyse_quality if mq_key is None else deployment.quality,
                                        reports, "ModelQuality",
                                        start_time_offset=f"-PT{label_delay_hours + 1}H",
                                        end_time_offset=f"-PT{label_delay_hours}H", seed=seed + 1),
            T,
            mq_key,
        )  # fmt: skip
        dq_runs.append(dq)
        mq_runs.append(mq)
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
                    cache,
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


def _run(cache: SimulationCache, monitoring: schedule.MonitoringSchedule, at: datetime, key) -> schedule.MonitoringExecution:
    """The execution at ``at``; with a ``key`` (its input, model and time), made once and kept."""
    return monitoring.run(at) if key is None else cache.get(key, lambda: monitoring.run(at))


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)
