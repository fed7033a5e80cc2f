"""The machine a benchmark ran on, and the FLOP profile of the osteosim run against its arithmetic rate."""
from __future__ import annotations

import os
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np

from .problem import Problem


def machine_info() -> dict:
    import scipy

    info = {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "jax": jax.__version__,
        "jax_backend": jax.default_backend(),
        "jax_devices": [str(d) for d in jax.devices()],
    }
    for mod, key in (("jaxlib", "jaxlib"), ("diffrax", "diffrax"), ("roadrunner", "libroadrunner")):
        try:
            info[key] = __import__(mod).__version__
        except Exception:  # noqa: BLE001
            info[key] = None
    try:
        import importlib.metadata as md

        info["bone_models"] = md.version("bone-models")
    except Exception:  # noqa: BLE001
        info["bone_models"] = None
    info["compile_cache_dir"] = jax.config.jax_compilation_cache_dir
    try:  # other work on the machine skews every timing: record it
        info["load_average_1_5_15min"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        pass
    return info


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def measured_gemm_gflops(n: int = 1500) -> float:
    """float64 matrix multiply rate (numpy BLAS, all cores): the machine's practical arithmetic peak."""
    a = np.random.default_rng(0).random((n, n))
    a @ a
    best = 0.0
    for _ in range(3):
        t = time.perf_counter()
        a @ a
        best = max(best, 2 * n ** 3 / (time.perf_counter() - t) / 1e9)
    return best


#: RHS evaluations per attempted step of the explicit solvers (first-same-as-last counted once)
_EXPLICIT_STAGES = {"Tsit5": 6, "Dopri5": 6, "Dopri8": 12}


def profile_info(prob: Problem, ost: dict) -> dict:
    """FLOPs per RHS evaluation (XLA cost analysis) against the achieved rate and the machine's."""
    m = prob.model
    p, d = prob.patient(0)
    f = jax.jit(lambda t, y: m.rhs(t, y, p, d))
    try:
        ca = f.lower(prob.t0, jnp.asarray(prob.y0)).compile().cost_analysis()
        ca = ca[0] if isinstance(ca, list) else ca
        flops = float(ca.get("flops", float("nan")))
        trans = float(ca.get("transcendentals", 0.0))
    except Exception:  # noqa: BLE001
        flops, trans = float("nan"), float("nan")
    gemm = measured_gemm_gflops()
    out = {"flops_per_rhs_eval": flops, "transcendentals_per_rhs_eval": trans,
           "measured_dgemm_gflops_all_cores": gemm,
           "note": "flops from XLA's cost analysis of one patient's RHS (a division counts as one flop although "
                   "it costs ~5-10 FMA slots); dgemm is numpy's BLAS float64 matmul rate on all cores"}
    stages = _EXPLICIT_STAGES.get(str(ost.get("solver")).partition("/")[0])
    if stages and np.isfinite(flops):
        rhs_flops = flops * stages * ost["num_steps_mean"] * prob.n
        out["rhs_evals_per_step"] = stages
        out["achieved_rhs_gflops"] = rhs_flops / ost["wall_s"] / 1e9
        out["fraction_of_dgemm_rate"] = out["achieved_rhs_gflops"] / gemm
        out["time_if_at_dgemm_rate_s"] = rhs_flops / (gemm * 1e9)
    return out
