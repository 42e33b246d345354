"""Notebook 05 runs with non-default parameters; the files it writes say what the parameters asked for.

One papermill run (no widgets): 2 days, a gradual drift from hour 20, a 3-of-4 alarm treating
missing data as notBreaching, threshold 0.15. The assertions read output_dir, not printed text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import papermill as pm
import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "05_monitoring_workflow.ipynb"
PARAMETERS = {
    "seed": 2, "days": 2, "drift_onset_hour": 20, "drift_shape": "gradual", "datapoints_to_alarm": 3,
    "evaluation_periods": 4, "treat_missing_data": "notBreaching", "threshold": 0.15, "use_widgets": False,
}  # fmt: skip


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("papermill_05")
    pm.execute_notebook(
        str(NOTEBOOK), str(tmp / "05.ipynb"), parameters={**PARAMETERS, "output_dir": str(tmp / "outputs")},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip
    return tmp / "outputs"


def test_the_alarm_file_holds_the_parameters(out):
    alarm = json.loads((out / "alarm.json").read_text())
    assert (
        alarm["DatapointsToAlarm"],
        alarm["EvaluationPeriods"],
        alarm["TreatMissingData"],
        alarm["Threshold"],
    ) == (3, 4, "notBreaching", 0.15)
    assert alarm["Period"] == 3600 and alarm["AlarmActions"][0].startswith("arn:aws:sns:")


def test_the_page_is_where_3_of_4_datapoints_first_breach(out):
    timeline = pd.read_csv(out / "timeline.csv", parse_dates=["scheduled_time", "window_start"])
    assert (
        len(timeline) == 48
        and timeline.loc[timeline["hour"].isin([2, 3]), "data_quality_status"].eq("Failed").all()
    )
    real = timeline.dropna(subset=["alarm_metric"])
    hits = (real["alarm_metric"] > 0.15).astype(int).rolling(4).sum()
    expected = real.loc[hits >= 3, "scheduled_time"].min()
    assert timeline.loc[timeline["paged"], "scheduled_time"].min() == expected
    assert expected - timeline["window_start"].iloc[20] >= pd.Timedelta(
        hours=3
    )  # a gradual drift needs hours to show
    history = json.loads((out / "alarm_history.json").read_text())["AlarmHistoryItems"]
    assert "Alarm updated from OK to ALARM" in [item["HistorySummary"] for item in history]
    sent = json.loads((out / "events.json").read_text())
    assert {e["detail-type"] for e in sent} == {"CloudWatch Alarm State Change"}


def test_reports_follow_the_schedules_and_the_quizzes_start_unanswered(out):
    reports = out / "reports" / "credit-endpoint"
    hours = sorted(
        p.parent.relative_to(reports / "data-quality-hourly").as_posix()
        for p in (reports / "data-quality-hourly").rglob("statistics.json")
    )
    # 48 executions, 2 failed for lack of data
    assert len(hours) == 46 and hours[0] == "2024/05/01/01"
    printed = _printed(out.parent / "05.ipynb")
    assert "Q1. When did the alarm's SNS action page" in printed
    assert "← your choice" not in printed and "Answer:" not in printed


def _printed(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join(
        "".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])
    )


DEEPER = NOTEBOOK.parent / "deeper" / "05_batch_now_and_ab_statistics.ipynb"


def test_the_deeper_notebook_monitors_a_batch_job_and_runs_now_once(tmp_path):
    pm.execute_notebook(
        str(DEEPER), str(tmp_path / "05b.ipynb"), parameters={"seed": 3, "use_widgets": False, "output_dir": str(tmp_path / "out")},
        kernel_name="python3", cwd=str(DEEPER.parent), progress_bar=False,
    )  # fmt: skip
    batch = tmp_path / "out" / "batch" / "reports" / "nightly-batch-quality" / "2024" / "05" / "04" / "03"
    assert (batch / "constraint_violations.json").exists()
    assert json.loads((batch / "statistics.json").read_text())["dataset"]["item_count"] == 500
    now = list((tmp_path / "out" / "now").rglob("statistics.json"))
    assert len(now) == 1 and json.loads(now[0].read_text())["dataset"]["item_count"] == 600
