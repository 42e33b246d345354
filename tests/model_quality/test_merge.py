"""The ground-truth merge: join rule, late / duplicate / unmatched labels, counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from labkit.capture import CaptureData, CaptureRecord
from labkit.errors import LabkitInputError
from labkit.ground_truth import GroundTruthRecord
from labkit.model_quality import merge_ground_truth

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def _capture(
    event_id: str, output: str | None, *, inference_id: str | None = None, encoding: str = "CSV"
):
    out = None if output is None else CaptureData("text/csv", "OUTPUT", output, encoding)
    inp = CaptureData("text/csv", "INPUT", "1,2,3", "CSV")
    return CaptureRecord(event_id, T0, inference_id, inp, out)


def _check_counts(result, n_used_labels: int) -> None:
    assert result.n_captured == result.n_matched + result.n_unmatched_captures
    assert result.n_labelled == result.n_duplicate_labels + n_used_labels


def test_inference_id_is_the_key_when_present_else_event_id():
    captures = [
        _capture("ev-1", "1", inference_id="order-1"),
        _capture("ev-2", "0"),  # no InferenceId: matched on its eventId
        _capture("ev-3", "1", inference_id="order-3"),
    ]
    labels = [
        GroundTruthRecord("order-1", "1"),
        GroundTruthRecord("ev-2", "0"),
        GroundTruthRecord(
            "ev-3", "0"
        ),  # names the eventId of a capture that has an inferenceId: no match
    ]
    result = merge_ground_truth(captures, labels)
    assert result.frame["event_id"].tolist() == ["ev-1", "ev-2"]
    assert result.frame["label"].tolist() == [1, 0]
    assert result.frame["prediction"].tolist() == [1, 0]
    assert result.unmatched_captures["event_id"].tolist() == ["ev-3"]
    assert result.unmatched_labels["event_id"].tolist() == ["ev-3"]
    _check_counts(result, n_used_labels=3)


def test_late_duplicate_and_unmatched_labels():
    captures = [_capture(f"ev-{i}", f"0.{i}1,{i % 2}") for i in range(5)]
    first_batch = [
        GroundTruthRecord("ev-0", "0"),
        GroundTruthRecord("ev-1", "0"),
        GroundTruthRecord("nobody", "1"),
    ]
    late_batch = [
        GroundTruthRecord("ev-3", "1"),
        GroundTruthRecord("ev-1", "1"),
    ]  # ev-1 corrected later
    result = merge_ground_truth(
        captures, first_batch + late_batch, inference_attribute=1, probability_attribute=0
    )
    assert result.counts() == {
        "n_captured": 5,
        "n_labelled": 5,
        "n_matched": 3,
        "n_unmatched_captures": 2,
        "n_unmatched_labels": 1,
        "n_duplicate_labels": 1,
    }
    merged = result.frame.set_index("event_id")
    assert merged.loc["ev-1", "label"] == 1  # the last label wins
    assert merged.loc["ev-3", "label"] == 1  # a late label still matches
    assert merged.loc["ev-3", "probability"] == pytest.approx(0.31)
    assert result.duplicate_labels.to_dict("records") == [{"event_id": "ev-1", "label": "0"}]
    assert result.unmatched_labels["event_id"].tolist() == ["nobody"]
    assert sorted(result.unmatched_captures["event_id"]) == ["ev-2", "ev-4"]
    assert {"inference_time", "input", "output"} <= set(result.frame.columns)
    _check_counts(result, n_used_labels=4)


def test_frames_merge_with_the_same_rule():
    captures = pd.DataFrame(
        {
            "inference_id": ["a", None, "c"],
            "event_id": ["e1", "e2", "e3"],
            "prediction": [1, 0, 1],
            "probability": [0.9, 0.2, 0.7],
        }
    )
    labels = pd.DataFrame({"event_id": ["a", "e2", "c", "c"], "label": [1, 1, 0, 1]})
    result = merge_ground_truth(captures, labels)
    assert result.frame[["event_id", "prediction", "probability", "label"]].to_dict("list") == {
        "event_id": ["e1", "e2", "e3"],
        "prediction": [1, 0, 1],
        "probability": [0.9, 0.2, 0.7],
        "label": [1, 1, 1],
    }
    assert result.n_duplicate_labels == 1 and result.n_unmatched_labels == 0


def test_json_output_attribute_path():
    record = CaptureRecord(
        "ev-9",
        T0,
        None,
        None,
        CaptureData("application/json", "OUTPUT", '{"predictions": [{"score": 0.8}]}', "JSON"),
    )
    result = merge_ground_truth(
        [record],
        [GroundTruthRecord("ev-9", "1")],
        inference_attribute=None,
        probability_attribute="predictions.0.score",
    )
    assert result.frame["probability"].tolist() == [0.8]
    assert "prediction" not in result.frame.columns


def test_unreadable_outputs_name_the_capture():
    with pytest.raises(LabkitInputError, match="ev-1.*1 CSV field"):
        merge_ground_truth(
            [_capture("ev-1", "0.3")], [GroundTruthRecord("ev-1", "1")], inference_attribute=1
        )
    input_only = CaptureRecord(
        "ev-2", T0, None, CaptureData("text/csv", "INPUT", "1,2", "CSV"), None
    )
    with pytest.raises(LabkitInputError, match="ev-2.*no endpointOutput"):
        merge_ground_truth([input_only], [])


def test_frames_without_keys_are_refused():
    with pytest.raises(LabkitInputError, match="inference_id or event_id"):
        merge_ground_truth(
            pd.DataFrame({"prediction": [1]}), pd.DataFrame({"event_id": ["a"], "label": [1]})
        )
    with pytest.raises(LabkitInputError, match="column 'label'"):
        merge_ground_truth(
            pd.DataFrame({"event_id": ["a"]}), pd.DataFrame({"event_id": ["a"], "y": [1]})
        )


def test_nothing_labelled_gives_an_empty_frame_and_full_leftovers():
    result = merge_ground_truth([_capture("ev-1", "1")], [])
    assert result.n_matched == 0 and result.n_unmatched_captures == 1 and len(result.frame) == 0
