"""Baseline on one half, monitor the other half: no baseline_drift_check (reference data-quality.md §5).

Both halves come from one distribution, so any drift alarm would be a false alarm. Under the
default Robust method a KS gap must exceed 1.8·sqrt((n+m)/(n·m)) (alpha ≈ 0.003) before it counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labkit import data_quality, scenarios

SEEDS = range(20)


def credit_like(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Shaped like a credit dataset: skewed money columns, counts, a ratio, two categoricals, gaps."""
    income = (rng.lognormal(10.9, 0.45, n) / 100).round() * 100
    frame = pd.DataFrame({
        "age": rng.integers(18, 80, n),
        "income": income.astype(int),
        "debt_to_income": rng.beta(2, 7, n).round(3),
        "credit_history_months": rng.gamma(2.2, 65, n).round().astype(int),
        "open_accounts": rng.poisson(4, n),
        "loan_amount": (income * rng.uniform(0.05, 0.6, n) / 50).round().astype(int) * 50,
        "employment_type": rng.choice(
            np.array(["salaried", "self_employed", "contract", "unemployed"], dtype=object), n, p=[0.6, 0.2, 0.15, 0.05]
        ),
        "loan_purpose": rng.choice(
            np.array(["debt_consolidation", "home_improvement", "car", "education", "medical", "other"], dtype=object),
            n, p=[0.35, 0.2, 0.2, 0.1, 0.08, 0.07],
        ),
    })  # fmt: skip
    frame["debt_to_income"] = frame["debt_to_income"].mask(rng.random(n) < 0.03)  # 3 % missing
    return frame


def halves(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(seed).permutation(len(frame))
    half = len(frame) // 2
    return frame.iloc[order[:half]].reset_index(drop=True), frame.iloc[order[half:]].reset_index(
        drop=True
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_held_out_half_of_credit_like_data_does_not_drift(seed):
    baseline_df, window_df = halves(credit_like(3_000, np.random.default_rng(1_000 + seed)), seed)
    report = data_quality.monitor(window_df, data_quality.suggest_baseline(baseline_df))
    assert "baseline_drift_check" not in report.violations.check_types(), (
        report.violations.to_frame()
    )
    assert set(report.distances) == set(baseline_df.columns)  # every feature was compared


@pytest.mark.parametrize("seed", SEEDS)
def test_held_out_half_of_the_credit_scenario_does_not_drift(seed):
    train = scenarios.load_scenario("credit", seed=seed).train
    baseline_df, window_df = halves(train, seed)
    report = data_quality.monitor(window_df, data_quality.suggest_baseline(baseline_df))
    assert "baseline_drift_check" not in report.violations.check_types(), (
        report.violations.to_frame()
    )


def test_the_same_split_with_a_real_shift_does_drift():
    """Guard against a test that cannot fail: shift one column of the held-out half."""
    baseline_df, window_df = halves(credit_like(3_000, np.random.default_rng(1_000)), 0)
    window_df["income"] = window_df["income"] * 2
    report = data_quality.monitor(window_df, data_quality.suggest_baseline(baseline_df))
    assert report.violations.features() >= {"income"}
    assert "baseline_drift_check" in report.violations.check_types()
