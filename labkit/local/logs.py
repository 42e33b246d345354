"""Log lines to the local CloudWatch Logs, where the SDK looks for a job's or endpoint's output.

Containers log to ``/aws/sagemaker/ProcessingJobs`` and ``/aws/sagemaker/Endpoints/<name>``
(AWS: "Log Amazon SageMaker AI Events with Amazon CloudWatch"); the SDK's ``logs=True`` prints
the processing job's stream. CloudWatch Logs refuses events older than 14 days, so the lines
carry the real time, not the simulated clock's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

__all__ = ["write_log"]


def write_log(logs: Any, group: str, stream: str, lines: Sequence[str]) -> None:
    """Append ``lines`` to ``group``/``stream`` (both created when missing)."""
    for call, kwargs in ((logs.create_log_group, {"logGroupName": group}),
                         (logs.create_log_stream, {"logGroupName": group, "logStreamName": stream})):  # fmt: skip
        try:
            call(**kwargs)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
    stamp = int(time.time() * 1000)
    events = [{"timestamp": stamp, "message": line} for line in lines if line]
    if events:
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
