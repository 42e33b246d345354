"""Ground truth: the record the docs show, late labels for part of the traffic, the hour layout."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from labkit import capture
from labkit.capture import CaptureData, CaptureRecord
from labkit.errors import LabkitInputError
from labkit.ground_truth import (
    GroundTruthRecord,
    LabelArrival,
    ground_truth_key,
    label_requests,
    read_ground_truth,
    write_ground_truth,
)

FIXTURES = Path(__file__).parent / "fixtures" / "capture"
T0 = datetime(2024, 3, 1, 10, tzinfo=UTC)


def _captures(n: int, *, with_ids: bool = False) -> list[CaptureRecord]:
    return [
        CaptureRecord(
            event_id=f"e{i}",
            inference_time=T0 + timedelta(minutes=i),
            inference_id=f"order-{i}" if with_ids else None,
            input=CaptureData("text/csv", "INPUT", str(i), "CSV"),
        )
        for i in range(n)
    ]


def test_docs_record_round_trips_exactly():
    line = (FIXTURES / "ground_truth_docs_example.jsonl").read_text(encoding="utf-8").rstrip("\n")
    record = GroundTruthRecord.from_dict(json.loads(line))
    assert record == GroundTruthRecord("aaaa-bbbb-cccc", "1")
    assert record.to_line() == line


def test_sdk_style_inference_time_in_metadata_is_ignored():
    d = {"groundTruthData": {"data": "0", "encoding": "CSV"},
         "eventMetadata": {"eventId": "x", "inferenceTime": "2024-03-01T10:00:00Z"}, "eventVersion": "0"}  # fmt: skip
    assert GroundTruthRecord.from_dict(d) == GroundTruthRecord("x", "0")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("groundTruthData"), "groundTruthData is missing"),
        (lambda d: d["groundTruthData"].update(encoding="JSON"), "expected 'CSV'"),
        (lambda d: d["groundTruthData"].update(data=1), "groundTruthData.data is int"),
        (lambda d: d["eventMetadata"].pop("eventId"), "eventId"),
        (lambda d: d.update(eventVersion=0), "eventVersion"),
    ],
)
def test_invalid_records_name_the_bad_field(mutate, expected):
    d = GroundTruthRecord("x", "1").to_dict()
    mutate(d)
    with pytest.raises(LabkitInputError, match=expected):
        GroundTruthRecord.from_dict(d)


def test_labels_match_on_inference_id_when_captured_and_arrive_late():
    arrivals = label_requests(_captures(3, with_ids=True), [1, 0, 1.5], seed=0, delay_hours=2.5)
    assert [a.record for a in arrivals] == [
        GroundTruthRecord("order-0", "1"), GroundTruthRecord("order-1", "0"), GroundTruthRecord("order-2", "1.5"),
    ]  # fmt: skip
    assert [a.collected_at for a in arrivals] == [
        T0 + timedelta(hours=2.5, minutes=i) for i in range(3)
    ]
    assert label_requests(_captures(1), ["yes"], seed=0, delay_hours=0)[0].record.event_id == "e0"


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("seed", range(3))
def test_labelled_fraction_within_binomial_error(fraction, seed):
    # Each request is labelled independently: Binomial(n, fraction); 3 sd covers 99.7 %.
    n = 1_500
    count = len(label_requests([f"id{i}" for i in range(n)], [0] * n, seed=seed,
                               labelled_fraction=fraction, collected_at=T0))  # fmt: skip
    assert abs(count - n * fraction) <= 3 * math.sqrt(n * fraction * (1 - fraction))


def test_labelled_fraction_zero_and_one_are_exact():
    ids = [f"id{i}" for i in range(50)]
    assert label_requests(ids, [1] * 50, seed=0, labelled_fraction=0, collected_at=T0) == []
    assert len(label_requests(ids, [1] * 50, seed=0, labelled_fraction=1, collected_at=T0)) == 50


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"delay_hours": 1, "collected_at": T0}, "exactly one"),
        ({}, "exactly one"),
        ({"delay_hours": 1, "requests": ["a", "b"]}, "captured records"),
        ({"collected_at": T0, "labels": [1]}, "1 labels for 2"),
        ({"collected_at": T0, "labels": [1, None]}, r"labels\[1\] is missing"),
        ({"collected_at": T0, "labelled_fraction": 1.5}, "fraction"),
    ],
)
def test_label_requests_refuses_bad_arguments(kwargs, message):
    arguments = {"requests": _captures(2), "labels": [1, 0], "seed": 0, **kwargs}
    with pytest.raises(LabkitInputError, match=message):
        label_requests(arguments.pop("requests"), arguments.pop("labels"), **arguments)


def test_files_go_in_the_collection_hour_and_read_back(tmp_path):
    arrivals = label_requests(
        _captures(3), [1, 0, 1], seed=0, delay_hours=0.99
    )  # 10:59, 11:00, 11:01
    paths = write_ground_truth(arrivals, tmp_path, seed=1)
    assert [p.relative_to(tmp_path).parent.as_posix() for p in paths] == [
        "2024/03/01/10",
        "2024/03/01/11",
    ]
    assert ground_truth_key(T0, "labels") == "2024/03/01/10/labels.jsonl"
    everything = read_ground_truth(tmp_path)
    assert everything.records == [a.record for a in arrivals]
    eleven = read_ground_truth(tmp_path, start=T0 + timedelta(hours=1), end=T0 + timedelta(hours=2))
    assert [r.event_id for r in eleven.records] == ["e1", "e2"]
    assert (eleven.lines_read, eleven.n_outside_window, len(eleven.files)) == (2, 0, 1)


def test_plain_records_need_a_collection_time(tmp_path):
    records = [GroundTruthRecord("a", "1")]
    with pytest.raises(LabkitInputError, match="collected_at"):
        write_ground_truth(records, tmp_path)
    (path,) = write_ground_truth(records, tmp_path, collected_at=T0)
    assert (
        path.read_text()
        == '{"groundTruthData":{"data":"1","encoding":"CSV"},"eventMetadata":{"eventId":"a"},"eventVersion":"0"}\n'
    )


def test_bad_lines_are_quarantined_with_counts(tmp_path):
    path = tmp_path / "2024/03/01/10/labels.jsonl"
    path.parent.mkdir(parents=True)
    good = GroundTruthRecord("a", "1").to_line()
    path.write_text("\n".join([good, "{oops", "", good.replace('"CSV"', '"JSON"'), good]))
    result = read_ground_truth(tmp_path)
    assert [(q.line, q.reason.split(" ")[0]) for q in result.quarantined] == [
        (2, "not"), (3, "blank"), (4, "groundTruthData.encoding"),
    ]  # fmt: skip
    assert (result.lines_read, result.n_records, result.n_quarantined) == (5, 2, 3)
    assert result.lines_read == result.n_records + result.n_quarantined + result.n_outside_window
    with pytest.raises(LabkitInputError, match="line 2"):
        result.raise_if_quarantined()


def test_names_are_reachable_from_labkit_capture():
    assert capture.GroundTruthRecord is GroundTruthRecord
    assert capture.LabelArrival is LabelArrival
    with pytest.raises(AttributeError):
        _ = capture.no_such_name
