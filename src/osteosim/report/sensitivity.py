"""Figures of a sensitivity analysis: a tornado of the main index, and Sobol S1/ST bars with intervals.

Input is the tidy index table of :class:`osteosim.analysis.Sensitivity` (``indices_``, or the
CSV it writes): columns ``parameter`` and either ``S1, S1_conf, ST, ST_conf`` (Sobol) or
``mu_star, mu_star_conf, mu, sigma`` (Morris).  Figures are matplotlib ``Figure`` objects on the
Agg canvas (:mod:`.style`); this module reads only the table, so the report renders a saved run too.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from matplotlib.backends.backend_agg import FigureCanvasAgg

from .style import NON_SITE_COLORS

__all__ = ["index_method", "plot_tornado", "plot_sobol_bars", "plot_sensitivity", "render_sensitivity_report"]

_S1, _ST = NON_SITE_COLORS[0], NON_SITE_COLORS[1]
_INCREASE, _DECREASE = "#d62728", "#1f77b4"


def index_method(table: pd.DataFrame) -> str:
    """``sobol`` or ``morris`` from the table's columns."""
    if {"S1", "ST"} <= set(table.columns):
        return "sobol"
    if "mu_star" in table.columns:
        return "morris"
    raise ValueError(f"table: columns {list(table.columns)} are neither Sobol (S1, ST) nor Morris (mu_star) indices")


def _figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas; constrained layout fits long parameter names (a figure of 1-2 panels)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _height(rows: int) -> float:
    return max(2.6, 0.36 * rows + 1.5)


def _ordered(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Most important at the top of a horizontal bar chart (matplotlib draws the first row at the bottom)."""
    return table.sort_values(key, ascending=True, kind="stable").reset_index(drop=True)


def plot_tornado(table: pd.DataFrame, ax=None, title: str = "", max_rows: int = 20):
    """Tornado: one horizontal bar per parameter, longest on top; Sobol ST, or Morris mu* coloured by the
    direction of mu (red: raising the parameter raises the output) with its bootstrap interval."""
    method = index_method(table)
    key, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    t = _ordered(table.nlargest(max_rows, key), key)
    if ax is None:
        ax = _figure(6.4, _height(len(t))).add_subplot()
    y = np.arange(len(t))
    if method == "morris":
        colors = [_INCREASE if m >= 0 else _DECREASE for m in t["mu"]]
    else:
        colors = [_ST] * len(t)
    ax.barh(y, t[key], xerr=t[conf], color=colors, alpha=0.85, error_kw={"lw": 0.8, "capsize": 2})
    ax.set_yticks(y, t["parameter"], fontsize=8)
    ax.axvline(0.0, color="k", lw=0.6)
    ax.set_xlabel("total-order index ST (share of variance, with interactions)" if method == "sobol" else
                  "mu* (mean |elementary effect|, per full range)", fontsize=8)
    if method == "morris":
        ax.text(0.99, 0.01, "red: output rises with the parameter (mu > 0); blue: falls", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=7, color="0.35")
    ax.set_title(title or ("Sobol total-order indices" if method == "sobol" else "Morris screening"), fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_sobol_bars(table: pd.DataFrame, ax=None, title: str = "", max_rows: int = 20):
    """First-order S1 and total ST side by side per parameter, with their confidence intervals."""
    if index_method(table) != "sobol":
        raise ValueError("table: Sobol bars need S1 and ST columns (a Sobol analysis)")
    t = table.nlargest(max_rows, "ST").reset_index(drop=True)
    if ax is None:
        ax = _figure(max(4.0, 0.8 * len(t) + 2.0), 3.6).add_subplot()
    x = np.arange(len(t))
    w = 0.38
    ax.bar(x - w / 2, t["S1"], w, yerr=t["S1_conf"], color=_S1, label="S1 (first order)", capsize=2)
    ax.bar(x + w / 2, t["ST"], w, yerr=t["ST_conf"], color=_ST, label="ST (total order)", capsize=2)
    ax.set_xticks(x, t["parameter"], rotation=30, ha="right", fontsize=8)
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set_ylabel("share of output variance", fontsize=8)
    ax.set_title(title or "Sobol indices (95 % bootstrap intervals)", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_sensitivity(table: pd.DataFrame, title: str = "") -> Figure:
    """The report figure: the tornado, and for Sobol the S1/ST bars beside it."""
    method = index_method(table)
    n = 2 if method == "sobol" else 1
    fig = _figure(6.4 * n, max(3.6, _height(min(len(table), 20))))
    axes = fig.subplots(1, n, squeeze=False)[0]
    plot_tornado(table, axes[0])
    if n == 2:
        plot_sobol_bars(table, axes[1])
    if title:
        import textwrap

        fig.suptitle(textwrap.fill(title, width=int(13 * 6.4 * n)), fontsize=10)  # ~13 characters per inch
    return fig


def render_sensitivity_report(summary: dict, table: pd.DataFrame) -> str:
    """report.html of a sensitivity analysis (one self-contained file): the figure inline, the index
    table, the ranges and why, the references (template ``report/templates/sensitivity.html.j2``)."""
    import base64

    from .style import figure_png_bytes
    from .templating import render

    png = base64.b64encode(figure_png_bytes(plot_sensitivity(table), dpi=90)).decode()
    method = index_method(table)
    columns = ["parameter", "rank", *(("S1", "S1_conf", "ST", "ST_conf") if method == "sobol"
                                      else ("mu_star", "mu_star_conf", "mu", "sigma"))]
    return render("sensitivity.html.j2", title=f"Sensitivity of {summary['output']['output']}", summary=summary,
                  figure_png=f"data:image/png;base64,{png}", columns=columns,
                  rows=table.to_dict(orient="records"), citations=summary.get("citations", []))
