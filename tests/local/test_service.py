"""The wire: every served operation answers what botocore's output shape accepts; refusals are
worded as the service words them."""

from __future__ import annotations

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from labkit.local.service import constraint_messages, validation_error

from .conftest import BUCKET, CAPTURE, ENDPOINT, IMAGE, JOB_DEFINITIONS, MODEL, RESOURCES, ROLE, deploy, invoke_rows, job_definition

def _exercise_every_operation(aws, model) -> None:
    """Call each operation the local SageMaker serves at least once, successfully."""
    sm, s3 = aws.client("sagemaker"), aws.client("s3")
    deploy(aws, model)
    sm.describe_model(ModelName=MODEL)
    sm.list_models()
    sm.describe_endpoint_config(EndpointConfigName=f"{ENDPOINT}-config")
    sm.list_endpoint_configs()
    sm.list_endpoints()
    sm.update_endpoint(EndpointName=ENDPOINT, EndpointConfigName=f"{ENDPOINT}-config")
    sm.describe_endpoint(EndpointName=ENDPOINT)
    endpoint_arn = sm.describe_endpoint(EndpointName=ENDPOINT)["EndpointArn"]
    sm.add_tags(ResourceArn=endpoint_arn, Tags=[{"Key": "team", "Value": "drift-lab"}])
    assert sm.list_tags(ResourceArn=endpoint_arn)["Tags"] == [{"Key": "team", "Value": "drift-lab"}]
    sm.delete_tags(ResourceArn=endpoint_arn, TagKeys=["team"])
    import labkit.scenarios as scenarios

    invoke_rows(aws, scenarios.draw_window("credit", 3, seed=1)[list(model.feature_names_in_)])
    s3.put_object(Bucket=BUCKET, Key="data/train.csv", Body=b"a,b\n1,2\n")
    sm.create_processing_job(
        ProcessingJobName="job-1", RoleArn=ROLE, AppSpecification={"ImageUri": IMAGE},
        ProcessingResources=RESOURCES, Environment={"dataset_source": "/opt/ml/processing/input/data"},
        ProcessingInputs=[{"InputName": "data", "S3Input": {"S3Uri": f"s3://{BUCKET}/data/train.csv",
                           "LocalPath": "/opt/ml/processing/input/data", "S3DataType": "S3Prefix", "S3InputMode": "File"}}],
        ProcessingOutputConfig={"Outputs": [{"OutputName": "out", "S3Output": {"S3Uri": f"s3://{BUCKET}/out",
                                "LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}]},
    )  # fmt: skip
    sm.describe_processing_job(ProcessingJobName="job-1")
    sm.list_processing_jobs()
    with pytest.raises(ClientError):
        sm.stop_processing_job(ProcessingJobName="job-1")  # ended already: refused, yet answered
    for kind in JOB_DEFINITIONS:
        name = f"{kind.lower()}-definition"
        getattr(sm, f"create_{_snake(kind)}_job_definition")(**job_definition(kind, name))
        getattr(sm, f"describe_{_snake(kind)}_job_definition")(JobDefinitionName=name)
        getattr(sm, f"list_{_snake(kind)}_job_definitions")()
    sm.create_monitoring_schedule(
        MonitoringScheduleName="hourly",
        MonitoringScheduleConfig={"ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                                  "MonitoringJobDefinitionName": "dataquality-definition", "MonitoringType": "DataQuality"},
    )  # fmt: skip
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName="a", Namespace="aws/sagemaker/Endpoints/data-metrics", MetricName="feature_baseline_drift_x",
        Statistic="Maximum", Period=3600, EvaluationPeriods=1, Threshold=0.1, ComparisonOperator="GreaterThanThreshold")  # fmt: skip
    aws.advance(hours=2)
    aws.client("cloudwatch").describe_alarm_history(AlarmName="a")
    aws.client("cloudwatch").describe_alarms(AlarmNames=["a"])
    sm.describe_monitoring_schedule(MonitoringScheduleName="hourly")
    sm.list_monitoring_schedules()
    sm.list_monitoring_executions(MonitoringScheduleName="hourly")
    sm.stop_monitoring_schedule(MonitoringScheduleName="hourly")
    sm.start_monitoring_schedule(MonitoringScheduleName="hourly")
    sm.update_monitoring_schedule(
        MonitoringScheduleName="hourly",
        MonitoringScheduleConfig={"ScheduleConfig": {"ScheduleExpression": "cron(0 6 ? * * *)"},
                                  "MonitoringJobDefinitionName": "dataquality-definition", "MonitoringType": "DataQuality"},
    )  # fmt: skip
    sm.delete_monitoring_schedule(MonitoringScheduleName="hourly")
    for kind in JOB_DEFINITIONS:
        getattr(sm, f"delete_{_snake(kind)}_job_definition")(JobDefinitionName=f"{kind.lower()}-definition")
    sm.delete_endpoint(EndpointName=ENDPOINT)
    sm.delete_endpoint_config(EndpointConfigName=f"{ENDPOINT}-config")
    sm.delete_model(ModelName=MODEL)


def _snake(kind: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in kind).lstrip("_")


def test_every_served_operation_answers_its_output_shape(aws, credit_model):
    answered = []
    for key, handler in list(aws.router.handlers.items()):
        aws.router.handlers[key] = lambda params, key=key, handler=handler: answered.append((key, handler(params))) or answered[-1][1]
    _exercise_every_operation(aws, credit_model)
    assert set(aws.router.calls) == set(aws.router.handlers), "an operation the kit serves was not exercised"
    assert {key for key, _ in answered} == set(aws.router.handlers) - {("sagemaker", "StopProcessingJob")}
    models = {name: botocore.session.get_session().get_service_model(name) for name in ("sagemaker", "sagemaker-runtime", "cloudwatch")}
    for (service, operation), response in answered:
        if response is None:  # left to moto (the alarm twin's own DescribeAlarms)
            continue
        shape = models[service].operation_model(operation).output_shape
        body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        if shape is None:
            assert body == {}, operation
            continue
        report = ParamValidator().validate(body, shape)
        assert not report.has_errors(), f"{operation}: {report.generate_report()}"
        assert set(body) <= set(shape.members), f"{operation} answers members its shape lacks: {set(body) - set(shape.members)}"


def test_constraint_failures_are_worded_as_the_service_words_them(aws):
    sm = aws.client("sagemaker")
    with pytest.raises(ClientError) as caught:
        sm.create_model_quality_job_definition(**dict(
            job_definition("ModelQuality", "mq"),
            ModelQualityAppSpecification={"ImageUri": IMAGE, "ProblemType": "Classification"},
        ))  # fmt: skip
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value 'Classification' at 'modelQualityAppSpecification.problemType' "
        "failed to satisfy constraint: Member must satisfy enum value set: "
        "[BinaryClassification, MulticlassClassification, Regression]"
    )


def test_several_failures_are_numbered_and_listed_with_their_paths():
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model("CreateEndpointConfig").input_shape
    params = {"EndpointConfigName": "bad name!", "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "bad!" + "x" * 60}]}
    messages = list(constraint_messages(params, shape))
    assert len(messages) == 3  # the name's pattern; the model name's length and pattern
    assert messages[0].startswith("Value 'bad name!' at 'endpointConfigName' failed to satisfy constraint: Member must satisfy regular expression pattern: ")
    assert any("at 'productionVariants.1.member.modelName' failed to satisfy constraint: Member must have length less than or equal to 63" in m for m in messages)
    assert str(validation_error(messages).message).startswith("3 validation errors detected: Value 'bad name!'")


def test_a_missing_resource_is_the_modeled_exception(aws):
    sm = aws.client("sagemaker")
    with pytest.raises(sm.exceptions.ResourceNotFound):
        sm.describe_monitoring_schedule(MonitoringScheduleName="nothing-here")
    with pytest.raises(sm.exceptions.ResourceNotFound):
        sm.describe_processing_job(ProcessingJobName="nothing-here")
    with pytest.raises(ClientError, match=r'Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/nothing-here"\.'):
        sm.describe_endpoint_config(EndpointConfigName="nothing-here")


def test_calls_the_kit_does_not_serve_go_on_to_moto(aws):
    sm = aws.client("sagemaker")
    sm.create_experiment(ExperimentName="moto-serves-this")
    experiment = sm.describe_experiment(ExperimentName="moto-serves-this")
    sm.add_tags(ResourceArn=experiment["ExperimentArn"], Tags=[{"Key": "k", "Value": "v"}])  # moto's resource, moto's tags
    assert sm.list_tags(ResourceArn=experiment["ExperimentArn"])["Tags"] == [{"Key": "k", "Value": "v"}]
    assert ("sagemaker", "CreateExperiment") not in aws.router.calls
    assert aws.client("s3").head_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert CAPTURE.startswith(f"s3://{BUCKET}")
