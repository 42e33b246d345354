"""Models, endpoints and InvokeEndpoint: the registered predictor answers, data capture lands in S3."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from botocore.exceptions import ClientError

import labkit.local
from labkit import capture, scenarios
from labkit.model_explainability import save_model

from .conftest import BUCKET, ENDPOINT, MODEL, ROLE, deploy, invoke_rows, s3_keys, s3_text

CAPTURED = f"data-capture/{ENDPOINT}/AllTraffic/"


def _records(aws) -> list[capture.CaptureRecord]:
    keys = [k for k in s3_keys(aws, CAPTURED) if k.endswith(".jsonl")]
    lines = [line for k in keys for line in s3_text(aws, f"s3://{BUCKET}/{k}").splitlines()]
    return [capture.CaptureRecord.from_dict(json.loads(line)) for line in lines]


def test_the_registered_estimator_answers_with_its_scores(aws, credit, credit_model):
    deploy(aws, credit_model)
    rows = scenarios.draw_window("credit", 4, seed=2)[list(credit.features)]
    answers = invoke_rows(aws, rows)
    expected = credit_model.predict_proba(rows)[:, 1]
    assert np.allclose([float(a) for a in answers], expected, rtol=0, atol=1e-12)
    described = aws.client("sagemaker").describe_endpoint(EndpointName=ENDPOINT)
    assert described["EndpointStatus"] == "InService"
    assert described["DataCaptureConfig"]["CaptureStatus"] == "Started"


def test_capture_reaches_s3_when_the_clock_moves_in_the_hour_layout(aws, credit, credit_model):
    deploy(aws, credit_model)
    rows = scenarios.draw_window("credit", 3, seed=2)[list(credit.features)]
    invoke_rows(aws, rows.iloc[:2], InferenceId="order-1")
    invoke_rows(aws, rows.iloc[2:])
    assert s3_keys(aws, CAPTURED) == []  # delivered "a couple of minutes" later, as on AWS
    aws.advance(minutes=2)
    keys = s3_keys(aws, CAPTURED)
    assert len(keys) == 1 and keys[0].startswith(f"{CAPTURED}2024/05/01/12/00-00-000-") and keys[0].endswith(".jsonl")
    records = _records(aws)
    assert [r.inference_id for r in records] == ["order-1", "order-1", None]
    first = json.loads(s3_text(aws, f"s3://{BUCKET}/{keys[0]}").splitlines()[0])
    assert list(first) == ["captureData", "eventMetadata", "eventVersion"]
    assert first["captureData"]["endpointInput"] == {
        "observedContentType": "text/csv", "mode": "INPUT", "encoding": "CSV",
        "data": rows.iloc[:1].to_csv(header=False, index=False).strip(),
    }  # fmt: skip
    assert first["captureData"]["endpointOutput"]["encoding"] == "CSV"
    assert first["eventMetadata"]["inferenceTime"] == "2024-05-01T12:00:00Z"


def test_sampling_percentage_is_a_seeded_draw_per_request(credit, credit_model):
    rows = scenarios.draw_window("credit", 120, seed=2)[list(credit.features)]

    def captured(seed: int) -> list[str]:
        with labkit.local.sagemaker(seed=seed) as aws:
            aws.client("s3").create_bucket(Bucket=BUCKET)
            deploy(aws, credit_model, sampling=30)
            invoke_rows(aws, rows)
            aws.advance(minutes=5)
            return [r.event_id for r in _records(aws)]

    first, again, other = captured(0), captured(0), captured(1)
    assert first == again
    assert first != other
    assert 20 <= len(first) <= 50  # 30 % of 120 requests; the draw is seeded, so exact below
    import zlib

    draws = np.random.default_rng([0, zlib.crc32(ENDPOINT.encode())])
    expected = 0
    for _ in range(len(rows)):
        if capture.sampled(1, 30, draws)[0]:
            expected += 1
            draws.bytes(16)  # the event id of a captured request
    assert len(first) == expected


def test_capture_without_content_type_lists_is_base64_and_modes_choose_the_sides(aws, credit, credit_model):
    deploy(aws, credit_model, csv_types=False, modes=("Input",))
    rows = scenarios.draw_window("credit", 1, seed=2)[list(credit.features)]
    invoke_rows(aws, rows)
    aws.advance(minutes=1)
    (record,) = _records(aws)
    assert record.output is None
    assert record.input.encoding == "BASE64"
    assert base64.b64decode(record.input.data).decode() == rows.to_csv(header=False, index=False).strip()


def test_update_endpoint_turns_capture_on(aws, credit, credit_model):
    deploy(aws, credit_model, capture=False)
    sm = aws.client("sagemaker")
    assert "DataCaptureConfig" not in sm.describe_endpoint(EndpointName=ENDPOINT)
    sm.create_endpoint_config(
        EndpointConfigName="with-capture",
        ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": MODEL, "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}],
        DataCaptureConfig={"InitialSamplingPercentage": 100, "DestinationS3Uri": f"s3://{BUCKET}/data-capture",
                           "CaptureOptions": [{"CaptureMode": "InputAndOutput"}]},
    )  # fmt: skip
    sm.update_endpoint(EndpointName=ENDPOINT, EndpointConfigName="with-capture")
    invoke_rows(aws, scenarios.draw_window("credit", 2, seed=2)[list(credit.features)])
    aws.advance(minutes=1)
    assert len(_records(aws)) == 2
    assert sm.describe_endpoint(EndpointName=ENDPOINT)["EndpointConfigName"] == "with-capture"


def test_a_skops_file_and_a_function_can_serve_a_model(aws, credit, credit_model, tmp_path):
    path = save_model(credit_model, tmp_path / "credit.skops")
    deploy(aws, path, capture=False)
    rows = scenarios.draw_window("credit", 2, seed=2)[list(credit.features)]
    assert np.allclose([float(a) for a in invoke_rows(aws, rows)], credit_model.predict_proba(rows)[:, 1])
    deploy(aws, lambda body, content_type: b"0.5\n", capture=False, endpoint="constant", name="constant-model")
    assert invoke_rows(aws, rows, endpoint="constant") == ["0.5\n", "0.5\n"]


def test_invoking_a_missing_endpoint_is_the_runtimes_validation_error(aws):
    runtime = aws.client("sagemaker-runtime")
    with pytest.raises(ClientError) as caught:
        runtime.invoke_endpoint(EndpointName="no-such-endpoint", ContentType="text/csv", Body="1,2")
    assert caught.value.response["Error"] == {
        "Code": "ValidationError",
        "Message": "Endpoint no-such-endpoint of account 123456789012 not found.",
    }


def test_an_endpoint_on_an_unknown_model_is_refused_at_create_endpoint(aws):
    sm = aws.client("sagemaker")
    sm.create_endpoint_config(EndpointConfigName="cfg", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": "no-such-model", "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}])  # fmt: skip
    with pytest.raises(ClientError, match=r'CreateEndpoint operation: Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/no-such-model"\.'):
        sm.create_endpoint(EndpointName="e", EndpointConfigName="cfg")
    with pytest.raises(ClientError, match="Could not find endpoint"):
        sm.describe_endpoint(EndpointName="e")


def test_a_model_without_predictor_fails_its_health_check(aws):
    deploy(aws, None)
    described = aws.client("sagemaker").describe_endpoint(EndpointName=ENDPOINT)
    assert described["EndpointStatus"] == "Failed"
    assert described["FailureReason"] == (
        "The primary container for production variant AllTraffic did not pass the ping health check. "
        "Please check CloudWatch logs for this endpoint."
    )
    logs = aws.client("logs")
    events = logs.filter_log_events(logGroupName=f"/aws/sagemaker/Endpoints/{ENDPOINT}")["events"]
    assert "register_model('credit-model'" in events[0]["message"]
    with pytest.raises(ClientError, match="ValidationError"):
        aws.client("sagemaker-runtime").invoke_endpoint(EndpointName=ENDPOINT, ContentType="text/csv", Body="1")


def test_a_predictor_that_raises_is_the_runtimes_model_error(aws):
    def broken(body, content_type):
        raise ValueError("could not convert string to float: 'abc'")

    deploy(aws, broken, capture=False)
    runtime = aws.client("sagemaker-runtime")
    with pytest.raises(runtime.exceptions.ModelError) as caught:
        runtime.invoke_endpoint(EndpointName=ENDPOINT, ContentType="text/csv", Body="abc")
    assert caught.value.response["Error"]["Message"].startswith(
        'Received client error (400) from primary with message "ValueError: could not convert string to float: \'abc\'". '
        f"See https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:group=/aws/sagemaker/Endpoints/{ENDPOINT}"
    )


def test_a_request_with_the_wrong_width_is_refused_by_the_predictor(aws, credit_model):
    deploy(aws, credit_model, capture=False)
    runtime = aws.client("sagemaker-runtime")
    with pytest.raises(runtime.exceptions.ModelError, match="request row 1 has 2 fields, expected 8"):
        runtime.invoke_endpoint(EndpointName=ENDPOINT, ContentType="text/csv", Body="1,2")
    assert ROLE.startswith("arn:aws:iam::")


def test_deploy_is_the_three_requests_of_an_aws_example_with_data_capture(aws, credit, credit_model):
    from .conftest import CAPTURE

    assert aws.deploy(credit_model, model_name=MODEL, endpoint_name=ENDPOINT, role=ROLE,
                      capture_s3_uri=CAPTURE, sampling_percentage=60) == ENDPOINT  # fmt: skip
    sm = aws.client("sagemaker")
    assert sm.describe_model(ModelName=MODEL)["ExecutionRoleArn"] == ROLE
    config = sm.describe_endpoint_config(EndpointConfigName=f"{ENDPOINT}-config")
    assert [v["ModelName"] for v in config["ProductionVariants"]] == [MODEL]
    capture_config = config["DataCaptureConfig"]
    assert (capture_config["InitialSamplingPercentage"], capture_config["DestinationS3Uri"]) == (60, CAPTURE)
    assert {o["CaptureMode"] for o in capture_config["CaptureOptions"]} == {"Input", "Output"}
    assert sm.describe_endpoint(EndpointName=ENDPOINT)["EndpointStatus"] == "InService"
    rows = scenarios.draw_window("credit", 40, seed=3)[list(credit.features)]
    assert np.allclose([float(a) for a in invoke_rows(aws, rows)], credit_model.predict_proba(rows)[:, 1])
    aws.advance(minutes=2)
    records = _records(aws)
    assert 0 < len(records) < 40 and {r.input.encoding for r in records} == {"CSV"}  # 60 % kept, as text

    aws.deploy(credit_model, model_name="plain-model", endpoint_name="plain-endpoint", role=ROLE)
    assert "DataCaptureConfig" not in sm.describe_endpoint(EndpointName="plain-endpoint")


def test_recorded_traffic_is_captured_as_invoke_endpoint_captures_it_without_the_model(credit, credit_model):
    rows = scenarios.draw_window("credit", 30, seed=4)[list(credit.features)]
    answers = credit_model.predict_proba(rows)[:, 1]
    ids = [f"order-{i}" for i in range(len(rows))]
    captured = {}
    for how in ("invoke", "record"):
        with labkit.local.sagemaker(seed=3) as aws:
            aws.client("s3").create_bucket(Bucket=BUCKET)
            aws.deploy(credit_model, model_name=MODEL, endpoint_name=ENDPOINT, role=ROLE, capture_s3_uri=f"s3://{BUCKET}/data-capture",
                       sampling_percentage=50)  # fmt: skip
            if how == "invoke":
                for i, inference_id in enumerate(ids):
                    invoke_rows(aws, rows.iloc[[i]], InferenceId=inference_id)
            else:
                kept = aws.record_traffic(ENDPOINT, rows, answers, inference_ids=ids)
            aws.advance(minutes=2)
            captured[how] = [(r.inference_id, r.input.data, float(r.output.data)) for r in _records(aws)]
    assert [r[:2] for r in captured["record"]] == [r[:2] for r in captured["invoke"]]  # the same 50 %, the same ids
    # one predict_proba on all rows vs one per request: equal up to floating-point summation order
    assert [r[2] for r in captured["record"]] == pytest.approx([r[2] for r in captured["invoke"]], rel=1e-12)
    assert kept == len(captured["record"]) < len(rows)


def test_recorded_traffic_needs_an_endpoint_with_capture_and_one_response_per_request(aws, credit, credit_model):
    from labkit.errors import LabkitInputError

    rows = scenarios.draw_window("credit", 3, seed=4)[list(credit.features)]
    with pytest.raises(LabkitInputError, match="no endpoint 'missing'"):
        aws.record_traffic("missing", rows, [0, 1, 0])
    aws.deploy(credit_model, model_name=MODEL, endpoint_name=ENDPOINT, role=ROLE)
    with pytest.raises(LabkitInputError, match="has no data capture"):
        aws.record_traffic(ENDPOINT, rows, [0, 1, 0])
    aws.deploy(credit_model, model_name="m2", endpoint_name="e2", role=ROLE, capture_s3_uri=f"s3://{BUCKET}/c")
    with pytest.raises(LabkitInputError, match="3 requests, 2 responses"):
        aws.record_traffic("e2", rows, [0, 1])


def test_ground_truth_is_uploaded_in_the_hour_it_is_collected(aws):
    from labkit import ground_truth

    uris = aws.upload_ground_truth(f"s3://{BUCKET}/labels", ["a", "b"], [1, 0])
    assert len(uris) == 1 and uris[0].startswith(f"s3://{BUCKET}/labels/2024/05/01/12/")
    records = [ground_truth.GroundTruthRecord.from_dict(json.loads(line)) for line in s3_text(aws, uris[0]).splitlines()]
    assert [(r.event_id, r.label) for r in records] == [("a", "1"), ("b", "0")]
