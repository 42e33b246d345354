"""How long does each playground take to answer a control change? Recompute + redraw, from Python.

Every ``WidgetApp`` subclass found in ``labkit/widgets/`` is built once on the credit scenario
(``labkit.widgets.build_app``, as its notebook builds it). Then each control in turn is moved
through ``--changes`` values (sliders: evenly spaced over their range; menus: their other
options) with ``app.set(...)``, the same synchronous path a change takes in the kernel: compute,
redraw the figure (or blit what moved), encode the PNG, rebuild the table. The browser's round
trip is left out. Each control ends back at its default.

Each app runs in a fresh Python process, as each notebook's playground runs in its own kernel:
six other apps' imports and objects in one process would make every full garbage collection
scan ~270,000 objects (~180 ms on the reference machine) and land on whichever control happens
to be moving. ``--same-process`` measures them all in this process instead.

Prints, per app and control, the median and the 90th percentile of the wall-clock time and the
median CPU time of that process (on a shared machine, the CPU time moves less with the load).
A control marked ``Run`` waits for the app's Run button; its time is what pressing Run takes.

    python benchmarks/widget_reaction.py [--changes 7] [--drift-only] [--app WorkflowApp] [--same-process]

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

NOT_DRIFT = ("window", "size", "n_bootstrap", "sampling", "delay", "labelled")  # not the drift


@dataclass(frozen=True)
class Reaction:
    app: str
    control: str
    changes: int
    median_ms: float
    max_ms: float
    error: str | None = None
    p90_ms: float = float("nan")
    cpu_median_ms: float = float("nan")
    behind_run: bool = False  # the control waits for the Run button: this is Run's time


def discover_apps() -> dict[str, type]:
    """Every WidgetApp subclass defined in a module of labkit.widgets, by class name."""
    from labkit.widgets import discover_apps as discover

    return discover()


def build(cls: type, scenario: Any, model: Any) -> Any:
    from labkit.widgets import build_app

    return build_app(cls, scenario, model=model)


def drift_control(app: Any) -> str | None:
    """The first numeric slider that moves the drift (not a window size or sample count)."""
    sliders = [name for name, c in app.controls.items() if _is_slider(c)]
    drifting = [name for name in sliders if not any(word in name for word in NOT_DRIFT)]
    return (drifting or sliders or [None])[0]


def values_through(control: Any, count: int) -> list:
    """``count`` distinct values a control can take, its current value excluded.

    A slider's are spread evenly over its range, on its step; a menu's are its other options.
    """
    if not _is_slider(control):
        options = [_option_value(o) for o in getattr(control, "options", ())]
        return [v for v in options if v != control.value][:count]
    if not hasattr(control, "step"):  # SelectionSlider: its options, evenly picked
        options = [_option_value(o) for o in control.options]
        picks = sorted({round(i * (len(options) - 1) / max(count, 1)) for i in range(count + 1)})
        return [options[k] for k in picks if options[k] != control.value][:count]
    steps = round((control.max - control.min) / control.step)
    picks = sorted({round(i * steps / max(count, 1)) for i in range(count + 1)})
    values = [control.min + k * control.step for k in picks]
    if isinstance(control.value, int):
        values = [round(v) for v in values]
    values = [v for v in dict.fromkeys(values) if v != control.value]
    return values[:count]


def measure(
    name: str, cls: type, scenario: Any, model: Any, changes: int, *, every_control: bool = True
) -> list[Reaction]:
    """The app's every control (or, without ``every_control``, its drift slider only)."""
    from labkit.errors import LabkitInputError

    try:
        app = build(cls, scenario, model)
    except TypeError as exc:  # an app whose constructor needs more than NOTEBOOK_KWARGS gives
        return [Reaction(name, "-", 0, float("nan"), float("nan"), f"not built: {exc}")]
    chosen = list(app.controls) if every_control else [drift_control(app)]
    if not chosen or chosen == [None]:
        return [Reaction(name, "-", 0, float("nan"), float("nan"), "no control")]
    reactions = []
    for control in chosen:
        default, wall, cpu, refused = app.controls[control].value, [], [], 0
        for value in values_through(app.controls[control], changes):
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                app.set(**{control: value})
            except LabkitInputError:  # a setting the app refuses on purpose (shown in its status)
                refused += 1
                continue
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        try:
            app.set(**{control: default})
        except LabkitInputError:
            pass
        note = f"{refused} value(s) refused by the app" if refused else None
        behind_run = app.run_button is not None and control not in app.live_controls
        if wall:
            reactions.append(
                Reaction(name, control, len(wall), statistics.median(wall), max(wall), note,
                         _p90(wall), statistics.median(cpu), behind_run)  # fmt: skip
            )
    return reactions


def measure_all(
    changes: int = 7, *, every_slider: bool = True, apps: list[str] | None = None, same_process: bool = False
) -> list[Reaction]:
    """Every app's (or ``apps``') every control, each app in a fresh process unless
    ``same_process``; ``every_slider=False``: each app's drift slider only."""
    names = apps or list(discover_apps())
    if not same_process:
        return [reaction for name in names for reaction in _in_fresh_process(name, changes, every_slider)]
    from labkit import scenarios

    credit = scenarios.load_scenario("credit", seed=0)
    model = scenarios.train_model(credit)
    found = discover_apps()
    return [
        reaction
        for name in names
        for reaction in measure(name, found[name], credit, model, changes, every_control=every_slider)
    ]


def _in_fresh_process(name: str, changes: int, every_slider: bool) -> list[Reaction]:
    command = [sys.executable, __file__, "--app", name, "--changes", str(changes), "--same-process", "--json"]
    done = subprocess.run(command + ([] if every_slider else ["--drift-only"]), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [Reaction(name, "-", 0, float("nan"), float("nan"), f"failed: {last}")]
    return [Reaction(**fields) for fields in json.loads(done.stdout.strip().splitlines()[-1])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=7, help="changes per control (default 7)")
    parser.add_argument("--drift-only", action="store_true", help="time each app's drift slider only")
    parser.add_argument("--app", action="append", help="only this app (repeatable), e.g. WorkflowApp")
    parser.add_argument("--same-process", action="store_true", help="every app in this process, one after another")
    parser.add_argument("--json", action="store_true", help="print the reactions as JSON")
    args = parser.parse_args(argv)
    unknown = set(args.app or ()) - set(discover_apps())
    if unknown:
        parser.error(f"no app {', '.join(sorted(unknown))}; apps are {', '.join(discover_apps())}")
    reactions = measure_all(args.changes, every_slider=not args.drift_only, apps=args.app, same_process=args.same_process)
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in reactions]))
        return 0
    print(f"{'app':<20} {'control':<20} {'n':>2} {'median ms':>9} {'p90 ms':>7} {'cpu ms':>7}")
    for r in reactions:
        run = "Run" if r.behind_run else ""
        print(
            f"{r.app:<20} {r.control:<20} {r.changes:>2} {r.median_ms:>9.0f} {r.p90_ms:>7.0f} "
            f"{r.cpu_median_ms:>7.0f}  {run:<3} {r.error or ''}"
        )
    return 0


def _is_slider(control: Any) -> bool:
    return "Slider" in type(control).__name__


def _option_value(option: Any) -> Any:
    return option[1] if isinstance(option, tuple) else option


def _p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) > 1 else times[0]


if __name__ == "__main__":
    raise SystemExit(main())
