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


def _osteosim_treated_run():
    """Two Osteosim patients, one on denosumab then an IV MSC course (dose tables and graft terms live)."""
    from osteosim.models import Osteosim
    from osteosim.physiology.patient import Patient
    from osteosim.runs import Lane, build_run
    from osteosim.units import DAYS_PER_YEAR

    model = Osteosim()
    lanes = [Lane(Patient(sex="female", age=60.0, menopause_age=50.0),
                  ["denosumab 60 mg every 6 months for 3 years",
                   "msc umbilical-cord allogeneic 1e6 cells/kg iv every 6 months for 2 years"], start_age=25.0),
             Lane(Patient(sex="male", age=70.0, smoker=True), [], start_age=25.0)]
    run = build_run(model, lanes, model.default_parameters().values_dict(),
                    ts=np.arange(25.0, 66.0, 1.0) * DAYS_PER_YEAR, years=40.0)
    return model, run


def _staged_cases():
    from osteosim.models.base import MODEL_REGISTRY

    for name, cls in sorted(MODEL_REGISTRY.items()):
        model = cls()
        p = model.default_parameters().values_dict()
        d = model.complete_drivers(p, model.default_drivers())
        y0 = np.asarray(model.initial_state(p, d), float)
        yield name, model, {k: np.asarray([v, v], float) for k, v in p.items()}, \
            {k: np.stack([np.asarray(v, float)] * 2) for k, v in d.items()}, np.stack([y0, y0]), \
            model.start_time(d) + np.array([30.0, 900.0])
    model, run = _osteosim_treated_run()
    yield "Osteosim treated", model, run.params, run.drivers, run.y0, np.array([60.5, 62.3]) * 365.25


@pytest.mark.parametrize("case", list(_staged_cases()), ids=lambda c: c[0])
def test_staged_rhs_equals_model_rhs(case):
    """staged_rhs (what the solver evaluates) gives model.rhs, its d/dy and d/dt, for every model; the
    parameters split between shared scalars and per-patient rows, states perturbed off the initial ones."""
    from osteosim.solve.rosenbrock import staged_rhs

    _, model, params, drivers, y0, ts = case
    names = sorted(params)
    shared = {k: jnp.asarray(np.asarray(params[k])[0]) for k in names[::2]}
    pp = {k: jnp.asarray(np.broadcast_to(params[k], (2,))) for k in names[1::2]}
    drv = {k: jnp.asarray(np.broadcast_to(v, (2,) + np.shape(v)[1:]) if np.ndim(v) else np.full(2, v))
           for k, v in drivers.items()}
    ys = jnp.asarray(np.atleast_2d(y0) * np.exp(np.random.default_rng(1).uniform(-0.2, 0.2, (2, model.n_states))))
    prepare, rhs, per_patient = staged_rhs(model, shared, pp, drv, model.n_states, jnp.float64)
    for i in range(2):
        pi, di = {k: v[i] for k, v in pp.items()}, {k: v[i] for k, v in drv.items()}
        res = prepare(shared, pi, di)
        t, y = jnp.asarray(ts[i]), ys[i]

        def f_old(s, x):
            return model.rhs(s, x, {**shared, **pi}, di)

        def f_new(s, x):
            return rhs(res, s, x)

        # equal to rounding (eagerly, op by op, XLA may round a fused or constant-folded op differently)
        for fn in (lambda f: f(t, y), lambda f: jax.jacfwd(lambda x: f(t, x))(y),
                   lambda f: jax.jvp(lambda s: f(s, y), (t,), (jnp.ones_like(t),))[1]):
            old, new = np.asarray(fn(f_old)), np.asarray(fn(f_new))
            np.testing.assert_allclose(new, old, rtol=1e-13, atol=1e-13 * np.max(np.abs(old)))
    assert len(per_patient) == len(res)


def test_staged_rhs_moves_the_patient_constants_out():
    """The Osteosim RHS left to evaluate per call holds fewer exp/log/pow than model.rhs (the dose tables'
    decay factors, MSC product properties are prepared once per patient): else the split did nothing."""
    from osteosim.solve.rosenbrock import staged_rhs

    model, run = _osteosim_treated_run()
    pp = {k: jnp.asarray(v) for k, v in run.params.items()}
    drv = {k: jnp.asarray(v) for k, v in run.drivers.items()}
    prepare, rhs, per_patient = staged_rhs(model, {}, pp, drv, model.n_states, jnp.float64)
    res = jax.vmap(prepare, in_axes=(None, 0, 0))({}, pp, drv)
    res0 = tuple(r[0] for r in res)
    t, y = jnp.asarray(run.t0 + 100.0), jnp.asarray(run.y0[0])

    def transcendental(fn, *args):
        text = str(jax.make_jaxpr(fn)(*args))
        return sum(text.count(f" {op}[") + text.count(f" {op} ") for op in ("exp", "log", "pow", "expm1"))

    full = transcendental(lambda s, x: model.rhs(s, x, {k: v[0] for k, v in pp.items()}, {k: v[0] for k, v in drv.items()}), t, y)
    left = transcendental(lambda s, x: rhs(res0, s, x), t, y)
    assert left < 0.8 * full, (left, full)
    assert any(per_patient) and not all(per_patient)  # some prepared values differ between the patients


def test_prepared_solve_is_bit_identical():
    """The queue solve with the staged RHS gives the same bits and steps as with model.rhs in every evaluation."""
    from osteosim.solve.integrate import SolverOptions, _solve_batch

    prob, p, d, y0 = _pivonka()
    opts = SolverOptions(solver="Rodas5P", rtol=1e-8, atol=1e-10).resolved(prob.model)
    new, old = (_solve_batch(prob.model, p, y0, prob.ts, d, prob.t0, opts, pad_to=8, prepared=b) for b in (True, False))
    assert old.ok.all() and np.array_equal(new.ys, old.ys) and np.array_equal(new.num_steps, old.num_steps)
