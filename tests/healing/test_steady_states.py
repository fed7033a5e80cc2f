"""Well-mixed (0-D) checks of the rate laws against the analytic results of the dossier (section 1.3)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from osteosim.healing.model import CB, CC, CM, GB, GC, MB, MC, NF, HealingModel
from osteosim.healing.run import build_grid
from osteosim.parameters.bailon_plaza2001 import BAILON_PLAZA2001

P = BAILON_PLAZA2001.values_dict()


@pytest.fixture(scope="module")
def model():
    return HealingModel(build_grid(BAILON_PLAZA2001, 0.2, "line", "coarse"), P)


def _relax(model, state: dict[int, float], field: int, t_end: float = 5.0) -> np.ndarray:
    """Integrate one field of one well-mixed cell with the others frozen."""
    u = np.zeros((NF, 1))
    for k, v in state.items():
        u[k] = v

    def f(_t, y):
        uu = u.copy()
        uu[field] = y
        return model.reactions(uu)[field]

    return solve_ivp(f, (0, t_end), u[field], method="LSODA", rtol=1e-10, atol=1e-12, dense_output=True)


def test_logistic_growth_reaches_the_limiting_density(model):
    u0 = np.zeros(NF)
    u0[CM], u0[MC] = 0.01, 0.1
    sol = solve_ivp(lambda t, y: model.reactions(y.reshape(NF, 1)).ravel(), (0, 150), u0, method="LSODA",
                    rtol=1e-10, atol=1e-12)
    assert sol.y[CM, -1] == pytest.approx(1.0 / P["alpha_M"], abs=1e-6)
    assert sol.y[MC, -1] == pytest.approx(1.0 / P["kappa_C"], abs=1e-6)


@pytest.mark.parametrize("c_b", [0.3, 0.6, 1.0])
def test_osteogenic_gf_settles_at_5cB_minus_1(model, c_b):
    sol = _relax(model, {CB: c_b, GB: 1.0}, GB)
    expected = P["G_GB"] / P["d_GB"] * c_b - P["H_GB"]
    assert sol.y[0, -1] == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("c_b", [0.1, 0.18])
def test_osteogenic_gf_dies_below_the_threshold(model, c_b):
    assert _relax(model, {CB: c_b, GB: 5.0}, GB, t_end=20.0).y[0, -1] < 1e-6


def test_chondrogenic_gf_threshold_depends_on_the_matrix(model):
    phi = lambda m: m / (P["K_GC"] ** 3 + m ** 3)  # noqa: E731
    threshold = P["H_GC"] * P["d_GC"] / (P["G_GC"] * phi(0.1))
    assert threshold == pytest.approx(0.04, rel=0.01)
    above = _relax(model, {CC: 2 * threshold, MC: 0.1, GC: 1.0}, GC, t_end=20.0).y[0, -1]
    below = _relax(model, {CC: 0.5 * threshold, MC: 0.1, GC: 1.0}, GC, t_end=20.0).y[0, -1]
    assert above == pytest.approx(P["G_GC"] / P["d_GC"] * phi(0.1) * 2 * threshold - P["H_GC"], rel=1e-6)
    assert below < 1e-6
    # mature matrix: even the limiting chondrocyte density cannot sustain g_C
    assert _relax(model, {CC: 1.0, MC: 1.0, GC: 5.0}, GC, t_end=20.0).y[0, -1] < 1e-6


@pytest.mark.parametrize("c_b", [0.2, 0.7])
def test_bone_matrix_fills_exponentially(model, c_b):
    sol = _relax(model, {CB: c_b}, MB, t_end=3.0)
    t = np.linspace(0, 3, 7)
    assert np.allclose(sol.sol(t)[0], 1.0 - np.exp(-P["P_BS"] * c_b * t), atol=1e-8)


def test_endochondral_rate_is_bounded(model):
    g = np.array([0.01, 0.1, 1.0, 10.0])
    u = np.zeros((NF, g.size))
    u[CC], u[MC], u[GB] = 1.0, 1.0, g
    f3_max = P["Y3"] / (P["B_ec"] ** 6 + 1.0)  # m_C <= 1/kappa_C = 1
    assert f3_max == pytest.approx(80.7, abs=0.01)
    bound = f3_max * g / (P["H3"] + g)
    loss = -(model.reactions(u)[CC] - P["A_C0"] * 1.0 / (P["K_C"] ** 2 + 1.0) * (1 - 1.0))
    assert np.allclose(loss, bound, rtol=1e-12)


def test_zero_growth_factor_is_a_steady_state(model):
    u = np.zeros((NF, 1))
    u[CM], u[CC], u[CB], u[MC] = 0.5, 0.5, 0.5, 0.3
    r = model.reactions(u)
    assert r[GC, 0] == 0.0 and r[GB, 0] == 0.0
    assert r[CM, 0] > 0  # no differentiation without GF: MSCs only proliferate
