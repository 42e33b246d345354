"""Every figure of the kit is readable at 100 % zoom: no text under 10 px, no figure JupyterLab shrinks.

A text of s points in a PNG of FIGURE_DPI pixels per inch is s × FIGURE_DPI / 72 pixels high
when the browser shows the PNG at its own size; ``tests/browser`` checks that JupyterLab does.
Each figure is drawn the way its notebook or playground draws it, then every text in it
(tick labels included, which exist only after a draw) is measured.
"""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.text import Text

from labkit import ab_testing, drift_grid, drift_statistics, performance_estimation, plots, scenarios, simulation
from labkit.plots import model_bias as bias_plots
from labkit.plots import data_quality as dq_plots
from labkit.plots import model_quality as mq_plots
from labkit.plots import workflow as workflow_plots
from labkit.widgets import build_app, discover_apps


def _too_small(fig) -> list[str]:
    """The visible, non-empty texts of ``fig`` drawn under MIN_TEXT_PX, with their size."""
    fig.canvas.draw()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts, "a figure without any text measures nothing"
    return [
        f"{t.get_text()!r}: {plots.text_px(t, fig.dpi):.1f} px"
        for t in texts
        if plots.text_px(t, fig.dpi) < plots.MIN_TEXT_PX
    ]


def _readable(fig) -> None:
    assert fig.dpi == plots.FIGURE_DPI
    assert fig.get_figwidth() <= plots.FIGURE_WIDTH_MAX_IN + 1e-9
    assert _too_small(fig) == []


@pytest.fixture(scope="module")
def model(credit):
    return scenarios.train_model(credit)


@pytest.mark.parametrize("name", list(discover_apps()))
def test_every_playground_figure(name, credit, model):
    app = build_app(discover_apps()[name], credit, model=model)
    _readable(app.figure)


def test_a_smaller_font_is_caught():
    fig, ax = plots.new_figure(4, 3)
    ax.text(0.5, 0.5, "x-small note", fontsize="x-small")
    assert _too_small(fig) == ["'x-small note': 9.6 px"]


def test_a_wider_figure_is_scaled_to_fit_keeping_its_shape():
    fig, _ = plots.new_figure(12, 3.0)
    assert fig.get_figwidth() == plots.FIGURE_WIDTH_MAX_IN
    assert fig.get_figheight() == pytest.approx(3.0 * plots.FIGURE_WIDTH_MAX_IN / 12)


def test_notebook_01_static_figures(credit):
    sweep = drift_statistics.sample_size_sweep("credit", "income", 0.05, [100, 1_000], seed=0)
    fig, (left, right) = plots.new_figure(10, 3.4, ncols=2)
    dq_plots.verdicts_by_sample_size(left, right, sweep)
    _readable(fig)


def test_notebook_02_static_figures(credit, housing, model):
    scored = drift_grid.score_window(credit, model, credit.baseline)
    fig, axes = plots.new_figure(10, 3.4, ncols=2)
    covariate = drift_grid.inject_drift(housing, housing.window, feature="sqft", covariate_shift_sd=2.0, seed=0)
    concept = drift_grid.inject_drift(housing, housing.window, concept_shift=1.0, seed=0)
    mq_plots.two_kinds_of_drift(axes, housing.baseline, covariate, concept, feature="sqft", target="price")
    _readable(fig)

    fig, axes = plots.new_figure(10, 3.4, ncols=2)
    mq_plots.calibration(axes[0], performance_estimation.calibration_table(scored["probability"], scored["default"]))
    estimates = [performance_estimation.estimate_accuracy(scored["probability"])] * 2
    mq_plots.estimate_vs_realised(axes[1], ["clean", "drifted"], estimates, [0.8, 0.7])
    _readable(fig)

    from labkit import data_quality, model_quality

    suggested = model_quality.suggest_baseline(scored, problem_type="BinaryClassification", label="default",
                                               prediction="prediction", probability="probability")  # fmt: skip
    grid = drift_grid.run_drift_grid(
        credit, model, credit.window, data_quality_baseline=data_quality.suggest_baseline(credit.baseline[list(credit.features)]),
        model_quality_baseline=drift_grid.review_constraints(suggested, {"accuracy": 0.05}), feature="age",
        covariate_shift_sd=2.0, concept_shift=1.0, seed=0,
    )  # fmt: skip
    fig, ax = plots.new_figure(8, 3.6)
    mq_plots.drift_grid(ax, grid)
    _readable(fig)


def test_notebook_03_static_figure(credit, model):
    app = build_app(discover_apps()["BiasDriftApp"], credit, model=model)
    report = app.set(false_positive_pct=70).hours[-1].report
    fig, ax = plots.new_figure(8, 5.5)
    bias_plots.intervals_vs_allowed_ranges(ax, report.to_frame(), title="group d = 18-25: interval C vs allowed range A")
    _readable(fig)


def test_notebook_05_static_figures(credit, model):
    fig, ax = plots.new_figure(10, 2.6)
    workflow_plots.workflow_diagram(ax)
    _readable(fig)

    result = simulation.simulate(credit, drift=simulation.DriftSchedule(12), days=1, outage_hours=(2, 3), seed=0)
    _readable(workflow_plots.timeline_figure(result))

    variants = [ab_testing.ProductionVariant("Variant1", model, 1), ab_testing.ProductionVariant("Variant2", model, 1)]
    requests = credit.window.assign(variant=ab_testing.route_requests(len(credit.window), variants, seed=0))
    scored = [drift_grid.score_window(credit, model, requests[requests["variant"] == v.variant_name]) for v in variants]
    outcomes = pd.concat(scored).assign(correct=lambda d: d["prediction"] == d["default"])
    ab = ab_testing.compare_variants(outcomes, control="Variant1", challenger="Variant2", weights={"Variant1": 1, "Variant2": 1})
    fig, ax = plots.new_figure(6, 3)
    workflow_plots.ab_test(ax, ab)
    _readable(fig)


def test_a_cell_ending_with_a_plot_call_shows_only_the_figure(credit):
    from IPython.core.formatters import DisplayFormatter

    fig, ax = plots.new_figure(4, 3)
    view = dq_plots.feature_histograms(ax, credit.baseline["age"], credit.window["age"])
    assert view.artists  # what a playground moves
    assert DisplayFormatter().format(view) == ({}, {})  # and nothing printed for it in a notebook
