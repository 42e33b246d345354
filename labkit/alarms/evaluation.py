"""Evaluating a metric alarm: the documented M-out-of-N rule, period statistics, state history.

Each evaluation looks at the last ``evaluation_range`` periods: with at least N real datapoints
it judges the N most recent; with fewer it fills the gaps per ``TreatMissingData``; the alarm goes
to ``ALARM`` when at least M of the N datapoints breach (CloudWatch User Guide, "Using Amazon
CloudWatch alarms", AlarmThatSendsEmail). ``evaluate_alarm`` steps through periods and keeps the
transition history (``DescribeAlarmHistory``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from labkit import cloudwatch
from labkit.alarms.definition import (
    ALARM,
    COMPARISON_OPERATORS,
    INSUFFICIENT_DATA,
    OK,
    MetricAlarm,
)
from labkit.capture import to_utc

__all__ = [
    "EXTRA_RANGE_DATAPOINTS",
    "INITIAL_REASON",
    "UNDECIDED_MISSING_STATE",
    "AlarmHistory",
    "AlarmStateChange",
    "Evaluation",
    "evaluate_alarm",
    "evaluate_at",
    "evaluate_range",
    "evaluation_range",
    "format_state_timestamp",
    "period_start",
    "period_statistics",
]

INITIAL_REASON = (
    "Unchecked: Initial alarm creation"  # previousState.reason of a new alarm's first event
)
# [U] reference: operations.md §4.2 — the range depends on period and resolution; the User Guide's
# examples retrieve 5 datapoints for N = 3, so the twin retrieves N + 2.
EXTRA_RANGE_DATAPOINTS = 2
# [U] With `missing`, fewer than N real datapoints, all of them breaching but fewer than M, and no
# premature alarm (e.g. `- - - - X` for 3 of 3): the current User Guide says only that such an alarm
# does not go "immediately" to ALARM; its 2018–2019 versions printed INSUFFICIENT_DATA for that
# row, which the twin keeps (labkit.alarms.missing_data.KIT_ROWS). `ignore` keeps the state.
UNDECIDED_MISSING_STATE = INSUFFICIENT_DATA


def evaluation_range(evaluation_periods: int) -> int:
    """How many recent periods one evaluation retrieves. [U] reference: operations.md §4.2."""
    return evaluation_periods + EXTRA_RANGE_DATAPOINTS


# --- the documented evaluation rule --------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one evaluation: the new state (``None``: keep the current one) and why."""

    state: str | None
    rule: str  # "datapoints", "filled", "premature", "insufficient", "real datapoints"
    breaching: int  # breaching datapoints counted (filled ones included)
    evaluated: tuple[float, ...]  # the real datapoints evaluated, oldest first


def evaluate_range(
    values: Sequence[float | None],
    *,
    evaluation_periods: int,
    datapoints_to_alarm: int,
    breaches,
    treat_missing_data: str = "missing",
) -> Evaluation:
    """Apply the User Guide's rule to the retrieved range (oldest first, ``None`` missing).

    * ≥ N real datapoints: the N most recent real ones decide; TreatMissingData is not used.
    * Fewer: ``breaching``/``notBreaching`` fill the gaps as few times as possible (every real
      datapoint is kept); ``missing``/``ignore`` judge the real datapoints: ALARM with ≥ M
      breaching, OK with any non-breaching one, else no decision (``INSUFFICIENT_DATA`` for
      missing, keep the state for ignore), except the premature-alarm rule below.
    """
    n, m = evaluation_periods, datapoints_to_alarm
    real = [
        (len(values) - i, float(v)) for i, v in enumerate(values) if v is not None and not _isnan(v)
    ]  # (age, value), age 1 = newest
    flags = [bool(breaches(v)) for _, v in real]
    if len(real) >= n:
        hits = sum(flags[-n:])
        return Evaluation(
            ALARM if hits >= m else OK, "datapoints", hits, tuple(v for _, v in real[-n:])
        )
    evaluated = tuple(v for _, v in real)
    hits, fills = sum(flags), n - len(real)
    if treat_missing_data in ("breaching", "notBreaching"):
        hits += fills if treat_missing_data == "breaching" else 0
        return Evaluation(ALARM if hits >= m else OK, "filled", hits, evaluated)
    missing = treat_missing_data == "missing"
    if not real:  # documented: every datapoint in the range missing
        return Evaluation(INSUFFICIENT_DATA if missing else None, "insufficient", 0, ())
    if hits >= m:
        return Evaluation(ALARM, "real datapoints", hits, evaluated)
    if not all(flags):
        return Evaluation(OK, "real datapoints", hits, evaluated)
    if _premature(real, m):
        return Evaluation(ALARM if missing else None, "premature", hits, evaluated)
    undecided = UNDECIDED_MISSING_STATE if missing else None
    return Evaluation(undecided, "insufficient", hits, evaluated)


