"""records_to_frame: payloads to text cells mapped by position, bad rows quarantined."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit.capture import (
    CaptureData,
    CaptureRecord,
    capture_requests,
    read_capture,
    records_to_frame,
)
from labkit.errors import LabkitInputError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "capture"
T0 = datetime(2024, 3, 1, 10, tzinfo=UTC)


def _record(
    event_id: str, data: str, output: str = "0.9", *, encoding="CSV", content_type="text/csv"
):
    return CaptureRecord(
        event_id=event_id,
        inference_time=T0,
        input=CaptureData(content_type, "INPUT", data, encoding),
        output=CaptureData("text/csv", "OUTPUT", output, "CSV"),
    )


def test_cells_by_position_and_wrong_width_quarantined():
    records = [_record("a", "1,x,2.5"), _record("b", "2,y"), _record("c", "3,,\n")]
    frame, bad = records_to_frame(records, ["n", "s", "f"])
    assert frame.to_dict("list") == {"n": ["1", "3"], "s": ["x", None], "f": ["2.5", None]}
    assert all(dtype == object for dtype in frame.dtypes)
    assert [(q.event_id, q.reason) for q in bad] == [
        ("b", "endpointInput has 2 fields, expected 3")
    ]


@pytest.mark.parametrize(
    ("position", "columns"), [("START", ["p", "n", "s"]), ("END", ["n", "s", "p"])]
)
def test_output_columns_position(position, columns):
    frame, _ = records_to_frame(
        [_record("a", "1,x", "0.25")], ["n", "s"],
        include_output=True, output_columns=["p"], output_columns_position=position,
    )  # fmt: skip
    assert list(frame.columns) == columns
    assert frame.iloc[0].to_dict() == {"p": "0.25", "n": "1", "s": "x"}


def test_join_key_column_and_missing_output():
    with_id = CaptureRecord("e1", T0, "order-1", CaptureData("text/csv", "INPUT", "5", "CSV"))
    frame, bad = records_to_frame([with_id, _record("e2", "6")], ["n"], join_key_column="id")
    assert frame.to_dict("list") == {"id": ["order-1", "e2"], "n": ["5", "6"]}
    _, bad = records_to_frame([with_id], ["n"], include_output=True)
    assert bad[0].reason.startswith("endpointOutput was not captured")


@pytest.mark.parametrize(
    "payload",
    [
        '{"age": 41, "city": "Lyon", "ok": true}',
        '[41, "Lyon", true]',
        '{"features": [41, "Lyon", true]}',
        '{"instances": [[41, "Lyon", true]]}',
        '{"instances": [{"features": [41, "Lyon", true]}]}',
    ],
)
def test_json_shapes(payload):
    frame, bad = records_to_frame(
        [_record("j", payload, encoding="JSON", content_type="application/json")], ["a", "c", "k"]
    )
    assert bad == []
    assert frame.iloc[0].tolist() == ["41", "Lyon", "true"]


def test_json_numbers_keep_their_spelling_and_nesting_is_quarantined():
    ok = _record(
        "j", '{"a": 1.50, "b": 2e3, "c": null}', encoding="JSON", content_type="application/json"
    )
    nested = _record("n", '{"a": {"b": 1}}', encoding="JSON", content_type="application/json")
    frame, bad = records_to_frame([ok, nested], ["a", "b", "c"])
    assert frame.iloc[0].tolist() == ["1.50", "2e3", None]
    assert [q.event_id for q in bad] == ["n"] and "nested JSON" in bad[0].reason


def test_several_rows_per_request_and_row_count_mismatch():
    two = _record("two", "1,a\n2,b\n", "0.1\n0.2\n")
    mismatch = _record("m", "1,a\n2,b\n", "0.1")
    frame, bad = records_to_frame([two, mismatch], ["n", "s"], include_output=True)
    assert frame.to_dict("list") == {"prediction": ["0.1", "0.2"], "n": ["1", "2"], "s": ["a", "b"]}
    assert [(q.event_id, q.reason) for q in bad] == [
        ("m", "endpointInput has 2 rows but endpointOutput has 1")
    ]


def test_base64_payloads_are_decoded_as_csv_or_json():
    as_csv = _record(
        "c", base64.b64encode(b"7,z").decode(), encoding="BASE64", content_type="application/x-foo"
    )
    as_json = _record(
        "j", base64.b64encode(b'{"n": 8, "s": "w"}').decode(), encoding="BASE64",
        content_type="application/jsonlines",
    )  # fmt: skip
    not_text = _record(
        "b", base64.b64encode(b"\xff\x00").decode(), encoding="BASE64", content_type="image/png"
    )
    frame, bad = records_to_frame([as_csv, as_json, not_text], ["n", "s"])
    assert frame.to_dict("list") == {"n": ["7", "8"], "s": ["z", "w"]}
    assert [(q.event_id, q.reason) for q in bad] == [
        ("b", "endpointInput: BASE64 payload is not UTF-8 text")
    ]


def test_docs_fixture_gives_69_inputs_and_the_prediction(tmp_path):
    records = read_capture(FIXTURES / "data_capture_docs_example.jsonl").records
    names = [f"f{i}" for i in range(69)]
    frame, bad = records_to_frame(records, names, include_output=True)
    assert bad == []
    assert frame.shape == (1, 70)
    assert frame.iloc[0, :4].tolist() == ["0.0254181120544672", "69", "0", "153.7"]
    assert frame.iloc[0, -1] == "0"  # the payload's trailing newline ends the row, adds none


def test_capture_requests_round_trip_through_the_frame():
    features = pd.DataFrame({"n": [1, 2, 3], "f": [0.5, np.nan, 1e-9], "s": ["a,b", "", "c"]})
    for content_type in ("text/csv", "application/json", "application/octet-stream"):
        records = capture_requests(
            features,
            [1, 0, 1],
            start_time=T0,
            sampling_percentage=100,
            seed=0,
            content_type=content_type,
        )
        frame, bad = records_to_frame(records, ["n", "f", "s"], include_output=True)
        assert bad == []
        assert frame.to_dict("list") == {
            "prediction": ["1", "0", "1"],
            "n": ["1", "2", "3"],
            "f": ["0.5", None, "1e-09"],
            "s": ["a,b", None, "c"],
        }, content_type


def test_empty_input_and_bad_arguments():
    frame, bad = records_to_frame([], ["a", "b"])
    assert frame.shape == (0, 2) and list(frame.columns) == ["a", "b"] and bad == []
    with pytest.raises(LabkitInputError, match="START or END"):
        records_to_frame([], ["a"], output_columns_position="MIDDLE")
    with pytest.raises(LabkitInputError, match="repeat"):
        records_to_frame([], ["prediction"], include_output=True)


def test_json_output_predictions_shape():
    record = CaptureRecord(
        "p", T0,
        input=CaptureData("text/csv", "INPUT", "1\n2", "CSV"),
        output=CaptureData("application/json", "OUTPUT", json.dumps({"predictions": [0.1, 0.9]}), "JSON"),
    )  # fmt: skip
    frame, bad = records_to_frame(
        [record], ["n"], include_output=True, output_columns_position="END"
    )
    assert bad == [] and frame.to_dict("list") == {"n": ["1", "2"], "prediction": ["0.1", "0.9"]}


# --- captured_frame: the round trip's table without the records ---------------------------------


def _round_trip(frame: pd.DataFrame, sampling: float, seed: int) -> pd.DataFrame:
    records = capture_requests(frame, [None] * len(frame), start_time=T0, sampling_percentage=sampling,
                               seed=seed, capture_mode="Input")  # fmt: skip
    decoded, quarantined = records_to_frame(records, list(frame.columns))
    assert not quarantined
    return decoded


ODD = pd.DataFrame({
    "text": ["plain", "a, comma", 'a "quote"', " lead", "", None, "x" * 3, "ünï", "'", "trail "],
    "number": [0.1, 1e-7, -0.0, np.nan, 1e300, 2.5, 3.0, -1.25, 0.3333333333333333, np.inf],
    "integer": [1, -2, 0, 10**12, 5, 6, 7, 8, 9, 10],
    "gappy": pd.array([1, None, 3, 4, 5, 6, 7, 8, None, 10], dtype="Int64"),
    "flag": [True, False] * 5,
    "small": np.array([0.1, 0.2] * 5, dtype=np.float32),
    "mixed": [1, "one", 1.5, None, True, "2", 2, 0.0, "", "x"],
})  # fmt: skip


@pytest.mark.parametrize(("sampling", "seed"), [(100, 0), (70, 5), (30, 1), (0, 2)])
def test_captured_frame_is_the_round_trip_cell_for_cell(sampling, seed):
    from labkit.capture import captured_frame, captured_rows

    rows = captured_rows(len(ODD), sampling, seed)
    pd.testing.assert_frame_equal(captured_frame(ODD, rows), _round_trip(ODD, sampling, seed))


def test_captured_frame_declines_what_a_csv_line_cannot_carry():
    from labkit.capture import captured_frame

    assert captured_frame(pd.DataFrame({"a": ["two\nlines", "x"]}), [0, 1]) is None
    assert captured_frame(pd.DataFrame({"a": ["nul\0", "x"]}), [0]) is None
    assert captured_frame(pd.DataFrame({"a": ["nul\0", "x"]}), [1]).equals(pd.DataFrame({"a": ["x"]}, dtype=object))
    assert captured_frame(pd.DataFrame([[1, 2]], columns=["a", "a"]), [0]) is None
