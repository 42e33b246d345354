"""Fixtures for the AWS bridge: dummy credentials, a moto server on loopback, stubbed clients.

Nothing here reaches AWS. ``aws_env`` replaces every AWS_* variable with dummy credentials and
a region, and points the config files at nothing, so botocore never looks further (no instance
metadata). ``moto`` starts moto's standalone server once per session on 127.0.0.1 (the root
conftest allows loopback only) and resets its state before each test that uses it.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labkit.aws import bridge

REGION = "us-east-1"
BUCKET = "drift-lab-test-bucket"
ROLE_ARN = "arn:aws:iam::111122223333:role/SageMakerModelMonitorRole"
ENDPOINT = "credit-endpoint"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and a region; no profile, no config file, no instance metadata; not opted in."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv(bridge.USE_AWS_ENV, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's standalone server on a free loopback port, for the whole session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(aws_env: None, moto_url: str) -> bridge.AwsClients:
    """The bridge's clients, opted in, all talking HTTP to the moto server; a fresh, empty state
    with one bucket."""
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    clients = bridge.connect(region=REGION, use_aws=True, endpoint_url=moto_url)
    clients.s3.create_bucket(Bucket=BUCKET)
    return clients


@pytest.fixture
def sagemaker_stub(aws_env: None) -> Iterator[tuple[Any, Any]]:
    """A SageMaker client under botocore's Stubber: only the responses a test queues are answered."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("sagemaker", region_name=REGION)
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


@pytest.fixture
def cloudwatch_stub(aws_env: None) -> Iterator[tuple[Any, Any]]:
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("cloudwatch", region_name=REGION)
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


@pytest.fixture(scope="session")
def credit_baseline(tmp_path_factory: pytest.TempPathFactory, credit) -> Path:
    """The twin's statistics.json and constraints.json for the credit scenario, on disk."""
    from labkit import data_quality

    directory = tmp_path_factory.mktemp("baseline")
    data_quality.suggest_baseline(credit.baseline[list(credit.features)]).to_json(directory)
    return directory


@pytest.fixture
def plan():
    from labkit import aws

    return aws.plan_data_quality_monitoring(
        endpoint_name=ENDPOINT, role_arn=ROLE_ARN, bucket=BUCKET, region=REGION
    )
