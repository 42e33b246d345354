"""How long do 7 simulated days of hourly monitoring take, and how fast does notebook 05's app react?

Times ``simulation.simulate`` for 7 days (168 hourly data-quality and model-quality executions,
the alarm, the EventBridge rule and its retraining) in memory and with every file written, and
``WorkflowApp``'s reaction to a control change: an alarm setting (re-evaluated on cached
metrics), a new drift shape or onset (a new simulation sharing the app's ``SimulationCache``),
and the plain way, the same 3 days simulated anew without the cache. Each time is the median of
``--repeat`` runs, after one warm-up run (imports and first-call caches are not timed).

    python benchmarks/simulation.py             # 100 requests an hour, 3 repeats

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from labkit import scenarios, simulation
from labkit.widgets.workflow import WorkflowApp


def timed(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--requests-per-hour", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    credit = scenarios.load_scenario("credit", seed=0)
    drift = simulation.DriftSchedule(onset_hour=args.days * 12)
    kwargs = {
        "drift": drift,
        "days": args.days,
        "requests_per_hour": args.requests_per_hour,
        "outage_hours": (2, 3),
        "seed": 0,
    }
    simulation.simulate(credit, **{**kwargs, "days": 1})  # warm-up

    def with_files(merge: bool) -> None:
        folder = Path(tempfile.mkdtemp(prefix="labkit-bench-"))
        try:
            simulation.simulate(credit, **kwargs, output_dir=folder, merge_files=merge)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    rows = [
        (
            f"simulate {args.days} days, in memory",
            timed(lambda: simulation.simulate(credit, **kwargs), args.repeat),
        ),
        (
            f"simulate {args.days} days, files written",
            timed(lambda: with_files(False), args.repeat),
        ),
        (
            f"simulate {args.days} days, files written and merged",
            timed(lambda: with_files(True), args.repeat),
        ),
    ]
    app = WorkflowApp(credit, days=3, outage_hours=(2, 3), use_widgets=False)
    settings = [{"datapoints_to_alarm": 1}, {"datapoints_to_alarm": 2}, {"threshold": 0.3}, {"threshold": 0.1},
                {"treat_missing_data": "breaching"}, {"treat_missing_data": "missing"}]  # fmt: skip
    alarm_changes = []
    for change in settings * args.repeat:
        start = time.perf_counter()
        app.set(**change)
        alarm_changes.append(time.perf_counter() - start)
    shapes = [s for s in simulation.SHAPES if s != app.values["drift_shape"]]
    drift_changes = [timed(lambda s=s: app.set(drift_shape=s), 1) for s in shapes]
    onsets = [0, 12, 24, 47, 59, 71]  # widget_reaction.py's spread over the slider, the default (36) left out
    onset_changes = [timed(lambda o=o: app.set(drift_onset_hour=o), 1) for o in onsets]
    playground = {"days": 3, "requests_per_hour": 100, "retrain": False, "outage_hours": (2, 3), "seed": 0}
    plain = [timed(lambda o=o: simulation.simulate(credit, drift=simulation.DriftSchedule(o), **playground), 1)
             for o in onsets[: args.repeat]]  # fmt: skip
    rows += [
        ("WorkflowApp: alarm control change (median)", statistics.median(alarm_changes)),
        ("WorkflowApp: new drift shape, 3 days (median)", statistics.median(drift_changes)),
        ("WorkflowApp: new drift onset, 3 days (median)", statistics.median(onset_changes)),
        ("plain: simulate the 3 days anew, no cache (median)", statistics.median(plain)),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'what':<{width}}  seconds")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:7.2f}")
    hours = args.days * 24
    print(
        f"\n{hours} hourly executions per schedule; {rows[0][1] / hours * 1000:.1f} ms per simulated hour in memory."
    )


if __name__ == "__main__":
    main()
