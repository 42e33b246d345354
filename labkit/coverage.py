"""What teaches what: the seed objectives, where each is taught, and the Task 4.1 coverage table.

The coverage table maps every Task 4.1 line and every learning objective to the notebook section
that teaches it. ``SEED_OBJECTIVES`` is that mapping: the objectives exactly as the notebooks'
"Learning objectives" sections state them, each with its Task 4.1 line and the heading of the
section that teaches it (tests/test_coverage.py checks both against the notebooks). ``lab_objectives``
reads the objectives from the notebooks themselves and attaches the seeded sections, so a new or
reworded objective shows up at once, "not mapped yet" until the seed is updated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from labkit.quiz import TASK_4_1, Question, load_questions

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SEED_OBJECTIVES",
    "Objective",
    "coverage_table",
    "lab_objectives",
    "missing_lesson_links",
    "notebook_headings",
    "objective_table",
    "read_objectives",
    "task_for_label",
    "uncovered_tasks",
]


@dataclass(frozen=True)
class Objective:
    """One "you can …" bullet of a notebook, its Task 4.1 line ("" if none) and its section."""

    notebook: str
    text: str
    task: str
    section: str = ""  # the heading (without #) of the section that teaches it; "" = not mapped yet


def _seed(notebook: str, *rows: tuple[str, str, str]) -> tuple[Objective, ...]:
    return tuple(Objective(notebook, text, task, section) for text, task, section in rows)


SEED_OBJECTIVES: tuple[Objective, ...] = (
    *_seed(
        "00_start_here",
        (("say in one line what drift is, tell data drift from concept drift, and name the monitor that watches "
          "each kind of drift"), "4.1.K1", "The idea"),
        ("explain why monitoring should be proactive rather than reactive", "4.1.K3", "The idea"),
        ("say which monitors need ground-truth labels and where each one's results land", "4.1.K2", "The idea"),
        ("check that this environment runs the lab, widgets included", "", "Check your environment"),
        ("move one feature's distribution with a slider and see the drift a monitor would measure", "4.1.S3", "Inject drift"),
    ),
    *_seed(
        "01_data_quality_drift",
        ("say what data drift is and why a monitor needs a baseline", "4.1.K1", "The idea"),
        ("capture endpoint traffic with a sampling percentage, then baseline and schedule a `DefaultModelMonitor` on it",
         "4.1.S1", "The same on SageMaker"),
        (("say what `baseline_drift_check` measures (the Kolmogorov–Smirnov distance, `Simple` or `Robust`) and "
          "change it in `constraints.json`"), "4.1.S3", "What baseline_drift_check measures"),
        (("read `constraint_violations.json` and say what each of the six `constraint_check_type` values checks"),
         "4.1.K2", "Read the violations"),
        ("catch broken inputs (missing values, junk text, stuck sensors, outliers, new categories) in captured traffic",
         "4.1.S2", "Read the violations"),
    ),
    *_seed(
        "02_model_quality_drift",
        (("tell **concept drift** (P(y | X) changes) from **data drift** (P(X) changes) and say which monitor "
          "sees each"), "4.1.K1", "The idea"),
        (("baseline a model's quality (F1, accuracy and AUC for a classifier, MAE and RMSE for a regression), review "
          "the suggested constraints and read the violations"), "4.1.K2", "Run the baseline"),
        (("merge late ground truth with captured predictions and configure a `ModelQualityMonitor` schedule for it, "
          "offsets included"), "4.1.S1", "The same on SageMaker"),
    ),
    *_seed(
        "03_bias_drift",
        (("tell **pre-training bias** (in the data and its labels: CI, DPL, KL …) from **post-training bias** (in the "
          "predictions: DPPL, DI …) and say which kind a drift moves"), "4.1.K1", "Which drift moved which metrics"),
        (("run a bias baseline and a bias drift monitoring execution, with the twin and `ModelBiasMonitor`, and "
          "read `analysis.json` and `constraint_violations.json`"), "4.1.S1", "The same on SageMaker"),
        ("detect a change in one group's outcomes with Clarify's bias metrics while the overall accuracy barely moves",
         "4.1.S3", "Inject drift"),
        (("explain the alert rule (a bootstrap interval C against an allowed range A) and the `bias_metric_<NAME>` "
          "CloudWatch metrics"), "4.1.K2", "One monitoring execution"),
    ),
    *_seed(
        "04_feature_attribution_drift",
        (("say in plain words what a feature attribution is, and what SHAP adds: Shapley values, a baseline row, "
          "additivity"), "4.1.K1", "The idea"),
        ("compute the NDCG score that compares two attribution rankings, and say when Clarify raises a violation",
         "4.1.S3", "AWS's worked example, live"),
        (("run a baseline and a monitoring execution, with the twin and with `ModelExplainabilityMonitor`, and read "
          "`analysis.json`, `constraint_violations.json` and the `feature_<name>` CloudWatch metrics"), "4.1.S1",
         "The same on SageMaker"),
        ("compare the four monitor types by focus, requirement, tool and key metric", "4.1.K2",
         "The four monitors, side by side"),
    ),
    *_seed(
        "05_monitoring_workflow",
        (("write the schedule expressions Model Monitor accepts (hourly, daily, every X hours, `NOW`) and pick "
          "real-time, batch transform or one-off monitoring"), "4.1.S1", "Capture, schedule and executions"),
        (("trace an execution's metric through a CloudWatch alarm (M out of N, `TreatMissingData`) to an EventBridge "
          "rule that retrains the model, and say when the pager goes off"), "4.1.S2", "The alarm and the page"),
        ("name the Machine Learning Lens practices behind monitoring and automated response", "4.1.K3",
         "The Well-Architected Machine Learning Lens"),
        (("compare two production variants with a confidence interval and shift traffic with "
          "`UpdateEndpointWeightsAndCapacities`"), "4.1.S4", "A/B testing with production variants"),
    ),
    *_seed(
        "06_on_sagemaker",
        (("turn on **data capture** for a running endpoint, baseline it with `DefaultModelMonitor.suggest_baseline` "
          "and create an hourly **monitoring schedule** with the SageMaker Python SDK"), "4.1.S1", "Schedule it hourly"),
        (("find an execution's `constraint_violations.json` and its `feature_baseline_drift_<feature>` metric, and put "
          "a CloudWatch alarm on that metric"), "4.1.S2", "The CloudWatch metric and an alarm"),
        ("run the same cells on `labkit.local` or on your own AWS account by changing one parameter", "4.1.S1",
         "Open the account"),
        ("list what keeps costing money while a schedule runs, and clean it up in the right order", "4.1.S1",
         "Clean up"),
    ),
    *_seed(
        "07_exam_review",
        ("choose the monitor for a scenario, say which monitors need ground truth and where each one's results land",
         "4.1.K2", "The four monitors in one table"),
        ("trace a missing report, metric or capture file back to its cause", "4.1.S2", "Where results land"),
        ("read a schedule, its offsets and a data-capture sampling percentage", "4.1.S1",
         "Schedules, offsets and data capture"),
        ("read the Clarify metrics CI, DPL, DPPL and DI and the NDCG threshold of 0.90", "4.1.S3",
         "Clarify metrics at a glance"),
        ("name the Machine Learning Lens best practices that apply to monitoring", "4.1.K3",
         "Design principles for monitoring"),
        ("compare two production variants of an endpoint in an A/B test", "4.1.S4", "A/B testing with production variants"),
        (("tell data drift, concept drift, bias drift and feature attribution drift apart in exam scenarios, "
          "against the clock"), "4.1.K1", "Mock section"),
    ),
)

_BULLET = re.compile(r"^[-*] (?P<text>.*?)(?: \((?:MLA-C01 )?Task 4\.1, \*(?P<label>[^*]+)\*\))?[;.]?$")


def task_for_label(label: str) -> str:
    """The Task 4.1 key whose exam-guide wording starts with ``label`` (notebooks may shorten it)."""
    matches = [key for key, line in TASK_4_1.items() if line.startswith(label.strip())]
    if len(matches) != 1:
        raise ValueError(f"{label!r} names {len(matches)} Task 4.1 lines; expected exactly one")
    return matches[0]


def read_objectives(path: str | Path) -> tuple[Objective, ...]:
    """The bullets of a notebook's "## Learning objectives" cell, each with its Task 4.1 key."""
    path = Path(path)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and "## Learning objectives" in source:
            section = source.split("## Learning objectives", 1)[1].split("\n## ", 1)[0]
            objectives = []
            for line in section.splitlines():
                match = _BULLET.match(line.strip())
                if match:
                    label = match.group("label")
                    task = task_for_label(label) if label else ""
                    objectives.append(Objective(path.stem, match.group("text").strip(), task))
            return tuple(objectives)
    return ()


