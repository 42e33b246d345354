"""CloudWatch alarms on the simulated clock: the kit's alarm twin evaluates them, moto keeps the state.

moto stores the alarms a learner creates with ``PutMetricAlarm`` but never evaluates them. As the
local clock passes each alarm's period boundaries, ``Alarms`` reads the alarm's metric from the
local CloudWatch (``GetMetricStatistics``), applies ``labkit.alarms.evaluate_at`` (the User
Guide's M-out-of-N rule with ``TreatMissingData``) and records a change with ``SetAlarmState``,
so ``DescribeAlarms`` and ``DescribeAlarmHistory`` read as on AWS. A new alarm starts in
``INSUFFICIENT_DATA`` [C: User Guide]. Alarms the twin cannot evaluate (metric math, anomaly
detection) are left as they are, with a state reason saying so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

__all__ = ["Alarms"]

NOT_EVALUATED = "labkit.local evaluates alarms on one metric with a static threshold only"


class Alarms:
    """Evaluates the local CloudWatch's metric alarms at their period boundaries."""

    def __init__(self, clients: Callable[[str], Any], clock: Callable[[], datetime],
                 any_stored: Callable[[], bool] = lambda: True) -> None:  # fmt: skip
        """``any_stored()`` says whether the local CloudWatch holds any alarm at all (read from
        moto's backend without a request); when it holds none, ``refresh`` has nothing to ask."""
        self.clients, self.clock, self.any_stored = clients, clock, any_stored
        self.states: dict[str, str] = {}  # alarm name → the twin's state
        self.next_ticks: dict[str, datetime] = {}  # alarm name → its next evaluation
        self.alarms: dict[str, Any] = {}  # alarm name → labkit.alarms.MetricAlarm
        self.history: list[Any] = []  # every labkit.alarms.AlarmStateChange, oldest first
        self._refreshing = False

    def handlers(self) -> dict[tuple[str, str], Callable[[dict], dict | None]]:
        return {("cloudwatch", "DescribeAlarmHistory"): self.describe_history,
                ("cloudwatch", "DescribeAlarms"): self.describe}  # fmt: skip

    def describe(self, params: dict) -> dict | None:
        """DescribeAlarms: moto's answer, once new alarms are taken in, so an alarm read right
        after PutMetricAlarm is in INSUFFICIENT_DATA as on AWS (moto alone starts it in OK)."""
        if self._refreshing:
            return None  # the twin's own look goes straight to moto
        self.refresh()
        self._refreshing = True
        try:
            answer = self.clients("cloudwatch").describe_alarms(**params)
        finally:
            self._refreshing = False
        answer.pop("ResponseMetadata", None)
        return answer

    def describe_history(self, params: dict) -> dict:
        """DescribeAlarmHistory (moto lacks it): the state updates the twin made, newest first."""
        from labkit.local.resources import page

        items = []
        for change in self.history:
            if params.get("AlarmName") not in (None, change.alarm_name):
                continue
            if params.get("HistoryItemType") not in (None, "StateUpdate"):
                continue
            item = change.history_item()
            item["Timestamp"] = change.timestamp
            items.append(dict(item, CreationTime=change.timestamp, Name=change.alarm_name))
        answer = page(items, {"MaxResults": params.get("MaxRecords") or 100, "NextToken": params.get("NextToken"),
                              "SortOrder": "Ascending" if params.get("ScanBy") == "TimestampAscending" else "Descending",
                              "CreationTimeAfter": params.get("StartDate"), "CreationTimeBefore": params.get("EndDate")},
                      result_key="AlarmHistoryItems", name_key="Name", sort_keys={"CreationTime": "CreationTime"})  # fmt: skip
        for item in answer["AlarmHistoryItems"]:
            del item["CreationTime"], item["Name"]
        return answer

    def refresh(self) -> None:
        """Take in alarms created (or changed) since the last look."""
        from labkit.alarms import INITIAL_REASON, INSUFFICIENT_DATA, MetricAlarm, period_start
        from labkit.errors import LabkitInputError

        found = {}
        pages = []
        if self.any_stored():  # every advance (and every SDK wait) refreshes: ask only when there is something
            cloudwatch = self.clients("cloudwatch")
            self._refreshing = True  # its own DescribeAlarms calls go straight to moto
            try:
                pages = list(cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]))
            finally:
                self._refreshing = False
        for page in pages:
            for described in page["MetricAlarms"]:
                name = described["AlarmName"]
                try:
                    found[name] = MetricAlarm.from_dict(described)
                except LabkitInputError:
                    if described.get("StateReason") != NOT_EVALUATED:
                        cloudwatch.set_alarm_state(AlarmName=name, StateValue=described["StateValue"], StateReason=NOT_EVALUATED)
                    continue
                if name not in self.states:
                    self.states[name] = INSUFFICIENT_DATA
                    cloudwatch.set_alarm_state(AlarmName=name, StateValue=INSUFFICIENT_DATA, StateReason=INITIAL_REASON)
                if name not in self.next_ticks or self.alarms[name] != found[name]:
                    period = timedelta(seconds=found[name].period)
                    self.next_ticks[name] = period_start(self.clock(), found[name].period) + period
        self.alarms = found
        for name in set(self.next_ticks) - set(found):
            del self.next_ticks[name]

    def next_event(self) -> datetime | None:
        return min(self.next_ticks.values(), default=None)

    def evaluate_due(self) -> None:
        """Evaluate every alarm whose period boundary has come, in time order."""
        now = self.clock()
        for name in sorted(self.next_ticks, key=lambda n: (self.next_ticks[n], n)):
            while self.next_ticks[name] <= now:
                self._evaluate(name, self.next_ticks[name])
                self.next_ticks[name] += timedelta(seconds=self.alarms[name].period)

    def _evaluate(self, name: str, at: datetime) -> None:
        from labkit.alarms import evaluate_at, evaluation_range, period_statistics

        alarm = self.alarms[name]
        step = timedelta(seconds=alarm.period)
        start = at - step * evaluation_range(alarm.evaluation_periods)
        datapoints = period_statistics(alarm, self._data(alarm, start, at + step))
        _, change = evaluate_at(alarm, datapoints, at, self.states[name])
        if change is not None:
            self.history.append(change)
            self.states[name] = change.new_state
            self.clients("cloudwatch").set_alarm_state(
                AlarmName=name, StateValue=change.new_state, StateReason=change.reason,
                StateReasonData=json.dumps(change.reason_data),
            )  # fmt: skip

    def _data(self, alarm: Any, start: datetime, end: datetime) -> list[Any]:
        """The alarm's metric per period between ``start`` and ``end``, as MetricDatum sums."""
        from labkit.cloudwatch import MetricDatum

        answer = self.clients("cloudwatch").get_metric_statistics(
            Namespace=alarm.namespace, MetricName=alarm.metric_name,
            Dimensions=[{"Name": n, "Value": v} for n, v in alarm.dimensions],
            StartTime=start, EndTime=end, Period=alarm.period,
            Statistics=["SampleCount", "Sum", "Minimum", "Maximum"],
        )  # fmt: skip
        return [
            MetricDatum(alarm.namespace, alarm.metric_name, alarm.dimensions, point["Timestamp"],
                        statistic_values={k: point[k] for k in ("SampleCount", "Sum", "Minimum", "Maximum")})
            for point in answer["Datapoints"]
        ]  # fmt: skip
