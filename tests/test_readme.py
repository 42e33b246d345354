"""README's promises: the two commands exist, and the Studio Lab links match the notebooks."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _links_tool():
    spec = importlib.util.spec_from_file_location("studio_lab_links", REPO / "tools" / "studio_lab_links.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_studio_lab_links_are_current():
    assert _links_tool().main(["--check"]) == 0, "README's Studio Lab links are stale: run python tools/studio_lab_links.py"


def test_every_linked_notebook_exists():
    text = (REPO / "README.md").read_text()
    linked = re.findall(r"studiolab\.sagemaker\.aws/import/github/[^)]*/blob/main/(notebooks/[^)]+\.ipynb)", text)
    assert linked and all((REPO / p).exists() for p in linked)
    assert {p for p in linked} == {f"notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")}


def test_the_two_commands_and_ci_agree():
    readme = (REPO / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^lab:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
