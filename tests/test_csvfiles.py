"""The CSV readers: cells as the csv module reads them, one record per line, nothing merged (issue 18)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.capture import CaptureData, CaptureRecord, records_to_frame
from labkit.csvfiles import CsvText, read_csv_text, split_csv_lines
from labkit.errors import LabkitInputError

# Cells with everything that makes CSV hard except line breaks (a record is one line): commas,
# quotes, spaces, unicode, a BOM-like character, NUL.
CELL = st.text(alphabet=st.sampled_from(list('ab1 ,"\t;é€\x00\ufeff.-')), max_size=8)


def write_records(path: Path, rows: list[list[str]], *, quoting: int = csv.QUOTE_MINIMAL) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=quoting).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def csv_module_cells(path: Path) -> list[list[str | None]]:
    """Oracle: the kit's old reader, Python's csv module over the whole file."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r]
    return [[c if c != "" else None for c in r] for r in rows[1:]]


@given(
    st.integers(1, 4).flatmap(
        lambda w: st.lists(st.lists(CELL, min_size=w, max_size=w), max_size=25)
    ),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
)
def test_cells_equal_the_csv_modules(tmp_path_factory, rows, quoting):
    width = len(rows[0]) if rows else 2
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    write_records(path, [[f"c{i}" for i in range(width)], *rows], quoting=quoting)
    frame = read_csv_text(path)
    assert frame.astype(object).where(frame.notna(), None).values.tolist() == csv_module_cells(path)


@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=30), st.data())
def test_an_unclosed_quote_is_refused_on_its_line_or_nothing_is_merged(
    tmp_path_factory, rows, data
):
    """Delete one quote character anywhere: the reader refuses naming that line, or reads as
    many rows as the file has records (a record never swallows the next)."""
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    write_records(path, [["a", "b", "c"], *rows], quoting=csv.QUOTE_ALL)
    lines = path.read_text(encoding="utf-8").split("\n")
    line_index = data.draw(st.integers(1, len(rows)))
    quotes = [i for i, ch in enumerate(lines[line_index]) if ch == '"']
    cut = data.draw(st.sampled_from(quotes))
    lines[line_index] = lines[line_index][:cut] + lines[line_index][cut + 1 :]
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        frame = read_csv_text(path)
    except LabkitInputError as exc:
        assert exc.line == line_index + 1, str(exc)
        assert "does not close" in str(exc) or "fields" in str(exc)
    else:
        assert len(frame) == len(rows)


def test_a_quote_open_at_the_end_of_the_file_names_its_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('a,b\n1,2\n"3,4\n5,6\n7,8\n', encoding="utf-8")
    with pytest.raises(LabkitInputError, match="does not close") as info:
        read_csv_text(path)
    assert info.value.line == 3  # where the quote opens, not the file's last line


def test_a_line_break_inside_quotes_is_refused_not_merged(tmp_path):
    """pandas quotes a cell holding a newline; Spark (multiLine off) would split it, so refuse."""
    path = tmp_path / "f.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,4\n', encoding="utf-8")
    with pytest.raises(LabkitInputError, match="line 2"):
        read_csv_text(path)


@pytest.mark.parametrize("chunk_bytes", [7, 64, 1 << 20])
def test_chunks_cover_every_line_once_with_their_line_numbers(tmp_path, chunk_bytes):
    body = "".join(f"{i},{'x' * (i % 5)}\r\n" + ("\n" if i % 7 == 0 else "") for i in range(200))
    path = tmp_path / "f.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("n,s\r\n" + body).encode())
    reader = CsvText(path, chunk_bytes=chunk_bytes)
    assert reader.names == ["n", "s"]
    numbers = [int(v) for chunk in reader.chunks() for v in chunk.columns[0].to_pylist()]
    assert numbers == list(range(200))


def test_a_bad_row_deep_in_a_chunked_file_is_named_by_its_line(tmp_path):
    path = tmp_path / "f.csv"
    lines = ["a,b"] + [f"{i},{i}" for i in range(5000)]
    lines[4321] = "1,2,3"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LabkitInputError, match="expected 2 fields") as info:
        list(CsvText(path, chunk_bytes=1000).chunks())
    assert info.value.line == 4322


def test_unusual_quoting_reads_as_the_csv_module_reads_it(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('a,b\nab"c,"x"y\n "q",""\n', encoding="utf-8")
    assert read_csv_text(path).values.tolist() == [['ab"c', "xy"], [' "q"', None]]


# -- captured CSV payloads: the same rule, the record is quarantined ----------------------------


def capture(event: int, payload: str) -> CaptureRecord:
    data = CaptureData("text/csv", "INPUT", payload, "CSV")
    return CaptureRecord(f"e{event}", inference_time="2024-01-01T00:00:00Z", input=data)


@given(st.lists(st.tuples(st.lists(st.lists(CELL, min_size=2, max_size=2), min_size=1, max_size=3),
                          st.booleans()), min_size=1, max_size=15))  # fmt: skip
def test_capture_rows_plus_quarantined_records_account_for_every_record(payloads):
    records, expected_rows, corrupt = [], 0, 0
    for event, (rows, damage) in enumerate(payloads):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
        text = buffer.getvalue()
        if damage:
            text = text[: text.rindex('"')] + text[text.rindex('"') + 1 :]  # the last closing quote
            corrupt += 1
        else:
            expected_rows += len(rows)
        records.append(capture(event, text))
    frame, quarantined = records_to_frame(records, ["x", "y"])
    assert len(quarantined) == corrupt
    assert len(frame) == expected_rows
    assert all("does not close" in q.reason for q in quarantined)


def test_split_csv_lines_names_the_payload_line():
    with pytest.raises(LabkitInputError, match="payload line 2"):
        split_csv_lines('1,2\n"3,4\n5,6', where="payload ")


@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list('a1 ,"')), min_size=1, max_size=10),
        min_size=1,
        max_size=12,
    )
)
def test_any_line_reads_as_the_csv_module_reads_that_line(tmp_path_factory, lines):
    """Raw lines, quotes anywhere: the same cells as csv.reader on each line, or a refusal."""
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    header = ",".join(f"h{i}" for i in range(len(next(csv.reader([lines[0]])))))
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    parsed = [next(csv.reader([line])) for line in [header, *lines]]
    width = len(parsed[0])
    try:
        frame = read_csv_text(path)
    except LabkitInputError:
        unclosed = any(line.count('"') % 2 for line in lines)  # a necessary sign of an open quote
        assert unclosed or any(len(p) != width for p in parsed)
        return
    assert all(len(p) == width for p in parsed)
    assert frame.astype(object).where(frame.notna(), None).values.tolist() == [
        [c if c != "" else None for c in p] for p in parsed[1:]
    ]
