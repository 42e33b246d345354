"""``import labkit.aws`` loads no AWS library; the offline path loads botocore's models only.

Checked in a fresh interpreter: what was loaded, never how long it took.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

AWS_LIBRARIES = ("boto3", "botocore", "sagemaker", "s3transfer", "moto")


def _loaded(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return set(json.loads(out.splitlines()[-1]))


@pytest.mark.parametrize("module", ["labkit.aws", "labkit.aws.requests", "labkit.aws.retraining", "labkit.aws.plan",
                                    "labkit.aws.validation", "labkit.aws.bridge", "labkit.aws.sdk"])  # fmt: skip
def test_import_loads_no_aws_library(module):
    loaded = _loaded(f"import {module}")
    assert not [m for m in AWS_LIBRARIES if m in loaded]


def test_the_offline_path_creates_no_client_and_opens_no_socket():
    """Plan, validate, print with sockets and DNS disabled: no client object, boto3 and the SDK never load."""
    loaded = _loaded(
        "import socket\n"
        "def refuse(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket.connect = refuse; socket.getaddrinfo = refuse\n"
        "from labkit import aws\n"
        "plan = aws.plan_data_quality_monitoring(endpoint_name='e', role_arn='arn:aws:iam::111122223333:role/r',"
        " bucket='bucket-name', region='us-east-1')\n"
        "aws.validate_all(plan.requests())\n"
        "[r.as_text() for r in plan.requests()]\n"
        "import gc, botocore.client\n"
        "assert not [o for o in gc.get_objects() if isinstance(o, botocore.client.BaseClient)], 'a client was built'"
    )
    assert "botocore.validate" in loaded
    assert not [m for m in ("boto3", "sagemaker") if m in loaded]
