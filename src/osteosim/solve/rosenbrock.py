"""Rodas5P: a per-lane Rosenbrock solver for a block of patients (opt-in: ``SolverOptions(solver="Rodas5P")``).

Why: the default Kvaerno5 + Newton recomputes the Jacobian and its LU in every Newton iteration
(15 per step); a Rosenbrock method needs one Jacobian, one LU and 8 linear solves per step, no
iteration (/work/shared/reference/engine-study.md, Q1-Q2).

The Jacobian and the linear systems follow the model's ``block_structure`` (:mod:`.linalg`): one
forward direction per core column (one for a column of every block where no coupling row reads
it) plus one for all the downstream states' columns, a bordered LU of the core, the downstream
states by substitution.  Same mathematics as ``jacfwd`` and a dense LU
(equal to rounding; tests/models/test_osteosim_structure.py, tests/solve/test_linalg.py); the error
norm is still over ALL states, downstream ones included.  Osteosim at 44 states (rs and conn
downstream; benchmarks/rosenbrock.py --structures 2048, interleaved in one process on a shared
machine): 1.21-1.24x the whole solve's speed with blocks of 10 and 44 forward directions, same steps;
sharing the unread site columns' directions (25 instead of 37) another 1.06-1.08x.

Design: all patients (lanes) of a block are stepped together in one ``lax.while_loop``; each lane
has its own time and step size and accepts or rejects its step with ``jnp.where``.  A step is
clipped at each lane's next switch/dose time: it ends just before the time and the next step
starts just after it, with the step size reset (the RHS is discontinuous there, the state is
not).  Save times are filled from Rodas5P's dense output of the step that covers them.
States are scaled by the model's ``state_scale`` (as in :mod:`.integrate`), and the error norm
is the RMS of ``err / (atol + rtol max(|y|, |y_new|))`` on the scaled states.

Persistent lanes: one compiled call takes a queue of Q patients (padded; only the first ``n_real``
run) and steps ``lanes`` of them at a time; a lane whose patient is done (or failed) takes the
next patient of the queue, so work follows the mean step count, not the block's slowest patient
(engine-study.md: 1.35x fewer lane-steps).  Refills are batched: only once ``refill`` lanes are
free (or the rest of the queue fits), those lanes hand their results to the output and gather
their next patients (a gather/scatter of ``refill`` rows, repeated in the same iteration while
enough lanes are free), so the cost is per patient, not per lane-step (measured: no more CPU per
lane-step than fixed blocks; benchmarks/rosenbrock.py).  The tail (lanes idle once the queue is
empty) shrinks with the queue: use queues of several times ``lanes`` patients.  Each lane's arithmetic is independent of its lane and companions: a patient's numbers
are bit-identical whatever the queue, its order or the chunking (tests/solve/test_lanes.py).
Parameters shared by every patient of the call are shape-() runtime arrays (:mod:`.lanes`).

Prepared values (:func:`staged_rhs`): what the RHS computes from a patient's parameters and drivers
alone (neither time nor state) is computed once per patient of the queue before the loop, and the
lanes carry those values instead of the inputs; a step's 10 RHS evaluations (8 stages, the
Jacobian's primal, d f/d t) do only the rest.  The gain is smaller than the operation count suggests:
what reads shared parameters alone is computed once per vmapped call already (they are scalars), so
what moves is mostly what reads the drivers (dose tables, MSC product descriptors).  Osteosim bench
patients, 256 lanes, rtol 1e-5, the two interleaved in one process on a shared 2-core machine, same
steps, bit-identical results: benchmarks/rosenbrock.py --prepared 2048, best of 3, 1.18x wall and 1.19x
CPU (3,641 -> 3,051 CPU us per patient), a second run 1.02x and 1.03x (3,174 -> 3,070); XLA then
spreads a call over both cores, which makes it noisy.  Pinned to one core and one XLA thread (1024
patients, 8 rounds): 1.12-1.41x, median 1.18x, best 2.57 -> 2.17 s (1.18x).

``(y0 (Q, n), shared {name: ()}, per-patient params {name: (Q,)}, drivers {name: (Q, ...)},
scale (n,), ts (T,), t0 (), jumps (Q, J), n_real ()) -> (ys (Q, T, n), ok (Q,), steps (Q,),
iterations ())``: iterations x lanes is the lane-steps paid, idle lanes included.
A patient that fails (``max_steps`` reached) has ``ok = False``; its unsaved rows hold the last
accepted state, never NaN.  Rows past ``n_real`` are not solved (ok False).
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
#: blocks of fewer lanes step their stages in a loop (rodas5p_step's ``stages_in_loop``)
LOOP_BELOW_LANES = 64


def rodas5p_step(f, t, y, h, structure: BlockStructure | None = None, stages_in_loop: bool = False):
    """One Rodas5P step of one lane. f(t, y) -> (n,); t, h: scalars; y: (n,).

    ``structure``: the model's declared block structure (``Model.block_structure``): the Jacobian
    is then :func:`.linalg.jacobian` (one forward direction for all downstream states) and the
    linear systems are factored block by block (:mod:`.linalg`); None: jacfwd and dense LAPACK LU.
    ``stages_in_loop``: the 8 stages as a ``fori_loop`` (the RHS and the solve appear once in the
    compiled program) instead of unrolled (8 copies).  Measured on the Osteosim model (postmenopausal
    scenario, one patient in 8 lanes): the cached executable 7.3 -> 4.3 MB, its load from the
    compile cache 0.77 -> 0.37 s, first compile about 1.5x faster, output bit-identical; but
    with 256 lanes and 1024 patients 1.11-1.13x the CPU time per patient (the unrolled stages fuse
    across stages and skip zero coefficients), so :func:`build_rodas5p` loops only for few lanes.
    Returns (y_new, err (n,) the embedded error, dense (3, n) the dense-output rows).
    """
    if structure is not None and structure.n_states != y.shape[0]:
        raise ValueError(f"block_structure: declared for {structure.n_states} states, the model has {y.shape[0]}")
    if structure is None:
        jac = jax.jacfwd(lambda z: f(t, z))(y)
    else:  # one forward direction per core column + one for all downstream columns (linalg.jacobian)
        jac = linalg.jacobian(lambda z: f(t, z), y, structure)
    # d f/d t as its own jvp: as one more direction of the batched pass above it measured 1.33x slower
    # per solve (Osteosim, 2048 patients, interleaved: the time tangent then runs through every driver
    # and dose table in all 26 directions instead of once)
    _, dfdt = jax.jvp(lambda s: f(s, y), (t,), (jnp.ones_like(t),))
    lu = linalg.factor(linalg.shifted(jac, 1.0 / (h * tab.GAMMA)), structure)
    if stages_in_loop:
        return _stages_looped(f, t, y, h, dfdt, lu, structure)
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


def _stages_looped(f, t, y, h, dfdt, lu, structure):
    """The stages of :func:`rodas5p_step` in a ``fori_loop``, the same formulas: stage i's k goes to
    row i of an (8, n) buffer whose rows >= i are still zero, so the terms of coefficients that the
    unrolled form skips add exact zeros."""
    a, c, c_t, d = (jnp.asarray(x, y.dtype) for x in (tab.A, tab.C, tab.C_T, tab.D))

    def stage(i, ks):
        u = y
        for j in range(7):
            u = u + a[i, j] * ks[j]
        rhs = f(t + c_t[i] * h, u) + (h * d[i]) * dfdt
        for j in range(7):
            rhs = rhs + (c[i, j] / h) * ks[j]
        return ks.at[i].set(linalg.solve(lu, rhs, structure))

    ks = jax.lax.fori_loop(0, 8, stage, jnp.zeros((8,) + y.shape, y.dtype))
    y_new = y + sum(tab.A[7, j] * ks[j] for j in range(7)) + ks[7]
    return y_new, ks[7], jnp.asarray(tab.H) @ ks


def _dense_eval(y, y_new, dense, theta):
    """Rodas5P's interpolant. y, y_new: (n,); dense: (3, n); theta: (T,) in [0, 1] -> (T, n)."""
    th = theta[:, None]
    return (1 - th) * y + th * (y_new + (1 - th) * (dense[0] + th * (dense[1] + th * dense[2])))


