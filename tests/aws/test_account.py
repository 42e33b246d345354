"""labkit.aws.account: one surface for labkit.local and a real account, so notebook 06's cells run on either.

The local account is opened and stocked for real (moto in-process); the real account is built
against moto's server on loopback, never AWS; its clock and sleep are injected.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from labkit import aws
from labkit.aws import account as accounts
from labkit.errors import LabkitInputError

from .conftest import REGION, ROLE_ARN

KEY = "drift-lab/credit-train.csv"


@pytest.fixture
def local(aws_env):
    opened = aws.open_account(use_aws=False, region="eu-west-1", bucket="lab-bucket", role_arn=ROLE_ARN,
                              endpoint_name="credit-endpoint", training_data_key=KEY)  # fmt: skip
    yield opened
    opened.close()


def test_offline_the_account_holds_what_the_worked_example_starts_from(local, credit):
    s3, sm, runtime = local.client("s3"), local.client("sagemaker"), local.client("sagemaker-runtime")
    assert s3.get_bucket_location(Bucket="lab-bucket")["LocationConstraint"] == "eu-west-1"
    training = pd.read_csv(io.BytesIO(s3.get_object(Bucket="lab-bucket", Key=KEY)["Body"].read()))
    assert list(training.columns) == ["score", *credit.features] and len(training) == len(credit.baseline)
    assert training["score"].between(0, 1).all()  # the model's output, first, as captured output comes first
    endpoint = sm.describe_endpoint(EndpointName="credit-endpoint")
    assert endpoint["EndpointStatus"] == "InService" and "DataCaptureConfig" not in endpoint  # no capture yet
    assert endpoint["EndpointConfigName"] == "credit-endpoint-config"
    row = training.iloc[:1, 1:].to_csv(header=False, index=False)
    answer = runtime.invoke_endpoint(EndpointName="credit-endpoint", ContentType="text/csv", Body=row)["Body"].read()
    assert float(answer) == pytest.approx(training["score"].iloc[0], abs=1e-6)


def test_opening_again_closes_the_local_account_before(local, aws_env):
    again = aws.open_account(use_aws=False, region=REGION, bucket="second-bucket", role_arn=ROLE_ARN, endpoint_name="e",
                             training_data_key=KEY)  # fmt: skip
    try:
        with pytest.raises(LabkitInputError, match="closed"):
            local.client("s3")
        assert again.client("sagemaker").describe_endpoint(EndpointName="e")["EndpointStatus"] == "InService"
    finally:
        again.close()


def test_opting_in_refuses_the_placeholders_before_any_client(aws_env, monkeypatch):
    monkeypatch.setattr(accounts, "RealAccount", lambda *a, **k: pytest.fail("a client was about to be built"))
    with pytest.raises(LabkitInputError, match="are placeholders"):
        aws.open_account(use_aws=True, region=REGION, bucket="amzn-s3-demo-bucket", role_arn=ROLE_ARN,
                         endpoint_name="e", training_data_key=KEY)  # fmt: skip


def test_a_real_account_needs_the_opt_in(aws_env):
    with pytest.raises(aws.AwsNotEnabledError, match="LABKIT_USE_AWS=1"):
        aws.RealAccount(REGION)


def test_a_real_account_waits_for_real_and_reads_the_wall_clock(aws_env, moto_url):
    slept, now = [], datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    real = aws.RealAccount(REGION, use_aws=True, endpoint_url=moto_url, sleep=slept.append, clock=lambda: now)
    real.client("s3").create_bucket(Bucket="mine")
    assert "mine" in {b["Name"] for b in real.client("s3").list_buckets()["Buckets"]}
    assert real.advance(hours=1, minutes=30) == [] and slept == [5400.0]
    assert real.now == now and "your AWS account" in repr(real)
    real.close()  # nothing to stop


class Clockwork:
    """An account whose advance() moves a counter: what wait_until needs."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def advance(self, *, seconds: float = 0, **_: float) -> list:
        self.seconds += seconds
        return []


def test_wait_until_moves_time_in_steps_until_the_condition_holds():
    clock = Clockwork()
    assert aws.wait_until(clock, lambda: clock.seconds >= 1200, at_most=timedelta(hours=2))
    assert clock.seconds == 1200  # four 5-minute steps
    late = Clockwork()
    assert not aws.wait_until(late, lambda: False, at_most=timedelta(minutes=30), every=timedelta(minutes=10))
    assert late.seconds == 1800
    with pytest.raises(ValueError, match="positive"):
        aws.wait_until(late, lambda: False, at_most=timedelta(hours=1), every=timedelta(0))
