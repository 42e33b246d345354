"""Endpoint configurations, endpoints, and InvokeEndpoint with data capture to the local S3.

``InvokeEndpoint`` (sagemaker-runtime) calls the predictor registered for the endpoint's model
and, when the endpoint's ``DataCaptureConfig`` enables capture, keeps a capture record for each
sampled request (``labkit.capture``: the record format, the content-type encodings, the seeded
per-request draw). Captured records reach S3 "a couple of minutes" after the request on AWS
(model-monitor-data-capture); locally they are delivered when the simulated clock next moves,
as one file per endpoint, variant and hour under ``{DestinationS3Uri}/{endpoint}/{variant}/
yyyy/mm/dd/hh/`` (``labkit.capture.write_capture``).

Endpoints are ``InService`` as soon as they are created or updated (the SDK's and boto3's
waiters find them ready on their first look), unless the model has no registered predictor:
then the endpoint is ``Failed`` as a container that fails its health check is.
"""

from __future__ import annotations

import base64
import io
import tempfile
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from labkit import capture
from labkit.local import service_errors
from labkit.local.logs import write_log
from labkit.local.resources import page
from labkit.local.service import ServiceError, validation_error

if TYPE_CHECKING:
    from labkit.local.models import Models, Predictor
    from labkit.local.s3 import LocalS3

__all__ = ["HEALTH_CHECK_FAILURE", "Endpoints"]

# [C] the FailureReason of an endpoint whose container does not answer /ping (widely quoted,
# e.g. aws/sagemaker-python-sdk#1389): "The primary container for production variant AllTraffic
# did not pass the ping health check. Please check CloudWatch logs for this endpoint."
HEALTH_CHECK_FAILURE = (
    "The primary container for production variant {variant} did not pass the ping health check. "
    "Please check CloudWatch logs for this endpoint."
)
ENDPOINT_LOG_GROUP = "/aws/sagemaker/Endpoints/{endpoint}"  # where endpoint containers log [C docs]


