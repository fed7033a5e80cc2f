"""Pictures of a healing course: PNG snapshots, a time-course plot and an animated GIF.

Every picture is rendered in memory (matplotlib's object API with the Agg canvas, no global
pyplot state) and :func:`write_outputs` publishes the whole output folder atomically
(:func:`osteosim.io_utils.atomic_output_dir`).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import imageio.v3 as iio
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..io_utils import atomic_output_dir, to_jsonable
from .model import FIELDS

__all__ = ["snapshot_figure", "timecourse_figure", "gif_bytes", "render_outputs", "write_outputs", "snapshot_weeks"]

_SHOWN = (("m_B", "bone matrix m_B"), ("m_C", "cartilage / soft matrix m_C"), ("c_M", "MSC density c_M"))


def _png(fig: Figure, dpi: int = 80) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


class _Snapshot:
    """One figure (matrix and MSC densities: 2-D maps or 1-D profiles) re-drawn for each time index."""

    def __init__(self, result):
        self.result = result
        grid = result.grid
        self.fig = Figure(figsize=(10.5, 3.2))
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(1, len(_SHOWN))
        self.artists = []
        for ax, (name, label) in zip(axes, _SHOWN):
            data = result.fields[name][0]
            if grid.kind == "planar":
                hx, hy = grid.h
                ny, nx = grid.image_shape
                y0 = float(grid.centers[:, 1].min()) - 0.5 * hy
                art = ax.imshow(data, origin="lower", vmin=0.0, vmax=1.0, cmap="viridis",
                                extent=(0.0, nx * hx, y0, y0 + ny * hy))
                ax.axvline(grid.half_gap, color="w", lw=0.6, ls=":")
                ax.set_xlabel("axial x (length units)")
                ax.set_ylabel("radial y")
                self.fig.colorbar(art, ax=ax, fraction=0.046)
            else:
                (art,) = ax.plot(grid.centers[:, 0], data)
                ax.axvspan(0.0, grid.half_gap, color="0.9")
                ax.set_ylim(-0.02, 1.05)
                ax.set_xlabel("axial x (length units); shaded: gap")
            ax.set_title(label, fontsize=9)
            self.artists.append((name, art))
        self.title = self.fig.suptitle("", fontsize=10)
        self.fig.tight_layout()

    def show(self, k: int) -> Figure:
        for name, art in self.artists:
            data = self.result.fields[name][k]
            if self.result.grid.kind == "planar":
                art.set_data(data)
            else:
                art.set_ydata(data)
        self.title.set_text(f"week {self.result.times_weeks[k]:.1f}")
        return self.fig


def snapshot_figure(result, k: int) -> Figure:
    """Matrix and MSC densities at output time index k (2-D maps or 1-D profiles)."""
    return _Snapshot(result).show(k)


def timecourse_figure(result) -> Figure:
    """Tissue fractions of the callus and the gap-mean bone matrix over time, with the union time."""
    s = result.summary
    weeks = np.asarray(s["times_weeks"])
    fig = Figure(figsize=(6.5, 3.8))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for tissue in ("bone", "cartilage", "soft"):
        ax.plot(weeks, s["tissue_fractions"][tissue], label=f"{tissue} fraction")
    ax.plot(weeks, s["gap_mean"]["m_B"], "k--", label="gap-mean m_B")
    ax.axhline(s["union_bone_threshold"], color="0.6", lw=0.8)
    if s["time_to_union_weeks"] is not None:
        ax.axvline(s["time_to_union_weeks"], color="k", lw=0.8)
        ax.set_title(f"union at {s['time_to_union_weeks']:.1f} weeks", fontsize=10)
    else:
        ax.set_title(f"no union by week {weeks[-1]:.0f} ({s['outcome']})", fontsize=10)
    ax.set_xlabel("weeks after fracture")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def snapshot_weeks(result, n: int = 5) -> list[int]:
    """Output indices of n snapshots spread over the course (first and last included)."""
    nt = len(result.times_weeks)
    return sorted(set(np.linspace(0, nt - 1, min(n, nt)).round().astype(int).tolist()))


def gif_bytes(result, max_frames: int = 40, dpi: int = 60) -> bytes:
    """Animated GIF of the snapshots over the course.

    Axes, labels and colour bars are drawn once; each frame only re-draws the data artists
    and the title over that background (blitting), which is ~50x faster than full redraws.
    """
    nt = len(result.times_weeks)
    idx = sorted(set(np.linspace(0, nt - 1, min(max_frames, nt)).round().astype(int).tolist()))
    snap = _Snapshot(result)
    fig = snap.fig
    fig.set_dpi(dpi)
    moving = [art for _, art in snap.artists] + [snap.title]
    for art in moving:
        art.set_animated(True)
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    frames = []
    for k in idx:
        snap.show(k)
        canvas.restore_region(background)
        for art in moving:
            fig.draw_artist(art)
        frames.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return iio.imwrite("<bytes>", np.stack(frames), extension=".gif", duration=200, loop=0)


def render_outputs(result) -> dict[str, bytes]:
    """All output files in memory: summary.json, fields.npz, timecourse.png, snapshot_week_*.png, callus.gif."""
    files: dict[str, bytes] = {}
    files["summary.json"] = (json.dumps(to_jsonable(result.summary), indent=2, allow_nan=False) + "\n").encode()
    buf = io.BytesIO()
    np.savez_compressed(buf, times_weeks=result.times_weeks, **{k: result.fields[k] for k in FIELDS})
    files["fields.npz"] = buf.getvalue()
    files["timecourse.png"] = _png(timecourse_figure(result))
    snap = _Snapshot(result)
    for k in snapshot_weeks(result):
        files[f"snapshot_week_{result.times_weeks[k]:05.1f}.png"] = _png(snap.show(k))
    files["callus.gif"] = gif_bytes(result)
    return files


def write_outputs(result, out_dir: str | Path) -> list[str]:
    """Render everything, then publish ``out_dir`` atomically; returns the file names."""
    files = render_outputs(result)
    with atomic_output_dir(out_dir) as tmp:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
    return sorted(files)
