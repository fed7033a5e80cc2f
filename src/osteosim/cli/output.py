"""Output files of a run: the checked ``--out`` directory and the files written into it."""
from __future__ import annotations

import json
import os
from pathlib import Path


def _ordered_timeseries(df):
    """The time columns first (the contract's leading t_years, age; outcomes.columns), then the rest in model order."""
    from ..outcomes.columns import ordered

    return df[ordered(list(df.columns))]


def _result_files(result) -> dict[str, bytes]:
    """The three files of a run, rendered in memory (nothing touches the disk yet)."""
    from ..io_utils import to_jsonable
    from ..report.plots import plot_result
    from ..report.style import figure_png_bytes

    df = _ordered_timeseries(result.timeseries)
    csv = df.to_csv(index=False, float_format="%.10g").encode()
    summary = json.dumps(to_jsonable(result.summary), indent=2, allow_nan=False) + "\n"
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
