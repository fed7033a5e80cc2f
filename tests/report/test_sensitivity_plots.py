"""Sensitivity figures and report: bar order and lengths follow the index table; the report shows the table."""
import pandas as pd
import pytest

from osteosim.report.sensitivity import (index_method, plot_sensitivity, plot_sobol_bars, plot_tornado,
                                         render_sensitivity_report)
from osteosim.report.style import figure_png_bytes

SOBOL = pd.DataFrame({"parameter": ["a", "b", "c"], "S1": [0.5, 0.1, 0.3], "S1_conf": [0.05, 0.02, 0.04],
                      "ST": [0.6, 0.1, 0.35], "ST_conf": [0.06, 0.02, 0.05]})
MORRIS = pd.DataFrame({"parameter": ["a", "b"], "mu_star": [1.0, 3.0], "mu_star_conf": [0.1, 0.2],
                       "mu": [-1.0, 3.0], "sigma": [0.1, 0.5]})


def _bars(ax):
    """(label, width or height) of each bar, bottom to top / left to right."""
    return [p for p in ax.patches]


def test_tornado_puts_the_largest_index_on_top():
    ax = plot_tornado(SOBOL)
    widths = [p.get_width() for p in _bars(ax)]
    assert widths == [0.1, 0.35, 0.6]  # matplotlib draws the first row at the bottom
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "c", "a"]


def test_morris_tornado_colours_by_direction():
    ax = plot_tornado(MORRIS)
    bars = _bars(ax)
    assert [p.get_width() for p in bars] == [1.0, 3.0]
    up, down = bars[1].get_facecolor(), bars[0].get_facecolor()  # b: mu > 0, a: mu < 0
    assert up != down and up[0] > up[2] and down[2] > down[0]  # red vs blue


def test_sobol_bars_show_s1_and_st_per_parameter():
    ax = plot_sobol_bars(SOBOL)
    heights = [p.get_height() for p in _bars(ax)]
    assert heights == [0.5, 0.3, 0.1, 0.6, 0.35, 0.1]  # S1 then ST, parameters by ST
    with pytest.raises(ValueError, match="Sobol bars need S1 and ST"):
        plot_sobol_bars(MORRIS)


def test_method_from_columns():
    assert index_method(SOBOL) == "sobol" and index_method(MORRIS) == "morris"
    with pytest.raises(ValueError, match="neither Sobol"):
        index_method(pd.DataFrame({"parameter": ["a"], "x": [1.0]}))


def test_figure_and_report():
    assert len(plot_sensitivity(SOBOL).axes) == 2 and len(plot_sensitivity(MORRIS).axes) == 1
    assert figure_png_bytes(plot_sensitivity(SOBOL))[:4] == b"\x89PNG"
    summary = {"output": {"output": "ctx(2)", "unit": "% of baseline", "description": "serum CTX"},
               "target": "Osteosim, <b>x</b>", "method": "sobol", "design": "d", "seed": 1, "runs": 40,
               "seconds": {"total": 1.0}, "meaning": "S1: ...", "censored_runs": 0,
               "parameters": [{"parameter": "a", "low": 0.0, "high": 1.0, "nominal": 0.5, "unit": "1",
                               "distribution": "uniform", "range_source": "given by the user"}],
               "output_summary": {"mean": 1.0, "sd": 0.1, "min": 0.8, "max": 1.2},
               "citations": [{"key": "Saltelli2010", "reference": "Saltelli A et al. 2010."}]}
    html = render_sensitivity_report(summary, SOBOL)
    assert "Sensitivity of ctx(2)" in html and "&lt;b&gt;x&lt;/b&gt;" in html  # autoescaped
    assert html.count("<tr>") >= 1 + 3 + 2 and "given by the user" in html and "Saltelli2010" in html
