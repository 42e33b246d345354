"""Notebook 01 in a real JupyterLab and a real browser: every cell runs, every widget renders,
and dragging the playground's drift slider changes the violations table.

nbval and papermill run the notebooks in a kernel only; they cannot see the front end. This test
catches what only a browser shows: a widget that fails to render ("Error displaying widget",
the README's first troubleshooting entry) and a slider whose change never reaches the kernel.

    CI=1 python -m pytest tests/browser -q      # needs Debian's chromium (apt-get install -y chromium)

A screenshot of the playground is saved (its path is printed) to ``$LABKIT_SCREENSHOT_DIR`` if
set, else to a temporary folder; CI keeps it as an artifact.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "01_data_quality_drift.ipynb"
APP_CELL = "app = DataQualityApp("  # the cell that displays the playground
SLIDER_LABEL = "mean shift (σ)"
SLIDER_TARGET = "2.50"  # σ: far past the drift threshold (0.5 σ already fires on this window)
NOTEBOOK_APPEARS_S = 300  # another engineer may still be writing the notebook
RUN_ALL_S = 90  # the notebook runs in about 20 s in a kernel; the browser adds rendering
REACTION_S = 30  # one recompute takes about 0.3 s; the margin covers a slow CI machine


def _wait_for_notebook(lab) -> Path:
    """The notebook in the server's folder, copied from notebooks/ once it exists there."""
    source = lab.source / NOTEBOOK
    deadline = time.monotonic() + NOTEBOOK_APPEARS_S
    while not source.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{source} did not appear within {NOTEBOOK_APPEARS_S} s")
        time.sleep(2)
    target = lab.root / NOTEBOOK
    if not target.exists():
        target.write_bytes(source.read_bytes())
    return target


def _kernel_idle(lab) -> bool:
    kernels = lab.api("/api/kernels")
    return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)


def _saved_notebook(path):
    """The notebook JupyterLab wrote, or None while the file is still being written (seen empty once)."""
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def _wait(condition, timeout_s: float, what: str, page) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        page.wait_for_timeout(250)


def _code_prompts(page) -> list[str]:
    return [t.strip() for t in page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()]


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(".lm-Menu-item", has_text=re.compile(rf"^{item}")).first.click()


def _screenshot_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get("LABKIT_SCREENSHOT_DIR")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screenshots")


