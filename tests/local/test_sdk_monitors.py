"""The SageMaker Python SDK's own monitoring code, unchanged, on the local SageMaker.

Each test writes what the AWS documentation writes for one monitor (deploy with data capture,
suggest a baseline, schedule it, send traffic, wait for the execution, read the reports back) and
runs it under ``labkit.local.sagemaker()`` with the real processing-job twins
(``labkit.analyzer.run_job``). No network, no Docker.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import labkit.local
from labkit import scenarios

from .conftest import BUCKET, ENDPOINT, MODEL, ROLE, deploy, invoke_rows, s3_keys, s3_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
FEATURES = ["age", "income", "debt_to_income", "credit_history_months", "open_accounts", "loan_amount"]


def _credit(n: int, seed: int) -> pd.DataFrame:
    """The credit scenario's numeric features and label (Clarify's jobs score every row: kept small)."""
    return scenarios.draw_window("credit", n, seed=seed)[[*FEATURES, "default"]]


def _upload(aws, key: str, frame: pd.DataFrame) -> str:
    aws.client("s3").put_object(Bucket=BUCKET, Key=key, Body=frame.to_csv(index=False).encode())
    return f"s3://{BUCKET}/{key}"


def _upload_labels(aws, labels: dict[str, int]) -> None:
    """Ground truth as the AWS examples upload it: one JSON line per inference, in the hour folder."""
    lines = [json.dumps({"groundTruthData": {"data": str(v), "encoding": "CSV"},
                         "eventMetadata": {"eventId": k}, "eventVersion": "0"}) for k, v in labels.items()]  # fmt: skip
    key = f"ground-truth/{aws.now:%Y/%m/%d/%H}/labels.jsonl"
    aws.client("s3").put_object(Bucket=BUCKET, Key=key, Body=("\n".join(lines) + "\n").encode())


def test_default_model_monitor_schedule_finds_data_drift(credit, credit_model):
    from sagemaker.core.model_monitor import CronExpressionGenerator, DefaultModelMonitor
    from sagemaker.core.model_monitor.dataset_format import DatasetFormat

    features = list(credit.features)
    baseline = credit.baseline[features].copy()
    baseline.insert(0, "score", credit_model.predict_proba(baseline)[:, 1])  # captured output first
    with labkit.local.sagemaker() as aws:
        aws.client("s3").create_bucket(Bucket=BUCKET)
        deploy(aws, credit_model)
        monitor = DefaultModelMonitor(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge",
                                      volume_size_in_gb=20, max_runtime_in_seconds=3600, sagemaker_session=aws.session)  # fmt: skip
        monitor.suggest_baseline(baseline_dataset=_upload(aws, "baseline/train.csv", baseline),
                                 dataset_format=DatasetFormat.csv(header=True),
                                 output_s3_uri=f"s3://{BUCKET}/baseline-results", wait=True, logs=False)  # fmt: skip
        assert monitor.describe_latest_baselining_job()["ProcessingJobStatus"] == "Completed"
        assert "income" in {f["name"] for f in monitor.suggested_constraints().body_dict["features"]}
        monitor.create_monitoring_schedule(
            monitor_schedule_name="credit-data-quality", endpoint_input=ENDPOINT,
            output_s3_uri=f"s3://{BUCKET}/reports", statistics=monitor.baseline_statistics(),
            constraints=monitor.suggested_constraints(), schedule_cron_expression=CronExpressionGenerator.hourly(),
            enable_cloudwatch_metrics=True,
        )  # fmt: skip
        assert monitor.describe_schedule()["MonitoringScheduleStatus"] == "Scheduled"
        cloudwatch = aws.client("cloudwatch")
        cloudwatch.put_metric_alarm(
            AlarmName="income-drift", Namespace="aws/sagemaker/Endpoints/data-metrics",
            MetricName="feature_baseline_drift_income", Statistic="Maximum", Period=3600, EvaluationPeriods=1,
            Dimensions=[{"Name": "Endpoint", "Value": ENDPOINT}, {"Name": "MonitoringSchedule", "Value": "credit-data-quality"},
                        {"Name": "Feature", "Value": "income"}],
            Threshold=0.1, ComparisonOperator="GreaterThanThreshold",
        )  # fmt: skip
        window = scenarios.draw_window("credit", 120, seed=5)[features]
        window["income"] = window["income"] * 3  # the drift the schedule must find
        invoke_rows(aws, window)

        started = aws.advance(hours=1, minutes=30)

        assert [e["MonitoringExecutionStatus"] for e in started] == ["CompletedWithViolations"]
        execution = monitor.list_executions()[-1]
        assert execution.describe()["ExitMessage"].startswith("CompletedWithViolations: Job completed successfully with")
        violations = monitor.latest_monitoring_constraint_violations().body_dict["violations"]
        assert ("income", "baseline_drift_check") in {(v["feature_name"], v["constraint_check_type"]) for v in violations}
        statistics = monitor.latest_monitoring_statistics().body_dict
        assert statistics["dataset"]["item_count"] == 120
        report = execution.output.s3_output.s3_uri
        assert report == f"s3://{BUCKET}/reports/{ENDPOINT}/credit-data-quality/2024/05/01/13"
        assert {k.rsplit("/", 1)[-1] for k in s3_keys(aws, "reports/")} >= {"statistics.json", "constraint_violations.json"}
        metrics = cloudwatch.list_metrics(Namespace="aws/sagemaker/Endpoints/data-metrics")["Metrics"]
        named = {(m["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"]))) for m in metrics}
        assert ("feature_baseline_drift_income",
                (("Endpoint", ENDPOINT), ("Feature", "income"), ("MonitoringSchedule", "credit-data-quality"))) in named
        aws.advance(hours=1)  # the alarm's next evaluation sees the execution's datapoint
        assert cloudwatch.describe_alarms(AlarmNames=["income-drift"])["MetricAlarms"][0]["StateValue"] == "ALARM"


def test_model_quality_monitor_merges_ground_truth_from_s3(credit, credit_model):
    from sagemaker.core.model_monitor import CronExpressionGenerator, EndpointInput, ModelQualityMonitor
    from sagemaker.core.model_monitor.dataset_format import DatasetFormat

    features = list(credit.features)
    scores = credit_model.predict_proba(credit.baseline[features])[:, 1]
    baseline = pd.DataFrame({"prediction": (scores > 0.5).astype(int), "probability": scores,
                             "label": credit.baseline["default"].to_numpy()})  # fmt: skip
    with labkit.local.sagemaker() as aws:
        aws.client("s3").create_bucket(Bucket=BUCKET)
        deploy(aws, credit_model)
        monitor = ModelQualityMonitor(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge",
                                      volume_size_in_gb=20, max_runtime_in_seconds=1800, sagemaker_session=aws.session)  # fmt: skip
        monitor.suggest_baseline(
            baseline_dataset=_upload(aws, "mq/baseline.csv", baseline), dataset_format=DatasetFormat.csv(header=True),
            output_s3_uri=f"s3://{BUCKET}/mq/baseline-results", problem_type="BinaryClassification",
            inference_attribute="prediction", probability_attribute="probability", ground_truth_attribute="label",
            wait=True, logs=False,
        )  # fmt: skip
        constraints = monitor.suggested_constraints()
        assert "binary_classification_constraints" in constraints.body_dict
        monitor.create_monitoring_schedule(
            monitor_schedule_name="credit-model-quality",
            endpoint_input=EndpointInput(endpoint_name=ENDPOINT, destination="/opt/ml/processing/input_data",
                                         probability_attribute="0", probability_threshold_attribute=0.5),
            ground_truth_input=f"s3://{BUCKET}/ground-truth", problem_type="BinaryClassification",
            output_s3_uri=f"s3://{BUCKET}/mq/reports", constraints=constraints,
            schedule_cron_expression=CronExpressionGenerator.hourly(), enable_cloudwatch_metrics=True,
        )  # fmt: skip
        window = scenarios.draw_window("credit", 150, seed=6, concept_shift=3.0)
        ids = [f"order-{i:04d}" for i in range(len(window))]
        for i, inference_id in enumerate(ids):
            invoke_rows(aws, window[features].iloc[[i]], InferenceId=inference_id)
        _upload_labels(aws, dict(zip(ids, window["default"].astype(int))))

        started = aws.advance(hours=1, minutes=30)

        assert [e["MonitoringExecutionStatus"] for e in started] in (["Completed"], ["CompletedWithViolations"])
        statistics = monitor.latest_monitoring_statistics().body_dict
        assert statistics["dataset"]["item_count"] == 150  # every capture found its label
        assert "binary_classification_metrics" in statistics
        merged = s3_keys(aws, f"mq/reports/merge/{ENDPOINT}/AllTraffic/2024/05/01/12/")
        assert merged, "the merge job writes the merged hour under <output>/merge/<endpoint>/<variant>/"
        first = json.loads(s3_text(aws, f"s3://{BUCKET}/{merged[0]}").splitlines()[0])
        assert first["eventMetadata"]["inferenceId"].startswith("order-") and "groundTruthData" in first
        jobs = aws.client("sagemaker").list_processing_jobs(MaxResults=100)["ProcessingJobSummaries"]
        assert sum(j["ProcessingJobName"].startswith("groundtruth-merge-") for j in jobs) == 1
        names = {m["MetricName"] for m in aws.client("cloudwatch").list_metrics(Namespace="aws/sagemaker/Endpoints/model-metrics")["Metrics"]}
        assert {"accuracy", "recall", "auc"} <= names


def _clarify_setup(aws):
    """A numeric credit model deployed with capture, its training data in S3, Clarify's configs."""
    from sagemaker.core.clarify import DataConfig, ModelConfig

    train = _credit(300, 0)
    model = LogisticRegression(max_iter=500).fit(train[FEATURES], train["default"])
    aws.client("s3").create_bucket(Bucket=BUCKET)
    deploy(aws, model)
    data_config = DataConfig(s3_data_input_path=_upload(aws, "clarify/train.csv", train),
                             s3_output_path=f"s3://{BUCKET}/clarify/baseline", label="default",
                             headers=[*FEATURES, "default"], dataset_type="text/csv")  # fmt: skip
    model_config = ModelConfig(model_name=MODEL, instance_type="ml.m5.xlarge", instance_count=1,
                               content_type="text/csv", accept_type="text/csv")  # fmt: skip
    return model, data_config, model_config


