"""Seeded option order for a quiz: answers not guessable from position (issue 17, issue 16 item 3).

``arrange`` shows every question's options in a seeded order. Single-choice keys do not land at
random: each goes to the position that has held the fewest keys so far in this quiz (ties broken
by the seed), so over a quiz the key sits at A, B, C and D equally often, within one. Multiple
response options are shuffled; the items of an ordering question never start in the right
order; a matching question's prompts and options are both shuffled. Question order is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from labkit.quiz.questions import Question

__all__ = ["arrange"]


def arrange(questions: Iterable[Question], *, seed: int) -> list[Question]:
    """The same questions with options in a seeded order and single-choice keys spread evenly."""
    rng = np.random.default_rng(seed)
    used: dict[int, list[int]] = {}  # number of options -> keys placed at each position so far
    arranged = []
    for q in questions:
        keys = list(q.options)
        if q.kind == "single":
            counts = used.setdefault(len(keys), [0] * len(keys))
            fewest = [i for i, n in enumerate(counts) if n == min(counts)]
            position = fewest[int(rng.integers(len(fewest)))]
            counts[position] += 1
            key = next(iter(q.answer))
            others = _shuffled([k for k in keys if k != key], rng)
            arranged.append(q.reordered([*others[:position], key, *others[position:]]))
        elif q.kind == "ordering":
            order = _shuffled(keys, rng)
            if tuple(order) == q.sequence:  # never hand the learner the answer
                order = order[1:] + order[:1]
            arranged.append(q.reordered(order))
        else:
            prompts = _shuffled(list(q.prompts), rng) if q.kind == "matching" else None
            arranged.append(q.reordered(_shuffled(keys, rng), prompts))
    return arranged


def _shuffled(items: list[str], rng: np.random.Generator) -> list[str]:
    return [items[i] for i in rng.permutation(len(items))]
