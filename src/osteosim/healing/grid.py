"""Cell-centred finite-volume grids of the fracture callus (non-dimensional lengths).

Two geometries, both with the fracture mid-plane at x = 0 (symmetry, no flux):

* ``line``: the 1-D axial line x in [0, W + reach]; the gap zone is x < W.  Radial supply
  (soft-tissue MSCs, cortex-end and periosteal GFs) is lumped into exchange terms on chosen
  cells (reference dossier section 5.2, item 2).
* ``planar``: the 2-D quarter callus of Bailon-Plaza 2001 on a masked uniform grid: the
  intercortical gap 0 < x < W, -T < y < 0 and the external callus, a quarter ellipse with
  semi-axes (W + reach, R) on the periosteal surface y = 0.  Boundary faces are classified as
  cortex end (chondrogenic GF), periosteum (osteogenic GF beyond x > W + offset), soft
  tissue (MSCs) or no-flux (symmetry plane, marrow side).  Dirichlet values enter through
  half-cell fluxes (section 5.2, item 3); staircase boundaries make the scheme first order.

The grid spacing is chosen so that the half-gap W and the cortex thickness T are whole
numbers of cells: ``h_target`` 0.04 (coarse) or 0.02 (fine) is rounded to W / n.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["Grid", "Exchange", "line_grid", "planar_grid", "GRID_SPACING"]

#: target cell size (non-dimensional) of the named resolutions
GRID_SPACING = {"coarse": 0.04, "fine": 0.02}


@dataclass(frozen=True)
class Exchange:
    """Cells that exchange with an outside value: rate_i = coef_i * (u_out - u_i) [1/time per unit D].

    For Dirichlet boundaries of the planar grid coef_i = face area / (distance to the face *
    cell volume), multiplied by the field's diffusivity in the model; for the lumped line it is
    1 and the model multiplies by a fitted exchange rate.
    """

    cells: np.ndarray  # (k,) int
    coef: np.ndarray   # (k,) float


@dataclass(frozen=True)
class Grid:
    kind: str                    # "line" | "planar"
    volume: np.ndarray           # (n,) cell volumes (length^dim)
    centers: np.ndarray          # (n, dim) cell centres
    face_i: np.ndarray           # (nf,) int, one cell of each interior face
    face_j: np.ndarray           # (nf,) int, the other cell
    face_area: np.ndarray        # (nf,)
    face_dist: np.ndarray        # (nf,) centre-to-centre distance
    gap: np.ndarray              # (n,) bool: cells of the intercortical gap
    msc_source: Exchange         # soft-tissue MSC supply
    gc_source: Exchange          # cortex-end chondrogenic GF release
    gb_source: Exchange          # periosteal osteogenic GF release
    half_gap: float              # W
    h: tuple[float, ...]         # cell size per axis
    image_shape: tuple[int, ...]  # (nx,) or (ny, nx) of the bounding box
    image_index: np.ndarray      # (n,) flat index of each cell in the bounding-box image

    @property
    def n(self) -> int:
        return int(self.volume.size)

    @property
    def lumped(self) -> bool:
        return self.kind == "line"

    def incidence(self) -> sp.csr_matrix:
        """(n, nf) matrix S with +1 at face_i, -1 at face_j: d(total)/dt of cell = -(S @ F) for fluxes F i->j."""
        nf = self.face_i.size
        rows = np.concatenate([self.face_i, self.face_j])
        cols = np.concatenate([np.arange(nf), np.arange(nf)])
        vals = np.concatenate([np.ones(nf), -np.ones(nf)])
        return sp.csr_matrix((vals, (rows, cols)), shape=(self.n, nf))

    def to_image(self, values: np.ndarray) -> np.ndarray:
        """(..., n) cell values -> (..., *image_shape) array with NaN outside the callus."""
        values = np.asarray(values, dtype=float)
        out = np.full(values.shape[:-1] + (int(np.prod(self.image_shape)),), np.nan)
        out[..., self.image_index] = values
        return out.reshape(values.shape[:-1] + self.image_shape)


def _cells_across(length: float, h_target: float) -> int:
    return max(2, int(round(length / h_target)))


def line_grid(half_gap: float, reach: float, gf_offset: float, resolution: str | float = "coarse") -> Grid:
    """1-D axial line [0, W + reach] with lumped supply (MSC everywhere, g_C in the gap, g_B past W + offset)."""
    h_target = GRID_SPACING[resolution] if isinstance(resolution, str) else float(resolution)
    h = half_gap / _cells_across(half_gap, h_target)
    n = int(round((half_gap + reach) / h))
    x = (np.arange(n) + 0.5) * h
    idx = np.arange(n)
    gap = x < half_gap
    per = x > half_gap + gf_offset
    ones = np.ones(n)
    return Grid(
        kind="line",
        volume=np.full(n, h),
        centers=x[:, None],
        face_i=idx[:-1], face_j=idx[1:],
        face_area=np.ones(n - 1), face_dist=np.full(n - 1, h),
        gap=gap,
        msc_source=Exchange(idx, ones),
        gc_source=Exchange(idx[gap], ones[gap]),
        gb_source=Exchange(idx[per], ones[per]),
        half_gap=half_gap, h=(h,), image_shape=(n,), image_index=idx,
    )


def planar_grid(half_gap: float, reach: float, radial: float, cortex: float, gf_offset: float,
                resolution: str | float = "coarse") -> Grid:
    """2-D planar quarter callus (x axial, y radial; cortex below y = 0 for x > W)."""
    h_target = GRID_SPACING[resolution] if isinstance(resolution, str) else float(resolution)
    hx = half_gap / _cells_across(half_gap, h_target)
    hy = cortex / _cells_across(cortex, h_target)
    a, b = half_gap + reach, radial
    nx = int(np.ceil(a / hx))
    ny_c = int(round(cortex / hy))
    ny = ny_c + int(np.ceil(b / hy))
    xc = (np.arange(nx) + 0.5) * hx
    yc = (np.arange(ny) - ny_c + 0.5) * hy
    X, Y = np.meshgrid(xc, yc)  # (ny, nx)
    in_gap = (Y < 0) & (X < half_gap)
    in_callus = (Y > 0) & ((X / a) ** 2 + (Y / b) ** 2 <= 1.0)
    active = in_gap | in_callus
    number = -np.ones((ny, nx), dtype=int)
    number[active] = np.arange(int(active.sum()))
    n = int(active.sum())

    fi, fj, fa, fd = [], [], [], []
    src: dict[str, tuple[list[int], list[float]]] = {"msc": ([], []), "gc": ([], []), "gb": ([], [])}
    vol = hx * hy
    for iy, ix in zip(*np.nonzero(active)):
        c = number[iy, ix]
        # east and north neighbours give the interior faces once each; every side is checked for boundaries
        for dy, dx, area, dist in ((0, 1, hy, hx), (1, 0, hx, hy), (0, -1, hy, hx), (-1, 0, hx, hy)):
            jy, jx = iy + dy, ix + dx
            inside = 0 <= jy < ny and 0 <= jx < nx and active[jy, jx]
            if inside:
                if dx > 0 or dy > 0:
                    fi.append(c), fj.append(number[jy, jx]), fa.append(area), fd.append(dist)
                continue
            if dx < 0:
                continue  # x = 0: symmetry plane
            coef = area / (0.5 * dist * vol)
            y_nb = yc[jy] if 0 <= jy < ny else np.inf
            if dx > 0 and Y[iy, ix] < 0:
                kind = "gc"  # cortex fracture face
            elif dy < 0 and Y[iy, ix] < 0:
                kind = None  # marrow side of the gap: no flux
            elif dy < 0 and y_nb < 0:
                # periosteal surface; osteogenic GF released beyond the offset
                kind = "gb" if X[iy, ix] > half_gap + gf_offset else None
            else:
                kind = "msc"  # soft tissue outside the ellipse
            if kind is not None:
                src[kind][0].append(c), src[kind][1].append(coef)

    def ex(k: str) -> Exchange:
        return Exchange(np.asarray(src[k][0], dtype=int), np.asarray(src[k][1], dtype=float))

    flat = np.ravel_multi_index(np.nonzero(active), (ny, nx))
    return Grid(
        kind="planar",
        volume=np.full(n, vol),
        centers=np.column_stack([X[active], Y[active]]),
        face_i=np.asarray(fi, dtype=int), face_j=np.asarray(fj, dtype=int),
        face_area=np.asarray(fa, dtype=float), face_dist=np.asarray(fd, dtype=float),
        gap=in_gap[active],
        msc_source=ex("msc"), gc_source=ex("gc"), gb_source=ex("gb"),
        half_gap=half_gap, h=(hx, hy), image_shape=(ny, nx), image_index=flat,
    )
