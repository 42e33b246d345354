"""tools/lesson_timings.py: what counts as a core path's reading, and the table it prints."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "lesson_timings.py"


@pytest.fixture(scope="module")
def timings():
    spec = importlib.util.spec_from_file_location("lesson_timings", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lesson_timings"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    del sys.modules["lesson_timings"]


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, *, tags=(), hidden=False, outputs=()) -> dict:
    metadata = {"tags": list(tags)} if tags else {}
    if hidden:
        metadata["jupyter"] = {"source_hidden": True}
    return {"cell_type": "code", "metadata": metadata, "source": text, "outputs": list(outputs),
            "execution_count": None}


def _notebook(cells: list[dict]) -> dict:
    cells = [{**cell, "id": f"cell-{i}"} for i, cell in enumerate(cells)]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


QUIZ_OUTPUT = {"output_type": "stream", "name": "stdout", "text": "Q1. Which monitor needs labels?\n  (a) Data quality\n  (b) Model quality\n"}
LESSON = [
    _md("# 09 · A lesson\n## The idea\nRead [the AWS page](https://docs.aws.amazon.com/x.html) <b>now</b>."),  # 10 words
    _code("seed = 0  # every_random draw", tags=["parameters"]),  # seed, 0, every_random, draw: 4
    _code("# Check: hidden\nassert seed == 0", tags=["check"], hidden=True),  # not read
    _code("quiz_key = compute()\nQuizApp([q])", hidden=True, outputs=[QUIZ_OUTPUT]),  # its output: 11 words
    _md("## Exercises\nReplace the dots."),  # 4 words, apart
    _code("answer = ...  # your code here"),  # 4 words, apart
    _md("## Key takeaways\n- one idea"),  # 4 words
    _md("## Going deeper\nNot counted at all."),
    _md("More depth."),
]


def test_words_skip_link_targets_tags_and_symbols(timings):
    assert timings.count_words("Read [the page](https://docs.aws.amazon.com/a-b.html) <b>now</b>.") == 4
    assert timings.count_words("model_bias.monitor(window_df) → 0.90") == 3  # one name, one call, one number
    assert timings.count_words(42) == 1


def test_the_core_path_stops_at_going_deeper_and_leaves_exercises_apart(timings):
    cells = timings.core_cells(_notebook(LESSON))
    assert len(cells) == 7
    core, practice = timings.split_exercises(cells)
    assert [c["source"].split("\n")[0] for c in practice] == ["## Exercises", "answer = ...  # your code here"]
    assert [timings.is_hidden(c) for c in core] == [False, False, True, True, False]


def test_quiz_words_come_from_what_the_executed_notebook_shows(timings, tmp_path):
    path = tmp_path / "09_a_lesson.ipynb"
    path.write_text(json.dumps(_notebook(LESSON)), encoding="utf-8")
    core = timings.measure_core_path(path, executed=_notebook(LESSON))
    assert (core.markdown_words, core.code_words, core.quiz_words, core.exercise_words) == (14, 4, 11, 8)
    assert core.cells == 7 and core.words == 29
    assert core.reading_minutes(29) == pytest.approx(1.0)


def test_the_table_prints_each_notebook_and_the_total(timings):
    a = timings.CorePath("03_x", 20, 900, 300, 240, 180)
    b = timings.CorePath("04_y", 25, 1200, 400, 200, 0)
    text = timings.table([(a, 30.0), (b, None)], wpm=180)
    lines = text.splitlines()
    assert lines[0] == "reading speed: 180 words a minute"
    assert lines[3].split() == ["03_x", "20", "1440", "240", "8.0", "30.0", "8.5", "1.0", "–"]
    assert lines[4].split()[5] == "–"  # not run
    assert lines[-2].split()[-3:] == ["18.5", "1.0", "0.0"]  # 8.5 + 1,800 words / 180 = 18.5 minutes
    assert "never in a core path" in lines[-1]


def test_a_bad_selection_or_speed_is_one_line_and_exit_2(timings, capsys):
    assert timings.main(["--no-run", "99"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert timings.main(["--no-run", "--wpm", "0"]) == 2


def test_a_real_run_measures_reading_and_run_time(timings, tmp_path, monkeypatch, capsys):
    notebook = _notebook([_md("## The idea\nOne short lesson."),
                          _code("print('Q1. Is this a question?')\n# QuizApp stands in here")])
    (tmp_path / "09_tiny.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    monkeypatch.setattr(timings, "NOTEBOOKS", tmp_path)
    assert timings.main(["09"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("09_tiny"))
    cells, words, quiz, read, run = row.split()[1:6]
    # words: 5 of markdown, 10 of code, 5 of the question the cell printed once executed
    assert (cells, words, quiz) == ("2", "20", "5") and float(run) > 0


def test_the_agenda_rounds_each_core_path_up_and_says_what_is_left(timings):
    rows = [(timings.CorePath("00_a", 10, 900, 0, 0), 30.0),  # 5.0 + 0.5 min -> 6 min + 1 discussion
            (timings.CorePath("01_b", 10, 1800, 0, 0), None)]  # 10.0 min -> 10 + 1
    lines = timings.agenda(rows, 180, minutes=30).splitlines()
    assert lines[2].startswith("| 0:00–0:02 | welcome")
    assert lines[3] == "| 0:02–0:09 | `00_a` | 5.5 min | 7 min |"
    assert lines[4] == "| 0:09–0:20 | `01_b` | 10.0 min | 11 min |"
    assert lines[5] == "| 0:20–0:30 | wrap-up, exercises as homework | – | 10 min |"
    assert lines[-1] == "After the workshop, not in the agenda: exercises 0 min (reading)."
    over = timings.agenda(rows, 180, minutes=15).splitlines()[-3]
    assert "over by 5 min" in over


def test_the_markdown_table_has_one_row_per_notebook(timings):
    text = timings.markdown_table([(timings.CorePath("03_x", 20, 900, 300, 240, 180), 30.0)], wpm=180)
    assert text.splitlines()[2] == "| `03_x` | 20 | 1440 (240) | 8.0 min | 30 s | 8.5 min | 1.0 min | – |"


MOCK_OUTPUT = {"output_type": "stream", "name": "stdout",
               "text": "Mock section: 2 questions in 30 minutes.\nQ1. Which monitor needs labels?\n  (a) Data quality\n"}
PRACTICE = [
    _md("## Check yourself"),
    _code('QuizApp([bank[i] for i in ("dq-one",)])', outputs=[QUIZ_OUTPUT]),  # 11 words shown
    _md("## Practice after the workshop\nEvery question, then a timed mock."),  # 10 words, apart
    _code("mock = MockExamApp.draw(minutes=mock_minutes)", outputs=[MOCK_OUTPUT]),  # 4 of code, apart; its 15 shown
    # words are read within the mock's own 30 minutes
    _md("## Key takeaways\n- one idea"),  # 4 words, core again (with "Check yourself": 6)
]


def test_practice_after_the_workshop_is_counted_apart_with_the_mock_clock(timings, tmp_path):
    cells = [_code("mock_minutes = 30  # the clock", tags=["parameters"]), *PRACTICE]
    path = tmp_path / "09_review.ipynb"
    path.write_text(json.dumps(_notebook(cells)), encoding="utf-8")
    core = timings.measure_core_path(path, executed=_notebook(cells))
    assert (core.markdown_words, core.quiz_words, core.practice_words) == (6, 11, 10 + 4)
    assert core.timed_minutes == 30.0 and core.practice_minutes(14) == pytest.approx(31.0)
    assert core.cells == 6
    row = timings.markdown_table([(core, None)], wpm=14).splitlines()[2]
    assert row.endswith("| 1.0 + 30 mock min |")
    assert "`09_review` practice after the workshop 1.0 + 30 mock min" in timings.agenda([(core, None)], 14, minutes=60)
    untimed = _notebook([_code("mock_minutes = 0", tags=["parameters"]), *PRACTICE])
    path.write_text(json.dumps(untimed), encoding="utf-8")
    assert timings.measure_core_path(path, executed=untimed).practice_words == 10 + 4 + 15  # no clock: read


def test_without_a_run_the_named_questions_are_counted(timings, tmp_path):
    from labkit import quiz

    named = quiz.load_questions("05_monitoring_workflow")[:2]
    cells = [_md("## Check yourself"),
             _code(f"bank = {{q.id: q for q in quiz.load_questions('05_monitoring_workflow')}}\n"
                   f"QuizApp([bank[i] for i in ({named[0].id!r}, {named[1].id!r})])"),  # ids win over the stem
             _code("QuizApp([built_from_the_run])")]  # not countable offline
    path = tmp_path / "09_offline.ipynb"
    path.write_text(json.dumps(_notebook(cells)), encoding="utf-8")
    expected = sum(timings.count_words(q.text) + sum(timings.count_words(o) for o in q.options.values()) for q in named)
    assert timings.measure_core_path(path).quiz_words == expected
    whole = [_code('QuizApp(quiz.load_questions("06_on_sagemaker"))')]
    path.write_text(json.dumps(_notebook(whole)), encoding="utf-8")
    bank = quiz.load_questions("06_on_sagemaker")
    assert timings.measure_core_path(path).quiz_words == sum(
        timings.count_words(q.text) + sum(timings.count_words(o) for o in q.options.values()) for q in bank)
