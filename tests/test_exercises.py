"""The exercise registry, its checks and the solutions kept apart from it.

Contexts are built the way notebooks 00–07 build their objects (default parameters, seed 0), so
"the solution passes its check" here is the same statement the papermill run makes, in seconds.
Oracles: the mean shift is recomputed with pandas, DPL with the AWS formula q_a − q_d, NDCG with
AWS's college-admissions example (0.69), offsets with the docs' -PT#H / -P#D spelling.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
from functools import cache
from pathlib import Path

import pytest

from labkit import (
    data_quality,
    drift,
    drift_grid,
    exercises,
    model_bias,
    model_explainability,
    model_quality,
    quiz,
    scenarios,
    simulation,
    solutions,
)

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SEED = 0


@cache
def _credit() -> tuple:
    credit = scenarios.load_scenario("credit", seed=SEED)
    return credit, scenarios.train_model(credit), list(credit.features)


@cache
def _bias_objects() -> tuple:
    credit, model, features = _credit()
    columns = [*credit.numeric_features, "age_group", "default", "prediction"]
    scored = credit.baseline.assign(prediction=model.predict(credit.baseline[features]))[columns]
    baseline = model_bias.suggest_baseline(
        scored, label="default", label_values_or_threshold=[0], facet="age_group",
        facet_values_or_threshold=["18-25"], predicted_label="prediction",
    )  # fmt: skip
    window = scenarios.draw_window("credit", 1_000, seed=SEED + 1)
    return window.assign(prediction=model.predict(window[features]))[columns], baseline


@cache
def _explainability_objects() -> tuple:
    from labkit.widgets.model_explainability import clean_window

    credit, model, _ = _credit()
    baseline = model_explainability.suggest_baseline(
        credit.baseline, model, label=credit.target, seed=SEED
    )
    window = clean_window(credit, 1_000, seed=SEED)
    drifted = drift.move_signal(
        window, credit, "debt_to_income", "credit_history_months", 1.0, seed=SEED
    )
    report = model_explainability.monitor(drifted, baseline, model, seed=SEED)
    return window, baseline, report.analysis.kernel_shap[baseline.label].global_shap_values


def _housing_objects() -> dict:
    housing = scenarios.load_scenario("housing", seed=SEED)
    model = scenarios.train_model(housing)
    suggested = model_quality.suggest_baseline(
        drift_grid.score_window(housing, model, housing.baseline), problem_type="Regression", label="price",
        prediction="prediction",
    )  # fmt: skip
    stats = suggested.statistics.scalar_metrics()
    baseline = drift_grid.review_constraints(
        suggested, {"mae": 0.2 * stats["mae"], "rmse": 0.2 * stats["rmse"]}
    )
    return {"housing": housing, "model": model, "baseline": baseline, "seed": SEED}


@cache
def _workflow_objects() -> dict:
    """Notebook 05's run at its default parameters (three days, sudden drift at hour 30, 2-of-3 alarm)."""
    drift_schedule = simulation.DriftSchedule(30, "sudden")
    alarm = simulation.drift_alarm(drift_schedule.feature, threshold=0.1, evaluation_periods=3,
                                   datapoints_to_alarm=2, treat_missing_data="missing")  # fmt: skip
    result = simulation.simulate(scenarios.load_scenario("credit", seed=SEED), drift=drift_schedule, days=3,
                                 alarm=alarm, outage_hours=(2, 3), seed=SEED)  # fmt: skip
    return {"result": result, "drift": drift_schedule, "threshold": 0.1}


class FakeMonitor:
    """What notebook 06's exercise uses of a DefaultModelMonitor: describe_schedule and
    update_monitoring_schedule (the papermill run drives the real SDK on labkit.local)."""

    def __init__(self, expression: str = "cron(0 * ? * * *)") -> None:
        self.expression = expression

    def describe_schedule(self) -> dict:
        return {"MonitoringScheduleConfig": {"ScheduleConfig": {"ScheduleExpression": self.expression}}}

    def update_monitoring_schedule(self, *, schedule_cron_expression: str) -> None:
        self.expression = schedule_cron_expression


