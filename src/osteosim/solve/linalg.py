"""The Rosenbrock solver's linear systems ``M = I/(h gamma) - J``: a block-bordered LU that follows
the model's declared :class:`~osteosim.models.base.BlockStructure`, or batched LAPACK without one.

Why a home-made LU: Osteosim's 44 states are 4 site blocks of 10 that couple only through 4 shared
states, so M is block-bordered; and 2 states of each site (rs, conn) are *downstream*: no rate but
their own reads them (``BlockStructure.downstream``), so their columns of M are zero off the
diagonal and, in solver order (core blocks, shared states, downstream states), M is block lower
triangular.  Factoring the four 8x8 core blocks, then the 4x4 Schur complement of the shared states,
solving by block substitution and then each downstream state by one division,
``x_d = (r_d + J_dc x_c) / (1/(h gamma) - J_dd)``, takes 4*8^3/3 + 4^3/3 flops instead of 44^3/3
(4*10^3/3 + 4^3/3 with rs and conn in the blocks), and needs no LAPACK call per patient.  Their
Jacobian columns come from ONE forward direction for all 8, and the site columns that no shared
state reads (oca, fat, bvc, minc: ``BlockStructure.read_by_coupling``) from one direction per
state for all four sites: 25 forward directions instead of 44 (:func:`jacobian`).

Measured at 44 states, the machine shared with other sessions (benchmarks/rosenbrock.py
--structures 2048, 256 lanes, rtol 1e-5, the two interleaved in one process, same patients; results
in benchmarks/results/rosenbrock_structures.md): the whole Rodas5P solve with the downstream states
1.24x faster wall and 1.25x in CPU time (3,953 -> 3,172 CPU us per patient; a second run 1.21x and
1.15x) than with rs and conn factored in blocks of 10 and all 44 columns forward, the same steps
(56.9 lane-steps per patient), results within 1.8e-12 relative; sharing the unread site columns'
directions (37 -> 25) then gave another 1.08x wall, 1.06x CPU (a third run, load ~4: 231, 273 and
295 patients/s; 4,034, 3,387 and 3,189 CPU us per patient for blocks of 10, + downstream, + shared
columns).  Per step (benchmarks/rosenbrock_step.py 256, f + d f/d y + d f/d t, the LU and 8 solves,
per lane; results/rosenbrock_step_44states.md): 30.8 us with blocks of 10 and jacfwd, 20.3 us with
the downstream states, before the shared columns (batched LAPACK 56.1 us).

Earlier, at 40 states (benchmarks/rosenbrock_step.py, 256 lanes, f + jacfwd + d f/d t, the LU of
I/(h gamma) - J and the 8 stage solves, per lane): batched LAPACK 31.6 us, these kernels under a
plain vmap (patients leading) 23.1 us, with patients on the minor axis (the custom batching rule
below) 18.4 us (at 22 states: 10.1, 8.0 and 5.2-5.9 us for the LU and solves alone; a whole Rodas5P
solve of the bench cohort 1.2x faster than with LAPACK, benchmarks/rosenbrock_linalg.py; results in
benchmarks/results/rosenbrock_linalg.md).  A Jacobian compressed by the same structure (9 forward
directions for the sites' columns, 4 for the shared ones and 4 reverse for the shared rows instead
of 40 forward; benchmarks/rosenbrock_step.py) equals jacfwd to rounding and is 1.3x faster in that
step benchmark (14.1 vs 18.4 us), but a whole solve with it measured 1.12x slower (1,024 bench
patients, 256 lanes, the two interleaved in one process: 1.35 vs 1.21 s; the reverse passes inside
the step loop cost more than they save), so the solver keeps forward directions only.

No pivoting: a measured property, not a proven one.  On 20 Osteosim matrices of the scaled
system (4 patients, with and without denosumab/romosozumab, ages 30-80, states perturbed off the
reference) the unpivoted block LU differs from LAPACK's pivoted LU by at most 3.4e-16 (h gamma =
1e-2), 1.7e-15 (1e2) and 2.9e-14 (1e6) relative, at condition numbers up to 2e5, i.e. within
LAPACK's own rounding; the site blocks are NOT diagonally dominant for h gamma >= 0.1, so that is
not the reason.  tests/solve/test_linalg.py checks 1e-12 across h gamma 1e-2..1e6.  A model that
declares a structure whose blocks need pivoting would get wrong answers: check it the same way.
(An exactly zero pivot gives a non-finite step, which the solver rejects, retrying with a smaller
h, where M tends to I/(h gamma).)  The downstream states' pivots 1/(h gamma) - J_dd are the
diagonal entries themselves (no elimination); for rs (-1/T_F) and conn (minus the perforation
rate and its increase with conn: thinner struts perforate more) J_dd <= 0, so they are never below
1/(h gamma).

All loops are static and short (over the rows of one 8x8 core block or of the 4x4 Schur
complement); every operation acts on whole arrays with the blocks on one axis, so the traced graph
stays small (a fully unrolled scalar 22x22 LU took 211 s to compile, engine study Q1).

Layout: :func:`factor` and :func:`solve` take ONE system (the solver vmaps them over patients);
under ``jax.vmap`` a custom batching rule moves the patients to the last (minor, contiguous) axis,
so each elementwise row operation runs over all patients at once.

Shapes: ``n`` states, ``nb`` blocks of ``b`` states, ``g`` coupling states; the private helpers
take any batch axes LAST (``...`` trailing).
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.linalg import lu_factor, lu_solve

from ..models.base import BlockStructure

__all__ = ["BlockMatrix", "BlockLU", "blocks_of", "factor", "jacobian", "shifted", "solve"]

Array = jnp.ndarray


class BlockMatrix(NamedTuple):
    """A block-bordered matrix in solver order (core blocks, coupling states, then the blocks'
    downstream states); one system.  ``b`` counts a block's core states, ``q`` its downstream ones
    (the ``d*`` fields are None when the structure declares none)."""

    a: Array  # (nb, b, b) the diagonal blocks
    bc: Array  # (nb, b, g) block rows, coupling columns
    cb: Array  # (nb, g, b) coupling rows, block columns
    d: Array  # (g, g) coupling rows and columns
    da: Array | None = None  # (nb, q, b) downstream rows, their own block's core columns
    dg: Array | None = None  # (nb, q, g) downstream rows, coupling columns
    dd: Array | None = None  # (nb, q) the downstream states' diagonal (every other entry of their columns is 0)


class BlockLU(NamedTuple):
    """The block-bordered factorisation of a :class:`BlockMatrix` (one system)."""

    a_lu: Array  # (nb, b, b) unpivoted LU of each block (unit L below the diagonal, U on and above)
    w: Array  # (nb, b, g) A_k^-1 B_k
    cb: Array  # (nb, g, b) C_k
    s_lu: Array  # (g, g) unpivoted LU of the Schur complement D - sum_k C_k A_k^-1 B_k
    da: Array | None = None  # the BlockMatrix's downstream pieces, for the substitution
    dg: Array | None = None
    dd: Array | None = None


def _is_identity(order: np.ndarray) -> bool:
    return bool(np.array_equal(order, np.arange(order.size)))


def _sizes(structure: BlockStructure) -> tuple[int, int, int, int]:
    """(nb, b, g, q): blocks, core states per block, coupling states, downstream states per block."""
    return (len(structure.blocks), len(structure.core_blocks[0]), len(structure.coupling),
            len(structure.block_downstream[0]))


def _pieces(mc: Array, diag: Array | None, structure: BlockStructure) -> BlockMatrix:
    """The :class:`BlockMatrix` from ``mc`` (n, n_core): every row, the core columns, both in
    solver order, and ``diag`` (nb * q,): the downstream states' diagonal entries (None if q = 0)."""
    nb, b, g, q = _sizes(structure)
    nbb = nb * b
    a = jnp.stack([mc[k * b:(k + 1) * b, k * b:(k + 1) * b] for k in range(nb)])
    bc = mc[:nbb, nbb:nbb + g].reshape(nb, b, g)
    cb = jnp.swapaxes(mc[nbb:nbb + g, :nbb].reshape(g, nb, b), 0, 1)
    d = mc[nbb:nbb + g, nbb:nbb + g]
    if not q:
        return BlockMatrix(a, bc, cb, d)
    rows = mc[nbb + g:].reshape(nb, q, nbb + g)  # downstream rows of block k: its core columns and the coupling
    da = jnp.stack([rows[k, :, k * b:(k + 1) * b] for k in range(nb)])
    return BlockMatrix(a, bc, cb, d, da, rows[:, :, nbb:], diag.reshape(nb, q))


