"""Seeded synthetic scenarios: the datasets and models every lesson drifts.

Each scenario is drawn from a documented generative process, so a lesson knows the ground truth
it perturbs. The same seed gives byte-identical data on every machine: values are drawn with
NumPy's PCG64 generator in a fixed order and rounded to a written precision before they leave
this module (rounding also hides last-bit differences in platform ``exp``/``log``).

* **credit** — loan default (BinaryClassification). Features: ``age``, ``income``,
  ``debt_to_income``, ``credit_history_months``, ``open_accounts``, ``loan_amount``,
  ``employment_type``, ``loan_purpose``; facet column ``age_group`` (derived from age, not a
  model input); target ``default`` (1 = defaulted). P(default | x) is a logistic function of
  standardised features with the coefficients in ``CREDIT_COEFFICIENTS``.
* **housing** — sale price in thousands of dollars (Regression). Features ``sqft``,
  ``bedrooms``, ``bathrooms``, ``house_age_years``, ``distance_to_center_km``,
  ``neighborhood``; target ``price``, linear in the features plus noise. A market crash is
  concept drift: prices fall while the features stay the same (``draw_labels(concept_shift=)``).
* **sensor** — an hourly temperature stream from a few sensors, 20–30 °C with a daily cycle
  (``temperature_c``, ``humidity_pct``, ``hour_of_day``, ``sensor_id``); no target. Sensors
  fail to NaN or to a constant 0, which ``labkit.drift`` injects.

Examples
--------
>>> s = load_scenario("credit", seed=0)
>>> s.problem_type, s.target, len(s.features)
('BinaryClassification', 'default', 8)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "CREDIT_COEFFICIENTS",
    "HOUSING_COEFFICIENTS",
    "SCENARIOS",
    "Scenario",
    "draw_features",
    "draw_labels",
    "draw_window",
    "label_probability",
    "load_scenario",
    "signal_weights",
    "target_column",
    "train_model",
    "write_datasets",
]

SCENARIOS = ("credit", "housing", "sensor")

# Rows per split. Small enough that every lesson runs in seconds on 2 cores.
SIZES = {"train": 4_000, "baseline": 2_000, "window": 1_000}

# Credit: log-odds of default = intercept + sum(coef * standardised feature) + category effects.
# Standardisation uses the fixed population moments in CREDIT_MOMENTS, not sample moments, so a
# drifted window is scored by the same rule.
CREDIT_INTERCEPT = -1.9
CREDIT_COEFFICIENTS = {
    "debt_to_income": 0.9,
    "loan_to_income": 0.7,  # loan_amount / income
    "credit_history_months": -0.6,
    "income": -0.5,  # log income
    "open_accounts": 0.25,
    "age": -0.15,
}
CREDIT_MOMENTS = {  # population mean, sd of each term above
    "debt_to_income": (0.2286, 0.1278),
    "loan_to_income": (0.3, 0.2),
    "credit_history_months": (144.0, 96.0),
    "income": (10.915, 0.45),
    "open_accounts": (4.0, 2.0),
    "age": (42.0, 12.0),
}
EMPLOYMENT_TYPES = ("salaried", "self_employed", "contract", "unemployed")
EMPLOYMENT_PROBS = (0.6, 0.2, 0.15, 0.05)
EMPLOYMENT_EFFECT = {"salaried": 0.0, "self_employed": 0.3, "contract": 0.4, "unemployed": 1.2}
LOAN_PURPOSES = ("debt_consolidation", "home_improvement", "car", "education", "medical", "other")
PURPOSE_PROBS = (0.35, 0.2, 0.2, 0.1, 0.08, 0.07)
AGE_GROUPS = ((18, 25, "18-25"), (26, 40, "26-40"), (41, 60, "41-60"), (61, 200, "61+"))

# Housing: price in $1000s = intercept + sum(coef * feature) + neighbourhood premium + noise.
HOUSING_INTERCEPT = 60.0
HOUSING_COEFFICIENTS = {
    "sqft": 0.15,
    "bedrooms": 8.0,
    "bathrooms": 12.0,
    "house_age_years": -1.1,
    "distance_to_center_km": -6.0,
}
NEIGHBORHOODS = ("riverside", "old_town", "hillcrest", "industrial")
NEIGHBORHOOD_PREMIUM = {"riverside": 40.0, "old_town": 25.0, "hillcrest": 60.0, "industrial": -30.0}
HOUSING_NOISE_SD = 25.0
MARKET_CRASH_DROP = 0.35  # concept_shift=1 lowers every price by 35 %

SENSOR_IDS = ("s01", "s02", "s03", "s04")


@dataclass(frozen=True)
class Scenario:
    """One dataset family: its splits, its columns and where it came from."""

    name: str
    problem_type: str | None  # SageMaker ProblemType, None for the sensor stream
    target: str | None
    features: tuple[str, ...]
    numeric_features: tuple[str, ...]
    categorical_features: tuple[str, ...]
    facet: str | None
    train: pd.DataFrame
    baseline: pd.DataFrame
    window: pd.DataFrame
    seed: int

    def __repr__(self) -> str:  # DataFrames make the default repr unreadable in a notebook
        sizes = ", ".join(f"{k}={len(getattr(self, k))}" for k in ("train", "baseline", "window"))
        return f"Scenario({self.name!r}, {self.problem_type}, target={self.target!r}, {sizes}, seed={self.seed})"


def load_scenario(name: str, *, seed: int = 0, sizes: dict[str, int] | None = None) -> Scenario:
    """Draw the train, baseline and clean production-window splits of scenario ``name``.

    The three splits come from one generator in a fixed order, so ``seed`` fixes all of them.
    ``sizes`` overrides the rows per split (keys ``train``, ``baseline``, ``window``).
    """
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
    n = {**SIZES, **(sizes or {})}
    rng = np.random.default_rng(seed)
    splits = {}
    for split in ("train", "baseline", "window"):
        X = draw_features(name, n[split], rng=rng)
        if name != "sensor":
            X = pd.concat([X, draw_labels(name, X, rng=rng)], axis=1)
        splits[split] = X
    meta = _META[name]
    return Scenario(name=name, seed=seed, **meta, **splits)


def draw_window(name: str, n: int, *, seed: int, concept_shift: float = 0.0) -> pd.DataFrame:
    """A fresh production window of ``n`` rows (features, and the target when there is one)."""
    rng = np.random.default_rng(seed)
    X = draw_features(name, n, rng=rng)
    if target_column(name) is None:
        return X
    return pd.concat([X, draw_labels(name, X, rng=rng, concept_shift=concept_shift)], axis=1)


def target_column(name: str) -> str | None:
    """The scenario's target column name (None for the sensor stream)."""
    if name not in _META:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
    return _META[name]["target"]


