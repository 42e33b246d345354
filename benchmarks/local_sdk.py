"""How much does running the SageMaker SDK's own code on labkit.local cost, next to calling the twins?

The same work twice, on the credit scenario with ``--rows`` captured requests an hour:

* **direct**: ``data_quality.suggest_baseline`` on the baseline CSV, then 24 hourly
  ``data_quality.monitor`` calls on the captured hours read from disk, the baseline files read
  and every report written each hour (what ``labkit data-quality monitor --baseline`` does);
* **SDK**: ``DefaultModelMonitor.suggest_baseline`` and ``create_monitoring_schedule`` (hourly),
  then ``advance(hours=24)`` under ``labkit.local.sagemaker()``: 24 executions, each a
  processing job run through the container contract on the local S3, metrics to CloudWatch.

The capture files exist before either timing starts (written by ``labkit.capture`` to disk and to
the local S3); importing the SDK is timed apart, as is opening the local SageMaker and one
InvokeEndpoint with data capture. Each time is the median of ``--repeat`` runs after a warm-up;
the direct and SDK runs alternate, so a busy moment of a shared machine falls on both. The
garbage collector's share of the SDK timing is printed apart: a full collection scans every
object of the process (~500,000 once the SDK, moto and botocore are loaded; 0.3-0.5 s on 2
shared cores) and falls in some runs and not others.
Goal: SDK within 1.5x of direct. Prints a table; asserts nothing.

    python benchmarks/local_sdk.py              # 200 requests an hour, 5 repeats
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HOURS = 24
GOAL_RATIO = 1.5
BUCKET = "bench"
ENDPOINT = "credit-endpoint"


def _data(rows: int):
    """The baseline table (score first, as captured) and 24 hours of capture records."""
    from labkit import capture, scenarios
    from labkit.local import DEFAULT_START

    credit = scenarios.load_scenario("credit", seed=0)
    model = scenarios.train_model(credit)
    features = list(credit.features)
    baseline = credit.baseline[features].copy()
    baseline.insert(0, "score", model.predict_proba(baseline)[:, 1])
    records = []
    for hour in range(HOURS):
        window = scenarios.draw_window("credit", rows, seed=100 + hour)[features]
        if hour >= HOURS // 2:
            window["income"] = window["income"] * 1.5  # drift in the second half of the day
        start = DEFAULT_START + timedelta(hours=hour)
        records += capture.capture_requests(window, model.predict_proba(window)[:, 1], start_time=start,
                                            sampling_percentage=100, seed=hour)  # fmt: skip
    return baseline, records, model, features


def direct(baseline, capture_root: Path, out: Path) -> None:
    """The twins called directly: baseline, then one monitor call per captured hour."""
    from labkit import capture, data_quality
    from labkit.csvfiles import read_csv_text
    from labkit.local import DEFAULT_START

    path = out / "train.csv"
    baseline.to_csv(path, index=False)
    data_quality.suggest_baseline(read_csv_text(path)).to_json(out / "baseline")
    for hour in range(HOURS):  # as `labkit data-quality monitor --baseline`: the files read each hour
        statistics = data_quality.Statistics.from_json(out / "baseline" / "statistics.json")
        constraints = data_quality.Constraints.from_json(out / "baseline" / "constraints.json")
        names = statistics.names
        start = DEFAULT_START + timedelta(hours=hour)
        read = capture.read_capture(capture_root, start=start, end=start + timedelta(hours=1))
        window, _ = capture.records_to_frame(read.records, names[1:], include_output=True, output_columns=names[:1])
        report = data_quality.monitor(window, statistics, constraints)
        report.to_json(out / f"hour-{hour:02d}")
        report.cloudwatch_metrics(endpoint=ENDPOINT, schedule="direct", timestamp=start, batch=False)


class CollectorTime:
    """Seconds the garbage collector ran since ``reset`` (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds, self._started = 0.0, 0.0
        gc.callbacks.append(self._on_collect)

    def reset(self) -> None:
        self.seconds = 0.0

    def _on_collect(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def through_sdk(baseline, records, collector: CollectorTime | None = None) -> tuple[float, float, float]:
    """Seconds to open the local SageMaker and load the capture, seconds of SDK work, and the
    garbage collector's seconds within the SDK work (0 without ``collector``)."""
    import labkit.local
    from labkit import capture

    opened = time.perf_counter()
    with labkit.local.sagemaker() as aws:
        from sagemaker.core.model_monitor import CronExpressionGenerator, DefaultModelMonitor
        from sagemaker.core.model_monitor.dataset_format import DatasetFormat

        s3 = aws.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        _endpoint(aws)
        with tempfile.TemporaryDirectory() as tmp:
            for path in capture.write_capture(records, tmp, endpoint=ENDPOINT):
                s3.put_object(Bucket=BUCKET, Key=f"capture/{path.relative_to(tmp).as_posix()}", Body=path.read_bytes())
        s3.put_object(Bucket=BUCKET, Key="baseline/train.csv", Body=baseline.to_csv(index=False).encode())
        session = aws.session
        if collector is not None:
            collector.reset()
        started = time.perf_counter()
        monitor = DefaultModelMonitor(role="arn:aws:iam::123456789012:role/bench", instance_count=1,
                                      instance_type="ml.m5.xlarge", sagemaker_session=session)  # fmt: skip
        monitor.suggest_baseline(baseline_dataset=f"s3://{BUCKET}/baseline/train.csv",
                                 dataset_format=DatasetFormat.csv(header=True),
                                 output_s3_uri=f"s3://{BUCKET}/baseline-results", wait=True, logs=False)  # fmt: skip
        monitor.create_monitoring_schedule(
            endpoint_input=ENDPOINT, output_s3_uri=f"s3://{BUCKET}/reports", statistics=monitor.baseline_statistics(),
            constraints=monitor.suggested_constraints(), schedule_cron_expression=CronExpressionGenerator.hourly(),
            enable_cloudwatch_metrics=True,
        )  # fmt: skip
        executions = aws.advance(hours=HOURS, minutes=20)
        done = time.perf_counter()
        collected = collector.seconds if collector is not None else 0.0
        statuses = {e["MonitoringExecutionStatus"] for e in executions}
        if len(executions) != HOURS or statuses - {"Completed", "CompletedWithViolations"}:
            raise SystemExit(f"unexpected executions: {len(executions)} {statuses}")
    return started - opened, done - started, collected


def _endpoint(aws, model=None) -> None:
    sm = aws.client("sagemaker")
    if model is not None:
        aws.register_model("credit-model", model)
    sm.create_model(ModelName="credit-model", ExecutionRoleArn="arn:aws:iam::123456789012:role/bench",
                    PrimaryContainer={"Image": "local"})  # fmt: skip
    sm.create_endpoint_config(EndpointConfigName="cfg", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": "credit-model", "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}],
        DataCaptureConfig={"InitialSamplingPercentage": 100, "DestinationS3Uri": f"s3://{BUCKET}/capture",
                           "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                           "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"]}})  # fmt: skip
    sm.create_endpoint(EndpointName=ENDPOINT, EndpointConfigName="cfg")


def invoke_cost(model, features, n: int = 50) -> float:
    """Seconds per InvokeEndpoint (scikit-learn pipeline, one row, data capture on)."""
    import labkit.local
    from labkit import scenarios

    lines = scenarios.draw_window("credit", n, seed=7)[features].to_csv(header=False, index=False).splitlines()
    with labkit.local.sagemaker() as aws:
        aws.client("s3").create_bucket(Bucket=BUCKET)
        _endpoint(aws, model)
        runtime = aws.client("sagemaker-runtime")
        started = time.perf_counter()
        for line in lines:
            runtime.invoke_endpoint(EndpointName=ENDPOINT, ContentType="text/csv", Body=line)
        return (time.perf_counter() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200, help="captured requests an hour")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import labkit.local  # noqa: F401  (light: no AWS library)

    started = time.perf_counter()
    import sagemaker.core.model_monitor  # noqa: F401

    sdk_import = time.perf_counter() - started
    baseline, records, model, features = _data(args.rows)
    from labkit import capture

    collector = CollectorTime()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "capture"
        capture.write_capture(records, root, endpoint=ENDPOINT)

        def run_direct() -> float:
            with tempfile.TemporaryDirectory() as out:
                begun = time.perf_counter()
                direct(baseline, root / ENDPOINT, Path(out))
                return time.perf_counter() - begun

        run_direct(), through_sdk(baseline, records)  # warm-up
        runs = [(run_direct(), through_sdk(baseline, records, collector)) for _ in range(args.repeat)]  # alternating
    direct_s = statistics.median(d for d, _ in runs)
    open_s, sdk_s, collected_s = (statistics.median(s[i] for _, s in runs) for i in range(3))
    rows = [
        ("import sagemaker.core.model_monitor (not counted)", sdk_import),
        ("open labkit.local.sagemaker() + load 24 h of capture into S3 (not counted)", open_s),
        (f"direct twins: suggest_baseline + {HOURS} hourly monitor calls ({args.rows} rows/h)", direct_s),
        (f"SDK on labkit.local: suggest_baseline + schedule + {HOURS} hourly executions", sdk_s),
        ("  of which garbage collection (median)", collected_s),
        ("InvokeEndpoint with data capture, per request (scikit-learn pipeline)", invoke_cost(model, features)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:.3f}")
    ratio = sdk_s / direct_s
    print(f"{'SDK / direct (goal <= ' + str(GOAL_RATIO) + ')':<{width}}  ratio {ratio:.2f} {'ok' if ratio <= GOAL_RATIO else 'MISSED'}")


if __name__ == "__main__":
    main()