def blocks_of(m: Array, structure: BlockStructure) -> BlockMatrix:
    """The pieces of a dense (n, n) matrix that the structure says can be nonzero."""
    order = structure.order
    if not _is_identity(order):
        m = m[order[:, None], order]
    n_core = m.shape[0] - len(structure.downstream)
    return _pieces(m[:, :n_core], jnp.diagonal(m)[n_core:] if structure.downstream else None, structure)


def jacobian(f, y: Array, structure: BlockStructure) -> BlockMatrix:
    """d f/d y of one system at y (f: (n,) -> (n,)) as the :class:`BlockMatrix` of ``structure``,
    from forward directions only: one per core column, except ONE per core position that no coupling
    row reads (that column of every block at once: ``BlockStructure.read_by_coupling``), plus ONE
    along the sum of the downstream unit vectors.

    Why the shared directions are exact: a direction's tangent is the sum of its columns.  The
    downstream one: each downstream column is zero off its diagonal (no rate but its own reads a
    downstream state, which is what ``downstream`` declares), so row i of the sum is J[i, i] for a
    downstream i and 0 for every other row: the diagonal block J_dd.  A core position j's: block
    k's rows (core and downstream) read no other block, so they see block k's column j alone, and
    the coupling rows read none of them (declared), so they are 0 there.  No term of another column
    enters (those are exact zeros in the forward pass, so adding them changes no bit).  Without
    these declarations: one forward direction per column, as ``jax.jacfwd``.
    """
    n = y.shape[0]
    order = structure.order
    nb, b, g, q = _sizes(structure)
    nbb, n_core = nb * b, nb * b + g
    shared = set(structure.unread_positions)
    seeds, src = [], np.zeros(n_core, int)  # src: the direction that gives each core column (solver order)
    for j in range(b):
        for k in range(nb):
            if j not in shared or k == 0:
                seeds.append([])
            seeds[-1].append(order[k * b + j])
            src[k * b + j] = len(seeds) - 1
    for c in range(g):
        src[nbb + c] = len(seeds)
        seeds.append([order[nbb + c]])
    if q:
        seeds.append(list(structure.downstream))
    seed_mat = np.zeros((len(seeds), n))
    for i, idx in enumerate(seeds):
        seed_mat[i, idx] = 1.0
    cols = jax.vmap(lambda v: jax.jvp(f, (y,), (v,))[1])(jnp.asarray(seed_mat, y.dtype))  # cols[i] = J @ seeds[i]
    mc = cols[src].T[order]  # (n, n_core): rows and core columns in solver order
    if shared:  # a shared direction's coupling rows hold the sum over the blocks, declared 0 for each
        keep = np.ones((n, n_core), bool)
        keep[nbb:n_core, [k * b + j for j in shared for k in range(nb)]] = False
        mc = jnp.where(keep, mc, 0.0)
    return _pieces(mc, cols[-1][order[n_core:]] if q else None, structure)


