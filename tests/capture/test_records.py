"""CaptureRecord / CaptureData: the exact line SageMaker writes, and validation of what is read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.capture import CaptureData, CaptureRecord, join_key
from labkit.errors import LabkitInputError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "capture"

# operations.md §1.2: the reference example line (docs key order, with an inferenceId).
REFERENCE_LINE = (
    '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",'
    '"data":"69,0,153.7,109,194.0","encoding":"CSV"},"endpointOutput":{"observedContentType":'
    '"text/csv; charset=utf-8","mode":"OUTPUT","data":"0.0254181120544672","encoding":"CSV"}},'
    '"eventMetadata":{"eventId":"74b0dd56-e7c8-368e-94b1-14a138a96000","inferenceId":'
    '"order-000123","inferenceTime":"2022-02-14T17:25:49Z"},"eventVersion":"0"}'
)


def _record(**changes) -> CaptureRecord:
    fields = {
        "event_id": "e-1",
        "inference_time": datetime(2024, 3, 1, 10, 15, 30, tzinfo=UTC),
        "inference_id": None,
        "input": CaptureData("text/csv", "INPUT", "1,2", "CSV"),
        "output": CaptureData("text/csv", "OUTPUT", "0.5", "CSV"),
    }
    fields.update(changes)
    return CaptureRecord(**fields)


def test_reference_line_is_reproduced_exactly():
    record = CaptureRecord.from_dict(json.loads(REFERENCE_LINE))
    assert record.to_line() == REFERENCE_LINE
    assert record.inference_id == "order-000123"
    assert record.inference_time == datetime(2022, 2, 14, 17, 25, 49, tzinfo=UTC)
    assert record.input == CaptureData("text/csv", "INPUT", "69,0,153.7,109,194.0", "CSV")


def test_docs_fixture_round_trips_byte_for_byte():
    line = (FIXTURES / "data_capture_docs_example.jsonl").read_text(encoding="utf-8").rstrip("\n")
    record = CaptureRecord.from_dict(json.loads(line))
    assert record.to_line() == line
    assert record.inference_id is None
    assert record.output.observed_content_type == "text/csv; charset=utf-8"


def test_to_dict_key_order_and_absent_inference_id():
    d = _record().to_dict()
    assert list(d) == ["captureData", "eventMetadata", "eventVersion"]
    assert list(d["captureData"]) == ["endpointInput", "endpointOutput"]
    assert d["eventMetadata"] == {"eventId": "e-1", "inferenceTime": "2024-03-01T10:15:30Z"}
    assert list(d["captureData"]["endpointInput"]) == [
        "observedContentType",
        "mode",
        "data",
        "encoding",
    ]
    with_id = _record(inference_id="order-7").to_dict()["eventMetadata"]
    assert list(with_id) == ["eventId", "inferenceId", "inferenceTime"]


def test_input_only_record_has_no_endpoint_output_key():
    d = _record(output=None).to_dict()
    assert list(d["captureData"]) == ["endpointInput"]
    assert CaptureRecord.from_dict(d) == _record(output=None)


def test_inference_time_is_utc_whole_seconds():
    naive = _record(inference_time=datetime(2024, 3, 1, 10, 15, 30, 999_999))
    assert naive.inference_time == datetime(2024, 3, 1, 10, 15, 30, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    shifted = _record(inference_time=datetime(2024, 3, 1, 12, 15, 30, tzinfo=plus_two))
    assert shifted.to_dict()["eventMetadata"]["inferenceTime"] == "2024-03-01T10:15:30Z"


def test_join_key_prefers_inference_id():
    assert join_key(_record()) == "e-1"
    assert join_key(_record(inference_id="order-7")) == "order-7"


def _bad(mutate) -> str:
    d = json.loads(REFERENCE_LINE)
    mutate(d)
    with pytest.raises(LabkitInputError) as info:
        CaptureRecord.from_dict(d)
    return info.value.reason


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("captureData"), "captureData is missing"),
        (lambda d: d.pop("eventVersion"), "eventVersion is missing"),
        (lambda d: d["eventMetadata"].pop("eventId"), "eventMetadata.eventId"),
        (lambda d: d["eventMetadata"].pop("inferenceTime"), "eventMetadata.inferenceTime"),
        (lambda d: d["captureData"].clear(), "neither endpointInput nor endpointOutput"),
        (lambda d: d["captureData"]["endpointInput"].pop("data"), "endpointInput.data is missing"),
        (
            lambda d: d["captureData"]["endpointInput"].update(encoding="XML"),
            "endpointInput.encoding",
        ),
        (lambda d: d["captureData"]["endpointOutput"].update(mode="INPUT"), "endpointOutput.mode"),
        (lambda d: d["captureData"]["endpointInput"].update(data=7), "endpointInput.data is int"),
        (
            lambda d: d["captureData"]["endpointInput"].update(encoding="BASE64", data="%%%"),
            "not valid base64",
        ),
        (
            lambda d: d["captureData"]["endpointInput"].update(encoding="JSON", data="{oops"),
            "not valid JSON",
        ),
        (
            lambda d: d["eventMetadata"].update(inferenceTime="2022-02-14 17:25:49"),
            "YYYY-MM-DDTHH:MM:SSZ",
        ),
        (
            lambda d: d["eventMetadata"].update(inferenceTime="2022-02-30T17:25:49Z"),
            "inferenceTime",
        ),
        (lambda d: d["eventMetadata"].update(inferenceId=""), "inferenceId"),
    ],
)
def test_invalid_records_name_the_bad_field(mutate, expected):
    assert expected in _bad(mutate)


def test_null_inference_id_reads_as_absent():
    d = json.loads(REFERENCE_LINE)
    d["eventMetadata"]["inferenceId"] = None
    assert CaptureRecord.from_dict(d).inference_id is None


def test_base64_payload_text():
    side = CaptureData("application/octet-stream", "INPUT", "MSwyLDM=", "BASE64")
    assert side.payload_text() == "1,2,3"
    with pytest.raises(LabkitInputError, match="not UTF-8"):
        CaptureData("image/png", "INPUT", "/w==", "BASE64").payload_text()


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(
    event_id=_text.filter(bool),
    inference_id=st.none() | _text.filter(bool),
    seconds=st.integers(0, 3_000_000_000),
    data=_text,
    content_type=_text,
    with_output=st.booleans(),
)
def test_any_record_round_trips_through_its_line(
    event_id, inference_id, seconds, data, content_type, with_output
):
    record = CaptureRecord(
        event_id=event_id,
        inference_time=datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds),
        inference_id=inference_id,
        input=CaptureData(content_type, "INPUT", data, "CSV"),
        output=CaptureData(content_type, "OUTPUT", data, "CSV") if with_output else None,
    )
    assert CaptureRecord.from_dict(json.loads(record.to_line())) == record
