"""The local SageMaker's block: fake credentials inside, nothing left behind outside, the clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

import labkit.local
from labkit.errors import LabkitInputError


def test_credentials_and_region_are_fake_inside_and_restored_after(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "learners-real-profile")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA-REAL")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    before = dict(os.environ)
    with labkit.local.sagemaker(region="eu-west-1") as aws:
        inside = dict(os.environ)
        assert aws.client("s3").meta.region_name == "eu-west-1"
    assert "AWS_PROFILE" not in inside
    assert inside["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert inside["AWS_ACCESS_KEY_ID"] != "AKIA-REAL"
    assert inside["AWS_EC2_METADATA_DISABLED"] == "true"
    assert dict(os.environ) == before


def test_leaving_the_block_removes_every_patch():
    import boto3
    from botocore.handlers import BUILTIN_HANDLERS

    import sagemaker.core.helper.session_helper as session_helper

    handlers_before = list(BUILTIN_HANDLERS)
    default_session = boto3.DEFAULT_SESSION
    with labkit.local.sagemaker() as aws:
        aws.session  # builds the SDK session: patches the SDK's clock
        assert session_helper.time is not __import__("time")
        assert len(BUILTIN_HANDLERS) > len(handlers_before)
    assert list(BUILTIN_HANDLERS) == handlers_before
    assert boto3.DEFAULT_SESSION is default_session
    assert session_helper.time is __import__("time")
    from moto.core.models import MockAWS

    assert not MockAWS._mocks_active


def test_the_state_does_not_outlive_the_block():
    with labkit.local.sagemaker() as aws:
        aws.client("s3").create_bucket(Bucket="kept-only-inside")
    with labkit.local.sagemaker() as aws:
        assert aws.client("s3").list_buckets()["Buckets"] == []
    with pytest.raises(LabkitInputError, match="closed"):
        aws.client("s3")


def test_an_error_inside_the_block_still_restores_everything(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "kept")
    with pytest.raises(RuntimeError, match="boom"):
        with labkit.local.sagemaker():
            raise RuntimeError("boom")
    assert os.environ["AWS_PROFILE"] == "kept"


def test_the_clock_starts_where_asked_and_only_moves_forward():
    start = datetime(2024, 3, 10, 8, 30, tzinfo=UTC)
    with labkit.local.sagemaker(start=start) as aws:
        assert aws.now == start
        assert aws.advance(hours=1, minutes=30) == []
        assert aws.now == start + timedelta(hours=1, minutes=30)
        with pytest.raises(LabkitInputError, match="forward"):
            aws.advance(minutes=-5)


def test_the_sdk_waits_pass_simulated_time_not_real_time():
    with labkit.local.sagemaker() as aws:
        aws.session
        from sagemaker.core.helper import session_helper

        before = aws.now
        session_helper.time.sleep(600)
        assert aws.now == before + timedelta(minutes=10)
        assert session_helper.time.time() == aws.now.timestamp()


def test_importing_labkit_local_loads_no_aws_library():
    code = "import sys, json, labkit.local; print(json.dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout))
    assert not {"boto3", "botocore", "moto", "sagemaker"} & loaded
