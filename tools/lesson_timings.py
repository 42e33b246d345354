"""How long each numbered notebook's core path takes: reading time plus run time, as a table.

    python tools/lesson_timings.py                      # every notebooks/NN_*.ipynb, 180 words a minute
    python tools/lesson_timings.py --wpm 150 03 04      # a slower reader, two notebooks
    python tools/lesson_timings.py --no-run             # reading time only (no kernel)
    python tools/lesson_timings.py --markdown --agenda 90   # the facilitator guide's tables

The core path of a notebook is every cell of ``notebooks/NN_*.ipynb`` before a heading
"Going deeper" (the depth in ``notebooks/deeper/`` is not counted), except two sections that a
workshop leaves for later, each counted apart:

* "## Exercises", which a workshop may set as homework: the table gives its reading time
  (solving the exercises takes longer);
* "## Practice after the workshop" (notebook 07's full practice set and its timed mock
  section): the table gives its reading time plus the mock section's own clock, the
  ``mock_minutes`` of the notebook's parameters cell (30 by default), in a column of its own.
  The mock's questions are read within its clock, so their words are not counted again. It is
  practice after the core path, never part of it, and the agenda leaves it out.

Reading time counts the words a learner reads, at ``--wpm``: the markdown (link targets, HTML
tags and markdown symbols left out), the visible code (the code of hidden ``check`` cells, and
of the cells that build a question from the learner's own run, is not read: the learner sees
their output), and the questions the notebook shows. Those are read from the executed notebook:
the question and option text a ``QuizApp`` or ``MockExamApp`` cell prints in the static copy,
which is what the widget shows. With ``--no-run`` the script estimates them from the source
instead: the question and option text of every bank question whose id a quiz cell names, or of
a notebook's whole bank when the cell names the notebook (``quiz.load_questions("07_…")``);
questions built from the learner's run (notebook 05's alarm questions) count only in a real run.

Run time is one top-to-bottom execution of the static copy through
``labkit.render.render_notebook`` (papermill, ``use_widgets=False``, the kernel start and the
HTML export included): about what "Restart kernel and run all cells" costs a learner. Thinking,
moving sliders, reading an answer's explanation and discussing are not measured; the facilitator
guide adds time for them. Timings are printed, never asserted (workshop/FACILITATOR.md quotes
this table).

``--agenda MINUTES`` turns the measurements into a workshop agenda: each notebook gets its
measured core path rounded up to the minute plus ``--discussion`` minutes (for sliders,
questions and the room), in order, after ``--welcome`` minutes; the last line says how much time
is left, or by how much the agenda runs over. Exercises and practice after the workshop are
listed under it as homework, with their times.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
DEFAULT_WPM = 180  # words a minute for technical text read on screen
CHECK_TAG = "check"  # hidden cells that assert what the learner just saw
DEEPER = re.compile(r"^#{1,3}\s*Going deeper", re.IGNORECASE | re.MULTILINE)
EXERCISES = "## Exercises"  # homework: read apart from the core path
PRACTICE = "## Practice after the workshop"  # 07's practice set and mock section: apart, never in the agenda
TIMED_PARAMETER = "mock_minutes"  # a parameters-cell literal: the mock section's own clock, in minutes
QUIZ_CELL = re.compile(r"\b(?:QuizApp|MockExamApp)\b")  # a cell that shows questions
MOCK_CELL = re.compile(r"\bMockExamApp\b")  # a timed set: its questions are read within its own clock
_LITERAL = re.compile(r"""["']([\w-]+)["']""")  # a question id or notebook stem named in a quiz cell
_LINK_TARGET = re.compile(r"\]\([^)]*\)")  # [text](target): the target is not read
_HTML_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")  # snake_case names and 0.90 count as one word


@dataclass(frozen=True)
class CorePath:
    """The reading load of one notebook's core path, in words."""

    notebook: str
    cells: int  # all cells before "Going deeper", hidden checks and exercises included
    markdown_words: int
    code_words: int
    quiz_words: int
    exercise_words: int = 0  # the "## Exercises" section, not part of the core path
    practice_words: int = 0  # the "## Practice after the workshop" section, questions included
    timed_minutes: float = 0.0  # the mock section's clock, when the practice section has one

    @property
    def words(self) -> int:
        return self.markdown_words + self.code_words + self.quiz_words

    def reading_minutes(self, wpm: float) -> float:
        return self.words / wpm

    def exercise_minutes(self, wpm: float) -> float:
        return self.exercise_words / wpm

    def practice_minutes(self, wpm: float) -> float:
        """Practice after the workshop: its reading plus the mock section's clock."""
        return self.practice_words / wpm + self.timed_minutes


def count_words(text: object) -> int:
    """Words a reader reads in ``text``: link targets, HTML tags and symbols do not count."""
    text = _HTML_TAG.sub(" ", _LINK_TARGET.sub("]", str(text)))
    return len(_WORD.findall(text))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def core_cells(notebook: dict) -> list[dict]:
    """The cells before the first "Going deeper" heading (all cells if there is none)."""
    cells = notebook.get("cells", [])
    for i, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown" and DEEPER.search(_source(cell)):
            return cells[:i]
    return cells


def split_sections(cells: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(core, exercises, practice): each apart section runs from its heading to the next "## " heading."""
    parts: dict[str, list[dict]] = {"core": [], EXERCISES: [], PRACTICE: []}
    inside = "core"
    for cell in cells:
        first = _source(cell).lstrip().split("\n", 1)[0] if cell.get("cell_type") == "markdown" else ""
        if first.startswith("## "):
            inside = next((h for h in (EXERCISES, PRACTICE) if first.startswith(h)), "core")
        parts[inside].append(cell)
    return parts["core"], parts[EXERCISES], parts[PRACTICE]


def split_exercises(cells: list[dict]) -> tuple[list[dict], list[dict]]:
    """(core cells, exercise cells): the exercises run from "## Exercises" to the next "## " heading."""
    core, exercises, _ = split_sections(cells)
    return core, exercises


def is_hidden(cell: dict) -> bool:
    """A cell whose source the learner does not read: a ``check`` cell, or any cell shown collapsed."""
    metadata = cell.get("metadata", {})
    return CHECK_TAG in metadata.get("tags", []) or bool(metadata.get("jupyter", {}).get("source_hidden"))


def _output_text(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(_source({"source": output.get("text", "")}))
        elif output.get("output_type") in ("execute_result", "display_data"):
            parts.append(_source({"source": output.get("data", {}).get("text/plain", "")}))
    return "\n".join(parts)


def _quiz_cells(cells: list[dict]) -> list[dict]:
    return [c for c in cells if c.get("cell_type") == "code" and QUIZ_CELL.search(_source(c))]


def shown_quiz_words(cells: list[dict], *, timed: bool = False) -> int:
    """Words of the questions these executed cells show (the output of their quiz cells);
    ``timed`` leaves out a mock section's questions, which its own clock covers."""
    return sum(count_words(_output_text(c)) for c in _quiz_cells(cells) if not (timed and MOCK_CELL.search(_source(c))))


def named_quiz_words(cells: list[dict]) -> int:
    """Without running: question and option words of the bank questions the quiz cells name.

    A literal that is a question id names that question; in a cell that names no id, a notebook
    stem names that notebook's whole bank. Questions built at run time are not counted (see the
    module docstring), nor a mock section's draw (its clock covers them).
    """
    from labkit import quiz

    bank = {q.id: q for q in quiz.load_questions()}
    shown: dict[str, object] = {}
    for cell in [c for c in _quiz_cells(cells) if not MOCK_CELL.search(_source(c))]:
        names = _LITERAL.findall(_source(cell))
        ids = [n for n in names if n in bank]
        if ids:
            shown.update((i, bank[i]) for i in ids)
        else:  # no id named: the notebooks named give their whole banks
            shown.update((q.id, q) for q in bank.values() if q.notebook in names)
    return sum(count_words(q.text) + sum(count_words(o) for o in q.options.values()) for q in shown.values())


def timed_minutes(notebook: dict) -> float:
    """The ``mock_minutes`` literal of the parameters cell (0 when the notebook has none)."""
    import ast

    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.parse(_source(cell)).body:
                if (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [TIMED_PARAMETER]
                        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, float))):
                    return float(node.value.value)
    return 0.0


