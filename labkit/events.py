"""An EventBridge-style rule: a "CloudWatch Alarm State Change" event, a pattern, a target.

CloudWatch sends an event to Amazon EventBridge whenever an alarm changes state; a rule whose
event pattern matches the event invokes its targets, for example a retraining pipeline (AWS:
"Alarm events and EventBridge", cloudwatch-and-eventbridge; "Amazon EventBridge event
patterns", eb-event-patterns). ``alarm_state_change_event`` builds the event exactly in the
shape of the User Guide's single-metric example; ``EventRule`` matches patterns with the
documented rules (arrays of allowed values, nested objects, and the ``prefix``, ``suffix``,
``anything-but``, ``numeric``, ``exists`` and ``equals-ignore-case`` filters) and calls its
targets, which are plain Python callables here.
"""

from __future__ import annotations

import json
import operator
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from labkit.alarms import (
    INITIAL_REASON,
    INSUFFICIENT_DATA,
    AlarmHistory,
    AlarmStateChange,
    MetricAlarm,
    format_state_timestamp,
)
from labkit.capture import format_inference_time, to_utc
from labkit.errors import LabkitInputError

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "DETAIL_TYPE",
    "SOURCE",
    "EventRule",
    "alarm_arn",
    "alarm_state_change_event",
    "alarm_state_pattern",
    "matches_pattern",
    "state_change_events",
]

SOURCE = "aws.cloudwatch"  # CloudWatch service events
DETAIL_TYPE = "CloudWatch Alarm State Change"
DEFAULT_ACCOUNT = "123456789012"  # the account and Region of the User Guide's example event
DEFAULT_REGION = "us-east-1"
RULE_NAME = re.compile(r"[\.\-_A-Za-z0-9]{1,64}")  # EventBridge PutRule Name
_NUMERIC = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
}
_FILTERS = ("prefix", "suffix", "anything-but", "numeric", "exists", "equals-ignore-case")


def alarm_arn(
    alarm_name: str, *, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT
) -> str:
    return f"arn:aws:cloudwatch:{region}:{account}:alarm:{alarm_name}"


def _state(
    value: str, reason: str, timestamp: datetime, reason_data: Mapping | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"reason": reason}
    if reason_data:
        out["reasonData"] = json.dumps(dict(reason_data), separators=(",", ":"))
    out.update({"timestamp": format_state_timestamp(timestamp), "value": value})
    return out


def alarm_state_change_event(
    alarm: MetricAlarm,
    change: AlarmStateChange,
    previous: AlarmStateChange | None,
    *,
    created_at: datetime | None = None,
    account: str = DEFAULT_ACCOUNT,
    region: str = DEFAULT_REGION,
) -> dict[str, Any]:
    """The event EventBridge receives for ``change``; ``previous`` is the change that led to the old
    state (None: the alarm's creation at ``created_at``). The ids are derived from the alarm
    name and time, so the same history gives the same events."""
    if previous is None:
        before = _state(INSUFFICIENT_DATA, INITIAL_REASON, created_at or change.timestamp, None)
    else:
        before = _state(
            previous.new_state, previous.reason, previous.timestamp, previous.reason_data
        )
    rng = np.random.default_rng(
        [_digest(alarm.alarm_name), int(to_utc(change.timestamp).timestamp())]
    )
    event_id, metric_id = (str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(2))
    return {
        "version": "0",
        "id": event_id,
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": account,
        "time": format_inference_time(change.timestamp),
        "region": region,
        "resources": [alarm_arn(alarm.alarm_name, region=region, account=account)],
        "detail": {
            "alarmName": alarm.alarm_name,
            "configuration": {
                "description": alarm.alarm_description,
                "metrics": [
                    {
                        "id": metric_id,
                        "metricStat": {
                            "metric": {
                                "dimensions": dict(alarm.dimensions),
                                "name": alarm.metric_name,
                                "namespace": alarm.namespace,
                            },
                            "period": alarm.period,
                            "stat": alarm.statistic,
                        },
                        "returnData": True,
                    }
                ],
            },
            "previousState": before,
            "state": _state(change.new_state, change.reason, change.timestamp, change.reason_data),
        },
    }


def _digest(text: str) -> int:
    """A stable 32-bit number for ``text`` (Python's ``hash`` changes between processes)."""
    return int.from_bytes(uuid.uuid5(uuid.NAMESPACE_URL, text).bytes[:4], "big")


def state_change_events(
    history: AlarmHistory, *, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION
) -> list[dict[str, Any]]:
    """One event per state change in ``history``, oldest first."""
    previous: list[AlarmStateChange | None] = [None, *history.changes[:-1]]
    return [
        alarm_state_change_event(
            history.alarm, c, p, created_at=history.created_at, account=account, region=region
        )
        for c, p in zip(history.changes, previous)
    ]


