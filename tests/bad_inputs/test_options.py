"""Numeric command-line options: NaN, infinities, negatives, text and out-of-range values.

Every one is refused by argparse before any file is read: exit 2 and one usage line naming the
option and the value, never a traceback or a silently replaced default.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MERGED = "label,pred,prob\n" + "".join(
    f"{i % 2},{(i // 3) % 2},{(i % 10) / 10}\n" for i in range(50)
)
BIAS = "y,g,yhat\n" + "".join(f"{i % 2},{'ab'[i % 2]},{i % 2}\n" for i in range(50))


def command(name: str, tmp: Path) -> list:
    """A complete, valid invocation of ``name``; the option under test is appended to it."""
    (tmp / "m.csv").write_text(MERGED)
    (tmp / "b.csv").write_text(BIAS)
    out = ["--output", tmp / "out"]
    mq = ["--input", tmp / "m.csv", "--label", "label", "--prediction", "pred", *out]
    bias = ["--input", tmp / "b.csv", "--label", "y", "--facet", "g", "--prediction", "yhat", *out]
    mx = ["--input", tmp / "m.csv", "--model", tmp / "model.skops", "--label", "label", *out]
    return {
        "scenario window": ["scenario", "window", "credit", "--output", tmp / "w.csv"],
        "scenario write": ["scenario", "write", *out],
        "scenario model": ["scenario", "model", "credit", "--output", tmp / "m.skops"],
        "mq baseline": ["model-quality", "baseline", "--problem-type", "BinaryClassification", *mq],
        "bias report": ["model-bias", "report", *bias],
        "bias report (values)": ["model-bias", "report", *bias, "--label-values", "1", "--facet-values", "a"],
        "bias monitor": ["model-bias", "monitor", *bias, "--label-values", "1", "--facet-values", "a",
                         "--baseline", tmp / "bb"],
        "mx baseline": ["model-explainability", "baseline", *mx],
        "mx monitor": ["model-explainability", "monitor", *mx, "--baseline", tmp / "mb"],
    }[name]  # fmt: skip


CASES = [
    ("scenario window", "--rows", "-5", "must be at least 1"),
    ("scenario window", "--rows", "0", "must be at least 1"),
    ("scenario window", "--rows", "1e3", "expected a whole number"),
    ("scenario window", "--seed", "-1", "a random seed"),
    ("scenario write", "--seed", "nan", "expected a whole number"),
    ("scenario model", "--seed", str(2**32), "a random seed"),
    ("mq baseline", "--seed", "-3", "a random seed"),
    ("mq baseline", "--probability-threshold", "nan", "from 0 to 1"),
    ("mq baseline", "--probability-threshold", "-0.1", "from 0 to 1"),
    ("bias report (values)", "--probability-threshold", "inf", "from 0 to 1"),
    ("bias report", "--facet-threshold", "nan", "expected a finite number"),
    ("bias report", "--facet-threshold", "-inf", "expected a finite number"),
    ("bias report", "--label-threshold", "nan", "expected a finite number"),
    ("bias report", "--label-threshold", "inf", "expected a finite number"),
    ("bias monitor", "--confidence-level", "nan", "between 0 and 1"),
    ("bias monitor", "--confidence-level", "1", "between 0 and 1"),
    ("bias monitor", "--bootstrap-samples", "1", "at least 2"),
    ("bias monitor", "--seed", "-1", "a random seed"),
    ("mx baseline", "--num-samples", "0", "must be at least 1"),
    ("mx baseline", "--num-samples", "many", "expected a whole number"),
    ("mx baseline", "--max-rows", "-1", "must be at least 0"),
    ("mx baseline", "--seed", "-1", "a random seed"),
    ("mx monitor", "--threshold", "nan", "--threshold"),
]


@pytest.mark.parametrize(
    "name, option, value, needle", CASES, ids=[f"{c[0]} {c[1]} {c[2]}" for c in CASES]
)
def test_a_bad_number_is_refused_in_one_line(name, option, value, needle, tmp_path, run_cli):
    argv = command(name, tmp_path)
    if option == "--facet-threshold":
        argv += ["--label-values", "1"]
    elif option == "--label-threshold":
        argv += ["--facet-values", "a"]
    line = run_cli(*argv, f"{option}={value}").assert_failed(f"argument {option}", needle)
    assert value in line
    assert not (tmp_path / "out").exists()
