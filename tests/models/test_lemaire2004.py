"""Lemaire 2004: steady state, reference responses and paper claims
(reference/models/remodeling-models.md section 2.1)."""
import numpy as np
import pytest

from osteosim import citations
from osteosim.models import Lemaire2004, get_model
from osteosim.models.lemaire2004 import LEMAIRE2004_INPUTS, lemaire_signals, lemaire_steady_state
from osteosim.parameters import LEMAIRE2004
from osteosim.simulation import Simulation
from osteosim.solve import solve_batch

# [RUN][X] steady state, section 2.1
STEADY = {"R": 7.7344e-4, "B": 7.2834e-4, "C": 9.1275e-4}

# Reference responses, section 2.1: step input on days 20-80 from steady state.
# (R, B, C) x 1e-4 pM at t = 30, 80, 100, 140.
TABLE_TIMES = (30.0, 80.0, 100.0, 140.0)
TABLE = {
    "+B": ({"I_B": 1e-4}, [(8.809, 11.709, 10.966), (10.238, 13.663, 11.394),
                           (8.387, 8.140, 9.421), (7.755, 7.310, 9.138)]),
    "-B": ({"I_B": -8.3e-5}, [(6.668, 3.645, 7.287), (2.416, 0.184, 3.016),
                              (6.225, 5.449, 8.325), (7.684, 7.219, 9.103)]),
    "PTH": ({"I_P": 1e3}, [(23.685, 8.039, 32.228), (40.282, 16.303, 36.846),
                           (11.253, 12.784, 10.487), (7.846, 7.427, 9.181)]),
    "+C": ({"I_C": 1e-4}, [(9.934, 7.352, 12.081), (11.322, 8.801, 12.337),
                           (8.197, 7.915, 9.361), (7.750, 7.303, 9.135)]),
    "-C": ({"I_C": -2.9e-4}, [(2.410, 6.070, 3.394), (0.585, 2.124, 0.183),
                              (6.284, 5.534, 8.352), (7.686, 7.222, 9.104)]),
    "OPG": ({"I_O": 2e5}, [(3.783, 7.218, 3.636), (0.787, 2.405, 0.658),
                           (6.376, 5.638, 8.403), (7.689, 7.226, 9.106)]),
    "+R": ({"I_R": 1e-4}, [(11.858, 10.234, 8.588), (13.479, 12.602, 9.220),
                           (8.439, 8.193, 9.466), (7.757, 7.312, 9.138)]),
    "RANKL": ({"I_L": 10.0}, [(7.763, 7.285, 9.164), (7.779, 7.304, 9.169),
                              (7.740, 7.291, 9.131), (7.735, 7.284, 9.128)]),
}
# Tolerance: 1e-3 relative, or half a unit of the last printed digit (0.0005e-4 pM = 5e-8 pM)
# for the small entries printed with only 3 significant digits (e.g. 0.184).
TABLE_REL, TABLE_ABS = 1e-3, 5e-8


def _save_times():
    """The save grid of the default 140-day Simulation (401 points), with the table times put in.

    Same number of save times, patients and driver keys as ``Simulation(model="Lemaire2004",
    years=140/365.25)``, so every solve of this file reuses one compiled function.
    """
    ts = np.linspace(0.0, 140.0, 401)
    for t in TABLE_TIMES:
        ts[int(np.argmin(np.abs(ts - t)))] = t
    assert np.all(np.diff(ts) > 0)
    return ts


@pytest.fixture(scope="module")
def table_solution():
    """Each load case from the steady state, at the table times: case -> (4, 3) array in pM."""
    m = Lemaire2004()
    params = m.default_parameters()
    y0 = m.initial_state(params)
    ts = _save_times()
    idx = [int(np.flatnonzero(ts == t)[0]) for t in (0.0,) + TABLE_TIMES]
    out = {}
    for name, (drivers, _) in TABLE.items():
        sol = solve_batch(m, params.values_dict(), y0, ts, drivers)
        assert sol.ok.all(), name
        out[name] = sol.ys[0, idx]
    return out, ts[idx]


