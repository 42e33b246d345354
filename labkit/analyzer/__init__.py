"""The twins behind the processing-job contract: ``labkit analyzer`` and the BYOC image.

``run_job(image_uri, environment, root=...)`` runs one SageMaker Processing job the way the
Model Monitor analyzer, the ground-truth merger or the Clarify container would, on files staged
under ``root`` (the container's ``/``), and returns its ``JobOutcome``. The contract itself
(environment names, LocalPaths, messages, with their sources) is :mod:`labkit.analyzer.contract`.

==================  ===========================================================================
``contract``        names, paths, statuses and messages, with sources; ``JobOutcome``
``job``             ``run_job``: the container's main; ``JobContext`` (environment + root)
``datasets``        ``dataset_format`` + ``dataset_source`` → a table, as the analyzer reads them
``model_monitor``   data-quality and model-quality baselining and monitoring jobs
``merge``           the ground-truth merge job a model-quality (or bias drift) execution runs first
``clarify``         Clarify bias and explainability jobs, baselining and monitoring
``predictor``       the shadow endpoint Clarify calls, as a model the twins can score with
==================  ===========================================================================
"""

from __future__ import annotations

from labkit.analyzer.contract import JobOutcome, Predictor, container_path
from labkit.analyzer.job import run_job

__all__ = ["JobOutcome", "Predictor", "container_path", "run_job"]