def _suggest_baseline_despite_the_sdk(aws, suggest) -> str:
    """Run a Clarify monitor's ``suggest_baseline``; return the baselining job's analysis.json URI.

    sagemaker 3.27's ModelBiasMonitor and ModelExplainabilityMonitor submit the Clarify job, then
    fail building ``ClarifyBaseliningJob`` from the v3 ``ProcessingJob`` (which has no
    ``sagemaker_session``): an SDK bug that AWS would show the same way. The job itself ran, so
    the schedule is created from its analysis.json and an explicit analysis config.
    """
    with pytest.raises(AttributeError, match="sagemaker_session"):
        suggest()
    jobs = aws.client("sagemaker").list_processing_jobs(SortBy="CreationTime", SortOrder="Descending")["ProcessingJobSummaries"]
    job = aws.client("sagemaker").describe_processing_job(ProcessingJobName=jobs[0]["ProcessingJobName"])
    assert job["ProcessingJobStatus"] == "Completed", job.get("FailureReason")
    assert job["AppSpecification"]["ImageUri"].endswith("/sagemaker-clarify-processing:1.0")
    return job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] + "/analysis.json"


def _latest_violations(monitor) -> list[dict]:
    """The latest execution's violations. sagemaker 3.27's ClarifyModelMonitor.list_executions
    (and so latest_monitoring_constraint_violations) reads ``execution.job_name``, which v3's
    MonitoringExecution lacks; the base class's list_executions works."""
    from sagemaker.core.model_monitor import ModelMonitor

    with pytest.raises(AttributeError, match="job_name"):
        monitor.latest_monitoring_constraint_violations()
    return ModelMonitor.list_executions(monitor)[-1].constraint_violations().body_dict["violations"]


