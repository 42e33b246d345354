"""Small seeded data and models for the explainability tests (fast: a few hundred rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

NUMERIC = [
    "age",
    "income",
    "debt_to_income",
    "credit_history_months",
    "open_accounts",
    "loan_amount",
]
CATEGORICAL = ["employment_type", "loan_purpose"]


def credit_like(n: int, *, seed: int) -> pd.DataFrame:
    """Eight credit-like features (six numeric, two categorical), a target, an unused facet."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.normal(60_000, 15_000, n),
            "debt_to_income": rng.uniform(0, 1, n),
            "credit_history_months": rng.integers(0, 300, n),
            "open_accounts": rng.integers(0, 20, n),
            "loan_amount": rng.normal(15_000, 4_000, n),
            "employment_type": rng.choice(["salaried", "self_employed", "unemployed"], n),
            "loan_purpose": rng.choice(["car", "home", "education", "other"], n),
        }
    )
    score = (
        3 * df["debt_to_income"]
        - df["income"] / 40_000
        + (df["employment_type"] == "unemployed") * 1.5
    )
    df["default"] = (score + rng.normal(0, 0.5, n) > 0.5).astype(int)
    df["age_group"] = np.where(df["age"] < 40, "young", "older")
    return df


def fit_credit_pipeline(df: pd.DataFrame):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    pre = ColumnTransformer(
        [
            ("num", StandardScaler(), NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ]
    )
    return Pipeline([("pre", pre), ("clf", LogisticRegression())]).fit(
        df[NUMERIC + CATEGORICAL], df["default"]
    )


@pytest.fixture(scope="session")
def credit_df() -> pd.DataFrame:
    return credit_like(400, seed=0)


@pytest.fixture(scope="session")
def credit_model(credit_df):
    return fit_credit_pipeline(credit_df)


@pytest.fixture(scope="session")
def linear_case():
    """y = w·x + b on four numeric features, a LinearRegression fitted exactly, and a 7-row background."""
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(1)
    w, b0 = np.array([2.0, -1.5, 0.5, 3.0]), 0.7
    X = pd.DataFrame(
        rng.normal(size=(60, 4)) * [1, 2, 3, 0.5] + [0, 1, -1, 2], columns=["a", "b", "c", "d"]
    )
    model = LinearRegression().fit(X, X.to_numpy() @ w + b0)
    background = pd.DataFrame(rng.normal(size=(7, 4)), columns=X.columns)
    return X, model, background, w, b0
