"""``labkit.local.sagemaker()``: a local SageMaker in which the SDK's own monitoring code runs.

Inside the ``with`` block every boto3 client (and so the SageMaker Python SDK) reaches
in-process services: moto for S3, CloudWatch, CloudWatch Logs, EventBridge, IAM and STS, and
the kit for the SageMaker operations monitoring needs (``labkit.local.service``). Fake
credentials and a region are set only inside the block; leaving it restores the environment,
stops moto and removes every handler the block installed.

The object the block yields is the learner's handle on the simulated account:

* ``.session``: a ``sagemaker.core.helper.session_helper.Session`` on the local services;
* ``.now`` and ``.advance(hours=…, minutes=…)``: the simulated clock; moving it delivers captured
  data to S3, runs every monitoring execution that falls due and evaluates CloudWatch alarms;
* ``.register_model(name, model)``: the predictor that serves SageMaker model ``name``;
* ``.deploy(model, model_name=…, endpoint_name=…, role=…, capture_s3_uri=…)``: a model served at
  an endpoint with data capture, as an AWS example deploys one (three boto3 requests);
* ``.record_traffic(endpoint, requests, responses)`` and ``.upload_ground_truth(s3_uri, ids, labels)``:
  a window of traffic as data capture keeps it, and its labels as the merge job reads them;
* ``.client(name)``: a boto3 client in the block's region.

The SDK's own waits (``time.sleep`` inside ``sagemaker.core``) pass simulated time, so a
``suggest_baseline(wait=True)`` returns at once; nothing else sleeps for real.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from labkit.local.clock import Clock

__all__ = ["DEFAULT_START", "LocalSageMaker", "sagemaker"]

DEFAULT_START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # any fixed time: runs repeat exactly
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
NOWHERE = os.devnull  # config and credentials files that hold nothing
# The SDK modules whose waits call time.sleep/time.time (sagemaker 3.x): they see the clock.
SDK_TIME_MODULES = ("sagemaker.core.helper.session_helper", "sagemaker.core.processing",
                    "sagemaker.core.common_utils", "sagemaker.core.resources")  # fmt: skip


@contextmanager
def sagemaker(start: Any = DEFAULT_START, region: str = "us-east-1", *, seed: int = 0,
              run_job: Callable[..., Any] | None = None) -> Iterator[LocalSageMaker]:  # fmt: skip
    """A local SageMaker for the ``with`` block, its clock at ``start`` (UTC).

    ``seed`` drives every draw (capture sampling, event ids, start delays, job names), so the
    same calls give the same files. ``run_job`` replaces ``labkit.analyzer.run_job`` (tests).

    Examples
    --------
    >>> import labkit.local
    >>> with labkit.local.sagemaker() as aws:           # doctest: +SKIP
    ...     monitor = DefaultModelMonitor(role=role, sagemaker_session=aws.session)
    ...     monitor.suggest_baseline(baseline_dataset="s3://bucket/train.csv", dataset_format=...)
    ...     aws.advance(hours=1)
    """
    local = LocalSageMaker(start, region, seed=seed, run_job=run_job)
    local.open()
    try:
        yield local
    finally:
        local.close()


class LocalSageMaker:
    """One simulated AWS account and region; see the module docstring."""

    def __init__(self, start: Any = DEFAULT_START, region: str = "us-east-1", *, seed: int = 0,
                 run_job: Callable[..., Any] | None = None) -> None:  # fmt: skip
        self.region, self.seed = region, seed
        self.clock = Clock(start)
        self._run_job = run_job
        self._saved_env: dict[str, str] | None = None
        self._moto: Any = None
        self._boto: Any = None
        self._clients: dict[str, Any] = {}
        self._session: Any = None
        self._patched: list[tuple[Any, Any]] = []
        self.router: Any = None

    # --- the learner's handle -------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The simulated time (UTC)."""
        return self.clock.now

    @property
    def account_id(self) -> str:
        from moto.core import DEFAULT_ACCOUNT_ID

        return DEFAULT_ACCOUNT_ID

    @property
    def session(self) -> Any:
        """A SageMaker SDK ``Session`` on the local services (built on first use)."""
        self._require_open()
        if self._session is None:
            from sagemaker.core.helper.session_helper import Session

            self._patch_sdk_time()
            self._session = Session(boto_session=self._boto)
        return self._session

    def client(self, name: str) -> Any:
        """A boto3 client for service ``name`` (``"sagemaker"``, ``"s3"``…) in this region."""
        self._require_open()
        if name not in self._clients:
            self._clients[name] = self._boto.client(name, region_name=self.region)
        return self._clients[name]

    def register_model(self, name: str, model: Any, **options: Any) -> None:
        """Serve SageMaker model ``name`` with ``model``: a fitted estimator, a ``.skops`` file or a
        ``predictor(body, content_type)`` function (``labkit.local.models``)."""
        self.models.register(name, model, **options)

    def deploy(self, model: Any, *, model_name: str, endpoint_name: str, role: str,
               capture_s3_uri: str | None = None, sampling_percentage: int = 100) -> str:  # fmt: skip
        """Serve ``model`` (as ``register_model`` takes it) at a new endpoint; return its name.

        The three requests an AWS example sends to deploy a model, through boto3: CreateModel,
        CreateEndpointConfig (one ``AllTraffic`` variant on one ml.m5.xlarge; with
        ``capture_s3_uri``, a ``DataCaptureConfig`` that keeps ``sampling_percentage`` % of the
        requests and responses, CSV and JSON kept as text, the SDK ``DataCaptureConfig``'s
        defaults) and CreateEndpoint.
        """
        self.register_model(model_name, model)
        sm = self.client("sagemaker")
        sm.create_model(ModelName=model_name, ExecutionRoleArn=role, PrimaryContainer={"Image": "labkit/local-model"})
        config: dict[str, Any] = {
            "EndpointConfigName": f"{endpoint_name}-config",
            "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": model_name,
                                    "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}],
        }  # fmt: skip
        if capture_s3_uri is not None:
            config["DataCaptureConfig"] = {
                "EnableCapture": True, "InitialSamplingPercentage": sampling_percentage,
                "DestinationS3Uri": capture_s3_uri,
                "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]},
            }  # fmt: skip
        sm.create_endpoint_config(**config)
        sm.create_endpoint(EndpointName=endpoint_name, EndpointConfigName=config["EndpointConfigName"])
        return endpoint_name

    def record_traffic(self, endpoint_name: str, requests: Any, responses: Any, *,
                       inference_ids: Sequence[str] | None = None) -> int:  # fmt: skip
        """Capture one CSV request per row of ``requests``, answered with ``responses``, now.

        What data capture keeps when the endpoint serves that traffic, without calling its model:
        for answers that come from elsewhere (another model, a drift injected into them). The
        endpoint's ``DataCaptureConfig`` decides as for ``InvokeEndpoint`` (sampling, modes,
        content types); ``inference_ids`` become each record's ``inferenceId``. The records reach
        S3 when the clock next moves. Returns how many were captured.
        """
        import pandas as pd

        from labkit.errors import LabkitInputError

        bodies = pd.DataFrame(requests).to_csv(header=False, index=False).splitlines()
        answers = pd.DataFrame(responses).to_csv(header=False, index=False).splitlines()
        ids = list(inference_ids) if inference_ids is not None else [None] * len(bodies)
        if not len(bodies) == len(answers) == len(ids):
            raise LabkitInputError(f"{len(bodies)} requests, {len(answers)} responses and {len(ids)} inference ids: "
                                   "give one of each per request")  # fmt: skip
        return self.endpoints.record(endpoint_name, bodies, answers, ids)

    def upload_ground_truth(self, s3_uri: str, inference_ids: Sequence[str], labels: Sequence[Any]) -> list[str]:
        """Ground-truth labels for ``inference_ids``, collected now, under ``s3_uri``.

        The JSON lines the model quality and bias drift merge jobs read, in the
        ``yyyy/mm/dd/hh`` folder of the current hour (``labkit.ground_truth``); returns the URIs.
        """
        import tempfile
        from pathlib import Path

        from labkit import ground_truth

        arrivals = ground_truth.label_requests(list(inference_ids), list(labels), seed=self.seed,
                                               collected_at=self.now)  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="labkit-ground-truth-") as tmp:
            ground_truth.write_ground_truth(arrivals, tmp, seed=self.seed)
            return self.s3.upload_directory(Path(tmp), s3_uri)

    def advance(self, *, hours: float = 0, minutes: float = 0, seconds: float = 0) -> list[dict[str, Any]]:
        """Move the clock forward; deliver captured data, run every execution that falls due.

        Returns the summaries of the executions that started, oldest first.
        """
        self._require_open()
        target = self.clock.later(hours=hours, minutes=minutes, seconds=seconds)
        self.endpoints.flush_capture()
        self.alarms.refresh()
        started: list[dict[str, Any]] = []
        while (moment := _earliest(self.schedules.next_event(), self.alarms.next_event())) is not None and moment <= target:
            self.clock.move_to(max(moment, self.clock.now))
            started += [dict(s) for s in self.schedules.run_due()]
            self.alarms.evaluate_due()
        self.clock.move_to(target)
        return started

    def __repr__(self) -> str:
        state = "open" if self._boto is not None else "closed"
        return f"<local SageMaker {self.region}, {state}, now {self.now.isoformat()}>"

    # --- opening and closing ----------------------------------------------------------------------

    def open(self) -> None:
        """Set fake credentials, start moto, and answer SageMaker's monitoring operations."""
        from labkit.local import service

        self._saved_env = dict(os.environ)
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            del os.environ[name]
        os.environ.update(FAKE_CREDENTIALS, AWS_DEFAULT_REGION=self.region, AWS_CONFIG_FILE=NOWHERE,
                          AWS_SHARED_CREDENTIALS_FILE=NOWHERE, AWS_EC2_METADATA_DISABLED="true")  # fmt: skip
        try:
            from moto import mock_aws

            self._moto = mock_aws()
            self._moto.start()
            self._build()
            self.router = service.Router(self._handlers())
            self.router.install()
            self._boto = _boto_session(self.region)
            self._patch_sdk_time()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Undo ``open``: handlers, SDK clock, moto, environment. Safe to call twice."""
        if self.router is not None:
            self.router.uninstall()
            self.router = None
        if getattr(self, "processing", None) is not None:
            self.processing.close()
        for module, original in reversed(self._patched):
            module.time = original
        self._patched.clear()
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        if self._saved_env is not None:
            os.environ.clear()
            os.environ.update(self._saved_env)
            self._saved_env = None
        self._boto, self._session = None, None
        self._clients.clear()

    def _require_open(self) -> None:
        if self._boto is None:
            from labkit.errors import LabkitInputError

            raise LabkitInputError("this local SageMaker is closed: use it inside its `with labkit.local.sagemaker()` block")

    def _build(self) -> None:
        from labkit.local.alarms import Alarms
        from labkit.local.endpoints import Endpoints
        from labkit.local.executions import ExecutionRunner
        from labkit.local.job_definitions import JobDefinitions
        from labkit.local.models import Models
        from labkit.local.processing import ProcessingJobs
        from labkit.local.s3 import LocalS3
        from labkit.local.schedules import Schedules

        account = self.account_id
        self.s3 = LocalS3(account)
        self.models = Models(self.region, account, self.clock)
        self.endpoints = Endpoints(self.region, account, self.clock, self.models, self.s3, self.seed)
        self.processing = ProcessingJobs(self.region, account, self.clock, self.s3,
                                         self._run_job or _analyzer_run_job, self._clarify_predictor)  # fmt: skip
        self.job_definitions = JobDefinitions(self.region, account, self.clock)
        runner = ExecutionRunner(
            region=self.region, s3=self.s3, start_job=self.processing.start,
            capture_destination=self._capture_destination, predictor_for_endpoint=self.endpoints.predictor_for_endpoint,
            baselining_outputs=self._baselining_outputs, seed=self.seed,
        )  # fmt: skip
        self.alarms = Alarms(self.client, self.clock, any_stored=self._any_alarm)
        self.schedules = Schedules(self.region, account, self.clock, self.job_definitions,
                                   lambda endpoint: self.endpoints.capture_config(endpoint) is not None, runner, self.seed)  # fmt: skip

    def _handlers(self) -> dict:
        from labkit.local.resources import Tagging

        tables = [self.models.table, self.endpoints.configs, self.endpoints.endpoints, self.processing.table,
                  *self.job_definitions.tables.values(), self.schedules.table]  # fmt: skip
        handlers: dict = {}
        parts = (self.models, self.endpoints, self.processing, self.job_definitions, self.schedules, self.alarms, Tagging(tables))
        for part in parts:
            handlers.update(part.handlers())
        return handlers

    # --- what the parts ask of each other -------------------------------------------------------

    def _capture_destination(self, endpoint: str) -> str | None:
        if endpoint not in self.endpoints.endpoints:
            return None
        config = self.endpoints.capture_config(endpoint)
        return None if config is None else config["DestinationS3Uri"]

    def _any_alarm(self) -> bool:
        from moto.cloudwatch.models import cloudwatch_backends

        return bool(cloudwatch_backends[self.account_id][self.region].alarms)

    def _baselining_outputs(self, job_name: str) -> str | None:
        record = self.processing.table.records.get(job_name)
        outputs = (record or {}).get("ProcessingOutputConfig", {}).get("Outputs", [])
        return outputs[0]["S3Output"]["S3Uri"] if outputs else None

    def _clarify_predictor(self, analysis_config: dict) -> tuple[Any, str | None]:
        """The shadow endpoint a Clarify job calls: the predictor of the model (or endpoint) its
        analysis configuration names; a name the account does not know fails the job."""
        from labkit.local import service_errors

        spec = analysis_config.get("predictor") or {}
        model, endpoint = spec.get("model_name"), spec.get("endpoint_name")
        if endpoint is not None:
            predictor = self.endpoints.predictor_for_endpoint(endpoint)
            arn = self.endpoints.endpoints.arn(endpoint)
            return predictor, None if predictor else f"ClientError: {service_errors.missing('endpoint', arn).message}"
        if model is not None:
            arn = self.models.table.arn(model)
            if model not in self.models.table:
                return None, f"ClientError: {service_errors.missing('model', arn).message}"  # [U] prefix
            return self.models.predictor(model), None
        return None, None

    def _patch_sdk_time(self) -> None:
        """Let the SDK's waits pass simulated time (see ``SimulatedTime``)."""
        done = {id(module) for module, _ in self._patched}
        for name in SDK_TIME_MODULES:
            module = sys.modules.get(name)
            if module is not None and id(module) not in done and getattr(module, "time", None) is time:
                self._patched.append((module, module.time))
                module.time = SimulatedTime(self)