def test_model_bias_monitor_baseline_calls_the_shadow_endpoint_and_drift_is_found():
    from sagemaker.core.clarify import BiasConfig, ModelPredictedLabelConfig
    from sagemaker.core.model_monitor import BiasAnalysisConfig, CronExpressionGenerator, EndpointInput, ModelBiasMonitor

    with labkit.local.sagemaker() as aws:
        model, data_config, model_config = _clarify_setup(aws)
        bias_config = BiasConfig(label_values_or_threshold=[0], facet_name="age", facet_values_or_threshold=[40])
        monitor = ModelBiasMonitor(role=ROLE, sagemaker_session=aws.session, max_runtime_in_seconds=1800)
        baseline = _suggest_baseline_despite_the_sdk(aws, lambda: monitor.suggest_baseline(
            data_config=data_config, bias_config=bias_config, model_config=model_config,
            model_predicted_label_config=ModelPredictedLabelConfig(probability_threshold=0.5)))  # fmt: skip
        analysis = json.loads(s3_text(aws, baseline))
        assert "post_training_bias_metrics" in analysis  # the shadow endpoint scored every row
        monitor.create_monitoring_schedule(
            analysis_config=BiasAnalysisConfig(bias_config, headers=[*FEATURES, "default"], label="default"),
            constraints=baseline,
            endpoint_input=EndpointInput(endpoint_name=ENDPOINT, destination="/opt/ml/processing/input/endpoint",
                                         start_time_offset="-PT1H", end_time_offset="-PT0H",
                                         probability_threshold_attribute=0.5),
            ground_truth_input=f"s3://{BUCKET}/ground-truth", output_s3_uri=f"s3://{BUCKET}/bias/reports",
            schedule_cron_expression=CronExpressionGenerator.hourly(),
        )  # fmt: skip
        window = _credit(160, 3)
        window.loc[window["age"] > 40, "default"] = 0  # the older group stops defaulting: bias drift
        ids = [f"loan-{i}" for i in range(len(window))]
        for i, inference_id in enumerate(ids):
            invoke_rows(aws, window[FEATURES].iloc[[i]], InferenceId=inference_id)
        _upload_labels(aws, dict(zip(ids, window["default"])))

        started = aws.advance(hours=1, minutes=30)

        assert [e["MonitoringExecutionStatus"] for e in started] == ["CompletedWithViolations"], [e.get("FailureReason") for e in started]
        violations = _latest_violations(monitor)
        assert {v["constraint_check_type"] for v in violations} == {"bias_drift_check"}
        assert {v["facet"] for v in violations} == {"age"}
        namespaces = {m["Namespace"] for m in aws.client("cloudwatch").list_metrics()["Metrics"]}
        assert "aws/sagemaker/Endpoints/bias-metrics" in namespaces