def _premature(real: list[tuple[int, float]], m: int) -> bool:
    """ "Avoiding premature transitions to alarm state": ALARM when the oldest breaching datapoint is
    at least M periods old and every more recent datapoint breaches or is missing.

    [U] reference: operations.md §4.2 — the caller has checked that no real datapoint is
    non-breaching: the documented 2-of-3 row ``0 - X - -`` stays OK although its breaching
    point is old enough.
    """
    return real[0][0] >= m


def _isnan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


# --- datapoints, history ----------------------------------------------------------------------------


def period_statistics(
    alarm: MetricAlarm, data: Iterable[cloudwatch.MetricDatum] | pd.DataFrame
) -> dict[datetime, float]:
    """The alarm's statistic per period start (UTC), from MetricDatum objects or ``metrics_frame``.

    Only data with the alarm's namespace, metric name and exactly its dimensions count (a
    CloudWatch metric is named by its full dimension set). Periods align to multiples of Period.
    """
    sums: dict[datetime, list[float]] = {}
    for timestamp, count, total, low, high in _matching(alarm, data):
        acc = sums.setdefault(
            period_start(timestamp, alarm.period), [0.0, 0.0, math.inf, -math.inf]
        )
        acc[0], acc[1], acc[2], acc[3] = (
            acc[0] + count,
            acc[1] + total,
            min(acc[2], low),
            max(acc[3], high),
        )
    pick = {
        "SampleCount": lambda a: a[0],
        "Sum": lambda a: a[1],
        "Average": lambda a: a[1] / a[0],
        "Minimum": lambda a: a[2],
        "Maximum": lambda a: a[3],
    }
    return {start: float(pick[alarm.statistic](acc)) for start, acc in sorted(sums.items())}


def _matching(
    alarm: MetricAlarm, data: Iterable[cloudwatch.MetricDatum] | pd.DataFrame
) -> Iterable[tuple[Any, float, float, float, float]]:
    """(timestamp, SampleCount, Sum, Minimum, Maximum) of each datum of the alarm's metric."""
    wanted = dict(alarm.dimensions)
    if not isinstance(data, pd.DataFrame):
        for d in data:
            if (
                d.namespace != alarm.namespace
                or d.metric_name != alarm.metric_name
                or dict(d.dimensions) != wanted
            ):
                continue
            if d.value is not None:
                yield d.timestamp, 1.0, float(d.value), float(d.value), float(d.value)
            else:
                s = d.statistic_values
                yield (
                    d.timestamp,
                    s.get("SampleCount", 1.0),
                    s.get("Sum", math.nan),
                    s.get("Minimum", math.nan),
                    s.get("Maximum", math.nan),
                )
        return
    if data.empty or any(name not in data.columns for name in wanted):
        return
    keep = (data["namespace"] == alarm.namespace) & (data["metric_name"] == alarm.metric_name)
    for column in data.columns:
        if column not in ("namespace", "metric_name", "timestamp", "value") and not str(
            column
        ).startswith("stat_"):
            keep &= data[column] == wanted[column] if column in wanted else data[column].isna()
    for row in data[keep].to_dict("records"):
        value = row["value"]
        stats = [
            row.get(f"stat_{k}", math.nan) for k in ("SampleCount", "Sum", "Minimum", "Maximum")
        ]
        stats = [v if not _isnan(v) else d for v, d in zip(stats, (1.0, value, value, value))]
        yield (row["timestamp"], *stats)


def period_start(moment: Any, period: int) -> datetime:
    """The start of the ``period``-second bucket holding ``moment`` (aligned to the epoch, UTC)."""
    t = to_utc(moment)
    epoch = int(t.timestamp())
    return datetime.fromtimestamp(epoch - epoch % period, tz=t.tzinfo)


@dataclass(frozen=True)
class AlarmStateChange:
    """One ``StateUpdate`` in the alarm's history, and the actions it ran."""

    alarm_name: str
    timestamp: datetime
    old_state: str
    new_state: str
    reason: str
    reason_data: dict[str, Any] = field(default_factory=dict, compare=False)
    actions: tuple[str, ...] = ()

    def history_item(self) -> dict[str, Any]:
        """An ``AlarmHistoryItem`` as DescribeAlarmHistory returns it."""
        data = {
            "version": "1.0",
            "oldState": {"stateValue": self.old_state},
            "newState": {
                "stateValue": self.new_state,
                "stateReason": self.reason,
                "stateReasonData": self.reason_data,
            },
        }
        return {
            "AlarmName": self.alarm_name,
            "AlarmType": "MetricAlarm",
            "Timestamp": format_state_timestamp(self.timestamp),
            "HistoryItemType": "StateUpdate",
            "HistorySummary": f"Alarm updated from {self.old_state} to {self.new_state}",
            "HistoryData": json.dumps(data),
        }


def format_state_timestamp(moment: datetime) -> str:
    """CloudWatch's state timestamp spelling, e.g. ``2019-10-02T17:04:40.989+0000``."""
    t = to_utc(moment)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}+0000"