def notebook_headings(path: str | Path) -> set[str]:
    """The ``##`` and ``###`` headings of a notebook's Markdown cells, as JupyterLab anchors them."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return {m.group(1).strip() for m in re.finditer(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)}


def missing_lesson_links(questions: Iterable[Question], directory: str | Path) -> list[str]:
    """Every question whose ``lesson`` names a notebook or heading that ``directory`` does not have.

    Lesson headings are rewritten over time; this is the check that keeps the exam review's
    "revisit" links (``notebook#heading``) pointing at sections that exist.
    """
    directory, headings, problems = Path(directory), {}, []
    for q in questions:
        if not q.lesson:
            continue
        notebook, _, heading = q.lesson.partition("#")
        path = directory / f"{notebook}.ipynb"
        if not path.exists():
            problems.append(f"{q.id}: no notebook {path.name}")
            continue
        if heading not in headings.setdefault(notebook, notebook_headings(path)):
            problems.append(f"{q.id}: {path.name} has no heading {heading!r}")
    return problems


def lab_objectives(directory: str | Path) -> tuple[Objective, ...]:
    """Every objective the notebooks in ``directory`` state, each with its seeded section.

    The text and task come from the notebook itself; the section comes from ``SEED_OBJECTIVES``
    when the seed has that exact objective, else it is "" (shown as not mapped yet).
    """
    sections = {(o.notebook, o.text): o.section for o in SEED_OBJECTIVES}
    found = []
    for path in sorted(Path(directory).glob("[0-9][0-9]_*.ipynb")):
        found += [replace(o, section=sections.get((o.notebook, o.text), "")) for o in read_objectives(path)]
    return tuple(found)


def objective_table(
    objectives: Iterable[Objective] = SEED_OBJECTIVES, questions: Iterable[Question] | None = None
) -> pd.DataFrame:
    """One row per objective: notebook, objective, Task 4.1 line, section, and bank questions on it.

    A question counts for an objective when it has the same notebook and task tags.
    """
    import pandas as pd

    questions = load_questions() if questions is None else list(questions)
    rows = []
    for o in objectives:
        ids = [q.id for q in questions if q.notebook == o.notebook and o.task and q.task == o.task]
        rows.append({"notebook": o.notebook, "objective": o.text, "task": o.task or "–",
                     "section": o.section or "(not mapped yet)", "questions": len(ids)})
    return pd.DataFrame(rows, columns=["notebook", "objective", "task", "section", "questions"])


def coverage_table(
    objectives: Iterable[Objective] = SEED_OBJECTIVES, questions: Iterable[Question] | None = None
) -> pd.DataFrame:
    """One row per Task 4.1 line: where the lab teaches it, how many bank questions test it, covered?

    A line is covered when at least one objective with a mapped section teaches it and at least
    one bank question is tagged with it.
    """
    import pandas as pd

    objectives, questions = list(objectives), load_questions() if questions is None else list(questions)
    rows = []
    for key, line in TASK_4_1.items():
        taught = [f"{o.notebook} › {o.section}" for o in objectives if o.task == key and o.section]
        n_questions = sum(q.task == key for q in questions)
        rows.append({"task": key, "line": line, "taught in": "; ".join(dict.fromkeys(taught)) or "–",
                     "questions": n_questions, "covered": bool(taught) and n_questions > 0})
    return pd.DataFrame(rows, columns=["task", "line", "taught in", "questions", "covered"])


def uncovered_tasks(objectives: Iterable[Objective] = SEED_OBJECTIVES, questions: Iterable[Question] | None = None) -> list[str]:
    """The Task 4.1 keys that ``coverage_table`` does not mark as covered."""
    table = coverage_table(objectives, questions)
    return table.loc[~table["covered"], "task"].tolist()
