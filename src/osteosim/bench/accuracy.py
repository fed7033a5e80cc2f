"""Error of an engine's trajectories against the tight-tolerance reference."""
from __future__ import annotations

import numpy as np


def rel_err(ys: np.ndarray, ref: np.ndarray, floor: np.ndarray) -> float:
    """max |y - y_ref| / max(|y_ref|, floor) over patients, save times and states."""
    den = np.maximum(np.abs(ref), floor)
    with np.errstate(invalid="ignore"):
        e = np.abs(ys - ref) / den
    return float(np.nanmax(e)) if np.all(np.isfinite(ys)) else float("inf")
