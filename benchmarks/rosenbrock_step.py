"""Cost of one Rodas5P step's derivatives and linear algebra per Osteosim lane (solve/linalg.py).

For N lanes of ``build_problem("Osteosim", N, seed=7)`` at perturbed states and ages 50-70, one
jitted call computes what a step needs of the RHS (f, d f/d y, d f/d t), factors
``I/(h gamma) - J`` and does 8 solves (the 8 stages), for each variant:

- ``jacobian only``: f, jacfwd and d f/d t (the floor under the jacfwd variants);
- ``jacfwd + LAPACK``: batched LAPACK LU (a model without a block structure);
- ``jacfwd + bordered, patients leading``: solve/linalg.py's kernels under a plain vmap, the
  structure without downstream states (site blocks of 10);
- ``jacfwd + bordered, no downstream``: the solver before downstream states and shared columns (custom vmap rule:
  patients on the minor axis; blocks of 10, all 44 columns forward);
- ``solver: downstream jacobian + bordered``: the shipped path (``linalg.jacobian``: 16 forward
  directions for the site columns a shared state reads, 4 for the other site columns of all sites at
  once, 4 for the shared columns, 1 for the 8 downstream ones; blocks of 8 and a substitution);
- ``compressed + bordered, no downstream``: the Jacobian from the block structure (column colouring:
  one forward direction per state of a site block for every site at once, one per coupling column,
  one reverse pass per coupling row: 10 + 4 + 4 instead of 44 forward).  It equals jacfwd to
  rounding (printed) and was faster here at 40 states (14.1 vs 18.4 us), but a whole solve with it
  was 1.12x slower (solve/linalg.py), so the solver does not use it; it is kept here as the measured
  alternative.

``--pieces``: instead, the shipped step split into its pieces, each jitted alone on the same lanes:
8 RHS evaluations (the stages), d f/d t, the solver's Jacobian, the LU of I/(h gamma) - J, the 8
solves, and a whole ``rodas5p_step`` (the pieces fuse inside it, so they need not add up); the
shipped solver evaluates the staged RHS (``solve.rosenbrock.staged_rhs``: what depends on neither
time nor state prepared once per patient, outside the timing), the other two columns ``model.rhs``.

Prints us per lane (best of 15 rounds, the variants taking turns: the machine is shared) and
each variant's max relative difference from ``jacfwd + LAPACK``.

Usage: python benchmarks/rosenbrock_step.py [--pieces] [N]     (default 256)
"""
from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from osteosim.bench.problem import build_problem
from osteosim.models.base import BlockStructure
from osteosim.solve import linalg
from osteosim.solve import rodas5p_tableau as tab
from osteosim.solve.rosenbrock import rodas5p_step, staged_rhs

ROUNDS = 15
CALLS = 10


def compressed_jacobian(f, y, structure) -> linalg.BlockMatrix:
    """d f/d y of one lane as the bordered LU's BlockMatrix, from 10 forward + 4 reverse directions."""
    n = y.shape[0]
    blocks, coupling = np.array(structure.blocks), np.array(structure.coupling, dtype=int)
    b = blocks.shape[1]
    colours = np.zeros((b, n))
    for j in range(b):
        colours[j, blocks[:, j]] = 1.0  # column j of every block: the blocks' rows see only their own
    seeds = np.concatenate([colours, np.eye(n)[coupling]])
    cols = jax.vmap(lambda v: jax.jvp(f, (y,), (v,))[1])(jnp.asarray(seeds))
    _, pullback = jax.vjp(f, y)
    rows = jax.vmap(lambda c: pullback(c)[0])(jnp.asarray(np.eye(n)[coupling]))  # coupling rows
    fwd_b, fwd_g = cols[:b], cols[b:]
    return linalg.BlockMatrix(a=jnp.transpose(fwd_b[:, blocks], (1, 2, 0)),
                              bc=jnp.transpose(fwd_g[:, blocks], (1, 2, 0)),
                              cb=jnp.transpose(rows[:, blocks], (1, 0, 2)), d=fwd_g[:, coupling].T)


def _no_downstream(structure):
    return BlockStructure(structure.n_states, structure.blocks, structure.coupling)


