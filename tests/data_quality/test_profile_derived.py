"""A column profile monitored again gives what a fresh profile gives (ColumnProfile.derived)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit import data_quality
from labkit.data_quality.profile import ColumnProfile, DatasetProfile
from labkit.data_quality.types import column_text


def _profiles(frame: pd.DataFrame) -> DatasetProfile:
    return DatasetProfile({c: ColumnProfile().add(column_text(frame[c])) for c in frame}, item_count=len(frame))


def _window(seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x": rng.normal(shift, 1, 200).round(3), "kind": rng.choice(["a", "b", "c"], 200)})


def test_a_profile_reused_against_two_baselines_is_measured_against_each():
    first, second = data_quality.suggest_baseline(_window(0)), data_quality.suggest_baseline(_window(1, shift=3))
    shared = _profiles(_window(2))
    for baseline in (first, second, first):
        again = data_quality.monitor(shared, baseline)
        fresh = data_quality.monitor(_window(2), baseline)
        assert again.statistics.to_dict() == fresh.statistics.to_dict()
        assert again.violations.to_dict() == fresh.violations.to_dict() and again.distances == fresh.distances
    assert data_quality.monitor(shared, first).distances != data_quality.monitor(shared, second).distances


def test_a_profile_that_absorbs_more_rows_forgets_what_it_derived():
    baseline = data_quality.suggest_baseline(_window(0))
    head, tail = _window(2), _window(3, shift=2)
    growing, fresh = _profiles(head), _profiles(head)  # two chunks each; only ``growing`` was monitored before
    before = data_quality.monitor(growing, baseline)
    for profile in (growing, fresh):
        for name, column in profile.items():
            column.add(column_text(tail[name]))
        profile.item_count += len(tail)
    after, whole = data_quality.monitor(growing, baseline), data_quality.monitor(fresh, baseline)
    assert after.statistics.to_dict() == whole.statistics.to_dict() != before.statistics.to_dict()
    assert after.distances == whole.distances and after.distinct_counts["kind"] == whole.distinct_counts["kind"]