def _read_words(cells: list[dict]) -> int:
    return sum(count_words(_source(c)) for c in cells if not is_hidden(c))


def measure_core_path(path: Path, executed: dict | None = None) -> CorePath:
    """Count the words of one notebook's core path; ``executed`` (its executed copy) gives the quiz words."""
    source = json.loads(path.read_text(encoding="utf-8"))
    cells, exercises, practice = split_sections(core_cells(source))
    read = [c for c in cells if not is_hidden(c)]
    markdown = sum(count_words(_source(c)) for c in read if c.get("cell_type") == "markdown")
    code = sum(count_words(_source(c)) for c in read if c.get("cell_type") == "code")
    if executed is not None:
        ran_core, _, ran_practice = split_sections(core_cells(executed))
        timed = timed_minutes(source) > 0
        quiz, practice_quiz = shown_quiz_words(ran_core), shown_quiz_words(ran_practice, timed=timed)
    else:
        quiz, practice_quiz = named_quiz_words(cells), named_quiz_words(practice)
    return CorePath(path.stem, len(cells) + len(exercises) + len(practice), markdown, code, quiz,
                    _read_words(exercises), _read_words(practice) + practice_quiz,
                    timed_minutes(source) if practice else 0.0)


def _practice_cell(core: CorePath, wpm: float) -> str:
    """The practice column: its reading, plus the mock section's clock when it has one."""
    if not core.practice_words and not core.timed_minutes:
        return "–"
    reading = f"{core.practice_words / wpm:.1f}"
    return f"{reading} + {core.timed_minutes:g} mock" if core.timed_minutes else reading


