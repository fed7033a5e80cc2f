"""Batched solve: same answer as single-patient solves, independent of chunking and padding."""
import numpy as np
import pytest

from osteosim.models import Pivonka2008
from osteosim.solve import SolverOptions, solve_batch, solve_chunked


@pytest.fixture(scope="module")
def problem():
    m = Pivonka2008()
    base = m.default_parameters().values_dict()
    rng = np.random.default_rng(3)
    n = 20
    params = dict(base)
    params["D_OCp"] = base["D_OCp"] * np.exp(rng.uniform(-0.1, 0.1, n))
    params["A_OBa"] = base["A_OBa"] * np.exp(rng.uniform(-0.1, 0.1, n))
    d = m.complete_drivers(base, dict(m.default_drivers(), P_PTH=1000.0))
    drivers = dict(d, P_PTH=rng.uniform(500.0, 1500.0, n))
    y0 = np.tile(m.initial_state(base, d), (n, 1))
    ts = np.linspace(0.0, 150.0, 31)
    return m, params, drivers, y0, ts, n


def test_batch_equals_single_patient_solves(problem):
    m, params, drivers, y0, ts, n = problem
    opts = SolverOptions(rtol=1e-10, atol=1e-12)
    batch = solve_batch(m, params, y0, ts, drivers, options=opts)
    for i in range(n):
        pi = {k: (v[i] if np.ndim(v) else v) for k, v in params.items()}
        di = {k: (v[i] if np.ndim(v) else v) for k, v in drivers.items()}
        single = solve_batch(m, pi, y0[i], ts, di, options=opts)
        np.testing.assert_allclose(batch.ys[i], single.ys[0], rtol=1e-8, atol=0)


def test_chunking_does_not_change_results(problem):
    m, params, drivers, y0, ts, n = problem
    whole = solve_chunked(m, params, y0, ts, drivers, chunk_size=64, block=4)
    seen = []
    for cs in (1, 4, 8, 12):  # rounded up to whole blocks of 4
        part = solve_chunked(m, params, y0, ts, drivers, chunk_size=cs, block=4,
                             progress=lambda d, t: seen.append((d, t)))
        np.testing.assert_array_equal(part.ys, whole.ys)
        assert part.ok.all()
    assert seen[-1] == (n, n)


SHARED = SolverOptions(solver="Tsit5", rtol=1e-10, atol=1e-12, step_control="shared", pcoeff=0.4, icoeff=0.3)


def test_shared_steps_match_single_patient_solves(problem):
    """One step size for the block (worst patient's error): every patient still meets the tolerance."""
    m, params, drivers, y0, ts, n = problem
    shared = solve_batch(m, params, y0, ts, drivers, options=SHARED)
    assert shared.ok.all()
    for i in range(n):
        pi = {k: (v[i] if np.ndim(v) else v) for k, v in params.items()}
        di = {k: (v[i] if np.ndim(v) else v) for k, v in drivers.items()}
        # the same solver on its own steps (Kvaerno5, the model's default, is itself 1.6e-8 off here)
        single = solve_batch(m, pi, y0[i], ts, di, options=SolverOptions(solver="Tsit5", rtol=1e-10, atol=1e-12))
        np.testing.assert_allclose(shared.ys[i], single.ys[0], rtol=1e-8, atol=0)


def test_shared_steps_chunking_does_not_change_results(problem):
    """Blocks are fixed (patient i in block i // block), so the shared steps do not depend on the chunk size."""
    m, params, drivers, y0, ts, n = problem
    whole = solve_chunked(m, params, y0, ts, drivers, options=SHARED, chunk_size=64, block=8)
    for cs in (1, 8, 12):
        part = solve_chunked(m, params, y0, ts, drivers, options=SHARED, chunk_size=cs, block=8)
        np.testing.assert_array_equal(part.ys, whole.ys)


def test_bad_inputs_are_named(problem):
    m, params, drivers, y0, ts, n = problem
    with pytest.raises(ValueError, match="y0"):
        solve_batch(m, params, y0[:, :2], ts, drivers)
    with pytest.raises(ValueError, match="ts"):
        solve_batch(m, params, y0, ts[::-1], drivers)
    with pytest.raises(ValueError, match="D_OCp"):
        solve_batch(m, dict(params, D_OCp=np.ones(3)), y0, ts, drivers)
    with pytest.raises(ValueError, match="solver"):
        solve_batch(m, params, y0, ts, drivers, options=SolverOptions(solver="Euler9"))
    with pytest.raises(ValueError, match="step_control"):
        solve_batch(m, params, y0, ts, drivers, options=SolverOptions(step_control="lockstep"))
    with pytest.raises(ValueError, match="step_control"):  # implicit: the block's Jacobian would be dense
        solve_batch(m, params, y0, ts, drivers, options=SolverOptions(solver="Kvaerno5", step_control="shared"))


def test_warm_outputs_leaves_the_outputs_compiled():
    """warm_outputs compiles (in its thread) exactly the function outputs_over_time then calls: that call
    compiles nothing, and its numbers equal an unwarmed call's."""
    import jax.monitoring

    from osteosim.models import Osteosim
    from osteosim.physiology.patient import Patient
    from osteosim.runs import Lane, build_run
    from osteosim.solve import outputs_over_time, warm_outputs
    from osteosim.units import DAYS_PER_YEAR

    model = Osteosim()
    p = model.default_parameters().values_dict()
    patient = Patient(sex="female", age=63.0, menopause_age=50.0)
    ts = (63.0 + np.linspace(0.0, 1.0, 7)) * DAYS_PER_YEAR  # a save-time count no other test uses
    run = build_run(model, [Lane(patient)], p, ts=ts, years=1.0)
    d = run.lane_drivers[0]
    ys = np.repeat(run.y0[:1], len(ts), axis=0) * np.linspace(1.0, 0.99, len(ts))[:, None]

    thread = warm_outputs(model, run.ts, run.y0[0], p, d)
    assert thread is not None
    thread.join()
    compiles = []

    def listener(event: str, duration: float, **kw) -> None:
        if event == "/jax/core/compile/backend_compile_duration":
            compiles.append(kw.get("fun_name", "?"))

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        warmed = outputs_over_time(model, run.ts, ys, p, d, thread)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    assert compiles == []
    assert warmed and all(np.all(np.isfinite(v)) for v in warmed.values())
    plain = outputs_over_time(model, run.ts, ys, p, d)
    assert warmed.keys() == plain.keys()
    for k in plain:
        np.testing.assert_array_equal(warmed[k], plain[k])
