"""Read and write the service's JSON files the way the service does.

Model Monitor's container writes its reports with Jackson's default pretty printer: two-space
indent, ``"key" : value`` and short arrays on one line (reference: data-quality.md §1). The twin
mimics that so a learner can diff a local file against a real one; readers never depend on it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from labkit.errors import LabkitInputError
from labkit.paths import os_error, require_file, write_text

__all__ = ["JsonShape", "dumps", "java_double", "python_float", "read_json", "write_json"]


def dumps(data: Any) -> str:
    """Serialise ``data`` in Jackson's pretty-printed layout.

    NaN and infinity are refused: each file format spells them differently (``"NaN"`` in
    model-quality statistics, ``"Infinity"`` in Clarify's analysis.json), so the caller must
    convert them first.
    """
    return _render(data, 0) + "\n"


def write_json(data: Any, path: str | Path) -> Path:
    """Write ``data`` to ``path`` (parents created) and return the path; OS errors name the path."""
    return write_text(path, dumps(data))


def read_json(path: str | Path) -> Any:
    """Load one JSON document; a missing file or bad JSON raises LabkitInputError with the line.

    Only a regular file is read (a FIFO or a device is refused before it is opened).
    """
    path = require_file(path, "a JSON file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise os_error(exc, path) from None
    except UnicodeDecodeError as exc:
        raise LabkitInputError(f"not UTF-8 text ({exc.reason})", path=path) from None
    if not text.strip():
        raise LabkitInputError("file is empty, expected JSON", path=path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LabkitInputError(
            f"not valid JSON: {exc.msg} (character {exc.colno})", path=path, line=exc.lineno
        ) from None
    except RecursionError:
        raise LabkitInputError("JSON nested too deeply to read", path=path) from None


class JsonShape:
    """Check a parsed document's shape, naming the JSON path of the first thing that is wrong.

    Each method returns the value it checked, so a reader walks the file and validates it in
    one pass: ``shape.number(shape.required(entry, "mean", "features[0]"), "features[0].mean")``
    raises ``features[0].mean: expected a number, found 'x'`` with the file named.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = path

    def fail(self, key: str, expected: str, found: Any) -> NoReturn:
        raise LabkitInputError(
            f"{key or 'top level'}: expected {expected}, found {found!r}", path=self.path
        )

    def required(self, holder: Mapping[str, Any], name: str, key: str) -> Any:
        """``holder[name]``, or raise naming ``key.name`` as missing."""
        if name not in holder:
            where = f"{key}.{name}" if key else name
            raise LabkitInputError(f"{where} is missing", path=self.path)
        return holder[name]

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(key, "an object", value)
        return value

    def sequence(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(key, "a list", value)
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            self.fail(key, "a string", value)
        return value

    def number(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, "a number", value)
        return float(value)

    def integer(self, value: Any, key: str) -> int:
        number = self.number(value, key)
        if not math.isfinite(number) or number != int(number):
            self.fail(key, "a whole number", value)
        return int(number)

    def unique_names(self, names: list[str], key: str) -> None:
        """Refuse a name given twice in the list at ``key`` (entries are looked up by name)."""
        seen: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in seen:
                raise LabkitInputError(
                    f"{key}[{i}].name {name!r} repeats {key}[{seen[name]}].name; "
                    "each name has one entry",
                    path=self.path,
                )
            seen[name] = i


def java_double(x: float) -> str:
    """A double as Java's ``Double.toString`` prints it ("100.0", "49.95", "1.0E-4").

    The Model Monitor container is Scala: its violation sentences print numbers this way (a real
    model-quality execution writes ``+/- 5.092682820403929E-4``; reference data-quality.md §4).
    """
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        return repr(x)  # Python's shortest repr uses no exponent in this range, as Java
    sign, digits, exponent = Decimal(repr(x)).as_tuple()
    digits_text = "".join(map(str, digits)).rstrip("0") or "0"
    power = exponent + len(digits) - 1
    return f"{'-' if sign else ''}{digits_text[0]}.{digits_text[1:] or '0'}E{power}"


def python_float(x: float) -> str:
    """A float as SageMaker Clarify (Python) prints it in a sentence: ``repr``, ±inf as in analysis.json.

    Real bias drift violations read "Metric value Infinity doesn't meet ..." (Clarify writes ±inf
    as the strings "Infinity"/"-Infinity" in analysis.json, reference bias.md §6).
    """
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return "NaN" if math.isnan(x) else repr(x)


def _render(value: Any, level: int) -> str:
    pad = "  " * level
    if isinstance(value, dict):
        if not value:
            return "{ }"
        items = [f'{pad}  {json.dumps(str(k))} : {_render(v, level + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[ ]"
        # Jackson keeps array elements on the opening line, objects included: "[ {" ... "}, {".
        return "[ " + ", ".join(_render(v, level) for v in value) + " ]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, (bool, str)):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no JSON form here; convert it to the file's spelling first")
        return repr(value)
    raise TypeError(f"cannot write {type(value).__name__} to a SageMaker-shaped file")
