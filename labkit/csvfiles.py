"""Read the CSV files a learner points the kit at, with errors that name the file, line and column.

Two readers, because the twins need two views of a file:

* ``read_csv_text`` keeps every cell as the text it was written as. The data-quality twin needs
  that: Deequ decides a value's type from its textual form (``"8"`` is Integral, ``"8.0"`` is
  Fractional), which a numeric parse would erase.
* ``read_csv`` parses numbers, for the model-quality, bias and explainability twins.

Both refuse what would otherwise be silently misread: an empty file, a header with blank or
duplicate names, and rows with too many or too few fields (each named by line).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from labkit.errors import LabkitInputError
from labkit.paths import require_file

__all__ = ["read_csv", "read_csv_text", "require_columns", "to_numeric"]


def read_csv_text(path: str | Path, *, header: bool = True) -> pd.DataFrame:
    """All cells as strings (``object`` dtype); empty cells become missing (``None``).

    Without a header, columns are named ``_c0``, ``_c1``, … as Spark names them.
    """
    path = require_file(path, "a CSV file")  # a FIFO or a device is refused before it is opened
    rows = _rows(path)
    if header:
        names, body, first_line = rows[0][1], rows[1:], 2
        _check_header(names, path)
    else:
        width = len(rows[0][1])
        names, body, first_line = [f"_c{i}" for i in range(width)], rows, 1
    for line_no, fields in body:
        if len(fields) != len(names):
            raise LabkitInputError(
                f"expected {len(names)} fields as in the header, found {len(fields)}", path=path, line=line_no
            )
    del first_line
    data = {name: [f[i] if f[i] != "" else None for _, f in body] for i, name in enumerate(names)}
    return pd.DataFrame(data, columns=names, dtype=object)


def read_csv(path: str | Path, *, header: bool = True) -> pd.DataFrame:
    """A CSV (with a header unless ``header=False``), numbers parsed; checks as ``read_csv_text``."""
    text = read_csv_text(path, header=header)
    return pd.DataFrame({c: _infer(text[c]) for c in text.columns}, columns=text.columns)


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, path: str | Path | None = None) -> None:
    """Raise naming the first column that ``df`` lacks, and the columns it has."""
    for column in columns:
        if column not in df.columns:
            have = ", ".join(map(str, df.columns)) or "none"
            raise LabkitInputError(f"no such column (columns are: {have})", path=path, column=column)


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


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LabkitInputError("file not found", path=path) from None
    except IsADirectoryError:
        raise LabkitInputError("expected a CSV file, found a directory", path=path) from None
    try:
        text = raw.decode("utf-8-sig")  # a UTF-8 byte-order mark (Excel's "CSV UTF-8") is dropped
    except UnicodeDecodeError as exc:
        raise LabkitInputError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for fields in reader:
            if fields:  # blank lines carry no record
                rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise LabkitInputError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from None
    if not rows:
        raise LabkitInputError("file is empty, expected a CSV with a header row", path=path)
    return rows


def _check_header(names: list[str], path: Path) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name.strip():
            raise LabkitInputError(f"header field {i + 1} is blank; every column needs a name", path=path, line=1)
        if name in seen:
            raise LabkitInputError(
                f"duplicate column name (fields {seen[name] + 1} and {i + 1})", path=path, line=1, column=name
            )
        seen[name] = i


def _infer(column: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    if (numbers.isna() == column.isna()).all() and column.notna().any():
        if (numbers.dropna() % 1 == 0).all() and not column.dropna().str.contains(r"[.eE]").any():
            return numbers.astype("Int64") if column.isna().any() else numbers.astype("int64")
        return numbers.astype(float)
    return column
