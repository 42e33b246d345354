"""The CloudWatch alarm twin: the User Guide's documented rows, validation, statistics, history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from labkit import alarms, cloudwatch
from labkit.errors import LabkitInputError

# The CloudWatch User Guide's two example tables, row for row ("Configuring how CloudWatch alarms
# treat missing data", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html).
# Copied from the guide's source, awsdocs/amazon-cloudwatch-user-guide doc_source/AlarmThatSendsEmail.md
# at b355497 (2023-05-18, the last version before that repository was archived); the tables are
# unchanged since 8fd68ec (2020-09-14). Datapoints oldest first (0 good, X breaching, - missing);
# outcome per TreatMissingData in the order missing, ignore, breaching, notBreaching;
# None = "Retain current state". The last row of each table is the guide's "premature alarm state".
DOCUMENTED_3_OF_3 = [
    ("0 - X - X", ("OK", "OK", "OK", "OK")),
    ("0 - - - -", ("OK", "OK", "OK", "OK")),
    ("- - - - -", ("INSUFFICIENT_DATA", None, "ALARM", "OK")),
    ("0 X X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("- - X - -", ("ALARM", None, "ALARM", "OK")),
]
DOCUMENTED_2_OF_3 = [
    ("0 - X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 0 X 0 X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 - X - -", ("OK", "OK", "ALARM", "OK")),
    ("- - - - 0", ("OK", "OK", "ALARM", "OK")),
    ("- - - X -", ("ALARM", None, "ALARM", "OK")),
]
# The kit's own rows, not in the current guide: what the twin does with one breaching datapoint too
# recent for the premature-alarm rule, or one older than the last N periods. Earlier versions of
# the same page printed them (`- - - - X` in both tables from cd4004c, 2018-06-12, to d444eed,
# 2019-06-24; `X - - - -` in the 3-of-3 table at 72266c7, 2019-01-16); the current text only says
# that `- - - - X` and `- - - X -` do not go "immediately" to ALARM when M is 3. The twin keeps the
# old outcomes: its [U] reading, alarms.evaluation.UNDECIDED_MISSING_STATE and _premature.
KIT_ROWS = [
    (3, "- - - - X", ("INSUFFICIENT_DATA", None, "ALARM", "OK")),
    (3, "- - - X -", ("INSUFFICIENT_DATA", None, "ALARM", "OK")),
    (2, "- - - - X", ("INSUFFICIENT_DATA", None, "ALARM", "OK")),
    (3, "X - - - -", ("ALARM", None, "ALARM", "OK")),
]
MODES = ("missing", "ignore", "breaching", "notBreaching")
THRESHOLD = 0.5


def _values(pattern: str) -> list[float | None]:
    return [None if c == "-" else {"0": 0.0, "X": 1.0}[c] for c in pattern.split()]


def _state(pattern: str, m: int, mode: str, n: int = 3) -> str | None:
    return alarms.evaluate_range(
        _values(pattern),
        evaluation_periods=n,
        datapoints_to_alarm=m,
        breaches=lambda v: v > THRESHOLD,
        treat_missing_data=mode,
    ).state


@pytest.mark.parametrize(
    ("m", "pattern", "expected"),
    [(3, p, e) for p, e in DOCUMENTED_3_OF_3] + [(2, p, e) for p, e in DOCUMENTED_2_OF_3],
)
def test_the_ten_rows_of_the_user_guide(m, pattern, expected):
    assert tuple(_state(pattern, m, mode) for mode in MODES) == expected


@pytest.mark.parametrize(("m", "pattern", "expected"), KIT_ROWS)
def test_the_kits_own_rows(m, pattern, expected):
    assert tuple(_state(pattern, m, mode) for mode in MODES) == expected


def test_the_documented_tables_are_what_the_notebooks_show():
    # notebooks/deeper/05_alarms_and_missing_data.ipynb prints alarms.missing_data_table(); its
    # "documented" rows must be the guide's, and every other row must be labelled the kit's.
    table = alarms.missing_data_table()
    documented = table[table["source"] == "User Guide"]
    assert [(r["M of N"], r["datapoints"]) for _, r in documented.iterrows()] == [
        ("3 of 3", p) for p, _ in DOCUMENTED_3_OF_3
    ] + [("2 of 3", p) for p, _ in DOCUMENTED_2_OF_3]
    kit = table[table["source"] != "User Guide"]
    assert set(kit["source"]) == {"the kit's reading"}
    assert sorted((int(r["M of N"][0]), r["datapoints"]) for _, r in kit.iterrows()) == sorted(
        (m, p) for m, p, _ in KIT_ROWS
    )
    for _, row in table.iterrows():
        m = int(row["M of N"][0])
        expected = tuple(_state(row["datapoints"], m, mode) for mode in MODES)
        assert tuple(None if row[mode] == "keep state" else row[mode] for mode in MODES) == expected


def test_enough_real_datapoints_ignore_the_missing_setting():
    # "the value you set for how to treat missing data is not needed and is ignored"
    for mode in MODES:
        assert _state("X 0 - X X", 3, mode) == "OK"  # the 3 most recent real ones: 0 X X
        assert _state("X 0 - X X", 2, mode) == "ALARM"


def _alarm(**kw) -> alarms.MetricAlarm:
    base = {"alarm_name": "drift", "metric_name": "feature_baseline_drift_income", "namespace": "aws/sagemaker/Endpoints/data-metrics",
                "dimensions": (("Endpoint", "ep"), ("MonitoringSchedule", "s"), ("Feature", "income")), "period": 3600,
                "evaluation_periods": 3, "comparison_operator": "GreaterThanThreshold", "threshold": 0.1}  # fmt: skip
    return alarms.MetricAlarm(**{**base, **kw})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period": 90}, "multiple of 60"),
        ({"period": 20, "evaluation_periods": 5000}, "86,400"),
        ({"period": 3600, "evaluation_periods": 169}, "604,800"),
        ({"datapoints_to_alarm": 4}, "must not exceed EvaluationPeriods"),
        ({"evaluation_periods": 0}, ">= 1"),
        ({"treat_missing_data": "Missing"}, "TreatMissingData"),
        ({"statistic": "p90"}, "ExtendedStatistic"),
        ({"comparison_operator": "GreaterThanUpperThreshold"}, "anomaly detection"),
        ({"comparison_operator": "Above"}, "ComparisonOperator"),
        ({"threshold": float("nan")}, "finite"),
        ({"alarm_name": ""}, "AlarmName"),
        ({"alarm_name": "dérive"}, "ASCII"),
        ({"namespace": ":x"}, "Namespace"),
        ({"dimensions": tuple((f"d{i}", "v") for i in range(31))}, "Dimensions"),
    ],
)
def test_put_metric_alarm_validation(change, message):
    with pytest.raises(LabkitInputError, match=message):
        _alarm(**change)


def test_valid_periods_and_the_request_shape():
    for period in (10, 20, 30, 60, 300, 3600):
        _alarm(period=period)
    request = _alarm(
        datapoints_to_alarm=2, alarm_actions=("arn:aws:sns:us-east-1:123456789012:t",)
    ).to_dict()
    assert request["DatapointsToAlarm"] == 2 and request["Dimensions"][2] == {
        "Name": "Feature",
        "Value": "income",
    }
    assert alarms.MetricAlarm.from_dict(request).to_dict() == request
    # The request passes botocore's own validation of PutMetricAlarm (nothing is sent).
    from botocore.session import get_session
    from botocore.validate import ParamValidator

    model = (
        get_session().get_service_model("cloudwatch").operation_model("PutMetricAlarm").input_shape
    )
    report = ParamValidator().validate(request, model)
    assert not report.has_errors(), report.generate_report()
    assert _alarm().m == 3  # DatapointsToAlarm omitted: M = N


def _datum(
    hours: float, value: float | None = None, stats: dict | None = None, feature: str = "income"
) -> cloudwatch.MetricDatum:
    dims = cloudwatch.dimensions(endpoint="ep", schedule="s", Feature=feature)
    return cloudwatch.MetricDatum("aws/sagemaker/Endpoints/data-metrics", "feature_baseline_drift_income", dims,
                                  datetime(2024, 5, 1, tzinfo=UTC) + timedelta(hours=hours), value=value, statistic_values=stats)  # fmt: skip


@pytest.mark.parametrize(
    ("statistic", "expected"),
    [("SampleCount", 4.0), ("Sum", 10.0), ("Average", 2.5), ("Minimum", 0.5), ("Maximum", 6.0)],
)
def test_period_statistics_combine_values_and_statistic_sets(statistic, expected):
    data = [_datum(0.1, 1.0), _datum(0.5, 2.0), _datum(0.9, stats={"SampleCount": 2, "Sum": 7.0, "Minimum": 0.5, "Maximum": 6.0}),
            _datum(0.2, 99.0, feature="age"), _datum(1.2, 5.0)]  # fmt: skip
    alarm = _alarm(statistic=statistic)
    got = alarms.period_statistics(alarm, data)
    start = datetime(2024, 5, 1, tzinfo=UTC)
    assert got[start] == pytest.approx(expected)
    assert got[start + timedelta(hours=1)] == (1.0 if statistic == "SampleCount" else 5.0)
    # The tidy metrics table gives the same numbers as the datums.
    assert alarms.period_statistics(alarm, cloudwatch.metrics_frame(data)) == pytest.approx(got)


def test_m_of_n_transitions_and_actions_on_changes_only():
    topic = "arn:aws:sns:us-east-1:123456789012:on-call"
    alarm = _alarm(datapoints_to_alarm=2, alarm_actions=(topic,))
    values = [0.0, 0.0, 0.3, 0.0, 0.4, 0.5, 0.6, 0.0, 0.0, 0.0]  # breaching at hours 2, 4, 5, 6
    history = alarms.evaluate_alarm(
        alarm,
        [_datum(h, v) for h, v in enumerate(values)],
        start=datetime(2024, 5, 1, tzinfo=UTC),
        end=datetime(2024, 5, 1, 10, tzinfo=UTC),
    )
    states = list(history.to_frame()["state"])
    # hour 4: breaching 2 of the last 3 (0.3, 0.0, 0.4) → ALARM; hour 8: 0.6, 0.0, 0.0 → 1 of 3 → OK.
    assert states == ["OK", "OK", "OK", "OK", "ALARM", "ALARM", "ALARM", "ALARM", "OK", "OK"]
    assert [(c.old_state, c.new_state) for c in history.changes] == [
        ("INSUFFICIENT_DATA", "OK"),
        ("OK", "ALARM"),
        ("ALARM", "OK"),
    ]
    assert [c.actions for c in history.changes] == [(), (topic,), ()]
    assert history.first_time_in("ALARM") == datetime(2024, 5, 1, 4, tzinfo=UTC)
    change = history.changes[1]
    assert change.reason.startswith(
        "Threshold Crossed: 2 out of the last 3 datapoints [0.4 (01/05/24 04:00:00), 0.0 (01/05/24 03:00:00), 0.3"
    )
    assert change.reason.endswith(
        "were greater than the threshold (0.1) (minimum 2 datapoints for OK -> ALARM transition)."
    )
    assert (
        change.reason_data["recentDatapoints"] == [0.3, 0.0, 0.4]
        and change.reason_data["period"] == 3600
    )


def test_disabled_actions_and_ignore_keeps_the_state():
    alarm = _alarm(
        datapoints_to_alarm=1,
        treat_missing_data="ignore",
        alarm_actions=("arn:x",),
        actions_enabled=False,
    )
    history = alarms.evaluate_alarm(
        alarm,
        [_datum(0, 0.9)],
        start=datetime(2024, 5, 1, tzinfo=UTC),
        end=datetime(2024, 5, 1, 12, tzinfo=UTC),
    )
    assert set(history.to_frame()["state"]) == {"ALARM"}  # no data after hour 0: ignore keeps ALARM
    assert history.changes[0].actions == ()


def test_missing_data_goes_to_insufficient_data_when_the_range_is_empty():
    history = alarms.evaluate_alarm(
        _alarm(),
        [_datum(0, 0.0)],
        start=datetime(2024, 5, 1, tzinfo=UTC),
        end=datetime(2024, 5, 1, 8, tzinfo=UTC),
    )
    states = list(history.to_frame()["state"])
    assert (
        states[:5] == ["OK"] * 5 and states[5:] == ["INSUFFICIENT_DATA"] * 3
    )  # the range holds 5 periods
    assert history.changes[-1].reason.startswith("Insufficient Data")


def test_history_items_have_the_describe_alarm_history_shape():
    history = alarms.evaluate_alarm(
        _alarm(datapoints_to_alarm=1),
        [_datum(0, 0.9)],
        start=datetime(2024, 5, 1, tzinfo=UTC),
        end=datetime(2024, 5, 1, 2, tzinfo=UTC),
    )
    items = history.describe_alarm_history()["AlarmHistoryItems"]
    assert (
        items[0]["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
        and items[0]["HistoryItemType"] == "StateUpdate"
    )
    assert items[0]["Timestamp"] == "2024-05-01T00:00:00.000+0000"
    assert json.loads(items[0]["HistoryData"])["newState"]["stateValue"] == "ALARM"
    from botocore.session import get_session

    member = get_session().get_service_model("cloudwatch").shape_for("AlarmHistoryItem").members
    assert set(items[0]) <= set(member)
