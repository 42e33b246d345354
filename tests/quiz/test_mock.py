"""The mock section: a seeded draw by Task 4.1 line, answers locked until the end, a clock, a report."""

from __future__ import annotations

from collections import Counter

import pytest

from labkit import quiz

EXAM = quiz.load_questions(quiz.EXAM_NOTEBOOK)


class Clock:
    """A clock the test moves by hand: the mock section reads it on every call."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_draw_covers_every_task_line_in_proportion_with_one_whole_case_study():
    drawn = quiz.draw_mock(EXAM, n_questions=20, seed=0)
    assert len(drawn) == 20 and len({q.id for q in drawn}) == 20
    per_task, bank_share = Counter(q.task for q in drawn), Counter(q.task for q in EXAM)
    assert set(per_task) == set(quiz.TASK_4_1)
    for task, n in per_task.items():  # largest-remainder quota, off by at most the case study's pull
        assert abs(n - 20 * bank_share[task] / len(EXAM)) <= 2, (task, n)
    cases = [i for i, q in enumerate(drawn) if q.case]
    case_ids = {drawn[i].case.id for i in cases}
    assert len(case_ids) == 1 and cases == list(range(cases[0], cases[0] + len(cases)))  # together, in one block
    assert len(cases) == sum(q.case is not None and q.case.id in case_ids for q in EXAM)


def test_the_draw_is_seeded_and_its_keys_are_balanced():
    assert [q.id for q in quiz.draw_mock(EXAM, seed=1)] == [q.id for q in quiz.draw_mock(EXAM, seed=1)]
    assert [q.id for q in quiz.draw_mock(EXAM, seed=1)] != [q.id for q in quiz.draw_mock(EXAM, seed=2)]
    for seed in range(10):
        rows = quiz.key_positions(quiz.draw_mock(EXAM, seed=seed)).values()
        assert all(max(r) - min(r) <= 1 for r in rows)
    with pytest.raises(ValueError, match="cannot draw 500"):
        quiz.draw_mock(EXAM, n_questions=500)


def _section(clock: Clock, minutes: float = 30) -> quiz.MockSection:
    return quiz.MockSection(quiz.draw_mock(EXAM, n_questions=20, seed=0), minutes=minutes, clock=clock)


def _key(q: quiz.Question):
    if q.kind == "ordering":
        return list(q.sequence)
    if q.kind == "matching":
        return dict(q.matches)
    return sorted(q.answer) if q.kind == "multiple" else next(iter(q.answer))


def test_answers_stay_ungraded_until_the_end_then_the_report_scores_them():
    clock = Clock()
    section = _section(clock)
    first, second = section.questions[:2]
    section.answer(first.id, _key(first))
    wrong = next(k for k in second.options if k not in second.answer) if second.kind in ("single", "multiple") else None
    if wrong:
        section.answer(second.id, [wrong] if second.kind == "multiple" else wrong)
    with pytest.raises(ValueError, match="comes at the end"):
        section.report()
    clock.now += 600
    report = section.finish()
    assert report.score == (1, 20) and not report.timed_out and report.seconds_used == 600
    assert report.results[0][1].correct and report.results[-1][1] is None  # unanswered counts as wrong
    with pytest.raises(ValueError, match="answers are locked"):
        section.answer(first.id, _key(first))


def test_time_running_out_closes_the_section_without_any_callback():
    clock = Clock()
    section = _section(clock, minutes=30)
    q = section.questions[0]
    section.answer(q.id, _key(q))
    clock.now += 29 * 60
    assert not section.is_over and 59 <= section.seconds_left() <= 60
    clock.now += 120  # past the deadline: the next call notices
    with pytest.raises(ValueError, match="answers are locked"):
        section.answer(q.id, _key(q))
    report = section.report()
    assert report.timed_out and report.seconds_used == 30 * 60 and report.score == (1, 20)
    assert "time ran out after 30 of 30 minutes" in report.headline()


def test_answers_can_change_and_be_withdrawn_before_the_end_and_bad_ones_are_refused():
    section = _section(Clock())
    q = next(q for q in section.questions if q.kind == "single")
    wrong = next(k for k in q.options if k not in q.answer)
    section.answer(q.id, wrong)
    section.answer(q.id, _key(q))
    section.withdraw(q.id)
    assert q.id not in section.responses
    with pytest.raises(ValueError, match="not an option"):
        section.answer(q.id, "z")
    with pytest.raises(KeyError, match="not in this mock section"):
        section.answer("nope", "a")
    with pytest.raises(ValueError, match="minutes must be positive"):
        quiz.MockSection(section.questions, minutes=0)


def test_the_report_by_task_line_links_the_sections_of_missed_questions_only():
    clock = Clock()
    section = _section(clock)
    for q in section.questions:
        if q.task != "4.1.S4":
            section.answer(q.id, _key(q))
    report = section.finish()
    rows = {r["task"]: r for r in report.by_task()}
    assert set(rows) == set(quiz.TASK_4_1)
    assert all(r["correct"] == r["asked"] and r["revisit"] == [] for t, r in rows.items() if t != "4.1.S4")
    s4 = rows["4.1.S4"]
    missed_lessons = {quiz.lesson_link(q.lesson) for q in section.questions if q.task == "4.1.S4"}
    assert s4["correct"] == 0 and set(s4["revisit"]) == missed_lessons
    markdown = report.as_markdown()
    assert markdown.startswith(f"**Score: {20 - s4['asked']} / 20") and "| 4.1.S4 · Skill: monitoring model" in markdown
    label, href = s4["revisit"][0]
    assert f"[{label}]({href})" in markdown and ".ipynb#" in href
    assert list(report.to_frame().columns) == ["task", "line", "correct", "asked", "revisit"]
    review = report.review()
    assert review.startswith("Q1. ") and "⏺ Not answered: the answer is" in review and "✅ Correct." in review