def test_notebook_01_runs_and_its_slider_drives_the_monitor(lab, page, tmp_path_factory):
    saved = _wait_for_notebook(lab)
    page.goto(lab.open_url(NOTEBOOK))
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
    _wait(lambda: _kernel_idle(lab), 60, "the kernel to start", page)

    # Run → Run All Cells, as a learner does; then wait for the last queued cell to finish.
    _menu(page, "Run", "Run All Cells")
    started = re.compile(r"\[(\*|\d+)\]:")
    _wait(
        lambda: any(started.fullmatch(p) for p in _code_prompts(page)),
        30,
        "execution to start",
        page,
    )
    _wait(
        lambda: "[*]:" not in _code_prompts(page) and _kernel_idle(lab),
        RUN_ALL_S,
        "Run All Cells to finish",
        page,
    )

    # No cell raised: save, and read the error outputs from the file JupyterLab wrote.
    before = saved.stat().st_mtime_ns
    _menu(page, "File", "Save")
    _wait(lambda: saved.stat().st_mtime_ns != before and _saved_notebook(saved) is not None, 30,
          "the notebook to be saved", page)  # fmt: skip
    cells = [c for c in _saved_notebook(saved)["cells"] if c["cell_type"] == "code"]
    errors = [
        f"cell {i}: {o['ename']}: {o['evalue']}"
        for i, c in enumerate(cells)
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert errors == []
    assert all(c.get("execution_count") for c in cells), "Run All stopped before the last cell"

    # Every widget rendered: JupyterLab shows this text where a widget view failed.
    assert page.get_by_text("Error displaying widget").count() == 0
    app_output = page.locator(".jp-CodeCell", has_text=APP_CELL).locator(".jp-OutputArea")
    slider = app_output.locator(".widget-slider", has_text=SLIDER_LABEL)
    slider.scroll_into_view_if_needed()
    assert slider.count() == 1, "the playground's mean shift slider is not on the page"
    table = app_output.locator(".widget-html", has_text="No rows").or_(
        app_output.locator(".widget-html", has=page.locator("table"))
    )
    assert "baseline_drift_check" not in table.first.inner_text()  # the clean window

    # Move the slider with the keyboard, one step (0.25 σ) at a time, up to the target.
    handle = slider.locator(".noUi-handle")
    readout = slider.locator(".widget-readout")
    handle.focus()
    for _ in range(40):  # 3 σ / 0.25 σ = 12 steps at most; the bound only stops a runaway loop
        if readout.inner_text().strip() == SLIDER_TARGET:
            break
        handle.press("ArrowRight")
        page.wait_for_timeout(100)
    assert readout.inner_text().strip() == SLIDER_TARGET

    violations = app_output.locator("table.labkit-table")
    violations.filter(has_text="baseline_drift_check").wait_for(timeout=REACTION_S * 1000)
    feature = app_output.locator(".widget-dropdown select").first.input_value()
    fired = violations.locator("tr", has_text="baseline_drift_check").all_inner_texts()
    assert any(feature in row for row in fired)  # on the feature the slider shifted
    _wait(lambda: _kernel_idle(lab), REACTION_S, "the kernel to settle", page)

    folder = _screenshot_dir(tmp_path_factory)
    app_output.screenshot(path=folder / "01_data_quality_app.png")
    page.screenshot(path=folder / "01_jupyterlab.png")
    print(f"screenshots: {folder / '01_data_quality_app.png'}, {folder / '01_jupyterlab.png'}")


# -- what `make lab` opens, and every playground as a learner sees it ------------------------------

NEWS_TOAST = "official Jupyter news"  # JupyterLab 4's first-run question, which the launch turns off
PLAYGROUNDS_NOTEBOOK = "playgrounds_probe.ipynb"
BUILD_ALL_S = 300  # every app built in one kernel: about 30 s here, more on a loaded machine


def test_the_lab_opens_the_start_notebook_and_asks_nothing(lab, page, tmp_path_factory):
    page.goto(f"{lab.url}/?token={lab.token}")  # what a learner's browser opens
    assert page.url.split("?")[0].endswith("/lab/tree/00_start_here.ipynb")
    current = page.locator(".jp-mod-current.lm-TabBar-tab, .lm-mod-current.lm-TabBar-tab", has_text="00_start_here.ipynb")
    current.first.wait_for(timeout=60_000)  # the start notebook is the open, current document
    page.wait_for_timeout(5_000)  # the news question appears a moment after the page restores
    assert page.get_by_text(NEWS_TOAST).count() == 0
    page.screenshot(path=_screenshot_dir(tmp_path_factory) / "00_opened_by_make_lab.png")


def _notebook_kernel_idle(lab, path: str) -> bool:
    """The kernel of the session JupyterLab opened for ``path`` exists and is idle."""
    sessions = [s for s in lab.api("/api/sessions") if s.get("path", "").endswith(path)]
    return bool(sessions) and sessions[0]["kernel"]["execution_state"] == "idle"


def _playgrounds_notebook(folder: Path) -> list[str]:
    """A notebook that builds every playground as its notebook does and shows each in a cell."""
    from labkit.widgets import discover_apps

    names = list(discover_apps())
    build = (
        "from labkit import scenarios\n"
        "from labkit.widgets import build_app, discover_apps\n"
        "credit = scenarios.load_scenario('credit', seed=0)\n"
        "model = scenarios.train_model(credit)\n"
        "apps = {n: build_app(c, credit, model=model, use_widgets=True) for n, c in discover_apps().items()}"
    )
    cells = [build] + [f"# playground: {name}\napps[{name!r}]" for name in names]
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None} for c in cells],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / PLAYGROUNDS_NOTEBOOK).write_text(json.dumps(notebook))
    return names


