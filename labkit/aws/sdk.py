"""How the SageMaker Python SDK v3 objects map to the requests of the plan, and the SDK path.

The SDK's model-monitor classes (``sagemaker.core.model_monitor``) need a SageMaker ``Session``
the moment they are built: ``DataCaptureConfig`` and ``DefaultModelMonitor`` create one when none
is given, which walks the AWS credential chain and needs a region. So the kit never builds them
offline; the mapping below is data, and tests/aws/test_sdk.py proves it by running the SDK
against a stubbed client and comparing what it sends with the plan's requests.
"""

from __future__ import annotations

from typing import Any

from labkit.aws.bridge import USE_AWS_ENV, AwsNotEnabledError, opted_in
from labkit.aws.plan import MonitoringPlan
from labkit.aws.requests import HOURLY

__all__ = ["SDK_COLUMNS", "SDK_EQUIVALENTS", "create_schedule_with_sdk", "sdk_session"]

SDK_COLUMNS = ("SageMaker Python SDK v3", "API request", "field")
SDK_EQUIVALENTS = (
    ("DataCaptureConfig(enable_capture=True, sampling_percentage=100, destination_s3_uri=…)",
     "CreateEndpointConfig", "DataCaptureConfig (CaptureOptions Input + Output, CSV/JSON content types)"),
    ("DefaultModelMonitor(role=…)", "CreateDataQualityJobDefinition", "RoleArn"),
    ("DefaultModelMonitor(instance_type='ml.m5.xlarge', instance_count=1, volume_size_in_gb=30)",
     "CreateDataQualityJobDefinition", "JobResources.ClusterConfig"),
    ("DefaultModelMonitor(max_runtime_in_seconds=…)", "CreateDataQualityJobDefinition",
     "StoppingCondition.MaxRuntimeInSeconds"),
    ("the session's region", "CreateDataQualityJobDefinition",
     "DataQualityAppSpecification.ImageUri (sagemaker-model-monitor-analyzer)"),
    ("create_monitoring_schedule(enable_cloudwatch_metrics=True)", "CreateDataQualityJobDefinition",
     "DataQualityAppSpecification.Environment.publish_cloudwatch_metrics = Enabled"),
    ("create_monitoring_schedule(endpoint_input='<endpoint>')", "CreateDataQualityJobDefinition",
     "DataQualityJobInput.EndpointInput"),
    ("create_monitoring_schedule(statistics=…, constraints=…)", "CreateDataQualityJobDefinition",
     "DataQualityBaselineConfig.StatisticsResource / ConstraintsResource"),
    ("create_monitoring_schedule(output_s3_uri=…)", "CreateDataQualityJobDefinition",
     "DataQualityJobOutputConfig.MonitoringOutputs[0].S3Output"),
    ("create_monitoring_schedule(monitor_schedule_name=…)", "CreateMonitoringSchedule", "MonitoringScheduleName"),
    ("create_monitoring_schedule(schedule_cron_expression=CronExpressionGenerator.hourly())",
     "CreateMonitoringSchedule", "MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression"),
    ("(generated: data-quality-job-definition-<timestamp>)", "both",
     "JobDefinitionName / MonitoringJobDefinitionName"),
    ("monitor.list_executions()", "ListMonitoringExecutions, DescribeProcessingJob", "—"),
    ("monitor.delete_monitoring_schedule()", "DeleteMonitoringSchedule, DeleteDataQualityJobDefinition", "—"),
)  # fmt: skip


def sdk_session(region: str, *, use_aws: bool = False) -> Any:
    """A SageMaker SDK ``Session`` in ``region`` (opt-in only: it resolves real credentials)."""
    if not opted_in(use_aws):
        raise AwsNotEnabledError(
            f"the SDK session reaches AWS: pass use_aws=True or set {USE_AWS_ENV}=1"
        )
    import boto3
    from sagemaker.core.helper.session_helper import Session

    return Session(boto_session=boto3.Session(region_name=region))


def create_schedule_with_sdk(plan: MonitoringPlan, *, sagemaker_session: Any) -> Any:
    """The plan's schedule through ``DefaultModelMonitor``; returns the monitor.

    Sends the plan's CreateDataQualityJobDefinition and CreateMonitoringSchedule except for the job
    definition's name, which the SDK generates. The SDK reads statistics.json and constraints.json
    back from their S3 URIs first, so upload them before.
    """
    from sagemaker.core.model_monitor import CronExpressionGenerator, DefaultModelMonitor

    job = plan.request("CreateDataQualityJobDefinition").params
    cluster = job["JobResources"]["ClusterConfig"]
    monitor = DefaultModelMonitor(
        role=plan.role_arn,
        instance_count=cluster["InstanceCount"],
        instance_type=cluster["InstanceType"],
        volume_size_in_gb=cluster["VolumeSizeInGB"],
        max_runtime_in_seconds=job.get("StoppingCondition", {}).get("MaxRuntimeInSeconds"),
        sagemaker_session=sagemaker_session,
    )
    monitor.create_monitoring_schedule(
        endpoint_input=plan.endpoint_name,
        output_s3_uri=plan.reports_s3_uri,
        statistics=plan.statistics_s3_uri,
        constraints=plan.constraints_s3_uri,
        monitor_schedule_name=plan.schedule_name,
        schedule_cron_expression=(
            CronExpressionGenerator.hourly()
            if plan.schedule_expression == HOURLY
            else plan.schedule_expression
        ),
        enable_cloudwatch_metrics=True,
    )
    return monitor
