"""The question bank: ``labkit/questions/*.yaml``, how it loads, and the checkers that keep it honest.

One YAML file holds a list; an entry is a question, or a case study whose ``questions`` share
its scenario::

    - id: dq-ground-truth
      notebook: 01_data_quality_drift        # a stem of NOTEBOOKS: the notebook that asks it
      task: "4.1.K2"                         # a key of TASK_4_1
      objective: Explain which monitors need ground truth
      lesson: "02_model_quality_drift#The idea"   # optional: the section that teaches it
      kind: single                           # single | multiple | ordering | matching
      text: Which monitor needs ground-truth labels?
      options:
        a: {text: Data quality, why: It compares inputs with the baseline; no labels., doc: https://docs.aws.amazon.com/…}
        b: {text: Model quality, why: It compares predictions with late labels., doc: https://docs.aws.amazon.com/…}
      answer: b                              # multiple: [a, c]; ordering: [c, a, b]; matching: {"1": b, "2": a}
      explanation: Model quality merges ground truth with captured predictions.

    - case: fraud-bank                       # a case study
      title: Card fraud at a retail bank
      scenario: A bank scores card transactions on a SageMaker endpoint …
      questions: [ … questions as above … ]

Matching questions add ``prompts: {"1": …, "2": …}``. ``lesson``, ``doc`` and ``tags`` are
optional for every bank; ``check_exam_bank`` requires them of the exam review's questions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

from labkit.quiz.questions import KINDS, NOTEBOOKS, TASK_4_1, CaseStudy, Question

__all__ = [
    "EXAM_NOTEBOOK",
    "check_bank",
    "check_exam_bank",
    "get_question",
    "has_qualifier",
    "key_positions",
    "load_questions",
    "shape_tells",
]

EXAM_NOTEBOOK = "07_exam_review"
# Issue 17: at least 80 questions, every Task 4.1 line tested by at least three, a third with the
# exam's qualifiers.
EXAM_MIN_QUESTIONS = 80
EXAM_MIN_PER_TASK = 3
EXAM_QUALIFIER_SHARE = 1 / 3
# The exam guide's item formats: multiple choice has one key and three distractors; multiple
# response two or more keys among five or more options; ordering 3–5 responses; matching 3–7
# prompts (AWS Certification exam guides, "Question types").
SINGLE_OPTIONS = 4
MULTIPLE_MIN_OPTIONS = 5
ORDERING_ITEMS = (3, 5)
MATCHING_PROMPTS = (3, 7)
KEY_POSITION_SPREAD = 2  # most − least keys over the positions of single-choice questions
DOC_URL = re.compile(r"^https://docs\.aws\.amazon\.com/[A-Za-z0-9_./-]+\.html(#[A-Za-z0-9_.-]+)?$")
QUALIFIER = re.compile(r"\b(MOST|LEAST)\b")  # "MOST cost-effective", "LEAST operational overhead"
# A "specific" option names something concrete: a number, an identifier, an API or service name.
SPECIFIC = re.compile(r"\d|`|\w_\w|[a-z][A-Z]")
_COUNT_WORDS = {2: "TWO", 3: "THREE", 4: "FOUR"}


def load_questions(notebook: str | None = None) -> list[Question]:
    """Every question in the bank, or only those tagged with ``notebook`` (e.g. ``01_data_quality_drift``)."""
    import yaml

    questions = []
    for entry in sorted(resources.files("labkit").joinpath("questions").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            entries = yaml.safe_load(entry.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
            raise ValueError(f"labkit/questions/{entry.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
        for raw in entries:
            try:
                found = _case_from_yaml(raw) if "case" in raw else [_from_yaml(raw)]
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                where = raw.get("id") or raw.get("case") if isinstance(raw, dict) else raw
                raise ValueError(f"labkit/questions/{entry.name}: {where!r}: {exc}") from None
            questions += [q for q in found if notebook is None or q.notebook == notebook]
    return questions


def get_question(question_id: str) -> Question:
    """One question of the bank by id."""
    for question in load_questions():
        if question.id == question_id:
            return question
    raise KeyError(f"no question {question_id!r} in labkit/questions/")


def check_bank(questions: Iterable[Question], *, notebooks: Iterable[str] = NOTEBOOKS) -> list[str]:
    """The checker every bank passes: every problem of every question, as ``"<id>: <problem>"`` lines.

    On top of ``validate``: ids are unique; every option has a non-empty ``why`` (and no ``why``
    names a missing option); ``notebook`` is a known notebook stem; ``task`` is a Task 4.1 line;
    ``objective`` is not empty; a ``lesson`` names a notebook.
    """
    known, seen, problems = set(notebooks), set(), []
    for q in questions:
        found = []
        if q.id in seen:
            found.append("duplicate id")
        seen.add(q.id)
        missing = [k for k in q.options if not str(q.why.get(k, "")).strip()]
        if missing:
            found.append(f"options {missing} have no why")
        if set(q.why) - set(q.options):
            found.append(f"why given for options that do not exist: {sorted(set(q.why) - set(q.options))}")
        if q.notebook not in known:
            found.append(f"notebook {q.notebook!r} is not a notebook stem")
        if q.task not in TASK_4_1:
            found.append(f"task {q.task!r} is not a Task 4.1 line")
        if not q.objective.strip():
            found.append("has no objective")
        if q.lesson and not _names_a_section(q.lesson, known):
            found.append(f"lesson {q.lesson!r} is not '<notebook stem>#<heading>'")
        problems += [f"{q.id}: {p}" for p in found]
    return problems


def _names_a_section(lesson: str, known: set[str]) -> bool:
    """``<notebook stem>#<heading>``, or ``deeper/NN_…#<heading>`` for lesson NN's "Going deeper" notebook."""
    notebook, _, heading = lesson.partition("#")
    folder, _, stem = notebook.rpartition("/")
    lesson_ok = notebook in known if not folder else folder == "deeper" and any(k[:3] == stem[:3] for k in known)
    return lesson_ok and bool(heading.strip())