def evaluate_at(
    alarm: MetricAlarm, datapoints: Mapping[datetime, float], at: datetime, state: str
) -> tuple[Evaluation, AlarmStateChange | None]:
    """Evaluate the alarm over the range of periods ending with the one that contains ``at``.

    ``datapoints`` maps period starts to statistics (``period_statistics``). Returns the
    evaluation and the state change it causes (None when the state stays).
    """
    step = timedelta(seconds=alarm.period)
    last = period_start(at, alarm.period)
    size = evaluation_range(alarm.evaluation_periods)
    periods = [last - step * k for k in range(size - 1, -1, -1)]
    values = [datapoints.get(p) for p in periods]
    result = evaluate_range(
        values,
        evaluation_periods=alarm.evaluation_periods,
        datapoints_to_alarm=alarm.m,
        breaches=alarm.breaches,
        treat_missing_data=alarm.treat_missing_data,
    )
    if result.state is None or result.state == state:
        return result, None
    reason_data = {
        "version": "1.0",
        "queryDate": format_state_timestamp(at),
        "startDate": format_state_timestamp(periods[0]),
        "statistic": alarm.statistic,
        "period": alarm.period,
        "recentDatapoints": list(result.evaluated),
        "threshold": float(alarm.threshold),
    }
    actions = {
        ALARM: alarm.alarm_actions,
        OK: alarm.ok_actions,
        INSUFFICIENT_DATA: alarm.insufficient_data_actions,
    }[result.state]
    change = AlarmStateChange(
        alarm.alarm_name,
        to_utc(at),
        state,
        result.state,
        _reason(alarm, result, state, periods, values),
        reason_data,
        actions if alarm.actions_enabled else (),
    )
    return result, change


def _reason(
    alarm: MetricAlarm,
    result: Evaluation,
    old: str,
    periods: list[datetime],
    values: list[float | None],
) -> str:
    """The state reason, worded as CloudWatch's (User Guide event examples)."""
    if result.state == INSUFFICIENT_DATA:
        return f"Insufficient Data: {len(result.evaluated)} datapoint(s) in the last {len(values)} periods; missing data is treated as missing."
    real = [(p, v) for p, v in zip(periods, values) if v is not None][::-1][
        : alarm.evaluation_periods
    ]
    listed = ", ".join(f"{v!r} ({p:%d/%m/%y %H:%M:%S})" for p, v in real)
    count = (
        result.breaching if result.state == ALARM else alarm.evaluation_periods - result.breaching
    )
    verb = ("was" if count == 1 else "were") + ("" if result.state == ALARM else " not")
    phrase = COMPARISON_OPERATORS[alarm.comparison_operator][1]
    plural = "" if alarm.m == 1 else "s"
    return (
        f"Threshold Crossed: {count} out of the last {alarm.evaluation_periods} datapoints [{listed}] {verb} {phrase} "
        f"the threshold ({float(alarm.threshold)!r}) (minimum {alarm.m} datapoint{plural} for {old} -> {result.state} transition)."
    )


@dataclass(frozen=True, eq=False)
class AlarmHistory:
    """The alarm's state at each evaluation and its transitions, oldest first."""

    alarm: MetricAlarm
    created_at: datetime
    states: tuple[tuple[datetime, str], ...]
    changes: tuple[AlarmStateChange, ...]
    datapoints: dict[datetime, float]

    def to_frame(self) -> pd.DataFrame:
        """One row per evaluation: period, datapoint (NaN = missing), breaching, state."""
        rows = [
            {"period": t, "value": self.datapoints.get(t, math.nan), "state": s}
            for t, s in self.states
        ]
        frame = pd.DataFrame(rows, columns=["period", "value", "state"])
        frame.insert(
            2,
            "breaching",
            [bool(not math.isnan(v) and self.alarm.breaches(v)) for v in frame["value"]],
        )
        return frame

    def first_time_in(self, state: str) -> datetime | None:
        """When the alarm first changed to ``state`` (None if it never did)."""
        return next((c.timestamp for c in self.changes if c.new_state == state), None)

    def describe_alarm_history(self) -> dict[str, Any]:
        """The DescribeAlarmHistory response (HistoryItemType StateUpdate), newest first."""
        return {"AlarmHistoryItems": [c.history_item() for c in reversed(self.changes)]}


def evaluate_alarm(
    alarm: MetricAlarm,
    data: Iterable[cloudwatch.MetricDatum] | pd.DataFrame,
    *,
    start: datetime,
    end: datetime,
    initial_state: str = INSUFFICIENT_DATA,
) -> AlarmHistory:
    """Evaluate once per period for the periods in ``[start, end)``, as a new alarm created at ``start``."""
    datapoints = period_statistics(alarm, data)
    start, end = to_utc(start), to_utc(end)
    state, states, changes = initial_state, [], []
    t = start
    while t < end:
        _, change = evaluate_at(alarm, datapoints, t, state)
        if change is not None:
            changes.append(change)
            state = change.new_state
        states.append((period_start(t, alarm.period), state))
        t += timedelta(seconds=alarm.period)
    return AlarmHistory(alarm, start, tuple(states), tuple(changes), datapoints)
