"""The ``libroadrunner_loop`` engine: the model exported to SBML, simulated per patient with CVODE."""
from __future__ import annotations

import time

import numpy as np

from .accuracy import rel_err
from .problem import Problem


def _time_roadrunner(prob: Problem, rtol: float, atol_abs: np.ndarray, loop: int, ref, floor, n_ref) -> dict:
    try:
        import roadrunner
    except ImportError as e:  # pragma: no cover - the sbml extra is part of `all`
        return {"skipped": f"libroadrunner is not installed ({e}); pip install 'osteosim[sbml]'"}
    from ..interop.sbml import export_sbml, sbml_parameter_ids, sbml_state_ids, sbml_time_offset

    t = time.perf_counter()
    try:
        sbml = export_sbml(prob.model, params=prob.base_params, drivers=prob.base_drivers, include_outputs=False)
    except Exception as e:  # noqa: BLE001 - reported, not fatal: the other engines still run
        return {"skipped": f"SBML export of {prob.model.name} failed: {type(e).__name__}: {e}"}
    export_s = time.perf_counter() - t
    ids = sbml_state_ids(sbml)
    off = sbml_time_offset(sbml)
    amap = sbml_parameter_ids(sbml)
    t = time.perf_counter()
    rr = roadrunner.RoadRunner(sbml)
    load_s = time.perf_counter() - t
    rr.setIntegrator("cvode")
    integ = rr.getIntegrator()
    integ.setValue("relative_tolerance", float(rtol))
    integ.setValue("absolute_tolerance", float(np.min(atol_abs)))
    for sid, a in zip(ids, atol_abs):
        integ.setIndividualTolerance(sid, float(a))
    integ.setValue("maximum_num_steps", 1_000_000)
    integ.setValue("variable_step_size", False)
    rr.timeCourseSelections = ["time"] + ids
    setters = [(amap[("parameter", k)], k, "p") for k in prob.varied_params] + \
              [(amap[("driver", k)], k, "d") for k in prob.varied_drivers]
    # constants that differ from the exported base values
    for k, v in prob.params.items():
        if k not in prob.varied_params and not np.ndim(v) and float(v) != prob.base_params.get(k):
            rr.setValue(amap[("parameter", k)], float(v))
    segs = prob.segments()
    n_loop = min(loop, prob.n)
    ys = np.full((n_loop, prob.ts.size, len(ids)), np.nan)
    t, cpu = time.perf_counter(), time.process_time()
    for i in range(n_loop):
        rr.reset()
        for sid, k, kind in setters:
            rr.setValue(sid, float(np.asarray((prob.params if kind == "p" else prob.drivers)[k])[i]))
        for a, b in segs:
            last = b == segs[-1][1]
            sel = (prob.ts >= a) & ((prob.ts <= b) if last else (prob.ts < b))
            times = np.concatenate([[a], prob.ts[sel & (prob.ts > a)], [] if last else [b]]) - off
            r = np.asarray(rr.simulate(times=list(times)))
            rows = r[:, 1:]
            have = np.isin(times + off, prob.ts[sel])
            ys[i, sel] = rows[have] if have.sum() == sel.sum() else np.nan
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    tol_after = integ.getValue("absolute_tolerance")
    out = {
        "patients_per_s": n_loop / wall,
        "timed_patients": n_loop,
        "extrapolated": n_loop < prob.n,
        "wall_s_timed": wall,
        "patients_per_cpu_s": n_loop / cpu,
        "sbml_export_s": export_s,
        "load_and_jit_s": load_s,
        "integrator": "CVODE (BDF, stiff)",
        "absolute_tolerance_per_state": [float(x) for x in np.ravel(tol_after)],
        "how": "export_sbml(base parameters) loaded once; per patient reset(), set the varied parameters, "
               "simulate(times=save times) per segment between input switches",
    }
    m_ref = min(n_ref, n_loop)
    if ref is not None and m_ref:
        out["max_rel_err"] = rel_err(ys[:m_ref], ref[:m_ref], floor)
        out["err_patients"] = m_ref
    return out
