"""Output files of a run: the checked ``--out`` directory and the files written into it."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path


def _ordered_timeseries(df):
    """The time columns first (the contract's leading t_years, age; outcomes.columns), then the rest in model order."""
    from ..outcomes.columns import ordered

    return df[ordered(list(df.columns))]


def _warm_plotting() -> None:
    """Import the plotting stack and draw a throwaway figure (fonts loaded, text shaped once)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..report import plots  # noqa: F401  (with it pandas and the report's panels)

    fig = Figure(figsize=(2, 1.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0.0, 1.0], [0.0, 1.0])
    ax.set_title("warm-up 0.5 (g/cm²)", fontsize=10)
    fig.canvas.draw()


def prepare_result_files() -> threading.Thread:
    """Start warming the plotting stack in a background thread, while the run is solved.

    Why: a warm ``osteosim simulate`` spent ~0.6 s importing matplotlib and loading fonts after
    its solve, and the solve mostly runs outside the GIL (loading the compiled executable from
    the cache, then XLA), so the two overlap on a second core.  The thread only imports and draws
    its own figure: the files are the same (:func:`_result_files` joins it before plotting).
    """
    def run() -> None:
        try:
            # the solve's first lowering sets up jax's LAPACK, which imports scipy.linalg (~0.2 s): started
            # here it overlaps the main thread's scenario work (measured: warm simulate 3.36 -> 3.22 s,
            # medians of 4 x 3 interleaved runs of benchmarks/first_answer.py --only cli, 2026-12-06)
            import scipy.linalg.cython_lapack  # noqa: F401
            _warm_plotting()
        except Exception:  # only a warm-up: a real problem shows in _result_files itself
            pass

    thread = threading.Thread(target=run, name="osteosim-warm-plotting", daemon=True)
    thread.start()
    return thread


def _result_files(result, warming: threading.Thread | None = None) -> dict[str, bytes]:
    """The three files of a run, rendered in memory (nothing touches the disk yet).

    ``warming``: the thread of :func:`prepare_result_files`, waited for before plotting (matplotlib
    is not thread-safe).
    """
    from ..io_utils import to_jsonable
    from ..report.plots import plot_result
    from ..report.style import figure_png_bytes

    df = _ordered_timeseries(result.timeseries)
    csv = df.to_csv(index=False, float_format="%.10g").encode()
    summary = json.dumps(to_jsonable(result.summary), indent=2, allow_nan=False) + "\n"
    if warming is not None:
        warming.join()
    png = figure_png_bytes(plot_result(result))
    return {"timeseries.csv": csv, "summary.json": summary.encode(), "plot.png": png}


def _write_files(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _check_out(out: Path) -> Path:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: {out} exists and is not a directory")
    anc = out.parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if anc.exists() and not anc.is_dir():
        raise ValueError(f"--out: {anc} is not a directory")
    if anc.exists() and not os.access(anc, os.W_OK):
        raise ValueError(f"--out: {anc} is not writable")
    return out


def _references_line(summary: dict, summary_path: Path) -> str:
    """After a run: how many references it used and the command that lists them in full."""
    return (f"references used: {len(summary.get('citations', []))} "
            f"(in full: osteosim citations {summary_path})")
