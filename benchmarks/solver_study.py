"""What limits osteosim's speed on Pivonka2008: solver variants and a lean integrator (profiling).

The same cohort as ``osteosim bench`` (Pivonka2008, 10 years, rtol 1e-6, atol 1e-8 on scaled
states, monthly saves, the PTH switch at day 100), N = 4,096 in blocks of 1,024 lanes, one
thread.  Each variant is written here directly with diffrax / jax (not through
``osteosim.solve``), so it can try what ``SolverOptions`` does not offer yet:

- diffrax solvers: Kvaerno5 with its default VeryChord root finder, with optimistix.Newton;
  Kvaerno3; Tsit5 (I and PID step control); Dopri5;
- the cost of ``SaveAt(ts=...)`` (SaveAt(t1) instead) and of step clipping at the switch;
- the block as ONE diffrax ODE system (states (N, 4) or (4, N), the RHS vmapped inside the
  vector field, one step size for the block from the worst patient's RMS error ratio): what
  ``SolverOptions(step_control="shared")`` runs;
- the RHS alone: 6 x 525 vmapped evaluations in a ``fori_loop`` (the arithmetic floor);
- a lean hand-written Dopri5 (``lax.scan`` over save intervals, an adaptive ``while_loop`` inside
  each, the same error norm and tolerances) with and without saves.

Usage: python benchmarks/solver_study.py  (about 4 minutes; writes results/solver_study.json)
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from osteosim import _jax  # noqa: F401  (float64)

import diffrax
import jax
import jax.numpy as jnp
import optimistix as optx

from osteosim.bench import build_problem, rel_err

HERE = Path(__file__).resolve().parent
N, B = 4096, 1024


def setup():
    prob = build_problem("Pivonka2008", N, 10.0, seed=7)
    m = prob.model
    sc = jnp.asarray(m.state_scale())
    dd = {k: jnp.float64(v) for k, v in prob.drivers.items()}
    params = {k: np.broadcast_to(np.asarray(v, dtype=float), (N,)) for k, v in prob.params.items()}
    return prob, m, sc, dd, params, jnp.asarray(prob.ts), jnp.asarray(prob.y0)


PROB, M, SC, DD, PARAMS, TS, Y0 = setup()
T_END = float(PROB.ts[-1])
JUMP = PROB.jumps[0]


def diffrax_variant(solver, save="ts", clip=True, pcoeff=0.0, icoeff=1.0, rtol=1e-6, atol=1e-8):
    def one(p):
        f = lambda t, z, a: M.rhs(t, z * SC, p, DD) / SC  # noqa: E731
        pid = diffrax.PIDController(rtol=rtol, atol=atol, pcoeff=pcoeff, icoeff=icoeff)
        ctrl = diffrax.ClipStepSizeController(pid, jump_ts=jnp.array([JUMP])) if clip else pid
        sa = diffrax.SaveAt(ts=TS) if save == "ts" else diffrax.SaveAt(t1=True)
        sol = diffrax.diffeqsolve(diffrax.ODETerm(f), solver, 0.0, T_END, None, Y0 / SC, saveat=sa,
                                  stepsize_controller=ctrl, max_steps=100_000, throw=False)
        return sol.ys * SC, sol.stats["num_steps"]

    return jax.jit(jax.vmap(one))


def _worst_patient(axis):
    return lambda x: jnp.max(jnp.sqrt(jnp.mean(x * x, axis=axis)))


def diffrax_system(solver, layout="states_first", pcoeff=0.0, icoeff=1.0, rtol=1e-6, atol=1e-8):
    """The block as one ODE system: diffrax's per-step machinery is paid once per block."""
    axis = 1 if layout == "states_first" else 0  # the patient axis of the state array

    def run(p):
        n = next(iter(p.values())).shape[0]
        rhs = jax.vmap(lambda z, pi, t: M.rhs(t, z * SC, pi, DD) / SC, in_axes=(axis, 0, None), out_axes=axis)
        pid = diffrax.PIDController(rtol=rtol, atol=atol, pcoeff=pcoeff, icoeff=icoeff,
                                    norm=_worst_patient(1 - axis))
        ctrl = diffrax.ClipStepSizeController(pid, jump_ts=jnp.array([JUMP]))
        z0 = jnp.tile((Y0 / SC)[:, None], (1, n)) if axis == 1 else jnp.tile(Y0 / SC, (n, 1))
        sol = diffrax.diffeqsolve(diffrax.ODETerm(lambda t, z, a: rhs(z, p, t)), solver, 0.0, T_END, None, z0,
                                  saveat=diffrax.SaveAt(ts=TS), stepsize_controller=ctrl, max_steps=100_000,
                                  throw=False)
        ys = jnp.transpose(sol.ys, (2, 0, 1)) if axis == 1 else jnp.swapaxes(sol.ys, 0, 1)
        return ys * SC, jnp.broadcast_to(sol.stats["num_steps"], (n,))

    return jax.jit(run)


