"""The Bailon-Plaza & van der Meulen (2001) callus model on a finite-volume grid (non-dimensional).

Fields (each scaled by its maximum; ``FIELDS`` order is the state layout, field-major):
``c_M`` MSCs, ``c_C`` chondrocytes, ``c_B`` osteoblasts, ``m_C`` cartilage/soft matrix,
``m_B`` bone matrix, ``g_C`` chondrogenic GF, ``g_B`` osteogenic GF.  Time is in units of
``time_scale_days`` and length in units of ``length_scale_mm`` (parameter set
``BailonPlaza2001``).  With m = m_C + m_B::

    d c_M/dt = -div(-D_M(m) grad c_M + s chi(m) c_M grad m) + A_M(m) c_M (1 - a_M c_M) - (F1 + F2) c_M
    d c_C/dt = A_C(m) c_C (1 - a_C c_C) + F2 c_M - F3 c_C
    d c_B/dt = A_B(m) c_B (1 - a_B c_B) + F1 c_M + F3 c_C - d_B c_B
    d m_C/dt = P_CS (1 - k_C m_C) (c_C [+ c_M]) - Q_CD m_C c_B
    d m_B/dt = P_BS (1 - k_B m_B) c_B
    d g_C/dt = D_GC lap g_C + E_GC(g_C, m) c_C - d_GC g_C
    d g_B/dt = D_GB lap g_B + E_GB(g_B) c_B - d_GB g_B

plus boundary (planar) or lumped (line) supply: MSCs from the soft tissue while t < t_msc_window,
GFs from the cortex ends and periosteum while t < t_gf_window.  ``s`` = +1 moves MSCs up the
matrix gradient (the paper); the cartilage source includes c_M by default (the public code,
and the dossier's reference runs), with ``cartilage_from_msc=False`` for chondrocytes only.

Fluxes: face-averaged motility, first-order upwind haptotaxis (cells move with the face
velocity s chi(m_f) grad m from the upwind cell) and central GF diffusion.  Every flux out of a
cell is proportional to that cell's density, so the semi-discrete system is quasi-positive
(a zero component never has a negative rate); reaction rates use u+ = max(u, 0) inside the
saturating laws so round-off undershoots of the implicit integrator cannot create
singularities.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .grid import Grid

__all__ = ["FIELDS", "HealingModel"]

FIELDS = ("c_M", "c_C", "c_B", "m_C", "m_B", "g_C", "g_B")
NF = len(FIELDS)
CM, CC, CB, MC, MB, GC, GB = range(NF)


@dataclass
class HealingModel:
    """Right-hand side, Jacobian pattern and budgets of one callus on one grid.

    ``p`` holds the non-dimensional parameter values (names of ``BailonPlaza2001``).  The
    switches turn off the endogenous MSC supply (atrophic non-union), the GF sources,
    reactions or transport (for tests), reverse haptotaxis and pick the cartilage source.
    """

    grid: Grid
    p: dict[str, float]
    msc_supply: bool = True
    gc_supply: bool = True
    gb_supply: bool = True
    reactions_on: bool = True
    transport_on: bool = True
    haptotaxis_sign: float = 1.0
    cartilage_from_msc: bool = True
    _S: sp.csr_matrix = field(init=False, repr=False)

    def __post_init__(self) -> None:
        g = self.grid
        self._S = g.incidence()
        self._tf = g.face_area / g.face_dist  # (nf,) transmissibility per unit D
        p = self.p
        # exchange coefficients (1/time): planar = D * geometric factor, line = fitted rate
        if g.lumped:
            self._k_msc = p["k_msc_line"] * g.msc_source.coef
            self._k_gc = p["k_gf_line"] * g.gc_source.coef
            self._k_gb = p["k_gf_line"] * g.gb_source.coef
        else:
            self._k_msc = g.msc_source.coef  # x D_M(m_i), which changes in time
            self._k_gc = p["D_GC"] * g.gc_source.coef
            self._k_gb = p["D_GB"] * g.gb_source.coef

    # ------------------------------------------------------------------ pieces
    def initial_state(self) -> np.ndarray:
        """(7, n): soft initial matrix m_C = m_initial, everything else 0."""
        u = np.zeros((NF, self.grid.n))
        u[MC] = self.p["m_initial"]
        return u

    def motility(self, m: np.ndarray) -> np.ndarray:
        p = self.p
        return p["D_h"] * m / (p["K_h"] ** 2 + m * m)

    def fluxes(self, u: np.ndarray) -> np.ndarray:
        """(3, nf) face fluxes i -> j of c_M, g_C and g_B (amount per time)."""
        g, p = self.grid, self.p
        i, j = g.face_i, g.face_j
        m = np.maximum(u[MC] + u[MB], 0.0)
        d_m = self.motility(m)
        c = u[CM]
        mf = 0.5 * (m[i] + m[j])
        chi = p["C_k"] / (p["K_k"] + mf) ** 2
        v = self.haptotaxis_sign * chi * (m[j] - m[i]) / g.face_dist  # velocity i -> j
        f_c = g.face_area * (np.maximum(v, 0.0) * c[i] + np.minimum(v, 0.0) * c[j])
        f_c += 0.5 * (d_m[i] + d_m[j]) * self._tf * (c[i] - c[j])
        f_gc = p["D_GC"] * self._tf * (u[GC, i] - u[GC, j])
        f_gb = p["D_GB"] * self._tf * (u[GB, i] - u[GB, j])
        return np.stack([f_c, f_gc, f_gb])

    def transport(self, u: np.ndarray) -> np.ndarray:
        """(7, n) rate of change from interior fluxes; sum(volume * rate) = 0 exactly per field."""
        out = np.zeros_like(u)
        div = -(self._S @ self.fluxes(u).T).T / self.grid.volume
        out[CM], out[GC], out[GB] = div
        return out

    def supply(self, u: np.ndarray, msc_open: bool, gf_open: bool) -> np.ndarray:
        """(7, n) boundary (planar) or lumped (line) supply while the windows are open."""
        g, p = self.grid, self.p
        out = np.zeros_like(u)
        if msc_open and self.msc_supply and g.msc_source.cells.size:
            cells = g.msc_source.cells
            k = self._k_msc
            if not g.lumped:
                k = k * self.motility(np.maximum(u[MC, cells] + u[MB, cells], 0.0))
            out[CM, cells] += k * (p["c_M_boundary"] - u[CM, cells])
        if gf_open:
            if self.gc_supply and g.gc_source.cells.size:
                cells = g.gc_source.cells
                out[GC, cells] += self._k_gc * (p["g_C_boundary"] - u[GC, cells])
            if self.gb_supply and g.gb_source.cells.size:
                cells = g.gb_source.cells
                out[GB, cells] += self._k_gb * (p["g_B_boundary"] - u[GB, cells])
        return out

    def reactions(self, u: np.ndarray) -> np.ndarray:
        """(7, n) local rate laws of Bailon-Plaza 2001 (section 1.3 of the dossier)."""
        p = self.p
        cm, cc, cb, mc, mb, gc, gb = u
        up = np.maximum(u, 0.0)
        m = up[MC] + up[MB]
        gcp, gbp, mcp = up[GC], up[GB], up[MC]

        def prolif(a0: str, k: str) -> np.ndarray:
            return p[a0] * m / (p[k] ** 2 + m * m)

        f1 = p["Y1"] * gbp / (p["H1"] + gbp)
        f2 = p["Y2"] * gcp / (p["H2"] + gcp)
        mc6 = mcp ** 6
        f3 = p["Y3"] * mc6 / (p["B_ec"] ** 6 + mc6) * gbp / (p["H3"] + gbp)
        e_gc = p["G_GC"] * gcp / (p["H_GC"] + gcp) * m / (p["K_GC"] ** 3 + m ** 3)
        e_gb = p["G_GB"] * gbp / (p["H_GB"] + gbp)
        makers = cc + cm if self.cartilage_from_msc else cc
        out = np.empty_like(u)
        out[CM] = prolif("A_M0", "K_M") * cm * (1.0 - p["alpha_M"] * cm) - (f1 + f2) * cm
        out[CC] = prolif("A_C0", "K_C") * cc * (1.0 - p["alpha_C"] * cc) + f2 * cm - f3 * cc
        out[CB] = prolif("A_B0", "K_B") * cb * (1.0 - p["alpha_B"] * cb) + f1 * cm + f3 * cc - p["d_B"] * cb
        out[MC] = p["P_CS"] * (1.0 - p["kappa_C"] * mc) * makers - p["Q_CD"] * mc * cb
        out[MB] = p["P_BS"] * (1.0 - p["kappa_B"] * mb) * cb
        out[GC] = e_gc * cc - p["d_GC"] * gc
        out[GB] = e_gb * cb - p["d_GB"] * gb
        return out

    # ------------------------------------------------------------------ the ODE
    def rhs_factory(self, msc_open: bool, gf_open: bool):
        """f(t, y) for a time segment in which the supply windows do not change (y flat, field-major)."""
        shape = (NF, self.grid.n)

        def f(_t: float, y: np.ndarray) -> np.ndarray:
            u = y.reshape(shape)
            du = self.supply(u, msc_open, gf_open)
            if self.transport_on:
                du += self.transport(u)
            if self.reactions_on:
                du += self.reactions(u)
            return du.ravel()

        return f

    def jac_sparsity(self) -> sp.csr_matrix:
        """Pattern of d(rhs)/d(y): full 7x7 coupling within a cell, c_M <- (c_M, m_C, m_B) and g <- g across faces."""
        n = self.grid.n
        eye = sp.identity(n, format="csr")
        adj = sp.csr_matrix((np.ones(self.grid.face_i.size), (self.grid.face_i, self.grid.face_j)), shape=(n, n))
        near = ((adj + adj.T + eye) > 0).astype(float)
        blocks = [[eye if self.reactions_on else None for _ in range(NF)] for _ in range(NF)]
        for r in range(NF):
            blocks[r][r] = eye
        for col in (CM, MC, MB):
            blocks[CM][col] = near
        blocks[GC][GC] = near
        blocks[GB][GB] = near
        return sp.bmat(blocks, format="csr")

    # ------------------------------------------------------------------ budgets
    def totals(self, u: np.ndarray) -> np.ndarray:
        """(7,) domain integrals of each field."""
        return u @ self.grid.volume

    def budget(self, u: np.ndarray, msc_open: bool, gf_open: bool) -> dict[str, np.ndarray]:
        """(7,) terms of d(total)/dt: interior transport (0 to round-off), boundary inflow, reactions."""
        vol = self.grid.volume
        return {
            "transport": self.transport(u) @ vol,
            "inflow": self.supply(u, msc_open, gf_open) @ vol,
            "reactions": self.reactions(u) @ vol,
        }