def shifted(jac: Array | BlockMatrix, shift: Array) -> Array | BlockMatrix:
    """``shift * I - J``: the Rosenbrock matrix (shift = 1/(h gamma)) from J: (n, n) dense or
    its :class:`BlockMatrix`; shift: a scalar."""
    if not isinstance(jac, BlockMatrix):
        return shift * jnp.eye(jac.shape[-1], dtype=jac.dtype) - jac
    eye_b = jnp.eye(jac.a.shape[-1], dtype=jac.a.dtype)
    eye_g = jnp.eye(jac.d.shape[-1], dtype=jac.d.dtype)
    core = (shift * eye_b - jac.a, -jac.bc, -jac.cb, shift * eye_g - jac.d)
    if jac.dd is None:
        return BlockMatrix(*core)
    return BlockMatrix(*core, -jac.da, -jac.dg, shift - jac.dd)


# --- the batch-last kernels (leading axes as documented, then any batch axes) --------------------
def _lu_nopivot(a: Array) -> Array:
    """(nb, m, m, ...) -> packed unpivoted LU of each (m, m) matrix; column-by-column elimination."""
    m = a.shape[1]
    for k in range(m - 1):
        col = a[:, k + 1:, k] / a[:, k, None, k]
        a = a.at[:, k + 1:, k].set(col)
        a = a.at[:, k + 1:, k + 1:].add(-col[:, :, None] * a[:, k, None, k + 1:])
    return a


