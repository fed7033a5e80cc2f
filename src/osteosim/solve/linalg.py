"""The Rosenbrock solver's linear systems ``M = I/(h gamma) - J``: a block-bordered LU that follows
the model's declared :class:`~osteosim.models.base.BlockStructure`, or batched LAPACK without one.

Why a home-made LU: Osteosim's 22 states are 3 site blocks of 6 that couple only through 4 shared
states, so M is block-bordered.  Factoring the three 6x6 blocks, then the 4x4 Schur complement of
the shared states, and solving by block substitution takes 3*6^3/3 + 4^3/3 flops instead of
22^3/3, and needs no LAPACK call per patient: 1.5x the solver's throughput against batched LAPACK
in the engine study (/work/shared/reference/engine-study.md, Q2, recommendation 4; measured again
in benchmarks/rosenbrock.py).

No pivoting: for the Osteosim matrices at h gamma from 1e-2 to 1e6 days the unpivoted block
LU matches LAPACK to ~1e-15 relative (tests/solve/test_linalg.py checks 1e-12 on real Osteosim
matrices at several patients, ages and h gamma).  For small h gamma, M is dominated by its
diagonal 1/(h gamma); for large h gamma it is -J, whose diagonal (cell death and relaxation
rates) dominates each site block.  A model whose blocks are not like that must not declare a
structure (it then gets the pivoted LAPACK LU).

All loops are static and short (over the rows of one 6x6 block or of the 4x4 Schur
complement); every operation acts on arrays with the blocks on one axis and any leading batch
axes (patients) in front, so the traced graph stays small (a fully unrolled scalar 22x22 LU took
211 s to compile, engine study Q1) and vmap over patients applies unchanged.

Shapes: ``n`` states, ``nb`` blocks of ``b`` states, ``g`` coupling states; ``...`` any batch axes.
"""
from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jax.scipy.linalg import lu_factor, lu_solve

from ..models.base import BlockStructure

__all__ = ["BlockMatrix", "BlockLU", "blocks_of", "factor", "shifted", "solve"]

Array = jnp.ndarray


class BlockMatrix(NamedTuple):
    """A block-bordered matrix in solver order (blocks, then coupling states)."""

    a: Array  # (..., nb, b, b) the diagonal blocks
    bc: Array  # (..., nb, b, g) block rows, coupling columns
    cb: Array  # (..., nb, g, b) coupling rows, block columns
    d: Array  # (..., g, g) coupling rows and columns


class BlockLU(NamedTuple):
    """The block-bordered factorisation of a :class:`BlockMatrix`."""

    a_lu: Array  # (..., nb, b, b) unpivoted LU of each block (unit L below the diagonal, U on and above)
    w: Array  # (..., nb, b, g) A_k^-1 B_k
    cb: Array  # (..., nb, g, b) C_k
    s_lu: Array  # (..., g, g) unpivoted LU of the Schur complement D - sum_k C_k A_k^-1 B_k


def _is_identity(order: np.ndarray) -> bool:
    return bool(np.array_equal(order, np.arange(order.size)))


def blocks_of(m: Array, structure: BlockStructure) -> BlockMatrix:
    """The pieces of a dense (..., n, n) matrix that the structure says can be nonzero."""
    order = structure.order
    if not _is_identity(order):
        m = m[..., order[:, None], order]
    nb, b = len(structure.blocks), len(structure.blocks[0])
    nbb = nb * b
    batch = m.shape[:-2]
    a = jnp.stack([m[..., k * b:(k + 1) * b, k * b:(k + 1) * b] for k in range(nb)], axis=-3)
    bc = m[..., :nbb, nbb:].reshape(batch + (nb, b, -1))
    cb = jnp.moveaxis(m[..., nbb:, :nbb].reshape(batch + (-1, nb, b)), -2, -3)
    return BlockMatrix(a, bc, cb, m[..., nbb:, nbb:])


