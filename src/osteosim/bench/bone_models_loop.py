"""The ``bone_models`` engine: the Pivonka group's PyPI package ``bone-models``, per patient (Pivonka2008 only)."""
from __future__ import annotations

import contextlib
import io
import time

import numpy as np

from .problem import Problem

#: bone-models attribute for each varied Pivonka parameter (k_form is not in its cell model)
_BONE_MODELS_ATTR = {"D_OBu": ("differentiation_rate", "OBu"), "D_OCp": ("differentiation_rate", "OCp"),
                     "A_OBa": ("apoptosis_rate", "OBa"), "A_OCa": ("apoptosis_rate", "OCa")}


def _time_bone_models(prob: Problem, loop: int) -> dict:
    if prob.model.name != "Pivonka2008":
        return {"skipped": f"bone-models has no {prob.model.name} model (it shares Pivonka2008 with us)"}
    try:
        import importlib.metadata as md

        from bone_models.load_cases.pivonka_load_cases import Pivonka_Load_Case_1
        from bone_models.models.pivonka_model import Pivonka_Model
        version = md.version("bone-models")
    except Exception as e:  # noqa: BLE001 - any import failure means: not usable here
        return {"skipped": f"bone-models is not installed or failed to import ({type(e).__name__}: {e}); "
                           "pip install 'osteosim[bench]'"}
    n_loop = min(loop, prob.n)
    t1 = float(prob.ts[-1])
    ok = True
    t = time.perf_counter()
    for i in range(n_loop):
        with contextlib.redirect_stdout(io.StringIO()):  # the package prints progress
            mdl = Pivonka_Model(Pivonka_Load_Case_1())
            for k, (grp, attr) in _BONE_MODELS_ATTR.items():
                obj = getattr(mdl.parameters, grp)
                setattr(obj, attr, getattr(obj, attr) * float(np.asarray(prob.params[k])[i]) / prob.base_params[k])
            sol = mdl.solve_bone_cell_population_model(tspan=[0.0, t1])
        ok &= bool(sol.success)
    wall = time.perf_counter() - t
    return {
        "patients_per_s": n_loop / wall,
        "timed_patients": n_loop,
        "extrapolated": n_loop < prob.n,
        "wall_s_timed": wall,
        "version": version,
        "ok_all": ok,
        "how": "Pivonka_Model(Pivonka_Load_Case_1()) per patient (its PTH load case, 1000 pM/day on days 0..100, "
               "the same input as ours) with D_OBu, D_OCp, A_OBa, A_OCa scaled by the patient's factors, "
               f"solve_bone_cell_population_model([0, {t1:g}]): the package's own steady-state root finding "
               "and solver (RK45, rtol = atol = 1e-8), timed from construction; no save times, no k_form "
               "(its cell model has no bone volume), so not the same tolerances: no error is reported",
    }
