"""SageMaker models, each served by a predictor the learner registers under the model's name.

A real model is a container image plus artifacts; the local one is a Python predictor with the
container's calling convention, ``predictor(body: bytes, content_type) -> (body, content_type)``
(the same shape the Clarify twin calls for its shadow endpoint, ``labkit.analyzer.Predictor``).
``register_model`` accepts three things:

* a scikit-learn estimator (anything with ``predict``), or a ``.skops`` file holding one: served
  as the built-in algorithms serve tabular models. A CSV request (rows without a header, the
  features in training order) gets one line per row; a JSON Lines request
  (``{"features": [...]}`` per line) gets ``{"predicted_label": …, "score": …}`` per line, as the
  AWS Clarify monitoring examples' model answers;
* any other callable, taken as the predictor itself (it may return the body alone).

CreateModel, DescribeModel, DeleteModel and ListModels keep the SageMaker side; the predictor is
looked up by model name when an endpoint is invoked or a Clarify job calls its shadow endpoint.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit.errors import LabkitInputError
from labkit.local import service_errors
from labkit.local.resources import page

__all__ = ["Models", "Predictor", "as_predictor", "estimator_predictor"]

Predictor = Callable[[bytes, str], tuple[bytes, str]]
OUTPUTS = ("auto", "score", "label", "label,score")  # what an estimator's CSV answer holds


def estimator_predictor(
    estimator: Any, *, feature_names: Sequence[str] | None = None, output: str = "auto"
) -> Predictor:
    """Serve a fitted estimator: CSV or JSON Lines rows in, scores (or labels) out.

    ``feature_names`` name the request's columns in order (default: the estimator's
    ``feature_names_in_``, set when it was fitted on a DataFrame). ``output`` for CSV answers:
    ``score`` (the positive-class probability of a classifier, the value of a regressor),
    ``label``, or ``label,score``; ``auto`` is ``score``.
    """
    if output not in OUTPUTS:
        raise LabkitInputError(f"output is {output!r}, expected one of {', '.join(OUTPUTS)}")
    names = list(feature_names if feature_names is not None else getattr(estimator, "feature_names_in_", []))
    if not names:
        raise LabkitInputError(
            "name the request's columns: pass feature_names=[...] (the estimator was not fitted on a DataFrame)"
        )

    def predict(body: bytes, content_type: str) -> tuple[bytes, str]:
        rows = _request_rows(body, content_type, names)
        labels, scores = _labels_and_scores(estimator, rows)
        if "json" in content_type.lower():
            lines = [json.dumps({"predicted_label": _plain(l), "score": _plain(s)}) for l, s in zip(labels, scores)]
            return ("\n".join(lines) + "\n").encode("utf-8"), content_type
        chosen = {"auto": [scores], "score": [scores], "label": [labels], "label,score": [labels, scores]}[output]
        lines = [",".join(str(_plain(column[i])) for column in chosen) for i in range(len(rows))]
        return ("\n".join(lines) + "\n").encode("utf-8"), "text/csv; charset=utf-8"

    return predict


def as_predictor(model: Any, **options: Any) -> Predictor:
    """A predictor from an estimator, a ``.skops`` file, or a callable (see the module docstring)."""
    if isinstance(model, (str, Path)):
        from labkit.model_explainability.model_files import load_model

        return estimator_predictor(load_model(model), **options)
    if callable(getattr(model, "predict", None)):
        return estimator_predictor(model, **options)
    if callable(model):
        if options:
            raise LabkitInputError(f"options {sorted(options)} apply to estimators, not to a predictor function")

        def call(body: bytes, content_type: str) -> tuple[bytes, str]:
            answer = model(body, content_type)
            return answer if isinstance(answer, tuple) else (answer, content_type)

        return call
    raise LabkitInputError(
        f"cannot serve a {type(model).__name__}: pass a fitted estimator, a .skops file or a function"
    )


def _request_rows(body: bytes, content_type: str, names: list[str]) -> pd.DataFrame:
    """The request's rows as a table: columns of numbers where every cell is one, else text."""
    text = body.decode("utf-8")
    if "json" in content_type.lower():
        rows = _json_rows(text, content_type, names)
    else:
        rows = [[cell if cell != "" else None for cell in fields] for fields in csv.reader(io.StringIO(text)) if fields]
    for i, fields in enumerate(rows, start=1):
        if len(fields) != len(names):
            raise LabkitInputError(f"request row {i} has {len(fields)} fields, expected {len(names)} ({', '.join(names)})")
    if not rows:
        raise LabkitInputError("the request holds no rows")
    frame = pd.DataFrame.from_records(rows, columns=names)
    for column in names:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].notna().sum():
            frame[column] = numbers  # a categorical column keeps its text
    return frame


def _json_rows(text: str, content_type: str, names: list[str]) -> list[list]:
    from labkit.capture import CaptureData, CaptureRecord, records_to_frame

    side = CaptureData(content_type, "INPUT", text, "JSON")
    record = CaptureRecord(event_id="request", inference_time=pd.Timestamp(0, tz="UTC").to_pydatetime(), input=side)
    frame, bad = records_to_frame([record], names)
    if bad:
        raise LabkitInputError(f"the request could not be read: {bad[0].reason}")
    return frame.to_numpy(dtype=object).tolist()


def _labels_and_scores(estimator: Any, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if callable(getattr(estimator, "predict_proba", None)):
        probabilities = estimator.predict_proba(rows)
        classes = np.asarray(estimator.classes_)
        return classes[probabilities.argmax(axis=1)], probabilities[:, -1]
    values = np.asarray(estimator.predict(rows))
    return values, values


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


class Models:
    """CreateModel / DescribeModel / DeleteModel / ListModels, and the predictors behind them."""

    def __init__(self, region: str, account: str, clock: Callable[[], Any]) -> None:
        self.clock = clock
        self.table = service_errors.hosting_table("model", "model", region, account, name="Model")
        self.predictors: dict[str, Predictor] = {}

    def register(self, name: str, model: Any, **options: Any) -> Predictor:
        self.predictors[name] = as_predictor(model, **options)
        return self.predictors[name]

    def predictor(self, name: str) -> Predictor | None:
        """The predictor registered for model ``name``, or None."""
        return self.predictors.get(name)

    def handlers(self) -> dict[tuple[str, str], Callable[[dict], dict]]:
        return {
            ("sagemaker", "CreateModel"): self.create,
            ("sagemaker", "DescribeModel"): self.table.describe,
            ("sagemaker", "DeleteModel"): self.table.delete,
            ("sagemaker", "ListModels"): self.list,
        }

    def create(self, params: dict) -> dict:
        return {"ModelArn": self.table.create(params, CreationTime=self.clock())["ModelArn"]}

    def list(self, params: dict) -> dict:
        return page(self.table.summaries(("ModelName", "ModelArn", "CreationTime")), params, result_key="Models", name_key="ModelName",
                    sort_keys={"Name": "ModelName", "CreationTime": "CreationTime"})  # fmt: skip
