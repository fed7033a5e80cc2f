"""The ``scipy_loop`` engine: ``scipy.integrate.solve_ivp`` per patient over the jitted model RHS."""
from __future__ import annotations

import time
from collections.abc import Sequence

import jax
import numpy as np

from .accuracy import rel_err
from .problem import Problem


def _jitted_single(prob: Problem):
    """jax.jit of the model's RHS for one patient (numpy in/out) and its jax.jacfwd Jacobian."""
    m = prob.model
    pk, dk = prob.varied_params, prob.varied_drivers
    bp = {k: v for k, v in prob.base_params.items() if k not in pk}
    bd = {k: v for k, v in prob.base_drivers.items() if k not in dk}
    # constants that differ from the base set but are shared by every patient
    bp.update({k: v for k, v in prob.params.items() if k not in pk})
    bd.update({k: v for k, v in prob.drivers.items() if k not in dk})

    def rhs(t, y, theta):
        p = dict(bp, **{k: theta[i] for i, k in enumerate(pk)})
        d = dict(bd, **{k: theta[len(pk) + i] for i, k in enumerate(dk)})
        return m.rhs(t, y, p, d)

    f = jax.jit(rhs)
    jac = jax.jit(jax.jacfwd(rhs, argnums=1))

    def theta_of(i):
        return np.array([float(np.asarray(prob.params[k])[i]) for k in pk]
                        + [float(np.asarray(prob.drivers[k])[i]) for k in dk], dtype=float)

    return f, jac, theta_of


def _time_scipy(prob: Problem, rtol: float, atol_abs: np.ndarray, loop: int, ref, floor, n_ref,
                methods: Sequence[str] = ("LSODA", "BDF"), bdf_fraction: float = 0.25) -> dict:
    from scipy.integrate import solve_ivp

    f, jac, theta_of = _jitted_single(prob)
    th0 = theta_of(0)
    y0 = prob.y0.copy()
    # compile (excluded) and per-call overhead
    t = time.perf_counter()
    np.asarray(f(prob.t0, y0, th0))
    np.asarray(jac(prob.t0, y0, th0))
    compile_s = time.perf_counter() - t
    k = 2000
    t = time.perf_counter()
    for _ in range(k):
        np.asarray(f(prob.t0, y0, th0))
    rhs_us = (time.perf_counter() - t) / k * 1e6
    t = time.perf_counter()
    for _ in range(k // 4):
        np.asarray(jac(prob.t0, y0, th0))
    jac_us = (time.perf_counter() - t) / (k // 4) * 1e6
    segs = prob.segments()
    res: dict[str, dict] = {}
    for method in methods:
        n_loop = loop if method == "LSODA" else max(5, int(round(loop * bdf_fraction)))
        n_loop = min(n_loop, prob.n)
        ys = np.full((n_loop, prob.ts.size, prob.model.n_states), np.nan)
        nfev = njev = 0
        ok = True
        t, cpu = time.perf_counter(), time.process_time()
        for i in range(n_loop):
            th = theta_of(i)
            fun = lambda tt, y: np.asarray(f(tt, y, th))  # noqa: E731
            jf = lambda tt, y: np.asarray(jac(tt, y, th))  # noqa: E731
            y = y0
            for a, b in segs:
                last = b == segs[-1][1]
                sel = (prob.ts >= a) & ((prob.ts <= b) if last else (prob.ts < b))
                te = prob.ts[sel]
                extra = not last and (te.size == 0 or te[-1] != b)
                if extra:  # also save the state at the switch, to restart from it
                    te = np.append(te, b)
                r = solve_ivp(fun, (a, b), y, method=method, t_eval=te, rtol=rtol, atol=atol_abs, jac=jf)
                ok &= bool(r.success)
                nfev += r.nfev
                njev += r.njev
                if r.y.shape[1] == te.size:
                    ys[i, sel] = (r.y[:, :-1] if extra else r.y).T
                y = r.y[:, -1]
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        per = wall / n_loop
        entry = {
            "patients_per_s": 1.0 / per,
            "timed_patients": n_loop,
            "extrapolated": n_loop < prob.n,
            "wall_s_timed": wall,
            "patients_per_cpu_s": n_loop / cpu,
            "nfev_per_patient": nfev / n_loop,
            "njev_per_patient": njev / n_loop,
            "rhs_share_of_time_est": min(1.0, (nfev * rhs_us + njev * jac_us) * 1e-6 / wall),
            "ok_all": ok,
        }
        m_ref = min(n_ref, n_loop)
        if ref is not None and m_ref:
            entry["max_rel_err"] = rel_err(ys[:m_ref], ref[:m_ref], floor)
            entry["err_patients"] = m_ref
        res[method] = entry
    best = max(res, key=lambda k: res[k]["patients_per_s"])
    out = dict(res[best])
    out.update({"method": best, "methods": res, "rhs_call_us": rhs_us, "jac_call_us": jac_us,
                "jit_compile_s": compile_s,
                "how": "scipy.integrate.solve_ivp per patient, t_eval = the save times, restarted at each input "
                       "switch; RHS = jax.jit(model.rhs) for one patient (numpy in/out), jac = "
                       "jax.jit(jax.jacfwd(model.rhs)); patients_per_s is the faster method's"})
    return out
