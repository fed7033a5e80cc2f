"""First benchmark: Pivonka 2008 with inter-patient variation, osteosim batched vs a scipy loop.

Same model, tolerances (rtol 1e-6) and span (continuous PTH, 0..200 days); prints
patients/s and the ratio.  libroadrunner, bone-models and the N = 1..100,000
scaling table come with issue [2/7].  Usage: python benchmarks/run_all.py [N]
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

import jax.numpy as jnp

from osteosim.models import Pivonka2008
from osteosim.solve import SolverOptions, solve_batch


def main(n: int = 1000) -> dict:
    m = Pivonka2008()
    base = m.default_parameters().values_dict()
    rng = np.random.default_rng(7)
    scale = np.exp(rng.uniform(np.log(0.9), np.log(1.1), size=(n, 4)))
    params = dict(base)
    for j, k in enumerate(("D_OBu", "D_OCp", "A_OBa", "A_OCa")):
        params[k] = base[k] * scale[:, j]
    drivers = m.complete_drivers(base, dict(m.default_drivers(), P_PTH=1000.0))
    y0 = m.initial_state(base, drivers)
    ts = np.linspace(0.0, 200.0, 41)
    opts = SolverOptions(rtol=1e-6, atol=1e-8)
    solve_batch(m, params, np.tile(y0, (n, 1)), ts, drivers, options=opts)  # compile
    t = time.perf_counter()
    sol = solve_batch(m, params, np.tile(y0, (n, 1)), ts, drivers, options=opts)
    t_batch = time.perf_counter() - t

    n_loop = min(n, 100)
    sc = m.state_scale()
    t = time.perf_counter()
    worst = 0.0
    for i in range(n_loop):
        p_i = {k: (v[i] if np.ndim(v) else v) for k, v in params.items()}

        def f(tt, y):
            return np.asarray(m.rhs(tt, jnp.asarray(y), p_i, drivers))

        r = solve_ivp(f, (0.0, 200.0), y0, method="LSODA", t_eval=ts, rtol=1e-6, atol=1e-8 * sc)
        worst = max(worst, float(np.max(np.abs(r.y.T - sol.ys[i]) / np.abs(sol.ys[i]).max(axis=0))))
    t_loop = (time.perf_counter() - t) / n_loop * n
    out = {
        "model": "Pivonka2008", "patients": n,
        "results": {"osteosim": {"patients_per_s": n / t_batch}, "scipy_loop": {"patients_per_s": n / t_loop}},
        "ratios": {"vs_scipy_loop": t_loop / t_batch},
        "max_rel_diff_osteosim_vs_scipy": worst,
    }
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
