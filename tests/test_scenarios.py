from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit import scenarios

REPO = Path(__file__).resolve().parent.parent


def test_same_seed_gives_identical_data():
    a, b = scenarios.load_scenario("credit", seed=3), scenarios.load_scenario("credit", seed=3)
    for split in ("train", "baseline", "window"):
        pd.testing.assert_frame_equal(getattr(a, split), getattr(b, split))


def test_different_seeds_give_different_data():
    a, b = scenarios.load_scenario("credit", seed=0), scenarios.load_scenario("credit", seed=1)
    assert not a.train.equals(b.train)


@pytest.mark.parametrize("name", scenarios.SCENARIOS)
def test_columns_match_the_documented_schema(name):
    s = scenarios.load_scenario(name, seed=0)
    assert set(s.numeric_features) | set(s.categorical_features) == set(s.features)
    expected = list(s.features) + ([s.facet] if s.facet else []) + ([s.target] if s.target else [])
    assert sorted(s.train.columns) == sorted(expected)
    assert len(s.train) == scenarios.SIZES["train"]
    assert not s.train.isna().any().any()


def test_credit_facts(credit):
    assert credit.problem_type == "BinaryClassification" and credit.facet == "age_group"
    assert set(credit.train["default"].unique()) == {0, 1}
    assert 0.1 < credit.train["default"].mean() < 0.4  # a realistic default rate, not a coin flip
    assert set(credit.train["age_group"]) == {"18-25", "26-40", "41-60", "61+"}


def test_sensor_stays_in_its_range(sensor):
    assert sensor.train["temperature_c"].between(20, 30).all()


def test_models_learn_the_rule(credit, housing):
    from sklearn.metrics import r2_score, roc_auc_score

    model = scenarios.train_model(credit)
    scores = model.predict_proba(credit.baseline[list(credit.features)])[:, 1]
    assert roc_auc_score(credit.baseline["default"], scores) > 0.75
    model = scenarios.train_model(housing)
    assert r2_score(housing.baseline["price"], model.predict(housing.baseline[list(housing.features)])) > 0.9


def test_concept_shift_changes_labels_not_features(credit):
    X = credit.window.drop(columns="default")
    p0 = scenarios.credit_default_probability(X)
    p1 = scenarios.credit_default_probability(X, concept_shift=1.0)
    high_dti = X["debt_to_income"] > X["debt_to_income"].quantile(0.9)
    assert p1[high_dti].mean() < p0[high_dti].mean()  # the debt-to-income effect is flipped


def test_market_crash_lowers_prices(housing):
    X = housing.window.drop(columns="price")
    before = scenarios.draw_labels("housing", X, seed=1)
    after = scenarios.draw_labels("housing", X, seed=1, concept_shift=1.0)
    assert after.mean() == pytest.approx(before.mean() * (1 - scenarios.MARKET_CRASH_DROP), rel=0.03)


def test_data_folder_regenerates_byte_for_byte(tmp_path):
    written = scenarios.write_datasets(tmp_path, seed=0)
    assert sorted(p.name for p in written) == sorted(p.name for p in (REPO / "data").glob("*.csv"))
    for path in written:
        committed = REPO / "data" / path.name
        assert committed.exists(), f"data/{path.name} is missing: run `make data`"
        assert _sha(path) == _sha(committed), f"data/{path.name} differs from what the generator writes"


def test_unknown_scenario_is_refused():
    with pytest.raises(ValueError, match="unknown scenario"):
        scenarios.load_scenario("weather")


def test_draw_window_is_seeded():
    a = scenarios.draw_window("credit", 50, seed=5)
    b = scenarios.draw_window("credit", 50, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert np.isfinite(a["income"]).all()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
