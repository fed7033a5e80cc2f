"""Cost of one Rodas5P step's derivatives and linear algebra per Osteosim lane (solve/linalg.py).

For N lanes of ``build_problem("Osteosim", N, seed=7)`` at perturbed states and ages 50-70, one
jitted call computes what a step needs of the RHS (f, d f/d y, d f/d t), factors
``I/(h gamma) - J`` and does 8 solves (the 8 stages), for each variant:

- ``jacobian only``: f, jacfwd and d f/d t (the floor under every variant);
- ``jacfwd + LAPACK``: batched LAPACK LU (a model without a block structure);
- ``jacfwd + bordered, patients leading``: solve/linalg.py's kernels under a plain vmap;
- ``jacfwd + bordered``: the shipped path (custom vmap rule: patients on the minor axis);
- ``compressed + bordered``: the Jacobian from the block structure (column colouring: one forward
  direction per state of a site block for every site at once, one per coupling column, one
  reverse pass per coupling row: 9 + 4 + 4 instead of 40 forward at 40 states).  It equals jacfwd
  to rounding (printed) and is faster here (14.1 vs 18.4 us at 40 states), but a whole solve with
  it is 1.12x slower (solve/linalg.py), so the solver does not use it; it is kept here as the
  measured alternative.

Prints us per lane (best of 15 rounds, the variants taking turns: the machine is shared) and
each variant's max relative difference from ``jacfwd + LAPACK``.

Usage: python benchmarks/rosenbrock_step.py [N]     (default 256)
"""
from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from osteosim.bench.problem import build_problem
from osteosim.solve import linalg
from osteosim.solve import rodas5p_tableau as tab

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


def _lane_fn(model, scale, variant):
    structure = model.block_structure

    def lane(t, z, h, p, d):
        def f(s, x):
            return model.rhs(s, x * scale, p, d) / scale

        f0 = f(t, z)
        dfdt = jax.jvp(lambda s: f(s, z), (t,), (jnp.ones_like(t),))[1]
        if variant == "compressed + bordered":
            jac = compressed_jacobian(lambda q: f(t, q), z, structure)
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
    if variant in ("jacobian only", "jacfwd + LAPACK"):
        return jax.jit(lane)

    def run(t, z, h, p, d):
        x, m = lane(t, z, h, p, d)
        if variant == "jacfwd + bordered, patients leading":  # the kernels under a plain vmap
            fac = jax.vmap(linalg._factor_blocks)(m)
            for _ in range(8):
                x = jax.vmap(linalg._solve_blocks)(fac, x)
            return x
        fac = jax.vmap(lambda mi: linalg.factor(mi, model.block_structure))(m)
        for _ in range(8):
            x = jax.vmap(lambda fi, xi: linalg.solve(fi, xi, model.block_structure))(fac, x)
        return x

    return jax.jit(run)


def main(n: int) -> None:
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
    variants = ["jacobian only", "jacfwd + LAPACK", "jacfwd + bordered, patients leading", "jacfwd + bordered",
                "compressed + bordered"]
    fns = {v: _build(model, scale, v) for v in variants}
    outs = {v: np.asarray(jax.block_until_ready(fn(t, z, h, p, d))) for v, fn in fns.items()}
    ref = outs["jacfwd + LAPACK"]
    best = dict.fromkeys(variants, np.inf)
    for _ in range(ROUNDS):
        for v, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(CALLS):
                out = fn(t, z, h, p, d)
            jax.block_until_ready(out)
            best[v] = min(best[v], (time.perf_counter() - t0) / CALLS / n * 1e6)
    print(f"N = {n} lanes; f + d f/d y + d f/d t, LU of I/(h gamma) - J and 8 solves")
    print("| variant | us per lane | max rel diff from jacfwd + LAPACK |")
    print("|---|---:|---:|")
    for v in variants:
        diff = "" if v == "jacobian only" else f"{np.max(np.abs(outs[v] - ref)) / np.max(np.abs(ref)):.1e}"
        print(f"| {v} | {best[v]:.2f} | {diff} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 256)
