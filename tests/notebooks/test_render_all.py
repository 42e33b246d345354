"""`labkit notebooks render` produces an executed copy and an HTML page for every notebook (issue 10)."""

from __future__ import annotations

from pathlib import Path

from labkit.cli import EXIT_OK, main

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_every_notebook_renders_to_html(tmp_path):
    assert main(["notebooks", "render", "--source", str(NOTEBOOKS[0].parent), "--output", str(tmp_path)]) == EXIT_OK
    for notebook in NOTEBOOKS:
        html = tmp_path / f"{notebook.stem}.html"
        assert html.exists() and html.stat().st_size > 10_000, f"{html.name} missing or empty"
        assert (tmp_path / notebook.name).exists()
