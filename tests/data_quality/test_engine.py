"""The chunked local engine gives the one-shot result (issue 20 item 2)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit import data_quality
from labkit.csvfiles import read_csv_text
from labkit.data_quality import engine, types
from labkit.data_quality.types import BOOLEAN, FRACTIONAL, INTEGRAL, NULL, STRING

REL = 1e-9  # sums and moments merge chunk by chunk: equal up to floating-point rounding


def mixed_frame(n: int, seed: int) -> pd.DataFrame:
    """Text columns with what makes typing hard: gaps, signs, exponents, a late String, booleans."""
    rng = np.random.default_rng(seed)
    income = rng.normal(5e4, 1e4, n).round(2).astype(str).astype(object)
    income[rng.random(n) < 0.02] = None
    late = rng.integers(0, 10**6, n).astype(str).astype(object)
    late[-3] = "n/a"  # numeric for thousands of rows, then String: counted again in a 2nd pass
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n).astype(str),
            "income": income,
            "score": np.char.add(
                rng.choice(["", "-", "+", "- "], n), rng.exponential(3, n).round(4).astype(str)
            ),
            "plan": rng.choice(["basic", "pro", "team", ""], n, p=[0.6, 0.3, 0.09, 0.01]),
            "flag": rng.choice(["true", "false"], n),
            "late": late,
            "tiny": rng.choice(["1e-300", "2.5E+3", "007"], n),
        }
    )


def assert_same(a, b, where: str = "") -> None:
    """Equal JSON trees; floats within REL (relative) of each other."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=REL, abs_tol=1e-300), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("engine")
    baseline, window = folder / "baseline.csv", folder / "window.csv"
    mixed_frame(12_000, 0).to_csv(baseline, index=False)
    shifted = mixed_frame(9_000, 1)
    shifted["plan"] = shifted["plan"].replace({"basic": "enterprise"})
    shifted.to_csv(window, index=False)
    return baseline, window


@pytest.mark.parametrize("chunk_bytes", [5_000, 77_777])
def test_chunked_baseline_and_monitor_equal_the_one_shot_run(files, chunk_bytes, monkeypatch):
    monkeypatch.setattr(engine, "VALUE_COUNT_LIMIT", 500)  # force the 2nd pass on the "late" column
    baseline_path, window_path = files
    one_shot = data_quality.suggest_baseline(read_csv_text(baseline_path))
    chunked = data_quality.suggest_baseline(
        engine.profile_csv(baseline_path, chunk_bytes=chunk_bytes)
    )
    assert_same(chunked.statistics.to_dict(), one_shot.statistics.to_dict())
    assert chunked.constraints.to_dict() == one_shot.constraints.to_dict()
    assert chunked.statistics.feature("late").inferred_type == "String"

    strings = [f.name for f in one_shot.statistics.features if f.inferred_type == "String"]
    window = engine.profile_csv(window_path, chunk_bytes=chunk_bytes, count_values_of=strings)
    report, expected = (
        data_quality.monitor(window, one_shot),
        data_quality.monitor(read_csv_text(window_path), one_shot),
    )
    assert report.violations == expected.violations
    assert report.violations.check_types() >= {"baseline_drift_check", "categorical_values_check"}
    assert_same(report.statistics.to_dict(), expected.statistics.to_dict())
    assert report.type_counts == expected.type_counts
    assert dict(report.distinct_counts) == dict(expected.distinct_counts)


def test_the_kll_sketch_of_a_chunked_run_is_the_one_stream_sketch(files):
    baseline_path, _ = files
    stats = data_quality.suggest_baseline(
        engine.profile_csv(baseline_path, chunk_bytes=3_000)
    ).statistics
    one = data_quality.suggest_baseline(read_csv_text(baseline_path)).statistics
    for name in ("age", "income", "score"):
        assert stats.feature(name).numerical.sketch == one.feature(name).numerical.sketch


def test_progress_reports_every_byte_once(files):
    baseline_path, _ = files
    seen = []
    engine.profile_csv(baseline_path, chunk_bytes=10_000, progress=seen.append)
    assert sum(seen) == baseline_path.stat().st_size and len(seen) > 5


# -- old-vs-new: the vectorised text path keeps Deequ's classes and Python's numbers ------------

DEEQU_FRACTIONAL = re.compile(r"(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))", re.ASCII)
DEEQU_INTEGRAL = re.compile(r"(-|\+)? ?\d+", re.ASCII)

TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789+- .eE٣٤\u00a0x\t")), max_size=14),
    st.sampled_from(
        ["NaN", "nan", "inf", "-inf", "Infinity", "true", "false", "TRUE", "", " ", "0x1F", "1_000"]
    ),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=False).map(repr),
)


def reference_class(text: str) -> int:
    if text == "":
        return NULL
    if DEEQU_FRACTIONAL.fullmatch(text):
        return FRACTIONAL
    if DEEQU_INTEGRAL.fullmatch(text):
        return INTEGRAL
    return BOOLEAN if text in ("true", "false") else STRING


@given(st.lists(TEXT, max_size=50))
def test_classes_and_numbers_equal_the_regex_and_float_reference(texts):
    classes = types.classify(np.array(texts, dtype=object))
    assert classes.tolist() == [reference_class(t) for t in texts]
    numeric = [t for t, c in zip(texts, classes) if c in (INTEGRAL, FRACTIONAL)]
    parsed = types.parse_numbers(np.array(numeric, dtype=object))
    assert parsed.tolist() == [float(t.replace(" ", "")) for t in numeric]


def test_cli_progress_bar_on_request_and_chunk_size(files, tmp_path, capsys):
    from labkit.cli import main

    baseline_path, _ = files
    argv = ["data-quality", "baseline", "--input", str(baseline_path), "--chunk-mib", "0.01"]
    assert main([*argv, "--output", str(tmp_path / "a"), "--progress"]) == 0
    assert "%|" in capsys.readouterr().err  # tqdm draws its bar (it redraws at most every 0.1 s)
    assert main([*argv, "--output", str(tmp_path / "b"), "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
    one_shot = data_quality.suggest_baseline(read_csv_text(baseline_path))
    assert (tmp_path / "b" / "constraints.json").read_text() == one_shot.constraints.to_json(
        tmp_path / "c"
    ).read_text()
