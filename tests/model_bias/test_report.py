"""analysis.json: the layout of reference bias.md §6–§7, exact names and descriptions, round trips."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from labkit.csvfiles import read_csv
from labkit.errors import LabkitInputError
from labkit.model_bias import POSTTRAINING_METRICS, PRETRAINING_METRICS, BiasReport, bias_report

from .conftest import frame

FIXTURES = Path(__file__).parents[1] / "fixtures" / "model_bias"
# bias.md §2/§3: smclarify's names and the first line of each docstring, spelling included.
DESCRIPTIONS = {
    "CI": "Class Imbalance (CI)",
    "DPL": "Difference in Positive Proportions in Labels (DPL)",
    "KL": "Kullback-Liebler Divergence (KL)",
    "JS": "Jensen-Shannon Divergence (JS)",
    "LP": "L-p Norm (LP)",
    "TVD": "Total Variation Distance (TVD)",
    "KS": "Kolmogorov-Smirnov Distance (KS)",
    "CDDL": "Conditional Demographic Disparity in Labels (CDDL)",
    "DPPL": "Difference in Positive Proportions in Predicted Labels (DPPL)",
    "DI": "Disparate Impact (DI)",
    "DCA": "Difference in Conditional Acceptance (DCA)",
    "DCR": "Difference in Conditional Rejection (DCR)",
    "RD": "Recall Difference (RD)",
    "SD": "Specificity Difference (SD)",
    "DAR": "Difference in Acceptance Rates (DAR)",
    "DRR": "Difference in Rejection Rates (DRR)",
    "AD": "Accuracy Difference (AD)",
    "TE": "Treatment Equality (TE)",
    "CDDPL": "Conditional Demographic Disparity in Predicted Labels (CDDPL)",
    "FT": "Flip Test (FT)",
    "GE": "Generalized Entropy (GE)",
}


def _example_report():
    df = read_csv(FIXTURES / "kl_dcr_example.csv")
    return bias_report(
        df,
        label="approved",
        label_values_or_threshold=["yes"],
        facet="group",
        facet_values_or_threshold=["d"],
        predicted_label="prediction",
    )


def _assert_same(got, want, where="$"):
    """Equal keys in the same order, equal strings/nulls, floats within rounding."""
    assert type(got) is type(want) or {type(got), type(want)} <= {int, float}, where
    if isinstance(want, dict):
        assert list(got) == list(want), where
        for key in want:
            _assert_same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, abs=1e-12), where  # hand values vs float arithmetic
    else:
        assert got == want, where


def test_reference_example_gives_the_hand_computed_analysis_json(tmp_path):
    written = _example_report().to_json(tmp_path)
    assert written.name == "analysis.json"
    want = json.loads((FIXTURES / "analysis_kl_dcr_example.json").read_text())
    # Real analysis.json files put the post-training block first (tests/fixtures/real/).
    order = ["version", "post_training_bias_metrics", "pre_training_bias_metrics"]
    _assert_same(json.loads(written.read_text()), {key: want[key] for key in order})


def test_metrics_are_sorted_by_name_with_exact_descriptions():
    assert [m.name for m in PRETRAINING_METRICS] == [
        "CDDL",
        "CI",
        "DPL",
        "JS",
        "KL",
        "KS",
        "LP",
        "TVD",
    ]
    assert [m.name for m in POSTTRAINING_METRICS] == [
        "AD",
        "CDDPL",
        "DAR",
        "DCA",
        "DCR",
        "DI",
        "DPPL",
        "DRR",
        "FT",
        "GE",
        "RD",
        "SD",
        "TE",
    ]
    for m in PRETRAINING_METRICS + POSTTRAINING_METRICS:
        assert m.description == DESCRIPTIONS[m.name]


def test_reference_layout_fixture_round_trips(tmp_path):
    report = BiasReport.from_json(FIXTURES / "analysis_reference_layout.json")
    assert report.post_training.facets[0][1][0].value_or_threshold == "(40, 99]"
    again = BiasReport.from_json(report.to_json(tmp_path))
    assert again == report
    assert again.to_dict() == json.loads((FIXTURES / "analysis_reference_layout.json").read_text())


def test_infinity_and_errors_round_trip(tmp_path):
    report = _example_report()
    assert report.get("DCR").value == -math.inf
    assert report.get("CDDL").error == "Group variable is empty or not provided"
    again = BiasReport.from_json(report.to_json(tmp_path))
    assert again == report
    text = (tmp_path / "analysis.json").read_text()
    assert '"value": "-Infinity"' in text and "NaN" not in text  # Clarify's Python JSON layout


def test_without_predictions_only_the_pre_training_block_is_written():
    report = bias_report(
        frame("TF", "TT"), label="label", label_values_or_threshold=["yes"], facet="group"
    )
    assert list(report.to_dict()) == ["version", "pre_training_bias_metrics"]
    # one vs rest: one entry per facet value, in order of appearance
    assert [g.value_or_threshold for g in report.pre_training.facets[0][1]] == ["a", "d"]


def test_methods_select_metrics_from_both_stages_and_refuse_unknown_names():
    df = frame("TTFF", "TFF", "TFTF", "TTT")
    options = {
        "label": "label",
        "label_values_or_threshold": ["yes"],
        "facet": "group",
        "facet_values_or_threshold": ["d"],
        "predicted_label": "prediction",
    }
    report = bias_report(df, methods=["TE", "CI", "DI"], **options)
    assert [m.name for m in report.pre_training.facets[0][1][0].metrics] == ["CI"]
    assert [m.name for m in report.post_training.facets[0][1][0].metrics] == ["DI", "TE"]
    with pytest.raises(LabkitInputError, match="^Invalid metric_name"):
        bias_report(df, methods=["CI", "XYZ"], **options)


def test_to_frame_is_tidy():
    table = _example_report().to_frame()
    assert list(table.columns) == [
        "stage",
        "facet",
        "value_or_threshold",
        "metric",
        "value",
        "error",
    ]
    assert len(table) == 21
    assert set(table.stage) == {"pre_training", "post_training"}
    cddl = table.set_index("metric").loc["CDDL"]
    assert math.isnan(cddl.value) and cddl.error == "Group variable is empty or not provided"
    assert table.value.dtype == float


def test_from_json_names_the_file_of_a_malformed_analysis(tmp_path):
    path = tmp_path / "analysis.json"
    path.write_text('{"pre_training_bias_metrics": {"label": "y"}}')
    with pytest.raises(LabkitInputError, match=r"pre_training_bias_metrics\.facets is missing") as info:
        BiasReport.from_json(path)
    assert str(path) in str(info.value)


def test_report_never_writes_nan(tmp_path):
    df = pd.concat([frame("TTT", "FFF", "TTT", "FFT"), frame("", "", "", "")])
    report = bias_report(
        df,
        label="label",
        label_values_or_threshold=["yes"],
        facet="group",
        facet_values_or_threshold=["d"],
        predicted_label="prediction",
    )
    assert "NaN" not in report.to_json(tmp_path).read_text()
