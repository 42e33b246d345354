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

__all__ = ["ResourceTable", "Tagging", "arn", "page"]

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
    name_key: str = ""  # the request member that names one, e.g. "ModelName"
    arn_key: str = ""  # the member that holds its ARN, e.g. "ModelArn"
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def arn(self, name: str) -> str:
        return arn(self.region, self.account, self.kind, name)

    def add(self, name: str, record: dict[str, Any]) -> dict[str, Any]:
        """Keep ``record`` under ``name``; its ``Tags`` (if any) move to the tag list."""
        if name in self.records:
            raise self.exists(name, self.arn(name))
        self.tags[name] = list(record.pop("Tags", None) or [])
        self.records[name] = record
        return record

    def create(self, params: Mapping[str, Any], **fields: Any) -> dict[str, Any]:
        """A Create* request kept as the resource's record, with its ARN and ``fields`` added."""
        name = params[self.name_key]
        return self.add(name, dict(params, **{self.arn_key: self.arn(name)}, **fields))

    def describe(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A Describe* answer: the record named in the request."""
        return dict(self.get(params[self.name_key]))

    def delete(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A Delete* answer: the named record is gone."""
        self.pop(params[self.name_key])
        return {}

    def summaries(self, keys: Iterable[str]) -> list[dict[str, Any]]:
        """Each record's ``keys`` (those it has), for a List* answer."""
        keys = tuple(keys)
        return [{k: r[k] for k in keys if k in r} for r in self.records.values()]

    def get(self, name: str) -> dict[str, Any]:
        try:
            return self.records[name]
        except KeyError:
            raise self.not_found(name, self.arn(name)) from None

    def pop(self, name: str) -> dict[str, Any]:
        record = self.get(name)
        del self.records[name]
        self.tags.pop(name, None)
        return record

    def name_of(self, resource_arn: str) -> str | None:
        """The name of this table's resource with ``resource_arn`` (ARNs are lower case)."""
        return next((n for n in self.records if self.arn(n) == resource_arn), None)

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


class Tagging:
    """AddTags, ListTags and DeleteTags for the kit's resources; other ARNs are moto's."""

    def __init__(self, tables: Iterable[ResourceTable]) -> None:
        self.tables = list(tables)

    def handlers(self) -> dict[tuple[str, str], Callable[[dict], dict | None]]:
        return {("sagemaker", "AddTags"): self.add, ("sagemaker", "ListTags"): self.list,
                ("sagemaker", "DeleteTags"): self.delete}  # fmt: skip

    def _find(self, resource_arn: str) -> tuple[ResourceTable, str] | None:
        for table in self.tables:
            if resource_arn.startswith(arn(table.region, table.account, table.kind, "")):
                name = table.name_of(resource_arn)
                if name is None:  # [U] wording
                    raise validation_error(f"Resource {resource_arn} does not exist.")
                return table, name
        return None

    def add(self, params: dict) -> dict | None:
        found = self._find(params["ResourceArn"])
        if found is None:
            return None
        table, name = found
        keys = {t["Key"] for t in params["Tags"]}
        table.tags[name] = [t for t in table.tags[name] if t["Key"] not in keys] + list(params["Tags"])
        return {"Tags": list(table.tags[name])}

    def list(self, params: dict) -> dict | None:
        found = self._find(params["ResourceArn"])
        return None if found is None else {"Tags": list(found[0].tags[found[1]])}

    def delete(self, params: dict) -> dict | None:
        found = self._find(params["ResourceArn"])
        if found is None:
            return None
        table, name = found
        table.tags[name] = [t for t in table.tags[name] if t["Key"] not in set(params["TagKeys"])]
        return {}