def rhs_only(p):
    def body(i, z):
        return z + 1e-3 * M.rhs(0.0, z * SC, p, DD) / SC

    return jax.lax.fori_loop(0, 6 * 525, body, Y0 / SC)[None] * SC, jnp.int32(525)


def lean_dopri5(saves=True):
    """Dopri5 with the same RMS error norm, rtol/atol and an I controller; steps end on the switch."""
    from diffrax._solver.dopri5 import _dopri5_tableau as tab

    a = [np.asarray(x) for x in tab.a_lower]
    bsol, berr, cs = np.asarray(tab.b_sol), np.asarray(tab.b_error), np.asarray(tab.c)

    def one(p):
        f = lambda t, z: M.rhs(t, z * SC, p, DD) / SC  # noqa: E731

        def advance(carry, t_stop):
            def step(c):
                t, z, h, k1, n = c
                h = jnp.minimum(h, t_stop - t)
                h = jnp.where((t < JUMP) & (t + h > JUMP), JUMP - t, h)
                ks = [k1]
                for i in range(6):
                    ks.append(f(t + cs[i] * h, z + h * sum(a[i][j] * ks[j] for j in range(i + 1))))
                znew = z + h * sum(bsol[j] * ks[j] for j in range(7))
                err = h * sum(berr[j] * ks[j] for j in range(7))
                tol = 1e-8 + 1e-6 * jnp.maximum(jnp.abs(z), jnp.abs(znew))
                en = jnp.sqrt(jnp.mean((err / tol) ** 2))
                acc = en <= 1.0
                fac = jnp.clip(0.9 * en ** (-0.2), 0.2, 10.0)
                return (jnp.where(acc, t + h, t), jnp.where(acc, znew, z), h * fac, jnp.where(acc, ks[-1], k1), n + 1)

            out = jax.lax.while_loop(lambda c: c[0] < t_stop - 1e-12 * T_END, step, carry)
            return out, out[1]

        z0 = Y0 / SC
        c0 = (0.0, z0, 0.1, f(0.0, z0), 0)
        if saves:
            c, zs = jax.lax.scan(advance, c0, TS[1:])
            return jnp.concatenate([z0[None], zs]) * SC, c[4]
        c, _ = advance(c0, T_END)
        return c[1][None] * SC, c[4]

    return jax.jit(jax.vmap(one))


def timed(fn, label, ref=None):
    chunks = [{k: jnp.asarray(v[s:s + B]) for k, v in PARAMS.items()} for s in range(0, N, B)]
    t = time.perf_counter()
    jax.block_until_ready(fn(chunks[0]))
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    outs = [jax.block_until_ready(fn(c)) for c in chunks]
    wall = time.perf_counter() - t
    steps = np.concatenate([np.atleast_1d(np.asarray(o[1])) for o in outs])
    lane_steps = float(np.max(steps)) if steps.size else float("nan")
    row = {"variant": label, "patients_per_s": N / wall, "num_steps_mean": float(np.mean(steps)),
           "us_per_step_per_patient": wall / N / lane_steps * 1e6, "compile_s": compile_s}
    ys0 = np.asarray(outs[0][0])
    if ref is not None and ys0.ndim == 3 and ys0.shape[1] == ref.shape[1]:
        row["max_rel_err"] = rel_err(ys0[:ref.shape[0]], ref, 1e-6 * np.asarray(SC))
    print(f"{label:58s} {row['patients_per_s']:9,.0f}/s  steps {row['num_steps_mean']:6.0f}  "
          f"{row['us_per_step_per_patient']:.3f} µs/step/pt  err {row.get('max_rel_err', float('nan')):.1e}",
          file=sys.stderr, flush=True)
    return row


