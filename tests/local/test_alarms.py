"""CloudWatch alarms on the executions' metrics: evaluated by the kit's alarm twin as the clock moves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from labkit.analyzer.contract import JobOutcome
from labkit.cloudwatch import MetricDatum

from .conftest import ENDPOINT, deploy, invoke_rows, job_definition

NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
DIMENSIONS = (("Endpoint", ENDPOINT), ("MonitoringSchedule", "hourly"))


class DriftingJob:
    """Stands for run_job: each execution reports the next drift value from ``values``."""

    def __init__(self, values: list[float]) -> None:
        self.values = list(values)

    def __call__(self, image, environment, *, root, container_arguments=None, predictor=None):
        stamp = datetime.strptime(environment["metric_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        datum = MetricDatum(NAMESPACE, "feature_baseline_drift_income", DIMENSIONS, stamp, value=self.values.pop(0))
        return JobOutcome("Completed", "Completed: ok", None, (datum,))


def test_an_alarm_follows_the_executions_metrics_m_out_of_n(aws, credit, credit_model):
    from labkit import scenarios

    aws.processing.run_job = DriftingJob([0.02, 0.3, 0.4, 0.03, 0.02])
    deploy(aws, credit_model)
    sm, cloudwatch = aws.client("sagemaker"), aws.client("cloudwatch")
    sm.create_data_quality_job_definition(**job_definition("DataQuality", "dq", DataQualityAppSpecification={
        "ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer",
        "Environment": {"publish_cloudwatch_metrics": "Enabled"}}))  # fmt: skip
    sm.create_monitoring_schedule(MonitoringScheduleName="hourly", MonitoringScheduleConfig={
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}, "MonitoringJobDefinitionName": "dq",
        "MonitoringType": "DataQuality"})  # fmt: skip
    cloudwatch.put_metric_alarm(
        AlarmName="income-drift", Namespace=NAMESPACE, MetricName="feature_baseline_drift_income",
        Dimensions=[{"Name": n, "Value": v} for n, v in DIMENSIONS], Statistic="Maximum", Period=3600,
        EvaluationPeriods=2, DatapointsToAlarm=2, Threshold=0.1, ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="missing",
    )  # fmt: skip
    rows = scenarios.draw_window("credit", 2, seed=1)[list(credit.features)]
    states = []
    for _ in range(5):
        invoke_rows(aws, rows)
        aws.advance(hours=1)
        states.append(cloudwatch.describe_alarms(AlarmNames=["income-drift"])["MetricAlarms"][0]["StateValue"])
    # Datapoints (one per execution, stamped with its window): 0.02, 0.3, 0.4, 0.03 …; two of the
    # last two must breach, so ALARM comes one hour after the second breach and goes with the next good value.
    assert states == ["INSUFFICIENT_DATA", "OK", "OK", "ALARM", "OK"], states
    history = cloudwatch.describe_alarm_history(AlarmName="income-drift", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert [item["HistorySummary"] for item in history] == [
        "Alarm updated from ALARM to OK", "Alarm updated from OK to ALARM", "Alarm updated from INSUFFICIENT_DATA to OK"]  # fmt: skip
    assert "Threshold Crossed: 2 out of the last 2 datapoints" in json.loads(history[1]["HistoryData"])["newState"]["stateReason"]


def test_an_alarm_the_twin_cannot_evaluate_says_so(aws):
    cloudwatch = aws.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="math", EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
        Metrics=[{"Id": "e1", "Expression": "m1 * 2", "ReturnData": True},
                 {"Id": "m1", "MetricStat": {"Metric": {"Namespace": NAMESPACE, "MetricName": "x"}, "Period": 60, "Stat": "Average"},
                  "ReturnData": False}],
    )  # fmt: skip
    aws.advance(minutes=5)
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=["math"])["MetricAlarms"]
    assert alarm["StateReason"] == "labkit.local evaluates alarms on one metric with a static threshold only"
    assert timedelta(minutes=5) == aws.now - datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_a_new_alarm_reads_insufficient_data_before_the_clock_moves(aws):
    """AWS: an alarm starts in INSUFFICIENT_DATA; moto alone would answer OK until the clock moved."""
    cloudwatch = aws.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="fresh", Namespace=NAMESPACE, MetricName="feature_baseline_drift_income",
        Dimensions=[{"Name": n, "Value": v} for n, v in DIMENSIONS], Statistic="Maximum", Period=3600,
        EvaluationPeriods=1, Threshold=0.1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=["fresh"])["MetricAlarms"]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    assert aws.now == datetime(2024, 5, 1, 12, tzinfo=UTC)  # nothing moved the clock
