"""Read the CSV files a learner points the kit at, with errors that name the file, line and column.

Three readers, because the twins need three views of a file:

* ``read_csv_text`` keeps every cell as the text it was written as. The data-quality twin needs
  that: Deequ decides a value's type from its textual form (``"8"`` is Integral, ``"8.0"`` is
  Fractional), which a numeric parse would erase.
* ``CsvText`` reads the same text in chunks of columnar string arrays (pyarrow), so the
  data-quality engine profiles a file of any size in bounded memory.
* ``read_csv`` parses numbers, for the model-quality, bias and explainability twins.

All refuse what would otherwise be silently misread: an empty file, a header with blank or
duplicate names, rows with too many or too few fields, and a quote that opens a field and does
not close it on its line (each named by line).

**One record per line.** [U] reference: data-quality.md §7.1 — the container reads CSV with
Spark, whose CSV reader splits records at line ends unless ``multiLine`` is set (off by
default; the container's settings name a record delimiter of ``\\n``). So a quoted field never
spans lines here either: an unclosed quote is refused on the line where it opens instead of
swallowing the rest of the file into one cell. Quoting within a line follows Python's ``csv``
module (Excel dialect): ``"a,b"`` is one field, ``""`` inside quotes is one quote.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from labkit.errors import LabkitInputError
from labkit.paths import require_file

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CHUNK_BYTES",
    "CsvText",
    "TextChunk",
    "array_pieces",
    "read_csv",
    "read_csv_text",
    "require_columns",
    "to_numeric",
]

CHUNK_BYTES = 32 * 2**20  # text read per chunk: bounds memory whatever the file's size
_BOM = b"\xef\xbb\xbf"
_PLAIN_FIELD = rb'(?:[^",\r\n]*|"(?:[^"\r\n]|"")*")'
_PLAIN_LINE = re.compile(rb"%s(?:,%s)*" % (_PLAIN_FIELD, _PLAIN_FIELD))
_LINE_END = re.compile(rb"\r\n|\r|\n")
_HAS_TEXT = re.compile(rb"[^\r\n]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class TextChunk:
    """Consecutive records of a CSV: one pyarrow string array per column ("" = empty cell)."""

    columns: list[pa.ChunkedArray]  # one per column, in record order
    first_line: int  # line number of the chunk's first line in the file (from 1)
    n_bytes: int = 0  # bytes of the file this chunk was read from

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


def array_pieces(column: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """The contiguous arrays of a column, in order (no copy)."""
    return list(column.chunks) if hasattr(column, "chunks") else [column]


class CsvText:
    """A CSV file read as text cells, chunk by chunk (``chunks()``), after checking its header.

    Without a header, columns are named ``_c0``, ``_c1``, … as Spark names them.
    """

    def __init__(self, path: str | Path, *, header: bool = True, chunk_bytes: int = CHUNK_BYTES):
        # A FIFO or a device is refused before it is opened (labkit.paths).
        self.path = require_file(Path(path), "a CSV file")
        self.header, self.chunk_bytes = header, chunk_bytes
        try:
            self.size = self.path.stat().st_size
            with self.path.open("rb") as probe:
                first = probe.read(max(chunk_bytes, 1 << 16))
        except FileNotFoundError:
            raise LabkitInputError("file not found", path=self.path) from None
        except IsADirectoryError:
            raise LabkitInputError(
                "expected a CSV file, found a directory", path=self.path
            ) from None
        bom = len(_BOM) if first.startswith(_BOM) else 0  # Excel's "CSV UTF-8" mark is dropped
        first = first[bom:]
        start = re.search(rb"[^\r\n]", first)  # blank lines before the header carry no record
        if start is None:
            raise LabkitInputError(
                "file is empty, expected a CSV with a header row", path=self.path
            )
        end = _LINE_END.search(first, start.start())
        line = _line_breaks(first, start.start()) + 1
        fields = _split_line(
            first[start.start() : end.start() if end else len(first)], self.path, line, bom
        )
        if header:
            _check_header(fields, self.path)
            self.names = fields
            header_end = end.end() if end else len(first)
            self._data_start, self._data_line = (
                bom + header_end,
                _line_breaks(first, header_end) + 1,
            )
        else:
            self.names = [f"_c{i}" for i in range(len(fields))]
            self._data_start, self._data_line = bom, 1

    @property
    def header_bytes(self) -> int:
        """Bytes before the first record (byte-order mark, blank lines, header line)."""
        return self._data_start

    def chunks(self, columns: Sequence[int] | None = None) -> Iterator[TextChunk]:
        """The records after the header, ``chunk_bytes`` of text at a time (whole lines each).

        ``columns`` selects column positions (all by default); every line is still checked.
        """
        line = self._data_line
        with self.path.open("rb") as file:
            file.seek(self._data_start)
            carry = b""
            while True:
                block = file.read(self.chunk_bytes)
                at_end = len(block) < self.chunk_bytes
                block = carry + block
                cut = len(block) if at_end else block.rfind(b"\n") + 1
                if cut == 0 and not at_end:  # one line longer than a chunk: read on
                    carry = block
                    continue
                block, carry = block[:cut], block[cut:]
                if _HAS_TEXT.search(block):
                    start_byte = file.tell() - len(carry) - len(block)
                    chunk = _parse_block(block, len(self.names), line, self.path, start_byte)
                    selected = (
                        chunk.columns if columns is None else [chunk.columns[i] for i in columns]
                    )
                    if chunk.n_rows:
                        yield TextChunk(selected, line, len(block))
                line += _line_breaks(block, len(block))
                if at_end and not carry:
                    return


def read_csv_text(path: str | Path, *, header: bool = True) -> pd.DataFrame:
    """All cells as strings (``object`` dtype); empty cells become missing (``None``).

    Without a header, columns are named ``_c0``, ``_c1``, … as Spark names them.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    reader = CsvText(path, header=header)
    parts: list[list[pa.Array]] = [[] for _ in reader.names]
    for chunk in reader.chunks():
        for i, column in enumerate(chunk.columns):
            parts[i].extend(array_pieces(column))
    data = {}
    for name, pieces in zip(reader.names, parts):
        column = pa.chunked_array(pieces, pa.string())
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        data[name] = pd.Series(column.to_numpy(zero_copy_only=False), dtype=object)
    return pd.DataFrame(data, columns=reader.names, dtype=object)


