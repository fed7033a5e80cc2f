"""Outcome measures of a healing course: tissue classes, means, bridging (union) time.

Tissue classes per cell (dossier section 5.4): **bone** m_B > 0.5; **cartilage** m_C > 0.5
and m_B <= 0.5; otherwise **soft** (granulation/fibrous).  Fractions are volume-weighted
over the whole callus.  **Union** (bridging): the gap-mean bone matrix density reaches
``union_bone_threshold`` (0.5 of mature bone matrix); its time is found by the
integrator's event location, not by sampling.
"""
from __future__ import annotations

import numpy as np

from .grid import Grid
from .model import MB, MC

__all__ = ["tissue_fractions", "region_mean", "gap_mean_bone", "outcome", "TISSUES"]

TISSUES = ("bone", "cartilage", "soft")


def tissue_fractions(u: np.ndarray, grid: Grid) -> dict[str, np.ndarray]:
    """u (..., 7, n) -> {tissue: (...) volume fraction of the callus}."""
    mb, mc = u[..., MB, :], u[..., MC, :]
    bone = mb > 0.5
    cart = (mc > 0.5) & ~bone
    w = grid.volume / grid.volume.sum()
    return {"bone": bone @ w, "cartilage": cart @ w, "soft": (~bone & ~cart) @ w}


def region_mean(u: np.ndarray, grid: Grid, mask: np.ndarray | None = None) -> np.ndarray:
    """u (..., 7, n) -> (..., 7) volume-weighted mean over the masked cells (all when None)."""
    w = grid.volume if mask is None else grid.volume * mask
    return u @ (w / w.sum())


def gap_mean_bone(y: np.ndarray, grid: Grid) -> float:
    """Gap-mean m_B of a flat state (the union event function adds the threshold)."""
    n = grid.n
    w = grid.volume * grid.gap
    return float(y[MB * n:(MB + 1) * n] @ w / w.sum())


def outcome(final_fractions: dict[str, float], united: bool) -> str:
    """'union', or the majority class of a non-union: 'cartilaginous_nonunion' / 'fibrous_nonunion'."""
    if united:
        return "union"
    return "cartilaginous_nonunion" if final_fractions["cartilage"] >= final_fractions["soft"] else "fibrous_nonunion"