def table(rows: list[tuple[CorePath, float | None]], wpm: float) -> str:
    """The printed table: one line per notebook, then the total of the core paths."""
    head = (f"{'notebook':<30} {'cells':>5} {'words':>6} {'(quiz)':>6} {'read min':>8} {'run s':>6} "
            f"{'total min':>9} {'exercises min':>13}  {'after the workshop min'}")
    lines = [f"reading speed: {wpm:g} words a minute", head, "-" * len(head)]
    total_minutes = 0.0
    for core, seconds in rows:
        minutes = core.reading_minutes(wpm) + (seconds or 0.0) / 60
        total_minutes += minutes
        run = f"{seconds:6.1f}" if seconds is not None else f"{'–':>6}"
        lines.append(f"{core.notebook:<30} {core.cells:>5} {core.words:>6} {core.quiz_words:>6} "
                     f"{core.reading_minutes(wpm):>8.1f} {run} {minutes:>9.1f} {core.exercise_minutes(wpm):>13.1f}  "
                     f"{_practice_cell(core, wpm)}")
    lines.append("-" * len(head))
    lines.append(f"{'all core paths':<30} {sum(c.cells for c, _ in rows):>5} {sum(c.words for c, _ in rows):>6} "
                 f"{sum(c.quiz_words for c, _ in rows):>6} {'':>8} {'':>6} {total_minutes:>9.1f} "
                 f"{sum(c.exercise_minutes(wpm) for c, _ in rows):>13.1f}  "
                 f"{sum(c.practice_minutes(wpm) for c, _ in rows):.1f}")
    lines.append("(after the workshop: practice read at the same speed + the mock section's own clock; never in a core path)")
    return "\n".join(lines)


