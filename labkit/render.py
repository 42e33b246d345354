"""Pre-render the lab: run each notebook with papermill and export an HTML copy with nbconvert.

A facilitator runs ``labkit notebooks render --output site`` before a workshop and gets, per
notebook, the executed ``.ipynb`` and a static ``.html`` page that teaches without a kernel. Every
notebook runs with ``use_widgets=False`` (static figures and plain-text quizzes instead of
widgets, which an HTML copy cannot keep). With ``reveal_solutions=True`` the parameter of the same
name is passed to the notebooks whose parameters cell declares it, and to no other: a notebook
without exercises is rendered exactly as before.

A failing cell stops its notebook and raises ``RenderError``, which names the notebook and the
cell (its position in the notebook as JupyterLab shows it, counting from 1, and its first line),
never the papermill-injected cell. papermill and nbconvert are imported inside the functions.
"""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.errors import LabkitInputError
from labkit.paths import require_file

__all__ = [
    "KERNEL_NAME",
    "REVEAL_PARAMETER",
    "STATIC_PARAMETERS",
    "RenderError",
    "RenderResult",
    "declared_parameters",
    "find_notebooks",
    "render_notebook",
    "render_parameters",
]

PARAMETERS_TAG = "parameters"  # papermill's tag for the cell that declares the parameters
STATIC_PARAMETERS: Mapping[str, Any] = {"use_widgets": False}  # every rendered copy is static
REVEAL_PARAMETER = "reveal_solutions"  # passed as True only to notebooks that declare it
KERNEL_NAME = "python3"


@dataclass(frozen=True)
class RenderResult:
    """One rendered notebook: where its copies went, the parameters it got, and the seconds it
    took to run and export (a wall-clock figure for the facilitator, never asserted)."""

    notebook: Path
    executed: Path
    html: Path
    parameters: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


class RenderError(Exception):
    """A notebook failed while rendering: which notebook, which cell, and what it raised."""

    def __init__(self, notebook: Path, cell_number: int | None, first_line: str, ename: str, evalue: str) -> None:
        self.notebook, self.cell_number, self.first_line = Path(notebook), cell_number, first_line
        self.ename, self.evalue = ename, evalue
        where = f"cell {cell_number}" if cell_number is not None else "a cell"
        super().__init__(f"{self.notebook.name}: {where} ({first_line!r}) raised {ename}: {evalue}")


def declared_parameters(notebook: Mapping[str, Any], *, path: str | Path | None = None) -> tuple[str, ...]:
    """The names assigned in the notebook's cell tagged ``parameters`` (none if it has no such cell).

    ``notebook`` is the notebook's JSON as a dict (``nbformat`` nodes work too); ``path`` only
    names the file in an error.
    """
    cell = _parameters_cell(notebook)
    if cell is None:
        return ()
    try:
        tree = ast.parse(_source(cell))
    except SyntaxError as exc:
        raise LabkitInputError(f"the parameters cell is not valid Python: {exc.msg}", path=path, line=exc.lineno) from None
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return tuple(dict.fromkeys(names))


def render_parameters(declared: Iterable[str], *, reveal_solutions: bool = False) -> dict[str, Any]:
    """The papermill parameters for a notebook that declares ``declared``: only names it declares."""
    declared = set(declared)
    parameters = {name: value for name, value in STATIC_PARAMETERS.items() if name in declared}
    if reveal_solutions and REVEAL_PARAMETER in declared:
        parameters[REVEAL_PARAMETER] = True
    return parameters


def find_notebooks(directory: str | Path, selection: Iterable[str] | None = None) -> list[Path]:
    """The lab's notebooks in ``directory`` (``NN_name.ipynb``), or those ``selection`` names.

    A selection item is a number prefix (``"01"``), a stem or a file name; each must match one
    notebook or more, else ``LabkitInputError`` names it.
    """
    directory = Path(directory)
    notebooks = sorted(require_file(p, "a notebook file") for p in directory.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise LabkitInputError("no NN_name.ipynb notebooks found", path=directory)
    if selection is None:
        return notebooks
    chosen: list[Path] = []
    for item in selection:
        key = Path(str(item)).name.removesuffix(".ipynb")
        matches = [p for p in notebooks if p.stem == key or p.stem.startswith(f"{key}_")]
        if not matches:
            raise LabkitInputError(f"no notebook matches {item!r}; choose from {', '.join(p.stem for p in notebooks)}",
                                   path=directory)
        chosen += [p for p in matches if p not in chosen]
    return sorted(chosen)


def render_notebook(
    path: str | Path,
    output_dir: str | Path,
    *,
    reveal_solutions: bool = False,
    kernel_name: str = KERNEL_NAME,
    timeout: float | None = None,
) -> RenderResult:
    """Execute one notebook into ``output_dir/<stem>.ipynb`` and export ``output_dir/<stem>.html``.

    The kernel starts in the notebook's own folder, as in JupyterLab, so its relative paths
    (``outputs/…``, sibling notebooks) resolve the same way. Raises ``RenderError`` naming the
    failing cell; the partly executed ``.ipynb`` is still written, for a look at the traceback.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    path, output_dir = Path(path).resolve(), Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    source = json.loads(path.read_text(encoding="utf-8"))
    parameters = render_parameters(declared_parameters(source, path=path), reveal_solutions=reveal_solutions)
    executed, html = output_dir / path.name, output_dir / f"{path.stem}.html"
    started = time.perf_counter()
    try:
        notebook = pm.execute_notebook(
            str(path), str(executed), parameters=parameters, kernel_name=kernel_name, cwd=str(path.parent),
            progress_bar=False, execution_timeout=timeout,
        )
    except PapermillExecutionError as error:
        number = _source_cell_number(source, error.cell_index, error.source, injected=bool(parameters))
        first = next((line for line in error.source.splitlines() if line.strip()), "")
        raise RenderError(path, number, first, error.ename, error.evalue) from None
    html.write_text(_to_html(notebook), encoding="utf-8")
    return RenderResult(path, executed, html, parameters, time.perf_counter() - started)


def _to_html(notebook: Any) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(notebook)
    return body


def _parameters_cell(notebook: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _source_cell_number(source: Mapping[str, Any], executed_index: int, cell_source: str, *, injected: bool) -> int | None:
    """The 1-based position, in the source notebook, of the cell papermill reports by ``executed_index``.

    papermill counts the cell it injects after the parameters cell (or first, without one); this
    removes it, then confirms by the cell's source (falling back to a search by source).
    """
    cells = source.get("cells", [])
    index = executed_index
    if injected:  # executed cells = cells[:insert_at] + [injected cell] + cells[insert_at:]
        tagged = [i for i, c in enumerate(cells) if c is _parameters_cell(source)]
        insert_at = tagged[0] + 1 if tagged else 0
        index = executed_index - 1 if executed_index > insert_at else executed_index
    if 0 <= index < len(cells) and _source(cells[index]) == cell_source:
        return index + 1
    matches = [i for i, c in enumerate(cells) if _source(c) == cell_source]
    return matches[0] + 1 if len(matches) == 1 else None