def staged_rhs(model: Model, shared: dict, pp: dict, drv: dict, n: int, dtype):
    """``model.rhs`` split by partial evaluation: ``(prepare, rhs, per_patient)`` with ``prepare(shared,
    pi, di) -> res`` (a tuple of arrays), ``rhs(res, t, y) == model.rhs(t, y, {**shared, **pi}, di)``
    and ``per_patient[i]`` whether ``res[i]`` reads ``pi`` or ``di`` (else only ``shared``).

    Why: much of a patient's RHS reads only its parameters and drivers (dose-table decay factors,
    MSC product properties, reference ratios, per-site constants: about a third of the transcendental
    operations of the Osteosim RHS), yet a step evaluates the RHS 10 times (8 stages, the Jacobian's
    primal, d f/d t).  ``prepare`` holds every operation that depends on neither t nor y and runs
    once per patient; ``rhs`` holds the rest and reads its results (``res``; also the parameters and
    drivers it reads directly).  The split is by data dependence on the traced program (JAX's
    ``partial_eval_jaxpr_nounits``, what ``jax.linearize`` uses), so every model gets it without
    declaring anything and ``rhs`` performs the same operations on the same values as ``model.rhs``.
    ``shared``: shape-() values; ``pp``/``drv``: per-patient rows (leading axis Q); ``n``: states.
    """
    from jax._src.interpreters import partial_eval as pe  # no public API for it (jax 0.6-0.12 alike)
    from jax.extend.core import jaxpr_as_fun

    def lane_aval(a, lead):
        a = jnp.asarray(a) if not hasattr(a, "shape") else a
        return jax.ShapeDtypeStruct(a.shape[lead:], a.dtype)

    args = (jax.ShapeDtypeStruct((), dtype), jax.ShapeDtypeStruct((n,), dtype),
            jax.tree_util.tree_map(lambda a: lane_aval(a, 0), shared),
            jax.tree_util.tree_map(lambda a: lane_aval(a, 1), pp), jax.tree_util.tree_map(lambda a: lane_aval(a, 1), drv))
    leaves, tree = jax.tree_util.tree_flatten(args)

    def flat(*xs):
        t, y, s, p, d = jax.tree_util.tree_unflatten(tree, xs)
        return model.rhs(t, y, {**s, **p}, d)

    closed = jax.make_jaxpr(flat)(*leaves)
    known, unknown, _, _ = pe.partial_eval_jaxpr_nounits(closed, [True, True] + [False] * (len(leaves) - 2),
                                                         instantiate=True)
    # which prepared values differ between patients (read pp or drv): the rest stay shape-() scalars,
    # free per lane like the shared parameters (lanes.py)
    n_shared = len(jax.tree_util.tree_leaves(shared))
    _, _, per_patient, _ = pe.partial_eval_jaxpr_nounits(
        known, [False] * n_shared + [True] * (len(leaves) - 2 - n_shared), instantiate=False)
    run_known, run_unknown = jaxpr_as_fun(known), jaxpr_as_fun(unknown)

    def prepare(s, p, d):
        return tuple(run_known(*jax.tree_util.tree_leaves((s, p, d))))

    def rhs(res, t, y):
        return run_unknown(*res, t, y)[0]

    return prepare, rhs, tuple(per_patient)


