"""The local engine: profile a CSV file of any size chunk by chunk, in bounded memory.

``profile_csv`` reads the file with ``csvfiles.CsvText`` (pyarrow string columns, one chunk of
text at a time), classifies and parses each chunk's distinct texts with vectorised kernels
(``types``), and folds every chunk into one ``ColumnProfile`` per column (``profile``). Memory
holds one chunk plus the profiles (sketches of a few thousand values, 512 HyperLogLog registers,
the value counts of categorical columns), whatever the number of rows; time grows linearly
with them. The result equals profiling the whole file at once: counts, types and value counts
exactly, sums and moments up to floating-point rounding (Chan's merge), and the KLL sketch
exactly (the compactors carry over from chunk to chunk as one stream).

``suggest_baseline`` and ``monitor`` accept the profile in place of a DataFrame.

Examples
--------
>>> from labkit.data_quality import engine, suggest_baseline
>>> baseline = suggest_baseline(engine.profile_csv("data/credit_train.csv"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from labkit.csvfiles import CHUNK_BYTES, CsvText, array_pieces
from labkit.data_quality.profile import (
    VALUE_COUNT_LIMIT,
    ColumnProfile,
    DatasetProfile,
    column_names,
)
from labkit.data_quality.types import column_text_from_arrow

__all__ = ["ENGINES", "profile_csv"]

ENGINES = ("local", "spark")  # labkit data-quality --engine

Progress = Callable[[int], None]  # called with the bytes read since the last call


def profile_csv(
    path: str | Path,
    *,
    header: bool = True,
    count_values_of: Collection[str] = (),
    chunk_bytes: int = CHUNK_BYTES,
    progress: Progress | None = None,
) -> DatasetProfile:
    """Profile every column of a CSV file, one chunk of ``chunk_bytes`` of text at a time.

    ``count_values_of`` names columns whose value counts are always kept (the baseline's String
    features, which the monitor's drift and domain checks compare). Other columns stop counting
    values past ``VALUE_COUNT_LIMIT`` distinct texts; if one of them turns out to be String, its
    values are counted in a second pass over that column only. ``progress`` is called with the
    bytes of the file consumed (the header first, then each chunk), which add up to its size.
    """
    reader = CsvText(path, header=header, chunk_bytes=chunk_bytes)
    names = column_names(reader.names)
    keep = set(count_values_of)
    profile = DatasetProfile(
        {
            name: ColumnProfile(value_limit=None if name in keep else VALUE_COUNT_LIMIT)
            for name in names
        }
    )
    if progress is not None:
        progress(reader.header_bytes)
    for chunk in reader.chunks():
        profile.item_count += chunk.n_rows
        for name, texts in zip(names, chunk.columns):
            for piece in array_pieces(texts):
                profile.columns[name].add(column_text_from_arrow(piece))
        if progress is not None:
            progress(chunk.n_bytes)
    recount = [
        i
        for i, name in enumerate(names)
        if not profile.columns[name].has_value_counts
        and (
            name in keep
            or profile.columns[name].type_counts().inferred_type not in ("Integral", "Fractional")
        )
    ]
    if recount:
        _count_values(reader, names, recount, profile)
    return profile


def _count_values(
    reader: CsvText, names: list[str], positions: list[int], profile: DatasetProfile
) -> None:
    """Second pass: exact value counts of the columns that gave them up in the first."""
    for position in positions:
        profile.columns[names[position]].values = {}
        profile.columns[names[position]].value_limit = None
    for chunk in reader.chunks(columns=positions):
        for position, texts in zip(positions, chunk.columns):
            for piece in array_pieces(texts):
                present, counts = column_text_from_arrow(piece).present_texts()
                profile.columns[names[position]].count_values(present.to_pylist(), counts.tolist())
