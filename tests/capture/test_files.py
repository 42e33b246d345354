"""Capture files: the S3 key layout, writing per hour, reading a window, quarantining bad lines."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.capture import (
    CaptureData,
    CaptureRecord,
    capture_key,
    hour_folder,
    read_capture,
    write_capture,
)
from labkit.errors import LabkitInputError

T0 = datetime(2024, 3, 1, 10, tzinfo=UTC)


def _record(minutes: float, event_id: str | None = None) -> CaptureRecord:
    return CaptureRecord(
        event_id=event_id or f"e{minutes:g}",
        inference_time=T0 + timedelta(minutes=minutes),
        input=CaptureData("text/csv", "INPUT", "1,2", "CSV"),
        output=CaptureData("text/csv", "OUTPUT", "0", "CSV"),
    )


def test_capture_key_matches_the_documented_layout():
    # operations.md §1.3: .../my-endpoint/AllTraffic/2020/03/11/12/32-18-648-<uuid>.jsonl
    key = capture_key(
        "my-endpoint",
        "AllTraffic",
        datetime(2020, 3, 11, 12, 32, 18, 648_000, tzinfo=UTC),
        "cee08c3a-02ce-4790-b8ba-3173cfc12813",
    )
    assert key == (
        "my-endpoint/AllTraffic/2020/03/11/12/32-18-648-cee08c3a-02ce-4790-b8ba-3173cfc12813.jsonl"
    )
    assert hour_folder(Path("root") / key) == datetime(2020, 3, 11, 12, tzinfo=UTC)


@pytest.mark.parametrize("endpoint", ["", "a/b"])
def test_capture_key_refuses_bad_names(endpoint):
    with pytest.raises(LabkitInputError, match="endpoint name"):
        capture_key(endpoint, "AllTraffic", T0, "id")


def test_write_capture_one_file_per_hour_in_time_order(tmp_path):
    records = [_record(m) for m in (75, -10, 5, 59.5, 61)]  # hours 09, 10, 11; unordered
    paths = write_capture(records, tmp_path, endpoint="ep", seed=7)
    keys = [p.relative_to(tmp_path).as_posix() for p in paths]
    assert [k.rsplit("/", 1)[0] for k in keys] == [
        "ep/AllTraffic/2024/03/01/09",
        "ep/AllTraffic/2024/03/01/10",
        "ep/AllTraffic/2024/03/01/11",
    ]
    assert keys[1].rsplit("/", 1)[1].startswith("59-30-000-")  # flushed at the hour's last request
    lines = paths[1].read_text(encoding="utf-8").splitlines()
    assert lines == [_record(5).to_line(), _record(59.5).to_line()]
    assert paths == write_capture(records, tmp_path, endpoint="ep", seed=7)  # deterministic names
    assert read_capture(tmp_path).records == sorted(records, key=lambda r: r.inference_time)


def test_window_selects_hour_folders_then_inference_time(tmp_path):
    write_capture([_record(m) for m in (-10, 0, 30, 59.99, 60, 80)], tmp_path, endpoint="ep")
    one_hour = read_capture(tmp_path, start=T0, end=T0 + timedelta(hours=1))
    assert [r.event_id for r in one_hour.records] == ["e0", "e30", "e59.99"]
    assert (one_hour.lines_read, one_hour.n_outside_window, len(one_hour.files)) == (3, 0, 1)
    across = read_capture(
        tmp_path, start=T0 + timedelta(minutes=30), end=T0 + timedelta(minutes=70)
    )
    assert [r.event_id for r in across.records] == ["e30", "e59.99", "e60"]
    assert (across.lines_read, across.n_outside_window, len(across.files)) == (5, 2, 2)


def test_record_in_the_wrong_hour_folder_is_filtered_by_inference_time(tmp_path):
    folder = tmp_path / "ep/AllTraffic/2024/03/01/10"
    folder.mkdir(parents=True)
    (folder / "x.jsonl").write_text(_record(5).to_line() + "\n" + _record(95).to_line() + "\n")
    result = read_capture(tmp_path, start=T0, end=T0 + timedelta(hours=1))
    assert [r.event_id for r in result.records] == ["e5"]
    assert result.n_outside_window == 1


def test_files_outside_hour_folders_are_read_and_filtered(tmp_path):
    (tmp_path / "loose.jsonl").write_text(
        _record(5).to_line() + "\n" + _record(125).to_line() + "\n"
    )
    result = read_capture(tmp_path / "loose.jsonl", start=T0, end=T0 + timedelta(hours=1))
    assert (result.n_records, result.n_outside_window) == (1, 1)


def test_every_kind_of_bad_line_is_quarantined_with_its_number(tmp_path):
    good = _record(1).to_line()
    lines = [
        good.encode(),  # 1
        b'{"captureData": {',  # 2 malformed JSON
        b"",  # 3 blank
        b"[1, 2]",  # 4 not an object
        b'{"eventVersion": "0"}',  # 5 missing keys
        good.replace('"encoding":"CSV"', '"encoding":"XML"', 1).encode(),  # 6
        good.replace(
            '"data":"1,2","encoding":"CSV"', '"data":"@@","encoding":"BASE64"'
        ).encode(),  # 7
        good.replace("2024-03-01T10:01:00Z", "yesterday").encode(),  # 8
        b"\xff\xfe not utf-8",  # 9
        good.encode() + b"\r",  # 10 CRLF line ending: fine
        good[:40].encode(),  # 11 truncated last line, no newline
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines))
    result = read_capture(path)
    reasons = {q.line: q.reason for q in result.quarantined}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert "not valid JSON" in reasons[2]
    assert "blank line" in reasons[3]
    assert "expected a JSON object" in reasons[4]
    assert "captureData is missing" in reasons[5]
    assert "encoding is 'XML'" in reasons[6]
    assert "base64" in reasons[7]
    assert "inferenceTime" in reasons[8]
    assert "not UTF-8" in reasons[9]
    assert "truncated" in reasons[11]
    assert (result.lines_read, result.n_records, result.n_quarantined) == (11, 2, 9)
    assert result.lines_read == result.n_records + result.n_quarantined + result.n_outside_window
    assert all(q.path == path for q in result.quarantined)
    assert result.quarantined[0].text == '{"captureData": {'
    with pytest.raises(LabkitInputError, match=r"bad\.jsonl line 2: not valid JSON"):
        result.raise_if_quarantined()


def test_missing_path_and_empty_folder_raise(tmp_path):
    with pytest.raises(LabkitInputError, match="no such file"):
        read_capture(tmp_path / "nope")
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(LabkitInputError, match="no .jsonl files") as info:
        read_capture(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_window_must_be_ordered(tmp_path):
    write_capture([_record(0)], tmp_path, endpoint="ep")
    with pytest.raises(LabkitInputError, match="not before"):
        read_capture(tmp_path, start=T0, end=T0)


_chunk = st.one_of(
    st.integers(-120, 240).map(lambda m: ("record", _record(m).to_line().encode())),
    st.binary(max_size=60).map(lambda b: ("noise", b)),
    st.integers(1, 150).map(lambda k: ("noise", _record(0).to_line().encode()[:k])),
)


@given(
    chunks=st.lists(_chunk, max_size=12),
    trailing_newline=st.booleans(),
    start_minutes=st.integers(-90, 180),
)
def test_any_bytes_are_counted_never_raised(chunks, trailing_newline, start_minutes):
    data = b"\n".join(c for _, c in chunks) + (b"\n" if trailing_newline and chunks else b"")
    expected_lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    start = T0 + timedelta(minutes=start_minutes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2024/03/01/10/random.jsonl"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        result = read_capture(path, start=start, end=start + timedelta(hours=1))
    assert result.lines_read == expected_lines
    assert result.lines_read == result.n_records + result.n_quarantined + result.n_outside_window
    assert result.n_records + result.n_outside_window == sum(kind == "record" for kind, _ in chunks)
