"""One handle on an AWS account, local or real: notebook 06 runs the same cells on either.

``open_account(use_aws=False, ...)`` opens ``labkit.local.sagemaker()`` and puts in it what the
worked example expects your account to hold already (``stock_example``): an S3 bucket, the
model's training data in it, and a real-time endpoint serving the credit model, without data
capture. ``open_account(use_aws=True, ...)`` refuses the documentation's placeholder bucket and
role, then returns a ``RealAccount``: boto3 and a SageMaker SDK session on your credentials. The
kit never creates an endpoint on a real account; it attaches to the one you name.

Both handles offer the same surface, so a cell need not know which it holds:

=====================  ==========================================================================
``.session``           a SageMaker Python SDK ``Session`` (``sagemaker_session=`` of the monitors)
``.client(name)``      a boto3 client in the account's Region
``.now``               the time: the simulated clock locally, the wall clock on AWS
``.advance(...)``      let time pass: locally the clock moves (executions run, alarms evaluate);
                       on AWS the call sleeps for real
``.close()``           leave the account (locally: stop the simulation)
=====================  ==========================================================================

``wait_until(account, condition, at_most=...)`` polls a condition while time passes, on either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from labkit.aws.bridge import USE_AWS_ENV, AwsNotEnabledError, opted_in, refuse_placeholders

if TYPE_CHECKING:
    from labkit.local import LocalSageMaker

__all__ = ["EXAMPLE_OUTPUT_COLUMN", "RealAccount", "open_account", "stock_example", "wait_until"]

EXAMPLE_OUTPUT_COLUMN = "score"  # the training data's first column: the model's output, as captured
DEFAULT_POLL = timedelta(minutes=5)  # how often wait_until looks (the SDK's own waits poll every 30-60 s)
_OPENED: list[Any] = []  # local accounts open_account opened, closed when it opens the next one


class RealAccount:
    """Your AWS account in one Region, with the surface of ``labkit.local.LocalSageMaker``.

    Built only on opt-in (``use_aws=True`` or ``LABKIT_USE_AWS=1``); boto3 uses the default
    credential chain (a Studio execution role, a profile…). ``endpoint_url`` points every client
    at a stand-in such as moto's server (tests); ``sleep`` and ``clock`` replace the real ones.
    """

    def __init__(self, region: str, *, use_aws: bool = False, endpoint_url: str | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:  # fmt: skip
        if not opted_in(use_aws):
            raise AwsNotEnabledError(f"this is your real AWS account: pass use_aws=True or set {USE_AWS_ENV}=1")
        import boto3

        self.region, self._endpoint_url, self._sleep, self._clock = region, endpoint_url, sleep, clock
        self._boto = boto3.Session(region_name=region)
        self._clients: dict[str, Any] = {}
        self._session: Any = None

    @property
    def session(self) -> Any:
        """A SageMaker SDK ``Session`` on this account (built on first use)."""
        if self._session is None:
            from sagemaker.core.helper.session_helper import Session

            clients = {"sagemaker_client": self.client("sagemaker"), "sagemaker_runtime_client": self.client("sagemaker-runtime")}
            self._session = Session(boto_session=self._boto, **clients)
        return self._session

    def client(self, name: str) -> Any:
        """A boto3 client for service ``name`` in this Region."""
        if name not in self._clients:
            self._clients[name] = self._boto.client(name, endpoint_url=self._endpoint_url)
        return self._clients[name]

    @property
    def now(self) -> datetime:
        """The wall clock (UTC)."""
        return self._clock()

    def advance(self, *, hours: float = 0, minutes: float = 0, seconds: float = 0) -> list[dict[str, Any]]:
        """Wait in real time; the service runs executions and alarms by itself meanwhile.

        Returns [] (the local account returns the executions it started; AWS tells nobody)."""
        self._sleep(max(hours * 3600 + minutes * 60 + seconds, 0.0))
        return []

    def close(self) -> None:
        """Nothing to stop: what you created stays until you delete it (see the cleanup cells)."""

    def __repr__(self) -> str:
        return f"<your AWS account, {self.region}, now {self.now.isoformat(timespec='seconds')}>"


def open_account(*, use_aws: bool, region: str, bucket: str, role_arn: str, endpoint_name: str,
                 training_data_key: str, seed: int = 0) -> LocalSageMaker | RealAccount:  # fmt: skip
    """The account the notebook's cells run on: local and stocked, or yours (opt-in).

    Live, the placeholder bucket and role are refused before any client exists
    (``refuse_placeholders``), and ``endpoint_name`` and ``s3://bucket/training_data_key`` must be
    yours already. Locally, ``stock_example`` creates them.

    A local account opened earlier (a cell run twice, or run again with ``use_aws=True``) is
    closed first: it sets fake credentials that a real account must not inherit.
    """
    while _OPENED:
        _OPENED.pop().close()
    if opted_in(use_aws):
        refuse_placeholders(bucket=bucket, role_arn=role_arn)
        return RealAccount(region, use_aws=True)
    from labkit.local import LocalSageMaker

    local = LocalSageMaker(region=region, seed=seed)
    local.open()
    try:
        stock_example(local, bucket=bucket, role_arn=role_arn, endpoint_name=endpoint_name,
                      training_data_key=training_data_key, seed=seed)  # fmt: skip
    except BaseException:
        local.close()
        raise
    _OPENED.append(local)
    return local


def stock_example(local: LocalSageMaker, *, bucket: str, role_arn: str, endpoint_name: str,
                  training_data_key: str, seed: int = 0) -> None:  # fmt: skip
    """Put the worked example's starting point in a local account, through boto3 as on AWS.

    The bucket; the credit scenario's training data at ``training_data_key`` (CSV with a header:
    the model's output ``score`` first, then the inputs in request order, the layout a
    ``DefaultModelMonitor`` baseline of captured input and output reads); SageMaker model
    ``<endpoint>-model`` serving the credit model; endpoint ``endpoint_name`` on configuration
    ``<endpoint>-config``, one variant ``AllTraffic``, no data capture.
    """
    from labkit import scenarios

    credit = scenarios.load_scenario("credit", seed=seed)
    model = scenarios.train_model(credit)
    training = credit.baseline[list(credit.features)].copy()
    training.insert(0, EXAMPLE_OUTPUT_COLUMN, model.predict_proba(training)[:, 1].round(6))
    s3, sm = local.client("s3"), local.client("sagemaker")
    s3.create_bucket(**_bucket_location(bucket, local.region))
    s3.put_object(Bucket=bucket, Key=training_data_key, Body=training.to_csv(index=False).encode())
    model_name, config_name = f"{endpoint_name}-model", f"{endpoint_name}-config"
    local.register_model(model_name, model)
    sm.create_model(ModelName=model_name, ExecutionRoleArn=role_arn,
                    PrimaryContainer={"Image": "local/credit-model"})  # fmt: skip
    sm.create_endpoint_config(EndpointConfigName=config_name, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": model_name, "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.xlarge"}])  # fmt: skip
    sm.create_endpoint(EndpointName=endpoint_name, EndpointConfigName=config_name)


def wait_until(account: Any, condition: Callable[[], Any], *, at_most: timedelta,
               every: timedelta = DEFAULT_POLL) -> bool:  # fmt: skip
    """Let time pass on ``account`` in steps of ``every`` until ``condition()`` is true.

    Locally each step moves the simulated clock (captured data lands, executions run, alarms
    evaluate); on AWS each step sleeps. False when ``at_most`` passes first.
    """
    if every <= timedelta(0):
        raise ValueError(f"every must be positive, got {every}")
    waited = timedelta(0)
    while not condition():
        if waited >= at_most:
            return False
        account.advance(seconds=every.total_seconds())
        waited += every
    return True


def _bucket_location(bucket: str, region: str) -> dict[str, Any]:
    """CreateBucket's arguments: outside us-east-1 S3 needs the Region as a location constraint."""
    if region == "us-east-1":
        return {"Bucket": bucket}
    return {"Bucket": bucket, "CreateBucketConfiguration": {"LocationConstraint": region}}
