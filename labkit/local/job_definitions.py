"""The four monitoring job definitions: Create/Describe/Delete/List*JobDefinition(s).

``DefaultModelMonitor``, ``ModelQualityMonitor``, ``ModelBiasMonitor`` and
``ModelExplainabilityMonitor`` each create a job definition of their type, then a monitoring
schedule that names it (``MonitoringJobDefinitionName`` + ``MonitoringType``). The four APIs
share one shape: the same members, each prefixed with the type (``DataQualityJobInput``,
``ModelBiasAppSpecification``…), so one ``JobDefinitions`` class serves all four.
``job_spec`` turns a definition (or a schedule's inline ``MonitoringJobDefinition``) into the
one shape the executions read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from labkit.local import service_errors
from labkit.local.resources import ResourceTable, page

__all__ = ["MONITORING_TYPES", "JobDefinitions", "JobSpec", "job_spec"]

# MonitoringType → the ARN resource type of its job definition [C botocore model, ARN patterns].
MONITORING_TYPES = {
    "DataQuality": "data-quality-job-definition",
    "ModelQuality": "model-quality-job-definition",
    "ModelBias": "model-bias-job-definition",
    "ModelExplainability": "model-explainability-job-definition",
}


@dataclass(frozen=True)
class JobSpec:
    """What an execution needs from a job definition, whatever its type or form."""

    monitoring_type: str
    name: str | None  # None for a schedule's inline MonitoringJobDefinition
    app: dict[str, Any]  # ImageUri, Environment, ContainerArguments, ConfigUri, ProblemType…
    job_input: dict[str, Any]  # {"EndpointInput": …} or {"BatchTransformInput": …}, + GroundTruthS3Input
    outputs: list[dict[str, Any]]  # MonitoringOutputs
    baseline: dict[str, Any]  # ConstraintsResource, StatisticsResource, BaseliningJobName
    resources: dict[str, Any]  # JobResources / MonitoringResources
    environment: dict[str, str]
    role_arn: str
    stopping_condition: dict[str, Any]
    network_config: dict[str, Any] | None

    @property
    def endpoint_name(self) -> str | None:
        return self.job_input.get("EndpointInput", {}).get("EndpointName")

    @property
    def monitoring_input(self) -> dict[str, Any]:
        """The EndpointInput or BatchTransformInput."""
        return self.job_input.get("EndpointInput") or self.job_input.get("BatchTransformInput") or {}


def job_spec(record: dict[str, Any], monitoring_type: str) -> JobSpec:
    """The spec of a stored job definition of ``monitoring_type``."""
    p = monitoring_type
    app = dict(record.get(f"{p}AppSpecification", {}))
    return JobSpec(
        monitoring_type=p,
        name=record["JobDefinitionName"],
        app=app,
        job_input=dict(record.get(f"{p}JobInput", {})),
        outputs=list(record.get(f"{p}JobOutputConfig", {}).get("MonitoringOutputs", [])),
        baseline=dict(record.get(f"{p}BaselineConfig", {})),
        resources=dict(record.get("JobResources", {})),
        environment=dict(app.get("Environment", {})),
        role_arn=record["RoleArn"],
        stopping_condition=dict(record.get("StoppingCondition", {})),
        network_config=record.get("NetworkConfig"),
    )


def inline_spec(definition: dict[str, Any], monitoring_type: str) -> JobSpec:
    """The spec of a schedule's inline ``MonitoringJobDefinition`` (the older API form)."""
    inputs = definition.get("MonitoringInputs", [{}])
    return JobSpec(
        monitoring_type=monitoring_type,
        name=None,
        app=dict(definition.get("MonitoringAppSpecification", {})),
        job_input=dict(inputs[0]) if inputs else {},
        outputs=list(definition.get("MonitoringOutputConfig", {}).get("MonitoringOutputs", [])),
        baseline=dict(definition.get("BaselineConfig", {})),
        resources=dict(definition.get("MonitoringResources", {})),
        environment=dict(definition.get("Environment", {})),
        role_arn=definition["RoleArn"],
        stopping_condition=dict(definition.get("StoppingCondition", {})),
        network_config=definition.get("NetworkConfig"),
    )


class JobDefinitions:
    """The job definitions of each monitoring type, one table per type."""

    def __init__(self, region: str, account: str, clock: Callable[[], Any]) -> None:
        self.clock = clock
        self.tables = {
            kind: ResourceTable(
                arn_kind, region, account,
                not_found=lambda name, arn: service_errors.job_definition_not_found(name),
                exists=lambda name, arn: service_errors.in_use(f"Job definition {name} already exists."),
                name_key="JobDefinitionName", arn_key="JobDefinitionArn",
            )
            for kind, arn_kind in MONITORING_TYPES.items()
        }  # fmt: skip
        self.in_use: Callable[[str, str], str | None] = lambda kind, name: None  # set by the schedules

    def handlers(self) -> dict[tuple[str, str], Callable[[dict], dict]]:
        out: dict[tuple[str, str], Callable[[dict], dict]] = {}
        for kind in MONITORING_TYPES:
            out[("sagemaker", f"Create{kind}JobDefinition")] = self._bind(self.create, kind)
            out[("sagemaker", f"Describe{kind}JobDefinition")] = self.tables[kind].describe
            out[("sagemaker", f"Delete{kind}JobDefinition")] = self._bind(self.delete, kind)
            out[("sagemaker", f"List{kind}JobDefinitions")] = self._bind(self.list, kind)
        return out

    @staticmethod
    def _bind(method: Callable[[str, dict], dict], kind: str) -> Callable[[dict], dict]:
        return lambda params: method(kind, params)

    def spec(self, kind: str, name: str) -> JobSpec:
        return job_spec(self.tables[kind].get(name), kind)

    def create(self, kind: str, params: dict) -> dict:
        return {"JobDefinitionArn": self.tables[kind].create(params, CreationTime=self.clock())["JobDefinitionArn"]}

    def delete(self, kind: str, params: dict) -> dict:
        name = params["JobDefinitionName"]
        self.tables[kind].get(name)
        schedule = self.in_use(kind, name)
        if schedule is not None:
            # [U] wording: the SDK waits for the schedule's deletion first because a job
            # definition "is locked by schedule" (sagemaker/core/model_monitor/model_monitoring.py)
            raise service_errors.in_use(f"Job definition {name} is used by monitoring schedule {schedule}.")
        self.tables[kind].pop(name)
        return {}

    def list(self, kind: str, params: dict) -> dict:
        summaries = []
        for r in self.tables[kind].values():
            summary = {"MonitoringJobDefinitionName": r["JobDefinitionName"],
                       "MonitoringJobDefinitionArn": r["JobDefinitionArn"], "CreationTime": r["CreationTime"]}  # fmt: skip
            endpoint = job_spec(r, kind).endpoint_name
            if endpoint is not None:
                summary["EndpointName"] = endpoint
            summaries.append(summary)
        return page(summaries, params, result_key="JobDefinitionSummaries", name_key="MonitoringJobDefinitionName",
                    sort_keys={"Name": "MonitoringJobDefinitionName", "CreationTime": "CreationTime"},
                    filters={"EndpointName": lambda s, v: s.get("EndpointName") == v})  # fmt: skip
