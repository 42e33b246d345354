"""statistics.json: the ≥200-row standard-deviation rule, seeding, file shape, round trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json
from labkit.model_quality import Statistics, compute_statistics

FIXTURES = Path(__file__).parents[1] / "fixtures" / "model_quality"


def _frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    score = np.clip(0.3 * label + 0.7 * rng.random(n), 0, 1)
    return pd.DataFrame(
        {"label": label, "prediction": (score > 0.5).astype(int), "probability": score}
    )


def _stats(df: pd.DataFrame, seed: int = 0) -> Statistics:
    return compute_statistics(
        df,
        problem_type="BinaryClassification",
        label="label",
        prediction="prediction",
        probability="probability",
        seed=seed,
    )


def test_fewer_than_200_rows_give_nan_deviations():
    stats = _stats(_frame(199))
    assert {
        m["standard_deviation"] for m in stats.metrics.values() if "standard_deviation" in m
    } == {"NaN"}
    assert any("fewer" in n or "at least 200" in n for n in stats.notes)


def test_200_rows_give_the_std_of_five_seeded_80_percent_subsamples():
    df, seed = _frame(200), 7
    stats = _stats(df, seed=seed)
    # Oracle: the documented rule, redone with sklearn on the same seeded draws.
    rng = np.random.default_rng(seed)
    draws = [rng.choice(200, size=160, replace=False) for _ in range(5)]
    recalls = [skm.recall_score(df.label.iloc[i], df.prediction.iloc[i]) for i in draws]
    aucs = [skm.roc_auc_score(df.label.iloc[i], df.probability.iloc[i]) for i in draws]
    # Same numbers, different summation order: agreement to a few ulps.
    assert stats.standard_deviation("recall") == pytest.approx(np.std(recalls, ddof=1), abs=1e-12)
    assert stats.standard_deviation("auc") == pytest.approx(np.std(aucs, ddof=1), abs=1e-12)
    assert np.std(recalls, ddof=1) != pytest.approx(
        np.std(recalls, ddof=0), abs=1e-6
    )  # ddof matters here


def test_seed_makes_deviations_repeatable():
    df = _frame(300)
    assert _stats(df, seed=1) == _stats(df, seed=1)
    assert _stats(df, seed=1).standard_deviation("f1") != _stats(df, seed=2).standard_deviation(
        "f1"
    )
    assert _stats(df, seed=1).value("f1") == _stats(df, seed=2).value("f1")


def test_item_count_and_file_layout(tmp_path):
    stats = _stats(_frame(50))
    path = stats.to_json(tmp_path)
    assert path == tmp_path / "statistics.json"
    data = read_json(path)
    assert list(data) == ["version", "dataset", "binary_classification_metrics"]
    assert data["dataset"] == {"item_count": 50}
    assert '"standard_deviation" : "NaN"' in path.read_text()  # NaN as a string, as the docs show


@pytest.mark.parametrize(
    ("fixture", "problem_type"),
    [
        ("statistics_binary_docs.json", "BinaryClassification"),
        ("statistics_multiclass_docs.json", "MulticlassClassification"),
        ("statistics_regression_docs.json", "Regression"),
    ],
)
def test_same_keys_order_and_types_as_the_docs(fixture, problem_type):
    docs = read_json(FIXTURES / fixture)
    df = _frame(250)
    prediction = "probability" if problem_type == "Regression" else "prediction"
    ours = compute_statistics(
        df, problem_type=problem_type, label="label", prediction=prediction
    ).to_dict()
    assert list(ours) == list(docs)
    (key,) = [k for k in docs if k.endswith("_metrics")]
    extra = (
        ["au_prc"] if problem_type == "BinaryClassification" else []
    )  # charted by the SDK dashboard
    assert [k for k in ours[key] if k not in extra] == list(docs[key])
    for name, entry in docs[key].items():
        if "value" in entry:
            assert set(ours[key][name]) == {"value", "standard_deviation"}
            assert isinstance(ours[key][name]["value"], float)
            assert isinstance(
                ours[key][name]["standard_deviation"], float
            )  # 250 rows: deviations exist
        else:
            assert set(ours[key][name]) == set(entry), name


def test_round_trip(tmp_path):
    stats = _stats(_frame(220))
    assert Statistics.from_json(stats.to_json(tmp_path)) == stats
    assert Statistics.from_json(tmp_path) == stats  # a directory works too
    undefined = _stats(
        pd.DataFrame({"label": [1, 1], "prediction": [0, 0], "probability": [0.2, 0.4]})
    )
    again = Statistics.from_json(undefined.to_json(tmp_path / "u"))
    assert again == undefined and "precision" in again.undefined_metrics()


def test_docs_fixtures_read_back():
    stats = Statistics.from_json(FIXTURES / "statistics_multiclass_docs.json")
    assert stats.problem_type == "MulticlassClassification" and stats.item_count == 2096
    assert stats.confusion_matrix().loc["1", "0"] == 268  # row = actual, column = predicted
    assert stats.to_frame().shape == (12, 3)


def test_not_a_statistics_file(tmp_path):
    (tmp_path / "statistics.json").write_text('{"version": 0.0}')
    with pytest.raises(LabkitInputError, match="statistics.json"):
        Statistics.from_json(tmp_path)
