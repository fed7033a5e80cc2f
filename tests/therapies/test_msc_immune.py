"""MSC immunomodulation (mechanism d): closed-form memory, zero without MSC doses, nothing when estrogen is replete."""
import math

import jax.numpy as jnp
import numpy as np
from scipy.integrate import solve_ivp

from osteosim.models.osteosim import Osteosim
from osteosim.outcomes.patient_run import species_parameters
from osteosim.physiology.drivers import patient_drivers
from osteosim.physiology.patient import Patient
from osteosim.therapies import parse_regimen
from osteosim.therapies.dosing import DosingBlock, depot_amount, dose_table
from osteosim.therapies.msc import SWITCHES, graft, immune_memory
from osteosim.therapies.pkpd import regimen_tables

MODEL = Osteosim()
P = species_parameters(MODEL, MODEL.default_parameters(), "human").values_dict()
IV = "msc bone-marrow allogeneic 2e6 cells/kg iv once"


def _setup(patient: Patient, regimen: list[str]):
    t0 = patient.age * 365.25
    d = MODEL.complete_drivers(P, dict(MODEL.default_drivers(), **patient_drivers(patient, P),
                                       **regimen_tables(parse_regimen(regimen), t0, 3650.0, patient=patient, params=P)))
    return t0, d, jnp.asarray(MODEL.initial_state(P, d))


def test_memory_is_the_closed_form_of_the_cells_to_memory_chain():
    """Two doses into a compartment emptying at k_c feeding a memory fading at k_m: the Bateman sum equals an ODE solve."""
    k_c, k_m, share = 0.7, math.log(2.0) / 60.0, 0.9
    tab = {k: jnp.asarray(v[0]) for k, v in dose_table([[DosingBlock(10.0, 30.0, 2, 1e6)]]).items()}

    def rhs(t, y):
        return [-k_c * y[0], k_c * y[0] - k_m * y[1]]

    # integrate between doses, adding each bolus to the cell compartment
    y, t_prev, ts = np.zeros(2), 0.0, [5.0, 12.0, 39.0, 45.0, 200.0]
    out = []
    for t_end in ts:
        for dose_t in (10.0, 40.0):
            if t_prev <= dose_t < t_end:
                y = solve_ivp(rhs, (t_prev, dose_t), y, rtol=1e-11, atol=1e-6).y[:, -1]
                y[0] += share * 1e6
                t_prev = dose_t
        y = solve_ivp(rhs, (t_prev, t_end), y, rtol=1e-11, atol=1e-6).y[:, -1]
        t_prev = t_end
        out.append(y[1])
    closed = [float(immune_memory(depot_amount(t, tab, k_m), depot_amount(t, tab, k_c), share, k_c, k_m)) for t in ts]
    np.testing.assert_allclose(closed, out, rtol=1e-7, atol=1e-3)


def test_suppression_outlasts_the_cells():
    t0, d, _ = _setup(Patient(age=65, tscore_lumbar_spine=-2.7), [IV])
    g = {day: graft(t0 + day, d, P) for day in (1.0, 14.0, 60.0, 365.0)}
    assert float(g[14.0]["lung"]) < 1e-3 * float(g[1.0]["lung"])  # lung cells gone within two weeks
    peak = float(g[14.0]["immune"])
    assert 0.0 < peak <= P["msc_immune_emax"]
    assert 0.0 < float(g[365.0]["immune"]) < float(g[60.0]["immune"]) < peak


def test_channel_is_zero_without_msc_doses():
    """No MSC dose: the immune exposure is exactly 0 and its parameters change no derivative (any other drug given)."""
    for regimen in ([], ["denosumab 60 mg every 6 months for 3 years"]):
        t0, d, y = _setup(Patient(age=65, tscore_lumbar_spine=-2.7), regimen)
        traced = {k: jnp.asarray(v) for k, v in d.items()}  # a traced-like table (not the SBML shortcut)
        assert float(graft(t0 + 30.0, traced, P)["immune"]) == 0.0
        base = np.asarray(MODEL.rhs(t0 + 30.0, y, P, d))
        for over in ({"msc_immune_emax": 1.0, "msc_immune_ec50": 0.1}, {SWITCHES["immunomodulation"]: 0.0}):
            np.testing.assert_array_equal(np.asarray(MODEL.rhs(t0 + 30.0, y, dict(P, **over), d)), base)


def test_nothing_while_estrogen_is_replete():
    """A premenopausal woman: the suppression is there, but it acts on an estrogen-deficiency drive of 0."""
    t0, d, y = _setup(Patient(age=30), [IV])
    assert float(graft(t0 + 7.0, d, P)["immune"]) > 0.0
    on = np.asarray(MODEL.rhs(t0 + 7.0, y, P, d))
    off = np.asarray(MODEL.rhs(t0 + 7.0, y, dict(P, **{SWITCHES["immunomodulation"]: 0.0}), d))
    np.testing.assert_array_equal(on, off)
    # postmenopausal: the same dose lowers RANKL
    t0, d, y = _setup(Patient(age=65), [IV])
    rankl = [float(MODEL.outputs(t0 + 7.0, y, dict(P, **{SWITCHES["immunomodulation"]: s}), d)["rankl_lumbar_spine"])
             for s in (1.0, 0.0)]
    assert rankl[0] < rankl[1]
