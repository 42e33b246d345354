"""A local SageMaker where the SageMaker Python SDK's own monitoring code runs, offline.

``with labkit.local.sagemaker() as aws:`` gives a simulated account in which boto3 and the SDK
(``DefaultModelMonitor``, ``ModelQualityMonitor``, ``ModelBiasMonitor``,
``ModelExplainabilityMonitor``) work unchanged: endpoints capture data to a local S3,
processing jobs run the twins through the container contract (``labkit.analyzer``), schedules
start executions as a simulated clock moves, CloudWatch receives their metrics and evaluates
its alarms. No network,
no Docker, no server process.

=====================  ==========================================================================
``sandbox``            ``sagemaker()`` and ``LocalSageMaker``: credentials, moto, clock, SDK session
``service``            the wire: botocore calls answered in-process, the service's constraint checks
``service_errors``     every refusal's code and message, with its source
``resources``          one table per resource kind; the List* operations' paging
``models``             CreateModel…; predictors from estimators, skops files or functions
``endpoints``          endpoint configs, endpoints, InvokeEndpoint and data capture
``processing``         processing jobs: S3 in, ``labkit.analyzer.run_job``, S3 and CloudWatch out
``job_definitions``    the four *JobDefinition APIs
``schedules``          monitoring schedules, executions, the clock's events
``executions``         the processing jobs one execution starts (merge, analysis)
``alarms``             CloudWatch alarms evaluated by ``labkit.alarms`` as the clock moves
``clock``              the simulated clock
``s3``                 files between the local S3 and a job's folders
``logs``               log lines to the local CloudWatch Logs
=====================  ==========================================================================

``import labkit.local`` loads neither boto3, moto nor sagemaker: the block imports them.
"""

from __future__ import annotations

from labkit.local.sandbox import DEFAULT_START, LocalSageMaker, sagemaker

__all__ = ["DEFAULT_START", "LocalSageMaker", "sagemaker"]