def alarm_state_pattern(
    alarm_names: Sequence[str] | None = None, states: Sequence[str] = ("ALARM",)
) -> dict[str, Any]:
    """The event pattern "these alarms changed to one of these states"."""
    detail: dict[str, Any] = {"state": {"value": list(states)}}
    if alarm_names is not None:
        detail = {"alarmName": list(alarm_names), **detail}
    return {"source": [SOURCE], "detail-type": [DETAIL_TYPE], "detail": detail}


# --- pattern matching --------------------------------------------------------------------------------


def _validate(pattern: Any, path: str = "") -> None:
    if not isinstance(pattern, Mapping) or not pattern:
        raise LabkitInputError(f"event pattern{path or ''}: expected a non-empty JSON object")
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else str(key)
        if isinstance(value, Mapping):
            _validate(value, where)
        elif not isinstance(value, list) or not value:
            raise LabkitInputError(
                f'event pattern {where}: leaf values must be non-empty arrays, e.g. ["ALARM"]'
            )
        else:
            for item in value:
                if isinstance(item, Mapping) and (
                    len(item) != 1 or next(iter(item)) not in _FILTERS
                ):
                    raise LabkitInputError(
                        f"event pattern {where}: unsupported filter {item}; the twin knows {', '.join(_FILTERS)}"
                    )


def _matches_value(allowed: list, value: Any, present: bool) -> bool:
    values = value if isinstance(value, list) else [value]
    for rule in allowed:
        if isinstance(rule, Mapping):
            ((kind, arg),) = rule.items()
            if kind == "exists":
                if bool(arg) == present:
                    return True
                continue
            if not present:
                continue
            if any(_filter(kind, arg, v) for v in values):
                return True
        elif present and any(_equal(v, rule) for v in values):
            return True
    return False


def _equal(value: Any, rule: Any) -> bool:
    """Exact JSON equality: true is not 1, null matches only null, numbers compare as numbers."""
    if value is None or rule is None or isinstance(value, bool) or isinstance(rule, bool):
        return value is rule or (
            isinstance(value, bool) and isinstance(rule, bool) and value == rule
        )
    if isinstance(value, (int, float)) and isinstance(rule, (int, float)):
        return float(value) == float(rule)
    return type(value) is type(rule) and value == rule


def _filter(kind: str, arg: Any, value: Any) -> bool:
    if kind == "prefix":
        return isinstance(value, str) and value.startswith(arg)
    if kind == "suffix":
        return isinstance(value, str) and value.endswith(arg)
    if kind == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(arg).lower()
    if kind == "anything-but":
        if isinstance(arg, Mapping):
            return not _filter(*next(iter(arg.items())), value)
        return value not in (arg if isinstance(arg, list) else [arg])
    if kind == "numeric":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        pairs = list(zip(arg[::2], arg[1::2]))
        return all(_NUMERIC[op](value, bound) for op, bound in pairs)
    raise LabkitInputError(f"unsupported filter {kind}")


def matches_pattern(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether ``event`` matches ``pattern``: every field in the pattern must match (AND); a leaf
    array matches when the event's value (or any element of an array value) matches one item (OR)."""
    _validate(pattern)
    return _match(pattern, event)


def _match(pattern: Mapping[str, Any], event: Any) -> bool:
    for key, rule in pattern.items():
        present = isinstance(event, Mapping) and key in event
        value = event.get(key) if present else None
        if isinstance(rule, Mapping):
            if not (present and isinstance(value, Mapping) and _match(rule, value)):
                return False
        elif not _matches_value(rule, value, present):
            return False
    return True


@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule: a name, an event pattern and targets (callables taking the event)."""

    name: str
    event_pattern: Mapping[str, Any]
    targets: tuple[Callable[[dict[str, Any]], Any], ...] = ()
    state: str = "ENABLED"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not RULE_NAME.fullmatch(self.name):
            raise LabkitInputError(
                f"rule name {self.name!r}: 1-64 letters, digits, '.', '-' or '_'"
            )
        if self.state not in ("ENABLED", "DISABLED"):
            raise LabkitInputError(f"rule state {self.state!r} must be ENABLED or DISABLED")
        _validate(self.event_pattern)
        object.__setattr__(self, "targets", tuple(self.targets))

    def matches(self, event: Mapping[str, Any]) -> bool:
        return self.state == "ENABLED" and _match(self.event_pattern, event)

    def dispatch(self, event: dict[str, Any]) -> tuple[Any, ...]:
        """Invoke every target with ``event`` if the rule matches; return their results."""
        return tuple(target(event) for target in self.targets) if self.matches(event) else ()
