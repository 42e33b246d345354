"""``labkit notebooks render`` through main(argv): copies written, solutions revealed, failures exit 2."""

from __future__ import annotations

from pathlib import Path

import nbformat

from labkit.cli import EXIT_FAILED, EXIT_OK, main


def write_notebook(path: Path, *cells) -> Path:
    """cells: ("md", text) | ("code", text) | ("params", text), written as a python3 notebook."""
    made = [nbformat.v4.new_markdown_cell(text) if kind == "md" else
            nbformat.v4.new_code_cell(text, metadata={"tags": ["parameters"]} if kind == "params" else {})
            for kind, text in cells]
    nb = nbformat.v4.new_notebook(cells=made)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    nbformat.write(nb, path)
    return path

SHOW = "print(f'widgets={use_widgets} reveal={reveal_solutions}')"


def _lab(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    write_notebook(source / "00_ok.ipynb", ("md", "# OK"),
                   ("params", "use_widgets = True\nreveal_solutions = False"), ("code", SHOW))
    write_notebook(source / "01_fail.ipynb", ("params", "use_widgets = True"), ("code", "raise KeyError('gone')"))
    write_notebook(source / "02_plain.ipynb", ("params", "use_widgets = True"),
                   ("code", "print(f'declared={\"reveal_solutions\" in dir()}')"))
    return source


def test_render_writes_both_copies_and_reveals_solutions_on_request(tmp_path, capsys):
    source = _lab(tmp_path)
    assert main(["notebooks", "render", "--source", str(source), "--output", str(tmp_path / "a"),
                 "--notebooks", "00"]) == EXIT_OK
    assert "widgets=False reveal=False" in (tmp_path / "a" / "00_ok.html").read_text(encoding="utf-8")
    assert (tmp_path / "a" / "00_ok.ipynb").exists() and not (tmp_path / "a" / "01_fail.ipynb").exists()
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("00_ok"))
    assert " s  (use_widgets=False) → " in line  # the time per notebook and what it was given

    assert main(["notebooks", "render", "--source", str(source), "--output", str(tmp_path / "b"),
                 "--notebooks", "00_ok", "02", "--reveal-solutions"]) == EXIT_OK
    assert "widgets=False reveal=True" in (tmp_path / "b" / "00_ok.html").read_text(encoding="utf-8")
    assert "declared=False" in (tmp_path / "b" / "02_plain.html").read_text(encoding="utf-8")  # nothing to others


def test_a_failing_notebook_is_named_with_its_cell_and_the_rest_still_render(tmp_path, capsys):
    source = _lab(tmp_path)
    assert main(["notebooks", "render", "--source", str(source), "--output", str(tmp_path / "out")]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "labkit: error: 01_fail.ipynb: cell 2 (\"raise KeyError('gone')\") raised KeyError" in err
    assert "1 of 3 notebooks failed: 01_fail" in err
    assert (tmp_path / "out" / "00_ok.html").exists()


def test_an_unknown_notebook_is_one_line_and_exit_2(tmp_path, capsys):
    source = _lab(tmp_path)
    assert main(["notebooks", "render", "--source", str(source), "--output", str(tmp_path), "--notebooks", "42"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("labkit: error: ") and "no notebook matches '42'" in err and "\n" not in err


def test_render_needs_an_output_folder(capsys):
    assert main(["notebooks", "render"]) == EXIT_FAILED
    assert "--output" in capsys.readouterr().err
