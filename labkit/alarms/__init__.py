"""The CloudWatch alarm twin: ``PutMetricAlarm`` validation and the documented evaluation rules.

A monitoring schedule publishes one datapoint per metric per execution; a metric alarm turns
them into a state, ``OK``, ``ALARM`` or ``INSUFFICIENT_DATA``, and acts only when that state
*changes* (CloudWatch User Guide, "Using Amazon CloudWatch alarms", AlarmThatSendsEmail). Each
evaluation looks at the last ``evaluation_range`` periods: with at least N real datapoints it
judges the N most recent; with fewer it fills the gaps per ``TreatMissingData``; the alarm goes
to ``ALARM`` when at least M of the N datapoints breach ("M out of N").

``evaluate_range`` is that rule on one range (oldest first, ``None`` = missing);
``missing_data_table`` runs it on the ten example rows of the User Guide's missing-data page and on
the kit's own rows, labelled as such (tests/test_alarms.py pins the guide's ten). ``evaluate_alarm``
steps through periods and keeps the transition history (``DescribeAlarmHistory``).
"""

from __future__ import annotations

from labkit.alarms.definition import (
    ALARM,
    INSUFFICIENT_DATA,
    OK,
    STATES,
    TREAT_MISSING_DATA,
    MetricAlarm,
)

# Importable from labkit.alarms as before the split, though not in __all__.
from labkit.alarms.definition import ANOMALY_DETECTION_OPERATORS as ANOMALY_DETECTION_OPERATORS
from labkit.alarms.definition import COMPARISON_OPERATORS as COMPARISON_OPERATORS
from labkit.alarms.definition import HIGH_RESOLUTION_PERIODS as HIGH_RESOLUTION_PERIODS
from labkit.alarms.definition import MAX_DIMENSIONS as MAX_DIMENSIONS
from labkit.alarms.definition import MAX_EVALUATION_SECONDS as MAX_EVALUATION_SECONDS
from labkit.alarms.definition import (
    MAX_EVALUATION_SECONDS_SUB_HOUR as MAX_EVALUATION_SECONDS_SUB_HOUR,
)
from labkit.alarms.definition import STATISTICS as STATISTICS
from labkit.alarms.evaluation import EXTRA_RANGE_DATAPOINTS as EXTRA_RANGE_DATAPOINTS
from labkit.alarms.evaluation import INITIAL_REASON as INITIAL_REASON
from labkit.alarms.evaluation import (
    AlarmHistory,
    AlarmStateChange,
    Evaluation,
    evaluate_alarm,
    evaluate_at,
    evaluate_range,
    evaluation_range,
    format_state_timestamp,
    period_start,
    period_statistics,
)
from labkit.alarms.missing_data import missing_data_table

__all__ = [
    "ALARM",
    "INSUFFICIENT_DATA",
    "OK",
    "STATES",
    "TREAT_MISSING_DATA",
    "AlarmHistory",
    "AlarmStateChange",
    "Evaluation",
    "MetricAlarm",
    "evaluate_alarm",
    "evaluate_at",
    "evaluate_range",
    "evaluation_range",
    "format_state_timestamp",
    "missing_data_table",
    "period_start",
    "period_statistics",
]