@cache
def context(exercise_id: str) -> dict:
    """The notebook objects an exercise's check takes, as its notebook builds them."""
    if exercise_id == "workflow-strict-alarm":
        return _workflow_objects()
    if exercise_id == "cloud-daily-schedule":
        return {"monitor": FakeMonitor()}
    if exercise_id == "exam-data-drift-monitors":
        return {"seed": SEED}
    credit, model, features = _credit()
    if exercise_id == "start-mean-shift":
        return {"credit": credit, "seed": SEED}
    if exercise_id == "dq-stuck-mid-range":
        sensor = scenarios.load_scenario("sensor", seed=SEED)
        return {
            "sensor": sensor,
            "sensor_baseline": data_quality.suggest_baseline(sensor.baseline),
            "seed": SEED,
        }
    if exercise_id == "dq-comparison-threshold":
        window = drift.shift_mean(credit.window[features], "income", 2.0, seed=SEED)
        return {
            "window": window,
            "baseline": data_quality.suggest_baseline(credit.baseline[features]),
        }
    if exercise_id == "mq-crash-margin":
        return _housing_objects()
    if exercise_id == "mq-offsets":
        return {}
    window, baseline = _bias_objects()
    if exercise_id == "bias-dpl-sign":
        return {"window": window, "seed": SEED}
    if exercise_id == "bias-dppl-first-violation":
        return {"window": window, "baseline": baseline, "facet_group": "18-25", "n_bootstrap": 200,
                "confidence_level": 0.95, "seed": SEED}  # fmt: skip
    x_window, x_baseline, window_shap = _explainability_objects()
    if exercise_id == "attribution-ndcg-by-hand":
        return {"baseline_shap": x_baseline.global_shap_values, "window_shap": window_shap}
    if exercise_id == "attribution-largest-drop":
        return {"window": x_window, "scenario": credit, "model": model, "baseline": x_baseline,
                "from_feature": "debt_to_income", "seed": SEED}  # fmt: skip
    raise KeyError(exercise_id)


IDS = list(exercises.EXERCISES)


# -- the registry and the solutions -------------------------------------------------------------


def test_every_exercise_has_one_solution_and_every_solution_an_exercise() -> None:
    assert set(solutions.SOLUTIONS) == set(exercises.EXERCISES)


@pytest.mark.parametrize("exercise_id", IDS)
def test_a_solution_takes_exactly_the_exercise_params_and_context(exercise_id: str) -> None:
    exercise = exercises.get(exercise_id)
    parameters = inspect.signature(solutions.solution_for(exercise_id)).parameters
    assert set(parameters) == set(exercise.params) | set(exercise.context)
    assert set(context(exercise_id)) == set(exercise.context)


def test_notebooks_00_to_07_have_one_to_three_exercises_each() -> None:
    counts = {stem: len(exercises.for_notebook(stem)) for stem in quiz.NOTEBOOKS[:8]}
    assert all(1 <= n <= 3 for n in counts.values()), counts
    assert {e.notebook for e in exercises.EXERCISES.values()} <= set(quiz.NOTEBOOKS)


def test_the_exercises_package_never_imports_the_solutions() -> None:
    for module in Path(exercises.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {
            f"{n.module}.{a.name}"
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom)
            for a in n.names
        }
        assert not any("solutions" in name for name in imported), module.name


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_solution_passes_its_strict_check(
    exercise_id: str, capsys: pytest.CaptureFixture
) -> None:
    answer = solutions.reveal(exercise_id, **context(exercise_id))
    exercises.check(exercise_id, answer, strict=True, **context(exercise_id))
    printed = capsys.readouterr().out
    assert f"Solution to {exercise_id}:" in printed and "def " in printed  # the source was shown
    assert f"✅ Correct ({exercise_id})" in printed


# -- oracles: the solutions' answers, recomputed another way ------------------------------------


def test_mean_shift_answer_is_the_pandas_mean_change() -> None:
    credit, _, _ = _credit()
    shifted = drift.shift_mean(credit.window, "debt_to_income", -1.5, seed=SEED)["debt_to_income"]
    baseline = credit.baseline["debt_to_income"]
    expected = (shifted.mean() - baseline.mean()) / baseline.std(ddof=0)
    answer = solutions.start_mean_shift(
        feature="debt_to_income", shift_sd=-1.5, **context("start-mean-shift")
    )
    assert math.isclose(answer, expected, abs_tol=1e-12)  # two float summation orders
    assert abs(answer + 1.5) > 0.05  # the lesson: the measured move is not the requested one


