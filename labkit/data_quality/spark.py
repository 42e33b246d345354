"""The Spark engine: profile a CSV with Apache Spark when one machine is not enough.

The Model Monitor container itself runs Deequ on Spark: each analyzer keeps a mergeable state
per partition and Spark combines the states. ``profile_csv`` does the same with the kit's own
states (``profile.ColumnProfile``): Spark reads and partitions the file, every partition is
profiled by the code that profiles a chunk locally (Deequ's types, Chan moments, a KLL sketch
per partition as Deequ's ``KLLRunner`` builds it, HyperLogLog++ registers, value counts), and
the driver merges the partitions' states in partition order (``KLLBuilder.merge`` is Deequ's
``QuantileNonSample.merge``). Value counts a partition gave up (too many distinct texts) are
counted by a Spark ``groupBy`` for the columns that need them. The files written are the local
engine's: counts, types, value counts and violations are identical, sums and moments agree to
rounding, and the KLL sketch (merged from partitions, as the service merges it) answers ranks
within the sketch's error bound.

Needs ``pip install 'drift-lab[spark]'`` (PySpark) and Java 17. Without a configured master
(``spark-submit --master …`` sets one) it runs on ``local[*]``. On a cluster every executor
imports ``labkit``: ship it with ``--py-files`` (docs/spark.md shows SageMaker's
PySparkProcessor and EMR).
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labkit.data_quality.profile import (
    VALUE_COUNT_LIMIT,
    ColumnProfile,
    DatasetProfile,
    column_names,
)
from labkit.errors import LabkitInputError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["profile_csv", "read_csv", "session", "use_this_python"]

APP_NAME = "labkit-data-quality"


def session() -> SparkSession:
    """The active Spark session, or a new one (``local[*]`` unless spark-submit set a master)."""
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError:
        raise LabkitInputError(
            "--engine spark needs PySpark: pip install 'drift-lab[spark]' (and Java 17)"
        ) from None
    builder = SparkSession.builder.appName(APP_NAME)
    if not SparkConf().contains("spark.master"):
        builder = builder.master("local[*]")
        use_this_python()
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java, or a JVM that does not start: one line, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LabkitInputError(f"cannot start Spark ({first}); it needs Java 17") from None


def use_this_python() -> None:
    """Local Spark's Python workers run this interpreter (the one with labkit), unless told otherwise."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def read_csv(spark: SparkSession, path: str | Path, *, header: bool = True) -> DataFrame:
    """The CSV as Spark reads it for the container: every column a string, one record per line.

    Quotes as the csv module reads them (``""`` inside quotes is one quote); rows with the
    wrong number of fields fail the job (FAILFAST) instead of being padded.
    """
    names = _header_names(path, header)
    frame = (
        spark.read.option("header", header)
        .option("inferSchema", False)
        .option("multiLine", False)
        .option("escape", '"')
        .option("mode", "FAILFAST")
        .option("encoding", "UTF-8")
        .csv(str(path))
    )
    return frame.toDF(*names) if names is not None else frame


def profile_csv(
    path: str | Path,
    *,
    header: bool = True,
    count_values_of: Collection[str] = (),
    spark: SparkSession | None = None,
) -> DatasetProfile:
    """Profile every column of a CSV with Spark: per-partition states, merged on the driver."""
    spark = spark or session()
    frame = read_csv(spark, path, header=header)
    names = column_names(frame.columns)
    keep = set(count_values_of)
    limits = {name: (None if name in keep else VALUE_COUNT_LIMIT) for name in names}
    try:
        from pyspark.sql.types import BinaryType, LongType, StructField, StructType

        schema = StructType(
            [StructField("partition", LongType()), StructField("state", BinaryType())]
        )
        rows = frame.mapInArrow(
            lambda batches: _profile_partition(batches, names, limits), schema
        ).collect()
    except Exception as exc:
        if isinstance(exc, LabkitInputError):
            raise
        raise LabkitInputError(
            f"Spark could not read the CSV: {_first_line(exc)}", path=path
        ) from None
    profile = DatasetProfile({name: ColumnProfile(value_limit=limits[name]) for name in names})
    for row in sorted(rows, key=lambda r: r["partition"]):
        profile.merge(pickle.loads(row["state"]))
    recount = [
        name
        for name, column in profile.columns.items()
        if not column.has_value_counts
        and (name in keep or column.type_counts().inferred_type not in ("Integral", "Fractional"))
    ]
    for name in recount:
        _count_values_with_spark(frame, name, profile.columns[name])
    return profile


def _profile_partition(batches: Iterator[Any], names: list[str], limits: dict) -> Iterator[Any]:
    """Runs on an executor: one DatasetProfile of this partition's rows, pickled."""
    import pyarrow as pa
    from pyspark import TaskContext

    from labkit.data_quality.types import column_text_from_arrow

    profile = DatasetProfile({name: ColumnProfile(value_limit=limits[name]) for name in names})
    for batch in batches:
        profile.item_count += batch.num_rows
        for i, name in enumerate(names):
            profile.columns[name].add(column_text_from_arrow(batch.column(i)))
    partition = TaskContext.get().partitionId()
    yield pa.RecordBatch.from_pydict(
        {"partition": [partition], "state": [pickle.dumps(profile)]},
        schema=pa.schema([("partition", pa.int64()), ("state", pa.binary())]),
    )


def _count_values_with_spark(frame: DataFrame, name: str, column: ColumnProfile) -> None:
    """Exact value counts of one column by a Spark groupBy (nulls and "" are missing)."""
    from pyspark.sql import functions as F

    counts = (
        frame.where(F.col(name).isNotNull() & (F.col(name) != "")).groupBy(name).count().collect()
    )
    column.values, column.value_limit = {}, None
    column.count_values((row[0] for row in counts), (row[1] for row in counts))


def _header_names(path: str | Path, header: bool) -> list[str] | None:
    """A local file's header, checked as the local engine checks it (blank or repeated names)."""
    local = Path(path)
    if "://" in str(path) or not local.exists():
        return None  # a remote path (s3://…): Spark reads the header
    from labkit.csvfiles import CsvText

    return CsvText(local, header=header, chunk_bytes=1 << 16).names


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    for line in text.splitlines():
        if "Exception" in line or "Error" in line:
            return line.strip()[:300]
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]
