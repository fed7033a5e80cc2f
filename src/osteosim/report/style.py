"""Figure styling and output: WHO band and site colours, labels, the figure canvas, saving.

Colours and labels come from the declarations (:mod:`osteosim.physiology.sites`,
:mod:`osteosim.physiology.who`); figures are ``matplotlib.figure.Figure`` on the Agg canvas
(no pyplot, no global state: safe in a web server thread, never opens a window).
"""
from __future__ import annotations

import io
import math
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..io_utils import atomic_write_bytes
from ..physiology.sites import SITE_TABLE
from ..physiology.who import NORMAL_MIN_TSCORE, OSTEOPOROSIS_MAX_TSCORE, WHO_CATEGORIES

__all__ = ["WHO_COLORS", "WHO_BANDS", "SITE_LABELS", "SITE_COLORS", "SITE_ABBR", "NON_SITE_COLORS", "LINESTYLES",
           "new_figure", "shade_who", "figure_png_bytes", "save_figure"]

#: colour of each WHO category (physiology.who) in figures and reports
WHO_COLORS = {"normal": "#2ca02c", "osteopenia": "#ff7f0e", "osteoporosis": "#d62728"}
#: WHO densitometric categories by T-score: (label, low, high, colour)
WHO_BANDS = tuple((label, lo, hi, WHO_COLORS[label]) for label, lo, hi in WHO_CATEGORIES)

#: site labels inside a sentence, colours and abbreviations (physiology.sites)
SITE_LABELS = {s.name: s.lower_label for s in SITE_TABLE}
SITE_COLORS = {s.name: s.color for s in SITE_TABLE}
SITE_ABBR = {s.name: s.abbr for s in SITE_TABLE}

#: line colours when a panel's lines are not sites, and line styles per quantity when they are
NON_SITE_COLORS = ("#2ca02c", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e", "#d62728", "#000000")
LINESTYLES = ("-", "--", ":", "-.")


def _grid(n: int) -> tuple[int, int]:
    if n <= 1:
        return 1, 1
    ncols = 2 if n <= 6 else 3
    return math.ceil(n / ncols), ncols


def new_figure(n: int, width: float = 5.4, height: float = 3.3) -> tuple[Figure, list]:
    nrows, ncols = _grid(max(n, 1))
    fig = Figure(figsize=(width * ncols, height * nrows + 0.5))
    FigureCanvasAgg(fig)
    # fixed margins: constrained layout doubled the time to draw a 10-panel figure (1.1 s -> 0.6 s)
    top = 1.0 - 0.75 / (height * nrows + 0.5)
    fig.subplots_adjust(left=0.065, right=0.985, bottom=0.05, top=top, hspace=0.38, wspace=0.26)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def shade_who(ax, lo: float, hi: float) -> None:
    ymin = min(lo - 0.3, -3.2)
    ymax = max(hi + 0.3, 0.5)
    for label, a, b, color in WHO_BANDS:
        ax.axhspan(max(a, ymin), min(b, ymax), color=color, alpha=0.10, lw=0, zorder=0)
        mid = (max(a, ymin) + min(b, ymax)) / 2
        ax.text(1.0, mid, f" {label}", transform=ax.get_yaxis_transform(), va="center", ha="right",
                fontsize=7, color=color, alpha=0.9)
    ax.axhline(NORMAL_MIN_TSCORE, color=WHO_COLORS["osteopenia"], lw=0.6, ls="--", alpha=0.6)
    ax.axhline(OSTEOPOROSIS_MAX_TSCORE, color=WHO_COLORS["osteoporosis"], lw=0.6, ls="--", alpha=0.6)
    ax.set_ylim(ymin, ymax)



def _pin_titles(fig: Figure) -> None:
    """Fix each panel's title at the top of its axes where matplotlib would place it there anyway.

    Why: at every draw matplotlib keeps a title clear of the y axis' offset text (the "1e6" above
    the axis) by laying out all of the panel's y tick labels first, which the axis' own draw then
    does again: 0.2 s of the 10-panel plot.png (a fifth of drawing it).  Without an offset text and
    without ticks or a label on top the title stays at y = 1, so it is put there (same pixels);
    panels with an offset text keep the automatic placement.
    """
    for ax in fig.axes:
        if not ax.get_visible() or ax.child_axes or not ax.get_title() or getattr(ax, "_autotitlepos", None) is False:
            continue
        if ax.xaxis.get_ticks_position() in ("top", "unknown") or ax.xaxis.get_label_position() == "top":
            continue
        formatter = ax.yaxis.get_major_formatter()
        formatter.format_ticks(ax.yaxis.get_majorticklocs())  # what the draw computes first
        if not formatter.get_offset():
            ax.title.set_y(1.0)
            ax._autotitlepos = False  # as ax.set_title(..., y=1.0) would, without resetting the title's font


def figure_png_bytes(fig: Figure, dpi: int = 80, fmt: str = "png") -> bytes:
    _pin_titles(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()


def save_figure(fig: Figure, path: str | Path, dpi: int = 80) -> Path:
    """Save atomically; the format follows the suffix (png when none)."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    return atomic_write_bytes(path, figure_png_bytes(fig, dpi=dpi, fmt=fmt))
