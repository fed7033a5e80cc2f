"""Dose events inside the batched solve: closed-form depot inputs + per-patient jump times.

A one-compartment PK model with first-order absorption (``dC/dt = ka Depot(t) - ke C``) has
the Bateman superposition as its exact solution, so the engine's accuracy with doses that
differ between patients (weekly, monthly, yearly, infusions, starts and stops) is checked
against closed form, and batched against single-patient solves.
"""
import numpy as np
import pytest

import jax.numpy as jnp

from osteosim.models.base import Model
from osteosim.solve import SolverOptions, solve_batch, solve_chunked
from osteosim.therapies.dosing import DosingBlock, depot_amount, dose_table, dose_times, infusion_rate, mean_rate

KA, KE = 0.17, 0.02  # 1/day


class ToyPK(Model):
    name = "ToyPK"
    state_names = ("central",)
    solver = "Tsit5"

    def default_drivers(self):
        return {}

    def jump_times(self, drivers):
        return [dose_times(drivers)]

    def rhs(self, t, y, p, d):
        inp = p["ka"] * depot_amount(t, d, p["ka"]) + infusion_rate(t, d)
        return jnp.stack([inp - p["ke"] * y[0]])


def bateman(t, blocks, ka=KA, ke=KE):
    total = 0.0
    for b in blocks:
        for k in range(b.count):
            td = b.start + k * b.interval
            if b.duration == 0 and t >= td:
                s = t - td
                total += b.amount * ka / (ka - ke) * (np.exp(-ke * s) - np.exp(-ka * s))
            elif b.duration > 0 and t >= td:
                rate = b.amount / b.duration
                on = min(t, td + b.duration) - td
                total += rate / ke * (1 - np.exp(-ke * on)) * np.exp(-ke * (t - td - on))
    return total


SCHEDULES = [
    [DosingBlock(0.0, 182.5, 6, 60.0)],  # every 6 months for 3 years
    [DosingBlock(10.0, 7.0, 52, 70.0)],  # weekly for a year, starting day 10
    [DosingBlock(0.0, 365.25, 3, 5.0, duration=0.5 / 24)],  # yearly 30-min infusion
    [DosingBlock(0.0, 30.0, 12, 20.0), DosingBlock(400.0, 182.5, 2, 60.0)],  # switch drugs
    [],  # placebo
]
TS = np.linspace(0.0, 1100.0, 221)


@pytest.fixture(scope="module")
def batch():
    table = dose_table(SCHEDULES)
    return solve_batch(ToyPK(), {"ka": KA, "ke": KE}, np.zeros((len(SCHEDULES), 1)), TS, table,
                       options=SolverOptions(rtol=1e-10, atol=1e-10))


def test_matches_bateman_superposition(batch):
    for i, blocks in enumerate(SCHEDULES):
        exact = np.array([bateman(t, blocks) for t in TS])
        scale = max(exact.max(), 1.0)
        np.testing.assert_allclose(batch.ys[i, :, 0], exact, rtol=0, atol=1e-8 * scale)


def test_shared_steps_stop_at_every_patients_doses():
    """One step size for the batch: steps end at the union of the patients' dose times, so each
    patient still matches its own Bateman superposition."""
    table = dose_table(SCHEDULES)
    shared = solve_batch(ToyPK(), {"ka": KA, "ke": KE}, np.zeros((len(SCHEDULES), 1)), TS, table,
                         options=SolverOptions(rtol=1e-10, atol=1e-10, step_control="shared"))
    assert shared.ok.all()
    for i, blocks in enumerate(SCHEDULES):
        exact = np.array([bateman(t, blocks) for t in TS])
        np.testing.assert_allclose(shared.ys[i, :, 0], exact, rtol=0, atol=1e-8 * max(exact.max(), 1.0))


def test_batched_equals_single(batch):
    for i, blocks in enumerate(SCHEDULES):
        single = solve_batch(ToyPK(), {"ka": KA, "ke": KE}, np.zeros((1, 1)), TS, dose_table([blocks], n_blocks=2),
                             options=SolverOptions(rtol=1e-10, atol=1e-10))
        np.testing.assert_allclose(batch.ys[i], single.ys[0], rtol=1e-8, atol=1e-12)


def test_chunked_with_doses_is_identical(batch):
    table = dose_table(SCHEDULES)
    a = solve_chunked(ToyPK(), {"ka": KA, "ke": KE}, np.zeros((5, 1)), TS, table, chunk_size=2, block=2,
                      options=SolverOptions(rtol=1e-10, atol=1e-10))
    b = solve_chunked(ToyPK(), {"ka": KA, "ke": KE}, np.zeros((5, 1)), TS, table, chunk_size=4, block=2,
                      options=SolverOptions(rtol=1e-10, atol=1e-10))
    np.testing.assert_array_equal(a.ys, b.ys)


def test_mean_rate_approximates_daily_dosing():
    """Daily doses of a drug acting over weeks: the averaged input lags the resolved train by half a
    dose (the first dose is at t = 0), i.e. within 0.6 dose units here and 2 % after a month."""
    daily = [DosingBlock(0.0, 1.0, 365, 1.0)]
    d = {k: v[0] for k, v in dose_table([daily]).items()}
    for t in (45.0, 100.0, 300.0):
        assert float(mean_rate(t, d)) == pytest.approx(1.0)
        # constant 1/day into the depot: C = 1/ke (1 - e^-ke t) - (e^-ke t - e^-ka t)/(ka - ke)
        averaged = (1 - np.exp(-KE * t)) / KE - (np.exp(-KE * t) - np.exp(-KA * t)) / (KA - KE)
        exact_mean = np.mean([bateman(t + f, daily) for f in np.linspace(0, 1, 25)])
        assert abs(averaged - exact_mean) <= 0.6
        assert averaged == pytest.approx(exact_mean, rel=0.02)


def test_dosing_block_validation():
    with pytest.raises(ValueError, match="interval"):
        DosingBlock(0.0, 0.0, 3, 1.0)
    with pytest.raises(ValueError, match="count"):
        DosingBlock(0.0, 7.0, 0, 1.0)
    with pytest.raises(ValueError, match="amount"):
        DosingBlock(0.0, 7.0, 2, -1.0)
    with pytest.raises(ValueError, match="duration"):
        DosingBlock(0.0, 7.0, 2, 1.0, duration=8.0)