class SimulatedTime:
    """Stands for the ``time`` module inside the SDK: ``sleep`` advances the simulated clock and
    ``time()`` reads it; everything else is the real module's."""

    def __init__(self, local: LocalSageMaker) -> None:
        self._local = local

    def sleep(self, seconds: float) -> None:
        self._local.advance(seconds=max(float(seconds), 0.0))

    def time(self) -> float:
        return self._local.now.timestamp()

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def _boto_session(region: str) -> Any:
    """A boto3 session whose clients read botocore's service models from one loader per process.

    botocore parses each service's JSON model once per session (its loader's cache); a new
    session per block parsed them anew each time (0.3 s and ~50,000 objects for the s3,
    sagemaker and SDK clients, which later full garbage collections scan). Inside a block the
    loader is always the same: ``open`` removes every ``AWS_*`` variable (so no
    ``AWS_DATA_PATH``) and points the config file at nothing, so botocore's default search
    paths are the ones it would build. boto3 appends its own data folder to the loader of every
    session it makes: kept once.
    """
    import boto3
    import botocore.session

    loader = _shared_loader()
    core = botocore.session.Session()
    core.register_component("data_loader", loader)
    session = boto3.Session(botocore_session=core, region_name=region)
    loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


@functools.cache
def _shared_loader() -> Any:
    import botocore.loaders

    return botocore.loaders.create_loader()


def _earliest(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


def _analyzer_run_job(*args: Any, **kwargs: Any) -> Any:
    from labkit.analyzer import run_job

    return run_job(*args, **kwargs)