def test_parameters_have_units_sources_and_citations():
    assert len(LEMAIRE2004) == 20
    for prm in LEMAIRE2004.values():
        assert prm.unit and "BIOMD0000000278" in prm.source
        assert prm.cite == ("Lemaire2004", "BIOMD0000000278")
    keys = {c.key: c.reference for c in citations.all_citations()}
    assert "J Theor Biol 2004;229(3):293-309" in keys["Lemaire2004"]
    assert "BIOMD0000000278" in keys
    assert LEMAIRE2004.value("K_LP") == 3.0e6 and LEMAIRE2004.value("S_P") == 250.0


def test_model_registered_and_configured():
    m = get_model("lemaire2004")
    assert isinstance(m, Lemaire2004) and m.state_names == ("R", "B", "C")
    d = m.default_drivers()
    assert d["input_start"] == 20.0 and d["input_end"] == 80.0
    assert all(d[k] == 0.0 for k in LEMAIRE2004_INPUTS)
    assert m.jump_times(d) == [20.0, 80.0]
    assert m.jump_times({"input_start": 5.0, "input_end": 50.0}) == [5.0, 50.0]
    np.testing.assert_allclose(m.state_scale(), 1e-3)


def test_steady_state_matches_reference():
    m = Lemaire2004()
    y = m.initial_state(m.default_parameters())
    for i, name in enumerate(m.state_names):
        assert y[i] == pytest.approx(STEADY[name], rel=1e-4)
    # the published SBML initial conditions (4 significant digits)
    np.testing.assert_allclose(y, [7.734e-4, 7.282e-4, 9.127e-4], rtol=1e-3)
    # it is a root of the RHS (with the inputs zero, at any time)
    p = m.default_parameters().values_dict()
    for t in (0.0, 50.0):
        dy = np.asarray(m.rhs(t, y, p, m.default_drivers()))
        assert np.max(np.abs(dy)) < 1e-15


def test_rhs_undefined_for_negative_cells():
    m = Lemaire2004()
    p = m.default_parameters().values_dict()
    y = m.initial_state(m.default_parameters())
    assert np.all(np.isfinite(np.asarray(m.rhs(0.0, y, p, m.default_drivers()))))
    for i in range(3):
        bad = y.copy()
        bad[i] = -1e-9
        assert np.all(np.isnan(np.asarray(m.rhs(0.0, bad, p, m.default_drivers()))))


def test_steady_state_failure_is_an_error():
    with pytest.raises(RuntimeError, match="steady state not found"):
        lemaire_steady_state(LEMAIRE2004.with_(D_R=-7e-4))


def test_signals_at_steady_state():
    m = Lemaire2004()
    params = m.default_parameters()
    p = params.values_dict()
    y = m.initial_state(params)
    s = {k: float(v) for k, v in m.outputs(0.0, y, p, m.default_drivers()).items()}
    assert set(s) == {"pi_C", "pi_P", "pi_L", "PTH", "OPG", "RANKL"}
    assert s["PTH"] == pytest.approx(p["S_P"] / p["k_P"])
    assert s["pi_P"] == pytest.approx((p["S_P"] / p["k_P"]) / (p["k6"] / p["k5"]))
    assert p["f0"] < s["pi_C"] < 1.0
    # osteoclast balance D_C*pi_L = D_A*pi_C*C, and pi_L = (k3/k4) * free RANKL
    assert p["D_C"] * s["pi_L"] == pytest.approx(p["D_A"] * s["pi_C"] * y[2], rel=1e-10)
    assert s["pi_L"] == pytest.approx(p["k3"] / p["k4"] * s["RANKL"], rel=1e-12)
    assert s["OPG"] == pytest.approx(p["K_OP"] * y[0] / s["pi_P"] / p["k_O"], rel=1e-12)
    # during a PTH input, PTH = (S_P + I_P)/k_P; outside the window the input is off
    d = dict(m.default_drivers(), I_P=1e3)
    u = dict(dict.fromkeys(LEMAIRE2004_INPUTS, 0.0), I_P=1e3)
    assert float(lemaire_signals(*y, p, u)["PTH"]) == pytest.approx(1250.0 / 86.0)
    assert float(m.outputs(50.0, y, p, d)["PTH"]) == pytest.approx(1250.0 / 86.0)
    assert float(m.outputs(10.0, y, p, d)["PTH"]) == pytest.approx(250.0 / 86.0)
    assert float(m.outputs(80.0, y, p, d)["PTH"]) == pytest.approx(250.0 / 86.0)  # active for t < input_end