def test_dpl_answer_is_q_a_minus_q_d() -> None:
    window, _ = _bias_objects()
    drifted = drift.shift_group_base_rate(window, facet="age_group", group_values=["61+"], target="default",
                                          rate=0.45, seed=SEED)  # fmt: skip
    in_d, repaid = drifted["age_group"] == "61+", drifted["default"] == 0
    answer = solutions.reveal("bias-dpl-sign", **context("bias-dpl-sign"))
    assert math.isclose(answer, repaid[~in_d].mean() - repaid[in_d].mean(), abs_tol=1e-12)


def test_ndcg_check_grades_the_aws_admissions_example() -> None:
    example = {"baseline_shap": {"SAT score": 0.70, "GPA": 0.50, "Class rank": 0.05},
               "window_shap": {"SAT score": 0.10, "GPA": 0.20, "Class rank": 0.70}}  # fmt: skip
    assert exercises.grade("attribution-ndcg-by-hand", 0.7154649 / 1.0404649, **example).correct
    assert exercises.grade(
        "attribution-ndcg-by-hand", 0.6876, **example
    ).correct  # four decimals pass
    assert math.isclose(solutions.attribution_ndcg_by_hand(**example), 0.687640, abs_tol=1e-6)


# -- wrong and missing answers ------------------------------------------------------------------

WRONG = {  # exercise id -> (a wrong answer, words its hint must contain)
    "start-mean-shift": (-1.5, "the shift you asked for"),
    "dq-stuck-mid-range": ({"completeness_check"}, "completeness stays"),
    "dq-comparison-threshold": (0.95, "already below 0.95"),
    "mq-crash-margin": (0.5, "Search upwards"),
    "mq-offsets": (("-PT3H", "-PT2H"), "at least 6 hours"),
    "bias-dpl-sign": (None, "Check the sign"),  # the negated answer, filled in below
    "bias-dppl-first-violation": (0.1, "overlaps"),
    "attribution-ndcg-by-hand": (1.0, "take the gains from baseline_shap"),
    "attribution-largest-drop": ("age", "Run the monitor"),
    "workflow-strict-alarm": (31, "still OK"),  # the hour the notebook's 2-of-3 alarm paged
    "cloud-daily-schedule": ("cron(0 * ? * * *)", "fires at every hour"),  # the notebook's own hourly schedule
    "exam-data-drift-monitors": ({"DataQuality", "ModelQuality"}, "run model_quality.monitor"),
}


@pytest.mark.parametrize("exercise_id", IDS)
def test_a_wrong_answer_fails_with_a_helpful_hint(exercise_id: str) -> None:
    answer, words = WRONG[exercise_id]
    if exercise_id == "bias-dpl-sign":
        answer = -solutions.reveal(exercise_id, **context(exercise_id))
    feedback = exercises.grade(exercise_id, answer, **context(exercise_id))
    assert feedback.status == "incorrect", feedback.as_text()
    assert words in feedback.as_text(), feedback.as_text()
    with pytest.raises(AssertionError, match=exercise_id):
        exercises.check(exercise_id, answer, strict=True, **context(exercise_id))


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (("-PT7H", "-PT6H"), "Correct"),
        (("-PT420M", "-PT360M"), "Correct"),  # minutes are a documented unit
        (("-PT8H", "-PT7H"), "older than needed"),
        (("-PT8H", "-PT6H"), "2 h per execution"),
        (("-PT6H", "-PT7H"), "further back"),
        (("PT7H", "PT6H"), "Write them negative"),
        (("-P1D", "-PT6H"), "18 h per execution"),
        (("7 hours", "-PT6H"), "not an ISO 8601 offset"),
        ("-PT7H", "not a pair"),
    ],
)
def test_offsets_are_read_in_the_docs_spelling(answer, words: str) -> None:
    assert words in exercises.grade("mq-offsets", answer).as_text()


