"""skops model files: round trip, and refusal of anything that is not a trusted skops file."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from labkit.errors import LabkitInputError
from labkit.model_explainability.model_files import load_model, save_model

from .conftest import CATEGORICAL, NUMERIC


def test_round_trip_predicts_the_same(credit_df, credit_model, tmp_path):
    path = save_model(credit_model, tmp_path / "sub" / "model.skops")
    loaded = load_model(path)
    X = credit_df[NUMERIC + CATEGORICAL]
    np.testing.assert_array_equal(loaded.predict_proba(X), credit_model.predict_proba(X))


def test_a_pickle_is_never_loaded(credit_model, tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(credit_model))
    with pytest.raises(LabkitInputError, match="not a skops model file") as info:
        load_model(path)
    assert str(path) in str(info.value)


def test_untrusted_types_are_refused_unless_named(tmp_path):
    import operator

    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    X, y = np.arange(6.0).reshape(-1, 1), np.arange(6.0)
    model = make_pipeline(FunctionTransformer(func=operator.neg), LinearRegression()).fit(X, y)
    path = save_model(model, tmp_path / "f.skops")
    with pytest.raises(LabkitInputError, match=r"not trusted: _operator\.neg") as info:
        load_model(path)
    assert str(path) in str(info.value)
    loaded = load_model(path, trusted=["_operator.neg"])  # the caller vouches for it explicitly
    np.testing.assert_allclose(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "not found"),
        (lambda p: (p.mkdir(), p)[1], "directory"),
        (lambda p: (p.write_text(""), p)[1], "not a skops model file"),
        (lambda p: (save_model({"a": 1}, p), p)[1], "not a model with predict"),
    ],
)
def test_other_bad_files(tmp_path, make, message):
    path = make(tmp_path / "model.skops")
    with pytest.raises(LabkitInputError, match=message):
        load_model(path)