@pytest.mark.parametrize("case", list(TABLE))
def test_reference_responses(table_solution, case):
    ys, ts = table_solution
    np.testing.assert_allclose(ys[case][0], [STEADY["R"], STEADY["B"], STEADY["C"]], rtol=1e-4)
    for j, t in enumerate(TABLE_TIMES):
        assert ts[j + 1] == t
        expected = np.array(TABLE[case][1][j]) * 1e-4
        assert ys[case][j + 1] == pytest.approx(expected, rel=TABLE_REL, abs=TABLE_ABS), (case, t)


def test_continuous_pth_is_catabolic(table_solution):
    ys, _ = table_solution
    ss = np.array([STEADY["R"], STEADY["B"], STEADY["C"]])
    for j in (1, 2):  # t = 30 and t = 80, inside the input window
        rel = ys["PTH"][j] / ss - 1.0
        assert rel[2] > rel[1] > 0.0  # osteoclasts rise more than active osteoblasts
        assert rel[2] > 1.0


def test_rankl_raises_and_opg_lowers_osteoclasts(table_solution):
    ys, _ = table_solution
    c_ss = STEADY["C"]
    assert ys["RANKL"][1][2] > c_ss and ys["RANKL"][2][2] > c_ss
    assert ys["OPG"][1][2] < 0.5 * c_ss and ys["OPG"][2][2] < 0.1 * c_ss
    # coupling: resorption down -> formation down, and every case relaxes back after the window
    assert ys["OPG"][2][1] < STEADY["B"]
    for case, y in ys.items():
        np.testing.assert_allclose(y[-1], [STEADY["R"], STEADY["B"], STEADY["C"]], rtol=0.02, err_msg=case)


def test_simulation_pth_load_case():
    res = Simulation(model="Lemaire2004", years=140 / 365.25, drivers={"I_P": 1000}).solve()
    assert res.summary["solver_ok"]
    df = res.timeseries
    assert df.t_days.iloc[-1] == pytest.approx(140.0)
    for col in ("R", "B", "C", "pi_C", "pi_P", "pi_L", "PTH", "OPG", "RANKL"):
        assert np.all(np.isfinite(df[col])), col
    np.testing.assert_allclose(df[["R", "B", "C"]].iloc[-1], [7.846e-4, 7.427e-4, 9.181e-4], rtol=1e-3)
    assert {"Lemaire2004", "BIOMD0000000278"} <= {c.key for c in res.citations}
    assert df.PTH.max() == pytest.approx(1250.0 / 86.0)


def test_osteoblast_precursor_removal_fails_instead_of_going_negative():
    # -R case, I_R = -1.2e-3 pM/day: removal exceeds the maximal production D_R = 7e-4, R reaches 0
    # at t ~ 20.69 d and past that the RANKL term has a pole (bone_models' RK45 aborts at 20.73 d).
    # Decided behaviour: the RHS is undefined (NaN) for negative cells, so the solve fails there and
    # reports it; the saved states are never negative, and those after the failure are inf.
    res = Simulation(model="Lemaire2004", years=140 / 365.25, drivers={"I_R": -1.2e-3}).solve()
    assert res.summary["solver_ok"] is False
    df = res.timeseries
    cells = df[["R", "B", "C"]].to_numpy()
    finite = np.isfinite(cells).all(axis=1)
    assert np.all(cells[np.isfinite(cells)] >= 0.0)
    t_fin = df.t_days.to_numpy()[finite]
    assert 20.3 < t_fin.max() < 20.7  # last save before R reaches zero
    assert not finite[df.t_days.to_numpy() > 20.7].any()
    # before the removal starts the state is the steady state
    before = cells[df.t_days.to_numpy() <= 20.0][-1]
    np.testing.assert_allclose(before, [STEADY["R"], STEADY["B"], STEADY["C"]], rtol=1e-4)