def _structure(model, variant):
    return model.block_structure if variant.startswith("solver") else _no_downstream(model.block_structure)


def _lane_fn(model, scale, variant):
    structure = _structure(model, variant)

    def lane(t, z, h, p, d):
        def f(s, x):
            return model.rhs(s, x * scale, p, d) / scale

        f0 = f(t, z)
        dfdt = jax.jvp(lambda s: f(s, z), (t,), (jnp.ones_like(t),))[1]
        if variant.startswith("compressed"):
            jac = compressed_jacobian(lambda q: f(t, q), z, structure)
        elif variant.startswith("solver"):
            jac = linalg.jacobian(lambda q: f(t, q), z, structure)
        else:
            jac = jax.jacfwd(lambda q: f(t, q))(z)
        if variant == "jacobian only":
            return f0 + dfdt + jac[:, 0]
        if variant == "jacfwd + LAPACK":
            fac = linalg.factor(linalg.shifted(jac, 1.0 / (h * tab.GAMMA)), None)
            x = f0 + dfdt
            for _ in range(8):
                x = linalg.solve(fac, x, None)
            return x
        if not isinstance(jac, linalg.BlockMatrix):
            jac = linalg.blocks_of(jac, structure)
        return f0 + dfdt, linalg.shifted(jac, 1.0 / (h * tab.GAMMA))

    return lane


def _build(model, scale, variant):
    lane = jax.vmap(_lane_fn(model, scale, variant))
    structure = _structure(model, variant)
    if variant in ("jacobian only", "jacfwd + LAPACK"):
        return jax.jit(lane)

    def run(t, z, h, p, d):
        x, m = lane(t, z, h, p, d)
        if variant == "jacfwd + bordered, patients leading":  # the kernels under a plain vmap
            fac = jax.vmap(linalg._factor_blocks)(m)
            for _ in range(8):
                x = jax.vmap(linalg._solve_blocks)(fac, x)
            return x
        fac = jax.vmap(lambda mi: linalg.factor(mi, structure))(m)
        for _ in range(8):
            x = jax.vmap(lambda fi, xi: linalg.solve(fi, xi, structure))(fac, x)
        return x

    return jax.jit(run)


def _pieces(model, scale, s, staged=None):
    """name -> jitted fn(t, z, h, p, d, m, fac) of one piece of a step with structure s (m, fac: its matrices);
    ``staged``: the RHS of :func:`staged_rhs`, called as ``rhs(p, t, y)`` (p: the prepared values, d unused)."""

    def fs(p, d):
        if staged is not None:
            return lambda u, x: staged(p, u, x * scale) / scale
        return lambda u, x: model.rhs(u, x * scale, p, d) / scale

    def stages(t, z, h, p, d, m, fac):
        f = fs(p, d)
        return sum(f(t + tab.C_T[i] * h, z * (1.0 + 1e-9 * i)) for i in range(8))  # 8 distinct inputs

    def dfdt(t, z, h, p, d, m, fac):
        return jax.jvp(lambda u: fs(p, d)(u, z), (t,), (jnp.ones_like(t),))[1]

    def jac(t, z, h, p, d, m, fac):
        return linalg.jacobian(lambda x: fs(p, d)(t, x), z, s)

    def lu(t, z, h, p, d, m, fac):
        return linalg.factor(linalg.shifted(m, 1.0 / (h * tab.GAMMA)), s)

    def solves(t, z, h, p, d, m, fac):
        x = z
        for _ in range(8):
            x = linalg.solve(fac, x, s)
        return x

    def step(t, z, h, p, d, m, fac):
        return rodas5p_step(fs(p, d), t, z, h, s)

    fns = {"8 stage RHS": stages, "d f/d t": dfdt, "Jacobian (linalg.jacobian)": jac,
           "LU of I/(h gamma) - J": lu, "8 solves": solves, "whole rodas5p_step": step}
    return {k: jax.jit(jax.vmap(v)) for k, v in fns.items()}


