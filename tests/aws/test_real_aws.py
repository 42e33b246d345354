"""Opt-in smoke test against real AWS: read-only calls, nothing created, nothing billed.

Runs only with ``LABKIT_USE_AWS=1`` and credentials in the default chain, e.g.
``LABKIT_USE_AWS=1 AWS_DEFAULT_REGION=eu-west-1 pytest -m aws tests/aws``. CI never sets it.
Set ``LABKIT_TEST_ENDPOINT`` to an endpoint's name to also plan against its real configuration.
"""

from __future__ import annotations

import _socket
import os
import socket

import pytest

from labkit import aws

pytestmark = pytest.mark.aws


@pytest.fixture
def real_aws(monkeypatch: pytest.MonkeyPatch) -> str:
    """Skip unless opted in with credentials; lift the loopback-only guard for this test alone."""
    if os.environ.get(aws.USE_AWS_ENV) != "1":
        pytest.skip(f"real AWS is opt-in: set {aws.USE_AWS_ENV}=1")
    monkeypatch.setattr(socket.socket, "connect", _socket.socket.connect)
    import boto3

    session = boto3.Session()
    if session.get_credentials() is None or not session.region_name:
        pytest.skip("no AWS credentials or region in the default chain")
    return session.region_name


def test_read_only_calls_validate_and_succeed(real_aws):
    clients = aws.connect(region=real_aws)
    response = aws.send(
        clients.sagemaker, aws.ApiRequest("sagemaker", "ListMonitoringSchedules", {"MaxResults": 1})
    )
    assert "MonitoringScheduleSummaries" in response
    endpoint = os.environ.get("LABKIT_TEST_ENDPOINT")
    if endpoint:
        existing = aws.read_endpoint_config(clients.sagemaker, endpoint)
        plan = aws.plan_data_quality_monitoring(
            endpoint_name=endpoint, role_arn="arn:aws:iam::111122223333:role/placeholder",
            bucket="placeholder-bucket", region=real_aws, existing_config=existing,
        )  # fmt: skip
        aws.validate_all(plan.requests())


def test_the_real_account_of_notebook_06_answers_read_only_calls(real_aws):
    from datetime import UTC, datetime, timedelta

    account = aws.RealAccount(real_aws, use_aws=True)
    assert "MonitoringScheduleSummaries" in account.client("sagemaker").list_monitoring_schedules(MaxResults=1)
    assert account.session.boto_region_name == real_aws  # the SDK session notebook 06's monitors use
    assert abs(account.now - datetime.now(UTC)) < timedelta(minutes=1)
    account.close()