def read_csv(path: str | Path, *, header: bool = True) -> pd.DataFrame:
    """A CSV (with a header unless ``header=False``), numbers parsed; checks as ``read_csv_text``."""
    text = read_csv_text(path, header=header)
    return pd.DataFrame({c: _infer(text[c]) for c in text.columns}, columns=text.columns)


def require_columns(
    df: pd.DataFrame, columns: Iterable[str], *, path: str | Path | None = None
) -> None:
    """Raise naming the first column that ``df`` lacks, and the columns it has."""
    for column in columns:
        if column not in df.columns:
            have = ", ".join(map(str, df.columns)) or "none"
            raise LabkitInputError(
                f"no such column (columns are: {have})", path=path, column=column
            )


def to_numeric(series: pd.Series, *, path: str | Path | None = None) -> pd.Series:
    """Parse a column as numbers or raise naming the column, the first bad value and its data row."""
    numbers = pd.to_numeric(series, errors="coerce")
    bad = numbers.isna() & series.notna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise LabkitInputError(
            f"expected a number, found {series.iloc[position]!r} (data row {position + 1})",
            path=path,
            column=series.name,
        )
    return numbers.astype(float)


def split_csv_lines(text: str, *, where: str = "") -> list[list[str]]:
    """Records of a small CSV text (a captured payload), one per non-blank line.

    A quote left open at a line's end is refused (``LabkitInputError`` naming the line), as
    ``CsvText`` refuses it: a record never swallows the next line.
    """
    out = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if line:
            fields, unclosed = _csv_fields(line)
            if unclosed:
                raise LabkitInputError(f"{where}line {number}: {_UNCLOSED}")
            out.append(fields)
    return out


_UNCLOSED = "a quoted field opens here and does not close on this line (a record is one line)"


def _csv_fields(line: str) -> tuple[list[str], bool]:
    """Fields of one line as Python's csv module reads them, and whether a quote is left open."""
    reader = csv.reader([line], strict=False)
    try:
        fields = next(reader, [])
    except csv.Error:
        return [], True
    # The csv module closes an open quote at the end of its input; find out whether it did.
    return fields, _quote_open_at_end(line)


def _quote_open_at_end(line: str) -> bool:
    in_quotes, at_field_start, i = False, True, 0
    while i < len(line):
        char = line[i]
        if in_quotes:
            if char == '"':
                if i + 1 < len(line) and line[i + 1] == '"':
                    i += 1
                else:
                    in_quotes = False
        elif char == '"' and at_field_start:
            in_quotes = True
        at_field_start = char == "," and not in_quotes
        i += 1
    return in_quotes


