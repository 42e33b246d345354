"""Bad data-capture and ground-truth JSONL: quarantined with file and line, and every line counted.

The capture reader never raises for a bad line; it sets the line aside with its file, line number
and reason (``CaptureReadResult``), so read = records + quarantined + outside the window. The CLI
then prints those counts; the records whose payload does not fit the baseline are counted again
at that step. A hypothesis property feeds random lines to the reader and checks the arithmetic.
"""

from __future__ import annotations

import base64
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.capture import CaptureData, CaptureRecord, read_capture
from labkit.ground_truth import read_ground_truth

START = datetime(2024, 3, 1, 10, tzinfo=UTC)
N_GOOD = 40  # good records in each file; the bad line comes after them


def record(
    i: int, *, data: str | None = None, encoding: str = "CSV", time: str | None = None, **meta
) -> dict:
    """One capture line as a dict: three CSV fields age, income, plan by default."""
    moment = time or (START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "captureData": {
            "endpointInput": {
                "observedContentType": "text/csv",
                "mode": "INPUT",
                "data": data if data is not None else f"{20 + i % 40},{1000 + 7 * i},{'ab'[i % 2]}",
                "encoding": encoding,
            }
        },
        "eventMetadata": {"eventId": f"e{i}", "inferenceTime": moment, **meta},
        "eventVersion": "0",
    }


def capture_file(path: Path, bad: str | bytes | None = None, *, terminated: bool = True) -> Path:
    lines = [json.dumps(record(i)).encode() for i in range(N_GOOD)]
    if bad is not None:
        lines.append(bad.encode() if isinstance(bad, str) else bad)
    path.write_bytes(b"\n".join(lines) + (b"\n" if terminated else b""))
    return path


@pytest.fixture
def baseline(tmp_path: Path, run_cli) -> Path:
    rows = "".join(f"{20 + i % 40},{1000 + 7 * i},{'ab'[i % 2]}\n" for i in range(N_GOOD))
    (tmp_path / "train.csv").write_text("age,income,plan\n" + rows)
    run_cli(
        "data-quality",
        "baseline",
        "--input",
        tmp_path / "train.csv",
        "--output",
        tmp_path / "baseline",
    ).assert_completed()
    return tmp_path / "baseline"


def monitor(run_cli, path: Path, baseline: Path, tmp_path: Path, *extra: str):
    return run_cli(
        "data-quality",
        "monitor",
        "--input",
        path,
        "--baseline",
        baseline,
        "--output",
        tmp_path / "out",
        *extra,
    )


def assert_counts_add_up(run) -> None:
    """read = in window + quarantined lines + outside; in window = analysed + quarantined records."""
    read = run.number(r"read (\d+) capture line")
    in_window = run.number(r"(\d+) record\(s\) in the window")
    outside = run.number(r"(\d+) record\(s\) outside the window")
    bad_lines = run.number(r"(\d+) line\(s\) quarantined")
    bad_records = run.number(r"(\d+) record\(s\) quarantined")
    analysed = run.number(r"(\d+) items analysed")
    assert read == in_window + bad_lines + outside, run.stdout
    assert in_window == analysed + bad_records, run.stdout


# -- one bad line among good ones: quarantined, named, counted ----------------------------------------

BAD_LINES = {
    "malformed_json": ("{not json", "not valid JSON"),
    "json_array_not_object": ("[1, 2, 3]", "expected a JSON object, found list"),
    "blank_line": ("   ", "blank line"),
    "wrong_encoding_field": (
        json.dumps(record(99, encoding="UTF8")),
        "encoding is 'UTF8', expected one of CSV, JSON, BASE64",
    ),
    "base64_that_does_not_decode": (
        json.dumps(record(99, data="!!not base64!!", encoding="BASE64")),
        "not valid base64",
    ),
    "json_encoding_with_csv_data": (
        json.dumps(record(99, data="1,2,3", encoding="JSON")),
        "not valid JSON (encoding JSON)",
    ),
    "bad_inference_time": (
        json.dumps(record(99, time="yesterday")),
        "inferenceTime is 'yesterday'",
    ),
    "missing_event_id": (
        json.dumps({**record(99), "eventMetadata": {"inferenceTime": "2024-03-01T10:00:00Z"}}),
        "eventId",
    ),
    "missing_capture_data": (
        json.dumps({k: v for k, v in record(99).items() if k != "captureData"}),
        "captureData is missing",
    ),
    "wrong_mode": (
        json.dumps(
            record(99)
            | {
                "captureData": {
                    "endpointInput": {
                        **record(99)["captureData"]["endpointInput"],
                        "mode": "OUTPUT",
                    }
                }
            }
        ),
        "mode is 'OUTPUT'",
    ),
    "not_utf8": (b"\xff\xfe{}", "not UTF-8 text"),
}