def check_exam_bank(questions: Sequence[Question], *, min_questions: int = EXAM_MIN_QUESTIONS) -> list[str]:
    """The exam review's own rules (issue 17), on top of ``check_bank``.

    Per question: every option has an AWS documentation link; the question names the section
    that teaches it; each format has the exam's shape (four options for multiple choice, "(Select
    TWO.)" and five or more options for multiple response, 3–5 items to order, 3–7 prompts to
    match). Over the bank: enough questions; every format and a case study present; every Task 4.1
    line tested at least three times; a third carry a qualifier (MOST, LEAST); single-choice keys
    spread evenly over positions; no key text reused as another question's key; the key is no
    more often the longest or the only specific option than chance allows.
    """
    problems = check_bank(questions)
    for q in questions:
        problems += [f"{q.id}: {p}" for p in _exam_format_problems(q)]
    if len(questions) < min_questions:
        problems.append(f"bank: {len(questions)} questions; the exam review needs at least {min_questions}")
    missing_kinds = set(KINDS) - {q.kind for q in questions}
    if missing_kinds:
        problems.append(f"bank: no {', '.join(sorted(missing_kinds))} question")
    cases = Counter(q.case.id for q in questions if q.case)
    if not any(n >= 2 for n in cases.values()):
        problems.append("bank: no case study with two or more questions")
    per_task = Counter(q.task for q in questions)
    problems += [f"bank: Task {t} has {per_task[t]} questions; it needs {EXAM_MIN_PER_TASK}"
                 for t in TASK_4_1 if per_task[t] < EXAM_MIN_PER_TASK]  # fmt: skip
    qualified = sum(has_qualifier(q) for q in questions)
    if questions and qualified < EXAM_QUALIFIER_SHARE * len(questions):
        problems.append(f"bank: {qualified} of {len(questions)} questions carry a qualifier (MOST, LEAST); "
                        f"a third is {math.ceil(EXAM_QUALIFIER_SHARE * len(questions))}")
    for n, counts in key_positions(questions).items():
        spread = max(counts) - min(counts)
        if spread > KEY_POSITION_SPREAD:
            problems.append(f"bank: keys of {n}-option questions by position {counts}: spread {spread} > {KEY_POSITION_SPREAD}")
    problems += _reused_keys(questions)
    for tell, ids in shape_tells(questions).items():
        share = 1 / SINGLE_OPTIONS
        if len(ids) > share * len(questions):
            problems.append(f"bank: the key is {tell} in {len(ids)} questions (> {share:.0%}): {ids}")
    return problems


def has_qualifier(question: Question) -> bool:
    """Does the question ask for the MOST or LEAST of something, as exam questions do?"""
    return bool(QUALIFIER.search(question.text))


def key_positions(questions: Iterable[Question]) -> dict[int, list[int]]:
    """For single-choice questions, by number of options: how many keys sit at each position."""
    counts: dict[int, list[int]] = {}
    for q in questions:
        if q.kind == "single":
            row = counts.setdefault(len(q.options), [0] * len(q.options))
            row[list(q.options).index(next(iter(q.answer)))] += 1
    return dict(sorted(counts.items()))