def shifted(jac: Array | BlockMatrix, shift: Array) -> Array | BlockMatrix:
    """``shift * I - J``: the Rosenbrock matrix (shift = 1/(h gamma)) from J: (..., n, n) dense or
    its :class:`BlockMatrix`; shift: (...)."""
    s = jnp.asarray(shift)[..., None, None]
    if not isinstance(jac, BlockMatrix):
        return s * jnp.eye(jac.shape[-1], dtype=jac.dtype) - jac
    eye_b = jnp.eye(jac.a.shape[-1], dtype=jac.a.dtype)
    eye_g = jnp.eye(jac.d.shape[-1], dtype=jac.d.dtype)
    return BlockMatrix(s[..., None, :, :] * eye_b - jac.a, -jac.bc, -jac.cb, s * eye_g - jac.d)


def _lu_nopivot(a: Array) -> Array:
    """(..., m, m) -> packed unpivoted LU (..., m, m); column-by-column elimination."""
    m = a.shape[-1]
    for k in range(m - 1):
        col = a[..., k + 1:, k] / a[..., k, k, None]
        a = a.at[..., k + 1:, k].set(col)
        a = a.at[..., k + 1:, k + 1:].add(-col[..., :, None] * a[..., k, None, k + 1:])
    return a


def _lu_solve_nopivot(lu: Array, x: Array) -> Array:
    """Solve L U z = x; lu: (..., m, m) packed; x: (..., m, r) -> (..., m, r)."""
    m = lu.shape[-1]
    for j in range(m - 1):  # forward: unit lower L
        x = x.at[..., j + 1:, :].add(-lu[..., j + 1:, j, None] * x[..., j, None, :])
    for j in reversed(range(m)):  # backward: U
        xj = x[..., j, :] / lu[..., j, j, None]
        x = x.at[..., j, :].set(xj)
        if j:
            x = x.at[..., :j, :].add(-lu[..., :j, j, None] * xj[..., None, :])
    return x


def _factor_blocks(mb: BlockMatrix) -> BlockLU:
    a_lu = _lu_nopivot(mb.a)
    w = _lu_solve_nopivot(a_lu, mb.bc)  # (..., nb, b, g)
    # Schur complement: D - sum_k C_k W_k (elementwise products: tiny dims, no dot calls)
    s = mb.d - jnp.sum(mb.cb[..., :, :, :, None] * w[..., :, None, :, :], axis=(-4, -2))
    return BlockLU(a_lu, w, mb.cb, _lu_nopivot(s))


def _solve_blocks(fac: BlockLU, r: Array) -> Array:
    """r: (..., n) in solver order -> (..., n) in solver order."""
    nb, b = fac.a_lu.shape[-3], fac.a_lu.shape[-1]
    nbb = nb * b
    ra = r[..., :nbb].reshape(r.shape[:-1] + (nb, b))
    ya = _lu_solve_nopivot(fac.a_lu, ra[..., None])[..., 0]  # (..., nb, b)
    rg = r[..., nbb:] - jnp.sum(fac.cb * ya[..., :, None, :], axis=(-3, -1))  # (..., g)
    xg = _lu_solve_nopivot(fac.s_lu, rg[..., None])[..., 0]
    xa = ya - jnp.sum(fac.w * xg[..., None, None, :], axis=-1)
    return jnp.concatenate([xa.reshape(r.shape[:-1] + (nbb,)), xg], axis=-1)


def factor(m: Array | BlockMatrix, structure: BlockStructure | None):
    """Factor M: (..., n, n) dense, or its :class:`BlockMatrix` when ``structure`` is given.

    Returns the factorisation for :func:`solve`: a :class:`BlockLU` with a structure, else the
    pivoted LAPACK ``(lu, piv)`` of the dense matrix.
    """
    if structure is None:
        return lu_factor(m)
    mb = m if isinstance(m, BlockMatrix) else blocks_of(m, structure)
    return _factor_blocks(mb)


def solve(fac, r: Array, structure: BlockStructure | None) -> Array:
    """Solve M x = r for x; r: (..., n) in model order -> (..., n) in model order."""
    if structure is None:
        return lu_solve(fac, r)
    order = structure.order
    if _is_identity(order):
        return _solve_blocks(fac, r)
    x = _solve_blocks(fac, r[..., order])
    return x[..., np.argsort(order)]
