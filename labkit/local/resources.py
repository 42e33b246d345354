"""One table per kind of SageMaker resource: names, ARNs, not-found answers and List* paging.

Every resource the local SageMaker keeps (models, endpoint configurations, endpoints, processing
jobs, job definitions, monitoring schedules) lives in a ``ResourceTable``: a name → record dict
with the ARN rule and the error the service answers for a missing or duplicate name. ``page``
is the one implementation of the List* operations' ``NameContains``, ``SortBy``/``SortOrder``,
``MaxResults`` and ``NextToken``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from labkit.local.service import ServiceError, validation_error

__all__ = ["ResourceTable", "arn", "page"]

DEFAULT_MAX_RESULTS = 10  # List* operations' default page size (API reference: "The default is 10")


def arn(region: str, account: str, kind: str, name: str) -> str:
    """``arn:aws:sagemaker:<region>:<account>:<kind>/<name>``.

    SageMaker writes the name part in lower case [C: e.g. ``endpoint/demo-imageclassification-ep--…``
    for endpoint ``DEMO-imageclassification-ep--…`` in aws/amazon-sagemaker-examples#293].
    """
    return f"arn:aws:sagemaker:{region}:{account}:{kind}/{name.lower()}"


@dataclass
class ResourceTable:
    """The records of one resource kind, by name, in creation order."""

    kind: str  # the ARN's resource type, e.g. "endpoint-config"
    region: str
    account: str
    not_found: Callable[[str, str], ServiceError]  # (name, arn) → the service's answer
    exists: Callable[[str, str], ServiceError]
    records: dict[str, dict[str, Any]] = field(default_factory=dict)

    def arn(self, name: str) -> str:
        return arn(self.region, self.account, self.kind, name)

    def add(self, name: str, record: dict[str, Any]) -> dict[str, Any]:
        if name in self.records:
            raise self.exists(name, self.arn(name))
        self.records[name] = record
        return record

    def get(self, name: str) -> dict[str, Any]:
        try:
            return self.records[name]
        except KeyError:
            raise self.not_found(name, self.arn(name)) from None

    def pop(self, name: str) -> dict[str, Any]:
        record = self.get(name)
        del self.records[name]
        return record

    def __contains__(self, name: object) -> bool:
        return name in self.records

    def values(self) -> list[dict[str, Any]]:
        return list(self.records.values())


def page(
    items: Iterable[Mapping[str, Any]],
    params: Mapping[str, Any],
    *,
    result_key: str,
    name_key: str,
    sort_keys: Mapping[str, str],
    default_sort: str = "CreationTime",
    default_order: str = "Descending",
    filters: Mapping[str, Callable[[Mapping[str, Any], Any], bool]] | None = None,
) -> dict[str, Any]:
    """One page of a List* answer: filter, sort, cut at MaxResults, and the NextToken.

    ``sort_keys`` maps each SortBy value the API accepts to the summary field it sorts on;
    ``filters`` maps request parameters (``EndpointName``, ``StatusEquals``…) to predicates.
    ``NameContains`` and the ``CreationTimeBefore``/``After`` pair apply wherever given.
    """
    chosen = list(items)
    contains = params.get("NameContains")
    if contains:
        chosen = [s for s in chosen if contains.lower() in str(s[name_key]).lower()]
    for key, keep in (
        ("CreationTimeBefore", lambda t, limit: t < limit),
        ("CreationTimeAfter", lambda t, limit: t > limit),
    ):
        if params.get(key) is not None:
            chosen = [s for s in chosen if keep(s["CreationTime"], _aware(params[key]))]
    for key, predicate in (filters or {}).items():
        if params.get(key) is not None:
            chosen = [s for s in chosen if predicate(s, params[key])]
    field_name = sort_keys[params.get("SortBy") or default_sort]
    descending = (params.get("SortOrder") or default_order) == "Descending"
    chosen.sort(key=lambda s: s.get(field_name) or "", reverse=descending)
    start = _start(params.get("NextToken"), len(chosen))
    size = params.get("MaxResults") or DEFAULT_MAX_RESULTS
    out: dict[str, Any] = {result_key: [dict(s) for s in chosen[start : start + size]]}
    if start + size < len(chosen):
        out["NextToken"] = str(start + size)
    return out


def _start(token: str | None, total: int) -> int:
    if token is None:
        return 0
    if not token.isdigit() or int(token) > total:
        raise validation_error(f"Invalid pagination token {token!r}")  # [U] wording
    return int(token)


def _aware(moment: datetime) -> datetime:
    from labkit.capture import to_utc

    return to_utc(moment)
