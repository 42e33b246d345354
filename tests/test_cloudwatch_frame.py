"""``cloudwatch.metrics_frame`` builds its table column by column; it must equal the table of one
dict per datum (the way it was built before, kept here as the reference), columns, dtypes and
NaNs included, whatever the mix of dimensions and StatisticValues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from labkit import cloudwatch
from labkit.cloudwatch import MetricDatum

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def row_by_row(data: list[MetricDatum]) -> pd.DataFrame:
    rows = []
    for d in data:
        row: dict[str, Any] = {"namespace": d.namespace, "metric_name": d.metric_name, "timestamp": d.timestamp}
        row.update(dict(d.dimensions))
        if d.value is not None:
            row["value"] = d.value
        else:
            row["value"] = d.statistic_values.get("Sum", float("nan")) / max(d.statistic_values.get("SampleCount", 1), 1)
            row.update({f"stat_{k}": v for k, v in d.statistic_values.items()})
        rows.append(row)
    columns = ["namespace", "metric_name", "timestamp", "value"]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame[columns + [c for c in frame.columns if c not in columns]]


def datum(name, dims=(), value=None, stats=None, at=0):
    return MetricDatum("ns/a", name, tuple(dims), WHEN + timedelta(hours=at), value, stats)


CASES = {
    "empty": [],
    "values only": [datum("m", [("Endpoint", "e")], 1.5), datum("m", [("Endpoint", "e")], 2, at=1)],
    "stats first, then a new dimension": [
        datum("d", [("Endpoint", "e"), ("Feature", "x")], stats={"SampleCount": 4.0, "Sum": 10.0, "Minimum": 1.0}),
        datum("v", [("Endpoint", "e"), ("MonitoringSchedule", "s")], 0.25, at=1),
        datum("d", [("Feature", "y")], stats={"Maximum": 3.0}, at=2),
    ],
    "a metric without dimensions among others": [datum("a", [], 1.0), datum("b", [("Feature", "x")], 2.0)],
    "dimensions named like columns": [
        datum("c", [("namespace", "other"), ("value", "dim"), ("stat_Sum", "dim")], stats={"Sum": 5.0}),
        datum("c", [("value", "dim"), ("stat_Sum", "dim")], 7.0, at=1),
        datum("c", [("metric_name", "renamed")], 8.0, at=2),
    ],
    "empty statistic values": [datum("s", [("Feature", "x")], stats={}), datum("s", [("Feature", "x")], 1.0)],
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_table_equals_one_dict_per_datum(name):
    data = CASES[name]
    expected, found = row_by_row(data), cloudwatch.metrics_frame(iter(data))
    assert list(found.columns) == list(expected.columns)
    assert [str(t) for t in found.dtypes] == [str(t) for t in expected.dtypes]
    pd.testing.assert_frame_equal(found, expected)


def test_a_simulations_metrics_table_equals_one_dict_per_datum():
    from labkit import scenarios, simulation

    credit = scenarios.load_scenario("credit", seed=0)
    result = simulation.simulate(credit, drift=simulation.DriftSchedule(6), days=1, requests_per_hour=30, outage_hours=(2,))
    data = [m for e in (*result.executions, *result.model_quality_executions) for m in e.metrics]
    pd.testing.assert_frame_equal(cloudwatch.metrics_frame(data), row_by_row(data))