def _best(fns: dict, args, n: int) -> dict:
    """us per lane of each fn (best of ROUNDS rounds of CALLS calls, the fns taking turns)."""
    for fn in fns.values():
        jax.block_until_ready(fn(*args))
    best = dict.fromkeys(fns, np.inf)
    for _ in range(ROUNDS):
        for v, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(CALLS):
                out = fn(*args)
            jax.block_until_ready(out)
            best[v] = min(best[v], (time.perf_counter() - t0) / CALLS / n * 1e6)
    return best


def main(n: int, pieces: bool = False) -> None:
    prob = build_problem("Osteosim", n, years=10, seed=7)
    model = prob.model
    p, d = prob.take(slice(0, n))

    def lanes(v):
        v = np.asarray(v, dtype=float)
        return jnp.asarray(v if v.ndim and v.shape[0] == n else np.broadcast_to(v, (n,) + v.shape))

    p, d = {k: lanes(v) for k, v in p.items()}, {k: lanes(v) for k, v in d.items()}
    scale = jnp.asarray(model.state_scale())
    rng = np.random.default_rng(0)
    z = jnp.asarray(prob.y0 / np.asarray(scale) * np.exp(rng.uniform(-0.3, 0.3, (n, model.n_states))))
    t = jnp.asarray(rng.uniform(50, 70, n) * 365.25)
    h = jnp.asarray(rng.uniform(1, 100, n))
    if pieces:  # the shipped solver, the same with model.rhs, and without downstream states, the pieces taking turns
        prepare, staged, _ = staged_rhs(model, {}, p, d, model.n_states, z.dtype)
        res = jax.jit(jax.vmap(prepare, in_axes=(None, 0, 0)))({}, p, d)  # once per patient in the solver
        fns, args = {}, {}
        for label, s, rhs in (("", model.block_structure, staged), (" [model.rhs]", model.block_structure, None),
                              (" [no downstream]", _no_downstream(model.block_structure), None)):
            m = jax.jit(jax.vmap(lambda t, z, p, d, s=s: linalg.jacobian(
                lambda x: model.rhs(t, x * scale, p, d) / scale, z, s)))(t, z, p, d)
            fac = jax.jit(jax.vmap(lambda m, h, s=s: linalg.factor(linalg.shifted(m, 1.0 / (h * tab.GAMMA)), s)))(m, h)
            for k, fn in _pieces(model, scale, s, rhs).items():
                fns[k + label], args[k + label] = fn, (t, z, h, res, None, m, fac) if rhs else (t, z, h, p, d, m, fac)
        best = _best({k: (lambda fn=fn, a=args[k]: fn(*a)) for k, fn in fns.items()}, (), n)
        print(f"N = {n} lanes, {model.n_states} states; one Rodas5P step, by piece: the shipped solver "
              "(downstream states, staged RHS), the same with [model.rhs] in every evaluation, and [no downstream] "
              "(blocks of 10, 44 forward directions, model.rhs)")
        print("| piece | us per lane | [model.rhs] | [no downstream] |")
        print("|---|---:|---:|---:|")
        for v in _pieces(model, scale, model.block_structure):
            print(f"| {v} | {best[v]:.2f} | {best[v + ' [model.rhs]']:.2f} | {best[v + ' [no downstream]']:.2f} |")
        return
    variants = ["jacobian only", "jacfwd + LAPACK", "jacfwd + bordered, patients leading",
                "jacfwd + bordered, no downstream", "solver: downstream jacobian + bordered",
                "compressed + bordered, no downstream"]
    fns = {v: _build(model, scale, v) for v in variants}
    outs = {v: np.asarray(jax.block_until_ready(fn(t, z, h, p, d))) for v, fn in fns.items()}
    ref = outs["jacfwd + LAPACK"]
    best = _best(fns, (t, z, h, p, d), n)
    print(f"N = {n} lanes, {model.n_states} states; f + d f/d y + d f/d t, LU of I/(h gamma) - J and 8 solves")
    print("| variant | us per lane | max rel diff from jacfwd + LAPACK |")
    print("|---|---:|---:|")
    for v in variants:
        diff = "" if v == "jacobian only" else f"{np.max(np.abs(outs[v] - ref)) / np.max(np.abs(ref)):.1e}"
        print(f"| {v} | {best[v]:.2f} | {diff} |")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--pieces"]
    main(int(args[0]) if args else 256, pieces="--pieces" in sys.argv[1:])