def build_rodas5p(model: Model, opts, lanes: int, refill: int | None = None, prepared: bool = True):
    """The jitted queue solver for ``model`` with ``opts`` (an ``integrate.SolverOptions``).

    ``lanes`` patients are stepped at a time; ``refill`` (default ``lanes // 32``) is how many
    lanes one refill restocks (see the module docstring; measured with 256 lanes and 2048 patients:
    refill 8 pays 53.2 lane-steps per patient against 55.5 with 32, and 9 % less CPU time).
    """
    rtol, atol, max_steps = opts.rtol, opts.atol, opts.max_steps
    n_lanes = int(lanes)
    # few lanes (one patient's run: the CLI, the web app): a small executable that compiles and
    # loads fast matters more than the ~10 % throughput of unrolled stages (see rodas5p_step)
    stages_in_loop = n_lanes < LOOP_BELOW_LANES
    per_refill = max(1, min(n_lanes, refill or n_lanes // 32))

    def solve(y0, shared, pp, drv, scale, ts, t0, jumps, n_real):
        n_queue, n = y0.shape
        if n_queue < n_lanes:
            raise ValueError(f"queue: {n_queue} patients is fewer than the {n_lanes} lanes")
        t_end = ts[-1]
        h_init = jnp.asarray(opts.dt0 if opts.dt0 is not None else 1e-4, y0.dtype) * (
            1.0 if opts.dt0 is not None else (t_end - t0))

        if prepared:  # the lanes carry each patient's prepared values (staged_rhs) instead of its inputs
            prepare, rhs, per_patient = staged_rhs(model, shared, pp, drv, n, y0.dtype)
            # once for the whole queue, outside the loop (as z_queue below); values of the shared
            # parameters alone stay scalars
            res = jax.vmap(prepare, in_axes=(None, 0, 0), out_axes=tuple(0 if b else None for b in per_patient))(
                shared, pp, drv)
            lane_in = (tuple(r for r, b in zip(res, per_patient) if b),)

            def lane_step(t, z, h, res_lane):
                it = iter(res_lane)
                res_i = tuple(next(it) if b else r for r, b in zip(res, per_patient))

                def f(s, x):
                    return rhs(res_i, s, x * scale) / scale
                return rodas5p_step(f, t, z, h, model.block_structure, stages_in_loop)
        else:
            lane_in = (pp, drv)

            def lane_step(t, z, h, pi, di):
                def f(s, x):
                    return model.rhs(s, x * scale, {**shared, **pi}, di) / scale
                return rodas5p_step(f, t, z, h, model.block_structure, stages_in_loop)

        step = jax.vmap(lane_step)
        # scaled once for the whole queue: computed inside the loop, XLA may round it differently
        z_queue = y0 / scale

        def fresh(q, take):
            """Lane fields of patients q (k,) starting at t0; lanes with take False are idle."""
            z = z_queue[q]
            k = q.shape[0]
            t = jnp.full((k,), t0, y0.dtype)
            return dict(q=jnp.where(take, q, n_queue), t=t, z=z, h=jnp.full((k,), h_init),
                        ys=jnp.broadcast_to(z[:, None, :], (k, ts.shape[0], n)),  # save times <= t0: y0
                        steps=jnp.zeros((k,), jnp.int32), done=(t >= t_end) | ~take,
                        inp=jax.tree_util.tree_map(lambda a: a[q], lane_in), jumps=jumps[q])

        def free(ln):
            return ln["done"] | (ln["steps"] >= max_steps)

        def write_out(out, ln, q):
            """Store lanes ln's patients at queue rows q (n_queue: nowhere)."""
            # a failed lane: rows it never reached hold its last accepted state (never NaN)
            reached = ts[None, :] <= ln["t"][:, None]
            ys = jnp.where(reached[:, :, None], ln["ys"], ln["z"][:, None, :])
            ok = ln["done"] & (ln["q"] < n_queue)
            return dict(ys=out["ys"].at[q].set(ys, mode="drop"), ok=out["ok"].at[q].set(ok, mode="drop"),
                        steps=out["steps"].at[q].set(ln["steps"], mode="drop"))

        def refill(c):
            """Up to ``per_refill`` free lanes hand their patient to the output and take the next ones."""
            ln = c["lanes"]
            sel = jnp.nonzero(free(ln), size=per_refill, fill_value=n_lanes)[0]  # ascending, then n_lanes
            has = sel < n_lanes
            rows = jnp.minimum(sel, n_lanes - 1)
            old = jax.tree_util.tree_map(lambda a: a[rows], ln)
            out = write_out(c["out"], old, jnp.where(has, old["q"], n_queue))
            q = c["next"] + jnp.arange(per_refill, dtype=jnp.int32)
            take = has & (q < n_real)
            new = fresh(jnp.minimum(q, n_queue - 1), take)
            dest = jnp.where(has, sel, n_lanes)
            ln = jax.tree_util.tree_map(lambda a, b: a.at[dest].set(b, mode="drop"), ln, new)
            return dict(c, lanes=ln, out=out, next=c["next"] + jnp.sum(take, dtype=jnp.int32))

        def advance(ln):
            """One step attempt of every lane (idle lanes compute harmlessly and change nothing)."""
            t, z, h = ln["t"], ln["z"], ln["h"]
            active = ~free(ln)
            # next switch/dose time after t (jumps past the end are never reached)
            tj = jnp.min(jnp.where(ln["jumps"] > t[:, None], ln["jumps"], jnp.inf), axis=1)
            hits_jump = (t + h >= tj) & (tj < t_end)
            hits_end = ~hits_jump & (t + h >= t_end)
            h_eff = jnp.where(hits_jump, jnp.nextafter(tj, -jnp.inf) - t,
                              jnp.where(hits_end, t_end - t, h))
            h_eff = jnp.where(active, h_eff, 1.0)
            z_new, err, dense = step(t, z, h_eff, *ln["inp"])
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
            a = accept[:, None]
            return dict(ln, t=jnp.where(accept, t_next, t), z=jnp.where(a, z_new, z),
                        h=jnp.where(active, h_next, h), ys=jnp.where(covered[:, :, None], interp, ln["ys"]),
                        steps=ln["steps"] + active.astype(jnp.int32),
                        done=ln["done"] | (accept & (t_next >= t_end)))

        def cond(c):
            return jnp.any(~free(c["lanes"])) | (c["next"] < n_real)

        def wants_refill(c):
            """Enough lanes are free for a refill (or all the rest of the queue fits)."""
            n_free = jnp.sum(free(c["lanes"]), dtype=jnp.int32)
            left = n_real - c["next"]
            return (left > 0) & (n_free >= jnp.minimum(per_refill, left))

        def body(c):
            c = dict(c, lanes=advance(c["lanes"]), it=c["it"] + 1)
            # as many refills of per_refill lanes as the free lanes allow (usually none or one)
            return jax.lax.while_loop(wants_refill, refill, c)

        first = jnp.arange(n_lanes, dtype=jnp.int32)
        out0 = dict(ys=jnp.zeros((n_queue, ts.shape[0], n), y0.dtype), ok=jnp.zeros((n_queue,), bool),
                    steps=jnp.zeros((n_queue,), jnp.int32))
        c0 = dict(lanes=fresh(first, first < n_real), out=out0,
                  next=jnp.minimum(jnp.asarray(n_real, jnp.int32), n_lanes), it=jnp.zeros((), jnp.int32))
        c = jax.lax.while_loop(cond, body, c0)
        out = write_out(c["out"], c["lanes"], c["lanes"]["q"])
        return out["ys"] * scale, out["ok"], out["steps"], c["it"]

    return jax.jit(solve)
