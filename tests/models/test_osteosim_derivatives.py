"""The full model's right-hand side has finite derivatives for every kind of patient at every age.

Stiff solvers use the Jacobian (d f / d y) and Rosenbrock methods also the time derivative
(d f / d t).  A logistic written as 1 / (1 + exp(x)) overflowed for men and for women far from
their menopause (exp(1900)): the value stayed right but its derivatives were NaN (issue 16).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.physiology.patient import Patient
from osteosim.runs import Lane, build_run
from osteosim.units import DAYS_PER_YEAR

MODEL = Osteosim()
P = MODEL.default_parameters().values_dict()
PATIENTS = {
    "man": Patient(sex="male", age=60.0),
    "natural menopause": Patient(sex="female", age=60.0, menopause_age=51.0),
    "ovariectomy": Patient(sex="female", age=40.0, ovariectomy_age=38.0),
    "smoker, glucocorticoids": Patient(sex="female", age=70.0, smoker=True, glucocorticoids=True),
}
REGIMENS = {"none": [], "denosumab": ["denosumab 60 mg every 6 months for 3 years"],
            "romosozumab": ["romosozumab 210 mg monthly for 1 year"]}
AGES = np.array([25.0, 37.9, 38.0, 38.01, 50.95, 51.0, 51.05, 60.0, 65.0, 85.0, 100.0])


def _lanes():
    lanes = [Lane(pt, reg, start_age=pt.age) for pt in PATIENTS.values() for reg in REGIMENS.values()]
    return build_run(MODEL, lanes, P, ts=np.array([25.0]) * DAYS_PER_YEAR, years=3.0, reference="lane")


@pytest.mark.parametrize("wrt", ["t", "y"])
def test_rhs_derivatives_are_finite(wrt):
    run = _lanes()
    y0 = jnp.asarray(run.y0[0])
    # a perturbed state (cells and bone off their reference) so no term sits at a special point
    y = y0 * (1.0 + 0.05 * jnp.sin(jnp.arange(y0.size)))

    def f(t, y, p, d):
        return MODEL.rhs(t, y, p, d)

    jac = jax.jit(jax.vmap(jax.jacfwd(f, argnums=0 if wrt == "t" else 1), in_axes=(0, None, None, None)))
    value = jax.jit(jax.vmap(f, in_axes=(0, None, None, None)))
    ts = jnp.asarray(AGES * DAYS_PER_YEAR)
    for i, (p, d) in enumerate(zip(run.lane_params, run.lane_drivers)):
        pj = {k: jnp.asarray(v) for k, v in p.items()}
        dj = {k: jnp.asarray(v) for k, v in d.items()}
        assert np.all(np.isfinite(np.asarray(value(ts, y, pj, dj)))), f"lane {i}: non-finite f"
        deriv = np.asarray(jac(ts, y, pj, dj))  # (ages, states[, states])
        bad = ~np.isfinite(deriv).reshape(len(AGES), -1).all(axis=1)
        assert not bad.any(), f"lane {i}: non-finite d f / d {wrt} at ages {AGES[bad]}"
