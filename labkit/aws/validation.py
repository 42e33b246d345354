"""Check a request offline, against the same service model boto3 uses, before anything is sent.

Three layers, each problem tagged with where its rule comes from:

=================  ===========================================================================
``botocore``       botocore's own ``ParamValidator`` (what boto3 runs before every call): unknown
                   or missing parameters, wrong types, values under a minimum. Its message, verbatim.
``service model``  constraints the model states but botocore leaves to the service (maximum
                   lengths and values, enums, patterns); the service answers a ValidationException.
``AWS docs``       rules written only in the documentation, checked by the kit's twins: the
                   schedule expressions Model Monitor supports (``labkit.schedule``; the model's
                   ``ScheduleExpression`` is any 1–256 characters) and the alarm limits
                   (``labkit.alarms``).
=================  ===========================================================================

The service models load from botocore's data files: no credentials, no network.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from labkit.aws.requests import ApiRequest
from labkit.errors import LabkitInputError

__all__ = [
    "Problem", "RequestRejected", "check", "check_schedule_expression", "compiled_pattern",
    "input_members", "service_model", "validate", "validate_all",
]  # fmt: skip

_ENUM_SHOWN = 8  # enum values listed in a message before "… (n more)"
_NUMERIC = {"integer": int, "long": int, "float": (int, float), "double": (int, float)}


@dataclass(frozen=True)
class Problem:
    """One reason the request would fail: ``source`` is botocore, service model or AWS docs."""

    source: str
    message: str

    def as_text(self) -> str:
        return f"[{self.source}] {self.message}"


class RequestRejected(LabkitInputError):
    """A request that would not get past botocore or the service; every problem is listed."""

    def __init__(self, request: ApiRequest, problems: Iterable[Problem]) -> None:
        self.request = request
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p.as_text()}" for p in self.problems)
        super().__init__(f"{request.service} {request.operation} would be rejected:\n{lines}")


@cache
def service_model(service: str) -> Any:
    """botocore's ``ServiceModel`` for ``service`` (e.g. "sagemaker", "cloudwatch", "events")."""
    return _botocore_session().get_service_model(service)


@lru_cache(maxsize=1)
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def input_members(service: str, operation: str) -> list[str]:
    """The parameter names ``operation`` accepts, in the model's order."""
    shape = service_model(service).operation_model(operation).input_shape
    return list(shape.members) if shape is not None else []


def check(request: ApiRequest) -> tuple[Problem, ...]:
    """Every problem with ``request`` (empty when it would be accepted as far as we can tell)."""
    from botocore.handlers import generate_idempotent_uuid
    from botocore.model import OperationNotFoundError
    from botocore.validate import ParamValidator

    model = service_model(request.service)
    try:
        operation = model.operation_model(request.operation)
    except OperationNotFoundError:
        return (Problem("botocore", f"{request.service} has no operation {request.operation!r}"),)
    params = copy.deepcopy(dict(request.params))
    generate_idempotent_uuid(params, operation)  # what the client does before validating
    shape = operation.input_shape
    problems: list[Problem] = []
    if shape is not None:
        report = ParamValidator().validate(params, shape)
        if report.has_errors():
            problems += [
                Problem("botocore", line) for line in report.generate_report().splitlines()
            ]
        _model_constraints(params, shape, "", problems)
    elif params:
        problems.append(Problem("botocore", f"{request.operation} takes no parameters"))
    rule = _DOCUMENTED_RULES.get((request.service, request.operation))
    if rule is not None:
        problems += [Problem("AWS docs", message) for message in rule(params)]
    return tuple(problems)


def validate(request: ApiRequest) -> ApiRequest:
    """Return ``request`` unchanged if it passes ``check``; else raise RequestRejected."""
    problems = check(request)
    if problems:
        raise RequestRejected(request, problems)
    return request


def validate_all(requests: Iterable[ApiRequest]) -> list[ApiRequest]:
    """``validate`` each request, in order; the first rejected one raises."""
    return [validate(r) for r in requests]


def _name(prefix: str, member: str) -> str:
    return f"{prefix}.{member}" if prefix else member


def _model_constraints(value: Any, shape: Any, name: str, problems: list[Problem]) -> None:
    """The model's max, enum and pattern constraints, which botocore does not check."""
    kind, limit = shape.type_name, shape.metadata.get("max")
    if kind == "structure" and isinstance(value, Mapping):
        for member, member_shape in shape.members.items():
            if member in value:
                _model_constraints(value[member], member_shape, _name(name, member), problems)
    elif kind == "list" and isinstance(value, (list, tuple)):
        if limit is not None and len(value) > limit:
            problems.append(_too_long(name, len(value), limit))
        for i, item in enumerate(value):
            _model_constraints(item, shape.member, f"{name}[{i}]", problems)
    elif kind == "map" and isinstance(value, Mapping):
        for key, item in value.items():
            _model_constraints(key, shape.key, f"{name} (key)", problems)
            _model_constraints(item, shape.value, f"{name}.{key}", problems)
    elif kind == "string" and isinstance(value, str):
        _string_constraints(value, shape, name, problems)
    elif _is_number(value, kind) and limit is not None and value > limit:
        problems.append(_invalid(name, value, f"valid max value: {limit}"))


