"""Seeded option order: keys spread evenly over positions, nothing lost, never the answer order."""

from __future__ import annotations

from collections import Counter

from labkit import quiz

EXAM = quiz.load_questions(quiz.EXAM_NOTEBOOK)


def test_arrange_only_reorders_and_is_the_same_for_the_same_seed():
    arranged = quiz.arrange(EXAM, seed=3)
    assert [q.id for q in arranged] == [q.id for q in EXAM]
    for before, after in zip(EXAM, arranged):
        assert dict(before.options) == dict(after.options) and before.answer == after.answer
        assert before.sequence == after.sequence and dict(before.matches) == dict(after.matches)
    assert [list(q.options) for q in quiz.arrange(EXAM, seed=3)] == [list(q.options) for q in arranged]
    assert [list(q.options) for q in quiz.arrange(EXAM, seed=4)] != [list(q.options) for q in arranged]


def test_single_choice_keys_land_evenly_over_positions_for_every_seed():
    for seed in range(20):
        counts = quiz.key_positions(quiz.arrange(EXAM, seed=seed))
        assert all(max(row) - min(row) <= 1 for row in counts.values()), (seed, counts)


def test_a_question_key_moves_between_seeds():
    question = next(q for q in EXAM if q.kind == "single")
    positions = Counter(quiz.arrange([question], seed=s)[0].key_text() for s in range(40))
    assert set(positions) == {"A", "B", "C", "D"}


def test_ordering_items_never_start_in_the_right_order_and_matching_prompts_move():
    ordering = [q for q in EXAM if q.kind == "ordering"]
    for seed in range(30):
        assert all(tuple(q.options) != q.sequence for q in quiz.arrange(ordering, seed=seed))
    matching = next(q for q in EXAM if q.kind == "matching")
    assert len({tuple(quiz.arrange([matching], seed=s)[0].prompts) for s in range(10)}) > 1