class Endpoints:
    """The endpoint-configuration, endpoint and runtime operations of one local account."""

    def __init__(self, region: str, account: str, clock: Callable[[], Any], models: Models, s3: LocalS3,
                 seed: int) -> None:  # fmt: skip
        self.region, self.account, self.clock, self.models, self.s3, self.seed = region, account, clock, models, s3, seed
        self.configs = service_errors.hosting_table("endpoint-config", "endpoint configuration", region, account,
                                                    name="EndpointConfig")  # fmt: skip
        self.endpoints = service_errors.hosting_table("endpoint", "endpoint", region, account, name="Endpoint")
        self.pending: dict[tuple[str, str, str], list[capture.CaptureRecord]] = {}
        self._draws: dict[str, np.random.Generator] = {}
        self._flushes = 0

    def handlers(self) -> dict[tuple[str, str], Callable[[dict], dict]]:
        return {
            ("sagemaker", "CreateEndpointConfig"): self.create_config,
            ("sagemaker", "DescribeEndpointConfig"): self.configs.describe,
            ("sagemaker", "DeleteEndpointConfig"): self.configs.delete,
            ("sagemaker", "ListEndpointConfigs"): self.list_configs,
            ("sagemaker", "CreateEndpoint"): self.create,
            ("sagemaker", "DescribeEndpoint"): self.describe,
            ("sagemaker", "UpdateEndpoint"): self.update,
            ("sagemaker", "DeleteEndpoint"): self.endpoints.delete,
            ("sagemaker", "ListEndpoints"): self.list,
            ("sagemaker-runtime", "InvokeEndpoint"): self.invoke,
        }

    # --- endpoint configurations ------------------------------------------------------------------

    def create_config(self, params: dict) -> dict:
        return {"EndpointConfigArn": self.configs.create(params, CreationTime=self.clock())["EndpointConfigArn"]}

    def list_configs(self, params: dict) -> dict:
        summaries = self.configs.summaries(("EndpointConfigName", "EndpointConfigArn", "CreationTime"))
        return page(summaries, params, result_key="EndpointConfigs", name_key="EndpointConfigName",
                    sort_keys={"Name": "EndpointConfigName", "CreationTime": "CreationTime"})  # fmt: skip

    # --- endpoints --------------------------------------------------------------------------------

    def create(self, params: dict) -> dict:
        name = params["EndpointName"]
        if name in self.endpoints:
            raise self.endpoints.exists(name, self.endpoints.arn(name))
        now = self.clock()
        record = {"EndpointName": name, "EndpointArn": self.endpoints.arn(name), "CreationTime": now,
                  "Tags": params.get("Tags", [])}  # fmt: skip
        self.endpoints.add(name, record)
        try:
            self._deploy(record, params["EndpointConfigName"])
        except ServiceError:
            self.endpoints.pop(name)
            raise
        return {"EndpointArn": record["EndpointArn"]}

    def update(self, params: dict) -> dict:
        record = self.endpoints.get(params["EndpointName"])
        self._deploy(record, params["EndpointConfigName"])
        return {"EndpointArn": record["EndpointArn"]}

    def _deploy(self, record: dict, config_name: str) -> None:
        config = self.configs.get(config_name)
        failure = None
        for variant in config["ProductionVariants"]:
            model = variant.get("ModelName")
            if model is not None and model not in self.models.table:
                raise service_errors.missing("model", self.models.table.arn(model))
            if model is not None and self.models.predictor(model) is None and failure is None:
                failure = HEALTH_CHECK_FAILURE.format(variant=variant["VariantName"])
                self._log(record["EndpointName"], variant["VariantName"],
                          f"labkit.local: no predictor is registered for model {model!r}; "
                          f"call register_model({model!r}, ...) before deploying it")  # fmt: skip
        record.update(EndpointConfigName=config_name, LastModifiedTime=self.clock(),
                      EndpointStatus="Failed" if failure else "InService")  # fmt: skip
        record.pop("FailureReason", None)
        if failure:
            record["FailureReason"] = failure

    def describe(self, params: dict) -> dict:
        record = self.endpoints.get(params["EndpointName"])
        config = self.configs.records.get(record["EndpointConfigName"], {})
        out = dict(record)
        out["ProductionVariants"] = [
            {"VariantName": v["VariantName"], "CurrentWeight": v.get("InitialVariantWeight", 1.0),
             "DesiredWeight": v.get("InitialVariantWeight", 1.0),
             "CurrentInstanceCount": v.get("InitialInstanceCount", 1),
             "DesiredInstanceCount": v.get("InitialInstanceCount", 1)}
            for v in config.get("ProductionVariants", [])
        ]  # fmt: skip
        capture_config = config.get("DataCaptureConfig")
        if capture_config:
            enabled = capture_config.get("EnableCapture", True)
            out["DataCaptureConfig"] = {
                "EnableCapture": enabled,
                "CaptureStatus": "Started" if enabled else "Stopped",
                "CurrentSamplingPercentage": capture_config["InitialSamplingPercentage"],
                "DestinationS3Uri": capture_config["DestinationS3Uri"],
                # required in DataCaptureConfigSummary; [U] "" when the config names no key
                "KmsKeyId": capture_config.get("KmsKeyId", ""),
            }
        return out

    def list(self, params: dict) -> dict:
        keys = ("EndpointName", "EndpointArn", "CreationTime", "LastModifiedTime", "EndpointStatus")
        summaries = self.endpoints.summaries(keys)
        return page(summaries, params, result_key="Endpoints", name_key="EndpointName",
                    sort_keys={"Name": "EndpointName", "CreationTime": "CreationTime", "Status": "EndpointStatus"},
                    filters={"StatusEquals": lambda s, v: s["EndpointStatus"] == v})  # fmt: skip

    # --- what other parts of the local SageMaker ask ----------------------------------------------

    def capture_config(self, endpoint: str) -> dict | None:
        """The endpoint's DataCaptureConfig when capture is on, else None (ValidationException if
        the endpoint does not exist)."""
        record = self.endpoints.get(endpoint)
        config = self.configs.records.get(record["EndpointConfigName"], {}).get("DataCaptureConfig")
        return config if config and config.get("EnableCapture", True) else None

    def predictor_for_endpoint(self, endpoint: str) -> Predictor | None:
        record = self.endpoints.records.get(endpoint)
        if record is None:
            return None
        variants = self.configs.records.get(record["EndpointConfigName"], {}).get("ProductionVariants", [])
        return self.models.predictor(variants[0]["ModelName"]) if variants else None

    # --- the runtime ------------------------------------------------------------------------------

    def invoke(self, params: dict) -> dict:
        from botocore.response import StreamingBody

        name = params["EndpointName"]
        record = self.endpoints.records.get(name)
        if record is None or record["EndpointStatus"] != "InService":
            raise service_errors.endpoint_not_found_for_invoke(name, self.account)
        config = self.configs.get(record["EndpointConfigName"])
        variant = _variant(config, params.get("TargetVariant"))
        body = params["Body"]
        body = body.read() if hasattr(body, "read") else body
        body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        content_type = params.get("ContentType", "application/octet-stream")
        predictor = self.models.predictor(variant["ModelName"])
        try:
            answer, answer_type = predictor(body, content_type)
        except Exception as exc:  # the container's error becomes the service's ModelError
            raise _model_error(name, self.region, self.account, exc) from None
        self._capture(name, variant["VariantName"], config, params, body, content_type, answer, answer_type)
        return {"Body": StreamingBody(io.BytesIO(answer), len(answer)), "ContentType": answer_type,
                "InvokedProductionVariant": variant["VariantName"]}  # fmt: skip

    def record(self, endpoint: str, bodies: list[str], answers: list[str], inference_ids: list[str | None],
               content_type: str = "text/csv") -> int:  # fmt: skip
        """Capture requests the endpoint answered with ``answers``, without calling its model.

        Each request goes through ``_capture`` as InvokeEndpoint's does (sampling, modes, content
        types, event ids); returns how many were kept.
        """
        from labkit.errors import LabkitInputError

        record = self.endpoints.records.get(endpoint)
        if record is None:
            raise LabkitInputError(f"no endpoint {endpoint!r} in this local SageMaker: deploy it first")
        if self.capture_config(endpoint) is None:
            raise LabkitInputError(f"endpoint {endpoint!r} has no data capture: deploy it with capture_s3_uri")
        config = self.configs.get(record["EndpointConfigName"])
        variant = _variant(config, None)["VariantName"]
        kept = sum(len(r) for r in self.pending.values())
        for body, answer, inference_id in zip(bodies, answers, inference_ids, strict=True):
            params = {"InferenceId": inference_id} if inference_id is not None else {}
            self._capture(endpoint, variant, config, params, body.encode("utf-8"), content_type,
                          answer.encode("utf-8"), content_type)  # fmt: skip
        return sum(len(r) for r in self.pending.values()) - kept

    def _capture(self, endpoint: str, variant: str, config: dict, params: dict, body: bytes,
                 content_type: str, answer: bytes, answer_type: str) -> None:  # fmt: skip
        settings = config.get("DataCaptureConfig")
        if not settings or not settings.get("EnableCapture", True):
            return
        draws = self._draws.setdefault(endpoint, np.random.default_rng([self.seed, zlib.crc32(endpoint.encode())]))
        if not capture.sampled(1, settings["InitialSamplingPercentage"], draws)[0]:
            return
        modes = {o["CaptureMode"] for o in settings["CaptureOptions"]}
        types = settings.get("CaptureContentTypeHeader", {})
        lists = (types.get("CsvContentTypes", []), types.get("JsonContentTypes", []))
        record = capture.CaptureRecord(
            event_id=str(uuid.UUID(bytes=draws.bytes(16), version=4)),
            inference_time=self.clock(),
            inference_id=params.get("InferenceId"),
            input=_side(body, content_type, "INPUT", lists) if modes & {"Input", "InputAndOutput"} else None,
            output=_side(answer, answer_type, "OUTPUT", lists) if modes & {"Output", "InputAndOutput"} else None,
        )
        self.pending.setdefault((endpoint, variant, settings["DestinationS3Uri"]), []).append(record)

    def flush_capture(self) -> list[str]:
        """Deliver the captured records to S3: one file per endpoint, variant and hour."""
        uploaded: list[str] = []
        for (endpoint, variant, destination), records in sorted(self.pending.items()):
            self._flushes += 1
            with tempfile.TemporaryDirectory(prefix="labkit-capture-") as tmp:
                capture.write_capture(records, tmp, endpoint=endpoint, variant=variant,
                                      seed=self.seed * 100_003 + self._flushes)  # fmt: skip
                uploaded += self.s3.upload_directory(Path(tmp), destination)
        self.pending.clear()
        return uploaded

    def _log(self, endpoint: str, variant: str, message: str) -> None:
        write_log(self.account, self.region, ENDPOINT_LOG_GROUP.format(endpoint=endpoint), f"{variant}/i-labkit-local", [message])


