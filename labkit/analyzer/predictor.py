"""The shadow endpoint a Clarify job calls, seen as a model the twins can score with.

A Clarify job that needs predictions (post-training bias, SHAP) starts a shadow endpoint from the
analysis config's ``predictor`` and sends it the records, serialised as ``content_type``
(``text/csv`` by default), reading the answer as ``accept_type`` (AWS "Configure the
analysis", clarify-processing-job-configure-analysis). ``EndpointModel`` does the same through
a ``predictor(payload, content_type) -> (body, content_type)`` callable, and offers the
``predict`` the explainability twin's ``Explainer`` calls.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from labkit.analyzer.contract import JobFailure, Predictor
from labkit.errors import LabkitInputError

__all__ = ["EndpointModel", "model_outputs", "serve_model"]

DEFAULT_CONTENT_TYPE = "text/csv"  # Clarify's predictor.content_type default [C docs]


class EndpointModel:
    """A ``predict(frame) -> array`` over a predictor callable: one request per call, rows in order."""

    def __init__(self, predictor: Predictor, *, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        if content_type.split(";")[0].strip() not in ("text/csv", "application/jsonlines"):
            raise JobFailure(
                f"predictor content_type {content_type!r} is not supported (text/csv or application/jsonlines)"
            )
        self.predictor, self.content_type = predictor, content_type

    def raw(self, frame: pd.DataFrame) -> list[Any]:
        """One parsed response row per record: a list of values (CSV fields or a JSON line's value)."""
        body, returned = self.predictor(self._payload(frame), self.content_type)
        rows = _parse(body, returned)
        if len(rows) != len(frame):
            raise LabkitInputError(
                f"the endpoint returned {len(rows)} prediction(s) for {len(frame)} record(s)"
            )
        return rows

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """The endpoint's numeric outputs, one row per record (what the Explainer's payoff reads)."""
        rows = self.raw(frame)
        try:
            return np.asarray([[float(v) for v in _as_list(row)] for row in rows], dtype=float)
        except (TypeError, ValueError):
            raise LabkitInputError("the endpoint returned a value that is not a number") from None

    def _payload(self, frame: pd.DataFrame) -> bytes:
        if self.content_type.startswith("application/jsonlines"):
            lines = (
                json.dumps({"features": [_plain(v) for v in row]})
                for row in frame.itertuples(index=False)
            )
            return ("\n".join(lines) + "\n").encode("utf-8")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            [_plain(v) for v in row] for row in frame.itertuples(index=False)
        )
        return buffer.getvalue().encode("utf-8")


def serve_model(model: Any) -> Predictor:
    """A local model as an endpoint: CSV records in, one CSV line per record out.

    [U] What the kit's served model answers: a classifier's probability of its last class (the
    positive class of a binary model, as an XGBoost binary:logistic endpoint does), else
    ``predict``'s value(s).
    """

    def predictor(payload: bytes, content_type: str) -> tuple[bytes, str]:
        if not content_type.startswith("text/csv"):
            raise JobFailure(f"the served model reads text/csv, not {content_type}")
        names = getattr(model, "feature_names_in_", None)
        rows = list(csv.reader(io.StringIO(payload.decode("utf-8"))))
        frame = pd.DataFrame(rows, columns=None if names is None else list(names))
        frame = frame.apply(
            lambda s: (
                pd.to_numeric(s, errors="coerce")
                if pd.to_numeric(s, errors="coerce").notna().all()
                else s
            )
        )
        if callable(getattr(model, "predict_proba", None)):
            values = np.asarray(model.predict_proba(frame))[:, -1:]
        else:
            values = np.asarray(model.predict(frame)).reshape(len(frame), -1)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            [[repr(float(v)) for v in row] for row in values]
        )
        return buffer.getvalue().encode("utf-8"), "text/csv"

    return predictor


def model_outputs(
    model: EndpointModel, frame: pd.DataFrame, predictor_config: Mapping[str, Any]
) -> list[Any]:
    """The predicted label (or score) per record, located as the analysis config's predictor says.

    ``label`` (index or key) names the predicted label, else ``probability`` the score, else the
    response's single value is used (the SDK's ModelPredictedLabelConfig).
    """
    where = predictor_config.get("label", predictor_config.get("probability"))
    out = []
    for row in model.raw(frame):
        values = row
        if where is None:
            items = _as_list(values)
            if len(items) != 1:
                raise JobFailure(
                    "the endpoint returns several values per record; set predictor label or probability in analysis_config.json"
                )
            out.append(items[0])
        elif isinstance(values, Mapping):
            if where not in values:
                raise LabkitInputError(f"the endpoint's response has no {where!r}")
            out.append(values[where])
        else:
            items = _as_list(values)
            index = int(where)
            if not 0 <= index < len(items):
                raise LabkitInputError(
                    f"the endpoint returned {len(items)} value(s); index {index} is out of range"
                )
            out.append(items[index])
    return [_number(v) for v in out]


def _parse(body: bytes, content_type: str) -> list[Any]:
    text = body.decode("utf-8")
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/json", "application/jsonlines"):
        if media == "application/json":
            data = json.loads(text)
            return list(data) if isinstance(data, list) else [data]
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [row for row in csv.reader(io.StringIO(text)) if row]


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return list(value.values())
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return (
            int(number)
            if number.is_integer() and "." not in value and "e" not in value.lower()
            else number
        )
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return value
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else value
