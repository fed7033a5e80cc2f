"""Figure output (report.style): panel titles are pinned only where matplotlib would leave them (same pixels)."""
import numpy as np
import pytest

from osteosim.report import style
from osteosim.report.style import figure_png_bytes, new_figure

TITLE = "a panel title long enough to reach over the left end of its axes, where an offset text sits"


def _figure(offset: bool):
    """Two panels; with ``offset`` the first one's y axis shows an offset text (values 1e6 + 50..60)."""
    fig, axes = new_figure(2)
    x = np.linspace(50.0, 60.0, 30)
    for i, ax in enumerate(axes):
        ax.plot(x, 1e6 + x if offset and i == 0 else np.sin(x))
        ax.set_title(TITLE, fontsize=10)
    return fig


@pytest.mark.parametrize("offset", [False, True])
def test_pinned_titles_draw_the_same_pixels(monkeypatch, offset):
    pinned = figure_png_bytes(_figure(offset))
    monkeypatch.setattr(style, "_pin_titles", lambda fig: None)
    assert figure_png_bytes(_figure(offset)) == pinned


def test_a_panel_with_an_offset_text_keeps_the_automatic_title(monkeypatch):
    fig = _figure(offset=True)
    figure_png_bytes(fig)
    assert [getattr(ax, "_autotitlepos", None) is False for ax in fig.axes] == [False, True]
    # pinned anyway, its title would overlap the offset text: matplotlib moves it up
    def pin_all(fig):
        for ax in fig.axes:
            ax.title.set_y(1.0)
            ax._autotitlepos = False

    auto = figure_png_bytes(_figure(offset=True))
    monkeypatch.setattr(style, "_pin_titles", pin_all)
    assert figure_png_bytes(_figure(offset=True)) != auto
