"""The local service's wire: botocore calls answered in-process, errors worded as AWS words them.

botocore emits two events on every call that let a handler answer it without a network:
``before-parameter-build`` carries the caller's parameters (kept in the request context) and
``before-call`` accepts a ready ``(http_response, parsed_response)`` pair. ``Router`` answers
the operations the kit serves this way; every other call goes on to moto. A handler returns
the response dict of the operation's output shape, or raises ``ServiceError``, which botocore
turns into the same ``ClientError`` (or modeled exception, such as ``ResourceNotFound``) that
the real service's HTTP error would give. A handler that returns None leaves the call to moto.

Before a handler runs, the parameters are checked against the constraints of botocore's service
model that botocore itself leaves to the service (maximum lengths and values, enums, patterns),
and refused with the service's ``ValidationException`` wording::

    1 validation error detected: Value 'Foo' at 'modelQualityAppSpecification.problemType'
    failed to satisfy constraint: Member must satisfy enum value set: [BinaryClassification, ...]

The handlers are installed in ``botocore.handlers.BUILTIN_HANDLERS`` while a local SageMaker is
active (as moto installs its own), so every session created inside ``labkit.local.sagemaker()``
sees them; they forward to the active router, and answer nothing once it has closed.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from labkit.aws.validation import compiled_pattern

__all__ = [
    "Handler",
    "Router",
    "ServiceError",
    "constraint_messages",
    "not_found",
    "validation_error",
]

Handler = Callable[[dict[str, Any]], dict[str, Any]]
_PARAMS_KEY = "labkit.local.params"  # where the caller's parameters wait in the request context
_ACTIVE: list[Router] = []  # the router of the open context, if any
# Coral's ValidationException: "<n> validation error(s) detected: <item>; <item>" (seen in AWS
# answers quoted in aws/amazon-sagemaker-examples#2228: "1 validation error detected: Value
# 'ENTER MODEL NAME' at 'productionVariants.1.member.modelName' failed to satisfy constraint:
# Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*").
_VALUE_AT = "Value '{value}' at '{path}' failed to satisfy constraint: {constraint}"


class ServiceError(Exception):
    """An error the service answers with: its code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


def validation_error(messages: list[str] | str) -> ServiceError:
    """A ``ValidationException``: one message, or Coral's numbered list of constraint failures."""
    if isinstance(messages, str):
        return ServiceError("ValidationException", messages)
    noun = "error" if len(messages) == 1 else "errors"
    return ServiceError(
        "ValidationException", f"{len(messages)} validation {noun} detected: {'; '.join(messages)}"
    )


def not_found(message: str) -> ServiceError:
    """SageMaker's ``ResourceNotFound`` (a modeled exception of the sagemaker client)."""
    return ServiceError("ResourceNotFound", message)


# --- the service model's constraints ------------------------------------------------------------


