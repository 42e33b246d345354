"""The monitoring workflow end to end, hour by hour: traffic, capture, schedules, alarm, response.

``simulate`` runs N days of hourly traffic to a scenario's endpoint. Drift starts at a chosen hour
and grows suddenly, gradually or periodically (``DriftSchedule``). Every hour the endpoint
captures its requests; on the hour an hourly data-quality schedule analyses the previous hour,
and a model-quality schedule analyses the newest hour whose ground truth has landed
(``StartTimeOffset``/``EndTimeOffset``). The data-quality execution's drift metric feeds a
CloudWatch alarm; a change to ``ALARM`` becomes a "CloudWatch Alarm State Change" event, and an
EventBridge rule's target retrains the model on recent labelled data, re-baselines both monitors
and swaps the model: the automated response the Well-Architected Machine Learning Lens asks for
(MLPERF06-BP05, "Establish an automated re-training framework").

Everything is seeded: the same arguments give the same ``SimulationResult``, timeline included.
"""

from __future__ import annotations

from labkit.simulation.cache import SimulationCache

# Importable from labkit.simulation as before the split, though not in __all__.
from labkit.simulation.driver import HOUR as HOUR
from labkit.simulation.driver import MIN_TRAINING_ROWS as MIN_TRAINING_ROWS
from labkit.simulation.driver import SIMULATION_START, simulate
from labkit.simulation.monitors import ACCURACY_MARGIN as ACCURACY_MARGIN
from labkit.simulation.monitors import DATA_QUALITY_SCHEDULE as DATA_QUALITY_SCHEDULE
from labkit.simulation.monitors import MODEL_QUALITY_SCHEDULE as MODEL_QUALITY_SCHEDULE
from labkit.simulation.monitors import ON_CALL_TOPIC as ON_CALL_TOPIC
from labkit.simulation.monitors import drift_alarm
from labkit.simulation.result import Retrain, SimulationResult, reevaluate
from labkit.simulation.traffic import SHAPES, DriftSchedule

__all__ = [
    "SHAPES",
    "SIMULATION_START",
    "DriftSchedule",
    "Retrain",
    "SimulationCache",
    "SimulationResult",
    "drift_alarm",
    "reevaluate",
    "simulate",
]
