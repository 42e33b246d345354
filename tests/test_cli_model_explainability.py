"""``labkit model-explainability``: exit codes 0/1/2 and one-line errors naming the file or column."""

from __future__ import annotations

import json
import pickle

import pandas as pd
import pytest

from labkit.cli import EXIT_FAILED, EXIT_OK, EXIT_VIOLATIONS, main
from labkit.model_explainability import save_model
from labkit.scenarios import train_model


@pytest.fixture(scope="module")
def files(credit, tmp_path_factory):
    """The credit scenario's baseline and window as CSV files, plus a drifted window and its model in skops."""
    root = tmp_path_factory.mktemp("mx_cli")
    save_model(train_model(credit), root / "model.skops")
    credit.baseline.to_csv(root / "baseline.csv", index=False)
    credit.window.to_csv(root / "window.csv", index=False)
    drifted = credit.window.drop(columns=[credit.target])  # captured data: no label needed
    # The strongest features stop varying and a weak one varies a lot: the ranking turns over.
    strongest = ["income", "loan_amount", "debt_to_income"]
    for column in strongest:
        drifted[column] = credit.baseline[column].mean()
    drifted["age"] = drifted["age"] * 40
    drifted.to_csv(root / "drifted.csv", index=False)
    return root


def run(files, *argv):
    return main(["model-explainability", *[str(a) for a in argv]])


def baseline_args(files, out):
    return [
        "baseline",
        "--input",
        files / "baseline.csv",
        "--model",
        files / "model.skops",
        "--label",
        "default",
        "--output",
        out,
    ]


def monitor_args(files, window, out, base):
    return [
        "monitor",
        "--input",
        files / window,
        "--model",
        files / "model.skops",
        "--label",
        "default",
        "--baseline",
        base,
        "--output",
        out,
    ]


def test_baseline_then_monitor(files, tmp_path, capsys):
    base = tmp_path / "baseline"
    assert run(files, *baseline_args(files, base)) == EXIT_OK
    assert sorted(p.name for p in base.iterdir()) == [
        "analysis.json", "analysis_config.json", "report.html", "report.ipynb", "report.pdf",
    ]  # fmt: skip
    # Keyed label0 although --label names the target column, as real baselines (2023, 2024).
    assert list(json.loads((base / "analysis.json").read_text())["explanations"]["kernel_shap"]) == [
        "label0"
    ]

    assert run(files, *monitor_args(files, "window.csv", tmp_path / "ok", base)) == EXIT_OK
    assert not (tmp_path / "ok" / "constraint_violations.json").exists()  # no violations

    assert (
        run(files, *monitor_args(files, "drifted.csv", tmp_path / "bad", base)) == EXIT_VIOLATIONS
    )
    violations = json.loads((tmp_path / "bad" / "constraint_violations.json").read_text())[
        "violations"
    ]
    assert violations[0]["constraint_check_type"] == "feature_attribution_drift_check"
    assert "NDCG" in capsys.readouterr().out


def test_optional_flags(files, tmp_path):
    base = tmp_path / "b"
    flags = [
        "--agg-method",
        "median",
        "--method",
        "kernel",
        "--num-samples",
        "40",
        "--max-rows",
        "5",
        "--seed",
        "3",
    ]
    assert run(files, *baseline_args(files, base), *flags) == EXIT_OK
    config = json.loads((base / "analysis_config.json").read_text())["methods"]["shap"]
    assert (config["agg_method"], config["num_samples"], config["seed"]) == ("median", 40, 3)
    args = monitor_args(files, "drifted.csv", tmp_path / "m", base)
    assert run(files, *args, "--threshold", "0", "--max-rows", "0") == EXIT_OK  # nothing is below 0


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda f, t: ("--input", t / "missing.csv"), "missing.csv"),
        (lambda f, t: ("--label", "target"), "'target'"),
        (lambda f, t: ("--model", f / "model.pkl"), "model.pkl"),
    ],
)
def test_baseline_failures_are_one_line(files, tmp_path, capsys, change, needle):
    (files / "model.pkl").write_bytes(pickle.dumps({"not": "a model"}))
    args = baseline_args(files, tmp_path / "out")
    flag, value = change(files, tmp_path)
    args[args.index(flag) + 1] = value
    assert run(files, *args) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_monitor_failures_name_the_file_or_column(files, tmp_path, capsys):
    base = tmp_path / "baseline"
    assert run(files, *baseline_args(files, base)) == EXIT_OK
    capsys.readouterr()
    window = pd.read_csv(files / "window.csv").drop(columns=["loan_purpose"])
    window.to_csv(tmp_path / "narrow.csv", index=False)
    narrow = monitor_args(files, tmp_path / "narrow.csv", tmp_path / "o", base)
    assert run(files, *narrow) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "'loan_purpose'" in err and "narrow.csv" in err

    wrong = monitor_args(files, "window.csv", tmp_path / "o", tmp_path / "nowhere")
    assert run(files, *wrong) == EXIT_FAILED
    assert "nowhere" in capsys.readouterr().err

    feature_as_label = monitor_args(files, "window.csv", tmp_path / "o", base)
    feature_as_label[feature_as_label.index("--label") + 1] = "income"
    assert run(files, *feature_as_label) == EXIT_FAILED
    assert "'income' as a feature" in capsys.readouterr().err


def test_monitor_reads_a_baselining_jobs_bare_analysis_json(files, tmp_path, capsys):
    base = tmp_path / "baseline"
    assert run(files, *baseline_args(files, base)) == EXIT_OK
    bare = tmp_path / "real" / "analysis.json"  # what a real baselining job leaves: no config
    bare.parent.mkdir()
    bare.write_bytes((base / "analysis.json").read_bytes())
    args = monitor_args(files, "drifted.csv", tmp_path / "out", bare)
    args.remove("--label")
    args.remove("default")
    assert run(files, *args) == EXIT_VIOLATIONS
    assert "label0: NDCG" in capsys.readouterr().out


def test_usage_errors_exit_2(files, tmp_path):
    assert run(files, "baseline") == EXIT_FAILED
    assert run(files, *baseline_args(files, tmp_path), "--agg-method", "max") == EXIT_FAILED
    assert run(files, *baseline_args(files, tmp_path), "--num-samples", "0") == EXIT_FAILED
