"""Rodas5P (solve/rosenbrock.py): tableau order, a stiff reference problem, the full Osteosim model."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.solve import rodas5p_tableau as tab
from osteosim.solve.rosenbrock import _dense_eval, rodas5p_step


def _scalar_f(t, y):
    return -y + jnp.sin(t)


def _exact(t, y0=1.0):
    c = y0 + 0.5  # y(0) = c - 1/2
    return c * np.exp(-t) + 0.5 * (np.sin(t) - np.cos(t))


def test_tableau_rows_are_consistent():
    # stiffly accurate: stages 6-8 at the step end, each adding its own k_j with weight 1
    assert np.allclose(tab.C_T[5:], 1.0)
    assert tab.A[6, 5] == 1.0 and tab.A[7, 5] == 1.0 and tab.A[7, 6] == 1.0
    assert tab.D[0] == tab.GAMMA


@pytest.mark.parametrize("t0", [0.0, 0.7])
def test_order_five_on_scalar_problem(t0):
    """Local error of one step ~ h^6 (order 5): halving h divides it by ~64."""
    y0 = jnp.array([_exact(t0)])
    errs = []
    for h in (0.2, 0.1, 0.05):
        y1, est, _ = rodas5p_step(_scalar_f, jnp.asarray(t0), y0, jnp.asarray(h))
        errs.append(abs(float(y1[0]) - _exact(t0 + h)))
    rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all(rates > 5.5), (errs, rates)
    # the embedded estimate is of the error's size (order 4 estimate of an order-5 step)
    assert float(abs(est[0])) < 1e-3


def test_dense_output_order():
    t0, y0 = 0.3, jnp.array([_exact(0.3)])
    errs = []
    for h in (0.2, 0.1):
        y1, _, dense = rodas5p_step(_scalar_f, jnp.asarray(t0), y0, jnp.asarray(h))
        theta = jnp.linspace(0.0, 1.0, 11)
        yt = _dense_eval(y0, y1, dense, theta)[:, 0]
        errs.append(np.max(np.abs(np.asarray(yt) - _exact(t0 + np.asarray(theta) * h))))
    assert errs[0] < 1e-6 and errs[0] / errs[1] > 12, errs  # at least order 3 (local h^4)


def _van_der_pol(mu):
    def f(t, y):
        return jnp.array([y[1], mu * ((1 - y[0] ** 2) * y[1]) - y[0]])
    return f


def _integrate(f, y0, t1, rtol, atol):
    """A plain adaptive loop over rodas5p_step (the solver's control, one lane, in Python)."""
    t, y, h, steps = 0.0, jnp.asarray(y0), 1e-6, 0
    step = jax.jit(lambda t, y, h: rodas5p_step(f, t, y, h))
    while t < t1 and steps < 20_000:
        h = min(h, t1 - t)
        y1, err, _ = step(jnp.asarray(t), y, jnp.asarray(h))
        ratio = float(jnp.sqrt(jnp.mean((err / (atol + rtol * jnp.maximum(jnp.abs(y), jnp.abs(y1)))) ** 2)))
        if np.isfinite(ratio) and ratio <= 1:
            t, y = t + h, y1
        fac = 0.9 * max(ratio, 1e-10) ** -0.2 if np.isfinite(ratio) else 0.2
        h *= min(max(fac, 0.2), 6.0 if ratio <= 1 else 1.0)
        steps += 1
    return np.asarray(y), steps


def test_stiff_van_der_pol_against_scipy_radau():
    from scipy.integrate import solve_ivp

    mu, t1 = 1000.0, 1500.0
    f = _van_der_pol(mu)
    ref = solve_ivp(lambda t, y: np.asarray(f(t, jnp.asarray(y))), (0, t1), [2.0, 0.0], method="Radau",
                    rtol=1e-11, atol=1e-12,
                    jac=lambda t, y: np.asarray(jax.jacfwd(lambda z: f(t, z))(jnp.asarray(y))))
    y, steps = _integrate(f, [2.0, 0.0], t1, rtol=1e-8, atol=1e-10)
    assert steps < 5_000
    assert abs(y[0] - ref.y[0, -1]) < 1e-5 * max(1.0, abs(ref.y[0, -1]))


def test_osteosim_four_patients_against_kvaerno5_reference():
    """Full model, age 25 to 55: Rodas5P at rtol 1e-7 within 1e-4 of Kvaerno5 at rtol 1e-10."""
    from osteosim.models import Osteosim
    from osteosim.physiology.patient import Patient
    from osteosim.runs import Lane, build_run
    from osteosim.solve.integrate import SolverOptions, solve_batch
    from osteosim.units import DAYS_PER_YEAR

    model = Osteosim()
    p = model.default_parameters().values_dict()
    lanes = [Lane(Patient(sex="female", age=25.0, menopause_age=50.0), [], start_age=25.0),
             Lane(Patient(sex="female", age=25.0, ovariectomy_age=40.0), [], start_age=25.0),
             Lane(Patient(sex="male", age=25.0), [], start_age=25.0),
             Lane(Patient(sex="female", age=25.0, menopause_age=48.0),
                  ["denosumab 60 mg every 6 months for 3 years"], start_age=25.0)]
    ts = np.arange(25.0, 55.01, 1.0) * DAYS_PER_YEAR
    run = build_run(model, lanes, p, ts=ts, years=30.0)

    def solve(**kw):
        return solve_batch(model, run.params, run.y0, run.ts, run.drivers, t0=run.t0, options=SolverOptions(**kw))

    ref = solve(rtol=1e-10, atol=1e-12)
    sol = solve(solver="Rodas5P", rtol=1e-7, atol=1e-9)
    assert sol.ok.all() and ref.ok.all()
    assert np.all(np.isfinite(sol.ys))
    scale = np.asarray(model.state_scale())
    rel = np.abs(sol.ys - ref.ys) / (np.abs(ref.ys) + 1e-6 * scale)
    assert rel.max() <= 1e-4, (rel.max(), np.unravel_index(rel.argmax(), rel.shape), sol.num_steps)


def _pivonka(n=8):
    from osteosim.bench.problem import build_problem

    prob = build_problem("Pivonka2008", n, years=1.0, seed=7)
    p, d = prob.take(slice(0, n))
    return prob, p, d, np.tile(prob.y0, (n, 1))


def test_pivonka_with_input_switch_against_kvaerno5_reference():
    """PTH load switched off at day 100 (a clipped step): within 1e-6 of Kvaerno5 rtol 1e-10."""
    from osteosim.bench.accuracy import rel_err
    from osteosim.solve.integrate import SolverOptions, solve_batch

    prob, p, d, y0 = _pivonka()

    def solve(**kw):
        return solve_batch(prob.model, p, y0, prob.ts, d, t0=prob.t0,
                           options=SolverOptions(**kw))

    ref = solve(rtol=1e-10, atol=1e-12)
    sol = solve(solver="Rodas5P", rtol=1e-8, atol=1e-10)
    assert sol.ok.all()
    assert rel_err(sol.ys, ref.ys, 1e-6 * np.asarray(prob.model.state_scale())) < 1e-6


def test_failed_lanes_are_flagged_and_finite():
    from osteosim.solve.integrate import SolverOptions, solve_batch

    prob, p, d, y0 = _pivonka()
    sol = solve_batch(prob.model, p, y0, prob.ts, d, t0=prob.t0,
                      options=SolverOptions(solver="Rodas5P", rtol=1e-8, atol=1e-10, max_steps=5))
    assert not sol.ok.any()
    assert np.all(sol.num_steps == 5)
    assert np.all(np.isfinite(sol.ys))


def test_shared_step_control_is_refused():
    from osteosim.models import Osteosim
    from osteosim.solve.integrate import SolverOptions

    with pytest.raises(ValueError, match="step_control"):
        SolverOptions(solver="Rodas5P", step_control="shared").resolved(Osteosim())