def _lu_solve_nopivot(lu: Array, x: Array) -> Array:
    """Solve L U z = x; lu: (nb, m, m, ...) packed; x: (nb, m, r, ...) -> (nb, m, r, ...)."""
    m = lu.shape[1]
    for j in range(m - 1):  # forward: unit lower L
        x = x.at[:, j + 1:].add(-lu[:, j + 1:, j, None] * x[:, j, None])
    for j in reversed(range(m)):  # backward: U
        xj = x[:, j] / lu[:, j, None, j]
        x = x.at[:, j].set(xj)
        if j:
            x = x.at[:, :j].add(-lu[:, :j, j, None] * xj[:, None])
    return x


def _factor_blocks(mb: BlockMatrix) -> BlockLU:
    a_lu = _lu_nopivot(mb.a)
    w = _lu_solve_nopivot(a_lu, mb.bc)  # (nb, b, g, ...)
    # Schur complement D - sum_k C_k W_k (elementwise products: tiny dims, no dot calls)
    s = mb.d - jnp.sum(mb.cb[:, :, :, None] * w[:, None, :, :], axis=(0, 2))
    return BlockLU(a_lu, w, mb.cb, _lu_nopivot(s[None])[0], mb.da, mb.dg, mb.dd)


def _solve_blocks(fac: BlockLU, r: Array) -> Array:
    """r: (n, ...) in solver order -> (n, ...) in solver order.

    The core states by block substitution, then the downstream ones: their rows of M x = r are
    M_dc x_c + M_dd x_d = r_d with M_dd diagonal (nothing else reads them), so
    x_d = (r_d - M_dc x_c) / M_dd, i.e. (r_d + J_dc x_c) / (1/(h gamma) - J_dd)."""
    nb, b = fac.a_lu.shape[:2]
    g = fac.s_lu.shape[0]
    nbb = nb * b
    ya = _lu_solve_nopivot(fac.a_lu, r[:nbb].reshape((nb, b, 1) + r.shape[1:]))[:, :, 0]  # (nb, b, ...)
    rg = r[nbb:nbb + g] - jnp.sum(fac.cb * ya[:, None], axis=(0, 2))  # (g, ...)
    xg = _lu_solve_nopivot(fac.s_lu[None], rg[None, :, None])[0, :, 0]
    xa = ya - jnp.sum(fac.w * xg[None, None], axis=2)
    parts = [xa.reshape((nbb,) + r.shape[1:]), xg]
    if fac.dd is not None:
        q = fac.dd.shape[1]
        rd = r[nbb + g:].reshape((nb, q) + r.shape[1:])
        xd = (rd - jnp.sum(fac.da * xa[:, None], axis=2) - jnp.sum(fac.dg * xg[None, None], axis=2)) / fac.dd
        parts.append(xd.reshape((nb * q,) + r.shape[1:]))
    return jnp.concatenate(parts)


def _patients_minor(fn):
    """``fn`` on one system, whose vmap runs ``fn`` once with the patients on the last axis."""
    wrapped = jax.custom_batching.custom_vmap(fn)

    @wrapped.def_vmap
    def _rule(axis_size, in_batched, *args):
        def last(x, batched):
            return jnp.moveaxis(x, 0, -1) if batched else jnp.broadcast_to(x[..., None], x.shape + (axis_size,))

        moved = jax.tree.map(last, args, tuple(in_batched))
        out = fn(*moved)
        return jax.tree.map(lambda x: jnp.moveaxis(x, -1, 0), out), jax.tree.map(lambda _: True, out)

    return wrapped


_factor_batched = _patients_minor(_factor_blocks)
_solve_batched = _patients_minor(_solve_blocks)


# --- public: one system (vmap over patients) --------------------------------------------------------
def factor(m: Array | BlockMatrix, structure: BlockStructure | None):
    """Factor one M: (n, n) dense, or its :class:`BlockMatrix` when ``structure`` is given.

    Returns the factorisation for :func:`solve`: a :class:`BlockLU` with a structure, else the
    pivoted LAPACK ``(lu, piv)`` of the dense matrix.
    """
    if structure is None:
        return lu_factor(m)
    mb = m if isinstance(m, BlockMatrix) else blocks_of(m, structure)
    return _factor_batched(mb)


def solve(fac, r: Array, structure: BlockStructure | None) -> Array:
    """Solve M x = r for x; r: (n,) in model order -> (n,) in model order."""
    if structure is None:
        return lu_solve(fac, r)
    order = structure.order
    if _is_identity(order):
        return _solve_batched(fac, r)
    return _solve_batched(fac, r[order])[np.argsort(order)]