def _is_number(value: Any, kind: str) -> bool:
    return kind in _NUMERIC and isinstance(value, _NUMERIC[kind]) and not isinstance(value, bool)


def _too_long(name: str, length: int, limit: int) -> Problem:
    message = f"Invalid length for parameter {name}, value: {length}, valid max length: {limit}"
    return Problem("service model", message)


def _invalid(name: str, value: Any, expected: str) -> Problem:
    return Problem(
        "service model", f"Invalid value for parameter {name}, value: {value}, {expected}"
    )


def _string_constraints(value: str, shape: Any, name: str, problems: list[Problem]) -> None:
    limit = shape.metadata.get("max")
    if limit is not None and len(value) > limit:
        problems.append(_too_long(name, len(value), limit))
    enum = shape.enum
    if enum and value not in enum:
        more = f", … ({len(enum) - _ENUM_SHOWN} more)" if len(enum) > _ENUM_SHOWN else ""
        problems.append(
            _invalid(name, value, f"valid values: {', '.join(enum[:_ENUM_SHOWN])}{more}")
        )
    pattern = compiled_pattern(shape.metadata.get("pattern"))
    if pattern is not None and pattern.fullmatch(value) is None:
        problems.append(_invalid(name, value, f"valid pattern: {pattern.pattern}"))


# [U] reference: operations.md Sources (botocore models; their matching rule is not stated) — the
# service matches the whole value: its ValidationException messages quote the patterns anchored
# (``^[a-zA-Z0-9](-*[a-zA-Z0-9])*``). Java-only syntax Python lacks (``\p{…}``) is skipped.
@cache
def compiled_pattern(pattern: str | None) -> re.Pattern | None:
    """The model's pattern as a Python regex, or None when Python cannot read it."""
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error:
        return None


def check_schedule_expression(expression: str) -> str | None:
    """None if Model Monitor supports ``expression``, else why not (``schedule.parse_schedule_expression``)."""
    from labkit.schedule import parse_schedule_expression

    try:
        parse_schedule_expression(expression)
    except LabkitInputError as exc:
        return exc.reason
    return None


def _schedule_rules(params: Mapping[str, Any]) -> list[str]:
    schedule = (params.get("MonitoringScheduleConfig") or {}).get("ScheduleConfig") or {}
    expression = schedule.get("ScheduleExpression")
    if not isinstance(expression, str):
        return []
    problems = [p for p in [check_schedule_expression(expression)] if p]
    if expression == "NOW" and not (
        schedule.get("DataAnalysisStartTime") and schedule.get("DataAnalysisEndTime")
    ):
        problems.append(
            "DataAnalysisStartTime and DataAnalysisEndTime are required when ScheduleExpression is NOW"
        )
    return problems


def _job_input_rule(input_key: str) -> Callable[[Mapping[str, Any]], list[str]]:
    def rule(params: Mapping[str, Any]) -> list[str]:
        job_input = params.get(input_key) or {}
        given = [k for k in ("EndpointInput", "BatchTransformInput") if k in job_input]
        return (
            []
            if len(given) == 1
            else [f"{input_key} needs exactly one of EndpointInput and BatchTransformInput"]
        )

    return rule


def _alarm_rules(params: Mapping[str, Any]) -> list[str]:
    """The CloudWatch User Guide's PutMetricAlarm limits, as the alarm twin checks them."""
    from labkit.alarms import MetricAlarm

    try:
        MetricAlarm.from_dict(params)
    except LabkitInputError as exc:
        return [exc.reason.removeprefix("PutMetricAlarm: ")]
    return []


def _event_pattern_rule(params: Mapping[str, Any]) -> list[str]:
    pattern = params.get("EventPattern")
    if pattern is None:
        return []
    try:
        ok = isinstance(json.loads(pattern), dict)
    except (TypeError, ValueError):
        ok = False
    return [] if ok else ["EventPattern must be a JSON object in a string"]


_DOCUMENTED_RULES: dict[tuple[str, str], Callable[[Mapping[str, Any]], list[str]]] = {
    ("sagemaker", "CreateMonitoringSchedule"): _schedule_rules,
    ("sagemaker", "CreateDataQualityJobDefinition"): _job_input_rule("DataQualityJobInput"),
    ("cloudwatch", "PutMetricAlarm"): _alarm_rules,
    ("events", "PutRule"): _event_pattern_rule,
}