def constraint_messages(value: Any, shape: Any, path: str = "") -> Iterator[str]:
    """Each constraint of ``shape`` that ``value`` breaks, as the service words it."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        for member, member_shape in shape.members.items():
            if member in value:
                yield from constraint_messages(value[member], member_shape, _join(path, member))
    elif kind == "list" and isinstance(value, (list, tuple)):
        yield from _length_messages(value, shape, path)
        for i, item in enumerate(value, start=1):
            yield from constraint_messages(item, shape.member, f"{path}.{i}.member")
    elif kind == "map" and isinstance(value, Mapping):
        for key, item in value.items():
            for text in constraint_messages(key, shape.key, path):
                yield text.replace("failed to satisfy constraint: ", "failed to satisfy constraint: Map keys must satisfy constraint: ", 1)
            yield from constraint_messages(item, shape.value, f"{path}.{key}")
    elif kind == "string" and isinstance(value, str):
        yield from _length_messages(value, shape, path)
        if shape.enum and value not in shape.enum:
            yield _at(value, path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        pattern = compiled_pattern(shape.metadata.get("pattern"))
        if pattern is not None and pattern.fullmatch(value) is None:
            yield _at(value, path, f"Member must satisfy regular expression pattern: {pattern.pattern}")
    elif kind in ("integer", "long", "float", "double") and isinstance(value, (int, float)):
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if high is not None and value > high:
            yield _at(value, path, f"Member must have value less than or equal to {high}")
        if low is not None and value < low:
            yield _at(value, path, f"Member must have value greater than or equal to {low}")


def _join(path: str, member: str) -> str:
    camel = member[:1].lower() + member[1:]  # the service names members in lowerCamelCase
    return f"{path}.{camel}" if path else camel


def _at(value: Any, path: str, constraint: str) -> str:
    return _VALUE_AT.format(value=value, path=path, constraint=constraint)


def _length_messages(value: Any, shape: Any, path: str) -> Iterator[str]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    shown = f"[{', '.join(map(str, value))}]" if isinstance(value, (list, tuple)) else value
    if high is not None and len(value) > high:
        yield _at(shown, path, f"Member must have length less than or equal to {high}")
    if low is not None and len(value) < low:
        yield _at(shown, path, f"Member must have length greater than or equal to {low}")


# --- answering botocore ---------------------------------------------------------------------------


class Router:
    """The operations a local SageMaker serves, by (botocore service name, operation name)."""

    def __init__(self, handlers: Mapping[tuple[str, str], Handler]) -> None:
        self.handlers = dict(handlers)
        self.calls: list[tuple[str, str]] = []  # what was answered, in order (tests read it)

    def serves(self, model: Any) -> bool:
        return (model.service_model.service_name, model.name) in self.handlers

    def answer(self, model: Any, params: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
        """The ``(http_response, parsed)`` pair botocore expects from a ``before-call`` handler, or
        None when the handler leaves the call to moto (it returned None)."""
        key = (model.service_model.service_name, model.name)
        try:
            shape = model.input_shape
            problems = list(constraint_messages(params, shape)) if shape is not None else []
            if problems:
                raise validation_error(problems)
            parsed, status = self.handlers[key](params), 200
            if parsed is None:  # not the kit's resource (e.g. ListTags of a moto one): moto answers
                return None
        except ServiceError as error:
            parsed = {"Error": {"Code": error.code, "Message": error.message}}
            status = error.status
        self.calls.append(key)
        return _http_response(status), _with_metadata(parsed, status, len(self.calls))

    def install(self) -> None:
        """Route calls of every session created from now on to this router."""
        from botocore.handlers import BUILTIN_HANDLERS

        _ACTIVE.append(self)
        for entry in _ENTRIES:
            if entry not in BUILTIN_HANDLERS:
                BUILTIN_HANDLERS.append(entry)

    def uninstall(self) -> None:
        """Stop answering: the handlers leave BUILTIN_HANDLERS and forward to nothing."""
        from botocore.handlers import BUILTIN_HANDLERS

        if self in _ACTIVE:
            _ACTIVE.remove(self)
        if not _ACTIVE:
            for entry in _ENTRIES:
                while entry in BUILTIN_HANDLERS:
                    BUILTIN_HANDLERS.remove(entry)


def _active() -> Router | None:
    return _ACTIVE[-1] if _ACTIVE else None


def _keep_params(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    router = _active()
    if router is not None and router.serves(model):
        context[_PARAMS_KEY] = copy.deepcopy(params)


def _answer_call(model: Any, context: dict[str, Any], **_: Any) -> Any:
    router = _active()
    if router is None or not router.serves(model):
        return None
    return router.answer(model, context.get(_PARAMS_KEY, {}))


_ENTRIES = (("before-parameter-build", _keep_params), ("before-call", _answer_call))


def _http_response(status: int) -> Any:
    from botocore.awsrequest import AWSResponse

    return AWSResponse(url="", status_code=status, headers={}, raw=None)


def _with_metadata(parsed: dict[str, Any], status: int, number: int) -> dict[str, Any]:
    request_id = str(uuid.UUID(int=number))  # deterministic: the n-th call answered
    parsed["ResponseMetadata"] = {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": {"x-amzn-requestid": request_id},
        "RetryAttempts": 0,
    }
    return parsed
