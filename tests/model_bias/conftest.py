"""Small hand-written tables for the bias tests: groups a/d, labels and predictions as T/F strings."""

from __future__ import annotations

import pandas as pd
import pytest

from labkit.model_bias import MetricResult, bias_report


def frame(
    a: str, d: str, a_pred: str | None = None, d_pred: str | None = None, groups: str | None = None
):
    """Rows of group a then d; ``a="TTF"`` means three a rows labelled yes, yes, no.

    Labels are the strings "yes"/"no" and the facet "a"/"d", so smclarify reads both as
    categorical whatever the row count; ``x`` is a numeric feature (the row number) for FT.
    """
    rows = [("a", c) for c in a] + [("d", c) for c in d]
    df = pd.DataFrame(
        {
            "group": [g for g, _ in rows],
            "label": ["yes" if c == "T" else "no" for _, c in rows],
            "x": [float(i) for i in range(len(rows))],
        }
    )
    if a_pred is not None:
        df["prediction"] = ["yes" if c == "T" else "no" for c in a_pred + d_pred]
    if groups is not None:
        df["stratum"] = [int(c) for c in groups]
    return df


def metric(df: pd.DataFrame, name: str, **options) -> MetricResult:
    """One metric of group d = "d" (post-training when the frame has predictions)."""
    report = bias_report(
        df,
        label="label",
        label_values_or_threshold=["yes"],
        facet="group",
        facet_values_or_threshold=["d"],
        predicted_label="prediction" if "prediction" in df.columns else None,
        methods=[name],
        **options,
    )
    return report.get(name)


@pytest.fixture
def table():
    return frame
