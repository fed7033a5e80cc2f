"""Shared by the tests of Osteosim's downstream-only states (``rs``, ``conn``): the Jacobian at perturbed states."""
import jax
import jax.numpy as jnp
import numpy as np

from osteosim.physiology.patient import SITES, Patient
from osteosim.runs import Lane, build_run
from osteosim.units import DAYS_PER_YEAR

#: ages (years) at which the Jacobian is taken: before the menopause, just after a regimen starts, a year on
AGES = (40.0, 60.2, 61.0)


def perturbed_points(model, params: dict, regimens, seed: int):
    """[(t, y, p, d)]: a woman of 60 on each regimen (from 60) at the :data:`AGES`, each at her state times
    exp(U(-0.3, 0.3)) per component (jax arrays, one patient's ``model.rhs`` arguments)."""
    lanes = [Lane(Patient(sex="female", age=60.0), reg, start_age=60.0) for reg in regimens]
    run = build_run(model, lanes, params, ts=np.array([60.0]) * DAYS_PER_YEAR, years=3.0)
    rng = np.random.default_rng(seed)
    out = []
    for i, (pl, dl) in enumerate(zip(run.lane_params, run.lane_drivers)):
        p, d = {k: jnp.asarray(v) for k, v in pl.items()}, {k: jnp.asarray(v) for k, v in dl.items()}
        for age in AGES:
            y = run.y0[i] * np.exp(rng.uniform(-0.3, 0.3, size=model.n_states))
            out.append((jnp.asarray(age * DAYS_PER_YEAR), jnp.asarray(y), p, d))
    return out


def perturbed_jacobians(model, params: dict, state: str, regimens, seed: int):
    """(jacobians, idx, others): ``d f / d y`` at each of :func:`perturbed_points`; ``idx`` the ``<state>_<site>``
    columns, ``others`` the rest."""
    jac = jax.jit(jax.jacfwd(model.rhs, argnums=1))
    idx = [model.state_names.index(f"{state}_{s}") for s in SITES]
    others = [i for i in range(model.n_states) if i not in idx]
    out = [np.asarray(jac(*pt)) for pt in perturbed_points(model, params, regimens, seed)]
    return out, idx, others
