"""The one exception the kit raises for bad input: it names the file, line and column."""

from __future__ import annotations

from pathlib import Path

__all__ = ["LabkitInputError"]


class LabkitInputError(ValueError):
    """Input the kit cannot use, located as precisely as we know.

    The message reads like ``a.jsonl line 17, column 'income': expected a number``, so a
    learner can open the file and find the problem without a traceback.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | int | None = None,
    ) -> None:
        self.reason = reason
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(self.path)
        if self.line is not None:
            parts.append(f"line {self.line}")
        location = " ".join(parts)
        if self.column is not None:
            location = ", ".join(filter(None, [location, f"column {self.column!r}"]))
        return f"{location}: {self.reason}" if location else self.reason