def test_model_explainability_monitor_finds_attribution_drift():
    from sagemaker.core.clarify import SHAPConfig
    from sagemaker.core.model_monitor import CronExpressionGenerator, ExplainabilityAnalysisConfig, ModelExplainabilityMonitor

    with labkit.local.sagemaker() as aws:
        model, data_config, model_config = _clarify_setup(aws)
        medians = [41, 54_500, 0.207, 159.5, 4, 15_550]  # the training data's, in FEATURES order
        shap_config = SHAPConfig(baseline=[medians], num_samples=64, agg_method="mean_abs", seed=0)
        monitor = ModelExplainabilityMonitor(role=ROLE, sagemaker_session=aws.session, max_runtime_in_seconds=1800)
        baseline = _suggest_baseline_despite_the_sdk(aws, lambda: monitor.suggest_baseline(
            data_config=data_config, explainability_config=shap_config, model_config=model_config))  # fmt: skip
        monitor.create_monitoring_schedule(
            analysis_config=ExplainabilityAnalysisConfig(shap_config, model_config, headers=FEATURES, label_headers=["default"]),
            constraints=baseline, endpoint_input=ENDPOINT, output_s3_uri=f"s3://{BUCKET}/shap/reports",
            schedule_cron_expression=CronExpressionGenerator.hourly(),
        )  # fmt: skip
        window = _credit(40, 4)
        window[FEATURES[1:]] = medians[1:]  # every feature but age stops varying; age, the weakest
        window["age"] = window["age"] * 40  # in the baseline, varies a lot: the ranking turns over
        invoke_rows(aws, window[FEATURES])

        started = aws.advance(hours=1, minutes=30)

        assert [e["MonitoringExecutionStatus"] for e in started] == ["CompletedWithViolations"], [e.get("FailureReason") for e in started]
        violations = _latest_violations(monitor)
        assert [v["constraint_check_type"] for v in violations] == ["feature_attribution_drift_check"]
        namespaces = {m["Namespace"] for m in aws.client("cloudwatch").list_metrics()["Metrics"]}
        assert "aws/sagemaker/Endpoints/explainability-metrics" in namespaces
