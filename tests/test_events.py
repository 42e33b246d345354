"""EventBridge twin: the alarm state-change event's shape, pattern matching, rules and targets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from labkit import alarms, cloudwatch, events
from labkit.errors import LabkitInputError

# The User Guide's single-metric example event (cloudwatch-and-eventbridge), trimmed to its keys.
DOC_EVENT_KEYS = [
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
]
DOC_DETAIL_KEYS = ["alarmName", "configuration", "previousState", "state"]
DOC_STATE_KEYS = ["reason", "reasonData", "timestamp", "value"]
START = datetime(2024, 5, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def history() -> alarms.AlarmHistory:
    alarm = alarms.MetricAlarm("credit-drift", "feature_baseline_drift_income", "aws/sagemaker/Endpoints/data-metrics",
                               cloudwatch.dimensions(endpoint="ep", schedule="s", Feature="income"), 3600, 3, "GreaterThanThreshold", 0.1, 2,
                               alarm_description="drift in income")  # fmt: skip
    data = [cloudwatch.MetricDatum(alarm.namespace, alarm.metric_name, alarm.dimensions, START + timedelta(hours=h), value=v)
            for h, v in enumerate([0.0, 0.0, 0.3, 0.4, 0.0, 0.0, 0.0])]  # fmt: skip
    return alarms.evaluate_alarm(alarm, data, start=START, end=START + timedelta(hours=7))


def test_event_has_the_documented_shape(history):
    sent = events.state_change_events(history)
    assert [e["detail"]["state"]["value"] for e in sent] == ["OK", "ALARM", "OK"]
    event = sent[1]
    assert list(event) == DOC_EVENT_KEYS and list(event["detail"]) == DOC_DETAIL_KEYS
    assert (
        list(event["detail"]["state"]) == DOC_STATE_KEYS
        and list(event["detail"]["previousState"]) == DOC_STATE_KEYS
    )
    assert (
        event["detail-type"] == "CloudWatch Alarm State Change"
        and event["source"] == "aws.cloudwatch"
    )
    assert event["resources"] == ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:credit-drift"]
    assert (
        event["time"] == "2024-05-01T03:00:00Z"
        and event["detail"]["state"]["timestamp"] == "2024-05-01T03:00:00.000+0000"
    )
    metric = event["detail"]["configuration"]["metrics"][0]
    assert metric["metricStat"] == {"metric": {"dimensions": {"Endpoint": "ep", "MonitoringSchedule": "s", "Feature": "income"},
                                               "name": "feature_baseline_drift_income", "namespace": "aws/sagemaker/Endpoints/data-metrics"},
                                    "period": 3600, "stat": "Average"}  # fmt: skip
    assert json.loads(event["detail"]["state"]["reasonData"])["recentDatapoints"] == [0.0, 0.3, 0.4]
    # The previous state is the change before it; the first event's is the alarm's creation.
    assert event["detail"]["previousState"]["value"] == "OK"
    assert sent[0]["detail"]["previousState"] == {
        "reason": "Unchecked: Initial alarm creation",
        "timestamp": "2024-05-01T00:00:00.000+0000",
        "value": "INSUFFICIENT_DATA",
    }
    assert events.state_change_events(history) == sent  # deterministic ids


def test_rule_runs_its_target_on_alarm_only(history):
    calls = []
    rule = events.EventRule(
        "retrain",
        events.alarm_state_pattern(["credit-drift"]),
        (lambda e: calls.append(e["id"]) or "started",),
    )
    results = [rule.dispatch(e) for e in events.state_change_events(history)]
    assert results == [(), ("started",), ()] and len(calls) == 1
    assert (
        events.EventRule("off", rule.event_pattern, rule.targets, state="DISABLED").dispatch(
            events.state_change_events(history)[1]
        )
        == ()
    )


EVENT = {
    "source": "aws.cloudwatch",
    "detail": {
        "alarmName": "credit-drift",
        "state": {"value": "ALARM"},
        "count": 5,
        "tags": ["a", "b"],
        "flag": True,
        "none": None,
    },
}


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ({"source": ["aws.cloudwatch"]}, True),
        ({"source": ["aws.sagemaker"]}, False),
        ({"source": ["aws.sagemaker", "aws.cloudwatch"]}, True),  # OR within an array
        (
            {"source": ["aws.cloudwatch"], "detail": {"state": {"value": ["OK"]}}},
            False,
        ),  # AND across fields
        ({"detail": {"alarmName": [{"prefix": "credit-"}]}}, True),
        ({"detail": {"alarmName": [{"suffix": "-drift"}]}}, True),
        ({"detail": {"alarmName": [{"anything-but": ["credit-drift"]}]}}, False),
        ({"detail": {"alarmName": [{"anything-but": {"prefix": "housing"}}]}}, True),
        ({"detail": {"alarmName": [{"equals-ignore-case": "CREDIT-DRIFT"}]}}, True),
        ({"detail": {"count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
        ({"detail": {"count": [{"numeric": [">", 5]}]}}, False),
        ({"detail": {"count": [5]}}, True),
        ({"detail": {"tags": ["b"]}}, True),  # an array value matches if any element does
        ({"detail": {"flag": [1]}}, False),  # JSON true is not the number 1
        ({"detail": {"flag": [True]}}, True),
        ({"detail": {"none": [None]}}, True),
        ({"detail": {"missing": [{"exists": False}]}}, True),
        ({"detail": {"alarmName": [{"exists": False}]}}, False),
        ({"detail": {"missing": ["x"]}}, False),
    ],
)
def test_pattern_matching(pattern, matches):
    assert events.matches_pattern(pattern, EVENT) is matches


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ({}, "non-empty"),
        ({"source": "aws.cloudwatch"}, "arrays"),
        ({"source": [{"wildcard": "*"}]}, "unsupported filter"),
    ],
)
def test_malformed_patterns_are_refused(pattern, message):
    with pytest.raises(LabkitInputError, match=message):
        events.matches_pattern(pattern, EVENT)


def test_rule_names_are_validated():
    with pytest.raises(LabkitInputError, match="rule name"):
        events.EventRule("has space", {"source": ["aws.cloudwatch"]})