def draw_features(name: str, n: int, *, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` rows of scenario ``name``'s input columns (and the credit facet ``age_group``)."""
    return {"credit": _credit_features, "housing": _housing_features, "sensor": _sensor_features}[name](n, rng)


def draw_labels(
    name: str,
    X: pd.DataFrame,
    *,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    concept_shift: float = 0.0,
) -> pd.Series:
    """Labels for features ``X`` under the scenario's rule, optionally with concept drift.

    ``concept_shift`` (0–1) changes P(y | X) and leaves X alone. Credit: the debt-to-income
    coefficient is turned from +0.9 towards −0.9 (at 1 it is flipped). Housing: a market crash
    lowers every price by ``MARKET_CRASH_DROP × concept_shift``.
    """
    if rng is None:
        rng = np.random.default_rng(seed)
    if name == "credit":
        p = label_probability(name, X, concept_shift=concept_shift)
        return pd.Series((rng.random(len(X)) < p).astype("int64"), index=X.index, name="default")
    if name == "housing":
        price = _housing_mean_price(X) * (1.0 - MARKET_CRASH_DROP * concept_shift)
        price = price + rng.normal(0.0, HOUSING_NOISE_SD, len(X))
        return pd.Series(np.round(np.maximum(price, 20.0), 1), index=X.index, name="price")
    raise ValueError(f"scenario {name!r} has no target")


def label_probability(name: str, X: pd.DataFrame, *, concept_shift: float | np.ndarray = 0.0) -> np.ndarray:
    """P(label = 1 | x) under a binary scenario's rule: ``draw_labels`` gives 1 where a uniform
    draw falls below it. ``concept_shift`` may be one value per row."""
    if name != "credit":
        raise ValueError(f"scenario {name!r} has no binary label")
    return credit_default_probability(X, concept_shift=concept_shift)


def credit_default_probability(X: pd.DataFrame, *, concept_shift: float | np.ndarray = 0.0) -> np.ndarray:
    """P(default | x) under the credit rule; ``concept_shift`` turns the debt-to-income effect
    (one value, or one per row)."""
    terms = _credit_terms(X)
    coef = dict(CREDIT_COEFFICIENTS)
    coef["debt_to_income"] *= 1.0 - 2.0 * concept_shift
    logit = CREDIT_INTERCEPT + sum(coef[k] * terms[k] for k in coef)
    logit = logit + X["employment_type"].map(EMPLOYMENT_EFFECT).fillna(0.0).to_numpy()
    return 1.0 / (1.0 + np.exp(-logit))


def signal_weights(name: str) -> dict[str, float]:
    """Weight of the true rule per unit of each feature that enters it linearly.

    ``drift.move_signal`` rescales features and needs these to keep the total signal constant.
    Credit: log-odds per unit (income and loan amount enter through logs and ratios, so they are
    left out). Housing: price ($1000s) per unit.
    """
    if name == "credit":
        linear = ("debt_to_income", "credit_history_months", "open_accounts", "age")
        return {k: CREDIT_COEFFICIENTS[k] / CREDIT_MOMENTS[k][1] for k in linear}
    if name == "housing":
        return dict(HOUSING_COEFFICIENTS)
    raise ValueError(f"scenario {name!r} has no target")


def train_model(scenario: Scenario, *, data: pd.DataFrame | None = None):
    """Fit the scenario's model on ``scenario.train`` (or ``data``): a scikit-learn Pipeline.

    Credit: standardised numbers + one-hot categories → LogisticRegression (``predict_proba``).
    Housing: the same preprocessing → LinearRegression. Deterministic: no random state involved.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    if scenario.target is None:
        raise ValueError(f"scenario {scenario.name!r} has no target to train on")
    data = scenario.train if data is None else data
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), list(scenario.numeric_features)),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), list(scenario.categorical_features)),
        ]
    )
    estimator = LogisticRegression(max_iter=1000) if scenario.problem_type == "BinaryClassification" else LinearRegression()
    model = Pipeline([("preprocess", preprocess), ("model", estimator)])
    return model.fit(data[list(scenario.features)], data[scenario.target])


def write_datasets(directory: str | Path, *, seed: int = 0) -> list[Path]:
    """Write ``<scenario>_train.csv`` and ``<scenario>_baseline.csv`` for every scenario.

    ``python -m labkit.scenarios data`` (or ``labkit scenario write --output data``) regenerates
    the repository's ``data/`` folder; a test checks it is byte-identical.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in SCENARIOS:
        scenario = load_scenario(name, seed=seed)
        for split in ("train", "baseline"):
            path = directory / f"{name}_{split}.csv"
            getattr(scenario, split).to_csv(path, index=False, lineterminator="\n")
            paths.append(path)
    return paths


# --- generative processes -------------------------------------------------------------------


def _credit_features(n: int, rng: np.random.Generator) -> pd.DataFrame:
    age = np.clip(np.round(rng.normal(42.0, 12.0, n)), 18, 80).astype("int64")
    income = np.round(np.exp(rng.normal(10.915, 0.45, n)), -2).astype("int64")  # ≈ $55k median
    debt_to_income = np.round(rng.beta(2.0, 5.0, n) * 0.8, 3)
    history = np.floor((age - 18) * 12 * rng.uniform(0.3, 1.0, n)).astype("int64")
    open_accounts = rng.poisson(4.0, n).astype("int64")
    loan_amount = np.round(np.exp(rng.normal(9.6, 0.6, n)), -2).astype("int64")  # ≈ $15k median
    employment = rng.choice(EMPLOYMENT_TYPES, size=n, p=EMPLOYMENT_PROBS)
    purpose = rng.choice(LOAN_PURPOSES, size=n, p=PURPOSE_PROBS)
    return pd.DataFrame(
        {
            "age": age,
            "income": income,
            "debt_to_income": debt_to_income,
            "credit_history_months": history,
            "open_accounts": open_accounts,
            "loan_amount": loan_amount,
            "employment_type": pd.array(employment, dtype=object),
            "loan_purpose": pd.array(purpose, dtype=object),
            "age_group": pd.array(age_groups(age), dtype=object),
        }
    )


def age_groups(age: np.ndarray) -> np.ndarray:
    """Map ages to the credit scenario's facet bands (``18-25``, ``26-40``, ``41-60``, ``61+``)."""
    out = np.empty(len(age), dtype=object)
    for low, high, label in AGE_GROUPS:
        out[(age >= low) & (age <= high)] = label
    return out


def _credit_terms(X: pd.DataFrame) -> dict[str, np.ndarray]:
    raw = {
        "debt_to_income": X["debt_to_income"].to_numpy(float),
        "loan_to_income": X["loan_amount"].to_numpy(float) / np.maximum(X["income"].to_numpy(float), 1.0),
        "credit_history_months": X["credit_history_months"].to_numpy(float),
        "income": np.log(np.maximum(X["income"].to_numpy(float), 1.0)),
        "open_accounts": X["open_accounts"].to_numpy(float),
        "age": X["age"].to_numpy(float),
    }
    # Missing values (after drift injection) contribute nothing: they sit at the mean.
    return {k: np.nan_to_num((v - CREDIT_MOMENTS[k][0]) / CREDIT_MOMENTS[k][1]) for k, v in raw.items()}


def _housing_features(n: int, rng: np.random.Generator) -> pd.DataFrame:
    bedrooms = rng.integers(1, 6, n).astype("int64")
    sqft = np.round(400 + 350 * bedrooms + rng.normal(0, 250, n), -1).clip(350).astype("int64")
    bathrooms = np.clip(np.round(2 * (0.5 + 0.5 * bedrooms + rng.normal(0, 0.4, n))) / 2, 1.0, 4.0)
    house_age = rng.integers(0, 90, n).astype("int64")
    distance = np.round(rng.gamma(2.0, 4.0, n), 1)
    neighborhood = rng.choice(NEIGHBORHOODS, size=n, p=(0.3, 0.25, 0.2, 0.25))
    return pd.DataFrame(
        {
            "sqft": sqft,
            "bedrooms": bedrooms,
            "bathrooms": bathrooms,
            "house_age_years": house_age,
            "distance_to_center_km": distance,
            "neighborhood": pd.array(neighborhood, dtype=object),
        }
    )


def _housing_mean_price(X: pd.DataFrame) -> np.ndarray:
    price = HOUSING_INTERCEPT + sum(c * X[k].to_numpy(float) for k, c in HOUSING_COEFFICIENTS.items())
    return price + X["neighborhood"].map(NEIGHBORHOOD_PREMIUM).fillna(0.0).to_numpy()


def _sensor_features(n: int, rng: np.random.Generator) -> pd.DataFrame:
    hour = np.arange(n, dtype="int64") % 24
    sensor = rng.choice(SENSOR_IDS, size=n)
    cycle = np.sin(2 * np.pi * (hour - 9) / 24)  # warmest mid-afternoon
    temperature = np.clip(np.round(25.0 + 3.0 * cycle + rng.normal(0, 0.8, n), 2), 20.0, 30.0)
    humidity = np.clip(np.round(55.0 - 8.0 * cycle + rng.normal(0, 4.0, n), 1), 20.0, 90.0)
    return pd.DataFrame(
        {
            "temperature_c": temperature,
            "humidity_pct": humidity,
            "hour_of_day": hour,
            "sensor_id": pd.array(sensor, dtype=object),
        }
    )


_META = {
    "credit": dict(
        problem_type="BinaryClassification",
        target="default",
        features=(
            "age", "income", "debt_to_income", "credit_history_months", "open_accounts",
            "loan_amount", "employment_type", "loan_purpose",
        ),
        numeric_features=("age", "income", "debt_to_income", "credit_history_months", "open_accounts", "loan_amount"),
        categorical_features=("employment_type", "loan_purpose"),
        facet="age_group",
    ),
    "housing": dict(
        problem_type="Regression",
        target="price",
        features=("sqft", "bedrooms", "bathrooms", "house_age_years", "distance_to_center_km", "neighborhood"),
        numeric_features=("sqft", "bedrooms", "bathrooms", "house_age_years", "distance_to_center_km"),
        categorical_features=("neighborhood",),
        facet=None,
    ),
    "sensor": dict(
        problem_type=None,
        target=None,
        features=("temperature_c", "humidity_pct", "hour_of_day", "sensor_id"),
        numeric_features=("temperature_c", "humidity_pct", "hour_of_day"),
        categorical_features=("sensor_id",),
        facet=None,
    ),
}


if __name__ == "__main__":  # python -m labkit.scenarios data
    import sys

    for written in write_datasets(sys.argv[1] if len(sys.argv) > 1 else "data"):
        print(written)
