"""Work that simulations of one endpoint share whatever their drift, done once.

Notebook 05's playground simulates the same hours again for every drift onset and shape. Much
of that work does not depend on the drift: the first model and its baselines, the requests
before they drift, which requests the capture sampled (their event ids and times), and, in a
drifted hour, every column but the drifted one. ``SimulationCache`` keeps each piece under its
inputs (the scenario object and seed, the requests' seed, a column's text, a window's bytes, the
model that analysed it), so an answer taken from it is the answer the work would give. Pass one
cache to several ``simulate`` calls.

The cache keeps everything for its lifetime: about 5 MB per new drift of notebook 05's 72 hours
of 100 requests (tracemalloc, 5 onsets).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from labkit import data_quality
from labkit.capture import csv_cells
from labkit.data_quality.profile import ColumnProfile, DatasetProfile
from labkit.data_quality.types import column_text_from_arrow

__all__ = ["SimulationCache"]

T = TypeVar("T")


class SimulationCache:
    """What ``simulate`` may reuse from an earlier run: pass the same cache to each call."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, Any] = {}
        self._windows: dict[int, tuple[pd.DataFrame, tuple[tuple[str | None, ...], ...]]] = {}

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __getitem__(self, key: Hashable) -> Any:
        return self._entries[key]

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under ``key``; ``make()`` computes and keeps it the first time."""
        if key not in self._entries:
            self._entries[key] = make()
        return self._entries[key]

    def window_frame(self, columns: Mapping[str, np.ndarray], rows: np.ndarray) -> pd.DataFrame | None:
        """``rows`` of ``columns`` as the data-quality schedule reads them from the capture: each
        cell as text, the way its CSV line carries it (``capture.records_to_frame``), None if
        empty. None if a cell would not survive a CSV line: read that window from the records.
        """
        names = tuple(str(name) for name in columns)
        cells = []
        for values in columns.values():
            picked = values[rows]
            column = self.get(("text", self.content_of(picked)), lambda v=picked: csv_cells(v))
            if column is None:
                return None
            cells.append(column)
        return self.get(("window", names, tuple(cells)), lambda: self._window(names, tuple(cells)))

    def data_quality_report(self, frame: pd.DataFrame, baseline: data_quality.Baseline) -> data_quality.MonitoringReport:
        """``data_quality.monitor(frame, baseline)``; for a frame from ``window_frame``, each
        column is profiled once per content and the report made once per window."""
        known = self._windows.get(id(frame))
        if known is None or known[0] is not frame:
            return data_quality.monitor(frame, baseline)
        profiles = tuple(self.get(("profile", cells), lambda c=cells: _profile(c)) for cells in known[1])
        key = ("data quality", id(baseline), profiles, len(frame))
        profile = DatasetProfile(dict(zip(map(str, frame.columns), profiles)), item_count=len(frame))
        return self.get(key, lambda: (baseline, data_quality.monitor(profile, baseline)))[1]

    def model_quality_report(self, frame: pd.DataFrame, analyse: Callable[[pd.DataFrame], T], owner: object) -> T:
        """``analyse(frame)`` for the deployment ``owner``, made once per window content."""
        key = ("model quality", id(owner), tuple(frame.columns), *(self.content_of(frame[c].to_numpy()) for c in frame))
        return self.get(key, lambda: (owner, analyse(frame)))[1]

    @staticmethod
    def content_of(values: np.ndarray) -> Hashable:
        """Equal only for arrays whose values write the same: the dtype and bytes of numbers, else
        each text, and each other value's type and repr (1, 1.0 and True are equal in Python, and
        so are 0.0 and -0.0, but each writes its own text)."""
        if values.dtype.kind in "biuf":
            return (values.dtype.str, values.tobytes())
        return (str(values.dtype), tuple(v if type(v) is str else (type(v), repr(v)) for v in values.tolist()))

    def _window(self, names: tuple[str, ...], cells: tuple[tuple[str | None, ...], ...]) -> pd.DataFrame:
        table = np.empty((len(cells[0]) if cells else 0, len(cells)), dtype=object)
        for j, column in enumerate(cells):
            table[:, j] = column
        window = pd.DataFrame(table, columns=list(names), dtype=object)  # text cells, as records_to_frame's
        self._windows[id(window)] = (window, cells)
        return window


def _profile(cells: tuple[str | None, ...]) -> ColumnProfile:
    """The column's profile, its texts classified as a CSV chunk's (None is a missing cell)."""
    import pyarrow as pa

    return ColumnProfile().add(column_text_from_arrow(pa.array(cells, pa.string())))