def _split_line(raw: bytes, path: Path, line: int, offset: int) -> list[str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LabkitInputError(f"not UTF-8 text (byte {exc.start + offset})", path=path) from None
    fields, unclosed = _csv_fields(text)
    if unclosed:
        raise LabkitInputError(_UNCLOSED, path=path, line=line)
    return fields


def _line_breaks(data: bytes, end: int) -> int:
    """Line breaks in ``data[:end]`` as the csv module counts them (\\r\\n, \\r or \\n)."""
    lf = data.count(b"\n", 0, end)
    if data.find(b"\r", 0, end) < 0:  # the common case: one pass
        return lf
    return lf + data.count(b"\r", 0, end) - data.count(b"\r\n", 0, end)


def _parse_block(
    block: bytes, width: int, first_line: int, path: Path, start_byte: int
) -> TextChunk:
    """Whole lines of CSV text → one string array per column, or a located LabkitInputError."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    quoted = b'"' in block
    if quoted:
        block = _canonical_quoting(block, first_line, path)
    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(block),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(quote_char='"' if quoted else False, newlines_in_values=False,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )  # fmt: skip
    except (pa.ArrowInvalid, pa.ArrowException):
        _locate_problem(block, width, first_line, path, start_byte)
        raise  # _locate_problem always raises; this is unreachable
    return TextChunk(list(table.columns), first_line)


def _canonical_quoting(block: bytes, first_line: int, path: Path) -> bytes:
    """Lines whose quoting is unusual (``ab"c``, ``"ab"c``) rewritten as the csv module reads them.

    Plain quoting (whole fields in quotes, ``""`` inside) is read alike by pyarrow and the csv
    module; the rare other lines are parsed by the csv module and written back plainly, so the
    fast reader gives the csv module's cells. An unclosed quote is refused on its line.
    """
    if _plain_quoting(block):
        return block
    pieces, last, position = [], 0, block.find(b'"')
    while position >= 0:
        start = max(block.rfind(b"\n", 0, position), block.rfind(b"\r", 0, position)) + 1
        end_match = _LINE_END.search(block, position)
        end = end_match.start() if end_match else len(block)
        raw = block[start:end]
        position = block.find(b'"', end)
        if _PLAIN_LINE.fullmatch(raw):
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue  # the UTF-8 error is reported with its byte position by _locate_problem
        fields, unclosed = _csv_fields(text)
        if unclosed:
            raise LabkitInputError(
                _UNCLOSED, path=path, line=first_line + _line_breaks(block, start)
            )
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        pieces += [block[last:start], out.getvalue().encode("utf-8")]
        last = end
    return b"".join([*pieces, block[last:]]) if pieces else block


def _plain_quoting(block: bytes) -> bool:
    """True when every quote opens a field, closes it, or is half of a ``""`` inside it.

    Vectorised over the quote characters: per line, the 1st, 3rd, … quote must follow a
    delimiter or line start (it opens) or directly follow the quote before it (``""``); the 2nd,
    4th, … must precede a delimiter or line end (it closes) or directly precede the next quote;
    and each line holds an even number of quotes (none is left open).
    """
    import numpy as np

    data = np.frombuffer(block, dtype=np.uint8)
    quotes = np.flatnonzero(data == ord('"'))
    if len(quotes) == 0:
        return True
    breaks = np.flatnonzero((data == ord("\n")) | (data == ord("\r")))
    line = np.searchsorted(breaks, quotes)
    _, first, counts = np.unique(line, return_index=True, return_counts=True)
    if (counts % 2).any():
        return False
    odd = (np.arange(len(quotes)) - np.repeat(first, counts)) % 2 == 0  # 1st, 3rd, … of its line
    separators = np.array([ord(","), ord("\n"), ord("\r")], dtype=np.uint8)
    before = np.ones(len(quotes), dtype=bool)
    before[quotes > 0] = np.isin(data[quotes[quotes > 0] - 1], separators)
    last = len(data) - 1
    after = np.ones(len(quotes), dtype=bool)
    after[quotes < last] = np.isin(data[quotes[quotes < last] + 1], separators)
    adjacent = np.diff(quotes) == 1
    pair_second = np.zeros(len(quotes), dtype=bool)
    pair_second[1:] = adjacent & ~odd[:-1]
    pair_first = np.zeros(len(quotes), dtype=bool)
    pair_first[:-1] = adjacent & odd[1:]
    return bool(np.where(odd, before | pair_second, after | pair_first).all())


def _locate_problem(block: bytes, width: int, first_line: int, path: Path, start_byte: int) -> None:
    """Find the first bad line of a block the fast reader refused, and raise naming it."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LabkitInputError(
            f"not UTF-8 text (byte {start_byte + exc.start})", path=path
        ) from None
    for number, line in enumerate(_LINE_BREAK.split(text), start=first_line):
        if not line:
            continue
        fields, unclosed = _csv_fields(line)
        if unclosed:
            raise LabkitInputError(_UNCLOSED, path=path, line=number)
        if len(fields) != width:
            raise LabkitInputError(
                f"expected {width} fields as in the header, found {len(fields)}",
                path=path,
                line=number,
            )
    raise LabkitInputError("malformed CSV", path=path, line=first_line)


def _check_header(names: list[str], path: Path) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name.strip():
            raise LabkitInputError(
                f"header field {i + 1} is blank; every column needs a name", path=path, line=1
            )
        if name in seen:
            raise LabkitInputError(
                f"duplicate column name (fields {seen[name] + 1} and {i + 1})",
                path=path,
                line=1,
                column=name,
            )
        seen[name] = i


def _infer(column: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    if (numbers.isna() == column.isna()).all() and column.notna().any():
        if (numbers.dropna() % 1 == 0).all() and not column.dropna().str.contains(r"[.eE]").any():
            return numbers.astype("Int64") if column.isna().any() else numbers.astype("int64")
        return numbers.astype(float)
    return column