def test_the_strict_alarm_answer_is_the_m_of_n_rule_on_the_timeline() -> None:
    # oracle: notBreaching fills gaps with good values, so 3 of 3 = three breaching datapoints in a row
    timeline = _workflow_objects()["result"].timeline
    breaching = (timeline["alarm_metric"].fillna(0.0) > 0.1).astype(int).rolling(3).sum()
    expected = int(timeline.loc[breaching >= 3, "hour"].min())
    assert solutions.reveal("workflow-strict-alarm", **context("workflow-strict-alarm")) == expected
    assert not exercises.grade(
        "workflow-strict-alarm", expected + 1, **context("workflow-strict-alarm")
    ).correct


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 5 * * *)", "is not supported"),  # five-field cron: Model Monitor's forms have six
        ("cron(0 5/12 ? * * *)", "05:00, 17:00"),
        ("NOW", "once, now"),
    ],
)
def test_a_daily_schedule_is_parsed_as_model_monitor_reads_it(expression: str, words: str) -> None:
    feedback = exercises.grade("cloud-daily-schedule", expression, monitor=FakeMonitor(expression))
    assert not feedback.correct and words in feedback.as_text(), feedback.as_text()


def test_a_daily_schedule_must_be_the_one_the_account_runs() -> None:
    untouched = exercises.grade("cloud-daily-schedule", "cron(0 5 ? * * *)", monitor=FakeMonitor())
    assert not untouched.correct and "still runs cron(0 * ? * * *)" in untouched.as_text()
    assert "update_monitoring_schedule" in untouched.hint
    assert exercises.grade("cloud-daily-schedule", "cron(0 5 ? * * *)", monitor=FakeMonitor("cron(0 5 ? * * *)")).correct


@pytest.mark.parametrize("exercise_id", IDS)
@pytest.mark.parametrize("missing", [..., None])
def test_an_unanswered_exercise_prints_guidance_and_does_not_raise(
    exercise_id, missing, capsys
) -> None:
    exercises.check(exercise_id, missing, **context(exercise_id))
    printed = capsys.readouterr().out
    assert "Not answered yet" in printed and "Replace `...`" in printed
    with pytest.raises(AssertionError, match="Not answered yet"):
        exercises.check(exercise_id, missing, strict=True, **context(exercise_id))


def test_an_answer_of_the_wrong_kind_is_graded_not_raised() -> None:
    feedback = exercises.grade("start-mean-shift", "about -1.4", **context("start-mean-shift"))
    assert feedback.status == "incorrect" and "a float" in feedback.hint
    feedback = exercises.grade(
        "dq-stuck-mid-range", {"stuck_check"}, **context("dq-stuck-mid-range")
    )
    assert feedback.status == "incorrect" and "baseline_drift_check" in feedback.hint


def test_a_missing_notebook_object_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="credit"):
        exercises.grade("start-mean-shift", -1.39, seed=SEED)
    with pytest.raises(KeyError, match="no exercise"):
        exercises.grade("no-such-exercise", 1.0)


# -- the notebooks ask every exercise -----------------------------------------------------------


def _cells(stem: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("stem", quiz.NOTEBOOKS[:8])
def test_each_notebook_declares_reveal_solutions_and_asks_its_exercises(stem: str) -> None:
    cells = _cells(stem)
    parameters = next(
        _text(c) for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])
    )
    assert any(
        line.replace(" ", "").startswith("reveal_solutions=False#")
        for line in parameters.splitlines()
    )
    headings = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                and _text(c).startswith(("## Exercises", "## Key takeaways"))]  # fmt: skip
    assert [_text(cells[i]).split("\n")[0] for i in headings] == [
        "## Exercises",
        "## Key takeaways",
    ]
    section = cells[headings[0] : headings[1]]
    code = "\n".join(_text(c) for c in section if c["cell_type"] == "code")
    imports = next(_text(c) for c in cells if c["cell_type"] == "code" and "import" in _text(c))
    assert "exercises" in imports and "solutions" in imports
    titles = [
        _text(c).split("\n")[0].replace("`", "") for c in section if c["cell_type"] == "markdown"
    ]
    for number, exercise in enumerate(exercises.for_notebook(stem), start=1):
        assert f"### Exercise {number} · {exercise.title}" in titles
        assert (
            f'solutions.reveal(\n        "{exercise.id}"' in code
            or f'solutions.reveal("{exercise.id}"' in code
        )
        assert (
            f'exercises.check(\n    "{exercise.id}", answer' in code
            or f'exercises.check("{exercise.id}", answer' in code
        )
    assert code.count("answer = ...  # your code here") == len(exercises.for_notebook(stem))
    assert code.count("strict=reveal_solutions") == len(exercises.for_notebook(stem))
