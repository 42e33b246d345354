"""Log lines to the local CloudWatch Logs, where the SDK looks for a job's or endpoint's output.

Containers log to ``/aws/sagemaker/ProcessingJobs`` and ``/aws/sagemaker/Endpoints/<name>``
(AWS: "Log Amazon SageMaker AI Events with Amazon CloudWatch"); the SDK's ``logs=True`` prints
the processing job's stream. The lines go straight into moto's Logs backend (the service side
needs no HTTP round trip). CloudWatch Logs refuses events older than 14 days, so the lines carry
the real time, not the simulated clock's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

__all__ = ["write_log"]


def write_log(account: str, region: str, group: str, stream: str, lines: Sequence[str]) -> None:
    """Append ``lines`` to ``group``/``stream`` (both created when missing)."""
    from moto.logs.models import logs_backends

    events = [{"timestamp": int(time.time() * 1000), "message": line} for line in lines if line]
    if not events:
        return
    backend = logs_backends[account][region]
    if group not in backend.groups:
        backend.create_log_group(group, {})
    if stream not in backend.groups[group].streams:
        backend.create_log_stream(group, stream)
    backend.put_log_events(group, stream, events)