def markdown_table(rows: list[tuple[CorePath, float | None]], wpm: float) -> str:
    """The same measurements as a markdown table (the facilitator guide quotes it)."""
    lines = [f"| Notebook | Cells | Words read (quiz) | Reading at {wpm:g} wpm | Run | Core path | Exercises (reading) "
             f"| After the workshop (reading + mock) |",
             "|---|---|---|---|---|---|---|---|"]
    for core, seconds in rows:
        run = f"{seconds:.0f} s" if seconds is not None else "–"
        total = core.reading_minutes(wpm) + (seconds or 0.0) / 60
        practice = _practice_cell(core, wpm)
        lines.append(f"| `{core.notebook}` | {core.cells} | {core.words} ({core.quiz_words}) | "
                     f"{core.reading_minutes(wpm):.1f} min | {run} | {total:.1f} min | {core.exercise_minutes(wpm):.1f} min | "
                     f"{practice if practice == '–' else practice + ' min'} |")
    return "\n".join(lines)


def agenda(rows: list[tuple[CorePath, float | None]], wpm: float, *, minutes: int, welcome: int = 2,
           discussion: int = 1) -> str:
    """A workshop agenda in markdown: each notebook's core path, rounded up, plus discussion time.

    Exercises and practice after the workshop are not in it: the last lines list them as homework.
    """
    def clock(m: int) -> str:
        return f"{m // 60}:{m % 60:02d}"

    lines = ["| Time | Notebook | Core path (measured) | Slot |", "|---|---|---|---|",
             f"| {clock(0)}–{clock(welcome)} | welcome, seats running | – | {welcome} min |"]
    start = welcome
    for core, seconds in rows:
        measured = core.reading_minutes(wpm) + (seconds or 0.0) / 60
        slot = math.ceil(measured) + discussion
        lines.append(f"| {clock(start)}–{clock(start + slot)} | `{core.notebook}` | {measured:.1f} min | {slot} min |")
        start += slot
    left = minutes - start
    lines.append(f"| {clock(start)}–{clock(minutes)} | wrap-up, exercises as homework | – | {left} min |" if left >= 0
                 else f"| – | **over by {-left} min**: trim the longest core paths | – | – |")
    homework = [f"exercises {sum(c.exercise_minutes(wpm) for c, _ in rows):.0f} min (reading)"]
    homework += [f"`{c.notebook}` practice after the workshop {_practice_cell(c, wpm)} min" for c, _ in rows
                 if c.practice_words or c.timed_minutes]
    lines.append(f"\nAfter the workshop, not in the agenda: {'; '.join(homework)}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="number prefixes or stems (default: all NN_*.ipynb)")
    parser.add_argument("--wpm", type=float, default=DEFAULT_WPM, help=f"reading speed (default {DEFAULT_WPM})")
    parser.add_argument("--no-run", action="store_true", help="count words only; do not execute the notebooks")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--agenda", type=int, metavar="MINUTES", help="also print a workshop agenda of this length")
    parser.add_argument("--discussion", type=int, default=1, help="minutes added to each notebook's slot (default 1)")
    parser.add_argument("--welcome", type=int, default=2, help="minutes before the first notebook (default 2)")
    args = parser.parse_args(argv)
    if args.wpm <= 0:
        print(f"lesson_timings: --wpm must be positive, got {args.wpm:g}", file=sys.stderr)
        return 2
    from labkit import render
    from labkit.errors import LabkitInputError

    try:
        paths = render.find_notebooks(NOTEBOOKS, args.notebooks or None)
    except LabkitInputError as exc:
        print(f"lesson_timings: {exc}", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="lesson-timings-") as scratch:
        for path in paths:
            seconds, executed = None, None
            if not args.no_run:
                try:
                    result = render.render_notebook(path, Path(scratch))
                except render.RenderError as exc:
                    print(f"lesson_timings: {exc}", file=sys.stderr)
                    return 2
                seconds, executed = result.seconds, json.loads(result.executed.read_text(encoding="utf-8"))
            rows.append((measure_core_path(path, executed), seconds))
            print(f"measured {path.name}", file=sys.stderr)
    print(markdown_table(rows, args.wpm) if args.markdown else table(rows, args.wpm))
    if args.agenda is not None:
        print()
        print(agenda(rows, args.wpm, minutes=args.agenda, welcome=args.welcome, discussion=args.discussion))
    return 0


if __name__ == "__main__":
    sys.exit(main())
