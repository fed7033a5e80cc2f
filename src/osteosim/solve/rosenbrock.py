"""Rodas5P: a per-lane Rosenbrock solver for a block of patients (opt-in: ``SolverOptions(solver="Rodas5P")``).

Why: the default Kvaerno5 + Newton recomputes the Jacobian and its LU in every Newton iteration
(15 per step); a Rosenbrock method needs one Jacobian, one LU and 8 linear solves per step, no
iteration (/work/shared/reference/engine-study.md, Q1-Q2).

Design: all patients (lanes) of a block are stepped together in one ``lax.while_loop``; each lane
has its own time and step size and accepts or rejects its step with ``jnp.where``.  A step is
clipped at each lane's next switch/dose time: it ends just before the time and the next step
starts just after it, with the step size reset (the RHS is discontinuous there, the state is
not).  Save times are filled from Rodas5P's dense output of the step that covers them.
States are scaled by the model's ``state_scale`` (as in :mod:`.integrate`), and the error norm
is the RMS of ``err / (atol + rtol max(|y|, |y_new|))`` on the scaled states.

Arguments and results are those of ``integrate._build``'s function:
``(y0 (N, n), params, drivers, scale (n,), ts (T,), t0 (), jumps (N, J)) -> (ys (N, T, n), ok (N,), steps (N,))``.
A lane that fails (``max_steps`` reached) has ``ok = False``; its unsaved rows hold the last
accepted state, never NaN.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from ..models.base import BlockStructure, Model
from . import linalg
from . import rodas5p_tableau as tab

__all__ = ["build_rodas5p", "rodas5p_step"]

SAFETY = 0.9
FACTOR_MIN = 0.2  # smallest step-size change per step
FACTOR_MAX = 6.0  # largest


def rodas5p_step(f, t, y, h, structure: BlockStructure | None = None):
    """One Rodas5P step of one lane. f(t, y) -> (n,); t, h: scalars; y: (n,).

    ``structure``: the model's declared block structure (``Model.block_structure``): the linear
    systems are then factored block by block (:mod:`.linalg`); None: dense LAPACK LU.
    Returns (y_new, err (n,) the embedded error, dense (3, n) the dense-output rows).
    """
    if structure is not None and structure.n_states != y.shape[0]:
        raise ValueError(f"block_structure: declared for {structure.n_states} states, the model has {y.shape[0]}")
    jac = jax.jacfwd(lambda z: f(t, z))(y)
    if structure is not None:
        jac = linalg.blocks_of(jac, structure)
    _, dfdt = jax.jvp(lambda s: f(s, y), (t,), (jnp.ones_like(t),))
    lu = linalg.factor(linalg.shifted(jac, 1.0 / (h * tab.GAMMA)), structure)
    ks = []
    for i in range(8):
        u = y
        for j in range(i):
            if tab.A[i, j] != 0.0:
                u = u + tab.A[i, j] * ks[j]
        rhs = f(t + tab.C_T[i] * h, u)
        if tab.D[i] != 0.0:
            rhs = rhs + (h * tab.D[i]) * dfdt
        for j in range(i):
            rhs = rhs + (tab.C[i, j] / h) * ks[j]
        ks.append(linalg.solve(lu, rhs, structure))
    y_new = y + sum(tab.A[7, j] * ks[j] for j in range(7)) + ks[7]
    kmat = jnp.stack(ks)  # (8, n)
    dense = jnp.asarray(tab.H) @ kmat
    return y_new, ks[7], dense


def _dense_eval(y, y_new, dense, theta):
    """Rodas5P's interpolant. y, y_new: (n,); dense: (3, n); theta: (T,) in [0, 1] -> (T, n)."""
    th = theta[:, None]
    return (1 - th) * y + th * (y_new + (1 - th) * (dense[0] + th * (dense[1] + th * dense[2])))