def _variant(config: dict, target: str | None) -> dict:
    variants = config["ProductionVariants"]
    if target is None:
        return variants[0]
    for variant in variants:
        if variant["VariantName"] == target:
            return variant
    # [U] the runtime's answer for an unknown TargetVariant
    raise validation_error(f"Variant {target} not found for endpoint configuration {config['EndpointConfigName']}")


def _side(payload: bytes, content_type: str, mode: str, lists: tuple[list, list]) -> capture.CaptureData:
    encoding = capture.capture_encoding(content_type, csv_content_types=lists[0], json_content_types=lists[1])
    if encoding == "BASE64":
        data = base64.b64encode(payload).decode("ascii")
    else:
        data = payload.decode("utf-8")
    return capture.CaptureData(content_type, mode, data, encoding)


def _model_error(endpoint: str, region: str, account: str, exc: Exception) -> ServiceError:
    """A predictor that raises: the runtime's ``ModelError``.

    [C] the wording of a container's error as InvokeEndpoint reports it, e.g. aws/amazon-sagemaker-
    examples#235: ``Received client error (400) from primary with message "…". See https://…
    #logEventViewer:group=/aws/sagemaker/Endpoints/<endpoint> in account <account> for more
    information.``
    """
    group = ENDPOINT_LOG_GROUP.format(endpoint=endpoint)
    url = f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logEventViewer:group={group}"
    return ServiceError(
        "ModelError",
        f'Received client error (400) from primary with message "{type(exc).__name__}: {exc}". '
        f"See {url} in account {account} for more information.",
    )