def main() -> list[dict]:
    load_at_start = list(os.getloadavg())  # the machine is shared: record how busy it was
    ref_fn = diffrax_variant(diffrax.Kvaerno5(), rtol=1e-10, atol=1e-12)
    ref = np.asarray(ref_fn({k: jnp.asarray(v[:B]) for k, v in PARAMS.items()})[0])[:20]
    rows = [
        timed(diffrax_variant(diffrax.Kvaerno5()), "diffrax Kvaerno5 (VeryChord), SaveAt(ts)", ref),
        timed(diffrax_variant(diffrax.Kvaerno5(root_finder=optx.Newton(rtol=1e-8, atol=1e-10))),
              "diffrax Kvaerno5 (optimistix.Newton), SaveAt(ts)", ref),
        timed(diffrax_variant(diffrax.Kvaerno3()), "diffrax Kvaerno3, SaveAt(ts)", ref),
        timed(diffrax_variant(diffrax.Tsit5()), "diffrax Tsit5, SaveAt(ts)  [osteosim Tsit5, per patient]", ref),
        timed(diffrax_variant(diffrax.Tsit5(), pcoeff=0.4, icoeff=0.3), "diffrax Tsit5 PID(0.4, 0.3), SaveAt(ts)",
              ref),
        timed(diffrax_variant(diffrax.Dopri5()), "diffrax Dopri5, SaveAt(ts)", ref),
        timed(diffrax_system(diffrax.Tsit5(), layout="patients_first"),
              "diffrax Tsit5, block as one system, states (N, 4)", ref),
        timed(diffrax_system(diffrax.Tsit5()), "diffrax Tsit5, block as one system, states (4, N)", ref),
        timed(diffrax_system(diffrax.Tsit5(), pcoeff=0.4, icoeff=0.3),
              "diffrax Tsit5, one system (4, N), PID(0.4, 0.3)  [osteosim Tsit5/shared]", ref),
        timed(diffrax_system(diffrax.Dopri5(), pcoeff=0.4, icoeff=0.3), "diffrax Dopri5, one system, PID", ref),
        timed(diffrax_system(diffrax.Bosh3(), pcoeff=0.4, icoeff=0.3), "diffrax Bosh3, one system, PID", ref),
        timed(diffrax_variant(diffrax.Tsit5(), save="t1"), "diffrax Tsit5, SaveAt(t1) (no saves)"),
        timed(diffrax_variant(diffrax.Tsit5(), save="t1", clip=False), "diffrax Tsit5, SaveAt(t1), no switch clip"),
        timed(jax.jit(jax.vmap(rhs_only)), "RHS only: 6 x 525 evaluations (fori_loop)"),
        timed(lean_dopri5(saves=False), "lean Dopri5 while_loop, no saves"),
        timed(lean_dopri5(saves=True), "lean Dopri5, scan over save intervals", ref),
    ]
    out = HERE / "results" / "solver_study.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cohort": "Pivonka2008, 10 y, rtol 1e-6, atol 1e-8 (scaled), 121 saves",
                               "patients": N, "block": B, "threads": 1, "load_average_at_start": load_at_start,
                               "load_average_at_end": list(os.getloadavg()), "rows": rows}, indent=2) + "\n")
    print("| variant (1 thread, N = 4,096, blocks of 1,024) | patients/s | steps | µs/step/patient | max rel err |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        err = r.get("max_rel_err")
        print(f"| {r['variant']} | {r['patients_per_s']:,.0f} | {r['num_steps_mean']:.0f} | "
              f"{r['us_per_step_per_patient']:.3f} | {'–' if err is None else f'{err:.1e}'} |")
    return rows


if __name__ == "__main__":
    main()
