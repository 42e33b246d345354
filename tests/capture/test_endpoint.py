"""capture_requests: sampling_percentage, payload formats, event ids and arrival times."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from labkit.capture import capture_encoding, capture_requests, csv_value
from labkit.errors import LabkitInputError

START = datetime(2024, 3, 1, 10, tzinfo=UTC)


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(n), "y": np.linspace(0.0, 1.0, n)})


def _capture(n: int, percentage: float, seed: int, **kwargs):
    return capture_requests(
        _frame(n),
        np.zeros(n),
        start_time=START,
        sampling_percentage=percentage,
        seed=seed,
        **kwargs,
    )


@pytest.mark.parametrize("percentage", [5, 20, 50, 90])
@pytest.mark.parametrize("seed", range(4))
def test_sampling_count_within_binomial_error(percentage, seed):
    # Each request is captured independently: the count is Binomial(n, p); 3 sd covers 99.7 %.
    n, p = 2_000, percentage / 100
    captured = len(_capture(n, percentage, seed))
    assert abs(captured - n * p) <= 3 * math.sqrt(n * p * (1 - p))


def test_sampling_zero_and_hundred_are_exact():
    assert _capture(500, 0, seed=1) == []
    assert len(_capture(500, 100, seed=1)) == 500


def test_same_seed_same_records_and_lower_percentage_is_a_subset():
    assert _capture(300, 40, seed=3) == _capture(300, 40, seed=3)
    low = {r.event_id for r in _capture(300, 20, seed=3)}
    high = {r.event_id for r in _capture(300, 60, seed=3)}
    assert low < high  # a request keeps its draw and its id whatever the percentage
    assert {r.event_id for r in _capture(300, 60, seed=4)}.isdisjoint(high)


def test_event_ids_are_unique_uuids():
    ids = [r.event_id for r in _capture(200, 100, seed=0)]
    assert len(set(ids)) == 200
    assert all(str(uuid.UUID(i)) == i for i in ids)


def test_csv_payload_round_trips_values():
    features = pd.DataFrame(
        {
            "count": pd.Series([3, 4], dtype="int64"),
            "ratio": [0.1, float("nan")],
            "big": [1e20, 2.5e-7],
            "f32": np.array([0.1, 2.0], dtype=np.float32),
            "label": ["a,b", 'say "hi"'],
            "flag": [True, False],
        }
    )
    records = capture_requests(
        features, [0.25, [1, 0.75]], start_time=START, sampling_percentage=100, seed=0
    )
    rows = [next(csv.reader(io.StringIO(r.input.data))) for r in records]
    assert rows[0] == ["3", "0.1", "1e+20", "0.1", "a,b", "True"]
    assert rows[1] == ["4", "", "2.5e-07", "2.0", 'say "hi"', "False"]
    assert float(rows[0][1]) == 0.1 and float(rows[1][2]) == 2.5e-7  # repr round-trips
    assert [r.output.data for r in records] == ["0.25", "1,0.75"]
    assert {(r.input.encoding, r.output.encoding) for r in records} == {("CSV", "CSV")}


def test_json_content_type_sends_an_object_per_row():
    records = capture_requests(
        pd.DataFrame({"a": [1], "b": [None]}),
        [0.5],
        start_time=START,
        sampling_percentage=100,
        seed=0,
        content_type="application/json",
    )
    assert records[0].input.encoding == "JSON"
    assert json.loads(records[0].input.data) == {"a": 1, "b": None}
    assert records[0].output.data == "0.5"


def test_unknown_content_type_is_base64_of_the_bytes():
    records = capture_requests(
        _frame(2), [1, 0], start_time=START, sampling_percentage=100, seed=0,
        content_type="application/x-custom", accept="text/csv; charset=utf-8",
    )  # fmt: skip
    assert records[1].input.encoding == "BASE64"
    assert base64.b64decode(records[1].input.data).decode() == "1,1.0"
    assert (records[1].output.encoding, records[1].output.data) == ("CSV", "0")


def test_capture_encoding_matches_media_types():
    assert capture_encoding("text/csv; charset=utf-8") == "CSV"
    assert capture_encoding("Application/JSON") == "JSON"
    assert capture_encoding("application/jsonlines") == "BASE64"
    assert (
        capture_encoding("application/jsonlines", json_content_types=["application/jsonlines"])
        == "JSON"
    )


@pytest.mark.parametrize(
    ("mode", "has_input", "has_output"), [("Input", True, False), ("Output", False, True)]
)
def test_capture_mode(mode, has_input, has_output):
    record = _capture(3, 100, seed=0, capture_mode=mode)[0]
    assert (record.input is not None, record.output is not None) == (has_input, has_output)


def test_arrival_times_default_spread_over_one_hour_and_explicit_rate():
    default = [r.inference_time for r in _capture(4, 100, seed=0)]
    assert default == [START + timedelta(minutes=15 * i) for i in range(4)]
    fast = [r.inference_time for r in _capture(3, 100, seed=0, requests_per_hour=7200)]
    # Every 0.5 s; inferenceTime keeps whole seconds, as the service writes it.
    assert fast == [START, START, START + timedelta(seconds=1)]


def test_explicit_times_and_inference_ids():
    times = [START + timedelta(hours=h) for h in (0, 2)]
    records = capture_requests(
        _frame(2), [0, 1], times=times, sampling_percentage=100, seed=0, inference_ids=["o-1", None]
    )
    assert [r.inference_time for r in records] == times
    assert [r.inference_id for r in records] == ["o-1", None]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sampling_percentage": 101}, "0 to 100"),
        ({"sampling_percentage": -1}, "0 to 100"),
        ({"capture_mode": "Both"}, "capture_mode"),
        ({"inference_ids": ["x" * 65, None]}, "1-64"),
        ({"inference_ids": ["ok"]}, "2 feature rows"),
        ({"times": [START, START]}, "not both"),
        ({"requests_per_hour": 0}, "positive"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    arguments = {"start_time": START, "sampling_percentage": 50, "seed": 0, **kwargs}
    with pytest.raises(LabkitInputError, match=message):
        capture_requests(_frame(2), [0, 1], **arguments)


def test_prediction_count_must_match():
    with pytest.raises(LabkitInputError, match="3 predictions for 2"):
        capture_requests(_frame(2), [0, 1, 2], start_time=START, sampling_percentage=50, seed=0)


def test_csv_value():
    assert [csv_value(v) for v in (3, np.int64(3), 3.0, None, float("nan"), pd.NA, "x")] == [
        "3", "3", "3.0", "", "", "", "x",
    ]  # fmt: skip


def test_nullable_integers_with_a_gap_stay_integral():
    from datetime import UTC, datetime

    import pandas as pd

    from labkit import capture

    frame = pd.DataFrame({"income": pd.array([33200, None], dtype="Int64")})
    records = capture.capture_requests(frame, [0, 0], start_time=datetime(2024, 1, 1, tzinfo=UTC), sampling_percentage=100, seed=0)
    assert [r.input.data for r in records] == ["33200", '""']  # csv quotes a lone empty field
