"""Fixtures for labkit.local: an open local SageMaker, a recording stand-in for run_job, an endpoint.

``fake_job`` stands for ``labkit.analyzer.run_job`` where a test checks the service side only
(what is staged, what is uploaded, what the execution reports); the end-to-end tests
(test_sdk_monitors.py) run the real analyzer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import labkit.local
from labkit.analyzer.contract import JobOutcome
from labkit.cloudwatch import MetricDatum

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
BUCKET = "drift-lab-local"
ENDPOINT = "credit-endpoint"
MODEL = "credit-model"
CAPTURE = f"s3://{BUCKET}/data-capture"
IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
OUTPUT = {"MonitoringOutputs": [{"S3Output": {"S3Uri": f"s3://{BUCKET}/reports", "LocalPath": "/opt/ml/processing/output"}}]}
RESOURCES = {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}}
ENDPOINT_INPUT = {"EndpointName": ENDPOINT, "LocalPath": "/opt/ml/processing/input/endpoint"}
GROUND_TRUTH = {"GroundTruthS3Input": {"S3Uri": f"s3://{BUCKET}/ground-truth"}}
JOB_DEFINITIONS = {
    "DataQuality": {"DataQualityAppSpecification": {"ImageUri": IMAGE}, "DataQualityJobInput": {"EndpointInput": ENDPOINT_INPUT}},
    "ModelQuality": {"ModelQualityAppSpecification": {"ImageUri": IMAGE, "ProblemType": "BinaryClassification"},
                     "ModelQualityJobInput": {"EndpointInput": dict(ENDPOINT_INPUT, ProbabilityAttribute="0"), **GROUND_TRUTH}},
    "ModelBias": {"ModelBiasAppSpecification": {"ImageUri": IMAGE, "ConfigUri": f"s3://{BUCKET}/analysis_config.json"},
                  "ModelBiasJobInput": {"EndpointInput": ENDPOINT_INPUT, **GROUND_TRUTH}},
    "ModelExplainability": {"ModelExplainabilityAppSpecification": {"ImageUri": IMAGE, "ConfigUri": f"s3://{BUCKET}/analysis_config.json"},
                            "ModelExplainabilityJobInput": {"EndpointInput": ENDPOINT_INPUT}},
}  # fmt: skip


def job_definition(kind: str, name: str, **members) -> dict:
    """A Create<kind>JobDefinition request on ENDPOINT, reports under s3://BUCKET/reports."""
    body = dict(JOB_DEFINITIONS[kind], JobDefinitionName=name, JobResources=RESOURCES, RoleArn=ROLE)
    body[f"{kind}JobOutputConfig"] = OUTPUT
    body.update(members)
    return body


@dataclass
class FakeJob:
    """Records each run_job call (image, environment, staged files) and answers ``outcome``."""

    outcome: JobOutcome = JobOutcome("Completed", "Completed: Job completed successfully with no violations.", None, ())
    files: dict[str, str] = field(default_factory=lambda: {"statistics.json": "{}", "constraints.json": "{}"})
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, image_uri, environment, *, root, container_arguments=None, predictor=None):
        root = Path(root)
        staged = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        self.calls.append({"image": image_uri, "env": dict(environment), "staged": staged,
                           "arguments": container_arguments, "predictor": predictor, "root": root})  # fmt: skip
        out = root / environment.get("output_path", "/opt/ml/processing/output").lstrip("/")
        out.mkdir(parents=True, exist_ok=True)
        for name, text in self.files.items():
            (out / name).write_text(text, encoding="utf-8")
        return self.outcome


@pytest.fixture
def fake_job() -> FakeJob:
    return FakeJob()


@pytest.fixture
def aws(fake_job: FakeJob) -> Iterator[labkit.local.LocalSageMaker]:
    """An open local SageMaker (clock at DEFAULT_START) with one bucket; jobs run ``fake_job``."""
    with labkit.local.sagemaker(run_job=fake_job) as local:
        local.client("s3").create_bucket(Bucket=BUCKET)
        yield local


@pytest.fixture(scope="session")
def credit_model(credit):
    from labkit import scenarios

    return scenarios.train_model(credit)


def deploy(aws, model: Any, *, sampling: int = 100, capture: bool = True, csv_types: bool = True,
           modes: tuple[str, ...] = ("Input", "Output"), endpoint: str = ENDPOINT, name: str = MODEL) -> None:  # fmt: skip
    """CreateModel, CreateEndpointConfig (with data capture) and CreateEndpoint, through boto3."""
    sm = aws.client("sagemaker")
    if model is not None:
        aws.register_model(name, model)
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "local/serving"})
    config: dict[str, Any] = {
        "EndpointConfigName": f"{endpoint}-config",
        "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 1,
                                "InstanceType": "ml.m5.xlarge"}],
    }  # fmt: skip
    if capture:
        settings = {"EnableCapture": True, "InitialSamplingPercentage": sampling, "DestinationS3Uri": CAPTURE,
                    "CaptureOptions": [{"CaptureMode": m} for m in modes]}  # fmt: skip
        if csv_types:
            settings["CaptureContentTypeHeader"] = {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]}
        config["DataCaptureConfig"] = settings
    sm.create_endpoint_config(**config)
    sm.create_endpoint(EndpointName=endpoint, EndpointConfigName=f"{endpoint}-config")


def invoke_rows(aws, frame, *, endpoint: str = ENDPOINT, **extra: Any) -> list[str]:
    """One InvokeEndpoint per row (CSV, no header); returns the answers."""
    runtime = aws.client("sagemaker-runtime")
    answers = []
    for line in frame.to_csv(header=False, index=False).splitlines():
        response = runtime.invoke_endpoint(EndpointName=endpoint, ContentType="text/csv", Body=line, **extra)
        answers.append(response["Body"].read().decode())
    return answers


def s3_text(aws, uri: str) -> str:
    bucket, _, key = uri[5:].partition("/")
    return aws.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()


def s3_keys(aws, prefix: str = "") -> list[str]:
    pages = aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def metric(name: str, value: float, **dims: str) -> MetricDatum:
    from datetime import UTC, datetime

    return MetricDatum("aws/sagemaker/Endpoints/data-metrics", name, tuple(dims.items()),
                       datetime(2024, 5, 1, 13, tzinfo=UTC), value=value)  # fmt: skip


def json_dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