MEASURE = """(output) => {
  const labels = [...new Set(output.querySelectorAll('.widget-label, .jupyter-widget-label'))]
    .filter(l => l.textContent.trim() && l.offsetParent !== null)
    .map(l => ({text: l.textContent.trim(), scroll: l.scrollWidth, client: l.clientWidth}));
  const tracks = [...output.querySelectorAll('.slider-container')].map(t => t.getBoundingClientRect().width);
  const images = [...output.querySelectorAll('img')].map(i => ({natural: i.naturalWidth, shown: i.getBoundingClientRect().width}));
  return {labels, tracks, images};
}"""


def test_every_playground_shows_full_labels_wide_sliders_and_unshrunk_figures(lab, laptop_page, tmp_path_factory):
    """At 1280 × 720 with the file browser open: no description cut, every slider track at
    least 300 px, every figure shown at its own size (so its 10 px text stays 10 px)."""
    page = laptop_page
    names = _playgrounds_notebook(lab.root)
    # A workspace of its own: only this notebook open, whatever earlier tests left open.
    page.goto(f"{lab.url}/lab/workspaces/playgrounds/tree/{PLAYGROUNDS_NOTEBOOK}?token={lab.token}")
    panel = page.locator(".jp-NotebookPanel", has=page.locator(".jp-CodeCell", has_text="# playground:"))
    panel.locator(".jp-CodeCell").first.wait_for(timeout=60_000)
    _wait(lambda: _notebook_kernel_idle(lab, PLAYGROUNDS_NOTEBOOK), 60, "the notebook's kernel to start", page)

    def prompts() -> list[str]:
        return [t.strip() for t in panel.locator(".jp-InputPrompt").all_inner_texts()]

    _menu(page, "Run", "Run All Cells")
    _wait(lambda: "[*]:" in prompts() or all(re.fullmatch(r"\[\d+\]:", p) for p in prompts()), 30,
          "execution to start", page)  # fmt: skip
    _wait(lambda: "[*]:" not in prompts() and _notebook_kernel_idle(lab, PLAYGROUNDS_NOTEBOOK), BUILD_ALL_S,
          "every playground", page)  # fmt: skip
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts()), prompts()
    folder = _screenshot_dir(tmp_path_factory)
    problems = []
    for name in names:
        output = panel.locator(".jp-CodeCell", has_text=f"# playground: {name}").locator(".jp-OutputArea")
        output.scroll_into_view_if_needed()
        output.locator("img").first.wait_for(timeout=30_000)
        page.wait_for_timeout(300)  # the image decodes
        assert output.get_by_text("Error displaying widget").count() == 0, name
        seen = output.evaluate(MEASURE)
        assert seen["labels"] and seen["images"], f"{name}: no controls or no figure on the page"
        problems += [f"{name}: {l['text']!r} cut ({l['scroll']} > {l['client']} px)" for l in seen["labels"] if l["scroll"] > l["client"]]
        problems += [f"{name}: a slider track of {w:.0f} px" for w in seen["tracks"] if w < 300]
        problems += [f"{name}: figure shown {i['shown']:.0f} of {i['natural']} px" for i in seen["images"] if i["shown"] < i["natural"] - 1]
    page.screenshot(path=folder / "playgrounds_at_1280x720.png")
    page.set_viewport_size({"width": 1280, "height": 2400})  # as wide, tall enough to see each app whole
    for name in names:
        output = panel.locator(".jp-CodeCell", has_text=f"# playground: {name}").locator(".jp-OutputArea")
        output.scroll_into_view_if_needed()
        output.screenshot(path=folder / f"playground_{name}.png")
    print(f"screenshots: {folder}")
    assert problems == []