def shape_tells(questions: Iterable[Question]) -> dict[str, list[str]]:
    """Questions whose key gives itself away by shape: longest, or the only specific option."""
    tells: dict[str, list[str]] = {"the longest option": [], "the only specific option": []}
    for q in questions:
        if q.kind not in ("single", "multiple"):
            continue
        keys, others = [q.options[k] for k in q.answer], [t for k, t in q.options.items() if k not in q.answer]
        if min(map(len, keys)) > max(map(len, others)):
            tells["the longest option"].append(q.id)
        if all(SPECIFIC.search(t) for t in keys) and not any(SPECIFIC.search(t) for t in others):
            tells["the only specific option"].append(q.id)
    return tells


def _exam_format_problems(q: Question) -> list[str]:
    found = [f"option {k} has no AWS documentation link" for k in q.options if k not in q.docs]
    found += [f"option {k}'s link {url!r} is not an AWS documentation page" for k, url in q.docs.items()
              if not DOC_URL.match(url)]  # fmt: skip
    if not q.lesson:
        found.append("names no lesson section (lesson: '<notebook stem>#<heading>')")
    n = len(q.options)
    if q.kind == "single" and n != SINGLE_OPTIONS:
        found.append(f"multiple choice has {SINGLE_OPTIONS} options (one key, three distractors), not {n}")
    if q.kind == "multiple":
        if n < MULTIPLE_MIN_OPTIONS or len(q.answer) < 2:
            found.append(f"multiple response has two or more keys among {MULTIPLE_MIN_OPTIONS}+ options")
        word = _COUNT_WORDS.get(len(q.answer), str(len(q.answer)))
        if f"(Select {word}.)" not in q.text:
            found.append(f"multiple response says how many to pick: '(Select {word}.)'")
    if q.kind == "ordering" and not ORDERING_ITEMS[0] <= n <= ORDERING_ITEMS[1]:
        found.append(f"ordering has {ORDERING_ITEMS[0]}–{ORDERING_ITEMS[1]} items, not {n}")
    if q.kind == "matching" and not MATCHING_PROMPTS[0] <= len(q.prompts) <= MATCHING_PROMPTS[1]:
        found.append(f"matching has {MATCHING_PROMPTS[0]}–{MATCHING_PROMPTS[1]} prompts, not {len(q.prompts)}")
    return found


def _reused_keys(questions: Iterable[Question]) -> list[str]:
    """A key text that is also the key of another question: one of the two was copied, not written."""
    owners: dict[str, list[str]] = {}
    for q in questions:
        if q.kind in ("single", "multiple"):
            for k in q.answer:
                owners.setdefault(" ".join(q.options[k].lower().split()), []).append(q.id)
    return [f"bank: the key {text!r} is the key of {ids}" for text, ids in owners.items() if len(ids) > 1]


def _from_yaml(raw: dict[str, Any], case: CaseStudy | None = None) -> Question:
    options = {str(k): (v["text"] if isinstance(v, dict) else str(v)) for k, v in raw["options"].items()}
    why = {str(k): v["why"] for k, v in raw["options"].items() if isinstance(v, dict) and "why" in v}
    docs = {str(k): v["doc"] for k, v in raw["options"].items() if isinstance(v, dict) and "doc" in v}
    kind, answer = str(raw.get("kind", "single")), raw["answer"]
    sequence, matches = (), {}
    if kind == "matching":
        matches = {str(p): str(k) for p, k in answer.items()}
        keys = frozenset(matches.values())
    elif isinstance(answer, (str, int)):
        keys = frozenset([str(answer)])
    else:
        sequence = tuple(map(str, answer)) if kind == "ordering" else ()
        keys = frozenset(map(str, answer))
    return Question(
        id=str(raw["id"]),
        text=str(raw["text"]).strip(),
        options=options,
        answer=keys,
        explanation=str(raw.get("explanation", "")),
        kind=kind,
        why=why,
        notebook=str(raw.get("notebook", "")),
        task=str(raw.get("task", "")),
        objective=str(raw.get("objective", "")),
        sequence=sequence,
        prompts={str(p): str(t) for p, t in (raw.get("prompts") or {}).items()},
        matches=matches,
        docs=docs,
        lesson=str(raw.get("lesson", "")),
        case=case,
        tags=tuple(map(str, raw.get("tags", ()))),
    )


def _case_from_yaml(raw: dict[str, Any]) -> list[Question]:
    case = CaseStudy(str(raw["case"]), str(raw["title"]), str(raw["scenario"]).strip())
    return [_from_yaml({"notebook": raw.get("notebook", ""), **q}, case) for q in raw["questions"]]
