"""Bad CSV files through ``labkit data-quality`` and the CSV readers.

Every file is written into ``tmp_path`` by the test that uses it, so the corpus is readable
here, next to what each case expects.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from labkit.csvfiles import read_csv, read_csv_text
from labkit.errors import LabkitInputError

N_ROWS = 60  # rows of the good baseline: enough for every statistic, small enough to be instant


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def good_rows(n: int = N_ROWS, *, shift: int = 0) -> str:
    return "".join(f"{20 + i % 40 + shift},{1000 + 7 * i},{'ab'[i % 2]}\n" for i in range(n))


@pytest.fixture
def baseline(tmp_path: Path, run_cli) -> Path:
    """A baseline folder from a clean CSV with columns age (int), income (int), plan (a/b)."""
    train = write(tmp_path / "train.csv", "age,income,plan\n" + good_rows())
    run_cli(
        "data-quality", "baseline", "--input", train, "--output", tmp_path / "baseline"
    ).assert_completed()
    return tmp_path / "baseline"


def baseline_run(run_cli, path: Path, tmp_path: Path):
    return run_cli(
        "data-quality", "baseline", "--input", path, "--output", tmp_path / "out_baseline"
    )


def monitor_run(run_cli, path: Path, baseline: Path, tmp_path: Path):
    return run_cli(
        "data-quality",
        "monitor",
        "--input",
        path,
        "--baseline",
        baseline,
        "--output",
        tmp_path / "out",
    )


def violations(tmp_path: Path) -> list[dict]:
    return json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]


def items_analysed(tmp_path: Path) -> int:
    return json.loads((tmp_path / "out" / "statistics.json").read_text())["dataset"]["item_count"]


# -- structure: each refused with file and line ---------------------------------------------------

STRUCTURAL = {
    "too_many_columns": ("a,b\n1,2\n3,4,5\n", ["line 3", "expected 2 fields", "found 3"]),
    "too_few_columns": ("a,b\n1,2\n3\n", ["line 3", "expected 2 fields", "found 1"]),
    "empty_file": ("", ["file is empty"]),
    "unbalanced_quote": ('a,b\n"1,2\n3,4\n', ["line 2", "does not close"]),  # where it opens (issue 18)
    "duplicate_column_names": ("a,a\n1,2\n", ["line 1", "column 'a'", "duplicate column name"]),
    "blank_column_name": ("a,,c\n1,2,3\n", ["line 1", "header field 2 is blank"]),
}


@pytest.mark.parametrize("command", ["baseline", "monitor"])
@pytest.mark.parametrize("case", STRUCTURAL)
def test_structural_problems_fail_naming_file_and_line(case, command, tmp_path, baseline, run_cli):
    text, needles = STRUCTURAL[case]
    path = write(tmp_path / f"{case}.csv", text)
    run = (
        baseline_run(run_cli, path, tmp_path)
        if command == "baseline"
        else monitor_run(run_cli, path, baseline, tmp_path)
    )
    run.assert_failed(path, *needles)


def test_not_utf8_names_the_byte(tmp_path, run_cli):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,city\nJosé,Zürich\n".encode("latin-1"))
    baseline_run(run_cli, path, tmp_path).assert_failed(path, "not UTF-8 text (byte 13)")


def test_a_directory_or_a_missing_file_is_named(tmp_path, run_cli):
    baseline_run(run_cli, tmp_path, tmp_path).assert_failed(tmp_path, "found a directory")
    missing = tmp_path / "nope.csv"
    baseline_run(run_cli, missing, tmp_path).assert_failed(missing, "file not found")


def test_reader_errors_carry_path_and_line(tmp_path):
    path = write(tmp_path / "short.csv", "a,b\n1,2\n3\n")
    with pytest.raises(LabkitInputError) as info:
        read_csv(path)
    assert (info.value.path, info.value.line) == (str(path), 3)


# -- an empty dataset ------------------------------------------------------------------------------


def test_header_only_baseline_names_the_file(tmp_path, run_cli):
    path = write(tmp_path / "header_only.csv", "age,income,plan\n")
    baseline_run(run_cli, path, tmp_path).assert_failed(path, "no rows")


def test_header_only_window_fails_like_an_empty_capture(tmp_path, baseline, run_cli):
    """A window with zero rows fails, as an execution without data does (operations.md §3.4)."""
    path = write(tmp_path / "header_only.csv", "age,income,plan\n")
    monitor_run(run_cli, path, baseline, tmp_path).assert_failed(path, "no records to analyse")
    assert not (tmp_path / "out" / "statistics.json").exists()


# -- files that must work ---------------------------------------------------------------------------


def test_utf8_bom_is_stripped_and_the_file_works(tmp_path, baseline, run_cli):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("age,income,plan\n" + good_rows()).encode())
    assert list(read_csv_text(path).columns) == ["age", "income", "plan"]  # not "\ufeffage"
    run = monitor_run(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    assert run.code == 0 and violations(tmp_path) == []  # same rows as the baseline
    assert items_analysed(tmp_path) == N_ROWS


def test_unicode_column_names_round_trip_into_the_files(tmp_path, run_cli):
    names = ["âge", "revenu €", "计划"]
    path = write(tmp_path / "unicode.csv", ",".join(names) + "\n" + good_rows())
    run = baseline_run(run_cli, path, tmp_path)
    run.assert_completed()
    features = json.loads(
        (tmp_path / "out_baseline" / "statistics.json").read_text(encoding="utf-8")
    )["features"]
    assert [f["name"] for f in features] == names
    assert "计划" in run.stdout


# -- bad values: analysed and reported, every row counted --------------------------------------------


def test_numeric_column_full_of_junk_fires_data_type_check(tmp_path, baseline, run_cli):
    rows = "".join(f"x{i},{1000 + i},{'ab'[i % 2]}\n" for i in range(N_ROWS))
    path = write(tmp_path / "junk.csv", "age,income,plan\n" + rows)
    run = monitor_run(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    assert run.code == 1
    assert {(v["feature_name"], v["constraint_check_type"]) for v in violations(tmp_path)} >= {
        ("age", "data_type_check")
    }
    assert run.number(r"(\d+) items analysed") == items_analysed(tmp_path) == N_ROWS


def test_all_nan_column_fires_completeness_check(tmp_path, baseline, run_cli):
    rows = "".join(f"{20 + i % 40},,{'ab'[i % 2]}\n" for i in range(N_ROWS))
    path = write(tmp_path / "all_nan.csv", "age,income,plan\n" + rows)
    run = monitor_run(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    fired = {(v["feature_name"], v["constraint_check_type"]) for v in violations(tmp_path)}
    assert ("income", "completeness_check") in fired
    assert items_analysed(tmp_path) == N_ROWS  # the rows are kept; only the cells are missing


def test_all_nan_column_in_a_baseline_is_unknown_not_a_crash(tmp_path, run_cli):
    rows = "".join(f"{20 + i % 40},\n" for i in range(N_ROWS))
    path = write(tmp_path / "all_nan.csv", "age,income\n" + rows)
    run = baseline_run(run_cli, path, tmp_path)
    run.assert_completed()
    constraints = json.loads((tmp_path / "out_baseline" / "constraints.json").read_text())
    income = next(f for f in constraints["features"] if f["name"] == "income")
    assert (income["inferred_type"], income["completeness"]) == ("Unknown", 0.0)


def test_inf_cells_in_an_integral_column_fire_data_type_check(tmp_path, baseline, run_cli):
    rows = "".join(
        f"{20 + i % 40},{'inf' if i % 3 == 0 else 1000 + i},{'ab'[i % 2]}\n" for i in range(N_ROWS)
    )
    path = write(tmp_path / "inf.csv", "age,income,plan\n" + rows)
    run = monitor_run(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    fired = {(v["feature_name"], v["constraint_check_type"]) for v in violations(tmp_path)}
    assert ("income", "data_type_check") in fired
    assert items_analysed(tmp_path) == N_ROWS


@pytest.mark.parametrize("command", ["baseline", "monitor"])
def test_huge_values_fail_in_one_line_naming_file_and_column(command, tmp_path, baseline, run_cli):
    rows = "".join(
        f"{20 + i % 40},{'1e308' if i % 2 else '-1e308'},{'ab'[i % 2]}\n" for i in range(N_ROWS)
    )
    path = write(tmp_path / "huge.csv", "age,income,plan\n" + rows)
    with warnings.catch_warnings(record=True) as caught:  # outside pytest these print to stderr
        warnings.simplefilter("always")
        run = (
            baseline_run(run_cli, path, tmp_path)
            if command == "baseline"
            else monitor_run(run_cli, path, baseline, tmp_path)
        )
    run.assert_failed(path, "column 'income'")
    assert [str(w.message) for w in caught] == []


def test_huge_values_do_not_escape_as_a_traceback(tmp_path, baseline, run_cli):
    """The part of the 1e308 case that works today: exit 2 naming the column, never a crash."""
    rows = "".join(f"{20 + i % 40},1e308,{'ab'[i % 2]}\n" for i in range(N_ROWS))
    path = write(tmp_path / "huge.csv", "age,income,plan\n" + rows)
    run = monitor_run(run_cli, path, baseline, tmp_path)
    assert run.escaped is None and run.code == 2 and "Traceback" not in run.stderr
    assert "labkit: error: " in run.stderr and "'income'" in run.stderr


def test_fewer_columns_than_the_baseline_fire_missing_column_check(tmp_path, baseline, run_cli):
    rows = "".join(f"{20 + i % 40},{'ab'[i % 2]}\n" for i in range(N_ROWS))
    path = write(tmp_path / "two_columns.csv", "age,plan\n" + rows)
    run = monitor_run(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    assert [(v["feature_name"], v["constraint_check_type"]) for v in violations(tmp_path)] == [
        ("income", "missing_column_check")
    ]


# -- window columns matched to the baseline by name ------------------------------------------------


def checks(tmp_path: Path) -> list[tuple[str, str]]:
    return [(v["feature_name"], v["constraint_check_type"]) for v in violations(tmp_path)]


def test_a_csv_without_its_header_is_not_a_silent_pass(tmp_path, baseline, run_cli):
    """Same column count, no header: the first data row becomes the names, nothing matches."""
    path = write(tmp_path / "no_header.csv", good_rows(shift=40))
    run = monitor_run(run_cli, path, baseline, tmp_path)
    run.assert_completed()
    assert run.code == 1
    assert "is the CSV's header row missing?" in run.stdout
    assert checks(tmp_path) == [
        ("age", "missing_column_check"),
        ("income", "missing_column_check"),
        ("plan", "missing_column_check"),
        ("60", "extra_column_check"),
        ("1000", "extra_column_check"),
        ("a", "extra_column_check"),
    ]
    assert items_analysed(tmp_path) == N_ROWS - 1
    assert run.number(r"(\d+) violation\(s\)") == 6


def test_a_renamed_column_is_missing_and_extra_by_name(tmp_path, baseline, run_cli):
    path = write(tmp_path / "renamed.csv", "age,salary,plan\n" + good_rows())
    run = monitor_run(run_cli, path, baseline, tmp_path)
    assert run.code == 1 and "header row missing" not in run.stdout
    assert checks(tmp_path) == [
        ("income", "missing_column_check"),
        ("salary", "extra_column_check"),
    ]
    description = violations(tmp_path)[0]["description"]
    assert description == (
        "There are missing columns in current dataset. Number of columns in current dataset: 3, "
        "Number of columns in baseline constraints: 3"
    )


def test_reordered_columns_are_matched_by_name(tmp_path, baseline, run_cli):
    rows = "".join(f"{'ab'[i % 2]},{1000 + 7 * i},{20 + i % 40}\n" for i in range(N_ROWS))
    path = write(tmp_path / "reordered.csv", "plan,income,age\n" + rows)
    run = monitor_run(run_cli, path, baseline, tmp_path)
    assert run.code == 0, run.stdout
    assert checks(tmp_path) == []


def test_a_shift_in_a_reordered_window_is_found_on_its_column(tmp_path, baseline, run_cli):
    rows = "".join(f"{'ab'[i % 2]},{1000 + 7 * i},{60 + i % 40}\n" for i in range(N_ROWS))
    path = write(tmp_path / "reordered.csv", "plan,income,age\n" + rows)
    assert monitor_run(run_cli, path, baseline, tmp_path).code == 1
    assert checks(tmp_path) == [("age", "baseline_drift_check")]
