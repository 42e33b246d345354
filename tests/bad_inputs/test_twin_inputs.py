"""Bad values and options for the model-quality, bias and explainability commands.

Unknown problem types, thresholds outside their range, facet values that never occur, windows
without rows, junk and infinite cells: each either fails with one line naming the file (and line
or column), or completes and says what it set aside.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit import scenarios

# -- model quality ---------------------------------------------------------------------------------


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    path = tmp_path / "merged.csv"
    path.write_text(
        "label,pred,prob\n"
        + "".join(f"{i % 2},{(i // 3) % 2},{(i % 10) / 10}\n" for i in range(200))
    )
    return path


def mq_baseline(
    run_cli, path: Path, tmp_path: Path, *extra: str, problem_type: str = "BinaryClassification"
):
    return run_cli(
        "model-quality", "baseline", "--input", path, "--problem-type", problem_type,
        "--label", "label", "--output", tmp_path / "mq", *extra,
    )  # fmt: skip


def test_unknown_problem_type(merged, tmp_path, run_cli):
    mq_baseline(
        run_cli, merged, tmp_path, "--prediction", "pred", problem_type="Binary"
    ).assert_failed("unknown --problem-type 'Binary'", "BinaryClassification")


def test_problem_type_that_contradicts_the_baseline(merged, tmp_path, run_cli):
    mq_baseline(run_cli, merged, tmp_path, "--prediction", "pred").assert_completed()
    run = run_cli(
        "model-quality", "monitor", "--input", merged, "--label", "label", "--prediction", "pred",
        "--problem-type", "Regression", "--baseline", tmp_path / "mq", "--output", tmp_path / "out",
    )  # fmt: skip
    run.assert_failed(tmp_path / "mq", "--problem-type is Regression", "BinaryClassification")


def test_missing_label_column(merged, tmp_path, run_cli):
    run = run_cli(
        "model-quality", "baseline", "--input", merged, "--problem-type", "BinaryClassification",
        "--label", "truth", "--prediction", "pred", "--output", tmp_path / "mq",
    )  # fmt: skip
    run.assert_failed(merged, "column 'truth'", "no such column")


def test_junk_probability_names_file_column_and_row(tmp_path, run_cli):
    path = tmp_path / "junk.csv"
    path.write_text(
        "label,pred,prob\n"
        + "".join(f"{i % 2},{i % 2},{'x' if i == 7 else 0.5}\n" for i in range(50))
    )
    mq_baseline(
        run_cli, path, tmp_path, "--prediction", "pred", "--probability", "prob"
    ).assert_failed(path, "column 'prob'", "found 'x'", "data row 8")


def test_empty_label_cell_names_file_line_and_column(tmp_path, run_cli):
    path = tmp_path / "gaps.csv"
    path.write_text("label,pred\n1,1\n,0\n")
    mq_baseline(run_cli, path, tmp_path, "--prediction", "pred").assert_failed(
        path, "line 3", "column 'label'"
    )


def test_infinite_probability_names_the_file(tmp_path, run_cli):
    path = tmp_path / "inf.csv"
    path.write_text("label,pred,prob\n" + "".join(f"{i % 2},{i % 2},inf\n" for i in range(50)))
    line = mq_baseline(
        run_cli, path, tmp_path, "--prediction", "pred", "--probability", "prob"
    ).assert_failed(path, "column 'prob'")
    assert "np.float64" not in line


def test_huge_regression_values_do_not_crash(tmp_path, run_cli):
    path = tmp_path / "huge.csv"
    path.write_text(
        "label,pred\n" + "".join(f"{'1e308' if i % 2 else '-1e308'},{i}\n" for i in range(50))
    )
    run = mq_baseline(run_cli, path, tmp_path, "--prediction", "pred", problem_type="Regression")
    run.assert_failed(path, "column 'label'")


@pytest.mark.parametrize("threshold", ["1.5", "-0.2", "nan"])
def test_probability_threshold_out_of_range(threshold, merged, tmp_path, run_cli):
    mq_baseline(
        run_cli, merged, tmp_path, "--probability", "prob", "--probability-threshold", threshold
    ).assert_failed("--probability-threshold")


def test_header_only_merged_csv_names_the_file(tmp_path, run_cli):
    path = tmp_path / "header_only.csv"
    path.write_text("label,pred\n")
    mq_baseline(run_cli, path, tmp_path, "--prediction", "pred").assert_failed(path, "no rows")


def test_header_only_merged_csv_fails_without_a_traceback(tmp_path, run_cli):
    path = tmp_path / "header_only.csv"
    path.write_text("label,pred\n")
    run = mq_baseline(run_cli, path, tmp_path, "--prediction", "pred")
    run.assert_failed("no rows to analyse")


# -- model bias ------------------------------------------------------------------------------------------


@pytest.fixture
def bias_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {"y": rng.integers(0, 2, n), "g": rng.choice(["a", "b"], n), "yhat": rng.integers(0, 2, n)}
    )
    frame.to_csv(tmp_path / "bias.csv", index=False)
    return tmp_path / "bias.csv"


def bias(run_cli, action: str, path: Path, tmp_path: Path, *extra, facet_value: str = "a"):
    return run_cli(
        "model-bias", action, "--input", path, "--label", "y", "--label-values", "1", "--facet", "g",
        "--facet-values", facet_value, "--output", tmp_path / "out", *extra,
    )  # fmt: skip


@pytest.fixture
def bias_baseline(bias_csv: Path, tmp_path: Path, run_cli) -> Path:
    folder = tmp_path / "bias_baseline"
    run = run_cli(
        "model-bias", "baseline", "--input", bias_csv, "--label", "y", "--label-values", "1",
        "--facet", "g", "--facet-values", "a", "--prediction", "yhat", "--output", folder,
    )  # fmt: skip
    run.assert_completed()
    return folder


def bias_monitor(run_cli, path: Path, baseline: Path, tmp_path: Path, *extra):
    return bias(
        run_cli, "monitor", path, tmp_path, "--prediction", "yhat", "--baseline", baseline, *extra
    )


def test_facet_value_that_never_occurs_warns_and_writes_error_entries(bias_csv, tmp_path, run_cli):
    run = bias(run_cli, "report", bias_csv, tmp_path, facet_value="zzz")
    run.assert_completed()
    assert run.code == 0
    assert "labkit: warning: column 'g', facet value 'zzz'" in run.stderr and "empty" in run.stderr
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text())
    (entry,) = analysis["pre_training_bias_metrics"]["facets"]["g"]
    assert entry["value_or_threshold"] == "zzz"
    # Clarify writes an undefined metric as an entry with an "error" instead of a value.
    assert all("error" in metric for metric in entry["metrics"])


def test_missing_facet_column(bias_csv, tmp_path, run_cli):
    run = run_cli(
        "model-bias", "report", "--input", bias_csv, "--label", "y", "--label-values", "1",
        "--facet", "gender", "--facet-values", "a", "--output", tmp_path / "out",
    )  # fmt: skip
    run.assert_failed(bias_csv, "column 'gender'", "no such column")


def test_negative_bootstrap_samples(bias_csv, bias_baseline, tmp_path, run_cli):
    run = bias_monitor(
        run_cli,
        bias_csv,
        bias_baseline,
        tmp_path,
        "--rule",
        "bootstrap",
        "--bootstrap-samples",
        "-3",
    )
    run.assert_failed("at least 2", "-3")


@pytest.mark.parametrize("level", ["1.5", "nan"])
def test_confidence_level_outside_0_1(level, bias_csv, bias_baseline, tmp_path, run_cli):
    run = bias_monitor(
        run_cli,
        bias_csv,
        bias_baseline,
        tmp_path,
        "--rule",
        "bootstrap",
        "--confidence-level",
        level,
    )
    run.assert_failed("--confidence-level", "between 0 and 1", level)


@pytest.mark.parametrize("flag", ["--bootstrap-samples", "--confidence-level"])
def test_zero_bootstrap_settings_are_refused_not_replaced(
    flag, bias_csv, bias_baseline, tmp_path, run_cli
):
    bias_monitor(
        run_cli, bias_csv, bias_baseline, tmp_path, "--rule", "bootstrap", flag, "0"
    ).assert_failed(flag)


@pytest.mark.parametrize("action", ["report", "monitor"])
def test_window_with_zero_rows_names_the_file(action, bias_baseline, tmp_path, run_cli):
    empty = tmp_path / "empty.csv"
    empty.write_text("y,g,yhat\n")
    if action == "monitor":
        run = bias_monitor(run_cli, empty, bias_baseline, tmp_path)
    else:
        run = bias(run_cli, "report", empty, tmp_path)
    run.assert_failed(empty, "no rows")


def test_window_with_zero_rows_fails_in_one_line(bias_baseline, tmp_path, run_cli):
    empty = tmp_path / "empty.csv"
    empty.write_text("y,g,yhat\n")
    bias_monitor(run_cli, empty, bias_baseline, tmp_path).assert_failed("no rows")


def test_probability_threshold_above_1_is_refused(bias_csv, tmp_path, run_cli):
    run = bias(
        run_cli,
        "report",
        bias_csv,
        tmp_path,
        "--prediction",
        "yhat",
        "--probability-threshold",
        "7",
    )
    run.assert_failed("--probability-threshold")


# -- model explainability --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    """(model file, window CSV, baseline folder): the credit model explained on 50 rows, once."""
    from labkit.cli import main

    folder = tmp_path_factory.mktemp("explainability")
    credit = scenarios.load_scenario("credit", seed=0)
    credit.baseline.head(200).to_csv(folder / "window.csv", index=False)
    assert main(["scenario", "model", "credit", "--output", str(folder / "model.skops")]) == 0
    assert main(["model-explainability", "baseline", "--input", str(folder / "window.csv"), "--model",
                 str(folder / "model.skops"), "--label", "default", "--max-rows", "50",
                 "--output", str(folder / "baseline")]) == 0  # fmt: skip
    return folder / "model.skops", folder / "window.csv", folder / "baseline", credit


def mx_monitor(run_cli, explained, window: Path, tmp_path: Path, *extra):
    model, _, baseline, _ = explained
    return run_cli("model-explainability", "monitor", "--input", window, "--model", model, "--label", "default",
                   "--baseline", baseline, "--output", tmp_path / "out", *extra)  # fmt: skip


def _window(explained, tmp_path: Path, change) -> Path:
    frame = change(explained[3].baseline.head(200).copy())
    path = tmp_path / "window.csv"
    frame.to_csv(path, index=False)
    return path


def test_pickle_instead_of_skops_is_refused(explained, tmp_path, run_cli):
    _, window, baseline, _ = explained
    fake = tmp_path / "model.pkl"
    fake.write_bytes(b"\x80\x04not a skops zip")
    run = run_cli("model-explainability", "monitor", "--input", window, "--model", fake, "--label", "default",
                  "--baseline", baseline, "--output", tmp_path / "out")  # fmt: skip
    run.assert_failed(fake, "not a skops model file", "pickle files are never loaded")


def test_nan_feature_fails_naming_the_file(explained, tmp_path, run_cli):
    path = _window(explained, tmp_path, lambda f: f.assign(income=np.nan))
    run = mx_monitor(run_cli, explained, path, tmp_path)
    assert run.escaped is None and run.code == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith(f"labkit: error: {path}, column 'income': ")
    assert "100 of 100 explained rows have no value" in run.stderr  # the default 100-row sample
    assert "the model could not score the records" in run.stderr


def test_nan_feature_fails_in_one_line_naming_the_column(explained, tmp_path, run_cli):
    path = _window(explained, tmp_path, lambda f: f.assign(income=np.nan))
    mx_monitor(run_cli, explained, path, tmp_path).assert_failed(path, "income")


def test_missing_feature_column(explained, tmp_path, run_cli):
    path = _window(explained, tmp_path, lambda f: f.drop(columns=["income"]))
    mx_monitor(run_cli, explained, path, tmp_path).assert_failed(
        path, "column 'income'", "no such column"
    )


def test_window_without_rows(explained, tmp_path, run_cli):
    path = _window(explained, tmp_path, lambda f: f.head(0))
    mx_monitor(run_cli, explained, path, tmp_path).assert_failed(path, "no records")


def test_baseline_missing_analysis_config_is_a_real_baselining_output(
    explained, tmp_path, run_cli
):
    # A real baselining job's output holds analysis.json alone (issue 19): accepted, the SHAP
    # baseline is then computed from the window (docs/fidelity.md).
    import shutil

    model, window, baseline, _ = explained
    copy = tmp_path / "baseline"
    shutil.copytree(baseline, copy)
    (copy / "analysis_config.json").unlink()
    run = run_cli("model-explainability", "monitor", "--input", window, "--model", model, "--label", "default",
                  "--baseline", copy, "--output", tmp_path / "out")  # fmt: skip
    run.assert_completed()
    assert (tmp_path / "out" / "analysis.json").is_file()


def test_junk_cell_names_its_data_row_when_every_row_is_explained(explained, tmp_path, run_cli):
    def junk(frame: pd.DataFrame) -> pd.DataFrame:
        income = frame["income"].astype(object)
        income.iloc[19] = "lots"
        return frame.assign(income=income)

    path = _window(explained, tmp_path, junk)
    mx_monitor(run_cli, explained, path, tmp_path, "--max-rows", "0").assert_failed(
        path, "column 'income'", "'lots'", "data row 20"
    )


def test_junk_cell_names_its_file_row_when_rows_are_sampled(explained, tmp_path, run_cli):
    picked = np.sort(
        np.random.default_rng(0).choice(200, size=100, replace=False)
    )  # _sample_rows, seed 0
    row = int(picked[10])  # a row the sample explains, so the junk is seen

    def junk(frame: pd.DataFrame) -> pd.DataFrame:
        income = frame["income"].astype(object)
        income.iloc[row] = "lots"
        return frame.assign(income=income)

    path = _window(explained, tmp_path, junk)
    mx_monitor(run_cli, explained, path, tmp_path).assert_failed(
        path, "'lots'", f"data row {row + 1}"
    )


@pytest.mark.parametrize("threshold", ["1.7", "-1"])
def test_ndcg_threshold_out_of_range(threshold, explained, tmp_path, run_cli):
    _, window, _, _ = explained
    mx_monitor(run_cli, explained, window, tmp_path, "--threshold", threshold).assert_failed(
        "--threshold"
    )


def _edited_baseline(explained, tmp_path: Path, analysis_change=None, config_change=None) -> Path:
    import shutil

    copy = tmp_path / "edited_baseline"
    shutil.copytree(explained[2], copy)
    for name, change in (("analysis.json", analysis_change), ("analysis_config.json", config_change)):
        if change is not None:
            document = json.loads((copy / name).read_text())
            change(document)
            (copy / name).write_text(json.dumps(document))
    return copy


def _mx_monitor_on(run_cli, explained, baseline: Path, tmp_path: Path):
    model, window, _, _ = explained
    return run_cli("model-explainability", "monitor", "--input", window, "--model", model, "--label", "default",
                   "--baseline", baseline, "--output", tmp_path / "out")  # fmt: skip


def _rename_feature(analysis: dict) -> None:
    values = analysis["explanations"]["kernel_shap"]["label0"]["global_shap_values"]
    values["salary"] = values.pop("income")


def _relabel(new: str):
    def change(analysis: dict) -> None:
        shap = analysis["explanations"]["kernel_shap"]
        shap[new] = shap.pop("label0")  # the twin keys it label0, as Clarify (issue 19)

    return change


@pytest.mark.parametrize(
    "change, needles",
    [
        (_rename_feature, ["global_shap_values names 'salary'", "same baseline"]),
        (_relabel("approved"), ["kernel_shap has no label 'label0'", "approved"]),
    ],
    ids=["another_baseline", "another_label"],
)
def test_an_analysis_that_does_not_fit_its_config_is_refused(
    change, needles, explained, tmp_path, run_cli
):
    copy = _edited_baseline(explained, tmp_path, analysis_change=change)
    _mx_monitor_on(run_cli, explained, copy, tmp_path).assert_failed(copy / "analysis.json", *needles)


def test_clarify_label0_without_label_headers_is_accepted(explained, tmp_path, run_cli):
    """Clarify names the explanation label0 when no label_headers are set (real outputs)."""

    copy = _edited_baseline(
        explained, tmp_path, analysis_change=_relabel("label0"),
        config_change=lambda config: config.pop("predictor", None),
    )  # fmt: skip
    run = _mx_monitor_on(run_cli, explained, copy, tmp_path)
    run.assert_completed()
    assert "label0: NDCG" in run.stdout


def test_a_lone_label0_explains_the_label_the_config_names(explained, tmp_path, run_cli):
    def name_the_label(config: dict) -> None:
        config.setdefault("predictor", {})["label_headers"] = ["default"]

    copy = _edited_baseline(explained, tmp_path, config_change=name_the_label)
    run = _mx_monitor_on(run_cli, explained, copy, tmp_path)
    run.assert_completed()
    assert "default: NDCG" in run.stdout