@pytest.mark.parametrize("case", BAD_LINES)
def test_bad_line_is_quarantined_with_file_line_and_reason(case, tmp_path, baseline, run_cli):
    bad, reason = BAD_LINES[case]
    path = capture_file(tmp_path / "capture.jsonl", bad)
    result = read_capture(path)
    assert (result.lines_read, result.n_records, result.n_quarantined) == (N_GOOD + 1, N_GOOD, 1)
    item = result.quarantined[0]
    assert (item.path, item.line) == (path, N_GOOD + 1) and reason in item.reason
    assert str(item.error()).startswith(f"{path} line {N_GOOD + 1}: ")

    run = monitor(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    assert f"{path}:{N_GOOD + 1}: " in run.stdout and reason in run.stdout
    assert_counts_add_up(run)
    assert run.number(r"(\d+) items analysed") == N_GOOD


def test_truncated_last_line_says_the_file_may_be_truncated(tmp_path, baseline, run_cli):
    whole = json.dumps(record(99))
    path = capture_file(tmp_path / "capture.jsonl", whole[: len(whole) // 2], terminated=False)
    result = read_capture(path)
    assert result.n_quarantined == 1 and "may be truncated" in result.quarantined[0].reason
    run = monitor(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    assert "may be truncated" in run.stdout
    assert_counts_add_up(run)


def test_unterminated_but_complete_last_line_is_read(tmp_path):
    path = capture_file(tmp_path / "capture.jsonl", json.dumps(record(99)), terminated=False)
    result = read_capture(path)
    assert (result.lines_read, result.n_records, result.n_quarantined) == (
        N_GOOD + 1,
        N_GOOD + 1,
        0,
    )


# -- payloads that parse but do not fit the baseline: counted at the second step ------------------------

BAD_PAYLOADS = {
    "too_few_fields": (record(99, data="30,1000"), "has 2 fields, expected 3"),
    "too_many_fields": (record(99, data="30,1000,a,extra"), "has 4 fields, expected 3"),
    "base64_of_non_utf8_bytes": (
        record(99, data=base64.b64encode(b"\xff\xfe\x00").decode(), encoding="BASE64"),
        "BASE64 payload is not UTF-8 text",
    ),
    "nested_json": (
        record(99, data=json.dumps({"a": {"b": 1}}), encoding="JSON"),
        "nested JSON",
    ),
}


@pytest.mark.parametrize("case", BAD_PAYLOADS)
def test_unreadable_payload_is_a_quarantined_record(case, tmp_path, baseline, run_cli):
    bad, reason = BAD_PAYLOADS[case]
    path = capture_file(tmp_path / "capture.jsonl", json.dumps(bad))
    run = monitor(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    assert "event e99: " in run.stdout and reason in run.stdout
    assert run.number(r"(\d+) record\(s\) quarantined") == 1
    assert_counts_add_up(run)
    assert run.number(r"(\d+) items analysed") == N_GOOD


# -- nothing usable: the execution fails ------------------------------------------------------------


def test_every_line_bad_fails_after_listing_them(tmp_path, baseline, run_cli):
    path = tmp_path / "capture.jsonl"
    path.write_text("x\ny\n")
    run = monitor(run_cli, path, baseline, tmp_path)
    run.assert_failed(path, "no usable captured records")
    assert f"{path}:1: " in run.stdout and f"{path}:2: " in run.stdout
    assert run.number(r"(\d+) line\(s\) quarantined") == 2


def test_empty_capture_file_fails(tmp_path, baseline, run_cli):
    path = tmp_path / "capture.jsonl"
    path.write_bytes(b"")
    monitor(run_cli, path, baseline, tmp_path).assert_failed(path, "nothing to analyse")


def test_capture_folder_without_jsonl_files_fails(tmp_path, baseline, run_cli):
    folder = tmp_path / "capture"
    (folder / "2024" / "03" / "01" / "10").mkdir(parents=True)
    monitor(run_cli, folder, baseline, tmp_path).assert_failed(folder, "no .jsonl files")


def test_window_with_zero_records_fails(tmp_path, baseline, run_cli):
    path = capture_file(tmp_path / "capture.jsonl")
    run = monitor(
        run_cli,
        path,
        baseline,
        tmp_path,
        "--start",
        "2025-01-01T00:00:00Z",
        "--end",
        "2025-01-01T01:00:00Z",
    )
    run.assert_failed(path, "no usable captured records in the window")
    result = read_capture(
        path, start=datetime(2025, 1, 1, tzinfo=UTC), end=datetime(2025, 1, 1, 1, tzinfo=UTC)
    )
    assert (result.lines_read, result.n_records, result.n_outside_window) == (N_GOOD, 0, N_GOOD)


def test_records_outside_the_window_are_counted_in_the_summary(tmp_path, baseline, run_cli):
    path = capture_file(tmp_path / "capture.jsonl", "{broken")
    run = monitor(
        run_cli,
        path,
        baseline,
        tmp_path,
        "--start",
        "2024-03-01T10:00:00Z",
        "--end",
        "2024-03-01T10:00:20Z",
    )
    run.assert_completed()
    assert run.number(r"(\d+) record\(s\) in the window") == 20
    assert run.number(r"(\d+) record\(s\) outside the window") == N_GOOD - 20
    assert_counts_add_up(run)


def test_window_end_before_start_fails(tmp_path, baseline, run_cli):
    path = capture_file(tmp_path / "capture.jsonl")
    run = monitor(
        run_cli,
        path,
        baseline,
        tmp_path,
        "--start",
        "2024-03-01T11:00:00Z",
        "--end",
        "2024-03-01T10:00:00Z",
    )
    run.assert_failed("is not before end")


def test_window_time_that_is_not_iso_fails_as_usage(tmp_path, baseline, run_cli):
    path = capture_file(tmp_path / "capture.jsonl")
    monitor(run_cli, path, baseline, tmp_path, "--start", "last tuesday").assert_failed(
        "--start", "not an ISO 8601 time"
    )


def test_include_output_with_a_mismatched_layout_quarantines_every_record(
    tmp_path, baseline, run_cli
):
    path = capture_file(tmp_path / "capture.jsonl")
    run = monitor(run_cli, path, baseline, tmp_path, "--include-output")
    run.assert_failed(path, "no usable captured records")
    assert run.number(r"(\d+) record\(s\) quarantined") == N_GOOD  # each one counted, none silently


# -- ground truth -------------------------------------------------------------------------------------

GROUND_TRUTH_LINES = {
    "wrong_encoding": (
        {
            "groundTruthData": {"data": "1", "encoding": "JSON"},
            "eventMetadata": {"eventId": "a"},
            "eventVersion": "0",
        },
        "expected 'CSV'",
    ),
    "label_not_text": (
        {
            "groundTruthData": {"data": 1, "encoding": "CSV"},
            "eventMetadata": {"eventId": "a"},
            "eventVersion": "0",
        },
        "expected a string",
    ),
    "no_event_id": (
        {
            "groundTruthData": {"data": "1", "encoding": "CSV"},
            "eventMetadata": {},
            "eventVersion": "0",
        },
        "eventId",
    ),
}


@pytest.mark.parametrize("case", GROUND_TRUTH_LINES)
def test_bad_ground_truth_line_is_quarantined(case, tmp_path):
    bad, reason = GROUND_TRUTH_LINES[case]
    good = {
        "groundTruthData": {"data": "0", "encoding": "CSV"},
        "eventMetadata": {"eventId": "b"},
        "eventVersion": "0",
    }
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    result = read_ground_truth(path)
    assert (result.lines_read, result.n_records, result.n_quarantined) == (2, 1, 1)
    assert result.quarantined[0].line == 2 and reason in result.quarantined[0].reason


# -- property: random lines never raise, and every line is accounted for ------------------------------

_text_line = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=40
)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def capture_lines(draw):
    """(bytes of one line without its newline, expected: 'inside' | 'outside' | 'bad')."""
    kind = draw(st.sampled_from(["record", "record", "text", "json", "bytes", "mutated"]))
    if kind == "record":
        offset = draw(st.integers(min_value=-7_200, max_value=7_200))
        side = CaptureData("text/csv", "INPUT", draw(st.text(max_size=12)), "CSV")
        line = CaptureRecord(f"e{offset}", START + timedelta(seconds=offset), input=side).to_line()
        crlf = draw(st.booleans())  # a file written on Windows
        return line.encode() + (
            b"\r" if crlf else b""
        ), "inside" if 0 <= offset < 3_600 else "outside"
    if kind == "text":
        return draw(_text_line).encode(), "bad"
    if kind == "json":
        value = draw(_json_value)
        return json.dumps(value).encode(), "bad"
    if kind == "bytes":
        return draw(st.binary(max_size=30).filter(lambda b: b"\n" not in b)) + b"\xff", "bad"
    good = record(0)
    path = draw(
        st.sampled_from(
            ["captureData", "eventMetadata", "eventVersion", "encoding", "mode", "time"]
        )
    )
    junk = draw(_json_value.filter(lambda v: not isinstance(v, (str, dict))))
    if path in ("encoding", "mode"):
        good["captureData"]["endpointInput"][path] = junk
    elif path == "time":
        good["eventMetadata"]["inferenceTime"] = junk
    else:
        good[path] = junk
    return json.dumps(good).encode(), "bad"


@given(st.lists(capture_lines(), max_size=25), st.booleans(), st.booleans())
def test_random_lines_are_all_accounted_for(lines, terminated, bom):
    if lines and not terminated and lines[-1][0].strip(b"\r") == b"":
        terminated = True  # an empty unterminated tail is no line at all
    raw = (
        (b"\xef\xbb\xbf" if bom else b"")
        + b"\n".join(text for text, _ in lines)
        + (b"\n" if terminated and lines else b"")
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "capture.jsonl"
        path.write_bytes(raw)
        result = read_capture(path, start=START, end=START + timedelta(hours=1))
    expected = {
        kind: sum(1 for _, k in lines if k == kind) for kind in ("inside", "outside", "bad")
    }
    assert result.lines_read == len(lines)
    assert result.lines_read == result.n_records + result.n_quarantined + result.n_outside_window
    assert (result.n_records, result.n_outside_window, result.n_quarantined) == (
        expected["inside"],
        expected["outside"],
        expected["bad"],
    )
    assert all(1 <= q.line <= len(lines) for q in result.quarantined)