def build_rodas5p(model: Model, opts):
    """The jitted block solver for ``model`` with ``opts`` (an ``integrate.SolverOptions``)."""
    rtol, atol, max_steps = opts.rtol, opts.atol, opts.max_steps

    def block(y0, p, drv, scale, ts, t0, jumps):
        n_lanes, n = y0.shape
        t_end = ts[-1]
        h_init = jnp.asarray(opts.dt0 if opts.dt0 is not None else 1e-4, y0.dtype) * (
            1.0 if opts.dt0 is not None else (t_end - t0))

        def lane_step(t, z, h, pi, di):
            def f(s, x):
                return model.rhs(s, x * scale, pi, di) / scale
            return rodas5p_step(f, t, z, h, model.block_structure)

        step = jax.vmap(lane_step)
        z0 = y0 / scale
        ys0 = jnp.broadcast_to(z0[:, None, :], (n_lanes, ts.shape[0], n))  # save times <= t0: y0
        t_init = jnp.full((n_lanes,), t0, y0.dtype)
        carry0 = dict(t=t_init, z=z0, h=jnp.full((n_lanes,), h_init), ys=ys0,
                      steps=jnp.zeros((n_lanes,), jnp.int32), done=t_init >= t_end)

        def cond(c):
            return jnp.any(~c["done"] & (c["steps"] < max_steps))

        def body(c):
            t, z, h = c["t"], c["z"], c["h"]
            active = ~c["done"] & (c["steps"] < max_steps)
            # next switch/dose time after t (jumps past the end are never reached)
            tj = jnp.min(jnp.where(jumps > t[:, None], jumps, jnp.inf), axis=1)
            hits_jump = (t + h >= tj) & (tj < t_end)
            hits_end = ~hits_jump & (t + h >= t_end)
            h_eff = jnp.where(hits_jump, jnp.nextafter(tj, -jnp.inf) - t,
                              jnp.where(hits_end, t_end - t, h))
            h_eff = jnp.where(active, h_eff, 1.0)  # idle lanes compute harmlessly
            z_new, err, dense = step(t, z, h_eff, p, drv)
            tol = atol + rtol * jnp.maximum(jnp.abs(z), jnp.abs(z_new))
            ratio = jnp.sqrt(jnp.mean((err / tol) ** 2, axis=1))
            finite = jnp.isfinite(ratio) & jnp.all(jnp.isfinite(z_new), axis=1)
            accept = active & finite & (ratio <= 1.0)
            factor = SAFETY * jnp.where(ratio > 0, ratio, 1e-10) ** (-1.0 / tab.ORDER)
            factor = jnp.clip(factor, FACTOR_MIN, jnp.where(accept, FACTOR_MAX, 1.0))
            factor = jnp.where(finite, factor, FACTOR_MIN)
            h_next = h_eff * factor
            # after a switch/dose: start just after it, with a fresh step size
            t_next = jnp.where(hits_jump, jnp.nextafter(tj, jnp.inf), t + h_eff)
            t_next = jnp.where(hits_end, t_end, t_next)
            h_next = jnp.where(accept & hits_jump, jnp.minimum(h_init, h_next), h_next)
            # save times covered by this step, from the dense output (a save time at a switch
            # time lies between the two sides of the clip: theta is capped at 1)
            theta = jnp.clip((ts[None, :] - t[:, None]) / h_eff[:, None], 0.0, 1.0)
            covered = accept[:, None] & (ts[None, :] > t[:, None]) & (ts[None, :] <= t_next[:, None])
            interp = jax.vmap(_dense_eval)(z, z_new, dense, theta)
            ys = jnp.where(covered[:, :, None], interp, c["ys"])
            a = accept[:, None]
            return dict(t=jnp.where(accept, t_next, t), z=jnp.where(a, z_new, z),
                        h=jnp.where(active, h_next, h), ys=ys,
                        steps=c["steps"] + active.astype(jnp.int32),
                        done=c["done"] | (accept & (t_next >= t_end)))

        c = jax.lax.while_loop(cond, body, carry0)
        # a failed lane: rows it never reached hold its last accepted state (never NaN)
        reached = ts[None, :] <= c["t"][:, None]
        ys = jnp.where(reached[:, :, None], c["ys"], c["z"][:, None, :])
        return ys * scale, c["done"], c["steps"]

    return jax.jit(block)
