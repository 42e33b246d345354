"""``labkit scenario``: write the kit's datasets and models, so the CLIs have inputs to try.

    labkit scenario write --output data            # <name>_train.csv, <name>_baseline.csv
    labkit scenario window credit --rows 1000 --output window.csv [--seed 1]
    labkit scenario model credit --output model.skops
"""

from __future__ import annotations

import argparse
from pathlib import Path

from labkit.cli import EXIT_OK, options
from labkit.paths import check_output_file, check_output_folder, write_text

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    from labkit.scenarios import SCENARIOS

    parser = subparsers.add_parser("scenario", help="write the kit's seeded datasets and models")
    commands = parser.add_subparsers(dest="scenario_command", metavar="ACTION", required=True)

    write = commands.add_parser("write", help="write every scenario's train and baseline CSVs")
    write.add_argument("--output", required=True, type=Path, help="folder to write into")
    write.add_argument("--seed", type=options.seed, default=0)
    write.set_defaults(handler=_write)

    window = commands.add_parser("window", help="write a fresh production window of one scenario")
    window.add_argument("name", choices=SCENARIOS)
    window.add_argument("--rows", type=options.whole_number(minimum=1), default=1000)
    window.add_argument("--seed", type=options.seed, default=1)
    window.add_argument("--output", required=True, type=Path, help="CSV file to write")
    window.set_defaults(handler=_window)

    model = commands.add_parser("model", help="train a scenario's model and save it with skops")
    model.add_argument("name", choices=[s for s in SCENARIOS if s != "sensor"])
    model.add_argument("--seed", type=options.seed, default=0)
    model.add_argument("--output", required=True, type=Path, help="the .skops file to write")
    model.set_defaults(handler=_model)


def _write(args: argparse.Namespace) -> int:
    from labkit.scenarios import write_datasets

    check_output_folder(args.output)
    for path in write_datasets(args.output, seed=args.seed):
        print(path)
    return EXIT_OK


def _window(args: argparse.Namespace) -> int:
    from labkit.scenarios import draw_window

    check_output_file(args.output)
    window = draw_window(args.name, args.rows, seed=args.seed)
    print(write_text(args.output, window.to_csv(index=False, lineterminator="\n")))
    return EXIT_OK


def _model(args: argparse.Namespace) -> int:
    from labkit.model_explainability import save_model
    from labkit.scenarios import load_scenario, train_model

    check_output_file(args.output)
    model = train_model(load_scenario(args.name, seed=args.seed))
    print(save_model(model, args.output))
    return EXIT_OK
