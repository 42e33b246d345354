"""``labkit notebooks render``: pre-render the lab as executed notebooks and static HTML pages.

    labkit notebooks render --output site                      # every notebook
    labkit notebooks render --output site --notebooks 01 02    # by number prefix or stem
    labkit notebooks render --output site --reveal-solutions   # facilitator copies with solutions

Each notebook runs with papermill (``use_widgets=False``; ``reveal_solutions=True`` only for the
notebooks that declare it, and only with ``--reveal-solutions``) and lands as ``<stem>.ipynb`` and
``<stem>.html`` in the output folder. A progress bar follows the notebooks and one line per
notebook gives its time. A failing notebook is reported with its cell on stderr, the others are
still rendered, and the command exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labkit.cli import EXIT_FAILED, EXIT_OK
from labkit.paths import check_output_folder

__all__ = ["default_source", "register"]


def default_source() -> Path:
    """``./notebooks`` when run from a clone's root, else the ``notebooks`` folder beside the package."""
    here = Path("notebooks")
    if here.is_dir():
        return here
    import labkit

    return Path(labkit.__file__).resolve().parents[1] / "notebooks"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("notebooks", help="run the lab's notebooks and export HTML copies")
    commands = parser.add_subparsers(dest="notebooks_command", metavar="ACTION", required=True)
    render = commands.add_parser("render", help="execute notebooks with papermill and export .ipynb + .html")
    render.add_argument("--output", required=True, type=Path, help="folder for the executed notebooks and HTML pages")
    render.add_argument("--notebooks", nargs="+", metavar="NB", help="number prefixes or stems (default: all)")
    render.add_argument("--reveal-solutions", action="store_true",
                        help="pass reveal_solutions=True to notebooks that declare it")
    render.add_argument("--source", type=Path, default=None, help="folder holding the notebooks (default: ./notebooks)")
    render.add_argument("--timeout", type=float, default=None, help="seconds one cell may run (default: no limit)")
    render.set_defaults(handler=_render)


def _render(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from labkit.render import RenderError, find_notebooks, render_notebook

    check_output_folder(args.output)
    notebooks = find_notebooks(args.source or default_source(), args.notebooks)
    failures: list[RenderError] = []
    bar = tqdm(notebooks, desc="rendering", unit="notebook", file=sys.stderr)
    for path in bar:
        bar.set_postfix_str(path.stem)
        try:
            result = render_notebook(path, args.output, reveal_solutions=args.reveal_solutions, timeout=args.timeout)
        except RenderError as error:
            failures.append(error)
            tqdm.write(f"labkit: error: {error}", file=sys.stderr)
            continue
        given = ", ".join(f"{k}={v}" for k, v in result.parameters.items()) or "no parameters"
        tqdm.write(f"{path.stem:32s} {result.seconds:6.1f} s  ({given}) → {result.html}")
    bar.close()
    if failures:
        print(f"labkit: {len(failures)} of {len(notebooks)} notebooks failed: "
              f"{', '.join(f.notebook.stem for f in failures)}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
